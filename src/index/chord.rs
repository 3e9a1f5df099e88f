//! Straight lines through the Earth, for exact geodesic nearest-neighbour search with a
//! Euclidean R-tree.
//!
//! Longitude/latitude (EPSG:4326 degrees) map to Earth-centred, Earth-fixed coordinates on the
//! WGS 84 ellipsoid (metres). The chord between two such points is the shortest path between
//! them in space, so it never exceeds the geodesic distance along the surface: a 3D R-tree gives
//! candidates in chord order, and a search can stop as soon as the next chord exceeds the k-th
//! geodesic distance found. Answers are exact, not approximate, and the bound is tight: the chord
//! falls short of the geodesic by about d³/24R², 13 cm at 50 km, so past the k nearest only the
//! points in that thin shell are measured (a bound on a sphere of smaller radius is 1 % short,
//! 500 m at 50 km, and near a city at that distance that shell holds hundreds of points).

use geo::Coord;

/// WGS 84 semi-major axis, metres.
const A: f64 = 6_378_137.0;
/// WGS 84 first eccentricity squared, f (2 − f) with f = 1/298.257223563.
const E2: f64 = 6.694_379_990_141_316e-3;

/// A radius (metres) below every radius of curvature of WGS 84 (the smallest, at the equator
/// along the meridian, is 6,335,439 m), with margin: `r / LOWER_RADIUS_M` radians of latitude
/// hold every point within `r` metres (for sizing lon/lat windows).
pub const LOWER_RADIUS_M: f64 = 6_300_000.0;

/// Earth-centred, Earth-fixed coordinates (metres) of a lon/lat point (degrees) on the ellipsoid.
pub fn ecef(c: Coord) -> [f64; 3] {
    let (lon, lat) = (c.x.to_radians(), c.y.to_radians());
    let (sin_lat, cos_lat) = lat.sin_cos();
    let n = A / (1.0 - E2 * sin_lat * sin_lat).sqrt();
    [
        n * cos_lat * lon.cos(),
        n * cos_lat * lon.sin(),
        n * (1.0 - E2) * sin_lat,
    ]
}

/// The squared straight-line distance between two ECEF points, m².
pub fn chord2(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    (0..3).map(|i| (a[i] - b[i]).powi(2)).sum()
}

/// A lower bound (metres) of the geodesic distance between points whose squared chord is
/// `chord2`: the chord itself, less a micrometre for the rounding of coordinates of 6.4e6 m.
pub fn lower_bound_m(chord2: f64) -> f64 {
    (chord2.sqrt() - 1e-6).max(0.0)
}

/// The squared chord whose [`lower_bound_m`] is at most `d` metres (a key for features other
/// than points, measured exactly, among points keyed by their chord).
pub fn key_of_distance(d: f64) -> f64 {
    d * d
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
            x1 in -180.0f64..180.0, y1 in -90.0f64..90.0, x2 in -180.0f64..180.0, y2 in -90.0f64..90.0
        ) {
            let (a, b) = (Coord { x: x1, y: y1 }, Coord { x: x2, y: y2 });
            let geodesic = Geodesic.distance(Point(a), Point(b));
            let bound = lower_bound_m(chord2(&ecef(a), &ecef(b)));
            prop_assert!(bound <= geodesic, "{} > {}", bound, geodesic);
        }

        /// Close by, too (where the bound is tightest): within a few kilometres, metres apart,
        /// and a few centimetres apart.
        #[test]
        fn lower_bound_is_below_the_geodesic_distance_close_by(
            x in -180.0f64..180.0, y in -89.9f64..89.9,
            dx in -0.05f64..0.05, dy in -0.05f64..0.05, scale in prop::sample::select(vec![1.0, 1e-3, 1e-6]),
        ) {
            let (a, b) = (Coord { x, y }, Coord { x: x + dx * scale, y: y + dy * scale });
            let geodesic = Geodesic.distance(Point(a), Point(b));
            let bound = lower_bound_m(chord2(&ecef(a), &ecef(b)));
            prop_assert!(bound <= geodesic, "{} > {}", bound, geodesic);
        }
    }

    #[test]
    fn the_bound_is_tight_at_city_distances() {
        let dammam = Coord { x: 50.1, y: 26.4 };
        for (to, within) in [
            (Coord { x: 50.11, y: 26.41 }, 1e-3),
            (Coord { x: 50.6, y: 26.4 }, 0.2),
            (Coord { x: 46.7, y: 24.7 }, 70.0), // Riyadh, 390 km: 61 m
        ] {
            let geodesic = Geodesic.distance(Point(dammam), Point(to));
            let bound = lower_bound_m(chord2(&ecef(dammam), &ecef(to)));
            assert!(geodesic - bound < within, "{geodesic} - {bound} ≥ {within}");
        }
    }

    #[test]
    fn ecef_matches_the_textbook_values() {
        // On the equator at the prime meridian: (a, 0, 0); at the pole: (0, 0, b).
        let e = ecef(Coord { x: 0.0, y: 0.0 });
        assert!((e[0] - A).abs() < 1e-6 && e[1].abs() < 1e-6 && e[2].abs() < 1e-6);
        let p = ecef(Coord { x: 0.0, y: 90.0 });
        assert!((p[2] - 6_356_752.314_245).abs() < 1e-5, "{p:?}");
    }
}
