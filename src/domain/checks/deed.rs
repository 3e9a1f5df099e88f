//! The checks of a deed update (تحديث صك): the deed's number and date, the surveyed area against
//! the deed's area, and a corrected boundary (when one is given) against the neighbours and the
//! register's corners.
//!
//! Two of them (`area_tolerance`, `corner_shift`) may be accepted by the planner who approves:
//! they fail with `acceptable = true`, the request may be submitted, and its approval must name
//! them in `accept` (recorded in the request and its audit row). The others must pass.

use chrono::NaiveDate;
use geo::{Coord, Polygon};
use serde_json::json;

use super::area::{overlap_m2, polygon_area_m2};
use super::local::LocalFrame;
use super::outcome::{fail, pass, round3, skipped};
use super::proposal::ProposedParcel;
use super::{CheckOutcome, Parent, SplitRules, parent_polygon};
use crate::domain::register::StoredFeature;

/// The codes of a deed update's checks, in the order [`run_deed_checks`] reports them.
pub const DEED_CHECK_CODES: [&str; 8] = [
    "parcel_count",
    "parcels_current",
    "deed_no_format",
    "deed_date",
    "valid_geometry",
    "area_tolerance",
    "no_overlap",
    "corner_shift",
];

/// Everything a deed update's checks look at.
#[derive(Clone, Debug)]
pub struct DeedSituation<'a> {
    /// The parcels the request names (a deed update names exactly one).
    pub parcels: Vec<Parent<'a>>,
    pub deed_no: &'a str,
    pub deed_date: NaiveDate,
    pub official_area_m2: f64,
    /// The corrected boundary, when the surveyor gives one.
    pub corrected: Option<&'a ProposedParcel>,
    /// Current parcels around the parcel (the parcel itself is ignored if given).
    pub neighbours: Vec<&'a StoredFeature>,
    /// Today, for the deed's date.
    pub today: NaiveDate,
}

/// A failed check the approving planner may accept.
fn acceptable(
    code: &'static str,
    ar: String,
    en: String,
    detail: serde_json::Value,
) -> CheckOutcome {
    let mut c = fail(code, ar, en, detail);
    c.acceptable = true;
    c
}

/// The codes of a survey sketch's checks, in the order [`run_sketch_checks`] reports them.
pub const SKETCH_CHECK_CODES: [&str; 4] = [
    "parcel_count",
    "parcels_current",
    "valid_geometry",
    "corner_shift",
];

/// The parcel's current polygon when exactly one current parcel is named.
fn single<'a>(parcels: &[Parent<'a>]) -> Option<&'a Polygon> {
    match parcels {
        [p] => parent_polygon(p),
        _ => None,
    }
}

/// Runs every check of a survey sketch (the surveyed corners, when given, against the
/// register), in the order of [`SKETCH_CHECK_CODES`]. Never panics.
pub fn run_sketch_checks(
    parcels: &[Parent],
    surveyed: Option<&ProposedParcel>,
    rules: &SplitRules,
) -> Vec<CheckOutcome> {
    let current = single(parcels);
    let corrected = surveyed.and_then(|c| c.geometry.as_ref().ok());
    vec![
        parcel_count(parcels),
        parcels_current(parcels, current),
        valid_geometry(surveyed),
        corner_shift(current, corrected, rules),
    ]
}

/// Runs every check of a deed update, in the order of [`DEED_CHECK_CODES`]. Never panics.
pub fn run_deed_checks(s: &DeedSituation, rules: &SplitRules) -> Vec<CheckOutcome> {
    let current = single(&s.parcels);
    let corrected: Option<&Polygon> = s.corrected.and_then(|c| c.geometry.as_ref().ok());
    let surveyed = corrected.or(current);
    vec![
        parcel_count(&s.parcels),
        parcels_current(&s.parcels, current),
        deed_no_format(s.deed_no, rules),
        if s.deed_date <= s.today {
            pass(
                "deed_date",
                "تاريخ الصك صحيح.",
                "The deed's date is valid.",
                json!({"deed_date": s.deed_date.to_string()}),
            )
        } else {
            fail(
                "deed_date",
                "تاريخ الصك في المستقبل. صحّح التاريخ.",
                "The deed's date is in the future. Correct the date.",
                json!({"deed_date": s.deed_date.to_string(), "today": s.today.to_string()}),
            )
        },
        valid_geometry(s.corrected),
        area_tolerance(surveyed, s.official_area_m2, rules),
        no_overlap(corrected, s, rules),
        corner_shift(current, corrected, rules),
    ]
}

