//! A layer kept as a base and a delta answers every query as a fresh `build` of the same
//! features, through any sequence of change sets and compactions; compactions racing with
//! applies lose nothing.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use geo::Coord;
use proptest::prelude::*;
use serde_json::Map;

use super::*;
use crate::domain::attributes::{Attributes, Parcel, ParcelNo, ServicePoint};
use crate::domain::category::CategoryCode;
use crate::domain::{Bbox, Feature, GeometryShape, Lifespan, RawGeometry, ValidGeometry};

/// A shape to index: a point, or a square parcel of side `size` degrees.
#[derive(Clone, Copy, Debug)]
struct Shape {
    x: f64,
    y: f64,
    size: Option<f64>,
}

fn arb_shape() -> impl Strategy<Value = Shape> {
    (
        50.0f64..50.2,
        26.3f64..26.5,
        prop::option::of(0.0005f64..0.02),
    )
        .prop_map(|(x, y, size)| Shape { x, y, size })
}

/// A feature of `shape` whose version is told by `tag` (a service point's name, a parcel's
/// deed number).
fn feature(fid: i64, s: Shape, tag: &str) -> StoredFeature {
    let (geometry, attrs) = match s.size {
        None => (
            ValidGeometry::new(
                RawGeometry::Point(Coord { x: s.x, y: s.y }),
                GeometryShape::Point,
            )
            .unwrap(),
            Attributes::ServicePoint(ServicePoint {
                name_ar: Some(tag.to_string()),
                name_en: None,
                category: CategoryCode::try_from("pharmacy").unwrap(),
                phone: None,
                opening_hours: None,
                district: None,
            }),
        ),
        Some(d) => {
            let c = |dx: f64, dy: f64| Coord {
                x: s.x + dx,
                y: s.y + dy,
            };
            let ring = vec![c(0.0, 0.0), c(d, 0.0), c(d, d), c(0.0, d), c(0.0, 0.0)];
            (
                ValidGeometry::new(RawGeometry::Polygon(vec![ring]), GeometryShape::Polygon)
                    .unwrap(),
                Attributes::Parcel(Parcel {
                    parcel_no: ParcelNo::try_from(fid.to_string().as_str()).unwrap(),
                    plan_no: None,
                    block_no: None,
                    district: None,
                    land_use: None,
                    deed_no: Some(tag.to_string()),
                    deed_date: None,
                    official_area_m2: None,
                    owner: None,
                }),
            )
        }
    };
    StoredFeature {
        fid: FeatureId(fid),
        feature: Feature::new(None, geometry, attrs, Map::new(), Lifespan::default()).unwrap(),
    }
}

