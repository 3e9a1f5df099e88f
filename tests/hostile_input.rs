//! Requests built to hurt: every parser's limit, table-driven, answered 4xx with a reason; the
//! nested-parentheses filter that once overflowed a thread's stack and aborted the server, at 400
//! and 100,000 levels, on a real port, with the server answering afterwards.

mod register_support;

use axum::http::StatusCode;
use madinati::http::Application;
use register_support::*;
use serde_json::{Value, json};

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'(' | b')' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn nested(levels: usize) -> String {
    format!("{}area_m2 > 1{}", "(".repeat(levels), ")".repeat(levels))
}

#[tokio::test]
async fn every_limit_answers_4xx_with_a_reason() {
    let city = city().await;
    let app = &city.app;
    let items = |filter: &str, lang: &str| {
        format!(
            "/collections/parcels/items?filter-lang={lang}&filter={}",
            enc(filter)
        )
    };
    let in_list = format!(
        "parcel_no IN ({})",
        (0..1001)
            .map(|i| format!("'{i}'"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let json_deep = format!(
        "{}{}",
        "{\"op\":\"not\",\"args\":[".repeat(100),
        "true".to_string() + &"]}".repeat(100)
    );
    let json_ops = format!(
        "{{\"op\":\"or\",\"args\":[{}]}}",
        vec!["{\"op\":\"=\",\"args\":[{\"property\":\"a\"},1]}"; 300].join(",")
    );
    let cases: Vec<(&str, String, StatusCode, &str)> = vec![
        (
            "400 nested parentheses",
            items(&nested(400), "cql2-text"),
            StatusCode::BAD_REQUEST,
            "nests",
        ),
        (
            "20,000 nested parentheses",
            items(&nested(20_000), "cql2-text"),
            StatusCode::BAD_REQUEST,
            "bytes long",
        ),
        (
            "1,000 NOTs",
            items(&format!("{}area_m2 > 1", "NOT ".repeat(1000)), "cql2-text"),
            StatusCode::BAD_REQUEST,
            "nests",
        ),
        (
            "a run of signs",
            items(&format!("area_m2 > {}1", "- ".repeat(500)), "cql2-text"),
            StatusCode::BAD_REQUEST,
            "nests",
        ),
        (
            "300 ORs",
            items(&vec!["area_m2 > 1"; 300].join(" OR "), "cql2-text"),
            StatusCode::BAD_REQUEST,
            "logical operators",
        ),
        (
            "an IN list of 1,001",
            items(&in_list, "cql2-text"),
            StatusCode::BAD_REQUEST,
            "IN list",
        ),
        (
            "a LIKE pattern of 300",
            items(
                &format!("parcel_no LIKE '{}'", "%a".repeat(150)),
                "cql2-text",
            ),
            StatusCode::BAD_REQUEST,
            "LIKE pattern",
        ),
        (
            "cql2-json 100 deep",
            items(&json_deep, "cql2-json"),
            StatusCode::BAD_REQUEST,
            "nests",
        ),
        (
            "cql2-json with 301 operators",
            items(&json_ops, "cql2-json"),
            StatusCode::BAD_REQUEST,
            "logical operators",
        ),
    ];
    for (what, uri, want, says) in cases {
        let (s, v) = call(app, "GET", &uri, None, None).await;
        assert_eq!(s, want, "{what}: {v}");
        assert!(
            v["description"].as_str().unwrap_or("").contains(says),
            "{what}: {v}"
        );
    }
    // The limits leave ordinary filters alone.
    let ok = format!("{} AND parcel_no LIKE '1%'", nested(30));
    let (s, v) = call(app, "GET", &items(&ok, "cql2-text"), None, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Bodies: nesting past serde's limit, too many proposed parcels, a ring too long.
    let surveyor = login(app, "surveyor").await;
    let deep: Value =
        serde_json::from_str(&format!("{}{}", "[".repeat(120), "]".repeat(120))).unwrap();
    let mut body_cases: Vec<(&str, Value, &str)> = vec![(
        "a body nested 200 deep",
        json!({"kind": "subdivision", "parcels": [1], "proposed": {"type": "FeatureCollection", "features": [deep]}}),
        "",
    )];
    let square = json!([[
        [50.1, 26.4],
        [50.1001, 26.4],
        [50.1001, 26.4001],
        [50.1, 26.4]
    ]]);
    let feature = json!({"type": "Feature", "properties": {"parcel_no": "1"}, "geometry": {"type": "Polygon", "coordinates": square}});
    body_cases.push((
        "1,001 proposed parcels",
        json!({"kind": "subdivision", "parcels": [1], "proposed": {"type": "FeatureCollection", "features": vec![feature; 1001]}}),
        "1000",
    ));
    let ring: Vec<Value> = (0..10_002)
        .map(|i| json!([50.1 + f64::from(i) * 1e-7, 26.4 + f64::from(i % 2) * 1e-7]))
        .collect();
    body_cases.push((
        "a ring of 10,002 vertices",
        json!({"kind": "subdivision", "parcels": [1], "proposed": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"parcel_no": "1"}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}}),
        "10000",
    ));
    // A polygon of 101 rings (an outer ring and 100 holes).
    let rings: Vec<Value> = (0..101).map(|_| square[0].clone()).collect();
    body_cases.push((
        "a polygon of 101 rings",
        json!({"kind": "subdivision", "parcels": [1], "proposed": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"parcel_no": "1"}, "geometry": {"type": "Polygon", "coordinates": rings}}]}}),
        "100",
    ));
    // 21 rings of 9,999 vertices each: every ring within its limit, 209,979 in all.
    let long: Vec<Value> = (0..9_999).map(|_| json!([50, 26])).collect();
    let many: Vec<Value> = (0..21)
        .map(|i| json!({"type": "Feature", "properties": {"parcel_no": i.to_string()}, "geometry": {"type": "Polygon", "coordinates": [long]}}))
        .collect();
    body_cases.push((
        "209,979 vertices in all",
        json!({"kind": "subdivision", "parcels": [1], "proposed": {"type": "FeatureCollection", "features": many}}),
        "200000",
    ));
    for (what, body, says) in body_cases {
        let (s, v) = call(
            app,
            "POST",
            "/api/requests/check",
            Some(&surveyor),
            Some(body),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{what}: {v}");
        assert!(
            v["description"]
                .as_str()
                .unwrap_or("")
                .replace(',', "")
                .contains(says),
            "{what}: {v}"
        );
    }
    let (s, _) = call(app, "GET", "/health", None, None).await;
    assert_eq!(s, StatusCode::OK);
}

