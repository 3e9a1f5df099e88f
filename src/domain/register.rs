//! The register's vocabulary shared by every reader and writer: a feature as stored with its
//! id, which version of the register to read, and the lineage of parcels (LADM's versioned
//! objects: a split, merge or update retires parcels into new ones, nothing is deleted).

use chrono::{DateTime, Utc};

use super::{Feature, FeatureId};

/// Which version of the register to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsOf {
    /// Features in force now (`valid_to` unset).
    Current,
    /// Features in force at that moment.
    At(DateTime<Utc>),
    /// Every version ever recorded.
    All,
    /// Versions no longer in force (`valid_to` set): the register's history.
    Retired,
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

impl LineageKind {
    /// The stored and served name: `split`, `merge`, `update`.
    pub fn code(self) -> &'static str {
        match self {
            LineageKind::Split => "split",
            LineageKind::Merge => "merge",
            LineageKind::Update => "update",
        }
    }

    /// The kind from its stored name.
    pub fn parse(s: &str) -> Option<LineageKind> {
        match s {
            "split" => Some(LineageKind::Split),
            "merge" => Some(LineageKind::Merge),
            "update" => Some(LineageKind::Update),
            _ => None,
        }
    }

    /// LADM's name of the edge as served: `split-of`, `merge-of`, `update-of`.
    pub fn edge_name(self) -> &'static str {
        match self {
            LineageKind::Split => "split-of",
            LineageKind::Merge => "merge-of",
            LineageKind::Update => "update-of",
        }
    }
}
