//! Parsing a surveyor's proposal: a GeoJSON FeatureCollection of the proposed parcels.
//!
//! Each feature has a Polygon (or a MultiPolygon of exactly one polygon) in the request's CRS
//! (EPSG:4326 by default; surveyors usually work in UTM 39N: 32639, 9359, 20439, 8839),
//! `properties.parcel_no` (required) and optionally `properties.land_use` (a code, English or
//! Arabic label of `LandUse`). Sizes are checked before any work: at most [`MAX_FEATURES`]
//! features, [`MAX_VERTICES`] points a ring, [`MAX_RINGS`] rings a feature,
//! [`MAX_TOTAL_VERTICES`] points in all, and geometries nested at most [`MAX_DEPTH`] deep.
//!
//! Structural faults (not a FeatureCollection, too big, an unknown land use) make the whole
//! proposal an error: the surveyor must resend it. A fault of one feature's geometry (not a
//! polygon, self-intersecting, out of the CRS's range) or parcel number is kept in its
//! [`ProposedParcel`] and reported by the `valid_geometry` or `unique_parcel_no` check, beside the
//! other checks' findings.

use geo::{Coord, Polygon};
use serde_json::Value;

use crate::domain::attributes::{LandUse, ParcelNo};
use crate::domain::crs::{Crs, CrsError};
use crate::domain::geojson::geometry_from_json;
use crate::domain::{GeometryProblem, GeometryShape, RawGeometry, ValidGeometry};

/// Most features in a proposal.
pub const MAX_FEATURES: usize = 1_000;
/// Most points in one ring.
pub const MAX_VERTICES: usize = 10_000;
/// Most rings in one feature's geometry (exterior and holes).
pub const MAX_RINGS: usize = 100;
/// Most points in the whole proposal.
pub const MAX_TOTAL_VERTICES: usize = 200_000;
/// Deepest nesting of arrays and objects in a feature's geometry (a MultiPolygon needs 5).
pub const MAX_DEPTH: usize = 6;

/// One proposed parcel.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposedParcel {
    /// 0-based number of the feature in the collection.
    pub index: usize,
    /// `properties.parcel_no`, or why it is missing or invalid.
    pub parcel_no: Result<ParcelNo, String>,
    /// `properties.land_use`, when given.
    pub land_use: Option<LandUse>,
    /// The polygon, EPSG:4326, validated (exterior counter-clockwise), or what is wrong with it.
    pub geometry: Result<Polygon, GeometryProblem>,
}

/// A proposal that cannot be read at all. Each message says what to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProposalError {
    #[error(
        "the proposal is not a GeoJSON FeatureCollection (found {found}): send {{\"type\": \"FeatureCollection\", \"features\": [...]}} with one Polygon feature per proposed parcel"
    )]
    NotAFeatureCollection { found: String },
    #[error("the proposal has no features: add one Polygon feature per proposed parcel")]
    NoFeatures,
    #[error(
        "feature {index} has role {found:?}: give each feature of a plan properties.role boundary, lot, street or public"
    )]
    BadRole { index: usize, found: String },
    #[error(
        "the proposal has {count} features, more than the {max} allowed: send at most {max} parcels per request"
    )]
    TooManyFeatures { count: usize, max: usize },
    #[error(
        "feature {index} is not a GeoJSON Feature object: each member of \"features\" must be {{\"type\": \"Feature\", \"geometry\": ..., \"properties\": ...}}"
    )]
    NotAFeature { index: usize },
    #[error("the properties of feature {index} are not a JSON object: give {{\"parcel_no\": ...}}")]
    BadProperties { index: usize },
    #[error(
        "the geometry of feature {index} is nested more than {max} levels deep: give a GeoJSON Polygon"
    )]
    TooDeep { index: usize, max: usize },
    #[error(
        "ring {ring} of feature {index} has {count} points, more than the {max} allowed: simplify the boundary"
    )]
    TooManyVertices {
        index: usize,
        ring: usize,
        count: usize,
        max: usize,
    },
    #[error(
        "feature {index} has {count} rings, more than the {max} allowed: a parcel has one exterior ring and few holes"
    )]
    TooManyRings {
        index: usize,
        count: usize,
        max: usize,
    },
    #[error(
        "the proposal has {count} points in all, more than the {max} allowed: simplify the boundaries or split the request"
    )]
    TooManyVerticesInTotal { count: usize, max: usize },
    #[error("the geometry of feature {index} is malformed GeoJSON: {reason}")]
    MalformedGeometry { index: usize, reason: String },
    #[error("feature {index} has land_use {value}, which is not a known land use: {reason}")]
    UnknownLandUse {
        index: usize,
        value: String,
        reason: String,
    },
}

