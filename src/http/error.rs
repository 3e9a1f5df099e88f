//! One error type for every HTTP answer that is not a success.
//!
//! Client errors (4xx) are answered with a message that says what to fix and are not logged as
//! errors; server errors (5xx) are logged with their detail, which the client does not see.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answered as JSON: `{"code": ..., "description": ...}` (the OGC API exception shape).
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("the service is not ready: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "InvalidParameterValue"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "NotFound"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "InternalError"),
        };
        let description = match &self {
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                "internal error; the detail is in the server log".to_string()
            }
            ApiError::Unavailable(detail) => {
                tracing::warn!(%detail, "not ready");
                self.to_string()
            }
            other => other.to_string(),
        };
        (
            status,
            Json(json!({"code": code, "description": description})),
        )
            .into_response()
    }
}

pub(super) async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!(
        "no resource at {}; see /api for the endpoints",
        uri.path()
    ))
}
