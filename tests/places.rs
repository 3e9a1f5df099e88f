//! /api/nearby and /api/identify on the demo city, checked against brute force and PostGIS.

mod common;

use std::process::Command;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use common::*;
use geo::{Distance, Geodesic, Point};
use madinati::demo::{self, DemoSize};
use madinati::domain::attributes::Attributes;
use madinati::domain::{LayerKind, ValidGeometry};
use madinati::http::{AppState, router};
use madinati::store::{AsOf, SqliteStore, Store, StoredFeature};
use serde_json::Value;
use tower::ServiceExt;

async fn demo_city(dir: &std::path::Path) -> SqliteStore {
    let store = fresh_store(dir).await;
    demo::build(&store, DemoSize::Small, 1, &mut |_, _, _| {})
        .await
        .unwrap();
    store
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), 1 << 24).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn point_of(f: &StoredFeature) -> Point {
    match f.feature.geometry() {
        ValidGeometry::Point(p) => *p,
        _ => panic!("not a point"),
    }
}

fn category(f: &StoredFeature) -> String {
    match f.feature.attributes() {
        Attributes::ServicePoint(s) => s.category.to_string(),
        _ => String::new(),
    }
}

#[tokio::test]
async fn nearby_orders_by_geodesic_distance_with_category_radius_and_open_now() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_city(dir.path()).await;
    let services = store
        .features(LayerKind::ServicePoints, AsOf::Current)
        .await
        .unwrap();
    let app = router(
        AppState::load(Arc::new(store.clone()), Default::default())
            .await
            .unwrap(),
    );
    let (lon, lat) = {
        let p = point_of(&services[services.len() / 2]);
        (p.x() + 0.001, p.y() - 0.0007)
    };
    let here = Point::new(lon, lat);

    // Several categories, comma list and repeated, Arabic label accepted.
    let uri =
        format!("/api/nearby?lon={lon}&lat={lat}&category=pharmacy,بقالة&category=mosque&limit=15");
    let (s, body) = get(&app, &uri).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let got: Vec<(i64, f64)> = body["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_i64().unwrap(),
                f["properties"]["distance_m"].as_f64().unwrap(),
            )
        })
        .collect();
    let mut want: Vec<(i64, f64)> = services
        .iter()
        .filter(|f| ["pharmacy", "grocery", "mosque"].contains(&category(f).as_str()))
        .map(|f| (f.fid.0, Geodesic.distance(here, point_of(f))))
        .collect();
    want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    want.truncate(15);
    assert_eq!(
        got.iter().map(|g| g.0).collect::<Vec<_>>(),
        want.iter().map(|w| w.0).collect::<Vec<_>>()
    );
    for (g, w) in got.iter().zip(&want) {
        assert!((g.1 - w.1).abs() <= 0.005, "distance {} vs {}", g.1, w.1);
    }
    assert!(body["features"][0]["properties"]["name"].is_string());

    // Radius: every answer within it, none missing.
    let (_, body) = get(
        &app,
        &format!("/api/nearby?lon={lon}&lat={lat}&radius=400&limit=100"),
    )
    .await;
    let within = services
        .iter()
        .filter(|f| Geodesic.distance(here, point_of(f)) <= 400.0)
        .count();
    assert_eq!(body["features"].as_array().unwrap().len(), within.min(100));

    // Open now, in Riyadh time: a Friday at 12:30 (prayer) vs a Sunday at 10:00.
    let friday = "2026-11-27T12:30:00%2B03:00";
    let (_, fri) = get(
        &app,
        &format!("/api/nearby?lon={lon}&lat={lat}&open_now=true&at={friday}&limit=100&lang=en"),
    )
    .await;
    for f in fri["features"].as_array().unwrap() {
        assert_eq!(f["properties"]["open_now"], true, "{f}");
    }
    let sunday = "2026-11-22T10:00:00%2B03:00";
    let (_, sun) = get(&app, &format!("/api/nearby?lon={lon}&lat={lat}&open_now=true&at={sunday}&limit=100&category=government_office")).await;
    let (_, fri_gov) = get(&app, &format!("/api/nearby?lon={lon}&lat={lat}&open_now=true&at={friday}&limit=100&category=government_office")).await;
    assert!(
        !sun["features"].as_array().unwrap().is_empty(),
        "government offices are open on Sunday morning"
    );
    assert!(
        fri_gov["features"].as_array().unwrap().is_empty(),
        "and closed on Friday"
    );
}

