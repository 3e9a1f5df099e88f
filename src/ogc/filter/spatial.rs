//! Spatial functions of CQL2 between the features' `geometry` and a literal (WKT, GeoJSON or
//! `BBOX`, in `filter-crs`, reprojected once to WGS 84), with `geo`'s predicates: `Intersects`
//! for `S_INTERSECTS`/`S_DISJOINT`, and the DE-9IM matrix against a prepared literal for the
//! others. Coordinates are compared in longitude/latitude degrees, as PostGIS compares
//! `geometry(…, 4326)` columns.

use cql2::Expr;
use geo::{BoundingRect, Coord, Geometry, Intersects, MapCoords, PreparedGeometry, Rect, Relate};

use super::node::Node;
use crate::domain::ValidGeometry;
use crate::ogc::OgcError;
use crate::ogc::crs::OgcCrs;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Intersects,
    Disjoint,
    Within,
    Contains,
    Equals,
    Touches,
    Overlaps,
    Crosses,
}

/// A spatial predicate `op(geometry, literal)`.
#[derive(Debug)]
pub(crate) struct Spatial {
    op: Op,
    literal: PreparedGeometry<'static, Geometry>,
    rect: Rect,
}

fn bad(msg: String) -> OgcError {
    OgcError::BadRequest(msg)
}

fn is_geometry_property(e: &Expr) -> bool {
    matches!(e, Expr::Property { property } if property == "geometry")
}

fn number(e: &Expr) -> Option<f64> {
    match e {
        Expr::Float(x) => Some(*x),
        _ => None,
    }
}

/// A literal geometry (or box) in WGS 84.
fn literal(e: Expr, crs: &OgcCrs, name: &str) -> Result<Geometry, OgcError> {
    let reprojection = |err: crate::domain::crs::CrsError| {
        bad(format!(
            "the geometry of {name} cannot be taken from filter-crs={} to WGS 84: {err}; \
             check the coordinates' order and CRS",
            crs.uri()
        ))
    };
    match e {
        Expr::Geometry(_) => {
            let g = Geometry::try_from(e).map_err(|err| {
                bad(format!(
                    "the geometry of {name} is not valid WKT or GeoJSON ({err}); write e.g. \
                     POLYGON((50.1 26.4, 50.2 26.4, 50.2 26.5, 50.1 26.4))"
                ))
            })?;
            if crs.is_crs84() {
                return Ok(g);
            }
            g.try_map_coords(|c: Coord| crs.to_wgs84(c))
                .map_err(reprojection)
        }
        Expr::BBox { bbox } => {
            let n: Vec<f64> = bbox.iter().filter_map(|x| number(x)).collect();
            let b = match n.as_slice() {
                [a, b, c, d] => [*a, *b, *c, *d],
                [a, b, _, d, e, _] => [*a, *b, *d, *e],
                _ => {
                    return Err(bad(format!(
                        "BBOX in {name} takes 4 numbers: BBOX(minx, miny, maxx, maxy)"
                    )));
                }
            };
            let (wgs84, outline) = crs.bbox_to_wgs84(b).map_err(reprojection)?;
            Ok(match outline {
                Some(p) => Geometry::Polygon(p),
                None => Geometry::Rect(Rect::new(
                    Coord {
                        x: wgs84.min_x,
                        y: wgs84.min_y,
                    },
                    Coord {
                        x: wgs84.max_x,
                        y: wgs84.max_y,
                    },
                )),
            })
        }
        other => Err(bad(format!(
            "{name} compares geometry with a geometry literal (WKT such as POINT(50.1 26.4), \
             GeoJSON, or BBOX(...)), not with {}",
            other.to_text().unwrap_or_default()
        ))),
    }
}

/// Compiles `op(a, b)`; one side must be the property `geometry`.
pub(crate) fn compile(op: &str, a: Expr, b: Expr, crs: &OgcCrs) -> Result<Node, OgcError> {
    let name = op.to_uppercase();
    let parsed = match op {
        "s_intersects" => Op::Intersects,
        "s_disjoint" => Op::Disjoint,
        "s_within" => Op::Within,
        "s_contains" => Op::Contains,
        "s_equals" => Op::Equals,
        "s_touches" => Op::Touches,
        "s_overlaps" => Op::Overlaps,
        _ => Op::Crosses,
    };
    for side in [&a, &b] {
        if let Expr::Property { property } = side
            && property != "geometry"
        {
            return Err(bad(format!(
                "{name} works on geometry, the features' geometry, not on {property}"
            )));
        }
    }
    let (op, lit) = match (is_geometry_property(&a), is_geometry_property(&b)) {
        (true, true) => {
            return Err(bad(format!(
                "{name}(geometry, geometry) compares a feature with itself; give a literal \
                 geometry as one argument"
            )));
        }
        (true, false) => (parsed, literal(b, crs, &name)?),
        (false, true) => {
            let swapped = match parsed {
                Op::Within => Op::Contains,
                Op::Contains => Op::Within,
                other => other,
            };
            (swapped, literal(a, crs, &name)?)
        }
        (false, false) => {
            let (x, y) = (literal(a, crs, &name)?, literal(b, crs, &name)?);
            return Ok(Node::Const(holds(parsed, &x.relate(&y))));
        }
    };
    let rect = lit
        .bounding_rect()
        .ok_or_else(|| bad(format!("the geometry of {name} is empty; give coordinates")))?;
    Ok(Node::Spatial(Box::new(Spatial {
        op,
        literal: PreparedGeometry::from(lit),
        rect,
    })))
}

fn holds(op: Op, m: &geo::relate::IntersectionMatrix) -> bool {
    match op {
        Op::Intersects => m.is_intersects(),
        Op::Disjoint => m.is_disjoint(),
        Op::Within => m.is_within(),
        Op::Contains => m.is_contains(),
        Op::Equals => m.is_equal_topo(),
        Op::Touches => m.is_touches(),
        Op::Overlaps => m.is_overlaps(),
        Op::Crosses => m.is_crosses(),
    }
}

impl Spatial {
    /// The box of the literal, when every selected feature must intersect it.
    pub(crate) fn envelope(&self) -> Option<Rect> {
        (self.op != Op::Disjoint).then_some(self.rect)
    }

    /// Whether `op(g, literal)` holds.
    pub(crate) fn matches(&self, g: &ValidGeometry) -> bool {
        let b = g.bbox();
        let (lo, hi) = (self.rect.min(), self.rect.max());
        let boxes_meet = b.min_x <= hi.x && b.max_x >= lo.x && b.min_y <= hi.y && b.max_y >= lo.y;
        let lit = self.literal.geometry();
        let intersects = || match g {
            ValidGeometry::Point(p) => lit.intersects(p),
            ValidGeometry::MultiLineString(m) => lit.intersects(m),
            ValidGeometry::Polygon(p) => lit.intersects(p),
            ValidGeometry::MultiPolygon(m) => lit.intersects(m),
        };
        match self.op {
            Op::Intersects => boxes_meet && intersects(),
            Op::Disjoint => !boxes_meet || !intersects(),
            op => {
                boxes_meet && {
                    let m = match g {
                        ValidGeometry::Point(p) => p.relate(&self.literal),
                        ValidGeometry::MultiLineString(m) => m.relate(&self.literal),
                        ValidGeometry::Polygon(p) => p.relate(&self.literal),
                        ValidGeometry::MultiPolygon(m) => m.relate(&self.literal),
                    };
                    holds(op, &m)
                }
            }
        }
    }
}
