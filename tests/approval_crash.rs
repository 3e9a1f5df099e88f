//! An approval killed at any point is all or nothing: the server process aborts (as a kill -9
//! stops it: no rollback, no destructor, no flush) at each failpoint of an approval; restarted,
//! it shows the request and the register either both changed or both unchanged, and an
//! unchanged request can be approved again.

mod common;
mod register_support;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use register_support::*;
use serde_json::{Value, json};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(dir: &std::path::Path, failpoint: Option<&str>) -> (Child, String) {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut cmd = common::bin();
    cmd.current_dir(dir)
        .args(["serve", "--store", "city.gpkg", "--listen", &listen])
        .env("MADINATI_VIEWER_DIR", dir.join("no-viewer"))
        .env_remove("MADINATI_FAILPOINT")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(f) = failpoint {
        cmd.env("MADINATI_FAILPOINT", f);
    }
    let mut child = cmd.spawn().unwrap();
    let base = format!("http://{listen}");
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(r) = reqwest::get(format!("{base}/ready")).await
            && r.status().is_success()
        {
            return (child, base);
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "madinati exited before serving"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not come up");
}

async fn post(
    base: &str,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> reqwest::Result<(u16, Value)> {
    let mut r = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let res = r.send().await?;
    let status = res.status().as_u16();
    Ok((status, res.json().await.unwrap_or(Value::Null)))
}

async fn get(base: &str, path: &str, token: Option<&str>) -> Value {
    let mut r = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap().json().await.unwrap()
}

async fn sign_in(base: &str, name: &str) -> String {
    let (s, v) = post(
        base,
        "/api/auth/login",
        None,
        json!({"username": name, "password": PASSWORD}),
    )
    .await
    .unwrap();
    assert_eq!(s, 200, "{v}");
    v["token"].as_str().unwrap().to_string()
}

fn ids(items: &Value) -> Vec<i64> {
    items["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_killed_at_any_point_is_all_or_nothing() {
    // One small city with accounts and a split that passes every check, closed to a file.
    let city = city().await;
    let token = login(&city.app, "surveyor").await;
    let (parent, body) = splittable(&city, &token, 0).await;
    city.store.close().await;
    let template = city.dir.path().join("city.gpkg");
    let b = parent.feature.geometry().bbox();
    let items = format!(
        "/collections/parcels/items?bbox={},{},{},{}&limit=1000",
        b.min_x, b.min_y, b.max_x, b.max_y
    );

    for (failpoint, committed) in [
        ("approve.after_retire", false),
        ("approve.after_insert", false),
        ("approve.before_commit", false),
        ("approve.after_commit", true),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(&template, dir.path().join("city.gpkg")).unwrap();
        let (mut child, base) = start(dir.path(), Some(failpoint)).await;
        let surveyor = sign_in(&base, "surveyor").await;
        let planner = sign_in(&base, "planner").await;
        let (s, v) = post(&base, "/api/requests", Some(&surveyor), body.clone())
            .await
            .unwrap();
        assert_eq!(s, 201, "{v}");
        let id = v["id"].as_i64().unwrap();
        let (s, _) = post(
            &base,
            &format!("/api/requests/{id}/take"),
            Some(&planner),
            json!({}),
        )
        .await
        .unwrap();
        assert_eq!(s, 200);
        let answer = post(
            &base,
            &format!("/api/requests/{id}/decision"),
            Some(&planner),
            json!({"decision": "approve"}),
        )
        .await;
        assert!(
            answer.is_err(),
            "{failpoint}: the approval was answered: {answer:?}"
        );
        let status = child.wait().unwrap();
        assert!(!status.success(), "{failpoint}: the server did not die");

        // Restarted: both changed or both unchanged.
        let (mut child, base) = start(dir.path(), None).await;
        let planner = sign_in(&base, "planner").await;
        // The audit rows of the request carry the client's address (a real socket here).
        let admin = sign_in(&base, "admin").await;
        let audit = get(&base, &format!("/api/audit?request={id}"), Some(&admin)).await;
        let entries = audit["entries"].as_array().unwrap();
        assert!(
            entries.iter().any(|e| e["action"] == "request.submit"),
            "{audit}"
        );
        assert!(
            entries.iter().all(|e| e["client"] == "127.0.0.1"),
            "{audit}"
        );
        let r = get(&base, &format!("/api/requests/{id}"), Some(&planner)).await;
        let now = ids(&get(&base, &items, None).await);
        let lineage = get(
            &base,
            &format!("/api/parcels/{}/lineage", parent.fid.0),
            None,
        )
        .await;
        if committed {
            assert_eq!(r["status"], "approved", "{failpoint}: {r}");
            assert!(!now.contains(&parent.fid.0), "{failpoint}");
            let created: Vec<i64> = r["created"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
                .collect();
            assert!(
                created.len() == 2 && created.iter().all(|c| now.contains(c)),
                "{failpoint}"
            );
            assert_eq!(lineage["descendants"].as_array().unwrap().len(), 2);
        } else {
            assert_eq!(r["status"], "in_review", "{failpoint}: {r}");
            assert_eq!(r["created"], json!([]));
            assert!(
                now.contains(&parent.fid.0),
                "{failpoint}: the parent was retired"
            );
            assert_eq!(lineage["descendants"], json!([]), "{failpoint}");
            // Nothing half-applied stands in the way: the approval goes through now.
            let (s, v) = post(
                &base,
                &format!("/api/requests/{id}/decision"),
                Some(&planner),
                json!({"decision": "approve"}),
            )
            .await
            .unwrap();
            assert_eq!(s, 200, "{failpoint}: {v}");
            assert!(!ids(&get(&base, &items, None).await).contains(&parent.fid.0));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}
