//! Checking and approving a 2,000-lot plan at city or province size: `app::workflow` submit
//! (every check), the technical review's approval (every check again), the committee's take
//! and approval (the checks again, one unit of work inserting the plan, 2,000 lots and the
//! streets, then the publish of three layers), each timed once.
//!
//! `cargo bench --bench plan [-- city|province|small]` (default `city`); `LOTS` sets the lots
//! (default 2,000: 50 rows of 50 plots of 20 × 30 m, four in five lots and one a park, a 20 m
//! street between each pair of rows).

use std::time::Instant;

use madinati::app::audit::Actor;
use madinati::app::auth::{NewUser, add_user};
use madinati::app::workflow::{self, Decision, SubmissionBody};
use madinati::demo::{self, DemoSize};
use madinati::domain::LayerKind;
use madinati::domain::account::Roles;
use madinati::http::AppState;
use madinati::store;
use serde_json::{Value, json};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A plan of `rows` × `cols` lots of 20 × 30 m: each pair of rows faces a 20 m street.
fn plan(rows: usize, cols: usize) -> Value {
    let (lon0, lat0) = (50.6_f64, 26.9_f64);
    let kx = 1.0 / (111_320.0 * lat0.to_radians().cos());
    let ky = 1.0 / 110_850.0;
    let pt = |x: f64, y: f64| json!([lon0 + x * kx, lat0 + y * ky]);
    let rect = |x0: f64, y0: f64, x1: f64, y1: f64| json!({"type": "Polygon", "coordinates": [[pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1), pt(x0, y0)]]});
    let width = cols as f64 * 20.0;
    // A band: lots (30 m), street (20 m), lots (30 m).
    let bands = rows.div_ceil(2);
    let height = bands as f64 * 80.0;
    let mut features = vec![
        json!({"type": "Feature", "properties": {"role": "boundary"}, "geometry": rect(0.0, 0.0, width, height)}),
    ];
    let mut no = 0;
    for b in 0..bands {
        let y = b as f64 * 80.0;
        features.push(json!({"type": "Feature", "properties": {"role": "street", "width_m": 20, "name_en": format!("Street {b}")},
            "geometry": {"type": "LineString", "coordinates": [pt(0.0, y + 40.0), pt(width, y + 40.0)]}}));
        for (y0, y1) in [(y, y + 30.0), (y + 50.0, y + 80.0)] {
            for c in 0..cols {
                no += 1;
                let x = c as f64 * 20.0;
                // Every fifth plot is a park, for the public share (a third in all).
                let role = if c % 5 == 4 { "public" } else { "lot" };
                features.push(json!({"type": "Feature", "properties": {"role": role, "parcel_no": no.to_string(), "block_no": b.to_string()},
                    "geometry": rect(x, y0, x + 20.0, y1)}));
            }
        }
    }
    json!({"kind": "plan_approval", "plan_no": "99/9001", "name": "bench", "plan": {"type": "FeatureCollection", "features": features}})
}

#[tokio::main]
async fn main() {
    let arg = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| "city".into());
    let lots: usize = std::env::var("LOTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir().unwrap();
    let store = store::open(&dir.path().join("bench.gpkg"), true)
        .await
        .unwrap();
    let size = match arg.as_str() {
        "province" => DemoSize::Province,
        "small" => DemoSize::Small,
        _ => DemoSize::City,
    };
    demo::build(store.as_ref(), size, 1, &mut |_, _, _| {})
        .await
        .unwrap();
    for (name, roles) in [
        ("bench-s", "surveyor"),
        ("bench-p1", "planner"),
        ("bench-p2", "planner"),
    ] {
        add_user(
            store.as_ref(),
            NewUser {
                username: name.into(),
                password: "a bench password".into(),
                roles: Roles::parse(roles).unwrap(),
                name_ar: None,
                name_en: None,
                national_id: None,
                phone: None,
                email: None,
            },
            "bench",
        )
        .await
        .unwrap();
    }
    let state = AppState::load(store.clone(), Default::default())
        .await
        .unwrap();
    let parcels = state.index.snapshot().layer(LayerKind::Parcels).len();
    let app = state.app.clone();
    let actor = |name: &'static str| {
        let store = store.clone();
        async move {
            let account = store
                .account(&name.try_into().unwrap())
                .await
                .unwrap()
                .unwrap();
            Actor {
                user: account.user,
                client: None,
            }
        }
    };
    let (s, p1, p2) = (
        actor("bench-s").await,
        actor("bench-p1").await,
        actor("bench-p2").await,
    );
    let cols = 50;
    // Four in five plots of a row are lots.
    let rows = lots.div_ceil(cols * 4 / 5);
    let body: SubmissionBody = serde_json::from_value(plan(rows, cols)).unwrap();
    println!(
        "{arg}: {parcels} parcels; a plan of {} rows × {cols} (4 in 5 plots lots, 1 in 5 parks)",
        rows
    );

    let t = Instant::now();
    let r = workflow::submit(&app, &s, body).await.unwrap();
    println!("submit (every check): {:.2} s", t.elapsed().as_secs_f64());
    workflow::take(&app, &p1, r.id).await.unwrap();
    let t = Instant::now();
    workflow::decide(&app, &p1, r.id, Decision::Approve, None, Vec::new())
        .await
        .unwrap();
    println!(
        "technical approval (every check again): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    workflow::take(&app, &p2, r.id).await.unwrap();
    let t = Instant::now();
    let done = workflow::decide(&app, &p2, r.id, Decision::Approve, None, Vec::new())
        .await
        .unwrap();
    println!(
        "committee approval (checks, one transaction, publish of {} lots): {:.2} s",
        done.created.len(),
        t.elapsed().as_secs_f64()
    );
    // The publish alone: the same 2,000 lots as one change set again (index and tile purge).
    let mut upserts = Vec::new();
    for fid in &done.created {
        upserts.push(
            store
                .feature(LayerKind::Parcels, *fid)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    let t = Instant::now();
    app.publish(
        LayerKind::Parcels,
        madinati::index::ChangeSet {
            upserts,
            removed: Vec::new(),
        },
    );
    println!(
        "publish of the lots alone: {:.3} s",
        t.elapsed().as_secs_f64()
    );
    store.close().await;
}
