//! A plan sent as a file (`POST /api/requests/plan`): GeoJSON, a zipped Shapefile, or (built
//! with the `gdal` feature) a DXF drawing, read into the plan FeatureCollection that
//! `POST /api/requests` takes (features with `role`).
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
        return read_dxf(bytes);
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

#[cfg(not(feature = "gdal"))]
fn read_dxf(_: &[u8]) -> Result<Value, PlanFileError> {
    Err(PlanFileError::Unsupported(
        "this server reads DXF plans only when built with the gdal feature: export the layers \
         BOUNDARY, LOTS, STREETS and PUBLIC to GeoJSON or a zipped Shapefile (ogr2ogr can)"
            .into(),
    ))
}

/// A DXF's entities read through GDAL into the plan's features.
#[cfg(feature = "gdal")]
fn read_dxf(bytes: &[u8]) -> Result<Value, PlanFileError> {
    use crate::domain::RawGeometry;
    use geo::{Contains, Coord, Distance, Euclidean, LineString, Point, Polygon};
    let dir = tempfile::tempdir()
        .map_err(|e| PlanFileError::Invalid(format!("no room to read the plan: {e}")))?;
    let path = dir.path().join("plan.dxf");
    std::fs::write(&path, bytes)
        .map_err(|e| PlanFileError::Invalid(format!("no room to read the plan: {e}")))?;
    let src = source::open(&path, None, None, Default::default())
        .map_err(|e| PlanFileError::Invalid(format!("the DXF cannot be read: {e}")))?;
    let (mut areas, mut lines, mut labels) = (Vec::new(), Vec::new(), Vec::new());
    let closed = |l: &[Coord]| l.len() >= 4 && l.first() == l.last();
    src.read_all(&mut |item| {
        if let ReadItem::Record(r) = item {
            let prop = |k: &str| {
                r.properties
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(k))
                    .and_then(|(_, v)| v.as_str())
                    .map(|s| s.trim().to_string())
            };
            let layer = prop("Layer").unwrap_or_default().to_ascii_uppercase();
            let text = prop("Text");
            match r.geometry {
                Ok(Some(RawGeometry::Polygon(rings))) => {
                    if let Some(outer) = rings.into_iter().next() {
                        areas.push((layer, outer));
                    }
                }
                Ok(Some(RawGeometry::LineString(l))) if closed(&l) && layer != "STREETS" => {
                    areas.push((layer, l))
                }
                Ok(Some(RawGeometry::LineString(l))) if layer == "STREETS" => lines.push(l),
                Ok(Some(RawGeometry::Point(p))) => {
                    if let Some(t) = text {
                        labels.push((layer, p, t));
                    }
                }
                _ => {}
            }
        }
        if areas.len() + lines.len() > crate::domain::checks::plan::MAX_PLAN_FEATURES {
            return Err(source::Stop);
        }
        Ok(())
    })
    .map_err(|e| PlanFileError::Invalid(e.to_string()))?;
    if !areas.iter().any(|(l, _)| l == "LOTS") {
        return Err(PlanFileError::Invalid(
            "the DXF has no closed polyline on the layer LOTS: draw each lot as a closed \
             polyline (and the boundary on BOUNDARY, street centre lines on STREETS)"
                .into(),
        ));
    }
    let ring = |c: &[Coord]| Value::from(c.iter().map(|p| json!([p.x, p.y])).collect::<Vec<_>>());
    let mut features = Vec::new();
    for (layer, outer) in &areas {
        let role = match layer.as_str() {
            "BOUNDARY" => "boundary",
            "LOTS" => "lot",
            "PUBLIC" => "public",
            _ => continue,
        };
        let mut props = json!({"role": role});
        if role == "lot" {
            let poly = Polygon::new(LineString(outer.clone()), vec![]);
            if let Some((_, _, t)) = labels
                .iter()
                .find(|(l, p, _)| l == "LOTS" && poly.contains(&Point(*p)))
            {
                props["parcel_no"] = json!(t);
            }
        }
        features.push(json!({"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [ring(outer)]}}));
    }
    let width_of = |t: &str| -> Option<f64> {
        let t = t.trim().to_ascii_lowercase();
        let t = t.strip_prefix("w=").unwrap_or(&t);
        t.trim_end_matches('m').trim().parse::<f64>().ok()
    };
    for l in &lines {
        let line = LineString(l.clone());
        let mut near: Vec<(f64, &String)> = labels
            .iter()
            .filter(|(layer, _, _)| layer == "STREETS")
            .map(|(_, p, t)| (Euclidean.distance(&Point(*p), &line), t))
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut props = json!({"role": "street"});
        if let Some((_, t)) = near.iter().find(|(_, t)| width_of(t).is_some()) {
            props["width_m"] = json!(width_of(t));
        }
        if let Some((_, t)) = near.iter().find(|(_, t)| width_of(t).is_none()) {
            let arabic = t.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
            props[if arabic { "name_ar" } else { "name_en" }] = json!(t);
        }
        features.push(json!({"type": "Feature", "properties": props,
            "geometry": {"type": "LineString", "coordinates": ring(l)}}));
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
}
