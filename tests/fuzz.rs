//! Fuzz targets: property-based generators of hostile input for every parser that sees the
//! outside (CQL2 text and JSON, GeoJSON request bodies, opening hours, search text, WKB and
//! GeoPackage blobs, URL paths and query strings through the whole router, CSV and GeoJSON
//! files through the importer, and Shapefile and FlatGeobuf files with damaged headers and
//! length fields). Each call must answer (Ok or a refusal), never panic, and no HTTP answer may
//! be a 5xx. The binary's allocator notes every allocation above 256 MiB: no input here is
//! larger than a few kilobytes, so such an allocation is a length field trusted before it was
//! checked, and the file targets fail on it.
//!
//! `FUZZ_CASES` cases per target (default 64, as `scripts/test` runs them); `scripts/fuzz`
//! runs them long and prints executions per target. Any failure proptest finds is kept in
//! `proptest-regressions/` and replayed on every run.

mod register_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use madinati::domain::LayerKind;
use madinati::domain::crs::Crs;
use madinati::index::LayerIndex;
use madinati::ogc::crs::OgcCrs;
use madinati::ogc::filter::{Filter, Lang};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Value, json};

/// The system allocator, noting the largest request above 256 MiB and refusing any above
/// 2 GiB (the process then aborts: a finding, not a machine brought to its knees).
struct Watched;

static LARGEST: AtomicUsize = AtomicUsize::new(0);
const NOTED: usize = 256 << 20;

fn note(size: usize) -> bool {
    if size > NOTED {
        LARGEST.fetch_max(size, Ordering::Relaxed);
        return size <= 2 << 30;
    }
    true
}

