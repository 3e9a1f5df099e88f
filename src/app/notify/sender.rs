//! The sender: takes due deliveries from the outbox one at a time (a claim held for a lease, so
//! two senders, in one process or many, never send one delivery at once), sends it, and
//! records the outcome. A failure is retried with a doubling wait; a permanent refusal or too
//! many attempts marks it failed. Killed between a send and its record, the sender sends that
//! one delivery again after the lease, with the same idempotency key; nothing recorded as sent
//! is ever sent again, and nothing committed to the outbox is lost.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::NotifyConfig;
use super::email::Email;
use super::sms::Sms;
use crate::domain::notification::{Attempt, Channel, DueDelivery};
use crate::store::{Store, StoreError};

/// Why a send did not happen.
#[derive(Clone, Debug, PartialEq)]
pub enum SendError {
    /// Worth trying again (the relay or gateway is down, busy, timed out).
    Transient(String),
    /// It will never go (the address is refused, the gateway rejects the request).
    Permanent(String),
}

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: u32,
    pub retried: u32,
    pub failed: u32,
}

impl Round {
    pub fn attempted(&self) -> u32 {
        self.sent + self.retried + self.failed
    }
}

/// The wait before attempt `attempts + 1`: `base` doubled for each attempt after the first,
/// at most `max`.
pub fn backoff(attempts: u32, base_s: f64, max_s: f64) -> Duration {
    let exp = attempts.saturating_sub(1).min(30);
    let s = (base_s * f64::from(1u32 << exp)).min(max_s).max(0.0);
    Duration::from_secs_f64(s)
}

/// The record of an attempt: sent, retried after the backoff, or failed for good.
pub fn outcome(
    result: Result<(), SendError>,
    attempts: u32,
    c: &NotifyConfig,
    now: DateTime<Utc>,
) -> Attempt {
    match result {
        Ok(()) => Attempt::Sent(now),
        Err(SendError::Permanent(e)) => Attempt::Failed(e),
        Err(SendError::Transient(e)) if attempts >= c.max_attempts => {
            Attempt::Failed(format!("{e} (given up after {attempts} attempts)"))
        }
        Err(SendError::Transient(e)) => {
            let wait = backoff(attempts, c.retry_base_s, c.retry_max_s);
            let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
            Attempt::Retry {
                at: now + wait,
                error: e,
            }
        }
    }
}

/// Delivers the outbox.
pub struct Sender {
    store: Arc<dyn Store>,
    email: Option<Email>,
    sms: Option<Sms>,
    config: NotifyConfig,
}

impl Sender {
    /// A sender for `config`'s channels; an error says which setting is wrong.
    pub fn new(store: Arc<dyn Store>, config: &NotifyConfig) -> Result<Sender, String> {
        let longest = [
            config.email.as_ref().map(|e| e.timeout_s),
            config.sms.as_ref().map(|s| s.timeout_s),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0);
        if config.lease_s <= longest {
            return Err(format!(
                "[notify] lease_s ({}) must be longer than the longest channel timeout ({longest} s)",
                config.lease_s
            ));
        }
        if config.max_attempts == 0 || !(config.retry_base_s >= 0.0 && config.retry_max_s >= 0.0) {
            return Err("[notify]: max_attempts ≥ 1, retry_base_s and retry_max_s ≥ 0".into());
        }
        Ok(Sender {
            store,
            email: config.email.as_ref().map(Email::new).transpose()?,
            sms: config.sms.as_ref().map(Sms::new).transpose()?,
            config: config.clone(),
        })
    }

    async fn send(&self, d: &DueDelivery) -> Result<(), SendError> {
        match (d.channel, &self.email, &self.sms) {
            (Channel::Email, Some(e), _) => e.send(d).await,
            (Channel::Sms, _, Some(s)) => s.send(d).await,
            (c, _, _) => Err(SendError::Transient(format!(
                "no {} channel is configured on this sender",
                c.code()
            ))),
        }
    }

