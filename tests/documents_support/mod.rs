//! Helpers of the documents tests: small valid files of each accepted kind, multipart bodies
//! written by hand, raw calls that keep the answer's headers and bytes.

#![allow(dead_code)]

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use crate::register_support::{City, call, splittable};

pub const BOUNDARY: &str = "madinati-test-boundary-7MA4YWxkTrZu0gW";

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// A 2x2 JPEG (baseline, written by Pillow).
pub const JPEG_HEX: &str = "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a181616183123251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffdb0043011112121815182f1a1a2f634238426363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363ffc00011080002000203012200021101031101ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffc4001f0100030101010101010101010000000000000102030405060708090a0bffc400b51100020102040403040705040400010277000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9faffda000c03010002110311003f00c7a28a2b84fa83ffd9";

/// A 2x2 RGB PNG (written by Pillow).
pub const PNG_HEX: &str = "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000001649444154789c633c2127c7c0c0c0c4c0c0c0c0c000000d0401087d71ca660000000049454e44ae426082";

/// An R2000 DXF with one closed LWPOLYLINE (20 m by 30 m), as GDAL reads it.
pub const DXF: &str = "  0\nSECTION\n  2\nHEADER\n  9\n$ACADVER\n  1\nAC1015\n  0\nENDSEC\n  0\nSECTION\n  2\nENTITIES\n  0\nLWPOLYLINE\n  5\n2F\n100\nAcDbEntity\n  8\n0\n100\nAcDbPolyline\n 90\n4\n 70\n1\n 10\n0.0\n 20\n0.0\n 10\n20.0\n 20\n0.0\n 10\n20.0\n 20\n30.0\n 10\n0.0\n 20\n30.0\n  0\nENDSEC\n  0\nEOF\n";

pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

pub fn sha256(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One part of a multipart body: a file (name, declared type, bytes) or a text field.
pub enum Part<'a> {
    File(&'a str, &'a str, &'a [u8]),
    Text(&'a str, &'a str),
}

pub fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match p {
            Part::File(name, ct, bytes) => {
                out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(bytes);
            }
            Part::Text(name, value) => {
                out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}")
                        .as_bytes(),
                );
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// Sends a raw request; returns the status, the headers and the body's bytes.
pub async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Body,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri).header(
        "content-type",
        format!("multipart/form-data; boundary={BOUNDARY}"),
    );
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = to_bytes(res.into_body(), 1 << 26).await.unwrap();
    (status, headers, bytes.to_vec())
}

/// Uploads `parts` to request `id`; the status and the JSON answer.
pub async fn upload(
    app: &axum::Router,
    id: i64,
    token: Option<&str>,
    parts: &[Part<'_>],
) -> (StatusCode, Value) {
    let (s, _, b) = send(
        app,
        "POST",
        &format!("/api/requests/{id}/documents"),
        token,
        Body::from(multipart(parts)),
    )
    .await;
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

/// Submits a checked subdivision as `surveyor`; its id.
pub async fn submitted(city: &City, surveyor: &str, skip: usize) -> i64 {
    let (_, body) = splittable(city, surveyor, skip).await;
    let (s, v) = call(
        &city.app,
        "POST",
        "/api/requests",
        Some(surveyor),
        Some(body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

/// The server still answers, and request `id` still has `n` documents.
pub async fn still_answers(app: &axum::Router, token: &str, id: i64, n: usize) {
    let (s, _) = call(app, "GET", "/health", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = call(
        app,
        "GET",
        &format!("/api/requests/{id}/documents"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["numberReturned"], json!(n), "{v}");
}

pub fn description(v: &Value) -> &str {
    v["description"].as_str().unwrap_or("")
}
