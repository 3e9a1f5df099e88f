//! The land register's write path through HTTP: a subdivision checked, submitted, taken and
//! approved; the register and every read (identify, items, as-of-date items, lineage, tiles)
//! showing the change at once; one open request per parcel, also under 20 simultaneous
//! submissions; bad input refused with a reason and nothing stored.

mod common;
mod register_support;

use axum::http::StatusCode;
use geo::{Centroid, Translate};
use madinati::domain::LayerKind;
use madinati::domain::request::RequestFilter;
use madinati::store::AsOf;
use register_support::*;
use serde_json::{Value, json};

#[tokio::test]
async fn a_subdivision_is_checked_submitted_taken_approved_and_published() {
    let city = city().await;
    let app = &city.app;
    let surveyor = login(app, "surveyor").await;
    let planner = login(app, "planner").await;
    let (parent, body) = splittable(&city, &surveyor, 0).await;
    let before_approval = chrono::Utc::now();

    // Submitted: 201 with the checks, all passed.
    let (s, v) = call(
        app,
        "POST",
        "/api/requests",
        Some(&surveyor),
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "submitted");
    assert!(failed(&v).is_empty(), "{v}");
    let id = v["id"].as_i64().unwrap();

    // A second request on the same parcel: 409.
    let (s, v2) = call(
        app,
        "POST",
        "/api/requests",
        Some(&surveyor),
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v2}");
    assert!(
        v2["description"]
            .as_str()
            .unwrap()
            .contains(&parent.fid.0.to_string())
    );

    // Taken, approved: the answer names the created and retired parcels.
    let (s, v) = call(
        app,
        "POST",
        &format!("/api/requests/{id}/take"),
        Some(&planner),
        None,
    )
    .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("in_review")),
        "{v}"
    );
    let (s, v) = call(
        app,
        "POST",
        &format!("/api/requests/{id}/decision"),
        Some(&planner),
        Some(json!({"decision": "approve", "comment": "موافق"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "approved");
    assert_eq!(v["retired"], json!([parent.fid.0]));
    let created: Vec<i64> = v["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_i64().unwrap())
        .collect();
    assert_eq!(created.len(), 2);
    let history: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["submitted", "in_review", "approved"]);

    // The register: the parent retired, the children current, lineage both ways.
    let current = city
        .store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    assert!(current.iter().all(|f| f.fid != parent.fid));
    let children: Vec<_> = current
        .iter()
        .filter(|f| created.contains(&f.fid.0))
        .collect();
    assert_eq!(children.len(), 2);
    let owner = city.store.parcel_owner(parent.fid).await.unwrap();
    for c in &children {
        assert_eq!(
            city.store.parcel_owner(c.fid).await.unwrap(),
            owner,
            "the owner is carried over"
        );
    }

    // Identify inside each child returns it.
    for c in &children {
        let p = polygon(c).centroid().unwrap();
        let (s, v) = call(
            app,
            "GET",
            &format!("/api/identify?lon={}&lat={}", p.x(), p.y()),
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["parcel"]["id"], json!(c.fid.0), "{v}");
        // Search by its reference finds it (the index took the children at once).
        let props = &v["parcel"]["properties"];
        let q = format!(
            "plan {} block {} parcel {}",
            props["plan_no"].as_str().unwrap(),
            props["block_no"].as_str().unwrap(),
            props["parcel_no"].as_str().unwrap()
        );
        let q: String = q
            .chars()
            .map(|ch| match ch {
                ' ' => "%20".to_string(),
                '/' => "%2F".to_string(),
                c => c.to_string(),
            })
            .collect();
        let (s, found) = call(app, "GET", &format!("/api/search?q={q}"), None, None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            found.to_string().contains(&format!("\"id\":{}", c.fid.0)),
            "search finds child {}: {found}",
            c.fid.0
        );
    }

    // Items: the parent is gone now and back with a datetime before the approval.
    let b = parent.feature.geometry().bbox();
    let bbox = format!("{},{},{},{}", b.min_x, b.min_y, b.max_x, b.max_y);
    let (_, now_items) = call(
        app,
        "GET",
        &format!("/collections/parcels/items?bbox={bbox}&limit=1000"),
        None,
        None,
    )
    .await;
    let ids = |v: &Value| -> Vec<i64> {
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_i64().unwrap())
            .collect()
    };
    assert!(!ids(&now_items).contains(&parent.fid.0));
    assert!(
        created.iter().all(|c| ids(&now_items).contains(c)),
        "{:?}",
        ids(&now_items)
    );
    let then = before_approval.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let (s, then_items) = call(
        app,
        "GET",
        &format!("/collections/parcels/items?bbox={bbox}&limit=1000&datetime={then}"),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{then_items}");
    assert!(ids(&then_items).contains(&parent.fid.0), "{then_items}");
    assert!(created.iter().all(|c| !ids(&then_items).contains(c)));

    // Lineage both ways, with the kind and the request.
    let (_, up) = call(
        app,
        "GET",
        &format!("/api/parcels/{}/lineage", created[0]),
        None,
        None,
    )
    .await;
    assert_eq!(up["ancestors"][0]["fid"], json!(parent.fid.0), "{up}");
    assert_eq!(up["ancestors"][0]["kind"], "split-of");
    assert_eq!(up["ancestors"][0]["request"], json!(id.to_string()));
    let (_, down) = call(
        app,
        "GET",
        &format!("/api/parcels/{}/lineage", parent.fid.0),
        None,
        None,
    )
    .await;
    let mut desc: Vec<i64> = down["descendants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fid"].as_i64().unwrap())
        .collect();
    desc.sort();
    assert_eq!(desc, created);

    // A z17 tile over the change holds the children's parcel numbers (read by GDAL's MVT driver).
    common::require_tool("ogrinfo");
    let c = polygon(children[0]).centroid().unwrap();
    let (x, y) = tile_of(c.x(), c.y(), 17);
    let res = tower::ServiceExt::oneshot(
        app.clone(),
        axum::http::Request::get(format!("/tiles/parcels/17/{x}/{y}.mvt"))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mvt = axum::body::to_bytes(res.into_body(), 1 << 24)
        .await
        .unwrap();
    let dir = city.dir.path().join(format!("tile/17/{x}"));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{y}.pbf"));
    std::fs::write(&file, &mvt).unwrap();
    let out = std::process::Command::new("ogrinfo")
        .args(["-ro", "-al", "-q"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for child in &children {
        let no = parcel_no(child);
        assert!(
            text.contains(&format!("parcel_no (String) = {no}")),
            "tile lacks {no}: {text}"
        );
    }
    assert!(
        !text.contains(&format!("parcel_no (String) = {}\n", parcel_no(&parent))),
        "the parent is still drawn"
    );

    // Audit: the submission, take, approval and the register change, with fids.
    let admin = login(app, "admin").await;
    let (s, a) = call(
        app,
        "GET",
        &format!("/api/audit?request={id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let actions: Vec<&str> = a["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for want in [
        "request.submit",
        "request.take",
        "request.approve",
        "register.split",
    ] {
        assert!(actions.contains(&want), "{actions:?}");
    }
    let change = a["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "register.split")
        .unwrap();
    assert_eq!(change["fids_before"], json!([parent.fid.0]));
    assert_eq!(change["fids_after"], json!(created));

    // A restarted server shows the same.
    let (_, app2) = reopen(&city.dir.path().join("city.gpkg")).await;
    let (_, after) = call(
        &app2,
        "GET",
        &format!("/collections/parcels/items?bbox={bbox}&limit=1000"),
        None,
        None,
    )
    .await;
    assert_eq!(ids(&after), ids(&now_items));
}

/// The XYZ tile holding a lon/lat at zoom `z`.
fn tile_of(lon: f64, lat: f64, z: u32) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let r = lat.to_radians();
    let y =
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    (x, y)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_simultaneous_submissions_on_one_parcel_make_one_request() {
    let city = city().await;
    let surveyor = login(&city.app, "surveyor").await;
    let surveyor2 = login(&city.app, "surveyor2").await;
    let (parent, body) = splittable(&city, &surveyor, 1).await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let app = city.app.clone();
        let token = if i % 2 == 0 {
            surveyor.clone()
        } else {
            surveyor2.clone()
        };
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            call(&app, "POST", "/api/requests", Some(&token), Some(body)).await
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap().0);
    }
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let conflicts = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, conflicts), (1, 19), "{statuses:?}");
    let stored = city
        .store
        .requests(&RequestFilter {
            parcel: Some(parent.fid),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
}

#[tokio::test]
async fn bad_input_is_refused_with_a_reason_and_nothing_is_stored() {
    let city = city().await;
    let app = &city.app;
    let surveyor = login(app, "surveyor").await;
    let (parent, good) = splittable(&city, &surveyor, 0).await;
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    let cases: Vec<(&str, Value, StatusCode, &str)> = vec![
        (
            "unknown kind",
            with("kind", json!("annexation")),
            StatusCode::BAD_REQUEST,
            "kind",
        ),
        (
            "unknown parcel",
            with("parcels", json!([99_999_999])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "parcels_current",
        ),
        (
            "no parcels",
            with("parcels", json!([])),
            StatusCode::BAD_REQUEST,
            "parcels",
        ),
        (
            "a CRS out of range",
            with("crs", json!("EPSG:3857")),
            StatusCode::BAD_REQUEST,
            "crs",
        ),
        (
            "a CRS that is no CRS",
            with("crs", json!("EPSG:0")),
            StatusCode::BAD_REQUEST,
            "crs",
        ),
        (
            "proposed is not a collection",
            with(
                "proposed",
                json!({"type": "Point", "coordinates": [50, 26]}),
            ),
            StatusCode::BAD_REQUEST,
            "proposed",
        ),
        (
            "a point where a polygon goes",
            with(
                "proposed",
                json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"parcel_no": "1"}, "geometry": {"type": "Point", "coordinates": [50.1, 26.4]}}]}),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
        (
            "a status set by the client",
            with("status", json!("approved")),
            StatusCode::BAD_REQUEST,
            "status",
        ),
        (
            "created set by the client",
            with("created", json!([1])),
            StatusCode::BAD_REQUEST,
            "created",
        ),
    ];
    for (what, body, want, mentions) in cases {
        let (s, v) = call(app, "POST", "/api/requests", Some(&surveyor), Some(body)).await;
        assert!(
            s == want || (want == StatusCode::UNPROCESSABLE_ENTITY && s == StatusCode::BAD_REQUEST),
            "{what}: {s} {v}"
        );
        let text = v.to_string();
        assert!(
            text.contains(mentions),
            "{what}: the answer does not say what to fix: {v}"
        );
    }
    // Not JSON, an empty body, a wrong content type.
    for (body, ct) in [
        ("{\"kind\": ", "application/json"),
        ("", "application/json"),
        ("kind=merge", "application/x-www-form-urlencoded"),
    ] {
        let req = axum::http::Request::post("/api/requests")
            .header("authorization", format!("Bearer {surveyor}"))
            .header("content-type", ct)
            .body(axum::body::Body::from(body))
            .unwrap();
        let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{body:?}");
    }
    // 50 MB: 413, and the server goes on answering.
    let huge = format!(
        "{{\"kind\":\"subdivision\",\"note\":\"{}\"}}",
        "x".repeat(50 * 1024 * 1024)
    );
    let req = axum::http::Request::post("/api/requests")
        .header("authorization", format!("Bearer {surveyor}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(huge))
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Nothing was stored, and the good request still goes in.
    assert!(
        city.store
            .requests(&RequestFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    let (s, _) = call(app, "GET", "/health", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = call(app, "POST", "/api/requests", Some(&surveyor), Some(good)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let _ = parent;
}

#[tokio::test]
async fn a_child_moved_by_a_metre_fails_covers_parent_and_nothing_is_stored() {
    let city = city().await;
    let surveyor = login(&city.app, "surveyor").await;
    let (parent, _) = splittable(&city, &surveyor, 0).await;
    let (a, b) = halves(polygon(&parent), 0.01, 0.0)
        .filter(|_| true)
        .unwrap_or_else(|| halves(polygon(&parent), 0.0, 0.01).unwrap());
    // 1 m east is about 1e-5 degrees at 26.4° N.
    let moved = b.translate(1.0 / 99_700.0, 0.0);
    let body = split_body(&parent, &a, &moved);
    let (s, v) = call(
        &city.app,
        "POST",
        "/api/requests",
        Some(&surveyor),
        Some(body),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let f = failed(&v);
    assert!(f.contains(&"covers_parent".to_string()), "{f:?}");
    let c = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "covers_parent")
        .unwrap();
    assert!(
        c["message_ar"]
            .as_str()
            .unwrap()
            .chars()
            .any(|ch| ('\u{0600}'..='\u{06FF}').contains(&ch))
    );
    assert!(!c["message_en"].as_str().unwrap().is_empty());
    assert!(
        city.store
            .requests(&RequestFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
}

/// A GET with its status, headers (name → value) and JSON body.
async fn get_full(
    app: &axum::Router,
    uri: &str,
) -> (StatusCode, std::collections::HashMap<String, String>, Value) {
    let res = tower::ServiceExt::oneshot(
        app.clone(),
        axum::http::Request::get(uri)
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    let status = res.status();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 24)
        .await
        .unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_retired_parcel_is_read_by_id_as_of_a_datetime() {
    let city = city().await;
    let app = &city.app;
    let surveyor = login(app, "surveyor").await;
    let planner = login(app, "planner").await;
    let (parent, body) = splittable(&city, &surveyor, 0).await;
    let p = parent.fid.0;
    let item = |fid: i64, query: &str| {
        if query.is_empty() {
            format!("/collections/parcels/items/{fid}")
        } else {
            format!("/collections/parcels/items/{fid}?{query}")
        }
    };
    let (s, h_now, parent_now) = get_full(app, &item(p, "")).await;
    assert_eq!(s, StatusCode::OK, "{parent_now}");

    let id = submit_and_take(app, &surveyor, &planner, &body).await;
    let ms =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let before = ms(chrono::Utc::now());
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    // Before the approval, the parent at that moment is the current parent.
    let (s, _, v) = get_full(app, &item(p, &format!("datetime={before}"))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["geometry"], parent_now["geometry"]);
    let (s, v) = call(
        app,
        "POST",
        &format!("/api/requests/{id}/decision"),
        Some(&planner),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let created: Vec<i64> = v["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_i64().unwrap())
        .collect();
    assert_eq!(created.len(), 2, "{v}");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let after = ms(chrono::Utc::now());
    let child = created[0];
    let owner = city.store.parcel_owner(parent.fid).await.unwrap();

    // Run against the server that approved (history grown in memory) and a restarted one
    // (history loaded from the store).
    let (_, restarted) = reopen(&city.dir.path().join("city.gpkg")).await;
    for app in [app, &restarted] {
        // Without datetime: a 404 that names the retirement and the datetime that shows it.
        let (s, v) = call(app, "GET", &item(p, ""), None, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
        let d = v["description"].as_str().unwrap();
        assert!(
            d.contains(&format!("feature {p} of parcels was retired at"))
                && d.contains("datetime="),
            "{d}"
        );
        let suggested = d
            .split("datetime=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap();
        let (s, v) = call(
            app,
            "GET",
            &item(p, &format!("datetime={suggested}")),
            None,
            None,
        )
        .await;
        assert_eq!(
            s,
            StatusCode::OK,
            "the suggested datetime={suggested} shows it: {v}"
        );

        // Just before the approval: the parent as it was, with the same headers and links.
        let (s, h, v) = get_full(app, &item(p, &format!("datetime={before}"))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["id"], json!(p));
        assert_eq!(v["geometry"], parent_now["geometry"]);
        // Its public properties as they were, but for valid_to: it is retired now.
        let mut props = v["properties"].clone();
        assert!(props["valid_to"].is_string(), "{props}");
        assert!(parent_now["properties"]["valid_to"].is_null());
        props["valid_to"] = Value::Null;
        assert_eq!(props, parent_now["properties"]);
        assert_eq!(v["properties"]["parcel_no"], json!(parcel_no(&parent)));
        assert_eq!(v["links"], parent_now["links"]);
        for name in ["content-type", "content-crs"] {
            assert_eq!(h.get(name), h_now.get(name), "{name}");
        }
        // An interval that reaches the approval from before shows it too; one after, not.
        let (s, v) = call(
            app,
            "GET",
            &item(p, &format!("datetime=../{before}")),
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = call(
            app,
            "GET",
            &item(p, &format!("datetime={after}/..")),
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");

        // The child: not there before the approval, there after it and now.
        let (s, v) = call(
            app,
            "GET",
            &item(child, &format!("datetime={before}")),
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
        let d = v["description"].as_str().unwrap();
        assert!(
            d.contains("not in the register") && d.contains(&before) && d.contains("it is current"),
            "{d}"
        );
        for query in [
            format!("datetime={after}"),
            format!("datetime={before}/{after}"),
            String::new(),
        ] {
            let (s, v) = call(app, "GET", &item(child, &query), None, None).await;
            assert_eq!(s, StatusCode::OK, "{query}: {v}");
            assert_eq!(v["id"], json!(child));
        }
        // At the approval's moment as the lineage gives it: the child, no longer the parent
        // (valid_to is exclusive), on the approving server as after a restart.
        let (_, lineage) = call(app, "GET", &format!("/api/parcels/{p}/lineage"), None, None).await;
        let at = lineage["descendants"][0]["at"]
            .as_str()
            .unwrap()
            .to_string();
        let (s, v) = call(
            app,
            "GET",
            &item(child, &format!("datetime={at}")),
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{at}: {v}");
        let (s, v) = call(app, "GET", &item(p, &format!("datetime={at}")), None, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{at}: {v}");
        assert!(v["description"].as_str().unwrap().contains(&at), "{v}");
        // Both ends of an interval across the approval: the parent too.
        let (s, v) = call(
            app,
            "GET",
            &item(p, &format!("datetime={before}/{after}")),
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");

        // crs with datetime: the parent in UTM 39N, said in Content-Crs.
        let utm = "http://www.opengis.net/def/crs/EPSG/0/32639";
        let enc = utm.replace(':', "%3A").replace('/', "%2F");
        let (s, h, v) = get_full(app, &item(p, &format!("datetime={before}&crs={enc}"))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(h["content-crs"], format!("<{utm}>"));
        let xy = &v["geometry"]["coordinates"][0][0];
        let (x, y) = (xy[0].as_f64().unwrap(), xy[1].as_f64().unwrap());
        assert!(
            (160_000.0..840_000.0).contains(&x) && y > 2_000_000.0,
            "{x} {y}"
        );
        let (s, v) = call(app, "GET", &item(p, &format!("crs={enc}")), None, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");

        // Bad values are a 400 naming the problem.
        for (query, needle) in [
            ("datetime=yesterday".to_string(), "RFC 3339"),
            ("datetime=2026-13-01".to_string(), "RFC 3339"),
            (
                format!("datetime={after}/{before}"),
                "ends before it starts",
            ),
            (format!("datetime={before}&datetime={after}"), "once"),
            (format!("datetime={before}&crs=EPSG%3A20439"), "crs"),
            (format!("datetime={before}&limit=1"), "crs and datetime"),
        ] {
            let (s, v) = call(app, "GET", &item(p, &query), None, None).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{query}: {v}");
            let d = v["description"].as_str().unwrap_or_default();
            assert!(d.contains(needle), "{query}: {d}");
        }

        // No owner, ever.
        let (_, v) = call(
            app,
            "GET",
            &item(p, &format!("datetime={before}")),
            None,
            None,
        )
        .await;
        let text = v.to_string();
        assert!(!text.contains("owner"), "{text}");
        if let Some(o) = &owner {
            assert!(!text.contains(o.national_id.as_str()), "{text}");
            assert!(!text.contains(&o.name), "{text}");
        }
    }
}
