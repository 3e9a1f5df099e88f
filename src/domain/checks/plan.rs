//! A proposed subdivision plan (مخطط) and its checks, for plan approval (اعتماد مخطط).
//!
//! The plan is a GeoJSON FeatureCollection whose features carry `role`: one `boundary`
//! (Polygon), `lot`s (Polygon, with `parcel_no`, `block_no`, `land_use`), `street`s (LineString
//! centre lines with `width_m`, `name_ar`, `name_en`) and `public` lands (Polygon: parks,
//! mosques, schools). A street occupies its centre line widened by half its width on each side.
//!
//! Every check runs in a local metric frame around the boundary (see `local`): at plan scale
//! (a few kilometres at most) its areas differ from geodesic ones by well under 0.1 %.

use geo::algorithm::buffer::{Buffer, BufferStyle, LineCap, LineJoin};
use geo::bool_ops::BooleanOps;
use geo::orient::{Direction, Orient};
use geo::{Area, Coord, LineString, MapCoords, MultiPolygon, Polygon};
use serde_json::{Value, json};

use super::local::{LocalFrame, Target, ring_length_within};
use super::outcome::{fail, pass, round3, skipped};
use super::proposal::{ProposalError, check_sizes, features_up_to, geometry_of, text};
use super::{CheckOutcome, SplitRules};
use crate::domain::attributes::{BlockNo, LandUse, ParcelNo};
use crate::domain::crs::Crs;
use crate::domain::register::StoredFeature;
use crate::domain::{GeometryProblem, GeometryShape, ValidGeometry};

/// Most features in one plan (a 2,000-lot plan is common; 10,000 is refused).
pub const MAX_PLAN_FEATURES: usize = 5_000;

/// The codes of a plan's checks, in the order [`run_plan_checks`] reports them.
pub const PLAN_CHECK_CODES: [&str; 12] = [
    "plan_no_unique",
    "boundary",
    "valid_geometry",
    "unique_parcel_no",
    "lots_inside",
    "no_overlap",
    "covers_boundary",
    "street_width",
    "public_share",
    "min_area",
    "street_frontage",
    "no_conflict",
];

/// What a feature of the plan is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanRole {
    Boundary,
    Lot,
    Street,
    Public,
}

/// One feature of a proposed plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanPart {
    pub index: usize,
    pub role: PlanRole,
    /// EPSG:4326: a Polygon, or for a street a MultiLineString; or what is wrong with it.
    pub geometry: Result<ValidGeometry, GeometryProblem>,
    /// A lot's number, or why it is missing.
    pub parcel_no: Result<ParcelNo, String>,
    pub block_no: Option<BlockNo>,
    pub land_use: Option<LandUse>,
    /// A street's width, metres.
    pub width_m: Option<f64>,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
}

impl PlanPart {
    /// The polygon of a boundary, lot or public land.
    pub fn polygon(&self) -> Option<&Polygon> {
        match &self.geometry {
            Ok(ValidGeometry::Polygon(p)) => Some(p),
            _ => None,
        }
    }
}

