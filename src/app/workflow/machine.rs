//! The lifecycle of every land request as one table of transitions, and the pure function that
//! reads it: (kind, status, command, actor) → the next status and the effects to carry out, or
//! why not. No I/O: the shell in `mod.rs` runs a step inside one unit of work.
//!
//! ```text
//!                      prepare (a surveyor takes up an owner's sketch request)
//!   (new) ─► requested ───────────┐
//!     │ submit                    ▼        take               approve
//!     └──────────────────────► submitted ───────► in_review ─────────► approved
//!                                 ▲                  │ │     reject
//!                           amend │       return     │ └─────────────► rejected
//!                                 └──── returned ◄───┘
//!   withdraw (the submitter, before a decision): any open status → withdrawn
//!
//!   a plan approval has two stages: in_review ─approve→ technical_approved ─take (the
//!   committee: another planner or an admin)→ technical_approved ─approve→ approved
//! ```
//!
//! Surveyors submit every kind; an owner (a citizen whose national id is the parcel's owner's)
//! submits a deed update, or asks for a survey sketch, which waits in `requested` until a
//! surveyor prepares it. Nobody reviews or decides a request they submitted or prepared.

use crate::domain::account::{Role, User, UserId};
use crate::domain::request::{RequestKind, RequestStatus};

/// What someone asks of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Submit,
    Prepare,
    Amend,
    Take,
    Approve,
    Reject,
    Return,
    Withdraw,
}

impl Command {
    /// The audit action of the command.
    pub fn action(self) -> &'static str {
        match self {
            Command::Submit => "request.submit",
            Command::Prepare => "request.prepare",
            Command::Amend => "request.amend",
            Command::Take => "request.take",
            Command::Approve => "request.approve",
            Command::Reject => "request.reject",
            Command::Return => "request.return",
            Command::Withdraw => "request.withdraw",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Command::Submit => "submit a request",
            Command::Prepare => "prepare a requested survey sketch",
            Command::Amend => "amend a request",
            Command::Take => "take a request for review",
            Command::Approve => "approve a request",
            Command::Reject => "reject a request",
            Command::Return => "return a request",
            Command::Withdraw => "withdraw a request",
        }
    }
}

/// Who, beyond the role, may take a transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// Anyone holding the role (a new request's submitter is whoever submits it).
    Anyone,
    /// A citizen who owns every parcel of the request (by national id).
    Owner,
    /// Only whoever submitted the request.
    Submitter,
    /// The submitter or the request's surveyor.
    Author,
    /// Anyone holding the role except the request's submitter and surveyor.
    NotAuthor,
    /// Only the planner who took the request, and never its submitter or surveyor.
    Reviewer,
    /// For the committee's stage: anyone holding the role but the request's authors and the
    /// planner who made the technical review.
    NotTechnical,
    /// The committee member who took the request (not its technical reviewer).
    Committee,
}

/// What a step does besides changing the status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Run the checks; stop with 422 if one fails (or one a planner may accept was not).
    RunChecks,
    /// The request holds its parcels (none may be held by another open request), when its
    /// kind changes the register.
    ClaimParcels,
    /// The request lets go of its parcels.
    ReleaseParcels,
    /// The actor becomes the request's surveyor.
    SetSurveyor,
    /// The actor becomes the request's reviewer.
    SetReviewer,
    /// Change the register as the kind says (retire, insert, lineage), then publish.
    ApplyToRegister,
    /// Issue the request's document with the next serial.
    IssueDocument,
    /// Record the actor as the technical reviewer and clear the reviewer (for the committee).
    RecordTechnicalReview,
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct Transition {
    /// `None`: the request does not exist yet.
    pub from: Option<RequestStatus>,
    pub command: Command,
    /// The kinds of request the row applies to.
    pub kinds: &'static [RequestKind],
    pub to: RequestStatus,
    pub role: Role,
    pub who: Who,
    pub effects: &'static [Effect],
}

use Command as C;
use Effect as E;
use RequestKind as K;
use RequestStatus as S;

