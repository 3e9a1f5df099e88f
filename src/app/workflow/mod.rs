//! Land requests on one engine: every command is a step of the pure transition table
//! (`machine`), carried out by this thin shell inside one unit of work with its history row and
//! audit row, then (for an approval) published to the index and the tile cache before the
//! answer is sent.

use chrono::Utc;

use super::App;
use super::audit::Actor;
use super::auth::AuthError;
use crate::domain::FeatureId;
use crate::domain::checks::CheckOutcome;
use crate::domain::request::{LandRequest, RequestEvent, RequestId, RequestStatus};
use crate::store::{StoreError, UnitOfWork};

mod apply;
pub mod machine;
mod plan;
pub mod submission;

pub use machine::{Command, Effect, Refusal};
pub use submission::{Deed, Evaluation, Submission, SubmissionBody, evaluate};

/// Why a workflow command did not happen. Nothing was stored in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// A malformed submission (400), with what to fix.
    #[error("{0}")]
    Invalid(String),
    /// No such request, or one the actor may not see (404).
    #[error("{0}")]
    NotFound(String),
    /// A check failed (422).
    #[error("the request fails {} check(s)", .0.iter().filter(|c| !c.passed).count())]
    ChecksFailed(Vec<CheckOutcome>),
    /// The request is not in a state for this, or a parcel is held by another request, or
    /// someone changed it first (409).
    #[error("{0}")]
    Conflict(String),
    /// The actor may not (403).
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for WorkflowError {
    fn from(e: StoreError) -> WorkflowError {
        match e {
            StoreError::Busy { parcel, request } => WorkflowError::Conflict(format!(
                "parcel {parcel} is already in open request {request}; a parcel is in at most one open request"
            )),
            StoreError::Conflict(m) => WorkflowError::Conflict(m),
            other => WorkflowError::Store(other),
        }
    }
}

impl From<Refusal> for WorkflowError {
    fn from(r: Refusal) -> WorkflowError {
        match r {
            Refusal::Forbidden(m) => WorkflowError::Forbidden(m),
            Refusal::WrongState(m) => WorkflowError::Conflict(m),
        }
    }
}

/// Whether `actor` may see request `r`: its submitter and surveyor, planners, admins, and any
/// surveyor while an owner's sketch request waits for one to prepare it.
pub fn may_see(actor: &Actor, r: &LandRequest) -> bool {
    use crate::domain::account::Role;
    r.is_author(actor.user.id)
        || actor.user.may_act_as(Role::Planner)
        || actor.user.may_act_as(Role::Admin)
        || (r.status == RequestStatus::Requested
            && r.surveyor.is_none()
            && actor.user.may_act_as(Role::Surveyor))
}

fn current(r: &LandRequest) -> machine::Current {
    machine::Current {
        status: r.status,
        submitted_by: r.submitted_by,
        surveyor: r.surveyor,
        reviewer: r.reviewer,
        technical_reviewer: r
            .details
            .get("technical_reviewer")
            .and_then(serde_json::Value::as_i64)
            .map(crate::domain::account::UserId),
    }
}

/// Whether `actor` owns every one of `parcels` (their national id is each owner's).
async fn owns(app: &App, actor: &Actor, parcels: &[FeatureId]) -> Result<bool, WorkflowError> {
    let Some(mine) = actor.user.national_id.as_deref() else {
        return Ok(false);
    };
    if parcels.is_empty() {
        return Ok(false);
    }
    for p in parcels {
        match app.store.parcel_owner(*p).await? {
            Some(o) if o.national_id.as_str() == mine => {}
            _ => return Ok(false),
        }
    }
    Ok(true)
}

/// The machine's view of the actor on `parcels`.
pub(super) async fn as_actor<'a>(
    app: &App,
    actor: &'a Actor,
    parcels: &[FeatureId],
) -> Result<machine::Actor<'a>, WorkflowError> {
    Ok(machine::Actor {
        user: &actor.user,
        owns_parcels: owns(app, actor, parcels).await?,
    })
}

