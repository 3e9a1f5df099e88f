//! What every answer carries, whatever produced it: security headers, and a handler's panic
//! turned into a 500 (logged, its detail hidden) while the process goes on serving.
//!
//! The Content-Security-Policy fits the map page: scripts, styles, workers, fonts and tiles come
//! from this server only (MapLibre also makes `blob:` workers and images); no page elsewhere may
//! frame the site (`frame-ancestors 'none'`, and `X-Frame-Options` for older browsers).

use std::any::Any;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Response, StatusCode, header};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy of every answer (JSON answers are not rendered, so it only matters for pages).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; \
     worker-src 'self' blob:; child-src 'self' blob:; connect-src 'self'; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

fn panic_answer(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    tracing::error!(panic = %what, "a handler panicked; answered 500 and serving on");
    let body = r#"{"code":"InternalError","description":"internal error; the detail is in the server log"}"#;
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

fn always(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// `router` with panics caught and the security headers on every answer.
pub fn harden(router: Router) -> Router {
    router
        .layer(CatchPanicLayer::custom(panic_answer))
        .layer(always(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(always(header::REFERRER_POLICY, "no-referrer"))
        .layer(always(header::X_FRAME_OPTIONS, "DENY"))
        .layer(always(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
}

#[cfg(test)]
mod tests {
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    async fn boom() -> &'static str {
        panic!("boom at parcel 17")
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_with_the_headers_and_the_service_goes_on() {
        let app = harden(
            Router::new()
                .route("/boom", get(boom))
                .route("/ok", get(|| async { "ok" })),
        );
        let res = app
            .clone()
            .oneshot(
                axum::http::Request::get("/boom")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let body = axum::body::to_bytes(res.into_body(), 1024).await.unwrap();
        assert!(
            !String::from_utf8_lossy(&body).contains("parcel 17"),
            "the panic's detail leaked"
        );
        let res = app
            .oneshot(axum::http::Request::get("/ok").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        for h in [
            header::CONTENT_SECURITY_POLICY,
            header::REFERRER_POLICY,
            header::X_FRAME_OPTIONS,
        ] {
            assert!(res.headers().contains_key(&h), "{h}");
        }
    }
}
