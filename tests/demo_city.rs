//! The demo city generator (`madinati::demo::build`) end to end, into a real GeoPackage store:
//! every layer filled and counted, every service category present, parcels inside their
//! district and plan and not overlapping within a block, deed areas within 1 % of the geodesic
//! areas, the file readable by GDAL's `ogrinfo` with the same counts, the same seed giving the
//! same features, and the `city` size reaching its advertised counts.
//!
//! `ogrinfo` (Debian package `gdal-bin`) is required: without it the test fails, never skips.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use geo::{Area, BooleanOps};
use madinati::demo::{self, DemoSize, DemoSummary};
use madinati::domain::attributes::Attributes;
use madinati::domain::category::CategoryRegistry;
use madinati::domain::{Bbox, LayerKind, ValidGeometry};
use madinati::store::{AsOf, SqliteStore, Store, StoredFeature};

/// Where Debian's `gdal-bin` puts `ogrinfo`.
const OGRINFO: &str = "/usr/bin/ogrinfo";

/// Builds a demo into a new GeoPackage `name` under `dir`; checks the progress reports.
async fn build(
    dir: &Path,
    name: &str,
    size: DemoSize,
    seed: u64,
) -> (SqliteStore, DemoSummary, PathBuf) {
    let path = dir.join(name);
    let store = SqliteStore::open(&path, true)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut last: HashMap<String, (u64, u64)> = HashMap::new();
    let mut progress = |layer: &str, done: u64, total: u64| {
        assert!(done <= total, "{layer}: {done} > {total}");
        last.insert(layer.to_string(), (done, total));
    };
    let summary = demo::build(&store, size, seed, &mut progress)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for layer in LayerKind::ALL {
        let (done, total) = last.get(layer.id()).copied().unwrap_or_default();
        assert_eq!(done, total, "progress of {layer} ends complete");
    }
    (store, summary, path)
}

fn count(s: &DemoSummary, layer: LayerKind) -> u64 {
    match layer {
        LayerKind::Districts => s.districts,
        LayerKind::Plans => s.plans,
        LayerKind::Streets => s.streets,
        LayerKind::Parcels => s.parcels,
        LayerKind::ServicePoints => s.service_points,
    }
}

