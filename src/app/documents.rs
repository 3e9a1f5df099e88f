//! Documents attached to land requests: who may list, read and add them, what is accepted (PDF,
//! JPEG, PNG, DXF told by their bytes, a name that fits), and the unit of work that stores them
//! with their audit rows.
//!
//! Seeing documents follows seeing the request (`workflow::visible`): whoever may not see the
//! request gets the same `NotFound` as for a request that does not exist.

use chrono::Utc;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::App;
use super::audit::Actor;
use super::workflow::{self, WorkflowError};
use crate::domain::account::{Role, User};
use crate::domain::document::{
    DocumentId, DocumentInfo, MediaType, NewDocument, describe_unaccepted, file_name_for,
};
use crate::domain::request::{LandRequest, RequestId};
use crate::store::StoreError;

/// The default largest upload: 20 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;
/// Most files in one upload.
pub const MAX_FILES: usize = 20;
/// Longest title, characters.
pub const MAX_TITLE: usize = 200;

/// The `[documents]` section of the configuration.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct DocumentsConfig {
    /// The largest upload, bytes: the files of one `POST` together.
    pub max_bytes: u64,
}

impl Default for DocumentsConfig {
    fn default() -> DocumentsConfig {
        DocumentsConfig {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// Why a documents call did not happen. Nothing was stored in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// Not a kind of file a request takes, or a name that says another kind (415).
    #[error("{0}")]
    Unsupported(String),
    /// Over the configured limit (413).
    #[error("{0}")]
    TooLarge(String),
    /// No request, no document, not the actor's to see, not allowed, closed, or a malformed
    /// upload (the workflow's 400/403/404/409).
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
}

impl From<StoreError> for DocumentError {
    fn from(e: StoreError) -> DocumentError {
        DocumentError::Workflow(e.into())
    }
}

fn invalid(m: impl Into<String>) -> DocumentError {
    DocumentError::Workflow(WorkflowError::Invalid(m.into()))
}

/// The role `user` adds a document to `r` in: planners and admins to any request they see, the
/// submitter to their own while it is open (submitted, in review or returned).
pub fn may_add(user: &User, r: &LandRequest) -> Result<Role, WorkflowError> {
    if user.may_act_as(Role::Planner) {
        return Ok(Role::Planner);
    }
    if user.may_act_as(Role::Admin) {
        return Ok(Role::Admin);
    }
    if !r.is_author(user.id) || user.disabled {
        return Err(WorkflowError::Forbidden(format!(
            "only the request's submitter or surveyor, planners and admins add documents to request {}",
            r.id
        )));
    }
    if !r.status.is_open() {
        return Err(WorkflowError::Conflict(format!(
            "request {} is {}: documents are added while it is submitted, in review or returned",
            r.id, r.status
        )));
    }
    // An owner who asked as a citizen adds documents as one.
    Ok(if user.may_act_as(Role::Surveyor) {
        Role::Surveyor
    } else {
        Role::Citizen
    })
}

/// Checks, before any file is read, that `actor` may add documents to request `id`.
pub async fn check_may_add(
    app: &App,
    actor: &Actor,
    id: RequestId,
) -> Result<LandRequest, DocumentError> {
    let r = workflow::visible(app, actor, id).await?;
    may_add(&actor.user, &r)?;
    Ok(r)
}

/// Counts the bytes of an upload as they arrive, so that nothing past the limit is kept.
#[derive(Debug)]
pub struct Budget {
    max: u64,
    used: u64,
}

impl Budget {
    pub fn new(config: &DocumentsConfig) -> Budget {
        Budget {
            max: config.max_bytes,
            used: 0,
        }
    }

    /// Counts `n` more bytes of the upload; past the limit, a `TooLarge` that gives it.
    pub fn take(&mut self, n: usize) -> Result<(), DocumentError> {
        self.used = self.used.saturating_add(n as u64);
        if self.used > self.max {
            return Err(too_large(self.max));
        }
        Ok(())
    }
}

/// The refusal of an upload over `max` bytes.
pub fn too_large(max: u64) -> DocumentError {
    DocumentError::TooLarge(format!(
        "the upload is larger than the limit of {} ({max} bytes for all its files together); send smaller files, or fewer at a time",
        human(max)
    ))
}

fn human(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// One file of an upload, as received.
#[derive(Debug)]
pub struct Upload {
    /// The name the client gave (any path or oddity is cleaned here).
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// Cleans an upload's title: trimmed, at most `MAX_TITLE` characters, no control characters.
pub fn clean_title(title: Option<String>) -> Result<Option<String>, DocumentError> {
    let Some(t) = title
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
    else {
        return Ok(None);
    };
    if t.chars().count() > MAX_TITLE {
        return Err(invalid(format!("title: at most {MAX_TITLE} characters")));
    }
    if t.chars().any(char::is_control) {
        return Err(invalid(
            "title: no control characters (line breaks, tabs) please",
        ));
    }
    Ok(Some(t))
}

/// What one upload will store, checked: kind, name, digest.
fn prepare(
    request: RequestId,
    actor: &Actor,
    title: &Option<String>,
    n: usize,
    u: Upload,
) -> Result<NewDocument, DocumentError> {
    let shown = u.file_name.clone().unwrap_or_else(|| format!("file {n}"));
    let Some(kind) = MediaType::sniff(&u.bytes) else {
        return Err(DocumentError::Unsupported(format!(
            "{shown} is {}; a request takes {} files",
            describe_unaccepted(&u.bytes),
            MediaType::accepted()
        )));
    };
    let fallback = format!("document-{n}");
    let file_name = file_name_for(u.file_name.as_deref(), kind, &fallback)
        .map_err(|e| DocumentError::Unsupported(e.to_string()))?;
    Ok(NewDocument {
        request,
        sha256: hex(&Sha256::digest(&u.bytes)),
        media_type: kind,
        file_name,
        title: title.clone(),
        uploaded_by: actor.user.id,
        uploaded_at: Utc::now(),
        bytes: u.bytes,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Adds the files of one upload to request `id`, all or none: each is checked (kind from its
/// bytes, a name that fits), then one unit of work re-reads the request, re-checks the actor,
/// stores each file and its audit row (`request.document.add`: request, document, kind, size
/// and digest; never the content), and commits.
pub async fn add(
    app: &App,
    actor: &Actor,
    id: RequestId,
    title: Option<String>,
    uploads: Vec<Upload>,
) -> Result<Vec<DocumentInfo>, DocumentError> {
    check_may_add(app, actor, id).await?;
    if uploads.is_empty() {
        return Err(invalid(
            "no file: send one or more `file` parts (multipart/form-data)",
        ));
    }
    if uploads.len() > MAX_FILES {
        return Err(invalid(format!(
            "{} files: at most {MAX_FILES} in one upload",
            uploads.len()
        )));
    }
    let title = clean_title(title)?;
    let mut docs = Vec::with_capacity(uploads.len());
    for (i, u) in uploads.into_iter().enumerate() {
        let d = prepare(id, actor, &title, i + 1, u)?;
        if let Some(same) = docs.iter().find(|o: &&NewDocument| o.sha256 == d.sha256) {
            return Err(WorkflowError::Conflict(format!(
                "{} and {} are the same file (SHA-256 {}); send it once",
                same.file_name, d.file_name, d.sha256
            ))
            .into());
        }
        docs.push(d);
    }
    let mut uow = app.store.begin().await?;
    let r = uow
        .request(id)
        .await?
        .ok_or_else(|| WorkflowError::NotFound(format!("there is no request {id}")))?;
    let role = may_add(&actor.user, &r)?;
    let mut stored = Vec::with_capacity(docs.len());
    for d in docs {
        let doc_id = uow.add_document(&d).await?;
        let mut e = actor.request_entry("request.document.add", role, id);
        e.at = d.uploaded_at;
        e.detail = Some(format!(
            "document {doc_id}: {}, {} bytes, SHA-256 {}",
            d.media_type,
            d.bytes.len(),
            d.sha256
        ));
        uow.append_audit(&e).await?;
        stored.push(DocumentInfo {
            id: doc_id,
            request: id,
            size_bytes: d.bytes.len() as u64,
            sha256: d.sha256,
            media_type: d.media_type,
            file_name: d.file_name,
            title: d.title,
            uploaded_by: d.uploaded_by,
            uploaded_at: d.uploaded_at,
        });
    }
    uow.commit().await?;
    Ok(stored)
}

/// The documents of a request the actor may see.
pub async fn list(
    app: &App,
    actor: &Actor,
    id: RequestId,
) -> Result<Vec<DocumentInfo>, DocumentError> {
    workflow::visible(app, actor, id).await?;
    Ok(app.store.documents(id).await?)
}

/// One document of a request the actor may see, with its bytes.
pub async fn get(
    app: &App,
    actor: &Actor,
    id: RequestId,
    doc: DocumentId,
) -> Result<(DocumentInfo, Vec<u8>), DocumentError> {
    workflow::visible(app, actor, id).await?;
    app.store.document(id, doc).await?.ok_or_else(|| {
        WorkflowError::NotFound(format!("request {id} has no document {doc}")).into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::{Roles, UserId, Username};
    use crate::domain::request::{RequestKind, RequestStatus};

    fn user(id: i64, roles: &str) -> User {
        User {
            id: UserId(id),
            username: Username::try_from(format!("user{id}").as_str()).unwrap(),
            roles: Roles::parse(roles).unwrap(),
            name_ar: None,
            name_en: None,
            national_id: None,
            phone: None,
            email: None,
            disabled: false,
        }
    }

    fn request(status: RequestStatus) -> LandRequest {
        let now = Utc::now();
        LandRequest {
            id: RequestId(7),
            kind: RequestKind::ALL[0],
            status,
            submitted_by: UserId(1),
            reviewer: None,
            parcels: Vec::new(),
            proposed: serde_json::Value::Null,
            crs: "EPSG:4326".into(),
            note: None,
            checks: serde_json::Value::Null,
            created: Vec::new(),
            retired: Vec::new(),
            created_at: now,
            updated_at: now,
            version: 1,
            surveyor: Some(UserId(1)),
            details: serde_json::json!({}),
            issued: None,
        }
    }

    #[test]
    fn who_adds_documents() {
        let submitter = user(1, "surveyor");
        let other = user(2, "surveyor");
        let planner = user(3, "planner");
        let admin = user(4, "admin");
        for s in RequestStatus::ALL.iter().copied() {
            let r = request(s);
            let mine = may_add(&submitter, &r);
            if s.is_open() {
                assert_eq!(mine.ok(), Some(Role::Surveyor));
            } else {
                assert!(matches!(mine, Err(WorkflowError::Conflict(_))), "{s}");
            }
            assert!(matches!(
                may_add(&other, &r),
                Err(WorkflowError::Forbidden(_))
            ));
            assert_eq!(may_add(&planner, &r).ok(), Some(Role::Planner));
            assert_eq!(may_add(&admin, &r).ok(), Some(Role::Admin));
        }
    }

    #[test]
    fn the_budget_stops_at_the_limit_and_says_it() {
        let mut b = Budget::new(&DocumentsConfig { max_bytes: 4096 });
        assert!(b.take(4000).is_ok());
        assert!(b.take(96).is_ok());
        match b.take(1) {
            Err(DocumentError::TooLarge(m)) => assert!(m.contains("4 KiB") && m.contains("4096")),
            other => panic!("{other:?}"),
        }
        assert_eq!(human(DEFAULT_MAX_BYTES), "20 MiB");
    }

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(
            clean_title(Some("  صك  ".into())).unwrap(),
            Some("صك".into())
        );
        assert_eq!(clean_title(Some("   ".into())).unwrap(), None);
        assert!(clean_title(Some("x".repeat(MAX_TITLE + 1))).is_err());
        assert!(clean_title(Some("a\nb".into())).is_err());
    }
}
