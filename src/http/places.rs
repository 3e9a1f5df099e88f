//! "My City" place queries: the nearest services (`/api/nearby`) and what is at a point
//! (`/api/identify`), answered from the in-memory index.

use std::collections::HashSet;

use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::fmt::Write;

use super::params::{Lang, Params};
use super::{ApiError, AppState};
use crate::domain::LayerKind;
use crate::domain::attributes::Attributes;
use crate::domain::opening_hours::riyadh_local;
use crate::domain::public;
use crate::domain::register::StoredFeature;
use crate::index::NearbyQuery;

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

/// The feature's name in `lang`, falling back to the other language.
fn name_in(f: &StoredFeature, lang: Lang) -> Option<&str> {
    let (ar, en) = match f.feature.attributes() {
        Attributes::ServicePoint(s) => (s.name_ar.as_deref(), s.name_en.as_deref()),
        Attributes::District(d) => (d.name_ar.as_deref(), d.name_en.as_deref()),
        _ => return None,
    };
    match lang {
        Lang::Ar => ar.or(en),
        Lang::En => en.or(ar),
    }
}

/// Appends `f` as a GeoJSON feature whose properties start with `name` (in `lang`) and `extra`.
fn write_feature(
    out: &mut String,
    state: &AppState,
    f: &StoredFeature,
    lang: Lang,
    extra: &[(&str, Value)],
) {
    let mut head = Vec::with_capacity(extra.len() + 1);
    if let Some(n) = name_in(f, lang) {
        head.push(("name", Value::from(n)));
    }
    head.extend(extra.iter().cloned());
    public::write_feature(out, f.fid.0, &f.feature, &state.categories, &head, None);
}

fn feature_json(state: &AppState, f: &StoredFeature, lang: Lang, extra: &[(&str, Value)]) -> Value {
    let mut out = String::new();
    write_feature(&mut out, state, f, lang, extra);
    serde_json::from_str(&out).unwrap_or(Value::Null)
}

fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `GET /api/nearby?lon=&lat=&category=&limit=&radius=&open_now=&at=&lang=`
async fn nearby(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
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
    let every = categories.is_empty() && !open_now;
    let filter = |f: &StoredFeature| match f.feature.attributes() {
        _ if every => true,
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
    let mut out = String::with_capacity(256 + found.len() * 768);
    let _ = write!(
        out,
        r#"{{"type":"FeatureCollection","numberReturned":{},"at":{},"features":["#,
        found.len(),
        Value::from(moment.to_rfc3339())
    );
    for (i, n) in found.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut extra = vec![("distance_m", json!((n.distance_m * 100.0).round() / 100.0))];
        if let Attributes::ServicePoint(s) = n.feature.feature.attributes() {
            extra.push((
                "open_now",
                s.opening_hours
                    .as_ref()
                    .map_or(Value::Null, |h| json!(h.is_open(local))),
            ));
        }
        write_feature(&mut out, &state, &n.feature, lang, &extra);
    }
    out.push_str("]}");
    Ok(json_response(out))
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
            .smallest_at(at)
            .map_or(Value::Null, |f| feature_json(&state, f, lang, &[]))
    };
    let street = snapshot
        .layer(LayerKind::Streets)
        .nearest_feature(at, 5_000.0)
        .map_or(Value::Null, |n| {
            let extra = [("distance_m", json!((n.distance_m * 100.0).round() / 100.0))];
            feature_json(&state, &n.feature, lang, &extra)
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