const EVERY: &[K] = &[
    K::Subdivision,
    K::Merge,
    K::DeedUpdate,
    K::SurveySketch,
    K::PlanApproval,
];
const REGISTER: &[K] = &[K::Subdivision, K::Merge, K::DeedUpdate];
const PLAN: &[K] = &[K::PlanApproval];
const OWNERS: &[K] = &[K::DeedUpdate, K::SurveySketch];

/// Every allowed transition; anything else is refused.
#[rustfmt::skip]
pub const TRANSITIONS: &[Transition] = &[
    Transition { from: None, command: C::Submit, kinds: EVERY, to: S::Submitted, role: Role::Surveyor, who: Who::Anyone, effects: &[E::RunChecks, E::ClaimParcels, E::SetSurveyor] },
    Transition { from: None, command: C::Submit, kinds: &[K::DeedUpdate], to: S::Submitted, role: Role::Citizen, who: Who::Owner, effects: &[E::RunChecks, E::ClaimParcels] },
    Transition { from: None, command: C::Submit, kinds: &[K::SurveySketch], to: S::Requested, role: Role::Citizen, who: Who::Owner, effects: &[] },
    Transition { from: Some(S::Requested), command: C::Prepare, kinds: &[K::SurveySketch], to: S::Submitted, role: Role::Surveyor, who: Who::NotAuthor, effects: &[E::RunChecks, E::SetSurveyor] },
    Transition { from: Some(S::Returned), command: C::Amend, kinds: EVERY, to: S::Submitted, role: Role::Surveyor, who: Who::Author, effects: &[E::RunChecks, E::ReleaseParcels, E::ClaimParcels] },
    Transition { from: Some(S::Returned), command: C::Amend, kinds: &[K::DeedUpdate], to: S::Submitted, role: Role::Citizen, who: Who::Submitter, effects: &[E::RunChecks, E::ReleaseParcels, E::ClaimParcels] },
    Transition { from: Some(S::Submitted), command: C::Take, kinds: EVERY, to: S::InReview, role: Role::Planner, who: Who::NotAuthor, effects: &[E::SetReviewer] },
    Transition { from: Some(S::InReview), command: C::Approve, kinds: REGISTER, to: S::Approved, role: Role::Planner, who: Who::Reviewer, effects: &[E::RunChecks, E::ApplyToRegister, E::ReleaseParcels] },
    Transition { from: Some(S::InReview), command: C::Approve, kinds: &[K::SurveySketch], to: S::Approved, role: Role::Planner, who: Who::Reviewer, effects: &[E::RunChecks, E::IssueDocument] },
    Transition { from: Some(S::InReview), command: C::Approve, kinds: PLAN, to: S::TechnicalApproved, role: Role::Planner, who: Who::Reviewer, effects: &[E::RunChecks, E::RecordTechnicalReview] },
    Transition { from: Some(S::TechnicalApproved), command: C::Take, kinds: PLAN, to: S::TechnicalApproved, role: Role::Planner, who: Who::NotTechnical, effects: &[E::SetReviewer] },
    Transition { from: Some(S::TechnicalApproved), command: C::Take, kinds: PLAN, to: S::TechnicalApproved, role: Role::Admin, who: Who::NotTechnical, effects: &[E::SetReviewer] },
    Transition { from: Some(S::TechnicalApproved), command: C::Approve, kinds: PLAN, to: S::Approved, role: Role::Planner, who: Who::Committee, effects: &[E::RunChecks, E::ApplyToRegister] },
    Transition { from: Some(S::TechnicalApproved), command: C::Approve, kinds: PLAN, to: S::Approved, role: Role::Admin, who: Who::Committee, effects: &[E::RunChecks, E::ApplyToRegister] },
    Transition { from: Some(S::TechnicalApproved), command: C::Reject, kinds: PLAN, to: S::Rejected, role: Role::Planner, who: Who::Committee, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::TechnicalApproved), command: C::Reject, kinds: PLAN, to: S::Rejected, role: Role::Admin, who: Who::Committee, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::TechnicalApproved), command: C::Return, kinds: PLAN, to: S::Returned, role: Role::Planner, who: Who::Committee, effects: &[] },
    Transition { from: Some(S::TechnicalApproved), command: C::Return, kinds: PLAN, to: S::Returned, role: Role::Admin, who: Who::Committee, effects: &[] },
    Transition { from: Some(S::TechnicalApproved), command: C::Withdraw, kinds: PLAN, to: S::Withdrawn, role: Role::Surveyor, who: Who::Submitter, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::InReview), command: C::Reject, kinds: EVERY, to: S::Rejected, role: Role::Planner, who: Who::Reviewer, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::InReview), command: C::Return, kinds: EVERY, to: S::Returned, role: Role::Planner, who: Who::Reviewer, effects: &[] },
    Transition { from: Some(S::Submitted), command: C::Withdraw, kinds: EVERY, to: S::Withdrawn, role: Role::Surveyor, who: Who::Submitter, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::InReview), command: C::Withdraw, kinds: EVERY, to: S::Withdrawn, role: Role::Surveyor, who: Who::Submitter, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::Returned), command: C::Withdraw, kinds: EVERY, to: S::Withdrawn, role: Role::Surveyor, who: Who::Submitter, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::Requested), command: C::Withdraw, kinds: OWNERS, to: S::Withdrawn, role: Role::Citizen, who: Who::Submitter, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::Submitted), command: C::Withdraw, kinds: OWNERS, to: S::Withdrawn, role: Role::Citizen, who: Who::Submitter, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::InReview), command: C::Withdraw, kinds: OWNERS, to: S::Withdrawn, role: Role::Citizen, who: Who::Submitter, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::Returned), command: C::Withdraw, kinds: OWNERS, to: S::Withdrawn, role: Role::Citizen, who: Who::Submitter, effects: &[E::ReleaseParcels] },
];

