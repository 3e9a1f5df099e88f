//! OGC API – Features in-process against the small demo city and the real Dammam districts:
//! the documents (snapshots), paging through every parcel, bbox against brute force, datetime
//! against lifespans, CRSs (values equal to `Crs::from_wgs84`, EPSG 4326 latitude first,
//! `Content-Crs`), the 400s and 404s, and owners never shown.

mod ogc_support;

use axum::http::StatusCode;
use geo::Coord;
use madinati::domain::crs::Crs;
use madinati::domain::public;
use madinati::domain::{LayerKind, ValidGeometry};
use madinati::ogc::crs::SUPPORTED;
use ogc_support::*;
use serde_json::Value;

#[tokio::test]
async fn documents_are_stable() {
    let (s, h, landing) = get("/").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["content-type"], "application/json");
    assert_eq!(landing["title"], "madinati — مدينتي");
    let rels: Vec<&str> = landing["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    assert_eq!(
        rels,
        [
            "self",
            "service-desc",
            "conformance",
            "data",
            "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes",
            "describedby"
        ]
    );
    insta::assert_json_snapshot!("landing", landing);

    let (_, _, conformance) = get("/conformance").await;
    insta::assert_json_snapshot!("conformance", conformance);

    let (s, h, api) = get("/api").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        h["content-type"],
        "application/vnd.oai.openapi+json;version=3.0"
    );
    insta::assert_json_snapshot!("api", api);

    let (_, _, collections) = get("/collections").await;
    insta::assert_json_snapshot!("collections", collections);

    let (_, _, mut page) = get("/collections/service_points/items?limit=2&cursor=5").await;
    assert!(page["timeStamp"].is_string());
    page["timeStamp"] = "[timeStamp]".into();
    insta::assert_json_snapshot!("service_points_page", page);
}

fn param_names(api: &Value, path: &str) -> Vec<String> {
    let params = api["paths"][path]["get"]["parameters"]
        .as_array()
        .unwrap_or_else(|| panic!("{path} is not described"));
    params
        .iter()
        .map(|p| match p["$ref"].as_str() {
            Some(r) => api["components"]["parameters"][r.rsplit('/').next().unwrap()]["name"]
                .as_str()
                .unwrap()
                .to_string(),
            None => p["name"].as_str().unwrap().to_string(),
        })
        .collect()
}

