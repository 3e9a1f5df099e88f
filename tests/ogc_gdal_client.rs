//! GDAL as an OGC API – Features client of the real server (`madinati serve` on a free port):
//! `ogrinfo` lists every collection, `ogr2ogr` pages through all parcels with `next` links and
//! gets exactly the store's, and a spatial filter (`-spat`, sent as `bbox`) and an attribute
//! filter (`-where`, sent as a CQL filter) select the same features as the store.
//!
//! GDAL (Debian's `gdal-bin`, 3.6 or later) is required: without it the test fails, never skips.

mod ogc_support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use geo::{Coord, Intersects, Rect};
use madinati::domain::attributes::Attributes;
use madinati::domain::{LayerKind, ValidGeometry};
use madinati::store::{AsOf, Store, StoredFeature};
use ogc_support::build_store;
use serde_json::Value;

const OGRINFO: &str = "/usr/bin/ogrinfo";
const OGR2OGR: &str = "/usr/bin/ogr2ogr";

fn require_gdal() {
    for tool in [OGRINFO, OGR2OGR] {
        assert!(
            Path::new(tool).exists(),
            "{tool} is missing: install Debian's gdal-bin (scripts/test does) to run the GDAL client test"
        );
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The server, stopped with SIGTERM when dropped.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

async fn serve(store: &Path) -> (Server, String) {
    let listen = format!("127.0.0.1:{}", free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_madinati"))
        .args(["serve", "--store", store.to_str().expect("utf-8 path")])
        .env("MADINATI_LISTEN", &listen)
        .env_remove("MADINATI_STORE")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start madinati serve");
    let mut server = Server(child);
    let base = format!("http://{listen}");
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(r) = reqwest::get(format!("{base}/health")).await
            && r.status().is_success()
        {
            return (server, base);
        }
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("madinati serve exited with {status} before serving");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not come up on {listen}");
}

fn run(tool: &str, args: &[&str], debug: bool) -> Output {
    let mut cmd = Command::new(tool);
    cmd.args(args).env("GDAL_HTTP_TIMEOUT", "60");
    if debug {
        cmd.env("CPL_DEBUG", "ON");
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("run {tool}: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The ids of the features ogr2ogr wrote to `out` (GeoJSON, FIDs preserved).
fn ids_in(out: &Path) -> Vec<i64> {
    let text = std::fs::read_to_string(out).expect("ogr2ogr output");
    let doc: Value = serde_json::from_str(&text).expect("GeoJSON");
    let mut ids: Vec<i64> = doc["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            f["id"]
                .as_i64()
                .expect("ogr2ogr -preserve_fid writes the id")
        })
        .collect();
    ids.sort();
    ids
}

fn ids_of(features: &[StoredFeature], keep: impl Fn(&StoredFeature) -> bool) -> Vec<i64> {
    features
        .iter()
        .filter(|f| keep(f))
        .map(|f| f.fid.0)
        .collect()
}

#[tokio::test]
async fn gdal_reads_every_collection_pages_and_filters() {
    require_gdal();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("city.gpkg");
    let store = build_store(&path).await;
    let parcels = store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .expect("parcels");
    store.close().await;
    let (_server, base) = serve(&path).await;
    let url = format!("OAPIF:{base}");

    // ogrinfo lists every collection.
    let out = run(OGRINFO, &["-ro", "-q", &url], false);
    let listing = String::from_utf8_lossy(&out.stdout);
    for layer in LayerKind::ALL {
        assert!(
            listing
                .lines()
                .any(|l| l.split_whitespace().nth(1) == Some(layer.id())),
            "ogrinfo does not list {layer}:\n{listing}"
        );
    }

    // All parcels, paged by GDAL through the next links (GDAL's default pages of 10 here).
    let all = dir.path().join("parcels.json");
    let out = run(
        OGR2OGR,
        &[
            "-preserve_fid",
            "-f",
            "GeoJSON",
            all.to_str().unwrap(),
            &url,
            "parcels",
        ],
        true,
    );
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("cursor="),
        "GDAL followed no next link:\n{log}"
    );
    let want = ids_of(&parcels, |_| true);
    assert_eq!(ids_in(&all), want, "every parcel, once");

    // -spat: a bbox, sent to the server.
    let (x0, y0, x1, y1) = (50.09, 26.42, 50.095, 26.425);
    let spat = dir.path().join("spat.json");
    let corners = [x0, y0, x1, y1].map(|v| v.to_string());
    let mut args = vec![
        "-preserve_fid",
        "-f",
        "GeoJSON",
        spat.to_str().unwrap(),
        &url,
        "parcels",
        "-spat",
    ];
    args.extend(corners.iter().map(String::as_str));
    let out = run(OGR2OGR, &args, true);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bbox="),
        "GDAL sent no bbox"
    );
    let rect = Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 });
    let want = ids_of(&parcels, |f| match f.feature.geometry() {
        ValidGeometry::Polygon(p) => p.intersects(&rect),
        _ => false,
    });
    assert!(!want.is_empty());
    assert_eq!(ids_in(&spat), want, "-spat");

    // -where: a CQL filter evaluated by the server.
    let filtered = dir.path().join("where.json");
    let out = run(
        OGR2OGR,
        &[
            "-preserve_fid",
            "-oo",
            "PAGE_SIZE=1000",
            "-f",
            "GeoJSON",
            filtered.to_str().unwrap(),
            &url,
            "parcels",
            "-where",
            "land_use = 'commercial'",
        ],
        true,
    );
    let log = String::from_utf8_lossy(&out.stderr);
    let fetches: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("Fetch(") && l.contains("/items"))
        .collect();
    assert!(
        fetches.iter().any(|l| l.contains("filter=land_use")),
        "GDAL did not send the -where as a filter:\n{}",
        fetches.join("\n")
    );
    let want = ids_of(&parcels, |f| match f.feature.attributes() {
        Attributes::Parcel(p) => p.land_use.is_some_and(|u| u.code() == "commercial"),
        _ => false,
    });
    assert!(!want.is_empty());
    assert_eq!(ids_in(&filtered), want, "-where land_use = 'commercial'");
}
