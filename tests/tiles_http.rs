//! Vector tiles over HTTP on the small demo city (seed 1), in-process: content codings (brotli,
//! gzip, identity; never compressed twice by the router's compression layer), ETag and 304,
//! 204 for empty tiles, the 400s and 404s, TileJSON, OGC API – Tiles documents and their
//! listing in the landing page, conformance and /api, the cache's byte bound and off switch,
//! and publishing a change set: exactly the tiles whose buffered bounds touch the old or new
//! geometries are rendered again.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use common::*;
use geo::Translate;
use madinati::demo::{self, DemoSize};
use madinati::domain::feature::{Feature, SourceId};
use madinati::domain::{Bbox, LayerKind, ValidGeometry};
use madinati::http::{AppState, router};
use madinati::index::ChangeSet;
use madinati::store::StoredFeature;
use madinati::tiles::cache::{ENTRY_OVERHEAD, TileCache, touches};
use madinati::tiles::{BUFFER, EXTENT, TileId, layer_zoom_range};
use serde_json::Value;
use tower::ServiceExt;

const MVT: &str = "application/vnd.mapbox-vector-tile";

/// The small demo city in a fresh store, with its state (default 64 MiB cache).
async fn city() -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    demo::build(&store, DemoSize::Small, 1, &mut |_, _, _| {})
        .await
        .unwrap();
    let state = AppState::load(Arc::new(store), Default::default())
        .await
        .unwrap();
    (dir, state)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

async fn get(app: &axum::Router, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), 1 << 26).await.unwrap().to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

fn centre(b: &Bbox) -> Bbox {
    let (x, y) = ((b.min_x + b.max_x) / 2.0, (b.min_y + b.max_y) / 2.0);
    Bbox {
        min_x: x,
        min_y: y,
        max_x: x,
        max_y: y,
    }
}

/// The tile of zoom `z` holding the centre of `b`.
fn tile_at(b: &Bbox, z: u8) -> TileId {
    let (xs, ys) = TileId::covering(&centre(b), z, 0, EXTENT);
    TileId::new(i64::from(z), i64::from(*xs.start()), i64::from(*ys.start())).unwrap()
}

fn url(layers: &str, t: TileId) -> String {
    format!("/tiles/{layers}/{}/{}/{}.mvt", t.z, t.x, t.y)
}

/// A parcel in the middle of the city.
fn middle_parcel(state: &AppState) -> Arc<StoredFeature> {
    let snapshot = state.index.snapshot();
    let parcels = snapshot.layer(LayerKind::Parcels);
    let all: Vec<_> = parcels.iter().collect();
    all[all.len() / 2].clone()
}

