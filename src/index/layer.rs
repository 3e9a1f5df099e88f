//! One layer's index: an R-tree over the features' boxes (lon/lat degrees), a 3D R-tree of unit
//! vectors for point layers (geodesic nearest-neighbour search), and the features by id; each
//! kept as a bulk-loaded base and a small delta of the changes since (`delta.rs`).

use std::ops::Bound;
use std::sync::Arc;

use geo::{Coord, Intersects, Point, Rect};
use rstar::{AABB, Envelope, PointDistance, RStarInsertionStrategy, RTreeObject, RTreeParams};

use super::ChangeSet;
use super::chord::{chord2, ecef};
use super::delta::{Base, Changes, Delta, Live, Merge};
use crate::domain::register::StoredFeature;
use crate::domain::{Bbox, FeatureId, LayerKind, ValidGeometry};

/// A feature's box in the 2D tree.
#[derive(Clone, Debug)]
pub(super) struct Boxed {
    pub feature: Arc<StoredFeature>,
    /// The feature's id, kept beside the box so that hits sort without reaching the feature.
    pub fid: FeatureId,
    pub envelope: AABB<[f64; 2]>,
}

impl PartialEq for Boxed {
    fn eq(&self, o: &Self) -> bool {
        self.fid == o.fid
    }
}

impl RTreeObject for Boxed {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// A point feature at its Earth-centred position (metres) in the 3D tree.
#[derive(Clone, Debug)]
pub(super) struct InSpace {
    pub feature: Arc<StoredFeature>,
    pub at: Coord,
    pub v: [f64; 3],
}

impl PartialEq for InSpace {
    fn eq(&self, o: &Self) -> bool {
        self.feature.fid == o.feature.fid
    }
}

impl RTreeObject for InSpace {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.v)
    }
}

impl PointDistance for InSpace {
    fn distance_2(&self, p: &[f64; 3]) -> f64 {
        chord2(&self.v, p)
    }
}

/// Whether a geometry meets a box (boundary included). A vertex inside the box settles it at
/// once (most features crossing a query box's edge have one); otherwise the exact test decides.
fn touches_rect(g: &ValidGeometry, r: &Rect) -> bool {
    let (min, max) = (r.min(), r.max());
    let inside = |c: &Coord| c.x >= min.x && c.x <= max.x && c.y >= min.y && c.y <= max.y;
    match g {
        ValidGeometry::Point(p) => inside(&p.0),
        ValidGeometry::MultiLineString(m) => {
            m.0.iter().any(|l| l.0.iter().any(inside)) || m.intersects(r)
        }
        ValidGeometry::Polygon(p) => p.exterior().0.iter().any(inside) || p.intersects(r),
        ValidGeometry::MultiPolygon(m) => {
            m.0.iter().any(|p| p.exterior().0.iter().any(inside)) || m.intersects(r)
        }
    }
}

fn touches_point(g: &ValidGeometry, q: &Point) -> bool {
    match g {
        ValidGeometry::Point(p) => p == q,
        ValidGeometry::MultiLineString(m) => m.intersects(q),
        ValidGeometry::Polygon(p) => p.intersects(q),
        ValidGeometry::MultiPolygon(m) => m.intersects(q),
    }
}

/// The features of `hits` in id order, sorted on the ids kept beside their boxes.
fn in_fid_order<'a>(hits: impl Iterator<Item = &'a Boxed>) -> Vec<&'a Arc<StoredFeature>> {
    let mut hits: Vec<&Boxed> = hits.collect();
    hits.sort_unstable_by_key(|e| e.fid);
    hits.into_iter().map(|e| &e.feature).collect()
}

pub(super) fn boxed(f: &Arc<StoredFeature>) -> Boxed {
    let b = f.feature.geometry().bbox();
    Boxed {
        feature: f.clone(),
        fid: f.fid,
        envelope: AABB::from_corners([b.min_x, b.min_y], [b.max_x, b.max_y]),
    }
}

