//! Ranking: best score first, then (when a point is given) nearest first by WGS 84 geodesic
//! distance, then by layer and id, so equal answers always come in the same order.
//!
//! Only the hits that can reach the first `limit` are measured: every hit scoring above the
//! `limit`-th best score is in; among those scoring exactly that, the nearest fill the rest. Point
//! features carry their Earth-centred position, whose straight-line chord to the query point is a
//! lower bound of the geodesic distance (`index::chord`), so candidates are measured in order of
//! that bound and the search stops once no later one can be nearer.

use std::cmp::Ordering;
use std::sync::Arc;

use geo::Coord;

use super::text::Field;
use crate::domain::register::StoredFeature;
use crate::domain::{FeatureId, LayerKind};
use crate::index::Snapshot;
use crate::index::chord::{chord2, ecef, key_of_distance, lower_bound_m};

/// A feature matched by a query (kept small: a query may match a hundred thousand).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub layer: LayerKind,
    pub field: Field,
    /// The caller's index of the feature, through which `top` asks for a point's position.
    pub target: u32,
    pub fid: FeatureId,
    pub score: f64,
}

/// The Earth-centred position (see [`ecef`]) of a hit that is a point feature, if known.
pub type PositionOf<'a> = &'a dyn Fn(&Hit) -> Option<[f64; 3]>;

/// A result: the feature, how it matched, and its distance from the query point.
#[derive(Clone, Debug)]
pub struct Found {
    pub feature: Arc<StoredFeature>,
    pub layer: LayerKind,
    pub score: f64,
    pub field: Field,
    /// Geodesic distance (WGS 84) from the query point to the nearest point of the feature,
    /// metres; 0 inside a polygon. `None` without a query point.
    pub distance_m: Option<f64>,
}

/// Geodesic distance (metres) from a point to the nearest point of a geometry (0 inside): the
/// index's measure, so search and nearby agree to the millimetre.
pub use crate::index::distance_to as distance_m;

fn by_score_then_id(a: &Hit, b: &Hit) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then(a.layer.cmp(&b.layer))
        .then(a.fid.cmp(&b.fid))
}

/// The first `limit` hits in ranking order (see the module documentation), with their features.
pub fn top(
    mut hits: Vec<Hit>,
    snapshot: &Snapshot,
    near: Option<Coord>,
    limit: usize,
    position: PositionOf<'_>,
) -> Vec<Found> {
    if limit == 0 || hits.is_empty() {
        return Vec::new();
    }
    let feature = |h: &Hit| snapshot.layer(h.layer).get(h.fid).cloned();
    let found = |h: &Hit, d: Option<f64>| {
        feature(h).map(|feature| Found {
            feature,
            layer: h.layer,
            score: h.score,
            field: h.field,
            distance_m: d,
        })
    };
    let Some(at) = near else {
        if hits.len() > limit {
            hits.select_nth_unstable_by(limit - 1, by_score_then_id);
            hits.truncate(limit);
        }
        hits.sort_unstable_by(by_score_then_id);
        return hits.iter().filter_map(|h| found(h, None)).collect();
    };
    let measure =
        |h: &Hit| feature(h).map_or(f64::INFINITY, |f| distance_m(at, f.feature.geometry()));
    let mut chosen: Vec<(Hit, f64)> = Vec::with_capacity(limit);
    if hits.len() <= limit {
        chosen.extend(hits.iter().map(|h| (*h, measure(h))));
    } else {
        hits.select_nth_unstable_by(limit - 1, |a, b| b.score.total_cmp(&a.score));
        let cut = hits[limit - 1].score;
        let (sure, tie): (Vec<Hit>, Vec<Hit>) = hits
            .into_iter()
            .filter(|h| h.score >= cut)
            .partition(|h| h.score > cut);
        chosen.extend(sure.iter().map(|h| (*h, measure(h))));
        let need = limit - chosen.len();
        chosen.extend(nearest(&tie, at, need, measure, position));
    }
    chosen.sort_unstable_by(|(a, da), (b, db)| {
        b.score
            .total_cmp(&a.score)
            .then(da.total_cmp(db))
            .then(a.layer.cmp(&b.layer))
            .then(a.fid.cmp(&b.fid))
    });
    chosen
        .iter()
        .filter_map(|(h, d)| found(h, Some(*d)))
        .collect()
}

/// The `need` hits nearest to `at` (ties by layer and id), with their distances.
///
/// Candidates are ordered by a key that never overtakes their geodesic distance: the squared
/// chord to a point feature's position, and for other features the square of their
/// exact distance. Only the nearest few are sorted; the rest are sorted only if needed.
fn nearest(
    tie: &[Hit],
    at: Coord,
    need: usize,
    measure: impl Fn(&Hit) -> f64,
    position: PositionOf<'_>,
) -> Vec<(Hit, f64)> {
    let v = ecef(at);
    // (key, position in `tie`); features other than points are measured again when taken.
    let mut cands: Vec<(f64, u32)> = tie
        .iter()
        .enumerate()
        .map(|(i, h)| match position(h) {
            Some(u) => (chord2(&v, &u), i as u32),
            None => (key_of_distance(measure(h)), i as u32),
        })
        .collect();
    let by_key = |a: &(f64, u32), b: &(f64, u32)| a.0.total_cmp(&b.0);
    let first = (need * 4).max(64);
    let split = if cands.len() > first {
        cands.select_nth_unstable_by(first, by_key);
        first
    } else {
        cands.len()
    };
    cands[..split].sort_unstable_by(by_key);
    let order = |a: &(Hit, f64), b: &(Hit, f64)| {
        a.1.total_cmp(&b.1)
            .then(a.0.layer.cmp(&b.0.layer))
            .then(a.0.fid.cmp(&b.0.fid))
    };
    let mut best: Vec<(Hit, f64)> = Vec::with_capacity(need + 1);
    // Takes candidates in key order; false once no later one can be among the nearest.
    let mut take = |(key, i): &(f64, u32)| {
        let bound = lower_bound_m(*key);
        if best.len() == need && best.last().is_some_and(|(_, d)| bound > *d) {
            return false;
        }
        let h = &tie[*i as usize];
        let item = (*h, measure(h));
        let at = best.partition_point(|b| order(b, &item).is_lt());
        if at < need {
            best.insert(at, item);
            best.truncate(need);
        }
        true
    };
    if cands[..split].iter().all(&mut take) && split < cands.len() {
        // Every later key is at least the first ones': sort them only now that they are needed.
        cands[split..].sort_unstable_by(by_key);
        for c in &cands[split..] {
            if !take(c) {
                break;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests;
