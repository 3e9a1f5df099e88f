//! Property tests of clipping and generalisation in tile units, against geo's boolean
//! operations as the independent oracle of what lies inside the buffered tile.

use geo::{Area, BooleanOps, Coord, LineString, Polygon};
use proptest::prelude::*;

use super::clip::{Pt, Square};
use super::mvt::TilePoint;
use super::simplify::{self, MIN_AREA, area2};

const SQ: Square = Square {
    min: -64.0,
    max: 4160.0,
};

/// A star-shaped (hence simple) ring around `c` with the given radii, counter-clockwise in
/// tile units, or clockwise when `flip`.
fn star(c: Pt, radii: &[f64], flip: bool) -> Vec<Pt> {
    let n = radii.len() as f64;
    let mut ring: Vec<Pt> = radii
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let a = std::f64::consts::TAU * i as f64 / n;
            [c[0] + r * a.cos(), c[1] + r * a.sin()]
        })
        .collect();
    if flip {
        ring.reverse();
    }
    ring
}

fn geo_ring(r: &[Pt]) -> LineString {
    let mut cs: Vec<Coord> = r.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
    if let Some(first) = cs.first().copied() {
        cs.push(first);
    }
    LineString(cs)
}

fn square_polygon() -> Polygon {
    let (a, b) = (SQ.min, SQ.max);
    Polygon::new(geo_ring(&[[a, a], [b, a], [b, b], [a, b]]), vec![])
}

fn seg_dist(p: Pt, a: Pt, b: Pt) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    };
    (a[0] + t * dx - p[0]).hypot(a[1] + t * dy - p[1])
}

/// Distance from p to a closed ring's outline.
fn ring_dist(p: Pt, ring: &[Pt]) -> f64 {
    (0..ring.len())
        .map(|i| seg_dist(p, ring[i], ring[(i + 1) % ring.len()]))
        .fold(f64::INFINITY, f64::min)
}

fn as_pts(r: &[TilePoint]) -> Vec<Pt> {
    r.iter()
        .map(|p| [f64::from(p[0]), f64::from(p[1])])
        .collect()
}

fn inside(p: &TilePoint) -> bool {
    SQ.contains([f64::from(p[0]), f64::from(p[1])])
}

fn check_ring_is_sound(r: &[TilePoint]) -> Result<(), TestCaseError> {
    prop_assert!(r.len() >= 3, "ring of {} points", r.len());
    prop_assert!(r.iter().all(inside), "outside the buffer: {r:?}");
    for i in 0..r.len() {
        prop_assert_ne!(r[i], r[(i + 1) % r.len()], "repeated point in {:?}", r);
    }
    prop_assert!(area2(r) != 0, "zero area ring {r:?}");
    Ok(())
}

