//! The portal's content for the public: guides (`/huong-dan`), news (`/tin-tuc`), questions and
//! answers by sector (`/hoi-dap`), the agency directory (`/co-quan`) and the incident log
//! (`/su-co`). Server-rendered pages without JavaScript, like the catalogue's.

use crate::api::content::{agency_directory, content_list, content_page, incident_log, ContentView};
use crate::components::layout::Layout;
use crate::domain::markdown::to_html;
use crate::domain::vn_time::format_vn;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{page_data, param};
use leptos::prelude::*;

/// Where a page of `kind` lives.
pub fn base(kind: &str) -> &'static str {
    match kind {
        "guide" => "/huong-dan",
        "news" => "/tin-tuc",
        _ => "/hoi-dap",
    }
}

/// A page's body in the reader's language (the Vietnamese one where there is no translation),
/// marked `lang="vi"` when it is shown to an English reader.
fn body(i18n: I18n, c: &ContentView) -> impl IntoView {
    let english = i18n.lang == crate::i18n::Lang::En && !c.body.en.trim().is_empty();
    let text = if english { c.body.en.clone() } else { c.body.vi.clone() };
    let lang = if english { None } else { i18n.vi_only() };
    view! { <div class="prose" lang=lang inner_html=to_html(&text)></div> }
}

fn list(kind: &'static str, title: &'static str, lead: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Layout title=i18n.t(title)>
            <h1>{i18n.t(title)}</h1>
            <p>{i18n.t(lead)}</p>
            {page_data(content_list(kind.to_string()), move |pages| view! {
                {pages.is_empty().then(|| view! { <p>{i18n.t("content-none")}</p> })}
                <ul class="content-list" data-testid="content-list">
                    {pages.into_iter().map(|c| view! {
                        <li><a href=format!("{}/{}", base(&c.kind), c.slug)>{i18n.name(&c.title)}</a>
                            " "<small>{format_vn(c.updated_at)[..10].to_string()}</small></li>
                    }).collect_view()}
                </ul>
            })}
        </Layout>
    }
}

#[component]
pub fn GuidesPage() -> impl IntoView {
    list("guide", "guides-title", "guides-lead")
}

#[component]
pub fn NewsPage() -> impl IntoView {
    list("news", "news-title", "news-lead")
}

fn one(kind: &'static str, parent: &'static str) -> impl IntoView {
    let slug = param("slug");
    page_data(content_page(kind.to_string(), slug), move |c| {
        let i18n = use_i18n();
        view! {
            <Layout title=i18n.name(&c.title)>
                <p class="breadcrumb"><a href=base(kind)>{i18n.t(parent)}</a></p>
                <article>
                    <h1>{i18n.name(&c.title)}</h1>
                    <p class="meta">{i18n.t_args("content-updated", &[("date", format_vn(c.updated_at)[..10].to_string())])}</p>
                    {body(i18n, &c)}
                </article>
            </Layout>
        }
    })
}

#[component]
pub fn GuidePage() -> impl IntoView {
    one("guide", "guides-title")
}

#[component]
pub fn NewsItemPage() -> impl IntoView {
    one("news", "news-title")
}

