//! The planner: one small function per command, each checking who may act and what the workflow
//! and the legal clock say, and returning the [`StepPlan`] the store carries out in one
//! transaction. Pure: the calendars come in as arguments, time as `now`.

use super::available::{available, Available, CONSULTED};
use super::command::{Backfill, Command};
use super::refusal::Refusal;
use super::state::{Calendars, DossierState, Proposal, StepOutcome};
use super::supplement::{answer_supplement, request_supplement, send_supplement};
use crate::domain::channel::Channel;
use crate::domain::clock::{self, Calendar, ClockEvent};
use crate::domain::event::{Consulted, Payload, Place};
use crate::domain::reason::Reason;
use crate::domain::role::{CurrentUser, Role};
use crate::domain::status::{transition, Action};
use crate::domain::supplement::{SupplementChange, SupplementItem};
use crate::domain::upload::StoredFile;
use crate::domain::vn_time::{format_vn, parse_local};
use crate::domain::workflow::{Next, Outcome, StepKind, Workflow};
use crate::domain::FieldError;

/// How far back an action may be entered after the fact (a system outage, paper handled while
/// the office was offline): beyond this, the record would no longer tell the truth of the day.
pub const BACKFILL_WINDOW_DAYS: i64 = 30;

/// The working days a consulted unit may be given.
pub const CONSULT_DAYS: std::ops::RangeInclusive<i64> = 1..=10;

/// Changes to a dossier's own columns that come with an action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DossierChanges {
    pub accepted_at: Option<i64>,
    pub original_due_at: Option<i64>,
    pub due_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub delivery: Option<Channel>,
    pub urged_at: Option<i64>,
    pub proposal: Option<Proposal>,
}

/// A workflow step to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenStep {
    pub position: usize,
    pub kind: StepKind,
    pub agency: String,
    pub unit: String,
    pub role: Role,
    pub assignee: Option<i64>,
    pub started_at: i64,
    pub due_at: i64,
}

/// A consultation to open: the unit asked, the question and its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsultation {
    pub agency: String,
    pub unit: String,
    pub question: String,
    pub due_at: i64,
}

/// One action on a dossier, decided by the rules and carried out in one transaction: the event
/// (through the transition function), the step closed and the one opened, the dossier's changes
/// and the files added.
#[derive(Debug, Clone)]
pub struct StepPlan {
    pub code: String,
    pub actor: CurrentUser,
    /// The agency the actor acts for, recorded on the event.
    pub agency: String,
    pub action: Action,
    /// The real time of the action (earlier than `recorded_at_ms` when back-filled).
    pub at_ms: i64,
    pub recorded_at_ms: i64,
    pub note: String,
    /// What the event says, as data; people read it rendered in their language.
    pub payload: Option<Payload>,
    pub backfill_reason: Option<String>,
    /// The number of events the planner saw: another action in between is a conflict.
    pub expected_count: i64,
    /// Close the running step with this outcome.
    pub close: Option<StepOutcome>,
    /// Open this step; when a step is closed and none opens, the dossier is back at its desk.
    pub open: Option<OpenStep>,
    pub changes: DossierChanges,
    /// Files the officers add, by kind (`draft-result`, `verification`, `result`).
    pub files: Vec<(String, StoredFile)>,
    /// Consultations asked with this action.
    pub consult: Vec<NewConsultation>,
    /// The consultation answered with this action: its id and the opinion.
    pub answer: Option<(i64, String)>,
    /// A supplement request asked, sent or answered with this action.
    pub supplement: Option<SupplementPlan>,
    /// The slip the action issues (`01`, `02`, `03`, `04`), for the caller to show.
    pub slip: Option<&'static str>,
    /// A payment made with this action.
    pub payment: Option<PaymentPlan>,
    /// Obligations the agency asks for with this action.
    pub asked: Vec<crate::domain::fees::AskedFee>,
    /// Obligations exempted with this action, and the reason.
    pub exempt: Option<(Vec<i64>, String)>,
    /// A payment refunded with this action.
    pub refund: Option<RefundPlan>,
    /// The applicant's rating given with this action, and how it reached the office.
    pub rating: Option<(crate::domain::rating::Rating, crate::domain::rating::RatingChannel)>,
    /// The result this action issues (the agency leader's approval at the decision step):
    /// storage numbers it in the acting agency's series in the same transaction.
    pub issue_result: Option<ResultPlan>,
    /// The result in force is revoked with this reason (storage refuses when none is).
    pub revoke_result: Option<String>,
    /// The answer to the rating (storage refuses a second one).
    pub rating_answer: Option<String>,
}

/// A result to issue: how it is made, and what the decision says; `replaces`: it takes the
/// place of the result this action revokes (`StepPlan::revoke_result`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultPlan {
    pub origin: crate::domain::result::Origin,
    pub summary: String,
    pub replaces: bool,
    /// The issuing agency and the signer's name when they are not the actor's (a paper result
    /// digitised at the desk: the deciding agency, the leader who signed the paper).
    pub issuer: Option<(String, String)>,
}

/// A refund to record: the payment (by its reference), the gateway's refund number (empty when
/// paid back at the counter) and the leader's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundPlan {
    pub txn_ref: String,
    pub gateway_no: String,
    pub reason: String,
}

/// A payment to record: the online attempt confirmed (`payment_id`) or a new one by the desk,
/// and the obligations it pays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentPlan {
    pub payment_id: Option<i64>,
    pub method: crate::domain::fees::PaymentMethod,
    pub amount_vnd: i64,
    pub covers: Vec<i64>,
    pub reference: String,
}

