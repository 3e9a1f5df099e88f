//! The store: the city's truth. One `Store` trait, the embedded GeoPackage backend (`sqlite`) now
//! and a PostGIS backend later, behind the same calls.
//!
//! Every write goes through one store transaction (`LayerWrite`): it becomes visible all at once
//! at `commit`, and a write dropped before `commit` (an error, a kill) leaves the store as it was.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::attributes::Owner;
use crate::domain::{Bbox, Feature, FeatureId, LayerKind};

pub mod sqlite;

pub use sqlite::SqliteStore;

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
}

impl StoreError {
    pub(crate) fn query(context: impl Into<String>) -> impl FnOnce(sqlx::Error) -> StoreError {
        let context = context.into();
        move |source| StoreError::Query { context, source }
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

/// Which version of the register to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsOf {
    /// Features in force now (`valid_to` unset).
    Current,
    /// Features in force at that moment.
    At(DateTime<Utc>),
    /// Every version ever recorded.
    All,
}

/// Counts of a layer and the box around it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerSummary {
    /// Features in force now.
    pub current: u64,
    /// Box around the current features, EPSG:4326 degrees; `None` when empty.
    pub extent: Option<Bbox>,
}

/// A feature as stored, with its store id.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredFeature {
    pub fid: FeatureId,
    pub feature: Feature,
}

/// How a parcel came from another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineageKind {
    Split,
    Merge,
    Update,
}

/// One lineage edge: `parent` was retired into `child`.
#[derive(Clone, Debug, PartialEq)]
pub struct LineageEdge {
    pub parent: FeatureId,
    pub child: FeatureId,
    pub kind: LineageKind,
    pub request_id: Option<String>,
    pub recorded_at: DateTime<Utc>,
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
