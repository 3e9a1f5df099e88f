//! A submission parsed at the boundary (kind, parcels, proposal in an accepted CRS, a deed
//! update's deed, note) and its evaluation: the situation read from the index and the store, and
//! every check of the kind run on it.
//!
//! `proposed` is the subdivision's or merge's children, a deed update's corrected boundary
//! (optional), or a survey sketch's surveyed boundary (optional; its CRS defaults to KSA-GRF17 /
//! UTM 39N, the cadastral frame).

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;

use super::WorkflowError;
use crate::app::App;
use crate::domain::attributes::{NationalId, Owner};
use crate::domain::checks::proposal::{ProposedParcel, parse_proposal};
use crate::domain::checks::{
    ChangeKind, CheckOutcome, DeedSituation, Parent, Situation, run_checks, run_deed_checks,
    run_sketch_checks,
};
use crate::domain::crs::Crs;
use crate::domain::request::{LandRequest, RequestKind};
use crate::domain::{Bbox, FeatureId, LayerKind};
use crate::index::Snapshot;
use crate::store::StoredFeature;

/// The CRSs a proposal may be written in: WGS 84, UTM 39N on WGS 84, KSA-GRF17 / UTM 39N,
/// Ain el Abd / UTM 39N, MTRF-2000 / UTM 39N.
pub const ACCEPTED_CRS: [u32; 5] = [4326, 32639, 9359, 20439, 8839];
/// Most parcels one request concerns.
pub const MAX_PARCELS: usize = 50;
/// Longest note, characters.
pub const MAX_NOTE: usize = 2_000;
/// How far around the parents streets are looked for, degrees (about 110 m).
const STREET_SEARCH_DEG: f64 = 0.001;
/// How far around the parents the block's other parcels are looked for, degrees (about 1.1 km).
const BLOCK_SEARCH_DEG: f64 = 0.01;
/// How far around a deed update's parcel its neighbours are looked for, degrees (about 55 m).
const NEIGHBOUR_SEARCH_DEG: f64 = 0.0005;

/// The body of `POST /api/requests`, `POST /api/requests/check` and `PUT /api/requests/{id}`.
/// Unknown fields are refused: a client cannot set `status`, `created` or anything else.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionBody {
    pub kind: String,
    /// The parcels concerned (none for a plan approval).
    #[serde(default)]
    pub parcels: Vec<i64>,
    #[serde(default)]
    pub proposed: Value,
    #[serde(default)]
    pub crs: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// A deed update's deed.
    #[serde(default)]
    pub deed: Option<DeedBody>,
    /// A plan approval's plan number, name and plan (a FeatureCollection whose features carry
    /// `role`: boundary, lot, street, public).
    #[serde(default)]
    pub plan_no: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub plan: Option<Value>,
}

/// A plan approval's number and name.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanHeader {
    pub plan_no: crate::domain::attributes::PlanNo,
    pub name: Option<String>,
}

/// The deed of a deed update, as sent.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeedBody {
    pub deed_no: String,
    /// `YYYY-MM-DD`.
    pub deed_date: String,
    pub official_area_m2: f64,
    pub owner: OwnerBody,
}

/// An owner as sent.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerBody {
    pub name: String,
    pub national_id: String,
}

/// A deed, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Deed {
    pub deed_no: String,
    pub deed_date: NaiveDate,
    pub official_area_m2: f64,
    pub owner: Owner,
}

impl Deed {
    /// Parses a deed; the deed number's format is a check (422), the rest is the body's shape.
    pub fn parse(b: DeedBody) -> Result<Deed, WorkflowError> {
        let bad = |m: String| WorkflowError::Invalid(format!("deed: {m}"));
        let deed_date =
            NaiveDate::parse_from_str(b.deed_date.trim(), "%Y-%m-%d").map_err(|_| {
                bad(format!(
                    "deed_date {:?} is not a date YYYY-MM-DD",
                    b.deed_date
                ))
            })?;
        if !(b.official_area_m2.is_finite() && b.official_area_m2 > 0.0 && b.official_area_m2 < 1e9)
        {
            return Err(bad(
                "official_area_m2 must be a positive number of m²".into()
            ));
        }
        let name = b.owner.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(bad("owner.name: 1 to 200 characters".into()));
        }
        let national_id = NationalId::try_from(b.owner.national_id.as_str())
            .map_err(|e| bad(format!("owner.national_id: {e}")))?;
        Ok(Deed {
            deed_no: b.deed_no.trim().to_string(),
            deed_date,
            official_area_m2: b.official_area_m2,
            owner: Owner { name, national_id },
        })
    }

    /// As kept in the request's details (the owner's data stays in the store, never logged).
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "deed_no": self.deed_no,
            "deed_date": self.deed_date.to_string(),
            "official_area_m2": self.official_area_m2,
            "owner": {"name": self.owner.name, "national_id": self.owner.national_id.as_str()},
        })
    }

    /// Back from the request's details.
    pub fn from_json(v: &Value) -> Result<Deed, WorkflowError> {
        let body: DeedBody = serde_json::from_value(v.clone())
            .map_err(|e| WorkflowError::Invalid(format!("deed: {e}")))?;
        Deed::parse(body)
    }
}

