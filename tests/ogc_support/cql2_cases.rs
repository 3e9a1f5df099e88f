//! The table of CQL2 cases: each filter in cql2-text and cql2-json with the plain Rust
//! predicate over public properties and geometry that must select the same features.

use geo::{Geometry, Intersects, LineString, Point, Polygon, Relate};
use madinati::domain::public;
use madinati::domain::{LayerKind, ValidGeometry};
use serde_json::{Map, Value, json};

use super::{city, expected};

pub type Props = Map<String, Value>;
/// A brute-force predicate over a feature's public properties and geometry.
pub type Keep<'a> = dyn Fn(&Props, &ValidGeometry) -> bool + 'a;

pub fn s<'a>(p: &'a Props, k: &str) -> Option<&'a str> {
    p.get(k).and_then(Value::as_str)
}

pub fn n(p: &Props, k: &str) -> Option<f64> {
    p.get(k).and_then(Value::as_f64)
}

pub fn triangle() -> Polygon {
    Polygon::new(
        LineString::from(vec![
            (50.088, 26.418),
            (50.1, 26.418),
            (50.094, 26.43),
            (50.088, 26.418),
        ]),
        vec![],
    )
}

pub fn square() -> Polygon {
    Polygon::new(
        LineString::from(vec![
            (50.09, 26.42),
            (50.1, 26.42),
            (50.1, 26.43),
            (50.09, 26.43),
            (50.09, 26.42),
        ]),
        vec![],
    )
}

pub fn relate(g: &ValidGeometry, lit: &Geometry) -> geo::relate::IntersectionMatrix {
    g.to_geo().relate(lit)
}

pub struct Case {
    pub layer: LayerKind,
    pub text: &'static str,
    pub json: Value,
    pub keep: Box<Keep<'static>>,
}

pub fn case(
    layer: LayerKind,
    text: &'static str,
    json: Value,
    keep: impl Fn(&Props, &ValidGeometry) -> bool + 'static,
) -> Case {
    Case {
        layer,
        text,
        json,
        keep: Box::new(keep),
    }
}

pub fn prop(name: &str) -> Value {
    json!({"property": name})
}

