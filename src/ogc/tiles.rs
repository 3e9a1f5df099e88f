//! OGC API – Tiles Part 1 documents (core, tileset, tilesets-list, geodata-tilesets, MVT) and
//! the OGC Two Dimensional Tile Matrix Set 2.0 definition of WebMercatorQuad: the list of tile
//! matrix sets, the set itself, a collection's tileset list and its tileset metadata.
//! `base` is the server's URL as the client reached it.

use serde_json::{Map, Value, json};

use super::crs::CRS84;
use super::{JSON, OgcError, title};
use crate::domain::{GeometryShape, LayerKind};
use crate::index::LayerIndex;
use crate::tiles::grid::HALF_WORLD_M;
use crate::tiles::{EXTENT, MAX_ZOOM, TileId, tilejson};

/// Media type of Mapbox Vector Tiles.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";
/// The only tile matrix set served.
pub const WEB_MERCATOR_QUAD: &str = "WebMercatorQuad";
/// Its registered URI.
pub const WEB_MERCATOR_QUAD_URI: &str =
    "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad";
/// Web Mercator.
pub const EPSG_3857: &str = "http://www.opengis.net/def/crs/EPSG/0/3857";

/// Link relation of the tile matrix sets list (landing page).
pub const REL_TILING_SCHEMES: &str = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes";
/// Link relation of a tileset's tile matrix set.
pub const REL_TILING_SCHEME: &str = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme";
/// Link relation of a collection's vector tilesets.
pub const REL_TILESETS_VECTOR: &str = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector";

/// The conformance classes of the tiles, added to `/conformance`.
pub const CONFORMANCE: [&str; 12] = [
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/tilesetmetadata",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilesetmetadata",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixsetlimits",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixsetlimits",
];

/// Size of a WebMercatorQuad tile in pixels (the 256-pixel convention of the standard).
const TILE_PIXELS: u32 = 256;
/// The standardised rendering pixel size, metres (0.28 mm).
const PIXEL_M: f64 = 0.000_28;

fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": kind, "title": title})
}

/// The tile matrix set named `id` (only WebMercatorQuad).
pub fn tile_matrix_set_id(id: &str) -> Result<(), OgcError> {
    if id == WEB_MERCATOR_QUAD {
        Ok(())
    } else {
        Err(OgcError::NotFound(format!(
            "no tile matrix set {id:?}; the only one is {WEB_MERCATOR_QUAD} (see /tileMatrixSets)"
        )))
    }
}

/// `GET /tileMatrixSets`.
pub fn tile_matrix_sets(base: &str) -> Value {
    json!({
        "links": [link(format!("{base}/tileMatrixSets"), "self", JSON, "the tile matrix sets")],
        "tileMatrixSets": [{
            "id": WEB_MERCATOR_QUAD,
            "title": "Google Maps Compatible for the World",
            "uri": WEB_MERCATOR_QUAD_URI,
            "crs": EPSG_3857,
            "links": [link(
                format!("{base}/tileMatrixSets/{WEB_MERCATOR_QUAD}"),
                "self",
                JSON,
                "WebMercatorQuad",
            )],
        }],
    })
}

