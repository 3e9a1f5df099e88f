//! Import throughput: validating the Paris parcels, and a whole import into a fresh GeoPackage.
//!
//! `cargo bench --bench import`. Needs ../shared/data beside the repository.

use std::path::PathBuf;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use madinati::domain::category::CategoryRegistry;
use madinati::domain::{GeometryShape, LayerKind, RawGeometry, ValidGeometry};
use madinati::import::json_geometry::geometry_from_json;
use madinati::import::{ImportOptions, import};
use madinati::store::Store as _;
use madinati::store::{SqliteStore, WriteMode};

fn paris(ext: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../shared/data/parcels-paris18/cadastre-75118-parcelles.{ext}"
    ))
}

fn paris_geometries() -> Vec<RawGeometry> {
    let text = std::fs::read_to_string(paris("json")).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    v["features"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .filter_map(|f| geometry_from_json(&f["geometry"]).ok().flatten())
                .collect()
        })
        .unwrap_or_default()
}

fn validate(c: &mut Criterion) {
    let geometries = paris_geometries();
    let mut g = c.benchmark_group("validate");
    g.throughput(Throughput::Elements(geometries.len() as u64));
    g.bench_function("paris_parcels", |b| {
        b.iter(|| {
            geometries
                .iter()
                .filter(|r| ValidGeometry::new((*r).clone(), GeometryShape::Polygon).is_ok())
                .count()
        })
    });
    g.finish();
}

fn import_fgb(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let categories = Arc::new(CategoryRegistry::default());
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    g.throughput(Throughput::Elements(6821));
    for ext in ["fgb", "json"] {
        g.bench_function(format!("paris_parcels_{ext}_into_gpkg"), |b| {
            b.iter_batched(
                || tempfile::tempdir().expect("tempdir"),
                |dir| {
                    runtime.block_on(async {
                        let store = SqliteStore::open(&dir.path().join("b.gpkg"), true)
                            .await
                            .expect("store");
                        let opts = ImportOptions {
                            input: paris(ext),
                            layer: LayerKind::Parcels,
                            srs: None,
                            mapping: [("parcel_no", "numero"), ("block_no", "section")]
                                .iter()
                                .map(|(a, b)| (a.to_string(), b.to_string()))
                                .collect(),
                            mode: WriteMode::Append,
                            format: None,
                            source_layer: None,
                            rejects: Some(dir.path().join("r.geojson")),
                            quiet: true,
                        };
                        import(&store, &opts, categories.clone())
                            .await
                            .expect("import");
                        store.close().await;
                    })
                },
                criterion::BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, validate, import_fgb);
criterion_main!(benches);
