//! The rules' state of a submitted dossier, read from the desk's read model of it (one read
//! for the page and the rules).

use super::{ConsultationState, DossierState, Proposal, StepState, UnitRef};
use crate::domain::channel::Channel;
use crate::domain::clock::ClockEvent;
use crate::domain::status::{Action, DossierStatus};
use crate::domain::supplement::OpenSupplement;
use crate::domain::text::unit_and_agency;
use crate::domain::workflow::{StepKind, Workflow};
use crate::read::desk::DeskDossierView;
use crate::read::handling::WorkflowStepView;

/// The workflow definition of the dossier's procedure version.
pub fn workflow(desk: &DeskDossierView) -> Workflow {
    workflow_of(&desk.workflow)
}

/// The workflow as the rules read it, from its steps as stored.
pub fn workflow_of(steps: &[WorkflowStepView]) -> Workflow {
    Workflow {
        steps: steps
            .iter()
            .filter_map(|s| {
                let kind = StepKind::parse(&s.kind)?;
                Some(crate::domain::workflow::StepDef {
                    kind,
                    agency: s.agency_code.clone(),
                    unit: s.unit_code.clone(),
                    allowance: s.allowance,
                })
            })
            .collect(),
    }
}

/// The clock's events from the history, in order (acceptances and supplement requests after
/// acceptance); and whether the apology slip was used since the last acceptance.
pub fn clock_events(desk: &DeskDossierView) -> (Vec<ClockEvent>, bool) {
    let paper = Channel::parse(&desk.dossier.channel).is_some_and(Channel::is_paper);
    let mut out = Vec::new();
    let mut apology_used = false;
    for e in &desk.dossier.events {
        match Action::parse(&e.action) {
            Some(Action::Accept) => {
                out.push(ClockEvent::Accepted { at: e.at_ms, paper });
                apology_used = false;
            }
            Some(Action::RequestSupplement) if e.from_status != Some(DossierStatus::Submitted) => {
                out.push(ClockEvent::SupplementRequested { at: e.at_ms })
            }
            Some(Action::Apologise) => apology_used = true,
            _ => {}
        }
    }
    (out, apology_used)
}

/// The specialist's opinion on the last appraisal and who gave it: the note without the
/// "refusal proposed" the history adds (events written before payloads kept it in the note).
pub fn appraisal_opinion(desk: &DeskDossierView) -> Option<(String, String)> {
    let e = desk.dossier.events.iter().rev().find(|e| e.action == Action::SubmitAppraisal.name())?;
    let note = match &e.payload {
        Some(crate::domain::event::Payload::Appraised { note, .. }) => note.clone(),
        Some(_) => return None,
        None => e.note.strip_prefix(REFUSAL_PREFIX).unwrap_or(&e.note).to_string(),
    };
    Some((note, e.actor_name.clone()))
}

/// How the history wrote a refusal proposal before events carried payloads.
const REFUSAL_PREFIX: &str = "Đề xuất từ chối: ";

/// The rules' view of a dossier read for the desk (Vietnamese names, as the history writes).
pub fn state_of(desk: &DeskDossierView) -> Result<DossierState, String> {
    let (clock_events, apology_used) = clock_events(desk);
    let status = desk.dossier.status;
    let channel = Channel::parse(&desk.dossier.channel).ok_or("unknown channel")?;
    let allowance = desk.allowance;
    let refusal_reason =
        desk.dossier.events.iter().rev().find(|e| e.action == Action::SubmitAppraisal.name()).and_then(|e| {
            match &e.payload {
                Some(p) => p.refusal_proposed().map(str::to_string),
                // Written before payloads existed: the note was "Đề xuất từ chối: <reason>".
                None => e.note.strip_prefix(REFUSAL_PREFIX).map(str::to_string),
            }
        });
    Ok(DossierState {
        code: desk.dossier.code.clone(),
        status,
        channel,
        applicant_id: desk.applicant_id,
        receiving_agency: desk.receiving_agency_code.clone(),
        current_agency: desk.current_agency_code.clone(),
        allowance,
        workflow: workflow(desk),
        step_names: desk.workflow.iter().map(|s| unit_and_agency(&s.unit.vi, &s.agency.vi)).collect(),
        position: desk.position.and_then(|p| usize::try_from(p).ok()),
        assignee: desk.assignee_id,
        steps: desk
            .steps
            .iter()
            .map(|s| StepState {
                position: usize::try_from(s.position).unwrap_or(usize::MAX),
                agency: s.agency_code.clone(),
                assignee: s.assignee_id,
                started_at: s.started_at_ms,
                due_at: s.due_at_ms,
                ended_at: s.ended_at_ms,
            })
            .collect(),
        due_at: desk.due_at_ms,
        proposal: desk.proposal.as_deref().and_then(Proposal::parse),
        refusal_reason,
        draft_result: desk.work_files.iter().rev().find(|f| f.kind == "draft-result").map(|f| f.file_name.clone()),
        event_count: desk.event_count,
        last_event_at: desk.dossier.events.iter().map(|e| e.at_ms).max().unwrap_or(i64::MIN),
        clock_events,
        apology_used,
        consultations: desk
            .consultations
            .iter()
            .map(|c| ConsultationState {
                id: c.id,
                agency: c.agency_code.clone(),
                unit: c.unit_code.clone(),
                label: unit_and_agency(&c.unit.vi, &c.agency.vi),
                answered: c.answer.is_some(),
            })
            .collect(),
        specialists: desk.specialists.clone(),
        units: desk
            .units
            .iter()
            .map(|u| UnitRef { agency: u.agency_code.clone(), unit: u.unit_code.clone(), label: u.label.vi.clone() })
            .collect(),
        form: desk.dossier.form.clone(),
        files: desk.dossier.files.clone(),
        required: Vec::new(),
        obligations: desk.dossier.obligations.clone(),
        fees: desk.fees.clone(),
        payments: desk.dossier.payments.clone(),
        rated: desk.dossier.events.iter().any(|e| e.action == Action::Rate.name()),
        answer_owed: answer_owed(&desk.dossier.events),
        awaiting_digitisation: awaiting_digitisation(&desk.dossier.events),
        supplement: desk.dossier.supplements.last().filter(|s| s.answered_at_ms.is_none()).map(|s| {
            let open = OpenSupplement { id: s.id, items: s.items.clone(), sent: s.sent_at_ms.is_some() };
            (open, s.reason.clone())
        }),
    })
}

/// The due time of the answer a rating calls for, while none was given.
pub fn answer_owed(events: &[crate::read::dossiers::EventView]) -> Option<i64> {
    if events.iter().any(|e| e.action == Action::AnswerRating.name()) {
        return None;
    }
    events.iter().find_map(|e| match &e.payload {
        Some(crate::domain::event::Payload::Rated { answer_due, .. }) => *answer_due,
        _ => None,
    })
}

/// Who signed the decision on paper, while its scan waits to be digitised: the last decision
/// was approved "on paper" and no digitisation came after it.
pub fn awaiting_digitisation(events: &[crate::read::dossiers::EventView]) -> Option<String> {
    for e in events.iter().rev() {
        if e.action == Action::DigitiseResult.name() {
            return None;
        }
        if e.action == Action::RecordResult.name() {
            return match &e.payload {
                Some(crate::domain::event::Payload::Approved { paper: true, .. }) => Some(e.actor_name.clone()),
                _ => None,
            };
        }
    }
    None
}
