//! The page frame: header with navigation and language switch, main content, footer.

use crate::api::account::{Logout, UserView};
use crate::api::lang::SetLang;
use crate::i18n::{use_i18n, Lang};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_location;

/// The signed-in user of this request, provided by the app shell.
#[derive(Debug, Clone, Default)]
pub struct SignedIn(pub Option<UserView>);

pub fn use_signed_in() -> Option<UserView> {
    use_context::<SignedIn>().and_then(|s| s.0)
}

#[component]
pub fn Layout(title: String, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let search = location.search.get_untracked();
    let here = if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!("{}?{search}", location.pathname.get_untracked())
    };
    let next = url_encode(&here);
    let user = use_signed_in();
    let other = if i18n.lang == Lang::Vi { Lang::En } else { Lang::Vi };
    let doc_title = format!("{title} · {}", i18n.t("app-name"));
    // The province and its help line, as set up (not a name built into the translations).
    #[cfg(feature = "ssr")]
    let identity = use_context::<crate::ports::Services>()
        .and_then(|s| s.identity.read().ok().map(|i| i.clone()))
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let identity = crate::read::content::SiteIdentity::default();
    let province = identity.province.as_ref().map(|n| i18n.name(n));
    // Inside the desk app the frame is the app's own (`desk_app::Workspace`).
    if crate::desk_app::use_desk().is_some() {
        return view! {
            <leptos_meta::Title text=format!("{title} · {}", i18n.t("desk-app-name")) />
            {children()}
        }
        .into_any();
    }
    view! {
        <leptos_meta::Title text=doc_title />
        <a class="skip" href="#main">{i18n.t("skip-to-content")}</a>
        <header class="site-header">
            <div class="wrap header-row">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"★"</span>
                    <span>{i18n.t("app-name")}{province.clone().map(|p| view! { <small>{p}</small> })}</span>
                </a>
                <a class="lang-switch" href=format!("{}?l={}&next={next}", SetLang::PATH, other.code()) hreflang=other.code() lang=other.code()>
                    {i18n.t("switch-language")}
                </a>
            </div>
            <nav class="wrap main-nav" aria-label=i18n.t("nav-label")>
                <a href="/thu-tuc">{i18n.t("nav-procedures")}</a>
                <a href="/tra-cuu">{i18n.t("nav-lookup")}</a>
                <a href="/ho-so">
                    {i18n.t("nav-my-dossiers")}
                    {user.as_ref().map(|u| u.waiting).filter(|n| *n > 0).map(|n| view! {
                        " "<span class="count" data-testid="waiting-count" aria-hidden="true">{n}</span>
                        <span class="visually-hidden">{i18n.t_args("nav-waiting", &[("n", n.to_string())])}</span>
                    })}
                </a>
                {user.as_ref().filter(|u| u.role.is_officer()).map(|_| view! { <a href="/mot-cua">{i18n.t("nav-desk")}</a> })}
                {user.is_some().then(|| view! { <a href="/thong-bao">{i18n.t("nav-notifications")}</a> })}
                {user.is_some().then(|| view! { <a href="/tai-khoan">{i18n.t("nav-account")}</a> })}
                {match user {
                    Some(u) => view! {
                        <form method="post" action=Logout::PATH class="inline-form">
                            <span class="who">{u.full_name}</span>
                            <button type="submit" class="link-button">{i18n.t("nav-sign-out")}</button>
                        </form>
                    }.into_any(),
                    None => view! {
                        <a href=format!("/dang-nhap?next={next}")>{i18n.t("nav-sign-in")}</a>
                        <a href="/dang-ky">{i18n.t("nav-register")}</a>
                    }.into_any(),
                }}
            </nav>
        </header>
        <main id="main" class="wrap" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <div class="wrap">
                {province.map(|p| view! { <p>{i18n.t_args("footer-owner", &[("owner", p)])}</p> })}
                {(!identity.hotline.is_empty()).then(|| view! { <p>{i18n.t_args("footer-hotline", &[("phone", identity.hotline.clone())])}</p> })}
                <p><a href="/co-quan">{i18n.t("footer-directory")}</a>" · "<a href="/su-co">{i18n.t("incident-log-link")}</a>" · "<a href="/danh-gia">{i18n.t("ratings-link")}</a>" · "<a href="/thong-ke">{i18n.t("stats-link")}</a>" · "<a href="/chi-so-766">{i18n.t("index766-link")}</a></p>
            </div>
        </footer>
    }
    .into_any()
}

/// Percent-encodes a value for a query string.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(super::url_encode("/thu-tuc?q=xây dựng&p=2"), "/thu-tuc%3Fq%3Dx%C3%A2y%20d%E1%BB%B1ng%26p%3D2");
    }
}
