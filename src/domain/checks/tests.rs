//! The checks on a small hand-made block near Dammam (lon 50.1, lat 26.4): a 40 m × 20 m parent
//! with a 10 m street along its southern side, its neighbour to the east; and property tests of
//! covering and overlap on random parcels cut by random lines.

use geo::{Coord, Polygon, coord};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::local::LocalFrame;
use super::proposal::{ProposalError, ProposedParcel, parse_proposal};
use super::*;
use crate::domain::attributes::{Attributes, BlockNo, LandUse, Parcel, ParcelNo, PlanNo, Street};
use crate::domain::crs::Crs;
use crate::domain::{Feature, GeometryProblem, GeometryShape, Lifespan, RawGeometry};

fn frame() -> LocalFrame {
    LocalFrame::new(coord! {x: 50.1, y: 26.4})
}

/// A point `x` metres east and `y` metres north of (50.1, 26.4), as lon/lat.
fn m(x: f64, y: f64) -> Coord {
    frame().to_lonlat(coord! {x: x, y: y})
}

fn ring_m(pts: &[(f64, f64)]) -> Vec<Coord> {
    let mut r: Vec<Coord> = pts.iter().map(|&(x, y)| m(x, y)).collect();
    r.push(r[0]);
    r
}

/// The rectangle [x0, x1] × [y0, y1], metres, validated (counter-clockwise).
fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon {
    let raw = RawGeometry::Polygon(vec![ring_m(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1)])]);
    match ValidGeometry::new(raw, GeometryShape::Polygon) {
        Ok(ValidGeometry::Polygon(p)) => p,
        other => panic!("{other:?}"),
    }
}

fn parcel_in(fid: i64, no: &str, block: &str, poly: Polygon) -> StoredFeature {
    let attributes = Attributes::Parcel(Parcel {
        parcel_no: ParcelNo::try_from(no).unwrap(),
        plan_no: Some(PlanNo::try_from("P1").unwrap()),
        block_no: Some(BlockNo::try_from(block).unwrap()),
        district: None,
        land_use: Some(LandUse::Residential),
        deed_no: None,
        deed_date: None,
        official_area_m2: None,
        owner: None,
    });
    let feature = Feature::new(
        None,
        ValidGeometry::Polygon(poly),
        attributes,
        Map::new(),
        Lifespan::default(),
    )
    .unwrap();
    StoredFeature {
        fid: FeatureId(fid),
        feature,
    }
}

fn parcel(fid: i64, no: &str, poly: Polygon) -> StoredFeature {
    parcel_in(fid, no, "B3", poly)
}

/// A street centre line through the points (metres), `width` metres wide (None: unknown).
fn street(fid: i64, width: Option<f64>, pts: &[(f64, f64)]) -> StoredFeature {
    let line: Vec<Coord> = pts.iter().map(|&(x, y)| m(x, y)).collect();
    let geometry = ValidGeometry::new(
        RawGeometry::LineString(line),
        GeometryShape::MultiLineString,
    )
    .unwrap();
    let attributes = Attributes::Street(Street {
        name_ar: None,
        name_en: None,
        width_m: width,
    });
    StoredFeature {
        fid: FeatureId(fid),
        feature: Feature::new(None, geometry, attributes, Map::new(), Lifespan::default()).unwrap(),
    }
}

fn child(index: usize, no: &str, poly: Polygon) -> ProposedParcel {
    ProposedParcel {
        index,
        parcel_no: ParcelNo::try_from(no),
        land_use: None,
        geometry: Ok(poly),
    }
}

/// The block: parent 1 ("11", 40 m × 20 m), neighbour 2 ("12") east of it, street 100 (10 m)
/// along the south side, its centre line 5 m from the parcels.
struct Block {
    parent: StoredFeature,
    neighbour: StoredFeature,
    street: StoredFeature,
}

fn block() -> Block {
    Block {
        parent: parcel(1, "11", rect(0.0, 0.0, 40.0, 20.0)),
        neighbour: parcel(2, "12", rect(40.0, 0.0, 60.0, 20.0)),
        street: street(100, Some(10.0), &[(-20.0, -5.0), (80.0, -5.0)]),
    }
}

fn split<'a>(b: &'a Block, children: Vec<ProposedParcel>) -> Situation<'a> {
    Situation {
        kind: ChangeKind::Subdivision,
        parents: vec![Parent {
            fid: FeatureId(1),
            current: Some(&b.parent),
            owner_id: Some("1012345678"),
        }],
        children,
        streets: vec![&b.street],
        block_parcels: vec![&b.neighbour],
    }
}

