//! `POST /api/requests/proposal-file`: a subdivision's proposed parcels drawn by a CAD office
//! (a DXF in UTM 39N, a zipped Shapefile, GeoJSON) come back as a GeoJSON FeatureCollection in
//! EPSG:4326 that `POST /api/requests/check` takes as `proposed`. The files are written by
//! GDAL's own writers (`ogr2ogr`, reprojecting with PROJ), from the halves of a real demo parcel.

mod register_support;

use axum::http::StatusCode;
use madinati::store::StoredFeature;
use register_support::*;
use serde_json::{Value, json};

/// POSTs a multipart form (text fields, then one file); `token` as a bearer token.
async fn post_file(
    app: &axum::Router,
    token: Option<&str>,
    fields: &[(&str, &str)],
    file: (&str, Vec<u8>),
) -> (StatusCode, Value) {
    use tower::ServiceExt;
    let boundary = "----madinati-proposal-boundary";
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
    let mut req = axum::http::Request::post("/api/requests/proposal-file").header(
        "content-type",
        format!("multipart/form-data; boundary={boundary}"),
    );
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app
        .clone()
        .oneshot(req.body(axum::body::Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = res.status();
    if status == StatusCode::OK {
        assert_eq!(
            res.headers()["content-type"],
            "application/geo+json",
            "the answer is GeoJSON"
        );
    }
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 24)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Runs `ogr2ogr -f <driver> <args> out src` and returns nothing; the files are in `out`.
fn ogr2ogr(driver: &str, args: &[&str], out: &std::path::Path, src: &std::path::Path) {
    let status = std::process::Command::new("ogr2ogr")
        .args(["-f", driver])
        .args(args)
        .arg(out)
        .arg(src)
        .status()
        .expect("ogr2ogr (gdal-bin) is needed: run scripts/test");
    assert!(status.success(), "ogr2ogr -f {driver} failed");
}

/// The exterior rings of a FeatureCollection's polygons by parcel number.
fn rings(fc: &Value) -> Vec<(String, Vec<[f64; 2]>)> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["geometry"]["type"], "Polygon", "{f}");
            let ring = f["geometry"]["coordinates"][0]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
                .collect();
            let no = f["properties"]["parcel_no"]
                .as_str()
                .unwrap_or_else(|| panic!("a parcel number: {f}"))
                .to_string();
            (no, ring)
        })
        .collect()
}

/// Asserts that `got` holds the polygons of `want`, numbered alike, each vertex within 1e-6
/// degrees (whatever vertex a writer starts a ring at).
fn assert_same_parcels(got: &Value, want: &Value) {
    let (mut got, mut want) = (rings(got), rings(want));
    got.sort_by(|a, b| a.0.cmp(&b.0));
    want.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got.iter().map(|g| &g.0).collect::<Vec<_>>(),
        want.iter().map(|w| &w.0).collect::<Vec<_>>(),
        "the parcel numbers"
    );
    let near =
        |a: &[f64; 2], b: &[f64; 2]| (a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6;
    for ((no, g), (_, w)) in got.iter().zip(&want) {
        assert_eq!(g.len(), w.len(), "parcel {no}: {g:?} vs {w:?}");
        assert_eq!(g.first(), g.last(), "parcel {no}: a closed ring");
        for p in w {
            assert!(
                g.iter().any(|q| near(p, q)),
                "parcel {no}: {p:?} is not within 1e-6° of any of {g:?}"
            );
        }
        for q in g {
            assert!(w.iter().any(|p| near(p, q)), "parcel {no}: {q:?} is extra");
        }
    }
}

/// A demo parcel and its halves that pass every check.
async fn halves_of_a_parcel(city: &City, surveyor: &str) -> (StoredFeature, Value) {
    let (parent, body) = splittable(city, surveyor, 0).await;
    (parent, body["proposed"].clone())
}

