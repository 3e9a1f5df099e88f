//! Reader for anything OGR reads (DXF, KML, FileGDB, Esri JSON, GML, MapInfo, ...), through the
//! system GDAL library. Built only with the `gdal` feature.
//!
//! `gdal::Dataset` is not `Send`, so the source keeps only the path and layer name: `open` opens
//! the dataset to pick the layer and read its CRS, and `read_all` (on the importer's blocking
//! thread) opens it again and streams the features, one at a time. Geometry comes through WKB.

use std::path::{Path, PathBuf};

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{Feature, FieldValue, LayerAccess, OGRFieldType};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use serde_json::{Map, Value};

use super::source::{
    BytesRead, FeatureSource, ReadError, ReadItem, SourcePosition, SourceRecord, Stop,
};
use crate::domain::crs::epsg_from_prj_wkt;
use crate::domain::{RawGeometry, wkb};

/// One layer of an OGR dataset.
pub struct GdalSource {
    path: PathBuf,
    layer: String,
    crs: Option<String>,
    bytes: BytesRead,
}

impl GdalSource {
    /// Opens `path` with OGR and picks the layer: `source_layer`, the only one, or DXF's
    /// `entities`. Several layers and no choice is an error that lists them.
    pub fn open(
        path: &Path,
        source_layer: Option<&str>,
        bytes: BytesRead,
    ) -> Result<Self, ReadError> {
        let ds = open_dataset(path)?;
        let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
        let dxf = ds.driver().short_name().eq_ignore_ascii_case("DXF");
        let layer = match source_layer {
            Some(w) => names
                .iter()
                .find(|n| *n == w)
                .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(w)))
                .cloned()
                .ok_or_else(|| {
                    format_error(
                        path,
                        format!(
                            "there is no layer {w:?}; its layers are: {}",
                            names.join(", ")
                        ),
                    )
                })?,
            None if dxf && names.iter().any(|n| n == "entities") => "entities".to_string(),
            None => match names.as_slice() {
                [one] => one.clone(),
                [] => return Err(format_error(path, "it has no vector layers")),
                _ => {
                    return Err(format_error(
                        path,
                        format!(
                            "it has several layers ({}); pass --source-layer with the one to import",
                            names.join(", ")
                        ),
                    ));
                }
            },
        };
        let crs = ds
            .layer_by_name(&layer)
            .map_err(|e| format_error(path, e))?
            .spatial_ref()
            .and_then(|srs| crs_of(&srs));
        Ok(GdalSource {
            path: path.to_path_buf(),
            layer,
            crs,
            bytes,
        })
    }
}

fn format_error(path: &Path, e: impl std::fmt::Display) -> ReadError {
    ReadError::format(path, "OGR", e)
}

/// Opens a vector dataset read-only. (SQLite-based formats are safe: see `build.rs` for why the
/// binary's own SQLite does not clash with GDAL's.)
fn open_dataset(path: &Path) -> Result<Dataset, ReadError> {
    if !path.exists() {
        return Err(ReadError::Io {
            path: path.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"),
        });
    }
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
        ..Default::default()
    };
    Dataset::open_ex(path, options).map_err(|e| format_error(path, e))
}

/// `EPSG:n` from the authority, else from the WKT (ESRI names), else the PROJ string.
fn crs_of(srs: &SpatialRef) -> Option<String> {
    if srs
        .auth_name()
        .is_some_and(|a| a.eq_ignore_ascii_case("EPSG"))
        && let Ok(code) = srs.auth_code()
    {
        return Some(format!("EPSG:{code}"));
    }
    if let Some(code) = srs.to_wkt().ok().as_deref().and_then(epsg_from_prj_wkt) {
        return Some(format!("EPSG:{code}"));
    }
    srs.to_proj4()
        .ok()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
}

