//! Geometry as it arrives from a file (`RawGeometry`) and as the city keeps it (`ValidGeometry`).
//!
//! Readers build a `RawGeometry` exactly as the source wrote it: rings are not closed for them
//! and nothing is repaired, so that validation can say what was wrong and where. Coordinates are
//! EPSG:4326 longitude/latitude in degrees once reprojected. `ValidGeometry::new` is the only way
//! to a `ValidGeometry`: finite, in range, of the layer's type, and valid in the OGC Simple
//! Features sense (closed rings of at least four points, no self-intersection, holes inside).

use std::fmt;

use geo::algorithm::Validation;
use geo::algorithm::validation::{InvalidMultiPolygon, InvalidPolygon};
use geo::orient::{Direction, Orient};
use geo::{BoundingRect, Coord, LineString, MultiLineString, MultiPolygon, Point, Polygon};
use serde::Serialize;

use super::layer::GeometryShape;

mod intersections;

pub use intersections::first_self_intersection;

/// A geometry as read from a source, coordinates as given (x = longitude/easting).
#[derive(Clone, Debug, PartialEq)]
pub enum RawGeometry {
    Point(Coord),
    LineString(Vec<Coord>),
    /// Rings, the first exterior; not necessarily closed.
    Polygon(Vec<Vec<Coord>>),
    MultiPoint(Vec<Coord>),
    MultiLineString(Vec<Vec<Coord>>),
    MultiPolygon(Vec<Vec<Vec<Coord>>>),
    GeometryCollection(Vec<RawGeometry>),
}

impl RawGeometry {
    /// The OGC name of this geometry's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            RawGeometry::Point(_) => "Point",
            RawGeometry::LineString(_) => "LineString",
            RawGeometry::Polygon(_) => "Polygon",
            RawGeometry::MultiPoint(_) => "MultiPoint",
            RawGeometry::MultiLineString(_) => "MultiLineString",
            RawGeometry::MultiPolygon(_) => "MultiPolygon",
            RawGeometry::GeometryCollection(_) => "GeometryCollection",
        }
    }

    /// Applies `f` to every coordinate (used to reproject), stopping at the first error.
    pub fn try_map_coords<E>(
        &mut self,
        f: &mut impl FnMut(Coord) -> Result<Coord, E>,
    ) -> Result<(), E> {
        fn line<E>(
            l: &mut [Coord],
            f: &mut impl FnMut(Coord) -> Result<Coord, E>,
        ) -> Result<(), E> {
            for c in l.iter_mut() {
                *c = f(*c)?;
            }
            Ok(())
        }
        match self {
            RawGeometry::Point(c) => {
                *c = f(*c)?;
                Ok(())
            }
            RawGeometry::LineString(l) | RawGeometry::MultiPoint(l) => line(l, f),
            RawGeometry::Polygon(rings) | RawGeometry::MultiLineString(rings) => {
                rings.iter_mut().try_for_each(|r| line(r, f))
            }
            RawGeometry::MultiPolygon(polys) => polys
                .iter_mut()
                .try_for_each(|p| p.iter_mut().try_for_each(|r| line(r, f))),
            RawGeometry::GeometryCollection(gs) => {
                gs.iter_mut().try_for_each(|g| g.try_map_coords(f))
            }
        }
    }

    fn for_each_coord(&self, f: &mut impl FnMut(Coord)) {
        match self {
            RawGeometry::Point(c) => f(*c),
            RawGeometry::LineString(l) | RawGeometry::MultiPoint(l) => l.iter().for_each(|c| f(*c)),
            RawGeometry::Polygon(rings) | RawGeometry::MultiLineString(rings) => {
                rings.iter().flatten().for_each(|c| f(*c))
            }
            RawGeometry::MultiPolygon(polys) => {
                polys.iter().flatten().flatten().for_each(|c| f(*c))
            }
            RawGeometry::GeometryCollection(gs) => gs.iter().for_each(|g| g.for_each_coord(f)),
        }
    }

    fn is_empty(&self) -> bool {
        let mut any = false;
        self.for_each_coord(&mut |_| any = true);
        !any
    }
}

/// A longitude/latitude box in degrees (EPSG:4326).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bbox {
    pub min_x: f64,
    pub min_y: f64,
    pub max_x: f64,
    pub max_y: f64,
}