#[tokio::test]
async fn the_api_document_describes_every_endpoint() {
    let (_, _, api) = get("/api").await;
    assert_eq!(api["openapi"], "3.0.3");
    for path in [
        "/",
        "/conformance",
        "/api",
        "/collections",
        "/health",
        "/ready",
    ] {
        assert!(
            api["paths"][path]["get"]["responses"]["200"].is_object(),
            "{path}"
        );
    }
    let has = |path: &str, names: &[&str]| {
        let got = param_names(&api, path);
        for n in names {
            assert!(got.iter().any(|g| g == n), "{path} lacks {n}: {got:?}");
        }
    };
    has(
        "/api/nearby",
        &[
            "lon", "lat", "category", "limit", "radius", "open_now", "at", "lang",
        ],
    );
    has("/api/search", &["q", "near", "lang", "limit"]);
    has("/api/identify", &["lon", "lat"]);
    for layer in LayerKind::ALL {
        let id = layer.id();
        assert!(api["paths"][format!("/collections/{id}")]["get"].is_object());
        assert!(api["paths"][format!("/collections/{id}/queryables")]["get"].is_object());
        has(
            &format!("/collections/{id}/items/{{featureId}}"),
            &["featureId", "crs", "datetime"],
        );
        let items = format!("/collections/{id}/items");
        has(
            &items,
            &[
                "limit",
                "bbox",
                "bbox-crs",
                "datetime",
                "cursor",
                "crs",
                "filter",
                "filter-lang",
                "filter-crs",
            ],
        );
        has(&items, public::property_names(layer));
        // Every documented OGC path answers (no fallback 404).
        for path in [
            format!("/collections/{id}"),
            items.clone(),
            format!("/collections/{id}/queryables"),
        ] {
            assert_eq!(get(&path).await.0, StatusCode::OK, "{path}");
        }
    }
    // The other documented endpoints exist (a 400 for missing parameters, never the 404 of an
    // unknown path).
    for path in [
        "/health",
        "/ready",
        "/api/nearby",
        "/api/search",
        "/api/identify",
    ] {
        assert_ne!(get(path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    // No schema of the public data names an owner field (the write side's own endpoints, which
    // describe who may see owners, are left out of this look).
    let mut public = api.clone();
    if let Some(paths) = public["paths"].as_object_mut() {
        paths.retain(|p, _| !p.starts_with("/api/"));
    }
    let text = public.to_string();
    assert!(!text.contains("owner"), "owners appear in /api");
    assert!(api["paths"]["/api/requests"]["post"]["security"].is_array());
}

#[tokio::test]
async fn collection_extent_crs_links_and_queryables() {
    let c = city();
    for layer in LayerKind::ALL {
        let (s, _, doc) = get(&format!("/collections/{}", layer.id())).await;
        assert_eq!(s, StatusCode::OK);
        let title = doc["title"].as_str().unwrap();
        assert!(
            title.contains(layer.title_en()) && title.contains(layer.title_ar()),
            "{title}"
        );
        let feats = &c.features[&layer];
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for f in feats {
            let x = f.feature.geometry().bbox();
            b = [
                b[0].min(x.min_x),
                b[1].min(x.min_y),
                b[2].max(x.max_x),
                b[3].max(x.max_y),
            ];
        }
        let got: Vec<f64> = doc["extent"]["spatial"]["bbox"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(got, b.to_vec(), "{layer}");
        assert_eq!(doc["storageCrs"], SUPPORTED[0]);
        assert_eq!(doc["crs"], serde_json::json!(SUPPORTED));
        let any_open_start = feats
            .iter()
            .any(|f| f.feature.lifespan().valid_from.is_none());
        let start = &doc["extent"]["temporal"]["interval"][0][0];
        assert_eq!(start.is_null(), any_open_start, "{layer}: {start}");
        let rels: Vec<&str> = doc["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["rel"].as_str().unwrap())
            .collect();
        assert!(
            rels.contains(&"items")
                && rels.contains(&"http://www.opengis.net/def/rel/ogc/1.0/queryables")
        );
    }
    let (s, h, q) = get("/collections/parcels/queryables").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["content-type"], "application/schema+json");
    assert_eq!(q["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(q["$id"], "http://localhost/collections/parcels/queryables");
    assert_eq!(q["type"], "object");
    let p = &q["properties"];
    assert_eq!(p["area_m2"]["type"], "number");
    assert_eq!(p["official_area_m2"]["type"], "number");
    assert_eq!(p["deed_date"]["format"], "date");
    assert_eq!(p["valid_from"]["format"], "date-time");
    assert_eq!(p["land_use"]["type"], "string");
    assert!(
        p["land_use"]["enum"]
            .as_array()
            .unwrap()
            .contains(&"commercial".into())
    );
    assert_eq!(p["geometry"]["format"], "geometry-polygon");
    assert!(!q.to_string().contains("owner"));
    let (_, _, streets) = get("/collections/streets/queryables").await;
    assert_eq!(streets["properties"]["width_m"]["type"], "number");
    assert_eq!(
        streets["properties"]["geometry"]["format"],
        "geometry-multilinestring"
    );
    let (_, h, _) = get_with(
        "/collections/parcels/queryables",
        &[("accept", "application/json")],
    )
    .await;
    assert_eq!(h["content-type"], "application/json");
}

#[tokio::test]
async fn paging_with_next_gives_every_parcel_once() {
    let want = expected(LayerKind::Parcels, |_| true);
    assert!(want.len() > 5000, "the small demo has thousands of parcels");
    for limit in [1000, 997] {
        let mut uri = format!("/collections/parcels/items?limit={limit}");
        let mut ids: Vec<i64> = Vec::new();
        let mut pages: Vec<(String, Vec<i64>)> = Vec::new();
        loop {
            let (s, h, body) = get(&uri).await;
            assert_eq!(s, StatusCode::OK, "{body}");
            assert_eq!(h["content-type"], "application/geo+json");
            assert_eq!(body["numberMatched"].as_u64(), Some(want.len() as u64));
            let page: Vec<i64> = body["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["id"].as_i64().unwrap())
                .collect();
            assert_eq!(body["numberReturned"].as_u64(), Some(page.len() as u64));
            assert!(body["timeStamp"].as_str().unwrap().ends_with('Z'));
            let link = |rel: &str| {
                body["links"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|l| l["rel"] == rel)
                    .map(|l| {
                        l["href"]
                            .as_str()
                            .unwrap()
                            .trim_start_matches("http://localhost")
                            .to_string()
                    })
            };
            assert!(link("self").is_some() && link("collection").is_some());
            assert_eq!(
                link("prev").is_some(),
                !pages.is_empty(),
                "prev on every page but the first"
            );
            if let Some(prev) = link("prev") {
                let (_, _, back) = get(&prev).await;
                let back_ids: Vec<i64> = back["features"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["id"].as_i64().unwrap())
                    .collect();
                assert_eq!(back_ids, pages.last().unwrap().1, "prev of {uri}");
            }
            ids.extend(&page);
            pages.push((uri.clone(), page));
            match link("next") {
                Some(n) => uri = n,
                None => break,
            }
        }
        assert_eq!(ids, want, "limit {limit}");
        // A count carried by a cursor of another index version is taken again.
        let (_, _, stale) = get("/collections/parcels/items?limit=5&cursor=a2.99.5").await;
        assert_eq!(stale["numberMatched"].as_u64(), Some(want.len() as u64));
        assert_eq!(pages.len(), want.len().div_ceil(limit));
    }
}

#[tokio::test]
async fn bbox_selects_what_brute_force_selects() {
    let boxes = [
        [50.0913, 26.4217, 50.0957, 26.4261],
        [50.013, 26.317, 50.291, 26.583],
        [50.10013, 26.43017, 50.10029, 26.43031],
        [10.0, 10.0, 11.0, 11.0],
    ];
    for layer in LayerKind::ALL {
        for b in boxes {
            let want = expected(layer, |f| intersects_rect(f.feature.geometry(), &rect(b)));
            let q = format!("bbox={},{},{},{}", b[0], b[1], b[2], b[3]);
            let (ids, matched) = all_ids(layer, &q).await;
            assert_eq!(ids, want, "{layer} {q}");
            assert_eq!(matched, want.len() as u64);
            // The same box latitude first in EPSG:4326, and in Web Mercator (straight parallels
            // and meridians, so the same area).
            let lat_first = format!(
                "bbox={},{},{},{}&bbox-crs={}",
                b[1],
                b[0],
                b[3],
                b[2],
                enc(SUPPORTED[1])
            );
            assert_eq!(
                all_ids(layer, &lat_first).await.0,
                want,
                "{layer} {lat_first}"
            );
            let merc = Crs::from_epsg(3857).unwrap();
            let lo = merc.from_wgs84(Coord { x: b[0], y: b[1] }).unwrap();
            let hi = merc.from_wgs84(Coord { x: b[2], y: b[3] }).unwrap();
            let m = format!(
                "bbox={},{},{},{}&bbox-crs={}",
                lo.x,
                lo.y,
                hi.x,
                hi.y,
                enc(SUPPORTED[2])
            );
            assert_eq!(all_ids(layer, &m).await.0, want, "{layer} {m}");
        }
    }
}

#[tokio::test]
async fn datetime_selects_by_lifespan() {
    use chrono::{DateTime, Utc};
    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    type Keep = Box<dyn Fn(&madinati::domain::Lifespan) -> bool>;
    let cases: [(&str, Keep); 3] = [
        (
            "2015-06-01T00:00:00Z",
            Box::new(|l| l.contains(t("2015-06-01T00:00:00Z"))),
        ),
        (
            "../2010-01-01T00:00:00Z",
            Box::new(|l| l.valid_from.is_none_or(|f| f <= t("2010-01-01T00:00:00Z"))),
        ),
        (
            "2020-01-01T00:00:00Z/..",
            Box::new(|l| l.valid_to.is_none_or(|e| e > t("2020-01-01T00:00:00Z"))),
        ),
    ];
    let (mut found, mut missing) = (0, 0);
    for (q, keep) in cases {
        let want = expected(LayerKind::Parcels, |f| keep(&f.feature.lifespan()));
        let (ids, matched) = all_ids(LayerKind::Parcels, &format!("datetime={}", enc(q))).await;
        assert_eq!(ids, want, "{q}");
        assert_eq!(matched, want.len() as u64);
        assert!(!want.is_empty(), "{q} selects some parcels");
        // One feature at the same datetime: there exactly when the list has it.
        for f in city().features[&LayerKind::Parcels]
            .iter()
            .step_by(23)
            .take(60)
        {
            let fid = f.fid.0;
            let uri = format!("/collections/parcels/items/{fid}?datetime={}", enc(q));
            let (s, _, one) = get(&uri).await;
            if want.contains(&fid) {
                assert_eq!(s, StatusCode::OK, "{uri}: {one}");
                assert_eq!(one["id"], fid);
                found += 1;
            } else {
                assert_eq!(s, StatusCode::NOT_FOUND, "{uri}: {one}");
                let d = one["description"].as_str().unwrap_or_default();
                assert!(d.contains("not in the register"), "{uri}: {d}");
                missing += 1;
            }
        }
    }
    assert!(found > 0 && missing > 0, "{found} found, {missing} missing");
}

#[tokio::test]
async fn crs_reprojects_and_says_so() {
    let c = city();
    let f = &c.features[&LayerKind::Parcels][0];
    let fid = f.fid.0;
    let ValidGeometry::Polygon(p) = f.feature.geometry() else {
        panic!("parcels are polygons")
    };
    let first = p.exterior().0[0];
    for (i, uri) in SUPPORTED.iter().enumerate() {
        for path in [
            format!("/collections/parcels/items?limit=1&crs={}", enc(uri)),
            format!("/collections/parcels/items/{fid}?crs={}", enc(uri)),
        ] {
            let (s, h, body) = get(&path).await;
            assert_eq!(s, StatusCode::OK, "{body}");
            assert_eq!(h["content-crs"], format!("<{uri}>").as_str());
            let feature = if body["type"] == "Feature" {
                body.clone()
            } else {
                body["features"][0].clone()
            };
            assert_eq!(feature["id"], fid);
            let xy = &feature["geometry"]["coordinates"][0][0];
            let (x, y) = (xy[0].as_f64().unwrap(), xy[1].as_f64().unwrap());
            let expect = match i {
                0 => first,
                1 => Coord {
                    x: first.y,
                    y: first.x,
                },
                _ => Crs::parse(uri).unwrap().from_wgs84(first).unwrap(),
            };
            assert_eq!((x, y), (expect.x, expect.y), "{uri}");
        }
    }
    let (_, h, _) = get("/collections/parcels/items?limit=1").await;
    assert_eq!(h["content-crs"], format!("<{}>", SUPPORTED[0]).as_str());
}

#[tokio::test]
async fn a_feature_by_id_is_the_one_in_the_list() {
    let (_, _, page) = get("/collections/service_points/items?limit=3").await;
    for f in page["features"].as_array().unwrap() {
        let id = f["id"].as_i64().unwrap();
        let (s, h, one) = get(&format!("/collections/service_points/items/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(h["content-type"], "application/geo+json");
        assert_eq!(one["properties"], f["properties"]);
        assert_eq!(one["geometry"], f["geometry"]);
    }
}

#[tokio::test]
async fn mistakes_are_400_or_404_saying_what_to_fix() {
    let cases = [
        ("/collections/parcels/items?colour=red", 400, "colour"),
        ("/collections/parcels/items?limit=0", 400, "limit"),
        ("/collections/parcels/items?limit=10001", 400, "10000"),
        ("/collections/parcels/items?limit=ten", 400, "limit"),
        ("/collections/parcels/items?bbox=1,2,3,4,5,6", 400, "2D"),
        ("/collections/parcels/items?bbox=1,2,3", 400, "four numbers"),
        (
            "/collections/parcels/items?bbox=3,2,1,4",
            400,
            "lower corner",
        ),
        ("/collections/parcels/items?crs=EPSG%3A20439", 400, "CRS84"),
        (
            "/collections/parcels/items?bbox-crs=EPSG%3A3857",
            400,
            "bbox",
        ),
        (
            "/collections/parcels/items?datetime=yesterday",
            400,
            "RFC 3339",
        ),
        ("/collections/parcels/items?cursor=abc", 400, "next"),
        ("/collections/parcels/items?limit=1&limit=2", 400, "once"),
        (
            "/collections/parcels/items?filter-lang=cql2-json",
            400,
            "filter",
        ),
        ("/collections/parcels/items?area_m2=big", 400, "number"),
        (
            "/collections/parcels/items/1?limit=1",
            400,
            "crs and datetime",
        ),
        (
            "/collections/parcels/items/1?datetime=yesterday",
            400,
            "RFC 3339",
        ),
        (
            "/collections/parcels/items/1?datetime=2024-02-01/2024-01-01",
            400,
            "ends before it starts",
        ),
        ("/conformance?f=json", 400, "\"f\""),
        ("/collections/lakes", 404, "parcels"),
        ("/collections/lakes/items", 404, "collections"),
        ("/collections/parcels/items/0", 404, "0"),
        ("/collections/parcels/items/x1", 404, "x1"),
    ];
    for (uri, status, needle) in cases {
        let (s, h, body) = get(uri).await;
        assert_eq!(s.as_u16(), status, "{uri}: {body}");
        assert_eq!(h["content-type"], "application/json");
        let d = body["description"].as_str().unwrap_or_default();
        assert!(d.contains(needle), "{uri}: {d}");
    }
}

#[tokio::test]
async fn owners_never_appear() {
    let c = city();
    assert!(!c.owner_ids.is_empty(), "the demo gives parcels owners");
    let (s, _, all) = get("/collections/parcels/items?limit=10000").await;
    assert_eq!(s, StatusCode::OK);
    let text = all.to_string();
    assert!(!text.contains("owner"));
    for id in &c.owner_ids {
        assert!(
            !text.contains(id.as_str()),
            "an owner's national id is shown"
        );
    }
    for name in ["owner_name", "owner_id", "owner", "national_id"] {
        for q in [
            format!("filter={}", enc(&format!("{name} = 'x'"))),
            format!("{name}=x"),
        ] {
            let (s, _, body) = get(&format!("/collections/parcels/items?{q}")).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{q}");
            assert!(
                body["description"].as_str().unwrap().contains(name),
                "{body}"
            );
        }
    }
}
