//! The embedded store: one GeoPackage 1.3 file (SQLite in WAL mode) that QGIS and `ogrinfo`
//! open as it is. Feature tables are registered in `gpkg_contents` and `gpkg_geometry_columns`
//! (EPSG:4326); lineage and the import log are attribute tables in the same file; owners are in
//! a table of their own that is not registered as a layer.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use chrono::{DateTime, Utc};

use super::{
    AsOf, LayerSummary, LayerWrite, LineageEdge, LineageKind, Store, StoreError, StoredFeature,
    UnitOfWork, WriteMode,
};
use crate::domain::account::{Account, User, UserId, Username};
use crate::domain::attributes::{NationalId, Owner};
use crate::domain::audit::{AuditEntry, AuditQuery};
use crate::domain::request::{LandRequest, RequestEvent, RequestFilter, RequestId};
use crate::domain::{Bbox, FeatureId, LayerKind};

pub mod backup;
mod documents;
mod functions;
pub mod gpkg_blob;
mod notifications;
mod queries;
mod records;
mod rows;
mod unit;
mod write;

/// GeoPackage's SQLite `application_id` ("GPKG").
const GPKG_APPLICATION_ID: i64 = 0x4750_4B47;
/// GeoPackage 1.3.0 as `user_version`.
const GPKG_USER_VERSION: i64 = 10300;

/// The GeoPackage store.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens the GeoPackage at `path`, creating it when `create` is set, and brings its schema
    /// up to date (versioned migrations, each in a transaction).
    pub async fn open(path: &Path, create: bool) -> Result<SqliteStore, StoreError> {
        let location = path.display().to_string();
        let open_err = |source| StoreError::Open {
            location: location.clone(),
            source,
        };
        let options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(open_err)?
            .filename(path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .pragma("cache_size", "-16384");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(1)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    let mut handle = conn.lock_handle().await?;
                    functions::register(handle.as_raw_handle())
                        .map_err(|e| sqlx::Error::Configuration(e.into()))
                })
            })
            .after_release(|conn, _| {
                Box::pin(async move {
                    // A unit of work that met an error mid-way (a full disk, say) can leave the
                    // connection out of step: SQLite rolled the transaction back by itself while
                    // sqlx still counts it open, so that every later BEGIN on it would fail. Such
                    // a connection is closed, not handed out again. `lock_handle` waits for the
                    // rollback sqlx queued when the transaction was dropped.
                    let open = {
                        let mut handle = conn.lock_handle().await?;
                        functions::in_transaction(handle.as_raw_handle())
                    };
                    let depth = <sqlx::sqlite::SqliteTransactionManager as sqlx::TransactionManager>::get_transaction_depth(conn);
                    Ok(!open && depth == 0)
                })
            })
            .connect_with(options)
            .await
            .map_err(open_err)?;
        sqlx::migrate!("migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                location: location.clone(),
                source,
            })?;
        sqlx::query(&format!(
            "PRAGMA application_id = {GPKG_APPLICATION_ID}; PRAGMA user_version = {GPKG_USER_VERSION};"
        ))
        .execute(&pool)
        .await
        .map_err(StoreError::query("marking the file as a GeoPackage"))?;
        Ok(SqliteStore {
            pool,
            path: path.to_path_buf(),
        })
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn as_of_clause(as_of: AsOf) -> (String, Option<String>) {
    match as_of {
        AsOf::Current => ("valid_to IS NULL".into(), None),
        AsOf::At(t) => (
            "(valid_from IS NULL OR valid_from <= ?1) AND (valid_to IS NULL OR valid_to > ?1)"
                .into(),
            Some(super::timestamp(t)),
        ),
        AsOf::All => ("1 = 1".into(), None),
        AsOf::Retired => ("valid_to IS NOT NULL".into(), None),
    }
}

/// Layers spanning at least this many fids are read in parallel parts.
const PARALLEL_READ_FROM: i64 = 4_000;
/// Parts a large layer is read in (connections used at once).
const READ_PARTS: i64 = 2;