impl Bbox {
    /// The smallest box holding both.
    pub fn union(self, o: Bbox) -> Bbox {
        Bbox {
            min_x: self.min_x.min(o.min_x),
            min_y: self.min_y.min(o.min_y),
            max_x: self.max_x.max(o.max_x),
            max_y: self.max_y.max(o.max_y),
        }
    }
}

/// Why a geometry is not acceptable. Locations are EPSG:4326 lon/lat when reprojected.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GeometryProblem {
    #[error("geometry is empty")]
    Empty,
    #[error("wrong geometry type {found} for this layer: expected {expected}")]
    WrongType {
        expected: &'static str,
        found: &'static str,
    },
    #[error("coordinate {index} is not a finite number ({x}, {y})")]
    NonFinite { index: usize, x: f64, y: f64 },
    #[error(
        "coordinate ({x}, {y}) is out of range: longitude must be within -180..180 and latitude within -90..90 (is the source CRS right? pass --srs)"
    )]
    OutOfRange { x: f64, y: f64 },
    #[error(
        "{ring} is not closed: it starts at ({first_x}, {first_y}) and ends at ({last_x}, {last_y})"
    )]
    UnclosedRing {
        ring: RingRef,
        first_x: f64,
        first_y: f64,
        last_x: f64,
        last_y: f64,
    },
    #[error(
        "{ring} has {points} points: a ring needs at least 4 (3 distinct and the closing point)"
    )]
    TooFewPoints { ring: RingRef, points: usize },
    #[error("line {part} has fewer than 2 distinct points")]
    DegenerateLine { part: usize },
    #[error("self-intersection at ({x:.7}, {y:.7}) in {ring}")]
    SelfIntersection { ring: RingRef, x: f64, y: f64 },
    #[error("invalid polygon {part}: {detail}")]
    InvalidPolygon {
        part: usize,
        detail: String,
        location: Option<(f64, f64)>,
    },
}

impl GeometryProblem {
    /// A stable machine-readable code for summaries and the rejects file.
    pub fn code(&self) -> &'static str {
        match self {
            GeometryProblem::Empty => "empty_geometry",
            GeometryProblem::WrongType { .. } => "wrong_geometry_type",
            GeometryProblem::NonFinite { .. } => "non_finite_coordinate",
            GeometryProblem::OutOfRange { .. } => "coordinate_out_of_range",
            GeometryProblem::UnclosedRing { .. } => "unclosed_ring",
            GeometryProblem::TooFewPoints { .. } => "too_few_points",
            GeometryProblem::DegenerateLine { .. } => "degenerate_line",
            GeometryProblem::SelfIntersection { .. } => "self_intersection",
            GeometryProblem::InvalidPolygon { .. } => "invalid_polygon",
        }
    }

    /// Where the problem is, as lon/lat, when it has a place.
    pub fn location(&self) -> Option<(f64, f64)> {
        match self {
            GeometryProblem::OutOfRange { x, y }
            | GeometryProblem::SelfIntersection { x, y, .. } => Some((*x, *y)),
            GeometryProblem::UnclosedRing {
                first_x, first_y, ..
            } => Some((*first_x, *first_y)),
            GeometryProblem::InvalidPolygon { location, .. } => *location,
            _ => None,
        }
    }
}

/// Which ring of which polygon, for messages: "exterior ring of polygon 1", "interior ring 2 of polygon 1".
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RingRef {
    /// 1-based polygon number within a multipolygon (1 for a polygon).
    pub polygon: usize,
    /// 0 for the exterior, n for the n-th interior ring.
    pub ring: usize,
}

impl fmt::Display for RingRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ring == 0 {
            write!(f, "exterior ring of polygon {}", self.polygon)
        } else {
            write!(f, "interior ring {} of polygon {}", self.ring, self.polygon)
        }
    }
}

/// A geometry that passed validation, in EPSG:4326 degrees, of one of the stored shapes.
#[derive(Clone, Debug, PartialEq)]
pub enum ValidGeometry {
    Point(Point),
    MultiLineString(MultiLineString),
    Polygon(Polygon),
    MultiPolygon(MultiPolygon),
}

