//! A plan sent as a file (`POST /api/requests/plan`): GeoJSON, a zipped Shapefile, or (built
//! with the `gdal` feature) a DXF drawing, read into the plan FeatureCollection that
//! `POST /api/requests` takes (features with `role`). [`open`] reads any of them, its kind told
//! by its bytes, into [`Contents`]; `app::proposal_file` makes proposed parcels of the same.
//!
//! A DXF holds the layers `BOUNDARY`, `LOTS`, `STREETS` and `PUBLIC`: closed polylines (or
//! hatches) for the boundary, lots and public lands, polylines for street centre lines; each
//! lot's number is a text inside it on `LOTS`, each street's width a text `W=20` (or `20m`)
//! near it on `STREETS` (another text there names the street).
//!
//! A zipped Shapefile holds one shapefile per role, named for it (`boundary`, `lots`,
//! `streets`, `public`, any case), or shapefiles whose records carry a `role` field. The archive
//! is read with limits checked before anything is written: at most [`MAX_ENTRIES`] entries and
//! [`MAX_UNPACKED`] bytes unpacked in all, counted as they are written (a declared size is not
//! trusted), so a zip bomb is refused after reading at most that much.

use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::domain::geojson::raw_to_json;
use crate::import::source::{self, ReadItem};

mod dxf;
pub use dxf::{Drawing, MAX_LABELS};

/// Most entries in a zipped plan.
pub const MAX_ENTRIES: usize = 64;
/// Most bytes a zipped plan may unpack to.
pub const MAX_UNPACKED: u64 = 200 * 1024 * 1024;

/// Why a plan file cannot be read; each says what to send instead.
#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    /// Not a kind of file plans come in (415).
    #[error("{0}")]
    Unsupported(String),
    /// The file is damaged or not laid out as a plan (422).
    #[error("{0}")]
    Invalid(String),
    /// The archive unpacks to more than the limit (413).
    #[error("{0}")]
    TooLarge(String),
}

/// What a plan or proposal file holds, read but not yet made into either.
#[derive(Clone, Debug, PartialEq)]
pub enum Contents {
    /// A GeoJSON FeatureCollection, and the CRS its (2008) `crs` member names, if any.
    GeoJson {
        collection: Value,
        declared_crs: Option<String>,
    },
    /// A zipped Shapefile's records as one FeatureCollection (each with `role` when its
    /// shapefile's name gives one), and the distinct CRSs their `.prj` files name.
    Shapefile {
        collection: Value,
        declared_crs: Vec<String>,
    },
    /// A DXF drawing's entities.
    Dxf(Drawing),
}

/// Reads a plan file named `name` into a plan FeatureCollection.
pub fn read(name: &str, bytes: &[u8]) -> Result<Value, PlanFileError> {
    match open(name, bytes)? {
        Contents::GeoJson { collection, .. } | Contents::Shapefile { collection, .. } => {
            Ok(collection)
        }
        Contents::Dxf(d) => d.plan(),
    }
}

/// Reads a file named `name`, its kind told by its bytes: a zip archive (of shapefiles), a DXF
/// drawing, or GeoJSON (also told by a `.geojson` or `.json` name). A file named `.dxf` whose
/// bytes are not a drawing's, and any other kind, is [`PlanFileError::Unsupported`].
pub fn open(name: &str, bytes: &[u8]) -> Result<Contents, PlanFileError> {
    let lower = name.to_ascii_lowercase();
    if bytes.starts_with(b"PK\x03\x04") {
        let (collection, declared_crs) = read_zip(bytes)?;
        return Ok(Contents::Shapefile {
            collection,
            declared_crs,
        });
    }
    if looks_like_dxf(bytes) {
        return Ok(Contents::Dxf(dxf::read(bytes)?));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = text.trim_ascii_start();
    if !lower.ends_with(".dxf")
        && (lower.ends_with(".geojson") || lower.ends_with(".json") || text.first() == Some(&b'{'))
    {
        let v: Value = serde_json::from_slice(text)
            .map_err(|e| PlanFileError::Invalid(format!("{name} is not valid GeoJSON: {e}")))?;
        if v.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
            return Err(PlanFileError::Invalid(format!(
                "{name} is not a GeoJSON FeatureCollection"
            )));
        }
        let declared_crs = v
            .pointer("/crs/properties/name")
            .and_then(Value::as_str)
            .map(str::to_string);
        return Ok(Contents::GeoJson {
            collection: v,
            declared_crs,
        });
    }
    if lower.ends_with(".dxf") {
        return Err(PlanFileError::Unsupported(format!(
            "{name} is named as a DXF but its bytes are not a DXF drawing's (an ASCII DXF \
             begins with the group code 0 and SECTION): save the drawing as DXF again"
        )));
    }
    Err(PlanFileError::Unsupported(format!(
        "{name} is neither GeoJSON, a zipped Shapefile nor a DXF drawing: send a .geojson, a \
         .zip of shapefiles (each with its .dbf, .shx and .prj) or a .dxf"
    )))
}