/// What an action does to the dossier's supplement requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupplementPlan {
    /// A new request; `send` unless it is a specialist's draft.
    Ask { reason: String, items: Vec<SupplementItem>, send: bool },
    /// The drafted request `id` goes out.
    Send { id: i64 },
    /// The answer to request `id`: the form after it, what changed, and the new files.
    Answer {
        id: i64,
        form: std::collections::BTreeMap<String, String>,
        changes: Vec<SupplementChange>,
        files: Vec<StoredFile>,
    },
}

/// The roles that may ever give `cmd`, and the status action it stands for.
fn roles_for(cmd: &Command) -> (&'static [Role], Action) {
    const DESK: &[Role] = &[Role::Reception];
    const LEAD: &[Role] = &[Role::DepartmentLeader, Role::AgencyLeader];
    match cmd {
        Command::Submit => (&[Role::Citizen, Role::Reception], Action::Submit),
        Command::Accept => (DESK, Action::Accept),
        Command::RefuseAtReception { .. } => (DESK, Action::Refuse),
        Command::Transfer => (DESK, Action::Transfer),
        Command::Deliver { .. } => (DESK, Action::Deliver),
        Command::Assign { .. } => (&[Role::DepartmentLeader], Action::Assign),
        Command::Appraise { .. } => (&[Role::Specialist], Action::SubmitAppraisal),
        Command::Approve { .. } | Command::SendBack { .. } => (LEAD, Action::Approve),
        Command::RefuseAfterAppraisal { .. } => (LEAD, Action::Refuse),
        Command::Apologise { .. } => {
            (&[Role::Reception, Role::DepartmentLeader, Role::AgencyLeader], Action::Apologise)
        }
        Command::Urge { .. } => (LEAD, Action::Urge),
        Command::Stop { .. } => (&[Role::AgencyLeader], Action::Stop),
        Command::Withdraw { .. } => (&[Role::Citizen, Role::Reception], Action::Withdraw),
        Command::RequestSupplement { .. } => (&[Role::Reception, Role::Specialist], Action::RequestSupplement),
        Command::SendSupplement => (&[Role::DepartmentLeader], Action::RequestSupplement),
        Command::AnswerSupplement { .. } => (&[Role::Citizen, Role::Reception], Action::ReturnSupplement),
        Command::Consult { .. } => (&[Role::Specialist], Action::Consult),
        Command::AnswerConsultation { .. } => (&CONSULTED, Action::AnswerConsultation),
        Command::Pay { .. } => (&[Role::Citizen, Role::Reception], Action::Pay),
        Command::RequestPayment { .. } => (&[Role::Reception, Role::Specialist], Action::RequestPayment),
        Command::Exempt { .. } => (&[Role::Reception, Role::Specialist], Action::Exempt),
        Command::Refund { .. } => (&[Role::AgencyLeader], Action::Refund),
        Command::Rate { .. } => (&[Role::Citizen, Role::Reception], Action::Rate),
        Command::RevokeResult { .. } => (&[Role::AgencyLeader], Action::RevokeResult),
        Command::AnswerRating { .. } => (&[Role::AgencyLeader], Action::AnswerRating),
        Command::DigitiseResult { .. } => (DESK, Action::DigitiseResult),
    }
}

/// The planning of one command: the state, the calendars, the actor, the plan being filled in.
pub(super) struct Ctx<'a> {
    pub(super) state: &'a DossierState,
    cals: &'a Calendars,
    user: &'a CurrentUser,
    pub(super) can: Available,
    roles: &'static [Role],
    action: Action,
}

impl Ctx<'_> {
    /// Allowed now, or why not: a role that never does this is forbidden; one that does, but not
    /// in the dossier's present status (accepting twice, say), meets a conflict.
    pub(super) fn allow(&self, ok: bool) -> Result<(), Refusal> {
        if ok {
            Ok(())
        } else if self.roles.contains(&self.user.role) && transition(self.state.status, self.action).is_err() {
            Err(Refusal::illegal())
        } else {
            Err(Refusal::Forbidden)
        }
    }

    fn cal(&self, agency: &str) -> Result<&Calendar, Refusal> {
        self.cals.get(agency).ok_or_else(|| Refusal::Broken(format!("no calendar for {agency}")))
    }

    fn wf(&self) -> &Workflow {
        &self.state.workflow
    }

    fn open(&self, position: usize, start: i64, assignee: Option<i64>, paper: bool) -> Result<OpenStep, Refusal> {
        let s = self.wf().step(position).ok_or_else(|| Refusal::Broken("no such step".into()))?;
        let c = self.cal(&s.agency)?;
        Ok(OpenStep {
            position,
            kind: s.kind,
            agency: s.agency.clone(),
            unit: s.unit.clone(),
            role: s.kind.role(),
            assignee,
            started_at: start,
            // Paper received after the cut-off counts from the next working morning [TR-01].
            due_at: clock::due(c, c.counting_start(start, paper), s.allowance),
        })
    }

    /// The running step and the next one forward.
    fn forward(&self) -> Result<usize, Refusal> {
        let pos = self.state.position.ok_or(Refusal::Forbidden)?;
        match self.wf().next(pos, Outcome::Forward) {
            Ok(Next::Step(n)) => Ok(n),
            _ => Err(Refusal::Forbidden),
        }
    }

    fn step_name(&self, position: usize) -> String {
        self.state.step_names.get(position).cloned().unwrap_or_default()
    }

    /// The step at `position` as the history names it.
    fn place(&self, position: usize) -> Place {
        let s = self.wf().step(position);
        Place {
            agency: s.map(|s| s.agency.clone()).unwrap_or_default(),
            unit: s.map(|s| s.unit.clone()).unwrap_or_default(),
            name: self.step_name(position),
        }
    }
}

