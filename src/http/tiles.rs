//! Vector tiles over HTTP: `/tiles/{layers}/{z}/{x}/{y}.mvt`, TileJSON `/tiles/{layers}.json`,
//! and OGC API – Tiles (`/tileMatrixSets`, `/collections/{id}/tiles/...`).
//!
//! A tile is looked up in the cache on the request's thread; a miss renders on the blocking
//! pool, so a slow tile never stalls the runtime. Answers carry an `ETag` (a hash of the MVT),
//! honour `If-None-Match` (304), negotiate `Accept-Encoding` (brotli, then gzip, else identity:
//! the cache holds the compressed bytes, and the router's compression layer leaves responses
//! with a `Content-Encoding` alone), and say `Cache-Control: public, max-age=60`: short, because
//! the land workflows change parcels during the day and a client should see an approved split
//! within a minute (after that it revalidates cheaply with its ETag). A tile without features
//! is a 204.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::Value;

use super::ogc::base_url;
use super::{ApiError, AppState};
use crate::domain::LayerKind;
use crate::ogc::tiles::{self as ogc_tiles, MVT};
use crate::ogc::{JSON, collection, collection_ids};
use crate::tiles::cache::{CachedTile, Encoding, TileKey};
use crate::tiles::{TileId, TileIdError, tilejson};

/// `Cache-Control` of tiles and tile documents.
pub const CACHE_CONTROL: &str = "public, max-age=60";

/// The tile routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tiles/{layers}/{z}/{x}/{y}", get(xyz_tile))
        .route("/tiles/{name}", get(tilejson_document))
        .route("/tileMatrixSets", get(tile_matrix_sets))
        .route("/tileMatrixSets/{tms}", get(tile_matrix_set))
        .route("/collections/{id}/tiles", get(collection_tilesets))
        .route("/collections/{id}/tiles/{tms}", get(collection_tileset))
        .route(
            "/collections/{id}/tiles/{tms}/{z}/{row}/{col}",
            get(collection_tile),
        )
}

/// The layers of a tile URL: one id or a comma list, in drawing order (repeats dropped).
pub fn parse_layers(text: &str) -> Result<Vec<LayerKind>, ApiError> {
    let mut layers = Vec::new();
    for part in text.split(',') {
        let id = part.trim();
        if id.is_empty() {
            return Err(ApiError::BadRequest(format!(
                "the layer list {text:?} has an empty entry; give layer ids separated by commas, \
                 e.g. parcels,service_points"
            )));
        }
        let layer = LayerKind::ALL
            .into_iter()
            .find(|l| l.id() == id)
            .ok_or_else(|| {
                ApiError::NotFound(format!(
                    "no layer {id:?}; the layers are {}",
                    collection_ids()
                ))
            })?;
        if !layers.contains(&layer) {
            layers.push(layer);
        }
    }
    Ok(layers)
}

fn number(name: &str, text: &str) -> Result<i64, ApiError> {
    text.trim()
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("{name}={text:?} is not a whole number")))
}

/// A tile from its zoom, column and row as written in the URL; `names` are the URL's names of
/// the three (z/x/y or tileMatrix/tileCol/tileRow), for messages.
fn tile_id([zn, xn, yn]: [&str; 3], z: &str, x: &str, y: &str) -> Result<TileId, ApiError> {
    let (zv, xv, yv) = (number(zn, z)?, number(xn, x)?, number(yn, y)?);
    TileId::new(zv, xv, yv).map_err(|e| {
        ApiError::BadRequest(match e {
            TileIdError::Zoom(z) => format!(
                "{zn}={z} is outside 0–{}: zoom levels are 0 to {}",
                crate::tiles::MAX_ZOOM,
                crate::tiles::MAX_ZOOM
            ),
            TileIdError::OutOfRange {
                axis,
                value,
                max,
                z,
            } => format!(
                "{}={value} is outside 0–{max}, the range at zoom {z}",
                if axis == "x" { xn } else { yn }
            ),
        })
    })
}

fn set(res: &mut Response, name: header::HeaderName, value: &str) -> Result<(), ApiError> {
    let v = HeaderValue::from_str(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    res.headers_mut().insert(name, v);
    Ok(())
}

/// The response for a tile: 204 when empty, 304 when the client's tag is current, else 200.
/// Constant headers are static values: this is the hot path of a cache hit.
fn tile_response(tile: &CachedTile, hit: bool, headers: &HeaderMap) -> Result<Response, ApiError> {
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| tile.matches(v));
    let etag = || HeaderValue::from_str(&tile.etag).map_err(|e| ApiError::Internal(e.to_string()));
    let mut res = if tile.is_empty() {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NO_CONTENT;
        r
    } else if not_modified {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r.headers_mut().insert(header::ETAG, etag()?);
        r
    } else {
        let mut r = Response::new(Body::from(tile.body.clone()));
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(MVT));
        h.insert(header::ETAG, etag()?);
        if let Some(coding) = tile.encoding.content_encoding() {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        r
    };
    let h = res.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(
        header::HeaderName::from_static("x-tile-cache"),
        HeaderValue::from_static(if hit { "hit" } else { "miss" }),
    );
    Ok(res)
}

