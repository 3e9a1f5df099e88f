//! The kill harness: `madinati` killed with SIGKILL at random moments while it writes, then
//! checked. Two kinds of trial:
//! - during an import (`madinati demo build --size small`: every layer through the import's
//!   write path, one transaction a layer): after the kill the store passes `madinati restore
//!   --check-only` and every layer holds all of its features or none;
//! - during a burst of approvals on a served city: after the kill and a restart the store is
//!   sound (integrity, lineage, every approved request whole, no unapproved one applied, audit
//!   rows for each register change), and every approval acknowledged before the kill is there.
//!
//! `MADINATI_KILL_TRIALS` trials of each (default 3, as `scripts/test` runs it);
//! `scripts/kill-harness` runs 100 of each with a release build and prints the figures.

mod common;
mod register_support;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use madinati::domain::LayerKind;
use madinati::store::{self, AsOf};
use register_support::*;
use serde_json::{Value, json};

/// SplitMix64: the same kill moments for the same trial number.
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

fn trials() -> usize {
    std::env::var("MADINATI_KILL_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

fn kill9(child: &mut Child) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

async fn sound(path: &std::path::Path) -> madinati::store::sqlite::backup::CheckReport {
    let report = madinati::store::sqlite::backup::check(path).await.unwrap();
    assert!(
        report.problems.is_empty(),
        "{}: {:?}",
        path.display(),
        report.problems
    );
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_imports_leaves_every_layer_whole_or_absent() {
    // The full city, once, for the expected counts.
    let reference = tempfile::tempdir().unwrap();
    let out = common::run(
        reference.path(),
        &["demo", "build", "--size", "small", "--out", "full.gpkg"],
    );
    assert!(out.status.success());
    let full = store::open(&reference.path().join("full.gpkg"), false)
        .await
        .unwrap();
    let mut want = Vec::new();
    for l in LayerKind::ALL {
        want.push(full.layer_summary(l).await.unwrap().current);
    }
    full.close().await;
    let started = Instant::now();
    let _ = common::run(
        reference.path(),
        &["demo", "build", "--size", "small", "--out", "timing.gpkg"],
    );
    let build_time = started.elapsed();

    let (mut partial, mut whole, mut empty) = (0, 0, 0);
    for trial in 0..trials() {
        let mut rng = Rng(1_000 + trial as u64);
        let dir = tempfile::tempdir().unwrap();
        let mut child = common::bin()
            .current_dir(dir.path())
            .args(["demo", "build", "--size", "small", "--out", "city.gpkg"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(build_time.mul_f64(rng.next() * 1.1)).await;
        kill9(&mut child);
        let path = dir.path().join("city.gpkg");
        if !path.exists() {
            empty += 1;
            continue;
        }
        // As a restart does: open (a store killed while it was being created gets the rest of
        // its schema: each migration is a transaction of its own), then check.
        let s = store::open(&path, false).await.unwrap();
        let mut layers_whole = 0;
        for (l, w) in LayerKind::ALL.into_iter().zip(&want) {
            let n = s.layer_summary(l).await.unwrap().current;
            assert!(
                n == 0 || n == *w,
                "trial {trial}: {l} has {n} of {w} features"
            );
            layers_whole += usize::from(n == *w);
        }
        s.close().await;
        sound(&path).await;
        match layers_whole {
            0 => empty += 1,
            5 => whole += 1,
            _ => partial += 1,
        }
    }
    eprintln!(
        "kill harness, imports: {} trials (build {:.2} s): {whole} finished, {partial} with some layers, {empty} with none; every store sound, every layer whole or absent",
        trials(),
        build_time.as_secs_f64()
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn serve(dir: &std::path::Path) -> (Child, String) {
    let listen = format!("127.0.0.1:{}", free_port());
    let mut child = common::bin()
        .current_dir(dir)
        .args(["serve", "--store", "city.gpkg", "--listen", &listen])
        .env("MADINATI_VIEWER_DIR", dir.join("no-viewer"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://{listen}");
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(r) = reqwest::get(format!("{base}/ready")).await
            && r.status().is_success()
        {
            return (child, base);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    kill9(&mut child);
    panic!("the server did not come up");
}

async fn planner_token(base: &str) -> String {
    let v: Value = reqwest::Client::new()
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"username": "planner", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["token"].as_str().unwrap().to_string()
}

/// Approves `ids` one after another; returns those acknowledged (200) before a failure.
async fn burst(base: String, token: String, ids: Vec<i64>) -> Vec<i64> {
    let client = reqwest::Client::new();
    let mut acknowledged = Vec::new();
    for id in ids {
        let res = client
            .post(format!("{base}/api/requests/{id}/decision"))
            .bearer_auth(&token)
            .json(&json!({"decision": "approve"}))
            .send()
            .await;
        match res {
            Ok(r) if r.status().is_success() => acknowledged.push(id),
            _ => break,
        }
    }
    acknowledged
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_burst_of_approvals_loses_nothing_acknowledged() {
    // A small city with 24 splits submitted and taken, closed to a template file.
    let city = city().await;
    let surveyor = login(&city.app, "surveyor").await;
    let planner = login(&city.app, "planner").await;
    let mut ids = Vec::new();
    for skip in 0..24 {
        let (_, body) = splittable(&city, &surveyor, skip).await;
        ids.push(submit_and_take(&city.app, &surveyor, &planner, &body).await);
    }
    city.store.close().await;
    let template = city.dir.path().join("city.gpkg");

    // How long the whole burst takes without a kill: the kills fall within it.
    let burst_time = {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(&template, dir.path().join("city.gpkg")).unwrap();
        let (mut child, base) = serve(dir.path()).await;
        let token = planner_token(&base).await;
        let started = Instant::now();
        let done = burst(base, token, ids.clone()).await;
        let t = started.elapsed();
        assert_eq!(done.len(), ids.len());
        kill9(&mut child);
        t
    };
    let (mut acknowledged_total, mut approved_total) = (0, 0);
    for trial in 0..trials() {
        let mut rng = Rng(2_000 + trial as u64);
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(&template, dir.path().join("city.gpkg")).unwrap();
        let (mut child, base) = serve(dir.path()).await;
        let token = planner_token(&base).await;
        // Approvals one after another on one task; the kill comes at a random moment.
        let burst = tokio::spawn(burst(base.clone(), token.clone(), ids.clone()));
        tokio::time::sleep(burst_time.mul_f64(rng.next())).await;
        kill9(&mut child);
        let acknowledged = burst.await.unwrap();

        let path = dir.path().join("city.gpkg");
        sound(&path).await;
        let s = store::open(&path, false).await.unwrap();
        let mut approved = 0;
        for id in &ids {
            let r = s
                .request(madinati::domain::request::RequestId(*id))
                .await
                .unwrap()
                .unwrap();
            if acknowledged.contains(id) {
                assert_eq!(
                    r.status.code(),
                    "approved",
                    "trial {trial}: acknowledged approval of {id} lost"
                );
            }
            if r.status.code() == "approved" {
                approved += 1;
                let current = s.features(LayerKind::Parcels, AsOf::Current).await.unwrap();
                assert!(
                    r.created
                        .iter()
                        .all(|c| current.iter().any(|f| f.fid == *c))
                );
                assert!(
                    r.retired
                        .iter()
                        .all(|p| current.iter().all(|f| f.fid != *p))
                );
            } else {
                assert_eq!(r.status.code(), "in_review");
                assert!(r.created.is_empty());
            }
        }
        s.close().await;
        // At most the one in flight at the kill went through unacknowledged.
        assert!(
            approved >= acknowledged.len() && approved <= acknowledged.len() + 1,
            "trial {trial}: {approved} approved, {} acknowledged",
            acknowledged.len()
        );
        acknowledged_total += acknowledged.len();
        approved_total += approved;
    }
    eprintln!(
        "kill harness, approvals: {} trials (burst of {} approvals {:.2} s): {acknowledged_total} approvals acknowledged before the kills, {approved_total} in the stores after; none lost, every store sound",
        trials(),
        ids.len(),
        burst_time.as_secs_f64()
    );
}
