//! The register's history and its audit over HTTP: `GET /api/parcels/{fid}/lineage` (public:
//! fids, kinds, requests and times, no personal data), `GET /api/parcels/{fid}/owner`
//! (planners, admins, and a surveyor with a request on the parcel), `GET /api/audit` (admins).

use std::collections::{BTreeMap, VecDeque};

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Signed;
use super::{ApiError, AppState};
use crate::domain::account::{Role, UserId};
use crate::domain::audit::AuditQuery;
use crate::domain::register::LineageEdge;
use crate::domain::request::{RequestFilter, RequestId};
use crate::domain::{FeatureId, LayerKind};

/// Most generations followed up or down.
const MAX_GENERATIONS: usize = 64;

fn parse_fid(s: &str) -> Result<FeatureId, ApiError> {
    s.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .map(FeatureId)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "there is no parcel {s:?}: ids are positive integers"
            ))
        })
}

fn edge_json(e: &LineageEdge, relative: FeatureId, generation: usize) -> Value {
    json!({
        "fid": relative.0,
        "parent": e.parent.0,
        "child": e.child.0,
        "kind": e.kind.edge_name(),
        "request": e.request_id,
        "at": e.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "generation": generation,
    })
}

async fn lineage(
    State(state): State<AppState>,
    Path(fid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let fid = parse_fid(&fid)?;
    if state
        .store
        .feature(LayerKind::Parcels, fid)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound(format!("there is no parcel {}", fid.0)));
    }
    // Breadth-first up (ancestors) and down (descendants), each parcel visited once.
    let mut out: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for up in [true, false] {
        let mut seen = vec![fid];
        let mut queue = VecDeque::from([(fid, 0usize)]);
        let mut found = Vec::new();
        while let Some((at, generation)) = queue.pop_front() {
            if generation >= MAX_GENERATIONS {
                continue;
            }
            for e in state.store.lineage(at).await? {
                let (this, next) = if up {
                    (e.child, e.parent)
                } else {
                    (e.parent, e.child)
                };
                if this != at || seen.contains(&next) {
                    continue;
                }
                seen.push(next);
                found.push(edge_json(&e, next, generation + 1));
                queue.push_back((next, generation + 1));
            }
        }
        out.insert(if up { "ancestors" } else { "descendants" }, found);
    }
    Ok(Json(json!({
        "fid": fid.0,
        "ancestors": out.remove("ancestors").unwrap_or_default(),
        "descendants": out.remove("descendants").unwrap_or_default(),
    })))
}

async fn owner(
    State(state): State<AppState>,
    signed: Signed,
    Path(fid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let fid = parse_fid(&fid)?;
    let user = &signed.actor.user;
    let allowed = user.may_act_as(Role::Planner)
        || user.may_act_as(Role::Admin)
        || (user.may_act_as(Role::Surveyor)
            && !state
                .store
                .requests(&RequestFilter {
                    author: Some(user.id),
                    parcel: Some(fid),
                    ..RequestFilter::default()
                })
                .await?
                .is_empty());
    if !allowed {
        return Err(ApiError::Forbidden(
            "owners are shown to planners, admins, and the surveyor of a request on the parcel"
                .into(),
        ));
    }
    match state.store.parcel_owner(fid).await? {
        Some(o) => Ok(Json(
            json!({"parcel": fid.0, "name": o.name, "national_id": o.national_id.as_str()}),
        )),
        None => Err(ApiError::NotFound(format!(
            "parcel {} has no recorded owner",
            fid.0
        ))),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditParams {
    request: Option<i64>,
    actor: Option<i64>,
    since: Option<String>,
    limit: Option<u32>,
}

async fn audit(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<AuditParams>,
) -> Result<Json<Value>, ApiError> {
    crate::app::auth::require(&signed.actor.user, Role::Admin, "read the audit log")?;
    let since = q
        .since
        .as_deref()
        .map(|s| {
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|e| ApiError::BadRequest(format!("since: {e}; e.g. 2026-12-01T00:00:00Z")))
        })
        .transpose()?;
    let rows = state
        .store
        .audit(&AuditQuery {
            request: q.request.map(RequestId),
            actor: q.actor.map(UserId),
            since,
            limit: q.limit,
        })
        .await?;
    Ok(Json(json!({"entries": rows, "numberReturned": rows.len()})))
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/parcels/{fid}/lineage", get(lineage))
        .route("/api/parcels/{fid}/owner", get(owner))
        .route("/api/audit", get(audit))
}
