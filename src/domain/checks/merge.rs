//! The merge-only checks: the parents make one piece of land (`adjacent`), lie in the same plan
//! and block (`same_block`) and have the same owner (`same_owner`). For a subdivision each one
//! reports `passed = true` with `detail = {"applies": false}`.
//!
//! Two parents are neighbours when their boundaries run together (within [`SNAP_M`], within 30°
//! of parallel) along at least [`MIN_SHARED_M`]: parcels touching at a corner only are not. The
//! parents are adjacent when the neighbour relation connects them all, i.e. their union is one
//! polygon.

use geo::{BoundingRect, Coord, Polygon};
use serde_json::json;

use super::local::{LocalFrame, Target, ring_length_within};
use super::outcome::{fail, not_applicable, pass, round3, skipped_parents};
use super::{ChangeKind, CheckOutcome, Facts, Situation, parcel_attributes};

/// Boundaries within this distance of each other count as shared, metres.
pub const SNAP_M: f64 = 0.05;
/// Least shared boundary for two parents to be neighbours, metres.
pub const MIN_SHARED_M: f64 = 1.0;

/// `adjacent`: the parents' union is one polygon (they share edges, not just corners).
pub(crate) fn adjacent(s: &Situation, f: &Facts) -> CheckOutcome {
    const CODE: &str = "adjacent";
    if s.kind == ChangeKind::Subdivision {
        return not_applicable(CODE);
    }
    let Some(parents) = &f.parents else {
        return skipped_parents(CODE);
    };
    let Some(origin) = parents
        .first()
        .and_then(|p| p.bounding_rect())
        .map(|r| r.center())
    else {
        return skipped_parents(CODE);
    };
    let frame = LocalFrame::new(origin);
    let local: Vec<Vec<Vec<Coord>>> = parents.iter().map(|p| rings(p, &frame)).collect();
    let n = parents.len();
    let mut group: Vec<usize> = (0..n).collect();
    let mut shared = Vec::new();
    let max_sin = 30f64.to_radians().sin();
    for i in 0..n {
        for j in i + 1..n {
            let targets: Vec<Target> = local[j]
                .iter()
                .flat_map(|r| r.windows(2))
                .map(|w| Target {
                    c: w[0],
                    d: w[1],
                    reach: SNAP_M,
                })
                .collect();
            let len: f64 = local[i]
                .iter()
                .map(|r| ring_length_within(r, &targets, max_sin))
                .sum();
            if len >= MIN_SHARED_M {
                shared.push(json!({"a": s.parents[i].fid.0, "b": s.parents[j].fid.0, "shared_m": round3(len)}));
                let (gi, gj) = (find(&mut group, i), find(&mut group, j));
                group[gi.max(gj)] = gi.min(gj);
            }
        }
    }
    let mut groups: Vec<Vec<i64>> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    for i in 0..n {
        let r = find(&mut group, i);
        match roots.iter().position(|&x| x == r) {
            Some(k) => groups[k].push(s.parents[i].fid.0),
            None => {
                roots.push(r);
                groups.push(vec![s.parents[i].fid.0]);
            }
        }
    }
    let detail = json!({"shared": shared, "groups": groups, "min_shared_m": MIN_SHARED_M});
    if groups.len() == 1 {
        return pass(
            CODE,
            "القطع المراد دمجها متجاورة وتشترك في حدود.",
            "The parcels to merge are adjacent: they share boundaries.",
            detail,
        );
    }
    fail(
        CODE,
        format!(
            "القطع المراد دمجها ليست متجاورة: تنقسم إلى {} مجموعات لا تشترك في حد (التلامس عند زاوية لا يكفي). لا يُدمج إلا قطع متلاصقة؛ أزل القطع المنفصلة من الطلب.",
            groups.len()
        ),
        format!(
            "The parcels to merge are not adjacent: they fall into {} groups that share no boundary (touching at a corner is not enough). Only parcels sharing a side can be merged; remove the separate ones from the request.",
            groups.len()
        ),
        detail,
    )
}