/// The real time of the action: now, or the back-filled time with its reason. A back-filled
/// time may not be in the future nor before the last recorded event.
fn when(state: &DossierState, b: &Backfill, now: i64) -> Result<(i64, Option<String>), Refusal> {
    let Some(raw) = b.happened_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok((now, None));
    };
    let echo = vec![
        ("happened_at".to_string(), raw.chars().take(40).collect()),
        ("backfill_reason".to_string(), b.backfill_reason.clone().unwrap_or_default().chars().take(2000).collect()),
    ];
    let mut errors = Vec::new();
    let at = parse_local(raw);
    match at {
        None => errors.push(FieldError::new("happened_at", "error-date")),
        Some(t) if t > now => errors.push(FieldError::new("happened_at", "error-backfill-future")),
        Some(t) if t < now - BACKFILL_WINDOW_DAYS * 86_400_000 => {
            errors.push(FieldError::new("happened_at", "error-backfill-too-old"))
        }
        Some(t) if t < state.last_event_at => errors.push(FieldError::new("happened_at", "error-backfill-before-last")),
        Some(_) => {}
    }
    let reason =
        Reason::parse("backfill_reason", b.backfill_reason.as_deref().unwrap_or("")).map_err(|e| errors.push(e));
    match (at, reason) {
        (Some(t), Ok(reason)) if errors.is_empty() => Ok((t, Some(reason.into_string()))),
        _ => Err(Refusal::fields(errors).with_values(echo)),
    }
}

/// A reason, or its field error with the text typed shown again.
fn reason(field: &str, raw: &str) -> Result<String, Refusal> {
    Reason::parse(field, raw)
        .map(Reason::into_string)
        .map_err(|e| Refusal::from(e).with_values(vec![(field.to_string(), raw.trim().to_string())]))
}

/// Plans `cmd` by `user` at `now`: checks who may act and what the workflow and the clock say,
/// and returns what the store must do.
pub fn plan(
    state: &DossierState,
    cals: &Calendars,
    user: &CurrentUser,
    cmd: Command,
    backfill: &Backfill,
    now: i64,
) -> Result<StepPlan, Refusal> {
    let (roles, action) = roles_for(&cmd);
    let cx = Ctx { state, cals, user, can: available(state, user), roles, action };
    let (at, backfill_reason) = when(state, backfill, now)?;
    let agency = user.agency().map(str::to_string).unwrap_or_else(|| state.receiving_agency.clone());
    let p = StepPlan {
        code: state.code.clone(),
        actor: user.clone(),
        agency,
        action,
        at_ms: at,
        recorded_at_ms: now,
        note: String::new(),
        payload: None,
        backfill_reason,
        expected_count: state.event_count,
        close: None,
        open: None,
        changes: DossierChanges::default(),
        files: Vec::new(),
        consult: Vec::new(),
        answer: None,
        supplement: None,
        slip: cmd.slip(),
        payment: None,
        asked: Vec::new(),
        exempt: None,
        refund: None,
        rating: None,
        issue_result: None,
        revoke_result: None,
        rating_answer: None,
    };
    match cmd {
        Command::Submit => submit(&cx, p),
        Command::Accept => accept(&cx, p),
        Command::RefuseAtReception { reason: r } => {
            cx.allow(cx.can.receive)?;
            refuse(p, reason("reason", &r)?)
        }
        Command::Transfer => transfer(&cx, p),
        Command::Assign { specialist } => assign(&cx, p, specialist),
        Command::Appraise { note, propose_refusal, files } => appraise(&cx, p, note, propose_refusal, files),
        Command::Approve { note, paper } => approve(&cx, p, note, paper),
        Command::DigitiseResult { certification, files } => digitise_result(&cx, p, certification, files),
        Command::SendBack { reason: r } => send_back(&cx, p, r),
        Command::RefuseAfterAppraisal { reason: r } => {
            cx.allow(cx.can.decisive)?;
            let r = reason("reason", &r)?;
            refuse_at_decision(&cx, p, r)
        }
        Command::Deliver { channel } => deliver(&cx, p, channel),
        Command::RequestPayment { quantities } => request_payment(&cx, p, quantities),
        Command::Exempt { seqs, reason: r } => exempt(&cx, p, seqs, r),
        Command::Refund { txn_ref, reason: r, gateway_no } => refund(&cx, p, txn_ref, r, gateway_no),
        Command::Rate { input, channel } => rate(&cx, p, &input, channel),
        Command::AnswerRating { answer } => answer_rating(&cx, p, answer),
        Command::RevokeResult { reason: r, reissue, files } => revoke_result(&cx, p, r, reissue, files),
        Command::Pay { method, payment_id, amount_vnd, covers, reference } => {
            pay(&cx, p, PaymentPlan { payment_id, method, amount_vnd, covers, reference })
        }
        Command::Apologise { new_due, reason: r } => apologise(&cx, p, new_due, r),
        Command::Urge { note } => {
            cx.allow(cx.can.urge)?;
            let mut p = p;
            p.note = reason("urge_note", &note)?;
            p.payload = Some(Payload::Reason { reason: p.note.clone() });
            p.changes.urged_at = Some(p.at_ms);
            Ok(p)
        }
        Command::Stop { reason: r } => {
            cx.allow(cx.can.stop)?;
            let mut p = p;
            p.note = reason("stop_reason", &r)?;
            p.payload = Some(Payload::Reason { reason: p.note.clone() });
            p.close = state.position.map(|_| StepOutcome::Stopped);
            p.changes.resolved_at = Some(p.at_ms);
            Ok(p)
        }
        Command::Withdraw { reason: r } => {
            cx.allow(cx.can.withdraw)?;
            let mut p = p;
            // The desk's form sits beside the refusal's, whose field is `reason`.
            let field = if user.role == Role::Citizen { "reason" } else { "withdraw_reason" };
            p.note = reason(field, &r)?;
            p.payload = Some(Payload::Reason { reason: p.note.clone() });
            p.agency = state.receiving_agency.clone();
            p.close = state.position.map(|_| StepOutcome::Withdrawn);
            p.changes.resolved_at = Some(p.at_ms);
            Ok(p)
        }
        Command::Consult { targets, days, question } => consult(&cx, p, targets, days, question),
        Command::RequestSupplement { reason: r, items } => request_supplement(&cx, p, r, items),
        Command::SendSupplement => send_supplement(&cx, p),
        Command::AnswerSupplement { form, files } => answer_supplement(&cx, p, form, files),
        Command::AnswerConsultation { id, answer } => answer_consultation(&cx, p, id, answer),
    }
}

