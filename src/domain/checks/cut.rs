//! Cutting a parcel in two along a straight line (the published rule: the dividing line is
//! straight). Used to make test proposals and by integration tests that split demo parcels.

use geo::orient::{Direction, Orient};
use geo::{Coord, LineString, Polygon, Validation};

/// Cuts `polygon` by the infinite straight line through `a` and `b` into the piece left of the
/// line (looking from `a` to `b`) and the piece right of it.
///
/// Works in the polygon's own coordinates (EPSG:4326 degrees for parcels: at parcel scale a
/// straight line in degrees is straight on the ground to well under a millimetre). Both pieces
/// share the two cut points exactly, so they meet along the cut without gap or overlap, and come
/// out valid with the exterior counter-clockwise.
///
/// Returns `None` when `a == b`, when the polygon has holes, when the line does not cross it, or
/// when it would cut it into more than two pieces (a concave parcel crossed four times).
/// Cost: O(v) in the number of vertices, plus the validation of the two pieces.
///
/// ```
/// use geo::{coord, polygon};
/// use madinati::domain::checks::cut_by_line;
/// let square = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 2.0), (x: 0.0, y: 2.0)];
/// let (left, right) = cut_by_line(&square, coord! {x: 1.0, y: -1.0}, coord! {x: 1.0, y: 3.0}).unwrap();
/// use geo::Area;
/// assert_eq!((left.unsigned_area(), right.unsigned_area()), (2.0, 2.0));
/// ```
pub fn cut_by_line(polygon: &Polygon, a: Coord, b: Coord) -> Option<(Polygon, Polygon)> {
    if a == b || !polygon.interiors().is_empty() {
        return None;
    }
    let dir = b - a;
    let side = |c: Coord| {
        let s = dir.x * (c.y - a.y) - dir.y * (c.x - a.x);
        if s > 0.0 {
            1i8
        } else if s < 0.0 {
            -1
        } else {
            0
        }
    };
    // The open ring with the crossing points inserted; each point with its side (0: on the line).
    let ring = &polygon.exterior().0;
    let open = ring.get(..ring.len().checked_sub(1)?)?;
    let mut pts: Vec<(Coord, i8)> = Vec::with_capacity(open.len() + 2);
    for (i, &p) in open.iter().enumerate() {
        let q = open[(i + 1) % open.len()];
        let (sp, sq) = (side(p), side(q));
        pts.push((p, sp));
        if sp * sq < 0 {
            pts.push((crossing(a, dir, p, q), 0));
        }
    }
    // Exactly one run of left points and one run of right points, cyclically, each bounded by
    // a single point on the line.
    let n = pts.len();
    let start = (0..n).find(|&i| pts[i].1 == 0 && pts[(i + 1) % n].1 != 0)?;
    let mut runs: Vec<(i8, Vec<Coord>)> = Vec::new();
    let mut ends = Vec::new();
    let mut i = (start + 1) % n;
    let mut current: Option<(i8, Vec<Coord>)> = None;
    for _ in 0..n {
        let (p, s) = pts[i];
        match (&mut current, s) {
            (None, 0) => return None, // two points on the line in a row
            (None, s) => current = Some((s, vec![p])),
            (Some((cs, run)), s) if s == *cs => run.push(p),
            (Some(_), 0) => {
                ends.push(p);
                runs.extend(current.take());
            }
            (Some(_), _) => return None, // a side change without a point on the line
        }
        i = (i + 1) % n;
    }
    let (first_end, last_end) = (pts[start].0, *ends.last()?);
    if runs.len() != 2 || ends.len() != 2 || last_end != first_end || runs[0].0 == runs[1].0 {
        return None;
    }
    // runs[0] goes from pts[start] to ends[0]; runs[1] from ends[0] back to pts[start].
    let piece = |from: Coord, run: &[Coord], to: Coord| {
        let mut cs = Vec::with_capacity(run.len() + 3);
        cs.push(from);
        cs.extend_from_slice(run);
        cs.push(to);
        cs.push(from);
        Polygon::new(LineString(cs), vec![]).orient(Direction::Default)
    };
    let p0 = piece(first_end, &runs[0].1, ends[0]);
    let p1 = piece(ends[0], &runs[1].1, first_end);
    if !(p0.is_valid() && p1.is_valid()) {
        return None;
    }
    if runs[0].0 > 0 {
        Some((p0, p1))
    } else {
        Some((p1, p0))
    }
}

/// Where segment pq crosses the line through `a` along `dir` (p and q on opposite sides).
fn crossing(a: Coord, dir: Coord, p: Coord, q: Coord) -> Coord {
    let sp = dir.x * (p.y - a.y) - dir.y * (p.x - a.x);
    let sq = dir.x * (q.y - a.y) - dir.y * (q.x - a.x);
    let t = sp / (sp - sq);
    p + (q - p) * t
}