/// `POST /api/requests/check` of a subdivision of `parent` into `proposed`.
async fn check(city: &City, token: &str, parent: i64, proposed: &Value) -> Value {
    let (s, v) = call(
        &city.app,
        "POST",
        "/api/requests/check",
        Some(token),
        Some(json!({"kind": "subdivision", "parcels": [parent], "proposed": proposed})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

#[cfg(feature = "gdal")]
#[tokio::test]
async fn a_dxf_in_utm_39n_gives_the_proposed_halves_in_degrees() {
    use geo::InteriorPoint;
    let city = city().await;
    let surveyor = login(&city.app, "surveyor").await;
    let (parent, halves) = halves_of_a_parcel(&city, &surveyor).await;
    let parent_fid = parent.fid.0;
    // As a CAD office draws it: the lots as closed polylines on LOTS, their numbers as texts
    // inside them, and the parent's outline on another layer around both.
    let mut entities = Vec::new();
    let outline: Vec<Value> = polygon(&parent)
        .exterior()
        .0
        .iter()
        .map(|c| json!([c.x, c.y]))
        .collect();
    entities.push(json!({"type": "Feature", "properties": {"Layer": "PARCEL"},
        "geometry": {"type": "Polygon", "coordinates": [outline]}}));
    for f in halves["features"].as_array().unwrap() {
        let no = f["properties"]["parcel_no"].as_str().unwrap();
        entities.push(
            json!({"type": "Feature", "properties": {"Layer": "LOTS"}, "geometry": f["geometry"]}),
        );
        let ring: Vec<geo::Coord> = f["geometry"]["coordinates"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| geo::Coord {
                x: p[0].as_f64().unwrap(),
                y: p[1].as_f64().unwrap(),
            })
            .collect();
        let inside = geo::Polygon::new(geo::LineString(ring), vec![])
            .interior_point()
            .unwrap();
        entities.push(json!({"type": "Feature",
            "properties": {"Layer": "LOTS", "OGR_STYLE": format!("LABEL(f:\"Arial\",t:\"{no}\",s:2g)")},
            "geometry": {"type": "Point", "coordinates": [inside.x(), inside.y()]}}));
    }
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.geojson");
    std::fs::write(
        &src,
        json!({"type": "FeatureCollection", "features": entities}).to_string(),
    )
    .unwrap();
    let dxf = dir.path().join("lots.dxf");
    ogr2ogr(
        "DXF",
        &["-s_srs", "EPSG:4326", "-t_srs", "EPSG:32639"],
        &dxf,
        &src,
    );
    let dxf = std::fs::read(dxf).unwrap();

    // No crs part: a DXF is read in UTM 39N.
    let (s, fc) = post_file(&city.app, Some(&surveyor), &[], ("lots.dxf", dxf.clone())).await;
    assert_eq!(s, StatusCode::OK, "{fc}");
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["source_crs"], "EPSG:32639");
    assert_eq!(
        fc["features"].as_array().unwrap().len(),
        2,
        "the two lots only: {fc}"
    );
    assert_same_parcels(&fc, &halves);
    let v = check(&city, &surveyor, parent_fid, &fc).await;
    assert_eq!(
        v["passed"], true,
        "the halves from the DXF pass every check: {v}"
    );

    // Named explicitly, the same; read as degrees, the metres are refused with what to send.
    let (s, named) = post_file(
        &city.app,
        Some(&surveyor),
        &[("crs", "EPSG:32639")],
        ("lots.dxf", dxf.clone()),
    )
    .await;
    assert_eq!((s, &named), (StatusCode::OK, &fc));
    let (s, v) = post_file(
        &city.app,
        Some(&surveyor),
        &[("crs", "EPSG:4326")],
        ("lots.dxf", dxf),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("crs part"), "{v}");

    // A drawing with nothing in it says what to draw.
    let empty = dir.path().join("empty.geojson");
    std::fs::write(&empty, r#"{"type": "FeatureCollection", "features": []}"#).unwrap();
    let out = dir.path().join("empty.dxf");
    ogr2ogr("DXF", &[], &out, &empty);
    let (s, v) = post_file(
        &city.app,
        Some(&surveyor),
        &[],
        ("empty.dxf", std::fs::read(out).unwrap()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v.to_string()
            .contains("closed polyline on a layer LOTS, its number as a text inside it"),
        "{v}"
    );
}

#[tokio::test]
async fn a_zipped_shapefile_or_geojson_gives_the_same_halves() {
    use std::io::Write;
    let city = city().await;
    let surveyor = login(&city.app, "surveyor").await;
    let (parent, halves) = halves_of_a_parcel(&city, &surveyor).await;
    let parent_fid = parent.fid.0;

    // GeoJSON: the same polygons back, each with its number.
    let (s, fc) = post_file(
        &city.app,
        Some(&surveyor),
        &[],
        ("lots.geojson", halves.to_string().into_bytes()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{fc}");
    assert_eq!(fc["source_crs"], "EPSG:4326");
    assert_same_parcels(&fc, &halves);
    assert_eq!(
        check(&city, &surveyor, parent_fid, &fc).await["passed"],
        true
    );

    // A Shapefile in UTM 39N: its .prj says so, no crs part needed.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("lots.geojson");
    std::fs::write(&src, halves.to_string()).unwrap();
    let shp = dir.path().join("lots.shp");
    ogr2ogr(
        "ESRI Shapefile",
        &[
            "-lco",
            "ENCODING=UTF-8",
            "-s_srs",
            "EPSG:4326",
            "-t_srs",
            "EPSG:32639",
        ],
        &shp,
        &src,
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        let p = dir.path().join(format!("lots.{ext}"));
        if p.exists() {
            zip.start_file(format!("subdivision/lots.{ext}"), opts)
                .unwrap();
            zip.write_all(&std::fs::read(p).unwrap()).unwrap();
        }
    }
    let zipped = zip.finish().unwrap().into_inner();
    let (s, fc) = post_file(&city.app, Some(&surveyor), &[], ("lots.zip", zipped)).await;
    assert_eq!(s, StatusCode::OK, "{fc}");
    assert_eq!(fc["source_crs"], "EPSG:32639", "from the .prj: {fc}");
    assert_same_parcels(&fc, &halves);
    let v = check(&city, &surveyor, parent_fid, &fc).await;
    assert_eq!(v["passed"], true, "the halves from the Shapefile pass: {v}");
}

#[tokio::test]
async fn surveyors_only_and_files_of_other_kinds_are_refused() {
    let city = city().await;
    let (surveyor, citizen, planner) = (
        login(&city.app, "surveyor").await,
        login(&city.app, "citizen").await,
        login(&city.app, "planner").await,
    );
    let lot = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"parcel_no": "1"},
        "geometry": {"type": "Polygon", "coordinates": [[[50.1, 26.4], [50.1001, 26.4], [50.1001, 26.4001], [50.1, 26.4]]]}}]});
    let file = || ("lots.geojson", lot.to_string().into_bytes());
    assert_eq!(
        post_file(&city.app, None, &[], file()).await.0,
        StatusCode::UNAUTHORIZED
    );
    for who in [&citizen, &planner] {
        let (s, v) = post_file(&city.app, Some(who), &[], file()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    }
    // A citizen's body is not read: not even a form is needed to be refused.
    let (s, _) = call(
        &city.app,
        "POST",
        "/api/requests/proposal-file",
        Some(&citizen),
        Some(lot.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, fc) = post_file(&city.app, Some(&surveyor), &[], file()).await;
    assert_eq!(s, StatusCode::OK, "{fc}");
    assert_eq!(fc["features"][0]["properties"]["parcel_no"], "1");

    // A picture is not a drawing, whatever its name.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0".to_vec();
    for name in ["lots.png", "lots.dxf"] {
        let (s, v) = post_file(&city.app, Some(&surveyor), &[], (name, png.clone())).await;
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{name}: {v}");
    }
    // A DXF of no entity: what to draw (without GDAL, the plan upload's 415).
    let dxf = b"  0\nSECTION\n  2\nENTITIES\n  0\nENDSEC\n  0\nEOF\n".to_vec();
    let (s, v) = post_file(&city.app, Some(&surveyor), &[], ("empty.dxf", dxf)).await;
    if cfg!(feature = "gdal") {
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(v.to_string().contains("layer LOTS"), "{v}");
    } else {
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{v}");
        assert!(v.to_string().contains("gdal feature"), "{v}");
    }
    // GeoJSON without a polygon, a CRS no proposal is written in, a part not taken: 400.
    let points = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {}, "geometry": {"type": "Point", "coordinates": [50.1, 26.4]}}]});
    let (s, v) = post_file(
        &city.app,
        Some(&surveyor),
        &[],
        ("lots.geojson", points.to_string().into_bytes()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v.to_string()
            .contains("Polygon feature with properties.parcel_no"),
        "{v}"
    );
    let (s, v) = post_file(&city.app, Some(&surveyor), &[("crs", "EPSG:3857")], file()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = post_file(&city.app, Some(&surveyor), &[("plan_no", "9/1")], file()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("unknown part"), "{v}");
    // Nothing was stored by any of it.
    let (_, list) = call(&city.app, "GET", "/api/requests", Some(&surveyor), None).await;
    assert_eq!(list["numberReturned"], 0, "{list}");
}