/// The MVT ids of the features of `layer` in a tile.
fn ids_in(mvt: &[u8], layer: &str) -> BTreeSet<u64> {
    if mvt.is_empty() {
        return BTreeSet::new();
    }
    let reader = mvt_reader::Reader::new(mvt.to_vec()).unwrap();
    let names = reader.get_layer_names().unwrap();
    match names.iter().position(|n| n == layer) {
        None => BTreeSet::new(),
        Some(i) => reader
            .get_features(i)
            .unwrap()
            .iter()
            .filter_map(|f| f.id)
            .collect(),
    }
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(b, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn codings_etags_and_304() {
    let (_dir, state) = city().await;
    let app = router(state.clone());
    let parcel = middle_parcel(&state);
    let tile = tile_at(&parcel.feature.geometry().bbox(), 16);
    let uri = url("parcels,service_points", tile);

    // No Accept-Encoding: the MVT as is.
    let plain = get(&app, &uri, &[]).await;
    assert_eq!(plain.status, StatusCode::OK, "{uri}");
    assert_eq!(plain.header("content-type"), Some(MVT));
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.header("vary"), Some("accept-encoding"));
    assert_eq!(plain.header("cache-control"), Some("public, max-age=60"));
    assert_eq!(plain.header("x-tile-cache"), Some("miss"));
    let etag = plain.header("etag").unwrap().to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let parcel_id = u64::try_from(parcel.fid.0).unwrap();
    assert!(ids_in(&plain.body, "parcels").contains(&parcel_id));
    let again = get(&app, &uri, &[]).await;
    assert_eq!(again.header("x-tile-cache"), Some("hit"));
    assert_eq!(again.body, plain.body);

    // gzip: decodes (once) to the same bytes, so the router's compression layer did not
    // compress it again.
    let gz = get(&app, &uri, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.status, StatusCode::OK);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.header("content-type"), Some(MVT));
    assert_eq!(gunzip(&gz.body), plain.body);
    assert!(gz.body.len() < plain.body.len());

    // brotli preferred whenever accepted.
    for accept in ["gzip, deflate, br", "br", "br;q=0.5, gzip;q=1"] {
        let br = get(&app, &uri, &[("accept-encoding", accept)]).await;
        assert_eq!(br.header("content-encoding"), Some("br"), "{accept}");
        assert_eq!(unbrotli(&br.body), plain.body, "{accept}");
    }
    let refused = get(&app, &uri, &[("accept-encoding", "br;q=0, gzip")]).await;
    assert_eq!(refused.header("content-encoding"), Some("gzip"));
    // A coding we do not offer: identity (and the gzip-only compression layer leaves it).
    let deflate = get(&app, &uri, &[("accept-encoding", "deflate")]).await;
    assert_eq!(deflate.header("content-encoding"), None);
    assert_eq!(deflate.body, plain.body);

    // The tags differ by coding; any of them is current for If-None-Match.
    let gz_tag = gz.header("etag").unwrap().to_string();
    assert_ne!(gz_tag, etag);
    for (tag, accept) in [
        (etag.as_str(), ""),
        (gz_tag.as_str(), "gzip"),
        (etag.as_str(), "br"),
    ] {
        let nm = get(
            &app,
            &uri,
            &[("if-none-match", tag), ("accept-encoding", accept)],
        )
        .await;
        assert_eq!(nm.status, StatusCode::NOT_MODIFIED, "{tag} {accept}");
        assert!(nm.body.is_empty());
        assert!(nm.header("etag").is_some());
        assert_eq!(nm.header("cache-control"), Some("public, max-age=60"));
    }
    let stale = get(&app, &uri, &[("if-none-match", "\"0123\"")]).await;
    assert_eq!(stale.status, StatusCode::OK);

    // OGC API – Tiles serves the same tile (row = y, col = x) for one collection.
    let one = get(&app, &url("parcels", tile), &[]).await;
    let ogc = get(
        &app,
        &format!(
            "/collections/parcels/tiles/WebMercatorQuad/{}/{}/{}",
            tile.z, tile.y, tile.x
        ),
        &[],
    )
    .await;
    assert_eq!(ogc.status, StatusCode::OK);
    assert_eq!(ogc.header("content-type"), Some(MVT));
    assert_eq!(ogc.body, one.body);
}

#[tokio::test]
async fn empty_tiles_are_204() {
    let (_dir, state) = city().await;
    let app = router(state.clone());
    // The South Atlantic, and the whole world at zoom 0 for parcels (drawn from zoom 14).
    for uri in [
        "/tiles/parcels/15/16384/18000.mvt",
        "/tiles/parcels,service_points,streets/10/100/600.mvt",
        "/collections/districts/tiles/WebMercatorQuad/12/3000/100",
    ] {
        for accept in ["", "gzip", "br"] {
            let a = get(&app, uri, &[("accept-encoding", accept)]).await;
            assert_eq!(a.status, StatusCode::NO_CONTENT, "{uri} {accept}");
            assert!(a.body.is_empty());
            assert_eq!(a.header("content-encoding"), None);
            assert_eq!(a.header("cache-control"), Some("public, max-age=60"));
        }
    }
    let (min, _) = layer_zoom_range(LayerKind::Parcels);
    if min > 0 {
        let a = get(&app, "/tiles/parcels/0/0/0.mvt", &[]).await;
        assert_eq!(a.status, StatusCode::NO_CONTENT);
    }
}