/// Refuses an actor who holds no role `command` needs, before anything about the request is
/// read (so a stranger learns nothing, not even whether a request exists).
pub fn require_role(command: Command, actor: &User) -> Result<(), Refusal> {
    let rows = || TRANSITIONS.iter().filter(|t| t.command == command);
    if rows().any(|t| actor.may_act_as(t.role)) {
        return Ok(());
    }
    let mut roles: Vec<&str> = rows().map(|t| t.role.code()).collect();
    roles.dedup();
    Err(Refusal::Forbidden(format!(
        "only a {} may {}; you are {}",
        roles.join(" or "),
        command.verb(),
        actor.roles
    )))
}

/// The request as the table needs to see it.
#[derive(Clone, Copy, Debug)]
pub struct Current {
    pub status: RequestStatus,
    pub submitted_by: UserId,
    pub surveyor: Option<UserId>,
    pub reviewer: Option<UserId>,
    /// A plan's technical reviewer, once the technical review approved it.
    pub technical_reviewer: Option<UserId>,
}

/// Who the actor is to the request, as the shell found out.
#[derive(Clone, Copy, Debug)]
pub struct Actor<'a> {
    pub user: &'a User,
    /// Whether the actor owns every parcel of the request (their national id is the owner's).
    pub owns_parcels: bool,
}

/// Why a command is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The actor may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// Not from the request's present status (409).
    #[error("{0}")]
    WrongState(String),
}

