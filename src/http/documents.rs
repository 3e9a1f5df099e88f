//! Documents of land requests over HTTP: thin handlers over `app::documents`.
//!
//! `POST /api/requests/{id}/documents` (multipart/form-data: `file` parts, an optional `title`),
//! `GET /api/requests/{id}/documents` (the list), `GET /api/requests/{id}/documents/{doc}` (the
//! bytes, as an attachment). The upload is read part by part and chunk by chunk against the
//! configured limit, and the route's body limit is that limit plus 64 KiB for the parts'
//! headers: no upload makes the server read or hold more, however long the client goes on.

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::auth::Signed;
use super::{ApiError, AppState};
use crate::app::documents::{
    self as docs, Budget, DocumentError, MAX_FILES, MAX_TITLE, Upload, too_large,
};
use crate::domain::document::{DocumentId, DocumentInfo};
use crate::domain::request::RequestId;

/// Room in a body for the parts' boundaries and headers and the title, beyond the files. The
/// multipart parser reads ahead whatever the connection has ready, so the route's body limit
/// (the upload limit plus this) bounds what one upload can make the server hold.
pub const PART_OVERHEAD: usize = 64 * 1024;

impl From<DocumentError> for ApiError {
    fn from(e: DocumentError) -> ApiError {
        match e {
            DocumentError::Unsupported(m) => ApiError::UnsupportedMediaType(m),
            DocumentError::TooLarge(m) => ApiError::PayloadTooLarge(m),
            DocumentError::Workflow(w) => w.into(),
        }
    }
}

fn request_id(id: &str) -> Result<RequestId, ApiError> {
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

fn document_id(id: &str) -> Result<DocumentId, ApiError> {
    id.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .map(DocumentId)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "there is no document {id:?}: ids are positive integers"
            ))
        })
}

fn url(d: &DocumentInfo) -> String {
    format!("/api/requests/{}/documents/{}", d.request, d.id)
}

/// A document as listed.
fn entry(d: &DocumentInfo) -> Value {
    json!({
        "id": d.id.0,
        "file_name": d.file_name,
        "title": d.title,
        "media_type": d.media_type.mime(),
        "size_bytes": d.size_bytes,
        "sha256": d.sha256,
        "uploaded_by": d.uploaded_by.0,
        "uploaded_at": d.uploaded_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "url": url(d),
    })
}

fn multipart_error(max: u64) -> impl Fn(MultipartError) -> ApiError {
    move |e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(max).into()
        } else {
            ApiError::BadRequest(format!(
                "the upload is not valid multipart/form-data: {}",
                e.body_text()
            ))
        }
    }
}

/// The parts of an upload: the files (each read chunk by chunk within the limit) and the title.
async fn read_parts(
    state: &AppState,
    req: Request,
) -> Result<(Vec<Upload>, Option<String>), ApiError> {
    let max = state.app.documents.max_bytes;
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.starts_with("multipart/form-data") {
        return Err(ApiError::BadRequest(format!(
            "send the files as multipart/form-data (`file` parts, an optional `title`), not {:?}",
            ct
        )));
    }
    let mut form = Multipart::from_request(req, state).await.map_err(|e| {
        ApiError::BadRequest(format!(
            "the multipart body is not valid: {}",
            e.body_text()
        ))
    })?;
    let mut budget = Budget::new(&state.app.documents);
    let (mut uploads, mut title) = (Vec::new(), None);
    while let Some(mut field) = form.next_field().await.map_err(multipart_error(max))? {
        match field.name() {
            Some("file") => {
                if uploads.len() == MAX_FILES {
                    return Err(ApiError::BadRequest(format!(
                        "more than {MAX_FILES} files: send at most {MAX_FILES} in one upload"
                    )));
                }
                let file_name = field.file_name().map(str::to_string);
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error(max))? {
                    budget.take(chunk.len())?;
                    bytes.extend_from_slice(&chunk);
                }
                uploads.push(Upload { file_name, bytes });
            }
            Some("title") if title.is_none() => {
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error(max))? {
                    text.extend_from_slice(&chunk);
                    if text.len() > MAX_TITLE * 4 {
                        return Err(ApiError::BadRequest(format!(
                            "title: at most {MAX_TITLE} characters"
                        )));
                    }
                }
                title =
                    Some(String::from_utf8(text).map_err(|_| {
                        ApiError::BadRequest("title: send it as UTF-8 text".into())
                    })?);
            }
            Some("title") => {
                return Err(ApiError::BadRequest(
                    "more than one `title` part: one title names the whole upload".into(),
                ));
            }
            other => {
                return Err(ApiError::BadRequest(format!(
                    "unexpected part {:?}: send `file` parts and an optional `title`",
                    other.unwrap_or("")
                )));
            }
        }
    }
    Ok((uploads, title))
}

