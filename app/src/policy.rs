//! Who may see what of a dossier. Every reader goes through here: the citizen's pages and JSON,
//! the desk, the public lookup, files, notifications, the handling layer.
//!
//! - The **applicant** sees their own dossier: its form and files, the decided result, and every
//!   action in its history, but not the officers' working notes (assignment, appraisal, review,
//!   urging, consultations), nor why an internal action was entered late, nor storage keys.
//! - An **officer** sees a dossier their agency received, holds, handled or was consulted on.
//!   The agency's **accountant** sees no dossier: only its payments' receipts and the
//!   reconciliation with the gateway.
//! - The **public** sees, by code, the status, stage, agency and due date; the masked name only
//!   with the dossier's lookup token.
//! - Anyone else: not found (a stranger cannot tell a dossier exists from one that does not).

use crate::domain::role::CurrentUser;
use crate::domain::status::Action;

/// How a viewer stands to a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The applicant: their own dossier, without the office's internal notes.
    Applicant,
    /// A person acting for the organisation the dossier was submitted for: what the applicant
    /// reads, and none of the applicant's actions (those stay with whoever submitted).
    Organisation,
    /// An officer of an agency involved in it: everything.
    Officer,
    /// Nothing beyond the public lookup.
    None,
}

/// The parties of a dossier, as the policy needs them.
#[derive(Clone, Copy)]
pub struct Parties<'a> {
    pub applicant_id: i64,
    /// The organisation it was submitted for, if any.
    pub organisation_id: Option<i64>,
    /// The organisations the viewer acts for (empty where only the applicant and officers read).
    pub viewer_acts_for: &'a [i64],
    /// Whether an agency received, holds, handled or was consulted on the dossier.
    pub involves: &'a dyn Fn(&str) -> bool,
}

pub fn access(viewer: Option<&CurrentUser>, parties: Parties) -> Access {
    let Some(v) = viewer else { return Access::None };
    if !v.role.is_officer() {
        return if v.id == parties.applicant_id {
            Access::Applicant
        } else if parties.organisation_id.is_some_and(|o| parties.viewer_acts_for.contains(&o)) {
            Access::Organisation
        } else {
            Access::None
        };
    }
    if !crate::domain::role::Role::READERS.contains(&v.role) {
        // The accountant reads payments and receipts, not dossiers.
        return Access::None;
    }
    match v.agency() {
        Some(agency) if (parties.involves)(agency) => Access::Officer,
        _ => Access::None,
    }
}

/// Whether a citizen reads a dossier from the applicant's side: they are its applicant, or act for
/// the organisation it was submitted for (`acts_for`: the organisations they act for).
pub fn citizen_reads(viewer: &CurrentUser, applicant_id: i64, organisation_id: Option<i64>, acts_for: &[i64]) -> bool {
    let nobody = |_: &str| false;
    let parties = Parties { applicant_id, organisation_id, viewer_acts_for: acts_for, involves: &nobody };
    matches!(access(Some(viewer), parties), Access::Applicant | Access::Organisation)
}

/// Actions whose notes are the office's working notes: the applicant sees that they happened,
/// not what was written.
pub fn is_internal(action: Action) -> bool {
    matches!(
        action,
        Action::Assign
            | Action::SubmitAppraisal
            | Action::Approve
            | Action::SendBack
            | Action::Urge
            | Action::Consult
            | Action::AnswerConsultation
            | Action::ProposeSupplement
    )
}

/// What of an event's note and back-fill reason the applicant may read.
pub fn applicant_sees_note(action: &str) -> bool {
    Action::parse(action).is_some_and(|a| !is_internal(a))
}

/// The applicant's copy of their dossier: the office's working notes, and why an internal action
/// was entered late, are taken out; no storage key leaves the server.
pub fn for_applicant(d: &mut crate::api::dossiers::DossierDetail) {
    for e in &mut d.events {
        if !applicant_sees_note(&e.action) {
            e.note.clear();
            e.payload = None;
            e.backfill_reason = None;
        }
    }
    for f in &mut d.files {
        f.storage_key.clear();
    }
}