/// A draft submitted: every required component has a file. Online only by its applicant, in
/// real time; a paper dossier by the receiving desk, which may back-fill it.
fn submit(cx: &Ctx, mut p: StepPlan) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.submit)?;
    let s = cx.state;
    if cx.user.role == Role::Citizen && p.backfill_reason.is_some() {
        return Err(Refusal::Forbidden);
    }
    let missing = super::submission::missing_files(s);
    if !missing.is_empty() {
        return Err(Refusal::fields(missing));
    }
    p.agency = s.receiving_agency.clone();
    if s.channel.is_paper() {
        p.note = super::submission::intake_note(s.channel);
    }
    Ok(p)
}

fn accept(cx: &Ctx, mut p: StepPlan) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.receive)?;
    let s = cx.state;
    let c = cx.cal(&s.receiving_agency)?;
    let paper = s.channel.is_paper();
    let d = clock::deadline(c, s.allowance, &[ClockEvent::Accepted { at: p.at_ms, paper }])
        .map_err(|e| Refusal::Broken(format!("{e:?}")))?;
    let due = d.current_due.ok_or_else(|| Refusal::Broken("no due date".into()))?;
    p.note = format!("Hẹn trả kết quả: {}", format_vn(due));
    p.payload = Some(Payload::Accepted { due_at: due });
    p.changes = DossierChanges {
        accepted_at: Some(p.at_ms),
        original_due_at: Some(due),
        due_at: Some(due),
        ..Default::default()
    };
    if !s.workflow.steps.is_empty() {
        p.open = Some(cx.open(0, p.at_ms, None, false)?);
    }
    Ok(p)
}

fn refuse(mut p: StepPlan, reason: String) -> Result<StepPlan, Refusal> {
    p.action = Action::Refuse;
    p.payload = Some(Payload::Reason { reason: reason.clone() });
    p.note = reason;
    p.changes.resolved_at = Some(p.at_ms);
    Ok(p)
}

/// Refusal at the decision step (Mẫu 03 through the desk, within the deadline) [HD-08].
fn refuse_at_decision(cx: &Ctx, mut p: StepPlan, reason: String) -> Result<StepPlan, Refusal> {
    let pos = cx.state.position.ok_or(Refusal::Forbidden)?;
    if !cx.wf().is_decision(pos) {
        return Err(Refusal::Forbidden);
    }
    p.close = Some(StepOutcome::Refused);
    p.slip = Some("03");
    refuse(p, reason)
}

fn transfer(cx: &Ctx, mut p: StepPlan) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.transfer)?;
    let next = cx.forward()?;
    p.note = format!("Chuyển đến: {}", cx.step_name(next));
    p.payload = Some(Payload::Passed { to: cx.place(next) });
    p.close = Some(StepOutcome::Done);
    p.open = Some(cx.open(next, p.at_ms, None, cx.state.channel.is_paper())?);
    Ok(p)
}

fn assign(cx: &Ctx, mut p: StepPlan, specialist: i64) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.assign)?;
    let Some((_, name)) = cx.state.specialists.iter().find(|(id, _)| *id == specialist) else {
        return Err(Refusal::field("specialist", "error-required"));
    };
    let next = cx.forward()?;
    p.note = format!("Phân công: {name}");
    p.payload = Some(Payload::Assigned { specialist_id: specialist, specialist: name.clone() });
    p.close = Some(StepOutcome::Done);
    p.open = Some(cx.open(next, p.at_ms, Some(specialist), false)?);
    Ok(p)
}

fn appraise(
    cx: &Ctx,
    mut p: StepPlan,
    note: String,
    propose_refusal: bool,
    files: Vec<(String, StoredFile)>,
) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.appraise)?;
    let mut errors = Vec::new();
    let parsed = Reason::parse_long("note", &note).map_err(|e| errors.push(e)).ok();
    if !propose_refusal && !files.iter().any(|(k, _)| k == "draft-result") {
        errors.push(FieldError::new("file_0", "error-file-required"));
    }
    let Some(note) = parsed.filter(|_| errors.is_empty()) else {
        return Err(Refusal::fields(errors).with_values(vec![("note".into(), note.trim().to_string())]));
    };
    let next = cx.forward()?;
    p.payload = Some(Payload::Appraised { note: note.to_string(), refusal: propose_refusal });
    p.note = if propose_refusal { format!("Đề xuất từ chối: {note}") } else { note.into_string() };
    p.close = Some(StepOutcome::Done);
    p.open = Some(cx.open(next, p.at_ms, None, false)?);
    p.changes.proposal = Some(if propose_refusal { Proposal::Refuse } else { Proposal::Result });
    p.files = files;
    Ok(p)
}

