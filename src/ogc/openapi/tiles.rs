//! The OpenAPI description of the vector tiles: `/tiles/{layers}/{z}/{x}/{y}.mvt`, the TileJSON
//! `/tiles/{layers}.json`, and OGC API – Tiles (`/tileMatrixSets`, `/collections/{id}/tiles`,
//! the tileset and its tiles).

use serde_json::{Map, Value, json};

use super::{errors, get, ok};
use crate::domain::LayerKind;
use crate::ogc::JSON;
use crate::ogc::tiles::{MVT, WEB_MERCATOR_QUAD};

fn path_param(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": schema})
}

fn object() -> Value {
    json!({"type": "object"})
}

fn tile_responses() -> Map<String, Value> {
    let mut r = errors(&["400", "404"]);
    r.insert(
        "204".into(),
        json!({"description": "No feature in this tile (an empty tile)."}),
    );
    r.insert(
        "304".into(),
        json!({"description": "Not modified: the If-None-Match tag is current."}),
    );
    r
}

fn tile_ok() -> Value {
    json!({
        "description": "A Mapbox Vector Tile 2.1, brotli or gzip encoded when Accept-Encoding \
                        allows (Content-Encoding says which), with an ETag.",
        "headers": {
            "ETag": {"schema": {"type": "string"}},
            "Cache-Control": {"schema": {"type": "string"}},
        },
        "content": {MVT: {"schema": {"type": "string", "format": "binary"}}},
    })
}

fn collection_param() -> Value {
    let ids: Vec<&str> = LayerKind::ALL.iter().map(|l| l.id()).collect();
    path_param(
        "collectionId",
        "The collection (layer).",
        json!({"type": "string", "enum": ids}),
    )
}

fn tms_param() -> Value {
    path_param(
        "tileMatrixSetId",
        "The tile matrix set: WebMercatorQuad.",
        json!({"type": "string", "enum": [WEB_MERCATOR_QUAD]}),
    )
}

fn zxy(z: &str, x: &str, y: &str, row_col: bool) -> Vec<Value> {
    let (xd, yd) = if row_col {
        (
            "The tile row (y, from the north).",
            "The tile column (x, from the west).",
        )
    } else {
        (
            "The tile column (from the west).",
            "The tile row (from the north).",
        )
    };
    vec![
        path_param(
            z,
            "The zoom level (tile matrix), 0 to 22.",
            json!({"type": "integer", "minimum": 0, "maximum": 22}),
        ),
        path_param(x, xd, json!({"type": "integer", "minimum": 0})),
        path_param(y, yd, json!({"type": "integer", "minimum": 0})),
    ]
}

/// Adds the tile paths.
pub(super) fn paths(paths: &mut Map<String, Value>) {
    let ids: Vec<&str> = LayerKind::ALL.iter().map(|l| l.id()).collect();
    let layers = path_param(
        "layers",
        &format!(
            "One layer or a comma-separated list, drawn in the order given: {}.",
            ids.join(", ")
        ),
        json!({"type": "string", "example": "parcels,service_points"}),
    );
    let mut params = vec![layers.clone()];
    params.extend(zxy("z", "x", "y", false));
    paths.insert(
        "/tiles/{layers}/{z}/{x}/{y}.mvt".into(),
        get(
            "Tiles",
            "A vector tile of one or more layers (XYZ scheme)",
            "get_tile",
            params,
            tile_responses(),
            tile_ok(),
        ),
    );
    paths.insert(
        "/tiles/{layers}.json".into(),
        get(
            "Tiles",
            "TileJSON 3.0.0 of one or more layers",
            "get_tilejson",
            vec![layers],
            errors(&["400", "404"]),
            ok(
                "The tile URL template, bounds, centre, zoom range and fields of each layer.",
                JSON,
                object(),
            ),
        ),
    );
    paths.insert(
        "/tileMatrixSets".into(),
        get(
            "Tiles",
            "The tile matrix sets (tiling schemes)",
            "get_tile_matrix_sets",
            vec![],
            errors(&[]),
            ok("The list: WebMercatorQuad.", JSON, object()),
        ),
    );
    paths.insert(
        "/tileMatrixSets/{tileMatrixSetId}".into(),
        get(
            "Tiles",
            "A tile matrix set definition (OGC 2D TMS 2.0)",
            "get_tile_matrix_set",
            vec![tms_param()],
            errors(&["404"]),
            ok(
                "The definition: CRS, origin, scale and size of every tile matrix.",
                JSON,
                object(),
            ),
        ),
    );
    paths.insert(
        "/collections/{collectionId}/tiles".into(),
        get(
            "Tiles",
            "The vector tilesets of a collection",
            "get_collection_tilesets",
            vec![collection_param()],
            errors(&["404"]),
            ok("The tilesets list.", JSON, object()),
        ),
    );
    paths.insert(
        "/collections/{collectionId}/tiles/{tileMatrixSetId}".into(),
        get(
            "Tiles",
            "A collection's tileset metadata",
            "get_collection_tileset",
            vec![collection_param(), tms_param()],
            errors(&["404"]),
            ok(
                "Layers, limits per zoom, bounding box and the templated tile link.",
                JSON,
                object(),
            ),
        ),
    );
    let mut params = vec![collection_param(), tms_param()];
    params.extend(zxy("tileMatrix", "tileRow", "tileCol", true));
    paths.insert(
        "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}"
            .into(),
        get(
            "Tiles",
            "A vector tile of a collection",
            "get_collection_tile",
            params,
            tile_responses(),
            tile_ok(),
        ),
    );
}
