//! Groups a shapefile polygon's rings into polygons.
//!
//! A shapefile polygon is a flat list of rings: outer rings run clockwise, holes
//! counter-clockwise, in no required order. Each outer ring starts a polygon; each hole goes to
//! the smallest outer ring that contains it, else to the last outer ring before it. Rings are
//! kept exactly as the file has them, so validation can say what is wrong with them.

use geo::Coord;
use shapefile::PolygonRing;

use crate::domain::RawGeometry;

/// A ring and whether the file marks it as outer (clockwise).
pub(super) type Ring = (bool, Vec<Coord>);

/// The rings of a shapefile polygon, with their kind.
pub(super) fn classified<P>(rings: &[PolygonRing<P>], c: impl Fn(&P) -> Coord) -> Vec<Ring> {
    rings
        .iter()
        .map(|r| {
            (
                matches!(r, PolygonRing::Outer(_)),
                r.points().iter().map(&c).collect(),
            )
        })
        .collect()
}

/// One polygon → `Polygon`, else `MultiPolygon`. Without any outer ring (every ring runs the
/// wrong way), each ring is a polygon of its own.
pub(super) fn group(rings: Vec<Ring>) -> RawGeometry {
    let any_outer = rings.iter().any(|(outer, _)| *outer);
    let mut polygons: Vec<Vec<Vec<Coord>>> = Vec::new();
    // Index in `polygons` of each outer ring's polygon, with its box.
    let mut outers: Vec<(usize, Box2)> = Vec::new();
    let mut holes: Vec<(Option<usize>, Vec<Coord>)> = Vec::new();
    for (outer, ring) in rings {
        if outer || !any_outer {
            outers.push((polygons.len(), Box2::of(&ring)));
            polygons.push(vec![ring]);
        } else {
            // The last outer ring before this hole, for the fallback.
            holes.push((outers.last().map(|(i, _)| *i), ring));
        }
    }
    for (previous, hole) in holes {
        let containing = outers
            .iter()
            .filter(|(i, b)| b.covers(&Box2::of(&hole)) && contains(&polygons[*i][0], &hole))
            .min_by(|(_, a), (_, b)| a.area().total_cmp(&b.area()))
            .map(|(i, _)| *i);
        let target = containing.or(previous).or(outers.last().map(|(i, _)| *i));
        match target {
            Some(i) => polygons[i].push(hole),
            None => polygons.push(vec![hole]),
        }
    }
    if polygons.len() == 1 {
        RawGeometry::Polygon(polygons.remove(0))
    } else {
        RawGeometry::MultiPolygon(polygons)
    }
}

#[derive(Clone, Copy)]
struct Box2 {
    min: Coord,
    max: Coord,
}

impl Box2 {
    fn of(ring: &[Coord]) -> Box2 {
        let inf = f64::INFINITY;
        let start = Box2 {
            min: Coord { x: inf, y: inf },
            max: Coord { x: -inf, y: -inf },
        };
        ring.iter().fold(start, |b, c| Box2 {
            min: Coord {
                x: b.min.x.min(c.x),
                y: b.min.y.min(c.y),
            },
            max: Coord {
                x: b.max.x.max(c.x),
                y: b.max.y.max(c.y),
            },
        })
    }

    fn covers(&self, o: &Box2) -> bool {
        self.min.x <= o.min.x
            && self.min.y <= o.min.y
            && self.max.x >= o.max.x
            && self.max.y >= o.max.y
    }

    fn area(&self) -> f64 {
        (self.max.x - self.min.x) * (self.max.y - self.min.y)
    }
}

#[derive(Debug, PartialEq)]
enum Side {
    Inside,
    Outside,
    Boundary,
}

/// Where `p` is relative to `ring` (closed or not), by crossing number.
fn locate(p: Coord, ring: &[Coord]) -> Side {
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
        let within = p.x >= a.x.min(b.x)
            && p.x <= a.x.max(b.x)
            && p.y >= a.y.min(b.y)
            && p.y <= a.y.max(b.y);
        if cross == 0.0 && within {
            return Side::Boundary;
        }
        if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y) {
            inside = !inside;
        }
    }
    if inside { Side::Inside } else { Side::Outside }
}

