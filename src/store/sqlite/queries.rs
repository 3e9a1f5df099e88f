//! Reads of the write side's records (accounts, sessions, requests, history, audit) from the
//! pool, outside any unit of work.

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use super::records::{self, AUDIT_COLUMNS, REQUEST_COLUMNS, USER_COLUMNS};
use crate::domain::account::{Account, User, UserId, Username};
use crate::domain::audit::{AuditEntry, AuditQuery};
use crate::domain::request::{LandRequest, RequestEvent, RequestFilter, RequestId};
use crate::store::{StoreError, timestamp};

/// Most audit rows one read returns.
const AUDIT_LIMIT: u32 = 1_000;

pub async fn account(pool: &SqlitePool, name: &Username) -> Result<Option<Account>, StoreError> {
    sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE username = ?"
    ))
    .bind(name.as_str())
    .fetch_optional(pool)
    .await
    .map_err(StoreError::query("reading an account"))?
    .as_ref()
    .map(records::account)
    .transpose()
}

pub async fn user(pool: &SqlitePool, id: UserId) -> Result<Option<User>, StoreError> {
    Ok(
        sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
            .bind(id.0)
            .fetch_optional(pool)
            .await
            .map_err(StoreError::query("reading a user"))?
            .as_ref()
            .map(records::account)
            .transpose()?
            .map(|a| a.user),
    )
}

pub async fn users(pool: &SqlitePool) -> Result<Vec<User>, StoreError> {
    sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY username"
    ))
    .fetch_all(pool)
    .await
    .map_err(StoreError::query("listing users"))?
    .iter()
    .map(|r| records::account(r).map(|a| a.user))
    .collect()
}

pub async fn session_user(
    pool: &SqlitePool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<User>, StoreError> {
    let cols = USER_COLUMNS
        .split(", ")
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(sqlx::query(&format!(
        "SELECT {cols} FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0"
    ))
    .bind(token_hash)
    .bind(timestamp(now))
    .fetch_optional(pool)
    .await
    .map_err(StoreError::query("reading a session"))?
    .as_ref()
    .map(records::account)
    .transpose()?
    .map(|a| a.user))
}

pub async fn request(pool: &SqlitePool, id: RequestId) -> Result<Option<LandRequest>, StoreError> {
    sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM requests WHERE id = ?"
    ))
    .bind(id.0)
    .fetch_optional(pool)
    .await
    .map_err(StoreError::query("reading a request"))?
    .as_ref()
    .map(records::request)
    .transpose()
}

/// The request that issued `serial`.
pub async fn request_by_serial(
    pool: &SqlitePool,
    serial: &str,
) -> Result<Option<LandRequest>, StoreError> {
    sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM requests WHERE serial = ?"
    ))
    .bind(serial)
    .fetch_optional(pool)
    .await
    .map_err(StoreError::query("reading a request by serial"))?
    .as_ref()
    .map(records::request)
    .transpose()
}

pub async fn requests(
    pool: &SqlitePool,
    f: &RequestFilter,
) -> Result<Vec<LandRequest>, StoreError> {
    let mut sql = format!("SELECT {REQUEST_COLUMNS} FROM requests WHERE 1 = 1");
    if f.status.is_some() {
        sql.push_str(" AND status = ?");
    }
    if f.kind.is_some() {
        sql.push_str(" AND kind = ?");
    }
    if f.author.is_some() {
        sql.push_str(if f.with_unprepared {
            " AND (submitted_by = ? OR surveyor = ? OR (status = 'requested' AND surveyor IS NULL))"
        } else {
            " AND (submitted_by = ? OR surveyor = ?)"
        });
    }
    if f.parcel.is_some() {
        sql.push_str(" AND EXISTS (SELECT 1 FROM json_each(requests.parcels) WHERE value = ?)");
    }
    sql.push_str(" ORDER BY id DESC");
    let mut q = sqlx::query(&sql);
    if let Some(s) = f.status {
        q = q.bind(s.code());
    }
    if let Some(k) = f.kind {
        q = q.bind(k.code());
    }
    if let Some(u) = f.author {
        q = q.bind(u.0).bind(u.0);
    }
    if let Some(p) = f.parcel {
        q = q.bind(p.0);
    }
    q.fetch_all(pool)
        .await
        .map_err(StoreError::query("listing requests"))?
        .iter()
        .map(records::request)
        .collect()
}

pub async fn request_events(
    pool: &SqlitePool,
    id: RequestId,
) -> Result<Vec<RequestEvent>, StoreError> {
    sqlx::query(
        "SELECT request_id, from_status, to_status, actor, role, at, comment, id \
         FROM request_events WHERE request_id = ? ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await
    .map_err(StoreError::query("reading a request's history"))?
    .iter()
    .map(records::event)
    .collect()
}

pub async fn audit(pool: &SqlitePool, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
    let mut sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE 1 = 1");
    if q.request.is_some() {
        sql.push_str(" AND request_id = ?");
    }
    if q.actor.is_some() {
        sql.push_str(" AND actor = ?");
    }
    if q.since.is_some() {
        sql.push_str(" AND at >= ?");
    }
    sql.push_str(" ORDER BY id DESC LIMIT ?");
    let mut query = sqlx::query(&sql);
    if let Some(r) = q.request {
        query = query.bind(r.0);
    }
    if let Some(a) = q.actor {
        query = query.bind(a.0);
    }
    if let Some(s) = q.since {
        query = query.bind(timestamp(s));
    }
    query = query.bind(i64::from(q.limit.unwrap_or(AUDIT_LIMIT).min(AUDIT_LIMIT)));
    query
        .fetch_all(pool)
        .await
        .map_err(StoreError::query("reading the audit log"))?
        .iter()
        .map(records::audit)
        .collect()
}
