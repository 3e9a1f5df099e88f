//! The server: health and readiness in-process and on a real port, structured logs, graceful
//! shutdown on SIGTERM, and the demo city served end to end.

mod common;

use madinati::store::Store as _;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use common::*;
use madinati::http::{AppState, router};
use serde_json::Value;
use tower::ServiceExt;

async fn get(app: axum::Router, uri: &str) -> (StatusCode, Value) {
    let res = app
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn health_ready_and_not_found_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path()).await;
    let state = AppState::load(Arc::new(store.clone()), Default::default())
        .await
        .unwrap();
    let app = router(state);
    let (s, body) = get(app.clone(), "/health").await;
    assert_eq!((s, body["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (s, body) = get(app.clone(), "/ready").await;
    assert_eq!(
        (s, body["status"].as_str()),
        (StatusCode::OK, Some("ready"))
    );
    let (s, body) = get(app.clone(), "/nowhere").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(body["description"].as_str().unwrap().contains("/nowhere"));

    // A store that no longer answers makes /ready say 503, while /health stays up.
    store.close().await;
    let (s, body) = get(app.clone(), "/ready").await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(get(app, "/health").await.0, StatusCode::OK);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `madinati <args>` and waits until /health answers; returns the child and base URL.
/// Logs are piped only when the test reads them (a long run must not fill the pipe).
async fn start(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
    logs: bool,
) -> (std::process::Child, String) {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut cmd = bin();
    cmd.current_dir(dir)
        .args(args)
        .env("MADINATI_LISTEN", &listen)
        .stdout(Stdio::null())
        .stderr(if logs { Stdio::piped() } else { Stdio::null() });
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let base = format!("http://{listen}");
    let deadline = Instant::now() + Duration::from_secs(300);
    while Instant::now() < deadline {
        if let Ok(r) = reqwest::get(format!("{base}/health")).await
            && r.status().is_success()
        {
            return (child, base);
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("madinati exited with {status} before serving");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not come up on {listen}");
}

/// Imports the real Dammam districts into `dir/city.gpkg`.
fn import_districts(dir: &std::path::Path) {
    let input = shared_data("dammam_districts_addressgov.geojson");
    let out = run(
        dir,
        &[
            "import",
            "--store",
            "city.gpkg",
            "--layer",
            "districts",
            input.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
}

fn terminate(child: &mut std::process::Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    let ok = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(ok.success());
    child.wait().unwrap()
}

#[tokio::test]
async fn serve_answers_on_a_real_port_logs_json_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    import_districts(dir.path());
    let (mut child, base) = start(
        dir.path(),
        &["serve", "--log-format", "json"],
        &[("MADINATI_STORE", "city.gpkg")],
        true,
    )
    .await;
    let ready: Value = reqwest::get(format!("{base}/ready"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready");
    assert!(ready["store"].as_str().unwrap().ends_with("city.gpkg"));
    let status = terminate(&mut child);
    assert!(
        status.success(),
        "graceful shutdown exits 0, got {status:?}"
    );
    let logs: Vec<String> = BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .collect();
    assert!(!logs.is_empty());
    for line in &logs {
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}"));
        assert!(
            v.get("level").is_some() && v.get("timestamp").is_some(),
            "{line}"
        );
    }
    assert!(logs.iter().any(|l| l.contains("shutting down")));
}

/// The server listens once per core with SO_REUSEPORT; a second server started on the same
/// port must still fail, not silently share the port.
#[tokio::test]
async fn a_second_server_on_the_same_port_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    import_districts(dir.path());
    let (mut child, base) = start(
        dir.path(),
        &["serve"],
        &[("MADINATI_STORE", "city.gpkg")],
        false,
    )
    .await;
    let listen = base.trim_start_matches("http://");
    let second = bin()
        .current_dir(dir.path())
        .args(["serve", "--store", "city.gpkg", "--listen", listen])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "{stderr}");
    assert!(stderr.contains("in use"), "{stderr}");
    // The first one still answers every request (none went to the refused one).
    for _ in 0..20 {
        let r = reqwest::get(format!("{base}/health")).await.unwrap();
        assert!(r.status().is_success());
    }
    assert!(terminate(&mut child).success());
}

#[tokio::test]
async fn serve_without_a_store_says_how_to_give_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["serve"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("MADINATI_STORE"));
}

#[tokio::test]
async fn config_file_env_and_flags_apply_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let input = shared_data("dammam_districts_addressgov.geojson");
    assert!(
        run(
            dir.path(),
            &[
                "import",
                "--store",
                "a.gpkg",
                "--layer",
                "districts",
                input.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    std::fs::write(
        dir.path().join("madinati.toml"),
        "store = \"missing-from-file.gpkg\"\n",
    )
    .unwrap();
    // The file's store does not exist: env overrides it, the flag overrides env.
    let layers = |env: Option<&str>, flag: Option<&str>| {
        let mut cmd = bin();
        cmd.current_dir(dir.path()).arg("layers");
        if let Some(f) = flag {
            cmd.args(["--store", f]);
        }
        match env {
            Some(e) => cmd.env("MADINATI_STORE", e),
            None => cmd.env_remove("MADINATI_STORE"),
        };
        cmd.output().unwrap()
    };
    assert!(
        !layers(None, None).status.success(),
        "the file's store is used (and is missing)"
    );
    let via_env = layers(Some("a.gpkg"), None);
    assert!(
        via_env.status.success(),
        "{}",
        String::from_utf8_lossy(&via_env.stderr)
    );
    assert!(String::from_utf8_lossy(&via_env.stdout).contains("districts              80"));
    assert!(
        !layers(Some("a.gpkg"), Some("nope.gpkg")).status.success(),
        "the flag wins over env"
    );
    assert!(layers(Some("nope.gpkg"), Some("a.gpkg")).status.success());
}

/// The README's run command on a fresh directory: `madinati demo` builds the city (≥ 50,000
/// parcels) and serves it; then `madinati serve` on the built file answers too.
#[tokio::test]
async fn demo_builds_the_city_and_serve_answers_health_and_ready() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = start(dir.path(), &["demo", "--out", "city.gpkg"], &[], false).await;
    let ready = reqwest::get(format!("{base}/ready")).await.unwrap();
    assert_eq!(ready.status(), 200);
    assert!(terminate(&mut child).success());

    let layers = run(dir.path(), &["layers", "--store", "city.gpkg"]);
    let text = String::from_utf8_lossy(&layers.stdout);
    let count = |layer: &str| -> u64 {
        let line = text
            .lines()
            .find(|l| l.starts_with(layer))
            .unwrap_or_else(|| panic!("{layer} missing: {text}"));
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    assert!(count("parcels") >= 50_000, "{text}");
    assert!(count("service_points") >= 3_000, "{text}");

    let (mut child, base) = start(dir.path(), &["serve", "--store", "city.gpkg"], &[], false).await;
    let health: Value = reqwest::get(format!("{base}/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let ready: Value = reqwest::get(format!("{base}/ready"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready");
    assert!(terminate(&mut child).success());
}
