//! From a source record to a valid feature, or to a rejection that says why and where.
//!
//! Order of checks: readable record, geometry present and well formed, finite coordinates,
//! reprojection to EPSG:4326, geometry validity for the layer, attributes. Duplicate ids are
//! checked later, by the writer side, which knows what the store already holds.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde_json::{Map, Value};

use super::json_geometry::raw_to_json;
use super::source::{ReadItem, SourcePosition};
use crate::domain::attributes::{AttributeProblem, PropertyTaker, parse_attributes};
use crate::domain::category::CategoryRegistry;
use crate::domain::crs::Crs;
use crate::domain::{
    Feature, GeometryProblem, LayerKind, Lifespan, RawGeometry, SourceId, ValidGeometry,
};

/// Why a record was not imported.
#[derive(Clone, Debug, PartialEq)]
pub enum RejectReason {
    /// The text is not a record of the format (garbage line, truncated tail).
    Unparseable(String),
    /// The record has no geometry.
    MissingGeometry,
    /// The geometry is there but not well formed.
    MalformedGeometry(String),
    /// The geometry could not be reprojected to EPSG:4326.
    Reprojection(String),
    /// The geometry is of the wrong type or invalid.
    Geometry(GeometryProblem),
    /// An attribute is missing or has an invalid value.
    Attribute(AttributeProblem),
    /// Another record (or a current feature of the layer) has the same id.
    DuplicateId {
        id: String,
        first: Option<SourcePosition>,
    },
}

impl RejectReason {
    /// A stable machine-readable code, used in summaries and the rejects file.
    pub fn code(&self) -> &'static str {
        match self {
            RejectReason::Unparseable(_) => "unparseable",
            RejectReason::MissingGeometry => "missing_geometry",
            RejectReason::MalformedGeometry(_) => "malformed_geometry",
            RejectReason::Reprojection(_) => "reprojection_failed",
            RejectReason::Geometry(g) => g.code(),
            RejectReason::Attribute(a) => a.code(),
            RejectReason::DuplicateId { .. } => "duplicate_id",
        }
    }
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RejectReason::Unparseable(m) => write!(f, "unparseable: {m}"),
            RejectReason::MissingGeometry => f.write_str("the record has no geometry"),
            RejectReason::MalformedGeometry(m) => write!(f, "malformed geometry: {m}"),
            RejectReason::Reprojection(m) => write!(f, "cannot reproject to EPSG:4326: {m}"),
            RejectReason::Geometry(g) => g.fmt(f),
            RejectReason::Attribute(a) => a.fmt(f),
            RejectReason::DuplicateId { id, first: Some(p) } => {
                write!(f, "duplicate id {id:?}: {p} has the same id")
            }
            RejectReason::DuplicateId { id, first: None } => write!(
                f,
                "duplicate id {id:?}: the layer already has a current feature with this id"
            ),
        }
    }
}

/// A record that was not imported, with what is needed to find and fix it.
#[derive(Clone, Debug)]
pub struct Rejection {
    pub position: SourcePosition,
    pub reason: RejectReason,
    /// The record's own id, if it had one.
    pub id: Option<Value>,
    /// The record's properties as read.
    pub properties: Map<String, Value>,
    /// The geometry as GeoJSON (EPSG:4326 when it could be reprojected), when there was one.
    pub geometry: Option<Value>,
    /// The start of the text, for records that could not be parsed.
    pub excerpt: Option<String>,
}

/// The outcome for one record.
#[derive(Debug)]
pub enum Prepared {
    Feature(Box<Feature>, SourcePosition),
    Rejected(Box<Rejection>),
}

/// Turns records into features for one layer.
pub struct Preparer {
    pub layer: LayerKind,
    pub crs: Crs,
    pub mapping: HashMap<String, String>,
    pub categories: Arc<CategoryRegistry>,
}

/// Dates without a time are midnight in the city (Asia/Riyadh, UTC+3, no daylight saving).
fn moment(v: &Value) -> Result<DateTime<Utc>, String> {
    let s = v
        .as_str()
        .map(str::trim)
        .ok_or("expected a date or date-time string")?;
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| "expected 2024-05-31 or 2024-05-31T08:00:00+03:00".to_string())?;
    let riyadh = FixedOffset::east_opt(3 * 3600).ok_or("bad offset")?;
    riyadh
        .from_local_datetime(&d.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| "no such local time".to_string())
}

