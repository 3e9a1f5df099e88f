//! The lifecycle of every land request as one table of transitions, and the pure function that
//! reads it: (status, command, actor) → the next status and the effects to carry out, or why
//! not. No I/O: the shell in `mod.rs` runs a step inside one unit of work.
//!
//! ```text
//!            submit              take               approve
//!   (new) ─────────► submitted ───────► in_review ─────────► approved
//!                       ▲                  │ │     reject
//!                 amend │       return     │ └─────────────► rejected
//!                       └──── returned ◄───┘
//!   withdraw (the submitter, before a decision): submitted | in_review | returned → withdrawn
//! ```

use crate::domain::account::{Role, User, UserId};
use crate::domain::request::RequestStatus;

/// What someone asks of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Submit,
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
    /// Only the surveyor who submitted the request.
    Submitter,
    /// Anyone holding the role except the submitter (nobody reviews their own request).
    NotSubmitter,
    /// Only the planner who took the request, and never its submitter.
    Reviewer,
}

/// What a step does besides changing the status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Run the checks; stop with 422 if one fails.
    RunChecks,
    /// The request holds its parcels (none may be held by another open request).
    ClaimParcels,
    /// The request lets go of its parcels.
    ReleaseParcels,
    /// The actor becomes the request's reviewer.
    SetReviewer,
    /// Retire the parents, insert the children, record lineage, then publish.
    ApplyToRegister,
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct Transition {
    /// `None`: the request does not exist yet.
    pub from: Option<RequestStatus>,
    pub command: Command,
    pub to: RequestStatus,
    pub role: Role,
    pub who: Who,
    pub effects: &'static [Effect],
}

use Command as C;
use Effect as E;
use RequestStatus as S;

/// Every allowed transition; anything else is refused.
#[rustfmt::skip]
pub const TRANSITIONS: &[Transition] = &[
    Transition { from: None, command: C::Submit, to: S::Submitted, role: Role::Surveyor, who: Who::Anyone, effects: &[E::RunChecks, E::ClaimParcels] },
    Transition { from: Some(S::Returned), command: C::Amend, to: S::Submitted, role: Role::Surveyor, who: Who::Submitter, effects: &[E::RunChecks, E::ReleaseParcels, E::ClaimParcels] },
    Transition { from: Some(S::Submitted), command: C::Take, to: S::InReview, role: Role::Planner, who: Who::NotSubmitter, effects: &[E::SetReviewer] },
    Transition { from: Some(S::InReview), command: C::Approve, to: S::Approved, role: Role::Planner, who: Who::Reviewer, effects: &[E::RunChecks, E::ApplyToRegister, E::ReleaseParcels] },
    Transition { from: Some(S::InReview), command: C::Reject, to: S::Rejected, role: Role::Planner, who: Who::Reviewer, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::InReview), command: C::Return, to: S::Returned, role: Role::Planner, who: Who::Reviewer, effects: &[] },
    Transition { from: Some(S::Submitted), command: C::Withdraw, to: S::Withdrawn, role: Role::Surveyor, who: Who::Submitter, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::InReview), command: C::Withdraw, to: S::Withdrawn, role: Role::Surveyor, who: Who::Submitter, effects: &[E::ReleaseParcels] },
    Transition { from: Some(S::Returned), command: C::Withdraw, to: S::Withdrawn, role: Role::Surveyor, who: Who::Submitter, effects: &[E::ReleaseParcels] },
];

/// Refuses an actor who lacks the role `command` needs, before anything about the request is
/// read (so a citizen learns nothing, not even whether a request exists).
pub fn require_role(command: Command, actor: &User) -> Result<(), Refusal> {
    match TRANSITIONS.iter().find(|t| t.command == command) {
        Some(t) if actor.may_act_as(t.role) => Ok(()),
        Some(t) => Err(Refusal::Forbidden(format!(
            "only a {} may {}; you are {}",
            t.role,
            command.verb(),
            actor.roles
        ))),
        None => Err(Refusal::WrongState(format!(
            "nobody may {}",
            command.verb()
        ))),
    }
}

