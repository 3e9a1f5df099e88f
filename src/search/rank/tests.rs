//! Ranking against brute force, dedupe, and distances to polygons.

use super::*;
use crate::search::fixtures;
use geo::{Distance, Geodesic, Point};

/// A hit whose target is its position in `coords` (points), or none.
fn hit(layer: LayerKind, fid: i64, score: f64, target: Option<u32>) -> Hit {
    Hit {
        layer,
        field: Field::NameAr,
        target: target.unwrap_or(u32::MAX),
        fid: FeatureId(fid),
        score,
    }
}

fn no_positions(_: &Hit) -> Option<[f64; 3]> {
    None
}

/// A deterministic scatter of points around Dammam (SplitMix64).
fn scatter(n: usize) -> Vec<Coord> {
    let mut s: u64 = 42;
    let mut next = || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as f64 / u64::MAX as f64
    };
    (0..n)
        .map(|_| Coord {
            x: 49.9 + 0.4 * next(),
            y: 26.2 + 0.4 * next(),
        })
        .collect()
}

#[test]
fn nearest_among_equal_scores_matches_brute_force() {
    let coords = scatter(600);
    let features = coords
        .iter()
        .enumerate()
        .map(|(i, c)| fixtures::point(i as i64 + 1, "صيدلية", None, "pharmacy", c.x, c.y))
        .collect();
    let index = fixtures::index(features);
    let snapshot = index.snapshot();
    // Three score levels: the best always first, whatever the distance.
    let hits: Vec<Hit> = (0..coords.len())
        .map(|i| {
            let score = match i % 50 {
                0 => 1.0,
                1..=20 => 0.8,
                _ => 0.6,
            };
            hit(
                LayerKind::ServicePoints,
                i as i64 + 1,
                score,
                Some(i as u32),
            )
        })
        .collect();
    let positions = |h: &Hit| coords.get(h.target as usize).map(|c| ecef(*c));
    for at in [Coord { x: 50.1, y: 26.43 }, Coord { x: 49.0, y: 27.0 }] {
        for limit in [1, 5, 12, 40, 100] {
            let got = top(hits.clone(), &snapshot, Some(at), limit, &positions);
            let unmeasured = top(hits.clone(), &snapshot, Some(at), limit, &no_positions);
            assert!(
                got.iter()
                    .zip(&unmeasured)
                    .all(|(a, b)| a.feature.fid == b.feature.fid)
            );
            let mut want: Vec<(f64, f64, i64)> = hits
                .iter()
                .zip(&coords)
                .map(|(h, c)| (h.score, Geodesic.distance(Point(at), Point(*c)), h.fid.0))
                .collect();
            want.sort_by(|a, b| {
                b.0.total_cmp(&a.0)
                    .then(a.1.total_cmp(&b.1))
                    .then(a.2.cmp(&b.2))
            });
            let want: Vec<i64> = want.iter().take(limit).map(|w| w.2).collect();
            let got_ids: Vec<i64> = got.iter().map(|f| f.feature.fid.0).collect();
            assert_eq!(got_ids, want, "at {at:?} limit {limit}");
            for f in &got {
                let d = f.distance_m.unwrap();
                let c = coords[f.feature.fid.0 as usize - 1];
                assert!((d - Geodesic.distance(Point(at), Point(c))).abs() < 1e-6);
            }
        }
    }
}

#[test]
fn without_a_point_ties_go_by_layer_then_id() {
    let index = fixtures::city();
    let snapshot = index.snapshot();
    let hits = vec![
        hit(LayerKind::ServicePoints, 2, 0.8, None),
        hit(LayerKind::ServicePoints, 1, 0.8, None),
        hit(LayerKind::Districts, 10, 0.8, None),
        hit(LayerKind::ServicePoints, 4, 1.0, None),
    ];
    let got: Vec<(LayerKind, i64)> = top(hits.clone(), &snapshot, None, 10, &no_positions)
        .iter()
        .map(|f| (f.layer, f.feature.fid.0))
        .collect();
    use LayerKind::*;
    assert_eq!(
        got,
        [
            (ServicePoints, 4),
            (Districts, 10),
            (ServicePoints, 1),
            (ServicePoints, 2)
        ]
    );
    assert_eq!(
        top(hits.clone(), &snapshot, None, 2, &no_positions).len(),
        2
    );
    assert!(top(hits, &snapshot, None, 0, &no_positions).is_empty());
}

#[test]
fn features_missing_from_the_snapshot_are_left_out() {
    let index = fixtures::city();
    let hits = vec![
        hit(LayerKind::ServicePoints, 999, 1.0, None),
        hit(LayerKind::ServicePoints, 1, 0.8, None),
    ];
    let got = top(
        hits,
        &index.snapshot(),
        Some(Coord { x: 50.1, y: 26.43 }),
        10,
        &no_positions,
    );
    assert_eq!(got.len(), 1);
}

#[test]
fn distance_to_polygons() {
    let index = fixtures::city();
    let snapshot = index.snapshot();
    let district = snapshot
        .layer(LayerKind::Districts)
        .get(FeatureId(10))
        .unwrap();
    let g = district.feature.geometry();
    // Inside, on the edge, and 0.005° (about 500 m) east of the east edge at 26.43° N.
    assert_eq!(distance_m(Coord { x: 50.1, y: 26.43 }, g), 0.0);
    assert_eq!(
        distance_m(
            Coord {
                x: 50.105,
                y: 26.43
            },
            g
        ),
        0.0
    );
    let d = distance_m(Coord { x: 50.11, y: 26.43 }, g);
    let want = Geodesic.distance(Point::new(50.11, 26.43), Point::new(50.105, 26.43));
    assert!((d - want).abs() < 0.5, "{d} vs {want}");
}

#[test]
fn the_lower_bound_stays_below_the_geodesic_distance() {
    let pts = scatter(200);
    for a in &pts[..20] {
        for b in &pts {
            let bound = lower_bound_m(chord2(&ecef(*a), &ecef(*b)));
            assert!(bound <= Geodesic.distance(Point(*a), Point(*b)) + 1e-6);
        }
    }
}
