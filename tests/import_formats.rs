//! The importer on real files made by GDAL: a small GeoJSON of districts (Arabic names, a hole,
//! a multipolygon) and service points is converted by `ogr2ogr` to Shapefile (UTF-8, and in
//! UTM zone 39N), GeoPackage and CSV (WKT, and lon/lat written by hand), and with the `gdal`
//! feature to KML and DXF. Each is imported into a fresh store and read back: the counts, the
//! Arabic names byte for byte, and the coordinates (1e-9° as written, 1e-7° from UTM) must match.
//!
//! `ogr2ogr` (Debian package `gdal-bin`) is required: without it the tests fail, never skip.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use madinati::domain::attributes::Attributes;
use madinati::domain::category::CategoryRegistry;
use madinati::domain::{Feature, LayerKind, RawGeometry};
use madinati::import::{ImportOptions, ImportSummary, import};
use madinati::store::{AsOf, SqliteStore, Store, StoredFeature, WriteMode};
use serde_json::json;
use tempfile::TempDir;

type Polygon = Vec<Vec<(f64, f64)>>;

fn square(x: f64, y: f64, s: f64) -> Vec<(f64, f64)> {
    vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)]
}

/// Districts: id, Arabic name, English name, polygons (rings closed, outer counter-clockwise).
#[rustfmt::skip]
fn districts() -> Vec<(&'static str, &'static str, &'static str, Vec<Polygon>)> {
    vec![
        ("D1", "حي الشاطئ", "Ash Shati", vec![vec![
            vec![(50.1000000001, 26.4000000002), (50.1234567891, 26.4000000003),
                 (50.1234567892, 26.4321234567), (50.1000000004, 26.4321234568),
                 (50.1000000001, 26.4000000002)],
            // A hole, clockwise.
            vec![(50.1100000001, 26.4100000001), (50.1100000002, 26.4200000001),
                 (50.1200000003, 26.4200000002), (50.1200000004, 26.4100000003),
                 (50.1100000001, 26.4100000001)],
        ]]),
        ("D2", "حيّ الفَيصليّة", "Al Faisaliyah",
            vec![vec![square(50.2, 26.3, 0.05)], vec![square(50.3, 26.3, 0.01)]]),
        ("D3", "النخيل ١٢", "An Nakheel 12",
            vec![vec![square(49.98765432101, 26.1234567891, 0.0123456789)]]),
    ]
}

/// Service points: id, Arabic name, category, lon, lat.
#[rustfmt::skip]
const POINTS: &[(&str, &str, &str, f64, f64)] = &[
    ("P1", "صيدلية النهدي", "صيدلية", 50.1034567891, 26.4123456789),
    ("P2", "جامع الإمام تركي", "mosque", 50.2098765432, 26.3109876543),
    ("P3", "بقالة الحي", "grocery", 49.9912345678, 26.1298765432),
];

const SHP_UTF8: &[&str] = &["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8"];

fn ogr2ogr_program() -> PathBuf {
    let fixed = Path::new("/usr/bin/ogr2ogr");
    if fixed.is_file() {
        return fixed.to_path_buf();
    }
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("ogr2ogr"))
            .find(|c| c.is_file())
    });
    on_path.unwrap_or_else(|| {
        panic!(
            "ogr2ogr (GDAL's command-line tools) is not installed, so the readers cannot be \
             checked on files GDAL writes. Install it with `apt-get install -y gdal-bin`; \
             this test is not skipped on purpose."
        )
    })
}

/// A temporary directory with the source GeoJSON files.
struct Sources {
    dir: TempDir,
    districts: PathBuf,
    points: PathBuf,
}

