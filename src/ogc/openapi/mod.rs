//! The OpenAPI 3.0 definition of the whole server (`GET /api`): the OGC API paths of every
//! collection with their parameters (the queryables of each collection as query parameters, the
//! way GDAL and other clients learn them), and the other endpoints: `/health`, `/ready`,
//! `/api/nearby`, `/api/search` and `/api/identify`.

use serde_json::{Map, Value, json};

use super::params::{DEFAULT_LIMIT, MAX_LIMIT};
use super::queryables::property_schemas;
use super::{GEOJSON, JSON, OPENAPI, SCHEMA, title};
use crate::domain::LayerKind;
use crate::domain::category::CategoryRegistry;
use crate::index::Snapshot;

mod components;
mod places;
mod register;
mod tiles;

fn ok(description: &str, media: &str, schema: Value) -> Value {
    json!({"description": description, "content": {media: {"schema": schema}}})
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn param_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn errors(codes: &[&str]) -> Map<String, Value> {
    codes
        .iter()
        .map(|c| {
            let name = match *c {
                "400" => "BadRequest",
                "404" => "NotFound",
                "503" => "Unavailable",
                _ => "ServerError",
            };
            (
                c.to_string(),
                json!({"$ref": format!("#/components/responses/{name}")}),
            )
        })
        .collect()
}

fn get(
    tag: &str,
    summary: &str,
    id: &str,
    params: Vec<Value>,
    mut responses: Map<String, Value>,
    ok_response: Value,
) -> Value {
    responses.insert("200".into(), ok_response);
    json!({"get": {
        "tags": [tag],
        "summary": summary,
        "operationId": id,
        "parameters": params,
        "responses": responses,
    }})
}

fn collection_paths(
    paths: &mut Map<String, Value>,
    snapshot: &Snapshot,
    layer: LayerKind,
    categories: &CategoryRegistry,
) {
    let id = layer.id();
    let name = title(layer);
    let base = format!("/collections/{id}");
    paths.insert(
        base.clone(),
        get(
            "Data",
            &format!("Describe {name}"),
            &format!("describe_{id}"),
            vec![],
            errors(&["400", "404"]),
            ok(
                "The collection: extent, CRSs, links.",
                JSON,
                schema_ref("collection"),
            ),
        ),
    );
    let mut params: Vec<Value> = [
        "limit",
        "bbox",
        "bbox-crs",
        "datetime",
        "cursor",
        "crs",
        "filter",
        "filter-lang",
        "filter-crs",
    ]
    .iter()
    .map(|p| param_ref(p))
    .collect();
    for (prop, schema) in property_schemas(snapshot.layer(layer), categories) {
        params.push(json!({
            "name": prop,
            "in": "query",
            "required": false,
            "description": format!("Only features whose {prop} equals this value (a queryable)."),
            "schema": schema,
            "style": "form",
            "explode": false,
        }));
    }
    let mut items_ok = ok(
        &format!(
            "A page of {name} as GeoJSON, with numberMatched, numberReturned and next/prev links."
        ),
        GEOJSON,
        schema_ref("featureCollectionGeoJSON"),
    );
    items_ok["headers"] = json!({"Content-Crs": {"$ref": "#/components/headers/Content-Crs"}});
    paths.insert(
        format!("{base}/items"),
        get(
            "Data",
            &format!("Features of {name}"),
            &format!("get_{id}_items"),
            params,
            errors(&["400", "404"]),
            items_ok,
        ),
    );
    let mut item_ok = ok(
        "The feature as GeoJSON.",
        GEOJSON,
        schema_ref("featureGeoJSON"),
    );
    item_ok["headers"] = json!({"Content-Crs": {"$ref": "#/components/headers/Content-Crs"}});
    paths.insert(
        format!("{base}/items/{{featureId}}"),
        get(
            "Data",
            &format!("One feature of {name}"),
            &format!("get_{id}_item"),
            vec![
                param_ref("featureId"),
                param_ref("crs"),
                param_ref("featureDatetime"),
            ],
            errors(&["400", "404"]),
            item_ok,
        ),
    );
    paths.insert(
        format!("{base}/queryables"),
        get(
            "Data",
            &format!("Queryable properties of {name}"),
            &format!("get_{id}_queryables"),
            vec![],
            errors(&["404"]),
            ok(
                "A JSON Schema of the properties filters may use.",
                SCHEMA,
                schema_ref("queryables"),
            ),
        ),
    );
}

/// `GET /api`: the OpenAPI 3.0 document (`base` is the server's URL).
pub fn document(snapshot: &Snapshot, base: &str, categories: &CategoryRegistry) -> Value {
    let mut paths = Map::new();
    paths.insert(
        "/".into(),
        get(
            "Capabilities",
            "Landing page",
            "get_landing_page",
            vec![],
            errors(&[]),
            ok(
                "Links to the API definition, the conformance classes and the collections.",
                JSON,
                schema_ref("landingPage"),
            ),
        ),
    );
    paths.insert(
        "/conformance".into(),
        get(
            "Capabilities",
            "Conformance classes",
            "get_conformance",
            vec![],
            errors(&[]),
            ok(
                "The standards this API implements.",
                JSON,
                schema_ref("confClasses"),
            ),
        ),
    );
    paths.insert(
        "/api".into(),
        get(
            "Capabilities",
            "This API definition",
            "get_api",
            vec![],
            errors(&[]),
            ok("OpenAPI 3.0 (JSON).", OPENAPI, json!({"type": "object"})),
        ),
    );
    paths.insert(
        "/collections".into(),
        get(
            "Capabilities",
            "The collections",
            "get_collections",
            vec![],
            errors(&[]),
            ok(
                "Every collection with its extent, CRSs and links.",
                JSON,
                schema_ref("collections"),
            ),
        ),
    );
    for layer in LayerKind::ALL {
        collection_paths(&mut paths, snapshot, layer, categories);
    }
    places::paths(&mut paths, categories);
    tiles::paths(&mut paths);
    register::paths(&mut paths);
    let mut components_with_security = components::components();
    components_with_security["securitySchemes"] = register::security_schemes();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": super::documents::API_TITLE,
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "Geoportal of the municipality. OGC API – Features Parts 1, 2 and 3 (CQL2 text \
                 and JSON) over districts, plans, streets, parcels and service points; pages of \
                 {DEFAULT_LIMIT} features by default, at most {MAX_LIMIT}; \"My City\" queries \
                 (nearby services, search, what is here); health and readiness."
            ),
            "license": {"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
        },
        "servers": [{"url": if base.is_empty() { "/" } else { base }}],
        "tags": [
            {"name": "Capabilities", "description": "What the API offers."},
            {"name": "Data", "description": "Features of the collections (OGC API – Features)."},
            {"name": "My City", "description": "Citizen queries: nearby services, search, identify."},
            {"name": "Tiles", "description": "Vector tiles (MVT), TileJSON and OGC API – Tiles."},
            {"name": "Operations", "description": "Liveness and readiness."},
            {"name": "Accounts", "description": "Sign-in and sessions (citizen, surveyor, planner, admin)."},
            {"name": "Land register", "description": "Land requests (subdivision, merge) and their lifecycle, lineage, audit."},
        ],
        "paths": paths,
        "components": components_with_security,
    })
}