async fn upload(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = request_id(&id)?;
    // Refused callers are answered before a byte of the files is read.
    docs::check_may_add(&state.app, &signed.actor, id).await?;
    let (uploads, title) = read_parts(&state, req).await?;
    let stored = docs::add(&state.app, &signed.actor, id, title, uploads).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "documents": stored.iter().map(entry).collect::<Vec<_>>(),
            "numberReturned": stored.len(),
        })),
    ))
}

async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let found = docs::list(&state.app, &signed.actor, request_id(&id)?).await?;
    Ok(Json(json!({
        "documents": found.iter().map(entry).collect::<Vec<_>>(),
        "numberReturned": found.len(),
    })))
}

/// RFC 5987 `ext-value` characters that need no percent-encoding.
fn attr_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b)
}

/// `attachment` with the name as UTF-8 (`filename*`, RFC 5987/6266) and a plain ASCII
/// `filename` for old clients (the name itself when it is plain ASCII).
fn disposition(d: &DocumentInfo) -> String {
    let encoded: String = d
        .file_name
        .bytes()
        .map(|b| {
            if attr_char(b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let plain = d
        .file_name
        .chars()
        .all(|c| (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ');
    let ascii = if plain {
        d.file_name.clone()
    } else {
        format!("document-{}.{}", d.id, d.media_type.extensions()[0])
    };
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

async fn one(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, doc)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (d, bytes) = docs::get(
        &state.app,
        &signed.actor,
        request_id(&id)?,
        document_id(&doc)?,
    )
    .await?;
    let etag = format!("\"{}\"", d.sha256);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if fresh {
        (StatusCode::NOT_MODIFIED, Body::empty()).into_response()
    } else {
        (StatusCode::OK, Body::from(bytes)).into_response()
    };
    let h = res.headers_mut();
    let value = |s: String| {
        HeaderValue::from_str(&s)
            .map_err(|e| ApiError::Internal(format!("a header of document {}: {e}", d.id)))
    };
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(d.media_type.mime()),
    );
    h.insert(header::CONTENT_DISPOSITION, value(disposition(&d))?);
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::ETAG, value(etag)?);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    Ok(res)
}

pub(super) fn routes(state: &AppState) -> Router<AppState> {
    let max = usize::try_from(state.app.documents.max_bytes).unwrap_or(usize::MAX);
    Router::new()
        .route("/api/requests/{id}/documents", post(upload).get(list))
        .route("/api/requests/{id}/documents/{doc}", get(one))
        .layer(DefaultBodyLimit::max(max.saturating_add(PART_OVERHEAD)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::UserId;
    use crate::domain::document::MediaType;

    fn info(name: &str) -> DocumentInfo {
        DocumentInfo {
            id: DocumentId(3),
            request: RequestId(9),
            sha256: "0".repeat(64),
            media_type: MediaType::Pdf,
            file_name: name.into(),
            title: None,
            size_bytes: 1,
            uploaded_by: UserId(1),
            uploaded_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn names_are_sent_as_rfc_5987_with_an_ascii_fallback() {
        assert_eq!(
            disposition(&info("plan 1.pdf")),
            "attachment; filename=\"plan 1.pdf\"; filename*=UTF-8''plan%201.pdf"
        );
        assert_eq!(
            disposition(&info("صك.pdf")),
            "attachment; filename=\"document-3.pdf\"; filename*=UTF-8''%D8%B5%D9%83.pdf"
        );
        assert!(disposition(&info("a\"b.pdf")).contains("filename=\"document-3.pdf\""));
    }
}