/// The correct split: two 20 m × 20 m halves, each with 20 m on the street.
fn halves() -> Vec<ProposedParcel> {
    vec![
        child(0, "11/1", rect(0.0, 0.0, 20.0, 20.0)),
        child(1, "11/2", rect(20.0, 0.0, 40.0, 20.0)),
    ]
}

fn is_skipped(o: &CheckOutcome) -> bool {
    o.detail.get("skipped").is_some()
}

/// The codes of the checks that failed (not counting the ones skipped for a prerequisite).
fn failed(outcomes: &[CheckOutcome]) -> Vec<&'static str> {
    outcomes
        .iter()
        .filter(|o| !o.passed && !is_skipped(o))
        .map(|o| o.code)
        .collect()
}

fn outcome<'a>(outcomes: &'a [CheckOutcome], code: &str) -> &'a CheckOutcome {
    outcomes.iter().find(|o| o.code == code).unwrap()
}

fn assert_messages(outcomes: &[CheckOutcome]) {
    for o in outcomes {
        assert!(
            !o.message_en.is_empty() && !o.message_ar.is_empty(),
            "{o:?}"
        );
        assert!(
            o.message_ar
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
            "{o:?}"
        );
    }
}

#[test]
fn a_correct_split_passes_every_check_in_order() {
    let b = block();
    let out = run_checks(&split(&b, halves()), &SplitRules::default());
    assert_eq!(out.iter().map(|o| o.code).collect::<Vec<_>>(), CHECK_CODES);
    assert!(out.iter().all(|o| o.passed), "{out:#?}");
    assert_messages(&out);
    for code in ["adjacent", "same_block", "same_owner"] {
        assert_eq!(outcome(&out, code).detail, json!({"applies": false}));
    }
    let f = &outcome(&out, "street_frontage").detail["children"];
    assert!(
        (f[0]["frontage_m"].as_f64().unwrap() - 20.0).abs() < 0.05,
        "{f}"
    );
}

#[test]
fn one_child_is_not_a_split() {
    let b = block();
    let out = run_checks(
        &split(&b, vec![child(0, "11", rect(0.0, 0.0, 40.0, 20.0))]),
        &SplitRules::default(),
    );
    assert_eq!(failed(&out), ["parcel_count"]);
    assert_messages(&out);
}

#[test]
fn a_self_intersecting_child_fails_valid_geometry_and_skips_what_needs_it() {
    let b = block();
    let bowtie = RawGeometry::Polygon(vec![ring_m(&[
        (20.0, 0.0),
        (40.0, 20.0),
        (40.0, 0.0),
        (20.0, 20.0),
    ])]);
    let mut children = halves();
    children[1].geometry = match ValidGeometry::new(bowtie, GeometryShape::Polygon) {
        Err(p) => Err(p),
        Ok(g) => panic!("{g:?}"),
    };
    let out = run_checks(&split(&b, children), &SplitRules::default());
    assert_eq!(failed(&out), ["valid_geometry"]);
    let d = &outcome(&out, "valid_geometry").detail["invalid"][0];
    assert_eq!(d["index"], 1);
    assert_eq!(d["problem"], "self_intersection");
    let at = d["location"].as_array().unwrap();
    let here = m(30.0, 10.0);
    assert!((at[0].as_f64().unwrap() - here.x).abs() < 1e-7, "{d}");
    assert!((at[1].as_f64().unwrap() - here.y).abs() < 1e-7, "{d}");
    for code in ["covers_parent", "no_overlap", "min_area", "street_frontage"] {
        let o = outcome(&out, code);
        assert!(!o.passed && is_skipped(o), "{o:?}");
    }
    assert_messages(&out);
}

#[test]
fn a_parent_that_is_not_current_fails_parcels_current() {
    let b = block();
    let mut s = split(&b, halves());
    s.parents[0].current = None;
    let out = run_checks(&s, &SplitRules::default());
    assert_eq!(failed(&out), ["parcels_current"]);
    assert_eq!(
        outcome(&out, "parcels_current").detail["not_current"],
        json!([1])
    );
    assert!(is_skipped(outcome(&out, "covers_parent")));
    assert_messages(&out);
}

