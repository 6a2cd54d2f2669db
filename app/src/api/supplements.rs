//! Supplements (bổ sung hồ sơ): the desk names every missing or wrong component or form field at
//! once, with the reason (Mẫu 02); the citizen replaces only those items and resubmits; the
//! officer sees what changed.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementItem {
    /// `component` or `field`.
    pub kind: String,
    /// The component id or the field name.
    pub target: String,
    /// What the citizen reads (component name or field label, in Vietnamese).
    pub label: String,
    /// What is wrong with it (optional; the request's reason covers the rest).
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementChange {
    pub kind: String,
    pub label: String,
    pub before: String,
    pub after: String,
    /// For components: the replaced and the new file.
    pub before_file: Option<String>,
    pub after_file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementView {
    pub id: i64,
    pub requested_at_ms: i64,
    pub officer: String,
    pub reason: String,
    pub items: Vec<SupplementItem>,
    pub answered_at_ms: Option<i64>,
    pub changes: Vec<SupplementChange>,
}

/// The desk asks for a supplement: multipart with `code`, `reason`, `item:<kind>:<target>` for
/// each item asked for and optional `note:<kind>:<target>`.
#[server(prefix = "/api", endpoint = "desk/request-supplement", input = MultipartFormData)]
pub async fn request_supplement(data: MultipartData) -> Result<(), AppError> {
    ssr::request(data).await
}

/// The citizen answers: multipart with `code`, `f_<field>` for requested fields and
/// `file_<component>` for requested components.
#[server(prefix = "/api", endpoint = "dossiers/supplement", input = MultipartFormData)]
pub async fn answer_supplement(data: MultipartData) -> Result<(), AppError> {
    ssr::answer(data).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::SupplementItem;
    use crate::api::ctx;
    use crate::api::dossiers::ssr::{discard, read_multipart};
    use crate::domain::{form, FieldError};
    use crate::error::AppError;
    use std::collections::BTreeMap;

    pub async fn request(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
        let officer = ctx::require_user()?;
        let services = ctx::services()?;
        let up = read_multipart(&services, data).await?;
        discard(&services, &up.files).await; // a request carries no files
        let code = up.text.get("code").cloned().unwrap_or_default();
        // The desk at reception, or the specialist appraising during handling [HD-05].
        let desk = crate::api::handling::ssr::officer_dossier(&officer, &code).await?;
        if !(desk.actions.receive || desk.actions.appraise) {
            let own_desk = officer.role == crate::domain::role::Role::Reception
                && officer.agency_code.as_ref() == Some(&desk.receiving_agency_code);
            return Err(if own_desk {
                AppError::Conflict("error-illegal-transition".into())
            } else {
                AppError::Forbidden
            });
        }
        let reason = up.text.get("reason").map(|r| r.trim().to_string()).unwrap_or_default();
        // Every component and form field may be asked for; each ticked one becomes an item.
        let candidates = desk
            .dossier
            .components
            .iter()
            .map(|c| ("component", c.id.to_string(), c.name.clone()))
            .chain(desk.dossier.form_fields.iter().map(|f| ("field", f.name.clone(), f.label_vi.clone())));
        let mut items = Vec::new();
        for (kind, target, label) in candidates {
            let key = format!("{kind}:{target}");
            if up.text.contains_key(&format!("item:{key}")) {
                let note = up.text.get(&format!("note:{key}")).map(|n| n.trim().to_string()).unwrap_or_default();
                items.push(SupplementItem { kind: kind.into(), target, label, note });
            }
        }
        let mut errors = Vec::new();
        if items.is_empty() {
            errors.push(FieldError::new("items", "error-supplement-items"));
        }
        if reason.chars().count() < 10 || reason.chars().count() > 2000 {
            errors.push(FieldError::new(
                "supplement_reason",
                if reason.is_empty() { "error-required" } else { "error-reason-length" },
            ));
        }
        if items.iter().any(|i| i.note.chars().count() > 500) {
            errors.push(FieldError::new("items", "error-too-long"));
        }
        if !errors.is_empty() {
            return Err(AppError::fields(errors).with_values(vec![("supplement_reason".into(), reason)]));
        }
        services.store.request_supplement(&desk.dossier.code, &officer, ctx::now_ms(), &reason, items).await?;
        leptos_axum::redirect(&format!("/mot-cua/ho-so/{}/phieu/02", desk.dossier.code));
        Ok(())
    }

    pub async fn answer(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
        let user = ctx::require_user()?;
        let services = ctx::services()?;
        let up = read_multipart(&services, data).await?;
        let result = answer_with(&services, user, &up).await;
        if result.is_err() {
            discard(&services, &up.files).await;
        }
        let code = result?;
        leptos_axum::redirect(&format!("/ho-so/{code}?bo_sung=1"));
        Ok(())
    }

    async fn answer_with(
        services: &crate::ports::Services,
        user: crate::ports::CurrentUser,
        up: &crate::api::dossiers::ssr::Upload,
    ) -> Result<String, AppError> {
        let code = crate::domain::dossier_code::DossierCode::parse(
            "code",
            up.text.get("code").map(String::as_str).unwrap_or(""),
        )
        .map_err(|_| AppError::NotFound)?
        .to_string();
        let lang = ctx::lang();
        let dossier = services.store.dossier_for_applicant(user.id, &code, lang).await?.ok_or(AppError::NotFound)?;
        let request = dossier
            .supplements
            .last()
            .filter(|s| s.answered_at_ms.is_none() && dossier.status == 5)
            .cloned()
            .ok_or(AppError::Conflict("error-no-supplement-open".into()))?;
        let mut errors = up.errors.clone();
        // Only the requested fields may change; the rest of the form stays as it was.
        let mut merged: BTreeMap<String, String> = dossier.form.clone();
        let mut echo = Vec::new();
        for item in request.items.iter().filter(|i| i.kind == "field") {
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
        if up
            .files
            .iter()
            .any(|f| !request.items.iter().any(|i| i.kind == "component" && i.target == f.component_id.to_string()))
        {
            return Err(AppError::BadRequest("a file for a component that was not asked for".into()));
        }
        let mut files = Vec::new();
        for item in request.items.iter().filter(|i| i.kind == "component") {
            let field = format!("file_{}", item.target);
            match up.files.iter().find(|f| f.component_id.to_string() == item.target) {
                Some(f) => files.push(f.clone()),
                None if !errors.iter().any(|e| e.field == field) => {
                    errors.push(FieldError::new(field, "error-file-required"))
                }
                None => {}
            }
        }
        if !errors.is_empty() {
            return Err(AppError::fields(errors).with_values(echo));
        }
        let clean = clean.ok_or_else(|| AppError::fields(Vec::new()))?;
        services.store.answer_supplement(&code, &user, ctx::now_ms(), clean, files).await?;
        Ok(code)
    }
}
