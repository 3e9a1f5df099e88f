//! The survey sketch PDF of an issued request, through HTTP on a served demo city: the owner
//! asks, a surveyor prepares, a planner approves, and `GET /api/requests/{id}/sketch.pdf` gives
//! an A4 PDF whose text (poppler's `pdftotext`) holds the parcel number, the corner coordinates
//! in KSA-GRF17 / UTM 39N equal to the register's geometry reprojected by PROJ's `cs2cs` to the
//! centimetre, the side lengths, the district's Arabic name in logical order and the signed
//! verification address; who may not see the request gets nothing.

mod register_support;

use std::process::{Command, Stdio};

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use geo::InteriorPoint;
use madinati::app::auth::{NewUser, add_user};
use madinati::domain::LayerKind;
use madinati::domain::account::Roles;
use madinati::store::AsOf;
use register_support::*;
use serde_json::json;
use tower::ServiceExt;

/// GET `uri` with a bearer token: status, content type, body.
async fn get_bytes(
    app: &axum::Router,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, String, Vec<u8>) {
    let mut req = Request::get(uri).header("host", "gis.example.test");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (
        status,
        ct,
        to_bytes(res.into_body(), 1 << 26).await.unwrap().to_vec(),
    )
}

fn pdftotext(pdf: &[u8], layout: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut cmd = Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd.arg(&path).arg("-").output().expect(
        "pdftotext (Debian's poppler-utils) is needed: run scripts/test, which installs it",
    );
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// (easting, northing) of lon/lat points by PROJ's `cs2cs` (EPSG:4326 reads latitude first).
fn cs2cs(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut child = Command::new("cs2cs")
        .args(["-f", "%.4f", "EPSG:4326", "EPSG:9359"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("cs2cs (Debian's proj-bin) is needed: run scripts/test, which installs it");
    let input: String = points
        .iter()
        .map(|(lon, lat)| format!("{lat:.12} {lon:.12}\n"))
        .collect();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Vec<f64> = l
                .split_whitespace()
                .take(2)
                .map(|x| x.parse().unwrap())
                .collect();
            (v[0], v[1])
        })
        .collect()
}

/// Every number printed with two decimals (Latin or Arabic-Indic digits, any grouping).
fn numbers(text: &str) -> Vec<f64> {
    let latin: String = text
        .chars()
        .map(|c| match c {
            '٠'..='٩' => char::from_digit(c as u32 - '٠' as u32, 10).unwrap_or(c),
            '٫' => '.',
            _ => c,
        })
        .collect();
    let mut out = Vec::new();
    for word in latin.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')) {
        let w = word.replace(',', "");
        if let Some((_, frac)) = w.split_once('.')
            && frac.len() == 2
            && let Ok(v) = w.parse::<f64>()
        {
            out.push(v);
        }
    }
    out
}

fn printed(found: &[f64], want: f64) -> bool {
    found.iter().any(|v| (v - want).abs() <= 0.0101)
}

