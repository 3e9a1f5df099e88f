//! The public view of a feature: the properties and geometry any public interface may show.
//!
//! Private fields (a parcel's owner) are not part of `Feature` reads at all; this is the one place
//! that decides what a citizen, a GIS client or a tile sees, so every API serialises through it.

use serde_json::{Map, Value, json};

use super::Feature;
use super::attributes::Attributes;
use super::category::CategoryRegistry;
use super::geometry::{RawGeometry, ValidGeometry};

/// The names of the typed public properties of a layer's features, in output order (from the
/// layer's schema table, `domain::schema`).
pub fn property_names(layer: super::LayerKind) -> &'static [&'static str] {
    super::schema::public_names(layer)
}

/// One typed public property's value, borrowed from the feature where it can be.
#[derive(Clone, Debug, PartialEq)]
pub enum PublicValue<'a> {
    Null,
    Text(&'a str),
    Owned(String),
    Number(f64),
}

impl PublicValue<'_> {
    /// The value as JSON.
    pub fn to_json(&self) -> Value {
        match self {
            PublicValue::Null => Value::Null,
            PublicValue::Text(t) => Value::String((*t).to_owned()),
            PublicValue::Owned(t) => Value::String(t.clone()),
            PublicValue::Number(x) => json!(x),
        }
    }
}

fn text(v: Option<&str>) -> PublicValue<'_> {
    v.map_or(PublicValue::Null, PublicValue::Text)
}

fn owned(v: Option<String>) -> PublicValue<'static> {
    v.map_or(PublicValue::Null, PublicValue::Owned)
}

fn number(v: Option<f64>) -> PublicValue<'static> {
    v.map_or(PublicValue::Null, PublicValue::Number)
}

/// Calls `visit` with each typed public property of `f`, in the order of [`property_names`],
/// nulls included (the source's other properties are not visited; see [`properties`]). Tiles
/// take their attributes from here without building a JSON object.
pub fn visit_typed<'f>(
    f: &'f Feature,
    categories: &'f CategoryRegistry,
    mut visit: impl FnMut(&'static str, PublicValue<'f>),
) {
    visit("source_id", text(f.source_id().map(|s| s.as_str())));
    let round = |x: f64| (x * 100.0).round() / 100.0;
    match f.attributes() {
        Attributes::District(d) => {
            visit("name_ar", text(d.name_ar.as_deref()));
            visit("name_en", text(d.name_en.as_deref()));
            visit("city", text(d.city.as_deref()));
            visit("area_m2", PublicValue::Number(round(f.area_m2())));
        }
        Attributes::Plan(p) => {
            visit("plan_no", PublicValue::Text(p.plan_no.as_str()));
            visit("name", text(p.name.as_deref()));
            visit("status", PublicValue::Text(p.status.code()));
            visit("approved_on", owned(p.approved_on.map(|d| d.to_string())));
            visit("area_m2", PublicValue::Number(round(f.area_m2())));
        }
        Attributes::Street(s) => {
            visit("name_ar", text(s.name_ar.as_deref()));
            visit("name_en", text(s.name_en.as_deref()));
            visit("width_m", number(s.width_m));
            visit("length_m", PublicValue::Number(round(f.length_m())));
        }
        Attributes::Parcel(p) => {
            visit("parcel_no", PublicValue::Text(p.parcel_no.as_str()));
            visit("plan_no", text(p.plan_no.as_ref().map(|v| v.as_str())));
            visit("block_no", text(p.block_no.as_ref().map(|v| v.as_str())));
            visit("district", text(p.district.as_deref()));
            visit("land_use", text(p.land_use.map(|v| v.code())));
            visit("deed_no", text(p.deed_no.as_deref()));
            visit("deed_date", owned(p.deed_date.map(|d| d.to_string())));
            visit("official_area_m2", number(p.official_area_m2));
            visit("area_m2", PublicValue::Number(round(f.area_m2())));
        }
        Attributes::ServicePoint(s) => {
            visit("name_ar", text(s.name_ar.as_deref()));
            visit("name_en", text(s.name_en.as_deref()));
            visit("category", PublicValue::Text(s.category.as_str()));
            let label = categories.get(&s.category);
            visit("category_ar", text(label.map(|c| c.label_ar.as_str())));
            visit("category_en", text(label.map(|c| c.label_en.as_str())));
            visit("phone", text(s.phone.as_deref()));
            visit(
                "opening_hours",
                owned(s.opening_hours.as_ref().map(|h| h.to_string())),
            );
            visit("district", text(s.district.as_deref()));
        }
    }
    let life = f.lifespan();
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        owned(t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)))
    };
    visit("valid_from", time(life.valid_from));
    visit("valid_to", time(life.valid_to));
}