/// The features of `layer` with `from <= fid <= to`, in fid order, streamed row by row (a
/// million parcels never sit in memory twice, as rows and as features).
async fn read_range(
    pool: SqlitePool,
    layer: LayerKind,
    as_of: AsOf,
    from: i64,
    to: i64,
) -> Result<Vec<StoredFeature>, StoreError> {
    let (clause, bind) = as_of_clause(as_of);
    let sql = format!(
        "SELECT * FROM {} WHERE fid BETWEEN {from} AND {to} AND {clause} ORDER BY fid",
        layer.id()
    );
    let mut q = sqlx::query(&sql);
    if let Some(b) = bind {
        q = q.bind(b);
    }
    let mut stream = q.fetch(&pool);
    let mut out = Vec::new();
    while let Some(row) = stream
        .try_next()
        .await
        .map_err(StoreError::query(format!("reading {layer}")))?
    {
        out.push(rows::feature(layer, &row)?);
    }
    Ok(out)
}

#[async_trait]
impl Store for SqliteStore {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    async fn backup(&self, out: &Path) -> Result<(), StoreError> {
        backup::backup(&self.pool, out).await
    }

    async fn close(&self) {
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await;
        self.pool.close().await;
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT count(*) FROM gpkg_contents")
            .fetch_one(&self.pool)
            .await
            .map(|_| ())
            .map_err(StoreError::query("checking the store answers"))
    }

    async fn begin_write(
        &self,
        layer: LayerKind,
        mode: WriteMode,
        source: &str,
    ) -> Result<Box<dyn LayerWrite>, StoreError> {
        Ok(Box::new(
            write::SqliteLayerWrite::begin(&self.pool, layer, mode, source).await?,
        ))
    }

