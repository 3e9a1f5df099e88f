//! Who hears of a step: a pure function of the step and the people around the request.

use crate::app::workflow::Command;
use crate::domain::account::{Role, UserId};
use crate::domain::notification::Reason;
use crate::domain::request::RequestStatus;

/// A step of a request, as the audience needs it.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub command: Command,
    pub to: RequestStatus,
    pub actor: UserId,
    pub submitted_by: UserId,
    pub surveyor: Option<UserId>,
    /// The technical reviewer of a plan, once there is one.
    pub technical_reviewer: Option<UserId>,
}

/// The role whose members must act next, when the request waits in a queue: planners for a
/// review (and a plan's committee), surveyors for an owner's survey sketch request.
pub fn queue_role(to: RequestStatus) -> Option<Role> {
    match to {
        RequestStatus::Submitted | RequestStatus::TechnicalApproved => Some(Role::Planner),
        RequestStatus::Requested => Some(Role::Surveyor),
        _ => None,
    }
}

/// Whether the actor hears of their own step (a receipt for what they handed in).
fn receipt(command: Command) -> bool {
    matches!(command, Command::Submit | Command::Amend | Command::Prepare)
}

/// Everyone to notify of `step`, each once, with the first reason that concerns them: the
/// submitter, the surveyor, the parcels' owners (`owners`: their accounts), the technical
/// reviewer of a plan the committee decides, and the queue (`queue`: the members of
/// `queue_role(step.to)`). The actor hears only of what they hand in.
pub fn audience(step: &Step, owners: &[UserId], queue: &[UserId]) -> Vec<(UserId, Reason)> {
    let mut out: Vec<(UserId, Reason)> = Vec::new();
    let mut add = |u: UserId, reason: Reason| {
        if (u != step.actor || receipt(step.command)) && !out.iter().any(|(v, _)| *v == u) {
            out.push((u, reason));
        }
    };
    add(step.submitted_by, Reason::Submitter);
    if let Some(s) = step.surveyor {
        add(s, Reason::Surveyor);
    }
    for o in owners {
        add(*o, Reason::Owner);
    }
    if let Some(t) = step.technical_reviewer
        && matches!(
            step.command,
            Command::Approve | Command::Reject | Command::Return | Command::Withdraw
        )
    {
        add(t, Reason::Reviewer);
    }
    if queue_role(step.to).is_some() {
        for q in queue {
            // A queue member who is the actor learns nothing new, even on a receipt.
            if *q != step.actor {
                add(*q, Reason::Queue);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(command: Command, to: RequestStatus) -> Step {
        Step {
            command,
            to,
            actor: UserId(1),
            submitted_by: UserId(1),
            surveyor: Some(UserId(1)),
            technical_reviewer: None,
        }
    }

    #[test]
    fn a_submission_reaches_its_submitter_the_owner_and_the_planners() {
        let s = step(Command::Submit, RequestStatus::Submitted);
        let got = audience(&s, &[UserId(7)], &[UserId(3), UserId(4), UserId(1)]);
        assert_eq!(
            got,
            vec![
                (UserId(1), Reason::Submitter),
                (UserId(7), Reason::Owner),
                (UserId(3), Reason::Queue),
                (UserId(4), Reason::Queue),
            ]
        );
    }

    #[test]
    fn a_decision_reaches_the_parties_not_the_deciding_planner_nor_the_queue() {
        let mut s = step(Command::Return, RequestStatus::Returned);
        s.actor = UserId(3);
        let got = audience(&s, &[UserId(7)], &[UserId(3), UserId(4)]);
        assert_eq!(
            got,
            vec![(UserId(1), Reason::Submitter), (UserId(7), Reason::Owner)]
        );
    }

    #[test]
    fn an_owner_who_asked_for_a_sketch_hears_once_and_the_surveyors_queue_hears() {
        // The owner (user 7) requests; no surveyor yet.
        let s = Step {
            command: Command::Submit,
            to: RequestStatus::Requested,
            actor: UserId(7),
            submitted_by: UserId(7),
            surveyor: None,
            technical_reviewer: None,
        };
        let got = audience(&s, &[UserId(7)], &[UserId(2), UserId(5)]);
        assert_eq!(
            got,
            vec![
                (UserId(7), Reason::Submitter),
                (UserId(2), Reason::Queue),
                (UserId(5), Reason::Queue),
            ]
        );
    }

    #[test]
    fn the_committee_decision_reaches_the_technical_reviewer() {
        let s = Step {
            command: Command::Approve,
            to: RequestStatus::Approved,
            actor: UserId(4),
            submitted_by: UserId(1),
            surveyor: Some(UserId(1)),
            technical_reviewer: Some(UserId(3)),
        };
        assert_eq!(
            audience(&s, &[], &[]),
            vec![
                (UserId(1), Reason::Submitter),
                (UserId(3), Reason::Reviewer)
            ]
        );
        // The technical approval itself goes to the committee queue, not back to the reviewer.
        let s = Step {
            command: Command::Approve,
            to: RequestStatus::TechnicalApproved,
            actor: UserId(3),
            technical_reviewer: Some(UserId(3)),
            ..s
        };
        assert_eq!(
            audience(&s, &[], &[UserId(3), UserId(4)]),
            vec![(UserId(1), Reason::Submitter), (UserId(4), Reason::Queue)]
        );
    }

    #[test]
    fn queues_are_for_waiting_states_only() {
        assert_eq!(queue_role(RequestStatus::Submitted), Some(Role::Planner));
        assert_eq!(
            queue_role(RequestStatus::TechnicalApproved),
            Some(Role::Planner)
        );
        assert_eq!(queue_role(RequestStatus::Requested), Some(Role::Surveyor));
        for s in [
            RequestStatus::InReview,
            RequestStatus::Approved,
            RequestStatus::Rejected,
            RequestStatus::Returned,
            RequestStatus::Withdrawn,
        ] {
            assert_eq!(queue_role(s), None);
        }
    }
}
