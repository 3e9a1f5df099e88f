//! The area checks: the children cover exactly the parents (`covers_parent`), do not overlap
//! (`no_overlap`), and are large enough (`min_area`).
//!
//! Boolean operations run on EPSG:4326 degrees (geo's i_overlay, which snaps to a grid of about
//! 1e-12° at parcel scale, a tenth of a micrometre); areas are then geodesic m² on the WGS 84
//! ellipsoid. Unions use the non-zero (positive) fill rule, so overlapping children still make
//! one union.

use geo::bool_ops::{BooleanOps, FillRule, OpType};
use geo::orient::{Direction, Orient};
use geo::{BoundingRect, GeodesicArea, MultiPolygon, Polygon, Rect};
use serde_json::{Value, json};

use super::outcome::{
    child_names, child_ref, fail, location, pass, polygon_json, round3, skipped_children,
    skipped_parents,
};
use super::{ChangeKind, Facts, Situation, SplitRules, parcel_attributes};

/// At most this many gap, excess or overlap pieces are drawn in a detail.
const MAX_PIECES: usize = 20;

/// Geodesic area of a polygon, m² (WGS 84), whatever its rings' winding.
///
/// Each ring's signed area is taken and its sign dropped: geo's unsigned area assumes a
/// counter-clockwise exterior and gives the rest of the Earth (5.1e14 m²) for a clockwise one,
/// and `orient` cannot say which way a degenerate sliver (a boolean operation's zero-area
/// leftover) winds.
pub(crate) fn polygon_area_m2(p: &Polygon) -> f64 {
    let ring = |r: &geo::LineString| Polygon::new(r.clone(), vec![]).geodesic_area_signed().abs();
    let holes: f64 = p.interiors().iter().map(ring).sum();
    (ring(p.exterior()) - holes).max(0.0) + 0.0
}

fn multi_area_m2(m: &MultiPolygon) -> f64 {
    m.0.iter().map(polygon_area_m2).sum()
}

/// `a` minus `b`, both read as unions of their (possibly overlapping) counter-clockwise polygons.
fn difference(a: &[Polygon], b: &[Polygon]) -> MultiPolygon {
    let a = MultiPolygon(a.iter().map(|p| p.orient(Direction::Default)).collect());
    let b = MultiPolygon(b.iter().map(|p| p.orient(Direction::Default)).collect());
    a.boolean_op_with_fill_rule(&b, OpType::Difference, FillRule::Positive)
}

/// Gap (parents − children) and excess (children − parents) of EPSG:4326 polygons, as geodesic
/// m² on the WGS 84 ellipsoid. Each side is taken as the union of its polygons.
///
/// Identical sets give exactly 0. Otherwise rounding leaves zero-width slivers where boundaries
/// meet; each is measured at the noise floor of geodesic areas (about 1e-5 m² a ring at this
/// latitude), so matching sets give at most a few thousandths of a m², far under any tolerance.
///
/// ```
/// use geo::polygon;
/// use madinati::domain::checks::gap_and_excess_m2;
/// let p = polygon![(x: 50.1, y: 26.4), (x: 50.1002, y: 26.4), (x: 50.1002, y: 26.4002), (x: 50.1, y: 26.4002)];
/// let (gap, excess) = gap_and_excess_m2(&[p.clone()], &[p]);
/// assert!(gap < 1e-6 && excess < 1e-6);
/// ```
pub fn gap_and_excess_m2(parents: &[Polygon], children: &[Polygon]) -> (f64, f64) {
    (
        multi_area_m2(&difference(parents, children)),
        multi_area_m2(&difference(children, parents)),
    )
}

/// Geodesic area of a ∩ b, m² on the WGS 84 ellipsoid (EPSG:4326 input).
pub fn overlap_m2(a: &Polygon, b: &Polygon) -> f64 {
    multi_area_m2(&intersection(a, b))
}

fn intersection(a: &Polygon, b: &Polygon) -> MultiPolygon {
    a.orient(Direction::Default)
        .intersection(&b.orient(Direction::Default))
}

/// The pieces of `m` larger than `tolerance` m², largest first, at most [`MAX_PIECES`].
fn pieces(m: &MultiPolygon, tolerance: f64) -> Vec<Value> {
    let mut ps: Vec<(f64, &Polygon)> =
        m.0.iter()
            .map(|p| (polygon_area_m2(p), p))
            .filter(|(a, _)| *a > tolerance)
            .collect();
    ps.sort_by(|a, b| b.0.total_cmp(&a.0));
    ps.iter()
        .take(MAX_PIECES)
        .map(|(a, p)| json!({"area_m2": round3(*a), "location": location(p), "geometry": polygon_json(p)}))
        .collect()
}