fn approve(cx: &Ctx, mut p: StepPlan, note: String, paper: bool) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.decide)?;
    let pos = cx.state.position.ok_or(Refusal::Forbidden)?;
    p.note = note.trim().chars().take(Reason::MAX).collect();
    if cx.wf().is_decision(pos) {
        if cx.state.proposal == Some(Proposal::Refuse) {
            let reason = cx.state.refusal_reason.clone().unwrap_or_default();
            return refuse_at_decision(cx, p, reason);
        }
        p.action = Action::RecordResult;
        p.close = Some(StepOutcome::Approved);
        p.open = Some(cx.open(cx.wf().steps.len() - 1, p.at_ms, None, false)?);
        p.changes.resolved_at = Some(p.at_ms);
        // The approved draft becomes the result.
        p.payload =
            Some(Payload::Approved { note: p.note.clone(), result: cx.state.draft_result.clone(), to: None, paper });
        // Signed on paper, the result is digitised at the desk; else the system issues it signed.
        p.issue_result = (!paper).then(|| ResultPlan {
            origin: crate::domain::result::Origin::Signed,
            summary: p.note.clone(),
            replaces: false,
            issuer: None,
        });
        if let Some(draft) = &cx.state.draft_result {
            p.note = format!("{} Kết quả: {draft}", p.note).trim().to_string();
        }
        if paper {
            p.note = format!("{} (ký trên giấy, số hóa tại Bộ phận Một cửa)", p.note).trim().to_string();
        }
    } else {
        let next = cx.forward()?;
        p.close = Some(StepOutcome::Approved);
        p.open = Some(cx.open(next, p.at_ms, None, false)?);
        p.payload =
            Some(Payload::Approved { note: p.note.clone(), result: None, to: Some(cx.place(next)), paper: false });
        if p.note.is_empty() {
            p.note = format!("Chuyển đến: {}", cx.step_name(next));
        }
    }
    Ok(p)
}

fn revoke_result(
    cx: &Ctx,
    mut p: StepPlan,
    r: String,
    reissue: bool,
    files: Vec<(String, StoredFile)>,
) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.revoke_result)?;
    let r = reason("revoke_reason", &r)?;
    p.note = if reissue {
        format!("Thu hồi và cấp lại kết quả: {r}")
    } else {
        format!("Thu hồi kết quả: {r}")
    };
    p.payload = Some(Payload::Reason { reason: r.clone() });
    p.revoke_result = Some(r.clone());
    if reissue {
        p.files = files.into_iter().filter(|(k, _)| k == "draft-result").collect();
        let summary = format!("Cấp lại thay thế kết quả đã thu hồi. Lý do: {r}");
        p.issue_result =
            Some(ResultPlan { origin: crate::domain::result::Origin::Signed, summary, replaces: true, issuer: None });
    }
    Ok(p)
}

/// The receiving desk digitises a result signed on paper (NĐ 45/2020): the scan becomes a
/// result record marked digitised, with the officer's certification, while none is in force.
fn digitise_result(
    cx: &Ctx,
    mut p: StepPlan,
    certification: String,
    files: Vec<(String, StoredFile)>,
) -> Result<StepPlan, Refusal> {
    let desk = cx.user.role == Role::Reception && cx.user.agency() == Some(cx.state.receiving_agency.as_str());
    if desk && cx.state.awaiting_digitisation.is_none() && transition(cx.state.status, Action::DigitiseResult).is_ok() {
        return Err(Refusal::Conflict("error-no-paper-result".into()));
    }
    cx.allow(cx.can.digitise_result)?;
    let scan: Vec<(String, StoredFile)> = files.into_iter().filter(|(k, _)| k == "draft-result").take(1).collect();
    // Both problems at once, the certification typed shown again.
    let certified = Reason::parse("certification", &certification);
    let mut errors: Vec<FieldError> = certified.as_ref().err().cloned().into_iter().collect();
    if scan.is_empty() {
        errors.push(FieldError::new("file_0", "error-file-required"));
    }
    let certification = match certified {
        Ok(c) if errors.is_empty() => c.into_string(),
        _ => {
            let echo = vec![("certification".to_string(), certification.trim().chars().take(2000).collect())];
            return Err(Refusal::fields(errors).with_values(echo));
        }
    };
    p.agency = cx.state.receiving_agency.clone();
    p.note = format!("Số hóa kết quả giấy: {certification}");
    p.payload = Some(Payload::Reason { reason: certification.clone() });
    p.files = scan;
    // The result is the deciding agency's, signed by the leader who signed the paper; the desk
    // records it.
    let issuer = cx.wf().decision_agency().map(str::to_string).unwrap_or_else(|| cx.state.receiving_agency.clone());
    p.issue_result = Some(ResultPlan {
        origin: crate::domain::result::Origin::Digitised,
        summary: certification,
        replaces: false,
        issuer: Some((issuer, cx.state.awaiting_digitisation.clone().unwrap_or_default())),
    });
    Ok(p)
}

fn send_back(cx: &Ctx, mut p: StepPlan, r: String) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.decide)?;
    let r = reason("send_back_reason", &r)?;
    let pos = cx.state.position.ok_or(Refusal::Forbidden)?;
    let Ok(Next::Step(back)) = cx.wf().next(pos, Outcome::SendBack) else { return Err(Refusal::Forbidden) };
    let assignee = cx.state.steps.iter().rev().find(|s| s.position == back).and_then(|s| s.assignee);
    p.action = Action::SendBack;
    p.payload = Some(Payload::Reason { reason: r.clone() });
    p.note = r;
    p.close = Some(StepOutcome::SentBack);
    p.open = Some(cx.open(back, p.at_ms, assignee, false)?);
    Ok(p)
}