/// A field value as JSON.
fn field_json(v: FieldValue) -> Option<Value> {
    let real = |x: f64| serde_json::Number::from_f64(x).map(Value::Number);
    Some(match v {
        FieldValue::IntegerValue(i) => Value::from(i),
        FieldValue::Integer64Value(i) => Value::from(i),
        FieldValue::RealValue(x) => real(x)?,
        FieldValue::StringValue(s) => Value::String(s),
        FieldValue::IntegerListValue(l) => Value::from(l),
        FieldValue::Integer64ListValue(l) => Value::from(l),
        FieldValue::RealListValue(l) => Value::Array(
            l.into_iter()
                .map(|x| real(x).unwrap_or(Value::Null))
                .collect(),
        ),
        FieldValue::StringListValue(l) => Value::from(l),
        FieldValue::DateValue(d) => Value::String(d.format("%Y-%m-%d").to_string()),
        FieldValue::DateTimeValue(t) => Value::String(t.to_rfc3339()),
    })
}

/// OGR's text form of a date-time (`2024/05/31 08:00:00+03`) in ISO 8601 form
/// (`2024-05-31T08:00:00+03:00`); without a zone it stays local time, without an offset.
fn iso_datetime(ogr: &str) -> String {
    let (date, rest) = ogr.split_once(' ').unwrap_or((ogr, ""));
    let date = date.replace('/', "-");
    if rest.is_empty() {
        return date;
    }
    let zone_at = rest.find(['+', '-', 'Z']).unwrap_or(rest.len());
    let (time, zone) = rest.split_at(zone_at);
    let zone = match zone.len() {
        3 => format!("{zone}:00"),
        5 => format!("{}:{}", &zone[..3], &zone[3..]),
        _ => zone.to_string(),
    };
    format!("{date}T{time}{zone}")
}

/// The feature's fields as JSON, in order; null, unset and empty fields left out. Date-times
/// are read as text (the `gdal` crate would make a date-time without a zone UTC); types it
/// cannot read come as text.
fn properties(
    feature: &Feature<'_>,
    fields: &[(String, OGRFieldType::Type)],
) -> Map<String, Value> {
    let mut map = Map::new();
    for (i, (name, ty)) in fields.iter().enumerate() {
        // OGR gives an unset field as "" (and as 0 or a null list pointer through the typed
        // getters, which the `gdal` crate does not guard against): look at the text first.
        let Some(text) = feature
            .field_as_string(i)
            .ok()
            .flatten()
            .filter(|t| !t.is_empty())
        else {
            continue;
        };
        let value = if *ty == OGRFieldType::OFTDateTime {
            Some(Value::String(iso_datetime(&text)))
        } else {
            match feature.field(i) {
                Ok(v) => v.and_then(field_json),
                Err(_) => Some(Value::String(text)),
            }
        };
        if let Some(v) = value {
            map.insert(name.clone(), v);
        }
    }
    map
}

fn geometry(feature: &Feature<'_>) -> Result<Option<RawGeometry>, String> {
    // A feature without geometry still gives a `Geometry`, wrapping a null pointer that every
    // OGR call would complain about.
    // SAFETY: only the pointer's value is read; nothing is dereferenced.
    let null = |g: &gdal::vector::Geometry| unsafe { g.c_geometry() }.is_null();
    match feature.geometry() {
        None => Ok(None),
        Some(g) if null(g) || g.is_empty() => Ok(None),
        Some(g) => {
            let bytes = g
                .wkb()
                .map_err(|e| format!("cannot export the geometry: {e}"))?;
            wkb::read(&bytes)
                .map(|(g, _)| Some(g))
                .map_err(|e| e.to_string())
        }
    }
}

impl FeatureSource for GdalSource {
    fn declared_crs(&self) -> Option<String> {
        self.crs.clone()
    }

