//! Cheap bounds on the public `area_m2` and `length_m` of a feature, so that a comparison such
//! as `area_m2 > 500` is decided without the exact geodesic measure (Karney's, about 2 µs a
//! parcel) for every feature that is clearly on one side; only features near the limit get the
//! exact measure.
//!
//! The bound is the area (length) in a local plane scaled by the ellipsoid's radii of curvature
//! at the middle latitude, widened by a margin that covers the change of scale across the
//! geometry (`tan φ · Δφ`), the curvature of the surface (`Δ²`) and the rounding to 0.01 shown.
//! Geometries wider than 0.2° or beyond 70° of latitude get no bound (always the exact measure).
//! `tests/cql2.rs` checks the bounds hold for every feature of the test city.

use geo::{Coord, LineString};

use crate::domain::ValidGeometry;

const A: f64 = 6_378_137.0;
const F: f64 = 1.0 / 298.257_223_563;

/// Which measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    AreaM2,
    LengthM,
}

fn ring_area(l: &LineString, o: Coord) -> f64 {
    let mut twice = 0.0;
    for w in l.0.windows(2) {
        let (a, b) = (w[0] - o, w[1] - o);
        twice += a.x * b.y - b.x * a.y;
    }
    (twice / 2.0).abs()
}

fn polygon_area(p: &geo::Polygon, o: Coord) -> f64 {
    ring_area(p.exterior(), o) - p.interiors().iter().map(|r| ring_area(r, o)).sum::<f64>()
}

fn line_length(l: &LineString, kx: f64, ky: f64) -> f64 {
    l.0.windows(2)
        .map(|w| {
            let d = w[1] - w[0];
            ((d.x * kx).powi(2) + (d.y * ky).powi(2)).sqrt()
        })
        .sum()
}

/// `(low, high)` around the public (rounded) value of `what` for `g`; `None` when no cheap
/// bound applies.
pub fn bounds(g: &ValidGeometry, what: Measure) -> Option<(f64, f64)> {
    let b = g.bbox();
    let (dx, dy) = (b.max_x - b.min_x, b.max_y - b.min_y);
    let lat_max = b.min_y.abs().max(b.max_y.abs());
    if dx.max(dy) > 0.2 || lat_max > 70.0 {
        return None;
    }
    let phi = ((b.min_y + b.max_y) / 2.0).to_radians();
    let e2 = F * (2.0 - F);
    let w = (1.0 - e2 * phi.sin().powi(2)).sqrt();
    // Metres per degree of longitude and of latitude at the middle latitude.
    let kx = (A / w) * phi.cos() * std::f64::consts::PI / 180.0;
    let ky = A * (1.0 - e2) / (w * w * w) * std::f64::consts::PI / 180.0;
    let origin = Coord {
        x: b.min_x,
        y: b.min_y,
    };
    let value = match (what, g) {
        (Measure::AreaM2, ValidGeometry::Polygon(p)) => polygon_area(p, origin) * kx * ky,
        (Measure::AreaM2, ValidGeometry::MultiPolygon(m)) => {
            m.0.iter().map(|p| polygon_area(p, origin)).sum::<f64>() * kx * ky
        }
        (Measure::LengthM, ValidGeometry::MultiLineString(m)) => {
            m.0.iter().map(|l| line_length(l, kx, ky)).sum()
        }
        _ => 0.0,
    };
    let span = dx.max(dy).to_radians();
    let scale = lat_max.to_radians().tan() * dy.to_radians() / 2.0;
    let margin = 2.0 * (scale + span * span + 1e-6);
    Some((value * (1.0 - margin) - 0.01, value * (1.0 + margin) + 0.01))
}
