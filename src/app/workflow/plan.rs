//! A plan approval's two stages: the technical review (a planner's approval records them as the
//! technical reviewer and leaves the plan `technical_approved` for the committee), then the
//! committee's approval (another planner or an admin), which in one unit of work adds the plan
//! (approved), its lots as parcels (recorded as laid out in it) and its streets, closes the
//! request with its history and audit rows, then publishes the three layers.

use chrono::{SubsecRound, Utc};
use geo::{Contains, InteriorPoint, MultiLineString, MultiPolygon, Polygon};
use serde_json::{Map, json};

use super::machine::{self, Command};
use super::{Submission, WorkflowError, current, record, reread};
use crate::app::App;
use crate::app::audit::Actor;
use crate::domain::attributes::{Attributes, Parcel, Plan, PlanStatus, Street};
use crate::domain::checks::plan::{PlanPart, PlanRole, parse_plan};
use crate::domain::request::LandRequest;
use crate::domain::{Feature, FeatureId, LayerKind, Lifespan, ValidGeometry};
use crate::index::ChangeSet;
use crate::store::StoredFeature;

/// The technical review's approval: no change to the register.
pub(super) async fn technical(
    app: &App,
    actor: &Actor,
    before: &LandRequest,
    who: machine::Actor<'_>,
    comment: Option<String>,
) -> Result<LandRequest, WorkflowError> {
    let mut uow = app.store.begin().await?;
    let mut r = reread(&mut *uow, before.id, before).await?;
    let t = machine::step(r.kind, Some(current(&r)), Command::Approve, who)?;
    let from = r.status;
    r.details["technical_reviewer"] = json!(actor.user.id.0);
    r.reviewer = None;
    r.status = t.to;
    r.updated_at = Utc::now();
    r.version += 1;
    uow.update_request(&r).await?;
    record(&app.notify, &mut *uow, actor, &r, Some(from), t, comment).await?;
    uow.commit().await?;
    Ok(r)
}

fn feature(
    geometry: ValidGeometry,
    attributes: Attributes,
    r: &LandRequest,
    at: chrono::DateTime<Utc>,
) -> Result<Feature, WorkflowError> {
    let mut extra = Map::new();
    extra.insert("request_id".into(), json!(r.id.0));
    Feature::new(
        None,
        geometry,
        attributes,
        extra,
        Lifespan {
            valid_from: Some(at),
            valid_to: None,
        },
    )
    .map_err(|e| WorkflowError::Invalid(e.to_string()))
}

/// The plan, its lots and its streets as features of their layers.
fn features(
    app: &App,
    r: &LandRequest,
    sub: &Submission,
    parts: &[PlanPart],
    at: chrono::DateTime<Utc>,
) -> Result<(Feature, Vec<Feature>, Vec<Feature>), WorkflowError> {
    let header = sub
        .plan
        .as_ref()
        .ok_or_else(|| WorkflowError::Invalid("plan_no: missing".into()))?;
    let boundary: &Polygon = parts
        .iter()
        .find(|p| p.role == PlanRole::Boundary)
        .and_then(PlanPart::polygon)
        .ok_or_else(|| WorkflowError::Invalid("plan: no valid boundary".into()))?;
    // The district the plan lies in (its Arabic name, as parcels record it).
    let inside = boundary.interior_point();
    let snapshot = app.index.snapshot();
    let district = snapshot
        .layer(LayerKind::Districts)
        .in_bbox(&ValidGeometry::Polygon(boundary.clone()).bbox())
        .into_iter()
        .find_map(
            |f| match (f.feature.attributes(), f.feature.geometry(), inside) {
                (Attributes::District(d), ValidGeometry::MultiPolygon(m), Some(pt))
                    if m.contains(&pt) =>
                {
                    d.name_ar.clone()
                }
                (Attributes::District(d), ValidGeometry::Polygon(p), Some(pt))
                    if p.contains(&pt) =>
                {
                    d.name_ar.clone()
                }
                _ => None,
            },
        );
    let plan = feature(
        ValidGeometry::MultiPolygon(MultiPolygon(vec![boundary.clone()])),
        Attributes::Plan(Plan {
            plan_no: header.plan_no.clone(),
            name: header.name.clone(),
            status: PlanStatus::Approved,
            approved_on: Some(at.date_naive()),
        }),
        r,
        at,
    )?;
    let mut lots = Vec::new();
    let mut streets = Vec::new();
    for p in parts {
        match (p.role, &p.geometry) {
            (PlanRole::Lot, Ok(ValidGeometry::Polygon(g))) => {
                let parcel_no = p
                    .parcel_no
                    .clone()
                    .map_err(|e| WorkflowError::Invalid(format!("lot {}: {e}", p.index)))?;
                lots.push(feature(
                    ValidGeometry::Polygon(g.clone()),
                    Attributes::Parcel(Parcel {
                        parcel_no,
                        plan_no: Some(header.plan_no.clone()),
                        block_no: p.block_no.clone(),
                        district: district.clone(),
                        land_use: p.land_use,
                        deed_no: None,
                        deed_date: None,
                        official_area_m2: None,
                        owner: None,
                    }),
                    r,
                    at,
                )?);
            }
            (PlanRole::Street, Ok(ValidGeometry::MultiLineString(m))) => {
                streets.push(feature(
                    ValidGeometry::MultiLineString(MultiLineString(m.0.clone())),
                    Attributes::Street(Street {
                        name_ar: p.name_ar.clone(),
                        name_en: p.name_en.clone(),
                        width_m: p.width_m,
                    }),
                    r,
                    at,
                )?);
            }
            _ => {}
        }
    }
    Ok((plan, lots, streets))
}