/// Parses a plan written in `crs`: sizes checked first, each feature's role read, geometries
/// reprojected to EPSG:4326 and validated.
pub fn parse_plan(v: &Value, crs: &Crs) -> Result<Vec<PlanPart>, ProposalError> {
    let features = features_up_to(v, MAX_PLAN_FEATURES)?;
    check_sizes(features)?;
    let mut parts = Vec::with_capacity(features.len());
    for (index, f) in features.iter().enumerate() {
        let props = f.get("properties").and_then(Value::as_object);
        let prop = |name: &str| {
            props
                .and_then(|p| p.get(name))
                .map(text)
                .filter(|t| !t.is_empty())
        };
        let role = match prop("role").as_deref() {
            Some("boundary") => PlanRole::Boundary,
            Some("lot") => PlanRole::Lot,
            Some("street") => PlanRole::Street,
            Some("public") => PlanRole::Public,
            other => {
                return Err(ProposalError::BadRole {
                    index,
                    found: other.unwrap_or("nothing").to_string(),
                });
            }
        };
        let shape = if role == PlanRole::Street {
            GeometryShape::MultiLineString
        } else {
            GeometryShape::Polygon
        };
        let geometry = geometry_of(index, f.get("geometry").unwrap_or(&Value::Null), crs, shape)?;
        let land_use = match prop("land_use") {
            Some(t) => {
                Some(
                    t.parse::<LandUse>()
                        .map_err(|reason| ProposalError::UnknownLandUse {
                            index,
                            value: t.clone(),
                            reason,
                        })?,
                )
            }
            None => None,
        };
        parts.push(PlanPart {
            index,
            role,
            geometry,
            parcel_no: match prop("parcel_no") {
                Some(t) => ParcelNo::try_from(t.as_str()),
                None => Err("properties.parcel_no is missing: number every lot".into()),
            },
            block_no: prop("block_no").and_then(|t| BlockNo::try_from(t.as_str()).ok()),
            land_use,
            width_m: prop("width_m").and_then(|t| t.parse::<f64>().ok()),
            name_ar: prop("name_ar"),
            name_en: prop("name_en"),
        });
    }
    Ok(parts)
}

/// Everything a plan's checks look at.
#[derive(Clone, Debug)]
pub struct PlanSituation<'a> {
    pub parts: &'a [PlanPart],
    /// Whether a current plan already has this number.
    pub plan_no_taken: bool,
    /// Current plans and parcels near the boundary (the caller picks them).
    pub plans: Vec<&'a StoredFeature>,
    pub parcels: Vec<&'a StoredFeature>,
}

/// The plan in a local metric frame, computed once.
struct Local {
    frame: LocalFrame,
    boundary: Option<Polygon>,
    lots: Vec<(usize, Polygon)>,
    public: Vec<(usize, Polygon)>,
    /// Each street: index, width, centre lines and the land it occupies.
    streets: Vec<(usize, f64, Vec<LineString>, MultiPolygon)>,
}

fn area(m: &MultiPolygon) -> f64 {
    m.0.iter().map(|p| p.unsigned_area()).sum()
}

fn multi(ps: impl IntoIterator<Item = Polygon>) -> MultiPolygon {
    MultiPolygon(
        ps.into_iter()
            .map(|p| p.orient(Direction::Default))
            .collect(),
    )
}

fn union_all(ps: Vec<MultiPolygon>) -> MultiPolygon {
    // Pairwise, so that each union stays small.
    let mut layer = ps;
    while layer.len() > 1 {
        let mut next = Vec::with_capacity(layer.len().div_ceil(2));
        let mut it = layer.into_iter();
        while let Some(a) = it.next() {
            next.push(match it.next() {
                Some(b) => a.union(&b),
                None => a,
            });
        }
        layer = next;
    }
    layer.pop().unwrap_or_else(|| MultiPolygon(Vec::new()))
}

