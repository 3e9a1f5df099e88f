//! Real receivers for notifications: an SMTP server (Debian's python3-aiosmtpd, through
//! `smtp_sink.py`) and an HTTP sink standing for the SMS gateway.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use madinati::app::notify::NotifyConfig;
use madinati::app::notify::email::EmailConfig;
use madinati::app::notify::sms::SmsConfig;
use serde_json::Value;

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The SMTP server, stopped when dropped.
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    out: PathBuf,
}

impl SmtpSink {
    /// Starts it; the first `fail_first` messages are refused with 451.
    pub fn start(dir: &Path, fail_first: u32) -> SmtpSink {
        let port = free_port();
        let out = dir.join(format!("smtp-{port}.jsonl"));
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/notify_support/smtp_sink.py");
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .arg(port.to_string())
            .arg(&out)
            .arg(fail_first.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP sink (scripts/test installs python3-aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "the SMTP sink did not start: is python3-aiosmtpd installed?"
        );
        SmtpSink { child, port, out }
    }

    /// The messages accepted so far.
    pub fn messages(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request the SMS gateway received.
#[derive(Clone, Debug)]
pub struct Sms {
    pub key: String,
    pub authorization: String,
    pub body: Value,
    pub at: Instant,
    /// The status it was answered with.
    pub status: u16,
}

#[derive(Clone, Default)]
struct GatewayState {
    received: Arc<Mutex<Vec<Sms>>>,
    /// Statuses to answer the first message's attempts with, in turn; then 200.
    script: Arc<Mutex<VecDeque<u16>>>,
    /// The key of the first message received.
    first_key: Arc<Mutex<Option<String>>>,
    /// Numbers always refused with 400.
    refused: Arc<Mutex<Vec<String>>>,
    delay: Arc<Mutex<Duration>>,
}

/// The SMS gateway: records what it gets; answers as scripted.
pub struct SmsGateway {
    pub url: String,
    state: GatewayState,
}

async fn receive(State(s): State<GatewayState>, headers: HeaderMap, body: String) -> StatusCode {
    let delay = *s.delay.lock().unwrap();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let to = body["to"].as_str().unwrap_or("").to_string();
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let key = header("idempotency-key");
    let first = s
        .first_key
        .lock()
        .unwrap()
        .get_or_insert(key.clone())
        .clone();
    let status = if s.refused.lock().unwrap().contains(&to) {
        400
    } else if first == key {
        s.script.lock().unwrap().pop_front().unwrap_or(200)
    } else {
        200
    };
    s.received.lock().unwrap().push(Sms {
        key,
        authorization: header("authorization"),
        body,
        at: Instant::now(),
        status,
    });
    StatusCode::from_u16(status).unwrap()
}

impl SmsGateway {
    pub async fn start() -> SmsGateway {
        let state = GatewayState::default();
        let app = axum::Router::new()
            .route("/send", post(receive))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        SmsGateway {
            url: format!("http://{addr}/send"),
            state,
        }
    }

    /// The attempts of the first message received are answered with `statuses` in turn.
    pub fn answer_first_in_turn(&self, statuses: &[u16]) {
        self.state.script.lock().unwrap().extend(statuses);
    }

    pub fn refuse(&self, number: &str) {
        self.state.refused.lock().unwrap().push(number.into());
    }

    pub fn delay(&self, d: Duration) {
        *self.state.delay.lock().unwrap() = d;
    }

    pub fn received(&self) -> Vec<Sms> {
        self.state.received.lock().unwrap().clone()
    }

    /// The requests answered 2xx.
    pub fn delivered(&self) -> Vec<Sms> {
        self.received()
            .into_iter()
            .filter(|s| (200..300).contains(&s.status))
            .collect()
    }
}

/// `[notify]` for these receivers, retrying quickly.
pub fn config(smtp_port: u16, sms_url: &str) -> NotifyConfig {
    NotifyConfig {
        poll_ms: 50,
        retry_base_s: 0.2,
        retry_max_s: 2.0,
        max_attempts: 4,
        lease_s: 5,
        public_url: "https://gis.example.gov.sa".into(),
        email: Some(EmailConfig {
            smtp_url: format!("smtp://127.0.0.1:{smtp_port}"),
            from: "أمانة المنطقة الشرقية <noreply@amanah.example.sa>".into(),
            timeout_s: 3,
        }),
        sms: Some(SmsConfig {
            url: sms_url.into(),
            auth_header: Some("Bearer gateway-test-token".into()),
            auth_env: None,
            body: serde_json::json!({"to": "{to}", "text": "{text}", "idempotency_key": "{key}"}),
            timeout_s: 3,
        }),
        ..NotifyConfig::default()
    }
}
