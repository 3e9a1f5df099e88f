//! The API's JSON documents: the landing page, the conformance declaration, and the
//! collections with their extents (spatial from the index, temporal from the lifespans of the
//! features in force), CRSs and links. `base` is the server's URL as the client reached it.

use serde_json::{Value, json};

use super::crs::{CRS84, SUPPORTED};
use super::{GEOJSON, JSON, OPENAPI, SCHEMA, title};
use crate::domain::LayerKind;
use crate::index::{LayerIndex, Snapshot};

/// The title of the API.
pub const API_TITLE: &str = "madinati — مدينتي";

/// Every conformance class the API implements.
pub const CONFORMANCE: [&str; 17] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/property-property",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
];

/// Link relation of a collection's queryables (Part 3).
pub const REL_QUERYABLES: &str = "http://www.opengis.net/def/rel/ogc/1.0/queryables";

fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": kind, "title": title})
}

/// `GET /`.
pub fn landing(base: &str) -> Value {
    json!({
        "title": API_TITLE,
        "description": "Open data of the municipality: districts, subdivision plans, streets, \
                        land parcels and service points, as OGC API – Features (with CQL2 \
                        filters and CRSs), answered from memory.",
        "links": [
            link(format!("{base}/"), "self", JSON, "this document"),
            link(format!("{base}/api"), "service-desc", OPENAPI, "the API definition (OpenAPI 3.0)"),
            link(format!("{base}/conformance"), "conformance", JSON, "the standards implemented"),
            link(format!("{base}/collections"), "data", JSON, "the collections (layers)"),
            link(format!("{base}/tileMatrixSets"), super::tiles::REL_TILING_SCHEMES, JSON, "the tile matrix sets (OGC API – Tiles)"),
            link(format!("{base}/tiles/{}.json", crate::tiles::tilejson::layer_list(&LayerKind::ALL)), "describedby", JSON, "TileJSON 3.0 of the vector tiles of every layer (for MapLibre)"),
        ],
    })
}

/// `GET /conformance`: OGC API – Features and its CQL2, then OGC API – Tiles.
pub fn conformance() -> Value {
    let all: Vec<&str> = CONFORMANCE
        .iter()
        .chain(super::tiles::CONFORMANCE.iter())
        .copied()
        .collect();
    json!({ "conformsTo": all })
}

fn description(layer: LayerKind) -> &'static str {
    match layer {
        LayerKind::Districts => "Named administrative districts of the cities (أحياء).",
        LayerKind::Plans => "Approved and proposed subdivision plans (مخططات) with their status.",
        LayerKind::Streets => "Street centre lines with their right-of-way width.",
        LayerKind::Parcels => {
            "Land parcels (قطع الأراضي) with plan, block, land use and deed; owners are private \
             and never published."
        }
        LayerKind::ServicePoints => {
            "Shops, pharmacies, clinics, mosques and other services with category and opening \
             hours."
        }
    }
}

fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The temporal extent of the features in force: from the earliest `valid_from` (open when a
/// feature has none) to now and on (open).
fn temporal(layer: &LayerIndex) -> Value {
    let mut start = None;
    let mut open_start = layer.is_empty();
    for f in layer.iter() {
        match f.feature.lifespan().valid_from {
            None => {
                open_start = true;
                break;
            }
            Some(t) => start = Some(start.map_or(t, |s: chrono::DateTime<chrono::Utc>| s.min(t))),
        }
    }
    let start = if open_start {
        Value::Null
    } else {
        start.map_or(Value::Null, |t| json!(time(t)))
    };
    json!({
        "interval": [[start, Value::Null]],
        "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
    })
}

/// `GET /collections/{id}`.
pub fn collection(layer: &LayerIndex, base: &str) -> Value {
    let kind = layer.layer();
    let id = kind.id();
    let here = format!("{base}/collections/{id}");
    let mut extent = serde_json::Map::new();
    if let Some(b) = layer.extent() {
        extent.insert(
            "spatial".into(),
            json!({"bbox": [[b.min_x, b.min_y, b.max_x, b.max_y]], "crs": CRS84}),
        );
    }
    extent.insert("temporal".into(), temporal(layer));
    json!({
        "id": id,
        "title": title(kind),
        "description": description(kind),
        "itemType": "feature",
        "extent": extent,
        "crs": SUPPORTED,
        "storageCrs": CRS84,
        "links": [
            link(here.clone(), "self", JSON, &title(kind)),
            link(format!("{here}/items"), "items", GEOJSON, "the features"),
            link(format!("{here}/queryables"), REL_QUERYABLES, SCHEMA, "the queryable properties"),
            link(format!("{here}/tiles"), super::tiles::REL_TILESETS_VECTOR, JSON, "the vector tilesets (OGC API – Tiles)"),
        ],
    })
}

/// `GET /collections`.
pub fn collections(snapshot: &Snapshot, base: &str) -> Value {
    let all: Vec<Value> = LayerKind::ALL
        .iter()
        .map(|l| collection(snapshot.layer(*l), base))
        .collect();
    json!({
        "links": [link(format!("{base}/collections"), "self", JSON, "the collections")],
        "crs": SUPPORTED,
        "collections": all,
    })
}
