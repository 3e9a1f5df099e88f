//! The shared parts of the OpenAPI document: the OGC parameters (`limit`, `bbox`, `crs`,
//! `filter`, ...), the error responses, the `Content-Crs` header and the document schemas.

use serde_json::{Value, json};

use crate::ogc::crs::{CRS84, SUPPORTED};
use crate::ogc::params::{DEFAULT_LIMIT, MAX_LIMIT};

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({
        "name": name,
        "in": "query",
        "required": false,
        "description": description,
        "schema": schema,
        "style": "form",
        "explode": false,
    })
}

fn parameters() -> Value {
    let crs = json!({"type": "string", "format": "uri", "enum": SUPPORTED, "default": CRS84});
    json!({
        "limit": query("limit", &format!(
            "Features per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}); out of range is a 400."),
            json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT})),
        "bbox": query("bbox",
            "Only features intersecting the box minx,miny,maxx,maxy, in bbox-crs (CRS84 \
             longitude/latitude by default). Six numbers (3D) are refused: the data is 2D.",
            json!({"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}})),
        "bbox-crs": query("bbox-crs", "The CRS of bbox (EPSG 4326 is latitude first).", crs.clone()),
        "datetime": query("datetime",
            "Only features in force at an instant (2024-05-01T10:00:00Z or 2024-05-01) or during \
             an interval (a/b, ../b, a/..), from their lifespan valid_from/valid_to.",
            json!({"type": "string"})),
        "featureDatetime": query("datetime",
            "The feature as the register held it at an instant (2024-05-01T10:00:00Z or \
             2024-05-01) or during an interval (a/b, ../b, a/..), from its lifespan \
             valid_from/valid_to, as datetime on items: a retired feature (a parcel split or \
             merged) is answered too; a 404 when it was not in force then. Without it, only a \
             current feature is answered, and a retired one is a 404 naming its retirement.",
            json!({"type": "string"})),
        "cursor": query("cursor",
            "Where a page starts; take it from the next and prev links, never build it.",
            json!({"type": "string"})),
        "crs": query("crs",
            "The CRS of the returned geometries (default CRS84; EPSG 4326 is latitude first). \
             The response says it in Content-Crs.", crs.clone()),
        "filter": query("filter",
            "A CQL2 filter on the queryables, e.g. land_use = 'commercial' AND area_m2 > 500, \
             or S_INTERSECTS(geometry, POLYGON((...))).",
            json!({"type": "string"})),
        "filter-lang": query("filter-lang",
            "The encoding of filter: cql2-text (default) or cql2-json; cql-text is read as \
             cql2-text for older clients.",
            json!({"type": "string", "enum": ["cql2-text", "cql2-json", "cql-text"], "default": "cql2-text"})),
        "filter-crs": query("filter-crs", "The CRS of the geometries in filter.", crs),
        "featureId": {
            "name": "featureId",
            "in": "path",
            "required": true,
            "description": "The feature's id (the id member of the GeoJSON feature).",
            "schema": {"type": "integer"},
        },
    })
}

fn responses() -> Value {
    let exception = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/exception"}}}});
    json!({
        "BadRequest": exception("A parameter is wrong; the description says which and what to write."),
        "NotFound": exception("No such collection, feature or path."),
        "Unavailable": exception("The store does not answer."),
        "ServerError": exception("An internal error; the detail is in the server log."),
    })
}

fn schemas() -> Value {
    let link = json!({"$ref": "#/components/schemas/link"});
    let links = json!({"type": "array", "items": link});
    json!({
        "exception": {
            "type": "object",
            "required": ["code", "description"],
            "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
        },
        "link": {
            "type": "object",
            "required": ["href", "rel"],
            "properties": {
                "href": {"type": "string"},
                "rel": {"type": "string"},
                "type": {"type": "string"},
                "title": {"type": "string"},
            },
        },
        "landingPage": {
            "type": "object",
            "required": ["links"],
            "properties": {"title": {"type": "string"}, "description": {"type": "string"}, "links": links},
        },
        "confClasses": {
            "type": "object",
            "required": ["conformsTo"],
            "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
        },
        "extent": {
            "type": "object",
            "properties": {
                "spatial": {"type": "object", "properties": {
                    "bbox": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
                    "crs": {"type": "string"},
                }},
                "temporal": {"type": "object", "properties": {
                    "interval": {"type": "array", "items": {"type": "array", "items": {"type": "string", "nullable": true}}},
                    "trs": {"type": "string"},
                }},
            },
        },
        "collection": {
            "type": "object",
            "required": ["id", "links"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "itemType": {"type": "string"},
                "extent": {"$ref": "#/components/schemas/extent"},
                "crs": {"type": "array", "items": {"type": "string"}},
                "storageCrs": {"type": "string"},
                "links": links,
            },
        },
        "collections": {
            "type": "object",
            "required": ["links", "collections"],
            "properties": {
                "links": links,
                "crs": {"type": "array", "items": {"type": "string"}},
                "collections": {"type": "array", "items": {"$ref": "#/components/schemas/collection"}},
            },
        },
        "geometryGeoJSON": {
            "type": "object",
            "required": ["type"],
            "properties": {
                "type": {"type": "string", "enum": ["Point", "MultiLineString", "Polygon", "MultiPolygon"]},
                "coordinates": {"type": "array", "items": {}},
            },
        },
        "featureGeoJSON": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "integer"},
                "geometry": {"$ref": "#/components/schemas/geometryGeoJSON"},
                "properties": {"type": "object", "nullable": true},
                "links": links,
            },
        },
        "featureCollectionGeoJSON": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": {"$ref": "#/components/schemas/featureGeoJSON"}},
                "links": links,
                "timeStamp": {"type": "string", "format": "date-time"},
                "numberMatched": {"type": "integer", "minimum": 0},
                "numberReturned": {"type": "integer", "minimum": 0},
            },
        },
        "queryables": {
            "type": "object",
            "description": "A JSON Schema (2020-12) whose properties are the queryables.",
            "properties": {"properties": {"type": "object"}},
        },
    })
}

/// The `components` object.
pub(super) fn components() -> Value {
    json!({
        "parameters": parameters(),
        "responses": responses(),
        "headers": {"Content-Crs": {
            "description": "The CRS of the geometries in the response, as <URI>.",
            "schema": {"type": "string"},
        }},
        "schemas": schemas(),
    })
}
