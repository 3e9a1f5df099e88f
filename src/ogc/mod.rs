//! OGC API – Features over the in-memory index: Part 1 (core, GeoJSON, OpenAPI 3.0), Part 2
//! (coordinate reference systems) and Part 3 (filtering with CQL2 text and JSON, queryables).
//!
//! This module is responsible for what the API answers, not for HTTP: the documents (landing
//! page, conformance, collections, queryables, the OpenAPI definition of the whole server), the
//! query parameters of `/items` (parsed from the raw query string), selecting and paging
//! features out of a `LayerIndex`, evaluating CQL2 filters, and reprojecting output. The axum
//! handlers in `http::ogc` only turn requests into these calls and results into responses.
//!
//! Every feature leaves through `domain::public` (`properties`, `geometry`, `geometry_of`);
//! filters read the same public values through `props` (tested to agree with `properties`).

use crate::domain::LayerKind;

pub mod crs;
pub mod datetime;
pub mod documents;
pub mod filter;
pub mod items;
pub mod openapi;
pub mod paging;
pub mod params;
pub mod props;
pub mod query;
pub mod queryables;
pub mod tiles;

/// Why a request cannot be answered; each message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OgcError {
    /// The request is wrong (400).
    #[error("{0}")]
    BadRequest(String),
    /// No such collection or feature (404).
    #[error("{0}")]
    NotFound(String),
}

impl OgcError {
    pub(crate) fn bad(msg: impl Into<String>) -> OgcError {
        OgcError::BadRequest(msg.into())
    }
}

/// Media type of feature collections and features.
pub const GEOJSON: &str = "application/geo+json";
/// Media type of the other JSON documents.
pub const JSON: &str = "application/json";
/// Media type of the OpenAPI definition.
pub const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.0";
/// Media type of the queryables (JSON Schema).
pub const SCHEMA: &str = "application/schema+json";

/// The collection named `id` (exactly a layer id such as `service_points`).
pub fn collection(id: &str) -> Result<LayerKind, OgcError> {
    LayerKind::ALL
        .into_iter()
        .find(|l| l.id() == id)
        .ok_or_else(|| {
            OgcError::NotFound(format!(
                "no collection {id:?}; the collections are {} (see /collections)",
                collection_ids()
            ))
        })
}

/// The collection ids, comma-separated, for messages.
pub fn collection_ids() -> String {
    LayerKind::ALL
        .iter()
        .map(|l| l.id())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A collection's title in English and Arabic.
pub fn title(layer: LayerKind) -> String {
    format!("{} — {}", layer.title_en(), layer.title_ar())
}
