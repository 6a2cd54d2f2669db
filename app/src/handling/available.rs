//! What an actor may do with a dossier now: the page offers exactly these, and the planner
//! checks the same rules before anything is written.

use super::state::DossierState;
use crate::domain::channel::Channel;
use crate::domain::role::{CurrentUser, Role};
use crate::domain::status::DossierStatus;
use crate::domain::workflow::{may_act, Current, StepKind};
use serde::{Deserialize, Serialize};

/// What an actor may do with the dossier now. The page offers exactly these; the planner checks
/// the same rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Available {
    /// Submit the draft: its applicant online, or the receiving desk for paper.
    pub submit: bool,
    pub receive: bool,
    pub transfer: bool,
    pub assign: bool,
    pub appraise: bool,
    /// Review or approval: approve or send back.
    pub decide: bool,
    /// The decision step: approving records the result (or the refusal the specialist proposed).
    pub decisive: bool,
    pub deliver: bool,
    pub apologise: bool,
    pub urge: bool,
    pub stop: bool,
    /// Ask other units for their opinion (the specialist appraising).
    pub consult: bool,
    /// The consultations this officer may answer for their unit.
    pub answer: Vec<i64>,
    /// Withdraw the dossier: its applicant online, or the receiving desk on a written request.
    pub withdraw: bool,
    /// Ask for a supplement: the desk at reception (sent at once), the specialist appraising
    /// (a draft for the unit leader).
    pub request_supplement: bool,
    /// Send the specialist's drafted request (the leader of the unit at the appraisal).
    pub send_supplement: bool,
    /// Answer the open request: its applicant online, or the receiving desk on paper.
    pub answer_supplement: bool,
    /// Pay what is payable now: its applicant online, or the receiving desk recording a payment.
    pub pay: bool,
    /// Ask the applicant to pay before handling goes on (status 6): the desk once it accepted,
    /// the specialist appraising.
    pub request_payment: bool,
    /// Exempt fees still owed, with the reason: the receiving desk while the dossier is open or
    /// its result waits, the specialist appraising.
    pub exempt: bool,
    /// Refund a payment the agency holds the money of: the receiving agency's leader, whatever
    /// the dossier's stage.
    pub refund: bool,
    /// Rate the service once it is over (returned or refused), once: its applicant online, or
    /// the receiving desk entering a walk-in applicant's rating.
    pub rate: bool,
    /// Revoke the result in force, or re-issue it corrected: the leader of the agency whose
    /// decision issued it, while it waits at the desk or once returned.
    pub revoke_result: bool,
    /// Answer the rating that calls for it (trách nhiệm giải trình): the receiving agency's
    /// leader.
    pub answer_rating: bool,
    /// Digitise a result signed on paper: the receiving desk, while the decision signed on paper
    /// waits for its scan.
    pub digitise_result: bool,
}

/// The roles that answer a consultation for their unit (an agency leader for any unit).
pub const CONSULTED: [Role; 3] = [Role::Specialist, Role::DepartmentLeader, Role::AgencyLeader];

fn current(state: &DossierState) -> Option<(usize, Current<'_>)> {
    let position = state.position?;
    let step = state.workflow.step(position)?;
    Some((position, Current { step, assignee: state.assignee }))
}

