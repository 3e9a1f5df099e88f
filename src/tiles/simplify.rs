//! Generalisation in tile pixel space, after clipping (`super::clip`).
//!
//! The rules, in tile units of a 4096 extent (a tile is drawn 512 px wide by MapLibre, so one
//! screen pixel is [`PIXEL`] = 8 units):
//!
//! 1. **Quantise first**: every coordinate is rounded to the nearest integer, then repeated
//!    points are removed. Two features sharing a vertex in the source share it exactly after
//!    this step, so shared parcel edges stay identical wherever simplification leaves them alone.
//! 2. **Clean rings**: exactly collinear vertices and zero-width spikes are removed (this changes
//!    no drawn pixel). A ring left with under 3 points or zero area is dropped: no degenerate
//!    ring is ever written.
//! 3. **Douglas–Peucker** with [`tolerance`]`(z)` = 4 units (half a pixel) below zoom 16 and 0
//!    (quantisation only) from zoom 16 on. No vertex kept moves, and no removed vertex lies
//!    farther than the tolerance from the simplified outline, so an edge shared by two parcels
//!    is at most 2 × 4 = 8 units (one pixel) apart in the two parcels: no visible tearing. If
//!    simplification would collapse a ring (fewer than 3 points, zero area, or flipped
//!    orientation) the quantised ring is kept instead, so nothing with area survives
//!    quantisation only to be lost to simplification.
//! 4. **Orientation**: exterior rings get a positive surveyor's area in tile coordinates (y down:
//!    clockwise on screen), holes a negative one, as MVT 2.1 requires.
//! 5. **Sub-pixel features** are dropped by the renderer, judged on the whole feature before
//!    clipping: polygons of less than [`MIN_AREA`] (one square pixel) and lines shorter than
//!    [`MIN_LENGTH`] (one pixel). Holes of less than one square pixel are filled.

use super::clip::{Pt, Square, clip_line, clip_ring};
use super::mvt::TilePoint;

/// Tile units per screen pixel when a 4096-unit tile is drawn 512 pixels wide.
pub const PIXEL: f64 = 8.0;
/// Polygons whose whole area is under this many square tile units (one square pixel) are left
/// out, and so are holes that small.
pub const MIN_AREA: f64 = PIXEL * PIXEL;
/// Lines whose whole length is under this many tile units (one pixel) are left out.
pub const MIN_LENGTH: f64 = PIXEL;
/// From this zoom on, geometries are only quantised (no Douglas–Peucker).
pub const EXACT_FROM_ZOOM: u8 = 16;

/// The Douglas–Peucker tolerance at zoom `z`, tile units.
pub fn tolerance(z: u8) -> f64 {
    if z >= EXACT_FROM_ZOOM {
        0.0
    } else {
        PIXEL / 2.0
    }
}

/// Rounds to integer tile units and drops consecutive repeats.
pub fn quantise(pts: &[Pt]) -> Vec<TilePoint> {
    let mut out: Vec<TilePoint> = Vec::with_capacity(pts.len());
    for p in pts {
        // Clipped coordinates are inside the buffered square, far inside i32.
        let q = [p[0].round() as i32, p[1].round() as i32];
        if out.last() != Some(&q) {
            out.push(q);
        }
    }
    out
}

fn cross(a: TilePoint, b: TilePoint, c: TilePoint) -> i64 {
    let (abx, aby) = (i64::from(b[0] - a[0]), i64::from(b[1] - a[1]));
    let (acx, acy) = (i64::from(c[0] - a[0]), i64::from(c[1] - a[1]));
    abx * acy - aby * acx
}

/// Twice the surveyor's (shoelace) area of an open ring, in the tile's own coordinates (y
/// down): positive for a ring that is clockwise on screen.
pub fn area2(ring: &[TilePoint]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            i64::from(a[0]) * i64::from(b[1]) - i64::from(b[0]) * i64::from(a[1])
        })
        .sum()
}

