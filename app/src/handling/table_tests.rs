//! Who may do what, when: every role × situation (status and running step) × command, planned
//! without a server. `ALLOWED` lists every permitted triple, written out by hand from the rules
//! of legal-notes §3; every other triple must be refused — as a conflict when the role does give
//! that command but the status does not allow it now (accepting twice), else as forbidden.

use super::*;
use crate::domain::channel::Channel;
use crate::domain::clock::{self, Allowance, Calendar, ClockEvent};
use crate::domain::role::{CurrentUser, Role};
use crate::domain::status::{transition, Action, DossierStatus as S};
use crate::domain::supplement::{ItemKind, OpenSupplement, SupplementItem};
use crate::domain::upload::StoredFile;
use crate::domain::vn_time::format_local_input;
use crate::domain::workflow::Workflow;

const DESK: &str = "000.20.01.H45";
const APPLICANT: i64 = 1;
const SPECIALIST: i64 = 11;

/// A status and, when one runs, the workflow step the dossier is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Situation {
    /// A draft for online submission.
    Draft,
    /// A paper dossier being entered at the desk.
    PaperDraft,
    Submitted,
    AcceptedAtDesk,
    AtAssignment,
    AtAppraisal,
    /// At the appraisal, with the specialist's drafted supplement request waiting for the leader.
    DraftSupplementAtAppraisal,
    AtReview,
    AtApproval,
    WaitingForSupplement,
    WaitingForPayment,
    ResultReady,
    Refused,
    Withdrawn,
    Stopped,
    Delivered,
}

use Situation as At;

const SITUATIONS: [Situation; 16] = [
    At::Draft,
    At::PaperDraft,
    At::Submitted,
    At::AcceptedAtDesk,
    At::AtAssignment,
    At::AtAppraisal,
    At::DraftSupplementAtAppraisal,
    At::AtReview,
    At::AtApproval,
    At::WaitingForSupplement,
    At::WaitingForPayment,
    At::ResultReady,
    At::Refused,
    At::Withdrawn,
    At::Stopped,
    At::Delivered,
];

/// The commands, by name, for the table.
const COMMANDS: [&str; 24] = [
    "submit",
    "accept",
    "refuse-at-reception",
    "transfer",
    "assign",
    "appraise",
    "approve",
    "send-back",
    "refuse-after-appraisal",
    "deliver",
    "apologise",
    "urge",
    "stop",
    "withdraw",
    "consult",
    "answer-consultation",
    "request-supplement",
    "send-supplement",
    "answer-supplement",
    "rate",
    "rate-at-desk",
    "revoke-result",
    "answer-rating",
    "digitise-result",
];