impl Sources {
    fn new() -> Sources {
        let dir = tempfile::tempdir().unwrap();
        let features: Vec<_> = districts()
            .into_iter()
            .map(|(id, ar, en, polys)| {
                let geometry = if polys.len() == 1 {
                    json!({"type": "Polygon", "coordinates": polys[0]})
                } else {
                    json!({"type": "MultiPolygon", "coordinates": polys})
                };
                let properties = json!({"id": id, "name_ar": ar, "name_en": en, "Layer": en});
                json!({"type": "Feature", "properties": properties, "geometry": geometry})
            })
            .collect();
        let districts = dir.path().join("districts.geojson");
        let collection = json!({"type": "FeatureCollection", "features": features});
        std::fs::write(&districts, collection.to_string()).unwrap();
        let features: Vec<_> = POINTS
            .iter()
            .map(|(id, name, cat, x, y)| {
                let properties = json!({"id": id, "name_ar": name, "category": cat});
                let geometry = json!({"type": "Point", "coordinates": [x, y]});
                json!({"type": "Feature", "properties": properties, "geometry": geometry})
            })
            .collect();
        let points = dir.path().join("points.geojson");
        let collection = json!({"type": "FeatureCollection", "features": features});
        std::fs::write(&points, collection.to_string()).unwrap();
        Sources {
            dir,
            districts,
            points,
        }
    }

    /// Runs `ogr2ogr <args> <dir>/<name> <src>` and returns the output path.
    fn convert(&self, src: &Path, name: &str, args: &[&str]) -> PathBuf {
        let out = self.dir.path().join(name);
        let program = ogr2ogr_program();
        let result = Command::new(&program)
            .args(args)
            .arg(&out)
            .arg(src)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            result.status.success(),
            "ogr2ogr {args:?} {name} failed: {stderr}"
        );
        out
    }

    /// Imports `input` into a fresh store and reads the layer back.
    async fn import(
        &self,
        input: &Path,
        layer: LayerKind,
        source_layer: Option<&str>,
        mapping: &[(&str, &str)],
    ) -> (ImportSummary, Vec<StoredFeature>) {
        let store_dir = tempfile::tempdir_in(self.dir.path()).unwrap();
        let store = SqliteStore::open(&store_dir.path().join("city.gpkg"), true)
            .await
            .unwrap();
        let mut opts = options(input, layer, &store_dir.path().join("rejects.geojson"));
        opts.source_layer = source_layer.map(str::to_string);
        opts.mapping = mapping
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let summary = import(&store, &opts, Arc::new(CategoryRegistry::default()))
            .await
            .unwrap_or_else(|e| panic!("import of {} failed: {e}", input.display()));
        let features = store.features(layer, AsOf::Current).await.unwrap();
        (summary, features)
    }
}

fn options(input: &Path, layer: LayerKind, rejects: &Path) -> ImportOptions {
    ImportOptions {
        input: input.to_path_buf(),
        layer,
        srs: None,
        mapping: HashMap::new(),
        mode: WriteMode::Append,
        format: None,
        source_layer: None,
        rejects: Some(rejects.to_path_buf()),
        quiet: true,
    }
}

fn close(a: (f64, f64), b: geo::Coord, tol: f64) -> bool {
    (a.0 - b.x).abs() <= tol && (a.1 - b.y).abs() <= tol
}

/// Same closed ring up to start vertex and direction, every vertex within `tol`.
fn ring_matches(expected: &[(f64, f64)], got: &[geo::Coord], tol: f64) -> bool {
    let (e, g) = (
        &expected[..expected.len() - 1],
        &got[..got.len().saturating_sub(1)],
    );
    let n = e.len();
    g.len() == n
        && (0..n).any(|k| {
            (0..n).all(|j| close(e[(k + j) % n], g[j], tol))
                || (0..n).all(|j| close(e[(k + n - j) % n], g[j], tol))
        })
}

fn assert_polygons(id: &str, expected: &[Polygon], got: &RawGeometry, tol: f64) {
    let RawGeometry::MultiPolygon(polys) = got else {
        panic!("{id}: stored as {got:?}")
    };
    assert_eq!(polys.len(), expected.len(), "{id}: number of polygons");
    for (e, g) in expected.iter().zip(polys) {
        assert_eq!(g.len(), e.len(), "{id}: number of rings");
        for (er, gr) in e.iter().zip(g) {
            let ok = ring_matches(er, gr, tol);
            assert!(
                ok,
                "{id}: ring {er:?} came back as {gr:?} (tolerance {tol})"
            );
        }
    }
}

