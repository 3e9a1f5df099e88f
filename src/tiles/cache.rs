//! The tile cache: rendered tiles kept in memory, already compressed, bounded in bytes.
//!
//! - An entry is keyed by the layer list (in the order asked), the tile and the content coding
//!   (identity, gzip or brotli), and holds a [`CachedTile`] (`super::coding`): the bytes as sent
//!   and their ETag. Empty tiles (no feature: 204) are cached too; most of the world is empty.
//! - Eviction is CLOCK by bytes: a hit only sets the entry's reference bit (under a read lock,
//!   so readers never wait on each other), an insert sweeps the hand, clearing bits and evicting
//!   the first entry not referenced since the last sweep, until the new entry fits. The budget is
//!   split over up to 16 shards of at least 4 MiB each (one shard below 8 MiB), each an
//!   `RwLock` over a map and a ring of slots. A size of 0 turns the cache off.
//! - `purge(changed)` removes exactly the entries whose tile bounds, grown by `BUFFER` of
//!   `EXTENT` (what the renderer reads), touch one of the changed boxes. A render that started
//!   before a purge is not cached after it (a purge epoch is checked under the shard's lock), so
//!   a stale tile cannot come back.
//! - Two clients missing the same tile at once both render it (no request coalescing): tiles
//!   render in milliseconds and the second insert simply replaces the first.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

pub use super::coding::{CachedTile, Encoding};
use super::{BUFFER, EXTENT, TileId};
use crate::domain::category::CategoryRegistry;
use crate::domain::{Bbox, LayerKind};
use crate::index::{ChangeSet, Index};

/// Bytes charged for an entry beyond its body (key, tag, slot, map).
pub const ENTRY_OVERHEAD: usize = 192;
/// The smallest shard (bytes): large enough for any real tile.
const MIN_SHARD: usize = 4 << 20;
const MAX_SHARDS: usize = 16;
/// What identifies a cached tile.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TileKey {
    /// The MVT layers, in the order they are written.
    pub layers: Vec<LayerKind>,
    pub tile: TileId,
    pub encoding: Encoding,
}

struct Slot {
    key: TileKey,
    tile: Arc<CachedTile>,
    /// The tile's bounds grown by the render buffer, lon/lat.
    bounds: Bbox,
    referenced: AtomicBool,
    cost: usize,
}

#[derive(Default)]
struct Shard {
    map: HashMap<TileKey, usize>,
    slots: Vec<Option<Slot>>,
    free: Vec<usize>,
    hand: usize,
    bytes: usize,
}

impl Shard {
    fn remove(&mut self, i: usize) -> Option<Slot> {
        let slot = self.slots.get_mut(i)?.take()?;
        self.map.remove(&slot.key);
        self.bytes -= slot.cost;
        self.free.push(i);
        Some(slot)
    }

    /// Sweeps the CLOCK hand until `extra` more bytes fit in `budget`.
    fn make_room(&mut self, extra: usize, budget: usize) {
        let n = self.slots.len();
        // Two full turns clear every bit and evict everything, so this always ends.
        let mut steps = 2 * n + 1;
        while self.bytes + extra > budget && steps > 0 && n > 0 {
            steps -= 1;
            let i = self.hand % n;
            self.hand = (i + 1) % n;
            let evict = match &self.slots[i] {
                None => false,
                Some(s) => !s.referenced.swap(false, Ordering::Relaxed),
            };
            if evict {
                self.remove(i);
            }
        }
    }

    fn insert(&mut self, key: TileKey, tile: Arc<CachedTile>, budget: usize) {
        let cost = tile.body.len() + ENTRY_OVERHEAD;
        if cost > budget {
            return;
        }
        if let Some(&i) = self.map.get(&key) {
            self.remove(i);
        }
        self.make_room(cost, budget);
        let slot = Slot {
            bounds: key.tile.lon_lat_bounds(BUFFER, EXTENT),
            key: key.clone(),
            tile,
            referenced: AtomicBool::new(false),
            cost,
        };
        let i = match self.free.pop() {
            Some(i) => {
                self.slots[i] = Some(slot);
                i
            }
            None => {
                self.slots.push(Some(slot));
                self.slots.len() - 1
            }
        };
        self.map.insert(key, i);
        self.bytes += cost;
    }
}