/// Every permitted (situation, command, role). Nothing else is.
const ALLOWED: &[(Situation, &str, Role)] = &[
    (At::Draft, "submit", Role::Citizen),
    (At::PaperDraft, "submit", Role::Reception),
    (At::Submitted, "accept", Role::Reception),
    (At::Submitted, "refuse-at-reception", Role::Reception),
    (At::Submitted, "withdraw", Role::Citizen),
    (At::Submitted, "withdraw", Role::Reception),
    (At::Submitted, "request-supplement", Role::Reception),
    (At::AcceptedAtDesk, "transfer", Role::Reception),
    (At::AcceptedAtDesk, "apologise", Role::Reception),
    (At::AcceptedAtDesk, "apologise", Role::DepartmentLeader),
    (At::AcceptedAtDesk, "apologise", Role::AgencyLeader),
    (At::AcceptedAtDesk, "urge", Role::DepartmentLeader),
    (At::AcceptedAtDesk, "urge", Role::AgencyLeader),
    (At::AcceptedAtDesk, "stop", Role::AgencyLeader),
    (At::AcceptedAtDesk, "withdraw", Role::Citizen),
    (At::AcceptedAtDesk, "withdraw", Role::Reception),
    (At::AtAssignment, "assign", Role::DepartmentLeader),
    (At::AtAssignment, "apologise", Role::Reception),
    (At::AtAssignment, "apologise", Role::DepartmentLeader),
    (At::AtAssignment, "apologise", Role::AgencyLeader),
    (At::AtAssignment, "urge", Role::DepartmentLeader),
    (At::AtAssignment, "urge", Role::AgencyLeader),
    (At::AtAssignment, "stop", Role::AgencyLeader),
    (At::AtAssignment, "answer-consultation", Role::AgencyLeader),
    (At::AtAssignment, "withdraw", Role::Citizen),
    (At::AtAssignment, "withdraw", Role::Reception),
    (At::AtAppraisal, "appraise", Role::Specialist),
    (At::AtAppraisal, "consult", Role::Specialist),
    (At::AtAppraisal, "apologise", Role::Reception),
    (At::AtAppraisal, "apologise", Role::DepartmentLeader),
    (At::AtAppraisal, "apologise", Role::AgencyLeader),
    (At::AtAppraisal, "urge", Role::DepartmentLeader),
    (At::AtAppraisal, "urge", Role::AgencyLeader),
    (At::AtAppraisal, "stop", Role::AgencyLeader),
    (At::AtAppraisal, "answer-consultation", Role::AgencyLeader),
    (At::AtAppraisal, "withdraw", Role::Citizen),
    (At::AtAppraisal, "withdraw", Role::Reception),
    (At::AtAppraisal, "request-supplement", Role::Specialist),
    (At::DraftSupplementAtAppraisal, "appraise", Role::Specialist),
    (At::DraftSupplementAtAppraisal, "consult", Role::Specialist),
    (At::DraftSupplementAtAppraisal, "send-supplement", Role::DepartmentLeader),
    (At::DraftSupplementAtAppraisal, "apologise", Role::Reception),
    (At::DraftSupplementAtAppraisal, "apologise", Role::DepartmentLeader),
    (At::DraftSupplementAtAppraisal, "apologise", Role::AgencyLeader),
    (At::DraftSupplementAtAppraisal, "urge", Role::DepartmentLeader),
    (At::DraftSupplementAtAppraisal, "urge", Role::AgencyLeader),
    (At::DraftSupplementAtAppraisal, "stop", Role::AgencyLeader),
    (At::DraftSupplementAtAppraisal, "answer-consultation", Role::AgencyLeader),
    (At::DraftSupplementAtAppraisal, "withdraw", Role::Citizen),
    (At::DraftSupplementAtAppraisal, "withdraw", Role::Reception),
    (At::AtReview, "approve", Role::DepartmentLeader),
    (At::AtReview, "send-back", Role::DepartmentLeader),
    (At::AtReview, "apologise", Role::Reception),
    (At::AtReview, "apologise", Role::DepartmentLeader),
    (At::AtReview, "apologise", Role::AgencyLeader),
    (At::AtReview, "urge", Role::DepartmentLeader),
    (At::AtReview, "urge", Role::AgencyLeader),
    (At::AtReview, "stop", Role::AgencyLeader),
    (At::AtReview, "answer-consultation", Role::AgencyLeader),
    (At::AtReview, "withdraw", Role::Citizen),
    (At::AtReview, "withdraw", Role::Reception),
    (At::AtApproval, "approve", Role::AgencyLeader),
    (At::AtApproval, "send-back", Role::AgencyLeader),
    (At::AtApproval, "refuse-after-appraisal", Role::AgencyLeader),
    (At::AtApproval, "apologise", Role::Reception),
    (At::AtApproval, "apologise", Role::DepartmentLeader),
    (At::AtApproval, "apologise", Role::AgencyLeader),
    (At::AtApproval, "urge", Role::DepartmentLeader),
    (At::AtApproval, "urge", Role::AgencyLeader),
    (At::AtApproval, "stop", Role::AgencyLeader),
    (At::AtApproval, "answer-consultation", Role::AgencyLeader),
    (At::AtApproval, "withdraw", Role::Citizen),
    (At::AtApproval, "withdraw", Role::Reception),
    (At::WaitingForSupplement, "withdraw", Role::Citizen),
    (At::WaitingForSupplement, "withdraw", Role::Reception),
    (At::WaitingForSupplement, "answer-supplement", Role::Citizen),
    (At::WaitingForSupplement, "answer-supplement", Role::Reception),
    (At::WaitingForPayment, "withdraw", Role::Citizen),
    (At::WaitingForPayment, "withdraw", Role::Reception),
    (At::ResultReady, "deliver", Role::Reception),
    (At::ResultReady, "revoke-result", Role::AgencyLeader),
    (At::Delivered, "revoke-result", Role::AgencyLeader),
    (At::Refused, "rate", Role::Citizen),
    (At::Refused, "rate-at-desk", Role::Reception),
    (At::Delivered, "rate", Role::Citizen),
    (At::Delivered, "rate-at-desk", Role::Reception),
    (At::Refused, "answer-rating", Role::AgencyLeader),
    (At::Delivered, "answer-rating", Role::AgencyLeader),
    (At::ResultReady, "digitise-result", Role::Reception),
    (At::Delivered, "digitise-result", Role::Reception),
];

/// Who ever gives each command, and the status action it stands for (written from the rules,
/// not read from the planner): a refusal to one of these roles is a conflict when the status
/// does not allow the action.
fn gives(command: &str) -> (&'static [Role], Action) {
    const LEADERS: &[Role] = &[Role::DepartmentLeader, Role::AgencyLeader];
    match command {
        "submit" => (&[Role::Citizen, Role::Reception], Action::Submit),
        "accept" => (&[Role::Reception], Action::Accept),
        "refuse-at-reception" => (&[Role::Reception], Action::Refuse),
        "transfer" => (&[Role::Reception], Action::Transfer),
        "deliver" => (&[Role::Reception], Action::Deliver),
        "assign" => (&[Role::DepartmentLeader], Action::Assign),
        "appraise" => (&[Role::Specialist], Action::SubmitAppraisal),
        "consult" => (&[Role::Specialist], Action::Consult),
        "approve" | "send-back" => (LEADERS, Action::Approve),
        "refuse-after-appraisal" => (LEADERS, Action::Refuse),
        "urge" => (LEADERS, Action::Urge),
        "apologise" => (&[Role::Reception, Role::DepartmentLeader, Role::AgencyLeader], Action::Apologise),
        "stop" => (&[Role::AgencyLeader], Action::Stop),
        "withdraw" => (&[Role::Citizen, Role::Reception], Action::Withdraw),
        "request-supplement" => (&[Role::Reception, Role::Specialist], Action::RequestSupplement),
        "send-supplement" => (&[Role::DepartmentLeader], Action::RequestSupplement),
        "answer-supplement" => (&[Role::Citizen, Role::Reception], Action::ReturnSupplement),
        "answer-consultation" => {
            (&[Role::Specialist, Role::DepartmentLeader, Role::AgencyLeader], Action::AnswerConsultation)
        }
        "rate" | "rate-at-desk" => (&[Role::Citizen, Role::Reception], Action::Rate),
        "revoke-result" => (&[Role::AgencyLeader], Action::RevokeResult),
        "answer-rating" => (&[Role::AgencyLeader], Action::AnswerRating),
        "digitise-result" => (&[Role::Reception], Action::DigitiseResult),
        other => panic!("no command {other}"),
    }
}