async fn serve_tile(
    state: AppState,
    layers: Vec<LayerKind>,
    tile: TileId,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let encoding = Encoding::negotiate(
        headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    );
    let key = TileKey {
        layers,
        tile,
        encoding,
    };
    let (found, hit) = match state.tiles.get(&key) {
        Some(t) => (t, true),
        None => tokio::task::spawn_blocking(move || {
            state
                .tiles
                .get_or_render(&state.index, &key, &state.categories)
        })
        .await
        .map_err(|e| ApiError::Internal(format!("rendering a tile failed: {e}")))?,
    };
    tile_response(&found, hit, headers)
}

async fn xyz_tile(
    State(state): State<AppState>,
    Path((layers, z, x, y)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let layers = parse_layers(&layers)?;
    let y = y.strip_suffix(".mvt").ok_or_else(|| {
        ApiError::BadRequest(format!(
            "tiles are Mapbox Vector Tiles: end the URL in {{y}}.mvt, not {y:?} \
             (e.g. /tiles/parcels/15/21000/13800.mvt)"
        ))
    })?;
    let tile = tile_id(["z", "x", "y"], &z, &x, y)?;
    serve_tile(state, layers, tile, &headers).await
}

fn json_response(doc: &Value, cache: bool) -> Result<Response, ApiError> {
    let bytes = serde_json::to_vec(doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut res = Response::new(Body::from(bytes));
    set(&mut res, header::CONTENT_TYPE, JSON)?;
    if cache {
        set(&mut res, header::CACHE_CONTROL, CACHE_CONTROL)?;
    }
    Ok(res)
}

async fn tilejson_document(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let list = name.strip_suffix(".json").ok_or_else(|| {
        ApiError::NotFound(format!(
            "no resource at /tiles/{name}; tiles are /tiles/{{layers}}/{{z}}/{{x}}/{{y}}.mvt and \
             their TileJSON /tiles/{{layers}}.json (e.g. /tiles/parcels,service_points.json)"
        ))
    })?;
    let layers = parse_layers(list)?;
    let doc = tilejson::tilejson(&state.index.snapshot(), &layers, &base_url(&headers));
    json_response(&doc, true)
}

async fn tile_matrix_sets(headers: HeaderMap) -> Result<Response, ApiError> {
    json_response(&ogc_tiles::tile_matrix_sets(&base_url(&headers)), false)
}

async fn tile_matrix_set(
    Path(tms): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    ogc_tiles::tile_matrix_set_id(&tms)?;
    json_response(&ogc_tiles::web_mercator_quad(&base_url(&headers)), false)
}

async fn collection_tilesets(
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let layer = collection(&id)?;
    json_response(&ogc_tiles::tilesets(layer, &base_url(&headers)), false)
}

async fn collection_tileset(
    State(state): State<AppState>,
    Path((id, tms)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let layer = collection(&id)?;
    ogc_tiles::tile_matrix_set_id(&tms)?;
    let doc = ogc_tiles::tileset(state.index.snapshot().layer(layer), &base_url(&headers));
    json_response(&doc, true)
}

async fn collection_tile(
    State(state): State<AppState>,
    Path((id, tms, z, row, col)): Path<(String, String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let layer = collection(&id)?;
    ogc_tiles::tile_matrix_set_id(&tms)?;
    let tile = tile_id(["tileMatrix", "tileCol", "tileRow"], &z, &col, &row)?;
    serve_tile(state, vec![layer], tile, &headers).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_lists_and_tile_numbers_are_checked() {
        assert_eq!(
            parse_layers("parcels,service_points,parcels").ok(),
            Some(vec![LayerKind::Parcels, LayerKind::ServicePoints])
        );
        assert!(
            matches!(parse_layers("lakes"), Err(ApiError::NotFound(m)) if m.contains("parcels"))
        );
        assert!(matches!(
            parse_layers("parcels,"),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            tile_id(["z", "x", "y"], "23", "0", "0"),
            Err(ApiError::BadRequest(m)) if m.starts_with("z=23")
        ));
        assert!(matches!(
            tile_id(["tileMatrix", "tileCol", "tileRow"], "1", "0", "2"),
            Err(ApiError::BadRequest(m)) if m.starts_with("tileRow=2")
        ));
        assert!(matches!(
            tile_id(["z", "x", "y"], "1", "a", "0"),
            Err(ApiError::BadRequest(m)) if m.contains("not a whole number")
        ));
        assert!(tile_id(["z", "x", "y"], "1", "1", "1").is_ok());
    }
}
