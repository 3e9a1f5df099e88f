//! Locating where a polygon's rings cross or touch, so a rejection can say *where*.
//!
//! A sweep over segments sorted by their smallest x: each segment is tested only against the
//! segments whose x-range overlaps its own. O(n log n + k) for n segments and k overlapping pairs.

use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Line, Polygon};

struct Segment {
    ring: usize,
    index: usize,
    ring_len: usize,
    line: Line,
    min_x: f64,
    max_x: f64,
}

fn segments(poly: &Polygon) -> Vec<Segment> {
    let mut out = Vec::new();
    for (ring, ls) in std::iter::once(poly.exterior())
        .chain(poly.interiors())
        .enumerate()
    {
        let ring_len = ls.0.len().saturating_sub(1);
        for (index, line) in ls.lines().enumerate() {
            out.push(Segment {
                ring,
                index,
                ring_len,
                min_x: line.start.x.min(line.end.x),
                max_x: line.start.x.max(line.end.x),
                line,
            });
        }
    }
    out.sort_by(|a, b| a.min_x.total_cmp(&b.min_x));
    out
}

fn adjacent(a: &Segment, b: &Segment) -> bool {
    a.ring == b.ring
        && (a.index.abs_diff(b.index) == 1
            || (a.index == 0 && b.index + 1 == b.ring_len)
            || (b.index == 0 && a.index + 1 == a.ring_len))
}

/// The first place where a ring of `poly` crosses or touches itself, or crosses another ring:
/// `(ring index (0 = exterior), location)`. Coordinates are those of the polygon (degrees).
pub fn first_self_intersection(poly: &Polygon) -> Option<(usize, Coord)> {
    let segs = segments(poly);
    for (i, a) in segs.iter().enumerate() {
        for b in segs[i + 1..].iter() {
            if b.min_x > a.max_x {
                break;
            }
            let Some(hit) = line_intersection(a.line, b.line) else {
                continue;
            };
            let same_ring = a.ring == b.ring;
            match hit {
                LineIntersection::Collinear { intersection } => {
                    // Two segments running over each other: always a fault (spike or overlap).
                    if intersection.start != intersection.end || !adjacent(a, b) {
                        return Some((a.ring.min(b.ring), intersection.start));
                    }
                }
                LineIntersection::SinglePoint {
                    intersection,
                    is_proper,
                } => {
                    if adjacent(a, b) {
                        continue;
                    }
                    // Rings of one polygon may touch at a point; a ring may not touch itself.
                    if same_ring || is_proper {
                        return Some((a.ring.min(b.ring), intersection));
                    }
                }
            }
        }
    }
    None
}

/// A point where the boundaries of two polygons meet, if they do.
pub fn rings_touch_at(p: &Polygon, q: &Polygon) -> Option<Coord> {
    for a in p.exterior().lines() {
        for b in q.exterior().lines() {
            if let Some(hit) = line_intersection(a, b) {
                return Some(match hit {
                    LineIntersection::SinglePoint { intersection, .. } => intersection,
                    LineIntersection::Collinear { intersection } => intersection.start,
                });
            }
        }
    }
    None
}
