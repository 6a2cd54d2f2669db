//! The officers' desk as one WebAssembly app (`docs/decisions.md`, "The desk is one island").
//!
//! Everything under `/mot-cua` but the printable slips is rendered inside one root island,
//! [`DeskApp`], which owns its own router. The server renders the first load of any desk URL with
//! its data (every page's data is a `Resource`, serialized into the page), the desk's own WASM
//! bundle (`pkg/desk…`, not the citizens' one) hydrates the same components, and from then on
//! moving between tabs, filters, pages and dossiers fetches data through the server functions and
//! never reloads the document. Forms keep working without JavaScript (they post and redirect as
//! before); with it, [`Workspace`] sends the very same form body to the same server function and
//! shows its answer in place.

use crate::api::account::Logout;
use crate::api::desk::{desk_inbox, InboxView};
use crate::api::lang::SetLang;
use crate::components::layout::url_encode;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::{use_i18n, Lang};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::{Route, Routes};
use leptos_router::hooks::{use_location, use_query_map};
use leptos_router::path;

/// A desk page's data: serialized into the first page by the server, decoded in the browser by
/// `JSON.parse` and serde-wasm-bindgen (the desk's bundle carries no JSON parser per read model).
pub type DeskResource<T> = Resource<Result<T, AppError>, leptos::server::codee::string::JsonSerdeWasmCodec>;

/// What the desk's pages share while the app runs.
#[derive(Clone, Copy)]
pub struct Desk {
    /// Bumped when the agency's dossiers changed (the live stream): the inbox asks again.
    pub changed: RwSignal<u64>,
    /// Bumped after an action: the open page asks again.
    pub acted: RwSignal<u64>,
    /// The error the last post answered, with its endpoint and what was typed.
    pub posted: RwSignal<Option<(String, AppError)>>,
    /// The query of the inbox last shown, for the list beside an open dossier.
    pub inbox_query: RwSignal<String>,
    /// The inbox beside the open dossier (and on the inbox page).
    pub inbox: DeskResource<InboxView>,
    /// The codes of the inbox's rows, in order, for "next dossier". A page reads these, never
    /// `inbox` itself: a resource read inside a page's `Transition` registers with it, and every
    /// refresh of the inbox (each live change) would then draw the whole page again, over what
    /// the officer was typing.
    pub inbox_codes: RwSignal<Vec<String>>,
    /// Whether the live stream is connected.
    pub live: RwSignal<bool>,
    /// The next page that loads takes the focus and is announced.
    pub focus_next: RwSignal<bool>,
    /// How much of a form's files has gone up, in percent, while a post sends files.
    pub upload: RwSignal<Option<u32>>,
}

impl Desk {
    /// Forgets the last post's error. Only when there is one: setting a signal redraws what
    /// reads it, every page of the desk, even when the value stays `None`.
    pub fn clear_posted(&self) {
        if self.posted.with_untracked(Option::is_some) {
            self.posted.set(None);
        }
    }
}

/// The desk's shared state, when the page is inside the desk app.
pub fn use_desk() -> Option<Desk> {
    use_context::<Desk>()
}

/// What the server tells the desk outright: the reader's language and who is signed in;
/// everything else comes through server functions.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct DeskProps {
    lang: Lang,
    user: Option<crate::api::account::UserView>,
}

/// The name the desk's bundle exports its hydration under (the island's `data-component`).
#[cfg(any(feature = "ssr", feature = "desk"))]
const DESK_ISLAND: &str = "desk_island";

/// Where the app shell puts the desk: its root island, with the reader's language and user.
#[component]
pub fn DeskShell() -> impl IntoView {
    #[cfg(feature = "ssr")]
    return desk_island(DeskProps { lang: use_i18n().lang, user: crate::components::layout::use_signed_in() });
    #[cfg(not(feature = "ssr"))]
    ()
}

