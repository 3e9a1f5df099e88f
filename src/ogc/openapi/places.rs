//! The OpenAPI description of the endpoints outside OGC API – Features: health, readiness, and
//! the "My City" queries (`/api/nearby`, `/api/search`, `/api/identify`).

use serde_json::{Map, Value, json};

use super::{errors, get, ok};
use crate::domain::category::CategoryRegistry;

fn param(name: &str, required: bool, description: &str, schema: Value) -> Value {
    json!({
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    })
}

fn lon_lat(what: &str) -> [Value; 2] {
    [
        param(
            "lon",
            true,
            &format!("Longitude of {what}, WGS 84 degrees (e.g. 50.1)."),
            json!({"type": "number", "minimum": -180, "maximum": 180}),
        ),
        param(
            "lat",
            true,
            &format!("Latitude of {what}, WGS 84 degrees (e.g. 26.4)."),
            json!({"type": "number", "minimum": -90, "maximum": 90}),
        ),
    ]
}

fn lang() -> Value {
    param(
        "lang",
        false,
        "Language of names and labels: ar (default) or en.",
        json!({"type": "string", "enum": ["ar", "en"], "default": "ar"}),
    )
}

fn features(description: &str) -> Value {
    ok(
        description,
        "application/json",
        json!({
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "numberMatched": {"type": "integer"},
            "numberReturned": {"type": "integer"},
                "features": {"type": "array", "items": {"$ref": "#/components/schemas/featureGeoJSON"}},
            },
        }),
    )
}

/// Adds the paths of the non-OGC endpoints.
pub(super) fn paths(paths: &mut Map<String, Value>, categories: &CategoryRegistry) {
    let codes: Vec<&str> = categories.all().iter().map(|c| c.code.as_str()).collect();
    paths.insert("/health".into(), get("Operations", "Liveness: the process is up", "get_health", vec![], errors(&[]),
        ok("Always 200 while the process runs.", "application/json", json!({
            "type": "object",
            "properties": {"status": {"type": "string", "enum": ["ok"]}, "service": {"type": "string"}, "version": {"type": "string"}},
        }))));
    paths.insert("/ready".into(), get("Operations", "Readiness: the store answers", "get_ready", vec![], errors(&["503"]),
        ok("The store answers.", "application/json", json!({
            "type": "object",
            "properties": {"status": {"type": "string", "enum": ["ready"]}, "store": {"type": "string"}},
        }))));

    let [lon, lat] = lon_lat("the place to search around");
    let nearby = vec![
        lon,
        lat,
        json!({
            "name": "category",
            "in": "query",
            "required": false,
            "description": "Only these service categories: repeat the parameter or give a comma-separated list (codes, English or Arabic labels).",
            "schema": {"type": "array", "items": {"type": "string", "enum": codes}},
            "style": "form",
            "explode": true,
        }),
        param(
            "limit",
            false,
            "How many services, 1 to 100 (default 10).",
            json!({"type": "integer", "minimum": 1, "maximum": 100, "default": 10}),
        ),
        param(
            "radius",
            false,
            "Only services within this distance, metres (geodesic).",
            json!({"type": "number", "minimum": 1, "maximum": 200000}),
        ),
        param(
            "open_now",
            false,
            "Only services open at the time `at` (Riyadh time).",
            json!({"type": "boolean", "default": false}),
        ),
        param(
            "at",
            false,
            "The time for open_now, RFC 3339 (default now), e.g. 2026-11-23T18:30:00+03:00.",
            json!({"type": "string", "format": "date-time"}),
        ),
        lang(),
    ];
    paths.insert("/api/nearby".into(), get("My City", "The nearest services to a place", "get_nearby", nearby,
        errors(&["400"]),
        features("The services by distance, each with distance_m, open_now and name in the language asked.")));

    let search = vec![
        param(
            "q",
            true,
            "What to look for: a name, an address, a parcel or plan number, Arabic or English.",
            json!({"type": "string", "minLength": 1}),
        ),
        param(
            "near",
            false,
            "Rank results near this place: lon,lat in WGS 84 degrees (e.g. 50.1,26.4).",
            json!({"type": "string"}),
        ),
        lang(),
        param(
            "limit",
            false,
            "How many results, 1 to 100 (default 10).",
            json!({"type": "integer", "minimum": 1, "maximum": 100, "default": 10}),
        ),
    ];
    paths.insert(
        "/api/search".into(),
        get(
            "My City",
            "Search places, streets, districts and parcels",
            "get_search",
            search,
            errors(&["400"]),
            features("The best matches first."),
        ),
    );

    let [lon, lat] = lon_lat("the point");
    let identify = vec![lon, lat, lang()];
    let area =
        json!({"allOf": [{"$ref": "#/components/schemas/featureGeoJSON"}], "nullable": true});
    paths.insert(
        "/api/identify".into(),
        get(
            "My City",
            "What is at a point",
            "get_identify",
            identify,
            errors(&["400"]),
            ok(
                "The district, plan and parcel containing the point, and the nearest street.",
                "application/json",
                json!({
                    "type": "object",
                    "properties": {
                        "lon": {"type": "number"},
                        "lat": {"type": "number"},
                        "district": area,
                        "plan": area,
                        "parcel": area,
                        "nearest_street": area,
                    },
                }),
            ),
        ),
    );
}
