//! The checks on the request's shape and references: how many parents and children
//! (`parcel_count`), valid child polygons (`valid_geometry`), current parents (`parcels_current`)
//! and parcel numbers (`unique_parcel_no`).

use std::collections::{BTreeMap, HashSet};

use serde_json::json;

use crate::domain::GeometryProblem;

use super::outcome::{child_name, child_names, child_ref, fail, pass};
use super::{ChangeKind, CheckOutcome, Situation, parcel_attributes, parent_polygon};

/// `parcel_count`: a subdivision has exactly one parent and at least two children; a merge at
/// least two parents and at least one child; no parent is named twice.
pub(crate) fn parcel_count(s: &Situation) -> CheckOutcome {
    const CODE: &str = "parcel_count";
    let (parents, children) = (s.parents.len(), s.children.len());
    let distinct: HashSet<_> = s.parents.iter().map(|p| p.fid).collect();
    let repeated = distinct.len() != parents;
    let detail = json!({"kind": s.kind, "parents": parents, "children": children});
    let (ok, ar, en) = match s.kind {
        ChangeKind::Subdivision => (
            parents == 1 && children >= 2,
            format!(
                "طلب الفرز يحتاج قطعة أصلية واحدة وقطعتين مقترحتين على الأقل، وفيه {parents} قطعة أصلية و{children} قطعة مقترحة."
            ),
            format!(
                "A subdivision needs exactly one parent and at least two proposed parcels; this one has {parents} parent(s) and {children} proposed parcel(s)."
            ),
        ),
        ChangeKind::Merge => (
            parents >= 2 && children >= 1,
            format!(
                "طلب الدمج يحتاج قطعتين أصليتين على الأقل وقطعة مقترحة واحدة على الأقل، وفيه {parents} قطعة أصلية و{children} قطعة مقترحة."
            ),
            format!(
                "A merge needs at least two parents and at least one proposed parcel; this one has {parents} parent(s) and {children} proposed parcel(s)."
            ),
        ),
    };
    if repeated {
        return fail(
            CODE,
            "ذُكرت قطعة أصلية أكثر من مرة في الطلب: اذكر كل قطعة مرة واحدة.",
            "A parent parcel is named more than once: name each parent once.",
            detail,
        );
    }
    if ok {
        pass(CODE, ar, en, detail)
    } else {
        fail(
            CODE,
            format!("{ar} أضف القطع الناقصة أو غيّر نوع الطلب."),
            format!("{en} Add the missing parcels or change the kind of request."),
            detail,
        )
    }
}

/// `valid_geometry`: every proposed polygon is valid (OGC), in range, of the right type.
pub(crate) fn valid_geometry(s: &Situation) -> CheckOutcome {
    const CODE: &str = "valid_geometry";
    let bad: Vec<_> = s
        .children
        .iter()
        .filter_map(|c| c.geometry.as_ref().err().map(|p| (c, p)))
        .collect();
    if bad.is_empty() {
        return pass(
            CODE,
            "كل القطع المقترحة مضلعات صحيحة.",
            "Every proposed parcel is a valid polygon.",
            json!({"invalid": []}),
        );
    }
    let detail = json!({"invalid": bad.iter().map(|(c, p)| {
        let mut r = child_ref(c);
        r["problem"] = json!(p.code());
        r["message"] = json!(problem_en(p));
        r["location"] = json!(p.location().map(|(x, y)| [x, y]));
        r
    }).collect::<Vec<_>>()});
    let lines: Vec<(String, String)> = bad
        .iter()
        .take(10)
        .map(|(c, p)| {
            let (ar, en) = child_name(c);
            (
                format!("القطعة {ar}: {}", problem_ar(p.code())),
                format!("parcel {en}: {}", problem_en(p)),
            )
        })
        .collect();
    let (ar, en): (Vec<_>, Vec<_>) = lines.into_iter().unzip();
    fail(
        CODE,
        format!(
            "بعض القطع المقترحة ليست مضلعات صحيحة، صحّحها وأعد الإرسال: {}.",
            ar.join("؛ ")
        ),
        format!(
            "Some proposed parcels are not valid polygons; correct them and resend: {}.",
            en.join("; ")
        ),
        detail,
    )
}

/// The English explanation of a geometry problem (an out-of-range coordinate is said in terms
/// of the request's CRS, which may be projected).
fn problem_en(p: &GeometryProblem) -> String {
    match p {
        GeometryProblem::OutOfRange { x, y } => format!(
            "coordinate ({x}, {y}) is outside the range of the declared coordinate reference system: check the CRS (e.g. EPSG:32639 for UTM 39N metres) and that easting or longitude comes first"
        ),
        other => other.to_string(),
    }
}

