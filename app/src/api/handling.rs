//! Handling a dossier after reception (legal-notes §3.5–3.7): transfer to the competent unit,
//! assignment, appraisal with the draft result, review and approval or sending back, the result
//! (status 9) and its delivery (status 10); refusal after appraisal, stop, the apology slip
//! (Mẫu 04), urging, and back-filled actions. Every action is planned here from the dossier, the
//! workflow and the clock, then carried out by the store in one transaction.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A step of the dossier's workflow, with names for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowStepView {
    pub kind: String,
    pub agency_code: String,
    pub agency: String,
    pub unit_code: String,
    pub unit: String,
    pub amount: String,
    pub allowance_unit: String,
}

/// A step the dossier went through: who held it, from when to when, due when, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    pub position: i64,
    pub kind: String,
    pub agency_code: String,
    pub agency: String,
    pub unit: String,
    pub assignee_id: Option<i64>,
    pub assignee: Option<String>,
    pub started_at_ms: i64,
    pub due_at_ms: i64,
    pub ended_at_ms: Option<i64>,
    pub ended_by: Option<String>,
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkFileView {
    pub id: String,
    /// `draft-result`, `verification` or `result`.
    pub kind: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub created_at_ms: i64,
    pub created_by: String,
}

/// What the signed-in officer may do with the dossier now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Available {
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
}

/// The dossier's clock as the desk shows it, computed on the calendars of the agencies involved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockView {
    /// Working minutes in a day on the receiving agency's calendar.
    pub day_minutes: i64,
    /// Working minutes left until the due date (negative when overdue); none when not running.
    pub left_minutes: Option<i64>,
    /// Per step, in the order of `steps`: allowance and spend in working minutes, and the
    /// timeliness key once the step ended.
    pub steps: Vec<StepClockView>,
    /// Early, on time or late for the whole dossier once resolved.
    pub timeliness: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepClockView {
    pub allowance_minutes: i64,
    pub spent_minutes: i64,
    pub timeliness: Option<String>,
}

/// "2 ngày 3 giờ 15 phút" of working time, in the days of a calendar of `day_minutes`.
pub fn working_time_text(i18n: &crate::i18n::I18n, minutes: i64, day_minutes: i64) -> String {
    let m = minutes.abs();
    let (d, rest) = if day_minutes > 0 { (m / day_minutes, m % day_minutes) } else { (0, m) };
    let (h, mi) = (rest / 60, rest % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(i18n.t_args("time-days", &[("n", d.to_string())]));
    }
    if h > 0 {
        parts.push(i18n.t_args("time-hours", &[("n", h.to_string())]));
    }
    if mi > 0 || parts.is_empty() {
        parts.push(i18n.t_args("time-minutes", &[("n", mi.to_string())]));
    }
    parts.join(" ")
}

pub const DELIVERIES: [&str; 3] = ["counter", "post", "online"];
pub const LEADERS: [&str; 2] = ["department-leader", "agency-leader"];
/// The roles that answer a consultation for their unit (an agency leader for any unit).
pub const CONSULTED: [&str; 3] = ["specialist", "department-leader", "agency-leader"];

/// Optional back-filling fields on every handling form: when it really happened and why it is
/// entered only now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backfill {
    pub happened_at: Option<String>,
    pub backfill_reason: Option<String>,
}

/// Transfers an accepted dossier to the competent unit (the next workflow step).
#[server(prefix = "/api", endpoint = "desk/transfer")]
pub async fn desk_transfer(
    code: String,
    happened_at: Option<String>,
    backfill_reason: Option<String>,
) -> Result<(), AppError> {
    ssr::act(&code, ssr::Command::Transfer, Backfill { happened_at, backfill_reason }).await
}

/// The unit leader assigns a specialist.
#[server(prefix = "/api", endpoint = "desk/assign")]
pub async fn desk_assign(
    code: String,
    specialist: String,
    happened_at: Option<String>,
    backfill_reason: Option<String>,
) -> Result<(), AppError> {
    let specialist = specialist.trim().parse::<i64>().map_err(|_| AppError::field("specialist", "error-required"))?;
    ssr::act(&code, ssr::Command::Assign { specialist }, Backfill { happened_at, backfill_reason }).await
}

/// The specialist records the appraisal with the draft result (multipart: `code`, `note`,
/// `proposal` = `result` | `refuse`, `file_0` the draft result, `file_1` a verification record,
/// and the back-filling fields).
#[server(prefix = "/api", endpoint = "desk/appraise", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn desk_appraise(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    ssr::appraise(data).await
}

/// Review or approval: `decision` = `approve` | `send-back` | `refuse`, with a reason to send back
/// or refuse.
#[server(prefix = "/api", endpoint = "desk/decide")]
pub async fn desk_decide(
    code: String,
    decision: String,
    reason: Option<String>,
    happened_at: Option<String>,
    backfill_reason: Option<String>,
) -> Result<(), AppError> {
    let reason = reason.unwrap_or_default();
    let cmd = match decision.as_str() {
        "approve" => ssr::Command::Approve { note: reason },
        "send-back" => ssr::Command::SendBack { reason },
        "refuse" => ssr::Command::RefuseAfterAppraisal { reason },
        _ => return Err(AppError::field("decision", "error-required")),
    };
    ssr::act(&code, cmd, Backfill { happened_at, backfill_reason }).await
}

