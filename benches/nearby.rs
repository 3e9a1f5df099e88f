//! In-process nearby latency: k = 10 nearest service points from random places, p50 and p99.
//!
//! `cargo bench --bench nearby [-- STORE.gpkg]`: the service points of STORE (default: builds the
//! `province` demo into a temporary file), then a run over 1,000,000 synthetic points spread over
//! the Eastern Province. Prints the index load time and the latency percentiles.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use geo::Coord;
use madinati::demo::{self, DemoSize};
use madinati::domain::attributes::{Attributes, ServicePoint};
use madinati::domain::category::CategoryCode;
use madinati::domain::{
    Feature, FeatureId, GeometryShape, LayerKind, Lifespan, RawGeometry, ValidGeometry,
};
use madinati::index::{Index, NearbyQuery};
use madinati::store::{SqliteStore, StoredFeature};

/// SplitMix64: the same queries every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn run(name: &str, index: &Index, bbox: (f64, f64, f64, f64), category: Option<&str>) {
    let snapshot = index.snapshot();
    let layer = snapshot.layer(LayerKind::ServicePoints);
    let code = category.and_then(|c| CategoryCode::try_from(c).ok());
    let filter = |f: &StoredFeature| match (&code, f.feature.attributes()) {
        (None, _) => true,
        (Some(c), Attributes::ServicePoint(s)) => &s.category == c,
        _ => false,
    };
    let mut rng = Rng(7);
    let mut times = Vec::with_capacity(20_000);
    for i in 0..21_000 {
        let at = Coord {
            x: bbox.0 + rng.next() * (bbox.2 - bbox.0),
            y: bbox.1 + rng.next() * (bbox.3 - bbox.1),
        };
        let t = Instant::now();
        let found = layer.nearest_points(&NearbyQuery {
            at,
            limit: 10,
            radius_m: None,
            filter: &filter,
        });
        let dt = t.elapsed();
        assert!(!found.is_empty());
        if i >= 1_000 {
            times.push(dt); // the first 1,000 warm the caches
        }
    }
    times.sort();
    println!(
        "{name:<58} {:>9} points  p50 {:>8.1} µs  p99 {:>8.1} µs  ({} queries)",
        layer.len(),
        percentile(&times, 0.50).as_secs_f64() * 1e6,
        percentile(&times, 0.99).as_secs_f64() * 1e6,
        times.len()
    );
}

fn synthetic(n: usize) -> Vec<StoredFeature> {
    let mut rng = Rng(42);
    let cats = [
        "grocery",
        "pharmacy",
        "mosque",
        "bakery",
        "clinic",
        "gas_cylinders",
        "water_seller",
    ];
    (0..n)
        .map(|i| {
            let at = Coord {
                x: 48.5 + rng.next() * 3.0,
                y: 24.5 + rng.next() * 3.5,
            };
            let g = ValidGeometry::new(RawGeometry::Point(at), GeometryShape::Point)
                .expect("valid point");
            let attrs = Attributes::ServicePoint(ServicePoint {
                name_ar: Some(format!("نقطة {i}")),
                name_en: None,
                category: CategoryCode::try_from(cats[i % cats.len()]).expect("known category"),
                phone: None,
                opening_hours: None,
                district: None,
            });
            let feature = Feature::new(None, g, attrs, Default::default(), Lifespan::default())
                .expect("feature");
            StoredFeature {
                fid: FeatureId(i as i64 + 1),
                feature,
            }
        })
        .collect()
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let arg = std::env::args().skip(1).find(|a| a.ends_with(".gpkg"));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = arg
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("province.gpkg"));
    let (index, report) = runtime.block_on(async {
        let exists = path.exists();
        let store = SqliteStore::open(&path, !exists).await.expect("store");
        if !exists {
            println!("building the province demo into {} ...", path.display());
            demo::build(&store, DemoSize::Province, 1, &mut |_, _, _| {})
                .await
                .expect("demo");
        }
        Index::load(&store).await.expect("index")
    });
    println!(
        "index of {}: {} features loaded in {:.1} s, ~{:.0} MiB ({:.0} bytes/feature estimated)",
        path.display(),
        report.features,
        report.elapsed.as_secs_f64(),
        report.bytes as f64 / 1048576.0,
        report.bytes as f64 / report.features.max(1) as f64
    );
    // Around Dammam-Khobar-Dhahran, where the demo province's cities are dense, and the whole province.
    run(
        "province demo, Dammam area, any category",
        &index,
        (49.95, 26.2, 50.25, 26.5),
        None,
    );
    run(
        "province demo, Dammam area, pharmacies only",
        &index,
        (49.95, 26.2, 50.25, 26.5),
        Some("pharmacy"),
    );
    run(
        "province demo, whole province, any category",
        &index,
        (48.5, 24.5, 51.5, 28.0),
        None,
    );
    drop(index);

    let t = Instant::now();
    let million = Index::from_features(HashMap::from([(
        LayerKind::ServicePoints,
        synthetic(1_000_000),
    )]));
    println!(
        "synthetic 1,000,000 points indexed in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let million = Arc::new(million);
    run(
        "1,000,000 synthetic points, any category",
        &million,
        (48.5, 24.5, 51.5, 28.0),
        None,
    );
    run(
        "1,000,000 synthetic points, pharmacies only (1 in 7)",
        &million,
        (48.5, 24.5, 51.5, 28.0),
        Some("pharmacy"),
    );
}
