//! Vector tiles made on the fly from the in-memory index: the tile grid, clipping and
//! generalisation in tile pixel space, Mapbox Vector Tile 2.1 encoding, and the cache.

pub mod cache;
pub mod clip;
pub mod coding;
pub mod grid;
pub mod layers;
pub mod mvt;
pub mod render;
pub mod simplify;
pub mod tilejson;

pub use grid::{MAX_ZOOM, TileId, TileIdError};
pub use layers::{feature_min_zoom, layer_fields, layer_zoom_range};
pub use render::{BUFFER, EXTENT, render};

#[cfg(test)]
mod tests;
