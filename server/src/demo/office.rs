//! A living office for the demo (`DEMO_DATA=office`): a few hundred dossiers over the last three
//! months at Phường Đông Hà and the provincial centre, in every status. Each one is submitted and
//! then handled action by action through the same planner, transition function and store as
//! real work, at simulated times on the agencies' calendars, so histories, steps and clocks are
//! valid; a dossier stops where its next action would fall after now.

use super::{demo_files, demo_form};
use crate::storage::Db;
use app::domain::channel::Channel;
use app::domain::clock::Calendar;
use app::domain::role::Role;
use app::domain::status::DossierStatus as S;
use app::domain::workflow::StepKind;
use app::handling::{execute, load_calendars, Backfill, Command};
use app::ports::stores::*;
use app::ports::{CurrentUser, DraftSave, FileStore, NewUser, StoreError};

const DAY: i64 = 86_400_000;

/// A refused demo action is a bug in the demo: say which dossier.
fn refused(code: &str) -> impl Fn(app::handling::Refusal) -> StoreError + '_ {
    move |r| StoreError::Backend(format!("office {code}: {r:?}"))
}

/// Procedures whose every step has demo officers: Đông Hà's civil status, certification,
/// construction and trade; the building permits the centre receives for Sở Xây dựng; marriage
/// with a foreign element (liên thông with Công an).
const PROCEDURES: [(&str, u32); 7] = [
    ("1.001193", 30),
    ("2.000815", 25),
    ("1.013225", 12),
    ("2.000633", 6),
    ("1.013229", 12),
    ("1.009982", 8),
    ("2.000806", 7),
];

const FAMILY: [&str; 10] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Phan", "Đặng", "Bùi", "Hồ"];
const MIDDLE: [&str; 6] = ["Văn", "Thị", "Minh", "Ngọc", "Quốc", "Thanh"];
const GIVEN: [&str; 12] =
    ["An", "Bình", "Chi", "Dũng", "Giang", "Hải", "Hương", "Khoa", "Linh", "Nam", "Phúc", "Trang"];

/// A small deterministic generator: the same office every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// What happens to a dossier besides the usual path.
#[derive(Clone, Copy, PartialEq)]
enum Fate {
    Usual,
    RefusedAtDesk,
    SupplementWaiting,
    SupplementAnswered,
    RefusedAfterAppraisal,
    Withdrawn,
    SentBackOnce,
    Apology,
    /// Its fee is exempted at the desk, with the case the law names.
    Exempted,
}

/// An officer of `agency` with `role` (and `unit`): the one with id `prefer` if there is one,
/// else the `pick`-th.
async fn officer(
    db: &Db,
    agency: &str,
    role: Role,
    unit: &str,
    pick: u64,
    prefer: Option<i64>,
) -> Result<CurrentUser, StoreError> {
    let list = db.officers(agency, role, unit).await?;
    let (id, full_name) = prefer
        .and_then(|id| list.iter().find(|(i, _)| *i == id))
        .or_else(|| list.get(pick as usize % list.len().max(1)))
        .cloned()
        .ok_or_else(|| StoreError::Backend(format!("no {role} at {agency} {unit}")))?;
    Ok(CurrentUser { id, full_name, role, agency_code: Some(agency.into()), unit_code: unit.into() })
}

/// An instant `minutes` of working time after `t` on `cal`.
fn later(cal: &Calendar, t: i64, minutes: i64) -> i64 {
    cal.add_working_minutes(cal.counting_start(t, false), minutes.max(5))
}