fn find(group: &mut [usize], mut i: usize) -> usize {
    while group[i] != i {
        group[i] = group[group[i]];
        i = group[i];
    }
    i
}

fn rings(p: &Polygon, frame: &LocalFrame) -> Vec<Vec<Coord>> {
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .map(|r| r.0.iter().map(|c| frame.to_local(*c)).collect())
        .collect()
}

/// `same_block`: every parent has a plan and block number, the same for all.
pub(crate) fn same_block(s: &Situation) -> CheckOutcome {
    const CODE: &str = "same_block";
    if s.kind == ChangeKind::Subdivision {
        return not_applicable(CODE);
    }
    let Some(attrs) = s
        .parents
        .iter()
        .map(|p| {
            p.current
                .and_then(|c| parcel_attributes(c))
                .map(|a| (p.fid, a))
        })
        .collect::<Option<Vec<_>>>()
        .filter(|v| !v.is_empty())
    else {
        return skipped_parents(CODE);
    };
    let keys: Vec<_> = attrs
        .iter()
        .map(|(_, a)| (a.plan_no.as_ref(), a.block_no.as_ref()))
        .collect();
    let detail = json!({"parents": attrs.iter().map(|(fid, a)| json!({
        "fid": fid.0,
        "plan_no": a.plan_no.as_ref().map(|n| n.as_str()),
        "block_no": a.block_no.as_ref().map(|n| n.as_str()),
    })).collect::<Vec<_>>()});
    let unknown = keys.iter().any(|(p, b)| p.is_none() || b.is_none());
    if unknown {
        return fail(
            CODE,
            "رقم المخطط أو البلك غير مسجل لبعض القطع المراد دمجها: حدّث بياناتها في السجل أولاً.",
            "The plan or block number of some parcels to merge is not recorded: update them in the register first.",
            detail,
        );
    }
    if keys.iter().all(|k| *k == keys[0]) {
        return pass(
            CODE,
            "القطع المراد دمجها في المخطط والبلك نفسيهما.",
            "The parcels to merge are in the same plan and block.",
            detail,
        );
    }
    fail(
        CODE,
        "القطع المراد دمجها ليست في المخطط والبلك نفسيهما: لا يُدمج إلا قطع من بلك واحد.",
        "The parcels to merge are not all in the same plan and block: only parcels of one block can be merged.",
        detail,
    )
}

/// `same_owner`: every parent's owner is known and the same. The ids are never reported.
pub(crate) fn same_owner(s: &Situation) -> CheckOutcome {
    const CODE: &str = "same_owner";
    if s.kind == ChangeKind::Subdivision {
        return not_applicable(CODE);
    }
    let unknown: Vec<i64> = s
        .parents
        .iter()
        .filter(|p| p.owner_id.is_none())
        .map(|p| p.fid.0)
        .collect();
    let known: Vec<&str> = s.parents.iter().filter_map(|p| p.owner_id).collect();
    let differ = known.iter().any(|k| *k != known[0]);
    let detail = json!({"unknown_owner": unknown, "owners_differ": differ});
    if !unknown.is_empty() {
        return fail(
            CODE,
            "مالك بعض القطع المراد دمجها غير معروف: أرفق صكوك الملكية ليُسجَّل المالك.",
            "The owner of some parcels to merge is not known: attach the title deeds so that the owner is recorded.",
            detail,
        );
    }
    if differ || s.parents.is_empty() {
        return fail(
            CODE,
            "القطع المراد دمجها ليست لمالك واحد: يلزم أن تكون كلها باسم المالك نفسه قبل الدمج.",
            "The parcels to merge do not all have the same owner: they must all belong to one owner before merging.",
            detail,
        );
    }
    pass(
        CODE,
        "القطع المراد دمجها لمالك واحد.",
        "The parcels to merge have the same owner.",
        detail,
    )
}