unsafe impl GlobalAlloc for Watched {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !note(layout.size()) {
            return std::ptr::null_mut();
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !note(layout.size()) {
            return std::ptr::null_mut();
        }
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !note(new_size) {
            return std::ptr::null_mut();
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Watched = Watched;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn config(divide: u32) -> ProptestConfig {
    ProptestConfig {
        cases: (cases() / divide).max(8),
        // Anything found is written beside this file (`fuzz.proptest-regressions`) and replayed
        // first on every later run: commit it with the fix.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
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

/// A Shapefile (with `.dbf`, `.shx`, `.prj`, `.cpg`) and a FlatGeobuf (with its spatial index)
/// of the same parcels, written once by GDAL's `ogr2ogr`: the seeds that the file target damages.
fn seed_files() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static S: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let square = |x: f64, y: f64, d: f64| {
            json!([[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]])
        };
        let features: Vec<Value> = (0..6)
            .map(|i| {
                let x = 50.1 + f64::from(i) * 0.001;
                let geometry = if i % 3 == 2 {
                    json!({"type": "MultiPolygon", "coordinates": [square(x, 26.4, 0.0004), square(x, 26.401, 0.0003)]})
                } else {
                    json!({"type": "Polygon", "coordinates": square(x, 26.4, 0.0005)})
                };
                json!({"type": "Feature", "geometry": geometry, "properties": {
                    "parcel_no": format!("{}", 100 + i), "land_use": "سكني", "area_m2": 2500.5 + f64::from(i),
                    "deed_date": format!("2024-03-{:02}", i + 1),
                }})
            })
            .collect();
        let source = dir.path().join("seed.geojson");
        std::fs::write(&source, json!({"type": "FeatureCollection", "features": features}).to_string()).unwrap();
        let ogr2ogr = if Path::new("/usr/bin/ogr2ogr").exists() { "/usr/bin/ogr2ogr" } else { "ogr2ogr" };
        let shp = dir.path().join("seed.shp");
        let fgb = dir.path().join("seed.fgb");
        for (driver, out, options) in [
            ("ESRI Shapefile", &shp, ["-lco", "ENCODING=UTF-8"]),
            ("FlatGeobuf", &fgb, ["-lco", "SPATIAL_INDEX=YES"]),
        ] {
            let status = std::process::Command::new(ogr2ogr)
                .args(["-f", driver, "-a_srs", "EPSG:4326"])
                .args(options)
                .arg(out)
                .arg(&source)
                .status()
                .expect("ogr2ogr (Debian's gdal-bin) is needed: run scripts/test, which installs it");
            assert!(status.success(), "ogr2ogr -f {driver} failed");
        }
        (dir, shp, fgb)
    })
}

/// One damage to a file: a byte set, a 32-bit value written (little or big endian), or the
/// file cut short.
#[derive(Debug, Clone)]
enum Damage {
    Byte(usize, u8),
    Le(usize, u32),
    Be(usize, u32),
    Cut(usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    let at = prop_oneof![3 => 0usize..128, 1 => 0usize..8_192];
    let word = prop_oneof![
        prop::sample::select(vec![
            0u32,
            1,
            2,
            4,
            7,
            8,
            100,
            0x7FFF,
            0xFFFF,
            0x7FFF_FFFF,
            0x8000_0000,
            0xFFFF_FFFF
        ]),
        any::<u32>(),
    ];
    prop_oneof![
        (at.clone(), any::<u8>()).prop_map(|(a, b)| Damage::Byte(a, b)),
        (at.clone(), word.clone()).prop_map(|(a, w)| Damage::Le(a, w)),
        (at.clone(), word).prop_map(|(a, w)| Damage::Be(a, w)),
        at.prop_map(Damage::Cut),
    ]
}

fn apply(bytes: &mut Vec<u8>, damages: &[Damage]) {
    for d in damages {
        let len = bytes.len().max(1);
        match *d {
            Damage::Byte(at, b) => {
                if let Some(x) = bytes.get_mut(at % len) {
                    *x = b;
                }
            }
            Damage::Le(at, w) | Damage::Be(at, w) => {
                let word = if matches!(d, Damage::Le(..)) {
                    w.to_le_bytes()
                } else {
                    w.to_be_bytes()
                };
                for (i, b) in word.into_iter().enumerate() {
                    if let Some(x) = bytes.get_mut(at % len + i) {
                        *x = b;
                    }
                }
            }
            Damage::Cut(at) => bytes.truncate(at % len),
        }
    }
}

/// The undamaged seeds import as GeoJSON would (so the damaged ones are measured against files
/// that work).
#[test]
fn the_seed_files_import_whole() {
    let (rt, _) = router();
    let (_, shp, fgb) = seed_files();
    for input in [shp.clone(), fgb.clone()] {
        let dir = tempfile::tempdir().unwrap();
        let summary = rt.block_on(async {
            let store = madinati::store::open(&dir.path().join("s.gpkg"), true)
                .await
                .unwrap();
            let opts = madinati::import::ImportOptions {
                rejects: Some(dir.path().join("rejects.geojson")),
                input: input.clone(),
                layer: LayerKind::Parcels,
                srs: None,
                mapping: Default::default(),
                mode: madinati::store::WriteMode::Append,
                format: None,
                source_layer: None,
                quiet: true,
            };
            let summary = madinati::import::import(store.as_ref(), &opts, Default::default()).await;
            store.close().await;
            summary.unwrap()
        });
        // Two of the six are MultiPolygons, which a parcel may not be: rejected with a reason.
        assert_eq!(
            (summary.read, summary.imported, summary.rejected),
            (6, 4, 2),
            "{}",
            input.display()
        );
        assert_eq!(
            summary.rejected_by_reason.get("wrong_geometry_type"),
            Some(&2)
        );
    }
}

/// What importing a damaged seed did: `which` 0 damages the `.shp`, 1 the `.dbf`, 2 the
/// FlatGeobuf. Every record read must be imported or rejected with a reason, no error may be a
/// panic, and no allocation may exceed 256 MiB. Returns the summary, or the import's error.
fn import_damaged(
    which: usize,
    damages: &[Damage],
) -> Result<Result<madinati::import::ImportSummary, String>, String> {
    let (rt, _) = router();
    let (_, shp, fgb) = seed_files();
    LARGEST.store(0, Ordering::Relaxed);
    let dir = tempfile::tempdir().unwrap();
    let input = if which == 2 {
        let out = dir.path().join("in.fgb");
        let mut bytes = std::fs::read(fgb).unwrap();
        apply(&mut bytes, damages);
        std::fs::write(&out, bytes).unwrap();
        out
    } else {
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
            let from = shp.with_extension(ext);
            let to = dir.path().join(format!("in.{ext}"));
            let mut bytes = std::fs::read(&from).unwrap();
            if (which == 0 && ext == "shp") || (which == 1 && ext == "dbf") {
                apply(&mut bytes, damages);
            }
            std::fs::write(&to, bytes).unwrap();
        }
        dir.path().join("in.shp")
    };
    let outcome = rt.block_on(async {
        let store = madinati::store::open(&dir.path().join("s.gpkg"), true)
            .await
            .unwrap();
        let opts = madinati::import::ImportOptions {
            rejects: Some(dir.path().join("rejects.geojson")),
            input,
            layer: LayerKind::Parcels,
            srs: None,
            mapping: Default::default(),
            mode: madinati::store::WriteMode::Append,
            format: None,
            source_layer: None,
            quiet: true,
        };
        let outcome = madinati::import::import(store.as_ref(), &opts, Default::default()).await;
        store.close().await;
        outcome
    });
    let largest = LARGEST.load(Ordering::Relaxed);
    if largest != 0 {
        return Err(format!(
            "an allocation of {largest} bytes from a file of a few kilobytes"
        ));
    }
    match outcome {
        Ok(summary) if summary.read != summary.imported + summary.rejected => Err(format!(
            "{} read, {} imported, {} rejected",
            summary.read, summary.imported, summary.rejected
        )),
        Ok(summary) => Ok(Ok(summary)),
        Err(e) if e.to_string().contains("panic") => Err(e.to_string()),
        Err(e) => Ok(Err(e.to_string())),
    }
}

proptest! {
    #![proptest_config(config(8))]

    #[test]
    fn shapefile_and_flatgeobuf_headers_through_the_importer(
        which in 0usize..3,
        damages in prop::collection::vec(damage(), 1..6),
    ) {
        if let Err(e) = import_damaged(which, &damages) {
            prop_assert!(false, "{}", e);
        }
    }
}

/// The faults this target found, kept as cases: each damage is noticed (the import refuses
/// the file, or rejects records with a reason) without a panic or a huge allocation.
#[test]
fn the_faults_found_in_shapefiles_and_flatgeobuf_stay_fixed() {
    let noticed =
        |which: usize, damages: &[Damage], what: &str| match import_damaged(which, damages) {
            Err(e) => panic!("{what}: {e}"),
            Ok(Ok(s)) => assert!(
                s.imported < 4 || s.rejected > 2,
                "{what}: the damage went unnoticed ({} read, {} imported, {} rejected)",
                s.read,
                s.imported,
                s.rejected
            ),
            Ok(Err(_)) => {}
        };
    // A .shp record header declaring more content than the file holds (offset 104: the first
    // record's content length, big-endian 16-bit words).
    noticed(0, &[Damage::Be(104, 0x7FFF_FFFF)], "record content length");
    // A polygon's part count, point count and first part start (offsets 144, 148, 152 of the
    // first record) beyond the record.
    for (at, what) in [
        (144, "part count"),
        (148, "point count"),
        (152, "part start"),
    ] {
        noticed(0, &[Damage::Le(at, 0x7FFF_FFFF)], what);
        noticed(0, &[Damage::Le(at, 0xFFFF_FFFF)], what);
    }
    // A FlatGeobuf feature's length prefix (after the magic, the header's size and the header,
    // and the index of 6 features: 7 nodes of 40 bytes) made huge.
    let (_, _, fgb) = seed_files();
    let bytes = std::fs::read(fgb).unwrap();
    let header = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
    let first = 12 + header + 7 * 40;
    let len = u32::from_le_bytes([
        bytes[first],
        bytes[first + 1],
        bytes[first + 2],
        bytes[first + 3],
    ]) as usize;
    assert!(
        len > 8 && first + 4 + len <= bytes.len(),
        "offset {first} is not the first feature's length ({len})"
    );
    noticed(
        2,
        &[Damage::Le(first, 0xFFFF_FFF0)],
        "FlatGeobuf feature length",
    );
    noticed(
        2,
        &[Damage::Le(first, 0x7FFF_FFFF)],
        "FlatGeobuf feature length",
    );
    // The header's declared size beyond the file.
    noticed(2, &[Damage::Le(8, 0x7FFF_FFFF)], "FlatGeobuf header size");
}
