//! Land requests (طلبات): what a surveyor asks of the register and where the request stands.
//! Every kind of land request (subdivision and merge now; deed update, survey sketch and plan
//! approval next) shares this record and one lifecycle (`app::workflow`).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::FeatureId;
use super::account::{Role, UserId};

/// A request's number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RequestId(pub i64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? } $what:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The name as stored and served.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<$name, String> {
                $name::ALL.iter().copied().find(|v| v.code() == s.trim()).ok_or_else(|| {
                    let names: Vec<&str> = $name::ALL.iter().map(|v| v.code()).collect();
                    format!(concat!("unknown ", $what, " {:?}: use one of {}"), s, names.join(", "))
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

coded_enum!(
    /// What a request asks for.
    RequestKind { Subdivision = "subdivision", Merge = "merge" } "request kind"
);

coded_enum!(
    /// Where a request stands. `submitted`, `in_review` and `returned` are open: the request
    /// holds its parcels, and no other request may take them.
    RequestStatus {
        Submitted = "submitted",
        InReview = "in_review",
        Returned = "returned",
        Approved = "approved",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
    } "request status"
);

impl RequestStatus {
    /// Whether the request is still open (it holds its parcels).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RequestStatus::Submitted | RequestStatus::InReview | RequestStatus::Returned
        )
    }
}

/// A land request as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct LandRequest {
    pub id: RequestId,
    pub kind: RequestKind,
    pub status: RequestStatus,
    /// The surveyor who submitted it.
    pub submitted_by: UserId,
    /// The planner who took it for review.
    pub reviewer: Option<UserId>,
    /// The parcels it concerns (the parents of a split or merge), store ids.
    pub parcels: Vec<FeatureId>,
    /// The proposed parcels as submitted (a GeoJSON FeatureCollection in `crs`).
    pub proposed: serde_json::Value,
    /// The CRS the proposal is written in, e.g. `EPSG:32639`.
    pub crs: String,
    pub note: Option<String>,
    /// The outcome of the checks when last submitted (a JSON array).
    pub checks: serde_json::Value,
    /// Parcels the approval created and retired.
    pub created: Vec<FeatureId>,
    pub retired: Vec<FeatureId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increases with every change (optimistic concurrency).
    pub version: i64,
}

/// One step in a request's life, kept forever.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequestEvent {
    pub request: RequestId,
    pub from: Option<RequestStatus>,
    pub to: RequestStatus,
    pub actor: UserId,
    pub role: Role,
    pub at: DateTime<Utc>,
    pub comment: Option<String>,
}

/// Which requests to list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestFilter {
    pub status: Option<RequestStatus>,
    pub kind: Option<RequestKind>,
    /// Only those this user submitted.
    pub submitted_by: Option<UserId>,
    /// Only those concerning this parcel.
    pub parcel: Option<FeatureId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_open_ones_hold_parcels() {
        for s in RequestStatus::ALL {
            assert_eq!(s.code().parse::<RequestStatus>().unwrap(), *s);
        }
        assert!(RequestStatus::Returned.is_open());
        assert!(!RequestStatus::Withdrawn.is_open());
        assert!(
            "done"
                .parse::<RequestStatus>()
                .unwrap_err()
                .contains("in_review")
        );
        assert_eq!("merge".parse::<RequestKind>().unwrap(), RequestKind::Merge);
    }
}
