//! Land requests (طلبات): what a surveyor or an owner asks of the register and where the request
//! stands. Every kind of land request (subdivision, merge, deed update, survey sketch; plan
//! approval next) shares this record and one lifecycle engine (`app::workflow`).

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
    RequestKind {
        Subdivision = "subdivision",
        Merge = "merge",
        DeedUpdate = "deed_update",
        SurveySketch = "survey_sketch",
        PlanApproval = "plan_approval",
    } "request kind"
);

impl RequestKind {
    /// Whether an approval changes the register (and so an open request holds its parcels).
    /// A survey sketch documents a parcel as it is; it changes nothing and holds nothing.
    pub fn changes_register(self) -> bool {
        !matches!(self, RequestKind::SurveySketch)
    }
}

coded_enum!(
    /// Where a request stands. `requested`, `submitted`, `in_review` and `returned` are open:
    /// a request that changes the register holds its parcels, and no other may take them.
    /// `requested`: an owner asked for a survey sketch that no surveyor has prepared yet.
    /// `technical_approved`: a plan passed the planners' technical review and awaits the
    /// committee (a second planner or an admin).
    RequestStatus {
        Requested = "requested",
        Submitted = "submitted",
        InReview = "in_review",
        TechnicalApproved = "technical_approved",
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
            RequestStatus::Requested
                | RequestStatus::Submitted
                | RequestStatus::InReview
                | RequestStatus::TechnicalApproved
                | RequestStatus::Returned
        )
    }
}

/// A land request as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct LandRequest {
    pub id: RequestId,
    pub kind: RequestKind,
    pub status: RequestStatus,
    /// Who submitted it: a surveyor, or an owner (a citizen) for a deed update or a sketch.
    pub submitted_by: UserId,
    /// The surveyor who prepares it: the submitter when a surveyor submitted it, the surveyor
    /// who took up an owner's sketch request, `None` while nobody has.
    pub surveyor: Option<UserId>,
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
    /// What the kind carries besides the proposal: a deed update's deed, a sketch's surveyed
    /// corners, the check codes a planner accepted at approval (a JSON object).
    pub details: serde_json::Value,
    /// An issued document's serial (a survey sketch's) and when it was issued.
    pub issued: Option<Issued>,
}

/// A document issued on approval.
#[derive(Clone, Debug, PartialEq)]
pub struct Issued {
    pub serial: String,
    pub at: DateTime<Utc>,
}

impl LandRequest {
    /// Whether `user` is the request's submitter or its surveyor.
    pub fn is_author(&self, user: UserId) -> bool {
        self.submitted_by == user || self.surveyor == Some(user)
    }
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
    /// Only those this user submitted or prepares (as their surveyor).
    pub author: Option<UserId>,
    /// With `author`: also the sketch requests no surveyor has taken up yet (any surveyor may).
    pub with_unprepared: bool,
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