pub fn cases() -> Vec<Case> {
    use LayerKind::*;
    let tri_geojson = json!({"type": "Polygon", "coordinates": [[[50.088, 26.418], [50.1, 26.418], [50.094, 26.43], [50.088, 26.418]]]});
    let sq_geojson = json!({"type": "Polygon", "coordinates": [[[50.09, 26.42], [50.1, 26.42], [50.1, 26.43], [50.09, 26.43], [50.09, 26.42]]]});
    vec![
        case(
            Parcels,
            "land_use = 'commercial'",
            json!({"op": "=", "args": [prop("land_use"), "commercial"]}),
            |p, _| s(p, "land_use") == Some("commercial"),
        ),
        case(
            Parcels,
            "land_use <> 'residential'",
            json!({"op": "<>", "args": [prop("land_use"), "residential"]}),
            |p, _| s(p, "land_use").is_some_and(|v| v != "residential"),
        ),
        case(
            Parcels,
            "area_m2 < 650",
            json!({"op": "<", "args": [prop("area_m2"), 650]}),
            |p, _| n(p, "area_m2").is_some_and(|v| v < 650.0),
        ),
        case(
            Parcels,
            "area_m2 <= 700.5",
            json!({"op": "<=", "args": [prop("area_m2"), 700.5]}),
            |p, _| n(p, "area_m2").is_some_and(|v| v <= 700.5),
        ),
        case(
            Parcels,
            "official_area_m2 > 800",
            json!({"op": ">", "args": [prop("official_area_m2"), 800]}),
            |p, _| n(p, "official_area_m2").is_some_and(|v| v > 800.0),
        ),
        case(
            Parcels,
            "official_area_m2 >= 800",
            json!({"op": ">=", "args": [prop("official_area_m2"), 800]}),
            |p, _| n(p, "official_area_m2").is_some_and(|v| v >= 800.0),
        ),
        case(
            Parcels,
            "district LIKE 'حي الش%'",
            json!({"op": "like", "args": [prop("district"), "حي الش%"]}),
            |p, _| s(p, "district").is_some_and(|v| v.starts_with("حي الش")),
        ),
        case(
            Parcels,
            "parcel_no LIKE '1_'",
            json!({"op": "like", "args": [prop("parcel_no"), "1_"]}),
            |p, _| s(p, "parcel_no").is_some_and(|v| v.chars().count() == 2 && v.starts_with('1')),
        ),
        case(
            Parcels,
            "parcel_no NOT LIKE '%0'",
            json!({"op": "not", "args": [{"op": "like", "args": [prop("parcel_no"), "%0"]}]}),
            |p, _| s(p, "parcel_no").is_some_and(|v| !v.ends_with('0')),
        ),
        case(
            Parcels,
            "land_use IN ('park', 'government', 'religious')",
            json!({"op": "in", "args": [prop("land_use"), ["park", "government", "religious"]]}),
            |p, _| matches!(s(p, "land_use"), Some("park" | "government" | "religious")),
        ),
        case(
            Parcels,
            "area_m2 BETWEEN 650 AND 750",
            json!({"op": "between", "args": [prop("area_m2"), 650, 750]}),
            |p, _| n(p, "area_m2").is_some_and(|v| (650.0..=750.0).contains(&v)),
        ),
        case(
            Parcels,
            "deed_no IS NULL",
            json!({"op": "isNull", "args": [prop("deed_no")]}),
            |p, _| p["deed_no"].is_null(),
        ),
        case(
            Parcels,
            "deed_no IS NOT NULL",
            json!({"op": "not", "args": [{"op": "isNull", "args": [prop("deed_no")]}]}),
            |p, _| !p["deed_no"].is_null(),
        ),
        case(
            Parcels,
            "land_use = 'commercial' AND area_m2 > 750",
            json!({"op": "and", "args": [{"op": "=", "args": [prop("land_use"), "commercial"]}, {"op": ">", "args": [prop("area_m2"), 750]}]}),
            |p, _| {
                s(p, "land_use") == Some("commercial") && n(p, "area_m2").is_some_and(|v| v > 750.0)
            },
        ),
        case(
            Parcels,
            "land_use = 'park' OR land_use = 'religious'",
            json!({"op": "or", "args": [{"op": "=", "args": [prop("land_use"), "park"]}, {"op": "=", "args": [prop("land_use"), "religious"]}]}),
            |p, _| matches!(s(p, "land_use"), Some("park" | "religious")),
        ),
        case(
            Parcels,
            "NOT (land_use = 'residential')",
            json!({"op": "not", "args": [{"op": "=", "args": [prop("land_use"), "residential"]}]}),
            |p, _| s(p, "land_use").is_some_and(|v| v != "residential"),
        ),
        case(
            Parcels,
            "deed_date >= DATE('2015-01-01')",
            json!({"op": ">=", "args": [prop("deed_date"), {"date": "2015-01-01"}]}),
            |p, _| s(p, "deed_date").is_some_and(|v| v >= "2015-01-01"),
        ),
        case(
            Parcels,
            "valid_from < TIMESTAMP('2012-01-01T00:00:00Z')",
            json!({"op": "<", "args": [prop("valid_from"), {"timestamp": "2012-01-01T00:00:00Z"}]}),
            |p, _| s(p, "valid_from").is_some_and(|v| v < "2012-01-01T00:00:00Z"),
        ),
        case(
            Parcels,
            "official_area_m2 > area_m2",
            json!({"op": ">", "args": [prop("official_area_m2"), prop("area_m2")]}),
            |p, _| matches!((n(p, "official_area_m2"), n(p, "area_m2")), (Some(a), Some(b)) if a > b),
        ),
        case(
            Parcels,
            "S_INTERSECTS(geometry, POLYGON((50.088 26.418, 50.1 26.418, 50.094 26.43, 50.088 26.418)))",
            json!({"op": "s_intersects", "args": [prop("geometry"), tri_geojson.clone()]}),
            |_, g| relate(g, &Geometry::Polygon(triangle())).is_intersects(),
        ),
        case(
            Parcels,
            "S_WITHIN(geometry, POLYGON((50.088 26.418, 50.1 26.418, 50.094 26.43, 50.088 26.418)))",
            json!({"op": "s_within", "args": [prop("geometry"), tri_geojson]}),
            |_, g| relate(g, &Geometry::Polygon(triangle())).is_within(),
        ),
        case(
            Parcels,
            "S_INTERSECTS(geometry, POLYGON((50.09 26.42, 50.1 26.42, 50.1 26.43, 50.09 26.43, 50.09 26.42))) AND land_use = 'commercial'",
            json!({"op": "and", "args": [{"op": "s_intersects", "args": [prop("geometry"), sq_geojson]}, {"op": "=", "args": [prop("land_use"), "commercial"]}]}),
            |p, g| g.to_geo().intersects(&square()) && s(p, "land_use") == Some("commercial"),
        ),
        case(
            Districts,
            "S_CONTAINS(geometry, POINT(50.1 26.43))",
            json!({"op": "s_contains", "args": [prop("geometry"), {"type": "Point", "coordinates": [50.1, 26.43]}]}),
            |_, g| relate(g, &Geometry::Point(Point::new(50.1, 26.43))).is_contains(),
        ),
        case(
            Districts,
            "name_ar LIKE '%الف%'",
            json!({"op": "like", "args": [prop("name_ar"), "%الف%"]}),
            |p, _| s(p, "name_ar").is_some_and(|v| v.contains("الف")),
        ),
        case(
            ServicePoints,
            "S_INTERSECTS(geometry, BBOX(50.09, 26.42, 50.1, 26.43))",
            json!({"op": "s_intersects", "args": [prop("geometry"), {"bbox": [50.09, 26.42, 50.1, 26.43]}]}),
            |_, g| g.to_geo().intersects(&square()),
        ),
        case(
            Plans,
            "S_DISJOINT(geometry, BBOX(50.09, 26.42, 50.1, 26.43))",
            json!({"op": "s_disjoint", "args": [prop("geometry"), {"bbox": [50.09, 26.42, 50.1, 26.43]}]}),
            |_, g| !g.to_geo().intersects(&square()),
        ),
        case(
            ServicePoints,
            "category IN ('pharmacy', 'mosque')",
            json!({"op": "in", "args": [prop("category"), ["pharmacy", "mosque"]]}),
            |p, _| matches!(s(p, "category"), Some("pharmacy" | "mosque")),
        ),
        case(
            ServicePoints,
            "CASEI(name_en) LIKE CASEI('%PHARMACY%')",
            json!({"op": "like", "args": [{"op": "casei", "args": [prop("name_en")]}, {"op": "casei", "args": ["%PHARMACY%"]}]}),
            |p, _| s(p, "name_en").is_some_and(|v| v.to_lowercase().contains("pharmacy")),
        ),
        case(
            Streets,
            "width_m >= 30",
            json!({"op": ">=", "args": [prop("width_m"), 30]}),
            |p, _| n(p, "width_m").is_some_and(|v| v >= 30.0),
        ),
    ]
}

pub fn brute(layer: LayerKind, keep: &Keep<'_>) -> Vec<i64> {
    let c = city();
    expected(layer, |f| {
        keep(
            &public::properties(&f.feature, &c.categories),
            f.feature.geometry(),
        )
    })
}