/// The Arabic explanation of a geometry problem code.
fn problem_ar(code: &str) -> &'static str {
    match code {
        "empty_geometry" => "لا توجد إحداثيات",
        "wrong_geometry_type" => "الشكل ليس مضلعاً (Polygon)",
        "non_finite_coordinate" => "إحداثي ليس رقماً صالحاً",
        "coordinate_out_of_range" => {
            "إحداثي خارج نطاق نظام الإحداثيات: تحقق من نظام الإحداثيات المعلن وترتيب المحاور"
        }
        "unclosed_ring" => "الحلقة غير مغلقة: يجب أن تساوي النقطة الأخيرة الأولى",
        "too_few_points" => "الحلقة تحتاج ثلاث نقاط مختلفة على الأقل",
        "self_intersection" => "الحدود تتقاطع مع نفسها (انظر الموقع في التفاصيل)",
        _ => "المضلع غير صالح (انظر التفاصيل)",
    }
}

/// `parcels_current`: every parent is a current parcel of the register.
pub(crate) fn parcels_current(s: &Situation) -> CheckOutcome {
    const CODE: &str = "parcels_current";
    let missing: Vec<i64> = s
        .parents
        .iter()
        .filter(|p| parent_polygon(p).is_none())
        .map(|p| p.fid.0)
        .collect();
    if s.parents.is_empty() {
        return fail(
            CODE,
            "لم تُذكر أي قطعة أصلية: اذكر القطع التي يشملها الطلب.",
            "No parent parcel is named: name the parcels the request concerns.",
            json!({"not_current": []}),
        );
    }
    if missing.is_empty() {
        return pass(
            CODE,
            "كل القطع الأصلية قائمة في السجل.",
            "Every parent is a current parcel of the register.",
            json!({"not_current": []}),
        );
    }
    let list = missing
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    fail(
        CODE,
        format!(
            "القطع {list} ليست قطعاً قائمة في السجل (ربما فُرزت أو دُمجت من قبل): تحقق من أرقامها واختر القطع القائمة."
        ),
        format!(
            "Parcel(s) {list} are not current parcels of the register (perhaps already split or merged): check the numbers and name current parcels."
        ),
        json!({"not_current": missing}),
    )
}

/// `unique_parcel_no`: the children's numbers are valid, distinct, and not used by another
/// parcel of the block (the parents' own numbers may be reused).
pub(crate) fn unique_parcel_no(s: &Situation) -> CheckOutcome {
    const CODE: &str = "unique_parcel_no";
    let parent_fids: HashSet<_> = s.parents.iter().map(|p| p.fid).collect();
    let taken: HashSet<&str> = s
        .block_parcels
        .iter()
        .filter(|f| !parent_fids.contains(&f.fid))
        .filter_map(|f| parcel_attributes(f))
        .map(|a| a.parcel_no.as_str())
        .collect();
    let mut by_no: BTreeMap<&str, Vec<&super::proposal::ProposedParcel>> = BTreeMap::new();
    let mut invalid = Vec::new();
    for c in &s.children {
        match &c.parcel_no {
            Ok(n) => by_no.entry(n.as_str()).or_default().push(c),
            Err(why) => invalid.push((c, why)),
        }
    }
    let duplicates: Vec<_> = by_no.iter().filter(|(_, cs)| cs.len() > 1).collect();
    let in_use: Vec<_> = by_no.iter().filter(|(n, _)| taken.contains(**n)).collect();
    let detail = json!({
        "invalid": invalid.iter().map(|(c, why)| {
            let mut r = child_ref(c);
            r["reason"] = json!(why);
            r
        }).collect::<Vec<_>>(),
        "duplicates": duplicates.iter().map(|(n, cs)| json!({
            "parcel_no": n, "indices": cs.iter().map(|c| c.index).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "in_use_in_block": in_use.iter().map(|(n, cs)| json!({
            "parcel_no": n, "indices": cs.iter().map(|c| c.index).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    if invalid.is_empty() && duplicates.is_empty() && in_use.is_empty() {
        return pass(
            CODE,
            "أرقام القطع المقترحة صحيحة وغير مكررة.",
            "The proposed parcel numbers are valid and unique.",
            detail,
        );
    }
    let (mut ar, mut en) = (Vec::new(), Vec::new());
    if !invalid.is_empty() {
        let (a, e) = child_names(invalid.iter().map(|(c, _)| *c));
        ar.push(format!(
            "القطع {a} بلا رقم صحيح: أعطِ كل قطعة رقماً في properties.parcel_no."
        ));
        en.push(format!(
            "Parcel(s) {e} have no valid number: give each one properties.parcel_no."
        ));
    }
    if !duplicates.is_empty() {
        let list = duplicates
            .iter()
            .map(|(n, _)| **n)
            .collect::<Vec<_>>()
            .join(", ");
        ar.push(format!(
            "الأرقام {list} مكررة بين القطع المقترحة: أعطِ كل قطعة رقماً مختلفاً."
        ));
        en.push(format!("Number(s) {list} are given to more than one proposed parcel: give each a different number."));
    }
    if !in_use.is_empty() {
        let list = in_use
            .iter()
            .map(|(n, _)| **n)
            .collect::<Vec<_>>()
            .join(", ");
        ar.push(format!(
            "الأرقام {list} مستخدمة لقطع أخرى في البلك نفسه: اختر أرقاماً غير مستخدمة."
        ));
        en.push(format!(
            "Number(s) {list} already belong to other parcels of the block: choose unused numbers."
        ));
    }
    fail(CODE, ar.join(" "), en.join(" "), detail)
}
