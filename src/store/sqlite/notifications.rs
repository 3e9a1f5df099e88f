//! The notification outbox as SQLite rows: written by a request's step inside its unit of work,
//! read by the inbox, claimed and finished by senders.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use super::records::{USER_COLUMNS, account};
use super::rows::parse_time;
use crate::domain::FeatureId;
use crate::domain::account::{Role, User, UserId};
use crate::domain::notification::{
    Attempt, Channel, DeliveryState, DeliveryStatus, DueDelivery, Message, NewNotification,
    Notification, OutboxCounts, Reason,
};
use crate::domain::request::RequestId;
use crate::store::{NotificationQuery, StoreError, timestamp};

fn corrupt(table: &str, id: i64, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Conflict(format!("stored {table} row {id} is not valid: {reason}"))
}

fn time(table: &str, id: i64, s: &str) -> Result<DateTime<Utc>, StoreError> {
    parse_time(s).map_err(|e| corrupt(table, id, e))
}

/// Writes a notification and its deliveries.
pub async fn add(c: &mut SqliteConnection, n: &NewNotification) -> Result<i64, StoreError> {
    let at = timestamp(n.at);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notifications (user_id, request_id, event, reason, subject_ar, subject_en, \
         body_ar, body_en, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(n.user.0)
    .bind(n.request.map(|r| r.0))
    .bind(&n.event)
    .bind(n.reason.code())
    .bind(&n.message.subject_ar)
    .bind(&n.message.subject_en)
    .bind(&n.message.body_ar)
    .bind(&n.message.body_en)
    .bind(&at)
    .fetch_one(&mut *c)
    .await
    .map_err(StoreError::query("writing a notification"))?;
    for (channel, address, key) in &n.deliveries {
        sqlx::query(
            "INSERT INTO notification_deliveries (notification_id, channel, address, \
             idempotency_key, next_attempt_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(channel.code())
        .bind(address)
        .bind(key)
        .bind(&at)
        .execute(&mut *c)
        .await
        .map_err(StoreError::query("writing a notification's delivery"))?;
    }
    Ok(id)
}

/// The enabled users holding `role`.
pub async fn users_with_role(
    c: &mut SqliteConnection,
    role: Role,
) -> Result<Vec<User>, StoreError> {
    // Roles are stored as `a,b,c`; the pattern narrows, the parsed roles decide.
    let rows = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE disabled = 0 AND roles LIKE ? ORDER BY id"
    ))
    .bind(format!("%{}%", role.code()))
    .fetch_all(&mut *c)
    .await
    .map_err(StoreError::query("reading users by role"))?;
    let mut users = Vec::new();
    for r in &rows {
        let u = account(r)?.user;
        if u.roles.has(role) {
            users.push(u);
        }
    }
    Ok(users)
}

/// The enabled users who own one of `parcels`.
pub async fn owner_users(
    c: &mut SqliteConnection,
    parcels: &[FeatureId],
) -> Result<Vec<User>, StoreError> {
    let mut users: Vec<User> = Vec::new();
    for p in parcels {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE disabled = 0 AND national_id IN \
             (SELECT owner_id FROM parcel_owners WHERE parcel_fid = ?) ORDER BY id"
        ))
        .bind(p.0)
        .fetch_all(&mut *c)
        .await
        .map_err(StoreError::query("reading a parcel's owners' accounts"))?;
        for r in &rows {
            let u = account(r)?.user;
            if !users.iter().any(|v| v.id == u.id) {
                users.push(u);
            }
        }
    }
    Ok(users)
}

/// A user inside a transaction.
pub async fn user(c: &mut SqliteConnection, id: UserId) -> Result<Option<User>, StoreError> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
        .bind(id.0)
        .fetch_optional(&mut *c)
        .await
        .map_err(StoreError::query("reading a user"))?;
    row.map(|r| account(&r).map(|a| a.user)).transpose()
}

fn message(r: &SqliteRow, first: usize) -> Message {
    Message {
        subject_ar: r.get(first),
        subject_en: r.get(first + 1),
        body_ar: r.get(first + 2),
        body_en: r.get(first + 3),
    }
}

/// A user's notifications with the state of their deliveries.
pub async fn list(
    pool: &SqlitePool,
    user: UserId,
    q: &NotificationQuery,
) -> Result<Vec<Notification>, StoreError> {
    let t = "notifications";
    let rows = sqlx::query(
        "SELECT id, request_id, event, reason, subject_ar, subject_en, body_ar, body_en, \
         created_at, read_at FROM notifications WHERE user_id = ? AND id < ? \
         AND (? = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT ?",
    )
    .bind(user.0)
    .bind(q.before.unwrap_or(i64::MAX))
    .bind(i64::from(q.unread))
    .bind(i64::from(q.limit))
    .fetch_all(pool)
    .await
    .map_err(StoreError::query("reading notifications"))?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.get(0);
        let reason: String = r.get(3);
        let deliveries = sqlx::query(
            "SELECT channel, status, attempts, sent_at, id FROM notification_deliveries \
             WHERE notification_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
        .map_err(StoreError::query("reading notification deliveries"))?
        .iter()
        .map(delivery_state)
        .collect::<Result<Vec<_>, _>>()?;
        out.push(Notification {
            id,
            request: r.get::<Option<i64>, _>(1).map(RequestId),
            event: r.get(2),
            reason: Reason::parse(&reason).ok_or_else(|| corrupt(t, id, "reason"))?,
            message: message(r, 4),
            created_at: time(t, id, &r.get::<String, _>(8))?,
            read_at: r
                .get::<Option<String>, _>(9)
                .map(|s| time(t, id, &s))
                .transpose()?,
            deliveries,
        });
    }
    Ok(out)
}

