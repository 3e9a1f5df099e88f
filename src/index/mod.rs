//! The in-memory index: every public layer in its own R-tree, answered without touching the store.
//!
//! Readers take an immutable `Snapshot` (`Index::snapshot`, an `Arc` swapped atomically with
//! `arc-swap`); a writer applies a `ChangeSet` by making the next snapshot beside the current
//! one and swapping it in, so a reader sees a change set wholly or not at all, and never waits.
//! A layer is a bulk-loaded base shared between versions plus a small delta of the changes
//! since (`delta.rs`): publishing copies the changed layer's delta only, O(changes + delta),
//! and a background thread folds a grown delta into a new base (`publish.rs`). The other
//! layers are shared between snapshots.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::domain::register::{AsOf, StoredFeature};
use crate::domain::{FeatureId, LayerKind};
use crate::store::{Store, StoreError};

pub mod chord;
mod delta;
mod layer;
mod nearest;
mod publish;

pub use layer::LayerIndex;
pub use nearest::{Nearby, NearbyQuery, distance_to};
pub use publish::COMPACT_AT;

/// Features added, updated or taken out of one layer's current view, applied together.
#[derive(Clone, Debug, Default)]
pub struct ChangeSet {
    /// New features, or new versions of features already indexed (same fid).
    pub upserts: Vec<StoredFeature>,
    /// Features no longer current (retired, end-dated).
    pub removed: Vec<FeatureId>,
}

/// An immutable view of every layer at one version.
#[derive(Debug)]
pub struct Snapshot {
    /// Increases by one with each change set applied.
    pub version: u64,
    layers: HashMap<LayerKind, Arc<LayerIndex>>,
}

impl Snapshot {
    /// The index of one layer.
    pub fn layer(&self, layer: LayerKind) -> &LayerIndex {
        // Every layer is present from construction on; the empty index stands in otherwise.
        self.layers.get(&layer).map_or(&EMPTY, |l| l)
    }
}

static EMPTY: std::sync::LazyLock<LayerIndex> =
    std::sync::LazyLock::new(|| LayerIndex::build(LayerKind::Districts, Vec::new()));

/// How long loading took and how big the index is.
#[derive(Clone, Debug)]
pub struct LoadReport {
    pub features: usize,
    pub elapsed: Duration,
    /// Estimated heap bytes held by the index (geometries, attributes, trees).
    pub bytes: usize,
}

/// The live index: the current snapshot, the lock that serialises writers, and the
/// compactions running in the background.
pub struct Index {
    shared: Arc<publish::Shared>,
}

impl Index {
    /// An index over the given features of each layer.
    pub fn from_features(mut features: HashMap<LayerKind, Vec<StoredFeature>>) -> Index {
        let layers = LayerKind::ALL
            .into_iter()
            .map(|l| {
                (
                    l,
                    Arc::new(LayerIndex::build(
                        l,
                        features.remove(&l).unwrap_or_default(),
                    )),
                )
            })
            .collect();
        Index {
            shared: Arc::new(publish::Shared::new(Snapshot { version: 0, layers })),
        }
    }

    /// Loads every layer's current features from the store (bulk-loaded R-trees).
    pub async fn load(store: &dyn Store) -> Result<(Index, LoadReport), StoreError> {
        let started = Instant::now();
        let mut features = HashMap::new();
        for layer in LayerKind::ALL {
            features.insert(layer, store.features(layer, AsOf::Current).await?);
        }
        let index = tokio::task::spawn_blocking(move || Index::from_features(features))
            .await
            .map_err(|e| StoreError::Conflict(format!("building the index failed: {e}")))?;
        let snapshot = index.snapshot();
        let report = LoadReport {
            features: LayerKind::ALL
                .iter()
                .map(|l| snapshot.layer(*l).len())
                .sum(),
            bytes: LayerKind::ALL
                .iter()
                .map(|l| snapshot.layer(*l).heap_bytes())
                .sum(),
            elapsed: started.elapsed(),
        };
        Ok((index, report))
    }

    /// The current snapshot; it stays valid (and unchanged) for as long as it is held.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.shared.current.load_full()
    }

    /// Applies a change set to one layer and publishes the result; returns the new version.
    /// Costs O(changes + delta): the layer's base is shared with the previous version, and
    /// only its delta (at most about [`COMPACT_AT`] entries, plus the changes applied while a
    /// compaction runs) is copied. A delta that reaches the threshold is compacted in the
    /// background; the compacted layer replaces it under the same version.
    pub fn apply(&self, layer: LayerKind, changes: ChangeSet) -> u64 {
        self.shared.apply(layer, delta::Changes::from(changes))
    }

    /// Waits until no compaction is running (for tests and benchmarks).
    pub fn settle(&self) {
        self.shared.settle();
    }

    /// Sets the number of delta entries (features added or replaced, plus base features taken
    /// out) at which a layer is compacted; [`COMPACT_AT`] unless set.
    pub fn set_compaction_threshold(&self, entries: usize) {
        self.shared.set_compact_at(entries);
    }
}

#[cfg(test)]
mod delta_tests;
#[cfg(test)]
mod tests;
