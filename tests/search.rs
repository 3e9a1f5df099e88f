//! `GET /api/search` in-process, on the small demo city plus a few hand-imported features:
//! Arabic spelling variants (ة/ه, tatweel, tashkeel, hamza forms, the article), English prefixes,
//! plan numbers and parcel references in Arabic-Indic digits, `near` ordering among equal
//! matches, the response's shape, and 400s that name the parameter to fix.

mod common;

use std::path::Path;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use common::*;
use madinati::demo::{self, DemoSize};
use madinati::domain::LayerKind;
use madinati::domain::attributes::Attributes;
use madinati::http::{AppState, router};
use madinati::store::{AsOf, SqliteStore, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

/// Hand-made service points: (id, Arabic, English, category, lon, lat).
#[rustfmt::skip]
const POINTS: &[(&str, &str, &str, &str, f64, f64)] = &[
    ("t-nahdi", "صيدلية النهدي", "Al-Nahdi Pharmacy", "pharmacy", 50.0005, 26.3005),
    ("t-amal-west", "مستشفى الأمل", "Al Amal Hospital", "hospital", 50.0000, 26.3000),
    ("t-amal-east", "مستشفى الأمل", "Al Amal Hospital", "hospital", 50.0200, 26.3000),
    ("t-dammam", "مستشفى الدمام المركزي", "Dammam Central Hospital", "hospital", 50.01, 26.31),
];

fn square(lon: f64, lat: f64, half: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[
        [lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
        [lon - half, lat + half], [lon - half, lat - half]
    ]]})
}

async fn import_json(store: &SqliteStore, dir: &Path, layer: LayerKind, features: Vec<Value>) {
    let path = dir.join(format!("{}.geojson", layer.id()));
    let fc = json!({"type": "FeatureCollection", "features": features});
    std::fs::write(&path, fc.to_string()).unwrap();
    let summary = import(store, &options(dir, layer, path, &[])).await;
    assert_eq!(summary.rejected, 0, "{summary:?}");
}

/// The small demo city, then plan 123 with parcel 17 of block 4, and the points above.
async fn app(dir: &Path) -> (axum::Router, SqliteStore) {
    let store = fresh_store(dir).await;
    demo::build(&store, DemoSize::Small, 1, &mut |_, _, _| {})
        .await
        .unwrap();
    let points = POINTS
        .iter()
        .map(|(id, ar, en, cat, x, y)| {
            json!({"type": "Feature", "id": id,
                "properties": {"name_ar": ar, "name_en": en, "category": cat},
                "geometry": {"type": "Point", "coordinates": [x, y]}})
        })
        .collect();
    import_json(&store, dir, LayerKind::ServicePoints, points).await;
    let plan = json!({"type": "Feature", "id": "t-plan-123",
        "properties": {"plan_no": "123", "name": "مخطط الاختبار"},
        "geometry": square(50.0, 26.3, 0.002)});
    import_json(&store, dir, LayerKind::Plans, vec![plan]).await;
    let parcels = [("t-parcel-17", "17"), ("t-parcel-18", "18")]
        .iter()
        .enumerate()
        .map(|(i, (id, no))| {
            json!({"type": "Feature", "id": id,
                "properties": {"plan_no": "123", "block_no": "4", "parcel_no": no},
                "geometry": square(50.0 + 0.0003 * i as f64, 26.3, 0.0001)})
        })
        .collect();
    import_json(&store, dir, LayerKind::Parcels, parcels).await;
    let state = AppState::load(Arc::new(store.clone()), Default::default())
        .await
        .unwrap();
    (router(state), store)
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), 16 << 20).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

/// The features of a successful search.
async fn search(app: &axum::Router, query: &str) -> Vec<Value> {
    let (status, body) = get(app, &format!("/api/search?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    assert_eq!(body["type"], "FeatureCollection");
    body["features"].as_array().unwrap().clone()
}

/// `q=<text>`, percent-encoded.
fn q(text: &str) -> String {
    let encoded: String = text
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("q={encoded}")
}

fn source_ids(features: &[Value]) -> Vec<&str> {
    features
        .iter()
        .map(|f| f["properties"]["source_id"].as_str().unwrap_or(""))
        .collect()
}

fn arabic_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x0660 + d).unwrap(),
            None => c,
        })
        .collect()
}