impl Preparer {
    /// Prepares one item read from the source.
    pub fn prepare(&self, item: ReadItem) -> Prepared {
        let record = match item {
            ReadItem::Record(r) => r,
            ReadItem::Unreadable {
                position,
                message,
                excerpt,
            } => {
                return Prepared::Rejected(Box::new(Rejection {
                    position,
                    reason: RejectReason::Unparseable(message),
                    id: None,
                    properties: Map::new(),
                    geometry: None,
                    excerpt: Some(excerpt),
                }));
            }
        };
        let position = record.position;
        let reject = |reason: RejectReason,
                      geometry: Option<&RawGeometry>,
                      props: Map<String, Value>,
                      id: Option<Value>| {
            Prepared::Rejected(Box::new(Rejection {
                position,
                reason,
                id,
                properties: props,
                geometry: geometry.and_then(raw_to_json),
                excerpt: None,
            }))
        };
        let mut raw = match record.geometry {
            Err(m) => {
                return reject(
                    RejectReason::MalformedGeometry(m),
                    None,
                    record.properties,
                    record.id,
                );
            }
            Ok(None) => {
                return reject(
                    RejectReason::MissingGeometry,
                    None,
                    record.properties,
                    record.id,
                );
            }
            Ok(Some(g)) => g,
        };
        if let Err(problem) = first_non_finite(&raw) {
            return reject(
                RejectReason::Geometry(problem),
                None,
                record.properties,
                record.id,
            );
        }
        if !self.crs.is_wgs84_geographic() {
            let source = raw.clone();
            if let Err(e) = raw.try_map_coords(&mut |c| self.crs.to_wgs84(c)) {
                return reject(
                    RejectReason::Reprojection(e.to_string()),
                    Some(&source),
                    record.properties,
                    record.id,
                );
            }
        }
        let geometry = match ValidGeometry::new(raw.clone(), self.layer.shape()) {
            Ok(g) => g,
            Err(p) => {
                return reject(
                    RejectReason::Geometry(p),
                    Some(&raw),
                    record.properties,
                    record.id,
                );
            }
        };
        let mut rest = record.properties.clone();
        let mut taker = PropertyTaker::new(self.layer, &mut rest, &self.mapping);
        let source_id = taker
            .take("id")
            .or_else(|| record.id.clone())
            .and_then(|v| SourceId::from_value(&v));
        let valid_from = match taker
            .take("valid_from")
            .map(|v| moment(&v).map_err(|e| (v, e)))
            .transpose()
        {
            Ok(t) => t,
            Err((v, reason)) => {
                let problem = AttributeProblem::Invalid {
                    field: "valid_from".into(),
                    value: v.to_string(),
                    reason,
                };
                return reject(
                    RejectReason::Attribute(problem),
                    Some(&raw),
                    record.properties,
                    record.id,
                );
            }
        };
        let attributes = match parse_attributes(&mut taker, &self.categories) {
            Ok(a) => a,
            Err(p) => {
                return reject(
                    RejectReason::Attribute(p),
                    Some(&raw),
                    record.properties,
                    record.id,
                );
            }
        };
        match Feature::new(
            source_id,
            geometry,
            attributes,
            rest,
            Lifespan {
                valid_from,
                valid_to: None,
            },
        ) {
            Ok(f) => Prepared::Feature(Box::new(f), position),
            Err(e) => reject(
                RejectReason::MalformedGeometry(e.to_string()),
                Some(&raw),
                record.properties,
                record.id,
            ),
        }
    }
}

fn first_non_finite(raw: &RawGeometry) -> Result<(), GeometryProblem> {
    let mut probe = raw.clone();
    let mut index = 0usize;
    probe.try_map_coords(&mut |c| {
        let r = if c.x.is_finite() && c.y.is_finite() {
            Ok(c)
        } else {
            Err(GeometryProblem::NonFinite {
                index,
                x: c.x,
                y: c.y,
            })
        };
        index += 1;
        r
    })
}