fn tag(f: &StoredFeature) -> String {
    match f.feature.attributes() {
        Attributes::ServicePoint(s) => s.name_ar.clone().unwrap_or_default(),
        Attributes::Parcel(p) => p.deed_no.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// One change: `pick` chooses among the features present (modulo their number).
#[derive(Clone, Debug)]
enum Op {
    Insert(Shape),
    Upsert(usize, Shape),
    Remove(usize),
    RemoveAbsent,
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => arb_shape().prop_map(Op::Insert),
        2 => (any::<usize>(), arb_shape()).prop_map(|(i, s)| Op::Upsert(i, s)),
        2 => any::<usize>().prop_map(Op::Remove),
        1 => Just(Op::RemoveAbsent),
    ]
}

/// Change sets (with whether to compact after each) over an initial layer.
fn arb_history() -> impl Strategy<Value = (Vec<Shape>, Vec<(Vec<Op>, bool)>)> {
    (
        prop::collection::vec(arb_shape(), 0..120),
        prop::collection::vec(
            (
                prop::collection::vec(arb_op(), 0..12),
                prop::bool::weighted(0.15),
            ),
            1..25,
        ),
    )
}

/// The features of a layer (the model) and the change sets that a history makes of it.
struct Replay {
    model: BTreeMap<FeatureId, StoredFeature>,
    next_fid: i64,
}

impl Replay {
    fn new(initial: &[Shape]) -> (Replay, Vec<StoredFeature>) {
        let features: Vec<StoredFeature> = initial
            .iter()
            .enumerate()
            .map(|(i, s)| feature(i as i64 + 1, *s, "v0"))
            .collect();
        let replay = Replay {
            model: features.iter().map(|f| (f.fid, f.clone())).collect(),
            next_fid: features.len() as i64 + 1,
        };
        (replay, features)
    }

    /// The change set of `ops` (numbered `step`), applied to the model.
    fn change_set(&mut self, step: usize, ops: &[Op]) -> ChangeSet {
        let mut cs = ChangeSet::default();
        let tag = format!("v{step}");
        let pick = |model: &BTreeMap<FeatureId, StoredFeature>, i: usize| {
            (!model.is_empty()).then(|| *model.keys().nth(i % model.len()).unwrap())
        };
        // Removals first, then upserts: the order `with_changes` applies them in.
        for op in ops {
            match op {
                Op::Remove(i) => {
                    if let Some(fid) = pick(&self.model, *i) {
                        cs.removed.push(fid);
                    }
                }
                Op::RemoveAbsent => cs.removed.push(FeatureId(1_000_000 + step as i64)),
                _ => {}
            }
        }
        for fid in &cs.removed {
            self.model.remove(fid);
        }
        for op in ops {
            let f = match op {
                Op::Insert(s) => {
                    self.next_fid += 1;
                    feature(self.next_fid - 1, *s, &tag)
                }
                Op::Upsert(i, s) => match pick(&self.model, *i) {
                    Some(fid) => feature(fid.0, *s, &tag),
                    None => continue,
                },
                _ => continue,
            };
            self.model.insert(f.fid, f.clone());
            cs.upserts.push(f);
        }
        cs
    }

    fn built(&self) -> LayerIndex {
        LayerIndex::build(LayerKind::Parcels, self.model.values().cloned().collect())
    }
}

fn ids(fs: &[&Arc<StoredFeature>]) -> Vec<(FeatureId, String)> {
    fs.iter().map(|f| (f.fid, tag(f))).collect()
}

fn near(found: Vec<Nearby>) -> Vec<(FeatureId, f64)> {
    found
        .into_iter()
        .map(|n| (n.feature.fid, n.distance_m))
        .collect()
}

/// Every query of `got` answers as `want`'s (a fresh build of the same features) does.
fn same_answers(
    got: &LayerIndex,
    want: &LayerIndex,
    probes: &[Shape],
) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.len(), want.len());
    prop_assert_eq!(got.is_empty(), want.is_empty());
    let all: Vec<_> = got.iter().collect();
    prop_assert_eq!(ids(&all), ids(&want.iter().collect::<Vec<_>>()));
    let extent = |l: &LayerIndex| l.extent().map(|b| [b.min_x, b.min_y, b.max_x, b.max_y]);
    prop_assert_eq!(extent(got), extent(want));
    for f in want.iter().step_by(7) {
        prop_assert_eq!(got.get(f.fid).map(|f| tag(f)), Some(tag(f)));
        let after = |l: &LayerIndex| -> Vec<(FeatureId, String)> {
            ids(&l.iter_after(Some(f.fid)).collect::<Vec<_>>())
        };
        prop_assert_eq!(after(got), after(want));
    }
    prop_assert!(got.get(FeatureId(999_999_999)).is_none());
    let all = |_: &StoredFeature| true;
    let parcels = |f: &StoredFeature| matches!(f.feature.attributes(), Attributes::Parcel(_));
    for p in probes {
        let d = p.size.unwrap_or(0.01) * 4.0;
        let b = Bbox {
            min_x: p.x - d,
            min_y: p.y - d,
            max_x: p.x + d,
            max_y: p.y + d,
        };
        let hits = got.in_bbox(&b);
        prop_assert_eq!(ids(&hits), ids(&want.in_bbox(&b)));
        let candidates: std::collections::HashSet<FeatureId> =
            got.candidates(&b).map(|f| f.fid).collect();
        prop_assert!(hits.iter().all(|f| candidates.contains(&f.fid)));
        prop_assert!(candidates.iter().all(|fid| got.get(*fid).is_some()));
        let at = Coord { x: p.x, y: p.y };
        prop_assert_eq!(ids(&got.at_point(at)), ids(&want.at_point(at)));
        for (limit, radius) in [(5, None), (1, Some(3_000.0)), (40, Some(20_000.0))] {
            let q = NearbyQuery {
                at,
                limit,
                radius_m: radius,
                filter: &all,
            };
            prop_assert_eq!(near(got.nearest_points(&q)), near(want.nearest_points(&q)));
        }
        let got_nearest = got.nearest_feature(at, 30_000.0);
        let want_nearest = want.nearest_feature(at, 30_000.0);
        prop_assert_eq!(
            got_nearest.map(|n| (n.feature.fid, n.distance_m)),
            want_nearest.map(|n| (n.feature.fid, n.distance_m))
        );
        let q = NearbyQuery {
            at,
            limit: 3,
            radius_m: None,
            filter: &parcels,
        };
        prop_assert_eq!(near(got.nearest_points(&q)), near(want.nearest_points(&q)));
    }
    // A probe at a feature's own corner or point meets it.
    for f in want.iter().step_by(5) {
        let c = match f.feature.geometry() {
            ValidGeometry::Point(p) => p.0,
            ValidGeometry::Polygon(p) => p.exterior().0[0],
            _ => continue,
        };
        prop_assert_eq!(ids(&got.at_point(c)), ids(&want.at_point(c)));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// `with_changes` and `compacted`, in any order, answer as a build of the final features.
    #[test]
    fn a_changed_layer_answers_as_a_fresh_build(
        (initial, history) in arb_history(),
        probes in prop::collection::vec(arb_shape(), 4),
    ) {
        let (mut replay, features) = Replay::new(&initial);
        let mut layer = LayerIndex::build(LayerKind::Parcels, features);
        for (step, (ops, compact)) in history.iter().enumerate() {
            layer = layer.with_changes(replay.change_set(step + 1, ops));
            if *compact {
                same_answers(&layer, &replay.built(), &probes[..1])?;
                layer = layer.compacted();
                prop_assert_eq!(layer.pending(), 0);
            }
        }
        same_answers(&layer, &replay.built(), &probes)?;
    }

    /// Through `Index`, with a small compaction threshold: compactions run in the background
    /// while change sets go on being applied, and the published layer is right before and
    /// after they end.
    #[test]
    fn an_index_compacting_in_the_background_answers_as_a_fresh_build(
        (initial, history) in arb_history(),
        probes in prop::collection::vec(arb_shape(), 3),
        threshold in 1usize..24,
    ) {
        let (mut replay, features) = Replay::new(&initial);
        let index = Index::from_features(HashMap::from([(LayerKind::Parcels, features)]));
        index.set_compaction_threshold(threshold);
        for (step, (ops, settle)) in history.iter().enumerate() {
            let version = index.apply(LayerKind::Parcels, replay.change_set(step + 1, ops));
            prop_assert_eq!(version, step as u64 + 1);
            if *settle {
                index.settle();
            }
        }
        let snapshot = index.snapshot();
        same_answers(snapshot.layer(LayerKind::Parcels), &replay.built(), &probes)?;
        index.settle();
        let settled = index.snapshot();
        prop_assert_eq!(settled.version, history.len() as u64);
        prop_assert!(settled.layer(LayerKind::Parcels).pending() < threshold);
        same_answers(settled.layer(LayerKind::Parcels), &replay.built(), &probes)?;
    }
}

