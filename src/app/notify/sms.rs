//! SMS through the operator's HTTP gateway: a POST whose URL, authorisation and JSON body the
//! municipality configures, with the idempotency key in an `Idempotency-Key` header (and in the
//! body where the template puts `{key}`).

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use serde::Deserialize;
use serde_json::{Value, json};

use super::sender::SendError;
use crate::domain::notification::DueDelivery;

/// `[notify.sms]`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    /// The gateway's send address.
    pub url: String,
    /// The `Authorization` header's value, e.g. `"Bearer …"`. Better: `auth_env`.
    #[serde(default)]
    pub auth_header: Option<String>,
    /// The environment variable holding the `Authorization` header's value.
    #[serde(default)]
    pub auth_env: Option<String>,
    /// The JSON body; in its strings `{to}` is the number (+9665…), `{text}` the message (Arabic
    /// then English), `{text_ar}`, `{text_en}` each language, `{key}` the idempotency key.
    #[serde(default = "default_body")]
    pub body: Value,
    /// Longest wait for the gateway, seconds.
    #[serde(default = "default_timeout")]
    pub timeout_s: u64,
}

fn default_body() -> Value {
    json!({"to": "{to}", "text": "{text}", "idempotency_key": "{key}"})
}

fn default_timeout() -> u64 {
    10
}

/// A client of the gateway.
pub struct Sms {
    client: reqwest::Client,
    url: reqwest::Url,
    auth: Option<HeaderValue>,
    body: Value,
}

impl Sms {
    pub fn new(c: &SmsConfig) -> Result<Sms, String> {
        let url: reqwest::Url = c
            .url
            .parse()
            .map_err(|e| format!("[notify.sms] url = {:?}: {e}", c.url))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("[notify.sms] url: give an http:// or https:// address".into());
        }
        let auth = match (&c.auth_header, &c.auth_env) {
            (Some(h), _) => Some(h.clone()),
            (None, Some(var)) => Some(std::env::var(var).map_err(|_| {
                format!("[notify.sms] auth_env: the environment variable {var} is not set")
            })?),
            (None, None) => None,
        };
        let auth = auth
            .map(|a| {
                let mut v = HeaderValue::from_str(&a)
                    .map_err(|_| "[notify.sms]: the authorisation is not a header value")?;
                v.set_sensitive(true);
                Ok::<_, String>(v)
            })
            .transpose()?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(c.timeout_s))
            .build()
            .map_err(|e| format!("[notify.sms]: {e}"))?;
        Ok(Sms {
            client,
            url,
            auth,
            body: c.body.clone(),
        })
    }

    /// Sends one delivery. 2xx: sent; 408, 429 and 5xx and network errors: try again later;
    /// any other answer: the gateway refuses it for good.
    pub async fn send(&self, d: &DueDelivery) -> Result<(), SendError> {
        let m = &d.message;
        let text = format!("{}\n{}", m.subject_ar, m.subject_en);
        let body = fill(
            &self.body,
            &[
                ("{to}", &d.address),
                ("{text}", &text),
                ("{text_ar}", &m.subject_ar),
                ("{text_en}", &m.subject_en),
                ("{key}", &d.key),
            ],
        );
        let mut req = self
            .client
            .post(self.url.clone())
            .header("Idempotency-Key", &d.key)
            .json(&body);
        if let Some(a) = &self.auth {
            req = req.header(AUTHORIZATION, a.clone());
        }
        let res = req
            .send()
            .await
            .map_err(|e| SendError::Transient(format!("the gateway: {}", e.without_url())))?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        let detail: String = res
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        let msg = format!("the gateway answered {status}: {detail}");
        if status == StatusCode::REQUEST_TIMEOUT
            || status == StatusCode::TOO_MANY_REQUESTS
            || status.is_server_error()
        {
            Err(SendError::Transient(msg))
        } else {
            Err(SendError::Permanent(msg))
        }
    }
}

/// The body template with every string's placeholders replaced (inside JSON strings only, so
/// a message cannot change the body's shape).
fn fill(v: &Value, with: &[(&str, &str)]) -> Value {
    match v {
        Value::String(s) => {
            let mut s = s.clone();
            for (k, x) in with {
                s = s.replace(k, x);
            }
            Value::String(s)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| fill(x, with)).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, x)| (k.clone(), fill(x, with))).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_fill_strings_and_nothing_else() {
        let body = json!({"msisdn": "{to}", "sms": {"text": "{text}", "n": 1}, "tags": ["{key}"]});
        let got = fill(
            &body,
            &[
                ("{to}", "+966551234567"),
                ("{text}", "\"}, {\"x\": 1"),
                ("{key}", "k"),
            ],
        );
        assert_eq!(
            got,
            json!({"msisdn": "+966551234567", "sms": {"text": "\"}, {\"x\": 1", "n": 1}, "tags": ["k"]})
        );
    }

    #[test]
    fn bad_settings_say_which() {
        let mut c = SmsConfig {
            url: "ftp://gateway".into(),
            auth_header: None,
            auth_env: None,
            body: default_body(),
            timeout_s: 5,
        };
        assert!(Sms::new(&c).err().unwrap().contains("http"));
        c.url = "http://127.0.0.1:9/send".into();
        c.auth_env = Some("MADINATI_TEST_NO_SUCH_VARIABLE".into());
        assert!(
            Sms::new(&c)
                .err()
                .unwrap()
                .contains("MADINATI_TEST_NO_SUCH_VARIABLE")
        );
    }
}
