//! Route components, one module per screen (a screen with several parts is a folder: `desk/`,
//! `dossiers/`). Citizen pages are server-rendered and work without JavaScript. This file holds
//! what every page uses: route parameters, the error a failed post left in the URL, the one way
//! a page waits for its data ([`page_data`], [`loaded`]) and the error page.

pub mod account;
pub mod admin;
pub mod calculator;
pub mod calendar;
pub mod catalogue;
pub mod catalogue_admin;
pub mod content;
pub mod content_admin;
pub mod credentials;
pub mod desk;
pub mod dossiers;
pub mod index766;
pub mod intake;
pub mod lookup;
pub mod messages_admin;
pub mod organisations;
pub mod personal_data;
pub mod ratings;
pub mod receipts;
pub mod reconciliation;
pub mod register;
pub mod results;
pub mod setup;
pub mod statistics;

use crate::components::layout::Layout;
use crate::error::{error_from_query, AppError};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::future::Future;

/// The error a failed no-JS post to `endpoint` left in this page's URL, with the values the
/// visitor typed (kept by the server, never in the URL).
pub fn posted_error(endpoint: &str) -> Option<AppError> {
    // In the desk app a post answers in place: its error is the desk's, not the URL's.
    if let Some((at, error)) = crate::desk_app::use_desk().and_then(|d| d.posted.get_untracked()) {
        return (at == endpoint).then_some(error);
    }
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

/// Waits for `view` and shows it: nothing while it loads. Pages are rendered with
/// `SsrMode::Async`, so the browser always receives the finished page.
pub fn loaded<V>(view: impl Future<Output = V> + Send + 'static) -> impl IntoView
where
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(view)}
        </Suspense>
    }
}

/// A page built from one server function's answer: `page(data)` when it succeeds, the
/// translated [`ErrorPage`] (with its HTTP status) when it fails.
///
/// ```ignore
/// page_data(desk_dossier(code), move |d| view! { <Layout title=d.dossier.code.clone()>{desk_view(i18n, d, error)}</Layout> })
/// ```
pub fn page_data<T, V>(
    load: impl Future<Output = Result<T, AppError>> + Send + 'static,
    page: impl FnOnce(T) -> V + Send + 'static,
) -> impl IntoView
where
    T: Send + 'static,
    V: IntoView + 'static,
{
    loaded(async move {
        match load.await {
            Ok(data) => page(data).into_any(),
            Err(e) => view! { <ErrorPage error=e /> }.into_any(),
        }
    })
}

/// A desk page's data ([`page_data`] inside the desk app): `key` reads what the data depends on
/// (route and query parameters, tracked), `load` asks the server function. The data is a
/// `Resource`, so the first load's answer is serialized into the page and the WASM app hydrates
/// without asking again; later it follows the URL and the desk's actions, showing the page it
/// has until the next one is there. `page` is drawn again when a post in the desk answers an
/// error (see [`posted_error`]).
pub fn desk_data<K, T, V, Fut>(
    key: impl Fn() -> K + Send + Sync + 'static,
    load: impl Fn(K) -> Fut + Send + Sync + 'static,
    page: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    K: Clone + PartialEq + Send + Sync + 'static,
    T: Clone + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let desk = crate::desk_app::use_desk();
    // The desk's action counter is part of the key: a resource asks again only when its key
    // changes. Routes are drawn after the island's body has run, so the resource is created
    // "hydrating" explicitly: the server then serializes its answer into the page and the browser
    // reads it from there instead of asking again.
    let res = leptos::reactive::owner::Owner::with_hydration(move || {
        Resource::new_serde_wb(move || (desk.map(|d| d.acted.get()), key()), move |(_, k)| load(k))
    });
    resource_page(res, Focus::Page, page)
}

/// Whether a desk page drawn from a resource takes the focus when it arrives (the page) or
/// leaves it to the page (a part of it, like the inbox beside a dossier).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Page,
    Part,
}

/// Draws `page` from a resource's answer, the error page when it failed; inside the desk app,
/// again when a post answers an error, and, for a [`Focus::Page`], with the focus moved when a
/// navigation asked for it.
pub fn resource_page<T, V>(
    res: crate::desk_app::DeskResource<T>,
    focus: Focus,
    page: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let desk = crate::desk_app::use_desk();
    #[cfg(not(feature = "desk"))]
    let _ = focus;
    let page = std::sync::Arc::new(page);
    view! {
        <Transition fallback=|| ()>
            {move || {
                if let Some(d) = desk {
                    d.posted.track();
                }
                let page = page.clone();
                Suspend::new(async move {
                    let view = match res.await {
                        Ok(data) => page(data).into_any(),
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    };
                    #[cfg(feature = "desk")]
                    if let Some(d) = desk.filter(|_| focus == Focus::Page) {
                        crate::desk_app::client::after_render(d);
                    }
                    view
                })
            }}
        </Transition>
    }
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
                let next = crate::components::layout::url_encode(&here);
                view! {
                    <p class="actions" data-testid="sign-in-wall">
                        <a class="button button-primary" href=format!("/dang-nhap?next={next}")>{i18n.t("nav-sign-in")}</a>
                        " "
                        <a class="button" href=format!("/dang-ky?next={next}")>{i18n.t("nav-register")}</a>
                    </p>
                }
            })}
            <p><a href="/">{i18n.t("back-home")}</a></p>
        </Layout>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound /> }
}
