//! A full disk: the store on a small tmpfs. An import that does not fit stops with a clear error
//! and leaves every layer whole or absent; an approval on a full disk answers 507 with a message,
//! changes nothing, and goes through once space is freed.
//!
//! Mounting a tmpfs needs root (CI and the development machines run as root).

mod common;
mod register_support;

use axum::http::StatusCode;
use register_support::*;
use serde_json::json;

struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = std::env::temp_dir().join(format!("madinati-full-{}-{size}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(
            ok,
            "cannot mount a tmpfs at {}: this test runs as root (as scripts/test and CI do)",
            dir.display()
        );
        Tmpfs(dir)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

#[tokio::test]
async fn an_import_that_does_not_fit_stops_with_a_clear_error_and_nothing_half_written() {
    let disk = Tmpfs::mount("1500k");
    let out = common::run(
        &disk.0,
        &["demo", "build", "--size", "small", "--out", "city.gpkg"],
    );
    assert!(!out.status.success(), "the small city fitted in 1.5 MB");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("full"), "no clear error: {err}");
    // What is there is sound: each layer whole or absent.
    let path = disk.0.join("city.gpkg");
    if path.exists() {
        let report = madinati::store::sqlite::backup::check(&path).await;
        if let Ok(report) = report {
            assert!(report.problems.is_empty(), "{:?}", report.problems);
        }
    }
}

#[tokio::test]
async fn an_approval_on_a_full_disk_answers_507_changes_nothing_and_goes_through_later() {
    // The server's log goes to the test's output, so a failure shows the store's own error.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("warn")
        .try_init();
    // The city built elsewhere, then copied onto a tmpfs with a little room, which a filler
    // file then takes.
    let city = city().await;
    let surveyor = login(&city.app, "surveyor").await;
    let planner = login(&city.app, "planner").await;
    let (parent, body) = splittable(&city, &surveyor, 0).await;
    let id = submit_and_take(&city.app, &surveyor, &planner, &body).await;
    city.store.close().await;
    let size = std::fs::metadata(city.dir.path().join("city.gpkg"))
        .unwrap()
        .len();
    let disk = Tmpfs::mount(&format!("{}k", size / 1024 + 2048));
    std::fs::copy(city.dir.path().join("city.gpkg"), disk.0.join("city.gpkg")).unwrap();
    let (store, app) = reopen(&disk.0.join("city.gpkg")).await;
    let planner = login(&app, "planner").await;
    // Fill the disk.
    let filler = disk.0.join("filler");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        while f.write_all(&chunk).is_ok() {}
        let _ = f.sync_all();
    }
    let (s, v) = call(
        &app,
        "POST",
        &format!("/api/requests/{id}/decision"),
        Some(&planner),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(s, StatusCode::INSUFFICIENT_STORAGE, "{v}");
    assert!(v["description"].as_str().unwrap().contains("full"), "{v}");
    let r = store
        .request(madinati::domain::request::RequestId(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.status.code(), "in_review");
    let (_, items) = call(
        &app,
        "GET",
        &format!("/api/parcels/{}/lineage", parent.fid.0),
        None,
        None,
    )
    .await;
    assert_eq!(items["descendants"], json!([]));
    // Space freed: the same approval goes through. (The connection that met the full disk is
    // closed, not reused: SQLite may have ended its transaction by itself, see
    // `store::sqlite::unit::tests`; a client may still have to ask again once.)
    std::fs::remove_file(&filler).unwrap();
    let mut answer = (StatusCode::INTERNAL_SERVER_ERROR, json!(null));
    for _ in 0..3 {
        answer = call(
            &app,
            "POST",
            &format!("/api/requests/{id}/decision"),
            Some(&planner),
            Some(json!({"decision": "approve"})),
        )
        .await;
        if answer.0 == StatusCode::OK {
            break;
        }
    }
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    store.close().await;
    let report = madinati::store::sqlite::backup::check(&disk.0.join("city.gpkg"))
        .await
        .unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}
