//! `POST /api/requests/plan`: a plan approval submitted as a file (multipart/form-data: one
//! `file` part, GeoJSON or a zipped Shapefile; text parts `plan_no`, `name`, `crs`, `note`).
//! The file is read into the plan FeatureCollection (`app::plan_file`) and submitted as
//! `POST /api/requests` would: every check runs, 422 if one fails.

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::auth::Signed;
use super::{ApiError, AppState};
use crate::app::plan_file::{self, PlanFileError};
use crate::app::workflow::{self, SubmissionBody};

/// Largest plan file, bytes (a 5,000-lot plan in GeoJSON is a few MiB).
pub const MAX_PLAN_FILE: usize = 50 * 1024 * 1024;

async fn upload(
    State(state): State<AppState>,
    signed: Signed,
    mut form: Multipart,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    // The role first: a citizen's upload is not read.
    crate::app::auth::require(
        &signed.actor.user,
        crate::domain::account::Role::Surveyor,
        "submit a plan",
    )
    .map_err(|e| ApiError::from(workflow::WorkflowError::from(e)))?;
    let (mut file, mut fields) = (None, serde_json::Map::new());
    while let Some(part) = form
        .next_field()
        .await
        .map_err(|e| ApiError::BadRequest(format!("the multipart body is not valid: {e}")))?
    {
        let name = part.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                let file_name = part.file_name().unwrap_or("plan").to_string();
                let bytes = part.bytes().await.map_err(|e| {
                    ApiError::PayloadTooLarge(format!(
                        "the plan file could not be read whole (at most {} MiB): {e}",
                        MAX_PLAN_FILE / 1024 / 1024
                    ))
                })?;
                file = Some((file_name, bytes));
            }
            "plan_no" | "name" | "crs" | "note" => {
                let text = part
                    .text()
                    .await
                    .map_err(|e| ApiError::BadRequest(format!("{name}: {e}")))?;
                fields.insert(name, json!(text));
            }
            other => {
                return Err(ApiError::BadRequest(format!(
                    "unknown part {other:?}: send file, plan_no, name, crs and note"
                )));
            }
        }
    }
    let Some((file_name, bytes)) = file else {
        return Err(ApiError::BadRequest(
            "send the plan as a `file` part".into(),
        ));
    };
    let plan = tokio::task::spawn_blocking(move || plan_file::read(&file_name, &bytes))
        .await
        .map_err(|e| ApiError::Internal(format!("reading the plan stopped: {e}")))?
        .map_err(|e| match e {
            PlanFileError::Unsupported(m) => ApiError::UnsupportedMediaType(m),
            PlanFileError::TooLarge(m) => ApiError::PayloadTooLarge(m),
            PlanFileError::Invalid(m) => ApiError::BadRequest(m),
        })?;
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

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/requests/plan", post(upload))
        .layer(DefaultBodyLimit::max(MAX_PLAN_FILE + 64 * 1024))
}