pub async fn load(db: &Db, files: &dyn FileStore, now_ms: i64, count: usize) -> Result<(), StoreError> {
    let mut rng = Rng(2026);
    let mut refund_story = false;
    let mut exempt_story = false;
    let hash = app::api::account::ssr::hash_password("matkhau2026").map_err(|e| StoreError::Backend(e.to_string()))?;
    let mut people = Vec::new();
    for i in 0..40u64 {
        let female = rng.chance(50);
        let name = format!(
            "{} {} {}",
            FAMILY[rng.below(10) as usize],
            if female { "Thị" } else { MIDDLE[rng.below(6) as usize] },
            GIVEN[rng.below(12) as usize]
        );
        let cccd = format!("045{}{:02}{:06}", u8::from(female), 60 + rng.below(40), 100_000 + i * 7919 % 900_000);
        let phone = format!("09{:08}", 10_000_000 + rng.below(89_999_999));
        let id = db
            .create_user(NewUser {
                full_name: name.clone(),
                cccd: cccd.clone(),
                phone: phone.clone(),
                email: None,
                password_hash: hash.clone(),
                created_at_ms: now_ms - 120 * DAY,
            })
            .await?;
        people.push((CurrentUser::citizen(id, name), cccd, phone));
    }
    // The demo's citizens have been to a desk: their accounts are verified.
    db.mark_citizens_verified().await?;
    let weights: u32 = PROCEDURES.iter().map(|(_, w)| w).sum();
    for n in 0..count {
        let mut pick = rng.below(u64::from(weights)) as u32;
        let code = PROCEDURES
            .iter()
            .find(|(_, w)| {
                if pick < *w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .map(|(c, _)| *c)
            .unwrap_or("1.001193");
        let Some(p) = db.procedure(code).await? else { continue };
        let (who, cccd, phone) = people[rng.below(people.len() as u64) as usize].clone();
        let online = rng.chance(60);
        // Spread over 90 days, more of them recent; counter dossiers come in office hours.
        let age = if rng.chance(12) {
            // Today's queue at the desk.
            (rng.below(6 * 60) as i64 + 5) * 60_000
        } else {
            (rng.below(90 * 24) as i64) * 3_600_000 * (1 + rng.below(3) as i64) / 3
        };
        let home = db.calendar(&p.receiving_agency.code).await?.ok_or(StoreError::NotFound)?;
        let mut t = now_ms - age;
        if !online {
            t = home.next_working_instant(t) + (rng.below(120) as i64) * 60_000;
        }
        if t >= now_ms {
            continue;
        }
        // A paper dossier is entered by the desk, its papers scanned there.
        let channel = if online {
            "online"
        } else if rng.chance(85) {
            "counter"
        } else {
            "postal"
        };
        let submitter = if online {
            who.clone()
        } else {
            officer(db, &p.receiving_agency.code, Role::Reception, "", n as u64, None).await?
        };
        let mut papers = demo_files(files, &p, 1000 + n).await?;
        for f in &mut papers {
            f.digitised = !online;
        }
        let draft = DraftSave {
            idempotency_key: format!("office-{n:04}-{:016x}", rng.next()),
            procedure_code: p.code.clone(),
            applicant: who.clone(),
            form: demo_form(&p, &who.full_name, &cccd, &phone),
            files: papers,
            submit: Vec::new(),
            now_ms: t,
            channel: channel.into(),
            applied_for: None,
        };
        let saved = super::submit_draft(db, draft, &submitter).await?;
        let app::ports::DraftOutcome::Submitted { code: dossier, .. } = saved else { continue };
        let fate = match rng.below(100) {
            0..=3 => Fate::RefusedAtDesk,
            4..=7 => Fate::SupplementWaiting,
            8..=12 => Fate::SupplementAnswered,
            13..=15 => Fate::RefusedAfterAppraisal,
            16..=18 => Fate::Withdrawn,
            19..=24 => Fate::SentBackOnce,
            25..=28 => Fate::Apology,
            _ => Fate::Usual,
        };
        // The first dossier Đông Hà takes a fee for with the submission is one it will refuse
        // after appraisal: its leader refunds the fee (the office always has one refund).
        // The next one has its fee exempted (the office always has one exemption).
        let fate = if !exempt_story && fate == Fate::Usual {
            match db.desk_dossier(&dossier).await? {
                Some(d)
                    if d.receiving_agency_code == "000.20.01.H45"
                        && d.dossier.obligations.iter().any(|o| o.due == app::domain::fees::FeeDue::Submission) =>
                {
                    if refund_story {
                        exempt_story = true;
                        Fate::Exempted
                    } else {
                        refund_story = true;
                        Fate::RefusedAfterAppraisal
                    }
                }
                _ => fate,
            }
        } else {
            fate
        };
        // Most units keep their time; some are slow.
        let pace = if rng.chance(12) { 130 } else { 20 + rng.below(70) as i64 };
        run(db, files, &dossier, &who, fate, pace, &mut rng, t, now_ms).await?;
    }
    reconciled_past_days(db, now_ms).await
}

/// The daily reconciliation ran in the office's past as it would have: a quarter of an hour
/// after each day with online payments ended, nothing different (the demo's payments were
/// confirmed as the gateway's notification confirms them; the sandbox started today never saw
/// them, so asking it now would wrongly list them all).
async fn reconciled_past_days(db: &Db, now_ms: i64) -> Result<(), StoreError> {
    use app::ports::PaymentStore;
    let today = app::domain::vn_time::iso_date(now_ms);
    let rows = sqlx::query(
        "select d.receiving_agency, p.created_at from payments p join dossiers d on d.id = p.dossier_id \
         where p.channel = 'online' order by p.created_at",
    )
    .fetch_all(&db.pool)
    .await
    .map_err(crate::storage::backend_err)?;
    let mut days: std::collections::BTreeMap<(String, String), i64> = std::collections::BTreeMap::new();
    for r in &rows {
        use sqlx::Row;
        let day = app::domain::vn_time::iso_date(r.get::<i64, _>("created_at"));
        *days.entry((r.get::<String, _>("receiving_agency"), day)).or_default() += 1;
    }
    for ((agency, day), checked) in days.into_iter().filter(|((_, d), _)| *d < today) {
        let Some((_, end)) = app::domain::vn_time::day_bounds(&day) else { continue };
        let run = app::read::payments::Reconciliation {
            id: 0,
            agency_code: agency,
            day,
            run_at_ms: end + 15 * 60_000,
            run_by: None,
            run_by_name: None,
            checked,
            mismatches: Vec::new(),
        };
        db.save_reconciliation(&run).await?;
    }
    Ok(())
}

/// The specialist `who` asks another unit that has specialists (the same agency's when it has
/// one) for an opinion; the unit answers unless that would be after now. Returns the time the
/// handling goes on from: the answer's (the question's when none came yet; now when the question
/// itself would be after now).
#[allow(clippy::too_many_arguments)]
async fn consult(
    db: &Db,
    code: &str,
    who: &CurrentUser,
    agency: &str,
    unit: &str,
    t: i64,
    now: i64,
    rng: &mut Rng,
) -> Result<i64, StoreError> {
    let mut candidates = Vec::new();
    for u in db.units().await? {
        let own = u.agency_code == agency && u.unit_code == unit;
        if !own && !db.officers(&u.agency_code, Role::Specialist, &u.unit_code).await?.is_empty() {
            candidates.push(u);
        }
    }
    candidates.sort_by_key(|u| u.agency_code != agency);
    let Some(target) = candidates.first().cloned() else { return Ok(t) };
    let Some(state) = db.dossier_state(code).await? else { return Ok(now) };
    let cals = load_calendars(db, &state, std::slice::from_ref(&target.agency_code)).await.map_err(refused(code))?;
    let at = later(&cals[agency], t, 30 + rng.below(120) as i64);
    if at > now {
        return Ok(now);
    }
    let cmd = Command::Consult {
        targets: vec![(target.agency_code.clone(), target.unit_code.clone())],
        days: "2".into(),
        question: "Đề nghị đơn vị cho ý kiến về tính hợp lệ của giấy tờ và thông tin người yêu cầu.".into(),
    };
    execute(db, who, code, cmd, &Backfill::default(), at).await.map_err(refused(code))?;
    let answer_at = later(&cals[&target.agency_code], at, 60 + rng.below(1200) as i64);
    if answer_at > now {
        return Ok(at);
    }
    let Some(desk) = db.desk_dossier(code).await? else { return Ok(now) };
    let answerer = officer(db, &target.agency_code, Role::Specialist, &target.unit_code, rng.next(), None).await?;
    let Some(id) = desk.consultations.last().map(|c| c.id) else { return Ok(at) };
    let cmd = Command::AnswerConsultation {
        id,
        answer: "Đã kiểm tra, giấy tờ hợp lệ và thông tin khớp với cơ sở dữ liệu của đơn vị.".into(),
    };
    execute(db, &answerer, code, cmd, &Backfill::default(), answer_at).await.map_err(refused(code))?;
    // The specialist waits for the opinion before appraising.
    Ok(answer_at)
}

/// Handles one dossier step by step until it closes or its next action would be in the future.
#[allow(clippy::too_many_arguments)]
async fn run(
    db: &Db,
    files: &dyn FileStore,
    code: &str,
    applicant: &CurrentUser,
    fate: Fate,
    pace: i64,
    rng: &mut Rng,
    submitted: i64,
    now: i64,
) -> Result<(), StoreError> {
    let mut t = submitted;
    let mut sent_back = false;
    let mut apologised = false;
    let mut supplemented = false;
    let mut consulted = false;
    let mut paid_or_left = false;
    let mut exempted = false;
    let mut refunded = false;
    let mut collected = false;
    for _ in 0..20 {
        let Some(desk) = db.desk_dossier(code).await? else { return Ok(()) };
        let state = app::handling::state_of(&desk).map_err(StoreError::Backend)?;
        let cals = load_calendars(db, &state, &[]).await.map_err(refused(code))?;
        let home = &cals[&desk.receiving_agency_code];
        let status = desk.dossier.status;
        let step = desk.position.and_then(|p| desk.workflow.get(p as usize).cloned());
        // The actor and the time of the next action.
        let (actor, cmd, minutes) = match (status, step.as_ref().map(|s| s.kind.as_str())) {
            // Most applicants pay what is due with the submission: online through the gateway
            // (recorded as its notification would), paper ones in cash at the desk.
            (S::Submitted, _)
                if fate != Fate::RefusedAtDesk && !paid_or_left && {
                    paid_or_left = true;
                    // Those whose dossier the agency will not resolve have paid, to be refunded.
                    fate != Fate::Exempted
                        && app::domain::fees::holds(&desk.dossier.obligations, status)
                        && (rng.chance(85) || matches!(fate, Fate::RefusedAfterAppraisal | Fate::Withdrawn))
                } =>
            {
                let at = later(home, t, 5 + rng.below(120) as i64);
                if at > now {
                    return Ok(());
                }
                pay(db, code, applicant, &desk, at).await?;
                t = at;
                continue;
            }
            // Some who did not pay are exempted by the desk, with the case the law names.
            (S::Submitted, _)
                if fate != Fate::RefusedAtDesk && !exempted && {
                    exempted = true;
                    app::domain::fees::holds(&desk.dossier.obligations, status)
                        && (fate == Fate::Exempted || rng.chance(50))
                } =>
            {
                let desk_officer =
                    officer(db, &desk.receiving_agency_code, Role::Reception, "", rng.next(), None).await?;
                let seqs = app::domain::fees::exemptable(&desk.dossier.obligations).iter().map(|o| o.seq).collect();
                let reason = "Người nộp thuộc hộ nghèo, có giấy chứng nhận hộ nghèo còn hiệu lực.".into();
                (desk_officer, Command::Exempt { seqs, reason }, 10 + rng.below(60) as i64)
            }
            (S::Submitted, _) => {
                let desk_officer =
                    officer(db, &desk.receiving_agency_code, Role::Reception, "", rng.next(), None).await?;
                let wait = 20 + rng.below(240) as i64;
                if fate == Fate::RefusedAtDesk {
                    (
                        desk_officer,
                        Command::RefuseAtReception {
                            reason:
                                "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan; đề nghị nộp tại UBND nơi cư trú."
                                    .into(),
                        },
                        wait,
                    )
                } else if matches!(fate, Fate::SupplementWaiting | Fate::SupplementAnswered) && !supplemented {
                    supplemented = true;
                    let at = later(home, t, wait);
                    if at > now {
                        return Ok(());
                    }
                    let c = desk.dossier.components.first().cloned();
                    let items = c
                        .into_iter()
                        .map(|c| app::api::supplements::SupplementItem {
                            kind: app::domain::supplement::ItemKind::Component,
                            target: c.id.to_string(),
                            label: c.name,
                            note: "Bản chụp mờ, không đọc được số giấy tờ".into(),
                        })
                        .collect();
                    let reason = "Thành phần hồ sơ chưa đủ rõ để đối chiếu; đề nghị nộp lại bản rõ nét.".into();
                    let cmd = Command::RequestSupplement { reason, items };
                    execute(db, &desk_officer, code, cmd, &Backfill::default(), at).await.map_err(refused(code))?;
                    t = at;
                    if fate == Fate::SupplementWaiting {
                        return Ok(());
                    }
                    let back = later(home, t, 60 * (2 + rng.below(16) as i64));
                    if back > now {
                        return Ok(());
                    }
                    let form = desk.dossier.form.clone();
                    let p = db.procedure(&desk.dossier.procedure_code).await?.ok_or(StoreError::NotFound)?;
                    let mut fresh = demo_files(files, &p, 5000 + rng.below(100_000) as usize).await?;
                    let asked = desk.dossier.components.first().map(|c| c.id);
                    fresh.retain(|f| Some(f.component_id) == asked);
                    let cmd = Command::AnswerSupplement { form, files: fresh };
                    execute(db, applicant, code, cmd, &Backfill::default(), back).await.map_err(refused(code))?;
                    t = back;
                    continue;
                } else {
                    (desk_officer, Command::Accept, wait)
                }
            }
            // The fee due with the result is paid when it is collected (or exempted at the desk).
            (S::ResultReady, _) if !collected && app::domain::fees::holds(&desk.dossier.obligations, status) => {
                collected = true;
                let at = later(home, t, 30 + rng.below(900) as i64);
                if at > now {
                    return Ok(());
                }
                if rng.chance(85) {
                    pay(db, code, applicant, &desk, at).await?;
                    t = at;
                    continue;
                }
                let desk_officer =
                    officer(db, &desk.receiving_agency_code, Role::Reception, "", rng.next(), None).await?;
                let seqs = app::domain::fees::exemptable(&desk.dossier.obligations).iter().map(|o| o.seq).collect();
                let reason = "Người nộp là người có công với cách mạng, được miễn lệ phí theo quy định.".into();
                (desk_officer, Command::Exempt { seqs, reason }, 5)
            }
            (S::Accepted, Some("receive")) if fate == Fate::Withdrawn && rng.chance(50) => (
                applicant.clone(),
                Command::Withdraw {
                    reason: "Gia đình đã giải quyết được việc theo cách khác, xin rút hồ sơ.".into()
                },
                60 * 8,
            ),
            (s, Some(kind)) if s.is_at_a_step() => {
                let s = step.clone().unwrap_or_else(|| unreachable!());
                let role = StepKind::parse(kind).map_or(Role::AgencyLeader, StepKind::role);
                // The specialist the dossier is assigned to appraises it.
                let assignee = desk.assignee_id.filter(|_| kind == "appraise");
                let who = officer(db, &s.agency_code, role, &s.unit_code, rng.next(), assignee).await?;
                let allowance = s.allowance.minutes(&cals[&s.agency_code]);
                let minutes = allowance * pace / 100 + rng.below(30) as i64;
                // Some specialists ask another unit first, which answers in its own time.
                if kind == "appraise" && !consulted && rng.chance(20) {
                    consulted = true;
                    t = consult(db, code, &who, &s.agency_code, &s.unit_code, t, now, rng).await?;
                    if t >= now {
                        return Ok(());
                    }
                    continue;
                }
                let cmd = match kind {
                    "receive" => Command::Transfer,
                    "assign" => {
                        let specialists = db.officers(&s.agency_code, Role::Specialist, &s.unit_code).await?;
                        let specialist = specialists
                            .get(rng.below(specialists.len() as u64) as usize)
                            .map(|(id, _)| *id)
                            .unwrap_or_default();
                        Command::Assign { specialist }
                    }
                    "appraise" => {
                        let refuse = fate == Fate::RefusedAfterAppraisal;
                        let mut drafts = Vec::new();
                        if !refuse {
                            let draft = super::store_pdf(
                                files,
                                0,
                                &format!("Du thao ket qua {code}"),
                                9000 + rng.below(1_000_000) as usize,
                            )
                            .await?;
                            drafts.push(("draft-result".to_string(), draft));
                        }
                        let note = if refuse {
                            "Người yêu cầu không đáp ứng điều kiện theo quy định; không đủ căn cứ để giải quyết."
                                .to_string()
                        } else {
                            "Hồ sơ đầy đủ, thông tin đã đối chiếu khớp với cơ sở dữ liệu; đủ điều kiện giải quyết."
                                .to_string()
                        };
                        Command::Appraise { note, propose_refusal: refuse, files: drafts }
                    }
                    "review" | "approve" if fate == Fate::SentBackOnce && !sent_back => {
                        sent_back = true;
                        Command::SendBack {
                            reason: "Dự thảo ghi sai thông tin người yêu cầu; đề nghị sửa lại.".into()
                        }
                    }
                    "review" | "approve" => Command::Approve { note: String::new(), paper: false },
                    _ => Command::Deliver {
                        channel: if desk.dossier.channel == "online" { Channel::Online } else { Channel::Counter },
                    },
                };
                (who, cmd, minutes)
            }
            // The agency could not perform the service: its leader refunds what was paid (Cà Mau
            // Đ9.2.c), through the gateway for an online payment, at the counter otherwise.
            (S::Refused | S::Withdrawn | S::Stopped, _)
                if !refunded && desk.dossier.payments.iter().any(|p| app::domain::fees::refundable(&p.state)) =>
            {
                refunded = true;
                let Some(p) = desk.dossier.payments.iter().find(|p| app::domain::fees::refundable(&p.state)) else {
                    return Ok(());
                };
                let Ok(head) = officer(db, &desk.receiving_agency_code, Role::AgencyLeader, "", rng.next(), None).await
                else {
                    return Ok(());
                };
                let gateway_no = if p.method == app::domain::fees::PaymentMethod::Online {
                    format!("RF{}", p.reference)
                } else {
                    String::new()
                };
                let reason = "Cơ quan không giải quyết được hồ sơ; hoàn trả phí, lệ phí đã nộp.".into();
                (head, Command::Refund { txn_ref: p.txn_ref.clone(), reason, gateway_no }, 60 + rng.below(480) as i64)
            }
            // The service is over: most applicants rate it, online or on the counter's paper form
            // (`demo_rating`).
            (S::Refused | S::Delivered, _) if !desk.dossier.events.iter().any(|e| e.action == "rate") => {
                let Some((cmd, minutes)) = demo_rating(code, desk.dossier.channel == "online") else {
                    return Ok(());
                };
                let who = if desk.dossier.channel == "online" {
                    applicant.clone()
                } else {
                    officer(db, &desk.receiving_agency_code, Role::Reception, "", 0, None).await?
                };
                (who, cmd, minutes)
            }
            _ => return Ok(()),
        };
        // An apology slip, in time, before a slow step would run late.
        if fate == Fate::Apology && !apologised && status.is_in_handling() {
            if let Some(due) = desk.due_at_ms {
                let head = officer(db, &desk.current_agency_code, Role::AgencyLeader, "", 0, None).await;
                let at = later(home, t, 30);
                if let (Ok(head), true) = (head, at < now && at < due) {
                    apologised = true;
                    let new_due =
                        app::domain::vn_time::format_local_input(home.add_working_minutes(due, 3 * home.day_minutes()));
                    let cmd = Command::Apologise {
                        new_due,
                        reason: "Cần lấy ý kiến của cơ quan liên quan để xác minh thông tin.".into(),
                    };
                    if execute(db, &head, code, cmd, &Backfill::default(), at).await.is_ok() {
                        t = at;
                        continue;
                    }
                }
            }
        }
        let step_cal = step.as_ref().and_then(|s| cals.get(&s.agency_code)).unwrap_or(home);
        let at = later(step_cal, t, minutes);
        if at > now {
            return Ok(());
        }
        execute(db, &actor, code, cmd, &Backfill::default(), at).await.map_err(refused(code))?;
        t = at;
    }
    Ok(())
}

/// Seven in ten applicants rate the service, most satisfied, a few not (late, or the officers'
/// attitude), some with a comment. Drawn from the dossier's code, not the office's random
/// sequence, so the rest of the living office stays as it was. Also when to rate, in minutes.
fn demo_rating(code: &str, online: bool) -> Option<(Command, i64)> {
    use app::domain::rating::RatingChannel;
    let h = code.bytes().fold(7u64, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b)));
    if h % 10 >= 7 {
        return None;
    }
    let (overall, on_time, attitude, comment) = match (h / 10) % 20 {
        0 => ("unsatisfied", "unsatisfied", "satisfied", "Hồ sơ trả kết quả chậm so với giấy hẹn."),
        1 | 2 => ("satisfied", "satisfied", "unsatisfied", ""),
        3..=11 => ("satisfied", "satisfied", "satisfied", ""),
        12 => ("very-satisfied", "very-satisfied", "very-satisfied", "Cán bộ hướng dẫn tận tình, dễ hiểu."),
        _ => ("very-satisfied", "very-satisfied", "very-satisfied", ""),
    };
    let cmd = Command::Rate {
        input: app::domain::rating::RatingInput {
            overall: overall.into(),
            ease: if h % 3 == 0 { String::new() } else { "satisfied".into() },
            on_time: on_time.into(),
            attitude: attitude.into(),
            comment: comment.into(),
        },
        channel: if online { RatingChannel::Online } else { RatingChannel::Paper },
    };
    Some((cmd, 30 + (h % 2880) as i64))
}

