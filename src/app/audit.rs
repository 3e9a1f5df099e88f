//! Who acts, and the audit rows their actions leave. Every login, request transition and
//! register change appends one row in the same unit of work as the change itself.

use crate::domain::account::{Role, User};
use crate::domain::audit::AuditEntry;
use crate::domain::request::RequestId;

/// A signed-in user acting through a client.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: User,
    /// The client's address, when known.
    pub client: Option<String>,
}

impl Actor {
    /// An audit row for `action` by this actor, in `role` when the action needs one.
    pub fn entry(&self, action: &str, role: Option<Role>) -> AuditEntry {
        let mut e = AuditEntry::new(action);
        e.actor = Some(self.user.id);
        e.actor_name = Some(self.user.username.to_string());
        e.role = role;
        e.client = self.client.clone();
        e
    }

    /// An audit row about a request.
    pub fn request_entry(&self, action: &str, role: Role, request: RequestId) -> AuditEntry {
        let mut e = self.entry(action, Some(role));
        e.request = Some(request);
        e
    }
}