/// Parses a proposal whose coordinates are in `crs`, reprojected to EPSG:4326 and validated.
///
/// Cost: O(v) in the number of points plus O(v log v) validation per feature; the sizes are
/// checked first, so a huge or deeply nested input is refused before it is worked on.
pub fn parse_proposal(v: &Value, crs: &Crs) -> Result<Vec<ProposedParcel>, ProposalError> {
    let features = features_up_to(v, MAX_FEATURES)?;
    check_sizes(features)?;
    features
        .iter()
        .enumerate()
        .map(|(index, f)| parcel(index, f, crs))
        .collect()
}

/// Checks that every item is a Feature and the sizes of their geometries, before any work.
pub(crate) fn check_sizes(features: &[Value]) -> Result<(), ProposalError> {
    let mut total = 0usize;
    for (index, f) in features.iter().enumerate() {
        let obj = f
            .as_object()
            .filter(|o| o.get("type").and_then(Value::as_str) == Some("Feature"))
            .ok_or(ProposalError::NotAFeature { index })?;
        if let Some(g) = obj.get("geometry") {
            total += geometry_size(index, g)?;
        }
        if total > MAX_TOTAL_VERTICES {
            return Err(ProposalError::TooManyVerticesInTotal {
                count: total,
                max: MAX_TOTAL_VERTICES,
            });
        }
    }
    Ok(())
}

/// The `features` array of a FeatureCollection, its length checked against `max`.
pub(crate) fn features_up_to(v: &Value, max: usize) -> Result<&Vec<Value>, ProposalError> {
    let found = match v {
        Value::Object(o) => match o.get("type").and_then(Value::as_str) {
            Some("FeatureCollection") => None,
            Some(t) => Some(format!("type {t:?}")),
            None => Some("an object without \"type\"".into()),
        },
        Value::Array(_) => Some("an array".into()),
        _ => Some("not an object".into()),
    };
    if let Some(found) = found {
        return Err(ProposalError::NotAFeatureCollection { found });
    }
    let features = v.get("features").and_then(Value::as_array).ok_or_else(|| {
        ProposalError::NotAFeatureCollection {
            found: "a FeatureCollection without a \"features\" array".into(),
        }
    })?;
    if features.is_empty() {
        return Err(ProposalError::NoFeatures);
    }
    if features.len() > max {
        return Err(ProposalError::TooManyFeatures {
            count: features.len(),
            max,
        });
    }
    Ok(features)
}

/// Checks the nesting depth (iteratively) and, for polygons, the ring and point counts; returns
/// the number of points.
fn geometry_size(index: usize, g: &Value) -> Result<usize, ProposalError> {
    let mut stack = vec![(g, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(a) => Box::new(a.iter()),
            Value::Object(o) => Box::new(o.values()),
            _ => continue,
        };
        if depth > MAX_DEPTH {
            return Err(ProposalError::TooDeep {
                index,
                max: MAX_DEPTH,
            });
        }
        stack.extend(children.map(|c| (c, depth + 1)));
    }
    let polygons: Vec<&Value> = match (
        g.get("type").and_then(Value::as_str),
        g.get("coordinates").and_then(Value::as_array),
    ) {
        (Some("Polygon"), Some(_)) => g.get("coordinates").into_iter().collect(),
        (Some("MultiPolygon"), Some(ps)) => ps.iter().collect(),
        (Some("LineString"), Some(pts)) => {
            if pts.len() > MAX_VERTICES {
                return Err(ProposalError::TooManyVertices {
                    index,
                    ring: 0,
                    count: pts.len(),
                    max: MAX_VERTICES,
                });
            }
            return Ok(pts.len());
        }
        _ => return Ok(0),
    };
    let mut rings = 0;
    let mut points = 0;
    for p in polygons {
        for (ring, r) in p.as_array().into_iter().flatten().enumerate() {
            rings += 1;
            let count = r.as_array().map_or(0, Vec::len);
            if count > MAX_VERTICES {
                return Err(ProposalError::TooManyVertices {
                    index,
                    ring,
                    count,
                    max: MAX_VERTICES,
                });
            }
            points += count;
        }
    }
    if rings > MAX_RINGS {
        return Err(ProposalError::TooManyRings {
            index,
            count: rings,
            max: MAX_RINGS,
        });
    }
    Ok(points)
}

/// One feature (already known to be a Feature object of acceptable size).
fn parcel(index: usize, f: &Value, crs: &Crs) -> Result<ProposedParcel, ProposalError> {
    let props = match f.get("properties") {
        None | Some(Value::Null) => None,
        Some(Value::Object(o)) => Some(o),
        Some(_) => return Err(ProposalError::BadProperties { index }),
    };
    let prop = |name: &str| {
        props
            .and_then(|p| p.get(name))
            .map(text)
            .filter(|t| !t.is_empty())
    };
    let parcel_no = match prop("parcel_no") {
        Some(t) => ParcelNo::try_from(t.as_str()),
        None => Err("properties.parcel_no is missing: give each proposed parcel its number".into()),
    };
    let land_use = prop("land_use")
        .map(|t| {
            t.parse::<LandUse>()
                .map_err(|reason| ProposalError::UnknownLandUse {
                    index,
                    value: t.clone(),
                    reason,
                })
        })
        .transpose()?;
    let geometry = geometry(index, f.get("geometry").unwrap_or(&Value::Null), crs)?;
    Ok(ProposedParcel {
        index,
        parcel_no,
        land_use,
        geometry,
    })
}