/// Counters of the cache's work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Tiles rendered (every miss, and every request when the cache is off).
    pub renders: u64,
    pub hits: u64,
    /// Entries removed by purges.
    pub purged: u64,
    /// Entries held now.
    pub entries: usize,
    /// Bytes charged now (bodies plus `ENTRY_OVERHEAD` each).
    pub bytes: usize,
}

/// The tile cache (see the module documentation).
pub struct TileCache {
    shards: Box<[RwLock<Shard>]>,
    shard_budget: usize,
    capacity: usize,
    hasher: std::collections::hash_map::RandomState,
    renders: AtomicU64,
    hits: AtomicU64,
    purged: AtomicU64,
    /// Increases with each purge; a render that saw an older value is not cached.
    epoch: AtomicUsize,
    /// Serialises `publish`, so the old versions it reads are the ones the change replaces.
    publishing: Mutex<()>,
}

/// What publishing a change set did.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    /// The index version now current.
    pub version: u64,
    /// The boxes of the old and new geometries that changed.
    pub changed: Vec<Bbox>,
    /// Cache entries removed.
    pub purged: usize,
}

impl std::fmt::Debug for TileCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TileCache")
            .field("capacity", &self.capacity)
            .field("stats", &self.stats())
            .finish()
    }
}

impl Default for TileCache {
    /// 64 MiB.
    fn default() -> TileCache {
        TileCache::with_megabytes(64)
    }
}

impl TileCache {
    /// A cache of at most `capacity` bytes; 0 turns it off (every request renders).
    pub fn new(capacity: usize) -> TileCache {
        let shards = (capacity / MIN_SHARD).clamp(1, MAX_SHARDS);
        TileCache {
            shards: (0..shards).map(|_| RwLock::new(Shard::default())).collect(),
            shard_budget: capacity / shards,
            capacity,
            hasher: Default::default(),
            renders: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            purged: AtomicU64::new(0),
            epoch: AtomicUsize::new(0),
            publishing: Mutex::new(()),
        }
    }

    /// A cache of `mb` mebibytes (the `tile_cache_mb` setting).
    pub fn with_megabytes(mb: u64) -> TileCache {
        TileCache::new(usize::try_from(mb.saturating_mul(1 << 20)).unwrap_or(usize::MAX))
    }

    /// The byte budget (0: off).
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn shard(&self, key: &TileKey) -> &RwLock<Shard> {
        let i = (self.hasher.hash_one(key) % self.shards.len() as u64) as usize;
        &self.shards[i]
    }

    /// The cached tile, if any (marks it recently used).
    pub fn get(&self, key: &TileKey) -> Option<Arc<CachedTile>> {
        if self.capacity == 0 {
            return None;
        }
        let shard = self.shard(key).read().unwrap_or_else(|p| p.into_inner());
        let slot = shard.map.get(key).and_then(|&i| shard.slots[i].as_ref())?;
        slot.referenced.store(true, Ordering::Relaxed);
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(slot.tile.clone())
    }

    /// The cached tile, or renders it from the index's current snapshot, encodes it and caches
    /// it. Returns the tile and whether it came from the cache. CPU-bound: call it on a blocking
    /// thread.
    pub fn get_or_render(
        &self,
        index: &Index,
        key: &TileKey,
        categories: &CategoryRegistry,
    ) -> (Arc<CachedTile>, bool) {
        if let Some(t) = self.get(key) {
            return (t, true);
        }
        // The epoch is read before the snapshot: a purge that follows a newer snapshot then
        // always shows as a changed epoch at insert time.
        let epoch = self.epoch.load(Ordering::SeqCst);
        let snapshot = index.snapshot();
        let mvt = super::render(&snapshot, &key.layers, key.tile, categories);
        self.renders.fetch_add(1, Ordering::Relaxed);
        let tile = Arc::new(CachedTile::encode(&mvt, key.encoding));
        self.insert_unless_purged(key, tile.clone(), epoch);
        (tile, false)
    }

    /// Caches `tile` unless a purge began after `epoch` was read (then it may be stale).
    fn insert_unless_purged(&self, key: &TileKey, tile: Arc<CachedTile>, epoch: usize) -> bool {
        if self.capacity == 0 {
            return false;
        }
        let mut shard = self.shard(key).write().unwrap_or_else(|p| p.into_inner());
        // Checked under the shard's lock: a purge that already passed this shard has bumped
        // the epoch before taking the lock, so it is seen here.
        if self.epoch.load(Ordering::SeqCst) != epoch {
            return false;
        }
        shard.insert(key.clone(), tile, self.shard_budget);
        true
    }

