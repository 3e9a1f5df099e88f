//! Fuzz targets: property-based generators of hostile input for every parser that sees the
//! outside (CQL2 text and JSON, GeoJSON request bodies, opening hours, search text, WKB and
//! GeoPackage blobs, URL paths and query strings through the whole router, CSV and GeoJSON
//! files through the importer). Each call must answer (Ok or a refusal), never panic, and no
//! HTTP answer may be a 5xx.
//!
//! `FUZZ_CASES` cases per target (default 64, as `scripts/test` runs them); `scripts/fuzz`
//! runs them long and prints executions per target. Any failure proptest finds is kept in
//! `proptest-regressions/` and replayed on every run.

mod register_support;

use std::sync::OnceLock;

use madinati::domain::LayerKind;
use madinati::domain::crs::Crs;
use madinati::index::LayerIndex;
use madinati::ogc::crs::OgcCrs;
use madinati::ogc::filter::{Filter, Lang};
use proptest::prelude::*;
use serde_json::{Value, json};

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn config(divide: u32) -> ProptestConfig {
    ProptestConfig {
        cases: (cases() / divide).max(8),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const CQL_TOKENS: &[&str] = &[
    "(",
    ")",
    "(",
    ")",
    "AND",
    "OR",
    "NOT",
    "area_m2",
    "parcel_no",
    "land_use",
    "valid_from",
    "=",
    "<>",
    "<",
    ">=",
    "'x'",
    "'%a_'",
    "1",
    "-",
    "+",
    "2.5e3",
    "IN",
    "LIKE",
    "BETWEEN",
    ",",
    "S_INTERSECTS",
    "S_WITHIN",
    "POINT(50.1 26.4)",
    "POLYGON((0 0,1 0,1 1,0 0))",
    "BBOX(50,26,51,27)",
    "IS",
    "NULL",
    "'",
    "\"",
    "%",
    "CASEI",
    "TIMESTAMP('2024-01-01T00:00:00Z')",
    "DATE('2024-01-01')",
    "true",
    "geometry",
    "[",
    "]",
];

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-1.0e7f64..1.0e7).prop_map(|f| json!(f)),
        any::<i64>().prop_map(|i| json!(i)),
        "[a-zA-Z0-9_ %'\\-]{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "op",
            "args",
            "property",
            "and",
            "or",
            "not",
            "=",
            "<",
            "like",
            "in",
            "between",
            "s_intersects",
            "isNull",
            "bbox",
            "Feature",
            "FeatureCollection",
            "Polygon",
            "MultiPolygon",
            "Point",
            "parcel_no",
        ])
        .prop_map(|s| json!(s)),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "op",
        "args",
        "property",
        "type",
        "features",
        "geometry",
        "properties",
        "coordinates",
        "parcel_no",
        "land_use",
        "bbox",
        "interval",
        "timestamp",
        "date",
        "x",
    ]);
    json_leaf().prop_recursive(10, 200, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|kv| Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

/// A value nested `depth` levels deep (arrays or objects), beyond any generator's reach.
fn deep(depth: usize, objects: bool) -> String {
    if objects {
        format!(
            "{}1{}",
            "{\"op\":\"not\",\"args\":[".repeat(depth),
            "]}".repeat(depth)
        )
    } else {
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
    }
}

fn empty_parcels() -> &'static LayerIndex {
    static L: OnceLock<LayerIndex> = OnceLock::new();
    L.get_or_init(|| LayerIndex::build(LayerKind::Parcels, Vec::new()))
}

proptest! {
    #![proptest_config(config(1))]

    #[test]
    fn cql2_text(tokens in prop::collection::vec(prop::sample::select(CQL_TOKENS), 0..120), noise in ".{0,80}") {
        let crs = OgcCrs::crs84();
        let _ = Filter::parse(empty_parcels(), &tokens.join(" "), Lang::Cql2Text, &crs);
        let _ = Filter::parse(empty_parcels(), &noise, Lang::Cql2Text, &crs);
        let _ = Filter::parse(empty_parcels(), &format!("{}{}", tokens.concat(), noise), Lang::Cql2Text, &crs);
    }

    #[test]
    fn cql2_json(v in json_value(), depth in 0usize..3_000, objects in any::<bool>()) {
        let crs = OgcCrs::crs84();
        let _ = Filter::parse(empty_parcels(), &v.to_string(), Lang::Cql2Json, &crs);
        let _ = Filter::parse(empty_parcels(), &deep(depth, objects), Lang::Cql2Json, &crs);
    }

    #[test]
    fn geojson_request_bodies(v in json_value(), n in 0usize..5, ring in prop::collection::vec((-200.0f64..200.0, -100.0f64..100.0), 0..40)) {
        let crs = Crs::wgs84();
        let _ = madinati::domain::checks::proposal::parse_proposal(&v, &crs);
        let coords: Vec<Value> = ring.iter().map(|(x, y)| json!([x, y])).collect();
        let f = json!({"type": "Feature", "properties": {"parcel_no": "1"}, "geometry": {"type": "Polygon", "coordinates": [coords]}});
        let fc = json!({"type": "FeatureCollection", "features": vec![f; n]});
        let _ = madinati::domain::checks::proposal::parse_proposal(&fc, &crs);
        if let Ok(utm) = Crs::parse("EPSG:32639") {
            let _ = madinati::domain::checks::proposal::parse_proposal(&fc, &utm);
        }
        let _ = madinati::domain::geojson::geometry_from_json(&v);
    }

    #[test]
    fn opening_hours(tokens in prop::collection::vec(prop::sample::select(vec![
        "Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "PH", "-", ",", ";", ":", " ", "08:00", "24:00", "25:61", "off", "24/7",
        "sunrise", "+", "[1]", "week", "Jan", "||", "\"", "0", "99999999999",
    ]), 0..40), noise in ".{0,60}") {
        let _ = madinati::domain::opening_hours::OpeningHours::parse(&tokens.concat());
        let _ = madinati::domain::opening_hours::OpeningHours::parse(&noise);
    }

    #[test]
    fn search_text(q in ".{0,120}", arabic in "[\u{0600}-\u{06FF}\u{0660}-\u{0669} ]{0,60}") {
        for s in [&q, &arabic] {
            let _ = madinati::search::normalize::fold(s);
            let _ = madinati::search::normalize::words(s);
            let _ = madinati::search::normalize::terms(s);
            let _ = madinati::search::reference::parse(s);
            let _ = madinati::search::reference::key(s);
        }
    }

    #[test]
    fn wkb_and_geopackage_blobs(bytes in prop::collection::vec(any::<u8>(), 0..400), head in prop::sample::select(vec![0u8, 1, 2, 3, 5, 6, 7, 0x80])) {
        let _ = madinati::domain::wkb::read(&bytes);
        let mut blob = b"GP\\0".to_vec();
        blob.push(head);
        blob.extend_from_slice(&bytes);
        let _ = madinati::store::sqlite::gpkg_blob::decode(&blob);
        let _ = madinati::store::sqlite::gpkg_blob::envelope(&blob);
        let mut wkb = vec![1u8];
        wkb.extend_from_slice(&bytes);
        let _ = madinati::domain::wkb::read(&wkb);
    }
}