/// Whether bytes begin as a DXF drawing: binary DXF's sentinel, or an ASCII DXF's first group
/// (code 0 and `SECTION`, or a 999 comment).
pub fn looks_like_dxf(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"AutoCAD Binary DXF") {
        return true;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]);
    let mut lines = head.trim_start_matches('\u{feff}').lines().map(str::trim);
    match (lines.next(), lines.next()) {
        (Some("0"), Some(second)) => second.eq_ignore_ascii_case("SECTION"),
        (Some("999"), Some(_)) => true,
        _ => false,
    }
}

/// The role a shapefile's name gives its records, if any.
fn role_of(stem: &str) -> Option<&'static str> {
    match stem.to_ascii_lowercase().as_str() {
        "boundary" => Some("boundary"),
        "lots" | "lot" => Some("lot"),
        "streets" | "street" => Some("street"),
        "public" | "public_lands" => Some("public"),
        _ => None,
    }
}

/// A zipped Shapefile's records, and the distinct CRSs its shapefiles declare.
fn read_zip(bytes: &[u8]) -> Result<(Value, Vec<String>), PlanFileError> {
    let bad = |e: zip::result::ZipError| {
        PlanFileError::Invalid(format!("the zip archive is damaged: {e}"))
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(bad)?;
    if archive.len() > MAX_ENTRIES {
        return Err(PlanFileError::Invalid(format!(
            "the archive has {} entries; a plan has at most {MAX_ENTRIES}",
            archive.len()
        )));
    }
    let dir = tempfile::tempdir()
        .map_err(|e| PlanFileError::Invalid(format!("no room to unpack the plan: {e}")))?;
    let mut unpacked = 0u64;
    let mut shapefiles = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(bad)?;
        if entry.is_dir() {
            continue;
        }
        // Only the file's own name is kept: no paths out of the directory.
        let Some(file) = entry
            .enclosed_name()
            .and_then(|p| p.file_name().map(|f| f.to_string_lossy().to_string()))
        else {
            continue;
        };
        let ext = Path::new(&file)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if !matches!(ext.as_str(), "shp" | "shx" | "dbf" | "prj" | "cpg") {
            continue;
        }
        let left = MAX_UNPACKED - unpacked;
        let mut out = Vec::new();
        (&mut entry)
            .take(left + 1)
            .read_to_end(&mut out)
            .map_err(|e| PlanFileError::Invalid(format!("{file} cannot be unpacked: {e}")))?;
        unpacked += out.len() as u64;
        if unpacked > MAX_UNPACKED {
            return Err(PlanFileError::TooLarge(format!(
                "the archive unpacks to more than {} MiB (a zip bomb?): a plan is far smaller",
                MAX_UNPACKED / 1024 / 1024
            )));
        }
        let path = dir.path().join(&file);
        std::fs::write(&path, &out)
            .map_err(|e| PlanFileError::Invalid(format!("{file} cannot be unpacked: {e}")))?;
        if ext == "shp" {
            shapefiles.push(path);
        }
    }
    if shapefiles.is_empty() {
        return Err(PlanFileError::Invalid(
            "the archive holds no shapefile: put boundary.shp, lots.shp, streets.shp and \
             public.shp (each with its .dbf and .shx) in it"
                .into(),
        ));
    }
    let mut features = Vec::new();
    let mut declared: Vec<String> = Vec::new();
    for shp in shapefiles {
        let stem = shp
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let role = role_of(&stem);
        let src = source::open(&shp, None, None, Default::default())
            .map_err(|e| PlanFileError::Invalid(e.to_string()))?;
        if let Some(crs) = src.declared_crs()
            && !declared.contains(&crs)
        {
            declared.push(crs);
        }
        let mut problems = Vec::new();
        src.read_all(&mut |item| {
            match item {
                ReadItem::Record(r) => {
                    let mut props: Map<String, Value> = r
                        .properties
                        .into_iter()
                        .map(|(k, v)| (k.to_ascii_lowercase(), v))
                        .collect();
                    if let Some(role) = role {
                        props.insert("role".into(), json!(role));
                    }
                    let geometry = match r.geometry {
                        Ok(Some(g)) => raw_to_json(&g).unwrap_or(Value::Null),
                        _ => Value::Null,
                    };
                    features.push(
                        json!({"type": "Feature", "properties": props, "geometry": geometry}),
                    );
                }
                ReadItem::Unreadable { message, .. } => problems.push(message),
            }
            if features.len() > crate::domain::checks::plan::MAX_PLAN_FEATURES {
                return Err(source::Stop);
            }
            Ok(())
        })
        .map_err(|e| PlanFileError::Invalid(e.to_string()))?;
        if let Some(p) = problems.first() {
            return Err(PlanFileError::Invalid(format!("{stem}.shp: {p}")));
        }
    }
    Ok((
        json!({"type": "FeatureCollection", "features": features}),
        declared,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_of_other_kinds_are_refused_with_what_to_send() {
        assert!(matches!(
            read("plan.pdf", b"%PDF-1.7"),
            Err(PlanFileError::Unsupported(_))
        ));
        // A DXF needs the `gdal` feature; with it, a truncated one is not a plan.
        let dxf = read("plan.dxf", b"0\nSECTION");
        if cfg!(feature = "gdal") {
            assert!(matches!(dxf, Err(PlanFileError::Invalid(_))), "{dxf:?}");
        } else {
            assert!(matches!(dxf, Err(PlanFileError::Unsupported(_))), "{dxf:?}");
        }
        assert!(matches!(
            read("plan.geojson", b"{\"type\": \"Feature\"}"),
            Err(PlanFileError::Invalid(_))
        ));
        assert!(matches!(
            read("plan.zip", b"PK\x03\x04garbage"),
            Err(PlanFileError::Invalid(_))
        ));
        assert!(
            read(
                "plan.geojson",
                b"{\"type\": \"FeatureCollection\", \"features\": []}"
            )
            .is_ok()
        );
        assert_eq!(role_of("LOTS"), Some("lot"));
        assert_eq!(role_of("roads"), None);
    }

    #[test]
    fn the_kind_is_told_by_the_bytes() {
        assert!(looks_like_dxf(b"  0\r\nSECTION\r\n  2\r\nHEADER\r\n"));
        assert!(looks_like_dxf(b"\xEF\xBB\xBF0\nSECTION\n"));
        assert!(looks_like_dxf(b"999\ndrawn by CAD\n0\nSECTION\n"));
        assert!(looks_like_dxf(b"AutoCAD Binary DXF\r\n\x1a\0"));
        assert!(!looks_like_dxf(b""));
        assert!(!looks_like_dxf(b"\x89PNG\r\n\x1a\n"));
        assert!(!looks_like_dxf(b"{\"type\": \"FeatureCollection\"}"));
        // A picture named as a drawing is not read as one.
        assert!(matches!(
            open("lots.dxf", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(PlanFileError::Unsupported(_))
        ));
        assert!(matches!(
            open("lots.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(PlanFileError::Unsupported(_))
        ));
        // GeoJSON by its first byte, after a byte-order mark and blanks; its `crs` member kept.
        let fc = b"\xEF\xBB\xBF\n {\"type\": \"FeatureCollection\", \"features\": [], \
            \"crs\": {\"type\": \"name\", \"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::32639\"}}}";
        match open("upload", fc) {
            Ok(Contents::GeoJson { declared_crs, .. }) => {
                assert_eq!(declared_crs.as_deref(), Some("urn:ogc:def:crs:EPSG::32639"))
            }
            other => panic!("{other:?}"),
        }
    }
}
