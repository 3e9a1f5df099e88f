//! An approval: the one step that changes the register. The checks run again against today's
//! register (a street may have gone, a neighbour may have been split since submission), and
//! every failure a planner may accept must be named in `accept`; then one unit of work retires
//! the parents, inserts the new versions (a split's or merge's children with the parents'
//! owners; a deed update's new version of the same parcel with the deed's owner), records the
//! lineage edges, releases the parcels and closes the request with its history and audit rows;
//! then the change set is published (index and tiles) before the answer is sent. A survey
//! sketch changes nothing: its approval issues the sketch with the next serial.

use std::sync::Arc;

use chrono::{SubsecRound, Utc};
use serde_json::{Map, json};

use super::machine::{self, Command};
use super::{WorkflowError, current, evaluate, record, reread, visible};
use crate::app::App;
use crate::app::audit::Actor;
use crate::app::failpoint;
use crate::domain::attributes::{Attributes, Parcel};
use crate::domain::checks::proposal::ProposedParcel;
use crate::domain::request::{LandRequest, RequestKind};
use crate::domain::{Feature, LayerKind, Lifespan, ValidGeometry};
use crate::index::ChangeSet;
use crate::store::{LineageEdge, LineageKind, StoredFeature};

/// The children as features: the first parent's plan, block and district; the proposal's land
/// use, else the parent's; the parents' owner (a merge's parents share one, as checked).
fn children(
    r: &LandRequest,
    proposed: &[ProposedParcel],
    parents: &[Arc<StoredFeature>],
    at: chrono::DateTime<Utc>,
) -> Result<Vec<Feature>, WorkflowError> {
    let first = parents
        .first()
        .and_then(|p| match p.feature.attributes() {
            Attributes::Parcel(p) => Some(p.clone()),
            _ => None,
        })
        .ok_or_else(|| WorkflowError::Conflict("the parcels are no longer current".into()))?;
    let mut out = Vec::with_capacity(proposed.len());
    for child in proposed {
        let (Ok(no), Ok(polygon)) = (&child.parcel_no, &child.geometry) else {
            return Err(WorkflowError::Invalid(format!(
                "proposed parcel {} is not valid",
                child.index + 1
            )));
        };
        let parcel = Parcel {
            parcel_no: no.clone(),
            plan_no: first.plan_no.clone(),
            block_no: first.block_no.clone(),
            district: first.district.clone(),
            land_use: child.land_use.or(first.land_use),
            deed_no: None,
            deed_date: None,
            official_area_m2: None,
            owner: first.owner.clone(),
        };
        let mut extra = Map::new();
        extra.insert("request_id".into(), json!(r.id.0));
        let f = Feature::new(
            None,
            ValidGeometry::Polygon(polygon.clone()),
            Attributes::Parcel(parcel),
            extra,
            Lifespan {
                valid_from: Some(at),
                valid_to: None,
            },
        )
        .map_err(|e| WorkflowError::Invalid(e.to_string()))?;
        out.push(f);
    }
    Ok(out)
}

/// A deed update's new version of the parcel: the same parcel with the deed's number, date,
/// area and owner, on the corrected boundary when one was given.
fn new_version(
    r: &LandRequest,
    deed: &super::Deed,
    corrected: Option<&ProposedParcel>,
    parent: &StoredFeature,
    at: chrono::DateTime<Utc>,
) -> Result<Feature, WorkflowError> {
    let Attributes::Parcel(old) = parent.feature.attributes() else {
        return Err(WorkflowError::Conflict(
            "the parcel is no longer current".into(),
        ));
    };
    let geometry = match corrected.map(|c| &c.geometry) {
        Some(Ok(p)) => ValidGeometry::Polygon(p.clone()),
        Some(Err(_)) => {
            return Err(WorkflowError::Invalid(
                "the corrected boundary is not valid".into(),
            ));
        }
        None => parent.feature.geometry().clone(),
    };
    let parcel = Parcel {
        deed_no: Some(deed.deed_no.clone()),
        deed_date: Some(deed.deed_date),
        official_area_m2: Some(deed.official_area_m2),
        owner: Some(deed.owner.clone()),
        ..old.clone()
    };
    let mut extra = parent.feature.extra().clone();
    extra.insert("request_id".into(), json!(r.id.0));
    Feature::new(
        parent.feature.source_id().cloned(),
        geometry,
        Attributes::Parcel(parcel),
        extra,
        Lifespan {
            valid_from: Some(at),
            valid_to: None,
        },
    )
    .map_err(|e| WorkflowError::Invalid(e.to_string()))
}