fn delivery_state(d: &SqliteRow) -> Result<DeliveryState, StoreError> {
    let t = "notification_deliveries";
    let id: i64 = d.get(4);
    let channel: String = d.get(0);
    let status: String = d.get(1);
    Ok(DeliveryState {
        channel: Channel::parse(&channel).ok_or_else(|| corrupt(t, id, "channel"))?,
        status: DeliveryStatus::parse(&status).ok_or_else(|| corrupt(t, id, "status"))?,
        attempts: u32::try_from(d.get::<i64, _>(2)).unwrap_or(u32::MAX),
        sent_at: d
            .get::<Option<String>, _>(3)
            .map(|s| time(t, id, &s))
            .transpose()?,
    })
}

/// Marks one of a user's notifications read (the first time only).
pub async fn mark_read(
    pool: &SqlitePool,
    user: UserId,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE notifications SET read_at = coalesce(read_at, ?) WHERE id = ? AND user_id = ?",
    )
    .bind(timestamp(at))
    .bind(id)
    .bind(user.0)
    .execute(pool)
    .await
    .map_err(StoreError::query("marking a notification read"))?;
    Ok(r.rows_affected() == 1)
}

/// Claims the due deliveries in one write transaction.
pub async fn claim(
    pool: &SqlitePool,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<DueDelivery>, StoreError> {
    let t = "notification_deliveries";
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(StoreError::query("starting to claim deliveries"))?;
    let now_s = timestamp(now);
    let rows = sqlx::query(
        "SELECT d.id, d.channel, d.address, d.idempotency_key, d.attempts, n.subject_ar, \
         n.subject_en, n.body_ar, n.body_en FROM notification_deliveries d \
         JOIN notifications n ON n.id = d.notification_id \
         WHERE d.status = 'pending' AND d.next_attempt_at <= ? \
         AND (d.claimed_until IS NULL OR d.claimed_until < ?) ORDER BY d.id LIMIT ?",
    )
    .bind(&now_s)
    .bind(&now_s)
    .bind(i64::from(limit))
    .fetch_all(&mut *tx)
    .await
    .map_err(StoreError::query("reading due deliveries"))?;
    let mut due = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.get(0);
        sqlx::query(
            "UPDATE notification_deliveries SET claimed_until = ?, attempts = attempts + 1 \
             WHERE id = ?",
        )
        .bind(timestamp(until))
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("claiming a delivery"))?;
        let channel: String = r.get(1);
        due.push(DueDelivery {
            id,
            channel: Channel::parse(&channel).ok_or_else(|| corrupt(t, id, "channel"))?,
            address: r.get(2),
            key: r.get(3),
            attempts: u32::try_from(r.get::<i64, _>(4) + 1).unwrap_or(u32::MAX),
            message: message(r, 5),
        });
    }
    tx.commit()
        .await
        .map_err(StoreError::query("claiming deliveries"))?;
    Ok(due)
}

/// Records an attempt's outcome and releases the claim.
pub async fn finish(pool: &SqlitePool, id: i64, attempt: &Attempt) -> Result<(), StoreError> {
    let q = match attempt {
        Attempt::Sent(at) => sqlx::query(
            "UPDATE notification_deliveries SET status = 'sent', sent_at = ?, \
             claimed_until = NULL, last_error = NULL WHERE id = ?",
        )
        .bind(timestamp(*at)),
        Attempt::Retry { at, error } => sqlx::query(
            "UPDATE notification_deliveries SET next_attempt_at = ?, last_error = ?, \
             claimed_until = NULL WHERE id = ?",
        )
        .bind(timestamp(*at))
        .bind(error.clone()),
        Attempt::Failed(error) => sqlx::query(
            "UPDATE notification_deliveries SET status = 'failed', last_error = ?, \
             claimed_until = NULL WHERE id = ?",
        )
        .bind(error.clone()),
    };
    q.bind(id)
        .execute(pool)
        .await
        .map_err(StoreError::query("recording a delivery attempt"))?;
    Ok(())
}

/// Deliveries by state.
pub async fn counts(pool: &SqlitePool) -> Result<OutboxCounts, StoreError> {
    let rows = sqlx::query("SELECT status, count(*) FROM notification_deliveries GROUP BY status")
        .fetch_all(pool)
        .await
        .map_err(StoreError::query("counting deliveries"))?;
    let mut c = OutboxCounts::default();
    for r in &rows {
        let n = u64::try_from(r.get::<i64, _>(1)).unwrap_or(0);
        match r.get::<String, _>(0).as_str() {
            "pending" => c.pending = n,
            "sent" => c.sent = n,
            _ => c.failed = n,
        }
    }
    Ok(c)
}
