//! The unit of work on the GeoPackage: one `BEGIN IMMEDIATE` transaction over every table.
//!
//! `IMMEDIATE` takes SQLite's write lock at the start, so two units of work never interleave
//! (the second waits, up to the busy timeout) and a read inside one sees exactly what it will
//! write over: the check-then-write of a request's version or a parcel's claim cannot race.

use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{Row, Sqlite, Transaction};

use super::records::{self, REQUEST_COLUMNS, fids_json};
use super::write;
use crate::domain::account::UserId;
use crate::domain::audit::AuditEntry;
use crate::domain::request::{LandRequest, RequestEvent, RequestId};
use crate::domain::{Feature, FeatureId, LayerKind};
use crate::store::{LineageEdge, NewAccount, StoreError, UnitOfWork, timestamp};

/// Rows per INSERT statement (SQLite allows 32,766 bound values; parcels bind 15 each).
const ROWS_PER_STATEMENT: usize = 256;

/// An open unit of work.
pub struct SqliteUnit {
    tx: Transaction<'static, Sqlite>,
    /// Layers written, whose `gpkg_contents.last_change` moves at commit.
    touched: BTreeSet<LayerKind>,
}

impl SqliteUnit {
    pub(super) async fn begin(pool: &sqlx::SqlitePool) -> Result<SqliteUnit, StoreError> {
        let tx = pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::query("starting a unit of work"))?;
        Ok(SqliteUnit {
            tx,
            touched: BTreeSet::new(),
        })
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

#[async_trait]
impl UnitOfWork for SqliteUnit {
    async fn insert(
        &mut self,
        layer: LayerKind,
        features: &[Feature],
    ) -> Result<Vec<FeatureId>, StoreError> {
        let mut first = write::next_fid(&mut self.tx, layer).await?;
        let mut fids = Vec::with_capacity(features.len());
        for chunk in features.chunks(ROWS_PER_STATEMENT) {
            write::insert_rows(&mut self.tx, layer, first, chunk, None).await?;
            fids.extend((0..chunk.len() as i64).map(|i| FeatureId(first + i)));
            first += chunk.len() as i64;
        }
        self.touched.insert(layer);
        Ok(fids)
    }

    async fn retire(
        &mut self,
        layer: LayerKind,
        fid: FeatureId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        write::retire(&mut self.tx, layer, fid, at).await?;
        self.touched.insert(layer);
        Ok(())
    }

    async fn record_lineage(&mut self, edge: &LineageEdge) -> Result<(), StoreError> {
        write::record_lineage(&mut self.tx, edge).await
    }

