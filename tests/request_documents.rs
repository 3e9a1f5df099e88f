//! Documents attached to land requests, through HTTP: a PDF, a JPEG, a PNG and a DXF uploaded,
//! listed and downloaded as sent; files of other kinds, misnamed files, oversized uploads and
//! duplicates refused with a reason and nothing stored; who may see and add documents; the
//! audit row of each document, without its content; the server answering after every refusal.

mod common;
mod documents_support;
mod register_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use documents_support::*;
use madinati::app::documents::DocumentsConfig;
use madinati::config::{FileConfig, Settings};
use madinati::domain::request::RequestId;
use register_support::*;
use serde_json::{Value, json};
use tower::ServiceExt;

#[tokio::test]
async fn documents_are_uploaded_listed_and_downloaded_as_sent() {
    let city = city().await;
    let app = &city.app;
    let surveyor = login(app, "surveyor").await;
    let id = submitted(&city, &surveyor, 0).await;
    let (jpeg, png) = (unhex(JPEG_HEX), unhex(PNG_HEX));
    let files: [(&str, &str, &[u8], &str); 4] = [
        ("صك الملكية.pdf", "application/pdf", PDF, "application/pdf"),
        ("../photo.JPG", "image/jpeg", &jpeg, "image/jpeg"),
        ("site plan", "application/octet-stream", &png, "image/png"),
        (
            "C:\\drawings\\parcel.dxf",
            "text/plain",
            DXF.as_bytes(),
            "image/vnd.dxf",
        ),
    ];
    let mut parts: Vec<Part> = files
        .iter()
        .map(|(n, ct, b, _)| Part::File(n, ct, b))
        .collect();
    parts.push(Part::Text("title", "مستندات الطلب"));
    let (s, v) = upload(app, id, Some(&surveyor), &parts).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["numberReturned"], json!(4), "{v}");

    // Listed in order, with sanitised names (paths gone, Arabic kept, an extension added).
    let (s, list) = call(
        app,
        "GET",
        &format!("/api/requests/{id}/documents"),
        Some(&surveyor),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let docs = list["documents"].as_array().unwrap();
    let names: Vec<&str> = docs
        .iter()
        .map(|d| d["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["صك الملكية.pdf", "photo.JPG", "site plan.png", "parcel.dxf"]
    );
    for (d, (_, _, bytes, mime)) in docs.iter().zip(files.iter()) {
        assert_eq!(d["media_type"], json!(mime), "{d}");
        assert_eq!(d["size_bytes"], json!(bytes.len()));
        assert_eq!(d["sha256"], json!(sha256(bytes)));
        assert_eq!(d["title"], json!("مستندات الطلب"));
        assert!(d["uploaded_by"].as_i64().is_some() && d["uploaded_at"].is_string());

        // Downloaded: the same bytes, the sniffed type, an attachment, the digest as ETag.
        let url = d["url"].as_str().unwrap();
        let (s, h, body) = send(app, "GET", url, Some(&surveyor), Body::empty()).await;
        assert_eq!(s, StatusCode::OK, "{url}");
        assert_eq!(body, *bytes);
        assert_eq!(sha256(&body), d["sha256"].as_str().unwrap());
        assert_eq!(h["content-type"], *mime);
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["cache-control"], "private");
        assert_eq!(
            h["etag"].to_str().unwrap(),
            format!("\"{}\"", sha256(bytes))
        );
        let cd = h["content-disposition"].to_str().unwrap();
        assert!(
            cd.starts_with("attachment;") && cd.contains("filename*=UTF-8''"),
            "{cd}"
        );
        // A client holding it already gets 304.
        let mut req = Request::get(url)
            .header("authorization", format!("Bearer {surveyor}"))
            .header("if-none-match", h["etag"].clone());
        req = req.header("accept", "*/*");
        let res = app
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    }
    let arabic = docs[0]["url"].as_str().unwrap();
    let (_, h, _) = send(app, "GET", arabic, Some(&surveyor), Body::empty()).await;
    assert!(h["content-disposition"].to_str().unwrap().ends_with(
        "filename*=UTF-8''%D8%B5%D9%83%20%D8%A7%D9%84%D9%85%D9%84%D9%83%D9%8A%D8%A9.pdf"
    ));

    // The same content again, under another name: 409 naming the document that has it.
    let (s, v) = upload(
        app,
        id,
        Some(&surveyor),
        &[Part::File("again.png", "image/png", &png)],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let first_png = docs[2]["id"].as_i64().unwrap();
    assert!(
        description(&v).contains(&format!("document {first_png}"))
            && description(&v).contains("site plan.png"),
        "{v}"
    );
    still_answers(app, &surveyor, id, 4).await;

    // One audit row per document, with the request and the document, never the content.
    let admin = login(app, "admin").await;
    let (s, audit) = call(
        app,
        "GET",
        &format!("/api/audit?request={id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{audit}");
    let rows: Vec<&Value> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "request.document.add")
        .collect();
    assert_eq!(rows.len(), 4, "{audit}");
    for d in docs {
        let doc = d["id"].as_i64().unwrap();
        let row = rows
            .iter()
            .find(|r| {
                r["detail"]
                    .as_str()
                    .is_some_and(|t| t.starts_with(&format!("document {doc}:")))
            })
            .unwrap_or_else(|| panic!("no audit row for document {doc}: {audit}"));
        assert_eq!(row["request"], json!(id));
        assert_eq!(row["actor_name"], json!("surveyor"));
    }
    let stored = city
        .store
        .audit(&madinati::domain::audit::AuditQuery {
            request: Some(RequestId(id)),
            ..Default::default()
        })
        .await
        .unwrap();
    let text = format!("{stored:?}");
    for needle in [
        "%PDF",
        "LWPOLYLINE",
        "AcDbPolyline",
        "JFIF",
        "IHDR",
        "Catalog",
    ] {
        assert!(!text.contains(needle), "the audit log holds {needle}");
    }
}

#[tokio::test]
async fn files_of_other_kinds_misnamed_or_too_large_are_refused_and_nothing_is_stored() {
    let city = city().await;
    let surveyor = login(&city.app, "surveyor").await;
    let id = submitted(&city, &surveyor, 0).await;
    // The limit as `serve --config` reads it: 4 KiB.
    let file: FileConfig = toml::from_str("[documents]\nmax_bytes = 4096\n").unwrap();
    let settings = Settings::resolve(file, None, None, None).unwrap();
    assert_eq!(settings.documents, DocumentsConfig { max_bytes: 4096 });
    let app = &madinati::http::router(city.state.clone().with_documents(settings.documents));
    let jpeg = unhex(JPEG_HEX);

    // A JPEG named .pdf: 415, saying what it really is.
    let (s, v) = upload(
        app,
        id,
        Some(&surveyor),
        &[Part::File("deed.pdf", "application/pdf", &jpeg)],
    )
    .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{v}");
    assert!(description(&v).contains("deed.pdf is a JPEG image"), "{v}");
    still_answers(app, &surveyor, id, 0).await;

    // HTML, ZIP, EXE (whatever their names and declared types): 415 listing the accepted kinds.
    let others: [(&str, &str, &[u8], &str); 3] = [
        (
            "page.pdf",
            "application/pdf",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "an HTML page",
        ),
        (
            "plans.png",
            "image/png",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
            "a ZIP archive",
        ),
        (
            "setup.exe",
            "application/pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
            "a Windows program",
        ),
    ];
    for (name, ct, bytes, what) in others {
        let (s, v) = upload(app, id, Some(&surveyor), &[Part::File(name, ct, bytes)]).await;
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{name}: {v}");
        let d = description(&v);
        assert!(
            d.contains(what) && d.contains("PDF, JPEG, PNG and DXF"),
            "{v}"
        );
        still_answers(app, &surveyor, id, 0).await;
    }

    // One bad file spoils the upload: the good one with it is not stored.
    let (s, v) = upload(
        app,
        id,
        Some(&surveyor),
        &[
            Part::File("ok.pdf", "application/pdf", PDF),
            Part::File("bad.html", "text/html", b"<html></html>"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{v}");
    still_answers(app, &surveyor, id, 0).await;

    // Over the limit: 413 giving the limit; nothing stored.
    let mut big = PDF.to_vec();
    big.resize(5000, b' ');
    let (s, v) = upload(
        app,
        id,
        Some(&surveyor),
        &[Part::File("big.pdf", "application/pdf", &big)],
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert!(description(&v).contains("4 KiB (4096 bytes"), "{v}");
    still_answers(app, &surveyor, id, 0).await;
    // Two files under the limit each but over it together: 413 too.
    let half: Vec<u8> = [PDF, &[b' '; 2500][..]].concat();
    let other: Vec<u8> = [PDF, &[b'\n'; 2500][..]].concat();
    let (s, v) = upload(
        app,
        id,
        Some(&surveyor),
        &[
            Part::File("a.pdf", "application/pdf", &half),
            Part::File("b.pdf", "application/pdf", &other),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    still_answers(app, &surveyor, id, 0).await;

    // An endless upload is cut off at the limit: the server stops reading, it never holds more.
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = pulled.clone();
    let head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"endless.pdf\"\r\n\r\n%PDF-1.4\n"
    );
    let chunks = std::iter::once(Bytes::from(head)).chain(std::iter::repeat_n(
        Bytes::from(vec![b'x'; 1024]),
        64 * 1024,
    ));
    let stream = futures_util::stream::iter(chunks.map(move |c| {
        counter.fetch_add(c.len(), Ordering::SeqCst);
        Ok::<_, std::io::Error>(c)
    }));
    let (s, _, b) = send(
        app,
        "POST",
        &format!("/api/requests/{id}/documents"),
        Some(&surveyor),
        Body::from_stream(stream),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        String::from_utf8_lossy(&b)
    );
    let read = pulled.load(Ordering::SeqCst);
    // The limit, the route's 64 KiB of room for the parts' headers, and a chunk in flight.
    assert!(
        read <= 4096 + 64 * 1024 + 2 * 1024,
        "read {read} bytes of a 64 MiB upload"
    );
    still_answers(app, &surveyor, id, 0).await;

    // Not multipart, no file, an unknown part: 400 saying what to send.
    let (s, v) = call(
        app,
        "POST",
        &format!("/api/requests/{id}/documents"),
        Some(&surveyor),
        Some(json!({"file": "x"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(description(&v).contains("multipart/form-data"), "{v}");
    let (s, v) = upload(
        app,
        id,
        Some(&surveyor),
        &[Part::Text("title", "only a title")],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = upload(app, id, Some(&surveyor), &[Part::Text("note", "x")]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    still_answers(app, &surveyor, id, 0).await;

    // Within the limit, it is taken.
    let (s, v) = upload(
        app,
        id,
        Some(&surveyor),
        &[Part::File("deed.jpg", "application/pdf", &jpeg)],
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(city.store.documents(RequestId(id)).await.unwrap().len(), 1);
}

#[tokio::test]
async fn who_may_see_and_add_documents() {
    let city = city().await;
    let app = &city.app;
    let surveyor = login(app, "surveyor").await;
    let id = submitted(&city, &surveyor, 0).await;
    let (s, v) = upload(
        app,
        id,
        Some(&surveyor),
        &[Part::File("deed.pdf", "application/pdf", PDF)],
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let doc = v["documents"][0]["id"].as_i64().unwrap();
    let list = format!("/api/requests/{id}/documents");
    let one = format!("/api/requests/{id}/documents/{doc}");

    // The submitter and planners see them; another surveyor and a citizen get the 404 of a
    // request that does not exist; no token is 401.
    let tokens = [
        ("surveyor", Some(surveyor.clone()), StatusCode::OK),
        (
            "surveyor2",
            Some(login(app, "surveyor2").await),
            StatusCode::NOT_FOUND,
        ),
        (
            "citizen",
            Some(login(app, "citizen").await),
            StatusCode::NOT_FOUND,
        ),
        ("planner", Some(login(app, "planner").await), StatusCode::OK),
        ("admin", Some(login(app, "admin").await), StatusCode::OK),
        ("anonymous", None, StatusCode::UNAUTHORIZED),
    ];
    let (_, missing) = call(
        app,
        "GET",
        "/api/requests/999999/documents",
        Some(&surveyor),
        None,
    )
    .await;
    for (who, token, expected) in &tokens {
        let t = token.as_deref();
        let (s, v) = call(app, "GET", &list, t, None).await;
        assert_eq!(s, *expected, "{who} lists: {v}");
        let (s, _, _) = send(app, "GET", &one, t, Body::empty()).await;
        assert_eq!(s, *expected, "{who} downloads");
        if *expected == StatusCode::NOT_FOUND {
            // Nothing tells a hidden request from a missing one but its number.
            assert_eq!(v["code"], missing["code"]);
        }
        // Adding: the submitter (open request), planners and admins; the others as above.
        let png = unhex(PNG_HEX);
        let mut marked = png.clone();
        marked.extend_from_slice(who.as_bytes());
        let (s, v) = upload(app, id, t, &[Part::File("p.png", "image/png", &marked)]).await;
        let expected_add = if *expected == StatusCode::OK {
            StatusCode::CREATED
        } else {
            *expected
        };
        assert_eq!(s, expected_add, "{who} adds: {v}");
        still_answers(app, &surveyor, id, 1 + tokens_added(&tokens, who)).await;
    }
    // A document of another request, or none: 404.
    let (s, _, _) = send(
        app,
        "GET",
        &format!("/api/requests/{id}/documents/{}", doc + 1000),
        Some(&surveyor),
        Body::empty(),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Withdrawn: the submitter still sees the documents, but adds no more (409).
    let (s, v) = call(
        app,
        "POST",
        &format!("/api/requests/{id}/withdraw"),
        Some(&surveyor),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = upload(
        app,
        id,
        Some(&surveyor),
        &[Part::File(
            "late.pdf",
            "application/pdf",
            b"%PDF-1.4\nlate\n",
        )],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(description(&v).contains("withdrawn"), "{v}");
    still_answers(app, &surveyor, id, 4).await;

    // The API document describes the three operations.
    let (s, api) = call(app, "GET", "/api", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let paths = &api["paths"];
    let upload_op = &paths["/api/requests/{id}/documents"]["post"];
    assert!(upload_op["requestBody"]["content"]["multipart/form-data"].is_object());
    assert!(upload_op["responses"]["415"].is_object() && upload_op["responses"]["413"].is_object());
    assert!(paths["/api/requests/{id}/documents"]["get"]["responses"]["200"].is_object());
    assert!(paths["/api/requests/{id}/documents/{doc}"]["get"]["responses"]["200"]["content"]["image/vnd.dxf"].is_object());
}

/// Documents added by the callers up to and including `who` in the matrix (those who may).
fn tokens_added(tokens: &[(&str, Option<String>, StatusCode)], who: &str) -> usize {
    let upto = tokens.iter().position(|(w, _, _)| *w == who).unwrap_or(0);
    tokens[..=upto]
        .iter()
        .filter(|(_, _, s)| *s == StatusCode::OK)
        .count()
}