/// The small demo city's router, built once on its own runtime.
fn router() -> &'static (tokio::runtime::Runtime, axum::Router) {
    static R: OnceLock<(tokio::runtime::Runtime, axum::Router)> = OnceLock::new();
    R.get_or_init(|| {
        std::thread::spawn(|| {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let app = rt.block_on(async {
                let city = register_support::city().await;
                let app = city.app.clone();
                std::mem::forget(city.dir);
                app
            });
            (rt, app)
        })
        .join()
        .unwrap()
    })
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

proptest! {
    #![proptest_config(config(2))]

    #[test]
    fn tile_paths_and_query_strings(
        template in 0usize..10,
        a in prop_oneof![".{0,12}", "-?[0-9]{1,12}", prop::sample::select(vec!["parcels", "streets,parcels", "districts", "x", "", "..", "0"]).prop_map(String::from)],
        b in prop_oneof![".{0,12}", "-?[0-9]{1,12}"],
        c in prop_oneof![".{0,12}", "-?[0-9]{1,12}"],
        d in prop_oneof![".{0,12}", "-?[0-9]{1,12}"],
        params in prop::collection::vec((prop::sample::select(vec![
            "filter", "filter-lang", "bbox", "bbox-crs", "limit", "datetime", "crs", "cursor", "lang", "q", "near",
            "lon", "lat", "category", "radius", "open_now", "at", "f", "parcel_no", "x",
        ]), prop_oneof![".{0,40}", "-?[0-9.]{1,20}", prop::sample::select(CQL_TOKENS).prop_map(String::from)]), 0..6),
    ) {
        let path = match template {
            0 => format!("/tiles/{}/{}/{}/{}.mvt", enc(&a), enc(&b), enc(&c), enc(&d)),
            1 => format!("/collections/{}/items", enc(&a)),
            2 => format!("/collections/parcels/items/{}", enc(&b)),
            3 => "/api/nearby".to_string(),
            4 => "/api/search".to_string(),
            5 => "/api/identify".to_string(),
            6 => format!("/api/parcels/{}/lineage", enc(&b)),
            7 => format!("/collections/{}/tiles/WebMercatorQuad/{}/{}/{}", enc(&a), enc(&b), enc(&c), enc(&d)),
            8 => "/collections/parcels/items".to_string(),
            _ => format!("/tiles/{}.json", enc(&a)),
        };
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect();
        let uri = format!("{path}?{}", query.join("&"));
        let (rt, app) = router();
        if let Ok(req) = axum::http::Request::get(&uri).body(axum::body::Body::empty()) {
            let status = rt.block_on(async { tower::ServiceExt::oneshot(app.clone(), req).await.unwrap().status() });
            prop_assert!(status.as_u16() < 500, "{uri}: {status}");
        }
    }
}

proptest! {
    #![proptest_config(config(8))]

    #[test]
    fn csv_and_geojson_files_through_the_importer(
        csv in prop::collection::vec(prop_oneof![".{0,30}", "[0-9.,\";\\n\\r-]{0,30}"], 0..20),
        geo in json_value(),
        header in prop::sample::select(vec!["parcel_no,lon,lat,wkt", "id;name;x;y", "WKT,parcel_no", "", "\u{feff}parcel_no,geometry"]),
    ) {
        let (rt, _) = router();
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("in.csv");
        std::fs::write(&csv_path, format!("{header}\n{}", csv.join("\n"))).unwrap();
        let geo_path = dir.path().join("in.geojson");
        std::fs::write(&geo_path, geo.to_string()).unwrap();
        rt.block_on(async {
            let store = madinati::store::open(&dir.path().join("s.gpkg"), true).await.unwrap();
            for (input, layer) in [(csv_path, LayerKind::Parcels), (geo_path, LayerKind::ServicePoints)] {
                let opts = madinati::import::ImportOptions {
                    rejects: Some(dir.path().join("rejects.geojson")),
                    input,
                    layer,
                    srs: None,
                    mapping: Default::default(),
                    mode: madinati::store::WriteMode::Append,
                    format: None,
                    source_layer: None,
                    quiet: true,
                };
                let _ = madinati::import::import(store.as_ref(), &opts, Default::default()).await;
            }
            store.close().await;
        });
    }
}
