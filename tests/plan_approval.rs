//! Plan approval (اعتماد مخطط) through HTTP on a served demo city: a plausible plan (a street
//! between two rows of lots, two parks) built here, each of its checks failing on its own, the
//! two stages (technical review, then a second planner as the committee), and the approved
//! plan's lots found at once by identify, search, items and tiles.

mod register_support;

use axum::http::StatusCode;
use register_support::*;
use serde_json::{Value, json};

/// Degrees per metre east and north near latitude `lat`.
fn per_metre(lat: f64) -> (f64, f64) {
    (1.0 / (111_320.0 * lat.to_radians().cos()), 1.0 / 110_850.0)
}

/// A plan whose origin (south-west corner) is `at`, coordinates given in metres east and north.
struct Drafter {
    at: (f64, f64),
}

impl Drafter {
    fn pt(&self, x: f64, y: f64) -> Value {
        let (kx, ky) = per_metre(self.at.1);
        json!([self.at.0 + x * kx, self.at.1 + y * ky])
    }
    fn rect(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
        json!({"type": "Polygon", "coordinates": [[self.pt(x0, y0), self.pt(x1, y0), self.pt(x1, y1), self.pt(x0, y1), self.pt(x0, y0)]]})
    }
    fn feature(&self, geometry: Value, props: Value) -> Value {
        json!({"type": "Feature", "geometry": geometry, "properties": props})
    }
    fn lot(&self, no: &str, r: [f64; 4]) -> Value {
        self.feature(
            self.rect(r[0], r[1], r[2], r[3]),
            json!({"role": "lot", "parcel_no": no, "block_no": "7", "land_use": "residential"}),
        )
    }
    fn public(&self, r: [f64; 4]) -> Value {
        self.feature(
            self.rect(r[0], r[1], r[2], r[3]),
            json!({"role": "public", "land_use": "park"}),
        )
    }
    fn street(&self, width: f64) -> Value {
        self.feature(
            json!({"type": "LineString", "coordinates": [self.pt(0.0, 40.0), self.pt(100.0, 40.0)]}),
            json!({"role": "street", "width_m": width, "name_ar": "شارع الياسمين", "name_en": "Al Yasmin Street"}),
        )
    }
    /// 100 × 80 m: a 20 m street along y = 40, three 25 m wide lots on each side, a park at
    /// each east end. Streets and parks take 43.75 %.
    fn features(&self) -> Vec<Value> {
        self.features_with_street(20.0)
    }
    /// The same with a street `w` metres wide, the lots and parks reaching its edges.
    fn features_with_street(&self, w: f64) -> Vec<Value> {
        let (s, n) = (40.0 - w / 2.0, 40.0 + w / 2.0);
        vec![
            self.feature(
                self.rect(0.0, 0.0, 100.0, 80.0),
                json!({"role": "boundary"}),
            ),
            self.street(w),
            self.lot("1", [0.0, 0.0, 25.0, s]),
            self.lot("2", [25.0, 0.0, 50.0, s]),
            self.lot("3", [50.0, 0.0, 75.0, s]),
            self.public([75.0, 0.0, 100.0, s]),
            self.lot("4", [0.0, n, 25.0, 80.0]),
            self.lot("5", [25.0, n, 50.0, 80.0]),
            self.lot("6", [50.0, n, 75.0, 80.0]),
            self.public([75.0, n, 100.0, 80.0]),
        ]
    }
}

fn body(plan_no: &str, features: Vec<Value>) -> Value {
    json!({"kind": "plan_approval", "plan_no": plan_no, "name": "مخطط الياسمين",
           "plan": {"type": "FeatureCollection", "features": features}})
}

