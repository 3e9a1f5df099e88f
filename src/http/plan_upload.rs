//! Land requests' files, sent as multipart/form-data with one `file` part (GeoJSON, a zipped
//! Shapefile or a DXF, told by its bytes; read by `app::plan_file`):
//!
//! - `POST /api/requests/plan`: a plan approval (text parts `plan_no`, `name`, `crs`, `note`),
//!   read into the plan FeatureCollection and submitted as `POST /api/requests` would: every
//!   check runs, 422 if one fails.
//! - `POST /api/requests/proposal-file`: a subdivision's or merge's proposed parcels (text part
//!   `crs`), answered as a GeoJSON FeatureCollection in EPSG:4326 (`app::proposal_file`);
//!   nothing is stored.
//!
//! Both are for surveyors: the role is checked before the body is read.

use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use super::auth::Signed;
use super::{ApiError, AppState};
use crate::app::plan_file::{self, PlanFileError};
use crate::app::proposal_file;
use crate::app::workflow::{self, SubmissionBody};
use crate::domain::account::Role;

/// Largest plan file, bytes (a 5,000-lot plan in GeoJSON is a few MiB).
pub const MAX_PLAN_FILE: usize = 50 * 1024 * 1024;

/// 403 unless the signed-in user is a surveyor.
fn surveyor(signed: &Signed, action: &str) -> Result<(), ApiError> {
    crate::app::auth::require(&signed.actor.user, Role::Surveyor, action)
        .map_err(|e| ApiError::from(workflow::WorkflowError::from(e)))
}

/// The `file` part (its name and bytes) and the text parts named in `texts`; any other part is
/// a 400.
async fn read_form(
    form: Result<Multipart, MultipartRejection>,
    texts: &[&str],
) -> Result<((String, Bytes), Map<String, Value>), ApiError> {
    let mut form = form.map_err(|e| {
        ApiError::BadRequest(format!(
            "send multipart/form-data with the file as a `file` part: {e}"
        ))
    })?;
    let (mut file, mut fields) = (None, Map::new());
    while let Some(part) = form
        .next_field()
        .await
        .map_err(|e| ApiError::BadRequest(format!("the multipart body is not valid: {e}")))?
    {
        let name = part.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = part.file_name().unwrap_or("upload").to_string();
            let bytes = part.bytes().await.map_err(|e| {
                ApiError::PayloadTooLarge(format!(
                    "the file could not be read whole (at most {} MiB): {e}",
                    MAX_PLAN_FILE / 1024 / 1024
                ))
            })?;
            file = Some((file_name, bytes));
        } else if texts.contains(&name.as_str()) {
            let text = part
                .text()
                .await
                .map_err(|e| ApiError::BadRequest(format!("{name}: {e}")))?;
            fields.insert(name, json!(text));
        } else {
            return Err(ApiError::BadRequest(format!(
                "unknown part {name:?}: send file and {}",
                texts.join(", ")
            )));
        }
    }
    let file = file.ok_or_else(|| ApiError::BadRequest("send the file as a `file` part".into()))?;
    Ok((file, fields))
}

fn file_error(e: PlanFileError) -> ApiError {
    match e {
        PlanFileError::Unsupported(m) => ApiError::UnsupportedMediaType(m),
        PlanFileError::TooLarge(m) => ApiError::PayloadTooLarge(m),
        PlanFileError::Invalid(m) => ApiError::BadRequest(m),
    }
}

async fn upload(
    State(state): State<AppState>,
    signed: Signed,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    // The role first: a citizen's upload is not read.
    surveyor(&signed, "submit a plan")?;
    let ((file_name, bytes), mut fields) =
        read_form(form, &["plan_no", "name", "crs", "note"]).await?;
    let plan = tokio::task::spawn_blocking(move || plan_file::read(&file_name, &bytes))
        .await
        .map_err(|e| ApiError::Internal(format!("reading the plan stopped: {e}")))?
        .map_err(file_error)?;
    fields.insert("kind".into(), json!("plan_approval"));
    fields.insert("plan".into(), plan);
    let body: SubmissionBody = serde_json::from_value(Value::Object(fields))
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let r = workflow::submit(&state.app, &signed.actor, body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": r.id.0, "status": r.status.code(), "checks": r.checks})),
    ))
}

/// `POST /api/requests/proposal-file`: the proposed parcels of a file, in EPSG:4326.
async fn proposal(
    signed: Signed,
    form: Result<Multipart, MultipartRejection>,
) -> Result<impl IntoResponse, ApiError> {
    surveyor(&signed, "read a proposal file")?;
    let ((file_name, bytes), fields) = read_form(form, &["crs"]).await?;
    let crs = fields
        .get("crs")
        .and_then(Value::as_str)
        .map(str::to_string);
    let fc = tokio::task::spawn_blocking(move || {
        proposal_file::read(&file_name, &bytes, crs.as_deref())
    })
    .await
    .map_err(|e| ApiError::Internal(format!("reading the proposal stopped: {e}")))?
    .map_err(file_error)?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], Json(fc)))
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/requests/plan", post(upload))
        .route("/api/requests/proposal-file", post(proposal))
        .layer(DefaultBodyLimit::max(MAX_PLAN_FILE + 64 * 1024))
}
