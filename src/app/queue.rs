//! The planners' review queue: where a land request lies, and the list's filters by district
//! and by age.
//!
//! A request's district is the current district (from the index's snapshot) at one
//! representative point of its land, found in this order: an interior point of its first parcel
//! that is current in the index; else of the first parcel its approval created that is current;
//! else a point of its proposal (`proposed`: a plan's `boundary` feature if it has one, else the
//! first feature), reprojected from the request's CRS to WGS 84. One point-in-polygon lookup a
//! request, by the rule `/api/identify` follows (`LayerIndex::smallest_at`); nothing is read
//! from the store. A district carries public names only.
//!
//! The filters run over the list the store returned, here and not in the store, so they hold
//! for every store backend.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use geo::{Coord, InteriorPoint, LineString, Polygon};
use serde_json::{Value, json};

use crate::domain::attributes::Attributes;
use crate::domain::crs::Crs;
use crate::domain::geojson::geometry_from_json;
use crate::domain::register::StoredFeature;
use crate::domain::request::LandRequest;
use crate::domain::{FeatureId, LayerKind, RawGeometry, ValidGeometry};
use crate::index::{Index, Snapshot};

/// What the queue keeps beyond the store's own filter (status, kind, author, parcel).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueFilter {
    /// Only requests whose land lies in this district (a district's feature id).
    pub district: Option<FeatureId>,
    /// Only requests created at or before this moment.
    pub created_by: Option<DateTime<Utc>>,
}

impl QueueFilter {
    /// The moment a request must have been created by to be `days` days old at `now`. A number
    /// of days beyond the calendar's range gives its first moment (no request is that old).
    pub fn days_before(now: DateTime<Utc>, days: u64) -> DateTime<Utc> {
        i64::try_from(days)
            .ok()
            .and_then(Duration::try_days)
            .and_then(|d| now.checked_sub_signed(d))
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// Whether the age filter lets `r` through (checked before its district is looked up).
    pub fn old_enough(&self, r: &LandRequest) -> bool {
        self.created_by.is_none_or(|t| r.created_at <= t)
    }

    /// Whether the district filter lets through a request lying in `district`.
    pub fn in_district(&self, district: Option<&StoredFeature>) -> bool {
        self.district
            .is_none_or(|want| district.is_some_and(|d| d.fid == want))
    }
}

/// Finds requests' districts in one snapshot of the index.
pub struct Locator {
    snapshot: Arc<Snapshot>,
    /// The CRSs of proposals met so far (`None`: not one this server reads).
    crs: HashMap<String, Option<Crs>>,
}

impl Locator {
    /// A locator over the index's current snapshot.
    pub fn new(index: &Index) -> Locator {
        Locator::over(index.snapshot())
    }

    /// A locator over `snapshot`.
    pub fn over(snapshot: Arc<Snapshot>) -> Locator {
        Locator {
            snapshot,
            crs: HashMap::new(),
        }
    }

    /// Whether `fid` is a current district.
    pub fn is_district(&self, fid: FeatureId) -> bool {
        self.snapshot.layer(LayerKind::Districts).get(fid).is_some()
    }

    /// The current district at the request's representative point, if any.
    pub fn district(&mut self, r: &LandRequest) -> Option<Arc<StoredFeature>> {
        let at = self.point(r)?;
        self.snapshot
            .layer(LayerKind::Districts)
            .smallest_at(at)
            .cloned()
    }

    /// The request's representative point, WGS 84 degrees (see the module's description).
    pub fn point(&mut self, r: &LandRequest) -> Option<Coord> {
        let parcels = self.snapshot.layer(LayerKind::Parcels);
        let current = |fids: &[FeatureId]| {
            fids.iter()
                .find_map(|f| parcels.get(*f))
                .and_then(|f| inside(f.feature.geometry()))
        };
        if let Some(p) = current(&r.parcels) {
            return Some(p);
        }
        if let Some(p) = current(&r.created) {
            return Some(p);
        }
        let raw = proposed_point(&r.proposed)?;
        let crs = self
            .crs
            .entry(r.crs.clone())
            .or_insert_with(|| Crs::parse(&r.crs).ok())
            .as_ref()?;
        crs.to_wgs84(raw).ok()
    }
}

/// A district as a request names it: `{"id", "name_ar", "name_en"}`, or null.
pub fn district_json(d: Option<&StoredFeature>) -> Value {
    match d.map(|d| (d.fid, d.feature.attributes())) {
        Some((fid, Attributes::District(a))) => {
            json!({"id": fid.0, "name_ar": a.name_ar, "name_en": a.name_en})
        }
        _ => Value::Null,
    }
}

/// A point inside a polygon (on a line, at a point) of the geometry.
fn inside(g: &ValidGeometry) -> Option<Coord> {
    match g {
        ValidGeometry::Point(p) => Some(p.0),
        ValidGeometry::Polygon(p) => p.interior_point().map(|p| p.0),
        ValidGeometry::MultiPolygon(m) => m.0.first()?.interior_point().map(|p| p.0),
        ValidGeometry::MultiLineString(m) => m.0.first()?.0.first().copied(),
    }
}

/// A point of the proposal in its own CRS: inside the first polygon of its `boundary` feature
/// (a plan's), else of its first feature; the first coordinate of anything else.
fn proposed_point(proposed: &Value) -> Option<Coord> {
    let features = proposed.get("features")?.as_array()?;
    let feature = features
        .iter()
        .find(|f| f.pointer("/properties/role").and_then(Value::as_str) == Some("boundary"))
        .or_else(|| features.first())?;
    let raw = geometry_from_json(feature.get("geometry")?).ok()??;
    raw_point(&raw)
}

fn raw_point(g: &RawGeometry) -> Option<Coord> {
    let in_rings = |rings: &[Vec<Coord>]| {
        let exterior = rings.first()?;
        Polygon::new(LineString::from(exterior.clone()), vec![])
            .interior_point()
            .map(|p| p.0)
            .or_else(|| exterior.first().copied())
    };
    match g {
        RawGeometry::Point(c) => Some(*c),
        RawGeometry::LineString(cs) | RawGeometry::MultiPoint(cs) => cs.first().copied(),
        RawGeometry::MultiLineString(ls) => ls.first()?.first().copied(),
        RawGeometry::Polygon(rings) => in_rings(rings),
        RawGeometry::MultiPolygon(polys) => in_rings(polys.first()?),
        RawGeometry::GeometryCollection(gs) => gs.first().and_then(raw_point),
    }
}

#[cfg(test)]
#[path = "queue_tests.rs"]
mod tests;
