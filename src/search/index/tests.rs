//! Queries against the small fixture city: names, categories, references, ranking, limits.

use geo::Coord;

use super::*;
use crate::search::fixtures;

fn ask(q: &str, near: Option<(f64, f64)>, limit: usize) -> SearchAnswer {
    let index = fixtures::city();
    let snapshot = index.snapshot();
    let search = SearchIndex::build(&snapshot);
    let request = SearchRequest {
        text: q.to_string(),
        near: near.map(|(x, y)| Coord { x, y }),
        limit,
    };
    search.search(&snapshot, &CategoryRegistry::default(), &request)
}

/// (fid, field, score) of each result.
fn got(q: &str, near: Option<(f64, f64)>) -> Vec<(i64, &'static str, f64)> {
    ask(q, near, 10)
        .results
        .iter()
        .map(|f| (f.feature.fid.0, f.field.as_str(), f.score))
        .collect()
}

fn fids(q: &str, near: Option<(f64, f64)>) -> Vec<i64> {
    got(q, near).into_iter().map(|(f, _, _)| f).collect()
}

#[test]
fn the_index_counts_names_and_parcels() {
    let index = fixtures::city();
    let s = SearchIndex::build(&index.snapshot()).stats();
    // 6 points × 2 names, 2 districts × 2, 2 plan names; parcels only in the reference map.
    assert_eq!(s.names, 18);
    assert_eq!(s.parcels, 4);
    assert_eq!(s.version, 0);
    assert!(s.bytes > 0 && s.words > 10);
}

#[test]
fn pharmacies_by_arabic_name_variants_and_category() {
    for q in ["صيدلية", "صيدليه", "صيـــدلية", "الصيدلية", "pharmacy"]
    {
        assert_eq!(fids(q, None), [1, 2, 3], "{q}");
    }
    let r = got("صيدليه", None);
    assert_eq!(r[0], (1, "name_ar", 0.8));
    assert_eq!(
        r[2],
        (3, "category", 0.8),
        "صيدليات is found through its category"
    );
}

#[test]
fn prefixes_while_typing() {
    assert_eq!(fids("صيدل", None)[..2], [1, 2]);
    assert_eq!(got("صيدل", None)[0].2, 0.6);
    assert_eq!(fids("nahdi pharm", None)[..2], [1, 2]);
    assert_eq!(got("nahdi pharm", None)[0].1, "name_en");
    assert_eq!(fids("مستشفى الد", None)[0], 5);
}

#[test]
fn exact_names_come_before_whole_words() {
    let r = got("صيدلية النهدي", None);
    assert_eq!(r[0], (1, "name_ar", 1.0));
    assert_eq!(r[1], (2, "name_ar", 1.0));
    assert_eq!(got("مستشفي الامل", None)[0], (4, "name_ar", 1.0));
    assert_eq!(got("مستشفى الأمل", None)[0], (4, "name_ar", 1.0));
    assert_eq!(fids("الدّمّام", None), [5]);
    assert_eq!(fids("دمام", None), [5]);
}

#[test]
fn districts_and_plans_by_name() {
    assert_eq!(fids("الفيصلية", None), [10, 20]);
    assert_eq!(got("Al Faisaliyah", None)[0], (10, "name_en", 1.0));
    assert_eq!(fids("الشاطيء", None), [11, 21]);
}

#[test]
fn plan_numbers() {
    assert_eq!(got("١٢٣", None)[0], (20, "plan_no", 1.0));
    assert_eq!(got("١٢٣", None)[1].0, 21, "2/123 has 123 as a part");
    assert_eq!(got("مخطط 2/123", None), [(21, "plan_no", 1.0)]);
    assert_eq!(got("مخطط ٢/١٢٣", None), [(21, "plan_no", 1.0)]);
    let r = got("مخطط 999", None);
    assert!(
        r.iter().all(|(_, _, s)| *s < 0.6),
        "no such plan: partial name matches only {r:?}"
    );
}

#[test]
fn parcel_references() {
    for q in [
        "مخطط ١٢٣ بلك ٤ قطعة ١٧",
        "plan 123 block 4 parcel 17",
        "123/4/17",
        "قطعه رقم 17 بلوك 4 مخطط رقم 123",
    ] {
        let r = got(q, None);
        assert_eq!(r[0], (30, "parcel_ref", 1.0), "{q}");
        assert_eq!(r[1], (20, "plan_no", 0.6), "{q}: the plan follows");
        assert_eq!(r.len(), 2, "{q}");
    }
    assert_eq!(got("2/123/4/17", None)[0], (33, "parcel_ref", 1.0));
    assert_eq!(fids("مخطط 123 قطعة 17", None), [30, 32, 20]);
    assert_eq!(fids("مخطط 123 بلك 4", None), [30, 31, 20]);
    assert_eq!(
        fids("مخطط 123 بلك 9 قطعة 17", None),
        [20],
        "no such parcel: the plan"
    );
}

#[test]
fn near_orders_equal_matches() {
    // 3 (another pharmacy) follows as a partial match, through its category.
    assert_eq!(fids("صيدلية النهدي", Some((50.121, 26.43))), [2, 1, 3]);
    assert_eq!(fids("صيدلية النهدي", Some((50.099, 26.43))), [1, 2, 3]);
    let r = ask("صيدليه", Some((50.12, 26.43)), 10).results;
    let order: Vec<i64> = r.iter().map(|f| f.feature.fid.0).collect();
    assert_eq!(order, [2, 3, 1]);
    assert_eq!(r[0].distance_m, Some(0.0));
    assert!(r.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
    // A better match stays first however far it is: 3 is nearest but only a partial match.
    assert_eq!(fids("صيدلية النهدي", Some((50.111, 26.441))), [2, 1, 3]);
}

#[test]
fn distance_to_a_polygon_is_zero_inside() {
    let r = ask("الفيصلية", Some((50.1, 26.43)), 10).results;
    assert_eq!(r[0].distance_m, Some(0.0));
}

#[test]
fn limits_and_counts() {
    let a = ask("صيدلية", None, 2);
    assert_eq!(a.matched, 3);
    assert_eq!(a.results.len(), 2);
    let a = ask("صيدلية", Some((50.12, 26.43)), 1);
    assert_eq!(a.results[0].feature.fid.0, 2);
}

#[test]
fn partial_matches_fill_up_when_full_ones_are_few() {
    let r = got("صيدلية الزهور", None);
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(r.iter().all(|(_, _, s)| *s < 0.6 && *s > 0.2), "{r:?}");
    assert!(got("كلمة غريبة", None).is_empty());
}