/// Whether `hole` lies inside `outer`: decided by its first vertex not on the outer boundary.
fn contains(outer: &[Coord], hole: &[Coord]) -> bool {
    hole.iter()
        .map(|c| locate(*c, outer))
        .find(|s| *s != Side::Boundary)
        .is_none_or(|s| s == Side::Inside)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, size: f64, clockwise: bool) -> Vec<Coord> {
        let mut r = vec![
            Coord { x, y },
            Coord { x, y: y + size },
            Coord {
                x: x + size,
                y: y + size,
            },
            Coord { x: x + size, y },
            Coord { x, y },
        ];
        if !clockwise {
            r.reverse();
        }
        r
    }

    #[test]
    fn one_outer_with_a_hole_is_a_polygon() {
        let (o, h) = (square(0.0, 0.0, 10.0, true), square(2.0, 2.0, 2.0, false));
        let g = group(vec![(true, o.clone()), (false, h.clone())]);
        assert_eq!(g, RawGeometry::Polygon(vec![o, h]));
    }

    #[test]
    fn holes_go_to_the_outer_that_contains_them_whatever_the_order() {
        let a = square(0.0, 0.0, 10.0, true);
        let b = square(20.0, 0.0, 10.0, true);
        let in_a = square(1.0, 1.0, 2.0, false);
        let in_b = square(21.0, 1.0, 2.0, false);
        // The hole of `a` comes after `b` in the file.
        let g = group(vec![
            (true, a.clone()),
            (false, in_b.clone()),
            (true, b.clone()),
            (false, in_a.clone()),
        ]);
        assert_eq!(
            g,
            RawGeometry::MultiPolygon(vec![vec![a, in_a], vec![b, in_b]])
        );
    }

    #[test]
    fn nested_island_takes_the_innermost_hole() {
        // A big square with a lake, an island in the lake, and a pond on the island.
        let big = square(0.0, 0.0, 100.0, true);
        let lake = square(10.0, 10.0, 80.0, false);
        let island = square(20.0, 20.0, 60.0, true);
        let pond = square(40.0, 40.0, 10.0, false);
        let g = group(vec![
            (true, big.clone()),
            (false, lake.clone()),
            (true, island.clone()),
            (false, pond.clone()),
        ]);
        assert_eq!(
            g,
            RawGeometry::MultiPolygon(vec![vec![big, lake], vec![island, pond]])
        );
    }

    #[test]
    fn a_hole_touching_its_outer_ring_is_still_inside() {
        let o = square(0.0, 0.0, 10.0, true);
        let h = vec![
            Coord { x: 0.0, y: 5.0 },
            Coord { x: 3.0, y: 4.0 },
            Coord { x: 3.0, y: 6.0 },
            Coord { x: 0.0, y: 5.0 },
        ];
        let other = square(20.0, 0.0, 10.0, true);
        let g = group(vec![
            (true, other.clone()),
            (true, o.clone()),
            (false, h.clone()),
        ]);
        assert_eq!(g, RawGeometry::MultiPolygon(vec![vec![other], vec![o, h]]));
    }

    #[test]
    fn a_hole_outside_every_outer_falls_back_to_the_last_outer_before_it() {
        let a = square(0.0, 0.0, 10.0, true);
        let b = square(20.0, 0.0, 10.0, true);
        let stray = square(50.0, 50.0, 1.0, false);
        let g = group(vec![
            (true, a.clone()),
            (false, stray.clone()),
            (true, b.clone()),
        ]);
        assert_eq!(g, RawGeometry::MultiPolygon(vec![vec![a, stray], vec![b]]));
    }

    #[test]
    fn only_counter_clockwise_rings_become_polygons_of_their_own() {
        let a = square(0.0, 0.0, 10.0, false);
        let b = square(20.0, 0.0, 10.0, false);
        let g = group(vec![(false, a.clone()), (false, b.clone())]);
        assert_eq!(g, RawGeometry::MultiPolygon(vec![vec![a], vec![b]]));
        assert_eq!(group(vec![]), RawGeometry::MultiPolygon(vec![]));
    }

    #[test]
    fn locates_points() {
        let r = square(0.0, 0.0, 10.0, true);
        assert_eq!(locate(Coord { x: 5.0, y: 5.0 }, &r), Side::Inside);
        assert_eq!(locate(Coord { x: 15.0, y: 5.0 }, &r), Side::Outside);
        assert_eq!(locate(Coord { x: 10.0, y: 5.0 }, &r), Side::Boundary);
        assert_eq!(locate(Coord { x: 0.0, y: 0.0 }, &r), Side::Boundary);
    }
}
