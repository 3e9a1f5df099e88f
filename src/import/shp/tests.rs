use std::path::Path;

use serde_json::{Value, json};
use shapefile::dbase::{Date, FieldName, FieldValue, Record, TableWriterBuilder};

use super::*;

const UTM39N: &str = r#"PROJCS["WGS_1984_UTM_Zone_39N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",51.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

fn field(name: &str) -> FieldName {
    FieldName::try_from(name).unwrap()
}

/// Writes `t.shp` with one point per name, and attributes of several dBase types.
fn write_points(dir: &Path, names: &[&str]) -> PathBuf {
    let path = dir.join("t.shp");
    let table = TableWriterBuilder::new()
        .add_character_field(field("name_ar"), 50)
        .add_numeric_field(field("n"), 10, 0)
        .add_numeric_field(field("area"), 12, 3)
        .add_logical_field(field("ok"))
        .add_date_field(field("d"));
    let mut writer = shapefile::Writer::from_path(&path, table).unwrap();
    for (i, name) in names.iter().enumerate() {
        let mut r = Record::default();
        r.insert(
            "name_ar".into(),
            FieldValue::Character(Some((*name).into())),
        );
        r.insert("n".into(), FieldValue::Numeric(Some(i as f64 + 1.0)));
        r.insert(
            "area".into(),
            FieldValue::Numeric(if i == 0 { Some(12.5) } else { None }),
        );
        r.insert("ok".into(), FieldValue::Logical(Some(i % 2 == 0)));
        r.insert(
            "d".into(),
            FieldValue::Date(Some(Date::new(31, 5, 2024).unwrap())),
        );
        let p = shapefile::Point::new(50.0 + i as f64 / 10.0, 26.0);
        writer.write_shape_and_record(&p, &r).unwrap();
    }
    drop(writer);
    path
}

fn read(path: &Path) -> Vec<ReadItem> {
    let src = Box::new(ShpSource::open(path, BytesRead::default()).unwrap());
    let mut items = Vec::new();
    src.read_all(&mut |i| {
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

/// Byte offset of row `i` (0-based) of the .dbf beside `shp`, and the row length.
fn dbf_row(shp: &Path, i: u64) -> usize {
    let r = shapefile::dbase::Reader::from_path(shp.with_extension("dbf")).unwrap();
    let h = r.header();
    (u64::from(h.offset_to_first_record) + i * u64::from(h.size_of_record)) as usize
}

fn patch(path: &Path, at: usize, bytes: &[u8]) {
    let mut data = std::fs::read(path).unwrap();
    data[at..at + bytes.len()].copy_from_slice(bytes);
    std::fs::write(path, data).unwrap();
}

#[test]
fn points_with_typed_attributes_and_a_recognised_prj() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_points(dir.path(), &["حي الشاطئ", "حي الفيصلية"]);
    std::fs::write(path.with_extension("prj"), UTM39N).unwrap();
    let src = ShpSource::open(&path, BytesRead::default()).unwrap();
    assert_eq!(src.declared_crs().as_deref(), Some("EPSG:32639"));
    let items = read(&path);
    assert_eq!(items.len(), 2);
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
        Ok(Some(RawGeometry::Point(Coord { x: 50.0, y: 26.0 })))
    );
    assert_eq!(
        Value::Object(r.properties.clone()),
        json!({"name_ar": "حي الشاطئ", "n": 1, "area": 12.5, "ok": true, "d": "2024-05-31"})
    );
    let r = record(&items[1]);
    assert_eq!(r.properties["name_ar"], "حي الفيصلية");
    assert!(
        !r.properties.contains_key("area"),
        "null numeric is left out"
    );
    assert_eq!(r.properties["ok"], false);
}

#[test]
fn unknown_prj_declares_nothing_and_unknown_cpg_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_points(dir.path(), &["a"]);
    std::fs::write(
        path.with_extension("prj"),
        "PROJCS[\"Somewhere_Else\",GEOGCS[\"x\"]]",
    )
    .unwrap();
    std::fs::write(path.with_extension("cpg"), "UTF-8\n").unwrap();
    assert_eq!(
        ShpSource::open(&path, BytesRead::default())
            .unwrap()
            .declared_crs(),
        None
    );
    for arabic in ["1256", "ANSI 1256", "CP1256", "windows-1256"] {
        std::fs::write(path.with_extension("cpg"), arabic).unwrap();
        assert!(
            ShpSource::open(&path, BytesRead::default()).is_ok(),
            "{arabic}"
        );
    }
    std::fs::write(path.with_extension("cpg"), "KLINGON-9").unwrap();
    let Err(e) = ShpSource::open(&path, BytesRead::default()) else {
        panic!("an unknown encoding was accepted")
    };
    assert!(
        e.to_string().contains("\"KLINGON-9\"") && e.to_string().contains("ENCODING=UTF-8"),
        "{e}"
    );
}

#[test]
fn missing_dbf_is_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_points(dir.path(), &["a"]);
    std::fs::remove_file(path.with_extension("dbf")).unwrap();
    let Err(e) = ShpSource::open(&path, BytesRead::default()) else {
        panic!()
    };
    assert!(e.to_string().contains(".dbf"), "{e}");
}

