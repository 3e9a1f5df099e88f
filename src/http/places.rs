//! "My City" place queries: the nearest services (`/api/nearby`) and what is at a point
//! (`/api/identify`), answered from the in-memory index.

use std::collections::HashSet;

use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::params::{Lang, Params};
use super::{ApiError, AppState};
use crate::domain::LayerKind;
use crate::domain::attributes::Attributes;
use crate::domain::opening_hours::riyadh_local;
use crate::domain::public;
use crate::index::NearbyQuery;
use crate::store::StoredFeature;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/nearby", get(nearby))
        .route("/api/identify", get(identify))
}

/// The largest `limit` of /api/nearby.
const MAX_LIMIT: f64 = 100.0;
/// The largest `radius` of /api/nearby, metres.
const MAX_RADIUS_M: f64 = 200_000.0;

fn feature_json(
    state: &AppState,
    f: &StoredFeature,
    lang: Lang,
    extra: Map<String, Value>,
) -> Value {
    let mut props = public::properties(&f.feature, &state.categories);
    let name = match (lang, f.feature.attributes()) {
        (Lang::Ar, Attributes::ServicePoint(s)) => s.name_ar.clone().or(s.name_en.clone()),
        (Lang::En, Attributes::ServicePoint(s)) => s.name_en.clone().or(s.name_ar.clone()),
        (Lang::Ar, Attributes::District(d)) => d.name_ar.clone().or(d.name_en.clone()),
        (Lang::En, Attributes::District(d)) => d.name_en.clone().or(d.name_ar.clone()),
        _ => None,
    };
    let mut head = Map::new();
    if let Some(n) = name {
        head.insert("name".into(), json!(n));
    }
    head.extend(extra);
    head.append(&mut props);
    json!({"type": "Feature", "id": f.fid.0, "geometry": public::geometry(f.feature.geometry()), "properties": head})
}

/// `GET /api/nearby?lon=&lat=&category=&limit=&radius=&open_now=&at=&lang=`
async fn nearby(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let p = Params::parse(
        raw.as_deref(),
        &[
            "lon", "lat", "category", "limit", "radius", "open_now", "at", "lang",
        ],
    )?;
    let at = p.lon_lat()?;
    let limit = p.number("limit", 1.0..=MAX_LIMIT)?.unwrap_or(10.0);
    if limit.fract() != 0.0 {
        return Err(ApiError::BadRequest(format!(
            "limit={limit} must be a whole number"
        )));
    }
    let radius_m = p.number("radius", 1.0..=MAX_RADIUS_M)?;
    let open_now = p.boolean("open_now")?.unwrap_or(false);
    let lang = Lang::from_params(&p)?;
    let moment: DateTime<Utc> = match p.one("at")? {
        None => Utc::now(),
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                ApiError::BadRequest(format!(
                    "at={t:?} is not an RFC 3339 time such as 2026-11-23T18:30:00+03:00"
                ))
            })?,
    };
    let mut categories = HashSet::new();
    for c in p.all("category") {
        let found = state.categories.resolve(c).ok_or_else(|| {
            let known: Vec<String> = state
                .categories
                .all()
                .iter()
                .map(|c| c.code.to_string())
                .collect();
            ApiError::BadRequest(format!(
                "unknown category {c:?}; known categories: {}",
                known.join(", ")
            ))
        })?;
        categories.insert(found.code.clone());
    }
    let local = riyadh_local(moment);
    let filter = |f: &StoredFeature| match f.feature.attributes() {
        Attributes::ServicePoint(s) => {
            (categories.is_empty() || categories.contains(&s.category))
                && (!open_now || s.opening_hours.as_ref().is_some_and(|h| h.is_open(local)))
        }
        _ => false,
    };
    let snapshot = state.index.snapshot();
    let found = snapshot
        .layer(LayerKind::ServicePoints)
        .nearest_points(&NearbyQuery {
            at,
            limit: limit as usize,
            radius_m,
            filter: &filter,
        });
    let features: Vec<Value> = found
        .iter()
        .map(|n| {
            let mut extra = Map::new();
            extra.insert(
                "distance_m".into(),
                json!((n.distance_m * 100.0).round() / 100.0),
            );
            if let Attributes::ServicePoint(s) = n.feature.feature.attributes() {
                extra.insert(
                    "open_now".into(),
                    s.opening_hours
                        .as_ref()
                        .map_or(Value::Null, |h| json!(h.is_open(local))),
                );
            }
            feature_json(&state, &n.feature, lang, extra)
        })
        .collect();
    Ok(Json(json!({
        "type": "FeatureCollection",
        "numberReturned": features.len(),
        "at": moment.to_rfc3339(),
        "features": features,
    })))
}

/// `GET /api/identify?lon=&lat=`: the district, plan and parcel at a point and the nearest street.
async fn identify(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let p = Params::parse(raw.as_deref(), &["lon", "lat", "lang"])?;
    let at = p.lon_lat()?;
    let lang = Lang::from_params(&p)?;
    let snapshot = state.index.snapshot();
    // Where areas overlap or the point is on a shared edge, the smallest area is the most specific.
    let containing = |layer: LayerKind| -> Value {
        snapshot
            .layer(layer)
            .at_point(at)
            .into_iter()
            .min_by(|a, b| {
                a.feature
                    .area_m2()
                    .total_cmp(&b.feature.area_m2())
                    .then(a.fid.cmp(&b.fid))
            })
            .map_or(Value::Null, |f| feature_json(&state, f, lang, Map::new()))
    };
    let street = snapshot
        .layer(LayerKind::Streets)
        .nearest_feature(at, 5_000.0)
        .map_or(Value::Null, |n| {
            let mut extra = Map::new();
            extra.insert(
                "distance_m".into(),
                json!((n.distance_m * 100.0).round() / 100.0),
            );
            feature_json(&state, &n.feature, lang, extra)
        });
    Ok(Json(json!({
        "lon": at.x,
        "lat": at.y,
        "district": containing(LayerKind::Districts),
        "plan": containing(LayerKind::Plans),
        "parcel": containing(LayerKind::Parcels),
        "nearest_street": street,
    })))
}