fn assert_counts(summary: &ImportSummary, imported: usize, rejected: u64) {
    assert_eq!(
        (summary.imported, summary.rejected),
        (imported as u64, rejected),
        "{summary}"
    );
}

fn find<'a>(features: &'a [StoredFeature], id: &str) -> &'a Feature {
    let found = features
        .iter()
        .find(|s| s.feature.source_id().map(|s| s.as_str()) == Some(id));
    &found
        .unwrap_or_else(|| panic!("feature {id} is missing"))
        .feature
}

/// Every district came back with its id, Arabic name and geometry.
fn assert_districts(summary: &ImportSummary, features: &[StoredFeature], tol: f64) {
    let expected = districts();
    assert_counts(summary, expected.len(), 0);
    assert_eq!(features.len(), expected.len());
    for (id, ar, en, polys) in &expected {
        let f = find(features, id);
        let Attributes::District(d) = f.attributes() else {
            panic!("{id}: not a district")
        };
        let name = d.name_ar.as_deref().map(str::as_bytes);
        assert_eq!(name, Some(ar.as_bytes()), "{id}: Arabic name");
        assert_eq!(d.name_en.as_deref(), Some(*en));
        assert_polygons(id, polys, &f.geometry().to_raw(), tol);
        // Whatever winding the format uses (shapefiles and Esri wind outer rings clockwise),
        // the geodesic area is that of the original.
        let raw = RawGeometry::MultiPolygon(
            polys
                .iter()
                .map(|p| {
                    p.iter()
                        .map(|r| r.iter().map(|&(x, y)| geo::Coord { x, y }).collect())
                        .collect()
                })
                .collect(),
        );
        let want = madinati::domain::geodesy::area_m2(
            &madinati::domain::ValidGeometry::new(
                raw,
                madinati::domain::GeometryShape::MultiPolygon,
            )
            .unwrap(),
        );
        assert!(
            ((f.area_m2() - want) / want).abs() < 1e-6,
            "{id}: area {} vs {want}",
            f.area_m2()
        );
    }
}

