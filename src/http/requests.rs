//! Land requests over HTTP: thin handlers over `app::workflow`.
//!
//! `POST /api/requests` (surveyor), `POST /api/requests/check` (surveyor, stores nothing),
//! `GET /api/requests` (a surveyor's own; planners and admins see all; filtered by status, kind,
//! parcel, district and age), `GET /api/requests/{id}`
//! (with history, and the owners for those who may see them), `PUT /api/requests/{id}` (amend a
//! returned request), `POST /api/requests/{id}/take`, `.../decision`, `.../withdraw`. Every
//! request answered names the district its land lies in (`app::queue`).

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Signed;
use super::body::{JsonBody, MAX_BODY_BYTES};
use super::{ApiError, AppState};
use crate::app::audit::Actor;
use crate::app::queue::{Locator, QueueFilter, district_json};
use crate::app::workflow::{self, Decision, SubmissionBody};
use crate::domain::FeatureId;
use crate::domain::account::Role;
use crate::domain::request::{LandRequest, RequestFilter, RequestId};

fn ids(v: &[FeatureId]) -> Value {
    Value::Array(v.iter().map(|f| json!(f.0)).collect())
}

/// A request as listed; `district` as `app::queue::district_json` writes it.
fn summary(r: &LandRequest, district: Value) -> Value {
    json!({
        "id": r.id.0,
        "kind": r.kind.code(),
        "status": r.status.code(),
        "submitted_by": r.submitted_by.0,
        "surveyor": r.surveyor.map(|u| u.0),
        "reviewer": r.reviewer.map(|u| u.0),
        "parcels": ids(&r.parcels),
        "created": ids(&r.created),
        "retired": ids(&r.retired),
        "note": r.note,
        "created_at": r.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "updated_at": r.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "version": r.version,
        "serial": r.issued.as_ref().map(|i| i.serial.clone()),
        "issued_at": r.issued.as_ref().map(|i| i.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        "district": district,
    })
}

/// Whether `actor` may see the owners of request `r`'s parcels: planners, admins, and the
/// surveyor of the request (not a surveyor merely looking at a sketch request to take up).
fn may_see_owners(actor: &Actor, r: &LandRequest) -> bool {
    actor.user.may_act_as(Role::Planner)
        || actor.user.may_act_as(Role::Admin)
        || (r.is_author(actor.user.id) && actor.user.may_act_as(Role::Surveyor))
}

/// A request in full: its proposal, checks, history and (for those who may) owners.
async fn detail(state: &AppState, actor: &Actor, r: &LandRequest) -> Result<Value, ApiError> {
    let district = Locator::new(&state.index).district(r);
    let mut v = summary(r, district_json(district.as_deref()));
    v["crs"] = json!(r.crs);
    v["proposed"] = r.proposed.clone();
    v["checks"] = r.checks.clone();
    // A deed update's deed names its owner: shown as the owners are.
    let mut details = r.details.clone();
    if !may_see_owners(actor, r)
        && let Some(d) = details.get_mut("deed")
        && let Some(o) = d.as_object_mut()
    {
        o.remove("owner");
    }
    v["details"] = details;
    if let Some(code) = crate::app::verify::code(&state.app, r).await? {
        v["verify_code"] = json!(code);
    }
    let history = state.store.request_events(r.id).await?;
    v["history"] = serde_json::to_value(&history).unwrap_or(Value::Null);
    if may_see_owners(actor, r) {
        let mut owners = Vec::new();
        for p in &r.parcels {
            if let Some(o) = state.store.parcel_owner(*p).await? {
                owners.push(
                    json!({"parcel": p.0, "name": o.name, "national_id": o.national_id.as_str()}),
                );
            }
        }
        v["owners"] = Value::Array(owners);
    }
    Ok(v)
}

fn parse_id(id: &str) -> Result<RequestId, ApiError> {
    id.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .map(RequestId)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "there is no request {id:?}: ids are positive integers"
            ))
        })
}

async fn submit(
    State(state): State<AppState>,
    signed: Signed,
    JsonBody(body): JsonBody<SubmissionBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let r = workflow::submit(&state.app, &signed.actor, body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": r.id.0, "status": r.status.code(), "checks": r.checks})),
    ))
}

