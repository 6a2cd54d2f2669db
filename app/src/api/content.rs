//! Portal content (issue 11): guides, news, questions and answers by sector and the agency
//! directory for the public; the incident and maintenance banner with its log (TT 32/2017
//! Đ11.2.e); and the province administrators' screen that writes them.
// A form's server function takes each field as its own parameter.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
pub use crate::read::admin::AgencyNode;
pub use crate::read::catalogue::SectorView;
pub use crate::read::content::{ContentView, IncidentView, CONTENT_KINDS, INCIDENT_KINDS};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// The longest body of a content page, in characters.
pub const MAX_BODY: usize = 50_000;

/// Published pages of `kind` (`guide`, `news`, `faq`), newest first.
#[server(prefix = "/api", endpoint = "content/list", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "content/list", skip_all))]
pub async fn content_list(kind: String) -> Result<Vec<ContentView>, AppError> {
    if !CONTENT_KINDS.contains(&kind.as_str()) {
        return Err(AppError::NotFound);
    }
    Ok(crate::api::ctx::services()?.store.contents(Some(&kind), true).await?)
}

/// One published page.
#[server(prefix = "/api", endpoint = "content/page", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "content/page", skip_all))]
pub async fn content_page(kind: String, slug: String) -> Result<ContentView, AppError> {
    let page = crate::api::ctx::services()?.store.content(&kind, &slug).await?;
    page.filter(|p| p.published).ok_or(AppError::NotFound)
}

/// The agency directory: every active agency with its address, phone and opening hours.
#[server(prefix = "/api", endpoint = "content/directory", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "content/directory", skip_all))]
pub async fn agency_directory() -> Result<Vec<AgencyNode>, AppError> {
    let mut tree = crate::api::ctx::services()?.store.agency_tree().await?;
    tree.retain(|a| a.active && a.kind != "province");
    // Bank accounts are the agencies' business with payers, shown where a fee is paid.
    for a in &mut tree {
        a.bank_account.clear();
    }
    Ok(tree)
}

