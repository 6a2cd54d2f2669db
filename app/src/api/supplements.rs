//! Supplements (bổ sung hồ sơ): the desk names every missing or wrong component or form field at
//! once, with the reason (Mẫu 02); the citizen replaces only those items and resubmits; the
//! officer sees what changed.

use crate::error::AppError;
pub use crate::read::supplements::SupplementView;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

pub use crate::domain::supplement::{ItemKind, SupplementChange, SupplementItem};

/// The desk (at reception) or the specialist (a draft during handling) asks for a supplement:
/// multipart with `code`, `reason`, `item:<kind>:<target>` for each item asked for and optional
/// `note:<kind>:<target>`, and the back-filling fields.
#[server(prefix = "/api", endpoint = "desk/request-supplement", input = MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/request-supplement", skip_all))]
pub async fn request_supplement(data: MultipartData) -> Result<(), AppError> {
    ssr::request(data).await
}

/// The unit leader sends the specialist's drafted request to the applicant (Mẫu 02).
#[server(prefix = "/api", endpoint = "desk/send-supplement")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/send-supplement", skip_all))]
pub async fn send_supplement(code: String) -> Result<(), AppError> {
    use crate::handling::{Backfill, Command};
    crate::api::handling::ssr::act(&code, Command::SendSupplement, Backfill::default()).await
}

/// The citizen answers: multipart with `code`, `f_<field>` for requested fields and
/// `file_<component>` for requested components.
#[server(prefix = "/api", endpoint = "dossiers/supplement", input = MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "dossiers/supplement", skip_all))]
pub async fn answer_supplement(data: MultipartData) -> Result<(), AppError> {
    ssr::answer(data, false).await
}

/// The desk enters a supplement handed in on paper (Tây Ninh Đ7.1): the same fields as the
/// citizen's answer, with a scan of each requested component (marked digitised).
#[server(prefix = "/api", endpoint = "desk/answer-supplement", input = MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/answer-supplement", skip_all))]
pub async fn desk_answer_supplement(data: MultipartData) -> Result<(), AppError> {
    ssr::answer(data, true).await
}