/// Pays everything payable now on dossier `code`: an online dossier through an attempt the
/// gateway confirms (as its notification does), a paper one in cash at the receiving desk.
async fn pay(
    db: &Db,
    code: &str,
    applicant: &CurrentUser,
    desk: &app::api::desk::DeskDossierView,
    at: i64,
) -> Result<(), StoreError> {
    use app::domain::fees::{payable_now, PaymentMethod};
    use app::ports::PaymentStore;
    let (owed, total) = payable_now(&desk.dossier.obligations, desk.dossier.status);
    let covers: Vec<i64> = owed.iter().map(|o| o.seq).collect();
    let (actor, cmd) = if desk.dossier.channel == "online" {
        let opened = db.open_payment(code, applicant.id, &covers, total, at).await?;
        let reference = format!("{:08}", 10_000_000 + opened.id);
        let cmd = Command::Pay {
            method: PaymentMethod::Online,
            payment_id: Some(opened.id),
            amount_vnd: total,
            covers,
            reference: reference.clone(),
        };
        execute(db, applicant, code, cmd, &Backfill::default(), at).await.map_err(refused(code))?;
        let outcome = app::ports::GatewayOutcome {
            state: "paid",
            response_code: "00".into(),
            gateway_txn_no: reference,
            bank_code: "NCB".into(),
        };
        return db.close_payment(opened.id, &outcome, at).await;
    } else {
        let desk_officer = officer(db, &desk.receiving_agency_code, Role::Reception, "", at as u64, None).await?;
        (
            desk_officer,
            Command::Pay {
                method: PaymentMethod::Cash,
                payment_id: None,
                amount_vnd: 0,
                covers: Vec::new(),
                reference: String::new(),
            },
        )
    };
    execute(db, &actor, code, cmd, &Backfill::default(), at).await.map_err(refused(code))?;
    Ok(())
}