fn assert_points(summary: &ImportSummary, features: &[StoredFeature], rejected: u64, tol: f64) {
    assert_counts(summary, POINTS.len(), rejected);
    for (id, name, _, x, y) in POINTS {
        let f = find(features, id);
        let Attributes::ServicePoint(p) = f.attributes() else {
            panic!("{id}: not a point")
        };
        assert_eq!(
            p.name_ar.as_deref().map(str::as_bytes),
            Some(name.as_bytes())
        );
        let RawGeometry::Point(c) = f.geometry().to_raw() else {
            panic!("{id}: not a point")
        };
        assert!(
            close((*x, *y), c, tol),
            "{id}: ({x}, {y}) came back as {c:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shapefile_utf8_districts_and_points() {
    let s = Sources::new();
    let shp = s.convert(&s.districts, "districts.shp", SHP_UTF8);
    let (summary, features) = s.import(&shp, LayerKind::Districts, None, &[]).await;
    assert_eq!(summary.crs, madinati::domain::crs::Crs::wgs84().label());
    assert_districts(&summary, &features, 1e-9);

    let shp = s.convert(&s.points, "points.shp", SHP_UTF8);
    let (summary, features) = s.import(&shp, LayerKind::ServicePoints, None, &[]).await;
    assert_points(&summary, &features, 0, 1e-9);
}

/// Arabic Windows installations of ArcGIS write attributes in Windows-1256 with a `.cpg`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shapefile_in_windows_1256_keeps_arabic_names() {
    let s = Sources::new();
    let shp = s.convert(&s.districts, "cp1256.shp", &["-lco", "ENCODING=CP1256"]);
    let cpg = std::fs::read_to_string(shp.with_extension("cpg")).unwrap();
    assert!(
        cpg.contains("1256"),
        "GDAL wrote a .cpg naming 1256: {cpg:?}"
    );
    let (summary, features) = s.import(&shp, LayerKind::Districts, None, &[]).await;
    assert_counts(&summary, districts().len(), 0);
    for (id, ar, _, _) in districts() {
        let Attributes::District(d) = find(&features, id).attributes() else {
            panic!("{id}: not a district")
        };
        // Windows-1256 has Arabic letters but not the Arabic-Indic digits (١٢): GDAL drops
        // those when it writes the file, so they cannot come back.
        let encodable: String = ar
            .chars()
            .filter(|c| !('\u{660}'..='\u{669}').contains(c))
            .collect();
        assert_eq!(d.name_ar.as_deref(), Some(encodable.trim()), "{id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shapefile_in_utm_39n_is_reprojected_from_its_prj() {
    let s = Sources::new();
    let args = [SHP_UTF8, &["-t_srs", "EPSG:32639"]].concat();
    let shp = s.convert(&s.districts, "utm.shp", &args);
    let (summary, features) = s.import(&shp, LayerKind::Districts, None, &[]).await;
    assert!(
        summary.crs.contains("32639"),
        "CRS read from the .prj: {}",
        summary.crs
    );
    assert_districts(&summary, &features, 1e-7);
}

/// On the default single-threaded test runtime, as other callers may use it.
#[tokio::test]
async fn geopackage_with_two_tables() {
    let s = Sources::new();
    let gpkg = s.convert(
        &s.districts,
        "source.gpkg",
        &["-f", "GPKG", "-nln", "districts"],
    );
    let args = ["-f", "GPKG", "-update", "-nln", "service points"];
    s.convert(&s.points, "source.gpkg", &args);
    let (summary, features) = s
        .import(&gpkg, LayerKind::Districts, Some("districts"), &[])
        .await;
    assert_districts(&summary, &features, 1e-9);
    let (summary, features) = s
        .import(&gpkg, LayerKind::ServicePoints, Some("service points"), &[])
        .await;
    assert_points(&summary, &features, 0, 1e-9);

    let store = SqliteStore::open(&s.dir.path().join("other.gpkg"), true)
        .await
        .unwrap();
    let opts = options(&gpkg, LayerKind::Districts, &s.dir.path().join("r.geojson"));
    let e = import(&store, &opts, Arc::new(CategoryRegistry::default()))
        .await
        .unwrap_err();
    let e = e.to_string();
    assert!(
        e.contains("districts, service points") && e.contains("--source-layer"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_with_wkt_from_ogr2ogr() {
    let s = Sources::new();
    let csv = s.convert(
        &s.districts,
        "districts.csv",
        &["-f", "CSV", "-lco", "GEOMETRY=AS_WKT"],
    );
    let (summary, features) = s.import(&csv, LayerKind::Districts, None, &[]).await;
    assert_districts(&summary, &features, 1e-9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_with_lon_lat_written_by_hand() {
    let s = Sources::new();
    // Arabic-Indic digits and the Arabic decimal separator.
    let arabic = |x: f64| -> String {
        let digit = |c: char| {
            c.to_digit(10)
                .and_then(|d| char::from_u32(0x0660 + d))
                .unwrap_or(c)
        };
        x.to_string()
            .chars()
            .map(|c| if c == '.' { '٫' } else { digit(c) })
            .collect()
    };
    let mut text = String::from("id;name_ar;category;Longitude;Latitude\n");
    for (i, (id, name, cat, x, y)) in POINTS.iter().enumerate() {
        let (x, y) = if i == 1 {
            (arabic(*x), arabic(*y))
        } else {
            (x.to_string(), y.to_string())
        };
        text.push_str(&format!("{id};{name};{cat};{x};{y}\n"));
    }
    text.push_str("P9;صف ناقص;mosque\n");
    let csv = s.dir.path().join("points.csv");
    std::fs::write(&csv, text).unwrap();
    let (summary, features) = s.import(&csv, LayerKind::ServicePoints, None, &[]).await;
    assert_eq!(
        summary.rejected_by_reason.get("unparseable"),
        Some(&1),
        "{summary}"
    );
    assert_points(&summary, &features, 1, 1e-9);
}

#[cfg(feature = "gdal")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kml_through_gdal() {
    let s = Sources::new();
    let kml = s.convert(&s.districts, "districts.kml", &["-f", "KML"]);
    let (summary, features) = s.import(&kml, LayerKind::Districts, None, &[]).await;
    assert!(
        summary.crs.contains("4326") || summary.crs.contains("WGS"),
        "{}",
        summary.crs
    );
    assert_districts(&summary, &features, 1e-9);
    let kml = s.convert(&s.points, "points.kml", &["-f", "KML"]);
    let (summary, features) = s.import(&kml, LayerKind::ServicePoints, None, &[]).await;
    assert_points(&summary, &features, 0, 1e-9);
}

/// Esri JSON (an ArcGIS REST feature set, often named .json) is recognised and read through GDAL.
#[cfg(feature = "gdal")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esri_json_through_gdal() {
    let s = Sources::new();
    let esri = s.dir.path().join("districts.json");
    // As an ArcGIS REST query returns it (GDAL cannot write Esri JSON); outer ring clockwise.
    let text = r#"{"displayFieldName":"name_ar","geometryType":"esriGeometryPolygon",
      "spatialReference":{"wkid":4326},
      "fields":[{"name":"id","type":"esriFieldTypeString"},{"name":"name_ar","type":"esriFieldTypeString"}],
      "features":[{"attributes":{"id":"E1","name_ar":"حي الشاطئ"},
        "geometry":{"rings":[[[50.1,26.4],[50.1,26.41],[50.11,26.41],[50.11,26.4],[50.1,26.4]]]}}]}"#;
    std::fs::write(&esri, text).unwrap();
    let (summary, features) = s.import(&esri, LayerKind::Districts, None, &[]).await;
    assert_counts(&summary, 1, 0);
    let f = find(&features, "E1");
    let Attributes::District(d) = f.attributes() else {
        panic!("not a district")
    };
    assert_eq!(d.name_ar.as_deref(), Some("حي الشاطئ"));
    assert!(
        (f.area_m2() - 1_108_000.0).abs() < 5_000.0,
        "{}",
        f.area_m2()
    );
}

/// A FileGDB folder (written by GDAL's OpenFileGDB driver) read through GDAL, in UTM 39N.
#[cfg(feature = "gdal")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_geodatabase_through_gdal() {
    let s = Sources::new();
    let args = [
        "-f",
        "OpenFileGDB",
        "-t_srs",
        "EPSG:32639",
        "-nln",
        "districts",
        "-nlt",
        "MULTIPOLYGON",
    ];
    let gdb = s.convert(&s.districts, "city.gdb", &args);
    let (summary, features) = s.import(&gdb, LayerKind::Districts, None, &[]).await;
    assert!(summary.crs.contains("32639"), "{}", summary.crs);
    assert_districts(&summary, &features, 1e-7);
}

/// DXF keeps no attributes but the CAD layer name (here the English name), and no CRS.
#[cfg(feature = "gdal")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dxf_through_gdal() {
    let s = Sources::new();
    let dxf = s.convert(&s.districts, "districts.dxf", &["-f", "DXF"]);
    let mapping = [("name_en", "Layer")];
    let (summary, features) = s.import(&dxf, LayerKind::Districts, None, &mapping).await;
    // DXF has no multipolygons: each part of D2 is an entity of its own.
    let expected: Vec<(&str, Polygon)> = districts()
        .into_iter()
        .flat_map(|(_, _, en, polys)| polys.into_iter().map(move |p| (en, p)))
        .collect();
    assert_counts(&summary, expected.len(), 0);
    for ((en, poly), f) in expected.iter().zip(&features) {
        let Attributes::District(d) = f.feature.attributes() else {
            panic!("not a district")
        };
        assert_eq!(d.name_en.as_deref(), Some(*en));
        assert!(f.feature.extra().contains_key("ogr_fid"));
        let got = f.feature.geometry().to_raw();
        assert_polygons(en, std::slice::from_ref(poly), &got, 1e-9);
    }
}