impl ValidGeometry {
    /// Validates `raw` (already in EPSG:4326) for a layer storing `shape`.
    ///
    /// Polygons come out in canonical winding: exterior counter-clockwise, holes clockwise.
    ///
    /// Checks, in order: not empty; finite and in range; a type the shape accepts; closed rings
    /// of at least four points; lines of two distinct points; OGC validity of each polygon, with
    /// the place of a self-intersection. Cost: O(n log n) in the number of vertices for valid
    /// input (geo's validation), O(n log n + k) more to locate a self-intersection.
    pub fn new(raw: RawGeometry, shape: GeometryShape) -> Result<ValidGeometry, GeometryProblem> {
        if raw.is_empty() {
            return Err(GeometryProblem::Empty);
        }
        check_coordinates(&raw)?;
        let wrong = |raw: &RawGeometry| GeometryProblem::WrongType {
            expected: shape.accepts(),
            found: raw.type_name(),
        };
        match (shape, raw) {
            (GeometryShape::Point, RawGeometry::Point(c)) => Ok(ValidGeometry::Point(Point(c))),
            (GeometryShape::Point, RawGeometry::MultiPoint(cs)) if cs.len() == 1 => {
                Ok(ValidGeometry::Point(Point(cs[0])))
            }
            (GeometryShape::MultiLineString, RawGeometry::LineString(l)) => {
                lines(vec![l]).map(ValidGeometry::MultiLineString)
            }
            (GeometryShape::MultiLineString, RawGeometry::MultiLineString(ls)) => {
                lines(ls).map(ValidGeometry::MultiLineString)
            }
            (GeometryShape::Polygon, RawGeometry::Polygon(rings)) => {
                polygon(rings, 1).map(ValidGeometry::Polygon)
            }
            (GeometryShape::Polygon, RawGeometry::MultiPolygon(mut polys)) if polys.len() == 1 => {
                polygon(polys.remove(0), 1).map(ValidGeometry::Polygon)
            }
            (GeometryShape::MultiPolygon, RawGeometry::Polygon(rings)) => {
                multipolygon(vec![rings]).map(ValidGeometry::MultiPolygon)
            }
            (GeometryShape::MultiPolygon, RawGeometry::MultiPolygon(polys)) => {
                multipolygon(polys).map(ValidGeometry::MultiPolygon)
            }
            (_, raw) => Err(wrong(&raw)),
        }
    }

    /// The box around the geometry, degrees.
    pub fn bbox(&self) -> Bbox {
        let rect = match self {
            ValidGeometry::Point(p) => Some(p.bounding_rect()),
            ValidGeometry::MultiLineString(m) => m.bounding_rect(),
            ValidGeometry::Polygon(p) => p.bounding_rect(),
            ValidGeometry::MultiPolygon(m) => m.bounding_rect(),
        };
        // A valid geometry is never empty, so it always has a box.
        let r = rect.unwrap_or_else(|| geo::Rect::new(Coord::zero(), Coord::zero()));
        Bbox {
            min_x: r.min().x,
            min_y: r.min().y,
            max_x: r.max().x,
            max_y: r.max().y,
        }
    }

    /// The geometry as a geo-types value.
    pub fn to_geo(&self) -> geo::Geometry {
        match self {
            ValidGeometry::Point(p) => geo::Geometry::Point(*p),
            ValidGeometry::MultiLineString(m) => geo::Geometry::MultiLineString(m.clone()),
            ValidGeometry::Polygon(p) => geo::Geometry::Polygon(p.clone()),
            ValidGeometry::MultiPolygon(m) => geo::Geometry::MultiPolygon(m.clone()),
        }
    }

    /// The same geometry as raw coordinates (for encoders shared with the readers).
    pub fn to_raw(&self) -> RawGeometry {
        fn ring(l: &LineString) -> Vec<Coord> {
            l.0.clone()
        }
        fn poly(p: &Polygon) -> Vec<Vec<Coord>> {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(ring)
                .collect()
        }
        match self {
            ValidGeometry::Point(p) => RawGeometry::Point(p.0),
            ValidGeometry::MultiLineString(m) => {
                RawGeometry::MultiLineString(m.0.iter().map(ring).collect())
            }
            ValidGeometry::Polygon(p) => RawGeometry::Polygon(poly(p)),
            ValidGeometry::MultiPolygon(m) => {
                RawGeometry::MultiPolygon(m.0.iter().map(poly).collect())
            }
        }
    }
}