/// Monday 2 November 2026, 09:00 in Vietnam: accepted a week earlier, due in ten working days.
fn now() -> i64 {
    clock::at(2026, 11, 2, 9, 0)
}

fn accepted_at() -> i64 {
    clock::at(2026, 10, 26, 9, 0)
}

fn calendars() -> Calendars {
    Calendars::from([(DESK.to_string(), Calendar::standard())])
}

fn state(at: Situation) -> DossierState {
    let cal = Calendar::standard();
    let allowance = Allowance::WorkingDays(15_000);
    let workflow = Workflow::standard(DESK, DESK, "VP", allowance);
    let (status, position) = match at {
        At::Draft | At::PaperDraft => (S::Draft, None),
        At::Submitted => (S::Submitted, None),
        At::AcceptedAtDesk => (S::Accepted, Some(0)),
        At::AtAssignment => (S::InHandling, Some(1)),
        At::AtAppraisal | At::DraftSupplementAtAppraisal => (S::InHandling, Some(2)),
        At::AtReview => (S::InHandling, Some(3)),
        At::AtApproval => (S::InHandling, Some(4)),
        At::WaitingForSupplement => (S::SupplementRequested, None),
        At::WaitingForPayment => (S::PaymentRequested, Some(2)),
        At::ResultReady => (S::ResultReady, Some(5)),
        At::Refused => (S::Refused, None),
        At::Withdrawn => (S::Withdrawn, None),
        At::Stopped => (S::Stopped, None),
        At::Delivered => (S::Delivered, None),
    };
    let accepted = !matches!(status, S::Draft | S::Submitted);
    let due = clock::due(&cal, accepted_at(), allowance);
    DossierState {
        code: "000.20.01.H45-261026-0001".into(),
        status,
        channel: if at == At::PaperDraft { Channel::Counter } else { Channel::Online },
        applicant_id: APPLICANT,
        receiving_agency: DESK.into(),
        current_agency: DESK.into(),
        allowance,
        step_names: workflow.steps.iter().map(|s| format!("{} {}", s.unit, s.agency)).collect(),
        workflow,
        position,
        assignee: (position == Some(2)).then_some(SPECIALIST),
        steps: position
            .map(|p| StepState {
                position: p,
                agency: DESK.into(),
                assignee: (p == 2).then_some(SPECIALIST),
                started_at: accepted_at(),
                due_at: due,
                ended_at: None,
            })
            .into_iter()
            .collect(),
        due_at: accepted.then_some(due),
        proposal: (position >= Some(3)).then_some(Proposal::Result),
        refusal_reason: None,
        draft_result: (position >= Some(3)).then(|| "du-thao.pdf".into()),
        event_count: 7,
        last_event_at: accepted_at(),
        clock_events: if accepted {
            vec![ClockEvent::Accepted { at: accepted_at(), paper: false }]
        } else {
            Vec::new()
        },
        apology_used: false,
        consultations: vec![ConsultationState {
            id: 5,
            agency: DESK.into(),
            unit: "KT".into(),
            label: "Phòng Kinh tế".into(),
            answered: false,
        }],
        specialists: vec![(SPECIALIST, "Phan Văn Minh".into())],
        units: vec![UnitRef { agency: DESK.into(), unit: "KT".into(), label: "Phòng Kinh tế".into() }],
        form: std::collections::BTreeMap::new(),
        files: Vec::new(),
        required: Vec::new(),
        obligations: Vec::new(),
        fees: Vec::new(),
        payments: Vec::new(),
        rated: false,
        // Where a rating may be given, the table's dossier was rated with a comment whose answer
        // is owed (whether a rating may be given twice is the rating test's).
        answer_owed: matches!(status, S::Refused | S::Delivered).then_some(now()),
        // The table's decided dossiers were signed on paper, waiting to be digitised.
        awaiting_digitisation: matches!(status, S::ResultReady | S::Delivered).then(|| "Lãnh đạo".to_string()),
        supplement: (status == S::SupplementRequested || at == At::DraftSupplementAtAppraisal).then(|| {
            let items = vec![SupplementItem {
                kind: ItemKind::Field,
                target: "father".into(),
                label: "Họ tên cha".into(),
                note: String::new(),
            }];
            let sent = status == S::SupplementRequested;
            (OpenSupplement { id: 3, items, sent }, "Thiếu thông tin người cha".to_string())
        }),
    }
}

/// Someone of `role` where that role acts on this dossier: the applicant, or an officer of the
/// receiving agency in the competent unit (the specialist is the one assigned).
fn person(role: Role) -> CurrentUser {
    if role == Role::Citizen {
        return CurrentUser::citizen(APPLICANT, "Nguyễn Văn An".into());
    }
    let id = if role == Role::Specialist { SPECIALIST } else { 20 };
    let unit = if matches!(role, Role::Specialist | Role::DepartmentLeader) { "VP" } else { "" };
    CurrentUser { id, full_name: "Cán bộ".into(), role, agency_code: Some(DESK.into()), unit_code: unit.into() }
}