/// What `user` may do with the dossier now: the same rules [`plan`](super::plan) checks.
pub fn available(state: &DossierState, user: &CurrentUser) -> Available {
    let open_request = state.supplement.as_ref().map(|(s, _)| s);
    let waiting = state.status == DossierStatus::SupplementRequested && open_request.is_some_and(|s| s.sent);
    let owes = crate::domain::fees::holds(&state.obligations, state.status);
    let rateable = crate::domain::rating::may_be_rated(state.status) && !state.rated;
    if user.role == Role::Citizen {
        let own = user.id == state.applicant_id;
        return Available {
            submit: own && state.status == DossierStatus::Draft && state.channel == Channel::Online,
            withdraw: own && state.status.is_open(),
            answer_supplement: own && waiting,
            pay: own && owes,
            rate: own && rateable,
            ..Default::default()
        };
    }
    let Some(me) = user.actor() else { return Available::default() };
    let status = state.status;
    let at_step = current(state).filter(|(_, c)| may_act(c, &me));
    let kind = at_step.as_ref().map(|(_, c)| c.step.kind);
    let handling = status == crate::domain::status::DossierStatus::InHandling;
    let receiving_desk = me.role == Role::Reception && me.agency == state.receiving_agency;
    let leader_here = me.role.is_leader() && (me.agency == state.current_agency || me.agency == state.receiving_agency);
    let in_handling = status.is_in_handling();
    Available {
        submit: status == DossierStatus::Draft && receiving_desk && state.channel.is_paper(),
        receive: status == crate::domain::status::DossierStatus::Submitted && receiving_desk,
        // Also after a payment asked at reception moved the dossier on to handling.
        transfer: matches!(status, DossierStatus::Accepted | DossierStatus::InHandling)
            && kind == Some(StepKind::Receive),
        assign: handling && kind == Some(StepKind::Assign),
        appraise: handling && kind == Some(StepKind::Appraise),
        decide: handling && matches!(kind, Some(StepKind::Review | StepKind::Approve)),
        decisive: handling && at_step.as_ref().is_some_and(|(p, _)| state.workflow.is_decision(*p)),
        deliver: status == crate::domain::status::DossierStatus::ResultReady && kind == Some(StepKind::Return),
        apologise: in_handling
            && state.due_at.is_some()
            && (receiving_desk || (me.role.is_leader() && me.agency == state.current_agency)),
        urge: in_handling && leader_here,
        stop: in_handling && me.role == Role::AgencyLeader && me.agency == state.current_agency,
        consult: handling && kind == Some(StepKind::Appraise),
        answer: state
            .consultations
            .iter()
            .filter(|c| handling && !c.answered && c.agency == me.agency)
            .filter(|c| CONSULTED.contains(&me.role) && (c.unit == me.unit || me.role == Role::AgencyLeader))
            .map(|c| c.id)
            .collect(),
        withdraw: receiving_desk && status.is_open(),
        request_supplement: (status == DossierStatus::Submitted && receiving_desk)
            || (handling && kind == Some(StepKind::Appraise) && open_request.is_none()),
        send_supplement: handling
            && open_request.is_some_and(|s| !s.sent)
            && me.role == Role::DepartmentLeader
            && current(state).is_some_and(|(_, c)| {
                c.step.kind == StepKind::Appraise && c.step.agency == me.agency && c.step.unit == me.unit
            }),
        answer_supplement: waiting && receiving_desk,
        pay: owes && receiving_desk,
        request_payment: crate::domain::fees::askable(&state.fees, &state.obligations)
            && ((status == DossierStatus::Accepted && receiving_desk && kind == Some(StepKind::Receive))
                || (handling && kind == Some(StepKind::Appraise))),
        exempt: !crate::domain::fees::exemptable(&state.obligations).is_empty()
            && ((receiving_desk && (status.is_open() || status == DossierStatus::ResultReady))
                || (handling && kind == Some(StepKind::Appraise))),
        refund: status != DossierStatus::Draft
            && me.role == Role::AgencyLeader
            && me.agency == state.receiving_agency
            && state.payments.iter().any(|x| crate::domain::fees::refundable(&x.state)),
        rate: receiving_desk && rateable,
        revoke_result: matches!(status, DossierStatus::ResultReady | DossierStatus::Delivered)
            && me.role == Role::AgencyLeader
            && state.workflow.decision_agency() == Some(me.agency),
        digitise_result: matches!(status, DossierStatus::ResultReady | DossierStatus::Delivered)
            && receiving_desk
            && state.awaiting_digitisation.is_some(),
        answer_rating: state.answer_owed.is_some()
            && me.role == Role::AgencyLeader
            && me.agency == state.receiving_agency,
    }
}
