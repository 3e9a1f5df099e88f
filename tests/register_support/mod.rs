//! Helpers of the land-register tests: a small demo city served in-process, accounts of each
//! role, signed calls, and proposals made by cutting real demo parcels.
//!
//! Everything here goes through the `Store` trait (`store::open`) and HTTP: no SQL, so the
//! same tests run against any backend.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use geo::{Centroid, Coord, Polygon};
use madinati::app::auth::{NewUser, add_user};
use madinati::demo::{self, DemoSize};
use madinati::domain::account::Roles;
use madinati::domain::attributes::Attributes;
use madinati::domain::checks::cut_by_line;
use madinati::domain::{LayerKind, ValidGeometry};
use madinati::http::{AppState, router};
use madinati::store::{self, Store, StoredFeature};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const PASSWORD: &str = "a long test password";

/// A served small demo city with one account per role (`citizen`, `surveyor`, `surveyor2`,
/// `planner`, `planner2`, `admin`, and `both` holding surveyor and planner).
pub struct City {
    pub dir: tempfile::TempDir,
    pub store: Arc<dyn Store>,
    pub state: AppState,
    pub app: axum::Router,
}

pub const ACCOUNTS: [(&str, &str); 7] = [
    ("citizen", "citizen"),
    ("surveyor", "surveyor"),
    ("surveyor2", "surveyor"),
    ("planner", "planner"),
    ("planner2", "planner"),
    ("admin", "admin"),
    ("both", "surveyor,planner"),
];

/// Builds the small demo city in a temporary directory and serves it in-process.
pub async fn city() -> City {
    let dir = tempfile::tempdir().unwrap();
    let store = store::open(&dir.path().join("city.gpkg"), true)
        .await
        .unwrap();
    demo::build(store.as_ref(), DemoSize::Small, 1, &mut |_, _, _| {})
        .await
        .unwrap();
    for (name, roles) in ACCOUNTS {
        add_user(
            store.as_ref(),
            NewUser {
                username: name.into(),
                password: PASSWORD.into(),
                roles: Roles::parse(roles).unwrap(),
                name_ar: None,
                name_en: Some(format!("Test {name}")),
                national_id: None,
                phone: None,
                email: None,
            },
            "test",
        )
        .await
        .unwrap();
    }
    let state = AppState::load(store.clone(), Default::default())
        .await
        .unwrap();
    City {
        app: router(state.clone()),
        dir,
        store,
        state,
    }
}

/// Reopens the city's store (as a restarted server would).
pub async fn reopen(path: &Path) -> (Arc<dyn Store>, axum::Router) {
    let store = store::open(path, false).await.unwrap();
    let state = AppState::load(store.clone(), Default::default())
        .await
        .unwrap();
    (store, router(state))
}

/// Sends a request; `token` as a bearer token; returns the status and the JSON body (Null if
/// the body is empty or not JSON).
pub async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = match body {
        Some(b) => {
            req = req.header("content-type", "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = to_bytes(res.into_body(), 1 << 26).await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Signs `name` in and returns the token.
pub async fn login(app: &axum::Router, name: &str) -> String {
    let (s, b) = call(
        app,
        "POST",
        "/api/auth/login",
        None,
        Some(json!({"username": name, "password": PASSWORD})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "login {name}: {b}");
    b["token"].as_str().unwrap().to_string()
}

pub fn polygon(f: &StoredFeature) -> &Polygon {
    match f.feature.geometry() {
        ValidGeometry::Polygon(p) => p,
        _ => panic!("not a polygon"),
    }
}

pub fn parcel_no(f: &StoredFeature) -> String {
    match f.feature.attributes() {
        Attributes::Parcel(p) => p.parcel_no.to_string(),
        _ => panic!("not a parcel"),
    }
}

/// A GeoJSON FeatureCollection of `parts` numbered `<base>-1`, `<base>-2`, ...
pub fn collection(base: &str, parts: &[Polygon]) -> Value {
    let features: Vec<Value> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let ring: Vec<Value> = p.exterior().0.iter().map(|c| json!([c.x, c.y])).collect();
            json!({
                "type": "Feature",
                "properties": {"parcel_no": format!("{base}-{}", i + 1)},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// The two halves of `p` cut through its centroid, along the direction `(dx, dy)` (degrees).
pub fn halves(p: &Polygon, dx: f64, dy: f64) -> Option<(Polygon, Polygon)> {
    let c = p.centroid()?;
    cut_by_line(
        p,
        Coord {
            x: c.x() - dx,
            y: c.y() - dy,
        },
        Coord {
            x: c.x() + dx,
            y: c.y() + dy,
        },
    )
}

/// A subdivision body of `parent` cut in two.
pub fn split_body(parent: &StoredFeature, a: &Polygon, b: &Polygon) -> Value {
    json!({
        "kind": "subdivision",
        "parcels": [parent.fid.0],
        "proposed": collection(&parcel_no(parent), &[a.clone(), b.clone()]),
        "note": "test split",
    })
}

/// Demo parcels, largest first, with a cut into two halves that passes every check (through
/// `POST /api/requests/check` with `token`); `skip` such parcels are passed over first.
pub async fn splittable(city: &City, token: &str, skip: usize) -> (StoredFeature, Value) {
    let mut parcels = city
        .store
        .features(LayerKind::Parcels, madinati::store::AsOf::Current)
        .await
        .unwrap();
    parcels.sort_by(|a, b| {
        b.feature
            .area_m2()
            .total_cmp(&a.feature.area_m2())
            .then(a.fid.cmp(&b.fid))
    });
    let mut found = 0;
    for parent in parcels.iter().take(400) {
        for (dx, dy) in [(0.01, 0.0), (0.0, 0.01)] {
            let Some((a, b)) = halves(polygon(parent), dx, dy) else {
                continue;
            };
            let body = split_body(parent, &a, &b);
            let (s, v) = call(
                &city.app,
                "POST",
                "/api/requests/check",
                Some(token),
                Some(body.clone()),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            if v["passed"] == json!(true) {
                if found == skip {
                    return (parent.clone(), body);
                }
                found += 1;
                break;
            }
        }
    }
    panic!("no demo parcel splits cleanly in two");
}

/// The codes of the failed checks in a 422 (or check) answer.
pub fn failed(v: &Value) -> Vec<String> {
    v["checks"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .filter(|c| c["passed"] == json!(false))
                .map(|c| c["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Submits `body` as `surveyor` (201 expected) and has `planner` take it; returns the id.
pub async fn submit_and_take(
    app: &axum::Router,
    surveyor: &str,
    planner: &str,
    body: &Value,
) -> i64 {
    let (s, v) = call(
        app,
        "POST",
        "/api/requests",
        Some(surveyor),
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, v) = call(
        app,
        "POST",
        &format!("/api/requests/{id}/take"),
        Some(planner),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    id
}