async fn check(
    State(state): State<AppState>,
    signed: Signed,
    JsonBody(body): JsonBody<SubmissionBody>,
) -> Result<Json<Value>, ApiError> {
    let eval = workflow::check(&state.app, &signed.actor, body).await?;
    Ok(Json(
        json!({"passed": eval.passed(), "checks": eval.checks_json()}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<String>,
    kind: Option<String>,
    parcel: Option<i64>,
    /// Read here, so that a bad value's answer says what is expected.
    district: Option<String>,
    older_than_days: Option<String>,
}

/// `district=`: a current district's feature id.
fn parse_district(text: &str, locator: &Locator) -> Result<FeatureId, ApiError> {
    let fid = text
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|f| *f > 0)
        .map(FeatureId)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "district={text:?} is not a district id: give the positive integer id of a \
                 district, as in /collections/districts/items/{{fid}}"
            ))
        })?;
    if !locator.is_district(fid) {
        return Err(ApiError::BadRequest(format!(
            "district={}: there is no current district with this id; the districts are \
             listed at /collections/districts/items",
            fid.0
        )));
    }
    Ok(fid)
}

/// `older_than_days=`: a whole number of days, 0 or more.
fn parse_days(text: &str) -> Result<u64, ApiError> {
    text.trim().parse::<u64>().map_err(|_| {
        ApiError::BadRequest(format!(
            "older_than_days={text:?} is not a number of days: give a whole number, 0 or more"
        ))
    })
}

async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let user = &signed.actor.user;
    let sees_all = user.may_act_as(Role::Planner) || user.may_act_as(Role::Admin);
    // Surveyors and owners list their own (surveyors also the sketch requests waiting for one);
    // planners and admins list all.
    let filter = RequestFilter {
        status: q
            .status
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(ApiError::BadRequest)?,
        kind: q
            .kind
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(ApiError::BadRequest)?,
        author: (!sees_all).then_some(user.id),
        with_unprepared: user.may_act_as(Role::Surveyor),
        parcel: q.parcel.map(FeatureId),
    };
    let mut locator = Locator::new(&state.index);
    let queue = QueueFilter {
        district: q
            .district
            .as_deref()
            .map(|d| parse_district(d, &locator))
            .transpose()?,
        created_by: q
            .older_than_days
            .as_deref()
            .map(parse_days)
            .transpose()?
            .map(|days| QueueFilter::days_before(chrono::Utc::now(), days)),
    };
    let rs = state.store.requests(&filter).await?;
    let listed: Vec<Value> = rs
        .iter()
        .filter(|r| queue.old_enough(r))
        .filter_map(|r| {
            let district = locator.district(r);
            queue
                .in_district(district.as_deref())
                .then(|| summary(r, district_json(district.as_deref())))
        })
        .collect();
    Ok(Json(json!({
        "numberReturned": listed.len(),
        "requests": listed,
    })))
}

async fn one(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let r = workflow::visible(&state.app, &signed.actor, parse_id(&id)?).await?;
    Ok(Json(detail(&state, &signed.actor, &r).await?))
}

async fn amend(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SubmissionBody>,
) -> Result<Json<Value>, ApiError> {
    let r = workflow::amend(&state.app, &signed.actor, parse_id(&id)?, body).await?;
    Ok(Json(detail(&state, &signed.actor, &r).await?))
}

async fn prepare(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SubmissionBody>,
) -> Result<Json<Value>, ApiError> {
    let r = workflow::prepare(&state.app, &signed.actor, parse_id(&id)?, body).await?;
    Ok(Json(detail(&state, &signed.actor, &r).await?))
}