/// The root island of the desk, as `#[island]` would write it, with one difference: the desk's
/// bundle hydrates it asynchronously ([`hydrate_desk`]), so that the code of a screen loaded on
/// demand is there before the screen the server drew is hydrated.
#[cfg(any(feature = "ssr", feature = "desk"))]
fn desk_island(props: DeskProps) -> impl IntoView {
    use leptos::reactive::owner::Owner;
    // The props travel in the page; the browser reads them back from there (`hydrate_desk`).
    #[cfg(feature = "ssr")]
    let json = serde_json::to_string(&props).unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let json = String::new();
    let body = Owner::new().with(move || {
        Owner::with_hydration(move || leptos::tachys::reactive_graph::OwnedView::new(untrack(move || desk_app(props))))
    });
    leptos::tachys::html::islands::Island::new(DESK_ISLAND, body).with_props(json)
}

/// The desk's bundle hydrates the island the server drew: first the code of the screen at this
/// URL when it is one of the screens loaded on demand ([`screens::preload`]), then the island.
#[cfg(feature = "desk")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = "desk_island", wasm_bindgen_futures = leptos::__reexports::wasm_bindgen_futures)]
pub async fn hydrate_desk(el: web_sys::HtmlElement) {
    use leptos::tachys::view::{Position, RenderHtml};
    let Some(props) = el.dataset().get("props").and_then(|p| client::from_json::<DeskProps>(&p)) else {
        leptos::logging::error!("the desk's island has no props");
        return;
    };
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    screens::preload(&path).await;
    crate::pages::desk::dossier::forms::preload().await;
    let state = desk_island(props).hydrate_from_position::<true>(&el, Position::Current);
    // The desk lives as long as the document.
    std::mem::forget(state);
}

/// The desk app: its router and workspace.
#[cfg(any(feature = "ssr", feature = "desk"))]
fn desk_app(props: DeskProps) -> impl IntoView {
    use leptos_router::components::Router;
    provide_context(crate::i18n::I18n { lang: props.lang });
    provide_context(crate::components::layout::SignedIn(props.user));
    #[cfg(not(feature = "ssr"))]
    leptos_meta::provide_meta_context();
    view! {
        <Router base="/mot-cua">
            <Workspace />
        </Router>
    }
}

/// The screens whose code the desk's bundle loads when one is first opened (a chunk of WASM
/// each, split off by `scripts/build.sh`): reception's counter intake and register, the
/// accountant's reconciliation and the administrators' screens. The inbox and the dossier, where
/// officers spend the day, are in the bundle itself. `docs/decisions.md`, "The desk loads its
/// rarer screens on demand". (The citizens' bundle compiles them as plain functions it never
/// calls.)
mod screens {
    use leptos::prelude::*;

    /// A screen loaded on demand as a route's view: drawn once its code is there (at once on the
    /// server, and when hydrating, since [`preload`] ran first).
    pub fn on_demand<F>(screen: fn() -> F) -> impl IntoView
    where
        F: std::future::Future<Output = AnyView> + Send + 'static,
    {
        Suspend::new(screen())
    }

    #[cfg_attr(any(feature = "ssr", feature = "desk"), lazy)]
    pub async fn intake() -> AnyView {
        view! { <crate::pages::intake::DeskIntakePage /> }.into_any()
    }
    #[cfg_attr(any(feature = "ssr", feature = "desk"), lazy)]
    pub async fn register() -> AnyView {
        view! { <crate::pages::register::DossierRegisterPage /> }.into_any()
    }
    #[cfg_attr(any(feature = "ssr", feature = "desk"), lazy)]
    pub async fn calendar() -> AnyView {
        view! { <crate::pages::calendar::CalendarPage /> }.into_any()
    }
    #[cfg_attr(any(feature = "ssr", feature = "desk"), lazy)]
    pub async fn reconciliation() -> AnyView {
        view! { <crate::pages::reconciliation::ReconciliationPage /> }.into_any()
    }
    #[cfg_attr(any(feature = "ssr", feature = "desk"), lazy)]
    pub async fn agencies() -> AnyView {
        view! { <crate::pages::admin::AgenciesPage /> }.into_any()
    }
    #[cfg_attr(any(feature = "ssr", feature = "desk"), lazy)]
    pub async fn officers() -> AnyView {
        view! { <crate::pages::admin::OfficersPage /> }.into_any()
    }
    #[cfg_attr(any(feature = "ssr", feature = "desk"), lazy)]
    pub async fn catalogue() -> AnyView {
        view! { <crate::pages::catalogue_admin::CatalogueAdminPage /> }.into_any()
    }
    #[cfg_attr(any(feature = "ssr", feature = "desk"), lazy)]
    pub async fn content() -> AnyView {
        view! { <crate::pages::content_admin::ContentAdminPage /> }.into_any()
    }
    #[cfg_attr(any(feature = "ssr", feature = "desk"), lazy)]
    pub async fn messages() -> AnyView {
        view! { <crate::pages::messages_admin::MessagesAdminPage /> }.into_any()
    }

