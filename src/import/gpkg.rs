//! GeoPackage reader: one feature table, found through `gpkg_geometry_columns`, read through
//! SQLite opened read-only.
//!
//! Rows are fetched in pages of `PAGE` by primary key (`WHERE fid > ? ORDER BY fid LIMIT ?`), so
//! memory does not grow with the table and the sink is never called from inside the async
//! runtime (it may block on the writer). The declared CRS comes from `gpkg_spatial_ref_sys`.

use std::future::Future;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteRow};
use sqlx::{Column, Connection, Row, TypeInfo, ValueRef};

use super::source::{
    BytesRead, FeatureSource, ReadError, ReadItem, SourcePosition, SourceRecord, Stop,
};
use crate::domain::RawGeometry;
use crate::domain::crs::epsg_from_prj_wkt;
use crate::store::sqlite::gpkg_blob::{self, BlobError};

/// Rows fetched at a time.
const PAGE: i64 = 10_000;

/// A feature table of a GeoPackage.
pub struct GpkgSource {
    path: PathBuf,
    table: String,
    geometry_column: String,
    /// The integer primary key column, or `rowid` when the table has none.
    key: String,
    /// Columns declared BOOLEAN (stored as 0/1).
    booleans: Vec<String>,
    crs: Option<String>,
    bytes: BytesRead,
}

/// A feature table listed in `gpkg_geometry_columns`.
struct FeatureTable {
    name: String,
    geometry_column: String,
    crs: Option<String>,
}

impl GpkgSource {
    /// Opens `path` read-only and picks the feature table: `source_layer`, or the only one.
    /// Safe to call from async code: the metadata is read on a thread of its own.
    pub fn open(
        path: &Path,
        source_layer: Option<&str>,
        bytes: BytesRead,
    ) -> Result<Self, ReadError> {
        std::fs::File::open(path).map_err(|source| ReadError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let (table, key, booleans) = on_own_runtime(async {
            let mut conn = connect(path).await?;
            let tables = feature_tables(&mut conn)
                .await
                .map_err(|e| format_error(path, e))?;
            let table = choose(path, tables, source_layer)?;
            let (key, booleans) = columns(&mut conn, &table.name)
                .await
                .map_err(|e| format_error(path, e))?;
            let _ = conn.close().await;
            Ok::<_, ReadError>((table, key, booleans))
        })??;
        Ok(GpkgSource {
            path: path.to_path_buf(),
            table: table.name,
            geometry_column: table.geometry_column,
            key,
            booleans,
            crs: table.crs,
            bytes,
        })
    }

    /// Turns one row (column 0 the key, then the table's columns) into an item.
    fn item(&self, row: &SqliteRow, position: SourcePosition) -> ReadItem {
        let mut properties = Map::new();
        let mut geometry = Ok(None);
        for (i, column) in row.columns().iter().enumerate().skip(1) {
            let name = column.name();
            if name.eq_ignore_ascii_case(&self.geometry_column) {
                geometry = row_geometry(row, i);
                continue;
            }
            match value(
                row,
                i,
                self.booleans.iter().any(|b| b.eq_ignore_ascii_case(name)),
            ) {
                Ok(Some(v)) => {
                    properties.insert(name.to_string(), v);
                }
                Ok(None) => {}
                Err(message) => {
                    return ReadItem::Unreadable {
                        position,
                        message: format!("column {name}: {message}"),
                        excerpt: String::new(),
                    };
                }
            }
        }
        ReadItem::Record(SourceRecord {
            position,
            id: None,
            properties,
            geometry,
        })
    }
}

fn format_error(path: &Path, e: impl std::fmt::Display) -> ReadError {
    ReadError::format(path, "GeoPackage", e)
}

/// Runs `fut` to completion on a new thread with its own runtime, so that it may be called
/// from async code without blocking a worker of the caller's runtime on itself.
fn on_own_runtime<F>(fut: F) -> Result<F::Output, ReadError>
where
    F: Future + Send,
    F::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            rt.map(|rt| rt.block_on(fut))
        })
        .join()
    })
    .map_err(|_| ReadError::Unsupported("the GeoPackage reader thread panicked".into()))?
    .map_err(|e| {
        ReadError::Unsupported(format!(
            "cannot start a runtime for the GeoPackage reader: {e}"
        ))
    })
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