#[tokio::test]
async fn mistakes_are_400_or_404_saying_what_to_fix() {
    let (_dir, state) = city().await;
    let app = router(state);
    let cases: &[(&str, StatusCode, &str)] = &[
        ("/tiles/parcels/23/0/0.mvt", StatusCode::BAD_REQUEST, "z=23"),
        (
            "/tiles/parcels/2/4/0.mvt",
            StatusCode::BAD_REQUEST,
            "x=4 is outside 0–3",
        ),
        ("/tiles/parcels/2/0/4.mvt", StatusCode::BAD_REQUEST, "y=4"),
        ("/tiles/parcels/-1/0/0.mvt", StatusCode::BAD_REQUEST, "z=-1"),
        ("/tiles/parcels/3/-1/0.mvt", StatusCode::BAD_REQUEST, "x=-1"),
        (
            "/tiles/parcels/a/0/0.mvt",
            StatusCode::BAD_REQUEST,
            "not a whole number",
        ),
        (
            "/tiles/parcels/1/0/zero.mvt",
            StatusCode::BAD_REQUEST,
            "y=\"zero\"",
        ),
        ("/tiles/parcels/1/0/0.png", StatusCode::BAD_REQUEST, ".mvt"),
        (
            "/tiles/lakes/1/0/0.mvt",
            StatusCode::NOT_FOUND,
            "service_points",
        ),
        (
            "/tiles/parcels,lakes/1/0/0.mvt",
            StatusCode::NOT_FOUND,
            "\"lakes\"",
        ),
        (
            "/tiles/parcels,,streets/1/0/0.mvt",
            StatusCode::BAD_REQUEST,
            "empty entry",
        ),
        ("/tiles/lakes.json", StatusCode::NOT_FOUND, "the layers are"),
        ("/tiles/parcels.xml", StatusCode::NOT_FOUND, ".json"),
        (
            "/tileMatrixSets/WorldCRS84Quad",
            StatusCode::NOT_FOUND,
            "WebMercatorQuad",
        ),
        (
            "/collections/lakes/tiles",
            StatusCode::NOT_FOUND,
            "collections are",
        ),
        (
            "/collections/parcels/tiles/WorldCRS84Quad",
            StatusCode::NOT_FOUND,
            "WebMercatorQuad",
        ),
        (
            "/collections/parcels/tiles/WebMercatorQuad/1/2/0",
            StatusCode::BAD_REQUEST,
            "tileRow=2",
        ),
        (
            "/collections/parcels/tiles/WebMercatorQuad/1/0/9",
            StatusCode::BAD_REQUEST,
            "tileCol=9",
        ),
        (
            "/collections/parcels/tiles/WebMercatorQuad/30/0/0",
            StatusCode::BAD_REQUEST,
            "tileMatrix=30",
        ),
    ];
    for (uri, status, says) in cases {
        let a = get(&app, uri, &[]).await;
        assert_eq!(a.status, *status, "{uri}");
        let body = a.json();
        let text = body["description"].as_str().unwrap_or_default();
        assert!(text.contains(says), "{uri}: {text}");
    }
}

