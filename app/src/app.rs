//! The application shell and the routes. Routes are stable: QR codes and printed slips point at them.

use crate::components::layout::SignedIn;
use crate::desk_app::DeskShell;
use crate::i18n::{I18n, Lang};
use crate::pages::account::{ClaimPage, LoginPage, RegisterPage};
use crate::pages::calculator::CalculatorPage;
use crate::pages::catalogue::{HomePage, ProcedureListPage, ProcedurePage};
use crate::pages::desk::SlipPage;
use crate::pages::dossiers::{
    AcknowledgementPage, DossierPage, MyDossiersPage, NotificationsPage, SubmitPage, SupplementAnswerPage,
};
use crate::pages::lookup::LookupPage;
use crate::pages::NotFound;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// Which WASM bundle a page loads: none (most citizen pages), the citizens' islands (the pages
/// that send files: the dossier form and the supplement answer), or the desk app (everything
/// under `/mot-cua` but the printable slips).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    None,
    Citizen,
    Desk,
}

pub fn bundle_for(path: &str) -> Bundle {
    let one_segment = |rest: &str| !rest.is_empty() && !rest.contains('/');
    if path == "/mot-cua" || (path.starts_with("/mot-cua/") && !path.contains("/phieu/")) {
        Bundle::Desk
    } else if (path.starts_with("/thu-tuc/") && path.ends_with("/nop"))
        || path.strip_prefix("/ho-so/").and_then(|r| r.strip_suffix("/bo-sung")).is_some_and(one_segment)
    {
        Bundle::Citizen
    } else {
        Bundle::None
    }
}