#[tokio::test]
async fn nearby_and_identify_refuse_bad_parameters_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_city(dir.path()).await;
    let app = router(
        AppState::load(Arc::new(store), Default::default())
            .await
            .unwrap(),
    );
    for (uri, word) in [
        ("/api/nearby?lat=26.4", "lon"),
        ("/api/nearby?lon=500&lat=26.4", "lon"),
        ("/api/nearby?lon=abc&lat=26.4", "lon"),
        ("/api/nearby?lon=50.1&lat=26.4&limit=0", "limit"),
        ("/api/nearby?lon=50.1&lat=26.4&limit=1000", "limit"),
        ("/api/nearby?lon=50.1&lat=26.4&radius=-5", "radius"),
        (
            "/api/nearby?lon=50.1&lat=26.4&category=spaceport",
            "spaceport",
        ),
        ("/api/nearby?lon=50.1&lat=26.4&open_now=maybe", "open_now"),
        ("/api/nearby?lon=50.1&lat=26.4&at=yesterday", "at"),
        ("/api/nearby?lon=50.1&lat=26.4&lang=fr", "lang"),
        ("/api/nearby?lon=50.1&lat=26.4&colour=red", "colour"),
        ("/api/identify?lon=50.1", "lat"),
    ] {
        let (s, body) = get(&app, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
        let d = body["description"].as_str().unwrap();
        assert!(d.contains(word), "{uri}: {d}");
    }
}

#[tokio::test]
async fn identify_finds_district_plan_parcel_and_nearest_street() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_city(dir.path()).await;
    let parcels = store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    let app = router(
        AppState::load(Arc::new(store.clone()), Default::default())
            .await
            .unwrap(),
    );
    let parcel = &parcels[parcels.len() / 3];
    let ValidGeometry::Polygon(poly) = parcel.feature.geometry() else {
        panic!()
    };
    use geo::InteriorPoint;
    let inside = poly.interior_point().unwrap();
    let (s, body) = get(
        &app,
        &format!("/api/identify?lon={}&lat={}", inside.x(), inside.y()),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["parcel"]["id"], parcel.fid.0);
    let Attributes::Parcel(p) = parcel.feature.attributes() else {
        panic!()
    };
    assert_eq!(
        body["parcel"]["properties"]["parcel_no"],
        p.parcel_no.as_str()
    );
    assert_eq!(
        body["district"]["properties"]["name_ar"].as_str(),
        p.district.as_deref()
    );
    assert_eq!(
        body["plan"]["properties"]["plan_no"].as_str(),
        p.plan_no.as_ref().map(|n| n.as_str())
    );
    let street = &body["nearest_street"];
    let d = street["properties"]["distance_m"].as_f64().unwrap();
    assert!(d > 0.0 && d < 60.0, "a demo parcel fronts a street: {d} m");
    let text = body.to_string();
    assert!(!text.contains("owner"), "identify never shows owners");
}