/// A submission whose every field was parsed.
#[derive(Clone, Debug)]
pub struct Submission {
    pub kind: RequestKind,
    pub parcels: Vec<FeatureId>,
    pub proposed: Value,
    pub crs: Crs,
    pub note: Option<String>,
    pub deed: Option<Deed>,
    pub plan: Option<PlanHeader>,
}

/// Parses a CRS name and checks it is one surveyors may use.
pub fn accepted_crs(name: &str) -> Result<Crs, WorkflowError> {
    let crs = Crs::parse(name).map_err(|e| WorkflowError::Invalid(format!("crs: {e}")))?;
    match crs.epsg() {
        Some(code) if ACCEPTED_CRS.contains(&code) => Ok(crs),
        _ => Err(WorkflowError::Invalid(format!(
            "crs {name} is not accepted: use EPSG:4326, EPSG:32639, EPSG:9359, EPSG:20439 or EPSG:8839"
        ))),
    }
}

impl Submission {
    /// Parses a body.
    pub fn parse(body: SubmissionBody) -> Result<Submission, WorkflowError> {
        let kind: RequestKind = body.kind.parse().map_err(WorkflowError::Invalid)?;
        let mut body = body;
        let plan = match (kind, body.plan_no.take(), body.plan.take()) {
            (RequestKind::PlanApproval, Some(no), Some(plan)) => {
                if !body.parcels.is_empty() || !body.proposed.is_null() {
                    return Err(WorkflowError::Invalid(
                        "parcels, proposed: a plan approval gives its lots in plan, and names no parcels".into(),
                    ));
                }
                let plan_no = crate::domain::attributes::PlanNo::try_from(no.as_str())
                    .map_err(|e| WorkflowError::Invalid(format!("plan_no: {e}")))?;
                let name = body
                    .name
                    .take()
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty());
                if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
                    return Err(WorkflowError::Invalid(
                        "name: at most 200 characters".into(),
                    ));
                }
                body.proposed = plan;
                Some(PlanHeader { plan_no, name })
            }
            (RequestKind::PlanApproval, _, _) => {
                return Err(WorkflowError::Invalid(
                    "plan_no, plan: a plan approval gives its number and the plan (a FeatureCollection of boundary, lots, streets and public lands)".into(),
                ));
            }
            (_, None, None) if body.name.is_none() => None,
            _ => {
                return Err(WorkflowError::Invalid(format!(
                    "plan_no, name, plan: only a plan approval carries them, not a {kind}"
                )));
            }
        };
        let parcels_wanted = if kind == RequestKind::PlanApproval {
            0..=0
        } else {
            1..=MAX_PARCELS
        };
        if !parcels_wanted.contains(&body.parcels.len()) {
            return Err(WorkflowError::Invalid(format!(
                "parcels: give 1 to {MAX_PARCELS} parcel ids (none for a plan approval)"
            )));
        }
        let mut parcels: Vec<FeatureId> = Vec::with_capacity(body.parcels.len());
        for p in body.parcels {
            if parcels.contains(&FeatureId(p)) {
                return Err(WorkflowError::Invalid(format!(
                    "parcels: {p} is listed twice"
                )));
            }
            parcels.push(FeatureId(p));
        }
        let default_crs = match kind {
            RequestKind::SurveySketch => "EPSG:9359",
            _ => "EPSG:4326",
        };
        let crs = accepted_crs(body.crs.as_deref().unwrap_or(default_crs))?;
        let deed = match (kind, body.deed) {
            (RequestKind::DeedUpdate, Some(d)) => Some(Deed::parse(d)?),
            (RequestKind::DeedUpdate, None) => {
                return Err(WorkflowError::Invalid(
                    "deed: a deed update gives the deed {deed_no, deed_date, official_area_m2, owner: {name, national_id}}".into(),
                ));
            }
            (_, Some(_)) => {
                return Err(WorkflowError::Invalid(format!(
                    "deed: only a deed update carries a deed, not a {kind}"
                )));
            }
            (_, None) => None,
        };
        if matches!(kind, RequestKind::Subdivision | RequestKind::Merge) && body.proposed.is_null()
        {
            return Err(WorkflowError::Invalid(format!(
                "proposed: a {kind} gives the resulting parcels as a GeoJSON FeatureCollection"
            )));
        }
        let note = body
            .note
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
            return Err(WorkflowError::Invalid(format!(
                "note: at most {MAX_NOTE} characters"
            )));
        }
        Ok(Submission {
            kind,
            parcels,
            proposed: body.proposed,
            crs,
            note,
            deed,
            plan,
        })
    }

    /// The submission a stored request was made from.
    pub fn of_request(r: &LandRequest) -> Result<Submission, WorkflowError> {
        Ok(Submission {
            kind: r.kind,
            parcels: r.parcels.clone(),
            proposed: r.proposed.clone(),
            crs: accepted_crs(&r.crs)?,
            note: r.note.clone(),
            deed: match r.details.get("deed") {
                Some(d) => Some(Deed::from_json(d)?),
                None => None,
            },
            plan: match r.details.get("plan_no").and_then(Value::as_str) {
                Some(no) => Some(PlanHeader {
                    plan_no: crate::domain::attributes::PlanNo::try_from(no)
                        .map_err(|e| WorkflowError::Invalid(format!("plan_no: {e}")))?,
                    name: r
                        .details
                        .get("name")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                }),
                None => None,
            },
        })
    }
}