fn check_coordinates(raw: &RawGeometry) -> Result<(), GeometryProblem> {
    let mut problem = None;
    let mut index = 0;
    raw.for_each_coord(&mut |c| {
        if problem.is_none() {
            if !c.x.is_finite() || !c.y.is_finite() {
                problem = Some(GeometryProblem::NonFinite {
                    index,
                    x: c.x,
                    y: c.y,
                });
            } else if !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y) {
                problem = Some(GeometryProblem::OutOfRange { x: c.x, y: c.y });
            }
        }
        index += 1;
    });
    problem.map_or(Ok(()), Err)
}

fn lines(parts: Vec<Vec<Coord>>) -> Result<MultiLineString, GeometryProblem> {
    let mut out = Vec::with_capacity(parts.len());
    for (i, l) in parts.into_iter().enumerate() {
        if l.len() < 2 || l.iter().all(|c| *c == l[0]) {
            return Err(GeometryProblem::DegenerateLine { part: i + 1 });
        }
        out.push(LineString(l));
    }
    Ok(MultiLineString(out))
}

fn ring(coords: Vec<Coord>, r: RingRef) -> Result<LineString, GeometryProblem> {
    let (first, last) = match (coords.first(), coords.last()) {
        (Some(f), Some(l)) => (*f, *l),
        _ => return Err(GeometryProblem::TooFewPoints { ring: r, points: 0 }),
    };
    if first != last {
        return Err(GeometryProblem::UnclosedRing {
            ring: r,
            first_x: first.x,
            first_y: first.y,
            last_x: last.x,
            last_y: last.y,
        });
    }
    let mut distinct = coords.clone();
    distinct.dedup();
    if coords.len() < 4 || distinct.len() < 4 {
        return Err(GeometryProblem::TooFewPoints {
            ring: r,
            points: coords.len(),
        });
    }
    Ok(LineString(coords))
}

fn polygon(rings: Vec<Vec<Coord>>, number: usize) -> Result<Polygon, GeometryProblem> {
    let mut lines = Vec::with_capacity(rings.len());
    for (i, r) in rings.into_iter().enumerate() {
        lines.push(ring(
            r,
            RingRef {
                polygon: number,
                ring: i,
            },
        )?);
    }
    let mut lines = lines.into_iter();
    let exterior = lines.next().ok_or(GeometryProblem::Empty)?;
    let poly = Polygon::new(exterior, lines.collect());
    match poly.check_validation() {
        // Canonical winding (exterior counter-clockwise, holes clockwise, as OGC and RFC 7946
        // say): shapefiles and Esri JSON wind the other way, and geodesic areas and vector
        // tiles depend on it.
        Ok(()) => Ok(poly.orient(Direction::Default)),
        Err(e) => Err(explain(&poly, number, e)),
    }
}

fn multipolygon(polys: Vec<Vec<Vec<Coord>>>) -> Result<MultiPolygon, GeometryProblem> {
    let mut out = Vec::with_capacity(polys.len());
    for (i, p) in polys.into_iter().enumerate() {
        out.push(polygon(p, i + 1)?);
    }
    let multi = MultiPolygon(out);
    match multi.check_validation() {
        Ok(()) => Ok(multi),
        Err(InvalidMultiPolygon::InvalidPolygon(idx, e)) => {
            let n = idx.0 + 1;
            Err(explain(&multi.0[idx.0], n, e))
        }
        Err(e) => {
            // Parts that overlap or touch along a line: locate where two parts meet.
            let location = multi
                .0
                .iter()
                .enumerate()
                .find_map(|(i, p)| {
                    multi.0[i + 1..]
                        .iter()
                        .find_map(|q| intersections::rings_touch_at(p, q))
                })
                .map(|c| (c.x, c.y));
            Err(GeometryProblem::InvalidPolygon {
                part: 0,
                detail: e.to_string(),
                location,
            })
        }
    }
}

fn explain(poly: &Polygon, number: usize, e: InvalidPolygon) -> GeometryProblem {
    if let InvalidPolygon::SelfIntersection(_) = e
        && let Some((ring, at)) = first_self_intersection(poly)
    {
        return GeometryProblem::SelfIntersection {
            ring: RingRef {
                polygon: number,
                ring,
            },
            x: at.x,
            y: at.y,
        };
    }
    let location = first_self_intersection(poly).map(|(_, c)| (c.x, c.y));
    GeometryProblem::InvalidPolygon {
        part: number,
        detail: e.to_string(),
        location,
    }
}

#[cfg(test)]
mod tests;
