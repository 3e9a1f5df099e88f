//! One import-sized write on a layer, as a single SQLite transaction.
//!
//! The transaction starts by logging the import (which takes the write lock at once), so the
//! fids handed out (max + 1, ...) cannot collide with another writer. Rows go in as multi-row
//! INSERTs of up to `ROWS_PER_STATEMENT` (one prepared statement reused per full batch).

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{Row, Sqlite, Transaction};

use super::gpkg_blob;
use crate::domain::attributes::{Attributes, Owner};
use crate::domain::{Bbox, Feature, FeatureId, LayerKind};
use crate::store::{LayerWrite, LineageEdge, StoreError, WriteCounts, WriteMode, rules, timestamp};

const ROWS_PER_STATEMENT: usize = 256;

/// A value bound to an INSERT.
enum Sql {
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
    Null,
}

impl From<Option<String>> for Sql {
    fn from(v: Option<String>) -> Sql {
        v.map_or(Sql::Null, Sql::Text)
    }
}

impl From<Option<f64>> for Sql {
    fn from(v: Option<f64>) -> Sql {
        v.map_or(Sql::Null, Sql::Real)
    }
}

/// The columns an insert writes, in order (from the layer's schema table).
fn columns(layer: LayerKind) -> &'static [&'static str] {
    crate::domain::schema::written_names(layer)
}

fn row(fid: i64, f: &Feature, out: &mut Vec<Sql>) {
    let bbox = f.geometry().bbox();
    out.push(Sql::Int(fid));
    out.push(Sql::Blob(gpkg_blob::encode(
        &f.geometry().to_raw(),
        bbox,
        gpkg_blob::SRS_WGS84,
    )));
    out.push(f.source_id().map(|s| s.to_string()).into());
    let date = |d: Option<chrono::NaiveDate>| Sql::from(d.map(|d| d.to_string()));
    match f.attributes() {
        Attributes::District(d) => {
            out.extend([
                d.name_ar.clone().into(),
                d.name_en.clone().into(),
                d.city.clone().into(),
                Sql::Real(f.area_m2()),
            ]);
        }
        Attributes::Plan(p) => out.extend([
            Sql::Text(p.plan_no.to_string()),
            p.name.clone().into(),
            Sql::Text(p.status.code().into()),
            date(p.approved_on),
            Sql::Real(f.area_m2()),
        ]),
        Attributes::Street(s) => out.extend([
            s.name_ar.clone().into(),
            s.name_en.clone().into(),
            s.width_m.into(),
            Sql::Real(f.length_m()),
        ]),
        Attributes::Parcel(p) => out.extend([
            Sql::Text(p.parcel_no.to_string()),
            p.plan_no.as_ref().map(|v| v.to_string()).into(),
            p.block_no.as_ref().map(|v| v.to_string()).into(),
            p.district.clone().into(),
            p.land_use.map(|v| v.code().to_string()).into(),
            p.deed_no.clone().into(),
            date(p.deed_date),
            p.official_area_m2.into(),
            Sql::Real(f.area_m2()),
        ]),
        Attributes::ServicePoint(s) => out.extend([
            s.name_ar.clone().into(),
            s.name_en.clone().into(),
            Sql::Text(s.category.to_string()),
            s.phone.clone().into(),
            s.opening_hours.as_ref().map(|h| h.to_string()).into(),
            s.district.clone().into(),
        ]),
    }
    let life = f.lifespan();
    out.push(life.valid_from.map(timestamp).into());
    out.push(life.valid_to.map(timestamp).into());
    out.push(Sql::Text(
        serde_json::Value::Object(f.extra().clone()).to_string(),
    ));
}

fn insert_sql(layer: LayerKind, rows: usize) -> String {
    let cols = columns(layer);
    let one = format!("({})", vec!["?"; cols.len()].join(","));
    format!(
        "INSERT INTO {} ({}) VALUES {}",
        layer.id(),
        cols.join(","),
        vec![one; rows].join(",")
    )
}

/// An open write on one layer of the GeoPackage.
pub struct SqliteLayerWrite {
    tx: Transaction<'static, Sqlite>,
    layer: LayerKind,
    import_fid: i64,
    next_fid: i64,
    existing: HashSet<String>,
    extent: Option<Bbox>,
    full_batch_sql: String,
}