#[test]
fn parcel_numbers_must_be_valid_distinct_and_free_in_the_block() {
    let b = block();
    let rules = SplitRules::default();
    let mut dup = halves();
    dup[1].parcel_no = ParcelNo::try_from("11/1");
    let out = run_checks(&split(&b, dup), &rules);
    assert_eq!(failed(&out), ["unique_parcel_no"]);
    assert_eq!(
        outcome(&out, "unique_parcel_no").detail["duplicates"],
        json!([{"parcel_no": "11/1", "indices": [0, 1]}])
    );

    let mut taken = halves();
    taken[1].parcel_no = ParcelNo::try_from("12");
    let out = run_checks(&split(&b, taken), &rules);
    assert_eq!(failed(&out), ["unique_parcel_no"]);
    assert_eq!(
        outcome(&out, "unique_parcel_no").detail["in_use_in_block"][0]["parcel_no"],
        "12"
    );

    // The parent's own number may be reused.
    let mut reuse = halves();
    reuse[0].parcel_no = ParcelNo::try_from("11");
    assert!(failed(&run_checks(&split(&b, reuse), &rules)).is_empty());
}

#[test]
fn a_gap_fails_covers_parent_and_is_drawn() {
    let b = block();
    let children = vec![
        child(0, "11/1", rect(0.0, 0.0, 20.0, 20.0)),
        child(1, "11/2", rect(20.0, 0.0, 40.0, 19.0)),
    ];
    let out = run_checks(&split(&b, children), &SplitRules::default());
    assert_eq!(failed(&out), ["covers_parent"]);
    let d = &outcome(&out, "covers_parent").detail;
    assert!((d["gap_m2"].as_f64().unwrap() - 20.0).abs() < 0.05, "{d}");
    assert!(d["excess_m2"].as_f64().unwrap() < 1e-3, "{d}");
    assert_eq!(d["tolerance_m2"], 0.5);
    assert_eq!(d["gap_pieces"][0]["geometry"]["type"], "Polygon");
    assert_messages(&out);
}

#[test]
fn overlapping_children_fail_no_overlap() {
    let b = block();
    let children = vec![
        child(0, "11/1", rect(0.0, 0.0, 21.0, 20.0)),
        child(1, "11/2", rect(20.0, 0.0, 40.0, 20.0)),
    ];
    let out = run_checks(&split(&b, children), &SplitRules::default());
    assert_eq!(failed(&out), ["no_overlap"]);
    let pair = &outcome(&out, "no_overlap").detail["pairs"][0];
    assert_eq!(
        (pair["a"]["index"].clone(), pair["b"]["index"].clone()),
        (json!(0), json!(1))
    );
    assert!(
        (pair["overlap_m2"].as_f64().unwrap() - 20.0).abs() < 0.05,
        "{pair}"
    );
    assert!(pair["location"].is_array());
}

#[test]
fn small_children_and_small_parents_fail_min_area() {
    let b = block();
    let strict = SplitRules {
        min_child_area_m2: 450.0,
        ..SplitRules::default()
    };
    let out = run_checks(&split(&b, halves()), &strict);
    assert_eq!(failed(&out), ["min_area"]);
    let d = &outcome(&out, "min_area").detail["children"];
    assert_eq!(d.as_array().unwrap().len(), 2);
    assert_eq!(d[0]["limit_m2"], 450.0);

    // A land use's own minimum; the children inherit the parent's land use (residential).
    let by_use = SplitRules {
        min_child_area_by_land_use: [("residential".to_string(), 401.0)].into(),
        ..SplitRules::default()
    };
    let out = run_checks(&split(&b, halves()), &by_use);
    assert_eq!(failed(&out), ["min_area"]);
    let mut commercial = halves();
    for c in &mut commercial {
        c.land_use = Some(LandUse::Commercial);
    }
    assert!(failed(&run_checks(&split(&b, commercial), &by_use)).is_empty());

    let big_parent = SplitRules {
        min_parent_area_m2: 1000.0,
        ..SplitRules::default()
    };
    let out = run_checks(&split(&b, halves()), &big_parent);
    assert_eq!(failed(&out), ["min_area"]);
    assert_eq!(outcome(&out, "min_area").detail["parents"][0]["fid"], 1);
}

