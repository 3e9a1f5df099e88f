//! E-mail by SMTP (`lettre`, TLS through rustls only). One message carries both languages:
//! plain text, and an HTML alternative that sets the Arabic part right to left.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message as Mail, Tokio1Executor};
use serde::Deserialize;

use super::sender::SendError;
use crate::domain::notification::DueDelivery;

/// `[notify.email]`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    /// The relay: `smtp://host:25` (plain, a relay on the municipality's network),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS), `smtps://user:password@host:465`.
    pub smtp_url: String,
    /// The sender, e.g. `"أمانة المنطقة الشرقية <noreply@example.gov.sa>"`.
    pub from: String,
    /// Longest wait for the relay, seconds.
    #[serde(default = "default_timeout")]
    pub timeout_s: u64,
}

fn default_timeout() -> u64 {
    30
}

/// A connection pool to the relay.
pub struct Email {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
}

impl Email {
    pub fn new(c: &EmailConfig) -> Result<Email, String> {
        let from: Mailbox = c
            .from
            .parse()
            .map_err(|e| format!("[notify.email] from = {:?}: {e}", c.from))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&c.smtp_url)
            .map_err(|e| format!("[notify.email] smtp_url: {e}"))?
            .timeout(Some(Duration::from_secs(c.timeout_s)))
            .build();
        Ok(Email {
            domain: from.email.domain().to_string(),
            transport,
            from,
        })
    }

    /// Sends one delivery; its idempotency key is the Message-ID, so a relay or a mailbox
    /// recognises the same message sent again after a crash.
    pub async fn send(&self, d: &DueDelivery) -> Result<(), SendError> {
        let to: Mailbox = d
            .address
            .parse()
            .map_err(|e| SendError::Permanent(format!("the stored address is not valid: {e}")))?;
        let m = &d.message;
        let plain = format!(
            "{}\n\n{}\n\n— — —\n\n{}\n\n{}\n",
            m.subject_ar, m.body_ar, m.subject_en, m.body_en
        );
        let html = format!(
            "<!doctype html><html><body>\
             <div dir=\"rtl\" lang=\"ar\"><h3>{}</h3><p>{}</p></div><hr>\
             <div dir=\"ltr\" lang=\"en\"><h3>{}</h3><p>{}</p></div></body></html>",
            escape(&m.subject_ar),
            escape(&m.body_ar),
            escape(&m.subject_en),
            escape(&m.body_en)
        );
        let mail = Mail::builder()
            .from(self.from.clone())
            .to(to)
            .subject(format!("{} | {}", m.subject_ar, m.subject_en))
            .message_id(Some(format!("<{}@{}>", d.key, self.domain)))
            .multipart(MultiPart::alternative_plain_html(plain, html))
            .map_err(|e| SendError::Permanent(format!("the message cannot be built: {e}")))?;
        match self.transport.send(mail).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }
}

/// Text as HTML, line breaks kept.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(escape("<b>&\"\n"), "&lt;b&gt;&amp;&quot;<br>");
    }

    #[test]
    fn bad_settings_say_which() {
        let c = EmailConfig {
            smtp_url: "smtp://127.0.0.1:2525".into(),
            from: "not an address".into(),
            timeout_s: 5,
        };
        assert!(
            Email::new(&c)
                .err()
                .unwrap()
                .contains("[notify.email] from")
        );
        let c = EmailConfig {
            smtp_url: "gopher://x".into(),
            from: "noreply@example.gov.sa".into(),
            timeout_s: 5,
        };
        assert!(Email::new(&c).err().unwrap().contains("smtp_url"));
    }
}