pub(super) fn in_space(f: &Arc<StoredFeature>) -> Option<InSpace> {
    match f.feature.geometry() {
        ValidGeometry::Point(p) => Some(InSpace {
            feature: f.clone(),
            at: p.0,
            v: ecef(p.0),
        }),
        _ => None,
    }
}

/// Nodes of up to 12 children rather than rstar's default 6: the trees are read far more than
/// written, and wider nodes make box queries over the province's 1.2 million parcels about a
/// third faster and bulk loading three times faster (nearest-point walks are unchanged).
#[derive(Clone, Copy, Debug)]
pub(super) struct IndexParams;

impl RTreeParams for IndexParams {
    const MIN_SIZE: usize = 5;
    const MAX_SIZE: usize = 12;
    const REINSERTION_COUNT: usize = 3;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// The index of one layer at one version: an immutable base, bulk-loaded and shared by every
/// version until the next compaction, and the small delta of changes made since (see
/// `delta.rs`). Every query merges the two, so it answers as a fresh `build` of the same
/// features would.
#[derive(Clone, Debug)]
pub struct LayerIndex {
    layer: LayerKind,
    pub(super) base: Arc<Base>,
    pub(super) delta: Delta,
}

impl LayerIndex {
    /// Bulk-loads the index of `layer` (O(n log n)). Of features sharing an id, the last counts.
    pub fn build(layer: LayerKind, features: Vec<StoredFeature>) -> LayerIndex {
        LayerIndex::over(layer, features.into_iter().map(Arc::new).collect())
    }

    /// Bulk-loads the index of `layer` over shared features (of features sharing an id, the
    /// last counts).
    pub(super) fn over(layer: LayerKind, features: Vec<Arc<StoredFeature>>) -> LayerIndex {
        LayerIndex {
            layer,
            base: Arc::new(Base::build(features)),
            delta: Delta::default(),
        }
    }

    /// The next version of this layer with `changes` applied (this one is left as it was).
    /// Costs O(changes + pending) where `pending` is the delta's size ([`Self::pending`]); the
    /// base is shared, not copied.
    pub fn with_changes(&self, changes: ChangeSet) -> LayerIndex {
        let mut next = self.clone();
        next.apply(&Changes::from(changes));
        next
    }

    /// Applies `changes` to this version in place: removals first, then upserts in order (an
    /// upsert replaces the feature of the same id, wherever it is).
    pub(super) fn apply(&mut self, changes: &Changes) {
        for fid in &changes.removed {
            self.delta.remove(&self.base, *fid);
        }
        for f in &changes.upserts {
            self.delta.remove(&self.base, f.fid);
            self.delta.insert(f.clone());
        }
    }

    /// The same features bulk-loaded into a new base with an empty delta (O(n log n); the
    /// features themselves are shared, not copied).
    pub fn compacted(&self) -> LayerIndex {
        LayerIndex::over(self.layer, self.iter().cloned().collect())
    }

    /// Entries in the delta: features added or replaced since the base was built, plus base
    /// features taken out. Queries and `with_changes` cost more as it grows; a compaction
    /// (`Index` does them in the background) empties it.
    pub fn pending(&self) -> usize {
        self.delta.features.len() + self.delta.removed.len()
    }

    /// The layer indexed.
    pub fn layer(&self) -> LayerKind {
        self.layer
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.base.features.len() - self.delta.removed.len() + self.delta.features.len()
    }

    /// Whether the layer has no features.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the base feature `fid` has been taken out (removed or replaced).
    fn is_removed(&self, fid: FeatureId) -> bool {
        !self.delta.removed.is_empty() && self.delta.removed.binary_search(&fid).is_ok()
    }

    /// A feature by id.
    pub fn get(&self, fid: FeatureId) -> Option<&Arc<StoredFeature>> {
        match self.delta.features.get(&fid) {
            Some(f) => Some(f),
            None if self.is_removed(fid) => None,
            None => self.base.get(fid),
        }
    }

    /// Every feature in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<StoredFeature>> {
        self.iter_after(None)
    }