/// The checks of a submission, and the parsed children.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub checks: Vec<CheckOutcome>,
    pub children: Vec<ProposedParcel>,
    /// The parents as the index holds them (current ones only).
    pub parents: Vec<Arc<StoredFeature>>,
    /// The owner's national id of each parent, in order (`None` when not known).
    pub owner_ids: Vec<Option<String>>,
}

impl Evaluation {
    /// Whether every check passed, or failed in a way a planner may accept (the request may
    /// be submitted; its approval must accept them).
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed || c.acceptable)
    }

    /// The failures not covered by `accepted` (check codes a planner accepts).
    pub fn unaccepted(&self, accepted: &[String]) -> Vec<CheckOutcome> {
        self.checks
            .iter()
            .filter(|c| !(c.passed || c.acceptable && accepted.iter().any(|a| a == c.code)))
            .cloned()
            .collect()
    }

    /// The checks as served.
    pub fn checks_json(&self) -> Value {
        serde_json::to_value(&self.checks).unwrap_or(Value::Array(Vec::new()))
    }
}

fn grown(b: Bbox, d: f64) -> Bbox {
    Bbox {
        min_x: b.min_x - d,
        min_y: b.min_y - d,
        max_x: b.max_x + d,
        max_y: b.max_y + d,
    }
}

