//! Sign-in over HTTP: `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/me`, and the
//! `Signed` extractor every protected handler takes.
//!
//! A caller proves who they are with `Authorization: Bearer TOKEN` or the session cookie set at
//! login (HttpOnly, SameSite=Strict, Secure behind TLS). A state-changing call carried by the
//! cookie must also come from the same origin (`Origin` equal to the host): a page elsewhere
//! cannot make a signed-in browser act (CSRF). Bearer tokens are never sent by a browser on its
//! own, so they need no such check.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::body::JsonBody;
use super::{ApiError, AppState};
use crate::app::audit::Actor;
use crate::domain::account::User;

/// The session cookie's name.
pub const COOKIE: &str = "madinati_session";

/// A signed-in caller.
pub struct Signed {
    pub actor: Actor,
    pub token: String,
}

/// The client's address, when the server knows it.
pub fn client_addr(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim())
}

/// Whether `Origin` names the host the request was sent to.
fn same_origin(headers: &HeaderMap) -> bool {
    let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) else {
        return false;
    };
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .unwrap_or("");
    origin_host.eq_ignore_ascii_case(host)
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Signed, ApiError> {
        let (token, by_cookie) = match bearer(&parts.headers) {
            Some(t) => (t.to_string(), false),
            None => match cookie(&parts.headers) {
                Some(t) => (t.to_string(), true),
                None => return Err(crate::app::auth::AuthError::NoCredentials.into()),
            },
        };
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if by_cookie && !safe && !same_origin(&parts.headers) {
            return Err(ApiError::Forbidden(
                "a change sent with the session cookie must come from this site's own pages (Origin header); other clients send Authorization: Bearer TOKEN".into(),
            ));
        }
        let user = state.app.auth.authenticate(&token).await?;
        Ok(Signed {
            actor: Actor {
                user,
                client: client_addr(parts),
            },
            token,
        })
    }
}

/// The caller's address, for handlers without `Signed`.
pub struct ClientAddr(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<ClientAddr, Self::Rejection> {
        Ok(ClientAddr(client_addr(parts)))
    }
}

/// A user as answered to themself: with their own national id and phone.
pub fn own_profile(u: &User) -> Value {
    let mut v = serde_json::to_value(u).unwrap_or(Value::Null);
    v["national_id"] = json!(u.national_id);
    v["phone"] = json!(u.phone);
    v["email"] = json!(u.email);
    v
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    username: String,
    password: String,
}

fn session_cookie(value: &str, max_age_s: i64, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}"
    ))
    .ok()
}

fn behind_tls(state: &AppState, headers: &HeaderMap) -> bool {
    state.app.auth.config().secure_cookie
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Login>,
) -> Result<Response, ApiError> {
    if body.username.len() > 256 || body.password.len() > 1024 {
        return Err(ApiError::BadRequest(
            "the user name or password is too long".into(),
        ));
    }
    let session = state
        .app
        .auth
        .login(&body.username, &body.password, client.as_deref())
        .await?;
    let max_age = (session.expires - chrono::Utc::now()).num_seconds().max(0);
    let mut response = Json(json!({
        "token": session.token,
        "expires": session.expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "user": own_profile(&session.user),
    }))
    .into_response();
    if let Some(c) = session_cookie(&session.token, max_age, behind_tls(&state, &headers)) {
        response.headers_mut().insert(header::SET_COOKIE, c);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
) -> Result<Response, ApiError> {
    state.app.auth.logout(&signed.token, &signed.actor).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Some(c) = session_cookie("", 0, behind_tls(&state, &headers)) {
        response.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(response)
}

async fn me(signed: Signed) -> Json<Value> {
    Json(own_profile(&signed.actor.user))
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
        .route("/api/me", get(me))
}
