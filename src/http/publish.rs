//! Publishing committed changes: the land workflows call `AppState::publish` after their store
//! transaction commits; the index takes the change set and the tiles it touches leave the cache.

use std::sync::Arc;

use super::AppState;
use crate::domain::LayerKind;
use crate::index::ChangeSet;
use crate::tiles::cache::{Published, TileCache};

impl AppState {
    /// Applies `changes` of `layer` to the index and purges the affected tiles (old and new
    /// geometries, grown by the render buffer). Call it only after the store has committed:
    /// the store is the truth, the index and the cache are views of it.
    pub fn publish(&self, layer: LayerKind, changes: ChangeSet) -> Published {
        self.tiles.publish(&self.index, layer, changes)
    }

    /// The same state with another tile cache (e.g. sized by `tile_cache_mb`).
    pub fn with_tile_cache(mut self, cache: TileCache) -> AppState {
        self.tiles = Arc::new(cache);
        self
    }
}
