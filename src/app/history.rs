//! The register's history as a view: retired versions of features (a split's parent, say), in
//! R-trees of their own beside the index of current features, so that `datetime` queries read the
//! register as of any date without touching the store. Loaded at start-up (`AsOf::Retired`) and
//! grown by every approval after its commit. It holds only what workflows retired, a small part
//! of a layer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use crate::domain::LayerKind;
use crate::index::{ChangeSet, LayerIndex};
use crate::store::{AsOf, Store, StoreError, StoredFeature};

/// An empty index for every layer.
fn empty_layers() -> HashMap<LayerKind, Arc<LayerIndex>> {
    LayerKind::ALL
        .into_iter()
        .map(|l| (l, Arc::new(LayerIndex::build(l, Vec::new()))))
        .collect()
}

/// Retired versions of each layer.
pub struct History {
    layers: ArcSwap<HashMap<LayerKind, Arc<LayerIndex>>>,
    writer: Mutex<()>,
}

impl History {
    /// An empty history.
    pub fn empty() -> History {
        History {
            layers: ArcSwap::from_pointee(empty_layers()),
            writer: Mutex::new(()),
        }
    }

    /// Loads every layer's retired versions from the store.
    pub async fn load(store: &dyn Store) -> Result<History, StoreError> {
        let mut layers = empty_layers();
        for layer in LayerKind::ALL {
            let retired = store.features(layer, AsOf::Retired).await?;
            if !retired.is_empty() {
                layers.insert(layer, Arc::new(LayerIndex::build(layer, retired)));
            }
        }
        Ok(History {
            layers: ArcSwap::from_pointee(layers),
            writer: Mutex::new(()),
        })
    }

    /// The retired versions of `layer` (an empty index, built once, when there are none): read
    /// on every items request, so it only clones an `Arc`.
    pub fn layer(&self, layer: LayerKind) -> Arc<LayerIndex> {
        self.layers
            .load()
            .get(&layer)
            .cloned()
            .unwrap_or_else(|| Arc::new(LayerIndex::build(layer, Vec::new())))
    }

    /// Adds versions that were just retired (with their `valid_to` set).
    pub fn add(&self, layer: LayerKind, retired: Vec<StoredFeature>) {
        if retired.is_empty() {
            return;
        }
        let _w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let old = self.layers.load_full();
        let next = self.layer(layer).with_changes(ChangeSet {
            upserts: retired,
            removed: Vec::new(),
        });
        let mut layers = (*old).clone();
        layers.insert(layer, Arc::new(next));
        self.layers.store(Arc::new(layers));
    }
}