    /// Removes every entry whose tile bounds, grown by `BUFFER`, touch one of `changed`;
    /// returns how many were removed.
    pub fn purge(&self, changed: &[Bbox]) -> usize {
        self.purge_where(changed, |_| true)
    }

    /// Like `purge`, but only entries whose layer list holds `layer` (the others cannot have
    /// changed).
    pub fn purge_layer(&self, layer: LayerKind, changed: &[Bbox]) -> usize {
        self.purge_where(changed, |k| k.layers.contains(&layer))
    }

    fn purge_where(&self, changed: &[Bbox], keep_in_scope: impl Fn(&TileKey) -> bool) -> usize {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        if changed.is_empty() {
            return 0;
        }
        let mut removed = 0;
        for shard in self.shards.iter() {
            let mut shard = shard.write().unwrap_or_else(|p| p.into_inner());
            let doomed: Vec<usize> = shard
                .slots
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let s = s.as_ref()?;
                    (keep_in_scope(&s.key) && changed.iter().any(|b| touches(&s.bounds, b)))
                        .then_some(i)
                })
                .collect();
            for i in doomed {
                if shard.remove(i).is_some() {
                    removed += 1;
                }
            }
        }
        self.purged.fetch_add(removed as u64, Ordering::Relaxed);
        removed
    }

    /// Applies a committed change set of `layer` to the index and purges the tiles it touches:
    /// the boxes of the old versions (of every removed or upserted feature, from the current
    /// snapshot) and of the new geometries. Only entries whose layer list holds `layer` go.
    pub fn publish(&self, index: &Index, layer: LayerKind, changes: ChangeSet) -> Published {
        let _one_at_a_time = self.publishing.lock().unwrap_or_else(|p| p.into_inner());
        let mut changed: Vec<Bbox> = Vec::new();
        {
            let snapshot = index.snapshot();
            let old = snapshot.layer(layer);
            let fids = changes
                .removed
                .iter()
                .copied()
                .chain(changes.upserts.iter().map(|f| f.fid));
            changed.extend(
                fids.filter_map(|fid| old.get(fid))
                    .map(|f| f.feature.geometry().bbox()),
            );
            changed.extend(changes.upserts.iter().map(|f| f.feature.geometry().bbox()));
        }
        let version = index.apply(layer, changes);
        let purged = self.purge_layer(layer, &changed);
        Published {
            version,
            changed,
            purged,
        }
    }

    /// Empties the cache.
    pub fn clear(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        for shard in self.shards.iter() {
            *shard.write().unwrap_or_else(|p| p.into_inner()) = Shard::default();
        }
    }

    /// The counters and the current size.
    pub fn stats(&self) -> CacheStats {
        let (entries, bytes) = self.shards.iter().fold((0, 0), |(n, b), s| {
            let s = s.read().unwrap_or_else(|p| p.into_inner());
            (n + s.map.len(), b + s.bytes)
        });
        CacheStats {
            renders: self.renders.load(Ordering::Relaxed),
            hits: self.hits.load(Ordering::Relaxed),
            purged: self.purged.load(Ordering::Relaxed),
            entries,
            bytes,
        }
    }

    /// Tiles rendered so far.
    pub fn renders(&self) -> u64 {
        self.renders.load(Ordering::Relaxed)
    }
}