/// The committee's approval: the plan, its lots and streets join the register at once.
pub(super) async fn approve(
    app: &App,
    actor: &Actor,
    before: &LandRequest,
    sub: &Submission,
    who: machine::Actor<'_>,
    comment: Option<String>,
) -> Result<LandRequest, WorkflowError> {
    // One committee approval at a time, from its last check to its publish: a plan approved
    // meanwhile on the same land is in the index when this one's checks run again, so two
    // plans that overlap are never both approved (parcels are guarded by their claims; a plan
    // holds no parcel).
    static PLAN_APPROVALS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _one_at_a_time = PLAN_APPROVALS.lock().await;
    let eval = super::evaluate(app, sub).await?;
    if !eval.passed() {
        return Err(WorkflowError::ChecksFailed(eval.checks));
    }
    let parts = parse_plan(&sub.proposed, &sub.crs)
        .map_err(|e| WorkflowError::Invalid(format!("plan: {e}")))?;
    // To the millisecond, as the store keeps it: the versions published now read the same
    // (`datetime`, lifespans) as they will once reloaded.
    let now = Utc::now().trunc_subsecs(3);
    let (plan, lots, streets) = features(app, before, sub, &parts, now)?;

    let mut uow = app.store.begin().await?;
    let mut r = reread(&mut *uow, before.id, before).await?;
    let t = machine::step(r.kind, Some(current(&r)), Command::Approve, who)?;
    let from = r.status;
    let plan_fid = uow
        .insert(LayerKind::Plans, std::slice::from_ref(&plan))
        .await?
        .first()
        .copied()
        .ok_or_else(|| WorkflowError::Invalid("the plan was not stored".into()))?;
    let lot_fids = uow.insert(LayerKind::Parcels, &lots).await?;
    let street_fids = uow.insert(LayerKind::Streets, &streets).await?;
    uow.record_plan_lots(plan_fid, &lot_fids, r.id).await?;
    r.status = t.to;
    r.created = lot_fids.clone();
    r.details["plan_fid"] = json!(plan_fid.0);
    r.details["street_fids"] = json!(street_fids.iter().map(|f| f.0).collect::<Vec<_>>());
    r.updated_at = now;
    r.version += 1;
    uow.update_request(&r).await?;
    record(&app.notify, &mut *uow, actor, &r, Some(from), t, comment).await?;
    let mut change = actor.request_entry("register.plan", t.role, r.id);
    change.at = now;
    change.fids_after = lot_fids.clone();
    change.detail = Some(format!(
        "plan {} (fid {}): {} lots, {} streets",
        sub.plan
            .as_ref()
            .map(|p| p.plan_no.to_string())
            .unwrap_or_default(),
        plan_fid.0,
        lot_fids.len(),
        street_fids.len()
    ));
    uow.append_audit(&change).await?;
    uow.commit().await?;

    // Publish the three layers: readers and tiles see the plan at once.
    let stored = |fids: &[FeatureId], fs: Vec<Feature>| -> Vec<StoredFeature> {
        fids.iter()
            .zip(fs)
            .map(|(fid, feature)| StoredFeature { fid: *fid, feature })
            .collect()
    };
    let sets = vec![
        (LayerKind::Plans, stored(&[plan_fid], vec![plan])),
        (LayerKind::Parcels, stored(&lot_fids, lots)),
        (LayerKind::Streets, stored(&street_fids, streets)),
    ];
    let (index, tiles) = (app.index.clone(), app.tiles.clone());
    tokio::task::spawn_blocking(move || {
        for (layer, upserts) in sets {
            crate::app::publish::publish(
                &index,
                &tiles,
                layer,
                ChangeSet {
                    upserts,
                    removed: Vec::new(),
                },
            );
        }
    })
    .await
    .map_err(|e| {
        WorkflowError::Store(crate::store::StoreError::Conflict(format!(
            "publishing failed: {e}"
        )))
    })?;
    Ok(r)
}
