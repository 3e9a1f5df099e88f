//! The checks of a subdivision or merge on real parcels of the demo city: random straight cuts
//! cover their parent and do not overlap, a child moved by a metre does not (with gap and overlap
//! areas equal to PostGIS's `ST_Area(...::geography)` within 0.01 m²); each check fails on its own
//! with its code; a merge is checked, approved and recorded as `merge-of`.

mod common;
mod register_support;

use std::fmt::Write;

use axum::http::StatusCode;
use geo::{BooleanOps, Centroid, Intersects, Polygon, Translate};
use madinati::domain::LayerKind;
use madinati::domain::attributes::{Attributes, NationalId, Owner};
use madinati::domain::checks::{SplitRules, cut_by_line, gap_and_excess_m2, overlap_m2};
use madinati::store::{AsOf, StoredFeature};
use register_support::*;
use serde_json::{Value, json};

/// SplitMix64: the same cases on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn wkt(p: &Polygon) -> String {
    let mut s = String::from("POLYGON((");
    for (i, c) in p.exterior().0.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        write!(s, "{:.12} {:.12}", c.x, c.y).unwrap();
    }
    s.push_str("))");
    s
}

/// Metres to degrees at latitude `lat` (good to well under 1 % over a metre).
fn metre(lat: f64, bearing: f64) -> (f64, f64) {
    let (s, c) = bearing.sin_cos();
    (s / (111_320.0 * lat.to_radians().cos()), c / 110_574.0)
}

#[tokio::test]
async fn random_cuts_of_demo_parcels_cover_the_parent_a_metre_off_does_not_and_postgis_agrees() {
    let city = city().await;
    let parcels = city
        .store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    let rules = SplitRules::default();
    let mut rng = Rng(2026);
    let mut rows = Vec::new();
    let mut ours = Vec::new();
    let mut cases = 0;
    while cases < 48 {
        let parent = &parcels[(rng.next() * parcels.len() as f64) as usize];
        let p = polygon(parent);
        let c = p.centroid().unwrap();
        let theta = rng.next() * std::f64::consts::PI;
        let (dx, dy) = (theta.cos() * 0.01, theta.sin() * 0.01);
        let Some((a, b)) = cut_by_line(
            p,
            geo::coord! {x: c.x() - dx, y: c.y() - dy},
            geo::coord! {x: c.x() + dx, y: c.y() + dy},
        ) else {
            continue;
        };
        cases += 1;
        let area = parent.feature.area_m2();
        let tolerance = rules
            .area_tolerance_m2
            .min(rules.area_tolerance_ratio * area);
        let (gap, excess) = gap_and_excess_m2(std::slice::from_ref(p), &[a.clone(), b.clone()]);
        let overlap = overlap_m2(&a, &b);
        assert!(
            gap <= tolerance && excess <= tolerance && overlap <= tolerance,
            "fid {}: gap {gap} excess {excess} overlap {overlap} (tolerance {tolerance})",
            parent.fid.0
        );
        let (mx, my) = metre(c.y(), rng.next() * std::f64::consts::TAU);
        let moved = b.translate(mx, my);
        let (gap2, excess2) =
            gap_and_excess_m2(std::slice::from_ref(p), &[a.clone(), moved.clone()]);
        let overlap2 = overlap_m2(&a, &moved);
        assert!(
            gap2 > tolerance || excess2 > tolerance || overlap2 > tolerance,
            "fid {}: moved by 1 m and still passes",
            parent.fid.0
        );
        for (i, (bb, g, e, o)) in [
            (&b, gap, excess, overlap),
            (&moved, gap2, excess2, overlap2),
        ]
        .into_iter()
        .enumerate()
        {
            rows.push(format!("({}, ST_GeomFromText('{}', 4326), ST_GeomFromText('{}', 4326), ST_GeomFromText('{}', 4326))", 2 * ours.len() / 2 + i, wkt(p), wkt(&a), wkt(bb)));
            let _ = i;
            ours.push((g + e, o));
        }
    }
    // PostGIS: the symmetric difference of the children's union and the parent is gap + excess;
    // the children's intersection is the overlap; both on the spheroid.
    let rows: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let rest = r.split_once(", ").unwrap().1;
            format!("({i}, {rest}")
        })
        .collect();
    let sql = format!(
        "SELECT i, ST_Area(ST_SymDifference(ST_Union(a, b), p)::geography), ST_Area(ST_Intersection(a, b)::geography) \
         FROM (VALUES {}) AS t(i, p, a, b) ORDER BY i",
        rows.join(",")
    );
    let theirs = common::psql(&sql);
    assert_eq!(theirs.len(), ours.len());
    let mut worst: f64 = 0.0;
    for (line, (sym, ov)) in theirs.iter().zip(&ours) {
        let v: Vec<f64> = line
            .split('|')
            .skip(1)
            .map(|x| x.parse().unwrap())
            .collect();
        let d = (v[0] - sym).abs().max((v[1] - ov).abs());
        worst = worst.max(d);
        assert!(d < 0.01, "{line}: ours sym {sym} overlap {ov}");
    }
    eprintln!(
        "{} cases; largest difference from PostGIS {worst:.6} m²",
        ours.len()
    );
}