fn deliver(cx: &Ctx, mut p: StepPlan, channel: Channel) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.deliver)?;
    let how = match channel {
        Channel::Counter => "trực tiếp tại Bộ phận Một cửa",
        Channel::Postal => "qua dịch vụ bưu chính công ích",
        Channel::Online => "trực tuyến trên Cổng dịch vụ công",
    };
    p.note = format!("Trả kết quả {how}");
    p.payload = Some(Payload::Delivered { channel });
    p.close = Some(StepOutcome::Delivered);
    p.changes.delivery = Some(channel);
    Ok(p)
}

fn apologise(cx: &Ctx, mut p: StepPlan, new_due: String, r: String) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.apologise)?;
    let s = cx.state;
    let mut errors = Vec::new();
    let new_due_at = parse_local(&new_due);
    if new_due_at.is_none() {
        errors.push(FieldError::new("new_due", "error-date"));
    }
    let r = Reason::parse("apology_reason", &r).map_err(|e| errors.push(e)).ok();
    let echo = vec![
        ("new_due".to_string(), new_due.chars().take(40).collect::<String>()),
        ("apology_reason".to_string(), r.as_ref().map(|r| r.to_string()).unwrap_or_default()),
    ];
    let (Some(new_due_at), Some(r)) = (new_due_at, r.filter(|_| errors.is_empty())) else {
        return Err(Refusal::fields(errors).with_values(echo));
    };
    let c = cx.cal(&s.receiving_agency)?;
    let d = clock::deadline(c, s.allowance, &s.clock_events).map_err(|e| Refusal::Broken(format!("{e:?}")))?;
    let d = clock::Deadline { current_due: s.due_at.or(d.current_due), apology_used: s.apology_used, ..d };
    if let Err(refusal) = clock::check_apology(c, &d, p.at_ms, new_due_at) {
        let key = match refusal {
            clock::ApologyRefusal::AlreadyUsed => "error-apology-used",
            clock::ApologyRefusal::TooLate => "error-apology-too-late",
            clock::ApologyRefusal::NewDateNotLater => "error-apology-not-later",
            clock::ApologyRefusal::NoRunningDeadline => "error-apology-no-deadline",
        };
        return Err(Refusal::field("new_due", key).with_values(echo));
    }
    p.note = format!(
        "Hẹn lại ngày trả kết quả: {} (hẹn cũ: {}). Lý do: {r}",
        format_vn(new_due_at),
        s.due_at.map(format_vn).unwrap_or_default()
    );
    p.payload = Some(Payload::Apologised { old_due: s.due_at, new_due: new_due_at, reason: r.into_string() });
    p.changes.due_at = Some(new_due_at);
    Ok(p)
}

fn consult(
    cx: &Ctx,
    mut p: StepPlan,
    targets: Vec<(String, String)>,
    days: String,
    question: String,
) -> Result<StepPlan, Refusal> {
    cx.allow(cx.can.consult)?;
    let mut errors = Vec::new();
    let chosen: Vec<_> =
        cx.state.units.iter().filter(|u| targets.iter().any(|(a, n)| *a == u.agency && *n == u.unit)).collect();
    if chosen.is_empty() || chosen.len() != targets.len() {
        errors.push(FieldError::new("units", "error-consult-units"));
    }
    let days_n = days.trim().parse::<i64>().ok().filter(|d| CONSULT_DAYS.contains(d));
    if days_n.is_none() {
        errors.push(FieldError::new("days", "error-consult-days"));
    }
    let question = Reason::parse("question", &question).map_err(|e| errors.push(e)).ok();
    let echo = vec![
        ("question".to_string(), question.as_ref().map(|q| q.to_string()).unwrap_or_default()),
        ("days".to_string(), days.chars().take(4).collect()),
    ];
    let (Some(days_n), Some(question)) = (days_n, question.filter(|_| errors.is_empty())) else {
        return Err(Refusal::fields(errors).with_values(echo));
    };
    let mut asked = Vec::new();
    let mut units = Vec::new();
    for u in chosen {
        let c = cx.cal(&u.agency)?;
        let due_at = clock::due(c, c.counting_start(p.at_ms, false), clock::Allowance::WorkingDays(days_n * 1000));
        asked.push(format!("{} (hạn {})", u.label, format_vn(due_at)));
        units.push(Consulted {
            place: Place { agency: u.agency.clone(), unit: u.unit.clone(), name: u.label.clone() },
            due_at,
        });
        p.consult.push(NewConsultation {
            agency: u.agency.clone(),
            unit: u.unit.clone(),
            question: question.to_string(),
            due_at,
        });
    }
    p.note = format!("Xin ý kiến: {}. Nội dung: {question}", asked.join("; "));
    p.payload = Some(Payload::Consulted { units, question: question.into_string() });
    Ok(p)
}

fn answer_consultation(cx: &Ctx, mut p: StepPlan, id: i64, answer: String) -> Result<StepPlan, Refusal> {
    let c = cx.state.consultations.iter().find(|c| c.id == id).ok_or(Refusal::NotFound)?;
    if c.answered && cx.user.agency() == Some(c.agency.as_str()) {
        return Err(Refusal::Conflict("error-consultation-answered".into()));
    }
    cx.allow(cx.can.answer.contains(&id))?;
    let answer = Reason::parse_long("answer", &answer)
        .map_err(|e| Refusal::from(e).with_values(vec![("answer".into(), answer.trim().to_string())]))?;
    p.note = format!("Ý kiến của {}: {answer}", c.label);
    p.payload = Some(Payload::Answered {
        place: Place { agency: c.agency.clone(), unit: c.unit.clone(), name: c.label.clone() },
        answer: answer.to_string(),
    });
    p.answer = Some((id, answer.into_string()));
    Ok(p)
}

