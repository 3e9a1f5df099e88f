//! Hand-made bad records: each is rejected with the right reason and place, the good ones are
//! imported, and the CLI's exit status says what happened.

mod common;

use std::collections::BTreeMap;

use common::*;
use madinati::domain::LayerKind;
use madinati::store::{AsOf, Store};
use serde_json::{Value, json};

fn feature(id: &str, props: Value, geometry: Value) -> String {
    json!({"type": "Feature", "id": id, "properties": props, "geometry": geometry}).to_string()
}

fn square(x: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x, 26.4], [x + 0.0003, 26.4], [x + 0.0003, 26.4003], [x, 26.4003], [x, 26.4]]]})
}

/// The bad-records collection, one feature per line, ending in the middle of a feature.
fn bad_collection() -> (String, BTreeMap<u64, &'static str>) {
    let p = |n: &str| json!({"parcel_no": n, "plan_no": "2/123", "block_no": "4"});
    let lines = [
        feature("p1", p("1"), square(50.10)),
        feature(
            "p-point",
            p("2"),
            json!({"type": "Point", "coordinates": [50.1, 26.4]}),
        ),
        feature(
            "p-bowtie",
            p("3"),
            json!({"type": "Polygon", "coordinates": [[[50.1, 26.4], [50.101, 26.401], [50.101, 26.4], [50.1, 26.401], [50.1, 26.4]]]}),
        ),
        feature(
            "p-unclosed",
            p("4"),
            json!({"type": "Polygon", "coordinates": [[[50.1, 26.4], [50.101, 26.4], [50.101, 26.401], [50.1, 26.401]]]}),
        ),
        feature(
            "p-short",
            p("5"),
            json!({"type": "Polygon", "coordinates": [[[50.1, 26.4], [50.101, 26.4], [50.1, 26.4]]]}),
        ),
        feature(
            "p-range",
            p("6"),
            json!({"type": "Polygon", "coordinates": [[[500.1, 26.4], [500.101, 26.4], [500.101, 26.401], [500.1, 26.4]]]}),
        ),
        feature("p-noparcelno", json!({"plan_no": "2/123"}), square(50.11)),
        feature("p1", p("8"), square(50.12)),
        "{\"type\": \"Feature\", this is garbage}".to_string(),
        feature("p2", p("10"), square(50.13)),
        feature("p-nogeom", p("11"), Value::Null),
        feature(
            "p-landuse",
            json!({"parcel_no": "12", "land_use": "spaceport"}),
            square(50.14),
        ),
    ];
    let expected = BTreeMap::from([
        (2, "wrong_geometry_type"),
        (3, "self_intersection"),
        (4, "unclosed_ring"),
        (5, "too_few_points"),
        (6, "coordinate_out_of_range"),
        (7, "missing_attribute"),
        (8, "duplicate_id"),
        (9, "unparseable"),
        (11, "missing_geometry"),
        (12, "invalid_attribute"),
        (13, "unparseable"),
    ]);
    let mut text = String::from("{\"type\": \"FeatureCollection\", \"features\": [\n");
    text.push_str(&lines.join(",\n"));
    text.push_str(",\n");
    // A truncated tail: the file ends inside feature 13.
    text.push_str(&feature("p-cut", p("13"), square(50.15))[..60]);
    (text, expected)
}

