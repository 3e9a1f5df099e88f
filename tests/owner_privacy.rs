//! Owners' personal data (national ids and names) never leaves through a public door: not in
//! OGC API items or single features, identify, nearby, search (even searching for an owner's
//! name), tiles, the API documents, error messages; nor in the server's log lines, even at debug
//! level and through a whole land request (where a planner is shown the owners, as allowed).

mod common;
mod register_support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use geo::Centroid;
use madinati::domain::LayerKind;
use madinati::store::AsOf;
use register_support::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owners_never_reach_public_answers_tiles_search_errors_or_logs() {
    // The city with a split ready, closed to a file a real server will serve with debug logs.
    let city = city().await;
    let surveyor = login(&city.app, "surveyor").await;
    let (parent, body) = splittable(&city, &surveyor, 0).await;
    let parcels = city
        .store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    let mut owners = Vec::new();
    for p in &parcels {
        if let Some(o) = city.store.parcel_owner(p.fid).await.unwrap() {
            owners.push((p.clone(), o));
        }
    }
    assert!(owners.len() > 100, "the demo city has owners");
    city.store.close().await;
    let dir = city.dir.path();
    let log = dir.join("server.log");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = common::bin()
        .current_dir(dir)
        .args([
            "serve",
            "--store",
            "city.gpkg",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--log-format",
            "json",
        ])
        .env("RUST_LOG", "debug")
        .env("MADINATI_VIEWER_DIR", dir.join("no-viewer"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while client
        .get(format!("{base}/ready"))
        .send()
        .await
        .map(|r| !r.status().is_success())
        .unwrap_or(true)
    {
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let get = |path: String| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let r = client.get(format!("{base}{path}")).send().await.unwrap();
            r.bytes().await.unwrap().to_vec()
        }
    };
    // Public answers.
    let mut public: Vec<(String, Vec<u8>)> = Vec::new();
    for path in [
        "/collections/parcels/items?limit=10000".to_string(),
        "/api".into(),
        "/collections/parcels/queryables".into(),
        "/collections/parcels".into(),
    ] {
        public.push((path.clone(), get(path).await));
    }
    for (p, o) in owners.iter().take(40) {
        let c = polygon(p).centroid().unwrap();
        let first_name = o.name.split_whitespace().next().unwrap_or("").to_string();
        let (z, x, y) = tile(c.x(), c.y(), 16);
        for path in [
            format!("/collections/parcels/items/{}", p.fid.0),
            format!("/api/identify?lon={}&lat={}", c.x(), c.y()),
            format!("/api/nearby?lon={}&lat={}&limit=20", c.x(), c.y()),
            format!("/api/search?q={}", enc(&o.name)),
            format!("/api/search?q={}", enc(&first_name)),
            format!("/api/search?q={}", o.national_id.as_str()),
            format!("/tiles/parcels/{z}/{x}/{y}.mvt"),
            format!("/tiles/parcels/14/{}/{}.mvt", x / 4, y / 4),
            format!(
                "/collections/parcels/items?filter={}",
                enc(&format!("owner_name = '{}'", o.name))
            ),
            format!(
                "/collections/parcels/items?owner_id={}",
                o.national_id.as_str()
            ),
            format!("/api/parcels/{}/owner", p.fid.0),
        ] {
            public.push((path.clone(), get(path).await));
        }
    }
    // A whole land request, as surveyor and planner (the planner may see owners: those answers
    // are not public, but the log lines of all of it are checked below).
    let token = |name: &'static str| {
        let (client, base) = (client.clone(), base.clone());
        async move {
            let v: serde_json::Value = client
                .post(format!("{base}/api/auth/login"))
                .json(&json!({"username": name, "password": PASSWORD}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["token"].as_str().unwrap().to_string()
        }
    };
    let (s, p) = (token("surveyor").await, token("planner").await);
    let v: serde_json::Value = client
        .post(format!("{base}/api/requests"))
        .bearer_auth(&s)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = v["id"].as_i64().unwrap();
    client
        .post(format!("{base}/api/requests/{id}/take"))
        .bearer_auth(&p)
        .send()
        .await
        .unwrap();
    let seen: serde_json::Value = client
        .get(format!("{base}/api/requests/{id}"))
        .bearer_auth(&p)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        seen["owners"].is_array(),
        "the planner sees the owners: {seen}"
    );
    let r = client
        .post(format!("{base}/api/requests/{id}/decision"))
        .bearer_auth(&p)
        .json(&json!({"decision": "approve"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    // After the approval, the children's public answers too.
    let _ = parent;
    public.push((
        "items after".into(),
        get("/collections/parcels/items?limit=10000".into()).await,
    ));
    let _ = server.kill();
    let _ = server.wait();

    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.lines().count() > 50,
        "the server logged little: {}",
        logged.len()
    );
    // Every national id, found as any run of exactly ten digits; the names of the owners asked
    // about and of 460 others, as whole strings.
    let ids: std::collections::HashSet<&str> =
        owners.iter().map(|(_, o)| o.national_id.as_str()).collect();
    let names: Vec<&str> = owners
        .iter()
        .take(500)
        .map(|(_, o)| o.name.as_str())
        .collect();
    let mut texts: Vec<(String, String)> = public
        .iter()
        .map(|(path, answer)| (path.clone(), String::from_utf8_lossy(answer).into_owned()))
        .collect();
    texts.push(("the server's log".into(), logged));
    for (what, text) in &texts {
        for run in ten_digit_runs(text) {
            assert!(!ids.contains(run), "{what} holds a national id");
        }
        for name in &names {
            assert!(!text.contains(name), "{what} holds an owner's name");
        }
    }
}

/// Every maximal run of exactly ten ASCII digits.
fn ten_digit_runs(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 10 {
                out.push(&text[start..i]);
            }
        } else {
            i += 1;
        }
    }
    out
}

fn tile(lon: f64, lat: f64, z: u32) -> (u32, u32, u32) {
    let n = f64::from(1u32 << z);
    let r = lat.to_radians();
    (
        z,
        ((lon + 180.0) / 360.0 * n) as u32,
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32,
    )
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