/// `covers_parent`: union(children) = union(parents) within the tolerance.
pub(crate) fn covers_parent(f: &Facts) -> super::CheckOutcome {
    const CODE: &str = "covers_parent";
    let Some(children) = &f.children else {
        return skipped_children(CODE);
    };
    let (Some(parents), Some(tol), Some(parents_area)) =
        (&f.parents, f.tolerance_m2, f.parents_area_m2)
    else {
        return skipped_parents(CODE);
    };
    let children: Vec<Polygon> = children.iter().map(|p| (*p).clone()).collect();
    let parents: Vec<Polygon> = parents.iter().map(|p| (*p).clone()).collect();
    let gap = difference(&parents, &children);
    let excess = difference(&children, &parents);
    let (gap_m2, excess_m2) = (multi_area_m2(&gap), multi_area_m2(&excess));
    let children_area: f64 = children.iter().map(polygon_area_m2).sum();
    let detail = json!({
        "gap_m2": round3(gap_m2),
        "excess_m2": round3(excess_m2),
        "tolerance_m2": round3(tol),
        "parents_area_m2": round3(parents_area),
        "children_area_m2": round3(children_area),
        "gap_pieces": pieces(&gap, tol),
        "excess_pieces": pieces(&excess, tol),
    });
    if gap_m2 <= tol && excess_m2 <= tol {
        return pass(
            CODE,
            format!(
                "القطع المقترحة تغطي القطع الأصلية تماماً (الفجوة {gap_m2:.2} م²، الزيادة {excess_m2:.2} م²، والحد {tol:.2} م²)."
            ),
            format!(
                "The proposed parcels cover the parents exactly (gap {gap_m2:.2} m², excess {excess_m2:.2} m², tolerance {tol:.2} m²)."
            ),
            detail,
        );
    }
    fail(
        CODE,
        format!(
            "القطع المقترحة لا تطابق حدود القطع الأصلية: فجوة غير مغطاة مساحتها {gap_m2:.2} م² وزيادة خارج الحدود مساحتها {excess_m2:.2} م²، والحد المسموح {tol:.2} م². عدّل الحدود حتى تملأ القطع المقترحة القطع الأصلية دون أن تتجاوزها (المواقع في التفاصيل)."
        ),
        format!(
            "The proposed parcels do not match the parents' boundary: {gap_m2:.2} m² of the parents is left uncovered and {excess_m2:.2} m² lies outside them, where at most {tol:.2} m² each is allowed. Move the boundaries so that the proposed parcels fill the parents without going beyond them (the pieces are in the detail)."
        ),
        detail,
    )
}

/// `no_overlap`: no two children share more than the tolerance.
pub(crate) fn no_overlap(f: &Facts) -> super::CheckOutcome {
    const CODE: &str = "no_overlap";
    let Some(children) = &f.children else {
        return skipped_children(CODE);
    };
    let Some(tol) = f.tolerance_m2 else {
        return skipped_parents(CODE);
    };
    let boxes: Vec<Option<Rect>> = children.iter().map(|p| p.bounding_rect()).collect();
    let mut over = Vec::new();
    for i in 0..children.len() {
        for j in i + 1..children.len() {
            if !boxes_meet(boxes[i], boxes[j]) {
                continue;
            }
            let inter = intersection(children[i], children[j]);
            let a = multi_area_m2(&inter);
            if a > tol {
                over.push((i, j, a, inter));
            }
        }
    }
    if over.is_empty() {
        return pass(
            CODE,
            format!("لا تتداخل القطع المقترحة (الحد {tol:.2} م²)."),
            format!("The proposed parcels do not overlap (tolerance {tol:.2} m²)."),
            json!({"tolerance_m2": round3(tol), "pairs": []}),
        );
    }
    fail(
        CODE,
        format!(
            "تتداخل {} من أزواج القطع المقترحة بأكثر من {tol:.2} م² (انظر التفاصيل): عدّل الحد المشترك بين كل زوج حتى لا تشتركا في أي مساحة.",
            over.len()
        ),
        format!(
            "{} pair(s) of proposed parcels overlap by more than {tol:.2} m² (see the detail): move the boundary each pair shares so that they share no area.",
            over.len()
        ),
        json!({"tolerance_m2": round3(tol), "pairs": over.iter().take(100).map(|(i, j, a, inter)| json!({
            "a": child_ref_at(f, *i),
            "b": child_ref_at(f, *j),
            "overlap_m2": round3(*a),
            "location": inter.0.iter().max_by(|p, q| polygon_area_m2(p).total_cmp(&polygon_area_m2(q))).map_or(Value::Null, location),
        })).collect::<Vec<_>>()}),
    )
}

