//! Backups of the GeoPackage: `VACUUM INTO` writes a consistent, compact copy from one read
//! transaction while writers go on (WAL mode); `check` verifies a copy before it is restored:
//! SQLite's own integrity and foreign-key checks, that it is a madinati GeoPackage at a schema
//! this build knows, and that the register holds together (every lineage edge joins existing
//! parcels, every approved request's parcels are retired and its children current or later
//! retired, every open request holds its parcels).

use std::path::Path;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use sqlx::{ConnectOptions, Connection};

use crate::store::StoreError;

/// Writes a consistent copy of the store behind `pool` to `out`, which must not exist.
pub async fn backup(pool: &SqlitePool, out: &Path) -> Result<(), StoreError> {
    if out.exists() {
        return Err(StoreError::Conflict(format!(
            "{} exists: a backup goes to a new file",
            out.display()
        )));
    }
    let target = out
        .to_str()
        .ok_or_else(|| StoreError::Conflict(format!("{} is not a UTF-8 path", out.display())))?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(pool)
        .await
        .map_err(StoreError::query(format!("backing up to {target}")))?;
    Ok(())
}

/// What a check of a copy found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckReport {
    /// Problems found; empty when the copy is sound.
    pub problems: Vec<String>,
    pub parcels_current: i64,
    pub requests: i64,
    pub audit_rows: i64,
}

async fn scalar(conn: &mut sqlx::SqliteConnection, sql: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar(sql)
        .fetch_one(&mut *conn)
        .await
        .map_err(StoreError::query(format!("checking the copy: {sql}")))
}

/// Checks the GeoPackage at `path` (opened read-only) for a restore.
pub async fn check(path: &Path) -> Result<CheckReport, StoreError> {
    let location = path.display().to_string();
    let mut conn = SqliteConnectOptions::from_str("sqlite://")
        .map_err(|source| StoreError::Open {
            location: location.clone(),
            source,
        })?
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .map_err(|source| StoreError::Open {
            location: location.clone(),
            source,
        })?;
    let mut report = CheckReport::default();
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(StoreError::query("checking integrity"))?;
    if integrity != ["ok"] {
        report
            .problems
            .extend(integrity.into_iter().map(|p| format!("integrity: {p}")));
        return Ok(report);
    }
    let fk = scalar(&mut conn, "SELECT count(*) FROM pragma_foreign_key_check").await?;
    if fk > 0 {
        report
            .problems
            .push(format!("{fk} rows refer to rows that do not exist"));
    }
    if scalar(&mut conn, "PRAGMA application_id").await? != 0x4750_4B47 {
        report
            .problems
            .push("not a GeoPackage (application_id is not GPKG)".into());
    }
    let known = sqlx::migrate!("migrations/sqlite").iter().count() as i64;
    let applied = scalar(
        &mut conn,
        "SELECT count(*) FROM _sqlx_migrations WHERE success = 1",
    )
    .await?;
    if applied > known {
        report.problems.push(format!(
            "made by a newer madinati: {applied} schema versions, this build knows {known}"
        ));
    }
    let checks = [
        (
            "SELECT count(*) FROM parcel_lineage l WHERE NOT EXISTS (SELECT 1 FROM parcels p WHERE p.fid = l.parent_fid AND p.valid_to IS NOT NULL) OR NOT EXISTS (SELECT 1 FROM parcels c WHERE c.fid = l.child_fid)",
            "lineage edges whose parent is not retired or whose child is missing",
        ),
        (
            "SELECT count(*) FROM requests r, json_each(r.retired_fids) j WHERE r.status = 'approved' AND NOT EXISTS (SELECT 1 FROM parcels p WHERE p.fid = j.value AND p.valid_to IS NOT NULL)",
            "parcels of approved requests that are not retired",
        ),
        (
            "SELECT count(*) FROM requests r, json_each(r.created_fids) j WHERE r.status = 'approved' AND NOT EXISTS (SELECT 1 FROM parcels p WHERE p.fid = j.value)",
            "children of approved requests that are missing",
        ),
        (
            "SELECT count(*) FROM requests r WHERE r.status <> 'approved' AND r.created_fids <> '[]'",
            "requests not approved that created parcels",
        ),
        (
            "SELECT count(*) FROM requests r, json_each(r.parcels) j WHERE r.status IN ('submitted', 'in_review', 'returned') AND r.kind <> 'survey_sketch' AND NOT EXISTS (SELECT 1 FROM open_request_parcels o WHERE o.parcel_fid = j.value AND o.request_id = r.id)",
            "open requests not holding their parcels",
        ),
        (
            "SELECT count(*) FROM requests r WHERE r.status = 'approved' AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.request_id = r.id AND (a.action LIKE 'register.%' OR (r.kind = 'survey_sketch' AND a.action = 'document.issue')))",
            "approved requests without the audit row of their register change",
        ),
    ];
    for (sql, what) in checks {
        let n = scalar(&mut conn, sql).await?;
        if n > 0 {
            report.problems.push(format!("{n} {what}"));
        }
    }
    report.parcels_current = scalar(
        &mut conn,
        "SELECT count(*) FROM parcels WHERE valid_to IS NULL",
    )
    .await?;
    report.requests = scalar(&mut conn, "SELECT count(*) FROM requests").await?;
    report.audit_rows = scalar(&mut conn, "SELECT count(*) FROM audit_log").await?;
    let _ = conn.close().await;
    Ok(report)
}