/// Why `who` does not let `actor` take a row, or `None` when it does.
fn who_refuses(
    who: Who,
    current: Option<Current>,
    actor: Actor<'_>,
    command: Command,
) -> Option<String> {
    let id = actor.user.id;
    let (submitter, surveyor) = match current {
        Some(c) => (c.submitted_by == id, c.surveyor == Some(id)),
        None => (false, false),
    };
    match who {
        Who::Anyone => None,
        Who::Owner if !actor.owns_parcels => Some(
            "only the owner of the parcels (by national id) may ask for this as a citizen".into(),
        ),
        Who::Owner => None,
        Who::Submitter if !submitter => Some(format!(
            "only whoever submitted the request may {}",
            command.verb()
        )),
        Who::Author if !submitter && !surveyor => Some(format!(
            "only the request's submitter or surveyor may {}",
            command.verb()
        )),
        Who::NotAuthor | Who::Reviewer if submitter || surveyor => Some(
            "nobody reviews, prepares twice or decides a request they submitted or prepared".into(),
        ),
        Who::Reviewer if current.and_then(|c| c.reviewer) != Some(id) => {
            Some("only the planner who took the request for review may decide it".into())
        }
        Who::NotTechnical | Who::Committee if submitter || surveyor => {
            Some("nobody decides a plan they submitted or prepared".into())
        }
        Who::NotTechnical | Who::Committee
            if current.and_then(|c| c.technical_reviewer) == Some(id) =>
        {
            Some("the committee's approval is by another planner or an admin than the technical reviewer".into())
        }
        Who::Committee if current.and_then(|c| c.reviewer) != Some(id) => {
            Some("only the committee member who took the plan may decide it".into())
        }
        _ => None,
    }
}