/// Writers applying change sets as fast as they can while compactions of a large layer run:
/// nothing is lost, versions count every change set, and readers always see whole ones.
#[test]
fn compactions_racing_with_applies_lose_nothing() {
    let shape = |i: i64| Shape {
        x: 50.0 + (i % 300) as f64 * 5e-4,
        y: 26.3 + (i / 300) as f64 * 5e-4,
        size: (i % 3 != 0).then_some(3e-4),
    };
    let n = 20_000;
    let initial: Vec<StoredFeature> = (1..=n).map(|i| feature(i, shape(i), "v0")).collect();
    let mut model: BTreeMap<FeatureId, StoredFeature> =
        initial.iter().map(|f| (f.fid, f.clone())).collect();
    let index = Arc::new(Index::from_features(HashMap::from([(
        LayerKind::Parcels,
        initial,
    )])));
    index.set_compaction_threshold(200);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (index, stop) = (index.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut seen = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let snap = index.snapshot();
                let layer = snap.layer(LayerKind::Parcels);
                // Each change set removes one feature and adds two: the count tells the version.
                assert_eq!(layer.len() as u64, n as u64 + snap.version);
                seen += 1;
            }
            seen
        })
    };
    let mut next = n + 1;
    for step in 1..=1_500i64 {
        let gone = FeatureId(step * 13 % n + 1);
        let mut cs = ChangeSet {
            upserts: Vec::new(),
            removed: vec![gone],
        };
        model.remove(&gone);
        for _ in 0..2 {
            let f = feature(next, shape(next), &format!("v{step}"));
            next += 1;
            model.insert(f.fid, f.clone());
            cs.upserts.push(f);
        }
        // New versions of features now and then, in the base or in the delta (net count 0).
        if step % 10 == 0 {
            let old = *model
                .keys()
                .nth((step * 31) as usize % model.len())
                .unwrap();
            for fid in [old, FeatureId(next - 3)] {
                let f = feature(fid.0, shape(fid.0 + 1), &format!("v{step}"));
                model.insert(f.fid, f.clone());
                cs.upserts.push(f);
            }
        }
        index.apply(LayerKind::Parcels, cs);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    index.settle();
    let snap = index.snapshot();
    let layer = snap.layer(LayerKind::Parcels);
    assert_eq!(snap.version, 1_500);
    assert!(layer.pending() < 200);
    let want = LayerIndex::build(LayerKind::Parcels, model.values().cloned().collect());
    let got: Vec<_> = layer.iter().map(|f| (f.fid, tag(f))).collect();
    let expected: Vec<_> = want.iter().map(|f| (f.fid, tag(f))).collect();
    assert_eq!(got, expected);
    let probes = [shape(5), shape(7_001), shape(19_999)];
    same_answers(layer, &want, &probes).unwrap();
    let _ = reader.join().unwrap();
}
