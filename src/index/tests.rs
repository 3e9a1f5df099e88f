use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use geo::Coord;
use proptest::prelude::*;
use serde_json::Map;

use super::*;
use crate::domain::attributes::{Attributes, ServicePoint, Street};
use crate::domain::category::CategoryCode;
use crate::domain::{Bbox, Feature, GeometryShape, Lifespan, RawGeometry, ValidGeometry};

const CATEGORIES: [&str; 3] = ["pharmacy", "grocery", "mosque"];

fn point(fid: i64, x: f64, y: f64, category: &str, tag: &str) -> StoredFeature {
    let geometry =
        ValidGeometry::new(RawGeometry::Point(Coord { x, y }), GeometryShape::Point).unwrap();
    let attrs = Attributes::ServicePoint(ServicePoint {
        name_ar: Some(tag.to_string()),
        name_en: None,
        category: CategoryCode::try_from(category).unwrap(),
        phone: None,
        opening_hours: None,
        district: None,
    });
    let feature = Feature::new(None, geometry, attrs, Map::new(), Lifespan::default()).unwrap();
    StoredFeature {
        fid: FeatureId(fid),
        feature,
    }
}

fn street(fid: i64, line: Vec<Coord>) -> StoredFeature {
    let geometry = ValidGeometry::new(
        RawGeometry::LineString(line),
        GeometryShape::MultiLineString,
    )
    .unwrap();
    let attrs = Attributes::Street(Street {
        name_ar: None,
        name_en: None,
        width_m: Some(20.0),
    });
    StoredFeature {
        fid: FeatureId(fid),
        feature: Feature::new(None, geometry, attrs, Map::new(), Lifespan::default()).unwrap(),
    }
}

fn category(f: &StoredFeature) -> String {
    match f.feature.attributes() {
        Attributes::ServicePoint(s) => s.category.to_string(),
        _ => String::new(),
    }
}

/// Seeded points: most in a 20 km box around Dammam, some across the province.
fn arb_points() -> impl Strategy<Value = Vec<StoredFeature>> {
    prop::collection::vec(
        (49.0f64..51.0, 25.0f64..27.5, 0usize..3, any::<bool>()),
        1..300,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (x, y, c, near))| {
                let (x, y) = if near {
                    (50.0 + (x - 49.0) * 0.1, 26.3 + (y - 25.0) * 0.08)
                } else {
                    (x, y)
                };
                point(i as i64 + 1, x, y, CATEGORIES[c], "p")
            })
            .collect()
    })
}

fn brute_force(
    features: &[StoredFeature],
    at: Coord,
    limit: usize,
    radius: Option<f64>,
    cat: Option<&str>,
) -> Vec<(FeatureId, f64)> {
    let mut all: Vec<(FeatureId, f64)> = features
        .iter()
        .filter(|f| cat.is_none_or(|c| category(f) == c))
        .map(|f| {
            let ValidGeometry::Point(p) = f.feature.geometry() else {
                unreachable!()
            };
            (f.fid, super::chord::geodesic_between(at, p.0))
        })
        .filter(|(_, d)| radius.is_none_or(|r| *d <= r))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    all.truncate(limit);
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Nearby answers are exactly the brute-force answers: same ids, same order, same distances.
    #[test]
    fn nearest_points_equal_brute_force(
        points in arb_points(),
        x in 49.5f64..50.8, y in 25.5f64..27.0,
        limit in 0usize..25,
        radius in prop::option::of(100.0f64..60_000.0),
        cat in prop::option::of(0usize..3),
    ) {
        let index = LayerIndex::build(LayerKind::ServicePoints, points.clone());
        let cat = cat.map(|c| CATEGORIES[c]);
        let filter = |f: &StoredFeature| cat.is_none_or(|c| category(f) == c);
        let at = Coord { x, y };
        let got: Vec<(FeatureId, f64)> = index
            .nearest_points(&NearbyQuery { at, limit, radius_m: radius, filter: &filter })
            .into_iter()
            .map(|n| (n.feature.fid, n.distance_m))
            .collect();
        prop_assert_eq!(got, brute_force(&points, at, limit, radius, cat));
    }

    /// Box queries return exactly the features inside the box (points: boundary included).
    #[test]
    fn bbox_equals_brute_force(points in arb_points(), x0 in 49.0f64..51.0, y0 in 25.0f64..27.5, w in 0.0f64..1.0, h in 0.0f64..1.0) {
        let index = LayerIndex::build(LayerKind::ServicePoints, points.clone());
        let b = Bbox { min_x: x0, min_y: y0, max_x: x0 + w, max_y: y0 + h };
        let got: Vec<FeatureId> = index.in_bbox(&b).into_iter().map(|f| f.fid).collect();
        let want: Vec<FeatureId> = points
            .iter()
            .filter(|f| {
                let ValidGeometry::Point(p) = f.feature.geometry() else { unreachable!() };
                p.x() >= b.min_x && p.x() <= b.max_x && p.y() >= b.min_y && p.y() <= b.max_y
            })
            .map(|f| f.fid)
            .collect();
        prop_assert_eq!(got, want);
    }

    /// The nearest street is the one at the smallest distance, whatever the window it was found in.
    #[test]
    fn nearest_street_equals_brute_force(
        lines in prop::collection::vec((50.0f64..50.2, 26.3f64..26.5, -0.01f64..0.01, -0.01f64..0.01), 1..40),
        x in 50.0f64..50.2, y in 26.3f64..26.5,
    ) {
        let streets: Vec<StoredFeature> = lines
            .iter()
            .enumerate()
            .filter(|(_, (_, _, dx, dy))| dx.abs() + dy.abs() > 1e-5)
            .map(|(i, (x0, y0, dx, dy))| street(i as i64 + 1, vec![Coord { x: *x0, y: *y0 }, Coord { x: x0 + dx, y: y0 + dy }]))
            .collect();
        prop_assume!(!streets.is_empty());
        let index = LayerIndex::build(LayerKind::Streets, streets.clone());
        let at = Coord { x, y };
        let got = index.nearest_feature(at, 100_000.0).unwrap();
        let want = streets
            .iter()
            .map(|s| nearest::distance_to(at, s.feature.geometry()))
            .fold(f64::INFINITY, f64::min);
        prop_assert!((got.distance_m - want).abs() < 1e-6, "{} vs {}", got.distance_m, want);
    }
}

