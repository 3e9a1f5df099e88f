//! Notifications: everyone concerned by a step of a land request hears of it, in Arabic and
//! English, in their inbox (`GET /api/me/notifications`), by e-mail and by SMS.
//!
//! - `audience`: who hears of a step (a pure function);
//! - `templates`: the messages, built in and replaceable by the municipality;
//! - `enqueue` (here): the step's notifications, written to the outbox in the step's own unit
//!   of work, so that a step that rolls back leaves none and a committed one loses none;
//! - `sender`: delivers the outbox, with retries and backoff, at most once per idempotency key
//!   as far as a receiver that honours the key can tell;
//! - `email`, `sms`: the two ways out (SMTP through `lettre`, an HTTP gateway through `reqwest`);
//! - `contact`: phone numbers and e-mail addresses, parsed when an account is added.

use std::path::PathBuf;

use serde::Deserialize;

use super::audit::Actor;
use crate::domain::account::User;
use crate::domain::notification::{Channel, NewNotification, Reason};
use crate::domain::request::LandRequest;
use crate::store::{StoreError, UnitOfWork};

pub mod audience;
pub mod contact;
pub mod email;
pub mod sender;
pub mod sms;
pub mod templates;

pub use audience::Step;
pub use templates::Templates;

/// `[notify]` in the configuration.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// Run the sender inside `serve` (false when a separate `madinati notify` process sends).
    pub send: bool,
    /// The viewer's public address, for links in messages (default: `[sketch] public_url`).
    pub public_url: String,
    /// A TOML file of templates replacing built-in ones.
    pub templates: Option<PathBuf>,
    /// How often the sender looks for due deliveries, milliseconds.
    pub poll_ms: u64,
    /// Deliveries claimed at a time.
    pub batch: u32,
    /// Attempts before a delivery is given up (marked failed).
    pub max_attempts: u32,
    /// The wait after the first failed attempt, seconds; it doubles with each attempt...
    pub retry_base_s: f64,
    /// ... up to this.
    pub retry_max_s: f64,
    /// How long a sender holds a delivery it is sending before another may take it, seconds.
    pub lease_s: u64,
    /// SMS to the queue (every planner on every submission) as well as e-mail.
    pub sms_to_queue: bool,
    pub email: Option<email::EmailConfig>,
    pub sms: Option<sms::SmsConfig>,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            send: true,
            public_url: String::new(),
            templates: None,
            poll_ms: 1_000,
            batch: 50,
            max_attempts: 8,
            retry_base_s: 30.0,
            retry_max_s: 3_600.0,
            lease_s: 120,
            sms_to_queue: false,
            email: None,
            sms: None,
        }
    }
}

/// What a step needs to write its notifications.
#[derive(Clone, Debug)]
pub struct Notifier {
    pub templates: Templates,
    pub public_url: String,
    pub email: bool,
    pub sms: bool,
    pub sms_to_queue: bool,
}

impl Default for Notifier {
    fn default() -> Self {
        Notifier {
            // The built-in templates are checked by a unit test; were they ever broken, messages
            // would still go out with the request number.
            templates: Templates::load(None).unwrap_or_else(|_| Templates::empty()),
            public_url: String::new(),
            email: false,
            sms: false,
            sms_to_queue: false,
        }
    }
}

impl Notifier {
    /// The notifier of `config`; `fallback_url` is used when `[notify] public_url` is empty.
    pub fn new(config: &NotifyConfig, fallback_url: &str) -> Result<Notifier, String> {
        let overrides = match &config.templates {
            Some(p) => Some(
                std::fs::read_to_string(p)
                    .map_err(|e| format!("[notify] templates: cannot read {}: {e}", p.display()))?,
            ),
            None => None,
        };
        let url = if config.public_url.is_empty() {
            fallback_url
        } else {
            &config.public_url
        };
        Ok(Notifier {
            templates: Templates::load(overrides.as_deref())?,
            public_url: url.trim_end_matches('/').to_string(),
            email: config.email.is_some(),
            sms: config.sms.is_some(),
            sms_to_queue: config.sms_to_queue,
        })
    }
}

/// A fresh idempotency key: 128 random bits.
pub fn new_key() -> Result<String, StoreError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)
        .map_err(|e| StoreError::Conflict(format!("no randomness for a notification key: {e}")))?;
    Ok(format!(
        "mdn-{}",
        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
    ))
}

fn display(u: &User) -> (String, String) {
    let name = u.username.to_string();
    (
        u.name_ar.clone().unwrap_or_else(|| name.clone()),
        u.name_en.clone().unwrap_or(name),
    )
}

/// Writes the notifications of a step (`step`, which left the request `r`) to the outbox, in
/// the step's unit of work.
pub async fn enqueue(
    uow: &mut dyn UnitOfWork,
    n: &Notifier,
    actor: &Actor,
    r: &LandRequest,
    step: &Step,
    comment: Option<&str>,
) -> Result<(), StoreError> {
    // The owners of the parcels asked about, and of the versions an approval made (a deed
    // update's new owner hears of it too).
    let mut parcels = r.parcels.clone();
    parcels.extend(r.created.iter().copied());
    let owners = uow.owner_users(&parcels).await?;
    let queue = match audience::queue_role(step.to) {
        Some(role) => uow.users_with_role(role).await?,
        None => Vec::new(),
    };
    let owner_ids: Vec<_> = owners.iter().map(|u| u.id).collect();
    let queue_ids: Vec<_> = queue.iter().map(|u| u.id).collect();
    let (actor_ar, actor_en) = display(&actor.user);
    let facts = templates::Facts {
        id: r.id.0,
        kind: r.kind,
        status: step.to,
        actor_ar: &actor_ar,
        actor_en: &actor_en,
        comment,
        serial: r.issued.as_ref().map(|i| i.serial.as_str()),
        link: (!n.public_url.is_empty()).then(|| format!("{}/#request={}", n.public_url, r.id.0)),
    };
    for (id, reason) in audience::audience(step, &owner_ids, &queue_ids) {
        let user = match owners.iter().chain(queue.iter()).find(|u| u.id == id) {
            Some(u) => Some(u.clone()),
            None if id == actor.user.id => Some(actor.user.clone()),
            None => uow.user(id).await?,
        };
        let Some(user) = user.filter(|u| !u.disabled) else {
            continue;
        };
        let mut deliveries = Vec::new();
        if n.email
            && let Some(e) = &user.email
        {
            deliveries.push((Channel::Email, e.clone(), new_key()?));
        }
        if n.sms
            && (reason != Reason::Queue || n.sms_to_queue)
            && let Some(p) = &user.phone
        {
            deliveries.push((Channel::Sms, p.clone(), new_key()?));
        }
        uow.add_notification(&NewNotification {
            user: user.id,
            request: Some(r.id),
            event: step.command.action().to_string(),
            reason,
            message: n.templates.render(reason, &facts),
            at: r.updated_at,
            deliveries,
        })
        .await?;
    }
    Ok(())
}