fn block_of(f: &StoredFeature) -> (Option<String>, Option<String>) {
    match f.feature.attributes() {
        Attributes::Parcel(p) => (
            p.plan_no.as_ref().map(|v| v.to_string()),
            p.block_no.as_ref().map(|v| v.to_string()),
        ),
        _ => (None, None),
    }
}

async fn check(app: &axum::Router, token: &str, body: &Value) -> Value {
    let (s, v) = call(
        app,
        "POST",
        "/api/requests/check",
        Some(token),
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// The failed checks that were computed (not skipped for want of what they need).
fn failed_computed(v: &Value) -> Vec<String> {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == json!(false) && c["detail"].get("skipped").is_none())
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn each_check_fails_on_its_own_on_demo_parcels() {
    let city = city().await;
    let app = &city.app;
    let token = login(app, "surveyor").await;
    let parcels = city
        .store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    // A parcel with neighbours in its block (the largest ones are public land, alone in theirs).
    let mut skip = 0;
    let (parent, good) = loop {
        let (parent, good) = splittable(&city, &token, skip).await;
        if parcels
            .iter()
            .any(|f| f.fid != parent.fid && block_of(f) == block_of(&parent))
        {
            break (parent, good);
        }
        skip += 1;
    };
    let p = polygon(&parent).clone();
    let features = good["proposed"]["features"].as_array().unwrap().clone();
    let child = |i: usize| -> Polygon {
        let ring: Vec<geo::Coord> = features[i]["geometry"]["coordinates"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| geo::coord! {x: c[0].as_f64().unwrap(), y: c[1].as_f64().unwrap()})
            .collect();
        Polygon::new(geo::LineString(ring), vec![])
    };
    let (a, b) = (child(0), child(1));
    let no = parcel_no(&parent);
    let body_of = |parts: &[Polygon]| split_body(&parent, &parts[0], &parts[1]);

    // covers_parent: the second child moved 1 m away from the first.
    let (ca, cb) = (a.centroid().unwrap(), b.centroid().unwrap());
    let away = (cb.x() - ca.x()).atan2(cb.y() - ca.y());
    let (mx, my) = metre(cb.y(), away);
    let v = check(app, &token, &body_of(&[a.clone(), b.translate(mx, my)])).await;
    assert_eq!(failed(&v), ["covers_parent"], "{v}");

    // no_overlap: the first child grown over a quarter of the second; the union is the parent.
    let c = p.centroid().unwrap();
    let toward = geo::coord! {x: (cb.x() - ca.x()) * 0.5, y: (cb.y() - ca.y()) * 0.5};
    let (dx, dy) = (-(cb.y() - ca.y()) * 100.0, (cb.x() - ca.x()) * 100.0);
    let (x0, y0) = (c.x() + toward.x, c.y() + toward.y);
    let (s1, s2) = cut_by_line(
        &p,
        geo::coord! {x: x0 - dx, y: y0 - dy},
        geo::coord! {x: x0 + dx, y: y0 + dy},
    )
    .unwrap();
    let bigger = if s1.intersects(&ca) { s1 } else { s2 };
    let v = check(app, &token, &body_of(&[bigger, b.clone()])).await;
    assert_eq!(failed(&v), ["no_overlap"], "{v}");

    // unique_parcel_no: a child numbered as a neighbour in the same block.
    let neighbour = parcels
        .iter()
        .find(|f| f.fid != parent.fid && block_of(f) == block_of(&parent))
        .expect("a neighbour in the block");
    let mut body = good.clone();
    body["proposed"]["features"][0]["properties"]["parcel_no"] = json!(parcel_no(neighbour));
    let v = check(app, &token, &body).await;
    assert_eq!(failed(&v), ["unique_parcel_no"], "{v}");
    // ... or both children with the same number.
    body["proposed"]["features"][0]["properties"]["parcel_no"] = json!(format!("{no}-2"));
    let v = check(app, &token, &body).await;
    assert_eq!(failed(&v), ["unique_parcel_no"], "{v}");

    // valid_geometry: a bow-tie child (the rest cannot be measured without it).
    let mut body = good.clone();
    let r = &features[1]["geometry"]["coordinates"][0];
    body["proposed"]["features"][1]["geometry"]["coordinates"][0] =
        json!([r[0], r[2], r[1], r[3], r[0]]);
    let v = check(app, &token, &body).await;
    assert!(failed(&v).contains(&"valid_geometry".to_string()), "{v}");
    assert_eq!(failed_computed(&v), ["valid_geometry"], "{v}");

    // parcels_current: a parcel that is not (the rest cannot be measured without it).
    let mut body = good.clone();
    body["parcels"] = json!([99_999_999]);
    let v = check(app, &token, &body).await;
    assert_eq!(failed_computed(&v), ["parcels_current"], "{v}");

    // parcel_count: a "split" into one parcel (the parent itself, renumbered).
    let v = check(
        app,
        &token,
        &json!({
            "kind": "subdivision",
            "parcels": [parent.fid.0],
            "proposed": collection(&format!("{no}x"), std::slice::from_ref(&p)),
        }),
    )
    .await;
    assert_eq!(failed(&v), ["parcel_count"], "{v}");

    // min_area and street_frontage, with the municipality's numbers set above these children.
    let areas = [a.clone(), b.clone()].map(|x| geo::GeodesicArea::geodesic_area_unsigned(&x));
    for (rules, code) in [
        (
            SplitRules {
                min_child_area_m2: areas[0].max(areas[1]) + 1.0,
                ..SplitRules::default()
            },
            "min_area",
        ),
        (
            SplitRules {
                min_parent_area_m2: parent.feature.area_m2() + 1.0,
                ..SplitRules::default()
            },
            "min_area",
        ),
        (
            SplitRules {
                min_frontage_m: 10_000.0,
                ..SplitRules::default()
            },
            "street_frontage",
        ),
    ] {
        let strict =
            madinati::http::router(city.state.clone().with_policy(rules, Default::default()));
        let t = login(&strict, "surveyor").await;
        let v = check(&strict, &t, &good).await;
        assert_eq!(failed(&v), [code], "{v}");
        let (s, v) = call(
            &strict,
            "POST",
            "/api/requests",
            Some(&t),
            Some(good.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    }
    // The good split passes all of them.
    assert!(failed(&check(app, &token, &good).await).is_empty());
}

async fn set_owner(city: &City, fid: madinati::domain::FeatureId, id: &str) {
    let owner = Owner {
        name: "مالك الاختبار".into(),
        national_id: NationalId::try_from(id).unwrap(),
    };
    let mut uow = city.store.begin().await.unwrap();
    uow.set_owner(fid, Some(&owner)).await.unwrap();
    uow.commit().await.unwrap();
}

fn merge_body(parents: &[&StoredFeature], children: &[(String, Polygon)]) -> Value {
    let features: Vec<Value> = children.iter().map(|(no, p)| {
        let ring: Vec<Value> = p.exterior().0.iter().map(|c| json!([c.x, c.y])).collect();
        json!({"type": "Feature", "properties": {"parcel_no": no}, "geometry": {"type": "Polygon", "coordinates": [ring]}})
    }).collect();
    json!({
        "kind": "merge",
        "parcels": parents.iter().map(|p| p.fid.0).collect::<Vec<_>>(),
        "proposed": {"type": "FeatureCollection", "features": features},
    })
}

#[tokio::test]
async fn a_merge_is_checked_approved_and_recorded_and_its_checks_fail_on_their_own() {
    let city = city().await;
    let app = &city.app;
    let surveyor = login(app, "surveyor").await;
    let parcels = city
        .store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    // Two parcels of one block sharing an edge, whose union is one polygon.
    let mut pair = None;
    'search: for (i, x) in parcels.iter().enumerate() {
        for y in parcels.iter().skip(i + 1).take(60) {
            if block_of(x) != block_of(y) || !polygon(x).intersects(polygon(y)) {
                continue;
            }
            let u = polygon(x).union(polygon(y));
            if u.0.len() == 1 && u.0[0].interiors().is_empty() {
                pair = Some((x.clone(), y.clone(), u.0[0].clone()));
                break 'search;
            }
        }
    }
    let (x, y, union) = pair.expect("two adjacent parcels in one block");
    set_owner(&city, x.fid, "1012345678").await;
    set_owner(&city, y.fid, "1012345678").await;
    let merged_no = format!("{}m", parcel_no(&x));
    let body = merge_body(&[&x, &y], &[(merged_no.clone(), union.clone())]);
    let v = check(app, &surveyor, &body).await;
    assert!(failed(&v).is_empty(), "{v}");

    // same_owner fails on its own when one parent has another owner.
    set_owner(&city, y.fid, "1098765432").await;
    let v = check(app, &surveyor, &body).await;
    assert_eq!(failed(&v), ["same_owner"], "{v}");
    set_owner(&city, y.fid, "1012345678").await;

    // adjacent fails on its own for two separate parcels of one block kept as they are.
    let far = parcels
        .iter()
        .find(|f| {
            f.fid != x.fid && block_of(f) == block_of(&x) && !polygon(f).intersects(polygon(&x))
        })
        .expect("a parcel of the same block not touching the first");
    set_owner(&city, far.fid, "1012345678").await;
    let apart = merge_body(
        &[&x, far],
        &[
            (format!("{}a", parcel_no(&x)), polygon(&x).clone()),
            (format!("{}b", parcel_no(far)), polygon(far).clone()),
        ],
    );
    let v = check(app, &surveyor, &apart).await;
    assert_eq!(failed(&v), ["adjacent"], "{v}");
    // same_block fails for parcels of two blocks. Blocks are separated by streets, so two
    // parcels of two blocks never touch: adjacent fails with it, and nothing else does.
    let other = parcels
        .iter()
        .find(|f| block_of(f) != block_of(&x))
        .expect("a parcel of another block");
    set_owner(&city, other.fid, "1012345678").await;
    let two_blocks = merge_body(
        &[&x, other],
        &[
            (format!("{}c", parcel_no(&x)), polygon(&x).clone()),
            (format!("{}d", parcel_no(other)), polygon(other).clone()),
        ],
    );
    let v = check(app, &surveyor, &two_blocks).await;
    let mut got = failed(&v);
    got.sort();
    assert_eq!(got, ["adjacent", "same_block"], "{v}");

    // Submitted, taken, approved: one child, lineage merge-of from both parents, owner kept.
    let planner = login(app, "planner").await;
    let id = submit_and_take(app, &surveyor, &planner, &body).await;
    let (s, v) = call(
        app,
        "POST",
        &format!("/api/requests/{id}/decision"),
        Some(&planner),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let child = v["created"][0].as_i64().unwrap();
    let (_, l) = call(
        app,
        "GET",
        &format!("/api/parcels/{child}/lineage"),
        None,
        None,
    )
    .await;
    let mut parents: Vec<i64> = l["ancestors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fid"].as_i64().unwrap())
        .collect();
    parents.sort();
    let mut want = vec![x.fid.0, y.fid.0];
    want.sort();
    assert_eq!(parents, want);
    assert!(
        l["ancestors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] == "merge-of")
    );
    let owner = city
        .store
        .parcel_owner(madinati::domain::FeatureId(child))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner.national_id.as_str(), "1012345678");
    let c = union.centroid().unwrap();
    let (_, here) = call(
        app,
        "GET",
        &format!("/api/identify?lon={}&lat={}", c.x(), c.y()),
        None,
        None,
    )
    .await;
    assert_eq!(here["parcel"]["id"], json!(child));
    assert_eq!(here["parcel"]["properties"]["parcel_no"], json!(merged_no));
}
