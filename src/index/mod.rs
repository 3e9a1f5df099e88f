//! The in-memory index: every public layer in its own R-tree, answered without touching the store.
//!
//! Readers take an immutable `Snapshot` (`Index::snapshot`, an `Arc` swapped atomically with
//! `arc-swap`); a writer applies a `ChangeSet` by building the next snapshot beside the current
//! one and swapping it in, so a reader sees a change set wholly or not at all, and never waits.
//! Only the changed layer is rebuilt; the others are shared between snapshots.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;

use crate::domain::{FeatureId, LayerKind};
use crate::store::{AsOf, Store, StoreError, StoredFeature};

pub mod chord;
mod layer;
mod nearest;

pub use layer::LayerIndex;
pub use nearest::{Nearby, NearbyQuery, distance_to};

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

/// The live index: the current snapshot and the lock that serialises writers.
pub struct Index {
    current: ArcSwap<Snapshot>,
    writer: Mutex<()>,
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
            current: ArcSwap::from_pointee(Snapshot { version: 0, layers }),
            writer: Mutex::new(()),
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
        self.current.load_full()
    }

    /// Applies a change set to one layer and publishes the result; returns the new version.
    pub fn apply(&self, layer: LayerKind, changes: ChangeSet) -> u64 {
        let _writer = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let old = self.current.load_full();
        let next_layer = old.layer(layer).with_changes(changes);
        let mut layers = old.layers.clone();
        layers.insert(layer, Arc::new(next_layer));
        let version = old.version + 1;
        self.current.store(Arc::new(Snapshot { version, layers }));
        version
    }
}

#[cfg(test)]
mod tests;