impl Local {
    fn new(parts: &[PlanPart], rules: &SplitRules) -> Local {
        let boundaries: Vec<&Polygon> = parts
            .iter()
            .filter(|p| p.role == PlanRole::Boundary)
            .filter_map(PlanPart::polygon)
            .collect();
        let origin = boundaries
            .first()
            .and_then(|b| b.exterior().0.first().copied())
            .or_else(|| {
                parts
                    .iter()
                    .find_map(|p| p.polygon())
                    .and_then(|p| p.exterior().0.first().copied())
            })
            .unwrap_or(Coord { x: 0.0, y: 0.0 });
        let frame = LocalFrame::new(origin);
        let to_local = |p: &Polygon| p.map_coords(|c| frame.to_local(c));
        let polys = |role| {
            parts
                .iter()
                .filter(|p| p.role == role)
                .filter_map(|p| p.polygon().map(|g| (p.index, to_local(g))))
                .collect::<Vec<_>>()
        };
        let streets = parts
            .iter()
            .filter(|p| p.role == PlanRole::Street)
            .filter_map(|p| match &p.geometry {
                Ok(ValidGeometry::MultiLineString(m)) => {
                    let w = p
                        .width_m
                        .filter(|w| w.is_finite() && *w > 0.0)
                        .unwrap_or(rules.default_street_width_m);
                    let lines: Vec<LineString> =
                        m.0.iter()
                            .map(|l| l.map_coords(|c| frame.to_local(c)))
                            .collect();
                    let style = BufferStyle::new(w / 2.0)
                        .line_cap(LineCap::Square)
                        .line_join(LineJoin::Miter(2.0));
                    let land = union_all(
                        lines
                            .iter()
                            .map(|l| l.buffer_with_style(style.clone()))
                            .collect(),
                    );
                    Some((p.index, w, lines, land))
                }
                _ => None,
            })
            .collect();
        Local {
            boundary: (boundaries.len() == 1).then(|| to_local(boundaries[0])),
            lots: polys(PlanRole::Lot),
            public: polys(PlanRole::Public),
            streets,
            frame,
        }
    }

    fn tolerance(&self, rules: &SplitRules) -> f64 {
        let b = self.boundary.as_ref().map_or(0.0, |b| b.unsigned_area());
        rules.area_tolerance_m2.max(rules.area_tolerance_ratio * b)
    }
}

