//! `street_frontage`: each child fronts a street along at least `min_frontage_m` metres.
//!
//! A child's frontage is the length of its exterior boundary lying within W/2 + margin of a
//! street's centre line (W the street's width, `default_street_width_m` when unknown), counting
//! only boundary segments within [`MAX_ANGLE_DEG`] of parallel to the street segment they are
//! near. Without that, a side running away from the street would count its first W/2 + margin
//! metres too: a 5 m wide lot with its front at the edge of a 10 m street would "front" it along
//! 5 + 3 + 3 = 11 m. Lengths are metres in a local frame around the children (see `local`).

use geo::{BoundingRect, Coord, Polygon};
use serde_json::json;

use super::local::{LocalFrame, Target, ring_length_within};
use super::outcome::{child_names, child_ref, fail, pass, round3, skipped_children};
use super::{CheckOutcome, Facts, Situation, SplitRules};
use crate::domain::ValidGeometry;
use crate::domain::attributes::Attributes;

/// A boundary segment counts towards frontage on a street segment only when the two are within
/// this angle of parallel, degrees.
pub const MAX_ANGLE_DEG: f64 = 30.0;

/// Added to the reach so that a boundary drawn exactly at W/2 + margin (as surveyors do) is not
/// lost to the rounding of coordinates, metres.
const EPSILON_M: f64 = 0.001;

/// A street near the proposal: its segments in local metres and how near counts as fronting.
struct Street {
    fid: i64,
    width_m: f64,
    width_known: bool,
    targets: Vec<Target>,
}

pub(crate) fn street_frontage(s: &Situation, f: &Facts, rules: &SplitRules) -> CheckOutcome {
    const CODE: &str = "street_frontage";
    let Some(children) = &f.children else {
        return skipped_children(CODE);
    };
    let Some(frame) = frame_around(children) else {
        return skipped_children(CODE);
    };
    let streets = streets(s, &frame, rules);
    let all_targets: Vec<(usize, Target)> = streets
        .iter()
        .enumerate()
        .flat_map(|(i, st)| st.targets.iter().map(move |t| (i, *t)))
        .collect();
    let max_sin = MAX_ANGLE_DEG.to_radians().sin();
    let limit = rules.min_frontage_m;
    let mut rows = Vec::new();
    let mut failing = Vec::new();
    for (c, poly) in s.children.iter().zip(children.iter()) {
        let ring: Vec<Coord> = poly
            .exterior()
            .0
            .iter()
            .map(|p| frame.to_local(*p))
            .collect();
        let near = near_targets(&ring, &all_targets);
        let targets: Vec<Target> = near.iter().map(|(_, t)| *t).collect();
        let frontage = ring_length_within(&ring, &targets, max_sin);
        let mut fronting: Vec<i64> = Vec::new();
        for (i, st) in streets.iter().enumerate() {
            let own: Vec<Target> = near
                .iter()
                .filter(|(j, _)| *j == i)
                .map(|(_, t)| *t)
                .collect();
            if !own.is_empty() && ring_length_within(&ring, &own, max_sin) > 0.0 {
                fronting.push(st.fid);
            }
        }
        let mut r = child_ref(c);
        r["frontage_m"] = json!(round3(frontage));
        r["streets"] = json!(fronting);
        if frontage < limit {
            r["limit_m"] = json!(limit);
            failing.push((c, r.clone()));
        }
        rows.push(r);
    }
    let detail = json!({
        "limit_m": limit,
        "streets": streets.iter().map(|st| json!({
            "fid": st.fid,
            "width_m": st.width_m,
            "width_known": st.width_known,
            "reach_m": st.width_m / 2.0 + rules.frontage_margin_m,
        })).collect::<Vec<_>>(),
        "children": rows,
        "failing": failing.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(),
    });
    if failing.is_empty() {
        return pass(
            CODE,
            format!("لكل قطعة مقترحة واجهة على شارع لا تقل عن {limit} م."),
            format!("Every proposed parcel fronts a street along at least {limit} m."),
            detail,
        );
    }
    let (ar, en) = child_names(failing.iter().map(|(c, _)| *c));
    let none = if streets.is_empty() {
        (
            " لم يُعثر على أي شارع قرب القطع.",
            " No street was found near the parcels.",
        )
    } else {
        ("", "")
    };
    fail(
        CODE,
        format!(
            "واجهة القطع {ar} على الشارع أقل من {limit} م (انظر الأطوال في التفاصيل).{} غيّر خط التقسيم حتى يكون لكل قطعة {limit} م على الأقل على شارع.",
            none.0
        ),
        format!(
            "Proposed parcel(s) {en} front a street along less than {limit} m (the lengths are in the detail).{} Move the dividing lines so that each parcel has at least {limit} m on a street.",
            none.1
        ),
        detail,
    )
}

/// The frame around the centre of the children's box.
fn frame_around(children: &[&Polygon]) -> Option<LocalFrame> {
    let rect = children
        .iter()
        .filter_map(|p| p.bounding_rect())
        .reduce(|a, b| {
            geo::Rect::new(
                Coord {
                    x: a.min().x.min(b.min().x),
                    y: a.min().y.min(b.min().y),
                },
                Coord {
                    x: a.max().x.max(b.max().x),
                    y: a.max().y.max(b.max().y),
                },
            )
        })?;
    Some(LocalFrame::new(rect.center()))
}

/// The streets given, their segments in the frame.
fn streets(s: &Situation, frame: &LocalFrame, rules: &SplitRules) -> Vec<Street> {
    s.streets
        .iter()
        .filter_map(|f| {
            let ValidGeometry::MultiLineString(lines) = f.feature.geometry() else {
                return None;
            };
            let known = match f.feature.attributes() {
                Attributes::Street(st) => st.width_m,
                _ => None,
            };
            let width_m = known.unwrap_or(rules.default_street_width_m);
            let reach = width_m / 2.0 + rules.frontage_margin_m + EPSILON_M;
            let targets = lines
                .0
                .iter()
                .flat_map(|l| l.0.windows(2))
                .map(|w| Target {
                    c: frame.to_local(w[0]),
                    d: frame.to_local(w[1]),
                    reach,
                })
                .filter(|t| t.c != t.d)
                .collect();
            Some(Street {
                fid: f.fid.0,
                width_m,
                width_known: known.is_some(),
                targets,
            })
        })
        .collect()
}

/// The targets whose reach meets the ring's box (a cheap filter before the exact measure).
fn near_targets(ring: &[Coord], targets: &[(usize, Target)]) -> Vec<(usize, Target)> {
    let (mut lo, mut hi) = (
        Coord {
            x: f64::INFINITY,
            y: f64::INFINITY,
        },
        Coord {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        },
    );
    for c in ring {
        lo = Coord {
            x: lo.x.min(c.x),
            y: lo.y.min(c.y),
        };
        hi = Coord {
            x: hi.x.max(c.x),
            y: hi.y.max(c.y),
        };
    }
    targets
        .iter()
        .filter(|(_, t)| {
            t.c.x.min(t.d.x) - t.reach <= hi.x
                && t.c.x.max(t.d.x) + t.reach >= lo.x
                && t.c.y.min(t.d.y) - t.reach <= hi.y
                && t.c.y.max(t.d.y) + t.reach >= lo.y
        })
        .copied()
        .collect()
}
