//! Imports of the real district and parcel data in ../shared/data, checked against the source
//! files and against independent tools (PostGIS, GDAL).

mod common;

use std::collections::HashMap;
use std::process::Command;

use common::*;
use madinati::domain::LayerKind;
use madinati::domain::attributes::Attributes;
use madinati::store::{AsOf, Store};
use serde_json::Value;

fn source_features(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(shared_data(name)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["features"].as_array().unwrap().clone()
}

#[tokio::test]
async fn dammam_districts_import_whole_with_arabic_names_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    let input = shared_data("dammam_districts_addressgov.geojson");
    let summary = import(
        &store,
        &options(dir.path(), LayerKind::Districts, input, &[]),
    )
    .await;
    assert_eq!(
        (summary.read, summary.imported, summary.rejected),
        (80, 80, 0)
    );
    assert!(summary.rejects_file.is_none());

    let stored = store
        .features(LayerKind::Districts, AsOf::Current)
        .await
        .unwrap();
    assert_eq!(stored.len(), 80);
    let by_id: HashMap<String, &Attributes> = stored
        .iter()
        .map(|s| {
            (
                s.feature.source_id().unwrap().to_string(),
                s.feature.attributes(),
            )
        })
        .collect();
    for f in source_features("dammam_districts_addressgov.geojson") {
        let id = f["properties"]["district_id"].to_string();
        let Attributes::District(d) = by_id[&id] else {
            panic!("not a district")
        };
        let want = f["properties"]["name_ar"].as_str().unwrap();
        assert_eq!(
            d.name_ar.as_deref().unwrap().as_bytes(),
            want.as_bytes(),
            "district {id}"
        );
        assert_eq!(d.name_en.as_deref(), f["properties"]["name_en"].as_str());
    }
    let s = store.layer_summary(LayerKind::Districts).await.unwrap();
    assert_eq!(s.current, 80);
}

#[tokio::test]
async fn eastern_province_rejects_exactly_the_self_intersecting_feature_1332() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    let input = shared_data("eastern_province_districts_saudigisdata.geojson");
    let summary = import(
        &store,
        &options(dir.path(), LayerKind::Districts, input, &[]),
    )
    .await;
    assert_eq!(
        (summary.read, summary.imported, summary.rejected),
        (464, 463, 1)
    );
    assert_eq!(
        summary.rejected_by_reason.get("self_intersection"),
        Some(&1)
    );

    let rejects: Value =
        serde_json::from_str(&std::fs::read_to_string(summary.rejects_file.unwrap()).unwrap())
            .unwrap();
    let features = rejects["features"].as_array().unwrap();
    assert_eq!(
        features.len(),
        1,
        "the rejects file holds exactly one feature"
    );
    let p = &features[0]["properties"];
    assert_eq!(p["id"], 1332);
    assert_eq!(p["district_ar"], "ارامكو السعودية");
    assert_eq!(p["_reject_reason"], "self_intersection");
    let message = p["_reject_message"].as_str().unwrap();
    assert!(
        message.contains("self-intersection at (50.11"),
        "the message names the problem and where: {message}"
    );
    let loc = p["_location"].as_array().unwrap();
    let (x, y) = (loc[0].as_f64().unwrap(), loc[1].as_f64().unwrap());
    // The location is on the feature (inside its bbox, Dhahran).
    assert!(
        (50.0..50.2).contains(&x) && (26.2..26.4).contains(&y),
        "{x},{y}"
    );
    assert_eq!(
        features[0]["geometry"]["type"], "Polygon",
        "the rejected geometry is kept for fixing"
    );

    let stored = store
        .features(LayerKind::Districts, AsOf::Current)
        .await
        .unwrap();
    assert_eq!(stored.len(), 463);
    assert!(
        stored
            .iter()
            .all(|s| s.feature.source_id().unwrap().as_str() != "1332")
    );
}

#[tokio::test]
async fn paris_parcels_from_flatgeobuf_and_geojson_give_the_same_store() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let fgb_store = fresh_store(&a).await;
    let json_store = fresh_store(&b).await;
    let fgb = import(
        &fgb_store,
        &options(
            &a,
            LayerKind::Parcels,
            shared_data("parcels-paris18/cadastre-75118-parcelles.fgb"),
            PARIS_MAP,
        ),
    )
    .await;
    let json = import(
        &json_store,
        &options(
            &b,
            LayerKind::Parcels,
            shared_data("parcels-paris18/cadastre-75118-parcelles.json"),
            PARIS_MAP,
        ),
    )
    .await;
    assert_eq!((fgb.imported, fgb.rejected), (6821, 0));
    assert_eq!((json.imported, json.rejected), (6821, 0));
    let from_fgb = fgb_store
        .features(LayerKind::Parcels, AsOf::All)
        .await
        .unwrap();
    let from_json = json_store
        .features(LayerKind::Parcels, AsOf::All)
        .await
        .unwrap();
    assert_eq!(from_fgb.len(), 6821);
    assert_eq!(from_json.len(), 6821);
    // The FlatGeobuf is in spatial (Hilbert) order, the GeoJSON in id order: compare by id.
    let by_id: HashMap<String, _> = from_json
        .iter()
        .map(|s| (s.feature.source_id().unwrap().to_string(), &s.feature))
        .collect();
    for s in &from_fgb {
        let id = s.feature.source_id().unwrap().to_string();
        assert_eq!(
            Some(&&s.feature),
            by_id.get(&id),
            "parcel {id} differs between the FlatGeobuf and the GeoJSON import"
        );
    }
}

/// Geodesic areas agree with PostGIS `ST_Area(geography)` within 0.01 % for every parcel.
#[tokio::test]
async fn paris_parcel_areas_agree_with_postgis_geography() {
    require_tool("ogr2ogr");
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    let input = shared_data("parcels-paris18/cadastre-75118-parcelles.json");
    import(
        &store,
        &options(dir.path(), LayerKind::Parcels, input.clone(), PARIS_MAP),
    )
    .await;

    psql("CREATE EXTENSION IF NOT EXISTS postgis");
    let table = format!("paris_parcels_{}", std::process::id());
    let status = Command::new("ogr2ogr")
        .args([
            "-f",
            "PostgreSQL",
            "PG:host=127.0.0.1 user=postgres dbname=test",
            input.to_str().unwrap(),
            "-nln",
            &table,
            "-overwrite",
            "-lco",
            "GEOMETRY_NAME=geom",
        ])
        .status()
        .unwrap();
    assert!(status.success(), "ogr2ogr into PostGIS failed");
    let rows = psql(&format!("SELECT id, ST_Area(geom::geography) FROM {table}"));
    psql(&format!("DROP TABLE {table}"));
    let oracle: HashMap<String, f64> = rows
        .iter()
        .map(|r| {
            let (id, area) = r.split_once('|').unwrap();
            (id.to_string(), area.parse().unwrap())
        })
        .collect();
    assert_eq!(oracle.len(), 6821);

    let stored = store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    let mut worst = 0.0f64;
    for s in &stored {
        let id = s.feature.source_id().unwrap().to_string();
        let ours = s.feature.area_m2();
        let theirs = oracle[&id];
        let rel = ((ours - theirs) / theirs).abs();
        worst = worst.max(rel);
        assert!(
            rel < 1e-4,
            "parcel {id}: ours {ours} m², PostGIS {theirs} m²"
        );
    }
    eprintln!("largest relative difference from PostGIS: {worst:e}");
}
