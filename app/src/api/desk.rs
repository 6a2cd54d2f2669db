//! The one-stop desk (Bộ phận Một cửa): the inbox of an agency and reception — accept with a
//! receipt (Mẫu 01) whose appointment comes from the legal clock, or refuse with a reason
//! (Mẫu 03). Every action checks the officer's role and agency on the server.

use crate::api::catalogue::Allowance;
use crate::api::dossiers::DossierDetail;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// Officer roles, as stored on users.
pub const RECEPTION: &str = "reception";
pub const OFFICER_ROLES: [&str; 5] = ["reception", "specialist", "department-leader", "agency-leader", "admin"];

/// Inbox tabs and the statuses they hold.
pub const TABS: [(&str, &[i64]); 4] =
    [("receive", &[1]), ("handling", &[2, 4, 6]), ("waiting", &[5]), ("done", &[3, 7, 8, 9, 10])];

pub fn tab_statuses(tab: &str) -> &'static [i64] {
    TABS.iter().find(|(t, _)| *t == tab).map(|(_, s)| *s).unwrap_or(TABS[0].1)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskRow {
    pub code: String,
    pub procedure: String,
    pub applicant: String,
    pub status: i64,
    pub channel: String,
    pub submitted_at_ms: i64,
    pub due_at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxView {
    pub agency: String,
    pub tab: String,
    /// The search, when the officer searched (then `rows` spans every tab).
    pub q: String,
    pub counts: Vec<(String, i64)>,
    pub rows: Vec<DeskRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskDossierView {
    pub dossier: DossierDetail,
    pub receiving_agency_code: String,
    pub applicant_cccd: String,
    pub applicant_phone: String,
    pub allowance: Allowance,
    pub accepted_at_ms: Option<i64>,
    pub original_due_at_ms: Option<i64>,
    pub due_at_ms: Option<i64>,
}

/// A printable slip: `01` receipt and appointment, `02` supplement request, `03` refusal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slip {
    pub form: String,
    pub desk: DeskDossierView,
    pub officer: String,
    pub issued_at_ms: i64,
    pub reason: String,
    pub lookup_url: String,
    pub qr_svg: String,
    pub barcode_svg: String,
}

#[server(prefix = "/api", endpoint = "desk/inbox", input = GetUrl)]
pub async fn desk_inbox(tab: Option<String>, q: Option<String>) -> Result<InboxView, AppError> {
    use crate::api::ctx;
    let (_, agency) = ssr::officer(&OFFICER_ROLES)?;
    let tab = tab.filter(|t| TABS.iter().any(|(x, _)| x == t)).unwrap_or_else(|| "receive".into());
    if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(AppError::field("q", "error-too-long"));
    }
    Ok(ctx::services()?.store.desk_inbox(&agency, &tab, q.as_deref(), ctx::lang()).await?)
}

#[server(prefix = "/api", endpoint = "desk/dossier", input = GetUrl)]
pub async fn desk_dossier(code: String) -> Result<DeskDossierView, AppError> {
    let (_, agency) = ssr::officer(&OFFICER_ROLES)?;
    ssr::agency_dossier(&agency, &code).await
}

/// Accepts a submitted dossier: status 2, the clock starts, the receipt (Mẫu 01) is issued.
#[server(prefix = "/api", endpoint = "desk/accept")]
pub async fn desk_accept(code: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::clock::{deadline, Allowance as ClockAllowance, ClockEvent};
    let (officer, agency) = ssr::officer(&[RECEPTION])?;
    let desk = ssr::agency_dossier(&agency, &code).await?;
    let services = ctx::services()?;
    let calendar = services.store.calendar(&agency).await?.ok_or(AppError::NotFound)?;
    let allowance = ClockAllowance::parse(&desk.allowance.amount, &desk.allowance.unit)
        .ok_or_else(|| ctx::internal("allowance"))?;
    let now = ctx::now_ms();
    let paper = desk.dossier.channel != "online";
    let d = deadline(&calendar, allowance, &[ClockEvent::Accepted { at: now, paper }])
        .map_err(|e| ctx::internal(format!("{e:?}")))?;
    let due = d.current_due.ok_or_else(|| ctx::internal("no due date"))?;
    services.store.accept(&desk.dossier.code, &officer, now, due).await?;
    leptos_axum::redirect(&format!("/mot-cua/ho-so/{}/phieu/01", desk.dossier.code));
    Ok(())
}