/// Runs every check of a plan, in the order of [`PLAN_CHECK_CODES`]. Never panics.
pub fn run_plan_checks(s: &PlanSituation, rules: &SplitRules) -> Vec<CheckOutcome> {
    let l = Local::new(s.parts, rules);
    let tol = l.tolerance(rules);
    let need_boundary = |code| {
        skipped(
            code,
            "حدود المخطط غير صالحة (انظر فحص boundary)",
            "the plan's boundary is not valid (see boundary)",
        )
    };
    let mut out = Vec::with_capacity(PLAN_CHECK_CODES.len());
    out.push(if s.plan_no_taken {
        fail(
            "plan_no_unique",
            "رقم المخطط مستخدم لمخطط معتمد قائم. اختر رقماً آخر.",
            "A current plan already has this number. Choose another.",
            json!({}),
        )
    } else {
        pass(
            "plan_no_unique",
            "رقم المخطط غير مستخدم.",
            "The plan number is not in use.",
            json!({}),
        )
    });
    let boundaries = s
        .parts
        .iter()
        .filter(|p| p.role == PlanRole::Boundary)
        .count();
    out.push(match (&l.boundary, boundaries) {
        (Some(b), 1) => pass(
            "boundary",
            "للمخطط حدود واحدة صحيحة.",
            "The plan has one valid boundary.",
            json!({"area_m2": round3(b.unsigned_area())}),
        ),
        _ => fail(
            "boundary",
            format!("يجب أن يكون للمخطط مضلع حدود واحد صحيح (وُجد {boundaries})."),
            format!("A plan has exactly one valid boundary polygon ({boundaries} found)."),
            json!({"count": boundaries}),
        ),
    });
    let bad: Vec<Value> = s
        .parts
        .iter()
        .filter_map(|p| {
            p.geometry
                .as_ref()
                .err()
                .map(|e| json!({"index": p.index, "problem": e.to_string()}))
        })
        .collect();
    out.push(if bad.is_empty() {
        pass(
            "valid_geometry",
            "كل عناصر المخطط صحيحة هندسياً.",
            "Every feature of the plan is a valid geometry.",
            json!({}),
        )
    } else {
        fail(
            "valid_geometry",
            format!("{} من عناصر المخطط غير صحيحة هندسياً.", bad.len()),
            format!(
                "{} feature(s) of the plan are not valid geometries.",
                bad.len()
            ),
            json!({"features": bad}),
        )
    });
    out.push(unique_numbers(s.parts));
    let Some(boundary) = &l.boundary else {
        for code in &PLAN_CHECK_CODES[4..] {
            out.push(need_boundary(code));
        }
        return out;
    };
    let b = multi([boundary.clone()]);
    // Lots inside the boundary.
    let outside: Vec<Value> = l
        .lots
        .iter()
        .chain(&l.public)
        .filter_map(|(i, p)| {
            let a = area(&multi([p.clone()]).difference(&b));
            (a > rules.area_tolerance_m2).then(|| json!({"index": i, "outside_m2": round3(a)}))
        })
        .collect();
    out.push(if outside.is_empty() {
        pass(
            "lots_inside",
            "كل القطع والأراضي العامة داخل حدود المخطط.",
            "Every lot and public land lies inside the boundary.",
            json!({}),
        )
    } else {
        fail(
            "lots_inside",
            format!("{} عنصراً يخرج عن حدود المخطط.", outside.len()),
            format!(
                "{} lot(s) or public land(s) reach outside the boundary.",
                outside.len()
            ),
            json!({"features": outside}),
        )
    });
    out.push(no_overlap(&l, rules));
    // Coverage: lots, public lands and streets fill the boundary.
    let mut pieces: Vec<MultiPolygon> = l
        .lots
        .iter()
        .chain(&l.public)
        .map(|(_, p)| multi([p.clone()]))
        .collect();
    pieces.extend(l.streets.iter().map(|(_, _, _, land)| land.clone()));
    let covered = union_all(pieces);
    let gap = area(&b.difference(&covered));
    out.push(if gap <= tol {
        pass("covers_boundary", "القطع والشوارع والأراضي العامة تغطي حدود المخطط.", "Lots, streets and public lands cover the boundary.", json!({"gap_m2": round3(gap), "tolerance_m2": round3(tol)}))
    } else {
        fail(
            "covers_boundary",
            format!("توجد أرض غير مخصصة داخل الحدود مساحتها {gap:.1} م². خصصها لقطعة أو شارع أو أرض عامة."),
            format!("{gap:.1} m² inside the boundary is neither lot, street nor public land. Assign it."),
            json!({"gap_m2": round3(gap), "tolerance_m2": round3(tol)}),
        )
    });
    let narrow: Vec<Value> = s
        .parts
        .iter()
        .filter(|p| p.role == PlanRole::Street)
        .filter(|p| !p.width_m.is_some_and(|w| w >= rules.min_street_width_m))
        .map(|p| json!({"index": p.index, "width_m": p.width_m}))
        .collect();
    out.push(if narrow.is_empty() {
        pass(
            "street_width",
            "كل الشوارع بالعرض الأدنى أو أكثر.",
            "Every street is at least the minimum width.",
            json!({"min_m": rules.min_street_width_m}),
        )
    } else {
        fail(
            "street_width",
            format!(
                "{} شارعاً أضيق من {} م أو بلا عرض.",
                narrow.len(),
                rules.min_street_width_m
            ),
            format!(
                "{} street(s) are narrower than {} m or have no width_m.",
                narrow.len(),
                rules.min_street_width_m
            ),
            json!({"streets": narrow, "min_m": rules.min_street_width_m}),
        )
    });
    // Public share: streets (within the boundary) and public lands.
    let streets_in =
        area(&union_all(l.streets.iter().map(|s| s.3.clone()).collect()).intersection(&b));
    let public: f64 = l.public.iter().map(|(_, p)| p.unsigned_area()).sum();
    let total = boundary.unsigned_area();
    let share = if total > 0.0 {
        (streets_in + public) / total
    } else {
        0.0
    };
    let detail = json!({"streets_m2": round3(streets_in), "public_m2": round3(public), "share": round3(share), "min_share": rules.min_public_share});
    out.push(if share + 1e-9 >= rules.min_public_share {
        pass(
            "public_share",
            "نسبة الشوارع والأراضي العامة كافية.",
            "Streets and public lands take at least the minimum share.",
            detail,
        )
    } else {
        fail(
            "public_share",
            format!(
                "الشوارع والأراضي العامة {:.1}% من المخطط، والحد الأدنى {:.0}%.",
                share * 100.0,
                rules.min_public_share * 100.0
            ),
            format!(
                "Streets and public lands are {:.1} % of the plan; the minimum is {:.0} %.",
                share * 100.0,
                rules.min_public_share * 100.0
            ),
            detail,
        )
    });
    let small: Vec<Value> = s
        .parts
        .iter()
        .filter(|p| p.role == PlanRole::Lot)
        .filter_map(|p| {
            let a = l
                .lots
                .iter()
                .find(|(i, _)| *i == p.index)?
                .1
                .unsigned_area();
            let min = p
                .land_use
                .and_then(|u| rules.min_child_area_by_land_use.get(u.code()).copied())
                .unwrap_or(rules.min_child_area_m2);
            (a < min).then(|| json!({"index": p.index, "area_m2": round3(a), "min_m2": min}))
        })
        .collect();
    out.push(if small.is_empty() {
        pass(
            "min_area",
            "كل القطع بالمساحة الدنيا أو أكثر.",
            "Every lot has at least the minimum area.",
            json!({}),
        )
    } else {
        fail(
            "min_area",
            format!("{} قطعة أصغر من المساحة الدنيا.", small.len()),
            format!("{} lot(s) are smaller than the minimum area.", small.len()),
            json!({"lots": small}),
        )
    });
    out.push(frontage(&l, rules));
    out.push(no_conflict(&b, &l.frame, s, rules));
    out
}

