//! One error type for every HTTP answer that is not a success.
//!
//! Client errors (4xx) are answered with a message that says what to fix and are not logged as
//! errors; server errors (5xx) are logged with their detail, which the client does not see.
//! Domain and application errors convert with `From`, so handlers just use `?`.

use std::time::Duration;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::app::auth::AuthError;
use crate::app::workflow::WorkflowError;
use crate::store::StoreError;

/// An error answered as JSON: `{"code": ..., "description": ...}` (the OGC API exception shape),
/// with `checks` for a failed land request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: a malformed parameter or body.
    #[error("{0}")]
    BadRequest(String),
    /// 401: no valid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: signed in, not allowed.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// 409: the state does not allow it, or someone else got there first.
    #[error("{0}")]
    Conflict(String),
    /// 413: the body is too large.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: a file of a kind not taken.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed, but a check failed; `checks` says which and where.
    #[error("{message}")]
    Unprocessable { message: String, checks: Value },
    /// 429: too many attempts.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after: Duration,
    },
    #[error("the service is not ready: {0}")]
    Unavailable(String),
    /// 507: the store's disk is full; nothing was changed.
    #[error("{0}")]
    InsufficientStorage(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "InvalidParameterValue"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "Unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "Forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "NotFound"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "Conflict"),
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "PayloadTooLarge"),
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaType")
            }
            ApiError::Unprocessable { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "ChecksFailed"),
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "TooManyRequests"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable"),
            ApiError::InsufficientStorage(_) => {
                (StatusCode::INSUFFICIENT_STORAGE, "InsufficientStorage")
            }
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
            ApiError::InsufficientStorage(detail) => {
                tracing::error!(%detail, "the store's disk is full");
                self.to_string()
            }
            other => other.to_string(),
        };
        let mut body = json!({"code": code, "description": description});
        if let ApiError::Unprocessable { checks, .. } = &self {
            body["checks"] = checks.clone();
        }
        let mut response = (status, Json(body)).into_response();
        match &self {
            ApiError::TooManyRequests { retry_after, .. } => {
                if let Ok(v) = HeaderValue::from_str(&retry_after.as_secs().max(1).to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            ApiError::Unauthorized(_) => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Conflict(m) => ApiError::Conflict(m),
            busy @ StoreError::Busy { .. } => ApiError::Conflict(busy.to_string()),
            full @ StoreError::Full { .. } => ApiError::InsufficientStorage(full.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> ApiError {
        match e {
            AuthError::NoCredentials | AuthError::BadCredentials => {
                ApiError::Unauthorized(e.to_string())
            }
            AuthError::Throttled(wait) => ApiError::TooManyRequests {
                message: e.to_string(),
                retry_after: wait,
            },
            AuthError::Forbidden(m) => ApiError::Forbidden(m),
            AuthError::Invalid(m) => ApiError::BadRequest(m),
            AuthError::Store(s) => s.into(),
        }
    }
}

impl From<WorkflowError> for ApiError {
    fn from(e: WorkflowError) -> ApiError {
        match e {
            WorkflowError::Invalid(m) => ApiError::BadRequest(m),
            WorkflowError::NotFound(m) => ApiError::NotFound(m),
            WorkflowError::ChecksFailed(checks) => {
                let failed: Vec<&str> = checks
                    .iter()
                    .filter(|c| !c.passed)
                    .map(|c| c.code)
                    .collect();
                ApiError::Unprocessable {
                    message: format!("the request fails these checks: {}", failed.join(", ")),
                    checks: serde_json::to_value(&checks).unwrap_or(Value::Null),
                }
            }
            WorkflowError::Conflict(m) => ApiError::Conflict(m),
            WorkflowError::Forbidden(m) => ApiError::Forbidden(m),
            WorkflowError::Auth(a) => a.into(),
            WorkflowError::Store(s) => s.into(),
        }
    }
}

pub(super) async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!(
        "no resource at {}; see /api for the endpoints",
        uri.path()
    ))
}
