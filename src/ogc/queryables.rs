//! The queryables of a collection (Part 3) as a JSON Schema 2020-12 document: the typed public
//! properties (text, numbers for `*_m` and `*_m2`, `format: date`/`date-time` for dates, enums
//! for coded values), the source properties the features carry, and `geometry`. The same list
//! gives the query parameters of `/items` in the OpenAPI document.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::props::{Kind, Typed, is_private};
use super::title;
use crate::domain::attributes::{LandUse, PlanStatus, fields};
use crate::domain::category::CategoryRegistry;
use crate::domain::public::property_names;
use crate::domain::{GeometryShape, LayerKind};
use crate::index::LayerIndex;

/// The `format` of a collection's geometry (Part 3 `geometry-*`).
pub fn geometry_format(layer: LayerKind) -> &'static str {
    match layer.shape() {
        GeometryShape::Point => "geometry-point",
        GeometryShape::MultiLineString => "geometry-multilinestring",
        GeometryShape::Polygon => "geometry-polygon",
        GeometryShape::MultiPolygon => "geometry-multipolygon",
    }
}

fn doc(layer: LayerKind, name: &str) -> String {
    let spec_name = if name == "source_id" { "id" } else { name };
    if let Some(f) = fields(layer).iter().find(|f| f.name == spec_name) {
        return f.doc.to_string();
    }
    match name {
        "area_m2" => "geodesic area on the WGS 84 ellipsoid, m²",
        "length_m" => "geodesic length on the WGS 84 ellipsoid, m",
        "category_ar" => "the category's Arabic label",
        "category_en" => "the category's English label",
        "valid_from" => "in force since (UTC)",
        "valid_to" => "in force until (UTC); null while in force",
        _ => "",
    }
    .to_string()
}

/// The schema of each queryable property except `geometry`, in output order: typed ones, then
/// the source's own (typed by their first non-null value).
pub fn property_schemas(layer: &LayerIndex, categories: &CategoryRegistry) -> Vec<(String, Value)> {
    let kind = layer.layer();
    let mut out = Vec::new();
    for name in property_names(kind) {
        let mut s = Map::new();
        s.insert("title".into(), json!(name));
        let d = doc(kind, name);
        if !d.is_empty() {
            s.insert("description".into(), json!(d));
        }
        match Typed::from_name(name).map_or(Kind::String, Typed::kind) {
            Kind::Number => {
                s.insert("type".into(), json!("number"));
            }
            Kind::Date => {
                s.insert("type".into(), json!("string"));
                s.insert("format".into(), json!("date"));
            }
            Kind::DateTime => {
                s.insert("type".into(), json!("string"));
                s.insert("format".into(), json!("date-time"));
            }
            Kind::String | Kind::Any => {
                s.insert("type".into(), json!("string"));
            }
        }
        let codes: Option<Vec<&str>> = match *name {
            "land_use" => Some(LandUse::ALL.iter().map(|v| v.code()).collect()),
            "status" => Some(PlanStatus::ALL.iter().map(|v| v.code()).collect()),
            "category" => Some(categories.all().iter().map(|c| c.code.as_str()).collect()),
            _ => None,
        };
        if let Some(codes) = codes {
            s.insert("enum".into(), json!(codes));
        }
        out.push((name.to_string(), Value::Object(s)));
    }
    let mut extra: BTreeMap<&str, Option<&'static str>> = BTreeMap::new();
    for f in layer.iter() {
        for (k, v) in f.feature.extra() {
            if property_names(kind).contains(&k.as_str()) || is_private(kind, k) || k == "geometry"
            {
                continue;
            }
            let t = match v {
                Value::String(_) => Some("string"),
                Value::Number(_) => Some("number"),
                Value::Bool(_) => Some("boolean"),
                _ => None,
            };
            let slot = extra.entry(k.as_str()).or_insert(None);
            if slot.is_none() {
                *slot = t;
            }
        }
    }
    for (k, t) in extra {
        let mut s = Map::new();
        s.insert("title".into(), json!(k));
        s.insert("description".into(), json!("as given by the source"));
        if let Some(t) = t {
            s.insert("type".into(), json!(t));
        }
        out.push((k.to_string(), Value::Object(s)));
    }
    out
}

/// `GET /collections/{id}/queryables`.
pub fn queryables(layer: &LayerIndex, base: &str, categories: &CategoryRegistry) -> Value {
    let kind = layer.layer();
    let mut props = Map::new();
    props.insert(
        "geometry".into(),
        json!({
            "title": "geometry",
            "description": "the feature's geometry, for S_INTERSECTS and the other spatial functions",
            "format": geometry_format(kind),
            "x-ogc-role": "primary-geometry",
        }),
    );
    for (name, schema) in property_schemas(layer, categories) {
        props.insert(name, schema);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{base}/collections/{}/queryables", kind.id()),
        "type": "object",
        "title": title(kind),
        "properties": props,
        "additionalProperties": false,
    })
}