#[cfg(feature = "ssr")]
fn request_context() -> (Lang, Option<crate::api::account::UserView>, String) {
    let parts = use_context::<http::request::Parts>();
    let lang = parts
        .as_ref()
        .and_then(|p| p.headers.get(http::header::COOKIE).and_then(|v| v.to_str().ok()).map(Lang::from_cookie_header))
        .unwrap_or_default();
    let waiting = parts.as_ref().and_then(|p| p.extensions.get::<crate::api::ctx::WaitingCount>()).map_or(0, |w| w.0);
    let user = crate::api::ctx::current_user().map(|u| crate::api::account::UserView {
        full_name: u.full_name,
        role: u.role,
        waiting,
    });
    let path = parts.map(|p| p.uri.path().to_string()).unwrap_or_default();
    (lang, user, path)
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (lang, user, path) = request_context();
    #[cfg(not(feature = "ssr"))]
    let (lang, user, path) = (Lang::Vi, None, String::new());
    // A demonstration says so on every page: its passwords are published.
    #[cfg(feature = "ssr")]
    let demo = use_context::<crate::ports::Services>().is_some_and(|s| s.config.demo);
    #[cfg(not(feature = "ssr"))]
    let demo = false;
    // An incident or maintenance says so on every page, with when service is expected back.
    #[cfg(feature = "ssr")]
    let notices: Vec<crate::read::content::IncidentView> = use_context::<crate::ports::Services>()
        .and_then(|s| s.notices.read().ok().map(|n| n.clone()))
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let notices: Vec<crate::read::content::IncidentView> = Vec::new();
    provide_context(I18n { lang });
    provide_context(SignedIn(user));
    let bundle = bundle_for(&path);
    let wasm = bundle != Bundle::None;
    #[cfg(feature = "ssr")]
    let desk_english = (bundle == Bundle::Desk && lang == Lang::En).then_some(crate::i18n::catalogues::EN);
    #[cfg(not(feature = "ssr"))]
    let desk_english: Option<&'static str> = None;
    // The desk's bundle has its own name (and hash file, see `scripts/build.sh`).
    let scripts_options = if bundle == Bundle::Desk {
        let mut o = options.clone();
        o.output_name = "desk".into();
        o.hash_file = "desk-hash.txt".into();
        o
    } else {
        options.clone()
    };
    // Leptos writes a few inline bookkeeping scripts on every page: allow them by nonce, and
    // let WebAssembly compile only on the pages that carry an island.
    #[cfg(feature = "ssr")]
    {
        if leptos::nonce::use_nonce().is_none() {
            leptos::nonce::provide_nonce();
        }
        if let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
            let wasm_eval = if wasm { " 'wasm-unsafe-eval'" } else { "" };
            // The pay button's post is redirected to the payment gateway's payer page.
            let gateway = use_context::<crate::ports::Services>()
                .and_then(|s| s.config.payer_origin.clone())
                .map(|o| format!(" {o}"))
                .unwrap_or_default();
            let csp = format!(
                "default-src 'self'; script-src 'self' 'nonce-{nonce}'{wasm_eval}; style-src 'self'; img-src 'self' data:; \
                 connect-src 'self'; form-action 'self'{gateway}; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
            );
            if let Ok(v) = http::HeaderValue::from_str(&csp) {
                res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
            }
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#a4161a" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                {wasm.then(|| view! { <HydrationScripts options=scripts_options islands=true /> })}
                <MetaTags />
                // The desk's own styles: citizens' pages never load them.
                {path.starts_with("/mot-cua").then(|| view! { <link rel="stylesheet" href="/pkg/desk.css" /> })}
            </head>
            <body>
                // A landmark of its own, so that nothing on the page sits outside one.
                {demo.then(|| view! { <aside class="demo-banner" data-testid="demo-banner" aria-label=I18n { lang }.t("demo-label")><p>{I18n { lang }.t("demo-banner")}</p></aside> })}
                {(!notices.is_empty()).then(|| {
                    let i18n = I18n { lang };
                    view! {
                        <aside class="incident-banner" data-testid="incident-banner" aria-label=i18n.t("incident-label")>
                            {notices.into_iter().map(|n| view! {
                                <p><strong>{i18n.t(&format!("incident-kind-{}", n.kind))}": "</strong>{i18n.name(&n.message)}
                                    {n.expected_end_at.map(|t| format!(" {}", i18n.t_args("incident-expected", &[("at", crate::domain::vn_time::format_vn(t))])))}</p>
                            }).collect_view()}
                        </aside>
                    }
                })}
                // A desk page in English brings the English catalogue, which the desk's WASM does
                // not carry: raw text outside the island, read once by the app.
                {desk_english.map(|text| view! { <script type="text/plain" id=crate::i18n::EN_ELEMENT inner_html=text></script> })}
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="main-css" href="/pkg/app.css" />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                <Route path=path!("/thu-tuc") view=ProcedureListPage ssr=SsrMode::Async />
                <Route path=path!("/thu-tuc/:code") view=ProcedurePage ssr=SsrMode::Async />
                <Route path=path!("/thu-tuc/:code/nop") view=SubmitPage ssr=SsrMode::Async />
                <Route path=path!("/dang-ky") view=RegisterPage ssr=SsrMode::Async />
                <Route path=path!("/dang-nhap") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/nhan-tai-khoan") view=ClaimPage ssr=SsrMode::Async />
                <Route path=path!("/dang-ky/xac-minh") view=crate::pages::credentials::SignupCodePage ssr=SsrMode::Async />
                <Route path=path!("/xac-minh-email") view=crate::pages::credentials::ProveEmailPage ssr=SsrMode::Async />
                <Route path=path!("/quen-mat-khau") view=crate::pages::credentials::ForgotPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/quen-mat-khau/ma") view=crate::pages::credentials::ResetCodePage ssr=SsrMode::Async />
                <Route path=path!("/tai-khoan") view=crate::pages::credentials::AccountPage ssr=SsrMode::Async />
                <Route path=path!("/kho-du-lieu") view=crate::pages::personal_data::PersonalDataPage ssr=SsrMode::Async />
                <Route path=path!("/to-chuc") view=crate::pages::organisations::OrganisationsPage ssr=SsrMode::Async />
                <Route path=path!("/dang-nhap/xac-thuc") view=crate::pages::credentials::SecondFactorPage ssr=SsrMode::Async />
                <Route path=path!("/dang-nhap/ma-du-phong") view=crate::pages::credentials::RecoveryCodesPage ssr=SsrMode::Async />
                <Route path=path!("/cai-dat") view=crate::pages::setup::SetupPage ssr=SsrMode::Async />
                <Route path=path!("/dat-mat-khau") view=crate::pages::setup::SetPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/ho-so") view=MyDossiersPage ssr=SsrMode::Async />
                <Route path=path!("/ho-so/:code") view=DossierPage ssr=SsrMode::Async />
                <Route path=path!("/ho-so/:code/xac-nhan") view=AcknowledgementPage ssr=SsrMode::Async />
                <Route path=path!("/ho-so/:code/bo-sung") view=SupplementAnswerPage ssr=SsrMode::Async />
                <Route path=path!("/ho-so/:code/bien-nhan") view=crate::pages::desk::slips::ReceiptPage ssr=SsrMode::Async />
                <Route path=path!("/tra-cuu") view=LookupPage ssr=SsrMode::Async />
                <Route path=path!("/tra-cuu/bien-lai") view=crate::pages::receipts::ReceiptLookupPage ssr=SsrMode::Async />
                <Route path=path!("/ho-so/:code/bien-lai/:so") view=crate::pages::receipts::FeeReceiptPage ssr=SsrMode::Async />
                <Route path=path!("/thong-bao") view=NotificationsPage ssr=SsrMode::Async />
                <Route path=path!("/tinh-han") view=CalculatorPage ssr=SsrMode::Async />
                <Route path=path!("/huong-dan") view=crate::pages::content::GuidesPage ssr=SsrMode::Async />
                <Route path=path!("/huong-dan/:slug") view=crate::pages::content::GuidePage ssr=SsrMode::Async />
                <Route path=path!("/tin-tuc") view=crate::pages::content::NewsPage ssr=SsrMode::Async />
                <Route path=path!("/tin-tuc/:slug") view=crate::pages::content::NewsItemPage ssr=SsrMode::Async />
                <Route path=path!("/hoi-dap") view=crate::pages::content::FaqPage ssr=SsrMode::Async />
                <Route path=path!("/co-quan") view=crate::pages::content::DirectoryPage ssr=SsrMode::Async />
                <Route path=path!("/danh-gia") view=crate::pages::ratings::RatingsPage ssr=SsrMode::Async />
                <Route path=path!("/thong-ke") view=crate::pages::statistics::StatisticsPage ssr=SsrMode::Async />
                <Route path=path!("/chi-so-766") view=crate::pages::index766::Index766Page ssr=SsrMode::Async />
                <Route path=path!("/xac-thuc/:token") view=crate::pages::results::ResultVerificationPage ssr=SsrMode::Async />
                <Route path=path!("/su-co") view=crate::pages::content::IncidentLogPage ssr=SsrMode::Async />
                <Route path=path!("/mot-cua/noi-dung") view=DeskShell ssr=SsrMode::Async />
                <Route path=path!("/mot-cua/tin-nhan") view=DeskShell ssr=SsrMode::Async />
                <Route path=path!("/mot-cua") view=DeskShell ssr=SsrMode::Async />
                <Route path=path!("/mot-cua/tiep-nhan") view=DeskShell ssr=SsrMode::Async />
                <Route path=path!("/mot-cua/so-theo-doi") view=DeskShell ssr=SsrMode::Async />
                <Route path=path!("/mot-cua/lich") view=DeskShell ssr=SsrMode::Async />
                <Route path=path!("/mot-cua/doi-soat") view=DeskShell ssr=SsrMode::Async />
                <Route path=path!("/mot-cua/co-quan") view=DeskShell ssr=SsrMode::Async />
                <Route path=path!("/mot-cua/danh-muc") view=DeskShell ssr=SsrMode::Async />
                <Route path=path!("/mot-cua/can-bo") view=DeskShell ssr=SsrMode::Async />
                <Route path=path!("/mot-cua/ho-so/:code") view=DeskShell ssr=SsrMode::Async />
                <Route path=path!("/mot-cua/ho-so/:code/phieu/:form") view=SlipPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    use super::{bundle_for, Bundle};

    #[test]
    fn the_desk_loads_its_app_the_file_pages_the_islands_and_the_rest_nothing() {
        for path in ["/thu-tuc/1.001193/nop", "/ho-so/000.00.01.H45-261122-0001/bo-sung"] {
            assert_eq!(bundle_for(path), Bundle::Citizen, "{path}");
        }
        for path in ["/mot-cua", "/mot-cua/ho-so/000.00.01.H45-261122-0001", "/mot-cua/tiep-nhan", "/mot-cua/lich"] {
            assert_eq!(bundle_for(path), Bundle::Desk, "{path}");
        }
        for path in [
            "/",
            "/thu-tuc/1.001193",
            "/ho-so",
            "/ho-so/000.00.01.H45-261122-0001",
            "/ho-so/X/xac-nhan",
            "/mot-cua-gia",
            "/mot-cua/ho-so/X/phieu/01",
            "/tra-cuu",
        ] {
            assert_eq!(bundle_for(path), Bundle::None, "{path}");
        }
    }
}
