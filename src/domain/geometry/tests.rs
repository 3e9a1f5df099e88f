use geo::coord;

use super::*;

fn square() -> Vec<Coord> {
    vec![
        coord! {x: 50.0, y: 26.0},
        coord! {x: 50.001, y: 26.0},
        coord! {x: 50.001, y: 26.001},
        coord! {x: 50.0, y: 26.001},
        coord! {x: 50.0, y: 26.0},
    ]
}

#[test]
fn accepts_a_valid_square_and_promotes_to_multipolygon() {
    let g = ValidGeometry::new(
        RawGeometry::Polygon(vec![square()]),
        GeometryShape::MultiPolygon,
    )
    .unwrap();
    assert!(matches!(g, ValidGeometry::MultiPolygon(ref m) if m.0.len() == 1));
    let b = g.bbox();
    assert_eq!((b.min_x, b.max_y), (50.0, 26.001));
}

#[test]
fn clockwise_input_is_rewound_and_measures_the_same() {
    let ccw =
        ValidGeometry::new(RawGeometry::Polygon(vec![square()]), GeometryShape::Polygon).unwrap();
    let mut cw_ring = square();
    cw_ring.reverse();
    let cw =
        ValidGeometry::new(RawGeometry::Polygon(vec![cw_ring]), GeometryShape::Polygon).unwrap();
    let (a, b) = (
        crate::domain::geodesy::area_m2(&ccw),
        crate::domain::geodesy::area_m2(&cw),
    );
    assert!(
        (a - b).abs() < 1e-6 && a > 11_000.0 && a < 11_200.0,
        "{a} vs {b}"
    );
    let ValidGeometry::Polygon(p) = cw else {
        panic!()
    };
    use geo::Winding;
    assert!(p.exterior().is_ccw());
}

#[test]
fn rejects_a_bow_tie_and_says_where() {
    let bow = vec![
        coord! {x: 0.0, y: 0.0},
        coord! {x: 2.0, y: 2.0},
        coord! {x: 2.0, y: 0.0},
        coord! {x: 0.0, y: 2.0},
        coord! {x: 0.0, y: 0.0},
    ];
    let err =
        ValidGeometry::new(RawGeometry::Polygon(vec![bow]), GeometryShape::Polygon).unwrap_err();
    match err {
        GeometryProblem::SelfIntersection { x, y, ring } => {
            assert!((x - 1.0).abs() < 1e-12 && (y - 1.0).abs() < 1e-12);
            assert_eq!(
                ring,
                RingRef {
                    polygon: 1,
                    ring: 0
                }
            );
        }
        other => panic!("expected self-intersection, got {other:?}"),
    }
}

#[test]
fn rejects_unclosed_short_nonfinite_out_of_range_and_wrong_type() {
    let mut open = square();
    open.pop();
    let e =
        ValidGeometry::new(RawGeometry::Polygon(vec![open]), GeometryShape::Polygon).unwrap_err();
    assert_eq!(e.code(), "unclosed_ring");

    let short = vec![
        coord! {x: 1.0, y: 1.0},
        coord! {x: 2.0, y: 1.0},
        coord! {x: 1.0, y: 1.0},
    ];
    let e =
        ValidGeometry::new(RawGeometry::Polygon(vec![short]), GeometryShape::Polygon).unwrap_err();
    assert_eq!(e.code(), "too_few_points");

    let e = ValidGeometry::new(
        RawGeometry::Point(coord! {x: f64::NAN, y: 1.0}),
        GeometryShape::Point,
    )
    .unwrap_err();
    assert_eq!(e.code(), "non_finite_coordinate");

    let e = ValidGeometry::new(
        RawGeometry::Point(coord! {x: 400000.0, y: 2900000.0}),
        GeometryShape::Point,
    )
    .unwrap_err();
    assert_eq!(e.code(), "coordinate_out_of_range");
    assert!(e.to_string().contains("--srs"));

    let e = ValidGeometry::new(
        RawGeometry::Point(coord! {x: 50.0, y: 26.0}),
        GeometryShape::Polygon,
    )
    .unwrap_err();
    assert_eq!(e.code(), "wrong_geometry_type");
    assert!(e.to_string().contains("Point"));
}

#[test]
fn a_ring_touching_itself_is_located() {
    // A figure of eight touching at (1,1): the ring passes through the same vertex twice.
    let eight = vec![
        coord! {x: 0.0, y: 0.0},
        coord! {x: 1.0, y: 1.0},
        coord! {x: 2.0, y: 0.0},
        coord! {x: 2.0, y: 2.0},
        coord! {x: 1.0, y: 1.0},
        coord! {x: 0.0, y: 2.0},
        coord! {x: 0.0, y: 0.0},
    ];
    let e =
        ValidGeometry::new(RawGeometry::Polygon(vec![eight]), GeometryShape::Polygon).unwrap_err();
    assert_eq!(e.location(), Some((1.0, 1.0)), "{e}");
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Any rectangle, shifted anywhere in range, is valid and keeps its box.
        #[test]
        fn rectangles_are_valid(x in -179.0f64..179.0, y in -89.0f64..89.0, w in 1e-6f64..0.5, h in 1e-6f64..0.5) {
            let r = vec![
                coord! {x: x, y: y}, coord! {x: x + w, y: y}, coord! {x: x + w, y: y + h},
                coord! {x: x, y: y + h}, coord! {x: x, y: y},
            ];
            let g = ValidGeometry::new(RawGeometry::Polygon(vec![r]), GeometryShape::Polygon).unwrap();
            let b = g.bbox();
            prop_assert_eq!((b.min_x, b.min_y, b.max_x, b.max_y), (x, y, x + w, y + h));
        }

        /// Swapping two adjacent corners of a rectangle always makes a bow tie, found at its centre.
        #[test]
        fn bow_ties_are_located_at_the_crossing(x in -100.0f64..100.0, y in -60.0f64..60.0, w in 1e-4f64..1.0, h in 1e-4f64..1.0) {
            let r = vec![
                coord! {x: x, y: y}, coord! {x: x + w, y: y + h}, coord! {x: x + w, y: y},
                coord! {x: x, y: y + h}, coord! {x: x, y: y},
            ];
            let e = ValidGeometry::new(RawGeometry::Polygon(vec![r]), GeometryShape::Polygon).unwrap_err();
            let (lx, ly) = e.location().unwrap();
            prop_assert!((lx - (x + w / 2.0)).abs() < 1e-9 && (ly - (y + h / 2.0)).abs() < 1e-9);
        }
    }
}
