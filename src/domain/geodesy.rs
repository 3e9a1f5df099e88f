//! Geodesic measures on the WGS 84 ellipsoid (Karney's algorithms through `geo`).
//!
//! Areas in square metres and lengths in metres, from EPSG:4326 degrees. These agree with
//! PostGIS `ST_Area(geography)` / `ST_Length(geography)` (the same algorithms) to well under 0.01 %.

use geo::{Geodesic, GeodesicArea, Length};

use super::geometry::ValidGeometry;

/// Unsigned geodesic area in m². 0 for points and lines.
///
/// ```
/// use madinati::domain::{geodesy, GeometryShape, RawGeometry, ValidGeometry};
/// use geo::coord;
/// // A 0.001° square at Dammam is about 99.7 m × 110.8 m; PostGIS ST_Area(geography) says 11054.58 m².
/// let ring = vec![coord!{x: 50.0, y: 26.4}, coord!{x: 50.001, y: 26.4}, coord!{x: 50.001, y: 26.401},
///                 coord!{x: 50.0, y: 26.401}, coord!{x: 50.0, y: 26.4}];
/// let g = ValidGeometry::new(RawGeometry::Polygon(vec![ring]), GeometryShape::Polygon).unwrap();
/// let a = geodesy::area_m2(&g);
/// assert!((a - 11_054.58).abs() < 0.01, "{a}");
/// ```
pub fn area_m2(g: &ValidGeometry) -> f64 {
    match g {
        ValidGeometry::Polygon(p) => p.geodesic_area_unsigned(),
        ValidGeometry::MultiPolygon(m) => m.0.iter().map(|p| p.geodesic_area_unsigned()).sum(),
        ValidGeometry::Point(_) | ValidGeometry::MultiLineString(_) => 0.0,
    }
}

/// Geodesic length in metres of a line layer's geometry. 0 for points and polygons.
pub fn length_m(g: &ValidGeometry) -> f64 {
    match g {
        ValidGeometry::MultiLineString(m) => m.0.iter().map(|l| Geodesic.length(l)).sum(),
        _ => 0.0,
    }
}
