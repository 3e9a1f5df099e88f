//! The store: the city's truth. One `Store` trait, the embedded GeoPackage backend (`sqlite`) now
//! and a PostGIS backend later, behind the same calls.
//!
//! Every write goes through one store transaction (`LayerWrite`): it becomes visible all at once
//! at `commit`, and a write dropped before `commit` (an error, a kill) leaves the store as it was.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::account::{Account, Role, Roles, User, UserId, Username};
use crate::domain::attributes::Owner;
use crate::domain::audit::{AuditEntry, AuditQuery};
use crate::domain::document::{DocumentId, DocumentInfo, NewDocument};
use crate::domain::notification::{
    Attempt, DueDelivery, NewNotification, Notification, OutboxCounts,
};
use crate::domain::request::{LandRequest, RequestEvent, RequestFilter, RequestId};
use crate::domain::{Bbox, Feature, FeatureId, LayerKind};

pub mod rules;
pub mod sqlite;

pub use crate::domain::register::{AsOf, LineageEdge, LineageKind, StoredFeature};

pub use sqlite::SqliteStore;

/// Opens the store at `location`: a GeoPackage file path (created when `create` is set). The
/// one place that chooses a backend, so nothing outside `store` names SQLite.
pub async fn open(
    location: &std::path::Path,
    create: bool,
) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    Ok(std::sync::Arc::new(
        SqliteStore::open(location, create).await?,
    ))
}

/// What a store operation could not do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store file or server could not be opened or created.
    #[error("cannot open the store {location}: {source}")]
    Open {
        location: String,
        source: sqlx::Error,
    },
    /// A schema migration failed.
    #[error("cannot bring the store {location} up to date: {source}")]
    Migrate {
        location: String,
        source: sqlx::migrate::MigrateError,
    },
    /// A query failed; `context` says what was being done.
    #[error("store error while {context}: {source}")]
    Query {
        context: String,
        source: sqlx::Error,
    },
    /// A stored row could not be read back as a valid feature.
    #[error("stored {layer} feature {fid} is not valid: {reason}")]
    Corrupt {
        layer: LayerKind,
        fid: i64,
        reason: String,
    },
    /// The write would break a rule of the register.
    #[error("{0}")]
    Conflict(String),
    /// The disk under the store is full; the transaction was rolled back.
    #[error(
        "the store's disk is full (while {context}): nothing was changed; free space and try again"
    )]
    Full { context: String },
    /// A parcel is already held by another open request.
    #[error("parcel {parcel} is already in open request {request}")]
    Busy { parcel: i64, request: i64 },
}

impl StoreError {
    pub(crate) fn query(context: impl Into<String>) -> impl FnOnce(sqlx::Error) -> StoreError {
        let context = context.into();
        move |source| {
            if is_disk_full(&source) {
                StoreError::Full { context }
            } else {
                StoreError::Query { context, source }
            }
        }
    }
}

/// Whether a database error says the disk is full (SQLite's SQLITE_FULL, 13; PostgreSQL's
/// disk_full, 53100).
fn is_disk_full(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            matches!(d.code().as_deref(), Some("13") | Some("53100"))
                || d.message().contains("disk is full")
        }
        sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::StorageFull,
        _ => false,
    }
}

/// How a layer write treats the features already there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteMode {
    /// Add to the layer; a source id already current in the layer is a duplicate.
    Append,
    /// Replace the layer's features (a bulk reload). Refused for parcels that have lineage.
    Replace,
}

impl WriteMode {
    fn as_str(self) -> &'static str {
        match self {
            WriteMode::Append => "append",
            WriteMode::Replace => "replace",
        }
    }
}

/// Counts of a layer and the box around it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerSummary {
    /// Features in force now.
    pub current: u64,
    /// Box around the current features, EPSG:4326 degrees; `None` when empty.
    pub extent: Option<Bbox>,
}

/// The counts an import reports when it commits (written to the import log).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteCounts {
    pub read: u64,
    pub written: u64,
    pub rejected: u64,
}