/// The command `name` with inputs that are valid, so that only who and when decide.
fn command(name: &str, state: &DossierState) -> Command {
    let reason = "Lý do đầy đủ theo quy định hiện hành".to_string();
    let draft = StoredFile {
        id: "f1".into(),
        component_id: 0,
        file_name: "du-thao.pdf".into(),
        content_type: "application/pdf".into(),
        size_bytes: 10,
        sha256: String::new(),
        storage_key: "k".into(),
        digitised: false,
        reused: None,
    };
    match name {
        "submit" => Command::Submit,
        "accept" => Command::Accept,
        "refuse-at-reception" => Command::RefuseAtReception { reason },
        "transfer" => Command::Transfer,
        "assign" => Command::Assign { specialist: SPECIALIST },
        "appraise" => {
            Command::Appraise { note: reason, propose_refusal: false, files: vec![("draft-result".into(), draft)] }
        }
        "approve" => Command::Approve { note: String::new(), paper: false },
        "send-back" => Command::SendBack { reason },
        "refuse-after-appraisal" => Command::RefuseAfterAppraisal { reason },
        "deliver" => Command::Deliver { channel: Channel::Counter },
        "apologise" => {
            let later = state.due_at.map(|d| d + 3 * 86_400_000).unwrap_or(now() + 30 * 86_400_000);
            Command::Apologise { new_due: format_local_input(later), reason }
        }
        "urge" => Command::Urge { note: reason },
        "stop" => Command::Stop { reason },
        "withdraw" => Command::Withdraw { reason },
        "consult" => Command::Consult { targets: vec![(DESK.into(), "KT".into())], days: "3".into(), question: reason },
        "answer-consultation" => Command::AnswerConsultation { id: 5, answer: reason },
        "request-supplement" => Command::RequestSupplement {
            reason,
            items: vec![SupplementItem {
                kind: ItemKind::Field,
                target: "father".into(),
                label: "Họ tên cha".into(),
                note: "sai chính tả".into(),
            }],
        },
        "send-supplement" => Command::SendSupplement,
        "answer-supplement" => Command::AnswerSupplement {
            form: std::collections::BTreeMap::from([("father".to_string(), "Nguyễn Văn Bình".to_string())]),
            files: Vec::new(),
        },
        "rate" | "rate-at-desk" => Command::Rate {
            input: crate::domain::rating::RatingInput {
                overall: "satisfied".into(),
                ease: "very-satisfied".into(),
                on_time: String::new(),
                attitude: "unsatisfied".into(),
                comment: "Cán bộ cần hướng dẫn rõ hơn".into(),
            },
            channel: if name == "rate" {
                crate::domain::rating::RatingChannel::Online
            } else {
                crate::domain::rating::RatingChannel::Paper
            },
        },
        "revoke-result" => Command::RevokeResult { reason, reissue: true, files: Vec::new() },
        "answer-rating" => Command::AnswerRating { answer: reason },
        "digitise-result" => Command::DigitiseResult {
            certification: "Bản quét đúng với bản chính do lãnh đạo ký".into(),
            files: vec![("draft-result".into(), draft)],
        },
        other => panic!("no command {other}"),
    }
}

fn outcome(r: &Result<StepPlan, Refusal>) -> &'static str {
    match r {
        Ok(_) => "allowed",
        Err(e) => e.kind(),
    }
}