fn unique_numbers(parts: &[PlanPart]) -> CheckOutcome {
    let mut seen = std::collections::HashMap::new();
    let mut bad = Vec::new();
    for p in parts.iter().filter(|p| p.role == PlanRole::Lot) {
        match &p.parcel_no {
            Err(why) => bad.push(json!({"index": p.index, "problem": why})),
            Ok(no) => {
                let key = (p.block_no.as_ref().map(|b| b.to_string()), no.to_string());
                if let Some(first) = seen.insert(key, p.index) {
                    bad.push(
                        json!({"index": p.index, "same_as": first, "parcel_no": no.to_string()}),
                    );
                }
            }
        }
    }
    if bad.is_empty() {
        pass(
            "unique_parcel_no",
            "لكل قطعة رقم فريد في بلكها.",
            "Every lot has a number, unique in its block.",
            json!({}),
        )
    } else {
        fail(
            "unique_parcel_no",
            format!("{} قطعة بلا رقم أو برقم مكرر في بلكها.", bad.len()),
            format!(
                "{} lot(s) have no number or repeat one in their block.",
                bad.len()
            ),
            json!({"lots": bad}),
        )
    }
}

fn no_overlap(l: &Local, rules: &SplitRules) -> CheckOutcome {
    let mut items: Vec<(usize, &'static str, MultiPolygon)> = l
        .lots
        .iter()
        .map(|(i, p)| (*i, "lot", multi([p.clone()])))
        .chain(
            l.public
                .iter()
                .map(|(i, p)| (*i, "public", multi([p.clone()]))),
        )
        .collect();
    items.extend(
        l.streets
            .iter()
            .map(|(i, _, _, land)| (*i, "street", land.clone())),
    );
    let boxes: Vec<Option<geo::Rect>> = items
        .iter()
        .map(|(_, _, m)| geo::BoundingRect::bounding_rect(m))
        .collect();
    let mut hits = Vec::new();
    for a in 0..items.len() {
        for b in a + 1..items.len() {
            // Streets may cross streets; everything else keeps apart.
            if items[a].1 == "street" && items[b].1 == "street" {
                continue;
            }
            let (Some(ra), Some(rb)) = (boxes[a], boxes[b]) else {
                continue;
            };
            if ra.max().x < rb.min().x
                || rb.max().x < ra.min().x
                || ra.max().y < rb.min().y
                || rb.max().y < ra.min().y
            {
                continue;
            }
            let o = area(&items[a].2.intersection(&items[b].2));
            if o > rules.area_tolerance_m2 {
                hits.push(json!({"a": items[a].0, "b": items[b].0, "kinds": [items[a].1, items[b].1], "overlap_m2": round3(o)}));
            }
            if hits.len() >= 50 {
                break;
            }
        }
    }
    if hits.is_empty() {
        pass(
            "no_overlap",
            "لا تتداخل القطع والشوارع والأراضي العامة.",
            "Lots, streets and public lands do not overlap.",
            json!({}),
        )
    } else {
        fail(
            "no_overlap",
            format!("{} تداخلاً بين عناصر المخطط.", hits.len()),
            format!("{} overlap(s) between features of the plan.", hits.len()),
            json!({"overlaps": hits}),
        )
    }
}

fn frontage(l: &Local, rules: &SplitRules) -> CheckOutcome {
    let max_sin = super::frontage::MAX_ANGLE_DEG.to_radians().sin();
    let targets: Vec<Target> = l
        .streets
        .iter()
        .flat_map(|(_, w, lines, _)| {
            let reach = w / 2.0 + rules.frontage_margin_m;
            lines.iter().flat_map(move |line| {
                line.0.windows(2).map(move |s| Target {
                    c: s[0],
                    d: s[1],
                    reach,
                })
            })
        })
        .filter(|t| t.c != t.d)
        .collect();
    let short: Vec<Value> = l
        .lots
        .iter()
        .filter_map(|(i, p)| {
            let f = ring_length_within(&p.exterior().0, &targets, max_sin);
            (f < rules.min_frontage_m).then(|| json!({"index": i, "frontage_m": round3(f)}))
        })
        .collect();
    if short.is_empty() {
        pass(
            "street_frontage",
            "كل قطعة تطل على شارع بالواجهة الدنيا أو أكثر.",
            "Every lot fronts a street by at least the minimum.",
            json!({"min_m": rules.min_frontage_m}),
        )
    } else {
        fail(
            "street_frontage",
            format!(
                "{} قطعة لا تطل على شارع بواجهة {} م على الأقل.",
                short.len(),
                rules.min_frontage_m
            ),
            format!(
                "{} lot(s) do not front a street by at least {} m.",
                short.len(),
                rules.min_frontage_m
            ),
            json!({"lots": short, "min_m": rules.min_frontage_m}),
        )
    }
}

fn no_conflict(
    b: &MultiPolygon,
    frame: &LocalFrame,
    s: &PlanSituation,
    rules: &SplitRules,
) -> CheckOutcome {
    let mut hits = Vec::new();
    for (kind, features) in [("plan", &s.plans), ("parcel", &s.parcels)] {
        for f in features.iter() {
            let polys: Vec<Polygon> = match f.feature.geometry() {
                ValidGeometry::Polygon(p) => vec![p.clone()],
                ValidGeometry::MultiPolygon(m) => m.0.clone(),
                _ => continue,
            };
            let local = multi(polys.iter().map(|p| p.map_coords(|c| frame.to_local(c))));
            let o = area(&local.intersection(b));
            if o > rules.area_tolerance_m2 {
                hits.push(json!({"kind": kind, "fid": f.fid.0, "overlap_m2": round3(o)}));
            }
        }
    }
    if hits.is_empty() {
        pass(
            "no_conflict",
            "لا يتداخل المخطط مع مخطط معتمد أو قطعة قائمة.",
            "The plan overlaps no current plan or parcel.",
            json!({}),
        )
    } else {
        fail(
            "no_conflict",
            format!(
                "يتداخل المخطط مع {} من المخططات أو القطع القائمة.",
                hits.len()
            ),
            format!(
                "The plan overlaps {} current plan(s) or parcel(s).",
                hits.len()
            ),
            json!({"conflicts": hits}),
        )
    }
}