#[tokio::test]
async fn tilejson_from_the_host_and_the_extents() {
    let (_dir, state) = city().await;
    let app = router(state.clone());
    let a = get(
        &app,
        "/tiles/parcels,service_points.json",
        &[("host", "maps.example:8080")],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.header("content-type"), Some("application/json"));
    let doc = a.json();
    assert_eq!(doc["tilejson"], "3.0.0");
    assert_eq!(
        doc["tiles"],
        serde_json::json!([
            "http://maps.example:8080/tiles/parcels,service_points/{z}/{x}/{y}.mvt"
        ])
    );
    assert!(doc["name"].as_str().is_some_and(|n| n.contains("Parcels")));
    assert!(doc["attribution"].as_str().is_some_and(|s| !s.is_empty()));
    let snapshot = state.index.snapshot();
    let extent = snapshot
        .layer(LayerKind::Parcels)
        .extent()
        .unwrap()
        .union(snapshot.layer(LayerKind::ServicePoints).extent().unwrap());
    assert_eq!(
        doc["bounds"],
        serde_json::json!([extent.min_x, extent.min_y, extent.max_x, extent.max_y])
    );
    let c = &doc["center"];
    let (lon, lat, z) = (
        c[0].as_f64().unwrap(),
        c[1].as_f64().unwrap(),
        c[2].as_f64().unwrap(),
    );
    assert!(
        extent.min_x <= lon && lon <= extent.max_x && extent.min_y <= lat && lat <= extent.max_y
    );
    let ranges = [
        layer_zoom_range(LayerKind::Parcels),
        layer_zoom_range(LayerKind::ServicePoints),
    ];
    let min = ranges.iter().map(|r| r.0).min().unwrap();
    let max = ranges.iter().map(|r| r.1).max().unwrap();
    assert_eq!(doc["minzoom"], min);
    assert_eq!(doc["maxzoom"], max);
    assert!(f64::from(min) <= z && z <= f64::from(max));
    let layers = doc["vector_layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    assert_eq!(layers[0]["id"], "parcels");
    assert_eq!(layers[1]["id"], "service_points");
    assert_eq!(layers[0]["minzoom"], ranges[0].0);
    assert_eq!(layers[1]["maxzoom"], ranges[1].1);
    for (l, kind) in layers
        .iter()
        .zip([LayerKind::Parcels, LayerKind::ServicePoints])
    {
        let fields = l["fields"].as_object().unwrap();
        for (name, description) in madinati::tiles::layer_fields(kind) {
            assert_eq!(fields[name], description, "{name}");
        }
    }
    assert!(
        !layers[0]["fields"]
            .as_object()
            .unwrap()
            .contains_key("owner_name")
    );

    // Behind a proxy.
    let b = get(
        &app,
        "/tiles/districts.json",
        &[
            ("host", "10.0.0.5:8080"),
            ("x-forwarded-host", "geo.city.sa"),
            ("x-forwarded-proto", "https"),
        ],
    )
    .await
    .json();
    assert_eq!(
        b["tiles"][0],
        "https://geo.city.sa/tiles/districts/{z}/{x}/{y}.mvt"
    );
}

#[tokio::test]
async fn ogc_tiles_documents() {
    let (_dir, state) = city().await;
    let app = router(state.clone());
    let host = [("host", "localhost:8080")];
    let tms_list = get(&app, "/tileMatrixSets", &host).await;
    assert_eq!(tms_list.status, StatusCode::OK);
    insta::assert_json_snapshot!("tile_matrix_sets", tms_list.json());
    let tms = get(&app, "/tileMatrixSets/WebMercatorQuad", &host)
        .await
        .json();
    assert_eq!(tms["crs"], "http://www.opengis.net/def/crs/EPSG/0/3857");
    let m = tms["tileMatrices"].as_array().unwrap();
    assert_eq!(m.len(), 23);
    for (z, tm) in m.iter().enumerate() {
        assert_eq!(tm["id"], z.to_string());
        assert_eq!(tm["matrixWidth"], 1u64 << z);
        assert_eq!(tm["tileWidth"], 256);
        let origin = tm["pointOfOrigin"].as_array().unwrap();
        assert!((origin[0].as_f64().unwrap() + 20037508.3427892).abs() < 1e-6);
        assert!((origin[1].as_f64().unwrap() - 20037508.3427892).abs() < 1e-6);
    }
    insta::assert_json_snapshot!("web_mercator_quad", tms);

    let sets = get(&app, "/collections/parcels/tiles", &host).await;
    assert_eq!(sets.status, StatusCode::OK);
    insta::assert_json_snapshot!("parcels_tilesets", sets.json());
    let set = get(&app, "/collections/parcels/tiles/WebMercatorQuad", &host)
        .await
        .json();
    insta::assert_json_snapshot!("parcels_tileset", set);
    let item = set["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "item")
        .unwrap();
    assert_eq!(item["templated"], true);
    assert_eq!(item["type"], MVT);
    // Every limit covers the layer's extent; a tile inside the limits at z15 is the tile
    // template's answer.
    let template = item["href"].as_str().unwrap();
    let limit15 = set["tileMatrixSetLimits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["tileMatrix"] == "15")
        .unwrap();
    let parcel = middle_parcel(&state);
    let t = tile_at(&parcel.feature.geometry().bbox(), 15);
    assert!(limit15["minTileCol"].as_u64().unwrap() <= u64::from(t.x));
    assert!(u64::from(t.y) <= limit15["maxTileRow"].as_u64().unwrap());
    let href = template
        .replace("http://localhost:8080", "")
        .replace("{tileMatrix}", &t.z.to_string())
        .replace("{tileRow}", &t.y.to_string())
        .replace("{tileCol}", &t.x.to_string());
    let a = get(&app, &href, &[]).await;
    assert_eq!(a.status, StatusCode::OK, "{href}");
    assert!(!ids_in(&a.body, "parcels").is_empty());
}

#[tokio::test]
async fn tiles_are_listed_in_landing_conformance_and_api() {
    let (_dir, state) = city().await;
    let app = router(state);
    let landing = get(&app, "/", &[("accept", "application/json")])
        .await
        .json();
    let links = landing["links"].as_array().unwrap();
    let href_of = |rel: &str| {
        links
            .iter()
            .find(|l| l["rel"] == rel)
            .and_then(|l| l["href"].as_str())
            .map(str::to_string)
    };
    assert_eq!(
        href_of("http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes").as_deref(),
        Some("/tileMatrixSets")
    );
    let tilejson = href_of("describedby").unwrap();
    assert_eq!(get(&app, &tilejson, &[]).await.status, StatusCode::OK);

    let conformance = get(&app, "/conformance", &[]).await.json();
    let classes: Vec<&str> = conformance["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for c in [
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
        "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
    ] {
        assert!(classes.contains(&c), "{c}");
    }

    let api = get(&app, "/api", &[]).await.json();
    for path in [
        "/tiles/{layers}/{z}/{x}/{y}.mvt",
        "/tiles/{layers}.json",
        "/tileMatrixSets",
        "/tileMatrixSets/{tileMatrixSetId}",
        "/collections/{collectionId}/tiles",
        "/collections/{collectionId}/tiles/{tileMatrixSetId}",
        "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}",
    ] {
        let op = &api["paths"][path]["get"];
        assert!(op["operationId"].is_string(), "{path} is not described");
        // Every path parameter of the template is declared.
        let declared: Vec<&str> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        for name in path
            .split('{')
            .skip(1)
            .map(|s| s.split('}').next().unwrap())
        {
            assert!(declared.contains(&name), "{path}: {name}");
        }
    }
    assert!(
        api["paths"]["/tiles/{layers}/{z}/{x}/{y}.mvt"]["get"]["responses"]["200"]["content"][MVT]
            .is_object()
    );

    for layer in LayerKind::ALL {
        let doc = get(&app, &format!("/collections/{}", layer.id()), &[])
            .await
            .json();
        let link = doc["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector")
            .unwrap_or_else(|| panic!("{layer}: no tilesets link"));
        let href = link["href"].as_str().unwrap();
        assert_eq!(href, format!("/collections/{}/tiles", layer.id()));
        assert_eq!(get(&app, href, &[]).await.status, StatusCode::OK);
    }
}

/// A copy of `f` moved by (dx, dy) degrees, with another source id when given.
fn moved(f: &Feature, dx: f64, dy: f64, source_id: Option<&str>) -> Feature {
    let ValidGeometry::Polygon(p) = f.geometry() else {
        panic!("a parcel is a polygon")
    };
    let id = match source_id {
        Some(s) => SourceId::from_value(&Value::from(s)),
        None => f.source_id().cloned(),
    };
    Feature::new(
        id,
        ValidGeometry::Polygon(p.translate(dx, dy)),
        f.attributes().clone(),
        f.extra().clone(),
        f.lifespan(),
    )
    .unwrap()
}

#[tokio::test]
async fn publishing_rerenders_exactly_the_touched_tiles() {
    let (_dir, state) = city().await;
    let app = router(state.clone());
    let snapshot = state.index.snapshot();
    let parcels = snapshot.layer(LayerKind::Parcels);
    let all: Vec<_> = parcels.iter().cloned().collect();
    let retired = all[all.len() / 2].clone();
    let shifted = all[all.len() / 2 + 1].clone();
    let max_fid = all.iter().map(|f| f.fid.0).max().unwrap();
    let old_box = retired.feature.geometry().bbox();

    // A grid around the retired parcel at three zooms, for three layer lists.
    let lists = ["parcels", "districts", "streets,parcels"];
    let mut grid = Vec::new();
    for z in [14u8, 15, 16] {
        let c = tile_at(&old_box, z);
        for dx in -2i64..=2 {
            for dy in -2i64..=2 {
                let t =
                    TileId::new(i64::from(z), i64::from(c.x) + dx, i64::from(c.y) + dy).unwrap();
                for l in lists {
                    grid.push((l, t));
                }
            }
        }
    }
    let z16 = tile_at(&old_box, 16);
    let before = get(&app, &url("parcels", z16), &[("accept-encoding", "gzip")]).await;
    assert!(ids_in(&gunzip(&before.body), "parcels").contains(&(retired.fid.0 as u64)));
    for (l, t) in &grid {
        let a = get(&app, &url(l, *t), &[("accept-encoding", "gzip")]).await;
        assert!(a.status.is_success(), "{l} {t}: {}", a.status);
    }
    let stats = state.tiles.stats();
    assert_eq!(
        stats.entries,
        grid.len(),
        "every tile cached (z16 centre included)"
    );

    // Retire one parcel, move its neighbour 300 m east, add a new parcel 600 m north.
    let new_fid = madinati::domain::FeatureId(max_fid + 1000);
    let moved_neighbour = moved(&shifted.feature, 0.003, 0.0, None);
    let added = moved(&shifted.feature, 0.0, 0.006, Some("TEST-NEW-1"));
    let changed = [
        old_box,
        shifted.feature.geometry().bbox(),
        moved_neighbour.geometry().bbox(),
        added.geometry().bbox(),
    ];
    let published = state.publish(
        LayerKind::Parcels,
        ChangeSet {
            upserts: vec![
                StoredFeature {
                    fid: shifted.fid,
                    feature: moved_neighbour,
                },
                StoredFeature {
                    fid: new_fid,
                    feature: added,
                },
            ],
            removed: vec![retired.fid],
        },
    );
    assert_eq!(published.version, snapshot.version + 1);
    let mut expected = BTreeSet::new();
    for (l, t) in &grid {
        let bounds = t.lon_lat_bounds(BUFFER, EXTENT);
        if l.contains("parcels") && changed.iter().any(|b| touches(&bounds, b)) {
            expected.insert((l.to_string(), *t));
        }
    }
    assert_eq!(published.purged, expected.len());
    assert!(
        !expected.is_empty() && expected.len() < grid.len() / 2,
        "{}",
        expected.len()
    );
    assert!(
        expected.iter().any(|(_, t)| t.z == 16 && *t != z16),
        "the moved and new parcels' tiles"
    );

    let mut rerendered = BTreeSet::new();
    for (l, t) in &grid {
        let n = state.tiles.renders();
        let a = get(&app, &url(l, *t), &[("accept-encoding", "gzip")]).await;
        assert!(a.status.is_success());
        match state.tiles.renders() - n {
            0 => assert_eq!(a.header("x-tile-cache"), Some("hit")),
            1 => {
                assert_eq!(a.header("x-tile-cache"), Some("miss"));
                rerendered.insert((l.to_string(), *t));
            }
            k => panic!("{l} {t} rendered {k} times"),
        }
    }
    assert_eq!(rerendered, expected);

    // The new tiles show the change.
    let after = get(&app, &url("parcels", z16), &[("accept-encoding", "gzip")]).await;
    assert!(!ids_in(&gunzip(&after.body), "parcels").contains(&(retired.fid.0 as u64)));
    assert_ne!(after.header("etag"), before.header("etag"));
    let new_tile = tile_at(&changed[3], 16);
    let a = get(&app, &url("parcels", new_tile), &[]).await;
    assert!(ids_in(&a.body, "parcels").contains(&(new_fid.0 as u64)));
}

#[tokio::test]
async fn the_byte_bound_holds_and_size_zero_turns_the_cache_off() {
    let (_dir, state) = city().await;
    let capacity = 48 * 1024;
    let small = state.clone().with_tile_cache(TileCache::new(capacity));
    let app = router(small.clone());
    let parcel = middle_parcel(&small);
    let c = tile_at(&parcel.feature.geometry().bbox(), 16);
    let mut requested = 0;
    let mut body_bytes = 0;
    for dx in -3i64..=3 {
        for dy in -3i64..=3 {
            let t = TileId::new(16, i64::from(c.x) + dx, i64::from(c.y) + dy).unwrap();
            let a = get(
                &app,
                &url("parcels,streets", t),
                &[("accept-encoding", "gzip")],
            )
            .await;
            body_bytes += a.body.len();
            requested += 1;
            let s = small.tiles.stats();
            assert!(s.bytes <= capacity, "{} > {capacity}", s.bytes);
        }
    }
    let s = small.tiles.stats();
    assert!(
        body_bytes + requested * ENTRY_OVERHEAD > capacity,
        "the test needs more bytes than fit"
    );
    assert!(s.entries > 0 && s.entries < requested, "{s:?}");
    assert_eq!(s.renders, requested as u64);

    let off = state.with_tile_cache(TileCache::new(0));
    let app = router(off.clone());
    let uri = url("parcels", c);
    for _ in 0..3 {
        let a = get(&app, &uri, &[("accept-encoding", "br")]).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.header("x-tile-cache"), Some("miss"));
    }
    assert_eq!(off.tiles.renders(), 3);
    assert_eq!(off.tiles.stats().entries, 0);
}
