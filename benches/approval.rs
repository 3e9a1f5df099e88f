//! The latency of an approval, end to end, at city and province size: `app::workflow::decide`
//! of a 2-way split (checks again on today's register, one unit of work on the GeoPackage, the
//! index's change set, the tile purge, the history), then of the publish alone as it happens
//! inside (index apply + purge), p50/p99.
//!
//! `cargo bench --bench approval [-- city|province|STORE.gpkg]` (default `city`): builds that demo
//! into a temporary file (or copies STORE), adds a surveyor and a planner, then for
//! `APPROVALS` (default 200) parcels: submit and take (not timed), approve (timed).

use std::sync::Arc;
use std::time::{Duration, Instant};

use geo::{Centroid, Coord};
use madinati::app::audit::Actor;
use madinati::app::auth::{NewUser, add_user};
use madinati::app::workflow::{self, Decision, SubmissionBody};
use madinati::demo::{self, DemoSize};
use madinati::domain::account::Roles;
use madinati::domain::checks::cut_by_line;
use madinati::domain::{LayerKind, ValidGeometry};
use madinati::http::AppState;
use madinati::index::ChangeSet;
use madinati::store::{self, AsOf, StoredFeature};
use serde_json::{Value, json};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn body(parent: &StoredFeature) -> Option<Value> {
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
        "kind": "subdivision",
        "parcels": [parent.fid.0],
        "proposed": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"parcel_no": format!("B{}-1", parent.fid.0)}, "geometry": {"type": "Polygon", "coordinates": ring(&a)}},
            {"type": "Feature", "properties": {"parcel_no": format!("B{}-2", parent.fid.0)}, "geometry": {"type": "Polygon", "coordinates": ring(&b)}},
        ]},
    }))
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{what}: p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms  ({} approvals)",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |t| t.as_secs_f64() * 1e3),
        times.len()
    );
}

#[tokio::main]
async fn main() {
    let arg = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| "city".into());
    let approvals: usize = std::env::var("APPROVALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.gpkg");
    let store = match arg.as_str() {
        "city" | "province" | "small" => {
            let size = match arg.as_str() {
                "city" => DemoSize::City,
                "small" => DemoSize::Small,
                _ => DemoSize::Province,
            };
            let store = store::open(&path, true).await.unwrap();
            let t = Instant::now();
            demo::build(store.as_ref(), size, 1, &mut |_, _, _| {})
                .await
                .unwrap();
            println!("built the {arg} demo in {:.1} s", t.elapsed().as_secs_f64());
            store
        }
        file => {
            std::fs::copy(file, &path).unwrap();
            store::open(&path, false).await.unwrap()
        }
    };
    for (name, roles) in [("bench-surveyor", "surveyor"), ("bench-planner", "planner")] {
        let _ = add_user(
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
        .await;
    }
    let t = Instant::now();
    let state = AppState::load(store.clone(), Default::default())
        .await
        .unwrap();
    let parcels = state.index.snapshot().layer(LayerKind::Parcels).len();
    println!(
        "index of {parcels} parcels loaded in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let app = state.app.clone();
    let actor = |name: &str| {
        let store = store.clone();
        let name = name.to_string();
        async move {
            let account = store
                .account(&name.as_str().try_into().unwrap())
                .await
                .unwrap()
                .unwrap();
            Actor {
                user: account.user,
                client: None,
            }
        }
    };
    let (surveyor, planner) = (actor("bench-surveyor").await, actor("bench-planner").await);

    // Parcels that split cleanly, taken through submit and take.
    let mut candidates = store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    candidates.sort_by(|a, b| b.feature.area_m2().total_cmp(&a.feature.area_m2()));
    let mut ids = Vec::new();
    for parent in candidates.iter().step_by(7) {
        if ids.len() == approvals {
            break;
        }
        let Some(b) = body(parent) else { continue };
        let sub: SubmissionBody = serde_json::from_value(b).unwrap();
        let Ok(r) = workflow::submit(&app, &surveyor, sub).await else {
            continue;
        };
        workflow::take(&app, &planner, r.id).await.unwrap();
        ids.push(r.id);
    }
    println!("{} requests submitted and taken", ids.len());

    let mut whole = Vec::with_capacity(ids.len());
    for id in &ids {
        let t = Instant::now();
        let r = workflow::decide(&app, &planner, *id, Decision::Approve, None, Vec::new())
            .await
            .unwrap();
        whole.push(t.elapsed());
        assert_eq!(r.created.len(), 2);
    }
    report(
        &format!("approval of a 2-way split, {parcels} parcels (checks, commit, publish)"),
        whole,
    );

    // The publish step alone: a change set of the same shape (2 children in, 1 parent out)
    // taken back and forth on the live index and tile cache.
    let snapshot = state.index.snapshot();
    let layer = snapshot.layer(LayerKind::Parcels);
    let sample: Vec<Arc<StoredFeature>> = layer.iter().step_by(97).take(3 * 200).cloned().collect();
    let mut publish = Vec::new();
    for chunk in sample.chunks(3) {
        let [p, a, b] = chunk else { break };
        let out = ChangeSet {
            upserts: Vec::new(),
            removed: vec![a.fid, b.fid],
        };
        let back = ChangeSet {
            upserts: vec![(**a).clone(), (**b).clone()],
            removed: vec![p.fid],
        };
        let restore = ChangeSet {
            upserts: vec![(**p).clone()],
            removed: Vec::new(),
        };
        state.publish(LayerKind::Parcels, out);
        let t = Instant::now();
        state.publish(LayerKind::Parcels, back);
        publish.push(t.elapsed());
        state.publish(LayerKind::Parcels, restore);
    }
    report(
        &format!("publish of 3 parcels (index change set + tile purge), {parcels} parcels"),
        publish,
    );
}
