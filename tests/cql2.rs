//! CQL2 filters (OGC API – Features Part 3) against brute force: each operator, in cql2-text and
//! in cql2-json, selects exactly the features a plain Rust predicate over the public
//! properties and geometries selects; geometry literals in other CRSs; queryables as query
//! parameters; and every refusal (unknown or private property, wrong type, malformed text or
//! JSON with the position of the error, unsupported functions) is a 400 saying what to fix.

mod ogc_support;

use axum::http::StatusCode;
use geo::{Coord, Intersects};
use madinati::domain::crs::Crs;
use madinati::domain::public;
use madinati::domain::{LayerKind, ValidGeometry};
use madinati::index::LayerIndex;
use madinati::ogc::crs::SUPPORTED;
use madinati::ogc::props::Prop;
use ogc_support::cql2_cases::*;
use ogc_support::*;
use serde_json::json;

#[tokio::test]
async fn every_operator_in_text_and_json_selects_what_brute_force_selects() {
    for c in cases() {
        let want = brute(c.layer, &*c.keep);
        let total = city().features[&c.layer].len();
        assert!(
            !want.is_empty() && want.len() < total || c.text.starts_with("S_DISJOINT"),
            "{}: a case that tells something ({} of {total})",
            c.text,
            want.len()
        );
        for (form, query) in [
            ("text", format!("filter={}", enc(c.text))),
            (
                "json",
                format!("filter={}&filter-lang=cql2-json", enc(&c.json.to_string())),
            ),
        ] {
            let (ids, matched) = all_ids(c.layer, &query).await;
            assert_eq!(ids, want, "{} ({form}) on {}", c.text, c.layer);
            assert_eq!(matched, want.len() as u64, "{} ({form})", c.text);
        }
    }
}

#[tokio::test]
async fn filters_page_with_next_and_combine_with_bbox() {
    let text = "land_use IN ('commercial', 'residential') AND area_m2 > 700";
    let keep = |p: &Props, _: &ValidGeometry| {
        matches!(s(p, "land_use"), Some("commercial" | "residential"))
            && n(p, "area_m2").is_some_and(|v| v > 700.0)
    };
    let want = brute(LayerKind::Parcels, &keep);
    let mut uri = format!("/collections/parcels/items?limit=97&filter={}", enc(text));
    let mut ids = Vec::new();
    loop {
        let (s, _, body) = get(&uri).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["numberMatched"].as_u64(), Some(want.len() as u64));
        ids.extend(
            body["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["id"].as_i64().unwrap()),
        );
        match body["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
        {
            Some(l) => {
                uri = l["href"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("http://localhost")
                    .to_string()
            }
            None => break,
        }
    }
    assert_eq!(ids, want);
    let in_square = |p: &Props, g: &ValidGeometry| keep(p, g) && g.to_geo().intersects(&square());
    let (ids, _) = all_ids(
        LayerKind::Parcels,
        &format!("filter={}&bbox=50.09,26.42,50.1,26.43", enc(text)),
    )
    .await;
    assert_eq!(ids, brute(LayerKind::Parcels, &in_square));
}

#[tokio::test]
async fn geometry_literals_follow_filter_crs() {
    let want = brute(LayerKind::Parcels, &|_, g| g.to_geo().intersects(&square()));
    let lat_first = "S_INTERSECTS(geometry, POLYGON((26.42 50.09, 26.42 50.1, 26.43 50.1, 26.43 50.09, 26.42 50.09)))";
    let (ids, _) = all_ids(
        LayerKind::Parcels,
        &format!("filter={}&filter-crs={}", enc(lat_first), enc(SUPPORTED[1])),
    )
    .await;
    assert_eq!(ids, want, "EPSG:4326 is latitude first");
    // Web Mercator keeps parallels and meridians straight: the same square.
    let m = Crs::from_epsg(3857).unwrap();
    let c: Vec<Coord> = square()
        .exterior()
        .0
        .iter()
        .map(|c| m.from_wgs84(*c).unwrap())
        .collect();
    let ring: Vec<String> = c.iter().map(|c| format!("{} {}", c.x, c.y)).collect();
    let text = format!("S_INTERSECTS(geometry, POLYGON(({})))", ring.join(", "));
    let (ids, _) = all_ids(
        LayerKind::Parcels,
        &format!("filter={}&filter-crs={}", enc(&text), enc(SUPPORTED[2])),
    )
    .await;
    assert_eq!(ids, want, "EPSG:3857");
    let (s, _, body) = get(&format!(
        "/collections/parcels/items?filter={}&filter-crs=EPSG%3A2000",
        enc(&text)
    ))
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body["description"].as_str().unwrap().contains("filter-crs"));
}

#[tokio::test]
async fn queryables_as_query_parameters_are_equality_filters() {
    let (ids, _) = all_ids(LayerKind::Parcels, "land_use=commercial").await;
    assert_eq!(
        ids,
        brute(LayerKind::Parcels, &|p, _| s(p, "land_use")
            == Some("commercial"))
    );
    let (ids, _) = all_ids(
        LayerKind::Parcels,
        &format!("land_use=commercial&district={}", enc("حي القادسية")),
    )
    .await;
    assert_eq!(
        ids,
        brute(LayerKind::Parcels, &|p, _| s(p, "land_use")
            == Some("commercial")
            && s(p, "district") == Some("حي القادسية"))
    );
    let (ids, _) = all_ids(LayerKind::ServicePoints, "category=pharmacy").await;
    assert_eq!(
        ids,
        brute(LayerKind::ServicePoints, &|p, _| s(p, "category")
            == Some("pharmacy"))
    );
}

#[tokio::test]
async fn refusals_say_what_to_fix() {
    let cases = [
        ("colour = 'red'", "colour"),
        ("owner_name = 'x'", "owner_name"),
        ("owner_id = '1012345678'", "owner_id"),
        ("area_m2 = 'big'", "number"),
        ("land_use = 5", "quote"),
        ("deed_date > 'soon'", "DATE("),
        ("area_m2 LIKE '5%'", "LIKE"),
        (
            "T_AFTER(valid_from, TIMESTAMP('2020-01-01T00:00:00Z'))",
            "datetime",
        ),
        ("S_INTERSECTS(land_use, POINT(50 26))", "geometry"),
        ("geometry = 'x'", "spatial"),
        ("area_m2 + 1 > 5", "arithmetic"),
    ];
    for (text, needle) in cases {
        let (s, _, body) = get(&format!("/collections/parcels/items?filter={}", enc(text))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{text}: {body}");
        let d = body["description"].as_str().unwrap();
        assert!(d.contains(needle), "{text}: {d}");
    }
    let (s, _, body) = get(&format!(
        "/collections/parcels/items?filter={}&filter-lang=cql2-json",
        enc(&json!({"op": "=", "args": [prop("owner_name"), "x"]}).to_string())
    ))
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body["description"].as_str().unwrap().contains("owner_name"));
    let (s, _, body) = get("/collections/parcels/items?filter=x&filter-lang=cql3").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body["description"].as_str().unwrap().contains("cql2-json"));
}

