//! OGC API – Features over HTTP: the routes, the server's URL for links (from `Host`, or
//! `X-Forwarded-Host`/`X-Forwarded-Proto` behind a proxy), media types and the `Content-Crs`
//! header. Everything else is `crate::ogc`; work that reads many features runs on the blocking
//! pool so a large filter never stalls other requests.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use super::{ApiError, AppState};
use crate::domain::FeatureId;
use crate::ogc::params::{ItemRequest, ItemsRequest};
use crate::ogc::query::Query;
use crate::ogc::{
    GEOJSON, JSON, OPENAPI, OgcError, SCHEMA, collection, documents, items, openapi, queryables,
    title,
};

/// The OGC API routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(landing))
        .route("/conformance", get(conformance))
        .route("/api", get(api))
        .route("/collections", get(collections))
        .route("/collections/{id}", get(describe))
        .route("/collections/{id}/items", get(features))
        .route("/collections/{id}/items/{fid}", get(feature))
        .route("/collections/{id}/queryables", get(queryables_of))
}

impl From<OgcError> for ApiError {
    fn from(e: OgcError) -> ApiError {
        match e {
            OgcError::BadRequest(m) => ApiError::BadRequest(m),
            OgcError::NotFound(m) => ApiError::NotFound(m),
        }
    }
}

/// The server's URL as the client reached it, without a trailing slash ("" when unknown, and
/// links are then relative to the root).
pub(super) fn base_url(headers: &HeaderMap) -> String {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = text("x-forwarded-host")
        .and_then(|h| h.split(',').next())
        .or_else(|| text(header::HOST.as_str()))
        .map(str::trim)
        .filter(|h| !h.is_empty() && !h.contains(['/', ' ', '"', '\\']));
    let proto = match text("x-forwarded-proto").map(str::trim) {
        Some("https") => "https",
        _ => "http",
    };
    host.map_or(String::new(), |h| format!("{proto}://{h}"))
}

fn respond_bytes(
    media: &'static str,
    bytes: Vec<u8>,
    crs: Option<&'static str>,
) -> Result<Response, ApiError> {
    let mut res = Response::new(Body::from(bytes));
    *res.status_mut() = StatusCode::OK;
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    if let Some(uri) = crs {
        let value = HeaderValue::from_str(&format!("<{uri}>"))
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        res.headers_mut().insert("content-crs", value);
    }
    Ok(res)
}

fn respond(
    media: &'static str,
    body: &Value,
    crs: Option<&'static str>,
) -> Result<Response, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|e| ApiError::Internal(e.to_string()))?;
    respond_bytes(media, bytes, crs)
}

/// Runs `work` on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, OgcError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(format!("an OGC API task failed: {e}")))?
        .map_err(ApiError::from)
}

fn no_parameters(raw: Option<&str>) -> Result<(), ApiError> {
    Query::parse(raw)?.only(|_| false, "no query parameters")?;
    Ok(())
}

/// `GET /`: the map page for browsers (an `Accept` that prefers HTML, or `f=html`; the page reads
/// its own parameters, such as `style`), the OGC API landing page otherwise (`f=json` forces it).
async fn landing(headers: HeaderMap, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let query = Query::parse(raw.as_deref())?;
    let f = query.one("f")?;
    if let Some(f) = f
        && !f.eq_ignore_ascii_case("json")
        && !f.eq_ignore_ascii_case("html")
    {
        return Err(ApiError::BadRequest(format!(
            "f={f}: expected f=json or f=html"
        )));
    }
    if super::viewer::wants_html(&headers, f) {
        return Ok(super::viewer::page().await);
    }
    query.only(|k| k == "f", "only f (json or html)")?;
    respond(JSON, &documents::landing(&base_url(&headers)), None)
}

async fn conformance(RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    no_parameters(raw.as_deref())?;
    respond(JSON, &documents::conformance(), None)
}

async fn api(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_parameters(raw.as_deref())?;
    let base = base_url(&headers);
    let doc = blocking(move || {
        let snapshot = state.index.snapshot();
        Ok(openapi::document(&snapshot, &base, &state.categories))
    })
    .await?;
    respond(OPENAPI, &doc, None)
}

async fn collections(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_parameters(raw.as_deref())?;
    let base = base_url(&headers);
    let doc = blocking(move || Ok(documents::collections(&state.index.snapshot(), &base))).await?;
    respond(JSON, &doc, None)
}

async fn describe(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let layer = collection(&id)?;
    no_parameters(raw.as_deref())?;
    let base = base_url(&headers);
    let doc = blocking(move || {
        Ok(documents::collection(
            state.index.snapshot().layer(layer),
            &base,
        ))
    })
    .await?;
    respond(JSON, &doc, None)
}

async fn features(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let layer = collection(&id)?;
    let base = base_url(&headers);
    // A small page is written here; anything else (a filter, a large box or page) on the blocking
    // pool, parsed there again since a filter's prepared geometry stays on one thread.
    let snapshot = state.index.snapshot();
    let history = state.app.history.layer(layer);
    let query = Query::parse(raw.as_deref())?;
    let categories = state.categories;
    let page = move |query: &Query, small_only: bool| {
        let index = snapshot.layer(layer);
        let req = ItemsRequest::parse(index, query)?;
        if small_only && !req.is_small() {
            return Ok(None);
        }
        let page = items::select(index, Some(&history), &req, &categories, snapshot.version);
        let text = items::collection_json(layer, &page, &req, &base, &categories)?;
        Ok::<_, OgcError>(Some((text.into_bytes(), req.crs.uri())))
    };
    let answer = match page(&query, true)? {
        Some(answer) => Some(answer),
        None => blocking(move || page(&query, false)).await?,
    };
    let (bytes, crs) =
        answer.ok_or_else(|| ApiError::Internal("an items page was not written".into()))?;
    respond_bytes(GEOJSON, bytes, Some(crs))
}

async fn feature(
    State(state): State<AppState>,
    Path((id, fid)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let layer = collection(&id)?;
    let req = ItemRequest::parse(&Query::parse(raw.as_deref())?)?;
    let missing = || {
        ApiError::NotFound(format!(
            "no feature {fid:?} in {id}; feature ids are the id members of /collections/{id}/items"
        ))
    };
    let n: i64 = fid.trim().parse().map_err(|_| missing())?;
    let snapshot = state.index.snapshot();
    let history = state.app.history.layer(layer);
    let f = items::one(
        layer,
        snapshot.layer(layer),
        &history,
        FeatureId(n),
        req.datetime.as_ref(),
    )?
    .ok_or_else(missing)?;
    let crs = req.crs;
    let mut doc = items::feature_json(f, &crs, &state.categories)?;
    let base = base_url(&headers);
    doc["links"] = json!([
        {"href": format!("{base}/collections/{id}/items/{n}"), "rel": "self", "type": GEOJSON, "title": "this feature"},
        {"href": format!("{base}/collections/{id}"), "rel": "collection", "type": JSON, "title": title(layer)},
    ]);
    respond(GEOJSON, &doc, Some(crs.uri()))
}

async fn queryables_of(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let layer = collection(&id)?;
    no_parameters(raw.as_deref())?;
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // JSON Schema's own type unless the client asks for plain JSON only.
    let media = if accept.contains(JSON) && !accept.contains(SCHEMA) {
        JSON
    } else {
        SCHEMA
    };
    let base = base_url(&headers);
    let doc = blocking(move || {
        let snapshot = state.index.snapshot();
        Ok(queryables::queryables(
            snapshot.layer(layer),
            &base,
            &state.categories,
        ))
    })
    .await?;
    respond(media, &doc, None)
}
