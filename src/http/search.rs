//! `GET /api/search?q=&near=lon,lat&lang=ar|en&limit=`: service points, districts, plans and
//! parcels by name, plan number or parcel reference, answered from memory (`crate::search`).
//!
//! The answer is a GeoJSON FeatureCollection: `numberMatched` (features matching every word, plus
//! partial matches when those are fewer than `limit`), `numberReturned`, and features with their
//! geometry (and `bbox` for polygons, so a client can zoom to them) and these properties first:
//! - `name` in `lang` (Arabic by default; the other language when missing); a plan's name, or
//!   `Plan 123: <name>` in English; a parcel's numbers, `قطعة 17 بلك 4 مخطط 123` or
//!   `Parcel 17, block 4, plan 123`;
//! - `layer`; `match`, the field that matched (`name_ar`, `name_en`, `name`, `category`,
//!   `plan_no`, `parcel_ref`); `score` (1 exact, 0.8 whole words, 0.6 prefixes, below 0.6
//!   partial); `distance_m` (geodesic, metres) when `near` is given;
//!
//! then the public properties (`domain::public`). The search index is built by the first query
//! after each change of the index, which logs how long it took.

use std::time::Instant;

use axum::extract::{RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use geo::Coord;
use serde_json::{Map, Value, json};

use super::params::{Lang, Params};
use super::{ApiError, AppState};
use crate::domain::attributes::Attributes;
use crate::domain::category::CategoryRegistry;
use crate::domain::{Feature, ValidGeometry, public};
use crate::search::{Found, SearchCache, SearchRequest, normalize};

/// The search indexes of the live index, one per snapshot version.
static SEARCH: SearchCache = SearchCache::new();

/// The longest `q`, in characters.
const MAX_QUERY_CHARS: usize = 200;
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;
const PARAMETERS: [&str; 4] = ["q", "near", "lang", "limit"];

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/search", get(search))
}

struct SearchParams {
    q: String,
    near: Option<Coord>,
    lang: Lang,
    limit: usize,
}

fn bad(message: String) -> ApiError {
    ApiError::BadRequest(message)
}

fn parse(raw: Option<&str>) -> Result<SearchParams, ApiError> {
    let p = Params::parse(raw, &PARAMETERS)?;
    let q = p.one("q")?.ok_or_else(|| {
        bad("q is required: the text to search for, 1 to 200 characters (e.g. q=صيدلية)".into())
    })?;
    let q = q.trim().to_string();
    if q.is_empty() {
        return Err(bad(
            "q is empty: give the text to search for, 1 to 200 characters".into(),
        ));
    }
    let chars = q.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(bad(format!(
            "q is too long ({chars} characters): give at most {MAX_QUERY_CHARS}"
        )));
    }
    if normalize::words(&q).is_empty() {
        return Err(bad(format!(
            "q={q:?} has no letters or digits to search for"
        )));
    }
    Ok(SearchParams {
        q,
        near: p.one("near")?.map(parse_near).transpose()?,
        lang: Lang::from_params(&p)?,
        limit: match p.one("limit")? {
            None => DEFAULT_LIMIT,
            Some(l) => l
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    bad(format!(
                        "limit must be a whole number from 1 to {MAX_LIMIT}, got {l:?}"
                    ))
                })?,
        },
    })
}

/// `near=lon,lat`, degrees (EPSG:4326).
fn parse_near(text: &str) -> Result<Coord, ApiError> {
    let malformed = || {
        bad(format!(
            "near must be lon,lat in degrees (EPSG:4326), e.g. near=50.10,26.43; got {text:?}"
        ))
    };
    let mut parts = text.split(',').map(str::trim);
    let (Some(lon), Some(lat), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(malformed());
    };
    let (Ok(x), Ok(y)) = (lon.parse::<f64>(), lat.parse::<f64>()) else {
        return Err(malformed());
    };
    if !(x.is_finite() && (-180.0..=180.0).contains(&x)) {
        return Err(bad(format!(
            "near's longitude {lon} is out of range: it must be between -180 and 180 (near=lon,lat)"
        )));
    }
    if !(y.is_finite() && (-90.0..=90.0).contains(&y)) {
        return Err(bad(format!(
            "near's latitude {lat} is out of range: it must be between -90 and 90 (near=lon,lat)"
        )));
    }
    Ok(Coord { x, y })
}