/// The desk hands the result over: at the counter, by post or online (status 10).
#[server(prefix = "/api", endpoint = "desk/deliver")]
pub async fn desk_deliver(
    code: String,
    delivery: String,
    happened_at: Option<String>,
    backfill_reason: Option<String>,
) -> Result<(), AppError> {
    ssr::act(&code, ssr::Command::Deliver { delivery }, Backfill { happened_at, backfill_reason }).await
}

/// The apology slip (Mẫu 04): a new appointment, once, at the latest the working day before the
/// due date, with the reason for the delay.
#[server(prefix = "/api", endpoint = "desk/apologise")]
pub async fn desk_apologise(code: String, new_due: String, reason: String) -> Result<(), AppError> {
    ssr::act(&code, ssr::Command::Apologise { new_due, reason }, Backfill::default()).await
}

/// A leader urges (đôn đốc) the unit holding the dossier; recorded in the history.
#[server(prefix = "/api", endpoint = "desk/urge")]
pub async fn desk_urge(code: String, note: String) -> Result<(), AppError> {
    ssr::act(&code, ssr::Command::Urge { note }, Backfill::default()).await
}

/// The agency leader stops handling with a notice (status 8).
#[server(prefix = "/api", endpoint = "desk/stop")]
pub async fn desk_stop(code: String, reason: String) -> Result<(), AppError> {
    ssr::act(&code, ssr::Command::Stop { reason }, Backfill::default()).await
}

