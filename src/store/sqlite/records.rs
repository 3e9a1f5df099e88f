//! Reading and writing the write side's records (accounts, requests, their history, audit rows)
//! as SQLite rows. The pool-level reads of `Store` and the in-transaction reads of the unit of
//! work share these decoders.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::rows::parse_time;
use crate::domain::FeatureId;
use crate::domain::account::{Account, Role, Roles, User, UserId, Username};
use crate::domain::audit::AuditEntry;
use crate::domain::request::{Issued, LandRequest, RequestEvent, RequestId};
use crate::store::StoreError;

fn corrupt(table: &str, id: i64, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Conflict(format!("stored {table} row {id} is not valid: {reason}"))
}

/// Column list of `users` as `user()` reads it.
pub const USER_COLUMNS: &str =
    "id, username, roles, name_ar, name_en, national_id, phone, disabled, password_hash, email";

/// A `users` row (selected with `USER_COLUMNS`).
pub fn account(r: &SqliteRow) -> Result<Account, StoreError> {
    let id: i64 = r.get(0);
    let name: String = r.get(1);
    let roles: String = r.get(2);
    let user = User {
        id: UserId(id),
        username: Username::try_from(name.as_str()).map_err(|e| corrupt("users", id, e))?,
        roles: Roles::parse(&roles).map_err(|e| corrupt("users", id, e))?,
        name_ar: r.get(3),
        name_en: r.get(4),
        national_id: r.get(5),
        phone: r.get(6),
        disabled: r.get::<i64, _>(7) != 0,
        email: r.get(9),
    };
    Ok(Account {
        user,
        password_hash: r.get(8),
    })
}

/// Writes a list of fids as a JSON array.
pub fn fids_json(fids: &[FeatureId]) -> String {
    serde_json::to_string(&fids.iter().map(|f| f.0).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

fn fids(table: &str, id: i64, s: &str) -> Result<Vec<FeatureId>, StoreError> {
    serde_json::from_str::<Vec<i64>>(s)
        .map(|v| v.into_iter().map(FeatureId).collect())
        .map_err(|e| corrupt(table, id, e))
}

fn time(table: &str, id: i64, s: &str) -> Result<DateTime<Utc>, StoreError> {
    parse_time(s).map_err(|e| corrupt(table, id, e))
}

/// Column list of `requests` as `request()` reads it.
pub const REQUEST_COLUMNS: &str = "id, kind, status, submitted_by, reviewer, parcels, proposed, crs, note, checks, created_fids, retired_fids, created_at, updated_at, version, surveyor, details, serial, issued_at";

/// A `requests` row (selected with `REQUEST_COLUMNS`).
pub fn request(r: &SqliteRow) -> Result<LandRequest, StoreError> {
    let id: i64 = r.get(0);
    let t = "requests";
    let json = |s: String| serde_json::from_str(&s).map_err(|e| corrupt(t, id, e));
    Ok(LandRequest {
        id: RequestId(id),
        kind: r
            .get::<String, _>(1)
            .parse()
            .map_err(|e| corrupt(t, id, e))?,
        status: r
            .get::<String, _>(2)
            .parse()
            .map_err(|e| corrupt(t, id, e))?,
        submitted_by: UserId(r.get(3)),
        reviewer: r.get::<Option<i64>, _>(4).map(UserId),
        parcels: fids(t, id, &r.get::<String, _>(5))?,
        proposed: json(r.get(6))?,
        crs: r.get(7),
        note: r.get(8),
        checks: json(r.get(9))?,
        created: fids(t, id, &r.get::<String, _>(10))?,
        retired: fids(t, id, &r.get::<String, _>(11))?,
        created_at: time(t, id, &r.get::<String, _>(12))?,
        updated_at: time(t, id, &r.get::<String, _>(13))?,
        version: r.get(14),
        surveyor: r.get::<Option<i64>, _>(15).map(UserId),
        details: json(r.get(16))?,
        issued: match (
            r.get::<Option<String>, _>(17),
            r.get::<Option<String>, _>(18),
        ) {
            (Some(serial), Some(at)) => Some(Issued {
                serial,
                at: time(t, id, &at)?,
            }),
            _ => None,
        },
    })
}

/// A `request_events` row: request_id, from_status, to_status, actor, role, at, comment, id.
pub fn event(r: &SqliteRow) -> Result<RequestEvent, StoreError> {
    let id: i64 = r.get(7);
    let t = "request_events";
    Ok(RequestEvent {
        request: RequestId(r.get(0)),
        from: r
            .get::<Option<String>, _>(1)
            .map(|s| s.parse())
            .transpose()
            .map_err(|e| corrupt(t, id, e))?,
        to: r
            .get::<String, _>(2)
            .parse()
            .map_err(|e| corrupt(t, id, e))?,
        actor: UserId(r.get(3)),
        role: r
            .get::<String, _>(4)
            .parse::<Role>()
            .map_err(|e| corrupt(t, id, e))?,
        at: time(t, id, &r.get::<String, _>(5))?,
        comment: r.get(6),
    })
}

/// Column list of `audit_log` as `audit()` reads it.
pub const AUDIT_COLUMNS: &str =
    "id, at, actor, actor_name, role, action, request_id, fids_before, fids_after, client, detail";

/// An `audit_log` row (selected with `AUDIT_COLUMNS`).
pub fn audit(r: &SqliteRow) -> Result<AuditEntry, StoreError> {
    let id: i64 = r.get(0);
    let t = "audit_log";
    Ok(AuditEntry {
        id,
        at: time(t, id, &r.get::<String, _>(1))?,
        actor: r.get::<Option<i64>, _>(2).map(UserId),
        actor_name: r.get(3),
        role: r
            .get::<Option<String>, _>(4)
            .map(|s| s.parse::<Role>())
            .transpose()
            .map_err(|e| corrupt(t, id, e))?,
        action: r.get(5),
        request: r.get::<Option<i64>, _>(6).map(RequestId),
        fids_before: fids(t, id, &r.get::<String, _>(7))?,
        fids_after: fids(t, id, &r.get::<String, _>(8))?,
        client: r.get(9),
        detail: r.get(10),
    })
}
