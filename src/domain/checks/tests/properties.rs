//! Property tests: a random convex-ish parcel (a 15–60 m rectangle with its corners moved up to
//! 3 m, turned by a random angle) cut by a random straight line through its middle.

use super::*;

/// The parcel and the cut, in metres around (50.1, 26.4).
#[derive(Debug, Clone)]
struct Case {
    w: f64,
    h: f64,
    jitter: [(f64, f64); 4],
    turn: f64,
    through: (f64, f64),
    angle: f64,
    shift: f64,
}

fn case() -> impl Strategy<Value = Case> {
    (
        15.0..60.0f64,
        15.0..60.0f64,
        prop::array::uniform4((-3.0..3.0f64, -3.0..3.0f64)),
        0.0..std::f64::consts::TAU,
        (-0.2..0.2f64, -0.2..0.2f64),
        0.0..std::f64::consts::PI,
        0.0..std::f64::consts::TAU,
    )
        .prop_map(|(w, h, jitter, turn, through, angle, shift)| Case {
            w,
            h,
            jitter,
            turn,
            through,
            angle,
            shift,
        })
}

fn turned(turn: f64, (x, y): (f64, f64)) -> (f64, f64) {
    let (s, c) = turn.sin_cos();
    (x * c - y * s, x * s + y * c)
}

impl Case {
    fn parent(&self) -> Polygon {
        let (w, h) = (self.w / 2.0, self.h / 2.0);
        let corners = [(-w, -h), (w, -h), (w, h), (-w, h)];
        let pts: Vec<(f64, f64)> = corners
            .iter()
            .zip(self.jitter)
            .map(|(&(x, y), (dx, dy))| turned(self.turn, (x + dx, y + dy)))
            .collect();
        match ValidGeometry::new(
            RawGeometry::Polygon(vec![ring_m(&pts)]),
            GeometryShape::Polygon,
        ) {
            Ok(ValidGeometry::Polygon(p)) => p,
            other => panic!("{other:?}"),
        }
    }

    fn line(&self) -> (Coord, Coord) {
        let p = turned(
            self.turn,
            (self.through.0 * self.w, self.through.1 * self.h),
        );
        let (s, c) = self.angle.sin_cos();
        (m(p.0, p.1), m(p.0 + 10.0 * c, p.1 + 10.0 * s))
    }
}

fn moved(p: &Polygon, by: Coord) -> Polygon {
    let f = frame();
    geo::MapCoords::map_coords(p, |c| f.to_lonlat(f.to_local(c) + by))
}

fn check(out: &[CheckOutcome], code: &str) -> bool {
    outcome(out, code).passed
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_straight_cut_covers_the_parent_without_overlap_and_a_1m_shift_is_caught(c in case()) {
        let parent = c.parent();
        let (a, b) = c.line();
        let (left, right) = cut_by_line(&parent, a, b).expect("a line through the middle cuts a convex parcel in two");
        let stored = parcel(1, "11", parent.clone());
        let blk = Block { parent: stored, ..block() };
        let children = vec![child(0, "11/1", left.clone()), child(1, "11/2", right.clone())];
        let out = run_checks(&split(&blk, children), &SplitRules::default());
        prop_assert!(check(&out, "covers_parent"), "{:?}", outcome(&out, "covers_parent"));
        prop_assert!(check(&out, "no_overlap"), "{:?}", outcome(&out, "no_overlap"));

        let (gap, excess) = gap_and_excess_m2(std::slice::from_ref(&parent), &[left.clone(), right.clone()]);
        // Slivers left by rounding at the cut points, each measured at the ~1e-5 m² noise floor
        // of geodesic areas: far under the 0.5 m² tolerance.
        prop_assert!(gap < 1e-2 && excess < 1e-2, "{} {}", gap, excess);

        let (s, co) = c.shift.sin_cos();
        let shifted = moved(&right, coord! {x: co, y: s});
        let children = vec![child(0, "11/1", left), child(1, "11/2", shifted)];
        let out = run_checks(&split(&blk, children), &SplitRules::default());
        prop_assert!(
            !(check(&out, "covers_parent") && check(&out, "no_overlap")),
            "{:?} {:?}", outcome(&out, "covers_parent"), outcome(&out, "no_overlap")
        );
    }

    #[test]
    fn identical_sets_have_no_gap_or_excess(c in case()) {
        let parent = c.parent();
        let (gap, excess) = gap_and_excess_m2(std::slice::from_ref(&parent), std::slice::from_ref(&parent));
        prop_assert!(gap < 1e-6 && excess < 1e-6, "{} {}", gap, excess);
        let (a, b) = c.line();
        let (left, right) = cut_by_line(&parent, a, b).unwrap();
        let pieces = [left, right];
        let (gap, excess) = gap_and_excess_m2(&pieces, &pieces);
        prop_assert!(gap < 1e-6 && excess < 1e-6, "{} {}", gap, excess);
    }

    #[test]
    fn the_two_pieces_of_a_cut_add_up_to_the_parent(c in case()) {
        let parent = c.parent();
        let (a, b) = c.line();
        let (left, right) = cut_by_line(&parent, a, b).unwrap();
        let whole = area::polygon_area_m2(&parent);
        let sum = area::polygon_area_m2(&left) + area::polygon_area_m2(&right);
        // The cut is straight in degrees, the parent's edges are geodesics: they part by a tenth of a
        // millimetre over 60 m, a few thousandths of a m² in all.
        prop_assert!((whole - sum).abs() < 1e-5 * whole, "{} {}", whole, sum);
        prop_assert!(overlap_m2(&left, &right) < 1e-6);
    }
}

#[test]
fn a_line_that_misses_or_runs_along_an_edge_does_not_cut() {
    let p = rect(0.0, 0.0, 20.0, 20.0);
    assert!(cut_by_line(&p, m(-5.0, 30.0), m(30.0, 30.0)).is_none());
    assert!(cut_by_line(&p, m(0.0, 0.0), m(20.0, 0.0)).is_none());
    assert!(cut_by_line(&p, m(1.0, 1.0), m(1.0, 1.0)).is_none());
    // Through two opposite corners: two triangles.
    let (l, r) = cut_by_line(&p, m(0.0, 0.0), m(20.0, 20.0)).unwrap();
    assert_eq!((l.exterior().0.len(), r.exterior().0.len()), (4, 4));
    // A U-shaped parcel crossed four times is not cut in two.
    let u = RawGeometry::Polygon(vec![ring_m(&[
        (0.0, 0.0),
        (30.0, 0.0),
        (30.0, 30.0),
        (20.0, 30.0),
        (20.0, 10.0),
        (10.0, 10.0),
        (10.0, 30.0),
        (0.0, 30.0),
    ])]);
    let Ok(ValidGeometry::Polygon(u)) = ValidGeometry::new(u, GeometryShape::Polygon) else {
        panic!()
    };
    assert!(cut_by_line(&u, m(-5.0, 20.0), m(40.0, 20.0)).is_none());
    assert!(cut_by_line(&u, m(-5.0, 5.0), m(40.0, 5.0)).is_some());
}