#[test]
fn a_child_away_from_the_street_fails_street_frontage() {
    let b = block();
    let children = vec![
        child(0, "11/1", rect(0.0, 0.0, 40.0, 10.0)),
        child(1, "11/2", rect(0.0, 10.0, 40.0, 20.0)),
    ];
    let out = run_checks(&split(&b, children), &SplitRules::default());
    assert_eq!(failed(&out), ["street_frontage"]);
    let d = &outcome(&out, "street_frontage").detail;
    assert_eq!(d["failing"].as_array().unwrap().len(), 1);
    assert_eq!(d["failing"][0]["index"], 1);
    assert_eq!(d["failing"][0]["frontage_m"], 0.0);
    assert!((d["children"][0]["frontage_m"].as_f64().unwrap() - 40.0).abs() < 0.05);
    assert_eq!(d["children"][0]["streets"], json!([100]));
}

/// Frontage of a 20 m × 20 m parcel whose southern side is `gap` metres from the centre line of a
/// 10 m street (reach 5 + 3 = 8 m).
fn frontage_at(gap: f64) -> f64 {
    let b = Block {
        parent: parcel(1, "11", rect(0.0, gap, 20.0, gap + 40.0)),
        neighbour: parcel(2, "12", rect(40.0, 0.0, 60.0, 20.0)),
        street: street(100, Some(10.0), &[(-50.0, 0.0), (70.0, 0.0)]),
    };
    let children = vec![
        child(0, "11/1", rect(0.0, gap, 20.0, gap + 20.0)),
        child(1, "11/2", rect(0.0, gap + 20.0, 20.0, gap + 40.0)),
    ];
    let out = run_checks(&split(&b, children), &SplitRules::default());
    outcome(&out, "street_frontage").detail["children"][0]["frontage_m"]
        .as_f64()
        .unwrap()
}

#[test]
fn frontage_counts_the_side_within_half_the_width_plus_the_margin() {
    let at8 = frontage_at(8.0);
    assert!((at8 - 20.0).abs() <= 0.05, "{at8}");
    assert_eq!(frontage_at(9.0), 0.0);
    let at5 = frontage_at(5.0);
    assert!(
        (at5 - 20.0).abs() <= 0.05,
        "the sides running away from the street do not count: {at5}"
    );
}

#[test]
fn an_unknown_width_is_the_default() {
    let b = Block {
        street: street(100, None, &[(-20.0, -7.5), (80.0, -7.5)]),
        ..block()
    };
    let rules = SplitRules::default();
    let out = run_checks(&split(&b, halves()), &rules);
    assert!(outcome(&out, "street_frontage").passed);
    let narrow = SplitRules {
        default_street_width_m: 8.0,
        ..rules
    };
    let out = run_checks(&split(&b, halves()), &narrow);
    assert_eq!(failed(&out), ["street_frontage"]);
    assert_eq!(
        outcome(&out, "street_frontage").detail["streets"][0]["width_known"],
        false
    );
}

mod merge_cases;
mod parse_cases;
mod properties;

#[test]
fn the_part_of_a_segment_near_another_is_exact() {
    use super::local::{Target, within};
    // Within 6 m of the segment (5, 5)-(15, 5): the rectangle over x ∈ [5, 15] and the two disks,
    // |x − 5| ≤ √11 and |x − 15| ≤ √11, together x ∈ [5 − √11, 15 + √11].
    let t = Target {
        c: coord! {x: 5.0, y: 5.0},
        d: coord! {x: 15.0, y: 5.0},
        reach: 6.0,
    };
    let (lo, hi) = within(coord! {x: 0.0, y: 0.0}, coord! {x: 20.0, y: 0.0}, &t).unwrap();
    let r = 11f64.sqrt();
    assert!((lo * 20.0 - (5.0 - r)).abs() < 1e-12 && (hi * 20.0 - (15.0 + r)).abs() < 1e-12);
    // Slanted, crossing the target: clipped to the segment's own ends.
    let (lo, hi) = within(coord! {x: 10.0, y: 0.0}, coord! {x: 10.0, y: 10.0}, &t).unwrap();
    assert_eq!((lo, hi), (0.0, 1.0));
    // Out of reach.
    assert!(within(coord! {x: 0.0, y: 12.0}, coord! {x: 20.0, y: 12.0}, &t).is_none());
}

#[test]
fn a_parent_named_by_another_fid_is_not_current() {
    let b = block();
    let mut s = split(&b, halves());
    s.parents[0].fid = FeatureId(99);
    let out = run_checks(&s, &SplitRules::default());
    assert_eq!(failed(&out), ["parcels_current"]);
    assert_eq!(
        outcome(&out, "parcels_current").detail["not_current"],
        json!([99])
    );
}