#[tokio::test]
async fn arabic_spelling_variants_find_the_same_names() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _store) = app(dir.path()).await;
    // ة typed as ه, tatweel, tashkeel, and a prefix while typing.
    for text in [
        "صيدليه النهدي",
        "صيـــدلية النهدي",
        "صَيْدَلِيَّة النَّهْدِي",
        "الصيدلية نهدي",
    ] {
        let f = search(&app, &q(text)).await;
        assert!(
            source_ids(&f).contains(&"t-nahdi"),
            "{text}: {:?}",
            source_ids(&f)
        );
        assert_eq!(f[0]["properties"]["name"], "صيدلية النهدي", "{text}");
    }
    let f = search(&app, &format!("{}&limit=100", q("صيدليه"))).await;
    assert!(
        f.iter()
            .any(|f| f["properties"]["name_ar"] == "صيدلية النهدي")
    );
    assert!(f.iter().all(|f| f["properties"]["category"] == "pharmacy"));
    let f = search(&app, &q("صيدل")).await;
    assert!(!f.is_empty() && f.iter().all(|f| f["properties"]["score"] == 0.6));
    // Shadda on the article's word; the article optional both ways.
    for text in ["الدّمّام", "الدمام", "دمام"] {
        let f = search(&app, &format!("{}&limit=100", q(text))).await;
        assert!(
            source_ids(&f).contains(&"t-dammam"),
            "{text}: {:?}",
            source_ids(&f)
        );
    }
    // Hamza forms and alef maqsura: both spellings find both hospitals, exactly.
    for text in ["مستشفى الأمل", "مستشفي الامل", "مستشفى إلامل"] {
        let f = search(&app, &q(text)).await;
        let ids = source_ids(&f);
        assert_eq!(ids[..2], ["t-amal-west", "t-amal-east"], "{text}");
        assert_eq!(f[0]["properties"]["score"], 1.0);
        assert_eq!(f[0]["properties"]["match"], "name_ar");
    }
}

#[tokio::test]
async fn english_prefixes_and_the_language_of_names() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _store) = app(dir.path()).await;
    let f = search(&app, "q=nahdi%20pharm&lang=en&limit=100").await;
    assert!(source_ids(&f).contains(&"t-nahdi"));
    let nahdi = f
        .iter()
        .find(|f| f["properties"]["source_id"] == "t-nahdi")
        .unwrap();
    assert_eq!(nahdi["properties"]["name"], "Al-Nahdi Pharmacy");
    assert_eq!(nahdi["properties"]["match"], "name_en");
    assert!(
        f.iter()
            .all(|f| f["properties"]["layer"] == "service_points")
    );
    let f = search(&app, "q=NAHDI%20Pharmacy").await;
    assert_eq!(
        f[0]["properties"]["name"], "صيدلية النهدي",
        "Arabic name first by default"
    );
}

#[tokio::test]
async fn plan_numbers_and_parcel_references() {
    let dir = tempfile::tempdir().unwrap();
    let (app, store) = app(dir.path()).await;
    let f = search(&app, &q("١٢٣")).await;
    assert_eq!(f[0]["properties"]["source_id"], "t-plan-123");
    assert_eq!(
        (
            f[0]["properties"]["layer"].as_str(),
            f[0]["properties"]["match"].as_str()
        ),
        (Some("plans"), Some("plan_no"))
    );
    assert_eq!(f[0]["geometry"]["type"], "MultiPolygon");
    assert_eq!(f[0]["bbox"].as_array().map(Vec::len), Some(4));
    for text in [
        "مخطط ١٢٣ بلك ٤ قطعة ١٧",
        "مخطط رقم ١٢٣ بلوك ٤ قطعه رقم ١٧",
        "plan 123 block 4 parcel 17",
        "123/4/17",
    ] {
        let f = search(&app, &q(text)).await;
        assert_eq!(f[0]["properties"]["source_id"], "t-parcel-17", "{text}");
        assert_eq!(f[0]["properties"]["match"], "parcel_ref");
        assert_eq!(f[0]["properties"]["name"], "قطعة 17 بلك 4 مخطط 123");
        assert_eq!(f[0]["geometry"]["type"], "Polygon");
        assert!(f[0]["properties"].get("owner_name").is_none());
        assert!(!source_ids(&f).contains(&"t-parcel-18"), "{text}");
    }
    // A parcel of the generated city, by its numbers in Arabic-Indic digits.
    let parcels = store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    let (fid, plan, block, no) = parcels
        .iter()
        .find_map(|p| match p.feature.attributes() {
            Attributes::Parcel(a)
                if a.plan_no.as_ref().is_some_and(|n| n.as_str().contains('/')) =>
            {
                Some((
                    p.fid.0,
                    a.plan_no.as_ref()?.to_string(),
                    a.block_no.as_ref()?.to_string(),
                    a.parcel_no.to_string(),
                ))
            }
            _ => None,
        })
        .expect("the demo has plans numbered like 2/5");
    let text = arabic_digits(&format!("مخطط {plan} بلك {block} قطعة {no}"));
    let f = search(&app, &q(&text)).await;
    assert_eq!(f[0]["id"], fid, "{text}");
    let f = search(
        &app,
        &format!("{}&lang=en", q(&format!("{plan}/{block}/{no}"))),
    )
    .await;
    assert_eq!(f[0]["id"], fid);
    assert_eq!(
        f[0]["properties"]["name"],
        format!("Parcel {no}, block {block}, plan {plan}")
    );
    let f = search(&app, &q(&format!("مخطط {plan}"))).await;
    assert_eq!(f[0]["properties"]["plan_no"], plan.as_str());
}

