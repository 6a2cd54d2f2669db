//! Counter and postal intake (legal-notes §3.4): the desk finds the applicant by CCCD or records
//! a new one, enters the e-form, scans each paper component (marked digitised) and records the
//! channel; the dossier is submitted and accepted at once and the receipt (Mẫu 01) printed.

use crate::api::catalogue::ProcedureDetail;
use crate::domain::FieldError;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

/// How a paper dossier reached the desk.
pub const INTAKE_CHANNELS: [&str; 2] = ["counter", "postal"];

/// An applicant as the desk finds them by CCCD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantRecord {
    pub id: i64,
    pub full_name: String,
    pub cccd: String,
    pub phone: String,
    /// Whether the holder was verified (recorded at a desk, or claimed with the code). A paper
    /// dossier never goes into an unverified online account.
    pub verified: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeView {
    /// The procedures this desk receives (code, name).
    pub procedures: Vec<(String, crate::read::Name)>,
    pub cccd: String,
    pub procedure_code: String,
    /// Whether the CCCD was looked up (it was valid); then `applicant` is the one on record, or
    /// none for a new applicant.
    pub searched: bool,
    pub applicant: Option<ApplicantRecord>,
    pub procedure: Option<ProcedureDetail>,
    /// Idempotency key of the dossier this form creates.
    pub key: String,
    /// Problems with the search (CCCD, procedure), shown at their fields.
    pub errors: Vec<FieldError>,
    /// The lookup in the link was no longer kept (expired, or another session's): the form
    /// starts empty.
    #[serde(default)]
    pub expired: bool,
}

/// What the intake's lookup keeps.
#[cfg(feature = "ssr")]
const LOOKUP: &str = "intake-lookup";

/// The intake's first step: the CCCD and the procedure are kept on the server for this session
/// and the page opens on their opaque id, `/mot-cua/tiep-nhan?tim=…`, so that no CCCD reaches a
/// URL. Answers the id (API clients read the form with it); they are checked there.
#[server(prefix = "/api", endpoint = "desk/intake-lookup")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/intake-lookup", skip_all))]
pub async fn intake_lookup(cccd: String, procedure: String) -> Result<String, AppError> {
    use crate::api::ctx;
    crate::api::desk::ssr::officer(&[crate::domain::role::Role::Reception])?;
    let (cccd, procedure) = (ssr::lookup_cccd(&cccd), ssr::lookup_procedure(&procedure));
    let id = ctx::keep(LOOKUP, vec![("cccd".into(), cccd), ("procedure".into(), procedure)])?;
    leptos_axum::redirect(&format!("/mot-cua/tiep-nhan?tim={id}"));
    Ok(id)
}

/// The intake form at the desk: the applicant by CCCD, and the procedure's e-form, for the
/// lookup kept under `tim` (`intake_lookup`).
#[server(prefix = "/api", endpoint = "desk/intake-form", input = GetUrl, output = crate::api::JsonText)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/intake-form", skip_all))]
pub async fn intake_form(tim: Option<String>) -> Result<IntakeView, AppError> {
    use crate::api::ctx;
    let (_, agency) = crate::api::desk::ssr::officer(&[crate::domain::role::Role::Reception])?;
    let services = ctx::services()?;
    let procedures = services.store.received_procedures(&agency).await?;
    let tim: String = tim.unwrap_or_default().trim().chars().take(64).collect();
    let lookup = if tim.is_empty() { None } else { ctx::kept(LOOKUP, &tim)? };
    let expired = !tim.is_empty() && lookup.is_none();
    let typed =
        |name: &str| lookup.iter().flatten().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let (cccd, procedure_code) = (ssr::lookup_cccd(&typed("cccd")), ssr::lookup_procedure(&typed("procedure")));
    let mut errors = Vec::new();
    let mut view = IntakeView {
        procedures,
        cccd: cccd.clone(),
        procedure_code: procedure_code.clone(),
        searched: false,
        applicant: None,
        procedure: None,
        key: crate::api::dossiers::ssr::new_key(),
        errors: Vec::new(),
        expired,
    };
    if !cccd.is_empty() {
        match crate::domain::cccd::Cccd::parse("cccd", &cccd) {
            Ok(c) => {
                view.applicant = services.store.applicant_by_cccd(c.as_str()).await?;
                view.searched = true;
            }
            Err(e) => errors.push(e),
        }
    }
    if !procedure_code.is_empty() {
        if view.procedures.iter().any(|(c, _)| *c == procedure_code) {
            view.procedure = services.store.procedure(&procedure_code).await?;
        } else {
            errors.push(FieldError::new("procedure", "error-select"));
        }
    }
    view.errors = errors;
    Ok(view)
}

