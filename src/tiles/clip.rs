//! Clipping in tile units (f64, x to the right, y down) against the buffered tile square
//! `[min, max]²` (for a 4096 extent and a 64 buffer: `[-64, 4160]²`).
//!
//! - Polygon rings: Sutherland–Hodgman against the four edges of the square. The square is
//!   convex, so each ring clipped on its own gives exactly the ring's part inside; a ring with a
//!   concave part crossing the square's edge can come out with zero-width runs along that edge,
//!   which draw nothing. Rings left with under 3 distinct points or no area are dropped later,
//!   after quantisation (`super::simplify`).
//! - Lines: Liang–Barsky on each segment; a line leaving and re-entering the square is split
//!   into pieces.
//! - Points: kept when inside the square (edges included).

/// A point in tile units before quantisation.
pub type Pt = [f64; 2];

/// The buffered tile square, tile units: `min ≤ x, y ≤ max`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Square {
    pub min: f64,
    pub max: f64,
}

impl Square {
    /// The square of a tile of `extent` units grown by `buffer` units on each side.
    pub fn buffered(extent: u32, buffer: u32) -> Square {
        Square {
            min: -f64::from(buffer),
            max: f64::from(extent) + f64::from(buffer),
        }
    }

    /// Whether the point is inside (edges included).
    pub fn contains(&self, p: Pt) -> bool {
        p[0] >= self.min && p[0] <= self.max && p[1] >= self.min && p[1] <= self.max
    }

    /// Whether every point is inside (no clipping needed).
    pub fn contains_all(&self, pts: &[Pt]) -> bool {
        pts.iter().all(|p| self.contains(*p))
    }

    /// Whether the box around the points misses the square entirely.
    pub fn misses(&self, pts: &[Pt]) -> bool {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in pts {
            x0 = x0.min(p[0]);
            y0 = y0.min(p[1]);
            x1 = x1.max(p[0]);
            y1 = y1.max(p[1]);
        }
        x1 < self.min || x0 > self.max || y1 < self.min || y0 > self.max
    }
}

/// One edge of the square: which axis and which side is inside.
#[derive(Clone, Copy)]
struct Edge {
    axis: usize,
    bound: f64,
    keep_below: bool,
}

impl Edge {
    fn inside(&self, p: Pt) -> bool {
        if self.keep_below {
            p[self.axis] <= self.bound
        } else {
            p[self.axis] >= self.bound
        }
    }

    /// Where the segment a→b crosses the edge's line (a and b on different sides).
    fn cross(&self, a: Pt, b: Pt) -> Pt {
        let t = (self.bound - a[self.axis]) / (b[self.axis] - a[self.axis]);
        let other = 1 - self.axis;
        let mut p = [0.0; 2];
        p[self.axis] = self.bound;
        p[other] = a[other] + t * (b[other] - a[other]);
        p
    }
}

/// The part of a closed ring (given open: the last point is not repeated) inside the square,
/// as an open ring; empty when nothing is inside.
pub fn clip_ring(ring: &[Pt], sq: Square) -> Vec<Pt> {
    if sq.contains_all(ring) {
        return ring.to_vec();
    }
    if sq.misses(ring) {
        return Vec::new();
    }
    let edges = [
        Edge {
            axis: 0,
            bound: sq.min,
            keep_below: false,
        },
        Edge {
            axis: 0,
            bound: sq.max,
            keep_below: true,
        },
        Edge {
            axis: 1,
            bound: sq.min,
            keep_below: false,
        },
        Edge {
            axis: 1,
            bound: sq.max,
            keep_below: true,
        },
    ];
    let mut input: Vec<Pt> = ring.to_vec();
    let mut output: Vec<Pt> = Vec::with_capacity(ring.len() + 8);
    for e in edges {
        output.clear();
        let Some(&last) = input.last() else {
            return Vec::new();
        };
        let mut prev = last;
        for &cur in &input {
            match (e.inside(prev), e.inside(cur)) {
                (true, true) => output.push(cur),
                (true, false) => output.push(e.cross(prev, cur)),
                (false, true) => {
                    output.push(e.cross(prev, cur));
                    output.push(cur);
                }
                (false, false) => {}
            }
            prev = cur;
        }
        std::mem::swap(&mut input, &mut output);
    }
    input
}

/// The part of segment a→b inside the square as parameters `t0 ≤ t1` of a + t (b − a), or
/// `None` when it misses (Liang–Barsky).
fn clip_segment(a: Pt, b: Pt, sq: Square) -> Option<(f64, f64)> {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a[0] - sq.min),
        (dx, sq.max - a[0]),
        (-dy, a[1] - sq.min),
        (dy, sq.max - a[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    (t0 <= t1).then_some((t0, t1))
}

fn at(a: Pt, b: Pt, t: f64) -> Pt {
    if t <= 0.0 {
        a
    } else if t >= 1.0 {
        b
    } else {
        [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
    }
}

/// The pieces of a line inside the square, in order; each has at least two points.
pub fn clip_line(line: &[Pt], sq: Square) -> Vec<Vec<Pt>> {
    if sq.contains_all(line) {
        return if line.len() >= 2 {
            vec![line.to_vec()]
        } else {
            Vec::new()
        };
    }
    if sq.misses(line) {
        return Vec::new();
    }
    let mut pieces = Vec::new();
    let mut cur: Vec<Pt> = Vec::new();
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        match clip_segment(a, b, sq) {
            None => {
                if cur.len() >= 2 {
                    pieces.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
            Some((t0, t1)) => {
                if t0 > 0.0 || cur.is_empty() {
                    if cur.len() >= 2 {
                        pieces.push(std::mem::take(&mut cur));
                    }
                    cur.clear();
                    cur.push(at(a, b, t0));
                }
                cur.push(at(a, b, t1));
                if t1 < 1.0 {
                    pieces.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if cur.len() >= 2 {
        pieces.push(cur);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQ: Square = Square {
        min: 0.0,
        max: 10.0,
    };

    #[test]
    fn a_ring_across_a_corner_is_cut_to_the_square() {
        let ring = [[-5.0, -5.0], [5.0, -5.0], [5.0, 5.0], [-5.0, 5.0]];
        let out = clip_ring(&ring, SQ);
        let mut sorted = out.clone();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        sorted.dedup();
        assert_eq!(sorted, [[0.0, 0.0], [0.0, 5.0], [5.0, 0.0], [5.0, 5.0]]);
    }

    #[test]
    fn a_ring_around_the_square_becomes_the_square() {
        let ring = [[-5.0, -5.0], [15.0, -5.0], [15.0, 15.0], [-5.0, 15.0]];
        assert_eq!(clip_ring(&ring, SQ).len(), 4);
        assert!(clip_ring(&[[20.0, 20.0], [30.0, 20.0], [30.0, 30.0]], SQ).is_empty());
    }

    #[test]
    fn a_line_leaving_and_returning_is_split() {
        let line = [[1.0, 1.0], [1.0, 20.0], [5.0, 20.0], [5.0, 1.0]];
        let pieces = clip_line(&line, SQ);
        assert_eq!(
            pieces,
            vec![vec![[1.0, 1.0], [1.0, 10.0]], vec![[5.0, 10.0], [5.0, 1.0]]]
        );
        let through = clip_line(&[[-5.0, 5.0], [15.0, 5.0]], SQ);
        assert_eq!(through, vec![vec![[0.0, 5.0], [10.0, 5.0]]]);
        assert!(clip_line(&[[-5.0, -5.0], [-1.0, 20.0]], SQ).is_empty());
    }
}
