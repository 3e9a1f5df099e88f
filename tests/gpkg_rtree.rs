//! The GeoPackage's own R-tree spatial index (`gpkg_rtree_index`): present on every feature
//! table, filled at creation, kept in step by its triggers in the same transaction as an
//! approval, and used by GDAL (`HasSpatialIndex`, `-spat`) with the same answers as madinati's.

mod common;
mod register_support;

use axum::http::StatusCode;
use register_support::*;
use serde_json::json;
use sqlx::Connection;

fn ogr(args: &[&str]) -> String {
    common::require_tool("ogrinfo");
    let out = std::process::Command::new("ogrinfo")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ogrinfo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn every_layer_has_a_gpkg_rtree_kept_in_step_and_gdal_uses_it() {
    let city = city().await;
    let app = &city.app;
    let surveyor = login(app, "surveyor").await;
    let planner = login(app, "planner").await;
    let (parent, body) = splittable(&city, &surveyor, 0).await;
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
    let children: Vec<i64> = v["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_i64().unwrap())
        .collect();
    city.store.close().await;

    let path = city.dir.path().join("city.gpkg");
    let file = path.to_str().unwrap();
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{file}"))
        .await
        .unwrap();
    for t in ["districts", "plans", "streets", "parcels", "service_points"] {
        let (rows, indexed): (i64, i64) = sqlx::query_as(&format!(
            "SELECT (SELECT count(*) FROM {t}), (SELECT count(*) FROM rtree_{t}_geom)"
        ))
        .fetch_one(&mut db)
        .await
        .unwrap();
        assert!(
            rows > 0 && rows == indexed,
            "{t}: {rows} rows, {indexed} in the R-tree"
        );
        let ext: i64 = sqlx::query_scalar("SELECT count(*) FROM gpkg_extensions WHERE table_name = ? AND extension_name = 'gpkg_rtree_index'")
            .bind(t).fetch_one(&mut db).await.unwrap();
        assert_eq!(ext, 1, "{t}");
        // GDAL sees the index.
        let has = ogr(&[
            "-ro",
            "-q",
            file,
            "-sql",
            &format!("SELECT HasSpatialIndex('{t}', 'geom')"),
        ]);
        assert!(has.contains("= 1"), "{t}: {has}");
    }
    // The children went into the R-tree with the approval, with their boxes.
    for c in &children {
        let (minx, maxx, miny, maxy): (f64, f64, f64, f64) =
            sqlx::query_as("SELECT minx, maxx, miny, maxy FROM rtree_parcels_geom WHERE id = ?")
                .bind(c)
                .fetch_one(&mut db)
                .await
                .unwrap();
        assert!(minx < maxx && miny < maxy);
    }
    // A box query through GDAL (spatial index) finds the current parcels madinati finds.
    let b = parent.feature.geometry().bbox();
    let (x0, y0, x1, y1) = (
        b.min_x - 0.0005,
        b.min_y - 0.0005,
        b.max_x + 0.0005,
        b.max_y + 0.0005,
    );
    let listing = ogr(&[
        "-ro",
        "-al",
        "-q",
        "-geom=NO",
        file,
        "parcels",
        "-spat",
        &x0.to_string(),
        &y0.to_string(),
        &x1.to_string(),
        &y1.to_string(),
        "-where",
        "valid_to IS NULL",
    ]);
    let mut gdal: Vec<i64> = listing
        .lines()
        .filter_map(|l| l.trim().strip_prefix("OGRFeature(parcels):"))
        .map(|n| n.trim().parse().unwrap())
        .collect();
    gdal.sort();
    let (_, app2) = reopen(&path).await;
    let (_, items) = call(
        &app2,
        "GET",
        &format!("/collections/parcels/items?bbox={x0},{y0},{x1},{y1}&limit=10000"),
        None,
        None,
    )
    .await;
    let mut ours: Vec<i64> = items["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_i64().unwrap())
        .collect();
    ours.sort();
    assert!(!ours.is_empty());
    assert_eq!(gdal, ours);
    assert!(children.iter().all(|c| gdal.contains(c)));
}