#[tokio::test]
async fn the_issued_sketch_is_a_pdf_whose_coordinates_match_proj_to_the_centimetre() {
    let city = city().await;
    let (surveyor, planner, citizen) = (
        login(&city.app, "surveyor").await,
        login(&city.app, "planner").await,
        login(&city.app, "citizen").await,
    );
    // A private parcel with an owner, and that owner as a citizen.
    let mut parcels = city
        .store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    parcels.sort_by_key(|p| p.fid);
    let mut chosen = None;
    for p in parcels {
        if let Some(o) = city.store.parcel_owner(p.fid).await.unwrap() {
            chosen = Some((p, o.national_id.as_str().to_string()));
            break;
        }
    }
    let (p, owner_id) = chosen.expect("an owned parcel");
    add_user(
        city.store.as_ref(),
        NewUser {
            username: "owner".into(),
            password: PASSWORD.into(),
            roles: Roles::parse("citizen").unwrap(),
            name_ar: None,
            name_en: None,
            national_id: Some(owner_id),
            phone: None,
            email: None,
        },
        "test",
    )
    .await
    .unwrap();
    let owner = login(&city.app, "owner").await;
    let (s, v) = call(
        &city.app,
        "POST",
        "/api/requests",
        Some(&owner),
        Some(json!({"kind": "survey_sketch", "parcels": [p.fid.0]})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let pdf_uri = format!("/api/requests/{id}/sketch.pdf");
    // Not issued yet: nothing to print.
    let (s, _, _) = get_bytes(&city.app, &pdf_uri, Some(&owner)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, v) = call(
        &city.app,
        "POST",
        &format!("/api/requests/{id}/prepare"),
        Some(&surveyor),
        Some(json!({"kind": "survey_sketch", "parcels": [p.fid.0]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    call(
        &city.app,
        "POST",
        &format!("/api/requests/{id}/take"),
        Some(&planner),
        None,
    )
    .await;
    let (s, v) = call(
        &city.app,
        "POST",
        &format!("/api/requests/{id}/decision"),
        Some(&planner),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let serial = v["serial"].as_str().unwrap().to_string();
    let code = v["verify_code"].as_str().unwrap().to_string();

    // Who may not see the request gets no sketch; a bad language is a 400.
    assert_eq!(
        get_bytes(&city.app, &pdf_uri, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get_bytes(&city.app, &pdf_uri, Some(&citizen)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_bytes(&city.app, &format!("{pdf_uri}?lang=fr"), Some(&owner))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );

    // The expected figures: the register's corners reprojected by PROJ.
    let ring = &polygon(&p).exterior().0;
    let lonlat: Vec<(f64, f64)> = ring[..ring.len() - 1].iter().map(|c| (c.x, c.y)).collect();
    let utm = cs2cs(&lonlat);
    assert_eq!(utm.len(), lonlat.len());
    let inside = polygon(&p).interior_point().unwrap();
    let (_, here) = call(
        &city.app,
        "GET",
        &format!(
            "/api/identify?lon={}&lat={}&lang=ar",
            inside.x(),
            inside.y()
        ),
        None,
        None,
    )
    .await;
    let district_ar = here["district"]["properties"]["name_ar"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        !district_ar.is_empty(),
        "identify names the district: {here}"
    );

    for (lang, token) in [("ar", &owner), ("en", &surveyor)] {
        let (s, ct, pdf) =
            get_bytes(&city.app, &format!("{pdf_uri}?lang={lang}"), Some(token)).await;
        assert_eq!(s, StatusCode::OK, "{lang}");
        assert_eq!(ct, "application/pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        // For review: `SKETCH_OUT=/tmp` keeps the PDFs.
        if let Some(dir) = std::env::var_os("SKETCH_OUT") {
            std::fs::write(
                std::path::Path::new(&dir).join(format!("sketch_{lang}.pdf")),
                &pdf,
            )
            .unwrap();
        }
        let (plain, layout) = (pdftotext(&pdf, false), pdftotext(&pdf, true));
        let found = numbers(&layout);
        for (i, (e, n)) in utm.iter().enumerate() {
            assert!(
                printed(&found, *e),
                "{lang}: corner {} easting {e:.2} not printed",
                i + 1
            );
            assert!(
                printed(&found, *n),
                "{lang}: corner {} northing {n:.2} not printed",
                i + 1
            );
            let (e2, n2) = utm[(i + 1) % utm.len()];
            let side = (e2 - e).hypot(n2 - n);
            assert!(
                printed(&found, side),
                "{lang}: side {} of {side:.2} m not printed",
                i + 1
            );
        }
        assert!(plain.contains(&parcel_no(&p)), "{lang}: parcel number");
        assert!(plain.contains(&serial), "{lang}: serial");
        // The address is wrapped under the QR code: read it without line breaks and the
        // direction marks poppler puts around each line.
        let joined: String = plain
            .chars()
            .filter(|c| !matches!(c, '\n' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
            .collect();
        assert!(
            joined.contains(&format!("http://gis.example.test/verify/{code}")),
            "{lang}: the verification address {code} in:\n{plain}"
        );
        if lang == "ar" {
            assert!(
                plain.contains(&district_ar),
                "the Arabic district name {district_ar:?} in logical order:\n{plain}"
            );
            assert!(plain.contains("كروكي مساحي"));
        } else {
            assert!(plain.contains("Survey sketch"), "{plain}");
        }
    }
    // The code in the PDF verifies.
    let (s, facts) = call(&city.app, "GET", &format!("/verify/{code}"), None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(facts["serial"], json!(serial));
}