    /// Loads the code of the screen at `path` when it is one loaded on demand.
    #[cfg(feature = "desk")]
    pub async fn preload(path: &str) {
        match path.trim_end_matches('/').strip_prefix("/mot-cua").unwrap_or("") {
            "/tiep-nhan" => __preload_intake().await,
            "/so-theo-doi" => __preload_register().await,
            "/lich" => __preload_calendar().await,
            "/doi-soat" => __preload_reconciliation().await,
            "/co-quan" => __preload_agencies().await,
            "/can-bo" => __preload_officers().await,
            "/danh-muc" => __preload_catalogue().await,
            "/noi-dung" => __preload_content().await,
            "/tin-nhan" => __preload_messages().await,
            _ => {}
        }
    }
}

/// The query of an inbox URL in a stable form (the key of the inbox's data).
fn inbox_key(q: &leptos_router::params::ParamsMap) -> Vec<(String, String)> {
    ["tab", "tim", "procedure", "sector", "channel", "from", "to", "page"]
        .iter()
        .filter_map(|k| q.get(k).filter(|v| !v.is_empty()).map(|v| (k.to_string(), v)))
        .collect()
}

fn parse_query(s: &str) -> leptos_router::params::ParamsMap {
    let mut map = leptos_router::params::ParamsMap::new();
    for pair in s.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        map.insert(k.to_string(), percent_decode(v));
    }
    map
}