/// `GET /tileMatrixSets/WebMercatorQuad`: the OGC 2D TMS 2.0 definition, zooms 0–22.
pub fn web_mercator_quad(base: &str) -> Value {
    let world = 2.0 * HALF_WORLD_M;
    let matrices: Vec<Value> = (0..=MAX_ZOOM)
        .map(|z| {
            let n = 1u32 << z;
            let cell = world / f64::from(TILE_PIXELS) / f64::from(n);
            json!({
                "id": z.to_string(),
                "scaleDenominator": cell / PIXEL_M,
                "cellSize": cell,
                "cornerOfOrigin": "topLeft",
                "pointOfOrigin": [-HALF_WORLD_M, HALF_WORLD_M],
                "tileWidth": TILE_PIXELS,
                "tileHeight": TILE_PIXELS,
                "matrixWidth": n,
                "matrixHeight": n,
            })
        })
        .collect();
    json!({
        "id": WEB_MERCATOR_QUAD,
        "title": "Google Maps Compatible for the World",
        "uri": WEB_MERCATOR_QUAD_URI,
        "crs": EPSG_3857,
        "orderedAxes": ["E", "N"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "boundingBox": {
            "lowerLeft": [-HALF_WORLD_M, -HALF_WORLD_M],
            "upperRight": [HALF_WORLD_M, HALF_WORLD_M],
            "crs": EPSG_3857,
        },
        "tileMatrices": matrices,
        "links": [link(
            format!("{base}/tileMatrixSets/{WEB_MERCATOR_QUAD}"),
            "self",
            JSON,
            "this tile matrix set",
        )],
    })
}

fn tileset_href(base: &str, layer: LayerKind) -> String {
    format!(
        "{base}/collections/{}/tiles/{WEB_MERCATOR_QUAD}",
        layer.id()
    )
}

fn tileset_links(base: &str, layer: LayerKind) -> Vec<Value> {
    vec![
        link(
            tileset_href(base, layer),
            "self",
            JSON,
            &format!("{} vector tiles", title(layer)),
        ),
        link(
            format!("{base}/tileMatrixSets/{WEB_MERCATOR_QUAD}"),
            REL_TILING_SCHEME,
            JSON,
            "the tile matrix set",
        ),
    ]
}

fn summary(base: &str, layer: LayerKind) -> Value {
    json!({
        "title": format!("{} vector tiles", title(layer)),
        "dataType": "vector",
        "crs": EPSG_3857,
        "tileMatrixSetURI": WEB_MERCATOR_QUAD_URI,
        "links": tileset_links(base, layer),
    })
}

/// `GET /collections/{id}/tiles`: the tilesets of one collection.
pub fn tilesets(layer: LayerKind, base: &str) -> Value {
    json!({
        "links": [link(
            format!("{base}/collections/{}/tiles", layer.id()),
            "self",
            JSON,
            "the tilesets of this collection",
        )],
        "tilesets": [summary(base, layer)],
    })
}

fn geometry_dimension(layer: LayerKind) -> u8 {
    match layer.shape() {
        GeometryShape::Point => 0,
        GeometryShape::MultiLineString => 1,
        GeometryShape::Polygon | GeometryShape::MultiPolygon => 2,
    }
}

fn json_type(tilejson_type: &str) -> &'static str {
    match tilejson_type {
        "Number" => "number",
        "Boolean" => "boolean",
        _ => "string",
    }
}

/// `GET /collections/{id}/tiles/WebMercatorQuad`: the tileset metadata (TMS 2.0).
pub fn tileset(index: &LayerIndex, base: &str) -> Value {
    let layer = index.layer();
    let (min, max) = tilejson::zoom_range(layer);
    let mut doc = summary(base, layer);
    let properties: Map<String, Value> = tilejson::fields(layer)
        .into_iter()
        .map(|(name, kind)| (name.to_string(), json!({"type": json_type(kind)})))
        .collect();
    doc["layers"] = json!([{
        "id": layer.id(),
        "title": title(layer),
        "dataType": "vector",
        "geometryDimension": geometry_dimension(layer),
        "minTileMatrix": min.to_string(),
        "maxTileMatrix": max.to_string(),
        "propertiesSchema": {"type": "object", "properties": properties},
    }]);
    if let Some(b) = index.extent() {
        doc["boundingBox"] = json!({
            "lowerLeft": [b.min_x, b.min_y],
            "upperRight": [b.max_x, b.max_y],
            "crs": CRS84,
        });
        let limits: Vec<Value> = (min..=max)
            .map(|z| {
                let (cols, rows) = TileId::covering(&b, z, 0, EXTENT);
                json!({
                    "tileMatrix": z.to_string(),
                    "minTileRow": rows.start(),
                    "maxTileRow": rows.end(),
                    "minTileCol": cols.start(),
                    "maxTileCol": cols.end(),
                })
            })
            .collect();
        doc["tileMatrixSetLimits"] = json!(limits);
    }
    doc["minTileMatrix"] = json!(min.to_string());
    doc["maxTileMatrix"] = json!(max.to_string());
    if let Some(links) = doc["links"].as_array_mut() {
        links.push(json!({
            "href": format!("{}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}", tileset_href(base, layer)),
            "rel": "item",
            "type": MVT,
            "title": "a tile (row = y, col = x of the XYZ scheme)",
            "templated": true,
        }));
        links.push(link(
            format!("{base}/collections/{}", layer.id()),
            "collection",
            JSON,
            &title(layer),
        ));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_mercator_quad_matches_the_standard() {
        let tms = web_mercator_quad("");
        let m = &tms["tileMatrices"];
        assert_eq!(m.as_array().map(Vec::len), Some(23));
        // The values of the registered definition (OGC 17-083r4, Annex D).
        let s0 = m[0]["scaleDenominator"].as_f64().unwrap_or(0.0);
        assert!((s0 - 559_082_264.028_717_8).abs() < 1e-3, "{s0}");
        let c0 = m[0]["cellSize"].as_f64().unwrap_or(0.0);
        assert!((c0 - 156_543.033_928_041).abs() < 1e-6, "{c0}");
        assert_eq!(m[22]["matrixWidth"], 1 << 22);
        assert!(tile_matrix_set_id("WorldCRS84Quad").is_err());
    }
}
