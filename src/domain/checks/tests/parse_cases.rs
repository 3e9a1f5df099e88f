//! Reading proposals: CRSs, per-feature faults kept for the checks, structural faults refused.

use super::*;

fn feature(geometry: Value, properties: Value) -> Value {
    json!({"type": "Feature", "geometry": geometry, "properties": properties})
}

fn collection(features: Vec<Value>) -> Value {
    json!({"type": "FeatureCollection", "features": features})
}

fn polygon_json(ring: &[Coord]) -> Value {
    json!({"type": "Polygon", "coordinates": [ring.iter().map(|c| json!([c.x, c.y])).collect::<Vec<_>>()]})
}

fn wgs84() -> Crs {
    Crs::wgs84()
}

#[test]
fn utm_39n_lands_within_a_centimetre_of_the_same_polygon_in_degrees() {
    let utm = Crs::from_epsg(32639).unwrap();
    let ring = ring_m(&[(0.0, 0.0), (20.0, 0.0), (20.0, 20.0), (0.0, 20.0)]);
    let projected: Vec<Coord> = ring.iter().map(|c| utm.from_wgs84(*c).unwrap()).collect();
    assert!(
        projected[0].x > 100_000.0 && projected[0].y > 2_000_000.0,
        "{projected:?}"
    );
    let v = collection(vec![feature(
        polygon_json(&projected),
        json!({"parcel_no": "11/1", "land_use": "سكني"}),
    )]);
    let parsed = parse_proposal(&v, &utm).unwrap();
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].parcel_no.as_ref().unwrap().as_str(), "11/1");
    assert_eq!(parsed[0].land_use, Some(LandUse::Residential));
    let got = parsed[0].geometry.as_ref().unwrap();
    let expected = rect(0.0, 0.0, 20.0, 20.0);
    let f = frame();
    for c in got.exterior().0.iter() {
        let nearest = expected
            .exterior()
            .0
            .iter()
            .map(|e| {
                let (a, b) = (f.to_local(*c), f.to_local(*e));
                (a.x - b.x).hypot(a.y - b.y)
            })
            .fold(f64::INFINITY, f64::min);
        assert!(nearest < 0.01, "{nearest} m");
    }
    let (gap, excess) = gap_and_excess_m2(&[expected], std::slice::from_ref(got));
    assert!(gap < 0.01 && excess < 0.01, "{gap} {excess}");
}

#[test]
fn a_missing_parcel_no_fails_unique_parcel_no() {
    let b = block();
    let mut v = collection(vec![
        feature(
            polygon_json(&ring_m(&[
                (0.0, 0.0),
                (20.0, 0.0),
                (20.0, 20.0),
                (0.0, 20.0),
            ])),
            json!({"parcel_no": "11/1"}),
        ),
        feature(
            polygon_json(&ring_m(&[
                (20.0, 0.0),
                (40.0, 0.0),
                (40.0, 20.0),
                (20.0, 20.0),
            ])),
            json!({"land_use": "residential"}),
        ),
    ]);
    let parsed = parse_proposal(&v, &wgs84()).unwrap();
    assert!(parsed[1].parcel_no.is_err());
    let out = run_checks(&split(&b, parsed), &SplitRules::default());
    assert_eq!(failed(&out), ["unique_parcel_no"]);
    assert_eq!(
        outcome(&out, "unique_parcel_no").detail["invalid"][0]["index"],
        1
    );

    // Properties null: the same.
    v["features"][1]["properties"] = Value::Null;
    assert!(parse_proposal(&v, &wgs84()).unwrap()[1].parcel_no.is_err());
}

#[test]
fn a_point_or_a_self_intersecting_polygon_fails_valid_geometry() {
    let b = block();
    let point = json!({"type": "Point", "coordinates": [50.1, 26.4]});
    let bowtie = polygon_json(&ring_m(&[
        (20.0, 0.0),
        (40.0, 20.0),
        (40.0, 0.0),
        (20.0, 20.0),
    ]));
    let good = polygon_json(&ring_m(&[
        (0.0, 0.0),
        (20.0, 0.0),
        (20.0, 20.0),
        (0.0, 20.0),
    ]));
    for (g, code) in [
        (point, "wrong_geometry_type"),
        (bowtie, "self_intersection"),
    ] {
        let v = collection(vec![
            feature(good.clone(), json!({"parcel_no": "11/1"})),
            feature(g, json!({"parcel_no": "11/2"})),
        ]);
        let parsed = parse_proposal(&v, &wgs84()).unwrap();
        assert_eq!(parsed[1].geometry.as_ref().unwrap_err().code(), code);
        let out = run_checks(&split(&b, parsed), &SplitRules::default());
        assert_eq!(failed(&out), ["valid_geometry"]);
        assert_eq!(
            outcome(&out, "valid_geometry").detail["invalid"][0]["problem"],
            code
        );
    }
}

#[test]
fn a_coordinate_outside_the_crs_is_a_geometry_problem() {
    let v = collection(vec![feature(
        json!({"type": "Polygon", "coordinates": [[[50.1, 26.4], [250.1, 26.4], [50.1, 26.5], [50.1, 26.4]]]}),
        json!({"parcel_no": "1"}),
    )]);
    let parsed = parse_proposal(&v, &wgs84()).unwrap();
    assert!(matches!(
        parsed[0].geometry,
        Err(GeometryProblem::OutOfRange { .. })
    ));
}

