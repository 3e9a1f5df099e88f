//! Publishing a change to the in-memory index: `Index::apply` of a parcel split (2 parents
//! retired, their 8 children inserted: 10 parcels) on polygon layers of 50,000 and 1,200,000
//! synthetic parcels.
//!
//! `cargo bench --bench publish`: first, for each size, `PUBLISH_APPLIES` (default 1,000)
//! splits applied back to back and timed one by one with `Instant` (p50, p99, max): the layer's
//! delta crosses the compaction threshold (every ~410 splits) and the compaction runs beside the
//! applies that follow. Then the time a compaction takes (`settle`), and criterion's measurement
//! of the same splits, waiting for any compaction between applies (as at the rate of
//! approvals, where a compaction ends long before the next threshold). `PUBLISH_SIZES=50000`
//! runs one size only; `PUBLISH_COMPACT_AT` sets the compaction threshold (delta entries).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use criterion::Criterion;
use geo::Coord;
use madinati::domain::attributes::{Attributes, Parcel, ParcelNo};
use madinati::domain::{
    Feature, FeatureId, GeometryShape, LayerKind, Lifespan, RawGeometry, ValidGeometry,
};
use madinati::index::{ChangeSet, Index};
use madinati::store::StoredFeature;

/// The server's allocator (`src/main.rs`): with the system's, a thread freeing what another
/// allocated contends for that thread's arena.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Grid spacing of the synthetic parcels, degrees (about 28 m).
const STEP: f64 = 0.000_25;
/// Side of a parcel, degrees (about 22 m).
const SIDE: f64 = 0.000_2;

/// A square parcel of side `side` degrees with its south-west corner at `(x, y)`.
fn parcel(fid: i64, x: f64, y: f64, side: f64) -> StoredFeature {
    let ring = vec![
        Coord { x, y },
        Coord { x: x + side, y },
        Coord {
            x: x + side,
            y: y + side,
        },
        Coord { x, y: y + side },
        Coord { x, y },
    ];
    let g = ValidGeometry::new(RawGeometry::Polygon(vec![ring]), GeometryShape::Polygon)
        .expect("valid square");
    let attrs = Attributes::Parcel(Parcel {
        parcel_no: ParcelNo::try_from(fid.to_string().as_str()).expect("parcel number"),
        plan_no: None,
        block_no: None,
        district: None,
        land_use: None,
        deed_no: None,
        deed_date: None,
        official_area_m2: None,
        owner: None,
    });
    StoredFeature {
        fid: FeatureId(fid),
        feature: Feature::new(None, g, attrs, Default::default(), Lifespan::default())
            .expect("feature"),
    }
}

/// `n` parcels on a square grid around lon 50.1, lat 26.4; fid i + 1 at cell i.
fn parcels(n: usize) -> Vec<StoredFeature> {
    let side = (n as f64).sqrt().ceil() as usize;
    let (x0, y0) = (
        50.1 - side as f64 * STEP / 2.0,
        26.4 - side as f64 * STEP / 2.0,
    );
    (0..n)
        .map(|i| {
            let (cx, cy) = (i % side, i / side);
            parcel(
                i as i64 + 1,
                x0 + cx as f64 * STEP,
                y0 + cy as f64 * STEP,
                SIDE,
            )
        })
        .collect()
}

/// Successive splits: each retires two parents spread over the layer and inserts their
/// quarters under new fids.
struct Splits {
    n: usize,
    side: usize,
    k: usize,
    next_fid: i64,
}

impl Splits {
    fn new(n: usize) -> Splits {
        Splits {
            n,
            side: (n as f64).sqrt().ceil() as usize,
            k: 0,
            next_fid: n as i64 + 1,
        }
    }

    fn next(&mut self) -> ChangeSet {
        let (x0, y0) = (
            50.1 - self.side as f64 * STEP / 2.0,
            26.4 - self.side as f64 * STEP / 2.0,
        );
        let mut changes = ChangeSet::default();
        for _ in 0..2 {
            // 7,919 is prime and divides neither size: every parent is taken once.
            let i = self.k * 7_919 % self.n;
            self.k += 1;
            changes.removed.push(FeatureId(i as i64 + 1));
            let (x, y) = (
                x0 + (i % self.side) as f64 * STEP,
                y0 + (i / self.side) as f64 * STEP,
            );
            for q in 0..4 {
                let (dx, dy) = ((q % 2) as f64 * SIDE / 2.0, (q / 2) as f64 * SIDE / 2.0);
                changes
                    .upserts
                    .push(parcel(self.next_fid, x + dx, y + dy, SIDE / 2.0));
                self.next_fid += 1;
            }
        }
        changes
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn index_of(n: usize) -> Index {
    let started = Instant::now();
    let index = Index::from_features(HashMap::from([(LayerKind::Parcels, parcels(n))]));
    println!(
        "{n} parcels indexed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    index
}

fn main() {
    let applies: usize = std::env::var("PUBLISH_APPLIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let sizes: Vec<usize> = std::env::var("PUBLISH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![50_000, 1_200_000]);
    let mut c = Criterion::default().configure_from_args().sample_size(20);
    for n in sizes {
        let index = index_of(n);
        if let Some(entries) = std::env::var("PUBLISH_COMPACT_AT")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            index.set_compaction_threshold(entries);
        }
        let mut splits = Splits::new(n);
        // Change sets are made before the clock starts: only `apply` is timed.
        let changes: Vec<ChangeSet> = (0..applies).map(|_| splits.next()).collect();
        let mut times = Vec::with_capacity(applies);
        for ch in changes {
            let t = Instant::now();
            index.apply(LayerKind::Parcels, ch);
            times.push(t.elapsed());
        }
        let settling = Instant::now();
        index.settle();
        let settled = settling.elapsed();
        let len = index.snapshot().layer(LayerKind::Parcels).len();
        assert_eq!(len, n + applies * 6);
        let over_1ms = times.iter().filter(|t| t.as_micros() > 1_000).count();
        times.sort();
        println!("applies over 1 ms: {over_1ms}");
        println!(
            "apply a split of 10 parcels, {n:>9} parcels: p50 {:>9.1} µs  p99 {:>9.1} µs  max {:>9.1} µs  ({applies} applies)",
            percentile(&times, 0.50).as_secs_f64() * 1e6,
            percentile(&times, 0.99).as_secs_f64() * 1e6,
            times.last().map_or(0.0, |t| t.as_secs_f64() * 1e6),
        );
        let compacting = Instant::now();
        let compacted = index.snapshot().layer(LayerKind::Parcels).compacted();
        println!(
            "compaction of {} parcels: {:.2} s (off the publishing path; the last one ended {:.2} s after the applies)",
            compacted.len(),
            compacting.elapsed().as_secs_f64(),
            settled.as_secs_f64(),
        );
        drop(compacted);
        c.bench_function(&format!("publish/apply split of 10 parcels/{n}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let ch = splits.next();
                    index.settle();
                    let t = Instant::now();
                    index.apply(LayerKind::Parcels, ch);
                    total += t.elapsed();
                }
                total
            })
        });
    }
    c.final_summary();
}
