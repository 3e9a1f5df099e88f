use geo::Coord;
use serde_json::json;
use sqlx::Executor;

use super::*;
use crate::domain::Bbox;

const SCHEMA: &str = "
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
  description TEXT);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('WGS 84', 4326, 'EPSG', 4326, 'GEOGCS[\"WGS 84\"]', NULL),
  ('undefined', 0, 'NONE', 0, 'undefined', NULL),
  ('utm', 100, 'CUSTOM', 7, 'PROJCS[\"WGS_1984_UTM_Zone_39N\",GEOGCS[\"GCS_WGS_1984\"]]', NULL);
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL);
";

async fn create(path: &Path, tables: &[(&str, i64)]) -> SqliteConnection {
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    let mut conn = SqliteConnection::connect_with(&opts).await.unwrap();
    conn.execute(SCHEMA).await.unwrap();
    for (name, srs) in tables {
        conn.execute(
            format!(
                "CREATE TABLE \"{name}\" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom BLOB, name_ar TEXT, \
                 n INTEGER, area REAL, ok BOOLEAN, raw BLOB);
                 INSERT INTO gpkg_geometry_columns VALUES ('{name}', 'geom', 'GEOMETRY', {srs}, 0, 0);"
            )
            .as_str(),
        )
        .await
        .unwrap();
    }
    conn
}

fn point_blob(x: f64, y: f64) -> Vec<u8> {
    let bbox = Bbox {
        min_x: x,
        min_y: y,
        max_x: x,
        max_y: y,
    };
    gpkg_blob::encode(&RawGeometry::Point(Coord { x, y }), bbox, 4326)
}

fn read(src: GpkgSource) -> Vec<ReadItem> {
    let mut items = Vec::new();
    Box::new(src)
        .read_all(&mut |i| {
            items.push(i);
            Ok(())
        })
        .unwrap();
    items
}

fn record(item: &ReadItem) -> &SourceRecord {
    match item {
        ReadItem::Record(r) => r,
        ReadItem::Unreadable { message, .. } => panic!("unreadable: {message}"),
    }
}

#[tokio::test]
async fn reads_typed_columns_and_geometries_from_async_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gpkg");
    let mut conn = create(&path, &[("districts", 4326)]).await;
    let mut empty = point_blob(0.0, 0.0);
    empty[3] |= 0b1_0000;
    let rows: [(Option<Vec<u8>>, &str); 4] = [
        (
            Some(point_blob(50.1, 26.4)),
            "'حي الشاطئ', 7, 12.5, 1, x'00ff'",
        ),
        (None, "NULL, NULL, NULL, 0, NULL"),
        (Some(b"garbage".to_vec()), "'x', 1, 1, NULL, NULL"),
        (Some(empty), "'e', 2, 2, NULL, NULL"),
    ];
    for (geom, rest) in rows {
        sqlx::query(&format!(
            "INSERT INTO districts (geom, name_ar, n, area, ok, raw) VALUES (?, {rest})"
        ))
        .bind(geom)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    conn.close().await.unwrap();

    // `open` is called from async code, as the importer does.
    let src = GpkgSource::open(&path, None, BytesRead::default()).unwrap();
    assert_eq!(src.declared_crs().as_deref(), Some("EPSG:4326"));
    let items = tokio::task::spawn_blocking(move || read(src))
        .await
        .unwrap();
    assert_eq!(items.len(), 4);
    let r = record(&items[0]);
    assert_eq!(
        r.position,
        SourcePosition {
            record: 1,
            line: None
        }
    );
    assert_eq!(
        r.geometry,
        Ok(Some(RawGeometry::Point(Coord { x: 50.1, y: 26.4 })))
    );
    assert_eq!(
        Value::Object(r.properties.clone()),
        json!({"fid": 1, "name_ar": "حي الشاطئ", "n": 7, "area": 12.5, "ok": true, "raw": "00ff"})
    );
    let r = record(&items[1]);
    assert_eq!(r.geometry, Ok(None));
    assert_eq!(
        Value::Object(r.properties.clone()),
        json!({"fid": 2, "ok": false})
    );
    assert!(record(&items[2]).geometry.is_err());
    assert_eq!(record(&items[3]).geometry, Ok(None));
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_through_a_large_table_with_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gpkg");
    let mut conn = create(&path, &[("pts", 100)]).await;
    conn.execute(
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 25000)
         INSERT INTO pts (fid, name_ar, n) SELECT i * 3, 'p' || i, i FROM s;",
    )
    .await
    .unwrap();
    conn.close().await.unwrap();
    let bytes = BytesRead::default();
    let src = GpkgSource::open(&path, Some("PTS"), bytes.clone()).unwrap();
    assert_eq!(
        src.declared_crs().as_deref(),
        Some("EPSG:32639"),
        "recognised from the WKT"
    );
    let items = tokio::task::spawn_blocking(move || read(src))
        .await
        .unwrap();
    assert_eq!(items.len(), 25_000);
    let last = record(&items[24_999]);
    assert_eq!(last.position.record, 25_000);
    assert_eq!(last.properties["fid"], 75_000);
    assert_eq!(bytes.get(), std::fs::metadata(&path).unwrap().len());
}

#[tokio::test]
async fn table_choice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gpkg");
    create(&path, &[("districts", 4326), ("streets", 0)])
        .await
        .close()
        .await
        .unwrap();
    let Err(e) = GpkgSource::open(&path, None, BytesRead::default()) else {
        panic!()
    };
    assert!(
        e.to_string().contains("districts, streets") && e.to_string().contains("--source-layer"),
        "{e}"
    );
    let Err(e) = GpkgSource::open(&path, Some("parcels"), BytesRead::default()) else {
        panic!()
    };
    assert!(
        e.to_string().contains("no feature table \"parcels\""),
        "{e}"
    );
    let src = GpkgSource::open(&path, Some("streets"), BytesRead::default()).unwrap();
    assert_eq!(src.declared_crs(), None);
}

#[test]
fn not_a_geopackage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gpkg");
    std::fs::write(&path, "this is not sqlite").unwrap();
    assert!(matches!(
        GpkgSource::open(&path, None, BytesRead::default()),
        Err(ReadError::Format { .. })
    ));
    let missing = dir.path().join("missing.gpkg");
    assert!(matches!(
        GpkgSource::open(&missing, None, BytesRead::default()),
        Err(ReadError::Io { .. })
    ));
}

#[test]
fn stops_when_told() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gpkg");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut conn = create(&path, &[("pts", 4326)]).await;
        conn.execute("INSERT INTO pts (name_ar) VALUES ('a'), ('b'), ('c')")
            .await
            .unwrap();
        conn.close().await.unwrap();
    });
    let src = Box::new(GpkgSource::open(&path, None, BytesRead::default()).unwrap());
    let mut n = 0;
    src.read_all(&mut |_| {
        n += 1;
        if n == 2 { Err(Stop) } else { Ok(()) }
    })
    .unwrap();
    assert_eq!(n, 2);
}