/// `a+b%C3%A2` as `a bâ` (a query value as a browser sends it).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[component]
fn Workspace() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let query = use_query_map();
    let changed = RwSignal::new(0u64);
    let inbox_query = RwSignal::new(String::new());
    // The inbox follows the URL on the inbox page, and stays as it was beside a dossier.
    let on_inbox = move || location.pathname.with(|p| p.trim_end_matches('/') == "/mot-cua");
    let inbox = Resource::new_serde_wb(
        // The counter is part of the key: a resource asks again only when its key changes.
        move || {
            let key = if on_inbox() { inbox_key(&query.read()) } else { inbox_key(&parse_query(&inbox_query.get())) };
            (changed.get(), key)
        },
        |(_, key)| {
            let get = |k: &str| key.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
            desk_inbox(
                get("tab"),
                get("tim"),
                get("procedure"),
                get("sector"),
                get("channel"),
                get("from"),
                get("to"),
                get("page"),
            )
        },
    );
    let desk = Desk {
        changed,
        acted: RwSignal::new(0),
        posted: RwSignal::new(None),
        inbox_query,
        inbox,
        inbox_codes: RwSignal::new(Vec::new()),
        live: RwSignal::new(false),
        focus_next: RwSignal::new(false),
        upload: RwSignal::new(None),
    };
    provide_context(desk);
    // The rows' codes follow the inbox (in the browser: the server draws no "next dossier").
    #[cfg(feature = "desk")]
    Effect::new(move || {
        if let Some(Ok(v)) = inbox.get() {
            let codes: Vec<String> = v.rows.iter().map(|r| r.code.clone()).collect();
            if desk.inbox_codes.with_untracked(|c| *c != codes) {
                desk.inbox_codes.set(codes);
            }
        }
    });
    // Remember the inbox's query; a new page clears the last post's error.
    Effect::new(move |prev: Option<String>| {
        let here = format!("{}?{}", location.pathname.get(), location.search.get());
        if on_inbox() {
            inbox_query.set(location.search.get_untracked());
        }
        if prev.as_ref().is_some_and(|p| *p != here) {
            desk.clear_posted();
            desk.focus_next.set(true);
        }
        here
    });
    #[cfg(feature = "desk")]
    client::start(desk);
    let user = crate::components::layout::use_signed_in();
    let role = user.as_ref().map(|u| u.role);
    let next = url_encode(&format!("/mot-cua{}", location.search.get_untracked()));
    let other = if i18n.lang == Lang::Vi { Lang::En } else { Lang::Vi };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "desk")]
        client::submit(ev, desk);
        #[cfg(not(feature = "desk"))]
        let _ = ev;
    };
    view! {
        <div class="desk-app" on:submit=submit>
            <a class="skip" href="#desk-main">{i18n.t("skip-to-content")}</a>
            <header class="desk-header">
                <a class="brand" href="/" rel="external">
                    <span class="brand-mark" aria-hidden="true">"★"</span>
                    <span>{i18n.t("desk-app-name")}</span>
                </a>
                <nav class="desk-nav" aria-label=i18n.t("nav-label")>
                    <a href="/mot-cua" aria-current=move || on_inbox().then_some("page")>{i18n.t("desk-title")}</a>
                    {(role == Some(Role::Reception)).then(|| view! { <a href="/mot-cua/tiep-nhan" accesskey="n">{i18n.t("desk-intake-link")}</a> })}
                    {role.is_some_and(|r| Role::READERS.contains(&r)).then(|| view! { <a href="/mot-cua/so-theo-doi">{i18n.t("desk-register-link")}</a> })}
                    {role.is_some_and(|r| crate::api::payments::ACCOUNTS.contains(&r)).then(|| view! {
                        <a href="/mot-cua/doi-soat">{i18n.t("reconcile-title")}</a>
                    })}
                    {role.is_some_and(Role::is_admin).then(|| view! {
                        <a href="/mot-cua/lich">{i18n.t("desk-calendar-link")}</a>
                        <a href="/mot-cua/co-quan">{i18n.t("admin-agencies-title")}</a>
                        <a href="/mot-cua/can-bo">{i18n.t("admin-officers-title")}</a>
                    })}
                    {(role == Some(Role::ProvinceAdmin)).then(|| view! {
                        <a href="/mot-cua/danh-muc">{i18n.t("catalogue-admin-title")}</a>
                        <a href="/mot-cua/noi-dung">{i18n.t("content-admin-title")}</a>
                        <a href="/mot-cua/tin-nhan">{i18n.t("messages-admin-title")}</a>
                    })}
                </nav>
                <span class="live-state" data-testid="live-state" data-live=move || if desk.live.get() { "on" } else { "off" }>
                    {move || if desk.live.get() { i18n.t("desk-live-on") } else { String::new() }}
                </span>
                <a class="lang-switch" rel="external" href=format!("{}?l={}&next={next}", SetLang::PATH, other.code()) hreflang=other.code() lang=other.code()>
                    {i18n.t("switch-language")}
                </a>
                {user.map(|u| view! {
                    <form method="post" action=Logout::PATH class="inline-form">
                        <span class="who">{u.full_name}</span>
                        <button type="submit" class="link-button">{i18n.t("nav-sign-out")}</button>
                    </form>
                })}
            </header>
            <p class="visually-hidden" role="status" aria-live="polite" id="desk-announce"></p>
            <main id="desk-main" class="desk-main" tabindex="-1">
                // Paths under the router's base, `/mot-cua`.
                <Routes fallback=crate::pages::NotFound>
                    <Route path=path!("") view=crate::pages::desk::DeskInboxPage />
                    <Route path=path!("/ho-so/:code") view=crate::pages::desk::DeskDossierPage />
                    <Route path=path!("/tiep-nhan") view=|| screens::on_demand(screens::intake) />
                    <Route path=path!("/so-theo-doi") view=|| screens::on_demand(screens::register) />
                    <Route path=path!("/lich") view=|| screens::on_demand(screens::calendar) />
                    <Route path=path!("/doi-soat") view=|| screens::on_demand(screens::reconciliation) />
                    <Route path=path!("/co-quan") view=|| screens::on_demand(screens::agencies) />
                    <Route path=path!("/can-bo") view=|| screens::on_demand(screens::officers) />
                    <Route path=path!("/danh-muc") view=|| screens::on_demand(screens::catalogue) />
                    <Route path=path!("/noi-dung") view=|| screens::on_demand(screens::content) />
                    <Route path=path!("/tin-nhan") view=|| screens::on_demand(screens::messages) />
                </Routes>
            </main>
        </div>
    }
}