    /// Features from id `after` (exclusive) on, in id order (for paging).
    pub fn iter_after(
        &self,
        after: Option<FeatureId>,
    ) -> impl Iterator<Item = &Arc<StoredFeature>> {
        let (base, removed) = match after {
            None => (&self.base.features[..], &self.delta.removed[..]),
            Some(a) => {
                let b = self.base.features.partition_point(|f| f.fid <= a);
                let r = self.delta.removed.partition_point(|fid| *fid <= a);
                (&self.base.features[b..], &self.delta.removed[r..])
            }
        };
        let start = after.map_or(Bound::Unbounded, Bound::Excluded);
        Merge::new(
            Live::new(base, removed),
            self.delta
                .features
                .range((start, Bound::Unbounded))
                .map(|(_, f)| f),
            |a: &&Arc<StoredFeature>, b: &&Arc<StoredFeature>| a.fid < b.fid,
        )
    }

    /// The box around every feature, degrees; `None` when empty. Exact, as a fresh build's.
    pub fn extent(&self) -> Option<Bbox> {
        let e = [
            self.base.live_extent(&self.delta.removed),
            (!self.delta.features.is_empty()).then(|| self.delta.boxes.root().envelope()),
        ]
        .into_iter()
        .flatten()
        .reduce(|a, b| a.merged(&b))?;
        Some(Bbox {
            min_x: e.lower()[0],
            min_y: e.lower()[1],
            max_x: e.upper()[0],
            max_y: e.upper()[1],
        })
    }

    /// Entries of both trees whose box meets `env`, removed base features left out.
    fn boxes_meeting(&self, env: AABB<[f64; 2]>) -> impl Iterator<Item = &Boxed> {
        self.base
            .boxes
            .locate_in_envelope_intersecting(&env)
            .filter(|e| !self.is_removed(e.fid))
            .chain(self.delta.boxes.locate_in_envelope_intersecting(&env))
    }

    /// Features whose geometry intersects the box (boundary included), in id order.
    pub fn in_bbox(&self, b: &Bbox) -> Vec<&Arc<StoredFeature>> {
        let env = AABB::from_corners([b.min_x, b.min_y], [b.max_x, b.max_y]);
        let rect = Rect::new(
            Coord {
                x: b.min_x,
                y: b.min_y,
            },
            Coord {
                x: b.max_x,
                y: b.max_y,
            },
        );
        // A feature whose box lies inside the query box meets it: no need to reach its geometry.
        in_fid_order(self.boxes_meeting(env).filter(|e| {
            env.contains_envelope(&e.envelope) || touches_rect(e.feature.feature.geometry(), &rect)
        }))
    }

    /// Features whose box intersects the box (boundary included): a superset of `in_bbox`, in
    /// no particular order, without the exact geometry test (for callers that clip anyway).
    pub fn candidates(&self, b: &Bbox) -> impl Iterator<Item = &Arc<StoredFeature>> {
        let env = AABB::from_corners([b.min_x, b.min_y], [b.max_x, b.max_y]);
        self.boxes_meeting(env).map(|e| &e.feature)
    }

    /// Features whose geometry contains or touches the point, in id order.
    pub fn at_point(&self, c: Coord) -> Vec<&Arc<StoredFeature>> {
        let p = Point(c);
        in_fid_order(
            self.boxes_meeting(AABB::from_point([c.x, c.y]))
                .filter(|e| touches_point(e.feature.feature.geometry(), &p)),
        )
    }

    /// The most specific feature containing or touching the point: the smallest by area (where
    /// areas overlap or the point is on a shared edge), then the lowest id. What
    /// `/api/identify` answers, and the district of a land request.
    pub fn smallest_at(&self, c: Coord) -> Option<&Arc<StoredFeature>> {
        self.at_point(c).into_iter().min_by(|a, b| {
            a.feature
                .area_m2()
                .total_cmp(&b.feature.area_m2())
                .then(a.fid.cmp(&b.fid))
        })
    }