async fn connect(path: &Path) -> Result<SqliteConnection, ReadError> {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| format_error(path, e))
}

async fn feature_tables(conn: &mut SqliteConnection) -> Result<Vec<FeatureTable>, String> {
    let rows = sqlx::query(
        "SELECT g.table_name, g.column_name, g.srs_id, s.organization, s.organization_coordsys_id, s.definition \
         FROM gpkg_geometry_columns g LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id \
         ORDER BY g.table_name",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| format!("not a GeoPackage (no readable gpkg_geometry_columns table): {e}"))?;
    let mut tables = Vec::with_capacity(rows.len());
    for row in rows {
        let get_text = |i: usize| row.try_get::<Option<String>, _>(i).ok().flatten();
        let name = get_text(0).ok_or("gpkg_geometry_columns has a row without table_name")?;
        let geometry_column =
            get_text(1).ok_or("gpkg_geometry_columns has a row without column_name")?;
        let srs_id = row.try_get::<Option<i64>, _>(2).ok().flatten().unwrap_or(0);
        let code = row.try_get::<Option<i64>, _>(4).ok().flatten().unwrap_or(0);
        let crs = declared_crs(
            &name,
            srs_id,
            get_text(3).as_deref(),
            code,
            get_text(5).as_deref(),
        );
        tables.push(FeatureTable {
            name,
            geometry_column,
            crs,
        });
    }
    Ok(tables)
}

/// `EPSG:n` from the SRS's organization and code, else from its WKT definition.
fn declared_crs(
    table: &str,
    srs_id: i64,
    org: Option<&str>,
    code: i64,
    wkt: Option<&str>,
) -> Option<String> {
    if org.is_some_and(|o| o.eq_ignore_ascii_case("EPSG")) && code > 0 {
        return Some(format!("EPSG:{code}"));
    }
    if let Some(epsg) = wkt.and_then(epsg_from_prj_wkt) {
        return Some(format!("EPSG:{epsg}"));
    }
    if srs_id > 0 {
        tracing::warn!(
            table,
            srs_id,
            "the GeoPackage table's CRS is not one madinati recognises; pass --srs with the source CRS \
             (the data is otherwise read as EPSG:4326)"
        );
    }
    None
}

fn choose(
    path: &Path,
    mut tables: Vec<FeatureTable>,
    wanted: Option<&str>,
) -> Result<FeatureTable, ReadError> {
    let names = tables
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let index = match wanted {
        Some(w) => tables
            .iter()
            .position(|t| t.name == w)
            .or_else(|| tables.iter().position(|t| t.name.eq_ignore_ascii_case(w)))
            .ok_or_else(|| {
                format_error(
                    path,
                    format!("there is no feature table {w:?}; its feature tables are: {names}"),
                )
            })?,
        None if tables.len() == 1 => 0,
        None if tables.is_empty() => return Err(format_error(path, "it has no feature tables")),
        None => {
            return Err(format_error(
                path,
                format!(
                    "it has several feature tables ({names}); pass --source-layer with the one to import"
                ),
            ));
        }
    };
    Ok(tables.swap_remove(index))
}

/// The key to page by (the INTEGER PRIMARY KEY, else `rowid`) and the BOOLEAN columns.
async fn columns(
    conn: &mut SqliteConnection,
    table: &str,
) -> Result<(String, Vec<String>), String> {
    let rows = sqlx::query(&format!("PRAGMA table_info({})", quote(table)))
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| format!("cannot read the columns of {table}: {e}"))?;
    if rows.is_empty() {
        return Err(format!("the feature table {table} does not exist"));
    }
    let mut pk = Vec::new();
    let mut booleans = Vec::new();
    for row in &rows {
        let name: String = row.try_get("name").map_err(|e| e.to_string())?;
        let ty: String = row
            .try_get::<Option<String>, _>("type")
            .ok()
            .flatten()
            .unwrap_or_default();
        let is_pk: i64 = row.try_get("pk").unwrap_or(0);
        if is_pk > 0 {
            pk.push((name.clone(), ty.clone()));
        }
        if ty.eq_ignore_ascii_case("BOOLEAN") {
            booleans.push(name);
        }
    }
    let key = match pk.as_slice() {
        [(name, ty)] if ty.eq_ignore_ascii_case("INTEGER") => quote(name),
        _ => "rowid".to_string(),
    };
    Ok((key, booleans))
}

