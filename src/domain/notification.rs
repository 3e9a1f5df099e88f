//! Notifications: who hears of a step of a land request, and the message and deliveries an
//! outbox keeps until a sender has delivered them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::account::UserId;
use super::request::RequestId;

/// Why a user hears of a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// They submitted the request.
    Submitter,
    /// They are the request's surveyor.
    Surveyor,
    /// They own a parcel of the request (their national id is the owner's).
    Owner,
    /// They reviewed it (the technical reviewer of a plan hears of the committee's decision).
    Reviewer,
    /// The request waits for someone of their role (planners for a review, surveyors for an
    /// owner's sketch request).
    Queue,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::Submitter => "submitter",
            Reason::Surveyor => "surveyor",
            Reason::Owner => "owner",
            Reason::Reviewer => "reviewer",
            Reason::Queue => "queue",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        [
            Reason::Submitter,
            Reason::Surveyor,
            Reason::Owner,
            Reason::Reviewer,
            Reason::Queue,
        ]
        .into_iter()
        .find(|r| r.code() == s)
    }
}

/// How a message goes out besides the user's inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// A message in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Message {
    pub subject_ar: String,
    pub subject_en: String,
    pub body_ar: String,
    pub body_en: String,
}

/// A message to write to the outbox, with the addresses it goes to.
#[derive(Clone, Debug)]
pub struct NewNotification {
    pub user: UserId,
    pub request: Option<RequestId>,
    /// The step, e.g. `request.submit`.
    pub event: String,
    pub reason: Reason,
    pub message: Message,
    pub at: DateTime<Utc>,
    /// (channel, address, idempotency key) of each delivery.
    pub deliveries: Vec<(Channel, String, String)>,
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Sent,
    Failed,
}

impl DeliveryStatus {
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        match s {
            "pending" => Some(DeliveryStatus::Pending),
            "sent" => Some(DeliveryStatus::Sent),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// A delivery as its recipient sees it (no address: the inbox shows the channel and state).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeliveryState {
    pub channel: Channel,
    pub status: DeliveryStatus,
    pub attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<DateTime<Utc>>,
}

/// A notification in a user's inbox.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Notification {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestId>,
    pub event: String,
    pub reason: Reason,
    #[serde(flatten)]
    pub message: Message,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_at: Option<DateTime<Utc>>,
    pub deliveries: Vec<DeliveryState>,
}

/// A delivery a sender has claimed: what to send where.
#[derive(Clone, Debug)]
pub struct DueDelivery {
    pub id: i64,
    pub channel: Channel,
    pub address: String,
    pub key: String,
    /// Attempts so far, this one included.
    pub attempts: u32,
    pub message: Message,
}

/// What became of an attempt.
#[derive(Clone, Debug, PartialEq)]
pub enum Attempt {
    Sent(DateTime<Utc>),
    /// Try again at this time.
    Retry {
        at: DateTime<Utc>,
        error: String,
    },
    /// Give up (a permanent refusal, or too many attempts).
    Failed(String),
}

/// Counts of deliveries by state (for the operator).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
}
