//! Imports in the region's projected CRSs come back to EPSG:4326 where they were: districts
//! written by GDAL in KSA-GRF17 / UTM 39N (EPSG:9359) and WGS 84 / UTM 39N (EPSG:32639), with
//! the CRS given by --srs (a CSV has no CRS) or declared by the file.

mod common;

use std::collections::HashMap;
use std::process::Command;

use common::*;
use madinati::domain::LayerKind;
use madinati::domain::attributes::Attributes;
use madinati::store::{AsOf, Store};

fn ogr2ogr(args: &[&str]) {
    require_tool("ogr2ogr");
    let out = Command::new("ogr2ogr").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "ogr2ogr failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn areas_by_name(dir: &std::path::Path) -> HashMap<String, f64> {
    let store = madinati::store::SqliteStore::open(&dir.join("city.gpkg"), false)
        .await
        .unwrap();
    let out = store
        .features(LayerKind::Districts, AsOf::Current)
        .await
        .unwrap()
        .into_iter()
        .map(|s| {
            let Attributes::District(d) = s.feature.attributes() else {
                panic!()
            };
            (
                format!(
                    "{}/{}",
                    d.name_ar.clone().unwrap(),
                    s.feature.source_id().unwrap()
                ),
                s.feature.area_m2(),
            )
        })
        .collect();
    store.close().await;
    out
}

#[tokio::test]
async fn ksa_grf17_and_utm_files_come_back_where_they_were() {
    let src = shared_data("dammam_districts_addressgov.geojson");
    let reference = tempfile::tempdir().unwrap();
    let out = run(
        reference.path(),
        &[
            "import",
            "--store",
            "city.gpkg",
            "--layer",
            "districts",
            src.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    let want = areas_by_name(reference.path()).await;

    for epsg in ["9359", "32639", "8839"] {
        let dir = tempfile::tempdir().unwrap();
        // CSV with WKT: a file with no CRS in it.
        let seq = dir.path().join(format!("districts-{epsg}.csv"));
        let srs = format!("EPSG:{epsg}");
        ogr2ogr(&[
            "-f",
            "CSV",
            "-lco",
            "GEOMETRY=AS_WKT",
            "-t_srs",
            &srs,
            seq.to_str().unwrap(),
            src.to_str().unwrap(),
        ]);

        // Without --srs the metres are not degrees: every record is rejected with a hint.
        let bad = run(
            dir.path(),
            &[
                "import",
                "--store",
                "wrong.gpkg",
                "--layer",
                "districts",
                seq.to_str().unwrap(),
            ],
        );
        assert_eq!(bad.status.code(), Some(3));
        let stdout = String::from_utf8_lossy(&bad.stdout);
        assert!(
            stdout.contains("rejected 80") && stdout.contains("coordinate_out_of_range"),
            "{stdout}"
        );

        let ok = run(
            dir.path(),
            &[
                "import",
                "--store",
                "city.gpkg",
                "--layer",
                "districts",
                "--srs",
                &srs,
                seq.to_str().unwrap(),
            ],
        );
        assert_eq!(
            ok.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let got = areas_by_name(dir.path()).await;
        assert_eq!(got.len(), 80);
        for (k, a) in &want {
            let b = got[k];
            assert!(((a - b) / a).abs() < 1e-6, "{epsg} {k}: {a} vs {b}");
        }
    }

    // A GeoJSON that declares its CRS (GDAL writes the "crs" member) needs no --srs.
    let dir = tempfile::tempdir().unwrap();
    let declared = dir.path().join("districts-utm.geojson");
    ogr2ogr(&[
        "-f",
        "GeoJSON",
        "-t_srs",
        "EPSG:32639",
        declared.to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    let ok = run(
        dir.path(),
        &[
            "import",
            "--store",
            "city.gpkg",
            "--layer",
            "districts",
            declared.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("32639"),
        "the summary names the source CRS: {stdout}"
    );
    let got = areas_by_name(dir.path()).await;
    for (k, a) in &want {
        assert!(((a - got[k]) / a).abs() < 1e-6, "{k}");
    }
}
