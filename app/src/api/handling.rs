//! Server functions for handling a dossier after reception (legal-notes §3.5–3.7): transfer,
//! assignment, appraisal, review and approval or sending back, the result and its delivery,
//! refusal, stop, the apology slip (Mẫu 04), urging, withdrawal, back-filled actions. Each one
//! authenticates, parses its inputs into a [`Command`] and calls [`crate::handling::execute`];
//! the rules live in [`crate::handling`]. Also the desk's read model of the workflow and clock.

use crate::domain::channel::Channel;
use crate::error::AppError;
pub use crate::read::handling::{StepRecord, WorkFileView, WorkflowStepView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::handling::{Available, Backfill, Command};

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
    /// When this view was read (the server's clock): what other deadlines shown are read against.
    #[serde(default)]
    pub now_ms: i64,
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

/// How the desk may hand a result over.
pub const DELIVERIES: [Channel; 3] = [Channel::Counter, Channel::Postal, Channel::Online];

/// Transfers an accepted dossier to the competent unit (the next workflow step).
#[server(prefix = "/api", endpoint = "desk/transfer")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/transfer", skip_all))]
pub async fn desk_transfer(
    code: String,
    happened_at: Option<String>,
    backfill_reason: Option<String>,
) -> Result<(), AppError> {
    ssr::act(&code, Command::Transfer, Backfill { happened_at, backfill_reason }).await
}

/// The unit leader assigns a specialist.
#[server(prefix = "/api", endpoint = "desk/assign")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/assign", skip_all))]
pub async fn desk_assign(
    code: String,
    specialist: String,
    happened_at: Option<String>,
    backfill_reason: Option<String>,
) -> Result<(), AppError> {
    let specialist = specialist.trim().parse::<i64>().map_err(|_| AppError::field("specialist", "error-required"))?;
    ssr::act(&code, Command::Assign { specialist }, Backfill { happened_at, backfill_reason }).await
}

/// The specialist records the appraisal with the draft result (multipart: `code`, `note`,
/// `proposal` = `result` | `refuse`, `file_0` the draft result, `file_1` a verification record,
/// and the back-filling fields).
#[server(prefix = "/api", endpoint = "desk/appraise", input = leptos::server_fn::codec::MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/appraise", skip_all))]
pub async fn desk_appraise(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    ssr::appraise(data).await
}

/// The issuing agency's leader revokes the result in force (multipart: `code`, `reason`,
/// `reissue` = `1` to issue a corrected result in its place, `file_0` the corrected draft).
#[server(prefix = "/api", endpoint = "desk/revoke-result", input = leptos::server_fn::codec::MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/revoke-result", skip_all))]
pub async fn desk_revoke_result(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    ssr::revoke_result(data).await
}

/// The receiving desk digitises a result signed on paper: `file_0` the scan, `certification`
/// the officer's statement that it is a true copy of the original.
#[server(prefix = "/api", endpoint = "desk/digitise-result", input = leptos::server_fn::codec::MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/digitise-result", skip_all))]
pub async fn desk_digitise_result(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    ssr::digitise_result(data).await
}

/// Review or approval: `decision` = `approve` | `send-back` | `refuse`, with a reason to send back
/// or refuse.
#[server(prefix = "/api", endpoint = "desk/decide")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/decide", skip_all))]
pub async fn desk_decide(
    code: String,
    decision: String,
    reason: Option<String>,
    paper: Option<String>,
    happened_at: Option<String>,
    backfill_reason: Option<String>,
) -> Result<(), AppError> {
    use crate::handling::Decision;
    let reason = reason.unwrap_or_default();
    let cmd = match Decision::parse(&decision) {
        Some(Decision::Approve) => Command::Approve { note: reason, paper: paper.as_deref() == Some("1") },
        Some(Decision::SendBack) => Command::SendBack { reason },
        Some(Decision::Refuse) => Command::RefuseAfterAppraisal { reason },
        None => return Err(AppError::field("decision", "error-required")),
    };
    ssr::act(&code, cmd, Backfill { happened_at, backfill_reason }).await
}

/// The desk hands the result over: at the counter, by post or online (status 10).
#[server(prefix = "/api", endpoint = "desk/deliver")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/deliver", skip_all))]
pub async fn desk_deliver(
    code: String,
    delivery: String,
    happened_at: Option<String>,
    backfill_reason: Option<String>,
) -> Result<(), AppError> {
    let channel = Channel::parse(delivery.trim()).ok_or_else(|| AppError::field("delivery", "error-required"))?;
    ssr::act(&code, Command::Deliver { channel }, Backfill { happened_at, backfill_reason }).await
}

/// The apology slip (Mẫu 04): a new appointment, once, at the latest the working day before the
/// due date, with the reason for the delay.
#[server(prefix = "/api", endpoint = "desk/apologise")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/apologise", skip_all))]
pub async fn desk_apologise(code: String, new_due: String, reason: String) -> Result<(), AppError> {
    ssr::act(&code, Command::Apologise { new_due, reason }, Backfill::default()).await
}

/// A leader urges (đôn đốc) the unit holding the dossier; recorded in the history.
#[server(prefix = "/api", endpoint = "desk/urge")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/urge", skip_all))]
pub async fn desk_urge(code: String, note: String) -> Result<(), AppError> {
    ssr::act(&code, Command::Urge { note }, Backfill::default()).await
}

/// The agency leader stops handling with a notice (status 8).
#[server(prefix = "/api", endpoint = "desk/stop")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/stop", skip_all))]
pub async fn desk_stop(code: String, reason: String) -> Result<(), AppError> {
    ssr::act(&code, Command::Stop { reason }, Backfill::default()).await
}

/// The citizen withdraws their dossier (status 7) while it is not decided.
#[server(prefix = "/api", endpoint = "dossiers/withdraw")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "dossiers/withdraw", skip_all))]
pub async fn withdraw_dossier(code: String, reason: String) -> Result<(), AppError> {
    ssr::withdraw(&code, reason).await
}

#[cfg(feature = "ssr")]
pub mod ssr {

    use super::{Backfill, Command};
    use crate::api::ctx;
    use crate::api::desk::DeskDossierView;
    use crate::domain::status::Action;

    use crate::domain::clock::{self};

    use crate::error::AppError;
    use crate::handling::{self, Calendars, Proposal};
    use crate::ports::CurrentUser;

    /// The dossier at the desk, for an officer of an agency involved in it: the view, what the
    /// officer may do now, whom they may name, and the clock on the agencies' calendars.
    pub async fn officer_dossier(user: &CurrentUser, code: &str) -> Result<DeskDossierView, AppError> {
        if !user.role.is_officer() {
            return Err(AppError::Forbidden);
        }
        let services = ctx::services()?;
        let store = services.store.as_ref();
        let code = crate::domain::dossier_code::DossierCode::parse("code", code).map_err(|_| AppError::NotFound)?;
        // One read: the page's view, and the rules' state built from it.
        let mut desk = store.desk_dossier(&code.to_string()).await?.ok_or(AppError::NotFound)?;
        let mut state = handling::state_of(&desk).map_err(ctx::internal)?;
        handling::authorize(user, &state)?;
        handling::load_choices(store, &mut state, user).await?;
        let cals = handling::load_calendars(store, &state, &[]).await?;
        desk.actions = handling::available(&state, user);
        desk.specialists = state.specialists.clone();
        if desk.actions.consult {
            // Names in the reader's language.
            desk.units = store.units().await?;
            desk.units.retain(|u| state.units.iter().any(|s| s.agency == u.agency_code && s.unit == u.unit_code));
        }
        desk.clock = clock_view(&desk, &cals, ctx::now_ms());
        Ok(desk)
    }

    /// Time left, per-step allowance and spend, and timeliness, on the agencies' calendars.
    pub fn clock_view(desk: &DeskDossierView, cals: &Calendars, now: i64) -> super::ClockView {
        let Some(home) = cals.get(&desk.receiving_agency_code) else { return Default::default() };
        let status = desk.dossier.status;
        let steps = desk
            .steps
            .iter()
            .map(|s| {
                let c = cals.get(&s.agency_code).unwrap_or(home);
                let allowance = desk.workflow.get(s.position as usize).map(|w| w.allowance);
                let spent =
                    c.working_minutes_between(c.counting_start(s.started_at_ms, false), s.ended_at_ms.unwrap_or(now));
                super::StepClockView {
                    allowance_minutes: allowance.map(|a| a.minutes(c)).unwrap_or_default(),
                    spent_minutes: spent,
                    timeliness: s.ended_at_ms.map(|e| clock::timeliness(s.due_at_ms, e).key().to_string()),
                }
            })
            .collect();
        let left = desk.due_at_ms.filter(|_| status.is_running()).map(|due| home.working_minutes_left(now, due));
        super::ClockView {
            day_minutes: home.day_minutes(),
            left_minutes: left,
            steps,
            timeliness: match (desk.due_at_ms, desk.resolved_at_ms) {
                (Some(due), Some(done)) if status.is_decided() => Some(clock::timeliness(due, done).key().to_string()),
                _ => None,
            },
            now_ms: now,
        }
    }

    /// Carries out `cmd` by the signed-in user, then goes to the slip the action issues or back
    /// to the dossier.
    pub async fn act(code: &str, cmd: Command, backfill: Backfill) -> Result<(), AppError> {
        let user = ctx::require_user()?;
        let services = ctx::services()?;
        let store = services.store.clone();
        let done = handling::execute(store.as_ref(), &user, code, cmd, &backfill, ctx::now_ms()).await?;
        let code = &done.code;
        if matches!(done.action, Action::RecordResult | Action::RevokeResult | Action::DigitiseResult) {
            // A result is issued with the approval (or the re-issue); its signed document is
            // made now, so the desk and the applicant have it at once (the server's worker
            // makes it otherwise).
            // The action is committed: a failure here is logged, never reported as a refusal
            // (whose caller would remove files the action kept); the worker makes it later.
            match store.results_of(code).await {
                Ok(results) => {
                    for r in results.iter().filter(|r| r.document.is_none()) {
                        if let Err(e) = crate::api::results::ssr::complete(&services, &r.token).await {
                            tracing::error!(code = %code, "result document: {e:?}");
                        }
                    }
                }
                Err(e) => tracing::error!(code = %code, "results after the action: {e:?}"),
            }
        }
        match done.slip {
            Some(form) => leptos_axum::redirect(&format!("/mot-cua/ho-so/{code}/phieu/{form}")),
            None => leptos_axum::redirect(&format!("/mot-cua/ho-so/{code}?xong=1")),
        }
        Ok(())
    }

    /// Accept, then hand on to the workflow's next unit with the same time; the receipt either
    /// way. When the hand-on is refused (the workflow changed meanwhile), the dossier stays
    /// accepted at the desk, as after the accept alone, and its page offers the transfer.
    pub async fn accept_and_transfer(code: &str, backfill: Backfill) -> Result<(), AppError> {
        let user = ctx::require_user()?;
        let store = ctx::services()?.store;
        let now = ctx::now_ms();
        let done = handling::execute(store.as_ref(), &user, code, Command::Accept, &backfill, now).await?;
        if let Err(e) = handling::execute(store.as_ref(), &user, &done.code, Command::Transfer, &backfill, now).await {
            tracing::info!(code = %done.code, "accepted, not handed on: {e:?}");
        }
        let form = done.slip.unwrap_or("01");
        leptos_axum::redirect(&format!("/mot-cua/ho-so/{}/phieu/{form}", done.code));
        Ok(())
    }

    /// An officer's action posted with files (multipart): the command `build` makes of the
    /// post, given to [`act`]; files the action did not keep (it failed, or `build` left them
    /// out) are removed from the file store.
    async fn act_with_files(
        data: leptos::server_fn::codec::MultipartData,
        build: impl FnOnce(&crate::api::dossiers::ssr::Upload) -> (Command, Backfill),
    ) -> Result<(), AppError> {
        use crate::api::dossiers::ssr::{discard, read_multipart};
        let services = ctx::services()?;
        ctx::require_user()?; // before reading any file
        let up = read_multipart(&services, data).await?;
        let (cmd, backfill) = build(&up);
        let kept: Vec<String> = match &cmd {
            Command::Appraise { files, .. }
            | Command::RevokeResult { files, .. }
            | Command::DigitiseResult { files, .. } => files.iter().map(|(_, f)| f.storage_key.clone()).collect(),
            _ => Vec::new(),
        };
        let result = async {
            if !up.errors.is_empty() {
                return Err(AppError::fields(up.errors.clone()));
            }
            act(up.text.get("code").map(String::as_str).unwrap_or_default(), cmd, backfill).await
        }
        .await;
        let unused: Vec<_> =
            up.files.iter().filter(|f| result.is_err() || !kept.contains(&f.storage_key)).cloned().collect();
        discard(&services, &unused).await;
        result
    }

    pub async fn appraise(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
        act_with_files(data, |up| {
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
            let cmd = Command::Appraise {
                note: text("note"),
                propose_refusal: Proposal::parse(&text("proposal")) == Some(Proposal::Refuse),
                files,
            };
            let backfill = Backfill {
                happened_at: up.text.get("happened_at").cloned(),
                backfill_reason: up.text.get("backfill_reason").cloned(),
            };
            (cmd, backfill)
        })
        .await
    }

    pub async fn revoke_result(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
        act_with_files(data, |up| {
            let text = |k: &str| up.text.get(k).cloned().unwrap_or_default();
            let reissue = text("reissue") == "1";
            // A corrected draft counts only with a re-issue.
            let files = up.files.iter().filter(|f| reissue && f.component_id == 0);
            let files = files.map(|f| ("draft-result".to_string(), f.clone())).collect();
            (Command::RevokeResult { reason: text("reason"), reissue, files }, Backfill::default())
        })
        .await
    }

    pub async fn digitise_result(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
        act_with_files(data, |up| {
            let certification = up.text.get("certification").cloned().unwrap_or_default();
            let files = up.files.iter().filter(|f| f.component_id == 0);
            let files = files.map(|f| ("draft-result".to_string(), f.clone())).collect();
            (Command::DigitiseResult { certification, files }, Backfill::default())
        })
        .await
    }

    pub async fn withdraw(code: &str, reason: String) -> Result<(), AppError> {
        let user = ctx::require_user()?;
        let store = ctx::services()?.store;
        let done = handling::execute(
            store.as_ref(),
            &user,
            code,
            Command::Withdraw { reason },
            &Backfill::default(),
            ctx::now_ms(),
        )
        .await?;
        leptos_axum::redirect(&format!("/ho-so/{}", done.code));
        Ok(())
    }
}
