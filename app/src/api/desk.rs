//! The one-stop desk (Bộ phận Một cửa): the inbox of an agency and reception — accept with a
//! receipt (Mẫu 01) whose appointment comes from the legal clock, or refuse with a reason
//! (Mẫu 03). Every action checks the officer's role and agency on the server.
// The inbox's server function takes each filter as its own query parameter.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use crate::domain::role::Role;
use crate::error::AppError;
pub use crate::read::desk::{
    DeskDossierView, DeskRow, InboxFilter, InboxView, InboxViewer, DUE_SOON_DAYS, INBOX_PAGE, TABS,
};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

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
    /// On the receipt issued when the applicant was recorded (or a new code issued), once: the
    /// one-time code to claim the account online.
    pub claim: Option<ClaimOnSlip>,
}

/// The one-time claim code as the receipt prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimOnSlip {
    /// `ABCDE-FGHJK`.
    pub code: String,
    pub expires_at_ms: i64,
    /// Where to claim the account: `<public URL>/nhan-tai-khoan`.
    pub url: String,
}

/// What the desk's search keeps, and the longest text it keeps (longer is refused by the inbox).
#[cfg(feature = "ssr")]
const SEARCH: &str = "desk-search";
#[cfg(feature = "ssr")]
const SEARCH_KEPT_CHARS: usize = 200;

/// The desk's search. What the officer typed (a dossier code, a name, a CCCD or a phone number)
/// is kept on the server for this session and the inbox opens on its opaque id,
/// `/mot-cua?tim=…`, so that no personal data reaches a URL, a log, the history or a `Referer`.
/// Answers the id (API clients read the inbox with it); an empty search goes back to the inbox.
#[server(prefix = "/api", endpoint = "desk/search")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/search", skip_all))]
pub async fn desk_search(q: String) -> Result<String, AppError> {
    use crate::api::ctx;
    ssr::officer(&Role::READERS)?;
    let q: String = q.trim().chars().take(SEARCH_KEPT_CHARS).collect();
    if q.is_empty() {
        leptos_axum::redirect("/mot-cua");
        return Ok(String::new());
    }
    let id = ctx::keep(SEARCH, vec![("q".into(), q)])?;
    leptos_axum::redirect(&format!("/mot-cua?tim={id}"));
    Ok(id)
}