fn radii(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0.3f64..1.0, n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Clipped and generalised polygons stay inside the buffer, have sound rings with MVT
    /// winding, keep their clipped area (up to quantisation and the tolerance along the
    /// outline), lose nothing bigger than a few pixels, and move no edge by more than the
    /// tolerance plus one unit.
    #[test]
    fn polygons_are_clipped_and_generalised_soundly(
        cx in -2000.0f64..6200.0,
        cy in -2000.0f64..6200.0,
        size in 2.0f64..4000.0,
        ext in radii(3..24),
        hole in prop::option::of(radii(3..12)),
        flip in any::<bool>(),
        exact in any::<bool>(),
    ) {
        let tol = if exact { 0.0 } else { simplify::tolerance(12) };
        let ext_r: Vec<f64> = ext.iter().map(|r| r * size).collect();
        let exterior = star([cx, cy], &ext_r, flip);
        // The star contains the disk of radius min_r · cos(π / n): holes stay inside it.
        let min_r = ext_r.iter().copied().fold(f64::INFINITY, f64::min)
            * (std::f64::consts::PI / ext_r.len() as f64).cos();
        let holes: Vec<Vec<Pt>> = hole
            .iter()
            .map(|h| {
                let hr: Vec<f64> = h.iter().map(|r| r * min_r * 0.95).collect();
                star([cx, cy], &hr, !flip)
            })
            .collect();
        let rings = simplify::polygon(&exterior, &holes, SQ, tol);

        // Oracle: the exact intersection with the buffered square.
        let source = Polygon::new(
            geo_ring(&exterior),
            holes.iter().map(|h| geo_ring(h)).collect(),
        );
        let clipped = source.intersection(&square_polygon());
        let want = clipped.unsigned_area();
        let perimeter: f64 = clipped
            .0
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .map(|r| r.0.windows(2).map(|w| (w[1].x - w[0].x).hypot(w[1].y - w[0].y)).sum::<f64>())
            .sum();

        if rings.is_empty() {
            prop_assert!(want < 4.0 * MIN_AREA, "lost a polygon of {want} units²");
            return Ok(());
        }
        for (i, r) in rings.iter().enumerate() {
            check_ring_is_sound(r)?;
            if i == 0 {
                prop_assert!(area2(r) > 0, "exterior must be clockwise on screen");
            } else {
                prop_assert!(area2(r) < 0, "holes must be counter-clockwise on screen");
            }
        }
        let got: f64 = rings.iter().map(|r| area2(r) as f64 / 2.0).sum();
        let slack = perimeter * (tol + 1.0) + 2.0 * MIN_AREA + 8.0;
        prop_assert!((got - want).abs() <= slack, "area {got} vs {want} (slack {slack})");

        // Every output vertex lies on the clipped source outline (within quantisation).
        let exact_ext: Vec<Pt> = super::clip::clip_ring(&exterior, SQ);
        for p in &as_pts(&rings[0]) {
            prop_assert!(ring_dist(*p, &exact_ext) <= 0.75, "vertex {p:?} moved off the outline");
        }
    }

    /// No edge moves by more than the tolerance plus one unit: every source vertex inside the
    /// buffer lies that close to the output outline, or to the buffer's edge onto which a part
    /// that thin may flatten. (On fat polygons: a sliver under a unit wide may vanish in
    /// quantisation, which the test above allows.)
    #[test]
    fn simplification_moves_no_edge_more_than_the_tolerance(
        cx in -2000.0f64..6200.0,
        cy in -2000.0f64..6200.0,
        size in 20.0f64..4000.0,
        ext in prop::collection::vec(0.8f64..1.0, 3..40),
        flip in any::<bool>(),
        exact in any::<bool>(),
    ) {
        let tol = if exact { 0.0 } else { simplify::tolerance(12) };
        let ext_r: Vec<f64> = ext.iter().map(|r| r * size).collect();
        let exterior = star([cx, cy], &ext_r, flip);
        let rings = simplify::polygon(&exterior, &[], SQ, tol);
        // Parts within tol + 1 of the buffer's edge may flatten onto it (a zero-width run along
        // the edge, which is then removed): those vertices are measured to the edge as well.
        let inner = Square { min: SQ.min + tol + 1.0, max: SQ.max - tol - 1.0 };
        let inside: Vec<&Pt> = exterior.iter().filter(|p| SQ.contains(**p)).collect();
        prop_assert!(
            !exterior.iter().any(|p| inner.contains(*p)) || !rings.is_empty(),
            "polygon lost"
        );
        if let Some(out) = rings.first() {
            let out = as_pts(out);
            for p in inside {
                let d = ring_dist(*p, &out);
                let near_edge = !inner.contains(*p);
                prop_assert!(
                    d <= tol + 1.0 || near_edge,
                    "source vertex {p:?} is {d} from the output"
                );
            }
        }
    }

    /// Clipped lines stay inside the buffer, have at least two distinct points a piece, and
    /// every part of the source well inside the buffer is still drawn (within tol + 1).
    #[test]
    fn lines_are_clipped_into_pieces_inside_the_buffer(
        pts in prop::collection::vec((-3000.0f64..7000.0, -3000.0f64..7000.0), 2..30),
        exact in any::<bool>(),
    ) {
        let tol = if exact { 0.0 } else { simplify::tolerance(12) };
        let line: Vec<Pt> = pts.iter().map(|(x, y)| [*x, *y]).collect();
        let pieces = simplify::line(&line, SQ, tol);
        for piece in &pieces {
            prop_assert!(piece.len() >= 2);
            prop_assert!(piece.iter().all(inside), "outside the buffer: {piece:?}");
            for w in piece.windows(2) {
                prop_assert_ne!(w[0], w[1]);
            }
        }
        let drawn: Vec<Vec<Pt>> = pieces.iter().map(|p| as_pts(p)).collect();
        let near_drawn = |p: Pt| {
            drawn.iter().any(|piece| {
                piece.windows(2).any(|w| seg_dist(p, w[0], w[1]) <= tol + 1.0)
            })
        };
        let inner = Square { min: SQ.min + 2.0, max: SQ.max - 2.0 };
        for w in line.windows(2) {
            for k in 0..=20 {
                let t = f64::from(k) / 20.0;
                let p = [w[0][0] + t * (w[1][0] - w[0][0]), w[0][1] + t * (w[1][1] - w[0][1])];
                if inner.contains(p) {
                    prop_assert!(near_drawn(p), "{p:?} of the source is not drawn");
                }
            }
        }
    }
}

/// Two parcels sharing an edge with intermediate vertices keep identical shared vertices after
/// quantisation (z ≥ 16), and stay within one pixel of each other when simplified.
#[test]
fn shared_parcel_edges_do_not_tear() {
    let shared: Vec<Pt> = (0..=10)
        .map(|i| {
            [
                1000.3 + f64::from(i % 2) * 1.7,
                1000.2 + f64::from(i) * 30.1,
            ]
        })
        .collect();
    let mut left = vec![[900.4, 1301.2], [900.4, 1000.2]];
    left.extend(shared.iter().copied());
    let mut right: Vec<Pt> = shared.iter().rev().copied().collect();
    right.extend([[1100.6, 1000.2], [1100.6, 1301.2]]);
    for tol in [0.0, simplify::tolerance(14)] {
        let a = simplify::polygon(&left, &[], SQ, tol);
        let b = simplify::polygon(&right, &[], SQ, tol);
        let (a, b) = (as_pts(&a[0]), as_pts(&b[0]));
        for p in a.iter().filter(|p| p[0] > 950.0) {
            let d = ring_dist(*p, &b);
            assert!(
                d <= 2.0 * tol + 1.0,
                "tol {tol}: {p:?} is {d} from the neighbour"
            );
            if tol == 0.0 {
                assert!(b.contains(p), "shared vertex {p:?} differs");
            }
        }
    }
}