/// Runs every check of a plan on the register as the index shows it now.
fn evaluate_plan(
    app: &App,
    sub: &Submission,
    header: &PlanHeader,
) -> Result<Evaluation, WorkflowError> {
    use crate::domain::checks::plan::{PlanRole, PlanSituation, parse_plan, run_plan_checks};
    let parts = parse_plan(&sub.proposed, &sub.crs)
        .map_err(|e| WorkflowError::Invalid(format!("plan: {e}")))?;
    let snapshot: Arc<Snapshot> = app.index.snapshot();
    let area = parts
        .iter()
        .filter(|p| p.role == PlanRole::Boundary)
        .filter_map(|p| p.geometry.as_ref().ok())
        .map(|g| g.bbox())
        .reduce(Bbox::union);
    let plans_layer = snapshot.layer(LayerKind::Plans);
    let plan_no_taken = plans_layer.iter().any(|f| match f.feature.attributes() {
        crate::domain::attributes::Attributes::Plan(p) => p.plan_no == header.plan_no,
        _ => false,
    });
    let (plans, parcels): (Vec<&StoredFeature>, Vec<&StoredFeature>) = match area {
        Some(b) => (
            plans_layer
                .in_bbox(&b)
                .into_iter()
                .map(|f| f.as_ref())
                .collect(),
            snapshot
                .layer(LayerKind::Parcels)
                .in_bbox(&b)
                .into_iter()
                .map(|f| f.as_ref())
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let checks = run_plan_checks(
        &PlanSituation {
            parts: &parts,
            plan_no_taken,
            plans,
            parcels,
        },
        &app.rules,
    );
    Ok(Evaluation {
        checks,
        children: Vec::new(),
        parents: Vec::new(),
        owner_ids: Vec::new(),
    })
}

/// Runs every check of `sub` on the register as the index shows it now.
pub async fn evaluate(app: &App, sub: &Submission) -> Result<Evaluation, WorkflowError> {
    if let (RequestKind::PlanApproval, Some(header)) = (sub.kind, &sub.plan) {
        return evaluate_plan(app, sub, header);
    }
    let children = if sub.proposed.is_null() {
        Vec::new()
    } else {
        parse_proposal(&sub.proposed, &sub.crs)
            .map_err(|e| WorkflowError::Invalid(format!("proposed: {e}")))?
    };
    if matches!(
        sub.kind,
        RequestKind::DeedUpdate | RequestKind::SurveySketch
    ) && children.len() > 1
    {
        return Err(WorkflowError::Invalid(format!(
            "proposed: a {} gives at most one boundary (a FeatureCollection of one polygon)",
            sub.kind
        )));
    }
    let snapshot: Arc<Snapshot> = app.index.snapshot();
    let parcels = snapshot.layer(LayerKind::Parcels);
    let parents: Vec<Option<Arc<StoredFeature>>> = sub
        .parcels
        .iter()
        .map(|f| parcels.get(*f).cloned())
        .collect();
    let mut owner_ids = Vec::with_capacity(parents.len());
    for (fid, p) in sub.parcels.iter().zip(&parents) {
        owner_ids.push(match p {
            Some(_) => app
                .store
                .parcel_owner(*fid)
                .await?
                .map(|o| o.national_id.as_str().to_string()),
            None => None,
        });
    }
    let current: Vec<&Arc<StoredFeature>> = parents.iter().flatten().collect();
    // Streets and the block are looked for around the parents, else around the proposal.
    let area = current
        .iter()
        .map(|p| p.feature.geometry().bbox())
        .reduce(Bbox::union)
        .or_else(|| {
            children
                .iter()
                .filter_map(|c| c.geometry.as_ref().ok())
                .map(|p| crate::domain::ValidGeometry::Polygon(p.clone()).bbox())
                .reduce(Bbox::union)
        });
    let (streets, block_parcels) = match area {
        Some(b) => {
            let streets: Vec<&StoredFeature> = snapshot
                .layer(LayerKind::Streets)
                .in_bbox(&grown(b, STREET_SEARCH_DEG))
                .into_iter()
                .map(|f| f.as_ref())
                .collect();
            let blocks = block_keys(&current);
            let block: Vec<&StoredFeature> = parcels
                .in_bbox(&grown(b, BLOCK_SEARCH_DEG))
                .into_iter()
                .filter(|f| !sub.parcels.contains(&f.fid))
                .filter(|f| blocks.contains(&block_key(f)))
                .map(|f| f.as_ref())
                .collect();
            (streets, block)
        }
        None => (Vec::new(), Vec::new()),
    };
    let named: Vec<Parent> = sub
        .parcels
        .iter()
        .zip(&parents)
        .zip(&owner_ids)
        .map(|((fid, p), o)| Parent {
            fid: *fid,
            current: p.as_deref(),
            owner_id: o.as_deref(),
        })
        .collect();
    let checks = match (sub.kind, &sub.deed) {
        (RequestKind::Subdivision | RequestKind::Merge, _) => {
            let situation = Situation {
                kind: if sub.kind == RequestKind::Merge {
                    ChangeKind::Merge
                } else {
                    ChangeKind::Subdivision
                },
                parents: named,
                children: children.clone(),
                streets,
                block_parcels,
            };
            run_checks(&situation, &app.rules)
        }
        (RequestKind::DeedUpdate, Some(deed)) => {
            let neighbours: Vec<&StoredFeature> = match area {
                Some(b) => parcels
                    .in_bbox(&grown(b, NEIGHBOUR_SEARCH_DEG))
                    .into_iter()
                    .map(|f| f.as_ref())
                    .collect(),
                None => Vec::new(),
            };
            run_deed_checks(
                &DeedSituation {
                    parcels: named,
                    deed_no: &deed.deed_no,
                    deed_date: deed.deed_date,
                    official_area_m2: deed.official_area_m2,
                    corrected: children.first(),
                    neighbours,
                    today: chrono::Utc::now().date_naive(),
                },
                &app.rules,
            )
        }
        (RequestKind::DeedUpdate, None) => {
            return Err(WorkflowError::Invalid("deed: missing".into()));
        }
        (RequestKind::SurveySketch, _) => run_sketch_checks(&named, children.first(), &app.rules),
        (RequestKind::PlanApproval, _) => {
            return Err(WorkflowError::Invalid("plan_no: missing".into()));
        }
    };
    Ok(Evaluation {
        checks,
        children,
        parents: parents.into_iter().flatten().collect(),
        owner_ids,
    })
}

type BlockKey = (Option<String>, Option<String>);

fn block_key(f: &StoredFeature) -> BlockKey {
    match f.feature.attributes() {
        crate::domain::attributes::Attributes::Parcel(p) => (
            p.plan_no.as_ref().map(|v| v.to_string()),
            p.block_no.as_ref().map(|v| v.to_string()),
        ),
        _ => (None, None),
    }
}

fn block_keys(parents: &[&Arc<StoredFeature>]) -> Vec<BlockKey> {
    let mut keys: Vec<BlockKey> = parents.iter().map(|p| block_key(p)).collect();
    keys.dedup();
    keys
}
