//! The load run: `madinati serve` on a demo city, and 256 connections for 60 s mixing reads
//! (nearby, items, tiles, search) and writes (checks, submissions, takes, approvals) from a
//! surveyor and a planner. Reports requests, errors (anything but the 4xx a request is built to
//! get), p50/p99 per kind, and the server's peak resident memory (VmHWM).
//!
//! `cargo bench --bench load [-- SIZE CONNECTIONS SECONDS]` (default `city 256 60`);
//! `scripts/test` runs `small 32 5` as a short version.

use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use geo::{Centroid, Coord};
use madinati::domain::checks::cut_by_line;
use madinati::domain::{LayerKind, ValidGeometry};
use madinati::store::{self, AsOf, StoredFeature};
use serde_json::{Value, json};
use tokio::sync::Mutex;

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

/// The release binary beside this bench (`target/release/deps/load-HASH` → `target/release/madinati`).
#[allow(dead_code)]
fn release_bin() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(|d| d.parent())
        .unwrap()
        .join("madinati")
}

fn split_body(parent: &StoredFeature) -> Option<Value> {
    let ValidGeometry::Polygon(p) = parent.feature.geometry() else {
        return None;
    };
    let c = p.centroid()?;
    let (a, b) = cut_by_line(
        p,
        Coord {
            x: c.x() - 0.01,
            y: c.y(),
        },
        Coord {
            x: c.x() + 0.01,
            y: c.y(),
        },
    )?;
    let ring = |q: &geo::Polygon| -> Value {
        json!([q
            .exterior()
            .0
            .iter()
            .map(|c| json!([c.x, c.y]))
            .collect::<Vec<_>>()])
    };
    Some(json!({
        "kind": "subdivision", "parcels": [parent.fid.0],
        "proposed": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"parcel_no": format!("L{}-1", parent.fid.0)}, "geometry": {"type": "Polygon", "coordinates": ring(&a)}},
            {"type": "Feature", "properties": {"parcel_no": format!("L{}-2", parent.fid.0)}, "geometry": {"type": "Polygon", "coordinates": ring(&b)}},
        ]},
    }))
}

fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0)
}

#[derive(Default)]
struct Tally {
    times: BTreeMap<&'static str, Vec<Duration>>,
    errors: BTreeMap<String, usize>,
}

/// What a load run measured.
pub struct LoadReport {
    pub requests: usize,
    /// Answers that were neither a success nor a 4xx the request was built to get.
    pub errors: usize,
    pub alive_after: bool,
    pub peak_rss_mib: f64,
}

#[allow(dead_code)]
#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let size = args.first().cloned().unwrap_or_else(|| "city".into());
    let connections: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(256);
    let seconds: u64 = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(60);
    let report = run_load(release_bin(), &size, connections, seconds).await;
    if report.errors > 0 || !report.alive_after {
        std::process::exit(1);
    }
}