    async fn layer_summary(&self, layer: LayerKind) -> Result<LayerSummary, StoreError> {
        let t = layer.id();
        let row = sqlx::query(&format!(
            "SELECT (SELECT count(*) FROM {t} WHERE valid_to IS NULL), min_x, min_y, max_x, max_y \
             FROM gpkg_contents WHERE table_name = ?"
        ))
        .bind(t)
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::query(format!("summarising {t}")))?;
        let current: i64 = row.get(0);
        let extent = match (row.get(1), row.get(2), row.get(3), row.get(4)) {
            (Some(min_x), Some(min_y), Some(max_x), Some(max_y)) if current > 0 => Some(Bbox {
                min_x,
                min_y,
                max_x,
                max_y,
            }),
            _ => None,
        };
        Ok(LayerSummary {
            current: current as u64,
            extent,
        })
    }

    async fn features(
        &self,
        layer: LayerKind,
        as_of: AsOf,
    ) -> Result<Vec<StoredFeature>, StoreError> {
        // A large layer is read as consecutive fid ranges in parallel (each on its own
        // connection, decoded on its own task), then joined in fid order.
        let (lo, hi): (Option<i64>, Option<i64>) =
            sqlx::query_as(&format!("SELECT min(fid), max(fid) FROM {}", layer.id()))
                .fetch_one(&self.pool)
                .await
                .map_err(StoreError::query(format!("reading {layer}")))?;
        let (Some(lo), Some(hi)) = (lo, hi) else {
            return Ok(Vec::new());
        };
        let parts = if hi - lo < PARALLEL_READ_FROM {
            1
        } else {
            READ_PARTS
        };
        let step = (hi - lo) / parts + 1;
        let mut tasks = Vec::new();
        for i in 0..parts {
            let (from, to) = (lo + i * step, (lo + (i + 1) * step - 1).min(hi));
            tasks.push(tokio::spawn(read_range(
                self.pool.clone(),
                layer,
                as_of,
                from,
                to,
            )));
        }
        let mut read = Vec::with_capacity(tasks.len());
        for task in tasks {
            read.push(
                task.await
                    .map_err(|e| StoreError::Conflict(format!("reading {layer} failed: {e}")))??,
            );
        }
        if read.len() == 1 {
            return Ok(read.pop().unwrap_or_default());
        }
        let mut out = Vec::with_capacity(read.iter().map(Vec::len).sum());
        for part in read {
            out.extend(part);
        }
        Ok(out)
    }

    async fn parcel_owner(&self, parcel: FeatureId) -> Result<Option<Owner>, StoreError> {
        let row =
            sqlx::query("SELECT owner_name, owner_id FROM parcel_owners WHERE parcel_fid = ?")
                .bind(parcel.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::query("reading a parcel's owner"))?;
        row.map(|r| {
            let id: String = r.get(1);
            let national_id =
                NationalId::try_from(id.as_str()).map_err(|reason| StoreError::Corrupt {
                    layer: LayerKind::Parcels,
                    fid: parcel.0,
                    reason: format!("owner id: {reason}"),
                })?;
            Ok(Owner {
                name: r.get(0),
                national_id,
            })
        })
        .transpose()
    }

    async fn lineage(&self, parcel: FeatureId) -> Result<Vec<LineageEdge>, StoreError> {
        let rows = sqlx::query(
            "SELECT parent_fid, child_fid, kind, request_id, recorded_at FROM parcel_lineage \
             WHERE parent_fid = ?1 OR child_fid = ?1 ORDER BY fid",
        )
        .bind(parcel.0)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("reading lineage"))?;
        rows.iter()
            .map(|r| {
                let corrupt = |reason: String| StoreError::Corrupt {
                    layer: LayerKind::Parcels,
                    fid: parcel.0,
                    reason,
                };
                let kind: String = r.get(2);
                let kind = LineageKind::parse(&kind)
                    .ok_or_else(|| corrupt(format!("unknown lineage kind {kind}")))?;
                let at: String = r.get(4);
                Ok(LineageEdge {
                    parent: FeatureId(r.get(0)),
                    child: FeatureId(r.get(1)),
                    kind,
                    request_id: r.get(3),
                    recorded_at: rows::parse_time(&at).map_err(corrupt)?,
                })
            })
            .collect()
    }

    async fn feature(
        &self,
        layer: LayerKind,
        fid: FeatureId,
    ) -> Result<Option<StoredFeature>, StoreError> {
        sqlx::query(&format!("SELECT * FROM {} WHERE fid = ?", layer.id()))
            .bind(fid.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::query(format!("reading a feature of {layer}")))?
            .map(|r| rows::feature(layer, &r))
            .transpose()
    }

    async fn begin(&self) -> Result<Box<dyn UnitOfWork>, StoreError> {
        Ok(Box::new(unit::SqliteUnit::begin(&self.pool).await?))
    }

    async fn account(&self, username: &Username) -> Result<Option<Account>, StoreError> {
        queries::account(&self.pool, username).await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        queries::user(&self.pool, id).await
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        queries::users(&self.pool).await
    }

    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError> {
        queries::session_user(&self.pool, token_hash, now).await
    }

    async fn request(&self, id: RequestId) -> Result<Option<LandRequest>, StoreError> {
        queries::request(&self.pool, id).await
    }

    async fn requests(&self, filter: &RequestFilter) -> Result<Vec<LandRequest>, StoreError> {
        queries::requests(&self.pool, filter).await
    }

    async fn request_events(&self, id: RequestId) -> Result<Vec<RequestEvent>, StoreError> {
        queries::request_events(&self.pool, id).await
    }

    async fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        queries::audit(&self.pool, query).await
    }

    async fn documents(
        &self,
        request: RequestId,
    ) -> Result<Vec<crate::domain::document::DocumentInfo>, StoreError> {
        documents::list(&self.pool, request).await
    }

    async fn document(
        &self,
        request: RequestId,
        id: crate::domain::document::DocumentId,
    ) -> Result<Option<(crate::domain::document::DocumentInfo, Vec<u8>)>, StoreError> {
        documents::one(&self.pool, request, id).await
    }

    async fn request_by_serial(&self, serial: &str) -> Result<Option<LandRequest>, StoreError> {
        queries::request_by_serial(&self.pool, serial).await
    }

    async fn secret(&self, name: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT value FROM secrets WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::query("reading a secret"))
    }

    async fn notifications(
        &self,
        user: UserId,
        query: &crate::store::NotificationQuery,
    ) -> Result<Vec<crate::domain::notification::Notification>, StoreError> {
        notifications::list(&self.pool, user, query).await
    }

    async fn mark_notification_read(
        &self,
        user: UserId,
        id: i64,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        notifications::mark_read(&self.pool, user, id, at).await
    }

    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<crate::domain::notification::DueDelivery>, StoreError> {
        notifications::claim(&self.pool, now, until, limit).await
    }

    async fn finish_delivery(
        &self,
        id: i64,
        attempt: &crate::domain::notification::Attempt,
    ) -> Result<(), StoreError> {
        notifications::finish(&self.pool, id, attempt).await
    }

    async fn outbox_counts(&self) -> Result<crate::domain::notification::OutboxCounts, StoreError> {
        notifications::counts(&self.pool).await
    }
}