/// Records a paper dossier: multipart with `key`, `cccd`, `procedure`, `channel`, for a new
/// applicant `full_name` and `phone`, the e-form's `f_*` fields and each component's scan as
/// `file_<component id>`. Submitted and accepted in the officer's name; answers with the receipt.
#[server(prefix = "/api", endpoint = "desk/intake", input = MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/intake", skip_all))]
pub async fn desk_intake(data: MultipartData) -> Result<(), AppError> {
    ssr::intake(data).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::api::ctx;
    use crate::api::dossiers::ssr::{check_form, discard, read_multipart, submission, Upload};
    use crate::domain::channel::Channel;
    use crate::domain::role::Role;
    use crate::domain::{cccd::Cccd, phone::Phone, text::person_name, FieldError};
    use crate::error::AppError;
    use crate::handling::Backfill;
    use crate::ports::{CurrentUser, DraftOutcome, DraftSave, NewUser, Services, StoreError};

    /// The CCCD and the procedure as the lookup keeps and reads them: trimmed, cut to a sane
    /// length (they are checked when the form is read).
    pub fn lookup_cccd(cccd: &str) -> String {
        cccd.trim().chars().take(20).collect()
    }

    pub fn lookup_procedure(procedure: &str) -> String {
        procedure.trim().chars().take(32).collect()
    }

    pub async fn intake(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
        let (officer, agency) = crate::api::desk::ssr::officer(&[Role::Reception])?;
        let services = ctx::services()?;
        let up = read_multipart(&services, data).await?;
        let outcome = match record(&services, &officer, &agency, &up).await {
            Ok(o) => o,
            Err(e) => {
                discard(&services, &up.files).await;
                return Err(e);
            }
        };
        let (outcome, claim_code) = outcome;
        let code = match outcome {
            DraftOutcome::Submitted { code, dropped } => {
                crate::api::dossiers::ssr::remove_stored(&services, &dropped).await;
                // The receipt shows the new applicant's claim code, once.
                if let Some((claim_code, expires)) = claim_code {
                    crate::api::claim::ssr::flash_claim_code(&code, &claim_code, expires);
                }
                code
            }
            // A resent form: the same receipt; the scans sent again are not kept.
            DraftOutcome::AlreadySubmitted { code } => {
                discard(&services, &up.files).await;
                code
            }
            DraftOutcome::Saved { .. } => return Err(ctx::internal("intake saved without submitting")),
        };
        // Submitted and accepted in one transaction: the receipt (Mẫu 01).
        leptos_axum::redirect(&format!("/mot-cua/ho-so/{code}/phieu/01"));
        Ok(())
    }

    /// Checks everything, then records the applicant (when new, with their claim code and its
    /// expiry, returned for the receipt) and submits the dossier.
    async fn record(
        services: &Services,
        officer: &CurrentUser,
        agency: &str,
        up: &Upload,
    ) -> Result<(DraftOutcome, Option<(String, i64)>), AppError> {
        let text = |k: &str| up.text.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
        let key = text("key");
        if !crate::api::dossiers::valid_key(&key) {
            return Err(AppError::BadRequest("key is required".into()));
        }
        let echo: Vec<(String, String)> = ["cccd", "full_name", "phone", "channel"]
            .iter()
            .map(|k| (k.to_string(), text(k).chars().take(120).collect()))
            .collect();
        let mut errors = up.errors.clone();
        let cccd = Cccd::parse("cccd", &text("cccd")).map_err(|e| errors.push(e)).ok();
        let channel = Channel::parse(&text("channel")).filter(|c| c.is_paper());
        if channel.is_none() {
            errors.push(FieldError::new("channel", "error-select"));
        }
        let procedure_code = text("procedure");
        let received = services.store.received_procedures(agency).await?;
        let procedure = match received.iter().any(|(c, _)| *c == procedure_code) {
            true => services.store.procedure(&procedure_code).await?,
            false => None,
        };
        let Some(procedure) = procedure else {
            errors.push(FieldError::new("procedure", "error-select"));
            return Err(AppError::fields(errors).with_values(echo));
        };
        let found = match &cccd {
            Some(c) => services.store.applicant_by_cccd(c.as_str()).await?,
            None => None,
        };
        // A paper dossier goes only into an account whose holder was verified. An unverified
        // online account with this CCCD is contested: the officer records the person whose card
        // they checked, and the online account gives the CCCD up.
        let (on_record, contested) = match found {
            Some(a) if a.verified => (Some(a), None),
            Some(a) => (None, Some(a.id)),
            None => (None, None),
        };
        // A new applicant is recorded with their name and phone number.
        let mut new_applicant = None;
        if on_record.is_none() {
            let name = person_name("full_name", &text("full_name")).map_err(|e| errors.push(e)).ok();
            let phone = Phone::parse("phone", &text("phone")).map_err(|e| errors.push(e)).ok();
            new_applicant = name.zip(phone);
        }
        let mut files = up.files.clone();
        for f in &mut files {
            f.digitised = true;
        }
        let now = ctx::now_ms();
        let form = check_form(&procedure, &up.text, &files, true, errors);
        // Submitted by the desk and accepted at once, possibly back-filled (paper received while
        // the system was down): planned before anything is written.
        let backfill = Backfill {
            happened_at: up.text.get("happened_at").cloned(),
            backfill_reason: up.text.get("backfill_reason").cloned(),
        };
        let plans = match channel {
            Some(c) => submission(services, officer, &procedure.code, &key, c, &files, &backfill, now)
                .await
                .map_err(AppError::from),
            // Already among the field errors.
            None => Err(AppError::fields(Vec::new())),
        };
        let (form, plans) = AppError::both(form, plans).map_err(|e| e.with_more_values(echo.clone()))?;
        let channel = channel.ok_or_else(|| ctx::internal("intake checked without a channel"))?;
        let mut claim_code = None;
        let applicant = match (on_record, new_applicant, cccd) {
            (Some(a), _, _) => CurrentUser::citizen(a.id, a.full_name),
            (None, Some((name, phone)), Some(cccd)) => {
                let (code, claim) = crate::api::claim::ssr::new_claim(cccd.as_str(), officer.id, now);
                let expires = claim.expires_at_ms;
                let user = NewUser {
                    full_name: name.clone(),
                    cccd: cccd.as_str().to_string(),
                    phone: phone.as_str().to_string(),
                    email: None,
                    password_hash: String::new(),
                    created_at_ms: now,
                };
                let id = match services.store.record_applicant(user, contested, claim).await {
                    Ok(id) => id,
                    // The CCCD of an officer's account, or recorded a moment ago by another desk.
                    Err(StoreError::Conflict(_)) => {
                        return Err(AppError::field("cccd", "error-cccd-taken").with_values(echo));
                    }
                    Err(e) => return Err(e.into()),
                };
                claim_code = Some((code, expires));
                CurrentUser::citizen(id, name)
            }
            _ => return Err(ctx::internal("intake checked without an applicant")),
        };
        let outcome = services
            .store
            .save_draft(DraftSave {
                idempotency_key: key,
                procedure_code: procedure.code.clone(),
                applicant,
                form,
                files,
                submit: plans,
                now_ms: now,
                channel: channel.name().into(),
                applied_for: None,
            })
            .await?;
        Ok((outcome, claim_code))
    }
}