fn parcel_count(parcels: &[Parent]) -> CheckOutcome {
    if parcels.len() == 1 {
        pass(
            "parcel_count",
            "الطلب يخص قطعة واحدة.",
            "The request concerns one parcel.",
            json!({"count": 1}),
        )
    } else {
        fail(
            "parcel_count",
            format!(
                "هذا الطلب يخص قطعة واحدة بالضبط، وذُكرت {} قطع.",
                parcels.len()
            ),
            format!(
                "This request concerns exactly one parcel; {} were named.",
                parcels.len()
            ),
            json!({"count": parcels.len()}),
        )
    }
}

fn parcels_current(parcels: &[Parent], current: Option<&Polygon>) -> CheckOutcome {
    match (parcels.first(), current) {
        (Some(_), Some(_)) => pass(
            "parcels_current",
            "القطعة قائمة في السجل.",
            "The parcel is a current parcel of the register.",
            json!({}),
        ),
        _ => fail(
            "parcels_current",
            "القطعة ليست قطعة قائمة في السجل (ربما فُرزت أو حُدّثت). اختر القطعة القائمة.",
            "The parcel is not a current parcel of the register (it may have been split or updated since). Choose the current parcel.",
            json!({"fids": parcels.iter().map(|p| p.fid.0).collect::<Vec<_>>()}),
        ),
    }
}

fn valid_geometry(corrected: Option<&ProposedParcel>) -> CheckOutcome {
    match corrected {
        None => pass(
            "valid_geometry",
            "لا حدود مصحّحة: تبقى حدود السجل.",
            "No corrected boundary: the register's boundary stays.",
            json!({"corrected": false}),
        ),
        Some(c) => match &c.geometry {
            Ok(_) => pass(
                "valid_geometry",
                "الحدود المصحّحة مضلع صحيح.",
                "The corrected boundary is a valid polygon.",
                json!({"corrected": true}),
            ),
            Err(p) => fail(
                "valid_geometry",
                "الحدود المصحّحة ليست مضلعاً صحيحاً. ارسم مضلعاً مغلقاً غير متقاطع.",
                format!(
                    "The corrected boundary is not a valid polygon ({p}). Draw a closed polygon that does not cross itself."
                ),
                json!({"problem": p.to_string()}),
            ),
        },
    }
}

fn deed_no_format(deed_no: &str, rules: &SplitRules) -> CheckOutcome {
    let digits = deed_no.chars().count();
    let (min, max) = (rules.deed_no_min_digits, rules.deed_no_max_digits);
    if deed_no.chars().all(|c| c.is_ascii_digit()) && (min..=max).contains(&digits) {
        pass(
            "deed_no_format",
            "رقم الصك بصيغة صحيحة.",
            "The deed number is well formed.",
            json!({"digits": digits}),
        )
    } else {
        fail(
            "deed_no_format",
            format!("رقم الصك يتكون من {min} إلى {max} رقماً دون حروف أو فواصل."),
            format!("A deed number is {min} to {max} digits, with no letters or separators."),
            json!({"digits": digits, "min": min, "max": max}),
        )
    }
}

fn area_tolerance(surveyed: Option<&Polygon>, official: f64, rules: &SplitRules) -> CheckOutcome {
    let Some(p) = surveyed else {
        return skipped(
            "area_tolerance",
            "لا توجد حدود صالحة للقياس",
            "there is no valid boundary to measure",
        );
    };
    let area = polygon_area_m2(p);
    let diff = area - official;
    let ratio = if official > 0.0 {
        diff.abs() / official
    } else {
        f64::INFINITY
    };
    let detail = json!({
        "surveyed_area_m2": round3(area), "deed_area_m2": round3(official),
        "difference_m2": round3(diff), "difference_ratio": round3(ratio.min(1e9)),
        "tolerance_ratio": rules.deed_area_tolerance_ratio,
    });
    if ratio <= rules.deed_area_tolerance_ratio {
        pass(
            "area_tolerance",
            "المساحة المقاسة ضمن حدود التفاوت مع مساحة الصك.",
            "The surveyed area is within the tolerance of the deed's area.",
            detail,
        )
    } else {
        let pct = rules.deed_area_tolerance_ratio * 100.0;
        acceptable(
            "area_tolerance",
            format!(
                "الفرق بين المساحة المقاسة ({area:.2} م²) ومساحة الصك ({official:.2} م²) يتجاوز {pct}%. يلزم قبول صريح من المخطط عند الاعتماد."
            ),
            format!(
                "The surveyed area ({area:.2} m²) differs from the deed's ({official:.2} m²) by more than {pct} %. The approving planner must accept it explicitly."
            ),
            detail,
        )
    }
}