/// The request as the table needs to see it.
#[derive(Clone, Copy, Debug)]
pub struct Current {
    pub status: RequestStatus,
    pub submitted_by: UserId,
    pub reviewer: Option<UserId>,
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

/// The transition `command` by `actor` takes from `current`, or why there is none. The role is
/// checked first (403 whatever the state), then who the actor is to this request, then the state.
pub fn step(
    current: Option<Current>,
    command: Command,
    actor: &User,
) -> Result<&'static Transition, Refusal> {
    let candidates: Vec<&Transition> = TRANSITIONS
        .iter()
        .filter(|t| t.command == command)
        .collect();
    let Some(role) = candidates.first().map(|t| t.role) else {
        return Err(Refusal::WrongState(format!(
            "nobody may {}",
            command.verb()
        )));
    };
    if !actor.may_act_as(role) {
        return Err(Refusal::Forbidden(format!(
            "only a {role} may {}; you are {}",
            command.verb(),
            actor.roles
        )));
    }
    let from = current.map(|c| c.status);
    let Some(t) = candidates.into_iter().find(|t| t.from == from) else {
        return Err(Refusal::WrongState(match from {
            Some(s) => format!("the request is {s}: you cannot {} now", command.verb()),
            None => format!("there is no request to {}", command.verb()),
        }));
    };
    if let Some(c) = current {
        let is_submitter = c.submitted_by == actor.id;
        match t.who {
            Who::Anyone => {}
            Who::Submitter if !is_submitter => {
                return Err(Refusal::Forbidden(format!(
                    "only the surveyor who submitted the request may {}",
                    command.verb()
                )));
            }
            Who::NotSubmitter | Who::Reviewer if is_submitter => {
                return Err(Refusal::Forbidden(
                    "nobody reviews or decides a request they submitted".into(),
                ));
            }
            Who::Reviewer if c.reviewer != Some(actor.id) => {
                return Err(Refusal::Forbidden(
                    "only the planner who took the request for review may decide it".into(),
                ));
            }
            _ => {}
        }
    }
    Ok(t)
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
            disabled: false,
        }
    }

    fn at(status: RequestStatus, reviewer: Option<i64>) -> Option<Current> {
        Some(Current {
            status,
            submitted_by: UserId(1),
            reviewer: reviewer.map(UserId),
        })
    }

    #[test]
    fn the_happy_path_and_the_return_loop() {
        let surveyor = user(1, "surveyor");
        let planner = user(2, "planner");
        assert_eq!(step(None, C::Submit, &surveyor).unwrap().to, S::Submitted);
        let t = step(at(S::Submitted, None), C::Take, &planner).unwrap();
        assert_eq!((t.to, t.effects), (S::InReview, &[E::SetReviewer][..]));
        assert_eq!(
            step(at(S::InReview, Some(2)), C::Return, &planner)
                .unwrap()
                .to,
            S::Returned
        );
        assert_eq!(
            step(at(S::Returned, Some(2)), C::Amend, &surveyor)
                .unwrap()
                .to,
            S::Submitted
        );
        let t = step(at(S::InReview, Some(2)), C::Approve, &planner).unwrap();
        assert!(t.effects.contains(&E::ApplyToRegister));
    }

    #[test]
    fn roles_are_checked_before_state_and_nobody_decides_their_own() {
        let citizen = user(3, "citizen");
        let both = user(1, "surveyor,planner");
        let other_planner = user(4, "planner");
        assert!(matches!(
            step(None, C::Submit, &citizen),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(at(S::Approved, None), C::Approve, &citizen),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(at(S::Submitted, None), C::Take, &both),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(at(S::InReview, Some(1)), C::Approve, &both),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(at(S::InReview, Some(2)), C::Approve, &other_planner),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            step(at(S::Submitted, None), C::Withdraw, &user(5, "surveyor")),
            Err(Refusal::Forbidden(_))
        ));
    }

    #[test]
    fn closed_requests_take_no_command() {
        let surveyor = user(1, "surveyor");
        let planner = user(2, "planner");
        for s in [S::Approved, S::Rejected, S::Withdrawn] {
            for (c, who) in [
                (C::Take, &planner),
                (C::Approve, &planner),
                (C::Withdraw, &surveyor),
                (C::Amend, &surveyor),
            ] {
                assert!(
                    matches!(step(at(s, Some(2)), c, who), Err(Refusal::WrongState(_))),
                    "{s} {c:?}"
                );
            }
        }
        assert!(matches!(
            step(at(S::Submitted, None), C::Approve, &planner),
            Err(Refusal::WrongState(_))
        ));
    }

    #[test]
    fn every_status_is_reached_and_every_open_one_can_be_left() {
        for s in RequestStatus::ALL {
            assert!(
                TRANSITIONS.iter().any(|t| t.to == *s),
                "{s} is never reached"
            );
            if s.is_open() {
                assert!(
                    TRANSITIONS.iter().any(|t| t.from == Some(*s)),
                    "{s} is a dead end"
                );
            }
        }
    }
}