    /// Sends every delivery due now, one claim at a time.
    pub async fn round(&self) -> Result<Round, StoreError> {
        let mut round = Round::default();
        loop {
            let now = Utc::now();
            let lease = chrono::Duration::seconds(i64::try_from(self.config.lease_s).unwrap_or(60));
            let due = self.store.claim_deliveries(now, now + lease, 1).await?;
            let Some(d) = due.into_iter().next() else {
                return Ok(round);
            };
            let result = self.send(&d).await;
            let attempt = outcome(result, d.attempts, &self.config, Utc::now());
            // Logs carry the delivery's id, never its address or text.
            match &attempt {
                Attempt::Sent(_) => {
                    round.sent += 1;
                    tracing::debug!(delivery = d.id, channel = d.channel.code(), "sent");
                }
                Attempt::Retry { at, error } => {
                    round.retried += 1;
                    tracing::warn!(
                        delivery = d.id,
                        channel = d.channel.code(),
                        attempt = d.attempts,
                        retry_at = %at,
                        "not sent: {}",
                        redact(error, &d.address)
                    );
                }
                Attempt::Failed(error) => {
                    round.failed += 1;
                    tracing::error!(
                        delivery = d.id,
                        channel = d.channel.code(),
                        attempt = d.attempts,
                        "given up: {}",
                        redact(error, &d.address)
                    );
                }
            }
            self.store.finish_delivery(d.id, &attempt).await?;
        }
    }

    /// Sends until `stop` resolves, looking for due deliveries every `poll_ms`.
    pub async fn run(&self, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        let poll = Duration::from_millis(self.config.poll_ms.max(10));
        loop {
            if let Err(e) = self.round().await {
                tracing::error!("notification sender: {e}");
            }
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(poll) => {}
            }
        }
    }

    /// Sends until nothing is pending any more (every delivery sent or failed).
    pub async fn drain(&self) -> Result<Round, StoreError> {
        let mut total = Round::default();
        let poll = Duration::from_millis(self.config.poll_ms.max(10));
        loop {
            let r = self.round().await?;
            total.sent += r.sent;
            total.retried += r.retried;
            total.failed += r.failed;
            if self.store.outbox_counts().await?.pending == 0 {
                return Ok(total);
            }
            tokio::time::sleep(poll).await;
        }
    }
}

/// An error text without the recipient's address (relays quote it back).
fn redact(error: &str, address: &str) -> String {
    if address.is_empty() {
        return error.to_string();
    }
    error.replace(address, "<recipient>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_the_cap() {
        let w: Vec<f64> = (1..=8)
            .map(|a| backoff(a, 30.0, 600.0).as_secs_f64())
            .collect();
        assert_eq!(
            w,
            vec![30.0, 60.0, 120.0, 240.0, 480.0, 600.0, 600.0, 600.0]
        );
        assert_eq!(backoff(u32::MAX, 30.0, 3600.0).as_secs_f64(), 3600.0);
        assert_eq!(backoff(0, 30.0, 3600.0).as_secs_f64(), 30.0);
    }

    #[test]
    fn outcomes_of_attempts() {
        let c = NotifyConfig {
            max_attempts: 3,
            retry_base_s: 10.0,
            ..NotifyConfig::default()
        };
        let now = Utc::now();
        assert_eq!(outcome(Ok(()), 1, &c, now), Attempt::Sent(now));
        assert_eq!(
            outcome(Err(SendError::Transient("503".into())), 2, &c, now),
            Attempt::Retry {
                at: now + chrono::Duration::seconds(20),
                error: "503".into()
            }
        );
        assert!(matches!(
            outcome(Err(SendError::Transient("503".into())), 3, &c, now),
            Attempt::Failed(e) if e.contains("after 3 attempts")
        ));
        assert_eq!(
            outcome(Err(SendError::Permanent("550".into())), 1, &c, now),
            Attempt::Failed("550".into())
        );
    }

    #[test]
    fn addresses_are_kept_out_of_logs() {
        assert_eq!(
            redact("550 5.1.1 <a@b.sa>: unknown", "a@b.sa"),
            "550 5.1.1 <<recipient>>: unknown"
        );
    }
}