/// The status of a GET sent as raw bytes on a fresh connection (0 if the server hung up).
async fn raw_get(addr: &str, path: &str) -> u16 {
    raw_get_with(addr, path, "").await
}

/// The same with `extra` header lines (each ending in CRLF).
async fn raw_get_with(addr: &str, path: &str, extra: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n");
    let _ = s.write_all(head.as_bytes()).await;
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf).await;
    String::from_utf8_lossy(&buf)
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn the_stack_overflowing_filter_is_refused_on_a_real_port_and_the_server_goes_on() {
    let city = city().await;
    let server = Application::bind("127.0.0.1:0".parse().unwrap(), city.state.clone())
        .await
        .unwrap();
    let base = format!("http://{}", server.local_addr().unwrap());
    tokio::spawn(server.run());
    let client = reqwest::Client::new();
    let addr = base.trim_start_matches("http://").to_string();
    for levels in [400, 5_000, 100_000] {
        // Sent as raw bytes: 100,000 levels make a 200 KB request line, more than HTTP client
        // libraries build. The filter's limits answer 400; past hyper's own limit on a request
        // head it answers a 4xx itself.
        let status = raw_get(
            &addr,
            &format!("/collections/parcels/items?filter={}", enc(&nested(levels))),
        )
        .await;
        if levels < 100_000 {
            assert_eq!(status, 400, "{levels} levels");
        } else {
            assert!((400..500).contains(&status), "{levels} levels: {status}");
        }
        let health = client.get(format!("{base}/health")).send().await.unwrap();
        assert!(
            health.status().is_success(),
            "the server stopped answering after {levels} levels"
        );
    }
    // More than 100 header lines, and a head over 64 KiB in one header: refused by the HTTP
    // layer (431) before any handler runs.
    for (what, extra) in [
        (
            "101 headers",
            (0..101)
                .map(|i| format!("X-H{i}: {i}\r\n"))
                .collect::<String>(),
        ),
        (
            "a 70 KiB header",
            format!("X-Big: {}\r\n", "a".repeat(70 * 1024)),
        ),
    ] {
        let status = raw_get_with(&addr, "/health", &extra).await;
        assert_eq!(status, 431, "{what}");
    }
    let res = client.get(format!("{base}/health")).send().await.unwrap();
    assert!(res.status().is_success());
    let res = client
        .get(format!(
            "{base}/collections/parcels/items?filter={}",
            enc("area_m2 > 1")
        ))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
}

#[tokio::test]
async fn a_client_trickling_its_request_head_is_cut_off_and_others_are_served() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let city = city().await;
    let limits = madinati::http::ServerLimits {
        header_read_timeout: std::time::Duration::from_secs(1),
        ..Default::default()
    };
    let server = Application::bind("127.0.0.1:0".parse().unwrap(), city.state.clone())
        .await
        .unwrap()
        .with_limits(limits);
    let addr = server.local_addr().unwrap().to_string();
    tokio::spawn(server.run());
    // Slowloris: half a request head, then silence.
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(s);
    }
    // Others are served meanwhile.
    assert_eq!(raw_get(&addr, "/health").await, 200);
    // The slow ones are closed (after at most a 408) well before this test's own bound.
    for mut s in slow {
        let mut buf = Vec::new();
        let closed =
            tokio::time::timeout(std::time::Duration::from_secs(20), s.read_to_end(&mut buf)).await;
        assert!(closed.is_ok(), "a slow client was never cut off");
        let text = String::from_utf8_lossy(&buf);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 408"),
            "{text}"
        );
    }
    assert_eq!(raw_get(&addr, "/health").await, 200);
}
