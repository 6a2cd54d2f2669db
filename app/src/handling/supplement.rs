//! Planning the supplement commands: asking (at reception, or drafted during handling), sending
//! a draft, and answering (online or on paper at the desk).

use super::plan::{Ctx, StepPlan, SupplementPlan};
use super::refusal::Refusal;
use super::state::StepOutcome;
use crate::domain::event::Payload;
use crate::domain::reason::Reason;
use crate::domain::status::{Action, DossierStatus};
use crate::domain::supplement::{answer_changes, request_note, AnswerRefusal, SupplementItem};
use crate::domain::upload::StoredFile;
use crate::domain::FieldError;

/// A supplement request naming every item at once (Mẫu 02) [HDL-C]. At reception it goes out at
/// once; during handling it is the specialist's draft, which the unit leader sends.
pub(super) fn request_supplement(
    cx: &Ctx,
    mut p: StepPlan,
    r: String,
    items: Vec<SupplementItem>,
) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.request_supplement)?;
    let mut errors = Vec::new();
    let reason = Reason::parse("supplement_reason", &r).map_err(|e| errors.push(e)).ok();
    if items.is_empty() {
        errors.push(FieldError::new("items", "error-supplement-items"));
    }
    if items.iter().any(|i| i.note.chars().count() > 500) {
        errors.push(FieldError::new("items", "error-too-long"));
    }
    let Some(reason) = reason.filter(|_| errors.is_empty()) else {
        return Err(Refusal::fields(errors).with_values(vec![("supplement_reason".into(), r.trim().to_string())]));
    };
    let send = cx.state.status == DossierStatus::Submitted;
    p.note = request_note(reason.as_str(), &items);
    p.payload = Some(Payload::Supplement { reason: reason.to_string(), items: items.clone() });
    if send {
        p.action = Action::RequestSupplement;
        p.slip = Some("02");
        // No step runs at reception; the dossier stays at the receiving desk's side.
        p.close = Some(StepOutcome::Supplement);
    } else {
        p.action = Action::ProposeSupplement;
    }
    p.supplement = Some(SupplementPlan::Ask { reason: reason.into_string(), items, send });
    Ok(p)
}

/// The unit leader sends the drafted request: the running step ends, the dossier waits for the
/// applicant on the receiving desk's side, and the complete dossier comes back to that desk,
/// whose acceptance restarts the allowance from zero [HD-04].
pub(super) fn send_supplement(cx: &Ctx, mut p: StepPlan) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.send_supplement)?;
    let (open, reason) = cx.state.supplement.as_ref().ok_or_else(Refusal::illegal)?;
    p.note = request_note(reason, &open.items);
    p.payload = Some(Payload::Supplement { reason: reason.clone(), items: open.items.clone() });
    p.close = Some(StepOutcome::Supplement);
    p.slip = Some("02");
    p.supplement = Some(SupplementPlan::Send { id: open.id });
    Ok(p)
}

/// The answer to the open request: exactly the requested items, before and after; the dossier
/// returns to the receiving desk (status 1).
pub(super) fn answer_supplement(
    cx: &Ctx,
    mut p: StepPlan,
    form: std::collections::BTreeMap<String, String>,
    files: Vec<StoredFile>,
) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.answer_supplement)?;
    let s = cx.state;
    let (open, _) = s.supplement.as_ref().ok_or_else(Refusal::illegal)?;
    let changes = answer_changes(&open.items, &s.form, &form, &s.files, &files).map_err(|refusals| {
        let errors = refusals
            .into_iter()
            .map(|r| match r {
                AnswerRefusal::NotAsked { component } => {
                    FieldError::new(format!("file_{component}"), "error-not-asked")
                }
                AnswerRefusal::FileMissing { field } => FieldError::new(field, "error-file-required"),
            })
            .collect();
        Refusal::fields(errors)
    })?;
    p.agency = s.receiving_agency.clone();
    let labels: Vec<String> = changes.iter().map(|c| c.label.clone()).collect();
    p.note = labels.join("; ");
    p.payload = Some(Payload::Supplemented { labels });
    p.supplement = Some(SupplementPlan::Answer { id: open.id, form, changes, files });
    Ok(p)
}