fn no_overlap(corrected: Option<&Polygon>, s: &DeedSituation, rules: &SplitRules) -> CheckOutcome {
    let Some(c) = corrected else {
        return pass(
            "no_overlap",
            "لا حدود مصحّحة: لا تغيير على الجيران.",
            "No corrected boundary: nothing changes for the neighbours.",
            json!({"corrected": false}),
        );
    };
    let own: Vec<i64> = s.parcels.iter().map(|p| p.fid.0).collect();
    let mut hits = Vec::new();
    for n in &s.neighbours {
        if own.contains(&n.fid.0) {
            continue;
        }
        if let crate::domain::ValidGeometry::Polygon(np) = n.feature.geometry() {
            let a = overlap_m2(c, np);
            if a > rules.area_tolerance_m2 {
                hits.push(json!({"fid": n.fid.0, "overlap_m2": round3(a)}));
            }
        }
    }
    if hits.is_empty() {
        pass(
            "no_overlap",
            "الحدود المصحّحة لا تتداخل مع أي قطعة مجاورة.",
            "The corrected boundary overlaps no neighbouring parcel.",
            json!({"overlaps": []}),
        )
    } else {
        fail(
            "no_overlap",
            format!(
                "الحدود المصحّحة تتداخل مع {} قطعة مجاورة. عدّل الحدود.",
                hits.len()
            ),
            format!(
                "The corrected boundary overlaps {} neighbouring parcel(s). Correct the boundary.",
                hits.len()
            ),
            json!({"overlaps": hits}),
        )
    }
}

/// Distance in metres from `p` to the segment `a`–`b` (all in a local metric frame).
fn to_segment(p: Coord, a: Coord, b: Coord) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((p.x - a.x - t * dx).powi(2) + (p.y - a.y - t * dy).powi(2)).sqrt()
}

/// The largest distance from a corner of `from` to the boundary of `to`, metres.
fn largest_move(from: &[Coord], to: &[Coord]) -> (f64, usize) {
    let mut worst = (0.0, 0);
    for (i, p) in from.iter().enumerate() {
        let d = to
            .windows(2)
            .map(|w| to_segment(*p, w[0], w[1]))
            .fold(f64::INFINITY, f64::min);
        if d.is_finite() && d > worst.0 {
            worst = (d, i);
        }
    }
    worst
}

fn corner_shift(
    current: Option<&Polygon>,
    corrected: Option<&Polygon>,
    rules: &SplitRules,
) -> CheckOutcome {
    let (Some(old), Some(new)) = (current, corrected) else {
        return pass(
            "corner_shift",
            "لا حدود مصحّحة: لا تتحرك أي زاوية.",
            "No corrected boundary: no corner moves.",
            json!({"corrected": false}),
        );
    };
    let Some(origin) = old.exterior().0.first().copied() else {
        return skipped(
            "corner_shift",
            "حدود السجل فارغة",
            "the register's boundary is empty",
        );
    };
    let frame = LocalFrame::new(origin);
    let local = |p: &Polygon| {
        p.exterior()
            .0
            .iter()
            .map(|c| frame.to_local(*c))
            .collect::<Vec<_>>()
    };
    let (o, n) = (local(old), local(new));
    // Every new corner near the old boundary, and every old corner near the new one.
    let (moved, at) = largest_move(&n, &o);
    let (dropped, _) = largest_move(&o, &n);
    let largest = moved.max(dropped);
    let detail = json!({"largest_move_m": round3(largest), "corner": at + 1, "tolerance_m": rules.corner_tolerance_m});
    if largest <= rules.corner_tolerance_m {
        pass(
            "corner_shift",
            "لا تتحرك أي زاوية أكثر من حد التفاوت.",
            "No corner moves more than the tolerance.",
            detail,
        )
    } else {
        acceptable(
            "corner_shift",
            format!(
                "تتحرك الحدود حتى {largest:.2} م عن حدود السجل (الحد {} م). يلزم قبول صريح من المخطط عند الاعتماد.",
                rules.corner_tolerance_m
            ),
            format!(
                "The boundary moves up to {largest:.2} m from the register's (tolerance {} m). The approving planner must accept it explicitly.",
                rules.corner_tolerance_m
            ),
            detail,
        )
    }
}
