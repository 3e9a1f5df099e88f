//! The audit log's vocabulary: one append-only row per login, transition and register change.
//! Rows name people by their user id and user name only; owners' personal data never goes in.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::FeatureId;
use super::account::{Role, UserId};
use super::request::RequestId;

/// One audited action.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditEntry {
    /// The row's number (set by the store).
    pub id: i64,
    pub at: DateTime<Utc>,
    /// Who did it (`None`: an unknown user name at login).
    pub actor: Option<UserId>,
    pub actor_name: Option<String>,
    /// The role the action was taken in.
    pub role: Option<Role>,
    /// What happened: `login`, `login_failed`, `logout`, `request.submit`, `request.approve`,
    /// `register.split`, `user.add`, ...
    pub action: String,
    pub request: Option<RequestId>,
    /// Parcels retired and created (register changes).
    pub fids_before: Vec<FeatureId>,
    pub fids_after: Vec<FeatureId>,
    /// The client's address, when known.
    pub client: Option<String>,
    /// A short free text (a comment, a reason); never personal data.
    pub detail: Option<String>,
}

impl AuditEntry {
    /// An entry for `action` now, with nothing else filled in.
    pub fn new(action: impl Into<String>) -> AuditEntry {
        AuditEntry {
            id: 0,
            at: Utc::now(),
            actor: None,
            actor_name: None,
            role: None,
            action: action.into(),
            request: None,
            fids_before: Vec::new(),
            fids_after: Vec::new(),
            client: None,
            detail: None,
        }
    }
}

/// Which audit rows to read, newest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditQuery {
    pub request: Option<RequestId>,
    pub actor: Option<UserId>,
    pub since: Option<DateTime<Utc>>,
    /// At most this many rows (the store caps it).
    pub limit: Option<u32>,
}
