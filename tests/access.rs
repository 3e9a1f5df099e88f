//! Who may do what: every write-side endpoint × {no credentials, citizen, surveyor, planner,
//! admin}; sign-in, sessions, cookies and CSRF, throttling, expiry; owners seen only by those
//! who may; the audit log append-only.

mod common;
mod register_support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use madinati::app::auth::{AuthConfig, set_disabled};
use register_support::*;
use serde_json::{Value, json};
use tower::ServiceExt;

const NONE: &str = "";

#[tokio::test]
async fn the_role_matrix() {
    let city = city().await;
    let app = &city.app;
    // A request by surveyor2, taken by planner: in review.
    let surveyor2 = login(app, "surveyor2").await;
    let planner = login(app, "planner").await;
    let (parent, body) = splittable(&city, &surveyor2, 0).await;
    let id = submit_and_take(app, &surveyor2, &planner, &body).await;

    // The columns: no credentials, citizen, surveyor (not the submitter), planner (not the
    // reviewer), admin.
    let mut tokens = vec![String::new()];
    for name in ["citizen", "surveyor", "planner2", "admin"] {
        tokens.push(login(app, name).await);
    }
    let failing =
        json!({"kind": "subdivision", "parcels": [99_999_999], "proposed": body["proposed"]});
    let decision = json!({"decision": "reject", "comment": "no"});
    let p = parent.fid.0;
    let mut owned = 0;
    for f in city
        .store
        .features(
            madinati::domain::LayerKind::Parcels,
            madinati::store::AsOf::Current,
        )
        .await
        .unwrap()
    {
        if city.store.parcel_owner(f.fid).await.unwrap().is_some() {
            owned = f.fid.0;
            break;
        }
    }
    // surveyor2's receipt of the submission: nobody else's to mark read.
    let (_, inbox) = call(app, "GET", "/api/me/notifications", Some(&surveyor2), None).await;
    let receipt = inbox["notifications"][0]["id"].as_i64().unwrap();
    use StatusCode as S;
    let (u, f, ok, nf, cf, unp) = (
        S::UNAUTHORIZED,
        S::FORBIDDEN,
        S::OK,
        S::NOT_FOUND,
        S::CONFLICT,
        S::UNPROCESSABLE_ENTITY,
    );
    #[rustfmt::skip]
    let matrix: Vec<(&str, String, Option<Value>, [StatusCode; 5])> = vec![
        ("GET", "/api/me".into(), None, [u, ok, ok, ok, ok]),
        ("POST", "/api/requests/check".into(), Some(failing.clone()), [u, f, ok, f, f]),
        // The files' calls check the role before the body: only a surveyor learns that a JSON
        // body is not a form.
        ("POST", "/api/requests/proposal-file".into(), Some(failing.clone()), [u, f, S::BAD_REQUEST, f, f]),
        ("POST", "/api/requests/plan".into(), Some(failing.clone()), [u, f, S::BAD_REQUEST, f, f]),
        ("POST", "/api/requests".into(), Some(failing.clone()), [u, f, unp, f, f]),
        // Citizens list their own requests (as owners they may ask for deed updates and
        // sketches); they may amend or withdraw only theirs: another's is a 404, as if absent.
        ("GET", "/api/requests".into(), None, [u, ok, ok, ok, ok]),
        ("GET", format!("/api/requests/{id}"), None, [u, nf, nf, ok, ok]),
        ("PUT", format!("/api/requests/{id}"), Some(body.clone()), [u, nf, nf, f, f]),
        ("POST", format!("/api/requests/{id}/take"), None, [u, f, f, cf, f]),
        ("POST", format!("/api/requests/{id}/decision"), Some(decision.clone()), [u, f, f, f, f]),
        ("POST", format!("/api/requests/{id}/withdraw"), None, [u, nf, nf, f, f]),
        ("GET", format!("/api/parcels/{p}/lineage"), None, [ok, ok, ok, ok, ok]),
        ("GET", format!("/api/parcels/{owned}/owner"), None, [u, f, f, ok, ok]),
        ("GET", "/api/audit".into(), None, [u, f, f, f, ok]),
        // The sketch of a request that is not an issued sketch: nothing to print (409) for
        // those who may see it, the 404 of an unseen request for the rest.
        ("GET", format!("/api/requests/{id}/sketch.pdf"), None, [u, nf, nf, cf, cf]),
        ("POST", format!("/api/requests/{id}/prepare"), Some(body.clone()), [u, f, nf, f, f]),
        ("GET", "/verify/SK-2026-000001.0000000000000000000000000000000000000000".into(), None, [nf, nf, nf, nf, nf]),
        // Everyone signed in has an inbox of their own, and only of their own.
        ("GET", "/api/me/notifications".into(), None, [u, ok, ok, ok, ok]),
        ("POST", format!("/api/me/notifications/{receipt}/read"), None, [u, nf, nf, nf, nf]),
    ];
    let mut wrong = Vec::new();
    for (method, uri, body, want) in &matrix {
        for (col, token) in tokens.iter().enumerate() {
            let t = (!token.is_empty()).then_some(token.as_str());
            let (s, v) = call(app, method, uri, t, body.clone()).await;
            if s != want[col] {
                wrong.push(format!(
                    "{method} {uri} as {}: {s}, want {} ({v})",
                    ["none", "citizen", "surveyor", "planner", "admin"][col],
                    want[col]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // The request is untouched by all of that.
    let (_, v) = call(
        app,
        "GET",
        &format!("/api/requests/{id}"),
        Some(&planner),
        None,
    )
    .await;
    assert_eq!(v["status"], "in_review");

    // Owners: the submitting surveyor sees them in the request and through the parcel.
    let (s, mine) = call(
        app,
        "GET",
        &format!("/api/requests/{id}"),
        Some(&surveyor2),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(mine["owners"].is_array(), "{mine}");
    let (s, _) = call(
        app,
        "GET",
        &format!("/api/parcels/{p}/owner"),
        Some(&surveyor2),
        None,
    )
    .await;
    let has_owner = city.store.parcel_owner(parent.fid).await.unwrap().is_some();
    assert_eq!(
        s,
        if has_owner {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        }
    );
    // A surveyor's list holds only their own requests.
    let (_, list) = call(app, "GET", "/api/requests", Some(&tokens[2]), None).await;
    assert_eq!(list["requests"], json!([]));
    let (_, list) = call(app, "GET", "/api/requests", Some(&surveyor2), None).await;
    assert_eq!(list["requests"].as_array().unwrap().len(), 1);
    let _ = NONE;
}

#[tokio::test]
async fn nobody_decides_their_own_request_even_holding_both_roles() {
    let city = city().await;
    let app = &city.app;
    let both = login(app, "both").await;
    let (_, body) = splittable(&city, &both, 0).await;
    let (s, v) = call(app, "POST", "/api/requests", Some(&both), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, v) = call(
        app,
        "POST",
        &format!("/api/requests/{id}/take"),
        Some(&both),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    // Another planner takes and returns it; the surveyor amends; withdraws.
    let planner = login(app, "planner").await;
    call(
        app,
        "POST",
        &format!("/api/requests/{id}/take"),
        Some(&planner),
        None,
    )
    .await;
    let (s, v) = call(
        app,
        "POST",
        &format!("/api/requests/{id}/decision"),
        Some(&planner),
        Some(json!({"decision": "return", "comment": "fix the note"})),
    )
    .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("returned")),
        "{v}"
    );
    let (s, v) = call(app, "PUT", &format!("/api/requests/{id}"), Some(&both), Some(json!({"kind": "subdivision", "parcels": v["parcels"], "proposed": v["proposed"], "note": "fixed"}))).await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("submitted")),
        "{v}"
    );
    let (s, v) = call(
        app,
        "POST",
        &format!("/api/requests/{id}/withdraw"),
        Some(&both),
        None,
    )
    .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("withdrawn")),
        "{v}"
    );
    let steps: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "submitted",
            "in_review",
            "returned",
            "submitted",
            "withdrawn"
        ]
    );
    let comment = v["history"][2]["comment"].as_str().unwrap();
    assert_eq!(comment, "fix the note");
    // A closed request takes no more commands: 409.
    let (s, _) = call(
        app,
        "POST",
        &format!("/api/requests/{id}/take"),
        Some(&planner),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
}