/// Removes repeated points, exactly collinear vertices and zero-width spikes from an open ring.
pub fn clean_ring(pts: &[TilePoint]) -> Vec<TilePoint> {
    let mut out: Vec<TilePoint> = Vec::with_capacity(pts.len());
    for &p in pts {
        while out.len() >= 2 && cross(out[out.len() - 2], out[out.len() - 1], p) == 0 {
            out.pop();
        }
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    loop {
        let n = out.len();
        let last_is_redundant = (n >= 2 && out[0] == out[n - 1])
            || (n >= 3 && cross(out[n - 2], out[n - 1], out[0]) == 0);
        if last_is_redundant {
            out.pop();
        } else if n >= 3 && cross(out[n - 1], out[0], out[1]) == 0 {
            out.remove(0);
        } else {
            break;
        }
    }
    if out.len() < 3 { Vec::new() } else { out }
}

/// Squared distance from p to the segment a–b.
fn seg_dist2(p: TilePoint, a: TilePoint, b: TilePoint) -> f64 {
    let (px, py) = (f64::from(p[0]), f64::from(p[1]));
    let (ax, ay) = (f64::from(a[0]), f64::from(a[1]));
    let (dx, dy) = (f64::from(b[0]) - ax, f64::from(b[1]) - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
    };
    let (ex, ey) = (ax + t * dx - px, ay + t * dy - py);
    ex * ex + ey * ey
}

/// Douglas–Peucker on an open polyline: keeps both ends and every vertex needed so that no
/// removed vertex is farther than `tol` from the result.
pub fn douglas_peucker(pts: &[TilePoint], tol: f64) -> Vec<TilePoint> {
    let n = pts.len();
    if n <= 2 || tol <= 0.0 {
        return pts.to_vec();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0usize, n - 1)];
    let tol2 = tol * tol;
    while let Some((s, e)) = stack.pop() {
        let mut best = (0.0f64, 0usize);
        for (i, p) in pts.iter().enumerate().take(e).skip(s + 1) {
            let d = seg_dist2(*p, pts[s], pts[e]);
            if d > best.0 {
                best = (d, i);
            }
        }
        if best.0 > tol2 {
            keep[best.1] = true;
            stack.push((s, best.1));
            stack.push((best.1, e));
        }
    }
    pts.iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// Simplifies a cleaned open ring; falls back to the ring itself when simplifying would make
/// it degenerate or flip it.
pub fn simplify_ring(ring: &[TilePoint], tol: f64) -> Vec<TilePoint> {
    if tol <= 0.0 || ring.len() <= 3 {
        return ring.to_vec();
    }
    // Split at the vertex farthest from the first, and simplify both halves as open lines.
    let first = ring[0];
    let far = (0..ring.len())
        .max_by_key(|&i| {
            let (dx, dy) = (
                i64::from(ring[i][0] - first[0]),
                i64::from(ring[i][1] - first[1]),
            );
            dx * dx + dy * dy
        })
        .unwrap_or(0);
    let a = douglas_peucker(&ring[..=far], tol);
    let mut rest: Vec<TilePoint> = ring[far..].to_vec();
    rest.push(first);
    let b = douglas_peucker(&rest, tol);
    let mut out = a;
    out.extend_from_slice(&b[1..b.len().saturating_sub(1)]);
    let out = clean_ring(&out);
    let (before, after) = (area2(ring), area2(&out));
    if out.len() >= 3 && after != 0 && (after > 0) == (before > 0) {
        out
    } else {
        ring.to_vec()
    }
}

/// One ring clipped, quantised, cleaned and simplified; `None` when nothing with area is left.
pub fn ring(pts: &[Pt], sq: Square, tol: f64) -> Option<Vec<TilePoint>> {
    let clipped = clip_ring(pts, sq);
    let cleaned = clean_ring(&quantise(&clipped));
    if cleaned.len() < 3 || area2(&cleaned) == 0 {
        return None;
    }
    Some(simplify_ring(&cleaned, tol))
}

/// A polygon (exterior, then holes; open rings in tile units) as MVT rings: the exterior with a
/// positive area, then its holes with negative areas. Empty when the exterior has nothing left.
pub fn polygon(exterior: &[Pt], holes: &[Vec<Pt>], sq: Square, tol: f64) -> Vec<Vec<TilePoint>> {
    let Some(mut outer) = ring(exterior, sq, tol) else {
        return Vec::new();
    };
    if area2(&outer) < 0 {
        outer.reverse();
    }
    let mut rings = vec![outer];
    for h in holes {
        if let Some(mut inner) = ring(h, sq, tol) {
            if (area2(&inner).unsigned_abs() as f64) < 2.0 * MIN_AREA {
                continue;
            }
            if area2(&inner) > 0 {
                inner.reverse();
            }
            rings.push(inner);
        }
    }
    rings
}

/// A line's pieces inside the square, quantised and simplified; pieces that quantise to a
/// single point are dropped. A piece whose ends meet (it dips into the square and leaves
/// where it entered) would simplify to that one point: it is kept as its start and its
/// farthest point instead, so that what it drew is still drawn.
pub fn line(pts: &[Pt], sq: Square, tol: f64) -> Vec<Vec<TilePoint>> {
    clip_line(pts, sq)
        .iter()
        .map(|piece| {
            let q = quantise(piece);
            let mut simple = douglas_peucker(&q, tol);
            simple.dedup();
            if simple.len() < 2
                && let Some(far) = q.iter().max_by_key(|p| {
                    let (dx, dy) = (i64::from(p[0] - q[0][0]), i64::from(p[1] - q[0][1]));
                    dx * dx + dy * dy
                })
                && *far != q[0]
            {
                simple = vec![q[0], *far];
            }
            simple
        })
        .filter(|piece| piece.len() >= 2)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_removes_repeats_collinear_points_and_spikes() {
        let ring = [
            [0, 0],
            [5, 0],
            [10, 0],
            [10, 10],
            [10, 20],
            [10, 10],
            [0, 10],
            [0, 0],
        ];
        assert_eq!(clean_ring(&ring), [[0, 0], [10, 0], [10, 10], [0, 10]]);
        assert!(clean_ring(&[[0, 0], [5, 5], [10, 10]]).is_empty());
    }

    #[test]
    fn douglas_peucker_keeps_corners_and_drops_small_wiggles() {
        let line = [[0, 0], [50, 2], [100, 0], [100, 100]];
        assert_eq!(douglas_peucker(&line, 4.0), [[0, 0], [100, 0], [100, 100]]);
        assert_eq!(douglas_peucker(&line, 0.0), line);
    }

    #[test]
    fn polygons_are_oriented_for_mvt() {
        let sq = Square::buffered(4096, 64);
        // Counter-clockwise on screen (negative area in tile space) as given.
        let ext = [[0.0, 0.0], [0.0, 100.0], [100.0, 100.0], [100.0, 0.0]];
        let hole = vec![[20.0, 20.0], [80.0, 20.0], [80.0, 80.0], [20.0, 80.0]];
        let rings = polygon(&ext, &[hole], sq, 4.0);
        assert_eq!(rings.len(), 2);
        assert!(area2(&rings[0]) > 0);
        assert!(area2(&rings[1]) < 0);
    }
}
