//! Points on the unit sphere, for exact geodesic nearest-neighbour search with a Euclidean R-tree.
//!
//! Longitude/latitude (EPSG:4326 degrees) map to 3D unit vectors; the chord between two vectors
//! grows with the angle between them, so a 3D R-tree returns candidates in angle order. The WGS 84
//! geodesic distance is at least `angle × LOWER_RADIUS_M`, which lets a search stop as soon as no
//! later candidate can beat the k-th geodesic distance found: answers are exact, not approximate.

use geo::Coord;

/// A radius (metres) below every radius of curvature of WGS 84 (the smallest, at the equator
/// along the meridian, is 6,335,439 m), with margin for the geodetic-latitude mapping.
pub const LOWER_RADIUS_M: f64 = 6_300_000.0;

/// The unit vector of a lon/lat point (degrees).
pub fn unit_vector(c: Coord) -> [f64; 3] {
    let (lon, lat) = (c.x.to_radians(), c.y.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The angle (radians) subtended by a chord of squared length `chord2` on the unit sphere.
pub fn angle_of_chord2(chord2: f64) -> f64 {
    2.0 * (chord2.sqrt() / 2.0).min(1.0).asin()
}

/// A lower bound (metres) of the geodesic distance between points `chord2` apart on the sphere.
pub fn lower_bound_m(chord2: f64) -> f64 {
    angle_of_chord2(chord2) * LOWER_RADIUS_M
}

#[cfg(test)]
mod tests {
    use geo::{Distance, Geodesic, Point};
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The bound never exceeds the true WGS 84 geodesic distance, anywhere on Earth.
        #[test]
        fn lower_bound_is_below_the_geodesic_distance(
            x1 in -180.0f64..180.0, y1 in -89.0f64..89.0, x2 in -180.0f64..180.0, y2 in -89.0f64..89.0
        ) {
            let (a, b) = (Coord { x: x1, y: y1 }, Coord { x: x2, y: y2 });
            let (u, v) = (unit_vector(a), unit_vector(b));
            let chord2: f64 = (0..3).map(|i| (u[i] - v[i]).powi(2)).sum();
            let geodesic = Geodesic.distance(Point(a), Point(b));
            prop_assert!(lower_bound_m(chord2) <= geodesic + 1e-6, "{} > {}", lower_bound_m(chord2), geodesic);
        }
    }
}
