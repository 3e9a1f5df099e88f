//! JSON request bodies, parsed at the boundary: a body over the route's limit is 413, one that
//! is not JSON of the expected shape is 400 with serde's message (line, column, field), never a
//! plain-text rejection. serde_json stops at 128 levels of nesting, so no body recurses deeper.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::ApiError;

/// The largest body a write endpoint takes (a proposal of hundreds of parcels fits easily).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// A JSON body of type `T`.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
            let ct = ct.to_str().unwrap_or("");
            if !ct.starts_with("application/json") && !ct.starts_with("application/geo+json") {
                return Err(ApiError::BadRequest(format!(
                    "the body must be JSON (Content-Type: application/json), not {ct}"
                )));
            }
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(format!(
                    "the body is larger than {} MiB",
                    MAX_BODY_BYTES / 1024 / 1024
                ))
            } else {
                ApiError::BadRequest(format!("cannot read the body: {}", e.body_text()))
            }
        })?;
        if bytes.is_empty() {
            return Err(ApiError::BadRequest(
                "the body is empty: send a JSON object".into(),
            ));
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::BadRequest(format!("the body is not what this call takes: {e}")))
    }
}
