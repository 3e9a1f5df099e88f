use std::io::Write;

use geo::Coord;

use super::*;

fn open(bytes: &[u8], ext: &str) -> Result<CsvSource, ReadError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("t.{ext}"));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    CsvSource::open(&path, BytesRead::default())
}

fn read(bytes: &[u8], ext: &str) -> Vec<ReadItem> {
    let src = Box::new(open(bytes, ext).unwrap());
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

fn point(x: f64, y: f64) -> Result<Option<RawGeometry>, String> {
    Ok(Some(RawGeometry::Point(Coord { x, y })))
}

#[test]
fn lon_lat_with_properties_as_text() {
    let items = read(
        "id,name_ar,Lon,LAT,area\n7,حي الشاطئ,50.1,26.4,0012\n".as_bytes(),
        "csv",
    );
    assert_eq!(items.len(), 1);
    let r = record(&items[0]);
    assert_eq!(
        r.position,
        SourcePosition {
            record: 1,
            line: Some(2)
        }
    );
    assert_eq!(r.geometry, point(50.1, 26.4));
    assert_eq!(r.properties["name_ar"], "حي الشاطئ");
    // Numbers stay text: CSV has no types, and a leading zero may matter.
    assert_eq!(r.properties["area"], "0012");
    assert_eq!(r.properties["id"], "7");
    assert!(!r.properties.contains_key("Lon") && !r.properties.contains_key("LAT"));
}

#[test]
fn sniffs_semicolons_and_reads_tsv() {
    let items = read(b"name;x;y\na,b;1;2\n", "csv");
    let r = record(&items[0]);
    assert_eq!(r.geometry, point(1.0, 2.0));
    assert_eq!(r.properties["name"], "a,b");

    let items = read(b"name\teasting\tnorthing\nq\t400000\t2900000\n", "tsv");
    assert_eq!(record(&items[0]).geometry, point(400000.0, 2900000.0));
}

#[test]
fn arabic_indic_digits_and_separator() {
    let items = read("longitude,latitude\n٥٠٫١٢٥,٢٦٫٤\n۵۰,۲۶\n".as_bytes(), "csv");
    assert_eq!(record(&items[0]).geometry, point(50.125, 26.4));
    assert_eq!(record(&items[1]).geometry, point(50.0, 26.0));
}

#[test]
fn empty_bad_and_non_finite_coordinates() {
    let items = read(b"name,lon,lat\na,,\nb,abc,26\nc,NaN,inf\nd,,\n", "csv");
    assert_eq!(items.len(), 4);
    assert_eq!(record(&items[0]).geometry, Ok(None));
    assert_eq!(
        record(&items[1]).geometry,
        Err("column lon: \"abc\" is not a number".into())
    );
    let Ok(Some(RawGeometry::Point(c))) = record(&items[2]).geometry else {
        panic!()
    };
    assert!(c.x.is_nan() && c.y.is_infinite());
    assert_eq!(record(&items[3]).properties["name"], "d");
}

#[test]
fn bad_rows_are_unreadable_with_their_line_and_reading_goes_on() {
    let mut text = b"name,lon,lat\na,1,2\nb,1\n\"multi\nline\",3,4\n".to_vec();
    text.extend_from_slice(b"\xff\xfe,5,6\nz,7,8\n");
    let items = read(&text, "csv");
    assert_eq!(items.len(), 5);
    match &items[1] {
        ReadItem::Unreadable {
            position,
            message,
            excerpt,
        } => {
            assert_eq!(
                *position,
                SourcePosition {
                    record: 2,
                    line: Some(3)
                }
            );
            assert!(message.contains("2 fields"), "{message}");
            assert_eq!(excerpt, "b,1");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(record(&items[2]).properties["name"], "multi\nline");
    assert_eq!(record(&items[2]).position.line, Some(4));
    match &items[3] {
        ReadItem::Unreadable {
            position, message, ..
        } => {
            assert_eq!(position.line, Some(6));
            assert!(message.contains("UTF-8"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(record(&items[4]).geometry, point(7.0, 8.0));
    assert_eq!(
        record(&items[4]).position,
        SourcePosition {
            record: 5,
            line: Some(7)
        }
    );
}

#[test]
fn wkt_column() {
    let text = "WKT,name\n\"POLYGON ((50 26,50.1 26,50.1 26.1,50 26))\",p\n\
                \"POINT Z (1 2 3)\",z\n,none\n\"POLYGON ((1 2\",bad\n";
    let items = read(text.as_bytes(), "csv");
    assert_eq!(items.len(), 4);
    let r = record(&items[0]);
    let ring = vec![
        Coord { x: 50.0, y: 26.0 },
        Coord { x: 50.1, y: 26.0 },
        Coord { x: 50.1, y: 26.1 },
        Coord { x: 50.0, y: 26.0 },
    ];
    assert_eq!(r.geometry, Ok(Some(RawGeometry::Polygon(vec![ring]))));
    assert!(!r.properties.contains_key("WKT"));
    assert_eq!(record(&items[1]).geometry, point(1.0, 2.0));
    assert_eq!(record(&items[2]).geometry, Ok(None));
    assert!(matches!(&record(&items[3]).geometry, Err(m) if m.starts_with("invalid WKT")));
}

#[test]
fn bom_duplicate_and_empty_headers() {
    let items = read("\u{feff}lon,lat,name,name,\n1,2,a,b,c\n".as_bytes(), "csv");
    let r = record(&items[0]);
    assert_eq!(r.geometry, point(1.0, 2.0));
    assert_eq!(r.properties["name"], "a");
    assert_eq!(r.properties["name_2"], "b");
    assert_eq!(r.properties["column_5"], "c");
}

#[test]
fn no_geometry_column_is_fatal_and_lists_the_names() {
    let Err(e) = open(b"name,lat\na,1\n", "csv") else {
        panic!("expected an error")
    };
    let m = e.to_string();
    assert!(
        m.contains("lon/lat") && m.contains("the_geom") && m.contains("name, lat"),
        "{m}"
    );
    assert!(open(b"", "csv").is_err());
}

#[test]
fn stops_when_the_sink_refuses() {
    let src = Box::new(open(b"x,y\n1,2\n3,4\n5,6\n", "csv").unwrap());
    let mut n = 0;
    src.read_all(&mut |_| {
        n += 1;
        if n == 2 { Err(Stop) } else { Ok(()) }
    })
    .unwrap();
    assert_eq!(n, 2);
}

#[test]
fn counts_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    std::fs::write(&path, b"x,y\n1,2\n3,4\n").unwrap();
    let bytes = BytesRead::default();
    let src = Box::new(CsvSource::open(&path, bytes.clone()).unwrap());
    src.read_all(&mut |_| Ok(())).unwrap();
    assert_eq!(bytes.get(), 12);
}
