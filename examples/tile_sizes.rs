//! The largest vector tile per zoom of a store, e.g. the province demo:
//!
//! ```text
//! cargo run --release -- demo build --size province --out /tmp/demo-province.gpkg
//! cargo run --release --example tile_sizes -- /tmp/demo-province.gpkg [max_zoom]
//! ```
//!
//! For each zoom (0 to `max_zoom`, default 18) every tile holding a feature shown at that zoom
//! is rendered while there are at most 6,000 of them; above that, the 400 tiles holding the
//! most features (counted by the centre of each feature's box). Prints, per zoom, the tiles
//! rendered, the largest tile and its id, the mean size and the mean render time.

use std::collections::HashMap;
use std::time::Instant;

use madinati::domain::LayerKind;
use madinati::domain::category::CategoryRegistry;
use madinati::index::Index;
use madinati::store::SqliteStore;
use madinati::tiles::{BUFFER, EXTENT, TileId, feature_min_zoom, layer_zoom_range, render};

const RENDER_ALL_UP_TO: usize = 6_000;
const DENSEST: usize = 400;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: tile_sizes STORE.gpkg [max_zoom]"))?;
    let max_zoom: u8 = args.next().map(|z| z.parse()).transpose()?.unwrap_or(18);
    let store = SqliteStore::open(std::path::Path::new(&path), false).await?;
    let (index, report) = Index::load(&store).await?;
    eprintln!(
        "loaded {} features in {:.1} s",
        report.features,
        report.elapsed.as_secs_f64()
    );
    let snapshot = index.snapshot();
    let categories = CategoryRegistry::default();
    println!(
        "| zoom | tiles rendered | largest (bytes) | largest tile | mean (bytes) | mean render (ms) |"
    );
    println!("|---|---|---|---|---|---|");
    for z in 0..=max_zoom {
        let mut counts: HashMap<TileId, usize> = HashMap::new();
        for layer in LayerKind::ALL {
            let (lo, hi) = layer_zoom_range(layer);
            if z < lo || z > hi {
                continue;
            }
            for f in snapshot.layer(layer).iter() {
                if feature_min_zoom(layer, &f.feature) > z {
                    continue;
                }
                let b = f.feature.geometry().bbox();
                let (xs, ys) = TileId::covering(&b, z, BUFFER, EXTENT);
                for x in xs {
                    for y in ys.clone() {
                        if let Ok(t) = TileId::new(z.into(), x.into(), y.into()) {
                            *counts.entry(t).or_default() += 1;
                        }
                    }
                }
            }
        }
        let mut tiles: Vec<(TileId, usize)> = counts.into_iter().collect();
        tiles.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if tiles.len() > RENDER_ALL_UP_TO {
            tiles.truncate(DENSEST);
        }
        let (mut largest, mut largest_tile, mut total) = (0usize, None, 0usize);
        let started = Instant::now();
        for (t, _) in &tiles {
            let n = render(&snapshot, &LayerKind::ALL, *t, &categories).len();
            total += n;
            if n > largest {
                largest = n;
                largest_tile = Some(*t);
            }
        }
        let n = tiles.len().max(1);
        println!(
            "| {z} | {} | {largest} | {} | {} | {:.2} |",
            tiles.len(),
            largest_tile.map_or("-".to_string(), |t| t.to_string()),
            total / n,
            started.elapsed().as_secs_f64() * 1000.0 / n as f64
        );
    }
    Ok(())
}
