use std::io::Write;

use super::*;

fn read(text: &str, ext: &str) -> Vec<ReadItem> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("t.{ext}"));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let src = Box::new(GeoJsonSource::open(&path, BytesRead::default()).unwrap());
    let mut items = Vec::new();
    src.read_all(&mut |i| {
        items.push(i);
        Ok(())
    })
    .unwrap();
    items
}

const F: &str = r#"{"type":"Feature","id":7,"properties":{"name":"حي \"الشاطئ\" ]}"},"geometry":{"type":"Point","coordinates":[50.1,26.4]}}"#;

fn records(items: &[ReadItem]) -> usize {
    items
        .iter()
        .filter(|i| matches!(i, ReadItem::Record(_)))
        .count()
}

#[test]
fn streams_a_collection_with_tricky_strings() {
    let text =
        format!("{{\"type\":\"FeatureCollection\",\"name\":\"x\",\"features\":[\n{F},\n{F}\n]}}");
    let items = read(&text, "geojson");
    assert_eq!(records(&items), 2);
    let ReadItem::Record(r) = &items[1] else {
        panic!()
    };
    assert_eq!(
        r.position,
        SourcePosition {
            record: 2,
            line: Some(3)
        }
    );
    assert_eq!(r.properties["name"], "حي \"الشاطئ\" ]}");
    assert_eq!(r.id, Some(serde_json::json!(7)));
}

#[test]
fn garbage_element_is_rejected_alone() {
    let text = format!("{{\"type\":\"FeatureCollection\",\"features\":[{F}, garbage here, {F}]}}");
    let items = read(&text, "geojson");
    assert_eq!(records(&items), 2);
    assert!(matches!(&items[1], ReadItem::Unreadable { message, .. } if message.contains("JSON")));
}

#[test]
fn truncated_collection_keeps_complete_features() {
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{F},\n{F},\n{}",
        &F[..40]
    );
    let items = read(&text, "geojson");
    assert_eq!(records(&items), 2);
    assert_eq!(items.len(), 3);
    assert!(
        matches!(&items[2], ReadItem::Unreadable { message, position, .. } if message.contains("truncated") && position.line == Some(3))
    );
}

#[test]
fn newline_delimited_with_a_garbage_line() {
    let text = format!("{F}\nthis is not json\n\n{F}\n");
    let items = read(&text, "geojson");
    assert_eq!(records(&items), 2);
    assert!(matches!(&items[1], ReadItem::Unreadable { position, .. } if position.line == Some(2)));
}

#[test]
fn declared_crs_is_read() {
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::32639\"}}}},\"features\":[{F}]}}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.geojson");
    std::fs::write(&path, text).unwrap();
    let src = GeoJsonSource::open(&path, BytesRead::default()).unwrap();
    assert_eq!(
        src.declared_crs().as_deref(),
        Some("urn:ogc:def:crs:EPSG::32639")
    );
}

#[test]
fn a_lone_feature_is_one_record() {
    let items = read(&format!("  {F}  "), "json");
    assert_eq!(records(&items), 1);
}
