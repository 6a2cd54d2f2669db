//! Route components. Citizen pages are server-rendered and work without JavaScript.

pub mod account;
pub mod calculator;
pub mod calendar;
pub mod catalogue;
pub mod desk;
pub mod dossiers;
pub mod intake;
pub mod lookup;
pub mod register;

use crate::components::layout::Layout;
use crate::error::{error_from_query, AppError};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The error a failed no-JS post to `endpoint` left in this page's URL, with the values the
/// visitor typed (kept by the server, never in the URL).
pub fn posted_error(endpoint: &str) -> Option<AppError> {
    let q = use_query_map().get_untracked();
    let error = error_from_query(q.get("__path").as_deref(), q.get("__err").as_deref(), endpoint)?;
    #[cfg(feature = "ssr")]
    let error = error.with_values(crate::api::ctx::typed_values(endpoint));
    Some(error)
}

/// A route parameter (`:code`, `:form`), empty when absent.
pub fn param(name: &str) -> String {
    leptos_router::hooks::use_params_map().get_untracked().get(name).unwrap_or_default()
}

pub fn query(name: &str) -> Option<String> {
    use_query_map().get_untracked().get(name).filter(|v| !v.is_empty())
}

/// A page for errors that are not about a form field (not found, sign-in required, …).
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
    let sign_in = matches!(error, AppError::Unauthenticated);
    let reference = match &error {
        AppError::Internal(r) => Some(r.clone()),
        _ => None,
    };
    view! {
        <Layout title=i18n.t(error.key())>
            <h1>{i18n.t(error.key())}</h1>
            // A request that reached a page with bad parameters: say which, in words.
            {(!error.field_errors().is_empty()).then(|| view! {
                <ul class="field-error">{error.field_errors().iter().map(|f| view! { <li>{i18n.t(&f.key)}</li> }).collect_view()}</ul>
            })}
            {reference.map(|r| view! { <p>{i18n.t("error-reference")}" "<code>{r}</code></p> })}
            {sign_in.then(|| {
                let here = leptos_router::hooks::use_location().pathname.get_untracked();
                view! { <p><a class="button" href=format!("/dang-nhap?next={}", crate::components::layout::url_encode(&here))>{i18n.t("nav-sign-in")}</a></p> }
            })}
            <p><a href="/">{i18n.t("back-home")}</a></p>
        </Layout>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound /> }
}
