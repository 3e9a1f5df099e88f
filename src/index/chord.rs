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

use geo::{Coord, Distance, Geodesic, Point};

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

/// Chords shorter than this (metres) are measured by [`geodesic_m`]'s series; longer ones by
/// Karney's algorithm.
pub const SERIES_UP_TO_M: f64 = 10_000.0;

/// The WGS 84 geodesic distance (metres) between `a` and `b` (lon/lat degrees) whose ECEF
/// positions ([`ecef`]) are `pa` and `pb`.
///
/// Up to [`SERIES_UP_TO_M`]: the chord lengthened by c³κ²/24, κ being the normal curvature of
/// the ellipsoid in the chord's direction at the mean latitude (Euler: cos²α/M + sin²α/N). The
/// terms left out are of order c⁵κ⁴ and e²c³κ²·(c/R), a few nanometres at 10 km; it agrees with
/// Karney's algorithm to within 20 nm (property-tested over the whole Earth), about Karney's own
/// rounding, at a tenth of the cost. Beyond, Karney's algorithm (via `geo`).
pub fn geodesic_m(a: Coord, pa: &[f64; 3], b: Coord, pb: &[f64; 3]) -> f64 {
    let c2 = chord2(pa, pb);
    if c2 >= SERIES_UP_TO_M * SERIES_UP_TO_M {
        return Geodesic.distance(Point(a), Point(b));
    }
    let c = c2.sqrt();
    let (sin_lat, cos_lat) = ((a.y + b.y) / 2.0).to_radians().sin_cos();
    let (sin_lon, cos_lon) = a.x.to_radians().sin_cos();
    let w = 1.0 - E2 * sin_lat * sin_lat;
    let n = A / w.sqrt();
    let m = A * (1.0 - E2) / (w * w.sqrt());
    let d = [pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]];
    let north = -sin_lat * cos_lon * d[0] - sin_lat * sin_lon * d[1] + cos_lat * d[2];
    let east = -sin_lon * d[0] + cos_lon * d[1];
    let across = north * north + east * east;
    let kappa = if across > 0.0 {
        (north * north / m + east * east / n) / across
    } else {
        1.0 / m
    };
    c + c2 * c * kappa * kappa / 24.0
}

/// [`geodesic_m`] for two lon/lat points.
pub fn geodesic_between(a: Coord, b: Coord) -> f64 {
    geodesic_m(a, &ecef(a), b, &ecef(b))
}

/// The squared chord whose [`lower_bound_m`] is at most `d` metres (a key for features other
/// than points, measured exactly, among points keyed by their chord).
pub fn key_of_distance(d: f64) -> f64 {
    d * d
}

#[cfg(test)]
mod tests {
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

    proptest! {
        /// The series agrees with Karney's algorithm to 20 nm wherever it is used (and beyond,
        /// Karney's is used), anywhere on Earth, from centimetres to beyond the series' range.
        #[test]
        fn geodesic_m_is_karneys_distance(
            x in -180.0f64..180.0, y in -89.9f64..89.9,
            dx in -0.15f64..0.15, dy in -0.15f64..0.15,
            scale in prop::sample::select(vec![1.0, 0.1, 1e-3, 1e-6]),
        ) {
            let (a, b) = (Coord { x, y }, Coord { x: x + dx * scale, y: (y + dy * scale).clamp(-90.0, 90.0) });
            let karney = Geodesic.distance(Point(a), Point(b));
            let ours = geodesic_between(a, b);
            prop_assert!((ours - karney).abs() <= 2e-8, "{} vs {} (Karney)", ours, karney);
            prop_assert!(lower_bound_m(chord2(&ecef(a), &ecef(b))) <= ours);
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
