//! Publishing change sets, and folding a layer's delta into a new base in the background.
//!
//! `Index::apply` copies only the changed layer's delta (O(changes + delta)). When a layer's
//! delta reaches the compaction threshold, a thread bulk-loads a new base from the features of
//! the version just published (sharing them, not copying them) while applies go on; the change
//! sets applied to that layer meanwhile are kept in a log. When the base is built, the thread
//! applies the log to it in rounds off the writer lock, then under the lock applies the last
//! few change sets and puts the result in the current snapshot in place of the layer, under the
//! same version: it holds the same features, so readers see no change. The thread then frees
//! the old base.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;

use super::delta::Changes;
use super::{LayerIndex, Snapshot};
use crate::domain::LayerKind;

/// Delta entries (features added or replaced, base features taken out) of a layer at which
/// `Index` starts a compaction. Copying a delta of this size costs about 0.1 ms.
pub const COMPACT_AT: usize = 4_096;

/// How long a compaction thread waits for readers to let go of the base it replaced, so as to
/// free it itself.
const LINGER: Duration = Duration::from_secs(10);

/// A compaction catches up with the change sets logged meanwhile in rounds off the writer lock
/// until at most this many are left, which it applies under the lock...
const CATCH_UP_UNDER_LOCK: usize = 4;
/// ... or for at most this many rounds.
const CATCH_UP_ROUNDS: usize = 8;

/// What readers and writers share with compaction threads.
pub(super) struct Shared {
    pub current: ArcSwap<Snapshot>,
    pub writer: Mutex<Writer>,
    /// Signalled when a compaction ends.
    pub settled: Condvar,
}

/// The writers' state, behind the lock that serialises them.
pub(super) struct Writer {
    /// Delta entries at which a layer is compacted.
    pub compact_at: usize,
    /// For each layer being compacted, the change sets applied to it since the compaction's
    /// version, in order.
    pub logs: HashMap<LayerKind, Vec<Changes>>,
}

impl Shared {
    pub fn new(snapshot: Snapshot) -> Shared {
        Shared {
            current: ArcSwap::from_pointee(snapshot),
            writer: Mutex::new(Writer {
                compact_at: COMPACT_AT,
                logs: HashMap::new(),
            }),
            settled: Condvar::new(),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, Writer> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Applies `changes` to `layer`, publishes the next version and returns it; starts a
    /// compaction of the layer if its delta has grown to the threshold.
    pub fn apply(self: &Arc<Self>, layer: LayerKind, changes: Changes) -> u64 {
        let mut writer = self.lock();
        let old = self.current.load_full();
        let mut next = old.layer(layer).clone();
        next.apply(&changes);
        if let Some(log) = writer.logs.get_mut(&layer) {
            log.push(changes);
        }
        let next = Arc::new(next);
        let version = old.version + 1;
        self.publish(&old, layer, next.clone(), version);
        self.maybe_compact(&mut writer, layer, next);
        // The previous version's delta is freed after the lock is let go.
        drop(writer);
        drop(old);
        version
    }

    /// Replaces `layer` in `old` (the current snapshot) and publishes it as `version`.
    fn publish(&self, old: &Snapshot, layer: LayerKind, index: Arc<LayerIndex>, version: u64) {
        let mut layers = old.layers.clone();
        layers.insert(layer, index);
        self.current.store(Arc::new(Snapshot { version, layers }));
    }

    /// Starts compacting `layer` (whose current version is `index`) if its delta has reached
    /// the threshold and no compaction of it is running.
    fn maybe_compact(
        self: &Arc<Self>,
        writer: &mut Writer,
        layer: LayerKind,
        index: Arc<LayerIndex>,
    ) {
        if index.pending() < writer.compact_at.max(1) || writer.logs.contains_key(&layer) {
            return;
        }
        writer.logs.insert(layer, Vec::new());
        let shared = Arc::downgrade(self);
        let spawned = std::thread::Builder::new()
            .name(format!("compact-{}", layer.id()))
            .spawn(move || {
                Running {
                    shared,
                    layer,
                    done: false,
                }
                .run(index)
            });
        if let Err(e) = spawned {
            // The delta stays; the next apply tries again.
            writer.logs.remove(&layer);
            tracing::warn!(layer = layer.id(), error = %e, "could not start compacting the index");
        }
    }

    /// Waits until no compaction is running.
    pub fn settle(&self) {
        let writer = self.lock();
        let _idle = self
            .settled
            .wait_while(writer, |w| !w.logs.is_empty())
            .unwrap_or_else(|p| p.into_inner());
    }

    pub fn set_compact_at(&self, entries: usize) {
        self.lock().compact_at = entries;
    }
}

/// A compaction under way. Dropped before taking its log (a panic while bulk loading), it
/// clears the log so that `settle` does not wait for it and the next apply can start another;
/// the published snapshot never depended on it.
struct Running {
    shared: Weak<Shared>,
    layer: LayerKind,
    /// Whether the log has been taken (from then on the writer lock is held).
    done: bool,
}

impl Running {
    fn run(mut self, from: Arc<LayerIndex>) {
        // The long part, off the writer lock: readers and writers go on meanwhile.
        let mut next = from.compacted();
        drop(from);
        let Some(shared) = self.shared.upgrade() else {
            return;
        };
        // Catch up with the change sets applied meanwhile off the lock too, a round at a time
        // (each round is shorter, applying in place being faster than publishing), so that
        // applies wait only for the last few.
        let mut writer = shared.lock();
        for _ in 0..CATCH_UP_ROUNDS {
            let Some(log) = writer.logs.get_mut(&self.layer) else {
                break;
            };
            if log.len() <= CATCH_UP_UNDER_LOCK {
                break;
            }
            let log = std::mem::take(log);
            drop(writer);
            for changes in &log {
                next.apply(changes);
            }
            writer = shared.lock();
        }
        let log = writer.logs.remove(&self.layer).unwrap_or_default();
        self.done = true;
        for changes in &log {
            next.apply(changes);
        }
        let next = Arc::new(next);
        let old = shared.current.load_full();
        shared.publish(&old, self.layer, next.clone(), old.version);
        // Change sets applied meanwhile may already call for the next compaction.
        shared.maybe_compact(&mut writer, self.layer, next);
        drop(writer);
        shared.settled.notify_all();
        drop(shared);
        // Freeing the previous base (a million entries: tens of milliseconds) falls to its last
        // holder: let it be this thread, off the writer lock and off readers' threads, once the
        // readers still holding older snapshots let go (waiting at most `LINGER`).
        let old_base = old.layer(self.layer).base.clone();
        drop(old);
        let until = Instant::now() + LINGER;
        while Arc::strong_count(&old_base) > 1 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if let Some(shared) = self.shared.upgrade() {
            shared.lock().logs.remove(&self.layer);
            shared.settled.notify_all();
        }
    }
}