async fn raw(app: &axum::Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    (
        parts.status,
        parts.headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn sign_in_sessions_cookies_csrf_and_throttling() {
    let city = city().await;
    let app = &city.app;
    let login_req = |user: &str, pw: &str, headers: &[(&str, &str)]| {
        let mut r = Request::post("/api/auth/login").header("content-type", "application/json");
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.body(Body::from(
            json!({"username": user, "password": pw}).to_string(),
        ))
        .unwrap()
    };
    // A wrong user name and a wrong password give the same 401.
    let (s1, _, b1) = raw(app, login_req("nobody-here", PASSWORD, &[])).await;
    let (s2, _, b2) = raw(app, login_req("surveyor", "not the password", &[])).await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(b1, b2);

    // The cookie: HttpOnly, SameSite=Strict, Secure behind TLS.
    let (s, h, b) = raw(
        app,
        login_req("surveyor", PASSWORD, &[("x-forwarded-proto", "https")]),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let cookie = h.get("set-cookie").unwrap().to_str().unwrap().to_string();
    for part in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    let token = b["token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 64);
    assert_eq!(b["user"]["roles"], json!(["surveyor"]));
    let pair = cookie.split(';').next().unwrap().to_string();

    // The cookie works for reads; a change sent with it needs a same-origin Origin.
    let with_cookie = |method: &str, uri: &str, origin: Option<&str>, body: Option<Value>| {
        let mut r = Request::builder()
            .method(method)
            .uri(uri)
            .header("cookie", &pair)
            .header("host", "madinati.example");
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        match body {
            Some(b) => r
                .header("content-type", "application/json")
                .body(Body::from(b.to_string()))
                .unwrap(),
            None => r.body(Body::empty()).unwrap(),
        }
    };
    let (s, _, me) = raw(app, with_cookie("GET", "/api/me", None, None)).await;
    assert_eq!(
        (s, me["username"].as_str()),
        (StatusCode::OK, Some("surveyor"))
    );
    let check = json!({"kind": "subdivision", "parcels": [1], "proposed": {"type": "FeatureCollection", "features": []}});
    let (s, _, v) = raw(
        app,
        with_cookie("POST", "/api/requests/check", None, Some(check.clone())),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, _, _) = raw(
        app,
        with_cookie(
            "POST",
            "/api/requests/check",
            Some("https://evil.example"),
            Some(check.clone()),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, v) = raw(
        app,
        with_cookie(
            "POST",
            "/api/requests/check",
            Some("https://madinati.example"),
            Some(check),
        ),
    )
    .await;
    assert_ne!(s, StatusCode::FORBIDDEN, "{v}");
    assert_ne!(s, StatusCode::UNAUTHORIZED, "{v}");

    // Logout ends the session for the token and the cookie.
    let (s, _) = call(app, "POST", "/api/auth/logout", Some(&token), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = call(app, "GET", "/api/me", Some(&token), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = raw(app, with_cookie("GET", "/api/me", None, None)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Malformed credentials are a plain 401.
    for bad in ["", "x", &"g".repeat(64), "' OR 1=1 --"] {
        let (s, _) = call(app, "GET", "/api/me", Some(bad), None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{bad:?}");
    }

    // Five failures for one user name: the sixth try is refused, even with the right password.
    for _ in 0..5 {
        let (s, _, _) = raw(app, login_req("planner", "wrong password!", &[])).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, h, _) = raw(app, login_req("planner", PASSWORD, &[])).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(h.get("retry-after").is_some());
    // Another user is not affected.
    let _ = login(app, "admin").await;

    // A disabled user's session ends at once.
    let citizen = login(app, "citizen").await;
    set_disabled(city.store.as_ref(), "citizen", true, "test")
        .await
        .unwrap();
    let (s, _) = call(app, "GET", "/api/me", Some(&citizen), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = raw(app, login_req("citizen", PASSWORD, &[])).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Logins, failures and logouts are audited, with no password in any row.
    let admin = login(app, "admin").await;
    let (_, a) = call(app, "GET", "/api/audit?limit=1000", Some(&admin), None).await;
    let text = a.to_string();
    for action in ["\"login\"", "\"login_failed\"", "\"logout\""] {
        assert!(text.contains(action), "{action} not audited");
    }
    assert!(!text.contains(PASSWORD) && !text.contains("wrong password!"));
}

#[tokio::test]
async fn sessions_expire() {
    let city = city().await;
    let state = city.state.clone().with_policy(
        Default::default(),
        AuthConfig {
            session_hours: 1.0 / 3600.0,
            ..AuthConfig::default()
        },
    );
    let app = madinati::http::router(state);
    let token = login(&app, "surveyor").await;
    let (s, _) = call(&app, "GET", "/api/me", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let (s, _) = call(&app, "GET", "/api/me", Some(&token), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

/// The GeoPackage backend keeps only hashes of tokens, and refuses to change the audit log.
#[tokio::test]
async fn the_geopackage_keeps_token_hashes_and_an_append_only_audit_log() {
    use sqlx::Connection;
    let city = city().await;
    let token = login(&city.app, "surveyor").await;
    let path = city.dir.path().join("city.gpkg");
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let hashes: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert!(!hashes.is_empty());
    assert!(hashes.iter().all(|h| h != &token));
    assert!(hashes.contains(&madinati::app::auth::token::token_hash(&token)));
    let pw: Vec<String> = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert!(pw.iter().all(|h| h.starts_with("$argon2id$")));
    for sql in ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"] {
        let e = sqlx::query(sql).execute(&mut db).await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
    }
}

/// Mass assignment: a citizen (or anyone) cannot set a request's status, its author, what it
/// created or its history through the body: unknown fields are refused with their name, and
/// nothing is stored.
#[tokio::test]
async fn fields_the_server_owns_cannot_be_set_by_a_body() {
    let city = city().await;
    let app = &city.app;
    let citizen = login(app, "citizen").await;
    let surveyor = login(app, "surveyor").await;
    let (_, before) = call(app, "GET", "/api/requests", Some(&surveyor), None).await;
    for (token, field, value) in [
        (&citizen, "status", json!("approved")),
        (&citizen, "submitted_by", json!(1)),
        (&citizen, "created", json!([1, 2])),
        (&surveyor, "history", json!([])),
        (&surveyor, "id", json!(1)),
        (&surveyor, "reviewer", json!(4)),
    ] {
        let mut body = json!({"kind": "survey_sketch", "parcels": [1]});
        body[field] = value;
        let (s, v) = call(app, "POST", "/api/requests", Some(token), Some(body)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{field}: {v}");
        assert!(
            v["description"].as_str().unwrap_or("").contains(field),
            "{field}: {v}"
        );
    }
    let (_, after) = call(app, "GET", "/api/requests", Some(&surveyor), None).await;
    assert_eq!(before, after);
}

/// Guessing passwords from one address across many user names is throttled by address too:
/// after `max_failures` failures, even a right password from that address waits, while the
/// same user signs in from another address.
#[tokio::test]
async fn failures_from_one_address_lock_that_address_out() {
    let city = city().await;
    let auth = &city.state.app.auth;
    for name in ["planner", "planner2", "admin", "both", "surveyor2"] {
        let r = auth.login(name, "wrong password!", Some("10.9.8.7")).await;
        assert!(
            matches!(r, Err(madinati::app::auth::AuthError::BadCredentials)),
            "{name}: {:?}",
            r.err()
        );
    }
    let r = auth.login("surveyor", PASSWORD, Some("10.9.8.7")).await;
    assert!(
        matches!(r, Err(madinati::app::auth::AuthError::Throttled(_))),
        "{:?}",
        r.err()
    );
    assert!(
        auth.login("surveyor", PASSWORD, Some("10.9.8.8"))
            .await
            .is_ok()
    );
}