async fn take(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let r = workflow::take(&state.app, &signed.actor, parse_id(&id)?).await?;
    Ok(Json(detail(&state, &signed.actor, &r).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    decision: String,
    #[serde(default)]
    comment: Option<String>,
    /// Failed checks the planner accepts explicitly (`area_tolerance`, `corner_shift`).
    #[serde(default)]
    accept: Vec<String>,
}

async fn decide(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DecisionBody>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    let decision: Decision = body.decision.parse().map_err(ApiError::BadRequest)?;
    let r = workflow::decide(
        &state.app,
        &signed.actor,
        id,
        decision,
        body.comment,
        body.accept,
    )
    .await?;
    Ok(Json(detail(&state, &signed.actor, &r).await?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CommentBody {
    #[serde(default)]
    comment: Option<String>,
}

async fn withdraw(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let comment = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<CommentBody>(&body)
            .map_err(|e| {
                ApiError::BadRequest(format!("the body is not what this call takes: {e}"))
            })?
            .comment
    };
    let r = workflow::withdraw(&state.app, &signed.actor, parse_id(&id)?, comment).await?;
    Ok(Json(detail(&state, &signed.actor, &r).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SketchQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// `GET /api/requests/{id}/sketch.pdf?lang=ar|en`: the issued survey sketch as an A4 PDF, for
/// whoever may see the request.
async fn sketch_pdf(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<SketchQuery>,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response, ApiError> {
    use crate::app::sketch::{SketchProblem, fonts, sheet};
    use crate::sketch::{Lang, render};
    let lang = match q.lang.as_deref().unwrap_or("ar") {
        "ar" => Lang::Ar,
        "en" => Lang::En,
        other => {
            return Err(ApiError::BadRequest(format!(
                "lang {other:?}: use ar or en"
            )));
        }
    };
    let r = workflow::visible(&state.app, &signed.actor, parse_id(&id)?).await?;
    let base = match state.app.sketch.public_url.trim() {
        "" => {
            let host = headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .filter(|h| h.len() <= 255 && !h.contains(['/', ' ', '\\']))
                .unwrap_or("localhost");
            let https = headers
                .get("x-forwarded-proto")
                .is_some_and(|p| p.as_bytes() == b"https");
            format!("{}://{host}", if https { "https" } else { "http" })
        }
        url => url.to_string(),
    };
    let problem = |p: SketchProblem| match p {
        SketchProblem::NotIssued(m) | SketchProblem::Invalid(m) => ApiError::Conflict(m),
        SketchProblem::Unavailable(m) => ApiError::Unavailable(m),
        SketchProblem::Store(e) => ApiError::from(e),
    };
    let sheet = sheet(&state.app, &r, &base).await.map_err(problem)?;
    let fonts = fonts().map_err(problem)?;
    let pdf = tokio::task::spawn_blocking(move || render(&sheet, lang, &fonts))
        .await
        .map_err(|e| ApiError::Internal(format!("rendering the sketch stopped: {e}")))?
        .map_err(|e| ApiError::Conflict(format!("the sketch cannot be drawn: {e}")))?;
    let serial = r
        .issued
        .as_ref()
        .map(|i| i.serial.clone())
        .unwrap_or_default();
    let name = format!(
        "{serial}-{}.pdf",
        if lang == Lang::Ar { "ar" } else { "en" }
    );
    axum::response::Response::builder()
        .header(axum::http::header::CONTENT_TYPE, "application/pdf")
        .header(
            axum::http::header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}\""),
        )
        .header(axum::http::header::CACHE_CONTROL, "private, no-store")
        .body(axum::body::Body::from(pdf))
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// `GET /verify/{code}`: public. The issued facts of a valid code (no owner), 404 otherwise.
async fn verify(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    match crate::app::verify::verify(&state.app, code.trim()).await? {
        Some(facts) => Ok(Json(facts)),
        None => Err(ApiError::NotFound(
            "this code does not verify: no document was issued with it (check every character) \
             / هذا الرمز غير صحيح: لم تصدر به أي وثيقة"
                .into(),
        )),
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/requests", post(submit).get(list))
        .route("/api/requests/check", post(check))
        .route("/api/requests/{id}", get(one).put(amend))
        .route("/api/requests/{id}/prepare", post(prepare))
        .route("/api/requests/{id}/take", post(take))
        .route("/api/requests/{id}/decision", post(decide))
        .route("/api/requests/{id}/withdraw", post(withdraw))
        .route("/api/requests/{id}/sketch.pdf", get(sketch_pdf))
        .route("/verify/{code}", get(verify))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}