/// The desk records a withdrawal the applicant asked for in writing at the counter (status 7).
#[server(prefix = "/api", endpoint = "desk/withdraw")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/withdraw", skip_all))]
pub async fn desk_withdraw(code: String, withdraw_reason: String) -> Result<(), AppError> {
    // The applicant withdraws on their own page; this one is the desk's.
    crate::api::desk::ssr::officer(&[crate::domain::role::Role::Reception])?;
    let reason = withdraw_reason;
    use crate::handling::{Backfill, Command};
    crate::api::handling::ssr::act(&code, Command::Withdraw { reason }, Backfill::default()).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{ItemKind, SupplementItem};
    use crate::api::ctx;
    use crate::api::dossiers::ssr::{discard, read_multipart, Upload};
    use crate::domain::{form, upload, FieldError};
    use crate::error::AppError;
    use crate::handling::{self, Backfill, Command};
    use crate::ports::{CurrentUser, Services};
    use std::collections::BTreeMap;

    fn backfill(up: &Upload) -> Backfill {
        Backfill {
            happened_at: up.text.get("happened_at").cloned(),
            backfill_reason: up.text.get("backfill_reason").cloned(),
        }
    }

    pub async fn request(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
        let officer = ctx::require_user()?;
        let services = ctx::services()?;
        let up = read_multipart(&services, data).await?;
        discard(&services, &up.files).await; // a request carries no files
        let code = up.text.get("code").cloned().unwrap_or_default();
        let desk = crate::api::handling::ssr::officer_dossier(&officer, &code).await?;
        // Every component and form field may be asked for; each ticked one becomes an item.
        let candidates = desk
            .dossier
            .components
            .iter()
            .map(|c| (ItemKind::Component, c.id.to_string(), c.name.clone()))
            .chain(desk.dossier.form_fields.iter().map(|f| (ItemKind::Field, f.name.clone(), f.label_vi.clone())));
        let mut items = Vec::new();
        for (kind, target, label) in candidates {
            let key = format!("{}:{target}", kind.name());
            if up.text.contains_key(&format!("item:{key}")) {
                let note = up.text.get(&format!("note:{key}")).map(|n| n.trim().to_string()).unwrap_or_default();
                items.push(SupplementItem { kind, target, label, note });
            }
        }
        let reason = up.text.get("reason").cloned().unwrap_or_default();
        let cmd = Command::RequestSupplement { reason, items };
        crate::api::handling::ssr::act(&desk.dossier.code, cmd, backfill(&up)).await
    }

    /// The answer to the open request, from the applicant online (`at_desk` false) or entered by
    /// the desk from paper.
    pub async fn answer(data: leptos::server_fn::codec::MultipartData, at_desk: bool) -> Result<(), AppError> {
        let user = ctx::require_user()?;
        let services = ctx::services()?;
        let mut up = read_multipart(&services, data).await?;
        if at_desk {
            for f in &mut up.files {
                f.digitised = true;
            }
        }
        let result = answer_with(&services, &user, &up, at_desk).await;
        if result.is_err() {
            discard(&services, &up.files).await;
        }
        let code = result?;
        if at_desk {
            leptos_axum::redirect(&format!("/mot-cua/ho-so/{code}?xong=1"));
        } else {
            leptos_axum::redirect(&format!("/ho-so/{code}?bo_sung=1"));
        }
        Ok(())
    }

    async fn answer_with(
        services: &Services,
        user: &CurrentUser,
        up: &Upload,
        at_desk: bool,
    ) -> Result<String, AppError> {
        let code = up.text.get("code").map(String::as_str).unwrap_or("");
        // The dossier as its reader may see it: the applicant's own, or the desk's.
        let dossier = if at_desk {
            crate::api::handling::ssr::officer_dossier(user, code).await?.dossier
        } else {
            let code = crate::domain::dossier_code::DossierCode::parse("code", code).map_err(|_| AppError::NotFound)?;
            services.store.dossier_for_applicant(user.id, &code.to_string()).await?.ok_or(AppError::NotFound)?
        };
        let request = dossier
            .supplements
            .last()
            .filter(|s| s.answered_at_ms.is_none() && s.sent_at_ms.is_some())
            .cloned()
            .ok_or(AppError::Conflict("error-no-supplement-open".into()))?;
        if up.files.iter().any(|f| !request.items.iter().any(|i| i.asks_for_component(f.component_id))) {
            return Err(AppError::BadRequest("a file for a component that was not asked for".into()));
        }
        let mut errors = up.errors.clone();
        // The dossier's and (online) the account's limits; the replaced files are kept for the
        // officer's before/after view. The desk's paper entry is not held to the applicant's quota.
        let account_bytes = if at_desk { 0 } else { services.store.account_file_bytes(user.id).await? };
        let holding = upload::Holding { current: &dossier.files, account_bytes, replaced_are_deleted: false };
        errors.extend(upload::admit(holding, up.files.clone()).errors);
        // Only the requested fields may change; the rest of the form stays as it was.
        let mut merged: BTreeMap<String, String> = dossier.form.clone();
        let mut echo = Vec::new();
        for item in request.items.iter().filter(|i| i.kind == ItemKind::Field) {
            let value = up.text.get(&format!("f_{}", item.target)).cloned().unwrap_or_default();
            echo.push((format!("f_{}", item.target), value.chars().take(500).collect()));
            merged.insert(item.target.clone(), value);
        }
        let clean = match form::validate(&dossier.form_fields, &merged, true) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.extend(
                    e.into_iter().filter(|e| request.items.iter().any(|i| e.field == format!("f_{}", i.target))),
                );
                None
            }
        };
        for item in request.items.iter().filter(|i| i.kind == ItemKind::Component) {
            let field = format!("file_{}", item.target);
            let given = up.files.iter().any(|f| f.component_id.to_string() == item.target);
            if !given && !errors.iter().any(|e| e.field == field) {
                errors.push(FieldError::new(field, "error-file-required"));
            }
        }
        let clean = match clean {
            Some(c) if errors.is_empty() => c,
            _ => return Err(AppError::fields(errors).with_values(echo)),
        };
        let cmd = Command::AnswerSupplement { form: clean, files: up.files.clone() };
        let done =
            handling::execute(services.store.as_ref(), user, &dossier.code, cmd, &Backfill::default(), ctx::now_ms())
                .await?;
        Ok(done.code)
    }
}
