//! Dossiers of the signed-in citizen: the e-form with its files (drafts and submission), the
//! list, the detail with its history, and the acknowledgement with the QR code.

use crate::api::catalogue::ProcedureDetail;
use crate::error::AppError;
pub use crate::read::dossiers::{DossierDetail, DossierSummary, EventView, Notification, NotificationsView};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::domain::upload::StoredFile;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierFormView {
    pub procedure: ProcedureDetail,
    /// Idempotency key of the draft this form saves into.
    pub key: String,
    pub values: BTreeMap<String, String>,
    pub files: Vec<StoredFile>,
    /// True when the key belongs to a draft already on the server.
    pub resumed: bool,
    /// False for an account whose phone is not proven yet: it may fill in and save the form,
    /// not submit it.
    pub may_submit: bool,
    /// The organisations the citizen may submit for: id, name, tax code.
    pub organisations: Vec<(i64, String, String)>,
    /// Whom the draft is for, when not for the citizen.
    pub applied_for: Option<crate::domain::principal::AppliedFor>,
    /// The citizen's personal data store: each component may be taken from it.
    #[serde(default)]
    pub stored: Vec<crate::read::personal_data::PersonalDocument>,
    /// A new form filled in from the citizen's last dossier of this procedure and their profile.
    #[serde(default)]
    pub prefilled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcknowledgementView {
    pub dossier: DossierDetail,
    pub lookup_url: String,
    pub qr_svg: String,
}

#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
pub(crate) fn valid_key(key: &str) -> bool {
    (16..=64).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The e-form of a procedure, empty or resumed from a draft (`nhap` = the draft's key).
#[server(prefix = "/api", endpoint = "dossiers/form", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "dossiers/form", skip_all))]
pub async fn dossier_form(procedure: String, nhap: Option<String>) -> Result<DossierFormView, AppError> {
    use crate::api::ctx;
    let user = ctx::require_user()?;
    let services = ctx::services()?;
    if procedure.len() > 32 {
        return Err(AppError::NotFound);
    }
    let detail = services.store.procedure(&procedure).await?.ok_or(AppError::NotFound)?;
    let may_submit = ssr::may_submit(&services, &user).await?;
    let organisations: Vec<(i64, String, String)> =
        services.store.acting_for(user.id).await?.into_iter().map(|o| (o.id, o.name, o.tax_code)).collect();
    let stored = services.store.personal_documents(user.id, ctx::now_ms()).await?;
    if let Some(key) = nhap.filter(|k| valid_key(k)) {
        if let Some(draft) = services.store.draft(user.id, &key).await? {
            if draft.procedure_code == detail.code {
                return Ok(DossierFormView {
                    procedure: detail,
                    key,
                    values: draft.form,
                    files: draft.files,
                    resumed: true,
                    may_submit,
                    organisations,
                    applied_for: draft.applied_for,
                    stored,
                    prefilled: false,
                });
            }
        }
    }
    // Given once, reused: the citizen's last dossier of this procedure, and their CCCD where
    // the form asks for exactly one.
    let earlier = services.store.last_submitted_form(user.id, &detail.code).await?.unwrap_or_default();
    let cccd = services.store.user_cccd(user.id).await?;
    let values = crate::domain::form::prefill(&detail.form_fields, &earlier, &cccd);
    Ok(DossierFormView {
        prefilled: !values.is_empty(),
        procedure: detail,
        key: ssr::new_key(),
        values,
        files: Vec::new(),
        resumed: false,
        may_submit,
        organisations,
        applied_for: None,
        stored,
    })
}

/// Saves the form and its files as a draft and, when `action=submit`, submits it. A multipart
/// post, so the same endpoint serves the plain HTML form and the upload-progress island.
#[server(prefix = "/api", endpoint = "dossiers/save", input = MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "dossiers/save", skip_all))]
pub async fn save_dossier(data: MultipartData) -> Result<(), AppError> {
    ssr::save(data).await
}

#[server(prefix = "/api", endpoint = "dossiers/mine", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "dossiers/mine", skip_all))]
pub async fn my_dossiers() -> Result<Vec<DossierSummary>, AppError> {
    use crate::api::ctx;
    let user = ctx::require_user()?;
    Ok(ctx::services()?.store.my_dossiers(user.id).await?)
}

/// Every status change of the signed-in citizen's dossiers, newest first, and how they are
/// told of them by e-mail and SMS (addresses masked).
#[server(prefix = "/api", endpoint = "dossiers/notifications", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "dossiers/notifications", skip_all))]
pub async fn notifications() -> Result<NotificationsView, AppError> {
    use crate::api::ctx;
    use crate::domain::mask::{mask_email, mask_phone};
    let user = ctx::require_user()?;
    let store = ctx::services()?.store;
    let mut channels = store.notice_channels(user.id).await?;
    channels.email = channels.email.as_deref().map(mask_email);
    channels.phone = mask_phone(&channels.phone);
    Ok(NotificationsView { items: store.notifications(user.id).await?, channels })
}

/// The citizen chooses how notices reach them besides the portal (a checkbox each: present
/// means on). The portal's own list stays complete either way.
#[server(prefix = "/api", endpoint = "account/notice-channels")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/notice-channels", skip_all))]
pub async fn save_notice_channels(by_email: Option<String>, by_sms: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    let user = ctx::require_user()?;
    ctx::services()?.store.set_notice_channels(user.id, by_email.is_some(), by_sms.is_some()).await?;
    leptos_axum::redirect("/thong-bao?da-luu=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "dossiers/get", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "dossiers/get", skip_all))]
pub async fn my_dossier(code: String) -> Result<DossierDetail, AppError> {
    use crate::api::ctx;
    let user = ctx::require_user()?;
    let code = crate::domain::dossier_code::DossierCode::parse("code", &code).map_err(|_| AppError::NotFound)?;
    // Another citizen's dossier answers exactly like a missing one.
    let services = ctx::services()?;
    let acts_for: Vec<i64> = services.store.acting_for(user.id).await?.iter().map(|o| o.id).collect();
    let mut d =
        services.store.dossier_for_citizen(&user, &acts_for, &code.to_string()).await?.ok_or(AppError::NotFound)?;
    crate::policy::for_applicant(&mut d);
    if let Some(cal) = services.store.calendar(&d.receiving_agency_code).await? {
        let now = ctx::now_ms();
        d.day_minutes = cal.day_minutes();
        d.left_minutes = d.due_at_ms.filter(|_| d.status.is_running()).map(|due| cal.working_minutes_left(now, due));
    }
    Ok(d)
}

#[server(prefix = "/api", endpoint = "dossiers/acknowledgement", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "dossiers/acknowledgement", skip_all))]
pub async fn acknowledgement(code: String) -> Result<AcknowledgementView, AppError> {
    use crate::api::ctx;
    let dossier = my_dossier(code).await?;
    let services = ctx::services()?;
    let token = services.store.lookup_token(&dossier.code).await?.unwrap_or_default();
    let lookup_url = crate::api::lookup::lookup_url(&services.config.public_url, &dossier.code, &token);
    let qr_svg = ssr::qr_svg(&lookup_url)?;
    Ok(AcknowledgementView { dossier, lookup_url, qr_svg })
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{valid_key, StoredFile};
    use crate::api::ctx;
    use crate::domain::channel::Channel;
    use crate::domain::principal::{self, AppliedFor, ForChoice, AUTHORISATION_COMPONENT};
    use crate::domain::role::Role;
    use crate::domain::status::DossierStatus;
    use crate::domain::{form, upload, FieldError};
    use crate::error::AppError;
    use crate::handling::{Backfill, Refusal};
    use crate::ports::{CurrentUser, DraftOutcome, DraftSave, FileWriter, Services};
    use leptos::server_fn::codec::MultipartData;
    use sha2::{Digest, Sha256};
    use std::collections::BTreeMap;

    pub fn new_key() -> String {
        use rand::{rngs::OsRng, RngCore};
        let mut b = [0u8; 16];
        OsRng.fill_bytes(&mut b);
        hex::encode(b)
    }

    pub fn qr_svg(text: &str) -> Result<String, AppError> {
        use qrcode::render::svg;
        let code =
            qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).map_err(ctx::internal)?;
        Ok(inline_svg(&code.render::<svg::Color>().min_dimensions(200, 200).quiet_zone(true).build()))
    }

    /// An SVG document as markup to put inside HTML (without its XML prolog).
    pub fn inline_svg(svg: &str) -> String {
        svg.find("<svg").map(|i| svg[i..].to_string()).unwrap_or_default()
    }

    const MAX_TEXT_FIELD: usize = 4096;

    /// A multipart body read to the end: text fields, the files stored, the per-field errors.
    pub struct Upload {
        pub files: Vec<StoredFile>,
        pub text: BTreeMap<String, String>,
        pub errors: Vec<FieldError>,
    }

    pub async fn discard(services: &Services, files: &[StoredFile]) {
        let keys: Vec<String> = files.iter().map(|f| f.storage_key.clone()).collect();
        remove_stored(services, &keys).await;
    }

    /// Removes bytes from the file store by storage key (files no row points at any more).
    pub async fn remove_stored(services: &Services, keys: &[String]) {
        for key in keys {
            if let Err(e) = services.files.delete(key).await {
                tracing::warn!(error = %e, "a file no dossier holds could not be removed");
            }
        }
    }

    fn stream_error(e: impl std::fmt::Display) -> AppError {
        let message = e.to_string();
        if message.contains("length limit") || message.contains("size limit") {
            AppError::field("files", "error-dossier-too-large")
        } else {
            AppError::BadRequest(message)
        }
    }

    /// Reads the whole multipart body, streaming each file to the file store with its limits.
    /// Reads a whole multipart body; on failure every file it had stored is removed again.
    pub async fn read_multipart(services: &Services, data: MultipartData) -> Result<Upload, AppError> {
        match read_parts(services, data).await {
            Ok(up) => Ok(up),
            Err((e, files)) => {
                discard(services, &files).await;
                Err(e)
            }
        }
    }

    /// A file part that is not stored, and why: the error goes next to its input.
    fn refuse_part(up: &mut Upload, name: &str, key: &str) {
        if !up.errors.iter().any(|e| e.field == name) {
            up.errors.push(FieldError::new(name, key));
        }
    }

    async fn read_parts(services: &Services, data: MultipartData) -> Result<Upload, (AppError, Vec<StoredFile>)> {
        let mut mp =
            data.into_inner().ok_or_else(|| (AppError::BadRequest("multipart expected".into()), Vec::new()))?;
        let mut up = Upload { files: Vec::new(), text: BTreeMap::new(), errors: Vec::new() };
        let mut total: u64 = 0;
        let mut parts: usize = 0;
        let mut components = std::collections::BTreeSet::new();
        loop {
            let mut field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err((stream_error(e), up.files)),
            };
            // Counted as each part arrives, before anything of it is kept: junk with thousands
            // of parts stops here and what came before is removed again.
            parts += 1;
            if parts > upload::MAX_PARTS_PER_POST {
                return Err((AppError::field("files", "error-too-many-parts"), up.files));
            }
            let name = field.name().unwrap_or_default().to_string();
            if let Some(component) = name.strip_prefix("file_") {
                let Ok(component_id) = component.parse::<i64>() else { continue };
                let original = field.file_name().unwrap_or_default().to_string();
                if original.is_empty() {
                    continue; // an empty file input
                }
                // One file per component and post: a second one is not read at all.
                if !components.insert(component_id) {
                    refuse_part(&mut up, &name, "error-file-one-per-component");
                    continue;
                }
                // Past the post's total, later files are skipped; the ones before stay good.
                if total > upload::MAX_DOSSIER_BYTES {
                    refuse_part(&mut up, &name, "error-dossier-too-large");
                    continue;
                }
                let id = new_key();
                let key = format!("{}/{}/{id}", &id[..2], &id[2..4]);
                let mut writer: Box<dyn FileWriter> = match services.files.create(&key).await {
                    Ok(w) => w,
                    Err(e) => return Err((e.into(), up.files)),
                };
                let mut head: Vec<u8> = Vec::new();
                let mut kind = None;
                let mut size: u64 = 0;
                let mut hasher = Sha256::new();
                let mut failure: Option<&str> = None;
                loop {
                    let chunk = match field.chunk().await {
                        Ok(Some(c)) => c,
                        Ok(None) => break,
                        Err(e) => {
                            writer.abort().await;
                            return Err((stream_error(e), up.files));
                        }
                    };
                    size += chunk.len() as u64;
                    total += chunk.len() as u64;
                    if size > upload::MAX_FILE_BYTES {
                        failure = Some("error-file-too-large");
                        break;
                    }
                    if total > upload::MAX_DOSSIER_BYTES {
                        failure = Some("error-dossier-too-large");
                        break;
                    }
                    if kind.is_none() {
                        head.extend_from_slice(&chunk[..chunk.len().min(upload::SNIFF_LEN)]);
                        if head.len() >= upload::SNIFF_LEN {
                            kind = upload::sniff(&head);
                            if kind.is_none() {
                                failure = Some("error-file-type");
                                break;
                            }
                        }
                    }
                    hasher.update(&chunk);
                    if let Err(e) = writer.write(&chunk).await {
                        writer.abort().await;
                        return Err((e.into(), up.files));
                    }
                }
                if failure.is_none() && kind.is_none() {
                    kind = upload::sniff(&head);
                    if kind.is_none() {
                        failure = Some(if size == 0 { "error-file-empty" } else { "error-file-type" });
                    }
                }
                match (failure, kind) {
                    (None, Some(kind)) => {
                        if let Err(e) = writer.finish().await {
                            return Err((e.into(), up.files));
                        }
                        up.files.push(StoredFile {
                            id,
                            component_id,
                            file_name: upload::clean_file_name(&original),
                            content_type: kind.content_type().to_string(),
                            size_bytes: size as i64,
                            sha256: hex::encode(hasher.finalize()),
                            storage_key: key,
                            digitised: false,
                            reused: None,
                        });
                    }
                    (f, _) => {
                        // Cut off: nothing of this file stays on disk; the rest of its part is skipped.
                        writer.abort().await;
                        refuse_part(&mut up, &name, f.unwrap_or("error-file-type"));
                    }
                }
            } else {
                let mut value = String::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(c)) => {
                            if value.len() + c.len() > MAX_TEXT_FIELD {
                                up.errors.push(FieldError::new(&name, "error-too-long"));
                                break;
                            }
                            value.push_str(&String::from_utf8_lossy(&c));
                        }
                        Ok(None) => break,
                        Err(e) => return Err((stream_error(e), up.files)),
                    }
                }
                up.text.insert(name, value);
            }
        }
        Ok(up)
    }

    /// Whether `user` may submit online: an account whose phone is proven (or whose identity a
    /// desk checked). Officers submit paper dossiers through the intake, not here.
    pub async fn may_submit(services: &Services, user: &CurrentUser) -> Result<bool, AppError> {
        Ok(user.role != Role::Citizen || services.store.account_verified(user.id).await?)
    }

    pub async fn save(data: MultipartData) -> Result<(), AppError> {
        let user = ctx::require_user()?;
        let services = ctx::services()?;
        let up = read_multipart(&services, data).await?;
        let posted = decide(&services, user, up).await;
        remove_stored(&services, &posted.unused).await;
        let procedure_path = |p: &str, key: &str| format!("/thu-tuc/{p}/nop?nhap={key}&luu=1");
        match posted.answer? {
            DraftOutcome::Saved { key, procedure, .. } => leptos_axum::redirect(&procedure_path(&procedure, &key)),
            DraftOutcome::Submitted { code, .. } | DraftOutcome::AlreadySubmitted { code } => {
                leptos_axum::redirect(&format!("/ho-so/{code}/xac-nhan"))
            }
        }
        Ok(())
    }

    /// What became of a post: the answer, and the storage keys of the files no dossier holds
    /// (refused, left over when nothing was saved, or replaced in a draft) for the caller to
    /// remove.
    struct Posted {
        answer: Result<DraftOutcome, AppError>,
        unused: Vec<String>,
    }

    impl Posted {
        fn refused(e: AppError, files: &[StoredFile]) -> Self {
            Self { answer: Err(e), unused: files.iter().map(|f| f.storage_key.clone()).collect() }
        }
    }

    /// The form's `f_*` values checked against the procedure's schema (every required field on
    /// submission) and its files against its components; with `errors` already found, every
    /// problem at once, the values echoed. Whether each required component has a file is the
    /// planner's rule ([`crate::handling::missing_files`]).
    pub fn check_form(
        procedure: &crate::api::catalogue::ProcedureDetail,
        text: &BTreeMap<String, String>,
        files: &[StoredFile],
        submit: bool,
        mut errors: Vec<FieldError>,
    ) -> Result<BTreeMap<String, String>, AppError> {
        let values: BTreeMap<String, String> =
            text.iter().filter_map(|(k, v)| k.strip_prefix("f_").map(|n| (n.to_string(), v.clone()))).collect();
        let echo: Vec<(String, String)> = text
            .iter()
            .filter(|(k, _)| k.starts_with("f_"))
            .map(|(k, v)| (k.clone(), v.chars().take(500).collect()))
            .collect();
        let clean = match form::validate(&procedure.form_fields, &values, submit) {
            Ok(clean) => Some(clean),
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        };
        if files.iter().any(|f| {
            f.component_id != AUTHORISATION_COMPONENT && !procedure.components.iter().any(|c| c.id == f.component_id)
        }) {
            return Err(AppError::BadRequest("unknown component".into()));
        }
        match (clean, errors.is_empty()) {
            (Some(form), true) => Ok(form),
            _ => Err(AppError::fields(errors).with_values(echo)),
        }
    }

    /// Plans the submission of draft `key` with the `files` of this post by `user` (its
    /// applicant online, or the receiving desk for paper): nothing to plan when a resent form
    /// finds it submitted already — the store then answers with its code.
    #[allow(clippy::too_many_arguments)]
    pub async fn submission(
        services: &Services,
        user: &CurrentUser,
        procedure: &str,
        key: &str,
        channel: Channel,
        files: &[StoredFile],
        backfill: &Backfill,
        now: i64,
    ) -> Result<Vec<crate::handling::StepPlan>, Refusal> {
        let store = services.store.as_ref();
        let applicant = if user.role == Role::Citizen { user.id } else { 0 };
        let mut state = store.draft_state(procedure, applicant, key, channel).await?.ok_or(Refusal::NotFound)?;
        if state.status != DossierStatus::Draft {
            return Ok(Vec::new());
        }
        for f in files {
            state.files.retain(|x| x.component_id != f.component_id);
            state.files.push(f.clone());
        }
        let cals = crate::handling::load_calendars(store, &state, &[]).await?;
        crate::handling::plan_submission(&state, &cals, user, backfill, now)
    }

    /// Whom the post is for (`for`, `for_name`, `for_cccd`): oneself, an organisation the
    /// applicant acts for, or another person; with the problems to show at those fields.
    async fn applied_for(
        services: &Services,
        user: &crate::ports::CurrentUser,
        text: &BTreeMap<String, String>,
    ) -> Result<(Option<AppliedFor>, Vec<FieldError>), AppError> {
        let field = |k: &str| text.get(k).map(String::as_str).unwrap_or_default();
        if matches!(field("for"), "" | "self") {
            return Ok((None, Vec::new()));
        }
        let own = services.store.user_cccd(user.id).await?;
        match principal::parse_choice(field("for"), field("for_name"), field("for_cccd"), &own) {
            Ok(ForChoice::Myself) => Ok((None, Vec::new())),
            Ok(ForChoice::Person { name, cccd }) => {
                Ok((Some(AppliedFor::Person { name, cccd: cccd.as_str().to_string() }), Vec::new()))
            }
            Ok(ForChoice::Organisation(id)) => match services.store.membership(id, user.id).await? {
                Some((_, name, tax_code)) => Ok((Some(AppliedFor::Organisation { id, name, tax_code }), Vec::new())),
                None => Ok((None, vec![FieldError::new("for", "error-for-unknown")])),
            },
            Err(errors) => Ok((None, errors)),
        }
    }

    /// Checks the post and saves it: submitted when everything is right; when a field is wrong,
    /// the files that were fine are still kept in the draft (never submitted) so a citizen on a
    /// slow line does not send them twice, and the error carries the draft's key so the form
    /// comes back with them.
    async fn decide(services: &Services, user: crate::ports::CurrentUser, up: Upload) -> Posted {
        let key = up.text.get("key").cloned().unwrap_or_default();
        let procedure_code = up.text.get("procedure").cloned().unwrap_or_default();
        let submit = up.text.get("intent").map(String::as_str) == Some("submit");
        if !valid_key(&key) || procedure_code.is_empty() || procedure_code.len() > 32 {
            return Posted::refused(AppError::BadRequest("key and procedure are required".into()), &up.files);
        }
        let holding = async {
            let procedure = services.store.procedure(&procedure_code).await?.ok_or(AppError::NotFound)?;
            let draft = services.store.draft(user.id, &key).await?;
            let account_bytes = services.store.account_file_bytes(user.id).await?;
            let unproven = submit && !may_submit(services, &user).await?;
            Ok::<_, AppError>((procedure, draft, account_bytes, unproven))
        };
        let (procedure, draft, account_bytes, unproven) = match holding.await {
            Ok(h) => h,
            Err(e) => return Posted::refused(e, &up.files),
        };
        let (saved_form, current) = draft.map(|d| (d.form, d.files)).unwrap_or_default();
        let (applied_for, mut for_errors) = match applied_for(services, &user, &up.text).await {
            Ok(r) => r,
            Err(e) => return Posted::refused(e, &up.files),
        };
        let mut up = up;
        // Components taken from the personal data store instead of uploaded, copied in.
        let components: Vec<i64> = procedure.components.iter().map(|c| c.id).collect();
        let (reused, reuse_errors) = crate::api::personal_data::ssr::reused_files(
            services,
            user.id,
            &components,
            &up.text,
            &up.files,
            ctx::now_ms(),
        )
        .await;
        up.files.extend(reused);
        up.errors.extend(reuse_errors);
        // An authorisation document goes with a dossier for another person only.
        let mut stray = Vec::new();
        if !matches!(applied_for, Some(AppliedFor::Person { .. })) {
            let (auth, rest): (Vec<_>, Vec<_>) =
                up.files.into_iter().partition(|f| f.component_id == AUTHORISATION_COMPONENT);
            stray = auth;
            up.files = rest;
        }
        let admission =
            upload::admit(upload::Holding { current: &current, account_bytes, replaced_are_deleted: true }, up.files);
        let mut unused: Vec<String> = admission.refused.iter().chain(&stray).map(|f| f.storage_key.clone()).collect();
        let mut errors = up.errors;
        errors.extend(admission.errors);
        let slot = principal::authorisation_slot(procedure.components.iter().map(|c| (c.id, c.name.as_str())));
        let authorised = admission.taken.iter().chain(&current).any(|f| f.component_id == slot);
        if submit && !unproven && matches!(applied_for, Some(AppliedFor::Person { .. })) && !authorised {
            for_errors.push(FieldError::new(format!("file_{slot}"), "error-authorisation-required"));
        }
        errors.extend(for_errors);
        let for_echo: Vec<(String, String)> = ["for", "for_name", "for_cccd"]
            .iter()
            .filter_map(|k| up.text.get(*k).map(|v| (k.to_string(), v.chars().take(100).collect())))
            .collect();
        let now = ctx::now_ms();
        // An unproven account's submission is kept as a draft, and the form says why.
        let submit = submit && !unproven;
        let form = check_form(&procedure, &up.text, &admission.taken, submit, errors)
            .map_err(|e| e.with_more_values(for_echo.clone()));
        let plans = match submit {
            true => submission(
                services,
                &user,
                &procedure.code,
                &key,
                Channel::Online,
                &admission.taken,
                &Backfill::default(),
                now,
            )
            .await
            .map_err(AppError::from),
            false => Ok(Vec::new()),
        };
        let checked = AppError::both(form, plans);
        let (form, plans, refusal) = match checked {
            Ok((form, plans)) => (form, plans, None),
            Err(e @ AppError::Invalid { .. }) if !admission.taken.is_empty() => {
                // The text as far as a draft accepts it, else the draft's text as it was.
                let values: BTreeMap<String, String> = up
                    .text
                    .iter()
                    .filter_map(|(k, v)| k.strip_prefix("f_").map(|n| (n.to_string(), v.clone())))
                    .collect();
                let form = form::validate(&procedure.form_fields, &values, false).unwrap_or(saved_form);
                (form, Vec::new(), Some(e.with_more_values(vec![("key".into(), key.clone())])))
            }
            Err(e) => {
                unused.extend(admission.taken.iter().map(|f| f.storage_key.clone()));
                return Posted { answer: Err(e), unused };
            }
        };
        let saved = services
            .store
            .save_draft(DraftSave {
                idempotency_key: key,
                procedure_code: procedure.code.clone(),
                applicant: user,
                form,
                files: admission.taken.clone(),
                submit: plans,
                now_ms: now,
                channel: Channel::Online.name().into(),
                applied_for,
            })
            .await;
        match &saved {
            Ok(DraftOutcome::Saved { dropped, .. } | DraftOutcome::Submitted { dropped, .. }) => {
                unused.extend(dropped.iter().cloned())
            }
            // A retry of a submitted dossier, or a failed save: the new files are not attached.
            Ok(DraftOutcome::AlreadySubmitted { .. }) | Err(_) => {
                unused.extend(admission.taken.iter().map(|f| f.storage_key.clone()))
            }
        }
        let answer = match (refusal, saved) {
            (Some(e), Ok(DraftOutcome::Saved { .. })) => Err(e),
            (None, Ok(DraftOutcome::Saved { key, .. })) if unproven => {
                Err(AppError::fields(vec![FieldError::new("account", "error-account-unverified")])
                    .with_values(vec![("key".into(), key)]))
            }
            // Already submitted: the dossier is what it was; go to its acknowledgement.
            (_, Ok(outcome)) => Ok(outcome),
            (_, Err(e)) => Err(e.into()),
        };
        Posted { answer, unused }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn draft_keys_are_long_opaque_tokens() {
        assert!(super::valid_key("0123456789abcdef0123456789abcdef"));
        assert!(!super::valid_key("short"));
        assert!(!super::valid_key("0123456789abcdef/../etc/passwd00"));
    }
}