/// Refuses a submitted dossier with a reason: status 3, the refusal slip (Mẫu 03) is issued.
#[server(prefix = "/api", endpoint = "desk/refuse")]
pub async fn desk_refuse(code: String, reason: String) -> Result<(), AppError> {
    use crate::api::ctx;
    let (officer, agency) = ssr::officer(&[RECEPTION])?;
    let reason = reason.trim().to_string();
    if reason.chars().count() < 10 || reason.chars().count() > 2000 {
        let key = if reason.is_empty() { "error-required" } else { "error-reason-length" };
        return Err(AppError::field("reason", key).with_values(vec![("reason".into(), reason)]));
    }
    let desk = ssr::agency_dossier(&agency, &code).await?;
    ctx::services()?.store.refuse(&desk.dossier.code, &officer, ctx::now_ms(), &reason).await?;
    leptos_axum::redirect(&format!("/mot-cua/ho-so/{}/phieu/03", desk.dossier.code));
    Ok(())
}

#[server(prefix = "/api", endpoint = "desk/slip", input = GetUrl)]
pub async fn desk_slip(code: String, form: String) -> Result<Slip, AppError> {
    use crate::api::ctx;
    let (_, agency) = ssr::officer(&OFFICER_ROLES)?;
    let desk = ssr::agency_dossier(&agency, &code).await?;
    let action = match form.as_str() {
        "01" => "accept",
        "02" => "request-supplement",
        "03" => "refuse",
        _ => return Err(AppError::NotFound),
    };
    let event = desk.dossier.events.iter().rev().find(|e| e.action == action).cloned().ok_or(AppError::NotFound)?;
    let base = ctx::services()?.config.public_url.trim_end_matches('/').to_string();
    let lookup_url = format!("{base}/tra-cuu?ma={}", desk.dossier.code);
    Ok(Slip {
        qr_svg: crate::api::dossiers::ssr::qr_svg(&lookup_url)?,
        barcode_svg: ssr::barcode_svg(&desk.dossier.code)?,
        form,
        officer: event.actor_name,
        issued_at_ms: event.at_ms,
        reason: event.note,
        lookup_url,
        desk,
    })
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::DeskDossierView;
    use crate::api::ctx;
    use crate::error::AppError;
    use crate::ports::CurrentUser;

    /// The signed-in officer and their agency, if their role is one of `roles`.
    pub fn officer(roles: &[&str]) -> Result<(CurrentUser, String), AppError> {
        let user = ctx::require_user()?;
        match (&user.agency_code, roles.contains(&user.role.as_str())) {
            (Some(agency), true) => {
                let agency = agency.clone();
                Ok((user, agency))
            }
            _ => Err(AppError::Forbidden),
        }
    }

    /// A dossier received by `agency`; any other agency's dossier is refused.
    pub async fn agency_dossier(agency: &str, code: &str) -> Result<DeskDossierView, AppError> {
        let code = crate::domain::dossier_code::DossierCode::parse("code", code).map_err(|_| AppError::NotFound)?;
        let desk =
            ctx::services()?.store.desk_dossier(&code.to_string(), ctx::lang()).await?.ok_or(AppError::NotFound)?;
        if desk.receiving_agency_code != agency {
            return Err(AppError::Forbidden);
        }
        Ok(desk)
    }

    /// A Code 128 barcode of the dossier code, for desk scanners.
    pub fn barcode_svg(code: &str) -> Result<String, AppError> {
        use barcoders::generators::svg::SVG;
        use barcoders::sym::code128::Code128;
        let barcode = Code128::new(format!("\u{0181}{code}")).map_err(ctx::internal)?;
        let svg = SVG::new(60).xdim(2).generate(barcode.encode()).map_err(ctx::internal)?;
        Ok(crate::api::dossiers::ssr::inline_svg(&svg))
    }
}