/// The public properties: typed attributes first (nulls included, so every feature of a layer has
/// the same keys), then the source's other properties that do not clash with them.
pub fn properties(f: &Feature, categories: &CategoryRegistry) -> Map<String, Value> {
    let mut m = Map::new();
    visit_typed(f, categories, |k, v| {
        m.insert(k.to_owned(), v.to_json());
    });
    for (k, v) in f.extra() {
        if !m.contains_key(k) {
            m.insert(k.clone(), v.clone());
        }
    }
    m
}

/// A feature's public view written out once as JSON text: `properties` is the object of
/// [`properties`], `geometry` the GeoJSON geometry (EPSG:4326). Responses are assembled from these
/// pieces without walking the feature again.
#[derive(Clone, Debug, PartialEq)]
pub struct PublicJson {
    pub properties: Box<str>,
    pub geometry: Box<str>,
}

impl PublicJson {
    /// Writes the public view of `f`.
    pub fn of(f: &Feature, categories: &CategoryRegistry) -> PublicJson {
        let properties = Value::Object(properties(f, categories)).to_string();
        let geometry = geometry(f.geometry()).to_string();
        PublicJson {
            properties: properties.into_boxed_str(),
            geometry: geometry.into_boxed_str(),
        }
    }
}

/// Where a feature keeps its [`PublicJson`] once written, with the registry it was written with.
/// Clones carry the text along; it never takes part in comparing features.
#[derive(Clone, Default)]
pub struct PublicCache(std::sync::OnceLock<(usize, PublicJson)>);

impl PublicCache {
    /// The kept text, written now if it is not yet; written afresh (and not kept) when asked with
    /// another registry than the first.
    pub fn get_or_write<'a>(
        &'a self,
        f: &Feature,
        categories: &CategoryRegistry,
    ) -> std::borrow::Cow<'a, PublicJson> {
        let key = std::ptr::from_ref(categories) as usize;
        let (written_with, json) = self.0.get_or_init(|| (key, PublicJson::of(f, categories)));
        if *written_with == key {
            std::borrow::Cow::Borrowed(json)
        } else {
            std::borrow::Cow::Owned(PublicJson::of(f, categories))
        }
    }
}

impl PartialEq for PublicCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for PublicCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "PublicCache(written)"
        } else {
            "PublicCache(empty)"
        })
    }
}