/// The applicant's copy of their receipt (Mẫu 01): what the slip prints and nothing of the
/// office's work (steps, assignee, proposal, working files, opinions, who may be named).
pub fn receipt_for_applicant(d: &mut crate::read::desk::DeskDossierView) {
    for_applicant(&mut d.dossier);
    d.workflow.clear();
    d.steps.clear();
    d.position = None;
    d.assignee_id = None;
    d.proposal = None;
    d.work_files.clear();
    d.specialists.clear();
    d.consultations.clear();
    d.units.clear();
    d.actions = Default::default();
    d.urged_at_ms = None;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::role::Role;

    fn officer(agency: &str) -> CurrentUser {
        CurrentUser {
            id: 9,
            full_name: "Cán bộ".into(),
            role: Role::Specialist,
            agency_code: Some(agency.into()),
            unit_code: "VP".into(),
        }
    }

    fn parties(involves: &dyn Fn(&str) -> bool) -> Parties<'_> {
        Parties { applicant_id: 1, organisation_id: None, viewer_acts_for: &[], involves }
    }

    #[test]
    fn the_people_of_the_organisation_a_dossier_is_for_read_it_and_no_other_organisation_does() {
        let nobody = |_: &str| false;
        let for_org = |acts: &'static [i64]| Parties {
            applicant_id: 1,
            organisation_id: Some(7),
            viewer_acts_for: acts,
            involves: &nobody,
        };
        let member = CurrentUser::citizen(2, "Bình".into());
        assert_eq!(access(Some(&member), for_org(&[3, 7])), Access::Organisation);
        assert_eq!(access(Some(&member), for_org(&[3])), Access::None);
        assert_eq!(access(Some(&CurrentUser::citizen(1, "An".into())), for_org(&[])), Access::Applicant);
        // A dossier for oneself is nobody else's, whatever organisations they act for.
        assert_eq!(access(Some(&member), Parties { organisation_id: None, ..for_org(&[7]) }), Access::None);
        // Officers are officers: acting for an organisation gives an officer nothing.
        assert_eq!(access(Some(&officer("000.00.12.H45")), for_org(&[7])), Access::None);
    }

    #[test]
    fn the_applicant_reads_their_own_dossier_and_no_one_else_does_as_a_citizen() {
        let only_dong_ha = |a: &str| a == "000.20.01.H45";
        assert_eq!(access(Some(&CurrentUser::citizen(1, "An".into())), parties(&only_dong_ha)), Access::Applicant);
        assert_eq!(access(Some(&CurrentUser::citizen(2, "Bình".into())), parties(&only_dong_ha)), Access::None);
        assert_eq!(access(None, parties(&only_dong_ha)), Access::None);
    }

    #[test]
    fn officers_read_only_dossiers_their_agency_is_involved_in() {
        let only_dong_ha = |a: &str| a == "000.20.01.H45";
        assert_eq!(access(Some(&officer("000.20.01.H45")), parties(&only_dong_ha)), Access::Officer);
        assert_eq!(access(Some(&officer("000.00.12.H45")), parties(&only_dong_ha)), Access::None);
    }

    #[test]
    fn an_officer_without_an_agency_reads_nothing() {
        let any = |_: &str| true;
        let lost = CurrentUser { agency_code: None, ..officer("x") };
        assert_eq!(access(Some(&lost), parties(&any)), Access::None);
    }

    #[test]
    fn working_notes_stay_inside_and_decisions_reach_the_applicant() {
        for a in [Action::Assign, Action::SubmitAppraisal, Action::Urge, Action::Consult, Action::AnswerConsultation] {
            assert!(is_internal(a), "{a:?}");
        }
        for a in [Action::Accept, Action::Refuse, Action::RequestSupplement, Action::Apologise, Action::Deliver] {
            assert!(!is_internal(a), "{a:?}");
        }
        assert!(!applicant_sees_note("unknown-action"), "an unknown action shows nothing");
    }
}