/// Readers running while change sets move every feature from one tag to the next never see a
/// snapshot holding two tags (a half-applied change set), and versions only go up.
#[test]
fn readers_never_see_a_half_applied_change_set() {
    let n = 200;
    let make = |tag: usize| -> Vec<StoredFeature> {
        (0..n)
            .map(|i| {
                point(
                    i + 1,
                    50.0 + i as f64 * 1e-4,
                    26.4,
                    "pharmacy",
                    &format!("v{tag}"),
                )
            })
            .collect()
    };
    let index = Arc::new(Index::from_features(HashMap::from([(
        LayerKind::ServicePoints,
        make(0),
    )])));
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (index, stop) = (index.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut last = 0;
                let mut seen = 0;
                while !stop.load(Ordering::Relaxed) {
                    let snap = index.snapshot();
                    assert!(snap.version >= last, "versions go backwards");
                    last = snap.version;
                    let layer = snap.layer(LayerKind::ServicePoints);
                    assert_eq!(layer.len(), n as usize);
                    let tags: std::collections::HashSet<String> = layer
                        .iter()
                        .map(|f| match f.feature.attributes() {
                            Attributes::ServicePoint(s) => s.name_ar.clone().unwrap_or_default(),
                            _ => String::new(),
                        })
                        .collect();
                    assert_eq!(
                        tags.len(),
                        1,
                        "a reader saw a half-applied change set: {tags:?}"
                    );
                    assert_eq!(tags.into_iter().next(), Some(format!("v{}", snap.version)));
                    seen += 1;
                }
                seen
            })
        })
        .collect();
    for v in 1..=100 {
        let upserts = make(v);
        let version = index.apply(
            LayerKind::ServicePoints,
            ChangeSet {
                upserts,
                removed: vec![],
            },
        );
        assert_eq!(version, v as u64);
    }
    stop.store(true, Ordering::Relaxed);
    let seen: usize = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert!(seen > 0);
}

#[test]
fn removed_features_leave_every_query() {
    let index = Index::from_features(HashMap::from([(
        LayerKind::ServicePoints,
        vec![
            point(1, 50.1, 26.4, "pharmacy", "a"),
            point(2, 50.1001, 26.4, "pharmacy", "b"),
        ],
    )]));
    index.apply(
        LayerKind::ServicePoints,
        ChangeSet {
            upserts: vec![],
            removed: vec![FeatureId(1)],
        },
    );
    let snap = index.snapshot();
    let layer = snap.layer(LayerKind::ServicePoints);
    let all = |_: &StoredFeature| true;
    let near = layer.nearest_points(&NearbyQuery {
        at: Coord { x: 50.1, y: 26.4 },
        limit: 5,
        radius_m: None,
        filter: &all,
    });
    assert_eq!(
        near.iter().map(|n| n.feature.fid.0).collect::<Vec<_>>(),
        [2]
    );
    assert!(layer.get(FeatureId(1)).is_none());
    let b = Bbox {
        min_x: 50.0,
        min_y: 26.3,
        max_x: 50.2,
        max_y: 26.5,
    };
    assert_eq!(layer.in_bbox(&b).len(), 1);
}

fn district(fid: i64, min: (f64, f64), max: (f64, f64)) -> StoredFeature {
    let ring = vec![
        Coord { x: min.0, y: min.1 },
        Coord { x: max.0, y: min.1 },
        Coord { x: max.0, y: max.1 },
        Coord { x: min.0, y: max.1 },
        Coord { x: min.0, y: min.1 },
    ];
    let geometry = ValidGeometry::new(
        RawGeometry::Polygon(vec![ring]),
        LayerKind::Districts.shape(),
    )
    .unwrap();
    let attrs = Attributes::District(crate::domain::attributes::District {
        name_ar: Some(format!("حي {fid}")),
        name_en: None,
        city: None,
    });
    StoredFeature {
        fid: FeatureId(fid),
        feature: Feature::new(None, geometry, attrs, Map::new(), Lifespan::default()).unwrap(),
    }
}

#[test]
fn smallest_at_prefers_the_smallest_area_then_the_lowest_id() {
    let index = Index::from_features(HashMap::from([(
        LayerKind::Districts,
        vec![
            // A large district, a small one inside it, and two equal ones sharing an edge.
            district(1, (50.0, 26.0), (50.2, 26.2)),
            district(2, (50.05, 26.05), (50.06, 26.06)),
            district(4, (51.01, 26.0), (51.02, 26.01)),
            district(3, (51.0, 26.0), (51.01, 26.01)),
        ],
    )]));
    let snap = index.snapshot();
    let layer = snap.layer(LayerKind::Districts);
    let at = |x, y| layer.smallest_at(Coord { x, y }).map(|f| f.fid.0);
    assert_eq!(at(50.055, 26.055), Some(2));
    assert_eq!(at(50.1, 26.1), Some(1));
    assert_eq!(at(51.01, 26.005), Some(3));
    assert_eq!(at(51.015, 26.005), Some(4));
    assert_eq!(at(49.0, 26.1), None);
}