#[test]
fn every_role_in_every_situation_may_give_exactly_the_allowed_commands() {
    let mut checked = 0;
    for at in SITUATIONS {
        let s = state(at);
        for name in COMMANDS {
            for role in Role::ALL {
                let result = plan(&s, &calendars(), &person(role), command(name, &s), &Backfill::default(), now());
                let (givers, action) = gives(name);
                let expected = if ALLOWED.contains(&(at, name, role)) {
                    "allowed"
                } else if givers.contains(&role) && transition(s.status, action).is_err() {
                    "conflict"
                } else {
                    "forbidden"
                };
                assert_eq!(outcome(&result), expected, "{role:?} gives {name} at {at:?}: {result:?}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 16 * 24 * 8);
}

#[test]
fn what_the_page_offers_is_what_the_planner_allows() {
    for at in SITUATIONS {
        let s = state(at);
        for role in Role::ALL {
            let can = available(&s, &person(role));
            let offered = [
                ("submit", can.submit),
                ("accept", can.receive),
                ("transfer", can.transfer),
                ("assign", can.assign),
                ("appraise", can.appraise),
                ("approve", can.decide),
                ("send-back", can.decide),
                ("refuse-after-appraisal", can.decisive),
                ("deliver", can.deliver),
                ("apologise", can.apologise),
                ("urge", can.urge),
                ("stop", can.stop),
                ("withdraw", can.withdraw),
                ("consult", can.consult),
                ("answer-consultation", can.answer.contains(&5)),
                ("request-supplement", can.request_supplement),
                ("send-supplement", can.send_supplement),
                ("answer-supplement", can.answer_supplement),
                // One flag; the channel goes with the role (online for the applicant).
                ("rate", can.rate && role == Role::Citizen),
                ("rate-at-desk", can.rate && role == Role::Reception),
            ];
            for (name, shown) in offered {
                assert_eq!(shown, ALLOWED.contains(&(at, name, role)), "{role:?} is offered {name} at {at:?}");
            }
        }
    }
}

#[test]
fn an_officer_of_another_agency_may_do_nothing() {
    for at in SITUATIONS {
        let s = state(at);
        for role in Role::OFFICERS {
            let stranger = CurrentUser { agency_code: Some("000.00.12.H45".into()), ..person(role) };
            for name in COMMANDS.into_iter().filter(|n| *n != "answer-consultation") {
                let r = plan(&s, &calendars(), &stranger, command(name, &s), &Backfill::default(), now());
                assert!(r.is_err(), "{role:?} of another agency gives {name} at {at:?}");
            }
        }
    }
}

#[test]
fn another_citizen_may_not_withdraw_the_applicants_dossier() {
    let s = state(At::AtAppraisal);
    let stranger = CurrentUser::citizen(99, "Người lạ".into());
    let r = plan(&s, &calendars(), &stranger, command("withdraw", &s), &Backfill::default(), now());
    assert_eq!(r.unwrap_err(), Refusal::Forbidden);
}

#[test]
fn a_decision_to_approve_at_the_last_approval_records_the_result_and_returns_to_the_desk() {
    let s = state(At::AtApproval);
    let p = plan(&s, &calendars(), &person(Role::AgencyLeader), command("approve", &s), &Backfill::default(), now())
        .unwrap();
    assert_eq!(p.action, Action::RecordResult);
    assert_eq!(p.changes.resolved_at, Some(now()));
    assert_eq!(p.open.as_ref().map(|o| (o.position, o.role)), Some((5, Role::Reception)));
    assert!(p.note.ends_with("Kết quả: du-thao.pdf"), "{}", p.note);
}

#[test]
fn approving_a_proposed_refusal_refuses_with_the_specialists_reason_and_issues_mau_03() {
    let mut s = state(At::AtApproval);
    s.proposal = Some(Proposal::Refuse);
    s.refusal_reason = Some("Không đủ điều kiện theo Điều 5".into());
    let p = plan(&s, &calendars(), &person(Role::AgencyLeader), command("approve", &s), &Backfill::default(), now())
        .unwrap();
    assert_eq!(p.action, Action::Refuse);
    assert_eq!(p.note, "Không đủ điều kiện theo Điều 5");
    assert_eq!(p.slip, Some("03"));
    assert_eq!(p.close, Some(StepOutcome::Refused));
}

#[test]
fn every_plan_counts_on_the_events_it_saw() {
    let s = state(At::Submitted);
    let p = plan(&s, &calendars(), &person(Role::Reception), Command::Accept, &Backfill::default(), now()).unwrap();
    assert_eq!(p.expected_count, 7, "a stale view meets a conflict in the store");
    assert_eq!(p.slip, Some("01"));
}

#[test]
fn a_back_filled_action_keeps_its_real_time_and_reason() {
    let s = state(At::AcceptedAtDesk);
    let b = Backfill {
        happened_at: Some(format_local_input(now() - 3_600_000)),
        backfill_reason: Some("Mất điện, hệ thống ngừng hoạt động".into()),
    };
    let p = plan(&s, &calendars(), &person(Role::Reception), Command::Transfer, &b, now()).unwrap();
    assert_eq!((p.at_ms, p.recorded_at_ms), (now() - 3_600_000, now()));
    assert_eq!(p.backfill_reason.as_deref(), Some("Mất điện, hệ thống ngừng hoạt động"));
    let future = Backfill { happened_at: Some(format_local_input(now() + 3_600_000)), ..b };
    let r = plan(&s, &calendars(), &person(Role::Reception), Command::Transfer, &future, now());
    assert_eq!(r.unwrap_err().kind(), "invalid");
}

#[test]
fn a_supplement_asked_during_handling_waits_for_the_unit_leader_before_it_goes_out() {
    let s = state(At::AtAppraisal);
    let p = plan(
        &s,
        &calendars(),
        &person(Role::Specialist),
        command("request-supplement", &s),
        &Backfill::default(),
        now(),
    )
    .unwrap();
    assert_eq!(p.action, Action::ProposeSupplement, "a draft: the dossier stays in handling");
    assert_eq!(p.close, None);
    assert!(matches!(p.supplement, Some(SupplementPlan::Ask { send: false, .. })));
    assert!(crate::policy::is_internal(p.action), "the applicant does not see the draft");
    let s = state(At::DraftSupplementAtAppraisal);
    let p =
        plan(&s, &calendars(), &person(Role::DepartmentLeader), Command::SendSupplement, &Backfill::default(), now())
            .unwrap();
    assert_eq!(p.action, Action::RequestSupplement);
    assert_eq!(p.close, Some(StepOutcome::Supplement), "the step ends; the dossier waits for the applicant");
    assert_eq!(p.supplement, Some(SupplementPlan::Send { id: 3 }));
    assert_eq!(p.slip, Some("02"));
}

#[test]
fn a_supplement_at_reception_goes_out_at_once_with_mau_02() {
    let s = state(At::Submitted);
    let p = plan(
        &s,
        &calendars(),
        &person(Role::Reception),
        command("request-supplement", &s),
        &Backfill::default(),
        now(),
    )
    .unwrap();
    assert_eq!(p.action, Action::RequestSupplement);
    assert!(matches!(p.supplement, Some(SupplementPlan::Ask { send: true, .. })));
    assert_eq!(p.note, "Lý do đầy đủ theo quy định hiện hành\n- Họ tên cha: sai chính tả");
}

#[test]
fn a_paper_supplement_entered_at_the_desk_returns_the_dossier_to_reception() {
    let s = state(At::WaitingForSupplement);
    let p =
        plan(&s, &calendars(), &person(Role::Reception), command("answer-supplement", &s), &Backfill::default(), now())
            .unwrap();
    assert_eq!(p.action, Action::ReturnSupplement);
    let Some(SupplementPlan::Answer { id, changes, .. }) = &p.supplement else { panic!("{p:?}") };
    assert_eq!((*id, changes[0].after.as_str()), (3, "Nguyễn Văn Bình"));
}

#[test]
fn a_back_fill_older_than_the_window_is_refused() {
    let s = DossierState { last_event_at: 0, ..state(At::AcceptedAtDesk) };
    let b = Backfill {
        happened_at: Some(format_local_input(now() - (BACKFILL_WINDOW_DAYS + 1) * 86_400_000)),
        backfill_reason: Some("Mất điện, hệ thống ngừng hoạt động".into()),
    };
    let r = plan(&s, &calendars(), &person(Role::Reception), Command::Transfer, &b, now());
    let Err(Refusal::Invalid { errors, .. }) = r else { panic!("{r:?}") };
    assert_eq!(errors[0].key, "error-backfill-too-old");
}

/// Fees exempted and payments refunded: who, when, and what the dossier becomes.
mod fee_decisions {
    use super::*;
    use crate::domain::event::Payload;
    use crate::domain::fees::{FeeDue, Obligation, ObligationState, PaymentMethod};
    use crate::read::dossiers::PaymentView;

    fn owed(seq: i64, due: FeeDue, state: ObligationState) -> Obligation {
        Obligation {
            seq,
            name_vi: format!("Phí {seq}"),
            amount_vnd: 10_000 * seq,
            due,
            collector_vi: "UBND".into(),
            state,
            note: String::new(),
        }
    }

    fn payment(txn_ref: &str, state: &str, method: PaymentMethod) -> PaymentView {
        PaymentView {
            txn_ref: txn_ref.into(),
            amount_vnd: 10_000,
            method,
            state: state.into(),
            reference: "14123456".into(),
            at_ms: accepted_at(),
            created_at_ms: accepted_at(),
            covers: vec![1],
            receipt: Some("2026-000001".into()),
            refunded_at_ms: None,
            refund_reason: String::new(),
        }
    }

    /// At `at`: obligation 1 paid (online), 2 owed with the submission, 3 asked at this step.
    fn with_fees(at: Situation) -> DossierState {
        let mut s = state(at);
        s.obligations = vec![
            owed(1, FeeDue::Submission, ObligationState::Paid),
            owed(2, FeeDue::Submission, ObligationState::Due),
            owed(3, FeeDue::Step, ObligationState::Due),
        ];
        s.payments = vec![payment("HS-1", "paid", PaymentMethod::Online)];
        s
    }

    fn exempt(seqs: Vec<i64>) -> Command {
        Command::Exempt { seqs, reason: "Người khuyết tật nặng, có giấy xác nhận".into() }
    }

    fn refund(txn: &str) -> Command {
        Command::Refund {
            txn_ref: txn.into(), reason: "Cơ quan không thể thực hiện".into(), gateway_no: "R1".into()
        }
    }

    fn give(at: Situation, role: Role, cmd: Command) -> Result<StepPlan, Refusal> {
        plan(&with_fees(at), &calendars(), &person(role), cmd, &Backfill::default(), now())
    }

    #[test]
    fn the_desk_exempts_while_the_dossier_is_open_the_specialist_while_appraising() {
        for at in SITUATIONS {
            for role in Role::ALL {
                let expected = match (at, role) {
                    (
                        At::Submitted
                        | At::AcceptedAtDesk
                        | At::AtAssignment
                        | At::AtAppraisal
                        | At::DraftSupplementAtAppraisal
                        | At::AtReview
                        | At::AtApproval
                        | At::WaitingForSupplement
                        | At::WaitingForPayment
                        | At::ResultReady,
                        Role::Reception,
                    ) => "allowed",
                    (At::AtAppraisal | At::DraftSupplementAtAppraisal, Role::Specialist) => "allowed",
                    (
                        At::Draft | At::PaperDraft | At::Refused | At::Withdrawn | At::Stopped | At::Delivered,
                        Role::Reception | Role::Specialist,
                    ) => "conflict",
                    _ => "forbidden",
                };
                let result = give(at, role, exempt(vec![2]));
                assert_eq!(outcome(&result), expected, "{role:?} exempts at {at:?}: {result:?}");
            }
        }
    }

    #[test]
    fn exempting_needs_a_choice_and_a_reason_and_only_what_is_owed() {
        let nothing = give(At::Submitted, Role::Reception, exempt(vec![]));
        assert!(
            matches!(nothing, Err(Refusal::Invalid { ref errors, .. }) if errors[0].field == "exempt"),
            "{nothing:?}"
        );
        let no_reason = give(At::Submitted, Role::Reception, Command::Exempt { seqs: vec![2], reason: " ".into() });
        assert!(
            matches!(no_reason, Err(Refusal::Invalid { ref errors, .. }) if errors[0].field == "exempt_reason"),
            "{no_reason:?}"
        );
        assert_eq!(outcome(&give(At::Submitted, Role::Reception, exempt(vec![1]))), "conflict", "paid: refund it");
        let p = give(At::Submitted, Role::Reception, exempt(vec![2, 2])).unwrap();
        assert_eq!(p.exempt.as_ref().map(|e| e.0.clone()), Some(vec![2]));
        assert_eq!(p.action, Action::Exempt);
    }

    #[test]
    fn exempting_everything_asked_at_status_6_lets_handling_resume() {
        let part = give(At::WaitingForPayment, Role::Reception, exempt(vec![3])).unwrap();
        assert_eq!(part.action, Action::Exempt, "the submission's fee is still owed");
        assert_eq!(transition(S::PaymentRequested, part.action), Ok(S::PaymentRequested));
        let all = give(At::WaitingForPayment, Role::Reception, exempt(vec![2, 3])).unwrap();
        assert_eq!(all.action, Action::ExemptAll);
        assert_eq!(transition(S::PaymentRequested, all.action), Ok(S::InHandling));
    }

    #[test]
    fn only_the_receiving_agencys_leader_refunds_at_any_stage_once() {
        for at in SITUATIONS {
            for role in Role::ALL {
                let expected = match (at, role) {
                    (At::Draft | At::PaperDraft, Role::AgencyLeader) => "conflict",
                    (_, Role::AgencyLeader) => "allowed",
                    _ => "forbidden",
                };
                let result = give(at, role, refund("HS-1"));
                assert_eq!(outcome(&result), expected, "{role:?} refunds at {at:?}: {result:?}");
            }
        }
        let mut s = with_fees(At::Refused);
        s.payments[0].state = "refunded".into();
        let twice = plan(&s, &calendars(), &person(Role::AgencyLeader), refund("HS-1"), &Backfill::default(), now());
        assert!(matches!(twice, Err(Refusal::Conflict(ref k)) if k == "error-not-refundable"), "{twice:?}");
        let unknown = give(At::Refused, Role::AgencyLeader, refund("HS-9"));
        assert!(matches!(unknown, Err(Refusal::NotFound)), "{unknown:?}");
        let mut elsewhere = person(Role::AgencyLeader);
        elsewhere.agency_code = Some("000.00.12.H45".into());
        let other =
            plan(&with_fees(At::Refused), &calendars(), &elsewhere, refund("HS-1"), &Backfill::default(), now());
        assert_eq!(outcome(&other), "forbidden");
        let p = give(At::Refused, Role::AgencyLeader, refund("HS-1")).unwrap();
        assert_eq!(p.refund.map(|r| r.gateway_no), Some("R1".into()));
        assert!(matches!(p.payload, Some(Payload::Refunded { amount_vnd: 10_000, .. })));
    }
}

fn rating(overall: &str) -> Command {
    Command::Rate {
        input: crate::domain::rating::RatingInput {
            overall: overall.into(),
            on_time: "unsatisfied".into(),
            comment: "  Trả kết quả chậm hai ngày ".into(),
            ..Default::default()
        },
        channel: crate::domain::rating::RatingChannel::Online,
    }
}

#[test]
fn the_applicant_rates_once_after_the_result_with_the_overall_rating() {
    use crate::domain::rating::{Level, RatingChannel};
    let s = state(At::Delivered);
    let applicant = person(Role::Citizen);
    let p = plan(&s, &calendars(), &applicant, rating("satisfied"), &Backfill::default(), now()).unwrap();
    let (r, channel) = p.rating.clone().unwrap();
    assert_eq!((r.overall, r.on_time, channel), (Level::Satisfied, Some(Level::Unsatisfied), RatingChannel::Online));
    assert_eq!(r.comment, "Trả kết quả chậm hai ngày");
    assert!(r.is_unsatisfied());
    assert!(matches!(p.payload, Some(crate::domain::event::Payload::Rated { .. })));
    assert_eq!(p.agency, DESK);
    // Without the overall rating: a message at its field, nothing planned.
    let e = plan(&s, &calendars(), &applicant, rating(""), &Backfill::default(), now()).unwrap_err();
    assert_eq!(e, Refusal::field("overall", "error-rating-overall-required"));
    // Twice: refused as rated already, also at the desk.
    let rated = DossierState { rated: true, ..state(At::Delivered) };
    let e = plan(&rated, &calendars(), &applicant, rating("satisfied"), &Backfill::default(), now()).unwrap_err();
    assert_eq!(e, Refusal::Conflict("error-rating-once".into()));
    assert!(!available(&rated, &applicant).rate && !available(&rated, &person(Role::Reception)).rate);
    // Before the result: not yet.
    let e = plan(&state(At::ResultReady), &calendars(), &applicant, rating("satisfied"), &Backfill::default(), now())
        .unwrap_err();
    assert_eq!(e, Refusal::Conflict("error-rating-not-yet".into()));
    // Someone else's dossier: as if it did not exist.
    let stranger = CurrentUser::citizen(99, "Người lạ".into());
    let e = plan(&s, &calendars(), &stranger, rating("satisfied"), &Backfill::default(), now()).unwrap_err();
    assert_eq!(e, Refusal::Forbidden);
    assert!(authorize(&stranger, &s).is_err());
}

#[test]
fn an_unsatisfied_rating_or_a_comment_is_answered_once_by_the_receiving_agency_leader_within_three_working_days() {
    use crate::domain::event::Payload;
    let s = DossierState { answer_owed: None, ..state(At::Delivered) };
    let applicant = person(Role::Citizen);
    // Unsatisfied with a comment: owed three working days later (Monday 09:00 → Thursday 09:00).
    let p = plan(&s, &calendars(), &applicant, rating("unsatisfied"), &Backfill::default(), now()).unwrap();
    let Some(Payload::Rated { answer_due, .. }) = &p.payload else { panic!("{:?}", p.payload) };
    assert_eq!(*answer_due, Some(clock::at(2026, 11, 5, 9, 0)));
    // Very satisfied without a comment: nothing to answer.
    let happy = Command::Rate {
        input: crate::domain::rating::RatingInput { overall: "very-satisfied".into(), ..Default::default() },
        channel: crate::domain::rating::RatingChannel::Online,
    };
    let p = plan(&s, &calendars(), &applicant, happy, &Backfill::default(), now()).unwrap();
    assert!(matches!(p.payload, Some(Payload::Rated { answer_due: None, .. })));

    let owed = DossierState { rated: true, answer_owed: Some(clock::at(2026, 11, 5, 9, 0)), ..state(At::Delivered) };
    let leader = person(Role::AgencyLeader);
    assert!(available(&owed, &leader).answer_rating);
    let answer = |text: &str| Command::AnswerRating { answer: text.into() };
    let p = plan(&owed, &calendars(), &leader, answer(" Đã nhắc nhở cán bộ. "), &Backfill::default(), now()).unwrap();
    assert_eq!(p.rating_answer.as_deref(), Some("Đã nhắc nhở cán bộ."));
    assert_eq!(p.payload, Some(Payload::RatingAnswered { answer: "Đã nhắc nhở cán bộ.".into() }));
    assert_eq!((p.action, p.agency.as_str()), (Action::AnswerRating, DESK));
    // An empty answer: its field's message.
    let e = plan(&owed, &calendars(), &leader, answer("  "), &Backfill::default(), now()).unwrap_err();
    assert!(matches!(&e, Refusal::Invalid { errors, .. } if errors[0].field == "rating_answer"), "{e:?}");
    // Answered already, or nothing owed: a conflict with its message.
    let e = plan(&s, &calendars(), &leader, answer("Trả lời"), &Backfill::default(), now()).unwrap_err();
    assert_eq!(e, Refusal::Conflict("error-rating-no-answer-owed".into()));
    // Nobody else answers: the applicant, the desk, a leader of another agency.
    for who in [applicant, person(Role::Reception), person(Role::DepartmentLeader)] {
        assert_eq!(
            plan(&owed, &calendars(), &who, answer("x"), &Backfill::default(), now()).unwrap_err(),
            Refusal::Forbidden
        );
    }
    let other = CurrentUser {
        id: 77,
        full_name: "Lãnh đạo khác".into(),
        role: Role::AgencyLeader,
        agency_code: Some("000.30.01.H45".into()),
        unit_code: String::new(),
    };
    assert!(!available(&owed, &other).answer_rating);
    assert_eq!(
        plan(&owed, &calendars(), &other, answer("x"), &Backfill::default(), now()).unwrap_err(),
        Refusal::Forbidden
    );
}

#[test]
fn a_result_signed_on_paper_is_digitised_at_the_desk_with_the_scan_and_the_certification() {
    use crate::domain::result::Origin;
    // At the decision, "signed on paper": the result is not issued by the system.
    let head = person(Role::AgencyLeader);
    let at_decision = state(At::AtApproval);
    let paper = Command::Approve { note: String::new(), paper: true };
    let p = plan(&at_decision, &calendars(), &head, paper, &Backfill::default(), now()).unwrap();
    assert_eq!((p.action, p.issue_result.is_none()), (Action::RecordResult, true));
    let signed = Command::Approve { note: String::new(), paper: false };
    let p = plan(&at_decision, &calendars(), &head, signed, &Backfill::default(), now()).unwrap();
    assert_eq!(p.issue_result.map(|r| r.origin), Some(Origin::Signed));

    let desk = person(Role::Reception);
    let ready = state(At::ResultReady);
    let scan = |s: &DossierState| command("digitise-result", s);
    let p = plan(&ready, &calendars(), &desk, scan(&ready), &Backfill::default(), now()).unwrap();
    assert_eq!(p.issue_result.as_ref().map(|r| r.origin), Some(Origin::Digitised));
    assert_eq!(
        p.issue_result.as_ref().map(|r| r.summary.clone()),
        Some("Bản quét đúng với bản chính do lãnh đạo ký".to_string())
    );
    assert_eq!(p.files.len(), 1);
    // The deciding agency's result, signed by the leader who signed the paper.
    assert_eq!(
        p.issue_result.as_ref().and_then(|r| r.issuer.clone()),
        Some((DESK.to_string(), "Lãnh đạo".to_string()))
    );
    // Without the scan and the certification: both messages at once.
    let bare = Command::DigitiseResult { certification: " ".into(), files: Vec::new() };
    let e = plan(&ready, &calendars(), &desk, bare, &Backfill::default(), now()).unwrap_err();
    let Refusal::Invalid { errors, .. } = e else { panic!("{e:?}") };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["certification", "file_0"]);
    // Signed electronically, or digitised already (a result revoked by its leader, one expired):
    // nothing for the desk to digitise — the leader's re-issue is the way to a new result.
    let issued = DossierState { awaiting_digitisation: None, ..state(At::ResultReady) };
    assert!(!available(&issued, &desk).digitise_result);
    let e = plan(&issued, &calendars(), &desk, scan(&issued), &Backfill::default(), now()).unwrap_err();
    assert_eq!(e, Refusal::Conflict("error-no-paper-result".into()));
}