/// The same nearby (k and radius) and box questions asked of PostGIS on the same data give the
/// same answers.
#[tokio::test]
async fn nearby_and_bbox_agree_with_postgis() {
    require_tool("ogr2ogr");
    let dir = tempfile::tempdir().unwrap();
    let store = demo_city(dir.path()).await;
    store.close().await;
    let store = SqliteStore::open(&dir.path().join("city.gpkg"), false)
        .await
        .unwrap();
    psql("CREATE EXTENSION IF NOT EXISTS postgis");
    let suffix = std::process::id();
    let (sp, pa) = (format!("sp_{suffix}"), format!("pa_{suffix}"));
    for (layer, table) in [("service_points", &sp), ("parcels", &pa)] {
        let ok = Command::new("ogr2ogr")
            .args([
                "-f",
                "PostgreSQL",
                "PG:host=127.0.0.1 user=postgres dbname=test",
                dir.path().join("city.gpkg").to_str().unwrap(),
                layer,
            ])
            .args([
                "-nln",
                table,
                "-overwrite",
                "-lco",
                "GEOMETRY_NAME=geom",
                "-lco",
                "FID=fid",
                "-preserve_fid",
            ])
            .status()
            .unwrap();
        assert!(ok.success(), "ogr2ogr into PostGIS failed");
    }
    let state = AppState::load(Arc::new(store.clone()), Default::default())
        .await
        .unwrap();
    let index = state.index.clone();
    let app = router(state);
    let services = store
        .features(LayerKind::ServicePoints, AsOf::Current)
        .await
        .unwrap();
    let center = point_of(&services[0]);
    let mut checked = 0;
    for (i, (dx, dy)) in [
        (0.0, 0.0),
        (0.003, -0.002),
        (-0.01, 0.007),
        (0.02, 0.015),
        (0.5, 0.5),
    ]
    .iter()
    .enumerate()
    {
        let (lon, lat) = (center.x() + dx, center.y() + dy);
        let pt = format!("ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326)::geography");
        for (k, radius) in [(10usize, None), (25, Some(800.0)), (5, Some(50.0))] {
            let mut uri = format!("/api/nearby?lon={lon}&lat={lat}&limit={k}");
            let mut sql = format!("SELECT fid, ST_Distance(geom::geography, {pt}) AS d FROM {sp}");
            if let Some(r) = radius {
                uri.push_str(&format!("&radius={r}"));
                sql.push_str(&format!(" WHERE ST_DWithin(geom::geography, {pt}, {r})"));
            }
            sql.push_str(&format!(
                " ORDER BY geom::geography <-> {pt}, d, fid LIMIT {}",
                k * 3
            ));
            // PostGIS's KNN operator orders on the sphere; re-rank its candidates by spheroid distance.
            let mut oracle: Vec<(i64, f64)> = psql(&sql)
                .iter()
                .map(|r| {
                    let (f, d) = r.split_once('|').unwrap();
                    (f.parse().unwrap(), d.parse().unwrap())
                })
                .collect();
            oracle.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            oracle.truncate(k);
            let (_, body) = get(&app, &uri).await;
            let ours: Vec<(i64, f64)> = body["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["id"].as_i64().unwrap(),
                        f["properties"]["distance_m"].as_f64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(
                ours.iter().map(|o| o.0).collect::<Vec<_>>(),
                oracle.iter().map(|o| o.0).collect::<Vec<_>>(),
                "point {i} k {k} radius {radius:?}"
            );
            for (o, p) in ours.iter().zip(&oracle) {
                assert!(
                    (o.1 - p.1).abs() < 0.01,
                    "distance {} vs PostGIS {}",
                    o.1,
                    p.1
                );
            }
            checked += ours.len();
        }
        // Boxes: parcels intersecting, ours vs ST_Intersects.
        let b = madinati::domain::Bbox {
            min_x: lon - 0.004,
            min_y: lat - 0.003,
            max_x: lon + 0.004,
            max_y: lat + 0.003,
        };
        let ours: Vec<i64> = index
            .snapshot()
            .layer(LayerKind::Parcels)
            .in_bbox(&b)
            .iter()
            .map(|f| f.fid.0)
            .collect();
        let theirs: Vec<i64> = psql(&format!(
            "SELECT fid FROM {pa} WHERE ST_Intersects(geom, ST_MakeEnvelope({}, {}, {}, {}, 4326)) ORDER BY fid",
            b.min_x, b.min_y, b.max_x, b.max_y
        ))
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
        assert_eq!(ours, theirs, "bbox {b:?}");
    }
    assert!(checked > 50);
    psql(&format!("DROP TABLE {sp}; DROP TABLE {pa}"));
}