    /// Point features with the squared chord (m²) from the ECEF position `v` (metres), nearest
    /// first: the base's and the delta's, merged, removed base features left out.
    pub(super) fn points_by_chord(&self, v: &[f64; 3]) -> impl Iterator<Item = (&InSpace, f64)> {
        Merge::new(
            self.base
                .points
                .nearest_neighbor_iter_with_distance_2(v)
                .filter(|(p, _)| !self.is_removed(p.feature.fid)),
            self.delta.points.nearest_neighbor_iter_with_distance_2(v),
            |a: &(&InSpace, f64), b: &(&InSpace, f64)| a.1 <= b.1,
        )
    }

    /// Estimated heap bytes held: coordinates, attributes and tree entries (base features taken
    /// out but not yet compacted away included).
    pub fn heap_bytes(&self) -> usize {
        self.base
            .features
            .iter()
            .chain(self.delta.features.values())
            .map(|f| feature_bytes(f))
            .sum::<usize>()
            + self.delta.removed.len() * std::mem::size_of::<FeatureId>()
    }
}

/// Estimated heap bytes of one feature and its entries in the index.
fn feature_bytes(f: &StoredFeature) -> usize {
    let per_entry =
        std::mem::size_of::<Boxed>() + std::mem::size_of::<Arc<StoredFeature>>() * 2 + 48;
    let g = f.feature.geometry();
    let rings = |p: &geo::Polygon| {
        p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()
    };
    let coords = match g {
        ValidGeometry::Point(_) => 1 + std::mem::size_of::<InSpace>() / 16,
        ValidGeometry::MultiLineString(m) => m.0.iter().map(|l| l.0.len()).sum(),
        ValidGeometry::Polygon(p) => rings(p),
        ValidGeometry::MultiPolygon(m) => m.0.iter().map(rings).sum(),
    };
    let extra: usize = f
        .feature
        .extra()
        .iter()
        .map(|(k, v)| k.len() + v.to_string().len() + 32)
        .sum();
    std::mem::size_of::<StoredFeature>() + coords * 16 + extra + 96 + per_entry
}

#[cfg(test)]
mod touch_tests {
    use geo::{LineString, MultiLineString, MultiPolygon, Polygon};
    use proptest::prelude::*;

    use super::*;

    /// A small polygon (triangle to hexagon, convex or not) around a centre.
    fn ring(cx: f64, cy: f64, radii: &[f64]) -> LineString {
        let n = radii.len() as f64;
        let mut pts: Vec<Coord> = radii
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let a = i as f64 / n * std::f64::consts::TAU;
                Coord {
                    x: cx + r * a.cos(),
                    y: cy + r * a.sin(),
                }
            })
            .collect();
        pts.push(pts[0]);
        LineString(pts)
    }

    proptest! {
        /// The vertex shortcut never changes the answer of geo's exact test.
        #[test]
        fn touches_rect_is_the_exact_intersection(
            cx in -1.0f64..1.0, cy in -1.0f64..1.0,
            radii in prop::collection::vec(0.01f64..0.6, 3..7),
            x0 in -1.0f64..1.0, y0 in -1.0f64..1.0, w in 0.0f64..0.8, h in 0.0f64..0.8,
        ) {
            let r = Rect::new(Coord { x: x0, y: y0 }, Coord { x: x0 + w, y: y0 + h });
            let outline = ring(cx, cy, &radii);
            let polygon = Polygon::new(outline.clone(), vec![]);
            let lines = MultiLineString(vec![outline]);
            let multi = MultiPolygon(vec![polygon.clone()]);
            prop_assert_eq!(touches_rect(&ValidGeometry::Polygon(polygon.clone()), &r), polygon.intersects(&r));
            prop_assert_eq!(touches_rect(&ValidGeometry::MultiPolygon(multi.clone()), &r), multi.intersects(&r));
            prop_assert_eq!(touches_rect(&ValidGeometry::MultiLineString(lines.clone()), &r), lines.intersects(&r));
            let p = Point::new(cx, cy);
            prop_assert_eq!(touches_rect(&ValidGeometry::Point(p), &r), p.intersects(&r));
        }
    }
}