/// Appends a GeoJSON feature to `out`: `{"type":"Feature","id":…,"geometry":…,"properties":…}`
/// with the members of `head` first in its properties, then the public properties of `f` (kept
/// text, see [`PublicJson`]). A head member that the feature's own properties also have is
/// written only once, with the head's value. `geometry` replaces the EPSG:4326 geometry (e.g.
/// after reprojection).
pub fn write_feature(
    out: &mut String,
    fid: i64,
    f: &Feature,
    categories: &CategoryRegistry,
    head: &[(&str, Value)],
    geometry: Option<&Value>,
) {
    let json = f.public_json(categories);
    out.push_str(r#"{"type":"Feature","id":"#);
    push_int(out, fid);
    out.push_str(r#","geometry":"#);
    match geometry {
        Some(g) => out.push_str(&g.to_string()),
        None => out.push_str(&json.geometry),
    }
    out.push_str(r#","properties":"#);
    let names = property_names(f.layer());
    let clash = head
        .iter()
        .any(|(k, _)| names.contains(k) || f.extra().contains_key(*k));
    if clash {
        let mut m = Map::new();
        for (k, v) in head {
            m.insert((*k).to_string(), v.clone());
        }
        for (k, v) in properties(f, categories) {
            m.entry(k).or_insert(v);
        }
        out.push_str(&Value::Object(m).to_string());
    } else {
        out.push('{');
        for (k, v) in head {
            push_json_str(out, k);
            out.push(':');
            push_json(out, v);
            out.push(',');
        }
        out.push_str(&json.properties[1..]);
    }
    out.push('}');
}

/// Appends a whole number in decimal (a page writes one id per feature; `fmt` is slower).
pub fn push_int(out: &mut String, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// Appends `s` as a JSON string. Plain text (no quote, backslash or control character, the
/// usual case for keys and names) is copied as it is; anything else is escaped by serde_json.
pub fn push_json_str(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else if let Ok(quoted) = serde_json::to_string(s) {
        out.push_str(&quoted);
    }
}

/// Appends `v` as JSON text; scalars are written directly (a request's few head values are
/// written for every feature of a page, and `Value`'s `Display` goes through a `fmt` adapter).
pub fn push_json(out: &mut String, v: &Value) {
    use std::fmt::Write;
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => push_json_str(out, s),
        Value::Array(_) | Value::Object(_) => {
            let _ = write!(out, "{v}");
        }
    }
}

/// A geometry as a GeoJSON geometry object (EPSG:4326 lon/lat).
pub fn geometry(g: &ValidGeometry) -> Value {
    geometry_of(&g.to_raw())
}

/// A raw geometry as GeoJSON (used after reprojection to another CRS, too).
pub fn geometry_of(raw: &RawGeometry) -> Value {
    fn pos(c: &geo::Coord) -> Value {
        json!([c.x, c.y])
    }
    fn line(l: &[geo::Coord]) -> Value {
        Value::Array(l.iter().map(pos).collect())
    }
    fn rings(r: &[Vec<geo::Coord>]) -> Value {
        Value::Array(r.iter().map(|l| line(l)).collect())
    }
    match raw {
        RawGeometry::Point(c) => json!({"type": "Point", "coordinates": pos(c)}),
        RawGeometry::MultiPoint(cs) => json!({"type": "MultiPoint", "coordinates": line(cs)}),
        RawGeometry::LineString(l) => json!({"type": "LineString", "coordinates": line(l)}),
        RawGeometry::MultiLineString(ls) => {
            json!({"type": "MultiLineString", "coordinates": rings(ls)})
        }
        RawGeometry::Polygon(r) => json!({"type": "Polygon", "coordinates": rings(r)}),
        RawGeometry::MultiPolygon(ps) => {
            json!({"type": "MultiPolygon", "coordinates": Value::Array(ps.iter().map(|p| rings(p)).collect())})
        }
        RawGeometry::GeometryCollection(gs) => {
            json!({"type": "GeometryCollection", "geometries": gs.iter().map(geometry_of).collect::<Vec<_>>()})
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::*;
    use crate::domain::attributes::{PropertyTaker, parse_attributes};
    use crate::domain::{LayerKind, Lifespan};

    fn feature(layer: LayerKind, props: Value, raw: RawGeometry) -> Feature {
        let mut props = props.as_object().cloned().unwrap_or_default();
        let registry = CategoryRegistry::default();
        let none = HashMap::new();
        let attrs =
            parse_attributes(&mut PropertyTaker::new(layer, &mut props, &none), &registry).unwrap();
        let g = ValidGeometry::new(raw, layer.shape()).unwrap();
        Feature::new(None, g, attrs, props, Lifespan::default()).unwrap()
    }

    #[test]
    fn typed_properties_come_first_and_extras_cannot_override_them() {
        let registry = CategoryRegistry::default();
        let f = feature(
            LayerKind::ServicePoints,
            json!({"name_ar": "صيدلية النهدي", "category": "صيدلية", "brand": "Nahdi"}),
            RawGeometry::Point(geo::Coord { x: 50.1, y: 26.4 }),
        );
        let p = properties(&f, &registry);
        let keys: Vec<&str> = p.keys().map(String::as_str).collect();
        assert_eq!(
            &keys[..property_names(LayerKind::ServicePoints).len()],
            property_names(LayerKind::ServicePoints)
        );
        assert_eq!(p["category"], "pharmacy");
        assert_eq!(p["category_ar"], "صيدلية");
        assert_eq!(p["brand"], "Nahdi");
        assert_eq!(
            geometry(f.geometry()),
            json!({"type": "Point", "coordinates": [50.1, 26.4]})
        );
    }

    #[test]
    fn the_kept_json_is_the_public_view_and_follows_the_registry() {
        let registry = CategoryRegistry::default();
        let f = feature(
            LayerKind::ServicePoints,
            json!({"name_ar": "صيدلية النهدي", "category": "صيدلية"}),
            RawGeometry::Point(geo::Coord { x: 50.1, y: 26.4 }),
        );
        let kept = f.public_json(&registry);
        let props: Value = serde_json::from_str(&kept.properties).unwrap();
        assert_eq!(props, Value::Object(properties(&f, &registry)));
        let g: Value = serde_json::from_str(&kept.geometry).unwrap();
        assert_eq!(g, geometry(f.geometry()));
        assert!(matches!(
            f.public_json(&registry),
            std::borrow::Cow::Borrowed(_)
        ));
        let mut out = String::new();
        let head = [("distance_m", json!(12.5)), ("name_ar", json!("x"))];
        write_feature(&mut out, 7, &f, &registry, &head, None);
        let written: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(written["id"], 7);
        assert_eq!(written["geometry"], g);
        assert_eq!(written["properties"]["distance_m"], 12.5);
        assert_eq!(
            written["properties"]["name_ar"], "x",
            "the head wins a clash"
        );
        assert_eq!(written["properties"]["category"], "pharmacy");
        assert_eq!(out.matches("name_ar").count(), 1);
        let mut plain = String::new();
        write_feature(&mut plain, 7, &f, &registry, &head[..1], None);
        let plain: Value = serde_json::from_str(&plain).unwrap();
        let keys: Vec<&String> = plain["properties"].as_object().unwrap().keys().collect();
        assert_eq!(keys[0], "distance_m");
        assert_eq!(plain["properties"]["name_ar"], "صيدلية النهدي");
        // Another registry (another server in the same process) gets its own text.
        let other = CategoryRegistry::default();
        let fresh = f.public_json(&other);
        assert!(matches!(fresh, std::borrow::Cow::Owned(_)));
        assert_eq!(*fresh, *kept);
    }

    proptest::proptest! {
        /// Whole numbers are written as `Display` writes them, the extremes included.
        #[test]
        fn pushed_ints_are_decimal(n in proptest::num::i64::ANY) {
            for n in [n, 0, -1, i64::MIN, i64::MAX] {
                let mut out = String::from("x");
                push_int(&mut out, n);
                proptest::prop_assert_eq!(out, format!("x{n}"));
            }
        }

        /// Strings and scalars written directly are the very text serde_json writes.
        #[test]
        fn pushed_json_reads_back(s in "\\PC*|[\\x00-\\x7f]{0,12}", x in proptest::num::f64::NORMAL, b in proptest::bool::ANY) {
            for v in [json!(s), json!(x), json!(b), Value::Null, json!([s, x]), json!({"k": s})] {
                let mut out = String::new();
                push_json(&mut out, &v);
                proptest::prop_assert_eq!(out, v.to_string());
            }
        }
    }

    #[test]
    fn parcel_owners_never_appear() {
        let registry = CategoryRegistry::default();
        let ring = vec![
            geo::Coord { x: 50.1, y: 26.4 },
            geo::Coord {
                x: 50.1003,
                y: 26.4,
            },
            geo::Coord {
                x: 50.1003,
                y: 26.4003,
            },
            geo::Coord { x: 50.1, y: 26.4 },
        ];
        let f = feature(
            LayerKind::Parcels,
            json!({"parcel_no": "7", "owner_name": "سعد", "owner_id": "1012345678"}),
            RawGeometry::Polygon(vec![ring]),
        );
        let text = serde_json::to_string(&properties(&f, &registry)).unwrap();
        assert!(
            !text.contains("1012345678") && !text.contains("سعد") && !text.contains("owner"),
            "{text}"
        );
    }
}