/// The citizen withdraws their dossier (status 7) while it is not decided.
#[server(prefix = "/api", endpoint = "dossiers/withdraw")]
pub async fn withdraw_dossier(code: String, reason: String) -> Result<(), AppError> {
    ssr::withdraw(&code, reason).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{Available, Backfill, CONSULTED, DELIVERIES, LEADERS};
    use crate::api::ctx;
    use crate::api::desk::DeskDossierView;
    use crate::api::dossiers::StoredFile;
    use crate::domain::clock::{self, Calendar, ClockEvent};
    use crate::domain::status::Action;
    use crate::domain::vn_time::{format_vn, parse_local};
    use crate::domain::workflow::{may_act, Actor, Current, Next, Outcome, StepDef, StepKind, Workflow};
    use crate::domain::FieldError;
    use crate::error::AppError;
    use crate::ports::{CurrentUser, DossierChanges, OpenStep, StepPlan};
    use std::collections::BTreeMap;

    #[derive(Debug, Clone)]
    pub enum Command {
        Accept,
        RefuseAtReception {
            reason: String,
        },
        Transfer,
        Assign {
            specialist: i64,
        },
        Appraise {
            note: String,
            propose_refusal: bool,
            files: Vec<(String, StoredFile)>,
        },
        Approve {
            note: String,
        },
        SendBack {
            reason: String,
        },
        RefuseAfterAppraisal {
            reason: String,
        },
        Deliver {
            delivery: String,
        },
        Apologise {
            new_due: String,
            reason: String,
        },
        Urge {
            note: String,
        },
        Stop {
            reason: String,
        },
        Withdraw {
            reason: String,
        },
        /// Ask `targets` (agency, unit) for their opinion within `days` working days.
        Consult {
            targets: Vec<(String, String)>,
            days: String,
            question: String,
        },
        AnswerConsultation {
            id: i64,
            answer: String,
        },
    }

    /// The workflow definition of the dossier's procedure version.
    pub fn workflow(desk: &DeskDossierView) -> Workflow {
        Workflow {
            steps: desk
                .workflow
                .iter()
                .filter_map(|s| {
                    let kind = StepKind::parse(&s.kind)?;
                    let a = clock::Allowance::parse(&s.amount, &s.allowance_unit)?;
                    Some(StepDef {
                        kind,
                        agency: s.agency_code.clone(),
                        unit: s.unit_code.clone(),
                        allowance: crate::domain::workflow::StepAllowance::from_clock(a),
                    })
                })
                .collect(),
        }
    }

    fn current_step<'a>(wf: &'a Workflow, desk: &DeskDossierView) -> Option<(usize, Current<'a>)> {
        let position = usize::try_from(desk.position?).ok()?;
        let step = wf.step(position)?;
        Some((position, Current { step, assignee: desk.assignee_id }))
    }

    fn actor(user: &CurrentUser) -> Option<Actor<'_>> {
        Some(Actor { id: user.id, role: &user.role, agency: user.agency_code.as_deref()?, unit: &user.unit_code })
    }

    /// What `user` may do with the dossier now: the same rules the actions check.
    pub fn available(desk: &DeskDossierView, user: &CurrentUser) -> Available {
        let Some(me) = actor(user) else { return Available::default() };
        let wf = workflow(desk);
        let status = desk.dossier.status;
        let at_step = current_step(&wf, desk).filter(|(_, c)| may_act(c, &me));
        let kind = at_step.as_ref().map(|(_, c)| c.step.kind);
        let receiving_desk = me.role == "reception" && me.agency == desk.receiving_agency_code;
        let leader_here = LEADERS.contains(&me.role)
            && (me.agency == desk.current_agency_code || me.agency == desk.receiving_agency_code);
        let running = matches!(status, 2 | 4);
        Available {
            receive: status == 1 && receiving_desk,
            transfer: status == 2 && kind == Some(StepKind::Receive),
            assign: status == 4 && kind == Some(StepKind::Assign),
            appraise: status == 4 && kind == Some(StepKind::Appraise),
            decide: status == 4 && matches!(kind, Some(StepKind::Review | StepKind::Approve)),
            decisive: status == 4 && at_step.as_ref().is_some_and(|(p, _)| wf.is_decision(*p)),
            deliver: status == 9 && kind == Some(StepKind::Return),
            apologise: running
                && desk.due_at_ms.is_some()
                && (receiving_desk || (LEADERS.contains(&me.role) && me.agency == desk.current_agency_code)),
            urge: running && leader_here,
            stop: running && me.role == "agency-leader" && me.agency == desk.current_agency_code,
            consult: status == 4 && kind == Some(StepKind::Appraise),
            answer: desk
                .consultations
                .iter()
                .filter(|c| status == 4 && c.answer.is_none() && c.agency_code == me.agency)
                .filter(|c| CONSULTED.contains(&me.role) && (c.unit_code == me.unit || me.role == "agency-leader"))
                .map(|c| c.id)
                .collect(),
        }
    }

    fn reason_ok(field: &str, reason: &str) -> Result<String, AppError> {
        let reason = reason.trim().to_string();
        let n = reason.chars().count();
        if !(10..=2000).contains(&n) {
            let key = if reason.is_empty() { "error-required" } else { "error-reason-length" };
            return Err(AppError::field(field, key).with_values(vec![(field.into(), reason)]));
        }
        Ok(reason)
    }

    /// The real time of the action: now, or the back-filled time with its reason.
    fn when(desk: &DeskDossierView, b: &Backfill, now: i64) -> Result<(i64, Option<String>), AppError> {
        let Some(raw) = b.happened_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok((now, None));
        };
        let echo = vec![
            ("happened_at".to_string(), raw.chars().take(40).collect()),
            ("backfill_reason".to_string(), b.backfill_reason.clone().unwrap_or_default().chars().take(2000).collect()),
        ];
        let mut errors = Vec::new();
        let at = parse_local(raw);
        let last = desk.dossier.events.iter().map(|e| e.at_ms).max().unwrap_or(i64::MIN);
        match at {
            None => errors.push(FieldError::new("happened_at", "error-date")),
            Some(t) if t > now => errors.push(FieldError::new("happened_at", "error-backfill-future")),
            Some(t) if t < last => errors.push(FieldError::new("happened_at", "error-backfill-before-last")),
            Some(_) => {}
        }
        let reason = b.backfill_reason.as_deref().unwrap_or("").trim().to_string();
        if !(10..=2000).contains(&reason.chars().count()) {
            errors.push(FieldError::new(
                "backfill_reason",
                if reason.is_empty() { "error-required" } else { "error-reason-length" },
            ));
        }
        match (at, errors.is_empty()) {
            (Some(t), true) => Ok((t, Some(reason))),
            _ => Err(AppError::fields(errors).with_values(echo)),
        }
    }

    fn cal<'a>(cals: &'a BTreeMap<String, Calendar>, agency: &str) -> Result<&'a Calendar, AppError> {
        cals.get(agency).ok_or_else(|| ctx::internal(format!("no calendar for {agency}")))
    }

    fn open(
        wf: &Workflow,
        position: usize,
        cals: &BTreeMap<String, Calendar>,
        start: i64,
        assignee: Option<i64>,
        paper: bool,
    ) -> Result<OpenStep, AppError> {
        let s = wf.step(position).ok_or_else(|| ctx::internal("no such step"))?;
        let c = cal(cals, &s.agency)?;
        Ok(OpenStep {
            position: position as i64,
            kind: s.kind.name().into(),
            agency: s.agency.clone(),
            unit: s.unit.clone(),
            role: s.kind.role().into(),
            assignee,
            started_at: start,
            // Paper received after the cut-off counts from the next working morning [TR-01].
            due_at: clock::due(c, c.counting_start(start, paper), s.allowance.clock()),
        })
    }

    /// The clock's events from the history, in order (acceptances and supplement requests after
    /// acceptance); and whether the apology slip was used since the last acceptance.
    pub fn clock_events(desk: &DeskDossierView) -> (Vec<ClockEvent>, bool) {
        let paper = desk.dossier.channel != "online";
        let mut out = Vec::new();
        let mut apology_used = false;
        for e in &desk.dossier.events {
            match e.action.as_str() {
                "accept" => {
                    out.push(ClockEvent::Accepted { at: e.at_ms, paper });
                    apology_used = false;
                }
                "request-supplement" if e.from_status != Some(1) => {
                    out.push(ClockEvent::SupplementRequested { at: e.at_ms })
                }
                "apologise" => apology_used = true,
                _ => {}
            }
        }
        (out, apology_used)
    }

    /// Plans `cmd` by `user` at `now`: checks who may act and what the workflow and the clock
    /// say, and returns what the store must do. Pure but for the calendars passed in.
    pub fn plan(
        desk: &DeskDossierView,
        cals: &BTreeMap<String, Calendar>,
        user: &CurrentUser,
        cmd: Command,
        backfill: &Backfill,
        now: i64,
    ) -> Result<StepPlan, AppError> {
        let can = available(desk, user);
        let (at, backfill_reason) = when(desk, backfill, now)?;
        let wf = workflow(desk);
        let position = desk.position.and_then(|p| usize::try_from(p).ok());
        let agency = user.agency_code.clone().unwrap_or_else(|| desk.receiving_agency_code.clone());
        let mut p = StepPlan {
            code: desk.dossier.code.clone(),
            actor: user.clone(),
            agency,
            action: Action::Urge,
            at_ms: at,
            recorded_at_ms: now,
            note: String::new(),
            backfill_reason,
            expected_count: desk.event_count,
            close: None,
            open: None,
            changes: DossierChanges::default(),
            files: Vec::new(),
            consult: Vec::new(),
            answer: None,
        };
        let paper = desk.dossier.channel != "online";
        // Not allowed now: a role that never does this is forbidden; one that does, but not in
        // the dossier's present status, meets a conflict (accepting twice, say).
        let (roles, action) = roles_for(&cmd);
        let status = crate::domain::status::DossierStatus::from_code(desk.dossier.status);
        let forbid = |ok: bool| match (ok, status) {
            (true, _) => Ok(()),
            (false, Some(from))
                if roles.contains(&user.role.as_str()) && crate::domain::status::transition(from, action).is_err() =>
            {
                Err(AppError::Conflict("error-illegal-transition".into()))
            }
            _ => Err(AppError::Forbidden),
        };
        match cmd {
            Command::Accept => {
                forbid(can.receive)?;
                let c = cal(cals, &desk.receiving_agency_code)?;
                let allowance = clock::Allowance::parse(&desk.allowance.amount, &desk.allowance.unit)
                    .ok_or_else(|| ctx::internal("allowance"))?;
                let d = clock::deadline(c, allowance, &[ClockEvent::Accepted { at, paper }])
                    .map_err(|e| ctx::internal(format!("{e:?}")))?;
                let due = d.current_due.ok_or_else(|| ctx::internal("no due date"))?;
                p.action = Action::Accept;
                p.note = format!("Hẹn trả kết quả: {}", format_vn(due));
                p.changes = DossierChanges {
                    accepted_at: Some(at),
                    original_due_at: Some(due),
                    due_at: Some(due),
                    ..Default::default()
                };
                if !wf.steps.is_empty() {
                    p.open = Some(open(&wf, 0, cals, at, None, false)?);
                }
            }
            Command::RefuseAtReception { reason } => {
                forbid(can.receive)?;
                p.action = Action::Refuse;
                p.note = reason_ok("reason", &reason)?;
                p.changes.resolved_at = Some(at);
            }
            Command::Transfer => {
                forbid(can.transfer)?;
                let (_, next) = forward(&wf, position)?;
                p.action = Action::Transfer;
                p.note = format!("Chuyển đến: {}", step_name(desk, next));
                p.close = Some("done".into());
                p.open = Some(open(&wf, next, cals, at, None, paper)?);
            }
            Command::Assign { specialist } => {
                forbid(can.assign)?;
                let Some((_, name)) = desk.specialists.iter().find(|(id, _)| *id == specialist) else {
                    return Err(AppError::field("specialist", "error-required"));
                };
                let (_, next) = forward(&wf, position)?;
                p.action = Action::Assign;
                p.note = format!("Phân công: {name}");
                p.close = Some("done".into());
                p.open = Some(open(&wf, next, cals, at, Some(specialist), false)?);
            }
            Command::Appraise { note, propose_refusal, files } => {
                forbid(can.appraise)?;
                let note = note.trim().to_string();
                let mut errors = Vec::new();
                if !(10..=4000).contains(&note.chars().count()) {
                    errors.push(FieldError::new(
                        "note",
                        if note.is_empty() { "error-required" } else { "error-reason-length" },
                    ));
                }
                if !propose_refusal && !files.iter().any(|(k, _)| k == "draft-result") {
                    errors.push(FieldError::new("file_0", "error-file-required"));
                }
                if !errors.is_empty() {
                    return Err(AppError::fields(errors).with_values(vec![("note".into(), note)]));
                }
                let (_, next) = forward(&wf, position)?;
                p.action = Action::SubmitAppraisal;
                p.note = if propose_refusal { format!("Đề xuất từ chối: {note}") } else { note };
                p.close = Some("done".into());
                p.open = Some(open(&wf, next, cals, at, None, false)?);
                p.changes.proposal = Some(if propose_refusal { "refuse" } else { "result" }.into());
                p.files = files;
            }
            Command::Approve { note } => {
                forbid(can.decide)?;
                let pos = position.ok_or(AppError::Forbidden)?;
                p.note = note.trim().chars().take(2000).collect();
                if wf.is_decision(pos) {
                    if desk.proposal.as_deref() == Some("refuse") {
                        return plan_refusal(p, &wf, pos, desk_refusal_reason(desk));
                    }
                    p.action = Action::RecordResult;
                    p.close = Some("approved".into());
                    p.open = Some(open(&wf, wf.steps.len() - 1, cals, at, None, false)?);
                    p.changes.resolved_at = Some(at);
                    // The approved draft becomes the result.
                    if let Some(draft) = desk.work_files.iter().rev().find(|f| f.kind == "draft-result") {
                        p.note = format!("{} Kết quả: {}", p.note, draft.file_name).trim().to_string();
                    }
                } else {
                    let (_, next) = forward(&wf, position)?;
                    p.action = Action::Approve;
                    p.close = Some("approved".into());
                    p.open = Some(open(&wf, next, cals, at, None, false)?);
                    if p.note.is_empty() {
                        p.note = format!("Chuyển đến: {}", step_name(desk, next));
                    }
                }
            }
            Command::SendBack { reason } => {
                forbid(can.decide)?;
                let reason = reason_ok("send_back_reason", &reason)?;
                let pos = position.ok_or(AppError::Forbidden)?;
                let Ok(Next::Step(back)) = wf.next(pos, Outcome::SendBack) else { return Err(AppError::Forbidden) };
                let assignee = desk.steps.iter().rev().find(|s| s.position == back as i64).and_then(|s| s.assignee_id);
                p.action = Action::SendBack;
                p.note = reason;
                p.close = Some("sent-back".into());
                p.open = Some(open(&wf, back, cals, at, assignee, false)?);
            }
            Command::RefuseAfterAppraisal { reason } => {
                forbid(can.decisive)?;
                let reason = reason_ok("reason", &reason)?;
                let pos = position.ok_or(AppError::Forbidden)?;
                return plan_refusal(p, &wf, pos, reason);
            }
            Command::Deliver { delivery } => {
                forbid(can.deliver)?;
                if !DELIVERIES.contains(&delivery.as_str()) {
                    return Err(AppError::field("delivery", "error-required"));
                }
                p.action = Action::Deliver;
                let how = match delivery.as_str() {
                    "counter" => "trực tiếp tại Bộ phận Một cửa",
                    "post" => "qua dịch vụ bưu chính công ích",
                    _ => "trực tuyến trên Cổng dịch vụ công",
                };
                p.note = format!("Trả kết quả {how}");
                p.close = Some("delivered".into());
                p.changes.delivery = Some(delivery);
            }
            Command::Apologise { new_due, reason } => {
                forbid(can.apologise)?;
                let echo = vec![("new_due".to_string(), new_due.chars().take(40).collect::<String>())];
                let mut errors = Vec::new();
                let new_due_at = parse_local(&new_due);
                if new_due_at.is_none() {
                    errors.push(FieldError::new("new_due", "error-date"));
                }
                let reason = reason.trim().to_string();
                if !(10..=2000).contains(&reason.chars().count()) {
                    errors.push(FieldError::new(
                        "apology_reason",
                        if reason.is_empty() { "error-required" } else { "error-reason-length" },
                    ));
                }
                let mut echo = echo;
                echo.push(("apology_reason".into(), reason.clone()));
                let Some(new_due_at) = new_due_at.filter(|_| errors.is_empty()) else {
                    return Err(AppError::fields(errors).with_values(echo));
                };
                let c = cal(cals, &desk.receiving_agency_code)?;
                let allowance = clock::Allowance::parse(&desk.allowance.amount, &desk.allowance.unit)
                    .ok_or_else(|| ctx::internal("allowance"))?;
                let (events, apology_used) = clock_events(desk);
                let d = clock::deadline(c, allowance, &events).map_err(|e| ctx::internal(format!("{e:?}")))?;
                let d = clock::Deadline { current_due: desk.due_at_ms.or(d.current_due), apology_used, ..d };
                if let Err(refusal) = clock::check_apology(c, &d, at, new_due_at) {
                    let key = match refusal {
                        clock::ApologyRefusal::AlreadyUsed => "error-apology-used",
                        clock::ApologyRefusal::TooLate => "error-apology-too-late",
                        clock::ApologyRefusal::NewDateNotLater => "error-apology-not-later",
                        clock::ApologyRefusal::NoRunningDeadline => "error-apology-no-deadline",
                    };
                    return Err(AppError::field("new_due", key).with_values(echo));
                }
                p.action = Action::Apologise;
                p.note = format!(
                    "Hẹn lại ngày trả kết quả: {} (hẹn cũ: {}). Lý do: {reason}",
                    format_vn(new_due_at),
                    desk.due_at_ms.map(format_vn).unwrap_or_default()
                );
                p.changes.due_at = Some(new_due_at);
            }
            Command::Urge { note } => {
                forbid(can.urge)?;
                p.action = Action::Urge;
                p.note = reason_ok("urge_note", &note)?;
                p.changes.urged_at = Some(at);
            }
            Command::Stop { reason } => {
                forbid(can.stop)?;
                p.action = Action::Stop;
                p.note = reason_ok("stop_reason", &reason)?;
                p.close = desk.position.map(|_| "stopped".into());
                p.changes.resolved_at = Some(at);
            }
            Command::Consult { targets, days, question } => {
                forbid(can.consult)?;
                let mut errors = Vec::new();
                let chosen: Vec<_> = desk
                    .units
                    .iter()
                    .filter(|u| targets.iter().any(|(a, n)| *a == u.agency_code && *n == u.unit_code))
                    .collect();
                if chosen.is_empty() || chosen.len() != targets.len() {
                    errors.push(FieldError::new("units", "error-consult-units"));
                }
                let days_n =
                    days.trim().parse::<i64>().ok().filter(|d| crate::api::consultations::CONSULT_DAYS.contains(d));
                if days_n.is_none() {
                    errors.push(FieldError::new("days", "error-consult-days"));
                }
                let question = question.trim().to_string();
                if !(10..=2000).contains(&question.chars().count()) {
                    errors.push(FieldError::new(
                        "question",
                        if question.is_empty() { "error-required" } else { "error-reason-length" },
                    ));
                }
                let echo = vec![
                    ("question".to_string(), question.clone()),
                    ("days".to_string(), days.chars().take(4).collect()),
                ];
                let Some(days_n) = days_n.filter(|_| errors.is_empty()) else {
                    return Err(AppError::fields(errors).with_values(echo));
                };
                let mut asked = Vec::new();
                for u in chosen {
                    let c = cal(cals, &u.agency_code)?;
                    let due_at =
                        clock::due(c, c.counting_start(at, false), clock::Allowance::WorkingDays(days_n * 1000));
                    asked.push(format!("{} (hạn {})", u.label, format_vn(due_at)));
                    p.consult.push(crate::ports::NewConsultation {
                        agency: u.agency_code.clone(),
                        unit: u.unit_code.clone(),
                        question: question.clone(),
                        due_at,
                    });
                }
                p.action = Action::Consult;
                p.note = format!("Xin ý kiến: {}. Nội dung: {question}", asked.join("; "));
            }
            Command::AnswerConsultation { id, answer } => {
                let c = desk.consultations.iter().find(|c| c.id == id).ok_or(AppError::NotFound)?;
                if c.answer.is_some() && c.agency_code == user.agency_code.clone().unwrap_or_default() {
                    return Err(AppError::Conflict("error-consultation-answered".into()));
                }
                forbid(can.answer.contains(&id))?;
                let answer = answer.trim().to_string();
                if !(10..=4000).contains(&answer.chars().count()) {
                    let key = if answer.is_empty() { "error-required" } else { "error-reason-length" };
                    return Err(AppError::field("answer", key).with_values(vec![("answer".into(), answer)]));
                }
                p.action = Action::AnswerConsultation;
                let unit = crate::components::unit_and_agency(&c.unit, &c.agency);
                p.note = format!("Ý kiến của {unit}: {answer}");
                p.answer = Some((id, answer));
            }
            Command::Withdraw { reason } => {
                p.action = Action::Withdraw;
                p.note = reason_ok("reason", &reason)?;
                p.close = desk.position.map(|_| "withdrawn".into());
                p.changes.resolved_at = Some(at);
            }
        }
        Ok(p)
    }

    /// The roles that may ever give `cmd`, and the status action it stands for.
    fn roles_for(cmd: &Command) -> (&'static [&'static str], Action) {
        const DESK: &[&str] = &["reception"];
        const LEAD: &[&str] = &["department-leader", "agency-leader"];
        match cmd {
            Command::Accept => (DESK, Action::Accept),
            Command::RefuseAtReception { .. } => (DESK, Action::Refuse),
            Command::Transfer => (DESK, Action::Transfer),
            Command::Deliver { .. } => (DESK, Action::Deliver),
            Command::Assign { .. } => (&["department-leader"], Action::Assign),
            Command::Appraise { .. } => (&["specialist"], Action::SubmitAppraisal),
            Command::Approve { .. } | Command::SendBack { .. } => (LEAD, Action::Approve),
            Command::RefuseAfterAppraisal { .. } => (LEAD, Action::Refuse),
            Command::Apologise { .. } => (&["reception", "department-leader", "agency-leader"], Action::Apologise),
            Command::Urge { .. } => (LEAD, Action::Urge),
            Command::Stop { .. } => (&["agency-leader"], Action::Stop),
            Command::Withdraw { .. } => (&["citizen"], Action::Withdraw),
            Command::Consult { .. } => (&["specialist"], Action::Consult),
            Command::AnswerConsultation { .. } => (&CONSULTED, Action::AnswerConsultation),
        }
    }

    fn desk_refusal_reason(desk: &DeskDossierView) -> String {
        desk.dossier
            .events
            .iter()
            .rev()
            .find(|e| e.action == "submit-appraisal")
            .map(|e| e.note.trim_start_matches("Đề xuất từ chối: ").to_string())
            .unwrap_or_default()
    }

    /// Refusal after appraisal (Mẫu 03 through the desk, within the deadline) [HD-08].
    fn plan_refusal(mut p: StepPlan, wf: &Workflow, pos: usize, reason: String) -> Result<StepPlan, AppError> {
        if !wf.is_decision(pos) {
            return Err(AppError::Forbidden);
        }
        p.action = Action::Refuse;
        p.note = reason;
        p.close = Some("refused".into());
        p.changes.resolved_at = Some(p.at_ms);
        Ok(p)
    }

    fn forward(wf: &Workflow, position: Option<usize>) -> Result<(usize, usize), AppError> {
        let pos = position.ok_or(AppError::Forbidden)?;
        match wf.next(pos, Outcome::Forward) {
            Ok(Next::Step(n)) => Ok((pos, n)),
            _ => Err(AppError::Forbidden),
        }
    }

    fn step_name(desk: &DeskDossierView, position: usize) -> String {
        desk.workflow.get(position).map(|s| crate::components::unit_and_agency(&s.unit, &s.agency)).unwrap_or_default()
    }

    /// Loads the dossier for an officer of the agency that received it or of one on its route.
    pub async fn officer_dossier(user: &CurrentUser, code: &str) -> Result<DeskDossierView, AppError> {
        Ok(officer_dossier_and_calendars(user, code).await?.0)
    }

    /// The dossier as `officer_dossier` gives it, with the calendars its clock was read on.
    async fn officer_dossier_and_calendars(
        user: &CurrentUser,
        code: &str,
    ) -> Result<(DeskDossierView, BTreeMap<String, Calendar>), AppError> {
        let agency = user.agency_code.clone().ok_or(AppError::Forbidden)?;
        if !crate::api::desk::OFFICER_ROLES.contains(&user.role.as_str()) {
            return Err(AppError::Forbidden);
        }
        let code = crate::domain::dossier_code::DossierCode::parse("code", code).map_err(|_| AppError::NotFound)?;
        let services = ctx::services()?;
        let mut desk = services.store.desk_dossier(&code.to_string(), ctx::lang()).await?.ok_or(AppError::NotFound)?;
        let involved = desk.receiving_agency_code == agency
            || desk.current_agency_code == agency
            || desk.steps.iter().any(|s| s.agency_code == agency)
            || desk.consultations.iter().any(|c| c.agency_code == agency);
        if !involved {
            return Err(AppError::Forbidden);
        }
        desk.actions = available(&desk, user);
        let cals = calendars(&desk).await?;
        if desk.actions.consult {
            // Any other unit may be asked.
            desk.units = services.store.units(ctx::lang()).await?;
            desk.units.retain(|u| !(u.agency_code == agency && u.unit_code == user.unit_code));
        }
        desk.clock = clock_view(&desk, &cals, ctx::now_ms());
        if desk.actions.assign {
            if let Some(next) = desk.position.and_then(|p| desk.workflow.get(p as usize + 1)) {
                desk.specialists = services.store.officers(&next.agency_code, "specialist", &next.unit_code).await?;
            }
        }
        Ok((desk, cals))
    }

    /// Time left, per-step allowance and spend, and timeliness, on the agencies' calendars.
    pub fn clock_view(desk: &DeskDossierView, cals: &BTreeMap<String, Calendar>, now: i64) -> super::ClockView {
        let Some(home) = cals.get(&desk.receiving_agency_code) else { return Default::default() };
        let running = matches!(desk.dossier.status, 2 | 4 | 6);
        let steps = desk
            .steps
            .iter()
            .map(|s| {
                let c = cals.get(&s.agency_code).unwrap_or(home);
                let allowance = desk
                    .workflow
                    .get(s.position as usize)
                    .and_then(|w| clock::Allowance::parse(&w.amount, &w.allowance_unit));
                let spent =
                    c.working_minutes_between(c.counting_start(s.started_at_ms, false), s.ended_at_ms.unwrap_or(now));
                super::StepClockView {
                    allowance_minutes: allowance.map(|a| a.minutes(c)).unwrap_or_default(),
                    spent_minutes: spent,
                    timeliness: s.ended_at_ms.map(|e| clock::timeliness(s.due_at_ms, e).key().to_string()),
                }
            })
            .collect();
        let left = desk.due_at_ms.filter(|_| running).map(|due| home.working_minutes_left(now, due));
        super::ClockView {
            day_minutes: home.day_minutes(),
            left_minutes: left,
            steps,
            timeliness: match (desk.due_at_ms, desk.resolved_at_ms) {
                (Some(due), Some(done)) if matches!(desk.dossier.status, 9 | 10) => {
                    Some(clock::timeliness(due, done).key().to_string())
                }
                _ => None,
            },
        }
    }

    pub async fn calendars(desk: &DeskDossierView) -> Result<BTreeMap<String, Calendar>, AppError> {
        Ok(calendars_in(ctx::services()?.store.as_ref(), desk).await?)
    }

    /// The calendars of the receiving agency and of every agency on the dossier's route.
    pub async fn calendars_in(
        store: &dyn crate::ports::Store,
        desk: &DeskDossierView,
    ) -> Result<BTreeMap<String, Calendar>, crate::ports::StoreError> {
        let mut cals = BTreeMap::new();
        let agencies = std::iter::once(&desk.receiving_agency_code).chain(desk.workflow.iter().map(|s| &s.agency_code));
        for a in agencies {
            if !cals.contains_key(a) {
                let c = store
                    .calendar(a)
                    .await?
                    .ok_or_else(|| crate::ports::StoreError::Backend(format!("no calendar for {a}")))?;
                cals.insert(a.clone(), c);
            }
        }
        Ok(cals)
    }

    /// Plans and carries out `cmd` by the signed-in officer, then goes back to the dossier (or to
    /// the slip the action issues).
    pub async fn act(code: &str, cmd: Command, backfill: Backfill) -> Result<(), AppError> {
        let user = ctx::require_user()?;
        let (desk, mut cals) = officer_dossier_and_calendars(&user, code).await?;
        if let Command::Consult { targets, .. } = &cmd {
            // Each consulted unit's deadline runs on its own agency's calendar.
            for (agency, _) in targets {
                if !cals.contains_key(agency) {
                    if let Some(c) = ctx::services()?.store.calendar(agency).await? {
                        cals.insert(agency.clone(), c);
                    }
                }
            }
        }
        let slip = match cmd {
            Command::Accept => Some("01"),
            Command::Apologise { .. } => Some("04"),
            Command::RefuseAfterAppraisal { .. } | Command::RefuseAtReception { .. } => Some("03"),
            _ => None,
        };
        let refusing = matches!(cmd, Command::Approve { .. })
            && desk.actions.decisive
            && desk.proposal.as_deref() == Some("refuse");
        let plan = plan(&desk, &cals, &user, cmd, &backfill, ctx::now_ms())?;
        ctx::services()?.store.advance(plan).await?;
        let code = &desk.dossier.code;
        match (slip, refusing) {
            (Some(form), _) => leptos_axum::redirect(&format!("/mot-cua/ho-so/{code}/phieu/{form}")),
            (None, true) => leptos_axum::redirect(&format!("/mot-cua/ho-so/{code}/phieu/03")),
            _ => leptos_axum::redirect(&format!("/mot-cua/ho-so/{code}?xong=1")),
        }
        Ok(())
    }

    pub async fn appraise(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
        use crate::api::dossiers::ssr::{discard, read_multipart};
        let services = ctx::services()?;
        ctx::require_user()?; // before reading any file
        let up = read_multipart(&services, data).await?;
        let text = |k: &str| up.text.get(k).cloned().unwrap_or_default();
        let mut files = Vec::new();
        for f in &up.files {
            let kind = match f.component_id {
                0 => "draft-result",
                1 => "verification",
                _ => continue,
            };
            files.push((kind.to_string(), f.clone()));
        }
        let cmd = Command::Appraise { note: text("note"), propose_refusal: text("proposal") == "refuse", files };
        let backfill = Backfill {
            happened_at: up.text.get("happened_at").cloned(),
            backfill_reason: up.text.get("backfill_reason").cloned(),
        };
        let result = async {
            if !up.errors.is_empty() {
                return Err(AppError::fields(up.errors.clone()));
            }
            act(&text("code"), cmd, backfill).await
        }
        .await;
        if result.is_err() {
            discard(&services, &up.files).await;
        }
        result
    }

    pub async fn withdraw(code: &str, reason: String) -> Result<(), AppError> {
        let user = ctx::require_user()?;
        let code =
            crate::domain::dossier_code::DossierCode::parse("code", code).map_err(|_| AppError::NotFound)?.to_string();
        let services = ctx::services()?;
        // Only the owner's own dossier; anyone else's is not found.
        services.store.dossier_for_applicant(user.id, &code, ctx::lang()).await?.ok_or(AppError::NotFound)?;
        let desk = services.store.desk_dossier(&code, ctx::lang()).await?.ok_or(AppError::NotFound)?;
        if !matches!(desk.dossier.status, 1 | 2 | 4 | 5 | 6) {
            return Err(AppError::Conflict("error-illegal-transition".into()));
        }
        let cals = calendars(&desk).await?;
        let mut plan = plan(&desk, &cals, &user, Command::Withdraw { reason }, &Backfill::default(), ctx::now_ms())?;
        plan.agency = desk.receiving_agency_code.clone();
        services.store.advance(plan).await?;
        leptos_axum::redirect(&format!("/ho-so/{code}"));
        Ok(())
    }
}