impl SqliteLayerWrite {
    pub(super) async fn begin(
        pool: &sqlx::SqlitePool,
        layer: LayerKind,
        mode: WriteMode,
        source: &str,
    ) -> Result<Self, StoreError> {
        let mut tx = pool
            .begin()
            .await
            .map_err(StoreError::query("starting a write"))?;
        let import_fid: i64 = sqlx::query("INSERT INTO imports (layer, source, mode, started_at) VALUES (?, ?, ?, ?) RETURNING fid")
            .bind(layer.id())
            .bind(source)
            .bind(mode.as_str())
            .bind(timestamp(Utc::now()))
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::query("logging the import"))?
            .get(0);
        let t = layer.id();
        let mut existing = HashSet::new();
        let mut extent = None;
        match mode {
            WriteMode::Replace => {
                if layer == LayerKind::Parcels {
                    let edges: i64 = sqlx::query("SELECT count(*) FROM parcel_lineage")
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(StoreError::query("checking parcel lineage"))?
                        .get(0);
                    rules::replace_allowed(layer, edges.max(0) as u64)?;
                    sqlx::query("DELETE FROM parcel_owners")
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::query("clearing parcel owners"))?;
                }
                sqlx::query(&format!("DELETE FROM {t}"))
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::query(format!("clearing {t}")))?;
            }
            WriteMode::Append => {
                let rows = sqlx::query(&format!(
                    "SELECT source_id FROM {t} WHERE valid_to IS NULL AND source_id IS NOT NULL"
                ))
                .fetch_all(&mut *tx)
                .await
                .map_err(StoreError::query(format!("reading current ids of {t}")))?;
                existing = rows.iter().map(|r| r.get::<String, _>(0)).collect();
                let r = sqlx::query(
                    "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?",
                )
                .bind(t)
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::query("reading the layer extent"))?;
                if let (Some(min_x), Some(min_y), Some(max_x), Some(max_y)) =
                    (r.get(0), r.get(1), r.get(2), r.get(3))
                {
                    extent = Some(Bbox {
                        min_x,
                        min_y,
                        max_x,
                        max_y,
                    });
                }
            }
        }
        let next_fid = next_fid(&mut tx, layer).await?;
        Ok(SqliteLayerWrite {
            tx,
            layer,
            import_fid,
            next_fid,
            existing,
            extent,
            full_batch_sql: insert_sql(layer, ROWS_PER_STATEMENT),
        })
    }

    async fn insert_chunk(
        &mut self,
        chunk: &[Feature],
        fids: &mut Vec<FeatureId>,
    ) -> Result<(), StoreError> {
        let first = self.next_fid;
        for f in chunk {
            let b = f.geometry().bbox();
            self.extent = Some(self.extent.map_or(b, |e| e.union(b)));
        }
        let sql = (chunk.len() == ROWS_PER_STATEMENT).then_some(self.full_batch_sql.as_str());
        insert_rows(&mut self.tx, self.layer, first, chunk, sql).await?;
        fids.extend((0..chunk.len() as i64).map(|i| FeatureId(first + i)));
        self.next_fid += chunk.len() as i64;
        Ok(())
    }
}

/// Inserts `chunk` (features of `layer`, at most `ROWS_PER_STATEMENT`) with fids `first`,
/// `first + 1`, ..., and their owners, in the open transaction. `sql` is a prepared statement
/// for exactly `chunk.len()` rows, when the caller keeps one.
pub(super) async fn insert_rows(
    conn: &mut sqlx::SqliteConnection,
    layer: LayerKind,
    first: i64,
    chunk: &[Feature],
    sql: Option<&str>,
) -> Result<(), StoreError> {
    rules::same_layer(layer, chunk)?;
    let mut values = Vec::with_capacity(chunk.len() * columns(layer).len());
    for (i, f) in chunk.iter().enumerate() {
        row(first + i as i64, f, &mut values);
    }
    let partial;
    let sql = match sql {
        Some(sql) => sql,
        None => {
            partial = insert_sql(layer, chunk.len());
            &partial
        }
    };
    let mut q = sqlx::query(sql);
    for v in values {
        q = match v {
            Sql::Int(i) => q.bind(i),
            Sql::Real(r) => q.bind(r),
            Sql::Text(t) => q.bind(t),
            Sql::Blob(b) => q.bind(b),
            Sql::Null => q.bind(None::<String>),
        };
    }
    q.execute(&mut *conn)
        .await
        .map_err(StoreError::query(format!("inserting into {layer}")))?;
    let owners: Vec<(i64, &Owner)> = chunk
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match f.attributes() {
            Attributes::Parcel(p) => p.owner.as_ref().map(|o| (first + i as i64, o)),
            _ => None,
        })
        .collect();
    if !owners.is_empty() {
        let sql = format!(
            "INSERT INTO parcel_owners (parcel_fid, owner_name, owner_id) VALUES {}",
            vec!["(?, ?, ?)"; owners.len()].join(",")
        );
        let mut q = sqlx::query(&sql);
        for (fid, owner) in owners {
            q = q
                .bind(fid)
                .bind(owner.name.as_str())
                .bind(owner.national_id.as_str());
        }
        q.execute(&mut *conn)
            .await
            .map_err(StoreError::query("recording parcel owners"))?;
    }
    Ok(())
}