#[component]
pub fn FaqPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Layout title=i18n.t("faq-title")>
            <h1>{i18n.t("faq-title")}</h1>
            <p>{i18n.t("faq-lead")}</p>
            {page_data(content_list("faq".into()), move |pages| {
                // Grouped by sector, in the order of the sectors' names; general questions last.
                let mut groups: Vec<(Option<String>, String, Vec<ContentView>)> = Vec::new();
                for c in pages {
                    let (code, name) = match &c.sector {
                        Some((code, name)) => (Some(code.clone()), i18n.name(name)),
                        None => (None, i18n.t("faq-general")),
                    };
                    match groups.iter_mut().find(|g| g.0 == code) {
                        Some(g) => g.2.push(c),
                        None => groups.push((code, name, vec![c])),
                    }
                }
                groups.sort_by(|a, b| (a.0.is_none(), &a.1).cmp(&(b.0.is_none(), &b.1)));
                view! {
                    {groups.is_empty().then(|| view! { <p>{i18n.t("content-none")}</p> })}
                    {groups.into_iter().map(|(code, name, items)| view! {
                        <section class="faq-group" data-testid="faq-group">
                            <h2>{name}</h2>
                            {code.map(|c| view! { <p><a href=format!("/thu-tuc?sector={c}")>{i18n.t("faq-sector-procedures")}</a></p> })}
                            {items.into_iter().map(|c| view! {
                                <h3 id=format!("hoi-{}", c.slug)>{i18n.name(&c.title)}</h3>
                                {body(i18n, &c)}
                            }).collect_view()}
                        </section>
                    }).collect_view()}
                }
            })}
        </Layout>
    }
}

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Layout title=i18n.t("directory-title")>
            <h1>{i18n.t("directory-title")}</h1>
            <p>{i18n.t("directory-lead")}</p>
            {page_data(agency_directory(), move |agencies| {
                let kinds = ["centre", "department", "commune"];
                view! {
                    {kinds.into_iter().map(|k| {
                        let mut of_kind: Vec<_> = agencies.iter().filter(|a| a.kind == k).cloned().collect();
                        of_kind.sort_by_key(|a| crate::domain::text::fold(&a.name.vi));
                        (!of_kind.is_empty()).then(|| view! {
                            <section class="directory" data-testid="directory">
                                <h2>{i18n.t(&format!("directory-kind-{k}"))}</h2>
                                <ul class="card-list">
                                    {of_kind.into_iter().map(|a| {
                                        let tel = a.phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>();
                                        view! {
                                            <li class="card">
                                                <h3>{i18n.name(&a.name)}</h3>
                                                {(!a.address.is_empty()).then(|| view! { <p>{i18n.t("directory-address")}": "<span lang=i18n.vi_only()>{a.address.clone()}</span></p> })}
                                                {(!a.phone.is_empty()).then(|| view! { <p>{i18n.t("directory-phone")}": "<a href=format!("tel:{tel}")>{a.phone.clone()}</a></p> })}
                                                {(!a.opening_hours.is_empty()).then(|| view! { <p>{i18n.t("directory-hours")}": "<span lang=i18n.vi_only()>{a.opening_hours.clone()}</span></p> })}
                                                <p><a href=format!("/thu-tuc?agency={}", a.code)>{i18n.t("directory-procedures")}</a></p>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        })
                    }).collect_view()}
                }
            })}
        </Layout>
    }
}

#[component]
pub fn IncidentLogPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Layout title=i18n.t("incidents-title")>
            <h1>{i18n.t("incidents-title")}</h1>
            <p>{i18n.t("incidents-lead")}</p>
            {page_data(incident_log(), move |list| view! {
                {list.is_empty().then(|| view! { <p>{i18n.t("incidents-none")}</p> })}
                {(!list.is_empty()).then(|| view! {
                    <table class="table" data-testid="incident-log">
                        <caption class="visually-hidden">{i18n.t("incidents-title")}</caption>
                        <thead><tr>
                            <th scope="col">{i18n.t("incidents-what")}</th>
                            <th scope="col">{i18n.t("incidents-from")}</th>
                            <th scope="col">{i18n.t("incidents-expected")}</th>
                            <th scope="col">{i18n.t("incidents-resolved")}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|n| view! {
                                <tr>
                                    <td><strong>{i18n.t(&format!("incident-kind-{}", n.kind))}</strong>": "{i18n.name(&n.message)}</td>
                                    <td>{format_vn(n.started_at)}</td>
                                    <td>{n.expected_end_at.map(format_vn).unwrap_or_else(|| "—".into())}</td>
                                    <td>{n.resolved_at.map(format_vn).unwrap_or_else(|| i18n.t("incidents-open"))}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
            })}
        </Layout>
    }
}