async fn features(store: &SqliteStore, layer: LayerKind) -> Vec<StoredFeature> {
    store
        .features(layer, AsOf::All)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn polygon(g: &ValidGeometry) -> geo::MultiPolygon {
    match g {
        ValidGeometry::Polygon(p) => geo::MultiPolygon(vec![p.clone()]),
        ValidGeometry::MultiPolygon(m) => m.clone(),
        other => panic!("not a polygon: {other:?}"),
    }
}

fn inside(inner: Bbox, outer: Bbox) -> bool {
    let eps = 1e-9;
    inner.min_x >= outer.min_x - eps
        && inner.min_y >= outer.min_y - eps
        && inner.max_x <= outer.max_x + eps
        && inner.max_y <= outer.max_y + eps
}

/// Layer name → feature count, as `ogrinfo -so -al` reports them.
fn ogrinfo_counts(path: &Path) -> HashMap<String, u64> {
    assert!(
        Path::new(OGRINFO).is_file(),
        "{OGRINFO} is missing: install GDAL's command-line tools (Debian: apt-get install gdal-bin)"
    );
    let out = Command::new(OGRINFO)
        .arg("-so")
        .arg("-al")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("{OGRINFO}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "ogrinfo failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut counts = HashMap::new();
    let mut layer = None;
    for line in stdout.lines() {
        if let Some(name) = line.strip_prefix("Layer name: ") {
            layer = Some(name.trim().to_string());
        } else if let Some(n) = line.strip_prefix("Feature Count: ")
            && let Some(l) = layer.take()
        {
            counts.insert(
                l,
                n.trim().parse().unwrap_or_else(|e| panic!("{line}: {e}")),
            );
        }
    }
    counts
}

#[tokio::test]
async fn small_demo_is_complete_valid_and_readable_by_gdal() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (store, summary, path) = build(dir.path(), "small.gpkg", DemoSize::Small, 7).await;
    assert_eq!(summary.districts, 4);
    assert!(summary.parcels >= 6_000, "{summary:?}");
    for layer in LayerKind::ALL {
        let stored = store
            .layer_summary(layer)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(count(&summary, layer) > 0, "{layer} is empty");
        assert_eq!(stored.current, count(&summary, layer), "{layer}");
    }

    // Every category of the default registry, at least once.
    let points = features(&store, LayerKind::ServicePoints).await;
    let found: BTreeSet<String> = points
        .iter()
        .filter_map(|p| match p.feature.attributes() {
            Attributes::ServicePoint(s) => Some(s.category.to_string()),
            _ => None,
        })
        .collect();
    let expected: BTreeSet<String> = CategoryRegistry::default()
        .all()
        .iter()
        .map(|c| c.code.to_string())
        .collect();
    assert_eq!(found, expected);

    // Parcels inside their district; deed areas within 1 %; parcel areas per plan within the plan.
    let districts: HashMap<String, Bbox> = features(&store, LayerKind::Districts)
        .await
        .iter()
        .filter_map(|d| match d.feature.attributes() {
            Attributes::District(a) => a.name_ar.clone().map(|n| (n, d.feature.geometry().bbox())),
            _ => None,
        })
        .collect();
    let plans: HashMap<String, f64> = features(&store, LayerKind::Plans)
        .await
        .iter()
        .filter_map(|p| match p.feature.attributes() {
            Attributes::Plan(a) => Some((a.plan_no.to_string(), p.feature.area_m2())),
            _ => None,
        })
        .collect();
    let parcels = features(&store, LayerKind::Parcels).await;
    let (mut with_deed, mut sum_by_plan) = (0, HashMap::<String, f64>::new());
    let mut blocks: HashMap<(String, String), Vec<geo::MultiPolygon>> = HashMap::new();
    for p in &parcels {
        let Attributes::Parcel(a) = p.feature.attributes() else {
            panic!("not a parcel")
        };
        let district = a
            .district
            .as_ref()
            .and_then(|d| districts.get(d))
            .unwrap_or_else(|| panic!("{a:?}"));
        assert!(
            inside(p.feature.geometry().bbox(), *district),
            "parcel {:?} outside its district",
            p.fid
        );
        let area = p.feature.area_m2();
        if let Some(official) = a.official_area_m2 {
            with_deed += 1;
            assert!(
                (official - area).abs() <= 0.01 * area,
                "deed area {official} vs geodesic {area}"
            );
            assert!(
                a.deed_no.is_some()
                    && a.deed_date.is_some()
                    && p.feature.lifespan().valid_from.is_some()
            );
        }
        let (plan, block) = (
            a.plan_no.as_ref().map(|p| p.to_string()),
            a.block_no.as_ref().map(|b| b.to_string()),
        );
        let (Some(plan), Some(block)) = (plan, block) else {
            panic!("parcel without plan or block")
        };
        *sum_by_plan.entry(plan.clone()).or_default() += area;
        blocks
            .entry((plan, block))
            .or_default()
            .push(polygon(p.feature.geometry()));
    }
    assert!(
        with_deed * 2 > parcels.len(),
        "most parcels have deeds: {with_deed} of {}",
        parcels.len()
    );
    for (plan, sum) in &sum_by_plan {
        let plan_area = plans
            .get(plan)
            .copied()
            .unwrap_or_else(|| panic!("no plan {plan}"));
        assert!(
            *sum <= plan_area * (1.0 + 1e-9),
            "parcels of plan {plan}: {sum} m² > {plan_area} m²"
        );
    }

    // No two parcels of a block overlap (a sample of blocks, exactly with geo's boolean ops).
    let mut keys: Vec<_> = blocks.keys().cloned().collect();
    keys.sort();
    for key in keys.iter().step_by(keys.len().div_ceil(40).max(1)) {
        let block = &blocks[key];
        for (i, a) in block.iter().enumerate() {
            for b in &block[i + 1..] {
                let overlap = a.intersection(b).unsigned_area();
                assert!(
                    overlap < 1e-14,
                    "parcels of block {key:?} overlap by {overlap} square degrees"
                );
            }
        }
    }

    // Owners are kept, privately.
    let owned = parcels
        .iter()
        .find(|p| matches!(p.feature.attributes(), Attributes::Parcel(a) if a.deed_no.is_some()));
    let owned = owned.unwrap_or_else(|| panic!("no parcel with a deed"));
    let owner = store
        .parcel_owner(owned.fid)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no owner"));
    assert!(
        owner.national_id.as_str().starts_with(['1', '2']) && owner.name.split(' ').count() >= 3
    );

    store.close().await;
    let gdal = ogrinfo_counts(&path);
    for layer in LayerKind::ALL {
        assert_eq!(
            gdal.get(layer.id()).copied(),
            Some(count(&summary, layer)),
            "ogrinfo count of {layer}"
        );
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_features() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (a, _, _) = build(dir.path(), "a.gpkg", DemoSize::Small, 42).await;
    let (b, _, _) = build(dir.path(), "b.gpkg", DemoSize::Small, 42).await;
    let (c, _, _) = build(dir.path(), "c.gpkg", DemoSize::Small, 43).await;
    for layer in LayerKind::ALL {
        let (fa, fb) = (features(&a, layer).await, features(&b, layer).await);
        assert_eq!(fa.len(), fb.len(), "{layer}");
        assert!(
            fa == fb,
            "{layer} differs between two builds with the same seed"
        );
        assert_eq!(format!("{fa:?}"), format!("{fb:?}"), "{layer}");
    }
    let (pa, pc) = (
        features(&a, LayerKind::Parcels).await,
        features(&c, LayerKind::Parcels).await,
    );
    assert!(pa != pc, "another seed gives another city");
}

#[tokio::test]
async fn the_city_size_has_fifty_thousand_parcels() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (store, summary, _) = build(dir.path(), "city.gpkg", DemoSize::City, 1).await;
    assert!(summary.parcels >= 50_000, "{summary:?}");
    assert!(summary.service_points >= 3_000, "{summary:?}");
    let stored = store
        .layer_summary(LayerKind::Parcels)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stored.current, summary.parcels);
    let points = features(&store, LayerKind::ServicePoints).await;
    let mut per_category: HashMap<String, u64> = HashMap::new();
    for p in &points {
        if let Attributes::ServicePoint(s) = p.feature.attributes() {
            *per_category.entry(s.category.to_string()).or_default() += 1;
        }
    }
    for c in CategoryRegistry::default().all() {
        assert!(
            per_category.get(c.code.as_str()).is_some_and(|n| *n > 0),
            "no {} in the city",
            c.code
        );
    }
    let (groceries, hospitals) = (per_category["grocery"], per_category["hospital"]);
    assert!(
        groceries > 10 * hospitals,
        "{groceries} groceries, {hospitals} hospitals"
    );
}

/// A layer spanning more than a few thousand fids is read as parallel fid ranges: it must come
/// back whole, in fid order, without duplicates.
#[tokio::test]
async fn layers_read_in_parallel_parts_come_back_whole_and_in_fid_order() {
    let dir = tempfile::tempdir().unwrap();
    let (store, summary, _) = build(dir.path(), "small.gpkg", DemoSize::Small, 7).await;
    assert!(
        count(&summary, LayerKind::Parcels) > 8_000,
        "parcels span both parts"
    );
    for layer in LayerKind::ALL {
        let current = store.features(layer, AsOf::Current).await.unwrap();
        assert_eq!(current.len() as u64, count(&summary, layer), "{layer}");
        assert!(
            current.windows(2).all(|w| w[0].fid < w[1].fid),
            "{layer}: fids out of order or repeated"
        );
    }
}