fn child_ref_at(f: &Facts, i: usize) -> Value {
    f.child_refs.get(i).cloned().unwrap_or(Value::Null)
}

fn boxes_meet(a: Option<Rect>, b: Option<Rect>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            a.min().x <= b.max().x
                && b.min().x <= a.max().x
                && a.min().y <= b.max().y
                && b.min().y <= a.max().y
        }
        _ => false,
    }
}

/// `min_area`: each child at least its land use's minimum; a subdivision's parent at least
/// `min_parent_area_m2`. A child without a land use takes its parents' (when they all agree).
pub(crate) fn min_area(s: &Situation, f: &Facts, rules: &SplitRules) -> super::CheckOutcome {
    const CODE: &str = "min_area";
    if f.children.is_none() {
        return skipped_children(CODE);
    }
    if f.parents.is_none() {
        return skipped_parents(CODE);
    }
    let parents_use = {
        let uses: Vec<_> = s
            .parents
            .iter()
            .filter_map(|p| {
                p.current
                    .and_then(parcel_attributes)
                    .and_then(|a| a.land_use)
            })
            .collect();
        uses.first()
            .copied()
            .filter(|u| uses.len() == s.parents.len() && uses.iter().all(|v| v == u))
    };
    let mut small_children = Vec::new();
    for c in &s.children {
        let Ok(poly) = &c.geometry else { continue };
        let land_use = c.land_use.or(parents_use);
        let limit = land_use
            .and_then(|u| rules.min_child_area_by_land_use.get(u.code()).copied())
            .unwrap_or(rules.min_child_area_m2);
        let area = polygon_area_m2(poly);
        if area < limit {
            small_children.push((c, area, limit, land_use));
        }
    }
    let mut small_parents = Vec::new();
    if s.kind == ChangeKind::Subdivision {
        for p in &s.parents {
            if let Some(cur) = p.current {
                let area = cur.feature.area_m2();
                if area < rules.min_parent_area_m2 {
                    small_parents.push((p.fid, area));
                }
            }
        }
    }
    let detail = json!({
        "children": small_children.iter().map(|(c, area, limit, u)| {
            let mut r = child_ref(c);
            r["area_m2"] = json!(round3(*area));
            r["limit_m2"] = json!(*limit);
            r["land_use"] = json!(u.map(|u| u.code()));
            r
        }).collect::<Vec<_>>(),
        "parents": small_parents.iter().map(|(fid, area)| json!({
            "fid": fid.0, "area_m2": round3(*area), "limit_m2": rules.min_parent_area_m2,
        })).collect::<Vec<_>>(),
    });
    if small_children.is_empty() && small_parents.is_empty() {
        return pass(
            CODE,
            "مساحة كل قطعة مقترحة لا تقل عن الحد الأدنى.",
            "Every proposed parcel is at least the minimum area.",
            detail,
        );
    }
    let (mut ar, mut en) = (Vec::new(), Vec::new());
    if !small_children.is_empty() {
        let (names_ar, names_en) = child_names(small_children.iter().map(|(c, ..)| *c));
        ar.push(format!("مساحة القطع المقترحة {names_ar} أقل من الحد الأدنى (انظر التفاصيل): ادمجها مع جاراتها أو وسّعها."));
        en.push(format!("Proposed parcel(s) {names_en} are smaller than the minimum area (see the detail): enlarge them or merge them with a neighbour."));
    }
    if !small_parents.is_empty() {
        let min = rules.min_parent_area_m2;
        ar.push(format!(
            "مساحة القطعة الأصلية أقل من {min} م²، فلا يجوز فرزها."
        ));
        en.push(format!(
            "The parent parcel is smaller than {min} m² and may not be subdivided."
        ));
    }
    fail(CODE, ar.join(" "), en.join(" "), detail)
}
