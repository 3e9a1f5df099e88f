//! Building check outcomes: passed, failed, skipped, not applicable; and the small pieces of
//! JSON their details are made of (rounded numbers, lon/lat points, GeoJSON polygons).

use geo::{InteriorPoint, LineString, Polygon};
use serde_json::{Value, json};

use super::CheckOutcome;

/// A check that passed.
pub(crate) fn pass(
    code: &'static str,
    ar: impl Into<String>,
    en: impl Into<String>,
    detail: Value,
) -> CheckOutcome {
    CheckOutcome {
        code,
        passed: true,
        message_ar: ar.into(),
        message_en: en.into(),
        detail,
        acceptable: false,
    }
}

/// A check that failed.
pub(crate) fn fail(
    code: &'static str,
    ar: impl Into<String>,
    en: impl Into<String>,
    detail: Value,
) -> CheckOutcome {
    CheckOutcome {
        code,
        passed: false,
        message_ar: ar.into(),
        message_en: en.into(),
        detail,
        acceptable: false,
    }
}

/// A check that could not be computed because a prerequisite failed: `passed = false`,
/// `detail = {"skipped": why_en}`.
pub(crate) fn skipped(code: &'static str, why_ar: &str, why_en: &str) -> CheckOutcome {
    CheckOutcome {
        code,
        passed: false,
        message_ar: format!("تعذّر إجراء هذا الفحص: {why_ar}. صحّح ذلك أولاً ثم أعد التقديم."),
        message_en: format!(
            "This check could not be made: {why_en}. Fix that first, then resubmit."
        ),
        detail: json!({ "skipped": why_en }),
        acceptable: false,
    }
}

/// A merge-only check on a subdivision: `passed = true`, `detail = {"applies": false}`.
pub(crate) fn not_applicable(code: &'static str) -> CheckOutcome {
    pass(
        code,
        "لا ينطبق هذا الفحص إلا على طلبات الدمج.",
        "This check applies to merges only.",
        json!({ "applies": false }),
    )
}

/// Why a check needing every child's geometry was skipped.
pub(crate) fn skipped_children(code: &'static str) -> CheckOutcome {
    skipped(
        code,
        "بعض القطع المقترحة ليست مضلعات صحيحة أو لا توجد قطع مقترحة (انظر فحص valid_geometry)",
        "some proposed parcels are not valid polygons, or there are none (see valid_geometry)",
    )
}

/// Why a check needing every parent's geometry was skipped.
pub(crate) fn skipped_parents(code: &'static str) -> CheckOutcome {
    skipped(
        code,
        "بعض القطع الأصلية ليست قطعاً قائمة في السجل أو لا توجد قطع أصلية (انظر فحص parcels_current)",
        "some parent parcels are not current parcels of the register, or there are none (see parcels_current)",
    )
}

/// A number rounded to millimetres (or mm²) for details.
pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A lon/lat point inside the polygon, as `[lon, lat]` (degrees, EPSG:4326).
pub(crate) fn location(p: &Polygon) -> Value {
    match p.interior_point() {
        Some(pt) => json!([pt.x(), pt.y()]),
        None => Value::Null,
    }
}

/// A polygon as a GeoJSON geometry object (EPSG:4326).
pub(crate) fn polygon_json(p: &Polygon) -> Value {
    fn ring(l: &LineString) -> Value {
        Value::from(l.0.iter().map(|c| json!([c.x, c.y])).collect::<Vec<_>>())
    }
    let rings: Vec<Value> = std::iter::once(p.exterior())
        .chain(p.interiors())
        .map(ring)
        .collect();
    json!({ "type": "Polygon", "coordinates": rings })
}

/// A child's reference in details: its 0-based index and its parcel number (or null).
pub(crate) fn child_ref(c: &super::proposal::ProposedParcel) -> Value {
    json!({
        "index": c.index,
        "parcel_no": c.parcel_no.as_ref().ok().map(|n| n.as_str()),
    })
}

/// A child's name for messages, Arabic and English: "11/2 (feature 3)", 1-based feature number.
pub(crate) fn child_name(c: &super::proposal::ProposedParcel) -> (String, String) {
    let n = c.index + 1;
    match &c.parcel_no {
        Ok(no) => (format!("{no} (العنصر {n})"), format!("{no} (feature {n})")),
        Err(_) => (format!("العنصر {n}"), format!("feature {n}")),
    }
}

/// Names of children joined for a message, Arabic and English.
pub(crate) fn child_names<'a>(
    cs: impl IntoIterator<Item = &'a super::proposal::ProposedParcel>,
) -> (String, String) {
    let (ar, en): (Vec<String>, Vec<String>) = cs.into_iter().map(child_name).unzip();
    (ar.join("، "), en.join(", "))
}