#[tokio::test]
async fn malformed_filters_say_where() {
    let text = [
        "land_use = = 'x'",
        "land_use = 'x",
        "(land_use = 'x'",
        "area_m2 >",
        "land_use IN ('a',)",
        "S_INTERSECTS(geometry, POLYGON((1 2, 3)))",
    ];
    for t in text {
        let (s, _, body) = get(&format!("/collections/parcels/items?filter={}", enc(t))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{t}: {body}");
        let d = body["description"].as_str().unwrap();
        assert!(d.contains("line 1") && d.contains("column"), "{t}: {d}");
    }
    let json = [
        r#"{"op": "=", "args": ["#,
        r#"{"op":"=","args":[{"property":"land_use"},"x",]}"#,
        "{\"op\": \"=\",\n \"args\": x}",
    ];
    for t in json {
        let (s, _, body) = get(&format!(
            "/collections/parcels/items?filter={}&filter-lang=cql2-json",
            enc(t)
        ))
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{t}: {body}");
        let d = body["description"].as_str().unwrap();
        assert!(d.contains("line") && d.contains("column"), "{t}: {d}");
    }
}

#[test]
fn filters_read_the_values_public_properties_show() {
    let c = city();
    for layer in LayerKind::ALL {
        let index = LayerIndex::build(layer, c.features[&layer].clone());
        for f in &c.features[&layer] {
            let shown = public::properties(&f.feature, &c.categories);
            for (name, value) in &shown {
                let p =
                    Prop::resolve(&index, name).unwrap_or_else(|e| panic!("{layer}.{name}: {e}"));
                let read = p.get(&f.feature, &c.categories).to_json();
                let same = match (read.as_f64(), value.as_f64()) {
                    (Some(a), Some(b)) => a == b,
                    _ => &read == value,
                };
                assert!(same, "{layer} {} {name}: {read} vs {value}", f.fid.0);
            }
        }
    }
}

#[test]
fn cheap_measure_bounds_hold_for_every_feature() {
    use madinati::ogc::filter::{Measure, bounds};
    let c = city();
    let mut bounded = 0;
    for (layer, what, name) in [
        (LayerKind::Parcels, Measure::AreaM2, "area_m2"),
        (LayerKind::Districts, Measure::AreaM2, "area_m2"),
        (LayerKind::Plans, Measure::AreaM2, "area_m2"),
        (LayerKind::Streets, Measure::LengthM, "length_m"),
    ] {
        for f in &c.features[&layer] {
            let shown = public::properties(&f.feature, &c.categories)[name]
                .as_f64()
                .unwrap();
            if let Some((lo, hi)) = bounds(f.feature.geometry(), what) {
                bounded += 1;
                assert!(
                    lo <= shown && shown <= hi,
                    "{layer} {}: {shown} not in [{lo}, {hi}]",
                    f.fid.0
                );
                if layer == LayerKind::Parcels {
                    assert!(
                        hi - lo <= 0.03 + shown * 1e-4,
                        "parcel {}: [{lo}, {hi}] is too wide to help",
                        f.fid.0
                    );
                }
            }
        }
    }
    assert!(bounded > 9000, "bounds apply to most features ({bounded})");
}