fn rejects_by_record(path: &std::path::Path) -> BTreeMap<u64, (String, Value)> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["_source_record"].as_u64().unwrap(),
                (p["_reject_reason"].as_str().unwrap().to_string(), f.clone()),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_bad_record_is_rejected_with_its_reason_and_the_good_ones_imported() {
    let dir = tempfile::tempdir().unwrap();
    let (text, expected) = bad_collection();
    let input = dir.path().join("bad.geojson");
    std::fs::write(&input, text).unwrap();
    let store = fresh_store(dir.path()).await;
    let summary = import(&store, &options(dir.path(), LayerKind::Parcels, input, &[])).await;
    assert_eq!(summary.imported, 2, "{summary}");
    assert_eq!(summary.rejected, expected.len() as u64, "{summary}");

    let rejects = rejects_by_record(summary.rejects_file.as_deref().unwrap());
    let got: BTreeMap<u64, &str> = rejects.iter().map(|(k, (r, _))| (*k, r.as_str())).collect();
    assert_eq!(got, expected);

    let msg = |n: u64| {
        rejects[&n].1["properties"]["_reject_message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        msg(3).contains("self-intersection at (50.1005000, 26.4005000)"),
        "{}",
        msg(3)
    );
    assert!(msg(4).contains("not closed"), "{}", msg(4));
    assert!(msg(7).contains("parcel_no"), "{}", msg(7));
    assert!(
        msg(8).contains("record 1"),
        "the duplicate names the first record: {}",
        msg(8)
    );
    assert!(msg(12).contains("land_use"), "{}", msg(12));
    assert!(msg(13).contains("truncated"), "{}", msg(13));
    let at = &rejects[&3].1["properties"]["_location"];
    assert!(
        (at[0].as_f64().unwrap() - 50.1005).abs() < 1e-12
            && (at[1].as_f64().unwrap() - 26.4005).abs() < 1e-12,
        "{at}"
    );
    assert_eq!(
        rejects[&9].1["properties"]["_source_line"], 10,
        "garbage is located by line"
    );

    let stored = store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    let ids: Vec<String> = stored
        .iter()
        .map(|s| s.feature.source_id().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["p1", "p2"]);
}

#[tokio::test]
async fn a_garbage_line_in_newline_delimited_geojson_is_rejected_alone() {
    let dir = tempfile::tempdir().unwrap();
    let good = |id: &str, x| {
        feature(
            id,
            json!({"name_ar": "مسجد", "category": "mosque"}),
            json!({"type": "Point", "coordinates": [x, 26.4]}),
        )
    };
    let text = format!(
        "{}\n%%% garbage %%%\n{}\n{}",
        good("s1", 50.1),
        good("s2", 50.2),
        &good("s3", 50.3)[..30]
    );
    let input = dir.path().join("services.geojsonl");
    std::fs::write(&input, text).unwrap();
    let store = fresh_store(dir.path()).await;
    let summary = import(
        &store,
        &options(dir.path(), LayerKind::ServicePoints, input, &[]),
    )
    .await;
    assert_eq!((summary.imported, summary.rejected), (2, 2), "{summary}");
    let rejects = rejects_by_record(summary.rejects_file.as_deref().unwrap());
    assert_eq!(rejects[&2].0, "unparseable");
    assert_eq!(rejects[&2].1["properties"]["_source_line"], 2);
    assert_eq!(rejects[&4].0, "unparseable");
    assert!(
        rejects[&4].1["properties"]["_reject_message"]
            .as_str()
            .unwrap()
            .contains("truncated")
    );
}

#[test]
fn cli_exit_status_tells_all_imported_some_rejected_fatal_and_usage() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (text, _) = bad_collection();
    std::fs::write(d.join("bad.geojson"), text).unwrap();
    let districts = shared_data("dammam_districts_addressgov.geojson");

    let ok = run(
        d,
        &[
            "import",
            "--store",
            "s.gpkg",
            "--layer",
            "districts",
            districts.to_str().unwrap(),
        ],
    );
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("imported 80, rejected 0"));

    let some = run(
        d,
        &[
            "import",
            "--store",
            "s.gpkg",
            "--layer",
            "parcels",
            "bad.geojson",
        ],
    );
    assert_eq!(
        some.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&some.stderr)
    );
    let out = String::from_utf8_lossy(&some.stdout);
    assert!(
        out.contains("rejected 11") && out.contains("bad.geojson.rejects.geojson"),
        "{out}"
    );
    assert!(d.join("bad.geojson.rejects.geojson").exists());

    let fatal = run(
        d,
        &[
            "import",
            "--store",
            "s.gpkg",
            "--layer",
            "parcels",
            "missing.geojson",
        ],
    );
    assert_eq!(fatal.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&fatal.stderr).contains("missing.geojson"));

    let usage = run(
        d,
        &[
            "import",
            "--store",
            "s.gpkg",
            "--layer",
            "lakes",
            "bad.geojson",
        ],
    );
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("unknown layer"));

    let bad_map = run(
        d,
        &[
            "import",
            "--store",
            "s.gpkg",
            "--layer",
            "parcels",
            "--map",
            "colour=x",
            "bad.geojson",
        ],
    );
    assert_eq!(bad_map.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad_map.stderr).contains("parcel_no"),
        "the message lists the fields"
    );
}