#[test]
fn deleted_dbf_rows_skip_their_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_points(dir.path(), &["a", "b", "c", "d"]);
    let dbf = path.with_extension("dbf");
    patch(&dbf, dbf_row(&path, 1), b"*");
    patch(&dbf, dbf_row(&path, 2), b"*");
    let items = read(&path);
    assert_eq!(items.len(), 2);
    let (a, d) = (record(&items[0]), record(&items[1]));
    assert_eq!(
        (a.properties["name_ar"].as_str(), a.position.record),
        (Some("a"), 1)
    );
    assert_eq!(
        (d.properties["name_ar"].as_str(), d.position.record),
        (Some("d"), 4)
    );
    assert_eq!(
        d.geometry,
        Ok(Some(RawGeometry::Point(Coord { x: 50.3, y: 26.0 })))
    );
}

#[test]
fn undecodable_row_is_unreadable_and_reading_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_points(dir.path(), &["a", "b", "c"]);
    patch(
        &path.with_extension("dbf"),
        dbf_row(&path, 1) + 1,
        b"\xff\xfe",
    );
    let items = read(&path);
    assert_eq!(items.len(), 3);
    assert!(matches!(&items[1], ReadItem::Unreadable { position, .. } if position.record == 2));
    assert_eq!(record(&items[2]).properties["name_ar"], "c");
}

#[test]
fn null_and_damaged_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_points(dir.path(), &["a", "b", "c"]);
    // Point records are 28 bytes (8 header, 20 content) after the 100-byte header.
    patch(&path, 100 + 8, &0i32.to_le_bytes());
    patch(&path, 100 + 28 + 8, &7i32.to_le_bytes());
    let items = read(&path);
    assert_eq!(items.len(), 3);
    assert_eq!(record(&items[0]).geometry, Ok(None));
    assert!(matches!(&record(&items[1]).geometry, Err(m) if m.contains("damaged")));
    assert_eq!(record(&items[1]).properties["name_ar"], "b");
    assert!(
        record(&items[2])
            .geometry
            .as_ref()
            .is_ok_and(|g| g.is_some())
    );
}

#[test]
fn truncated_shp_keeps_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_points(dir.path(), &["a", "b", "c"]);
    let data = std::fs::read(&path).unwrap();
    std::fs::write(&path, &data[..100 + 28 + 10]).unwrap();
    let items = read(&path);
    assert_eq!(items.len(), 2);
    assert_eq!(record(&items[0]).properties["name_ar"], "a");
    assert!(
        matches!(&items[1], ReadItem::Unreadable { position, message, .. }
        if position.record == 2 && message.contains("ends"))
    );
}

#[test]
fn extra_dbf_rows_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_points(dir.path(), &["a", "b", "c"]);
    let data = std::fs::read(&path).unwrap();
    let mut short = data[..100 + 28].to_vec();
    // The header's file length (in 16-bit words) must match the shorter file.
    short[24..28].copy_from_slice(&(64i32).to_be_bytes());
    std::fs::write(&path, short).unwrap();
    let items = read(&path);
    assert_eq!(items.len(), 2);
    assert!(
        matches!(&items[1], ReadItem::Unreadable { message, .. } if message.contains("2 row(s) more"))
    );
}

#[test]
fn counts_shp_bytes_and_stops_when_told() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_points(dir.path(), &["a", "b", "c"]);
    let bytes = BytesRead::default();
    let src = Box::new(ShpSource::open(&path, bytes.clone()).unwrap());
    let mut n = 0;
    src.read_all(&mut |_| {
        n += 1;
        Err(Stop)
    })
    .unwrap();
    assert_eq!(n, 1);
    assert!(bytes.get() >= 100);
    let src = Box::new(ShpSource::open(&path, bytes.clone()).unwrap());
    bytes.set(0);
    src.read_all(&mut |_| Ok(())).unwrap();
    assert_eq!(bytes.get(), 100 + 3 * 28);
}

#[test]
fn deleted_last_rows_and_a_truncated_dbf() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_points(dir.path(), &["a", "b", "c"]);
    let dbf = path.with_extension("dbf");
    patch(&dbf, dbf_row(&path, 2), b"*");
    let items = read(&path);
    assert_eq!(
        items.len(),
        2,
        "the deleted last row's shape is skipped, not reported"
    );
    assert_eq!(record(&items[1]).properties["name_ar"], "b");

    let path = write_points(dir.path(), &["a", "b", "c"]);
    let data = std::fs::read(&dbf).unwrap();
    std::fs::write(&dbf, &data[..dbf_row(&path, 1) + 5]).unwrap();
    let items = read(&path);
    assert_eq!(items.len(), 2);
    assert_eq!(record(&items[0]).properties["name_ar"], "a");
    assert!(
        matches!(&items[1], ReadItem::Unreadable { position, message, .. }
        if position.record == 2 && message.contains("no row for shape 2"))
    );
}
