//! Documents attached to land requests, in `request_documents` (migration 0006): the bytes as a
//! BLOB beside what is listed about them. Listing never reads the bytes.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, SqlitePool, Transaction};

use crate::domain::account::UserId;
use crate::domain::document::{DocumentId, DocumentInfo, MediaType, NewDocument};
use crate::domain::request::RequestId;
use crate::store::{StoreError, timestamp};

use super::rows::parse_time;

/// The columns `info` reads, in its order.
const INFO_COLUMNS: &str =
    "id, request_id, sha256, media_type, file_name, title, size_bytes, uploaded_by, uploaded_at";

/// A stored row that cannot be read back: a server error, not the client's.
fn corrupt(id: i64, reason: impl Into<String>) -> StoreError {
    let reason: String = reason.into();
    StoreError::Query {
        context: format!("reading document {id}"),
        source: sqlx::Error::Decode(reason.into()),
    }
}

fn info(r: &SqliteRow) -> Result<DocumentInfo, StoreError> {
    let id: i64 = r.get(0);
    let media: String = r.get(3);
    let size: i64 = r.get(6);
    let at: String = r.get(8);
    Ok(DocumentInfo {
        id: DocumentId(id),
        request: RequestId(r.get(1)),
        sha256: r.get(2),
        media_type: MediaType::from_mime(&media)
            .ok_or_else(|| corrupt(id, format!("unknown media type {media:?}")))?,
        file_name: r.get(4),
        title: r.get(5),
        size_bytes: u64::try_from(size).map_err(|e| corrupt(id, e.to_string()))?,
        uploaded_by: UserId(r.get(7)),
        uploaded_at: parse_time(&at).map_err(|e| corrupt(id, e))?,
    })
}

/// Stores `d` in the unit of work's transaction. The same content on the same request is a
/// `Conflict` naming the document that has it (the unique index backs the check).
pub(super) async fn add(
    tx: &mut Transaction<'static, Sqlite>,
    d: &NewDocument,
) -> Result<DocumentId, StoreError> {
    let existing = sqlx::query(
        "SELECT id, file_name FROM request_documents WHERE request_id = ? AND sha256 = ?",
    )
    .bind(d.request.0)
    .bind(&d.sha256)
    .fetch_optional(&mut **tx)
    .await
    .map_err(StoreError::query("looking for the same document"))?;
    if let Some(row) = existing {
        let (id, name): (i64, String) = (row.get(0), row.get(1));
        return Err(StoreError::Conflict(format!(
            "request {} already has this file as document {id} ({name}, SHA-256 {}); it is not stored twice",
            d.request, d.sha256
        )));
    }
    let size = i64::try_from(d.bytes.len())
        .map_err(|_| StoreError::Conflict("the document is too large to store".into()))?;
    let row = sqlx::query(
        "INSERT INTO request_documents (request_id, sha256, media_type, file_name, title, \
         size_bytes, uploaded_by, uploaded_at, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
         RETURNING id",
    )
    .bind(d.request.0)
    .bind(&d.sha256)
    .bind(d.media_type.mime())
    .bind(&d.file_name)
    .bind(&d.title)
    .bind(size)
    .bind(d.uploaded_by.0)
    .bind(timestamp(d.uploaded_at))
    .bind(&d.bytes)
    .fetch_one(&mut **tx)
    .await
    .map_err(StoreError::query("storing a document"))?;
    Ok(DocumentId(row.get(0)))
}

pub(super) async fn list(
    pool: &SqlitePool,
    request: RequestId,
) -> Result<Vec<DocumentInfo>, StoreError> {
    sqlx::query(&format!(
        "SELECT {INFO_COLUMNS} FROM request_documents WHERE request_id = ? ORDER BY id"
    ))
    .bind(request.0)
    .fetch_all(pool)
    .await
    .map_err(StoreError::query("listing a request's documents"))?
    .iter()
    .map(info)
    .collect()
}

pub(super) async fn one(
    pool: &SqlitePool,
    request: RequestId,
    id: DocumentId,
) -> Result<Option<(DocumentInfo, Vec<u8>)>, StoreError> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {INFO_COLUMNS}, bytes FROM request_documents WHERE request_id = ? AND id = ?"
    ))
    .bind(request.0)
    .bind(id.0)
    .fetch_optional(pool)
    .await
    .map_err(StoreError::query("reading a document"))?
    else {
        return Ok(None);
    };
    let d = info(&row)?;
    let bytes: Vec<u8> = row.get(9);
    if bytes.len() as u64 != d.size_bytes {
        return Err(corrupt(
            d.id.0,
            format!("{} bytes stored, {} recorded", bytes.len(), d.size_bytes),
        ));
    }
    Ok(Some((d, bytes)))
}