/// A column value as JSON by its SQLite type; `None` for NULL.
fn value(row: &SqliteRow, i: usize, boolean: bool) -> Result<Option<Value>, String> {
    let raw = row.try_get_raw(i).map_err(|e| e.to_string())?;
    if raw.is_null() {
        return Ok(None);
    }
    let ty = raw.type_info().name().to_string();
    let decode_error = |e: sqlx::Error| e.to_string();
    Ok(match ty.as_str() {
        "INTEGER" => {
            let n: i64 = row.try_get_unchecked(i).map_err(decode_error)?;
            match n {
                0 | 1 if boolean => Some(Value::Bool(n == 1)),
                _ => Some(Value::from(n)),
            }
        }
        "REAL" => serde_json::Number::from_f64(row.try_get_unchecked(i).map_err(decode_error)?)
            .map(Value::Number),
        "BLOB" => {
            let b: Vec<u8> = row.try_get_unchecked(i).map_err(decode_error)?;
            Some(Value::String(
                b.iter().map(|x| format!("{x:02x}")).collect(),
            ))
        }
        _ => {
            let s: String = row
                .try_get_unchecked(i)
                .map_err(|_| "the text is not valid UTF-8".to_string())?;
            Some(Value::String(s))
        }
    })
}

fn row_geometry(row: &SqliteRow, i: usize) -> Result<Option<RawGeometry>, String> {
    let raw = row.try_get_raw(i).map_err(|e| e.to_string())?;
    if raw.is_null() {
        return Ok(None);
    }
    let blob: Vec<u8> = row
        .try_get_unchecked(i)
        .map_err(|_| "the geometry column does not hold a GeoPackage blob".to_string())?;
    match gpkg_blob::decode(&blob) {
        Ok((g, _srs)) => Ok(Some(g)),
        Err(BlobError::Empty) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

impl FeatureSource for GpkgSource {
    fn declared_crs(&self) -> Option<String> {
        self.crs.clone()
    }

    /// Must run outside async code (the importer calls it on a blocking thread): it blocks on
    /// each page.
    fn read_all(
        self: Box<Self>,
        sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>,
    ) -> Result<(), ReadError> {
        // A runtime of its own: the caller's may be single-threaded and busy awaiting our items.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                ReadError::Unsupported(format!(
                    "cannot start a runtime for the GeoPackage reader: {e}"
                ))
            })?;
        let path = self.path.as_path();
        let table = quote(&self.table);
        let file_len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let mut conn = rt.block_on(connect(path))?;
        let total: i64 = rt
            .block_on(
                sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(&mut conn),
            )
            .map_err(|e| format_error(path, e))?;
        let key = &self.key;
        let sql = format!("SELECT {key}, * FROM {table} WHERE {key} > ? ORDER BY {key} LIMIT ?");
        let (mut after, mut record) = (i64::MIN, 0u64);
        loop {
            let page = rt
                .block_on(
                    sqlx::query(&sql)
                        .bind(after)
                        .bind(PAGE)
                        .fetch_all(&mut conn),
                )
                .map_err(|e| {
                    format_error(path, format!("cannot read table {}: {e}", self.table))
                })?;
            let Some(last) = page.last() else { break };
            after = last.try_get(0).map_err(|e| format_error(path, e))?;
            let full = page.len() as i64 == PAGE;
            for row in &page {
                record += 1;
                let item = self.item(row, SourcePosition { record, line: None });
                if sink(item).is_err() {
                    return Ok(());
                }
            }
            if total > 0 {
                self.bytes.set(
                    (u128::from(record) * u128::from(file_len) / total as u128)
                        .min(u128::from(file_len)) as u64,
                );
            }
            if !full {
                break;
            }
        }
        let _ = rt.block_on(conn.close());
        Ok(())
    }
}

#[cfg(test)]
mod tests;