#[tokio::test]
async fn a_plan_is_checked_approved_in_two_stages_and_its_lots_are_served_at_once() {
    let city = city().await;
    let (surveyor, planner, planner2, citizen) = (
        login(&city.app, "surveyor").await,
        login(&city.app, "planner").await,
        login(&city.app, "planner2").await,
        login(&city.app, "citizen").await,
    );
    // Empty land east of the demo city.
    let d = Drafter { at: (50.2, 26.5) };
    let check = |b: Value| {
        let app = city.app.clone();
        let t = surveyor.clone();
        async move { call(&app, "POST", "/api/requests/check", Some(&t), Some(b)).await }
    };
    let (s, v) = check(body("9/901", d.features())).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["passed"],
        json!(true),
        "the plausible plan passes: {:?}",
        failed(&v)
    );

    // Each check fails on its own.
    let with = |f: &dyn Fn(&mut Vec<Value>)| {
        let mut fs = d.features();
        f(&mut fs);
        fs
    };
    let bowtie = json!({"type": "Feature", "properties": {"role": "public"}, "geometry": {"type": "Polygon",
        "coordinates": [[d.pt(0.0, 0.0), d.pt(10.0, 10.0), d.pt(10.0, 0.0), d.pt(0.0, 10.0), d.pt(0.0, 0.0)]]}});
    let cases: Vec<(&str, Value)> = vec![
        ("plan_no_unique", body("1/101", d.features())),
        (
            "valid_geometry",
            body("9/901", with(&|fs| fs.push(bowtie.clone()))),
        ),
        (
            "unique_parcel_no",
            body(
                "9/901",
                with(&|fs| fs[3] = d.lot("1", [25.0, 0.0, 50.0, 30.0])),
            ),
        ),
        (
            "lots_inside",
            body(
                "9/901",
                with(&|fs| fs[2] = d.lot("1", [0.0, -5.0, 25.0, 30.0])),
            ),
        ),
        (
            "no_overlap",
            body(
                "9/901",
                with(&|fs| fs[3] = d.lot("2", [20.0, 0.0, 50.0, 30.0])),
            ),
        ),
        (
            "covers_boundary",
            body(
                "9/901",
                with(&|fs| {
                    fs.remove(8);
                }),
            ),
        ),
        ("street_width", body("9/901", d.features_with_street(14.0))),
        (
            "public_share",
            body(
                "9/901",
                with(&|fs| {
                    fs[5] = d.lot("7", [75.0, 0.0, 100.0, 30.0]);
                    fs[9] = d.lot("8", [75.0, 50.0, 100.0, 80.0]);
                }),
            ),
        ),
        (
            "min_area",
            body(
                "9/901",
                with(&|fs| {
                    fs[2] = d.lot("1", [0.0, 15.0, 12.0, 30.0]);
                    fs.push(d.public([0.0, 0.0, 12.0, 15.0]));
                    fs.push(d.lot("1b", [12.0, 0.0, 25.0, 30.0]));
                }),
            ),
        ),
        (
            "street_frontage",
            body(
                "9/901",
                with(&|fs| {
                    fs[2] = d.lot("1", [0.0, 15.0, 25.0, 30.0]);
                    fs.push(d.lot("1b", [0.0, 0.0, 25.0, 15.0]));
                }),
            ),
        ),
        ("no_conflict", {
            let over = Drafter {
                at: (50.0852, 26.4168),
            };
            body("9/901", over.features())
        }),
    ];
    for (code, b) in cases {
        let (s, v) = check(b).await;
        assert_eq!(s, StatusCode::OK, "{code}: {v}");
        assert_eq!(failed(&v), vec![code.to_string()], "{code}: {v}");
    }
    // Two boundaries: the boundary check fails and the checks needing it say so.
    let (_, v) = check(body(
        "9/901",
        with(&|fs| fs.push(d.feature(d.rect(0.0, 0.0, 10.0, 10.0), json!({"role": "boundary"})))),
    ))
    .await;
    assert!(failed(&v).contains(&"boundary".to_string()), "{v}");
    // Malformed plans are a 400 that says what to fix; 10,000 features are refused unread.
    let (s, v) = check(body(
        "9/901",
        with(&|fs| fs.push(d.feature(d.rect(0.0, 0.0, 1.0, 1.0), json!({"role": "road"})))),
    ))
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v.to_string().contains("boundary, lot, street or public"),
        "{v}"
    );
    let many: Vec<Value> = (0..10_000)
        .map(|i| d.lot(&i.to_string(), [0.0, 0.0, 1.0, 1.0]))
        .collect();
    let (s, v) = check(body("9/901", many)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("5000"), "{v}");

    // Who may submit: surveyors only.
    let (s, _) = call(
        &city.app,
        "POST",
        "/api/requests",
        Some(&citizen),
        Some(body("9/901", d.features())),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = call(
        &city.app,
        "POST",
        "/api/requests",
        Some(&surveyor),
        Some(body("9/901", d.features())),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let go = |who: &str, what: &str, b: Option<Value>| {
        let (app, uri, t) = (
            city.app.clone(),
            format!("/api/requests/{id}/{what}"),
            who.to_string(),
        );
        async move { call(&app, "POST", &uri, Some(&t), b).await }
    };
    let approve = || Some(json!({"decision": "approve"}));

    // Stage one: the technical review.
    assert_eq!(go(&planner, "take", None).await.0, StatusCode::OK);
    let (s, v) = go(&planner, "decision", approve()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "technical_approved");
    assert_eq!(v["created"], json!([]), "nothing in the register yet");
    // Stage two: not the technical reviewer, and only once taken.
    assert_eq!(go(&planner, "take", None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        go(&planner2, "decision", approve()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(go(&surveyor, "take", None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(go(&planner2, "take", None).await.0, StatusCode::OK);
    let (s, v) = go(&planner2, "decision", approve()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "approved");
    let lots = v["created"].as_array().unwrap().clone();
    assert_eq!(lots.len(), 6);
    let history: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        history,
        [
            "submitted",
            "in_review",
            "technical_approved",
            "technical_approved",
            "approved"
        ]
    );

    // Served at once: items, identify, search, the plan and the street, tiles.
    let (s, lot) = call(
        &city.app,
        "GET",
        &format!("/collections/parcels/items/{}", lots[0]),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(lot["properties"]["plan_no"], "9/901");
    let c = d.pt(12.5, 15.0);
    let (_, here) = call(
        &city.app,
        "GET",
        &format!("/api/identify?lon={}&lat={}", c[0], c[1]),
        None,
        None,
    )
    .await;
    assert_eq!(here["parcel"]["properties"]["parcel_no"], "1", "{here}");
    assert_eq!(here["plan"]["properties"]["plan_no"], "9/901", "{here}");
    assert_eq!(
        here["nearest_street"]["properties"]["name_en"], "Al Yasmin Street",
        "{here}"
    );
    let (_, found) = call(
        &city.app,
        "GET",
        "/api/search?q=plan%209%2F901%20block%207%20parcel%205",
        None,
        None,
    )
    .await;
    assert!(
        found.to_string().contains("9/901"),
        "search finds the new lot: {found}"
    );
    let (s, plans) = call(
        &city.app,
        "GET",
        "/collections/plans/items?filter=plan_no%3D%279%2F901%27",
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(plans["numberReturned"], 1, "{plans}");
    assert_eq!(plans["features"][0]["properties"]["status"], "approved");
    // The tile over the plan holds its lots.
    let (x, y) = tile_of(c[0].as_f64().unwrap(), c[1].as_f64().unwrap(), 17);
    let (s, _) = call(
        &city.app,
        "GET",
        &format!("/tiles/parcels/17/{x}/{y}.mvt"),
        None,
        None,
    )
    .await;
    assert_eq!(
        s,
        StatusCode::OK,
        "a tile with the new lots, not an empty 204"
    );
    // A second plan on the same land now conflicts.
    let (_, v) = check(body("9/902", d.features())).await;
    assert_eq!(failed(&v), vec!["no_conflict".to_string()], "{v}");
}

/// The WebMercatorQuad tile holding a point.
fn tile_of(lon: f64, lat: f64, z: u32) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let r = lat.to_radians();
    let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    (x as u32, y as u32)
}

/// POSTs a multipart form (text fields, then one file) with a bearer token.
async fn upload(
    app: &axum::Router,
    token: &str,
    fields: &[(&str, &str)],
    file: (&str, Vec<u8>),
) -> (StatusCode, Value) {
    use tower::ServiceExt;
    let boundary = "----madinati-plan-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(&file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = axum::http::Request::post("/api/requests/plan")
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 24)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A zip archive of `files` (name, bytes), deflated.
fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_plan_arrives_as_a_geojson_file_or_a_zipped_shapefile_and_bad_files_are_refused() {
    let city = city().await;
    let (surveyor, citizen) = (
        login(&city.app, "surveyor").await,
        login(&city.app, "citizen").await,
    );
    let d = Drafter { at: (50.2, 26.5) };
    let fc = json!({"type": "FeatureCollection", "features": d.features()});
    let fields = [("plan_no", "9/911"), ("name", "مخطط الياسمين ٢")];

    // GeoJSON file.
    let (s, v) = upload(
        &city.app,
        &surveyor,
        &fields,
        ("plan.geojson", fc.to_string().into_bytes()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(failed(&v).is_empty(), "{v}");
    // A citizen may not; nothing of the file is read.
    let (s, _) = upload(
        &city.app,
        &citizen,
        &fields,
        ("plan.geojson", fc.to_string().into_bytes()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A zipped Shapefile: one shapefile per role, written by GDAL.
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (role, stem) in [
        ("boundary", "boundary"),
        ("lot", "lots"),
        ("street", "streets"),
        ("public", "public"),
    ] {
        let part: Vec<Value> = d
            .features()
            .into_iter()
            .filter(|f| f["properties"]["role"] == role)
            .map(|mut f| {
                f["properties"].as_object_mut().unwrap().remove("role");
                f
            })
            .collect();
        let src = dir.path().join(format!("{stem}.geojson"));
        std::fs::write(
            &src,
            json!({"type": "FeatureCollection", "features": part}).to_string(),
        )
        .unwrap();
        let out = dir.path().join(format!("{stem}.shp"));
        let status = std::process::Command::new("ogr2ogr")
            .args([
                "-f",
                "ESRI Shapefile",
                "-lco",
                "ENCODING=UTF-8",
                "-a_srs",
                "EPSG:4326",
            ])
            .arg(&out)
            .arg(&src)
            .status()
            .expect("ogr2ogr (gdal-bin) is needed: run scripts/test");
        assert!(status.success());
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
            let p = dir.path().join(format!("{stem}.{ext}"));
            if p.exists() {
                files.push((format!("plan/{stem}.{ext}"), std::fs::read(p).unwrap()));
            }
        }
    }
    let (s, v) = upload(
        &city.app,
        &surveyor,
        &[("plan_no", "9/912")],
        ("plan.zip", zip_of(&files)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(
        failed(&v).is_empty(),
        "a zipped Shapefile plan passes as its GeoJSON does: {v}"
    );

    // A zip bomb: 210 MiB of zeros in a few hundred KiB, refused after the limit.
    let bomb = zip_of(&[("lots.shp".into(), vec![0u8; 210 * 1024 * 1024])]);
    assert!(bomb.len() < 2 * 1024 * 1024);
    let (s, v) = upload(
        &city.app,
        &surveyor,
        &[("plan_no", "9/913")],
        ("plan.zip", bomb),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert!(v.to_string().contains("zip bomb"), "{v}");
    // Other kinds of file, and damaged ones, say what to send.
    let (s, _) = upload(
        &city.app,
        &surveyor,
        &fields,
        ("plan.pdf", b"%PDF-1.7 ...".to_vec()),
    )
    .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (s, v) = upload(
        &city.app,
        &surveyor,
        &fields,
        ("plan.geojson", b"{\"type\": \"Feature".to_vec()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = upload(
        &city.app,
        &surveyor,
        &[("plan_no", "9/914")],
        ("plan.zip", zip_of(&[("readme.txt".into(), b"hi".to_vec())])),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("no shapefile"), "{v}");
    // Nothing was stored by the refusals: two plans are in the queue.
    let (_, list) = call(
        &city.app,
        "GET",
        "/api/requests?kind=plan_approval",
        Some(&surveyor),
        None,
    )
    .await;
    assert_eq!(list["numberReturned"], 2, "{list}");
}

/// The plan of `Drafter::features` as a DXF drawn in UTM 39N metres (as CAD offices draw):
/// closed polylines on BOUNDARY, LOTS and PUBLIC, a centre line on STREETS, lot numbers as
/// texts inside the lots, the street's width and name as texts beside it. `closed_lots: false`
/// leaves the lots open.
#[cfg(feature = "gdal")]
fn dxf_plan(dir: &std::path::Path, closed_lots: bool) -> Vec<u8> {
    use madinati::domain::crs::Crs;
    let utm = Crs::from_epsg(32639).unwrap();
    let o = utm.from_wgs84(geo::Coord { x: 50.2, y: 26.5 }).unwrap();
    let p = |x: f64, y: f64| json!([o.x + x, o.y + y]);
    let ring = |r: [f64; 4], close: bool| {
        let mut pts = vec![p(r[0], r[1]), p(r[2], r[1]), p(r[2], r[3]), p(r[0], r[3])];
        if close {
            pts.push(p(r[0], r[1]));
        }
        json!({"type": "LineString", "coordinates": pts})
    };
    let entity = |layer: &str, g: Value| json!({"type": "Feature", "properties": {"Layer": layer}, "geometry": g});
    let label = |layer: &str, x: f64, y: f64, t: &str| {
        json!({"type": "Feature", "properties": {"Layer": layer, "OGR_STYLE": format!("LABEL(f:\"Arial\",t:\"{t}\",s:2g)")},
               "geometry": {"type": "Point", "coordinates": p(x, y)}})
    };
    let mut fs = vec![
        entity("BOUNDARY", ring([0.0, 0.0, 100.0, 80.0], true)),
        entity(
            "STREETS",
            json!({"type": "LineString", "coordinates": [p(0.0, 40.0), p(100.0, 40.0)]}),
        ),
        label("STREETS", 50.0, 41.0, "W=20"),
        label("STREETS", 20.0, 41.0, "Al Nakheel Street"),
        entity("PUBLIC", ring([75.0, 0.0, 100.0, 30.0], true)),
        entity("PUBLIC", ring([75.0, 50.0, 100.0, 80.0], true)),
    ];
    for (i, (x, y)) in [
        (0.0, 0.0),
        (25.0, 0.0),
        (50.0, 0.0),
        (0.0, 50.0),
        (25.0, 50.0),
        (50.0, 50.0),
    ]
    .iter()
    .enumerate()
    {
        fs.push(entity(
            "LOTS",
            ring([*x, *y, x + 25.0, y + 30.0], closed_lots),
        ));
        fs.push(label("LOTS", x + 12.0, y + 15.0, &(i + 1).to_string()));
    }
    let src = dir.join("in.geojson");
    std::fs::write(
        &src,
        json!({"type": "FeatureCollection", "features": fs}).to_string(),
    )
    .unwrap();
    let out = dir.join(if closed_lots { "plan.dxf" } else { "open.dxf" });
    let status = std::process::Command::new("ogr2ogr")
        .args(["-f", "DXF"])
        .arg(&out)
        .arg(&src)
        .status()
        .expect("ogr2ogr (gdal-bin) is needed: run scripts/test");
    assert!(status.success());
    std::fs::read(out).unwrap()
}

#[cfg(feature = "gdal")]
#[tokio::test]
async fn a_dxf_plan_from_a_cad_office_is_read_checked_and_approved() {
    let city = city().await;
    let (surveyor, planner, planner2) = (
        login(&city.app, "surveyor").await,
        login(&city.app, "planner").await,
        login(&city.app, "planner2").await,
    );
    let dir = tempfile::tempdir().unwrap();
    let fields = [
        ("plan_no", "9/921"),
        ("name", "Al Nakheel"),
        ("crs", "EPSG:32639"),
    ];
    let (s, v) = upload(
        &city.app,
        &surveyor,
        &fields,
        ("plan.dxf", dxf_plan(dir.path(), false)),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v.to_string()
            .contains("no closed polyline on the layer LOTS"),
        "{v}"
    );
    let (s, v) = upload(
        &city.app,
        &surveyor,
        &fields,
        ("plan.dxf", dxf_plan(dir.path(), true)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(
        failed(&v).is_empty(),
        "the DXF plan passes every check: {v}"
    );
    let id = v["id"].as_i64().unwrap();
    for (who, what) in [
        (&planner, "take"),
        (&planner, "decision"),
        (&planner2, "take"),
        (&planner2, "decision"),
    ] {
        let body = (what == "decision").then(|| json!({"decision": "approve"}));
        let (s, v) = call(
            &city.app,
            "POST",
            &format!("/api/requests/{id}/{what}"),
            Some(who),
            body,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{what}: {v}");
    }
    let (_, r) = call(
        &city.app,
        "GET",
        &format!("/api/requests/{id}"),
        Some(&planner),
        None,
    )
    .await;
    assert_eq!(r["status"], "approved");
    assert_eq!(r["created"].as_array().unwrap().len(), 6);
    // Lot 5 (its number read from the text inside it) is where the drawing put it.
    let d = Drafter { at: (50.2, 26.5) };
    let c = d.pt(37.5, 65.0);
    let (_, here) = call(
        &city.app,
        "GET",
        &format!("/api/identify?lon={}&lat={}", c[0], c[1]),
        None,
        None,
    )
    .await;
    assert_eq!(here["parcel"]["properties"]["parcel_no"], "5", "{here}");
    assert_eq!(
        here["nearest_street"]["properties"]["name_en"], "Al Nakheel Street",
        "{here}"
    );
    assert_eq!(
        here["nearest_street"]["properties"]["width_m"], 20.0,
        "{here}"
    );
}

#[tokio::test]
async fn two_plans_on_the_same_land_approved_at_the_same_moment_one_wins() {
    let city = city().await;
    let (surveyor, planner, planner2) = (
        login(&city.app, "surveyor").await,
        login(&city.app, "planner").await,
        login(&city.app, "planner2").await,
    );
    let d = Drafter { at: (50.2, 26.5) };
    let mut ids = Vec::new();
    for no in ["9/931", "9/932"] {
        let (s, v) = call(
            &city.app,
            "POST",
            "/api/requests",
            Some(&surveyor),
            Some(body(no, d.features())),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["id"].as_i64().unwrap();
        for (who, what) in [
            (&planner, "take"),
            (&planner, "decision"),
            (&planner2, "take"),
        ] {
            let b = (what == "decision").then(|| json!({"decision": "approve"}));
            let (s, v) = call(
                &city.app,
                "POST",
                &format!("/api/requests/{id}/{what}"),
                Some(who),
                b,
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{what}: {v}");
        }
        ids.push(id);
    }
    let approve = |id: i64| {
        let (app, t) = (city.app.clone(), planner2.clone());
        async move {
            call(
                &app,
                "POST",
                &format!("/api/requests/{id}/decision"),
                Some(&t),
                Some(json!({"decision": "approve"})),
            )
            .await
        }
    };
    let (a, b) = tokio::join!(approve(ids[0]), approve(ids[1]));
    let mut codes = [a.0, b.0];
    codes.sort();
    assert_eq!(
        codes,
        [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY],
        "{} / {}",
        a.1,
        b.1
    );
    let loser = if a.0 == StatusCode::OK { &b.1 } else { &a.1 };
    assert_eq!(failed(loser), vec!["no_conflict".to_string()], "{loser}");
}
