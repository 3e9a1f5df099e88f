//! The pure geometric checks of a subdivision (فرز) or merge (دمج) request.
//!
//! Given the parent parcels as the register holds them, the proposed children as the surveyor
//! drew them (`proposal`), the streets near the parents and the other parcels of their block,
//! [`run_checks`] says, check by check, whether the change can be registered, and if not, what is
//! wrong, where, and what to fix, in Arabic and English. It knows nothing of HTTP or SQL: the
//! workflow engine gathers the `Situation` and keeps the outcomes.
//!
//! Every check always reports, in the fixed order of [`CHECK_CODES`]. A check that cannot be
//! computed because a prerequisite failed (a parent that is not current, an invalid child) reports
//! `passed = false` with `detail = {"skipped": "why"}`. The merge-only checks (`adjacent`,
//! `same_block`, `same_owner`) report `passed = true` with `detail = {"applies": false}` for a
//! subdivision, so that the list of codes never depends on the request.
//!
//! Coordinates are EPSG:4326 longitude/latitude in degrees; areas are geodesic m² on the WGS 84
//! ellipsoid; lengths (frontage, shared boundaries) are metres measured in a local tangent frame
//! around the proposal (see `local`), far under 0.1 % from geodesic at parcel scale.

use std::collections::BTreeMap;

use geo::Polygon;

use crate::domain::FeatureId;
use crate::domain::ValidGeometry;
use crate::domain::attributes::{Attributes, Parcel};
use crate::domain::register::StoredFeature;

mod area;
mod basic;
mod cut;
mod deed;
mod frontage;
mod local;
mod merge;
mod outcome;
pub mod plan;
pub mod proposal;

pub use area::{gap_and_excess_m2, overlap_m2};
pub use cut::cut_by_line;
pub use deed::{
    DEED_CHECK_CODES, DeedSituation, SKETCH_CHECK_CODES, run_deed_checks, run_sketch_checks,
};

/// The codes of the checks, in the order [`run_checks`] reports them.
pub const CHECK_CODES: [&str; 11] = [
    "parcel_count",
    "valid_geometry",
    "parcels_current",
    "unique_parcel_no",
    "covers_parent",
    "no_overlap",
    "min_area",
    "street_frontage",
    "adjacent",
    "same_block",
    "same_owner",
];

/// Rule numbers, per municipality (TOML `[rules]` table); `Default` = the published values
/// (DOMAIN.md, "Published subdivision rules").
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SplitRules {
    /// Gap, excess and overlap areas may each be at most this many m² (0.5) ...
    pub area_tolerance_m2: f64,
    /// ... and at most this fraction of the parents' geodesic area (0.001): the tolerance is the
    /// smaller of the two.
    pub area_tolerance_ratio: f64,
    /// Least geodesic area of a child, m² (200), unless its land use has its own minimum.
    pub min_child_area_m2: f64,
    /// Land-use code (`LandUse::code`, e.g. `"commercial"`) → least area of a child of that use,
    /// m²; overrides `min_child_area_m2`. Empty by default.
    pub min_child_area_by_land_use: BTreeMap<String, f64>,
    /// Least geodesic area of a subdivision's parent, m² (400).
    pub min_parent_area_m2: f64,
    /// Least frontage of each child on a street, metres (10).
    pub min_frontage_m: f64,
    /// Width assumed for a street whose width is not recorded, metres (10).
    pub default_street_width_m: f64,
    /// A boundary point fronts a street when it is within W/2 + this many metres of the street's
    /// centre line, W the street's width (3).
    pub frontage_margin_m: f64,
    /// A deed update's surveyed area may differ from the deed's by this fraction (0.01);
    /// beyond it the approving planner must accept the difference.
    pub deed_area_tolerance_ratio: f64,
    /// A corrected boundary or a survey sketch's corners may move this far from the register's
    /// boundary, metres (0.5); beyond it the approving planner must accept the move.
    pub corner_tolerance_m: f64,
    /// Fewest and most digits of a deed number (6 and 14).
    pub deed_no_min_digits: usize,
    pub deed_no_max_digits: usize,
    /// Least width of a plan's street, metres (15, residential).
    pub min_street_width_m: f64,
    /// Least share of a plan's area given to streets and public lands (0.33).
    pub min_public_share: f64,
}

impl Default for SplitRules {
    fn default() -> Self {
        SplitRules {
            area_tolerance_m2: 0.5,
            area_tolerance_ratio: 0.001,
            min_child_area_m2: 200.0,
            min_child_area_by_land_use: BTreeMap::new(),
            min_parent_area_m2: 400.0,
            min_frontage_m: 10.0,
            default_street_width_m: 10.0,
            frontage_margin_m: 3.0,
            deed_area_tolerance_ratio: 0.01,
            corner_tolerance_m: 0.5,
            deed_no_min_digits: 6,
            deed_no_max_digits: 14,
            min_street_width_m: 15.0,
            min_public_share: 0.33,
        }
    }
}

/// What the request does to the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// One parent into two or more children (فرز).
    Subdivision,
    /// Two or more parents into one or more children (دمج).
    Merge,
}