/// The inbox: a tab with its filters, or the search kept under `tim` (`desk_search`).
#[server(prefix = "/api", endpoint = "desk/inbox", input = GetUrl, output = crate::api::JsonText)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/inbox", skip_all))]
pub async fn desk_inbox(
    tab: Option<String>,
    tim: Option<String>,
    procedure: Option<String>,
    sector: Option<String>,
    channel: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
) -> Result<InboxView, AppError> {
    use crate::api::ctx;
    use crate::domain::FieldError;
    let (user, agency) = ssr::officer(&Role::READERS)?;
    let clean = |v: Option<String>| v.map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errors = Vec::new();
    let tim: String = clean(tim).chars().take(64).collect();
    let search = if tim.is_empty() { None } else { ctx::kept(SEARCH, &tim)? };
    let search_expired = !tim.is_empty() && search.is_none();
    let q = search.into_iter().flatten().find(|(k, _)| k == "q").map(|(_, v)| v).unwrap_or_default();
    let tim = if q.is_empty() { String::new() } else { tim };
    if q.chars().count() > 100 {
        errors.push(FieldError::new("q", "error-too-long"));
    }
    let default_tab = if user.role == Role::Reception { "receive" } else { "mine" };
    let filter = InboxFilter {
        tab: tab.filter(|t| TABS.contains(&t.as_str())).unwrap_or_else(|| default_tab.into()),
        q,
        tim,
        procedure: clean(procedure).chars().take(40).collect(),
        sector: clean(sector).chars().take(40).collect(),
        channel: clean(channel).chars().take(20).collect(),
        from: clean(from),
        to: clean(to),
        page: page.and_then(|p| p.trim().parse::<i64>().ok()).filter(|p| (1..=10_000).contains(p)).unwrap_or(1),
    };
    for (name, v) in [("from", &filter.from), ("to", &filter.to)] {
        if !v.is_empty() && crate::domain::vn_time::parse_local(v).is_none() {
            errors.push(FieldError::new(name, "error-date"));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let services = ctx::services()?;
    let now = ctx::now_ms();
    let cal = services.store.calendar(&agency).await?.ok_or(AppError::NotFound)?;
    let soon = crate::domain::clock::due(
        &cal,
        cal.counting_start(now, false),
        crate::domain::clock::Allowance::WorkingDays(DUE_SOON_DAYS * 1000),
    );
    let viewer = InboxViewer {
        agency,
        user_id: user.id,
        role: user.role,
        unit: user.unit_code.clone(),
        now_ms: now,
        soon_ms: soon,
    };
    let mut inbox = services.store.desk_inbox(&viewer, &filter).await?;
    if crate::handling::CONSULTED.contains(&user.role) {
        let unit = if user.role == Role::AgencyLeader { "" } else { user.unit_code.as_str() };
        inbox.consultations = services.store.open_consultations(&viewer.agency, unit).await?;
    }
    inbox.search_expired = search_expired;
    Ok(inbox)
}

#[server(prefix = "/api", endpoint = "desk/dossier", input = GetUrl, output = crate::api::JsonText)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/dossier", skip_all))]
pub async fn desk_dossier(code: String) -> Result<DeskDossierView, AppError> {
    let user = crate::api::ctx::require_user()?;
    let mut view = crate::api::handling::ssr::officer_dossier(&user, &code).await?;
    // The history is sent as the reader reads it: each note written out in their language, the
    // payload left here (the desk's bundle then carries no decoder for every kind of event).
    view.opinion = crate::handling::appraisal_opinion(&view);
    view.answer_due_ms = crate::handling::answer_owed(&view.dossier.events);
    let i18n = crate::i18n::I18n { lang: crate::api::ctx::lang() };
    for e in &mut view.dossier.events {
        e.note = crate::components::event_note::event_note(&i18n, e);
        e.payload = None;
    }
    Ok(view)
}

/// Accepts a submitted dossier: status 2, the clock starts, the receipt (Mẫu 01) is issued.
/// With `and_transfer` (the route is known), the desk hands it on to the competent unit at once:
/// two planned commands, each with its event, in one click.
#[server(prefix = "/api", endpoint = "desk/accept")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/accept", skip_all))]
pub async fn desk_accept(
    code: String,
    happened_at: Option<String>,
    backfill_reason: Option<String>,
    and_transfer: Option<String>,
) -> Result<(), AppError> {
    use crate::api::handling::{ssr, Backfill};
    let backfill = Backfill { happened_at, backfill_reason };
    if and_transfer.is_some_and(|v| !v.is_empty()) {
        ssr::accept_and_transfer(&code, backfill).await
    } else {
        ssr::act(&code, crate::handling::Command::Accept, backfill).await
    }
}

/// Refuses a submitted dossier with a reason: status 3, the refusal slip (Mẫu 03) is issued.
#[server(prefix = "/api", endpoint = "desk/refuse")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/refuse", skip_all))]
pub async fn desk_refuse(code: String, reason: String) -> Result<(), AppError> {
    use crate::api::handling::{ssr, Backfill};
    ssr::act(&code, crate::handling::Command::RefuseAtReception { reason }, Backfill::default()).await
}

#[server(prefix = "/api", endpoint = "desk/slip", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/slip", skip_all))]
pub async fn desk_slip(code: String, form: String) -> Result<Slip, AppError> {
    use crate::api::ctx;
    let user = ctx::require_user()?;
    let desk = crate::api::handling::ssr::officer_dossier(&user, &code).await?;
    let action = match form.as_str() {
        "01" => "accept",
        "02" => "request-supplement",
        "03" => "refuse",
        "04" => "apologise",
        // The control sheet follows the whole handling, from acceptance on.
        "05" => "accept",
        _ => return Err(AppError::NotFound),
    };
    let event = desk.dossier.events.iter().rev().find(|e| e.action == action).cloned().ok_or(AppError::NotFound)?;
    let services = ctx::services()?;
    let claim = match form.as_str() {
        "01" => crate::api::claim::ssr::take_claim_code(&desk.dossier.code).map(|(code, expires_at_ms)| ClaimOnSlip {
            code: crate::domain::secret::format_claim_code(&code),
            expires_at_ms,
            url: format!("{}/nhan-tai-khoan", services.config.public_url.trim_end_matches('/')),
        }),
        _ => None,
    };
    ssr::slip(desk, form, event, claim).await
}

/// The applicant's own receipt and appointment slip (Mẫu 01), once the dossier is accepted: the
/// same slip the desk printed, for an online applicant too, through the reader policy.
#[server(prefix = "/api", endpoint = "dossiers/receipt", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "dossiers/receipt", skip_all))]
pub async fn my_receipt(code: String) -> Result<Slip, AppError> {
    use crate::api::ctx;
    let user = ctx::require_user()?;
    let code = crate::domain::dossier_code::DossierCode::parse("code", &code).map_err(|_| AppError::NotFound)?;
    let services = ctx::services()?;
    let mut desk = services.store.desk_dossier(&code.to_string()).await?.ok_or(AppError::NotFound)?;
    // The applicant's copy only (officers print theirs at the desk); anyone else's answers
    // exactly like a missing dossier.
    let acts_for: Vec<i64> = services.store.acting_for(user.id).await?.iter().map(|o| o.id).collect();
    let organisation = desk.dossier.applied_for.as_ref().and_then(|f| f.organisation_id());
    if !crate::policy::citizen_reads(&user, desk.applicant_id, organisation, &acts_for) {
        return Err(AppError::NotFound);
    }
    let event = desk.dossier.events.iter().rev().find(|e| e.action == "accept").cloned().ok_or(AppError::NotFound)?;
    crate::policy::receipt_for_applicant(&mut desk);
    ssr::slip(desk, "01".into(), event, None).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::DeskDossierView;

    /// A slip of `form` issued by `event`, with the dossier's lookup QR code and bar code.
    pub async fn slip(
        desk: DeskDossierView,
        form: String,
        event: crate::read::dossiers::EventView,
        claim: Option<super::ClaimOnSlip>,
    ) -> Result<super::Slip, crate::error::AppError> {
        let services = crate::api::ctx::services()?;
        let token = services.store.lookup_token(&desk.dossier.code).await?.unwrap_or_default();
        let lookup_url = crate::api::lookup::lookup_url(&services.config.public_url, &desk.dossier.code, &token);
        Ok(super::Slip {
            claim,
            qr_svg: crate::api::dossiers::ssr::qr_svg(&lookup_url)?,
            barcode_svg: barcode_svg(&desk.dossier.code)?,
            form,
            officer: event.actor_name,
            issued_at_ms: event.at_ms,
            reason: event.note,
            lookup_url,
            desk,
        })
    }
    use crate::api::ctx;
    use crate::domain::role::Role;
    use crate::error::AppError;
    use crate::ports::CurrentUser;

    /// The signed-in officer and their agency, if their role is one of `roles`.
    pub fn officer(roles: &[Role]) -> Result<(CurrentUser, String), AppError> {
        let user = ctx::require_user()?;
        match (&user.agency_code, roles.contains(&user.role)) {
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
        let desk = ctx::services()?.store.desk_dossier(&code.to_string()).await?.ok_or(AppError::NotFound)?;
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