/// The next free fid of `layer` (fids are never reused: history keeps them).
pub(super) async fn next_fid(
    conn: &mut sqlx::SqliteConnection,
    layer: LayerKind,
) -> Result<i64, StoreError> {
    let t = layer.id();
    Ok(
        sqlx::query(&format!("SELECT COALESCE(MAX(fid), 0) + 1 FROM {t}"))
            .fetch_one(&mut *conn)
            .await
            .map_err(StoreError::query(format!("reading the next id of {t}")))?
            .get(0),
    )
}

/// End-dates a current feature; one that is not current is a `Conflict` (someone retired it first).
pub(super) async fn retire(
    conn: &mut sqlx::SqliteConnection,
    layer: LayerKind,
    fid: FeatureId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let t = layer.id();
    let done = sqlx::query(&format!(
        "UPDATE {t} SET valid_to = ? WHERE fid = ? AND valid_to IS NULL"
    ))
    .bind(timestamp(at))
    .bind(fid.0)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::query(format!("retiring a feature of {t}")))?;
    rules::retired(layer, fid, done.rows_affected())
}

/// Records a lineage edge.
pub(super) async fn record_lineage(
    conn: &mut sqlx::SqliteConnection,
    edge: &LineageEdge,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO parcel_lineage (parent_fid, child_fid, kind, request_id, recorded_at) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(edge.parent.0)
    .bind(edge.child.0)
    .bind(edge.kind.code())
    .bind(&edge.request_id)
    .bind(timestamp(edge.recorded_at))
    .execute(&mut *conn)
    .await
    .map(|_| ())
    .map_err(StoreError::query("recording lineage"))
}

#[async_trait]
impl LayerWrite for SqliteLayerWrite {
    fn existing_source_ids(&self) -> &HashSet<String> {
        &self.existing
    }

    async fn insert(&mut self, features: &[Feature]) -> Result<Vec<FeatureId>, StoreError> {
        let mut fids = Vec::with_capacity(features.len());
        for chunk in features.chunks(ROWS_PER_STATEMENT) {
            self.insert_chunk(chunk, &mut fids).await?;
        }
        Ok(fids)
    }

    async fn retire(&mut self, fid: FeatureId, at: DateTime<Utc>) -> Result<(), StoreError> {
        retire(&mut self.tx, self.layer, fid, at).await
    }

    async fn record_lineage(&mut self, edge: &LineageEdge) -> Result<(), StoreError> {
        rules::lineage_allowed(self.layer)?;
        record_lineage(&mut self.tx, edge).await
    }

    async fn commit(mut self: Box<Self>, counts: WriteCounts) -> Result<(), StoreError> {
        let now = timestamp(Utc::now());
        let e = self.extent;
        sqlx::query(
            "UPDATE gpkg_contents SET last_change = ?, min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?",
        )
        .bind(&now)
        .bind(e.map(|e| e.min_x))
        .bind(e.map(|e| e.min_y))
        .bind(e.map(|e| e.max_x))
        .bind(e.map(|e| e.max_y))
        .bind(self.layer.id())
        .execute(&mut *self.tx)
        .await
        .map_err(StoreError::query("updating the layer extent"))?;
        sqlx::query("UPDATE imports SET finished_at = ?, records_read = ?, imported = ?, rejected = ? WHERE fid = ?")
            .bind(&now)
            .bind(counts.read as i64)
            .bind(counts.written as i64)
            .bind(counts.rejected as i64)
            .bind(self.import_fid)
            .execute(&mut *self.tx)
            .await
            .map_err(StoreError::query("closing the import log"))?;
        self.tx
            .commit()
            .await
            .map_err(StoreError::query("committing"))
    }
}
