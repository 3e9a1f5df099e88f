//! One's own notifications: `GET /api/me/notifications` (newest first; `limit` 1–200, default
//! 50; `before` an id, for the next page; `unread=true`), and `POST
//! /api/me/notifications/{id}/read`. Nobody reads another's: the user comes from the session.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Signed;
use super::{ApiError, AppState};
use crate::store::NotificationQuery;

/// The most notifications one answer lists.
pub const MAX_LIMIT: u32 = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    limit: Option<String>,
    before: Option<String>,
    unread: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let limit = match q.limit.as_deref() {
        None => 50,
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "limit {s:?}: give a whole number from 1 to {MAX_LIMIT}"
                ))
            })?,
    };
    let before = q
        .before
        .as_deref()
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| ApiError::BadRequest(format!("before {s:?}: give a notification id")))
        })
        .transpose()?;
    let unread = match q.unread.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(s) => {
            return Err(ApiError::BadRequest(format!(
                "unread {s:?}: use true or false"
            )));
        }
    };
    let query = NotificationQuery {
        limit,
        before,
        unread,
    };
    let items = state
        .app
        .store
        .notifications(signed.actor.user.id, &query)
        .await?;
    let next = (items.len() == limit as usize)
        .then(|| items.last().map(|n| n.id))
        .flatten();
    Ok(Json(json!({
        "notifications": items,
        "next_before": next,
    })))
}

async fn read(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("{id:?} is not a notification id")))?;
    if state
        .app
        .store
        .mark_notification_read(signed.actor.user.id, id, chrono::Utc::now())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound(format!("you have no notification {id}")))
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/me/notifications", get(list))
        .route("/api/me/notifications/{id}/read", post(read))
}