/// A JSON value as trimmed text (numbers written plainly).
pub(crate) fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The feature's polygon in EPSG:4326, or its problem; `Err` only for malformed GeoJSON.
fn geometry(
    index: usize,
    g: &Value,
    crs: &Crs,
) -> Result<Result<Polygon, GeometryProblem>, ProposalError> {
    Ok(
        geometry_of(index, g, crs, GeometryShape::Polygon)?.and_then(|v| match v {
            ValidGeometry::Polygon(p) => Ok(p),
            other => Err(GeometryProblem::WrongType {
                expected: GeometryShape::Polygon.accepts(),
                found: other.to_raw().type_name(),
            }),
        }),
    )
}

/// The feature's geometry of `shape` in EPSG:4326, or its problem; `Err` only for malformed
/// GeoJSON.
pub(crate) fn geometry_of(
    index: usize,
    g: &Value,
    crs: &Crs,
    shape: GeometryShape,
) -> Result<Result<ValidGeometry, GeometryProblem>, ProposalError> {
    let wrong = |found| {
        Ok(Err(GeometryProblem::WrongType {
            expected: shape.accepts(),
            found,
        }))
    };
    let lines = shape == GeometryShape::MultiLineString;
    // Only the shape's types are read further: others are refused by name, unread.
    match g.get("type").and_then(Value::as_str) {
        _ if g.is_null() => return Ok(Err(GeometryProblem::Empty)),
        Some("Polygon" | "MultiPolygon") if !lines => {}
        Some("LineString" | "MultiLineString") if lines => {}
        Some(t @ ("Polygon" | "MultiPolygon" | "LineString" | "MultiLineString")) => {
            return wrong(if t.starts_with("Multi") {
                if lines {
                    "MultiPolygon"
                } else {
                    "MultiLineString"
                }
            } else if lines {
                "Polygon"
            } else {
                "LineString"
            });
        }
        Some("Point") => return wrong("Point"),
        Some("MultiPoint") => return wrong("MultiPoint"),
        Some("GeometryCollection") => return wrong("GeometryCollection"),
        Some(other) => {
            return Err(ProposalError::MalformedGeometry {
                index,
                reason: format!("unknown geometry type {other:?}"),
            });
        }
        None => {
            return Err(ProposalError::MalformedGeometry {
                index,
                reason: "geometry has no \"type\"".into(),
            });
        }
    }
    let mut raw = match geometry_from_json(g) {
        Ok(Some(raw)) => raw,
        Ok(None) => return Ok(Err(GeometryProblem::Empty)),
        Err(reason) => return Err(ProposalError::MalformedGeometry { index, reason }),
    };
    if let Err(p) = to_wgs84(&mut raw, crs) {
        return Ok(Err(p));
    }
    Ok(ValidGeometry::new(raw, shape))
}

/// Reprojects in place; a coordinate the CRS cannot take is a geometry problem.
pub(crate) fn to_wgs84(raw: &mut RawGeometry, crs: &Crs) -> Result<(), GeometryProblem> {
    if crs.is_wgs84_geographic() {
        // ValidGeometry::new checks the range of longitudes and latitudes.
        return Ok(());
    }
    let mut index = 0usize;
    let projected = !crs.is_geographic();
    raw.try_map_coords(&mut |c: Coord| {
        let i = index;
        index += 1;
        let out = crs.to_wgs84(c).map_err(|e| problem(e, i))?;
        // Outside its domain an inverse projection gives finite nonsense (a UTM northing beyond
        // the pole lands in the Pacific): a coordinate that does not come back is out of range.
        if projected {
            let back = crs.from_wgs84(out).ok();
            if back.is_none_or(|b| (b.x - c.x).hypot(b.y - c.y) > ROUND_TRIP_M) {
                return Err(GeometryProblem::OutOfRange { x: c.x, y: c.y });
            }
        }
        Ok(out)
    })
}

/// How far a projected coordinate may move on the way to EPSG:4326 and back, CRS units (metres).
const ROUND_TRIP_M: f64 = 0.001;

fn problem(e: CrsError, index: usize) -> GeometryProblem {
    match e {
        CrsError::NonFiniteCoordinate { x, y } => GeometryProblem::NonFinite { index, x, y },
        CrsError::OutOfRange { lon, lat } => GeometryProblem::OutOfRange { x: lon, y: lat },
        CrsError::Transform { x, y, .. } => GeometryProblem::OutOfRange { x, y },
        other => GeometryProblem::InvalidPolygon {
            part: 1,
            detail: other.to_string(),
            location: None,
        },
    }
}