/// Runs the checks without storing anything (any surveyor, for a viewer checking a drawing).
pub async fn check(
    app: &App,
    actor: &Actor,
    body: SubmissionBody,
) -> Result<Evaluation, WorkflowError> {
    crate::app::auth::require(
        &actor.user,
        crate::domain::account::Role::Surveyor,
        "check a request",
    )?;
    let sub = Submission::parse(body)?;
    evaluate(app, &sub).await
}

/// The request's details for a submission (a deed update's deed).
fn details(sub: &Submission) -> serde_json::Value {
    match (&sub.deed, &sub.plan) {
        (Some(d), _) => serde_json::json!({"deed": d.to_json()}),
        (None, Some(p)) => serde_json::json!({"plan_no": p.plan_no.to_string(), "name": p.name}),
        (None, None) => serde_json::json!({}),
    }
}

/// The checks of `sub` when `t` runs them (stopping with 422 on a failure no planner may
/// accept), else an empty list.
async fn checks_of(
    app: &App,
    sub: &Submission,
    t: &machine::Transition,
) -> Result<serde_json::Value, WorkflowError> {
    if !t.effects.contains(&Effect::RunChecks) {
        return Ok(serde_json::Value::Array(Vec::new()));
    }
    let eval = evaluate(app, sub).await?;
    if !eval.passed() {
        return Err(WorkflowError::ChecksFailed(eval.checks));
    }
    Ok(eval.checks_json())
}

/// Submits a new request: every check runs; if one fails nothing is stored (422). An owner's
/// survey sketch request runs none: it waits for a surveyor to prepare it.
pub async fn submit(
    app: &App,
    actor: &Actor,
    body: SubmissionBody,
) -> Result<LandRequest, WorkflowError> {
    machine::require_role(Command::Submit, &actor.user)?;
    let sub = Submission::parse(body)?;
    let who = as_actor(app, actor, &sub.parcels).await?;
    let t = machine::step(sub.kind, None, Command::Submit, who)?;
    let checks = checks_of(app, &sub, t).await?;
    let now = Utc::now();
    let mut r = LandRequest {
        id: RequestId(0),
        kind: sub.kind,
        status: t.to,
        submitted_by: actor.user.id,
        surveyor: t
            .effects
            .contains(&Effect::SetSurveyor)
            .then_some(actor.user.id),
        reviewer: None,
        parcels: sub.parcels.clone(),
        proposed: sub.proposed.clone(),
        crs: sub.crs.identifier(),
        note: sub.note.clone(),
        checks,
        created: Vec::new(),
        retired: Vec::new(),
        created_at: now,
        updated_at: now,
        version: 1,
        details: details(&sub),
        issued: None,
    };
    let mut uow = app.store.begin().await?;
    r.id = uow.insert_request(&r).await?;
    if t.effects.contains(&Effect::ClaimParcels) && r.kind.changes_register() {
        uow.claim_parcels(r.id, &r.parcels).await?;
    }
    record(&app.notify, &mut *uow, actor, &r, None, t, None).await?;
    uow.commit().await?;
    Ok(r)
}

/// A surveyor takes up an owner's survey sketch request: gives the surveyed boundary (or none,
/// for the register's), the checks run, and the request is submitted for review.
pub async fn prepare(
    app: &App,
    actor: &Actor,
    id: RequestId,
    body: SubmissionBody,
) -> Result<LandRequest, WorkflowError> {
    machine::require_role(Command::Prepare, &actor.user)?;
    let before = visible(app, actor, id).await?;
    let who = as_actor(app, actor, &before.parcels).await?;
    machine::step(before.kind, Some(current(&before)), Command::Prepare, who)?;
    let sub = Submission::parse(body)?;
    if sub.kind != before.kind || sub.parcels != before.parcels {
        return Err(WorkflowError::Invalid(format!(
            "kind and parcels: give those of request {id} ({} of {:?})",
            before.kind,
            before.parcels.iter().map(|p| p.0).collect::<Vec<_>>()
        )));
    }
    let mut uow = app.store.begin().await?;
    let mut r = reread(&mut *uow, id, &before).await?;
    let t = machine::step(r.kind, Some(current(&r)), Command::Prepare, who)?;
    let checks = checks_of(app, &sub, t).await?;
    let from = r.status;
    r.proposed = sub.proposed.clone();
    r.crs = sub.crs.identifier();
    r.checks = checks;
    r.surveyor = Some(actor.user.id);
    r.status = t.to;
    r.updated_at = Utc::now();
    r.version += 1;
    uow.update_request(&r).await?;
    record(
        &app.notify,
        &mut *uow,
        actor,
        &r,
        Some(from),
        t,
        sub.note.clone(),
    )
    .await?;
    uow.commit().await?;
    Ok(r)
}

