//! Submission: a draft becomes a dossier. Online, its applicant submits it; on paper, the
//! receiving desk enters it and accepts it at once (Mẫu 01) — both events planned here and
//! written by the store in one transaction, so a counter dossier never waits half-entered.

use super::command::{Backfill, Command};
use super::plan::{plan, StepPlan};
use super::refusal::Refusal;
use super::state::{Calendars, DossierState};
use crate::domain::channel::Channel;
use crate::domain::clock::Allowance;
use crate::domain::role::CurrentUser;
use crate::domain::status::{transition, DossierStatus};
use crate::domain::upload::StoredFile;
use crate::domain::workflow::Workflow;
use crate::domain::FieldError;
use std::collections::BTreeMap;

/// What the rules need to know about the procedure a draft is for (its current version).
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureRules {
    pub receiving_agency: String,
    pub allowance: Allowance,
    pub workflow: Workflow,
    /// "unit, agency" of each workflow step, as the history names it.
    pub step_names: Vec<String>,
    /// The components a submission needs a file for.
    pub required: Vec<i64>,
}

impl DossierState {
    /// A draft not yet submitted (or the row a resent form finds submitted already, with
    /// `status`): its procedure's rules, its applicant, channel and files so far.
    pub fn draft(
        rules: ProcedureRules,
        status: DossierStatus,
        applicant_id: i64,
        channel: Channel,
        form: BTreeMap<String, String>,
        files: Vec<StoredFile>,
    ) -> DossierState {
        DossierState {
            code: String::new(),
            status,
            channel,
            applicant_id,
            current_agency: rules.receiving_agency.clone(),
            receiving_agency: rules.receiving_agency,
            allowance: rules.allowance,
            workflow: rules.workflow,
            step_names: rules.step_names,
            position: None,
            assignee: None,
            steps: Vec::new(),
            due_at: None,
            proposal: None,
            refusal_reason: None,
            draft_result: None,
            event_count: 0,
            last_event_at: i64::MIN,
            clock_events: Vec::new(),
            apology_used: false,
            consultations: Vec::new(),
            specialists: Vec::new(),
            units: Vec::new(),
            form,
            files,
            supplement: None,
            required: rules.required,
            obligations: Vec::new(),
            fees: Vec::new(),
            payments: Vec::new(),
            rated: false,
            answer_owed: None,
            awaiting_digitisation: None,
        }
    }

    /// The state after `p` is carried out, as far as planning a next action in the same
    /// transaction needs: the status, the event count, the time of the last event and the
    /// dossier's own columns.
    pub fn after(&self, p: &StepPlan) -> Result<DossierState, Refusal> {
        let mut s = self.clone();
        s.status = transition(self.status, p.action).map_err(|_| Refusal::illegal())?;
        s.event_count += 1;
        s.last_event_at = p.at_ms;
        s.due_at = p.changes.due_at.or(s.due_at);
        if let Some(o) = &p.open {
            s.position = Some(o.position);
            s.current_agency = o.agency.clone();
            s.assignee = o.assignee;
        }
        Ok(s)
    }
}

/// The note on the submission event of a paper dossier entered at the desk.
pub fn intake_note(channel: Channel) -> String {
    let how = match channel {
        Channel::Postal => "qua dịch vụ bưu chính công ích",
        _ => "trực tiếp tại Bộ phận Một cửa",
    };
    format!("Tiếp nhận hồ sơ giấy {how}; các thành phần hồ sơ đã được số hóa")
}

/// Every required component without a file, as field errors next to its input.
pub fn missing_files(state: &DossierState) -> Vec<FieldError> {
    state
        .required
        .iter()
        .filter(|id| !state.files.iter().any(|f| f.component_id == **id))
        .map(|id| FieldError::new(format!("file_{id}"), "error-file-required"))
        .collect()
}