#[test]
fn structural_faults_refuse_the_whole_proposal() {
    let crs = wgs84();
    let good = feature(
        polygon_json(&ring_m(&[
            (0.0, 0.0),
            (20.0, 0.0),
            (20.0, 20.0),
            (0.0, 20.0),
        ])),
        json!({"parcel_no": "1"}),
    );
    let too_many = collection(vec![good.clone(); 1_001]);
    assert!(matches!(
        parse_proposal(&too_many, &crs),
        Err(ProposalError::TooManyFeatures {
            count: 1001,
            max: 1000
        })
    ));
    assert_eq!(
        parse_proposal(&collection(vec![good.clone(); 1_000]), &crs)
            .unwrap()
            .len(),
        1_000
    );
    assert!(matches!(
        parse_proposal(&collection(vec![]), &crs),
        Err(ProposalError::NoFeatures)
    ));
    assert!(matches!(
        parse_proposal(&good, &crs),
        Err(ProposalError::NotAFeatureCollection { .. })
    ));
    assert!(matches!(
        parse_proposal(&json!([good.clone()]), &crs),
        Err(ProposalError::NotAFeatureCollection { .. })
    ));
    assert!(matches!(
        parse_proposal(&collection(vec![json!(1)]), &crs),
        Err(ProposalError::NotAFeature { index: 0 })
    ));
    let mut bad_use = good.clone();
    bad_use["properties"]["land_use"] = json!("castle");
    let e = parse_proposal(&collection(vec![bad_use]), &crs).unwrap_err();
    assert!(matches!(e, ProposalError::UnknownLandUse { index: 0, .. }));
    assert!(e.to_string().contains("residential"), "{e}");

    let mut big_ring: Vec<Value> = (0..10_001)
        .map(|i| {
            let a = i as f64 / 10_001.0 * std::f64::consts::TAU;
            json!([50.1 + 1e-4 * a.cos(), 26.4 + 1e-4 * a.sin()])
        })
        .collect();
    big_ring.push(big_ring[0].clone());
    let big = feature(
        json!({"type": "Polygon", "coordinates": [big_ring]}),
        json!({"parcel_no": "1"}),
    );
    assert!(matches!(
        parse_proposal(&collection(vec![big]), &crs),
        Err(ProposalError::TooManyVertices {
            index: 0,
            ring: 0,
            ..
        })
    ));

    let mut deep = json!([50.1, 26.4]);
    for _ in 0..10 {
        deep = json!([deep]);
    }
    let nested = feature(
        json!({"type": "Polygon", "coordinates": deep}),
        json!({"parcel_no": "1"}),
    );
    assert!(matches!(
        parse_proposal(&collection(vec![nested]), &crs),
        Err(ProposalError::TooDeep { index: 0, .. })
    ));
    let collection_geometry = feature(
        json!({"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [50.1, 26.4]}]}),
        json!({"parcel_no": "1"}),
    );
    let parsed = parse_proposal(&collection(vec![collection_geometry]), &crs).unwrap();
    assert_eq!(
        parsed[0].geometry.as_ref().unwrap_err().code(),
        "wrong_geometry_type"
    );
}

#[test]
fn a_single_part_multipolygon_is_a_polygon() {
    let ring = ring_m(&[(0.0, 0.0), (20.0, 0.0), (20.0, 20.0), (0.0, 20.0)]);
    let coords: Vec<Value> = ring.iter().map(|c| json!([c.x, c.y])).collect();
    let v = collection(vec![feature(
        json!({"type": "MultiPolygon", "coordinates": [[coords]]}),
        json!({"parcel_no": 7}),
    )]);
    let parsed = parse_proposal(&v, &wgs84()).unwrap();
    assert!(parsed[0].geometry.is_ok());
    assert_eq!(parsed[0].parcel_no.as_ref().unwrap().as_str(), "7");
}

#[test]
fn a_utm_coordinate_beyond_the_pole_is_a_geometry_problem() {
    let utm = Crs::from_epsg(32639).unwrap();
    let v = collection(vec![feature(
        json!({"type": "Polygon", "coordinates": [[[400000.0, 2920000.0], [400020.0, 2920000.0], [400020.0, 20000000.0], [400000.0, 2920000.0]]]}),
        json!({"parcel_no": "1"}),
    )]);
    let parsed = parse_proposal(&v, &utm).unwrap();
    let p = parsed[0].geometry.as_ref().unwrap_err();
    assert!(matches!(p, GeometryProblem::OutOfRange { .. }), "{p:?}");
}

#[test]
fn every_accepted_crs_reads_back_its_own_coordinates() {
    let ring = ring_m(&[(0.0, 0.0), (20.0, 0.0), (20.0, 20.0), (0.0, 20.0)]);
    for code in [4326, 32639, 9359, 20439, 8839] {
        let crs = Crs::from_epsg(code).unwrap();
        let projected: Vec<Coord> = ring.iter().map(|c| crs.from_wgs84(*c).unwrap()).collect();
        let v = collection(vec![feature(
            polygon_json(&projected),
            json!({"parcel_no": "1"}),
        )]);
        let parsed = parse_proposal(&v, &crs).unwrap();
        let got = parsed[0].geometry.as_ref().unwrap();
        let (gap, excess) =
            gap_and_excess_m2(&[rect(0.0, 0.0, 20.0, 20.0)], std::slice::from_ref(got));
        assert!(gap < 0.01 && excess < 0.01, "EPSG:{code}: {gap} {excess}");
    }
}