/// Whether two closed boxes share at least a point.
pub fn touches(a: &Bbox, b: &Bbox) -> bool {
    a.min_x <= b.max_x && b.min_x <= a.max_x && a.min_y <= b.max_y && b.min_y <= a.max_y
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(z: i64, x: i64, y: i64, encoding: Encoding) -> TileKey {
        TileKey {
            layers: vec![LayerKind::Parcels],
            tile: TileId::new(z, x, y).unwrap(),
            encoding,
        }
    }

    fn tile(len: usize, encoding: Encoding) -> Arc<CachedTile> {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        Arc::new(CachedTile::encode(&bytes, encoding))
    }

    #[test]
    fn the_byte_budget_holds_and_clock_keeps_the_used() {
        let cache = TileCache::new(10 * (1000 + ENTRY_OVERHEAD));
        let shard = &cache.shards[0];
        for x in 0..10 {
            shard.write().unwrap().insert(
                key(5, x, 0, Encoding::Identity),
                tile(1000, Encoding::Identity),
                cache.shard_budget,
            );
        }
        assert_eq!(cache.stats().entries, 10);
        // Touch 0..5, then add five more: the untouched ones go first.
        for x in 0..5 {
            assert!(cache.get(&key(5, x, 0, Encoding::Identity)).is_some());
        }
        for x in 10..15 {
            shard.write().unwrap().insert(
                key(5, x, 0, Encoding::Identity),
                tile(1000, Encoding::Identity),
                cache.shard_budget,
            );
            assert!(cache.stats().bytes <= cache.capacity());
        }
        for x in 0..5 {
            assert!(
                cache.get(&key(5, x, 0, Encoding::Identity)).is_some(),
                "{x}"
            );
        }
        for x in 5..10 {
            assert!(
                cache.get(&key(5, x, 0, Encoding::Identity)).is_none(),
                "{x}"
            );
        }
        // Too big for the whole budget: not cached.
        shard.write().unwrap().insert(
            key(5, 20, 0, Encoding::Identity),
            tile(20_000, Encoding::Identity),
            cache.shard_budget,
        );
        assert!(cache.get(&key(5, 20, 0, Encoding::Identity)).is_none());
        assert!(cache.stats().bytes <= cache.capacity());
    }

    #[test]
    fn purge_removes_exactly_the_touching_tiles() {
        let cache = TileCache::new(1 << 20);
        let z = 14;
        let centre = TileId::new(z, 10472, 6939).unwrap();
        let mut keys = Vec::new();
        for dx in -2..=2i64 {
            for dy in -2..=2i64 {
                let k = key(z, 10472 + dx, 6939 + dy, Encoding::Gzip);
                cache.shard(&k).write().unwrap().insert(
                    k.clone(),
                    tile(10, Encoding::Gzip),
                    cache.shard_budget,
                );
                keys.push(k);
            }
        }
        // A tiny box in the middle of the centre tile touches only it; one on its east edge
        // touches its east neighbour too (through the buffer).
        let b = centre.lon_lat_bounds(0, EXTENT);
        let mid = Bbox {
            min_x: (b.min_x + b.max_x) / 2.0,
            max_x: (b.min_x + b.max_x) / 2.0 + 1e-6,
            min_y: (b.min_y + b.max_y) / 2.0,
            max_y: (b.min_y + b.max_y) / 2.0 + 1e-6,
        };
        assert_eq!(cache.purge_layer(LayerKind::Streets, &[mid]), 0);
        assert_eq!(cache.purge(&[mid]), 1);
        assert!(cache.get(&keys[12]).is_none());
        let east = Bbox {
            min_x: b.max_x - 1e-7,
            max_x: b.max_x - 1e-7,
            min_y: mid.min_y,
            max_y: mid.max_y,
        };
        let expected: Vec<&TileKey> = keys
            .iter()
            .filter(|k| touches(&k.tile.lon_lat_bounds(BUFFER, EXTENT), &east))
            .filter(|k| k.tile != centre)
            .collect();
        assert_eq!(expected.len(), 1, "the east neighbour");
        assert_eq!(cache.purge_layer(LayerKind::Parcels, &[east]), 1);
        assert_eq!(cache.stats().entries, 23);
    }

    #[test]
    fn a_render_started_before_a_purge_is_not_cached() {
        let cache = TileCache::new(1 << 20);
        let index = Index::from_features(Default::default());
        let k = key(3, 1, 1, Encoding::Identity);
        let (t, hit) = cache.get_or_render(&index, &k, &CategoryRegistry::default());
        assert!(!hit && t.is_empty());
        assert!(
            cache
                .get_or_render(&index, &k, &CategoryRegistry::default())
                .1
        );
        assert_eq!(cache.renders(), 1);
        // A purge between the epoch read (before the snapshot) and the insert.
        let k2 = key(3, 2, 2, Encoding::Identity);
        let epoch = cache.epoch.load(Ordering::SeqCst);
        cache.purge(&[]);
        assert!(!cache.insert_unless_purged(&k2, tile(10, Encoding::Identity), epoch));
        assert!(cache.get(&k2).is_none());
        let epoch = cache.epoch.load(Ordering::SeqCst);
        assert!(cache.insert_unless_purged(&k2, tile(10, Encoding::Identity), epoch));
        assert!(cache.get(&k2).is_some());
        let off = TileCache::new(0);
        for _ in 0..3 {
            assert!(
                !off.get_or_render(&index, &k, &CategoryRegistry::default())
                    .1
            );
        }
        assert_eq!(off.renders(), 3);
        assert_eq!(off.stats().entries, 0);
    }
}