/// Fees paid. Online, the applicant started the attempt for what was payable then; the gateway's
/// notification confirms it only if exactly those obligations are still owed and the amount is
/// theirs. At the desk, the officer records everything payable now.
fn pay(cx: &Ctx, mut p: StepPlan, mut payment: PaymentPlan) -> Result<StepPlan, Refusal> {
    use crate::domain::fees::{payable_now, PaymentMethod};
    cx.allow(cx.can.pay)?;
    let online = payment.method == PaymentMethod::Online;
    if online != (cx.user.role == Role::Citizen) || online != payment.payment_id.is_some() {
        return Err(Refusal::Forbidden);
    }
    let (now, total) = payable_now(&cx.state.obligations, cx.state.status);
    if !online {
        payment.covers = now.iter().map(|o| o.seq).collect();
        payment.amount_vnd = total;
        if payment.method == PaymentMethod::Transfer {
            let r =
                crate::domain::text::single_line("payment_reference", &payment.reference, true, 100).map_err(|e| {
                    Refusal::from(e).with_values(vec![("payment_reference".into(), payment.reference.clone())])
                })?;
            payment.reference = r;
        } else {
            payment.reference = crate::domain::text::single_line("payment_reference", &payment.reference, false, 100)
                .map_err(|e| {
                Refusal::from(e).with_values(vec![("payment_reference".into(), payment.reference.clone())])
            })?;
        }
    }
    let mut covered: Vec<&crate::domain::fees::Obligation> = Vec::new();
    for seq in &payment.covers {
        match now.iter().find(|o| o.seq == *seq) {
            Some(o) => covered.push(o),
            // Paid meanwhile, exempted, or not yet due: the attempt no longer matches.
            None => return Err(Refusal::illegal()),
        }
    }
    let sum: i64 = covered.iter().map(|o| o.amount_vnd).sum();
    if covered.is_empty() || sum != payment.amount_vnd {
        return Err(Refusal::illegal());
    }
    p.agency = cx.state.receiving_agency.clone();
    p.payload = Some(Payload::Paid {
        amount_vnd: payment.amount_vnd,
        method: payment.method,
        reference: payment.reference.clone(),
        items: covered.iter().map(|o| o.name_vi.clone()).collect(),
    });
    p.note = format!("{} {}", payment.amount_vnd, payment.reference).trim().to_string();
    p.payment = Some(payment);
    Ok(p)
}

/// Payment asked before handling goes on (status 6): the assessed fees with their quantities
/// (each a field of its own), and every fee of a step still owed. Nothing to ask is an error at
/// the form.
fn request_payment(cx: &Ctx, mut p: StepPlan, quantities: Vec<(usize, String)>) -> Result<StepPlan, Refusal> {
    use crate::domain::fees::{payable_in, AskedFee, FeeBasis, FeeDue, ObligationState, MAX_QUANTITY};
    use crate::domain::status::DossierStatus;
    cx.allow(cx.can.request_payment)?;
    let mut errors = Vec::new();
    let mut echo = Vec::new();
    for (i, raw) in &quantities {
        let field = format!("qty_{i}");
        let raw = raw.trim();
        echo.push((field.clone(), raw.chars().take(10).collect::<String>()));
        if raw.is_empty() || raw == "0" {
            continue;
        }
        let fee = cx.state.fees.get(*i).filter(|f| f.basis == FeeBasis::Assessed && f.amount_vnd > 0);
        match (fee, raw.parse::<i64>()) {
            (Some(f), Ok(n)) if (1..=MAX_QUANTITY).contains(&n) => p.asked.push(AskedFee {
                name_vi: if n == 1 { f.name_vi.clone() } else { format!("{} × {n}", f.name_vi) },
                amount_vnd: f.amount_vnd * n,
                collector_vi: f.collector_vi.clone(),
            }),
            (Some(_), _) => errors.push(FieldError::new(field, "error-quantity")),
            (None, _) => return Err(Refusal::Forbidden),
        }
    }
    if !errors.is_empty() {
        return Err(Refusal::fields(errors).with_values(echo));
    }
    let owed: Vec<&crate::domain::fees::Obligation> = cx
        .state
        .obligations
        .iter()
        .filter(|o| o.state == ObligationState::Due && payable_in(o.due, DossierStatus::PaymentRequested))
        .collect();
    if p.asked.is_empty() && !owed.iter().any(|o| o.due == FeeDue::Step) {
        return Err(Refusal::field("fees", "error-nothing-to-ask").with_values(echo));
    }
    let mut items: Vec<String> = owed.iter().map(|o| o.name_vi.clone()).collect();
    items.extend(p.asked.iter().map(|a| a.name_vi.clone()));
    let amount_vnd = owed.iter().map(|o| o.amount_vnd).sum::<i64>() + p.asked.iter().map(|a| a.amount_vnd).sum::<i64>();
    p.note = format!("{amount_vnd}: {}", items.join("; "));
    p.payload = Some(Payload::PaymentAsked { amount_vnd, items });
    Ok(p)
}

