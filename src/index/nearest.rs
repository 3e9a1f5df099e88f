//! Exact nearest-neighbour search by WGS 84 geodesic distance.
//!
//! Point layers: candidates come from the 3D R-tree of Earth-centred positions in chord order;
//! each candidate's geodesic distance is computed (`chord::geodesic_m`), and the search stops when
//! the chord to the next candidate (`chord::lower_bound_m`) exceeds the k-th distance found or the
//! radius.
//! Other layers (streets): every feature whose box meets a growing window around the point is
//! measured, so the nearest is exact whatever its shape.

use std::sync::Arc;

use geo::{Closest, ClosestPoint, Coord, Point};

use super::chord::{LOWER_RADIUS_M, ecef, geodesic_between, geodesic_m, lower_bound_m};
use super::layer::LayerIndex;
use crate::domain::register::StoredFeature;
use crate::domain::{Bbox, ValidGeometry};

/// A nearest-neighbour question.
pub struct NearbyQuery<'a> {
    /// Where from, lon/lat degrees.
    pub at: Coord,
    /// At most this many answers.
    pub limit: usize,
    /// Only features within this geodesic distance, metres.
    pub radius_m: Option<f64>,
    /// Only features for which this holds (category, open now, ...).
    pub filter: &'a (dyn Fn(&StoredFeature) -> bool + Sync),
}

/// An answer: a feature and its geodesic distance in metres.
#[derive(Clone, Debug)]
pub struct Nearby {
    pub feature: Arc<StoredFeature>,
    pub distance_m: f64,
}

/// Orders answers by distance, then by id (so ties are deterministic).
fn better(a: &Nearby, b: &Nearby) -> std::cmp::Ordering {
    a.distance_m
        .total_cmp(&b.distance_m)
        .then(a.feature.fid.cmp(&b.feature.fid))
}

impl LayerIndex {
    /// The `limit` nearest point features passing the filter, nearest first (ties by id).
    pub fn nearest_points(&self, q: &NearbyQuery<'_>) -> Vec<Nearby> {
        let mut best: Vec<Nearby> = Vec::with_capacity(q.limit + 1);
        if q.limit == 0 {
            return best;
        }
        let v = ecef(q.at);
        for (candidate, chord2) in self.points_by_chord(&v) {
            let bound = lower_bound_m(chord2);
            if q.radius_m.is_some_and(|r| bound > r) {
                break;
            }
            if best.len() == q.limit && best.last().is_some_and(|kth| bound > kth.distance_m) {
                break;
            }
            if !(q.filter)(&candidate.feature) {
                continue;
            }
            let d = geodesic_m(q.at, &v, candidate.at, &candidate.v);
            if q.radius_m.is_some_and(|r| d > r) {
                continue;
            }
            let item = Nearby {
                feature: candidate.feature.clone(),
                distance_m: d,
            };
            let at = best.partition_point(|b| better(b, &item).is_lt());
            if at < q.limit {
                best.insert(at, item);
                best.truncate(q.limit);
            }
        }
        best
    }

    /// The feature nearest to the point (any geometry), with its geodesic distance in metres;
    /// searched within `max_m`.
    pub fn nearest_feature(&self, at: Coord, max_m: f64) -> Option<Nearby> {
        let mut window = 250.0f64;
        loop {
            let window_m = window.min(max_m);
            let best = self
                .in_bbox(&window_box(at, window_m))
                .into_iter()
                .map(|f| Nearby {
                    feature: f.clone(),
                    distance_m: distance_to(at, f.feature.geometry()),
                })
                .min_by(better);
            // A feature within the window's radius is the nearest overall: anything nearer
            // would be inside the window too.
            if let Some(b) = best.filter(|b| b.distance_m <= window_m) {
                return Some(b);
            }
            if window_m >= max_m {
                return None;
            }
            window *= 4.0;
        }
    }
}

/// A lon/lat box that holds every point within `r` metres of `at`.
fn window_box(at: Coord, r: f64) -> Bbox {
    let dlat = (r / LOWER_RADIUS_M).to_degrees();
    let coslat = (at.y.abs() + dlat).min(89.9).to_radians().cos();
    let dlon = (dlat / coslat).min(180.0);
    Bbox {
        min_x: at.x - dlon,
        min_y: at.y - dlat,
        max_x: at.x + dlon,
        max_y: at.y + dlat,
    }
}

/// Geodesic distance (metres) from a point to the nearest point of a geometry (0 inside a polygon).
pub fn distance_to(at: Coord, g: &ValidGeometry) -> f64 {
    if let ValidGeometry::Point(p) = g {
        return geodesic_between(at, p.0);
    }
    // Find the closest point in a local equirectangular frame (exact enough for locating it),
    // then measure the geodesic distance to it.
    let k = at.y.to_radians().cos().max(1e-6);
    let scale = |c: Coord| Coord {
        x: (c.x - at.x) * k,
        y: c.y - at.y,
    };
    let unscale = |c: Coord| Coord {
        x: c.x / k + at.x,
        y: c.y + at.y,
    };
    let mut local = g.to_geo();
    use geo::MapCoordsInPlace;
    local.map_coords_in_place(scale);
    let origin = Point::new(0.0, 0.0);
    use geo::Intersects;
    if local.intersects(&origin) {
        return 0.0;
    }
    match local.closest_point(&origin) {
        Closest::Intersection(_) => 0.0,
        Closest::SinglePoint(p) => geodesic_between(at, unscale(p.0)),
        // Only for empty geometry, which a valid geometry never is.
        Closest::Indeterminate => f64::INFINITY,
    }
}