/// Amends a returned request (its submitter): checks run again, and it is submitted anew.
pub async fn amend(
    app: &App,
    actor: &Actor,
    id: RequestId,
    body: SubmissionBody,
) -> Result<LandRequest, WorkflowError> {
    machine::require_role(Command::Amend, &actor.user)?;
    let before = visible(app, actor, id).await?;
    let who = as_actor(app, actor, &before.parcels).await?;
    machine::step(before.kind, Some(current(&before)), Command::Amend, who)?;
    let sub = Submission::parse(body)?;
    if sub.kind != before.kind {
        return Err(WorkflowError::Invalid(format!(
            "kind: request {id} is a {}; an amendment keeps the kind",
            before.kind
        )));
    }
    let t = machine::step(before.kind, Some(current(&before)), Command::Amend, who)?;
    let checks = checks_of(app, &sub, t).await?;
    let mut uow = app.store.begin().await?;
    let mut r = reread(&mut *uow, id, &before).await?;
    let t = machine::step(r.kind, Some(current(&r)), Command::Amend, who)?;
    let from = r.status;
    r.parcels = sub.parcels.clone();
    r.proposed = sub.proposed.clone();
    r.crs = sub.crs.identifier();
    r.note = sub.note.clone();
    r.checks = checks;
    r.details = details(&sub);
    r.status = t.to;
    r.updated_at = Utc::now();
    r.version += 1;
    uow.release_parcels(r.id).await?;
    if r.kind.changes_register() {
        uow.claim_parcels(r.id, &r.parcels).await?;
    }
    uow.update_request(&r).await?;
    record(&app.notify, &mut *uow, actor, &r, Some(from), t, None).await?;
    uow.commit().await?;
    Ok(r)
}

/// A planner takes a submitted request for review.
pub async fn take(app: &App, actor: &Actor, id: RequestId) -> Result<LandRequest, WorkflowError> {
    simple(app, actor, id, Command::Take, None).await
}

/// The submitter withdraws a request before a decision.
pub async fn withdraw(
    app: &App,
    actor: &Actor,
    id: RequestId,
    comment: Option<String>,
) -> Result<LandRequest, WorkflowError> {
    simple(app, actor, id, Command::Withdraw, comment).await
}

/// A planner's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Return,
}

impl std::str::FromStr for Decision {
    type Err = String;
    fn from_str(s: &str) -> Result<Decision, String> {
        match s {
            "approve" => Ok(Decision::Approve),
            "reject" => Ok(Decision::Reject),
            "return" => Ok(Decision::Return),
            other => Err(format!("decision {other:?}: use approve, reject or return")),
        }
    }
}

/// Decides a request in review. An approval re-runs the checks against today's register, then
/// in one unit of work retires the parents, inserts the children, records lineage, releases the
/// parcels and closes the request; then publishes, before returning.
pub async fn decide(
    app: &App,
    actor: &Actor,
    id: RequestId,
    decision: Decision,
    comment: Option<String>,
    accept: Vec<String>,
) -> Result<LandRequest, WorkflowError> {
    match decision {
        Decision::Approve => apply::approve(app, actor, id, comment, accept).await,
        Decision::Reject => simple(app, actor, id, Command::Reject, comment).await,
        Decision::Return => simple(app, actor, id, Command::Return, comment).await,
    }
}