    async fn set_owner(
        &mut self,
        parcel: FeatureId,
        owner: Option<&crate::domain::attributes::Owner>,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM parcel_owners WHERE parcel_fid = ?")
            .bind(parcel.0)
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::query("clearing a parcel's owner"))?;
        if let Some(o) = owner {
            sqlx::query(
                "INSERT INTO parcel_owners (parcel_fid, owner_name, owner_id) VALUES (?, ?, ?)",
            )
            .bind(parcel.0)
            .bind(o.name.as_str())
            .bind(o.national_id.as_str())
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::query("recording a parcel's owner"))?;
        }
        Ok(())
    }

    async fn append_audit(&mut self, e: &AuditEntry) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, actor_name, role, action, request_id, fids_before, \
             fids_after, client, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(timestamp(e.at))
        .bind(e.actor.map(|a| a.0))
        .bind(&e.actor_name)
        .bind(e.role.map(|r| r.code()))
        .bind(&e.action)
        .bind(e.request.map(|r| r.0))
        .bind(fids_json(&e.fids_before))
        .bind(fids_json(&e.fids_after))
        .bind(&e.client)
        .bind(&e.detail)
        .execute(&mut *self.tx)
        .await
        .map(|_| ())
        .map_err(StoreError::query("appending to the audit log"))
    }

    async fn create_user(&mut self, a: &NewAccount) -> Result<UserId, StoreError> {
        let r = sqlx::query(
            "INSERT INTO users (username, password_hash, roles, name_ar, name_en, national_id, \
             phone, email, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(a.username.as_str())
        .bind(&a.password_hash)
        .bind(a.roles.to_string())
        .bind(&a.name_ar)
        .bind(&a.name_en)
        .bind(&a.national_id)
        .bind(&a.phone)
        .bind(&a.email)
        .bind(timestamp(Utc::now()))
        .fetch_one(&mut *self.tx)
        .await;
        match r {
            Ok(row) => Ok(UserId(row.get(0))),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict(format!(
                "the user name {} is taken",
                a.username
            ))),
            Err(e) => Err(StoreError::query("adding a user")(e)),
        }
    }

    async fn set_user_disabled(
        &mut self,
        username: &crate::domain::account::Username,
        disabled: bool,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query("UPDATE users SET disabled = ? WHERE username = ? RETURNING id")
            .bind(i64::from(disabled))
            .bind(username.as_str())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(StoreError::query("disabling a user"))?;
        let Some(row) = row else { return Ok(false) };
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = ?")
                .bind(row.get::<i64, _>(0))
                .execute(&mut *self.tx)
                .await
                .map_err(StoreError::query("ending a disabled user's sessions"))?;
        }
        Ok(true)
    }

    async fn create_session(
        &mut self,
        token_hash: &str,
        user: UserId,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        // Expired sessions of anyone are swept as new ones start.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(timestamp(now))
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::query("sweeping expired sessions"))?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(timestamp(now))
        .bind(timestamp(expires))
        .execute(&mut *self.tx)
        .await
        .map(|_| ())
        .map_err(StoreError::query("starting a session"))
    }

    async fn delete_session(&mut self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&mut *self.tx)
            .await
            .map(|_| ())
            .map_err(StoreError::query("ending a session"))
    }

    async fn request(&mut self, id: RequestId) -> Result<Option<LandRequest>, StoreError> {
        sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM requests WHERE id = ?"
        ))
        .bind(id.0)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(StoreError::query("reading a request"))?
        .as_ref()
        .map(records::request)
        .transpose()
    }

    async fn insert_request(&mut self, r: &LandRequest) -> Result<RequestId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO requests (kind, status, submitted_by, reviewer, parcels, proposed, crs, \
             note, checks, created_fids, retired_fids, created_at, updated_at, version, surveyor, \
             details, serial, issued_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id",
        )
        .bind(r.kind.code())
        .bind(r.status.code())
        .bind(r.submitted_by.0)
        .bind(r.reviewer.map(|u| u.0))
        .bind(fids_json(&r.parcels))
        .bind(r.proposed.to_string())
        .bind(&r.crs)
        .bind(&r.note)
        .bind(r.checks.to_string())
        .bind(fids_json(&r.created))
        .bind(fids_json(&r.retired))
        .bind(timestamp(r.created_at))
        .bind(timestamp(r.updated_at))
        .bind(r.surveyor.map(|u| u.0))
        .bind(r.details.to_string())
        .bind(r.issued.as_ref().map(|i| i.serial.clone()))
        .bind(r.issued.as_ref().map(|i| timestamp(i.at)))
        .fetch_one(&mut *self.tx)
        .await
        .map_err(StoreError::query("storing a request"))?;
        Ok(RequestId(row.get(0)))
    }

    async fn update_request(&mut self, r: &LandRequest) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE requests SET status = ?, reviewer = ?, parcels = ?, proposed = ?, crs = ?, \
             note = ?, checks = ?, created_fids = ?, retired_fids = ?, updated_at = ?, version = ?, \
             surveyor = ?, details = ?, serial = ?, issued_at = ? \
             WHERE id = ? AND version = ?",
        )
        .bind(r.status.code())
        .bind(r.reviewer.map(|u| u.0))
        .bind(fids_json(&r.parcels))
        .bind(r.proposed.to_string())
        .bind(&r.crs)
        .bind(&r.note)
        .bind(r.checks.to_string())
        .bind(fids_json(&r.created))
        .bind(fids_json(&r.retired))
        .bind(timestamp(r.updated_at))
        .bind(r.version)
        .bind(r.surveyor.map(|u| u.0))
        .bind(r.details.to_string())
        .bind(r.issued.as_ref().map(|i| i.serial.clone()))
        .bind(r.issued.as_ref().map(|i| timestamp(i.at)))
        .bind(r.id.0)
        .bind(r.version - 1)
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::query("updating a request"))?;
        if done.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict(format!(
                "request {} was changed by someone else; reload it",
                r.id
            )))
        }
    }

    async fn add_request_event(&mut self, e: &RequestEvent) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO request_events (request_id, from_status, to_status, actor, role, at, comment) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(e.request.0)
        .bind(e.from.map(|s| s.code()))
        .bind(e.to.code())
        .bind(e.actor.0)
        .bind(e.role.code())
        .bind(timestamp(e.at))
        .bind(&e.comment)
        .execute(&mut *self.tx)
        .await
        .map(|_| ())
        .map_err(StoreError::query("recording a request's step"))
    }

    async fn claim_parcels(
        &mut self,
        request: RequestId,
        parcels: &[FeatureId],
    ) -> Result<(), StoreError> {
        for p in parcels {
            let held: Option<i64> = sqlx::query_scalar(
                "SELECT request_id FROM open_request_parcels WHERE parcel_fid = ?",
            )
            .bind(p.0)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(StoreError::query("checking who holds a parcel"))?;
            match held {
                Some(r) if r == request.0 => continue,
                Some(r) => {
                    return Err(StoreError::Busy {
                        parcel: p.0,
                        request: r,
                    });
                }
                None => {}
            }
            sqlx::query("INSERT INTO open_request_parcels (parcel_fid, request_id) VALUES (?, ?)")
                .bind(p.0)
                .bind(request.0)
                .execute(&mut *self.tx)
                .await
                .map_err(StoreError::query("claiming a parcel for a request"))?;
        }
        Ok(())
    }

    async fn release_parcels(&mut self, request: RequestId) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM open_request_parcels WHERE request_id = ?")
            .bind(request.0)
            .execute(&mut *self.tx)
            .await
            .map(|_| ())
            .map_err(StoreError::query("releasing a request's parcels"))
    }

    async fn add_document(
        &mut self,
        document: &crate::domain::document::NewDocument,
    ) -> Result<crate::domain::document::DocumentId, StoreError> {
        super::documents::add(&mut self.tx, document).await
    }

    async fn continue_parcel(&mut self, old: FeatureId, new: FeatureId) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE parcels SET parcel_id = (SELECT parcel_id FROM parcels WHERE fid = ?) \
             WHERE fid = ?",
        )
        .bind(old.0)
        .bind(new.0)
        .execute(&mut *self.tx)
        .await
        .map(|_| ())
        .map_err(StoreError::query(
            "keeping the parcel's id in its new version",
        ))
    }

    async fn record_plan_lots(
        &mut self,
        plan: FeatureId,
        lots: &[FeatureId],
        request: RequestId,
    ) -> Result<(), StoreError> {
        for lot in lots {
            sqlx::query(
                "INSERT INTO plan_lots (plan_fid, parcel_fid, request_id) VALUES (?, ?, ?)",
            )
            .bind(plan.0)
            .bind(lot.0)
            .bind(request.0)
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::query("recording a plan's lots"))?;
        }
        Ok(())
    }

    async fn issued_count(&mut self, prefix: &str) -> Result<u64, StoreError> {
        let n: i64 =
            sqlx::query_scalar("SELECT count(*) FROM requests WHERE substr(serial, 1, ?) = ?")
                .bind(i64::try_from(prefix.len()).unwrap_or(i64::MAX))
                .bind(prefix)
                .fetch_one(&mut *self.tx)
                .await
                .map_err(StoreError::query("counting issued documents"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn user(
        &mut self,
        id: UserId,
    ) -> Result<Option<crate::domain::account::User>, StoreError> {
        super::notifications::user(&mut self.tx, id).await
    }

    async fn users_with_role(
        &mut self,
        role: crate::domain::account::Role,
    ) -> Result<Vec<crate::domain::account::User>, StoreError> {
        super::notifications::users_with_role(&mut self.tx, role).await
    }

    async fn owner_users(
        &mut self,
        parcels: &[FeatureId],
    ) -> Result<Vec<crate::domain::account::User>, StoreError> {
        super::notifications::owner_users(&mut self.tx, parcels).await
    }

    async fn add_notification(
        &mut self,
        n: &crate::domain::notification::NewNotification,
    ) -> Result<i64, StoreError> {
        super::notifications::add(&mut self.tx, n).await
    }

    async fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        let now = timestamp(Utc::now());
        for layer in &self.touched {
            sqlx::query("UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?")
                .bind(&now)
                .bind(layer.id())
                .execute(&mut *self.tx)
                .await
                .map_err(StoreError::query("noting the layer's last change"))?;
        }
        self.tx
            .commit()
            .await
            .map_err(StoreError::query("committing"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;

    /// A transaction SQLite ended by itself (as it does on some errors, a full disk among them)
    /// while sqlx still counts it open: the connection is closed on release, and every later unit
    /// of work begins on a sound one.
    #[tokio::test]
    async fn a_connection_whose_transaction_sqlite_ended_is_not_reused() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("s.gpkg"), true)
            .await
            .unwrap();
        for _ in 0..3 {
            let mut unit = SqliteUnit::begin(&store.pool).await.unwrap();
            sqlx::query("ROLLBACK")
                .execute(&mut *unit.tx)
                .await
                .unwrap();
            drop(unit);
        }
        for i in 0..12 {
            let unit = SqliteUnit::begin(&store.pool).await;
            assert!(unit.is_ok(), "unit {i}: {:?}", unit.err());
            if let Ok(u) = unit {
                u.tx.commit().await.unwrap();
            }
        }
    }
}