/// A parent parcel named by the request.
#[derive(Clone, Copy, Debug)]
pub struct Parent<'a> {
    /// The parcel the request names.
    pub fid: FeatureId,
    /// The parcel as the register holds it now; `None` when it is not a current parcel.
    pub current: Option<&'a StoredFeature>,
    /// The owner's national id, if known (compared, never reported).
    pub owner_id: Option<&'a str>,
}

/// Everything the checks look at.
#[derive(Clone, Debug)]
pub struct Situation<'a> {
    pub kind: ChangeKind,
    pub parents: Vec<Parent<'a>>,
    pub children: Vec<proposal::ProposedParcel>,
    /// Current streets near the parents (the caller picks them).
    pub streets: Vec<&'a StoredFeature>,
    /// Current parcels of the parents' plan and block, parents excluded (a parent given here
    /// anyway is ignored).
    pub block_parcels: Vec<&'a StoredFeature>,
}

/// The result of one check.
#[derive(Clone, Debug, serde::Serialize, PartialEq)]
pub struct CheckOutcome {
    /// One of [`CHECK_CODES`].
    pub code: &'static str,
    pub passed: bool,
    /// What is wrong and what to fix (or that all is well), in Arabic.
    pub message_ar: String,
    /// The same in English.
    pub message_en: String,
    /// Where: child index and parcel number, fid, measured value, limit, a lon/lat location or a
    /// GeoJSON geometry of the fault; `{"skipped": why}` when it could not be computed.
    pub detail: serde_json::Value,
    /// A failure the approving planner may accept explicitly (a deed's area or a corner's
    /// move beyond the tolerance); served only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub acceptable: bool,
}

/// Runs every check, always, in the order of [`CHECK_CODES`].
///
/// Cost: O((n + m) log(n + m)) boolean operations for covering, O(n²) box tests and one
/// intersection per pair of children whose boxes meet, O(s × v) for frontage (s street segments,
/// v child vertices); n children, m parents. Never panics on any input.
pub fn run_checks(s: &Situation, rules: &SplitRules) -> Vec<CheckOutcome> {
    let facts = Facts::new(s, rules);
    vec![
        basic::parcel_count(s),
        basic::valid_geometry(s),
        basic::parcels_current(s),
        basic::unique_parcel_no(s),
        area::covers_parent(&facts),
        area::no_overlap(&facts),
        area::min_area(s, &facts, rules),
        frontage::street_frontage(s, &facts, rules),
        merge::adjacent(s, &facts),
        merge::same_block(s),
        merge::same_owner(s),
    ]
}

/// What several checks need, computed once: the geometries when they are all usable.
pub(crate) struct Facts<'a> {
    /// The children's polygons, when every child is valid (and there is at least one).
    pub children: Option<Vec<&'a Polygon>>,
    /// The parents' polygons, when every parent is a current parcel (and there is at least one).
    pub parents: Option<Vec<&'a Polygon>>,
    /// The parents' geodesic area, m², when known.
    pub parents_area_m2: Option<f64>,
    /// The area tolerance, m², when the parents' area is known.
    pub tolerance_m2: Option<f64>,
    /// Each child's reference for details (`{"index", "parcel_no"}`), in order.
    pub child_refs: Vec<serde_json::Value>,
}

impl<'a> Facts<'a> {
    fn new(s: &'a Situation, rules: &SplitRules) -> Facts<'a> {
        let children: Option<Vec<&Polygon>> = s
            .children
            .iter()
            .map(|c| c.geometry.as_ref().ok())
            .collect::<Option<Vec<_>>>()
            .filter(|v| !v.is_empty());
        let parents: Option<Vec<&Polygon>> = s
            .parents
            .iter()
            .map(|p| parent_polygon(p))
            .collect::<Option<Vec<_>>>()
            .filter(|v| !v.is_empty());
        let parents_area_m2 = parents
            .as_ref()
            .map(|ps| ps.iter().map(|p| area::polygon_area_m2(p)).sum::<f64>());
        let tolerance_m2 =
            parents_area_m2.map(|a| rules.area_tolerance_m2.min(rules.area_tolerance_ratio * a));
        Facts {
            children,
            parents,
            parents_area_m2,
            tolerance_m2,
            child_refs: s.children.iter().map(outcome::child_ref).collect(),
        }
    }
}

/// The parcel attributes of a current feature, `None` for a feature of another layer.
pub(crate) fn parcel_attributes(f: &StoredFeature) -> Option<&Parcel> {
    match f.feature.attributes() {
        Attributes::Parcel(p) => Some(p),
        _ => None,
    }
}

/// The polygon of a parent that is a current parcel (of the parcels layer, with the fid named).
pub(crate) fn parent_polygon<'a>(p: &Parent<'a>) -> Option<&'a Polygon> {
    let f = p.current.filter(|f| f.fid == p.fid)?;
    parcel_attributes(f)?;
    match f.feature.geometry() {
        ValidGeometry::Polygon(poly) => Some(poly),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