    fn read_all(
        self: Box<Self>,
        sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>,
    ) -> Result<(), ReadError> {
        let path = self.path.as_path();
        let ds = open_dataset(path)?;
        let mut layer = ds
            .layer_by_name(&self.layer)
            .map_err(|e| format_error(path, e))?;
        let fields: Vec<(String, OGRFieldType::Type)> = layer
            .defn()
            .fields()
            .map(|f| (f.name(), f.field_type()))
            .collect();
        let has_id = fields.iter().any(|(n, _)| n.eq_ignore_ascii_case("id"));
        let total = layer.try_feature_count().unwrap_or(0);
        let file_len = std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map_or(0, |m| m.len());
        let mut record = 0u64;
        for feature in layer.features() {
            record += 1;
            let mut props = properties(&feature, &fields);
            if !has_id && let Some(fid) = feature.fid() {
                props.insert("ogr_fid".into(), Value::from(fid));
            }
            let position = SourcePosition { record, line: None };
            let item = ReadItem::Record(SourceRecord {
                position,
                id: None,
                properties: props,
                geometry: geometry(&feature),
            });
            if sink(item).is_err() {
                return Ok(());
            }
            if total > 0 {
                self.bytes.set(
                    (u128::from(record.min(total)) * u128::from(file_len) / u128::from(total))
                        as u64,
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ogr_datetimes_to_iso() {
        assert_eq!(
            iso_datetime("2024/05/31 08:00:00+03"),
            "2024-05-31T08:00:00+03:00"
        );
        assert_eq!(
            iso_datetime("2024/05/31 08:00:00.250+0530"),
            "2024-05-31T08:00:00.250+05:30"
        );
        assert_eq!(iso_datetime("2024/05/31 08:00:00"), "2024-05-31T08:00:00");
        assert_eq!(iso_datetime("2024/05/31 08:00:00Z"), "2024-05-31T08:00:00Z");
        assert_eq!(iso_datetime("2024/05/31"), "2024-05-31");
    }

    #[test]
    fn picks_the_layer_and_reports_the_choice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.geojson");
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"name_ar":"حي","when":"2024-05-31T08:00:00+03:00","n":[1,2]},
             "geometry":{"type":"Point","coordinates":[50.1,26.4]}},
            {"type":"Feature","properties":{"name_ar":null},"geometry":null}]}"#;
        std::fs::write(&path, text).unwrap();
        let src = GdalSource::open(&path, None, BytesRead::default()).unwrap();
        assert_eq!(src.declared_crs().as_deref(), Some("EPSG:4326"));
        let mut items = Vec::new();
        Box::new(src)
            .read_all(&mut |i| {
                items.push(i);
                Ok(())
            })
            .unwrap();
        let ReadItem::Record(r) = &items[0] else {
            panic!()
        };
        assert_eq!(
            r.geometry,
            Ok(Some(RawGeometry::Point(geo::Coord { x: 50.1, y: 26.4 })))
        );
        assert_eq!(r.properties["name_ar"], "حي");
        assert_eq!(r.properties["when"], "2024-05-31T08:00:00+03:00");
        assert_eq!(r.properties["n"], serde_json::json!([1, 2]));
        assert_eq!(r.properties["ogr_fid"], 0);
        let ReadItem::Record(r) = &items[1] else {
            panic!()
        };
        assert_eq!(r.geometry, Ok(None));
        assert!(!r.properties.contains_key("name_ar"));
        let Err(e) = GdalSource::open(&path, Some("nope"), BytesRead::default()) else {
            panic!()
        };
        assert!(e.to_string().contains("its layers are: t"), "{e}");
        assert!(matches!(
            GdalSource::open(&dir.path().join("missing.kml"), None, BytesRead::default()),
            Err(ReadError::Io { .. })
        ));
    }

    /// A GeoPackage read through GDAL inside this binary, which also holds the store's own
    /// SQLite: no crash on open, read or close (the link flag in build.rs).
    #[test]
    fn geopackages_read_through_gdal_beside_the_bundled_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("t.geojson");
        std::fs::write(&src, r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Point","coordinates":[50.1,26.4]}}]}"#).unwrap();
        let gpkg = dir.path().join("t.gpkg");
        let ok = std::process::Command::new("ogr2ogr")
            .args(["-f", "GPKG"])
            .arg(&gpkg)
            .arg(&src)
            .status()
            .unwrap();
        assert!(ok.success(), "ogr2ogr (gdal-bin) is needed");
        let source = Box::new(GdalSource::open(&gpkg, None, BytesRead::default()).unwrap());
        assert_eq!(source.declared_crs().as_deref(), Some("EPSG:4326"));
        let mut n = 0;
        source
            .read_all(&mut |_| {
                n += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(n, 1);
    }
}