#[tokio::test]
async fn near_orders_equal_matches_and_reports_distances() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _store) = app(dir.path()).await;
    let amal = q("مستشفي الامل");
    let f = search(&app, &format!("{amal}&near=50.019,26.3")).await;
    assert_eq!(source_ids(&f)[..2], ["t-amal-east", "t-amal-west"]);
    let d0 = f[0]["properties"]["distance_m"].as_f64().unwrap();
    let d1 = f[1]["properties"]["distance_m"].as_f64().unwrap();
    assert!(
        (90.0..110.0).contains(&d0) && (1890.0..1920.0).contains(&d1),
        "{d0} {d1}"
    );
    let f = search(&app, &format!("{amal}&near=50.001,26.3")).await;
    assert_eq!(source_ids(&f)[..2], ["t-amal-west", "t-amal-east"]);
    // Among the many pharmacies, nearest first; better matches stay ahead of nearer ones.
    let f = search(&app, &format!("{}&near=50.1,26.43&limit=50", q("صيدلية"))).await;
    let d: Vec<f64> = f
        .iter()
        .filter(|f| f["properties"]["score"] == 0.8)
        .map(|f| f["properties"]["distance_m"].as_f64().unwrap())
        .collect();
    assert!(d.len() > 10 && d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    let f = search(&app, &q("مستشفى الأمل")).await;
    assert!(
        f[0]["properties"].get("distance_m").is_none(),
        "no distance without near"
    );
}

#[tokio::test]
async fn limits_and_the_shape_of_results() {
    let dir = tempfile::tempdir().unwrap();
    let (app, store) = app(dir.path()).await;
    let (_, body) = get(&app, &format!("/api/search?{}", q("صيدلية"))).await;
    assert_eq!(body["numberReturned"], 10);
    assert!(body["numberMatched"].as_u64().unwrap() > 10);
    let f = search(&app, &format!("{}&limit=100", q("مسجد"))).await;
    assert!(f.len() > 10 && f.len() <= 100);
    let scores: Vec<f64> = f
        .iter()
        .map(|f| f["properties"]["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let props = f[0]["properties"].as_object().unwrap();
    let keys: Vec<&str> = props.keys().map(String::as_str).take(5).collect();
    assert_eq!(keys, ["name", "layer", "match", "score", "source_id"]);
    assert_eq!(f[0]["geometry"]["type"], "Point");
    assert!(f[0].get("bbox").is_none());
    let districts = store
        .features(LayerKind::Districts, AsOf::Current)
        .await
        .unwrap();
    let Attributes::District(d) = districts[0].feature.attributes() else {
        panic!()
    };
    let (ar, en) = (d.name_ar.clone().unwrap(), d.name_en.clone().unwrap());
    let f = search(&app, &format!("{}&lang=en", q(&ar))).await;
    assert_eq!(f[0]["id"], districts[0].fid.0);
    assert_eq!(f[0]["properties"]["layer"], "districts");
    assert_eq!(f[0]["properties"]["score"], 1.0);
    assert_eq!(f[0]["properties"]["name"], en.as_str());
    assert_eq!(f[0]["geometry"]["type"], "MultiPolygon");
    assert_eq!(f[0]["bbox"].as_array().map(Vec::len), Some(4));
    assert!(search(&app, &q("كلمةليستفيالمدينة")).await.is_empty());
}

#[tokio::test]
async fn bad_parameters_are_400_naming_the_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _store) = app(dir.path()).await;
    let long = q(&"ص".repeat(201));
    #[rustfmt::skip]
    let cases: &[(&str, &str)] = &[
        ("", "q is required"), ("q=", "q is empty"), ("q=%20%20", "q is empty"),
        (&long, "q is too long"), ("q=%D8%9F%D8%9F%20!!", "no letters or digits"),
        ("q=x&limit=0", "limit must be"), ("q=x&limit=101", "limit must be"),
        ("q=x&limit=ten", "limit must be"), ("q=x&near=abc", "near must be lon,lat"),
        ("q=x&near=50.1", "near must be lon,lat"), ("q=x&near=50.1,26.4,3", "near must be lon,lat"),
        ("q=x&near=200,26.4", "longitude"), ("q=x&near=50,95", "latitude"),
        ("q=x&lang=fr", "lang must be ar or en"), ("q=x&q=y", "q is given more than once"),
        ("q=x&bbox=1,2,3,4", "unknown parameter"),
    ];
    for (query, says) in cases {
        let (status, body) = get(&app, &format!("/api/search?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["code"], "InvalidParameterValue");
        let d = body["description"].as_str().unwrap();
        assert!(d.contains(says), "{query}: {d}");
    }
    let longest = format!("/api/search?{}", q(&"ص".repeat(200)));
    for ok in ["/api/search?q=x&limit=100&lang=EN", longest.as_str()] {
        assert_eq!(get(&app, ok).await.0, StatusCode::OK, "{ok}");
    }
}
