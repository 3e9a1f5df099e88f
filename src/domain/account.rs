//! Accounts and roles: who may do what. Citizens look things up and report; surveyors
//! (engineering offices) submit land requests; planners review and decide them; admins manage
//! accounts and read the audit log. One person may hold several roles.

use std::fmt;

use serde::Serialize;

/// A user's id in the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Citizen,
    Surveyor,
    Planner,
    Admin,
}

impl Role {
    /// Every role, in rank order.
    pub const ALL: [Role; 4] = [Role::Citizen, Role::Surveyor, Role::Planner, Role::Admin];

    /// The role's name as written in commands, tokens and the store.
    pub fn code(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Surveyor => "surveyor",
            Role::Planner => "planner",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown role {s:?}: use citizen, surveyor, planner or admin"))
    }
}

/// A non-empty set of roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Roles(Vec<Role>);

impl Roles {
    /// Parses `surveyor,planner`: at least one known role, duplicates dropped.
    pub fn parse(s: &str) -> Result<Roles, String> {
        let mut roles = Vec::new();
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            let r: Role = part.parse()?;
            if !roles.contains(&r) {
                roles.push(r);
            }
        }
        Roles::new(roles)
    }

    /// Roles from a list (at least one).
    pub fn new(mut roles: Vec<Role>) -> Result<Roles, String> {
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            return Err("a user needs at least one role".into());
        }
        Ok(Roles(roles))
    }

    /// Whether the set holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    /// The roles in rank order.
    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|r| r.code()).collect();
        f.write_str(&names.join(","))
    }
}

/// A user name: 3–64 characters of letters, digits, `.`, `_`, `-`, `@`; compared without case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl TryFrom<&str> for Username {
    type Error = String;
    fn try_from(s: &str) -> Result<Username, String> {
        let s = s.trim();
        let n = s.chars().count();
        if !(3..=64).contains(&n) {
            return Err("a user name has 3 to 64 characters".into());
        }
        if !s
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err("a user name has letters, digits, '.', '_', '-' and '@' only".into());
        }
        Ok(Username(s.to_lowercase()))
    }
}

impl Username {
    /// The name as stored (lower case).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A user as the application sees them (no password). The national id and phone are personal
/// data: they are shown to the user themself and to admins only, never logged.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub roles: Roles,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    #[serde(skip)]
    pub national_id: Option<String>,
    #[serde(skip)]
    pub phone: Option<String>,
    /// Where e-mail notifications go.
    #[serde(skip)]
    pub email: Option<String>,
    pub disabled: bool,
}

impl User {
    /// Whether the user holds `role` and is not disabled.
    pub fn may_act_as(&self, role: Role) -> bool {
        !self.disabled && self.roles.has(role)
    }
}

/// A user with the hash of their password (argon2id, PHC string), as stored.
#[derive(Clone, Debug)]
pub struct Account {
    pub user: User,
    pub password_hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_dedupe_and_refuse_unknown_names() {
        let r = Roles::parse("planner, Surveyor,planner").unwrap();
        assert_eq!(r.to_string(), "surveyor,planner");
        assert!(r.has(Role::Planner) && !r.has(Role::Admin));
        assert!(Roles::parse("").is_err());
        assert!(Roles::parse("surveyor,king").unwrap_err().contains("king"));
    }

    #[test]
    fn usernames_are_trimmed_lower_case_and_bounded() {
        assert_eq!(Username::try_from(" Ahmed.S ").unwrap().as_str(), "ahmed.s");
        assert!(Username::try_from("ab").is_err());
        assert!(Username::try_from("a b c").is_err());
        assert!(Username::try_from("مساح_١").is_ok());
    }
}