async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let p = parse(raw.as_deref())?;
    let started = Instant::now();
    let snapshot = state.index.snapshot();
    let index = SEARCH
        .get(&state.index, &snapshot)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let request = SearchRequest {
        text: p.q,
        near: p.near,
        limit: p.limit,
    };
    let answer = index.search(&snapshot, &state.categories, &request);
    tracing::debug!(
        matched = answer.matched,
        returned = answer.results.len(),
        milliseconds = started.elapsed().as_secs_f64() * 1000.0,
        "search"
    );
    let features: Vec<Value> = answer
        .results
        .iter()
        .map(|f| feature(f, p.lang, &state.categories))
        .collect();
    Ok(Json(json!({
        "type": "FeatureCollection",
        "numberMatched": answer.matched,
        "numberReturned": features.len(),
        "features": features,
    })))
}

fn feature(found: &Found, lang: Lang, categories: &CategoryRegistry) -> Value {
    let f = &found.feature.feature;
    let mut props = Map::new();
    props.insert(
        "name".into(),
        display_name(f, lang).map_or(Value::Null, Value::from),
    );
    props.insert("layer".into(), json!(found.layer.id()));
    props.insert("match".into(), json!(found.field.as_str()));
    props.insert(
        "score".into(),
        json!((found.score * 1000.0).round() / 1000.0),
    );
    if let Some(d) = found.distance_m {
        props.insert("distance_m".into(), json!((d * 10.0).round() / 10.0));
    }
    for (k, v) in public::properties(f, categories) {
        props.entry(k).or_insert(v);
    }
    let g = f.geometry();
    let mut out = Map::new();
    out.insert("type".into(), json!("Feature"));
    out.insert("id".into(), json!(found.feature.fid.0));
    if !matches!(g, ValidGeometry::Point(_)) {
        let b = g.bbox();
        out.insert("bbox".into(), json!([b.min_x, b.min_y, b.max_x, b.max_y]));
    }
    out.insert("geometry".into(), public::geometry(g));
    out.insert("properties".into(), Value::Object(props));
    Value::Object(out)
}

/// The name shown for a result in `lang`.
fn display_name(f: &Feature, lang: Lang) -> Option<String> {
    let pick = |ar: &Option<String>, en: &Option<String>| match lang {
        Lang::Ar => ar.clone().or_else(|| en.clone()),
        Lang::En => en.clone().or_else(|| ar.clone()),
    };
    match f.attributes() {
        Attributes::ServicePoint(s) => pick(&s.name_ar, &s.name_en),
        Attributes::District(d) => pick(&d.name_ar, &d.name_en),
        Attributes::Street(s) => pick(&s.name_ar, &s.name_en),
        Attributes::Plan(p) => Some(match (lang, &p.name) {
            (Lang::Ar, Some(name)) => name.clone(),
            (Lang::Ar, None) => format!("مخطط {}", p.plan_no),
            (Lang::En, Some(name)) => format!("Plan {}: {name}", p.plan_no),
            (Lang::En, None) => format!("Plan {}", p.plan_no),
        }),
        Attributes::Parcel(p) => {
            let (parcel, block, plan) = match lang {
                Lang::Ar => ("قطعة", "بلك", "مخطط"),
                Lang::En => ("Parcel", "block", "plan"),
            };
            let sep = if lang == Lang::En { ", " } else { " " };
            let mut parts = vec![format!("{parcel} {}", p.parcel_no)];
            parts.extend(p.block_no.as_ref().map(|b| format!("{block} {b}")));
            parts.extend(p.plan_no.as_ref().map(|n| format!("{plan} {n}")));
            Some(parts.join(sep))
        }
    }
}