/// Incidents and maintenance, open ones first (the public log).
#[server(prefix = "/api", endpoint = "content/incidents", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "content/incidents", skip_all))]
pub async fn incident_log() -> Result<Vec<IncidentView>, AppError> {
    Ok(crate::api::ctx::services()?.store.incidents(100).await?)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminContentView {
    pub pages: Vec<ContentView>,
    /// The page being edited (`?sua=ID`).
    pub editing: Option<ContentView>,
    pub sectors: Vec<SectorView>,
    pub incidents: Vec<IncidentView>,
}

#[server(prefix = "/api", endpoint = "admin/content", input = GetUrl, output = crate::api::JsonText)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/content", skip_all))]
pub async fn admin_content(edit: Option<String>) -> Result<AdminContentView, AppError> {
    crate::api::catalogue_admin::ssr::province_admin()?;
    let store = crate::api::ctx::services()?.store;
    let editing = match edit.and_then(|id| id.parse::<i64>().ok()) {
        Some(id) => store.content_by_id(id).await?,
        None => None,
    };
    Ok(AdminContentView {
        pages: store.contents(None, false).await?,
        editing,
        sectors: store.sectors().await?,
        incidents: store.incidents(20).await?,
    })
}

/// Saves a content page (new without `id`); `published` = `1` shows it on the portal.
#[server(prefix = "/api", endpoint = "admin/content-save")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/content-save", skip_all))]
pub async fn save_content(
    id: String,
    kind: String,
    slug: String,
    sector: String,
    title_vi: String,
    title_en: String,
    body_vi: String,
    body_en: String,
    published: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::{text, FieldError};
    use crate::ports::{ContentSave, StoreError};
    let admin = crate::api::catalogue_admin::ssr::province_admin()?;
    let echo: Vec<(String, String)> = [
        ("kind", &kind),
        ("slug", &slug),
        ("sector", &sector),
        ("title_vi", &title_vi),
        ("title_en", &title_en),
        ("body_vi", &body_vi),
        ("body_en", &body_en),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect();
    let mut errors = Vec::new();
    if !CONTENT_KINDS.contains(&kind.as_str()) {
        errors.push(FieldError::new("kind", "error-select"));
    }
    let slug = slug.trim().to_ascii_lowercase();
    if slug.is_empty() {
        errors.push(FieldError::new("slug", "error-required"));
    } else if slug.len() > 80 || !slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        errors.push(FieldError::new("slug", "error-slug-format"));
    }
    let title_vi = text::single_line("title_vi", &title_vi, true, 200).map_err(|e| errors.push(e)).unwrap_or_default();
    let title_en = text::single_line("title_en", &title_en, false, 200).map_err(|e| errors.push(e)).unwrap_or_default();
    let mut body = |field: &str, value: &str, required: bool| {
        text::multi_line(field, value, required, MAX_BODY).map_err(|e| errors.push(e)).unwrap_or_default()
    };
    let body_vi = body("body_vi", &body_vi, true);
    let body_en = body("body_en", &body_en, false);
    let store = crate::api::ctx::services()?.store;
    let sector = sector.trim().to_string();
    let sector = if sector.is_empty() { None } else { Some(sector) };
    if let Some(s) = &sector {
        if !store.sectors().await?.iter().any(|x| &x.code == s) {
            errors.push(FieldError::new("sector", "error-select"));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors).with_values(echo));
    }
    let id = match id.trim() {
        "" => None,
        n => Some(n.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let save = ContentSave {
        id,
        kind,
        slug,
        sector,
        title_vi,
        title_en,
        body_vi,
        body_en,
        published: published.as_deref() == Some("1"),
    };
    let id = match store.save_content(save, &admin, crate::api::ctx::now_ms()).await {
        Ok(id) => id,
        Err(StoreError::Conflict(key)) => return Err(AppError::field("slug", &key).with_values(echo)),
        Err(e) => return Err(e.into()),
    };
    (crate::api::ctx::services()?.catalogue_changed)();
    leptos_axum::redirect(&format!("/mot-cua/noi-dung?sua={id}&xong=1"));
    Ok(())
}

/// Opens an incident or a maintenance window: the banner shows on every page until it is
/// resolved. `expected_end` is a local time (`2026-12-01T10:30`) in Vietnam.
#[server(prefix = "/api", endpoint = "admin/incident-open")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/incident-open", skip_all))]
pub async fn open_incident(
    kind: String,
    message_vi: String,
    message_en: String,
    expected_end: String,
) -> Result<(), AppError> {
    use crate::domain::{text, FieldError};
    let admin = crate::api::catalogue_admin::ssr::province_admin()?;
    let echo: Vec<(String, String)> =
        [("kind", &kind), ("message_vi", &message_vi), ("message_en", &message_en), ("expected_end", &expected_end)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
    let mut errors = Vec::new();
    if !INCIDENT_KINDS.contains(&kind.as_str()) {
        errors.push(FieldError::new("kind", "error-select"));
    }
    let message_vi =
        text::single_line("message_vi", &message_vi, true, 300).map_err(|e| errors.push(e)).unwrap_or_default();
    let message_en =
        text::single_line("message_en", &message_en, false, 300).map_err(|e| errors.push(e)).unwrap_or_default();
    let now = crate::api::ctx::now_ms();
    let expected_end_at = match expected_end.trim() {
        "" => None,
        t => match crate::domain::vn_time::parse_iso8601(&crate::domain::vn_time::with_vn_offset(t)) {
            Some(at) if at > now => Some(at),
            Some(_) => {
                errors.push(FieldError::new("expected_end", "error-expected-end-past"));
                None
            }
            None => {
                errors.push(FieldError::new("expected_end", "error-datetime"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::fields(errors).with_values(echo));
    }
    let services = crate::api::ctx::services()?;
    let new = crate::ports::NewIncident { kind, message_vi, message_en, expected_end_at };
    services.store.open_incident(new, &admin, now).await?;
    ssr::site_changed(&services).await?;
    leptos_axum::redirect("/mot-cua/noi-dung?xong=1");
    Ok(())
}

/// Closes an incident: the banner goes, the log keeps it.
#[server(prefix = "/api", endpoint = "admin/incident-resolve")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/incident-resolve", skip_all))]
pub async fn resolve_incident(id: String) -> Result<(), AppError> {
    let admin = crate::api::catalogue_admin::ssr::province_admin()?;
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let services = crate::api::ctx::services()?;
    if !services.store.resolve_incident(id, &admin, crate::api::ctx::now_ms()).await? {
        return Err(AppError::NotFound);
    }
    ssr::site_changed(&services).await?;
    leptos_axum::redirect("/mot-cua/noi-dung?xong=1");
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::error::AppError;
    use crate::ports::Services;
    use crate::read::content::{IncidentView, SiteIdentity};

    /// The incidents open at `now` (started, not resolved).
    pub fn open_at(all: Vec<IncidentView>, now: i64) -> Vec<IncidentView> {
        all.into_iter().filter(|i| i.resolved_at.is_none() && i.started_at <= now).collect()
    }

    /// Reads again what every page shows besides its own content: the open incidents (the
    /// banner) and the province's name and help line; when anything changed, the kept pages are
    /// dropped.
    pub async fn site_changed(services: &Services) -> Result<(), AppError> {
        let open = open_at(services.store.incidents(20).await?, crate::api::ctx::now_ms());
        let tree = services.store.agency_tree().await?;
        let of_kind = |kind: &str| tree.iter().find(|a| a.kind == kind && a.active);
        let identity = SiteIdentity {
            province: of_kind("province").map(|p| p.name.clone()),
            hotline: [of_kind("province"), of_kind("centre")]
                .into_iter()
                .flatten()
                .map(|a| a.phone.clone())
                .find(|p| !p.is_empty())
                .unwrap_or_default(),
        };
        let mut changed = false;
        if let Ok(mut n) = services.notices.write() {
            changed |= *n != open;
            *n = open;
        }
        if let Ok(mut i) = services.identity.write() {
            changed |= *i != identity;
            *i = identity;
        }
        if changed {
            (services.catalogue_changed)();
        }
        Ok(())
    }
}
