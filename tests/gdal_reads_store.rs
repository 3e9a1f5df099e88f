//! GDAL (`ogrinfo`), as QGIS would, opens a store written by madinati and lists every layer
//! with the right feature count and extent.

mod common;

use std::collections::HashMap;
use std::process::Command;

use common::*;
use madinati::domain::LayerKind;
use madinati::store::Store;
use serde_json::json;

struct OgrLayer {
    count: u64,
    extent: Option<[f64; 4]>,
}

/// Parses `ogrinfo -so -al` output: layer name → feature count and extent.
fn ogrinfo(path: &std::path::Path) -> (HashMap<String, OgrLayer>, String) {
    require_tool("ogrinfo");
    let out = Command::new("ogrinfo")
        .args(["-so", "-al", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ogrinfo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut layers = HashMap::new();
    let mut name = String::new();
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("Layer name: ") {
            name = n.trim().to_string();
            layers.insert(
                name.clone(),
                OgrLayer {
                    count: 0,
                    extent: None,
                },
            );
        } else if let Some(c) = line.strip_prefix("Feature Count: ") {
            layers.get_mut(&name).unwrap().count = c.trim().parse().unwrap();
        } else if let Some(e) = line.strip_prefix("Extent: ") {
            let nums: Vec<f64> = e
                .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .filter(|s| !s.is_empty() && *s != "-")
                .map(|s| s.parse().unwrap())
                .collect();
            layers.get_mut(&name).unwrap().extent = Some([nums[0], nums[1], nums[2], nums[3]]);
        }
    }
    (layers, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test]
async fn ogrinfo_lists_every_layer_with_count_and_extent() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    import(
        &store,
        &options(
            dir.path(),
            LayerKind::Districts,
            shared_data("dammam_districts_addressgov.geojson"),
            &[],
        ),
    )
    .await;
    import(
        &store,
        &options(
            dir.path(),
            LayerKind::Parcels,
            shared_data("parcels-paris18/cadastre-75118-parcelles.fgb"),
            PARIS_MAP,
        ),
    )
    .await;
    let services = dir.path().join("services.geojson");
    let points: Vec<_> = [("صيدلية النهدي", "pharmacy", 50.10, 26.43), ("مخبز الحي", "bakery", 50.12, 26.41), ("مسجد الفيصلية", "mosque", 50.09, 26.44)]
        .iter()
        .map(|(n, c, x, y)| json!({"type": "Feature", "properties": {"name_ar": n, "category": c}, "geometry": {"type": "Point", "coordinates": [x, y]}}))
        .collect();
    std::fs::write(
        &services,
        json!({"type": "FeatureCollection", "features": points}).to_string(),
    )
    .unwrap();
    import(
        &store,
        &options(dir.path(), LayerKind::ServicePoints, services, &[]),
    )
    .await;
    store.close().await;

    let (layers, stderr) = ogrinfo(&dir.path().join("city.gpkg"));
    assert!(
        !stderr.contains("ERROR") && !stderr.contains("Warning"),
        "GDAL complained: {stderr}"
    );
    let store = madinati::store::SqliteStore::open(&dir.path().join("city.gpkg"), false)
        .await
        .unwrap();
    for layer in LayerKind::ALL {
        let ogr = layers
            .get(layer.id())
            .unwrap_or_else(|| panic!("ogrinfo does not list {layer}"));
        let ours = store.layer_summary(layer).await.unwrap();
        assert_eq!(ogr.count, ours.current, "{layer}: feature count");
        match (ogr.extent, ours.extent) {
            (Some(e), Some(b)) => {
                for (a, b) in e.iter().zip([b.min_x, b.min_y, b.max_x, b.max_y]) {
                    assert!(
                        (a - b).abs() < 1e-6,
                        "{layer}: ogrinfo extent {e:?} vs ours {b}"
                    );
                }
            }
            (None, None) => {}
            (Some(e), None) if ogr.count == 0 => assert!(e.iter().all(|v| *v == 0.0)),
            other => panic!("{layer}: extents differ {:?}", other.0),
        }
    }
    assert_eq!(layers["districts"].count, 80);
    assert_eq!(layers["parcels"].count, 6821);
    assert_eq!(layers["service_points"].count, 3);
    // Dammam's districts lie around 50.0-50.2 E, 26.2-26.6 N.
    let d = layers["districts"].extent.unwrap();
    assert!(
        d[0] > 49.9 && d[2] < 50.3 && d[1] > 26.1 && d[3] < 26.7,
        "{d:?}"
    );
    // Lineage and the import log are attribute tables in the same file.
    assert_eq!(layers["imports"].count, 3);
    assert!(layers.contains_key("parcel_lineage"));
    assert!(
        !layers.contains_key("parcel_owners"),
        "owners are not published as a layer"
    );
}

#[tokio::test]
async fn gdal_reads_back_the_same_geometry_and_arabic_names() {
    require_tool("ogr2ogr");
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    let input = shared_data("dammam_districts_addressgov.geojson");
    import(
        &store,
        &options(dir.path(), LayerKind::Districts, input.clone(), &[]),
    )
    .await;
    store.close().await;
    let out = dir.path().join("back.geojson");
    let status = Command::new("ogr2ogr")
        .args([
            "-f",
            "GeoJSON",
            out.to_str().unwrap(),
            dir.path().join("city.gpkg").to_str().unwrap(),
            "districts",
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let back: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    let src: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(input).unwrap()).unwrap();
    let names = |v: &serde_json::Value, key: &str| {
        let mut n: Vec<String> = v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"][key].as_str().unwrap().to_string())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&back, "name_ar"), names(&src, "name_ar"));
    // GeoJSON Polygons come back from GDAL as the stored MultiPolygons with the same rings.
    let first_src = &src["features"][0]["geometry"]["coordinates"][0];
    let first_back = back["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["name_ar"] == src["features"][0]["properties"]["name_ar"])
        .unwrap();
    assert_eq!(&first_back["geometry"]["coordinates"][0][0], first_src);
}