/// What runs only in the browser: the form posts, the keys, the live stream, the focus.
#[cfg(feature = "desk")]
pub(crate) mod client {
    use super::Desk;
    use crate::error::AppError;
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{FormData, HtmlElement, HtmlFormElement, KeyboardEvent};

    fn document() -> web_sys::Document {
        web_sys::window().and_then(|w| w.document()).expect("a document")
    }

    /// Reads JSON the way the desk reads its pages' data (`DeskResource`): the browser's parser
    /// and serde-wasm-bindgen, so the bundle carries no second decoder for the same types.
    pub(super) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
        let value = js_sys::JSON::parse(text).ok()?;
        serde_wasm_bindgen::from_value(value).ok()
    }

    /// The router's navigation to a path under its base.
    type Navigate = Box<dyn Fn(&str)>;

    thread_local! {
        /// The router's navigation, taken when the app starts (tasks run outside its context).
        static NAVIGATE: std::cell::RefCell<Option<Navigate>> = const { std::cell::RefCell::new(None) };
    }

    /// Opens a desk URL inside the app, anything else as a new document.
    fn go(to: &str) {
        let inside = to.starts_with("/mot-cua") && !to.contains("/phieu/");
        // The router resolves paths under its base (`/mot-cua`): give it the rest.
        let rest = to.strip_prefix("/mot-cua").unwrap_or(to);
        let done = inside && NAVIGATE.with(|n| n.borrow().as_ref().map(|f| f(rest)).is_some());
        if !done {
            if let Some(w) = web_sys::window() {
                let _ = w.location().assign(to);
            }
        }
    }

    /// The form's fields as `(name, value)`, files left out.
    fn entries(data: &FormData) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Ok(Some(iter)) = js_sys::try_iter(data) {
            for pair in iter.flatten() {
                let pair: js_sys::Array = pair.unchecked_into();
                if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                    out.push((k, v));
                }
            }
        }
        out
    }

    fn urlencoded(pairs: &[(String, String)]) -> String {
        pairs
            .iter()
            .map(|(k, v)| format!("{}={}", js_sys::encode_uri_component(k), js_sys::encode_uri_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Where a post's answer sends the officer: a slip becomes the dossier's page with the
    /// confirmation and its print button (the slip opens from there, as a document of its own).
    pub(super) fn after_post(target: &str) -> String {
        if let Some((dossier, form)) = target.split_once("/phieu/") {
            if dossier.starts_with("/mot-cua/ho-so/") {
                return format!("{dossier}?xong=1&phieu={form}");
            }
        }
        target.to_string()
    }

    /// A post's body: the form as the browser would encode it, or its multipart data with files.
    enum Body {
        Form(String),
        Multipart(FormData),
    }

    /// A post's answer: its status, the page it names (`Location`) and its text.
    struct Answer {
        status: u16,
        location: String,
        text: String,
    }

    /// Posts `body` to `action` with XMLHttpRequest, the one browser API that reports upload
    /// progress: while files go up, `desk.upload` holds the percentage the upload island shows.
    /// `None` when the network failed.
    async fn send(action: &str, body: Body, desk: Desk) -> Option<Answer> {
        let xhr = web_sys::XmlHttpRequest::new().ok()?;
        xhr.open("POST", action).ok()?;
        xhr.set_request_header("Accept", "application/json").ok()?;
        let (tx, rx) = futures::channel::oneshot::channel::<bool>();
        let tx = std::rc::Rc::new(std::cell::RefCell::new(Some(tx)));
        let end = |ok: bool| {
            let tx = tx.clone();
            Closure::<dyn FnMut()>::new(move || {
                if let Some(tx) = tx.borrow_mut().take() {
                    let _ = tx.send(ok);
                }
            })
        };
        let (loaded, failed) = (end(true), end(false));
        xhr.set_onload(Some(loaded.as_ref().unchecked_ref()));
        xhr.set_onerror(Some(failed.as_ref().unchecked_ref()));
        xhr.set_onabort(Some(failed.as_ref().unchecked_ref()));
        let progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |p: web_sys::ProgressEvent| {
            if p.length_computable() && p.total() > 0.0 {
                desk.upload.set(Some((p.loaded() / p.total() * 100.0).round() as u32));
            }
        });
        let sent = match &body {
            Body::Form(text) => xhr
                .set_request_header("Content-Type", "application/x-www-form-urlencoded")
                .and_then(|_| xhr.send_with_opt_str(Some(text))),
            Body::Multipart(data) => {
                if let Ok(upload) = xhr.upload() {
                    upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
                }
                desk.upload.set(Some(0));
                xhr.send_with_opt_form_data(Some(data))
            }
        };
        let ok = sent.is_ok() && rx.await.unwrap_or(false);
        if desk.upload.with_untracked(Option::is_some) {
            desk.upload.set(None);
        }
        // The closures live until the request has ended.
        drop((loaded, failed, progress));
        ok.then(|| Answer {
            status: xhr.status().unwrap_or(0),
            location: xhr.get_response_header("location").ok().flatten().unwrap_or_default(),
            text: xhr.response_text().ok().flatten().unwrap_or_default(),
        })
    }

    /// A form inside the desk: `get` forms to desk URLs navigate; posts to server functions go
    /// through `fetch` with the same body the browser would send, and their answer is shown in
    /// place (the error next to its field with what was typed, or the page the server names).
    pub fn submit(ev: web_sys::SubmitEvent, desk: Desk) {
        // A form with its own handler (the upload progress island) sends itself.
        if ev.default_prevented() {
            return;
        }
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else {
            return;
        };
        let action = form.get_attribute("action").unwrap_or_default();
        let method = form.get_attribute("method").unwrap_or_default().to_ascii_lowercase();
        let Ok(data) = FormData::new_with_form(&form) else {
            return;
        };
        if let Some(b) = ev.submitter().and_then(|s| s.dyn_into::<web_sys::HtmlButtonElement>().ok()) {
            if !b.name().is_empty() {
                let _ = data.append_with_str(&b.name(), &b.value());
            }
        }
        if method != "post" {
            if action.starts_with("/mot-cua") {
                ev.prevent_default();
                let pairs: Vec<_> = entries(&data).into_iter().filter(|(_, v)| !v.is_empty()).collect();
                go(&format!("{action}?{}", urlencoded(&pairs)));
            }
            return;
        }
        if !action.starts_with("/api/") {
            return;
        }
        ev.prevent_default();
        if form.get_attribute("aria-busy").as_deref() == Some("true") {
            return;
        }
        let multipart = form.enctype() == "multipart/form-data";
        let fields = entries(&data);
        let typed: Vec<(String, String)> =
            fields.iter().filter(|(k, _)| !k.contains("password") && !k.starts_with("__")).cloned().collect();
        let _ = form.set_attribute("aria-busy", "true");
        let buttons = form.query_selector_all("button").ok();
        let set_disabled = move |on: bool| {
            if let Some(list) = &buttons {
                for i in 0..list.length() {
                    if let Some(b) = list.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlButtonElement>().ok()) {
                        b.set_disabled(on);
                    }
                }
            }
        };
        set_disabled(true);
        let body = if multipart { Body::Multipart(data) } else { Body::Form(urlencoded(&fields)) };
        leptos::task::spawn_local(async move {
            let answer = send(&action, body, desk).await;
            let _ = form.remove_attribute("aria-busy");
            set_disabled(false);
            let error = match answer {
                Some(res) if (200..300).contains(&res.status) => {
                    desk.clear_posted();
                    // Done: the form starts empty again. (The page is drawn anew over the same
                    // elements, which keep what was typed in them.)
                    form.reset();
                    let target = res.location;
                    let here = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
                    let here_search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
                    let target = after_post(&target);
                    desk.changed.update(|n| *n += 1);
                    if target.is_empty() || target == format!("{here}{here_search}") {
                        // The same page: ask its data again.
                        desk.acted.update(|n| *n += 1);
                        desk.focus_next.set(true);
                    } else {
                        // Another URL: its data follows the URL.
                        go(&target);
                    }
                    return;
                }
                Some(res) => {
                    let status = res.status;
                    from_json::<AppError>(&res.text).unwrap_or(match status {
                        401 => AppError::Unauthenticated,
                        403 => AppError::Forbidden,
                        404 => AppError::NotFound,
                        413 => AppError::field("files", "error-too-large"),
                        _ => AppError::Internal(format!("HTTP {status}")),
                    })
                }
                None => AppError::Conflict("error-network".into()),
            };
            if matches!(error, AppError::Conflict(_)) {
                // Someone else has just acted: show the dossier as it is now, with the message.
                desk.acted.update(|n| *n += 1);
            }
            desk.posted.set(Some((action, error.with_values(typed))));
            desk.focus_next.set(true);
        });
    }

    /// Puts the focus where the officer expects it once the new page is there: the error, the
    /// confirmation, or the page's heading, and says the page's title to screen readers.
    pub fn focus_page() {
        let doc = document();
        let target = ["#desk-main .error-summary", "#desk-main .done-banner", "#desk-main h1"]
            .iter()
            .find_map(|s| doc.query_selector(s).ok().flatten());
        if let Some(el) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
            if !el.has_attribute("tabindex") {
                let _ = el.set_attribute("tabindex", "-1");
            }
            let _ = el.focus();
        }
        if let Some(live) = doc.get_element_by_id("desk-announce") {
            live.set_text_content(Some(&doc.title()));
        }
    }

    /// Focuses the new page, and once more a moment later if a late redraw left the focus on the
    /// document's body.
    fn focus_page_surely() {
        focus_page();
        let again = Closure::once_into_js(|| {
            let doc = document();
            let lost = doc.active_element().is_none_or(|e| doc.body().is_some_and(|b| b.is_same_node(Some(&e))));
            if lost {
                focus_page();
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(again.unchecked_ref(), 250);
        }
    }

    thread_local! {
        /// Whether the pointer is over a file preview (a click into it is the officer's).
        static OVER_PREVIEW: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    fn is_preview(el: &web_sys::Element) -> bool {
        el.tag_name() == "IFRAME" && el.class_list().contains("preview")
    }

    /// An element of the page that stands for `lost` once a redraw replaced it: the same id, test
    /// id, link target or named button.
    fn equivalent(lost: &web_sys::Element) -> Option<HtmlElement> {
        let doc = document();
        let attr = |name: &str| lost.get_attribute(name).filter(|v| !v.is_empty() && !v.contains('"'));
        let selector = if let Some(id) = attr("id") {
            format!("#{id}")
        } else if let Some(t) = attr("data-testid") {
            format!("[data-testid=\"{t}\"]")
        } else if let Some(href) = attr("href") {
            format!("#desk-main a[href=\"{href}\"]")
        } else if let (Some(name), Some(value)) = (attr("name"), attr("value")) {
            format!("#desk-main button[name=\"{name}\"][value=\"{value}\"]")
        } else {
            return None;
        };
        doc.query_selector(&selector).ok().flatten().and_then(|e| e.dyn_into::<HtmlElement>().ok())
    }

    /// Keeps the officer's place when something else takes the focus: a PDF preview whose viewer
    /// grabs it as it loads (Chromium does), or a redraw that replaced the focused element. A move
    /// the officer made (into a preview under the pointer, or by Tab: the event then names where
    /// the focus went) is left alone.
    fn guard_focus() {
        let over = Closure::<dyn Fn(web_sys::MouseEvent)>::new(|ev: web_sys::MouseEvent| {
            let on = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|e| is_preview(&e));
            OVER_PREVIEW.with(|o| o.set(on));
        });
        let _ = document().add_event_listener_with_callback("mouseover", over.as_ref().unchecked_ref());
        over.forget();
        let lost = Closure::<dyn Fn(web_sys::FocusEvent)>::new(|ev: web_sys::FocusEvent| {
            if ev.related_target().is_some() {
                return;
            }
            let Some(lost) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
            let check = Closure::once_into_js(move || {
                let doc = document();
                let active = doc.active_element();
                let stolen = active.as_ref().is_some_and(is_preview) && !OVER_PREVIEW.with(|o| o.get());
                let dropped =
                    !lost.is_connected() && active.is_none_or(|a| doc.body().is_some_and(|b| b.is_same_node(Some(&a))));
                if !(stolen || dropped) {
                    return;
                }
                let back = if lost.is_connected() { lost.dyn_into::<HtmlElement>().ok() } else { equivalent(&lost) };
                match back {
                    Some(el) => {
                        let _ = el.focus();
                    }
                    None => focus_page(),
                }
            });
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(check.unchecked_ref(), 0);
            }
        });
        let _ = document().add_event_listener_with_callback_and_bool("focusout", lost.as_ref().unchecked_ref(), true);
        lost.forget();
    }

    /// Whether a key press belongs to a field being typed in.
    fn typing(ev: &KeyboardEvent) -> bool {
        let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
            return false;
        };
        matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.has_attribute("contenteditable")
    }

    /// j/k or the arrows move through the inbox's rows, Enter opens (the row is a link), `/`
    /// goes to the search.
    fn on_key(ev: KeyboardEvent) {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing(&ev) {
            return;
        }
        let doc = document();
        let key = ev.key();
        if key == "/" {
            if let Some(q) = doc.get_element_by_id("q").and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
                ev.prevent_default();
                let _ = q.focus();
            }
            return;
        }
        let step = match key.as_str() {
            "j" | "ArrowDown" => 1,
            "k" | "ArrowUp" => -1,
            _ => return,
        };
        let Ok(rows) = doc.query_selector_all("a[data-row]") else { return };
        if rows.length() == 0 {
            return;
        }
        let active = doc.active_element();
        let mut current = None;
        for i in 0..rows.length() {
            if let (Some(r), Some(a)) = (rows.item(i), active.as_ref()) {
                if r.is_same_node(Some(a.as_ref())) {
                    current = Some(i as i64);
                }
            }
        }
        // Arrows scroll the page unless a row has the focus.
        if current.is_none() && key.starts_with("Arrow") {
            return;
        }
        ev.prevent_default();
        let last = rows.length() as i64 - 1;
        let next = match current {
            Some(i) => (i + step).clamp(0, last),
            None if step > 0 => 0,
            None => last,
        };
        if let Some(el) = rows.item(next as u32).and_then(|n| n.dyn_into::<HtmlElement>().ok()) {
            let _ = el.focus();
        }
    }

    /// The keys, the live stream, and the router's navigation for the posts' answers.
    pub fn start(desk: Desk) {
        let keys = Closure::<dyn Fn(KeyboardEvent)>::new(on_key);
        let _ = document().add_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref());
        keys.forget();
        guard_focus();
        live(desk);
        let navigate = leptos_router::hooks::use_navigate();
        NAVIGATE.with(|n| *n.borrow_mut() = Some(Box::new(move |to: &str| navigate(to, Default::default()))));
    }

    /// After a page of the desk is drawn: when a navigation or a post asked for it, the focus
    /// moves to the new page (on the next tick, once the browser has laid it out).
    pub fn after_render(desk: Desk) {
        if desk.focus_next.get_untracked() {
            desk.focus_next.set(false);
            let cb = Closure::once_into_js(focus_page_surely);
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 30);
            }
        }
    }

    /// The live stream: each `changed` event has the inbox ask again. The browser reconnects by
    /// itself when the stream drops (a server restart).
    fn live(desk: Desk) {
        use futures::StreamExt;
        let Ok(mut source) = gloo_net::eventsource::futures::EventSource::new("/api/desk/live") else {
            return;
        };
        let Ok(mut changes) = source.subscribe("changed") else {
            return;
        };
        leptos::task::spawn_local(async move {
            desk.live.set(true);
            while let Some(got) = changes.next().await {
                match got {
                    Ok(_) => {
                        desk.live.set(true);
                        desk.changed.update(|n| *n += 1);
                    }
                    Err(_) => desk.live.set(false),
                }
            }
            desk.live.set(false);
            source.close();
        });
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn the_inbox_key_keeps_only_the_inbox_parameters_that_are_set() {
        let q = super::parse_query("?tab=mine&page=2&xong=1&procedure=&from=2026-11-01");
        let key = super::inbox_key(&q);
        assert_eq!(
            key,
            vec![("tab".into(), "mine".into()), ("from".into(), "2026-11-01".into()), ("page".into(), "2".into())]
        );
    }

    #[test]
    fn query_values_are_decoded_as_browsers_encode_them() {
        assert_eq!(super::percent_decode("x%C3%A2y+d%E1%BB%B1ng"), "xây dựng");
        assert_eq!(super::percent_decode("100%"), "100%");
        assert_eq!(super::percent_decode("%zz%4"), "%zz%4");
    }
}
