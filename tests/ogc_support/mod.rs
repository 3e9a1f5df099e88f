//! The city the OGC API tests query: the small demo (seed 1) plus the 80 real districts of
//! Dammam from `../shared/data`, in a GeoPackage built once per test binary, with the app over
//! it and every current feature as the store returns it (the expected answers).

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use geo::{Coord, Intersects, Rect};
use madinati::demo::{self, DemoSize};
use madinati::domain::category::CategoryRegistry;
use madinati::domain::{LayerKind, ValidGeometry};
use madinati::http::{AppState, router};
use madinati::import::{self, ImportOptions};
use madinati::store::{AsOf, SqliteStore, Store, StoredFeature, WriteMode};
use serde_json::Value;
use tower::ServiceExt;

pub mod cql2_cases;

/// The built city.
pub struct City {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub store: SqliteStore,
    pub app: Router,
    pub categories: CategoryRegistry,
    /// Every current feature of each layer, in id order, as the store has it.
    pub features: HashMap<LayerKind, Vec<StoredFeature>>,
    /// National ids of some parcel owners (which must never appear).
    pub owner_ids: Vec<String>,
    /// Kept alive so the store's connections stay usable.
    _runtime: tokio::runtime::Runtime,
}

/// `../shared/data/<name>`.
pub fn shared_data(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(name);
    assert!(
        p.exists(),
        "missing test data {}: ../shared/data must be beside the repository",
        p.display()
    );
    p
}

/// Builds the city into `path`: demo small (seed 1), then the real districts appended.
pub async fn build_store(path: &Path) -> SqliteStore {
    let store = SqliteStore::open(path, true).await.expect("create store");
    demo::build(&store, DemoSize::Small, 1, &mut |_, _, _| {})
        .await
        .expect("demo build");
    let input = shared_data("dammam_districts_addressgov.geojson");
    let dir = path.parent().expect("store in a directory");
    let options = ImportOptions {
        rejects: Some(dir.join("districts.rejects.geojson")),
        input,
        layer: LayerKind::Districts,
        srs: None,
        mapping: Default::default(),
        mode: WriteMode::Append,
        format: None,
        source_layer: None,
        quiet: true,
    };
    let summary = import::import(&store, &options, Arc::new(CategoryRegistry::default()))
        .await
        .expect("import districts");
    assert_eq!(summary.rejected, 0, "{summary:?}");
    store
}

/// The city, built on first use.
pub fn city() -> &'static City {
    static CITY: OnceLock<City> = OnceLock::new();
    CITY.get_or_init(|| {
        // Built on its own thread and runtime: tests run inside other runtimes.
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("runtime");
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("city.gpkg");
            let (store, app, features, owner_ids) = runtime.block_on(async {
                let store = build_store(&path).await;
                let state = AppState::load(Arc::new(store.clone()), CategoryRegistry::default())
                    .await
                    .expect("load index");
                let mut features = HashMap::new();
                for layer in LayerKind::ALL {
                    let current = store.features(layer, AsOf::Current).await.expect("read");
                    features.insert(layer, current);
                }
                let mut owner_ids = Vec::new();
                for f in features[&LayerKind::Parcels].iter().take(200) {
                    if let Some(o) = store.parcel_owner(f.fid).await.expect("owner") {
                        owner_ids.push(o.national_id.as_str().to_string());
                    }
                }
                (store, router(state), features, owner_ids)
            });
            City {
                dir,
                path,
                store,
                app,
                categories: CategoryRegistry::default(),
                features,
                owner_ids,
                _runtime: runtime,
            }
        })
        .join()
        .expect("building the city")
    })
}

/// A GET answered in-process: status, headers and body (JSON when it parses, else a string).
pub async fn get(uri: &str) -> (StatusCode, HeaderMap, Value) {
    get_with(uri, &[]).await
}

/// A GET with extra request headers.
pub async fn get_with(uri: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Value) {
    let mut req = Request::get(uri).header("host", "localhost");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = city()
        .app
        .clone()
        .oneshot(req.body(Body::empty()).expect("request"))
        .await
        .expect("answer");
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), 1 << 30).await.expect("body");
    let value = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    (status, headers, value)
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    madinati::ogc::query::encode(s)
}

/// Every feature id of `/collections/{layer}/items?{query}`, following `next` links, with the
/// `numberMatched` of the first page.
pub async fn all_ids(layer: LayerKind, query: &str) -> (Vec<i64>, u64) {
    let mut uri = format!("/collections/{}/items?limit=10000&{query}", layer.id());
    let mut ids = Vec::new();
    let mut matched = None;
    loop {
        let (status, _, body) = get(&uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        matched.get_or_insert(body["numberMatched"].as_u64().expect("numberMatched"));
        for f in body["features"].as_array().expect("features") {
            ids.push(f["id"].as_i64().expect("integer id"));
        }
        let next = body["links"]
            .as_array()
            .and_then(|l| l.iter().find(|l| l["rel"] == "next"))
            .and_then(|l| l["href"].as_str())
            .map(|h| h.trim_start_matches("http://localhost").to_string());
        match next {
            Some(n) => uri = n,
            None => break,
        }
    }
    (ids, matched.unwrap_or(0))
}

/// Whether a stored geometry meets a box (brute force).
pub fn intersects_rect(g: &ValidGeometry, r: &Rect) -> bool {
    match g {
        ValidGeometry::Point(p) => p.intersects(r),
        ValidGeometry::MultiLineString(m) => m.intersects(r),
        ValidGeometry::Polygon(p) => p.intersects(r),
        ValidGeometry::MultiPolygon(m) => m.intersects(r),
    }
}

/// A box from minx, miny, maxx, maxy.
pub fn rect(b: [f64; 4]) -> Rect {
    Rect::new(Coord { x: b[0], y: b[1] }, Coord { x: b[2], y: b[3] })
}

/// The ids of `layer`'s features for which `keep` holds, in id order.
pub fn expected(layer: LayerKind, keep: impl Fn(&StoredFeature) -> bool) -> Vec<i64> {
    city().features[&layer]
        .iter()
        .filter(|f| keep(f))
        .map(|f| f.fid.0)
        .collect()
}