/// The check codes a planner may accept, as given (at most 10, each a known code).
fn accepted_codes(accept: Vec<String>) -> Result<Vec<String>, WorkflowError> {
    const ACCEPTABLE: [&str; 2] = ["area_tolerance", "corner_shift"];
    if accept.len() > ACCEPTABLE.len() {
        return Err(WorkflowError::Invalid(
            "accept: at most the two acceptable checks".into(),
        ));
    }
    for a in &accept {
        if !ACCEPTABLE.contains(&a.as_str()) {
            return Err(WorkflowError::Invalid(format!(
                "accept: {a:?} is not a check a planner may accept; use {}",
                ACCEPTABLE.join(" or ")
            )));
        }
    }
    Ok(accept)
}

pub(super) async fn approve(
    app: &App,
    actor: &Actor,
    id: crate::domain::request::RequestId,
    comment: Option<String>,
    accept: Vec<String>,
) -> Result<LandRequest, WorkflowError> {
    let comment = super::clean_comment(comment)?;
    let accept = accepted_codes(accept)?;
    machine::require_role(Command::Approve, &actor.user)?;
    let before = visible(app, actor, id).await?;
    let who = super::as_actor(app, actor, &before.parcels).await?;
    let first = machine::step(before.kind, Some(current(&before)), Command::Approve, who)?;
    let sub = super::Submission::of_request(&before)?;
    let eval = evaluate(app, &sub).await?;
    if !eval.unaccepted(&accept).is_empty() {
        return Err(WorkflowError::ChecksFailed(eval.unaccepted(&accept)));
    }
    // The failures the planner accepted, recorded with the approval.
    let accepted: Vec<String> = eval
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.code.to_string())
        .collect();
    let comment = match (comment, accepted.is_empty()) {
        (c, true) => c,
        (c, false) => Some(format!(
            "{}accepted: {}",
            c.map(|c| format!("{c} — ")).unwrap_or_default(),
            accepted.join(", ")
        )),
    };
    if before.kind == RequestKind::SurveySketch {
        return issue(app, actor, &before, who, comment, accepted).await;
    }
    if first
        .effects
        .contains(&machine::Effect::RecordTechnicalReview)
    {
        return super::plan::technical(app, actor, &before, who, comment).await;
    }
    if before.kind == RequestKind::PlanApproval {
        return super::plan::approve(app, actor, &before, &sub, who, comment).await;
    }
    // The parents' owners travel with the children: read them from the store (the index holds
    // no owners).
    let mut parents = Vec::with_capacity(eval.parents.len());
    for p in &eval.parents {
        let mut f = p.as_ref().clone();
        if let Attributes::Parcel(attrs) = f.feature.attributes() {
            let mut attrs = attrs.clone();
            attrs.owner = app.store.parcel_owner(p.fid).await?;
            f.feature = Feature::new(
                f.feature.source_id().cloned(),
                f.feature.geometry().clone(),
                Attributes::Parcel(attrs),
                f.feature.extra().clone(),
                f.feature.lifespan(),
            )
            .map_err(|e| WorkflowError::Invalid(e.to_string()))?;
        }
        parents.push(Arc::new(f));
    }
    // To the millisecond, as the store keeps it: the versions published now read the same
    // (`datetime`, lifespans) as they will once reloaded.
    let now = Utc::now().trunc_subsecs(3);
    let features = match (&sub.deed, parents.as_slice()) {
        (Some(deed), [parent]) => vec![new_version(
            &before,
            deed,
            eval.children.first(),
            parent,
            now,
        )?],
        (Some(_), _) => {
            return Err(WorkflowError::Conflict(
                "the parcel is no longer current".into(),
            ));
        }
        (None, _) => children(&before, &eval.children, &parents, now)?,
    };

    let mut uow = app.store.begin().await?;
    let mut r = reread(&mut *uow, id, &before).await?;
    let t = machine::step(r.kind, Some(current(&r)), Command::Approve, who)?;
    let from = r.status;
    for p in &r.parcels {
        uow.retire(LayerKind::Parcels, *p, now).await?;
    }
    failpoint::hit("approve.after_retire");
    let created = uow.insert(LayerKind::Parcels, &features).await?;
    failpoint::hit("approve.after_insert");
    let kind = match r.kind {
        RequestKind::Merge => LineageKind::Merge,
        RequestKind::DeedUpdate => LineageKind::Update,
        _ => LineageKind::Split,
    };
    if kind == LineageKind::Update {
        for (old, new) in r.parcels.iter().zip(&created) {
            uow.continue_parcel(*old, *new).await?;
        }
    }
    if !accepted.is_empty() {
        r.details["accepted"] = json!(accepted);
    }
    for parent in &r.parcels {
        for child in &created {
            uow.record_lineage(&LineageEdge {
                parent: *parent,
                child: *child,
                kind,
                request_id: Some(r.id.to_string()),
                recorded_at: now,
            })
            .await?;
        }
    }
    uow.release_parcels(r.id).await?;
    r.status = t.to;
    r.created = created.clone();
    r.retired = r.parcels.clone();
    r.updated_at = now;
    r.version += 1;
    uow.update_request(&r).await?;
    record(&app.notify, &mut *uow, actor, &r, Some(from), t, comment).await?;
    let mut change = actor.request_entry(
        match kind {
            LineageKind::Split => "register.split",
            LineageKind::Merge => "register.merge",
            LineageKind::Update => "register.update",
        },
        t.role,
        r.id,
    );
    change.at = now;
    change.fids_before = r.retired.clone();
    change.fids_after = created.clone();
    uow.append_audit(&change).await?;
    failpoint::hit("approve.before_commit");
    uow.commit().await?;
    failpoint::hit("approve.after_commit");

    // Publish: readers see the children (and no parents) at once; the touched tiles go.
    // Owners are private: the index gets the children without them.
    let upserts = created
        .iter()
        .zip(features)
        .map(|(fid, f)| StoredFeature {
            fid: *fid,
            feature: without_owner(f),
        })
        .collect();
    let changes = ChangeSet {
        upserts,
        removed: r.retired.clone(),
    };
    let index = app.index.clone();
    let tiles = app.tiles.clone();
    tokio::task::spawn_blocking(move || {
        crate::app::publish::publish(&index, &tiles, LayerKind::Parcels, changes)
    })
    .await
    .map_err(|e| {
        WorkflowError::Store(crate::store::StoreError::Conflict(format!(
            "publishing failed: {e}"
        )))
    })?;
    let retired = parents
        .iter()
        .map(|p| retired_version(p, now))
        .collect::<Result<Vec<_>, _>>()?;
    app.history.add(LayerKind::Parcels, retired);
    Ok(r)
}

