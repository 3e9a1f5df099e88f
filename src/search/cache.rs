//! One search index per index snapshot: built on first use (on a blocking thread; concurrent
//! askers wait for the same build) and built again when the snapshot version changes.
//!
//! Entries are keyed by the live `Index` (held weakly, so its address cannot be reused by another
//! index while the entry exists) and the snapshot version. Entries of dropped indexes and older
//! versions are let go; a few indexes (tests, several states in one process) can share a cache.

use std::sync::{Arc, Mutex, PoisonError, Weak};

use tokio::sync::OnceCell;

use super::index::SearchIndex;
use crate::index::{Index, Snapshot};

/// Entries kept at most (one per live index in practice).
const MAX_ENTRIES: usize = 8;

struct Entry {
    index: Weak<Index>,
    version: u64,
    cell: Arc<OnceCell<Arc<SearchIndex>>>,
}

/// Building the search index failed (its thread panicked or was cancelled).
#[derive(Debug, thiserror::Error)]
#[error("building the search index failed: {0}")]
pub struct BuildFailed(String);

/// Search indexes by index and snapshot version.
pub struct SearchCache {
    entries: Mutex<Vec<Entry>>,
}

impl Default for SearchCache {
    fn default() -> Self {
        SearchCache::new()
    }
}

impl SearchCache {
    /// An empty cache (usable in a `static`).
    pub const fn new() -> SearchCache {
        SearchCache {
            entries: Mutex::new(Vec::new()),
        }
    }

    /// The search index of `snapshot` (a snapshot of `index`), built now if it is not yet.
    pub async fn get(
        &self,
        index: &Arc<Index>,
        snapshot: &Arc<Snapshot>,
    ) -> Result<Arc<SearchIndex>, BuildFailed> {
        let cell = self.cell(index, snapshot.version);
        cell.get_or_try_init(|| async {
            let snapshot = snapshot.clone();
            let built = tokio::task::spawn_blocking(move || SearchIndex::build(&snapshot))
                .await
                .map_err(|e| BuildFailed(e.to_string()))?;
            let s = built.stats();
            tracing::info!(
                version = s.version,
                names = s.names,
                words = s.words,
                parcels = s.parcels,
                mebibytes = s.bytes as f64 / 1048576.0,
                milliseconds = s.elapsed.as_secs_f64() * 1000.0,
                "search index built"
            );
            Ok(Arc::new(built))
        })
        .await
        .cloned()
    }

    fn cell(&self, index: &Arc<Index>, version: u64) -> Arc<OnceCell<Arc<SearchIndex>>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|e| e.index.strong_count() > 0);
        let same = |e: &Entry| std::ptr::eq(e.index.as_ptr(), Arc::as_ptr(index));
        if let Some(e) = entries.iter().find(|e| same(e) && e.version == version) {
            return e.cell.clone();
        }
        entries.retain(|e| !(same(e) && e.version < version));
        if entries.len() >= MAX_ENTRIES {
            entries.remove(0);
        }
        let cell = Arc::new(OnceCell::new());
        entries.push(Entry {
            index: Arc::downgrade(index),
            version,
            cell: cell.clone(),
        });
        cell
    }

    /// Number of entries held (for tests).
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::LayerKind;
    use crate::domain::category::CategoryRegistry;
    use crate::index::ChangeSet;
    use crate::search::{SearchRequest, fixtures};

    #[tokio::test]
    async fn one_build_per_version_and_entries_follow_their_index() {
        let cache = SearchCache::new();
        let index = Arc::new(fixtures::city());
        let s0 = index.snapshot();
        let a = cache.get(&index, &s0).await.unwrap();
        assert!(Arc::ptr_eq(&a, &cache.get(&index, &s0).await.unwrap()));
        assert_eq!(a.version(), 0);
        // A change makes a new version: a new build, and the old entry is let go.
        let new = fixtures::point(7, "صيدلية جديدة", None, "pharmacy", 50.2, 26.5);
        let changes = ChangeSet {
            upserts: vec![new],
            removed: Vec::new(),
        };
        index.apply(LayerKind::ServicePoints, changes);
        let s1 = index.snapshot();
        let b = cache.get(&index, &s1).await.unwrap();
        assert_eq!((b.version(), cache.len()), (1, 1));
        let request = SearchRequest {
            text: "جديده".into(),
            near: None,
            limit: 10,
        };
        let answer = b.search(&s1, &CategoryRegistry::default(), &request);
        assert_eq!(answer.results[0].feature.fid.0, 7);
        // Another index has its own entry, let go once that index is dropped.
        let other = Arc::new(fixtures::city());
        cache.get(&other, &other.snapshot()).await.unwrap();
        assert_eq!(cache.len(), 2);
        drop(other);
        cache.get(&index, &s1).await.unwrap();
        assert_eq!(cache.len(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_askers_share_one_build() {
        let cache = Arc::new(SearchCache::new());
        let index = Arc::new(fixtures::city());
        let snapshot = index.snapshot();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (cache, index, snapshot) = (cache.clone(), index.clone(), snapshot.clone());
                tokio::spawn(async move { cache.get(&index, &snapshot).await.unwrap() })
            })
            .collect();
        let mut built = Vec::new();
        for t in tasks {
            built.push(t.await.unwrap());
        }
        assert!(built.iter().all(|b| Arc::ptr_eq(b, &built[0])));
    }
}