/// A request the actor may see, or `NotFound`.
pub async fn visible(
    app: &App,
    actor: &Actor,
    id: RequestId,
) -> Result<LandRequest, WorkflowError> {
    match app.store.request(id).await? {
        Some(r) if may_see(actor, &r) => Ok(r),
        _ => Err(WorkflowError::NotFound(format!(
            "there is no request {id} you may see"
        ))),
    }
}

/// The request read again inside the unit of work; changed since `before` → `Conflict`.
async fn reread(
    uow: &mut dyn UnitOfWork,
    id: RequestId,
    before: &LandRequest,
) -> Result<LandRequest, WorkflowError> {
    let r = uow
        .request(id)
        .await?
        .ok_or_else(|| WorkflowError::NotFound(format!("there is no request {id}")))?;
    if r.version != before.version {
        return Err(WorkflowError::Conflict(format!(
            "request {id} was changed meanwhile (it is {} now); reload it",
            r.status
        )));
    }
    Ok(r)
}

/// A step with no work beyond the request itself (take, reject, return, withdraw).
async fn simple(
    app: &App,
    actor: &Actor,
    id: RequestId,
    command: Command,
    comment: Option<String>,
) -> Result<LandRequest, WorkflowError> {
    let comment = clean_comment(comment)?;
    machine::require_role(command, &actor.user)?;
    let before = visible(app, actor, id).await?;
    let who = as_actor(app, actor, &before.parcels).await?;
    machine::step(before.kind, Some(current(&before)), command, who)?;
    let mut uow = app.store.begin().await?;
    let mut r = reread(&mut *uow, id, &before).await?;
    let t = machine::step(r.kind, Some(current(&r)), command, who)?;
    let from = r.status;
    r.status = t.to;
    if t.effects.contains(&Effect::SetReviewer) {
        r.reviewer = Some(actor.user.id);
    }
    r.updated_at = Utc::now();
    r.version += 1;
    if t.effects.contains(&Effect::ReleaseParcels) {
        uow.release_parcels(r.id).await?;
    }
    uow.update_request(&r).await?;
    record(&app.notify, &mut *uow, actor, &r, Some(from), t, comment).await?;
    uow.commit().await?;
    Ok(r)
}

/// Longest comment, characters.
pub const MAX_COMMENT: usize = 2_000;

fn clean_comment(c: Option<String>) -> Result<Option<String>, WorkflowError> {
    let c = c.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    if c.as_ref().is_some_and(|c| c.chars().count() > MAX_COMMENT) {
        return Err(WorkflowError::Invalid(format!(
            "comment: at most {MAX_COMMENT} characters"
        )));
    }
    Ok(c)
}

/// The history row, the audit row and the notifications of a step.
async fn record(
    notify: &crate::app::notify::Notifier,
    uow: &mut dyn UnitOfWork,
    actor: &Actor,
    r: &LandRequest,
    from: Option<RequestStatus>,
    t: &machine::Transition,
    comment: Option<String>,
) -> Result<(), StoreError> {
    uow.add_request_event(&RequestEvent {
        request: r.id,
        from,
        to: t.to,
        actor: actor.user.id,
        role: t.role,
        at: r.updated_at,
        comment: comment.clone(),
    })
    .await?;
    let mut e = actor.request_entry(t.command.action(), t.role, r.id);
    e.at = r.updated_at;
    e.detail = comment.clone();
    if matches!(
        t.command,
        Command::Submit | Command::Amend | Command::Prepare
    ) {
        e.fids_before = r.parcels.clone();
    }
    uow.append_audit(&e).await?;
    let c = current(r);
    let step = crate::app::notify::Step {
        command: t.command,
        to: t.to,
        actor: actor.user.id,
        submitted_by: r.submitted_by,
        surveyor: r.surveyor,
        technical_reviewer: c.technical_reviewer,
    };
    crate::app::notify::enqueue(uow, notify, actor, r, &step, comment.as_deref()).await
}
