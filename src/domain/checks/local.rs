//! Lengths at parcel scale: a local metric frame, and the length of a boundary lying within a
//! distance of some lines (a street's centre line, a neighbour's boundary).
//!
//! The frame is equirectangular on the WGS 84 ellipsoid around an origin: x = Δλ·N·cos φ₀,
//! y = Δφ·M (N, M the prime-vertical and meridional radii at φ₀), in metres. Within a few hundred
//! metres of the origin its lengths differ from geodesic ones by under 1e-4 (relative).
//!
//! Along a boundary segment A + t(B − A), t ∈ [0, 1], the distance to a target segment CD is
//! convex in t, so the part within `reach` is one interval: the segment's intersection with the
//! stadium around CD (a rectangle and two disks, each convex; the union of the three intervals
//! is the interval). It is found in closed form. Intervals are merged per boundary segment and
//! their lengths summed.

use geo::Coord;

const A_WGS84: f64 = 6_378_137.0;
const F_WGS84: f64 = 1.0 / 298.257_223_563;

/// A local metric frame around an origin (EPSG:4326 degrees in, metres out).
#[derive(Clone, Copy, Debug)]
pub(crate) struct LocalFrame {
    lon0: f64,
    lat0: f64,
    /// Metres per degree of longitude and latitude at the origin.
    kx: f64,
    ky: f64,
}

impl LocalFrame {
    /// The frame around `origin` (lon/lat degrees).
    pub(crate) fn new(origin: Coord) -> LocalFrame {
        let e2 = F_WGS84 * (2.0 - F_WGS84);
        let phi = origin.y.to_radians();
        let w = (1.0 - e2 * phi.sin().powi(2)).sqrt();
        let n = A_WGS84 / w;
        let m = A_WGS84 * (1.0 - e2) / (w * w * w);
        LocalFrame {
            lon0: origin.x,
            lat0: origin.y,
            kx: n * phi.cos() * std::f64::consts::PI / 180.0,
            ky: m * std::f64::consts::PI / 180.0,
        }
    }

    /// Degrees to metres east and north of the origin.
    pub(crate) fn to_local(self, c: Coord) -> Coord {
        Coord {
            x: (c.x - self.lon0) * self.kx,
            y: (c.y - self.lat0) * self.ky,
        }
    }

    /// Metres east and north of the origin to degrees.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn to_lonlat(self, c: Coord) -> Coord {
        Coord {
            x: self.lon0 + c.x / self.kx,
            y: self.lat0 + c.y / self.ky,
        }
    }
}

/// A target segment (local metres) and how near a boundary point must be to count, metres.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Target {
    pub c: Coord,
    pub d: Coord,
    pub reach: f64,
}

fn dot(a: Coord, b: Coord) -> f64 {
    a.x * b.x + a.y * b.y
}

fn cross(a: Coord, b: Coord) -> f64 {
    a.x * b.y - a.y * b.x
}

/// The `t` with |A + t·u − P|² ≤ r² (a disk), or `None`.
fn disk(a: Coord, u: Coord, p: Coord, r: f64) -> Option<(f64, f64)> {
    let w = a - p;
    let qa = dot(u, u);
    let qb = 2.0 * dot(u, w);
    let qc = dot(w, w) - r * r;
    let disc = qb * qb - 4.0 * qa * qc;
    if qa == 0.0 || disc < 0.0 {
        return None;
    }
    let s = disc.sqrt();
    Some(((-qb - s) / (2.0 * qa), (-qb + s) / (2.0 * qa)))
}

/// The `t` with lo ≤ k + m·t ≤ hi, or `None`.
fn slab(k: f64, m: f64, lo: f64, hi: f64) -> Option<(f64, f64)> {
    if m == 0.0 {
        return (lo <= k && k <= hi).then_some((f64::NEG_INFINITY, f64::INFINITY));
    }
    let (t1, t2) = ((lo - k) / m, (hi - k) / m);
    Some((t1.min(t2), t1.max(t2)))
}

/// The part of segment AB (as t ∈ [0, 1]) within `reach` of segment CD, or `None`.
pub(crate) fn within(a: Coord, b: Coord, t: &Target) -> Option<(f64, f64)> {
    let u = b - a;
    let v = t.d - t.c;
    let r = t.reach;
    let mut pieces = vec![disk(a, u, t.c, r), disk(a, u, t.d, r)];
    let vv = dot(v, v);
    if vv > 0.0 {
        let len = vv.sqrt();
        // Along CD: (P − C)·v / |v|² ∈ [0, 1]; across: (v × (P − C)) / |v| ∈ [−r, r].
        let w = a - t.c;
        let along = slab(dot(w, v) / vv, dot(u, v) / vv, 0.0, 1.0);
        let across = slab(cross(v, w) / len, cross(v, u) / len, -r, r);
        pieces.push(match (along, across) {
            (Some((a1, a2)), Some((b1, b2))) if a1.max(b1) <= a2.min(b2) => {
                Some((a1.max(b1), a2.min(b2)))
            }
            _ => None,
        });
    }
    let (lo, hi) = pieces
        .into_iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (p, q)| {
            (lo.min(p), hi.max(q))
        });
    let (lo, hi) = (lo.max(0.0), hi.min(1.0));
    (lo < hi).then_some((lo, hi))
}

/// Whether segments AB and CD are within `max_sin` of parallel (|sin angle| ≤ max_sin).
pub(crate) fn roughly_parallel(a: Coord, b: Coord, c: Coord, d: Coord, max_sin: f64) -> bool {
    let (u, v) = (b - a, d - c);
    let n = (dot(u, u) * dot(v, v)).sqrt();
    n > 0.0 && cross(u, v).abs() <= max_sin * n
}

/// Length, metres, of the union of intervals `ts` (t ∈ [0, 1]) on a segment `len` metres long.
pub(crate) fn union_length(ts: &mut [(f64, f64)], len: f64) -> f64 {
    ts.sort_by(|p, q| p.0.total_cmp(&q.0));
    let mut total = 0.0;
    let mut current: Option<(f64, f64)> = None;
    for &(lo, hi) in ts.iter() {
        current = match current {
            Some((cl, ch)) if lo <= ch => Some((cl, ch.max(hi))),
            Some((cl, ch)) => {
                total += ch - cl;
                Some((lo, hi))
            }
            None => Some((lo, hi)),
        };
    }
    if let Some((cl, ch)) = current {
        total += ch - cl;
    }
    total * len
}

/// Length, metres, of the closed ring `ring` (local metres) lying within reach of any target
/// roughly parallel to it (|sin angle| ≤ `max_sin`).
pub(crate) fn ring_length_within(ring: &[Coord], targets: &[Target], max_sin: f64) -> f64 {
    let mut ts = Vec::new();
    ring.windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            ts.clear();
            ts.extend(
                targets
                    .iter()
                    .filter(|t| roughly_parallel(a, b, t.c, t.d, max_sin))
                    .filter_map(|t| within(a, b, t)),
            );
            union_length(&mut ts, (b - a).x.hypot((b - a).y))
        })
        .sum()
}