/// Fees exempted by the officer with the reason the law gives (the case, the document that
/// proves it). At status 6, exempting the last thing asked lets handling resume.
fn exempt(cx: &Ctx, mut p: StepPlan, seqs: Vec<i64>, raw: String) -> Result<StepPlan, Refusal> {
    use crate::domain::fees::{exemptable, payable_now};
    use crate::domain::status::DossierStatus;
    cx.allow(cx.can.exempt)?;
    let echo = vec![("exempt_reason".to_string(), raw.trim().chars().take(2000).collect::<String>())];
    if seqs.is_empty() {
        return Err(Refusal::field("exempt", "error-nothing-chosen").with_values(echo));
    }
    let r = reason("exempt_reason", &raw)?;
    let owed = exemptable(&cx.state.obligations);
    let mut chosen = Vec::new();
    for seq in &seqs {
        match owed.iter().find(|o| o.seq == *seq) {
            Some(o) if !chosen.iter().any(|c: &&crate::domain::fees::Obligation| c.seq == o.seq) => chosen.push(*o),
            Some(_) => {}
            // Paid or exempted meanwhile.
            None => return Err(Refusal::illegal()),
        }
    }
    if cx.state.status == DossierStatus::PaymentRequested {
        let left = payable_now(&cx.state.obligations, cx.state.status).0.into_iter().any(|o| !seqs.contains(&o.seq));
        if !left {
            p.action = crate::domain::status::Action::ExemptAll;
        }
    }
    let amount_vnd = chosen.iter().map(|o| o.amount_vnd).sum();
    let items: Vec<String> = chosen.iter().map(|o| o.name_vi.clone()).collect();
    p.note = format!("{}: {r}", items.join("; "));
    p.payload = Some(Payload::Exempted { amount_vnd, items, reason: r.clone() });
    p.exempt = Some((chosen.iter().map(|o| o.seq).collect(), r));
    Ok(p)
}

/// A payment refunded on the agency leader's decision (Cà Mau Đ9.2.c: the agency could not
/// perform the service; or money the gateway took for what was no longer owed). The caller has
/// the gateway refund an online payment first and passes its number.
fn refund(cx: &Ctx, mut p: StepPlan, txn_ref: String, raw: String, gateway_no: String) -> Result<StepPlan, Refusal> {
    use crate::domain::fees::refundable;
    let leader_here =
        cx.user.role == Role::AgencyLeader && cx.user.agency() == Some(cx.state.receiving_agency.as_str());
    let paid = cx.state.payments.iter().find(|x| x.txn_ref == txn_ref);
    if leader_here && paid.is_some_and(|p| !refundable(&p.state)) {
        return Err(Refusal::Conflict("error-not-refundable".into()));
    }
    cx.allow(cx.can.refund)?;
    let paid = paid.filter(|p| refundable(&p.state)).ok_or(Refusal::NotFound)?;
    let r = reason("refund_reason", &raw)?;
    let items: Vec<String> =
        cx.state.obligations.iter().filter(|o| paid.covers.contains(&o.seq)).map(|o| o.name_vi.clone()).collect();
    p.agency = cx.state.receiving_agency.clone();
    p.note = format!("{} {txn_ref}: {r}", paid.amount_vnd);
    p.payload = Some(Payload::Refunded {
        amount_vnd: paid.amount_vnd,
        method: paid.method,
        reference: gateway_no.clone(),
        reason: r.clone(),
        items,
    });
    p.refund = Some(RefundPlan { txn_ref, gateway_no, reason: r });
    Ok(p)
}

/// The applicant's satisfaction rating (TT 32/2017 Đ12), once the service is over and once only:
/// online by the applicant, or from a paper form or the counter's tablet by the receiving desk.
fn rate(
    cx: &Ctx,
    mut p: StepPlan,
    input: &crate::domain::rating::RatingInput,
    channel: crate::domain::rating::RatingChannel,
) -> Result<StepPlan, Refusal> {
    use crate::domain::rating::{may_be_rated, Rating, RatingChannel};
    let applicant = cx.user.role == Role::Citizen && cx.user.id == cx.state.applicant_id;
    let desk = cx.user.role == Role::Reception && cx.user.agency() == Some(cx.state.receiving_agency.as_str());
    if applicant || desk {
        if cx.state.rated {
            return Err(Refusal::Conflict("error-rating-once".into()));
        }
        if !may_be_rated(cx.state.status) {
            return Err(Refusal::Conflict("error-rating-not-yet".into()));
        }
    }
    cx.allow(cx.can.rate)?;
    // The applicant rates online; the desk enters what was rated at the counter.
    if (channel == RatingChannel::Online) != applicant {
        return Err(Refusal::Forbidden);
    }
    let rating = Rating::parse(input).map_err(Refusal::fields)?;
    p.agency = cx.state.receiving_agency.clone();
    p.note = rating.overall.name().to_string();
    // Unsatisfied, or a comment: the leader answers within the working days the rules give,
    // counted on the receiving agency's calendar.
    let answer_due = if rating.needs_answer() {
        let days = crate::domain::rating::ANSWER_DAYS * 1000;
        Some(clock::due(cx.cal(&cx.state.receiving_agency)?, p.at_ms, clock::Allowance::WorkingDays(days)))
    } else {
        None
    };
    p.payload = Some(Payload::Rated { rating: rating.clone(), channel, answer_due });
    p.rating = Some((rating, channel));
    Ok(p)
}

/// The receiving agency leader's answer to a rating that called for one, once: it goes into the
/// history and back to the applicant.
fn answer_rating(cx: &Ctx, mut p: StepPlan, answer: String) -> Result<StepPlan, Refusal> {
    let leader_here =
        cx.user.role == Role::AgencyLeader && cx.user.agency() == Some(cx.state.receiving_agency.as_str());
    if leader_here && cx.state.answer_owed.is_none() {
        return Err(Refusal::Conflict("error-rating-no-answer-owed".into()));
    }
    cx.allow(cx.can.answer_rating)?;
    let answer = reason("rating_answer", &answer)?;
    p.agency = cx.state.receiving_agency.clone();
    p.payload = Some(Payload::RatingAnswered { answer: answer.clone() });
    p.rating_answer = Some(answer);
    Ok(p)
}
