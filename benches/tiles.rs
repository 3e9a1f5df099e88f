//! Rendering vector tiles (every layer) around the centre of the demo city (Dammam) at z12,
//! z14 and z16: query, clip, generalise, encode; no cache.
//!
//! `cargo bench --bench tiles [-- STORE.gpkg]`: the tiles of STORE (default: builds the `city`
//! demo, ~66,000 parcels, into a temporary directory). Each zoom renders the 3 × 3 tiles around
//! the centre of the data in turn; the size of the largest of them is printed first.

use madinati::store::Store as _;
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput};
use madinati::demo::{self, DemoSize};
use madinati::domain::category::CategoryRegistry;
use madinati::domain::{Bbox, LayerKind};
use madinati::index::Index;
use madinati::store::SqliteStore;
use madinati::tiles::{EXTENT, TileId, render};

fn load() -> (Index, Option<tempfile::TempDir>) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let arg = std::env::args()
        .skip(1)
        .find(|a| a.ends_with(".gpkg"))
        .map(PathBuf::from);
    rt.block_on(async {
        let (path, dir) = match arg {
            Some(p) => (p, None),
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("city.gpkg");
                let store = SqliteStore::open(&path, true).await.expect("store");
                demo::build(&store, DemoSize::City, 1, &mut |_, _, _| {})
                    .await
                    .expect("demo");
                store.close().await;
                (path, Some(dir))
            }
        };
        let store = SqliteStore::open(&path, false).await.expect("store");
        let (index, _) = Index::load(&store).await.expect("index");
        (index, dir)
    })
}

fn main() {
    let (index, _dir) = load();
    let snapshot = index.snapshot();
    let categories = CategoryRegistry::default();
    let extent = LayerKind::ALL
        .iter()
        .filter_map(|l| snapshot.layer(*l).extent())
        .reduce(Bbox::union)
        .expect("a store with features");
    let (lon, lat) = (
        (extent.min_x + extent.max_x) / 2.0,
        (extent.min_y + extent.max_y) / 2.0,
    );
    let mut c = Criterion::default().configure_from_args().sample_size(20);
    for z in [12u8, 14, 16] {
        let at = Bbox {
            min_x: lon,
            min_y: lat,
            max_x: lon,
            max_y: lat,
        };
        let (xs, ys) = TileId::covering(&at, z, 0, EXTENT);
        let (cx, cy) = (*xs.start(), *ys.start());
        let tiles: Vec<TileId> = (0..9)
            .filter_map(|i| {
                TileId::new(
                    z.into(),
                    i64::from(cx) + i64::from(i % 3) - 1,
                    i64::from(cy) + i64::from(i / 3) - 1,
                )
                .ok()
            })
            .collect();
        let largest = tiles
            .iter()
            .map(|t| render(&snapshot, &LayerKind::ALL, *t, &categories).len())
            .max()
            .unwrap_or(0);
        eprintln!(
            "z{z}: {} tiles around {cx}/{cy}, largest {largest} bytes",
            tiles.len()
        );
        let mut group = c.benchmark_group("render");
        group.throughput(Throughput::Elements(tiles.len() as u64));
        group.bench_function(format!("z{z}_3x3_tiles"), |b| {
            b.iter(|| {
                for t in &tiles {
                    black_box(render(&snapshot, &LayerKind::ALL, *t, &categories));
                }
            })
        });
        group.finish();
    }
    c.final_summary();
}
