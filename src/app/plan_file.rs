//! A plan sent as a file (`POST /api/requests/plan`): GeoJSON, or a zipped Shapefile, read into
//! the plan FeatureCollection that `POST /api/requests` takes (features with `role`).
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

/// Reads a plan file named `name` into a plan FeatureCollection.
pub fn read(name: &str, bytes: &[u8]) -> Result<Value, PlanFileError> {
    let lower = name.to_ascii_lowercase();
    if bytes.starts_with(b"PK\x03\x04") {
        return read_zip(bytes);
    }
    if lower.ends_with(".geojson") || lower.ends_with(".json") || bytes.first() == Some(&b'{') {
        let v: Value = serde_json::from_slice(bytes)
            .map_err(|e| PlanFileError::Invalid(format!("{name} is not valid GeoJSON: {e}")))?;
        if v.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
            return Err(PlanFileError::Invalid(format!(
                "{name} is not a GeoJSON FeatureCollection"
            )));
        }
        return Ok(v);
    }
    if lower.ends_with(".dxf") {
        return Err(PlanFileError::Unsupported(
            "DXF plans are not read yet: export the layers BOUNDARY, LOTS, STREETS and PUBLIC \
             to GeoJSON or a zipped Shapefile (ogr2ogr can)"
                .into(),
        ));
    }
    Err(PlanFileError::Unsupported(format!(
        "{name} is neither GeoJSON nor a zipped Shapefile: send a .geojson or a .zip of \
         boundary, lots, streets and public shapefiles"
    )))
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

fn read_zip(bytes: &[u8]) -> Result<Value, PlanFileError> {
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
    for shp in shapefiles {
        let stem = shp
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let role = role_of(&stem);
        let src = source::open(&shp, None, None, Default::default())
            .map_err(|e| PlanFileError::Invalid(e.to_string()))?;
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
    Ok(json!({"type": "FeatureCollection", "features": features}))
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
        assert!(matches!(
            read("plan.dxf", b"0\nSECTION"),
            Err(PlanFileError::Unsupported(_))
        ));
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
}