/// The city's store.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Where the store is, for logs (a path or a server without credentials).
    fn location(&self) -> String;

    /// Checks that the store answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Writes a consistent copy of the whole store to `out` (a new file) while it keeps serving:
    /// every transaction committed before the copy began, none after.
    async fn backup(&self, out: &std::path::Path) -> Result<(), StoreError>;

    /// Flushes and closes the store (the GeoPackage checkpoints its WAL into the main file, so
    /// the file alone is the whole store again). Later calls fail.
    async fn close(&self) {}

    /// Starts one transaction writing features of `layer`; `source` names where they come from.
    async fn begin_write(
        &self,
        layer: LayerKind,
        mode: WriteMode,
        source: &str,
    ) -> Result<Box<dyn LayerWrite>, StoreError>;

    /// How many features the layer has now, and where.
    async fn layer_summary(&self, layer: LayerKind) -> Result<LayerSummary, StoreError>;

    /// The layer's features as of a moment, ordered by id.
    async fn features(
        &self,
        layer: LayerKind,
        as_of: AsOf,
    ) -> Result<Vec<StoredFeature>, StoreError>;

    /// The private owner of a parcel, for authorised workflows only.
    async fn parcel_owner(&self, parcel: FeatureId) -> Result<Option<Owner>, StoreError>;

    /// Lineage edges where the parcel is the parent or the child.
    async fn lineage(&self, parcel: FeatureId) -> Result<Vec<LineageEdge>, StoreError>;

    /// One version of a feature, current or retired.
    async fn feature(
        &self,
        layer: LayerKind,
        fid: FeatureId,
    ) -> Result<Option<StoredFeature>, StoreError>;

    /// Starts a unit of work: one transaction over every table (features of any layer,
    /// lineage, accounts, sessions, requests, audit). It holds the store's write lock from the
    /// start, so units of work never interleave; dropping it without `commit` rolls it back.
    async fn begin(&self) -> Result<Box<dyn UnitOfWork>, StoreError>;

    /// An account by user name (any case), with its password hash.
    async fn account(&self, username: &Username) -> Result<Option<Account>, StoreError>;

    /// A user by id.
    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError>;

    /// Every account, by user name.
    async fn users(&self) -> Result<Vec<User>, StoreError>;

    /// The user of an unexpired session whose token hashes to `token_hash`.
    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError>;

    /// A land request by id.
    async fn request(&self, id: RequestId) -> Result<Option<LandRequest>, StoreError>;

    /// Land requests matching `filter`, newest first.
    async fn requests(&self, filter: &RequestFilter) -> Result<Vec<LandRequest>, StoreError>;

    /// A request's history, oldest first.
    async fn request_events(&self, id: RequestId) -> Result<Vec<RequestEvent>, StoreError>;

    /// Audit rows, newest first.
    async fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;

    /// The documents of a request, oldest first, without their bytes.
    async fn documents(&self, request: RequestId) -> Result<Vec<DocumentInfo>, StoreError>;

    /// One document of a request, with its bytes; `None` when the request has no such document.
    async fn document(
        &self,
        request: RequestId,
        id: DocumentId,
    ) -> Result<Option<(DocumentInfo, Vec<u8>)>, StoreError>;

    /// The request that issued the document with this serial.
    async fn request_by_serial(&self, serial: &str) -> Result<Option<LandRequest>, StoreError>;

    /// A secret the store keeps (such as the key that signs issued documents).
    async fn secret(&self, name: &str) -> Result<Option<String>, StoreError>;

    /// A user's notifications, newest first: at most `limit`, older than `before` when given,
    /// only the unread ones when `unread`.
    async fn notifications(
        &self,
        user: UserId,
        query: &NotificationQuery,
    ) -> Result<Vec<Notification>, StoreError>;

    /// Marks a user's notification read; false when they have none with that id.
    async fn mark_notification_read(
        &self,
        user: UserId,
        id: i64,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Claims up to `limit` deliveries due at `now` (pending, their time come, held by no other
    /// sender) until `until`, counting the attempt; in one transaction, so that two senders
    /// never claim one delivery.
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, StoreError>;

    /// Records what became of an attempt and releases the claim.
    async fn finish_delivery(&self, id: i64, attempt: &Attempt) -> Result<(), StoreError>;

    /// Deliveries by state.
    async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError>;
}

/// Which of a user's notifications to list.
#[derive(Clone, Copy, Debug)]
pub struct NotificationQuery {
    pub limit: u32,
    pub before: Option<i64>,
    pub unread: bool,
}

/// A new account.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub username: Username,
    pub password_hash: String,
    pub roles: Roles,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub national_id: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// One transaction over the whole store. Everything done through it becomes visible at once at
/// `commit`; dropped without `commit` (an error, a kill), nothing of it was ever written.
#[async_trait]
pub trait UnitOfWork: Send {
    /// Adds features (all of one layer) with new fids; returns them in order. Parcels' owners
    /// are recorded with them.
    async fn insert(
        &mut self,
        layer: LayerKind,
        features: &[Feature],
    ) -> Result<Vec<FeatureId>, StoreError>;

    /// End-dates a current feature at `at`; one that is not current is a `Conflict`.
    async fn retire(
        &mut self,
        layer: LayerKind,
        fid: FeatureId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Records that `edge.parent` was retired into `edge.child`.
    async fn record_lineage(&mut self, edge: &LineageEdge) -> Result<(), StoreError>;

    /// Records (or, with `None`, clears) the private owner of a parcel version.
    async fn set_owner(
        &mut self,
        parcel: FeatureId,
        owner: Option<&Owner>,
    ) -> Result<(), StoreError>;

    /// Appends an audit row (the store refuses to change or delete one).
    async fn append_audit(&mut self, entry: &AuditEntry) -> Result<(), StoreError>;

    /// Adds an account; a user name already taken is a `Conflict`.
    async fn create_user(&mut self, account: &NewAccount) -> Result<UserId, StoreError>;

    /// Disables or enables an account and ends its sessions; false when there is no such user.
    async fn set_user_disabled(
        &mut self,
        username: &Username,
        disabled: bool,
    ) -> Result<bool, StoreError>;

    /// Starts a session for `user`, known by the hash of its token.
    async fn create_session(
        &mut self,
        token_hash: &str,
        user: UserId,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Ends a session.
    async fn delete_session(&mut self, token_hash: &str) -> Result<(), StoreError>;

    /// A request, read inside this transaction (no one else can change it meanwhile).
    async fn request(&mut self, id: RequestId) -> Result<Option<LandRequest>, StoreError>;

    /// Stores a new request (its `id` and `version` are set by the store); returns its id.
    async fn insert_request(&mut self, request: &LandRequest) -> Result<RequestId, StoreError>;

    /// Writes a changed request if its stored version is still `request.version - 1`;
    /// otherwise a `Conflict` (someone changed it first).
    async fn update_request(&mut self, request: &LandRequest) -> Result<(), StoreError>;

    /// Appends a step to a request's history.
    async fn add_request_event(&mut self, event: &RequestEvent) -> Result<(), StoreError>;

    /// Makes `request` hold `parcels`; a parcel another open request holds is a `Busy`.
    async fn claim_parcels(
        &mut self,
        request: RequestId,
        parcels: &[FeatureId],
    ) -> Result<(), StoreError>;

    /// Lets go of every parcel `request` holds.
    async fn release_parcels(&mut self, request: RequestId) -> Result<(), StoreError>;

    /// Attaches a document to a request; content the request already has (the same SHA-256) is
    /// a `Conflict` naming the document that holds it.
    async fn add_document(&mut self, document: &NewDocument) -> Result<DocumentId, StoreError>;

    /// Makes parcel version `new` a version of the same parcel as `old` (it keeps the stable
    /// parcel id), as a deed update does.
    async fn continue_parcel(&mut self, old: FeatureId, new: FeatureId) -> Result<(), StoreError>;

    /// Records that `lots` were laid out in `plan` by `request` (lineage `lot-of`).
    async fn record_plan_lots(
        &mut self,
        plan: FeatureId,
        lots: &[FeatureId],
        request: RequestId,
    ) -> Result<(), StoreError>;

    /// How many documents were issued with a serial starting with `prefix`.
    async fn issued_count(&mut self, prefix: &str) -> Result<u64, StoreError>;

    /// A user by id, read inside the transaction.
    async fn user(&mut self, id: UserId) -> Result<Option<User>, StoreError>;

    /// The enabled users holding `role`.
    async fn users_with_role(&mut self, role: Role) -> Result<Vec<User>, StoreError>;

    /// The enabled users whose national id is the owner's of one of `parcels`.
    async fn owner_users(&mut self, parcels: &[FeatureId]) -> Result<Vec<User>, StoreError>;

    /// Writes a notification and its deliveries to the outbox.
    async fn add_notification(&mut self, n: &NewNotification) -> Result<i64, StoreError>;

    /// Makes everything visible at once.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// One open write transaction on a layer. Dropping it without `commit` rolls everything back.
#[async_trait]
pub trait LayerWrite: Send {
    /// Source ids already current in the layer (empty for a replace).
    fn existing_source_ids(&self) -> &HashSet<String>;

    /// Adds features; returns their ids, in order.
    async fn insert(&mut self, features: &[Feature]) -> Result<Vec<FeatureId>, StoreError>;

    /// End-dates a current feature of the layer at `at` (it stays in the register as history).
    /// A feature that is not current is a `Conflict`.
    async fn retire(&mut self, fid: FeatureId, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Records that `edge.parent` was retired into `edge.child` (parcels only).
    async fn record_lineage(&mut self, edge: &LineageEdge) -> Result<(), StoreError>;

    /// Makes the whole write visible at once, and logs it with `counts`.
    async fn commit(self: Box<Self>, counts: WriteCounts) -> Result<(), StoreError>;
}

/// Formats a moment as stored: RFC 3339, UTC, milliseconds.
pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}