/// Plans a submission: by its applicant online, or by the receiving desk for a paper dossier,
/// which accepts it in the same transaction (the receipt is Mẫu 01). A desk entry may be
/// back-filled (paper received while the system was down); both events then carry that time.
pub fn plan_submission(
    state: &DossierState,
    cals: &Calendars,
    user: &CurrentUser,
    backfill: &Backfill,
    now: i64,
) -> Result<Vec<StepPlan>, Refusal> {
    let submitted = plan(state, cals, user, Command::Submit, backfill, now)?;
    if !state.channel.is_paper() {
        return Ok(vec![submitted]);
    }
    let accepted = plan(&state.after(&submitted)?, cals, user, Command::Accept, backfill, now)?;
    Ok(vec![submitted, accepted])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::{self, Calendar};
    use crate::domain::role::Role;
    use crate::domain::status::Action;
    use crate::domain::vn_time::format_local_input;

    const DESK: &str = "000.20.01.H45";

    fn now() -> i64 {
        clock::at(2026, 11, 2, 9, 0)
    }

    fn draft(channel: Channel, files: &[i64]) -> DossierState {
        let allowance = Allowance::WorkingDays(5_000);
        let rules = ProcedureRules {
            receiving_agency: DESK.into(),
            allowance,
            workflow: Workflow::standard(DESK, DESK, "VP", allowance),
            step_names: Vec::new(),
            required: vec![3, 4],
        };
        let files = files
            .iter()
            .map(|c| StoredFile {
                id: format!("f{c}"),
                component_id: *c,
                file_name: "giay-to.pdf".into(),
                content_type: "application/pdf".into(),
                size_bytes: 10,
                sha256: String::new(),
                storage_key: String::new(),
                digitised: channel.is_paper(),
                reused: None,
            })
            .collect();
        DossierState::draft(rules, DossierStatus::Draft, 1, channel, BTreeMap::new(), files)
    }

    fn desk() -> CurrentUser {
        CurrentUser {
            id: 20,
            full_name: "Cán bộ một cửa".into(),
            role: Role::Reception,
            agency_code: Some(DESK.into()),
            unit_code: String::new(),
        }
    }

    fn cals() -> Calendars {
        Calendars::from([(DESK.to_string(), Calendar::standard())])
    }

    #[test]
    fn an_online_applicant_submits_only_with_every_required_file() {
        let me = CurrentUser::citizen(1, "Nguyễn Văn An".into());
        let missing = plan_submission(&draft(Channel::Online, &[3]), &cals(), &me, &Backfill::default(), now());
        match missing {
            Err(Refusal::Invalid { errors, .. }) => {
                assert_eq!(errors, vec![FieldError::new("file_4", "error-file-required")])
            }
            other => panic!("{other:?}"),
        }
        let plans =
            plan_submission(&draft(Channel::Online, &[3, 4]), &cals(), &me, &Backfill::default(), now()).unwrap();
        assert_eq!(plans.len(), 1);
        assert_eq!((plans[0].action, plans[0].at_ms, plans[0].expected_count), (Action::Submit, now(), 0));
        // Somebody else's draft is not theirs to submit.
        let stranger = CurrentUser::citizen(2, "Trần Thị Bình".into());
        let r = plan_submission(&draft(Channel::Online, &[3, 4]), &cals(), &stranger, &Backfill::default(), now());
        assert!(matches!(r, Err(Refusal::Forbidden)));
        // Nor may the desk submit an online draft, nor an applicant back-date one.
        assert!(
            plan_submission(&draft(Channel::Online, &[3, 4]), &cals(), &desk(), &Backfill::default(), now()).is_err()
        );
        let back = Backfill {
            happened_at: Some(format_local_input(now() - 3_600_000)),
            backfill_reason: Some("Hệ thống gián đoạn buổi sáng".into()),
        };
        assert!(plan_submission(&draft(Channel::Online, &[3, 4]), &cals(), &me, &back, now()).is_err());
    }

    #[test]
    fn paper_entered_at_the_desk_is_submitted_and_accepted_in_one_plan() {
        let plans =
            plan_submission(&draft(Channel::Counter, &[3, 4]), &cals(), &desk(), &Backfill::default(), now()).unwrap();
        let actions: Vec<Action> = plans.iter().map(|p| p.action).collect();
        assert_eq!(actions, [Action::Submit, Action::Accept]);
        assert_eq!(plans[0].note, intake_note(Channel::Counter));
        assert_eq!(plans[1].expected_count, 1, "the acceptance follows the submission");
        assert_eq!(plans[1].slip, Some("01"));
        let due = plans[1].changes.due_at.expect("an appointment");
        assert_eq!(due, clock::due(&Calendar::standard(), now(), Allowance::WorkingDays(5_000)));
        assert_eq!(plans[1].open.as_ref().map(|o| o.position), Some(0));
    }

    #[test]
    fn paper_entered_afterwards_carries_the_real_time_on_both_events() {
        let then = now() - 26 * 3_600_000;
        let back = Backfill {
            happened_at: Some(format_local_input(then)),
            backfill_reason: Some("Mất điện cả buổi chiều".into()),
        };
        let plans = plan_submission(&draft(Channel::Postal, &[3, 4]), &cals(), &desk(), &back, now()).unwrap();
        assert!(plans.iter().all(|p| p.at_ms == then && p.recorded_at_ms == now() && p.backfill_reason.is_some()));
        assert_eq!(plans[0].note, intake_note(Channel::Postal));
        // Beyond the window the record would no longer tell the truth of the day.
        let old = Backfill {
            happened_at: Some(format_local_input(now() - 40 * 86_400_000)),
            backfill_reason: Some("Mất điện cả buổi chiều".into()),
        };
        match plan_submission(&draft(Channel::Counter, &[3, 4]), &cals(), &desk(), &old, now()) {
            Err(Refusal::Invalid { errors, .. }) => assert_eq!(errors[0].key, "error-backfill-too-old"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_resent_form_finds_nothing_to_submit_twice() {
        let mut s = draft(Channel::Online, &[3, 4]);
        s.status = DossierStatus::Submitted;
        let me = CurrentUser::citizen(1, "Nguyễn Văn An".into());
        assert!(matches!(plan_submission(&s, &cals(), &me, &Backfill::default(), now()), Err(Refusal::Conflict(_))));
    }
}