/// Builds the `size` demo with `bin`, serves it, and runs `connections` clients for `seconds`;
/// prints the figures.
pub async fn run_load(
    bin: std::path::PathBuf,
    size: &str,
    connections: usize,
    seconds: u64,
) -> LoadReport {
    let bin = || bin.clone();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut c = std::process::Command::new(bin())
            .current_dir(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        if let Some(s) = stdin {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        }
        assert!(c.wait().unwrap().success(), "madinati {args:?}");
    };
    run(
        &["demo", "build", "--size", size, "--out", "city.gpkg"],
        None,
    );
    for (u, r) in [("load-surveyor", "surveyor"), ("load-planner", "planner")] {
        run(
            &[
                "user",
                "add",
                "--store",
                "city.gpkg",
                "--username",
                u,
                "--role",
                r,
                "--password-stdin",
            ],
            Some("a load test password\n"),
        );
    }
    let store = store::open(&dir.path().join("city.gpkg"), false)
        .await
        .unwrap();
    let mut parcels = store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    let services = store
        .features(LayerKind::ServicePoints, AsOf::Current)
        .await
        .unwrap();
    store.close().await;
    parcels.sort_by(|a, b| b.feature.area_m2().total_cmp(&a.feature.area_m2()));
    let splits: Vec<Value> = parcels.iter().take(3_000).filter_map(split_body).collect();
    let extent = parcels
        .iter()
        .map(|p| p.feature.geometry().bbox())
        .reduce(|a, b| a.union(b))
        .unwrap();

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server: Child = std::process::Command::new(bin())
        .current_dir(dir.path())
        .args([
            "serve",
            "--store",
            "city.gpkg",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("MADINATI_VIEWER_DIR", dir.path().join("none"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()
        .unwrap();
    while client
        .get(format!("{base}/ready"))
        .send()
        .await
        .map(|r| !r.status().is_success())
        .unwrap_or(true)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let token = |name: &'static str| {
        let (client, base) = (client.clone(), base.clone());
        async move {
            let v: Value = client
                .post(format!("{base}/api/auth/login"))
                .json(&json!({"username": name, "password": "a load test password"}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["token"].as_str().unwrap().to_string()
        }
    };
    let (surveyor, planner) = (token("load-surveyor").await, token("load-planner").await);
    let splits = Arc::new(splits);
    let next_split = Arc::new(AtomicUsize::new(0));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let points: Arc<Vec<(f64, f64)>> = Arc::new(
        services
            .iter()
            .map(|s| {
                let b = s.feature.geometry().bbox();
                (b.min_x, b.min_y)
            })
            .collect(),
    );
    let mut tasks = Vec::new();
    for c in 0..connections {
        let (client, base, surveyor, planner) = (
            client.clone(),
            base.clone(),
            surveyor.clone(),
            planner.clone(),
        );
        let (splits, next_split, tally, points) = (
            splits.clone(),
            next_split.clone(),
            tally.clone(),
            points.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(c as u64 + 1);
            while Instant::now() < deadline {
                let (lon, lat) =
                    points[(rng.next() * points.len() as f64) as usize % points.len().max(1)];
                let pick = rng.next();
                let t = Instant::now();
                let (kind, ok): (&'static str, Result<u16, String>) = if pick < 0.30 {
                    let r = client
                        .get(format!("{base}/api/nearby?lon={lon}&lat={lat}&limit=10"))
                        .send()
                        .await;
                    (
                        "nearby",
                        r.map(|r| r.status().as_u16()).map_err(|e| e.to_string()),
                    )
                } else if pick < 0.50 {
                    let (x, y) = (
                        extent.min_x + rng.next() * (extent.max_x - extent.min_x),
                        extent.min_y + rng.next() * (extent.max_y - extent.min_y),
                    );
                    let r = client
                        .get(format!(
                            "{base}/collections/parcels/items?bbox={},{},{},{}&limit=100",
                            x,
                            y,
                            x + 0.003,
                            y + 0.003
                        ))
                        .send()
                        .await;
                    (
                        "items",
                        r.map(|r| r.status().as_u16()).map_err(|e| e.to_string()),
                    )
                } else if pick < 0.75 {
                    let n = 2f64.powi(16);
                    let tx = ((lon + 180.0) / 360.0 * n) as u32;
                    let ty = ((1.0
                        - (lat.to_radians().tan() + 1.0 / lat.to_radians().cos()).ln()
                            / std::f64::consts::PI)
                        / 2.0
                        * n) as u32;
                    let r = client
                        .get(format!("{base}/tiles/parcels,streets/16/{tx}/{ty}.mvt"))
                        .header("accept-encoding", "gzip")
                        .send()
                        .await;
                    (
                        "tiles",
                        r.map(|r| r.status().as_u16()).map_err(|e| e.to_string()),
                    )
                } else if pick < 0.90 {
                    let q = ["صيدلية", "pharmacy", "مسجد", "grocery", "بقالة"]
                        [(rng.next() * 5.0) as usize % 5];
                    let r = client
                        .get(format!("{base}/api/search?q={q}&near={lon},{lat}"))
                        .send()
                        .await;
                    (
                        "search",
                        r.map(|r| r.status().as_u16()).map_err(|e| e.to_string()),
                    )
                } else {
                    // A write: a split submitted, taken and approved (or refused with 409 when
                    // another connection holds the parcel: a deliberate answer).
                    let i = next_split.fetch_add(1, Ordering::Relaxed);
                    let Some(body) = splits.get(i % splits.len().max(1)) else {
                        continue;
                    };
                    let r = async {
                        let res = client
                            .post(format!("{base}/api/requests"))
                            .bearer_auth(&surveyor)
                            .json(body)
                            .send()
                            .await
                            .map_err(|e| e.to_string())?;
                        let status = res.status().as_u16();
                        if status != 201 {
                            return Ok(status);
                        }
                        let id = res.json::<Value>().await.map_err(|e| e.to_string())?["id"]
                            .as_i64()
                            .unwrap_or(0);
                        let s = client
                            .post(format!("{base}/api/requests/{id}/take"))
                            .bearer_auth(&planner)
                            .send()
                            .await
                            .map_err(|e| e.to_string())?
                            .status()
                            .as_u16();
                        if s != 200 {
                            return Ok(s);
                        }
                        Ok(client
                            .post(format!("{base}/api/requests/{id}/decision"))
                            .bearer_auth(&planner)
                            .json(&json!({"decision": "approve"}))
                            .send()
                            .await
                            .map_err(|e| e.to_string())?
                            .status()
                            .as_u16())
                    }
                    .await;
                    ("writes", r)
                };
                let dt = t.elapsed();
                let mut tally = tally.lock().await;
                tally.times.entry(kind).or_default().push(dt);
                match ok {
                    Ok(s)
                        if s < 400
                            || (kind == "writes" && (s == 409 || s == 422))
                            || (kind == "tiles" && s == 204) => {}
                    Ok(s) => *tally.errors.entry(format!("{kind} {s}")).or_default() += 1,
                    Err(e) => *tally.errors.entry(format!("{kind}: {e}")).or_default() += 1,
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let rss = peak_rss_kib(server.id());
    let alive = client
        .get(format!("{base}/health"))
        .send()
        .await
        .map(|r| r.status().is_success())
        .unwrap_or(false);
    let _ = server.kill();
    let _ = server.wait();
    let tally = tally.lock().await;
    let total: usize = tally.times.values().map(Vec::len).sum();
    println!(
        "load: {size} demo, {connections} connections, {seconds} s: {total} requests ({:.0}/s), server peak RSS {:.0} MiB, alive after: {alive}",
        total as f64 / seconds as f64,
        rss as f64 / 1024.0
    );
    for (kind, times) in &tally.times {
        let mut t = times.clone();
        t.sort();
        let p = |q: f64| t[((t.len() as f64 * q) as usize).min(t.len() - 1)].as_secs_f64() * 1e3;
        println!(
            "  {kind:<7} {:>8} requests  p50 {:>7.2} ms  p99 {:>8.2} ms",
            t.len(),
            p(0.5),
            p(0.99)
        );
    }
    let errors: usize = tally.errors.values().sum();
    println!(
        "errors (beyond deliberate 4xx): {errors} {:?}",
        tally.errors
    );
    LoadReport {
        requests: total,
        errors,
        alive_after: alive,
        peak_rss_mib: rss as f64 / 1024.0,
    }
}
