//! Accounts, sessions and roles: who is calling, and may they do this.
//!
//! A login checks the password (argon2id) and starts a session: a 256-bit random token handed to
//! the client once, stored only as its SHA-256, expiring after `session_hours`. A wrong user name
//! and a wrong password are the same failure, take the same time, and count towards a lockout
//! per user name and per client address. Roles are checked here, on the server, for every action.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::audit::Actor;
use crate::domain::account::{Role, Roles, User, Username};
use crate::domain::audit::AuditEntry;
use crate::store::{NewAccount, Store, StoreError};

pub mod limiter;
pub mod password;
pub mod token;

use limiter::LoginLimiter;

/// Settings of sessions and login throttling (`[auth]` in the configuration file).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// How long a session lasts, hours.
    pub session_hours: f64,
    /// Failed logins for one user name or address before it is refused for a while.
    pub max_failures: u32,
    /// How long a locked-out user name or address waits, minutes.
    pub lockout_minutes: u64,
    /// Mark the session cookie `Secure` (set when madinati is served over TLS; it is also set
    /// whenever a proxy says `X-Forwarded-Proto: https`).
    pub secure_cookie: bool,
}

impl Default for AuthConfig {
    fn default() -> AuthConfig {
        AuthConfig {
            session_hours: 12.0,
            max_failures: 5,
            lockout_minutes: 15,
            secure_cookie: false,
        }
    }
}

/// Why a caller is refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No token or cookie, or one that is not (or no longer) a session: 401.
    #[error("sign in first: send Authorization: Bearer TOKEN from POST /api/auth/login")]
    NoCredentials,
    /// A wrong user name or password (the same answer for both): 401.
    #[error("wrong user name or password")]
    BadCredentials,
    /// Too many failed logins: 429.
    #[error("too many failed logins; try again in {} s", .0.as_secs().max(1))]
    Throttled(Duration),
    /// Signed in, but the role does not allow it: 403.
    #[error("{0}")]
    Forbidden(String),
    /// A malformed value (e.g. a user name): 400.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A successful login.
#[derive(Clone, Debug)]
pub struct Session {
    /// Given to the client once; never stored.
    pub token: String,
    pub user: User,
    pub expires: DateTime<Utc>,
}

/// Logins, sessions and accounts over a store.
pub struct Auth {
    store: Arc<dyn Store>,
    config: AuthConfig,
    limiter: LoginLimiter,
}

impl Auth {
    pub fn new(store: Arc<dyn Store>, config: AuthConfig) -> Auth {
        let limiter = LoginLimiter::new(
            config.max_failures,
            Duration::from_secs(config.lockout_minutes.saturating_mul(60)),
        );
        Auth {
            store,
            config,
            limiter,
        }
    }

    /// The settings in force.
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// Checks a user name and password and starts a session. The login and each failure are
    /// audited (with the client address); a locked-out name or address gets `Throttled`.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<Session, AuthError> {
        let now = Instant::now();
        let name = Username::try_from(username).ok();
        let user_key = format!("user:{}", username.trim().to_lowercase());
        let addr_key = client.map(|c| format!("addr:{c}"));
        for key in std::iter::once(&user_key).chain(addr_key.as_ref()) {
            if let Some(wait) = self.limiter.locked(key, now) {
                return Err(AuthError::Throttled(wait));
            }
        }
        let account = match &name {
            Some(n) => self.store.account(n).await?,
            None => None,
        };
        let stored = account
            .as_ref()
            .filter(|a| !a.user.disabled)
            .map_or(password::decoy_hash().to_string(), |a| {
                a.password_hash.clone()
            });
        let given = password.to_string();
        let matches = tokio::task::spawn_blocking(move || password::verify(&given, &stored))
            .await
            .unwrap_or(false);
        let user = match account {
            Some(a) if matches && !a.user.disabled => a.user,
            other => {
                self.limiter.fail(&user_key, now);
                if let Some(k) = &addr_key {
                    self.limiter.fail(k, now);
                }
                let mut e = AuditEntry::new("login_failed");
                e.actor = other.as_ref().map(|a| a.user.id);
                e.actor_name = name.map(|n| n.to_string());
                e.client = client.map(str::to_string);
                let mut uow = self.store.begin().await?;
                uow.append_audit(&e).await?;
                uow.commit().await?;
                return Err(AuthError::BadCredentials);
            }
        };
        self.limiter.clear(&user_key);
        let (token, hash) = token::new_token().map_err(|e| {
            AuthError::Store(StoreError::Conflict(format!("cannot start a session: {e}")))
        })?;
        let expires = Utc::now()
            + chrono::Duration::milliseconds((self.config.session_hours * 3_600_000.0) as i64);
        let actor = Actor {
            user: user.clone(),
            client: client.map(str::to_string),
        };
        let mut uow = self.store.begin().await?;
        uow.create_session(&hash, user.id, expires).await?;
        uow.append_audit(&actor.entry("login", None)).await?;
        uow.commit().await?;
        Ok(Session {
            token,
            user,
            expires,
        })
    }

    /// Ends the session of `token` (audited).
    pub async fn logout(&self, token: &str, actor: &Actor) -> Result<(), AuthError> {
        let mut uow = self.store.begin().await?;
        uow.delete_session(&token::token_hash(token)).await?;
        uow.append_audit(&actor.entry("logout", None)).await?;
        uow.commit().await?;
        Ok(())
    }

    /// The user of a session token, or `NoCredentials`.
    pub async fn authenticate(&self, token: &str) -> Result<User, AuthError> {
        if !token::looks_like_token(token) {
            return Err(AuthError::NoCredentials);
        }
        self.store
            .session_user(&token::token_hash(token), Utc::now())
            .await?
            .ok_or(AuthError::NoCredentials)
    }
}

