//! Publishing committed changes: after a unit of work commits, the index takes the change set
//! (readers see it whole, at once) and the tiles it touches leave the cache. The store is the
//! truth; a crash between commit and publish loses only the view, rebuilt at the next start.

use crate::domain::LayerKind;
use crate::index::{ChangeSet, Index};
use crate::tiles::cache::{Published, TileCache};

/// Applies `changes` of `layer` to the index and purges the affected tiles (old and new
/// geometries, grown by the render buffer). Call it only after the store has committed.
pub fn publish(
    index: &Index,
    tiles: &TileCache,
    layer: LayerKind,
    changes: ChangeSet,
) -> Published {
    tiles.publish(index, layer, changes)
}

impl super::App {
    /// Publishes a committed change set of `layer` (see `publish`).
    pub fn publish(&self, layer: LayerKind, changes: ChangeSet) -> Published {
        publish(&self.index, &self.tiles, layer, changes)
    }
}