/// The transition `command` by `actor` takes on a request of `kind` at `current`, or why there
/// is none. The role is checked first (403 whatever the state), then the state (409), then who
/// the actor is to this request (403).
pub fn step(
    kind: RequestKind,
    current: Option<Current>,
    command: Command,
    actor: Actor<'_>,
) -> Result<&'static Transition, Refusal> {
    let candidates: Vec<&Transition> = TRANSITIONS
        .iter()
        .filter(|t| t.command == command && t.kinds.contains(&kind))
        .collect();
    if candidates.is_empty() {
        return Err(Refusal::WrongState(format!(
            "a {kind} request has no such step: nobody may {}",
            command.verb()
        )));
    }
    let held: Vec<&Transition> = candidates
        .iter()
        .copied()
        .filter(|t| actor.user.may_act_as(t.role))
        .collect();
    if held.is_empty() {
        let mut roles: Vec<&str> = candidates.iter().map(|t| t.role.code()).collect();
        roles.dedup();
        return Err(Refusal::Forbidden(format!(
            "only a {} may {} ({kind}); you are {}",
            roles.join(" or "),
            command.verb(),
            actor.user.roles
        )));
    }
    let from = current.map(|c| c.status);
    let in_state: Vec<&Transition> = held.into_iter().filter(|t| t.from == from).collect();
    if in_state.is_empty() {
        return Err(Refusal::WrongState(match from {
            Some(s) => format!("the request is {s}: you cannot {} now", command.verb()),
            None => format!("there is no request to {}", command.verb()),
        }));
    }
    let mut refusal = None;
    for t in in_state {
        match who_refuses(t.who, current, actor, command) {
            None => return Ok(t),
            Some(why) => {
                refusal.get_or_insert(why);
            }
        }
    }
    Err(Refusal::Forbidden(refusal.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::{Roles, Username};

    fn user(id: i64, roles: &str) -> User {
        User {
            id: UserId(id),
            username: Username::try_from(format!("user{id}").as_str()).unwrap(),
            roles: Roles::parse(roles).unwrap(),
            name_ar: None,
            name_en: None,
            national_id: None,
            phone: None,
            email: None,
            disabled: false,
        }
    }

    fn a(u: &User) -> Actor<'_> {
        Actor {
            user: u,
            owns_parcels: false,
        }
    }

    fn owner(u: &User) -> Actor<'_> {
        Actor {
            user: u,
            owns_parcels: true,
        }
    }

    fn at(status: RequestStatus, reviewer: Option<i64>) -> Option<Current> {
        Some(Current {
            status,
            submitted_by: UserId(1),
            surveyor: Some(UserId(1)),
            reviewer: reviewer.map(UserId),
            technical_reviewer: None,
        })
    }

    const SUB: RequestKind = K::Subdivision;

    #[test]
    fn the_happy_path_and_the_return_loop() {
        let surveyor = user(1, "surveyor");
        let planner = user(2, "planner");
        for kind in EVERY {
            assert_eq!(
                step(*kind, None, C::Submit, a(&surveyor)).unwrap().to,
                S::Submitted
            );
        }
        let t = step(SUB, at(S::Submitted, None), C::Take, a(&planner)).unwrap();
        assert_eq!((t.to, t.effects), (S::InReview, &[E::SetReviewer][..]));
        let back = step(SUB, at(S::InReview, Some(2)), C::Return, a(&planner)).unwrap();
        assert_eq!(back.to, S::Returned);
        let again = step(SUB, at(S::Returned, Some(2)), C::Amend, a(&surveyor)).unwrap();
        assert_eq!(again.to, S::Submitted);
        let t = step(SUB, at(S::InReview, Some(2)), C::Approve, a(&planner)).unwrap();
        assert!(t.effects.contains(&E::ApplyToRegister));
        let t = step(
            K::SurveySketch,
            at(S::InReview, Some(2)),
            C::Approve,
            a(&planner),
        )
        .unwrap();
        assert!(t.effects.contains(&E::IssueDocument));
        assert!(!t.effects.contains(&E::ApplyToRegister));
    }

    #[test]
    fn owners_ask_for_deed_updates_and_sketches_and_surveyors_prepare_them() {
        let citizen = user(7, "citizen");
        let t = step(K::DeedUpdate, None, C::Submit, owner(&citizen)).unwrap();
        assert_eq!(t.to, S::Submitted);
        let t = step(K::SurveySketch, None, C::Submit, owner(&citizen)).unwrap();
        assert_eq!(t.to, S::Requested);
        // Not the owner: refused; never a subdivision.
        assert!(matches!(
            step(K::DeedUpdate, None, C::Submit, a(&citizen)),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(SUB, None, C::Submit, owner(&citizen)),
            Err(Refusal::Forbidden(_))
        ));
        let requested = Some(Current {
            status: S::Requested,
            submitted_by: UserId(7),
            surveyor: None,
            reviewer: None,
            technical_reviewer: None,
        });
        let surveyor = user(3, "surveyor");
        let t = step(K::SurveySketch, requested, C::Prepare, a(&surveyor)).unwrap();
        assert_eq!(
            (t.to, t.effects.contains(&E::SetSurveyor)),
            (S::Submitted, true)
        );
        // A planner cannot take what nobody prepared; the owner may withdraw it.
        assert!(matches!(
            step(K::SurveySketch, requested, C::Take, a(&user(2, "planner"))),
            Err(Refusal::WrongState(_))
        ));
        assert_eq!(
            step(K::SurveySketch, requested, C::Withdraw, a(&citizen))
                .unwrap()
                .to,
            S::Withdrawn
        );
        // Once prepared, the surveyor amends a returned sketch, and may not review it.
        let prepared = |s| {
            Some(Current {
                status: s,
                submitted_by: UserId(7),
                surveyor: Some(UserId(3)),
                reviewer: Some(UserId(2)),
                technical_reviewer: None,
            })
        };
        assert!(
            step(
                K::SurveySketch,
                prepared(S::Returned),
                C::Amend,
                a(&surveyor)
            )
            .is_ok()
        );
        let both = user(3, "surveyor,planner");
        assert!(matches!(
            step(K::SurveySketch, prepared(S::Submitted), C::Take, a(&both)),
            Err(Refusal::Forbidden(_))
        ));
        // Preparing is not for subdivisions.
        assert!(matches!(
            step(SUB, requested, C::Prepare, a(&surveyor)),
            Err(Refusal::WrongState(_))
        ));
    }

    #[test]
    fn a_plan_is_approved_twice_by_two_different_people() {
        let planner = user(2, "planner");
        let other = user(4, "planner");
        let admin = user(5, "admin");
        const P: RequestKind = K::PlanApproval;
        let t = step(P, at(S::InReview, Some(2)), C::Approve, a(&planner)).unwrap();
        assert_eq!(t.to, S::TechnicalApproved);
        assert!(
            t.effects.contains(&E::RecordTechnicalReview)
                && !t.effects.contains(&E::ApplyToRegister)
        );
        let tech = |reviewer: Option<i64>| {
            Some(Current {
                status: S::TechnicalApproved,
                submitted_by: UserId(1),
                surveyor: Some(UserId(1)),
                reviewer: reviewer.map(UserId),
                technical_reviewer: Some(UserId(2)),
            })
        };
        // The technical reviewer can neither take it again nor approve it.
        assert!(matches!(
            step(P, tech(None), C::Take, a(&planner)),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(P, tech(Some(2)), C::Approve, a(&planner)),
            Err(Refusal::Forbidden(_))
        ));
        // Nobody decides before the committee took it.
        assert!(matches!(
            step(P, tech(None), C::Approve, a(&other)),
            Err(Refusal::Forbidden(_))
        ));
        assert_eq!(
            step(P, tech(None), C::Take, a(&other)).unwrap().to,
            S::TechnicalApproved
        );
        let t = step(P, tech(Some(4)), C::Approve, a(&other)).unwrap();
        assert_eq!(t.to, S::Approved);
        assert!(t.effects.contains(&E::ApplyToRegister));
        // An admin sits on the committee too.
        assert!(step(P, tech(None), C::Take, a(&admin)).is_ok());
        assert!(step(P, tech(Some(5)), C::Approve, a(&admin)).is_ok());
    }

    #[test]
    fn roles_are_checked_before_state_and_nobody_decides_their_own() {
        let citizen = user(3, "citizen");
        let both = user(1, "surveyor,planner");
        let other_planner = user(4, "planner");
        assert!(matches!(
            step(SUB, None, C::Submit, a(&citizen)),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(SUB, at(S::Approved, None), C::Approve, a(&citizen)),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(SUB, at(S::Submitted, None), C::Take, a(&both)),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(SUB, at(S::InReview, Some(1)), C::Approve, a(&both)),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(SUB, at(S::InReview, Some(2)), C::Approve, a(&other_planner)),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(
                SUB,
                at(S::Submitted, None),
                C::Withdraw,
                a(&user(5, "surveyor"))
            ),
            Err(Refusal::Forbidden(_))
        ));
        assert!(require_role(C::Approve, &citizen).is_err());
        assert!(require_role(C::Withdraw, &citizen).is_ok());
    }

    #[test]
    fn closed_requests_take_no_command() {
        let surveyor = user(1, "surveyor");
        let planner = user(2, "planner");
        for kind in EVERY {
            for s in [S::Approved, S::Rejected, S::Withdrawn] {
                for (c, who) in [
                    (C::Take, &planner),
                    (C::Approve, &planner),
                    (C::Withdraw, &surveyor),
                    (C::Amend, &surveyor),
                ] {
                    assert!(
                        matches!(
                            step(*kind, at(s, Some(2)), c, a(who)),
                            Err(Refusal::WrongState(_))
                        ),
                        "{kind} {s} {c:?}"
                    );
                }
            }
        }
        assert!(matches!(
            step(SUB, at(S::Submitted, None), C::Approve, a(&planner)),
            Err(Refusal::WrongState(_))
        ));
    }

    #[test]
    fn every_status_is_reached_and_every_open_one_can_be_left() {
        for kind in EVERY {
            let rows = || TRANSITIONS.iter().filter(|t| t.kinds.contains(kind));
            for s in RequestStatus::ALL {
                if (*s == S::Requested && *kind != K::SurveySketch)
                    || (*s == S::TechnicalApproved && *kind != K::PlanApproval)
                {
                    continue;
                }
                assert!(rows().any(|t| t.to == *s), "{kind}: {s} is never reached");
                if s.is_open() {
                    assert!(
                        rows().any(|t| t.from == Some(*s)),
                        "{kind}: {s} is a dead end"
                    );
                }
            }
        }
    }
}