/// What `user add` needs.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub roles: Roles,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub national_id: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Adds an account (audited as done by `by`, e.g. the command line).
pub async fn add_user(store: &dyn Store, new: NewUser, by: &str) -> Result<User, AuthError> {
    let username = Username::try_from(new.username.as_str()).map_err(AuthError::Invalid)?;
    password::acceptable(&new.password).map_err(AuthError::Invalid)?;
    if let Some(id) = &new.national_id {
        crate::domain::attributes::NationalId::try_from(id.as_str())
            .map_err(|e| AuthError::Invalid(format!("--national-id: {e}")))?;
    }
    let pw = new.password.clone();
    let password_hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| AuthError::Invalid(e.to_string()))?
        .map_err(AuthError::Invalid)?;
    let account = NewAccount {
        username: username.clone(),
        password_hash,
        roles: new.roles,
        name_ar: new.name_ar,
        name_en: new.name_en,
        national_id: new.national_id,
        phone: new
            .phone
            .as_deref()
            .map(crate::app::notify::contact::mobile)
            .transpose()
            .map_err(|e| AuthError::Invalid(format!("--phone: {e}")))?,
        email: new
            .email
            .as_deref()
            .map(crate::app::notify::contact::email)
            .transpose()
            .map_err(|e| AuthError::Invalid(format!("--email: {e}")))?,
    };
    let mut uow = store.begin().await?;
    let id = uow.create_user(&account).await?;
    let mut e = AuditEntry::new("user.add");
    e.actor_name = Some(by.to_string());
    e.detail = Some(format!("{} ({})", username, account.roles));
    uow.append_audit(&e).await?;
    uow.commit().await?;
    store
        .user(id)
        .await?
        .ok_or_else(|| AuthError::Invalid("the new user could not be read back".into()))
}

/// Disables (or enables again) an account; a disabled user's sessions end at once.
pub async fn set_disabled(
    store: &dyn Store,
    username: &str,
    disabled: bool,
    by: &str,
) -> Result<(), AuthError> {
    let username = Username::try_from(username).map_err(AuthError::Invalid)?;
    let mut uow = store.begin().await?;
    if !uow.set_user_disabled(&username, disabled).await? {
        return Err(AuthError::Invalid(format!("there is no user {username}")));
    }
    let mut e = AuditEntry::new(if disabled {
        "user.disable"
    } else {
        "user.enable"
    });
    e.actor_name = Some(by.to_string());
    e.detail = Some(username.to_string());
    uow.append_audit(&e).await?;
    uow.commit().await?;
    Ok(())
}

/// Requires `role` of `user`, or says who may.
pub fn require(user: &User, role: Role, action: &str) -> Result<(), AuthError> {
    if user.may_act_as(role) {
        Ok(())
    } else {
        Err(AuthError::Forbidden(format!(
            "only a {role} may {action}; you are {}",
            user.roles
        )))
    }
}