/// A survey sketch's approval: the sketch is issued with the next serial of the year
/// (`SK-2026-000001`), in the same unit of work as the request's history and audit rows.
async fn issue(
    app: &App,
    actor: &Actor,
    before: &LandRequest,
    who: machine::Actor<'_>,
    comment: Option<String>,
    accepted: Vec<String>,
) -> Result<LandRequest, WorkflowError> {
    let now = Utc::now();
    let mut uow = app.store.begin().await?;
    let mut r = reread(&mut *uow, before.id, before).await?;
    let t = machine::step(r.kind, Some(current(&r)), Command::Approve, who)?;
    let from = r.status;
    let prefix = format!("SK-{}-", now.format("%Y"));
    let serial = format!("{prefix}{:06}", uow.issued_count(&prefix).await? + 1);
    r.issued = Some(crate::domain::request::Issued {
        serial: serial.clone(),
        at: now,
    });
    if !accepted.is_empty() {
        r.details["accepted"] = json!(accepted);
    }
    r.status = t.to;
    r.updated_at = now;
    r.version += 1;
    uow.update_request(&r).await?;
    record(&app.notify, &mut *uow, actor, &r, Some(from), t, comment).await?;
    let mut e = actor.request_entry("document.issue", t.role, r.id);
    e.at = now;
    e.detail = Some(format!("survey sketch {serial}"));
    e.fids_before = r.parcels.clone();
    uow.append_audit(&e).await?;
    uow.commit().await?;
    Ok(r)
}

/// The version of `p` the approval retired: the same, in force until `at`, without its owner.
fn retired_version(
    p: &StoredFeature,
    at: chrono::DateTime<Utc>,
) -> Result<StoredFeature, WorkflowError> {
    let f = &p.feature;
    let life = Lifespan {
        valid_from: f.lifespan().valid_from,
        valid_to: Some(at),
    };
    let feature = Feature::new(
        f.source_id().cloned(),
        f.geometry().clone(),
        f.attributes().clone(),
        f.extra().clone(),
        life,
    )
    .map_err(|e| WorkflowError::Invalid(e.to_string()))?;
    Ok(StoredFeature {
        fid: p.fid,
        feature: without_owner(feature),
    })
}

fn without_owner(f: Feature) -> Feature {
    match f.attributes() {
        Attributes::Parcel(p) if p.owner.is_some() => {
            let mut p = p.clone();
            p.owner = None;
            Feature::new(
                f.source_id().cloned(),
                f.geometry().clone(),
                Attributes::Parcel(p),
                f.extra().clone(),
                f.lifespan(),
            )
            .unwrap_or(f)
        }
        _ => f,
    }
}
