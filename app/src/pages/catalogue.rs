//! Home, procedure list with search and filters, procedure detail.

use crate::api::catalogue::{
    get_procedure, list_agencies, list_sectors, search_procedures, ProcedureDetail, ProcedureQuery, ProcedureSummary,
};
use crate::components::layout::{url_encode, Layout};
use crate::components::{allowance_text, format_vnd};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::pages::{page_data, query};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
fn SearchBox(#[prop(optional)] value: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form class="search" method="get" action="/thu-tuc" role="search">
            <label for="q">{i18n.t("search-label")}</label>
            <div class="search-row">
                <input id="q" name="q" type="search" value=value placeholder=i18n.t("search-placeholder") maxlength="200" />
                <button type="submit">{i18n.t("search-button")}</button>
            </div>
        </form>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Layout title=i18n.t("home-title")>
            <section class="hero">
                <h1>{i18n.t("home-title")}</h1>
                <p>{i18n.t("home-lead")}</p>
                <SearchBox />
            </section>
            <section class="quick">
                <a class="quick-card" href="/tra-cuu">{i18n.t("home-lookup")}</a>
                <a class="quick-card" href="/ho-so">{i18n.t("nav-my-dossiers")}</a>
            </section>
            <h2>{i18n.t("home-sectors")}</h2>
            {page_data(list_sectors(), move |sectors| {
                view! {
                    <ul class="sector-grid">
                        {sectors.into_iter().map(|s| view! {
                            <li><a href=format!("/thu-tuc?sector={}", s.code)>
                                <span class="sector-name">{i18n.name(&s.name)}</span>
                                <span class="count">{i18n.t_args("procedure-count", &[("count", s.procedure_count.to_string())])}</span>
                            </a></li>
                        }).collect_view()}
                    </ul>
                }
            })}
            <p><a href="/thu-tuc">{i18n.t("home-all-procedures")}</a></p>
            <h2>{i18n.t("home-information")}</h2>
            <ul class="quick" data-testid="home-information">
                <li><a class="quick-card" href="/huong-dan">{i18n.t("guides-title")}</a></li>
                <li><a class="quick-card" href="/hoi-dap">{i18n.t("faq-title")}</a></li>
                <li><a class="quick-card" href="/tin-tuc">{i18n.t("news-title")}</a></li>
                <li><a class="quick-card" href="/co-quan">{i18n.t("directory-title")}</a></li>
            </ul>
            {page_data(crate::api::content::content_list("news".into()), move |news| {
                (!news.is_empty()).then(|| view! {
                    <h2>{i18n.t("home-news")}</h2>
                    <ul class="content-list" data-testid="home-news">
                        {news.into_iter().take(3).map(|c| view! {
                            <li><a href=format!("/tin-tuc/{}", c.slug)>{i18n.name(&c.title)}</a>
                                " "<small>{crate::domain::vn_time::format_vn(c.updated_at)[..10].to_string()}</small></li>
                        }).collect_view()}
                    </ul>
                })
            })}
        </Layout>
    }
}

fn page_link(q: &ProcedureQuery, page: u32) -> String {
    let mut parts = Vec::new();
    for (k, v) in
        [("q", &q.q), ("sector", &q.sector), ("agency", &q.agency), ("level", &q.level), ("online", &q.online)]
    {
        if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", url_encode(v)));
        }
    }
    parts.push(format!("page={page}"));
    format!("/thu-tuc?{}", parts.join("&"))
}

#[component]
fn ProcedureCard(p: ProcedureSummary) -> impl IntoView {
    let i18n = use_i18n();
    let level = i18n.t(&format!("level-{}", p.level));
    let online = i18n.t(if p.online_full { "online-full" } else { "online-partial" });
    view! {
        <li class="card">
            <h2 class="card-title"><a href=format!("/thu-tuc/{}", p.code)>{i18n.name(&p.name)}</a></h2>
            <p class="meta">
                <span>{i18n.name(&p.sector)}</span>" · "<span>{level}</span>" · "<span>{online}</span>
            </p>
            <p class="meta">{i18n.name(&p.agency)}" · "{allowance_text(&p.allowance)}</p>
        </li>
    }
}

#[component]
pub fn ProcedureListPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = ProcedureQuery {
        q: query("q"),
        sector: query("sector"),
        agency: query("agency"),
        level: query("level"),
        online: query("online"),
        page: query("page").and_then(|p| p.parse().ok()),
    };
    let selected = |current: &Option<String>, value: &str| current.as_deref() == Some(value);
    view! {
        <Layout title=i18n.t("list-title")>
            <h1>{i18n.t("list-title")}</h1>
            {page_data(
                async move {
                    let (sectors, agencies, page) = (list_sectors().await, list_agencies().await, search_procedures(q.clone()).await);
                    match (sectors, agencies) {
                        (Ok(sectors), Ok(agencies)) => Ok((sectors, agencies, page, q)),
                        _ => Err(AppError::Internal("catalogue".into())),
                    }
                },
                move |(sectors, agencies, page, q)| {
                    let filters = view! {
                        <form class="filters" method="get" action="/thu-tuc">
                            <div class="field">
                                <label for="q">{i18n.t("search-label")}</label>
                                <input id="q" name="q" type="search" value=q.q.clone().unwrap_or_default() maxlength="200" />
                            </div>
                            <div class="field">
                                <label for="sector">{i18n.t("filter-sector")}</label>
                                <select id="sector" name="sector">
                                    <option value="">{i18n.t("filter-all")}</option>
                                    {sectors.into_iter().map(|s| view! { <option value=s.code.clone() selected=selected(&q.sector, &s.code)>{i18n.name(&s.name)}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="agency">{i18n.t("filter-agency")}</label>
                                <select id="agency" name="agency">
                                    <option value="">{i18n.t("filter-all")}</option>
                                    {agencies.into_iter().filter(|a| a.kind != "centre").map(|a| view! { <option value=a.code.clone() selected=selected(&q.agency, &a.code)>{i18n.name(&a.name)}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="level">{i18n.t("filter-level")}</label>
                                <select id="level" name="level">
                                    <option value="">{i18n.t("filter-all")}</option>
                                    <option value="province" selected=selected(&q.level, "province")>{i18n.t("level-province")}</option>
                                    <option value="commune" selected=selected(&q.level, "commune")>{i18n.t("level-commune")}</option>
                                </select>
                            </div>
                            <div class="field">
                                <label for="online">{i18n.t("filter-online")}</label>
                                <select id="online" name="online">
                                    <option value="">{i18n.t("filter-all")}</option>
                                    <option value="full" selected=selected(&q.online, "full")>{i18n.t("online-full")}</option>
                                    <option value="partial" selected=selected(&q.online, "partial")>{i18n.t("online-partial")}</option>
                                </select>
                            </div>
                            <button type="submit">{i18n.t("filter-apply")}</button>
                        </form>
                    };
                    let results = match page {
                        Ok(page) => {
                            let prev = (page.page > 1).then(|| page_link(&q, page.page - 1));
                            let next = (page.page < page.pages).then(|| page_link(&q, page.page + 1));
                            view! {
                                <p class="result-count" role="status">{i18n.t_args("results-count", &[("count", page.total.to_string())])}</p>
                                {(page.total == 0).then(|| view! { <p>{i18n.t("results-none")}</p> })}
                                <ul class="cards">{page.items.into_iter().map(|p| view! { <ProcedureCard p=p /> }).collect_view()}</ul>
                                {(page.pages > 1).then(|| view! {
                                    <nav class="pager" aria-label=i18n.t("pager-label")>
                                        {prev.map(|h| view! { <a href=h rel="prev">{i18n.t("pager-prev")}</a> })}
                                        <span>{i18n.t_args("pager-position", &[("page", page.page.to_string()), ("pages", page.pages.to_string())])}</span>
                                        {next.map(|h| view! { <a href=h rel="next">{i18n.t("pager-next")}</a> })}
                                    </nav>
                                })}
                            }.into_any()
                        }
                        Err(e) => view! { <crate::components::field::ErrorSummary error=Some(e) /> }.into_any(),
                    };
                    view! { <details class="filter-box" open=true><summary>{i18n.t("filters")}</summary>{filters}</details>{results} }
                },
            )}
        </Layout>
    }
}

#[component]
fn Section(title: String, children: Children) -> impl IntoView {
    view! { <section class="detail-section"><h2>{title}</h2>{children()}</section> }
}

#[component]
fn ProcedureBody(p: ProcedureDetail) -> impl IntoView {
    let i18n = use_i18n();
    let channels = p.channels.iter().map(|c| i18n.t(&format!("channel-{c}"))).collect::<Vec<_>>().join(", ");
    let online = i18n.t(if p.online_full { "online-full" } else { "online-partial" });
    let submit_href = format!("/thu-tuc/{}/nop", p.code);
    view! {
        <p class="breadcrumb"><a href="/thu-tuc">{i18n.t("list-title")}</a>" › "<a href=format!("/thu-tuc?sector={}", p.sector_code)>{i18n.name(&p.sector)}</a></p>
        <h1>{i18n.name(&p.name)}</h1>
        <p class="meta">{i18n.t("procedure-code")}" "<strong>{p.code.clone()}</strong>" · "{i18n.t(&format!("level-{}", p.level))}" · "{online}</p>
        {p.online_reason.clone().map(|r| view! { <p class="note">{i18n.t("online-partial-reason")}" "<span lang=i18n.vi_only()>{r}</span></p> })}
        <p><a class="button button-primary" href=submit_href>{i18n.t("submit-online")}</a></p>
        <dl class="facts">
            <dt>{i18n.t("detail-allowance")}</dt><dd>{allowance_text(&p.allowance)}</dd>
            <dt>{i18n.t("detail-agency")}</dt><dd>{i18n.name(&p.executing_agency.name)}</dd>
            <dt>{i18n.t("detail-receiving")}</dt><dd>{i18n.name(&p.receiving_agency.name)}<br/><small><span lang=i18n.vi_only()>{p.receiving_agency.address.clone()}</span>" · "{p.receiving_agency.phone.clone()}</small></dd>
            <dt>{i18n.t("detail-channels")}</dt><dd>{channels}</dd>
            <dt>{i18n.t("detail-applicants")}</dt><dd lang=i18n.vi_only()>{p.applicants.clone()}</dd>
            <dt>{i18n.t("detail-result")}</dt><dd lang=i18n.vi_only()>{p.result.clone()}</dd>
        </dl>
        <Section title=i18n.t("detail-steps")>
            <ol class="steps" lang=i18n.vi_only()>{p.steps.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ol>
        </Section>
        <Section title=i18n.t("detail-components")>
            <table class="table">
                <thead><tr><th scope="col">{i18n.t("component-name")}</th><th scope="col">{i18n.t("component-copies")}</th></tr></thead>
                <tbody>
                    {p.components.into_iter().map(|c| view! {
                        <tr>
                            <td>
                                <span lang=i18n.vi_only()>{c.name}</span>
                                {(!c.required).then(|| view! { " "<em>{i18n.t("component-optional")}</em> })}
                                {c.form_file.map(|f| view! { <br/><a href=format!("/forms/{f}") download>{i18n.t("component-download-form")}</a> })}
                            </td>
                            <td lang=i18n.vi_only()>{c.copies}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Section>
        <Section title=i18n.t("detail-fees")>
            <ul>
                {p.fees.into_iter().map(|f| view! {
                    <li><span lang=i18n.vi_only()>{f.name}</span>": "<strong>{if f.amount_vnd == 0 { i18n.t("fee-free") } else { format_vnd(f.amount_vnd) }}</strong>
                        {(!f.note.is_empty()).then(|| view! { " — "<span lang=i18n.vi_only()>{f.note.clone()}</span> })}</li>
                }).collect_view()}
            </ul>
        </Section>
        <Section title=i18n.t("detail-conditions")><p lang=i18n.vi_only()>{p.conditions}</p></Section>
        <Section title=i18n.t("detail-legal-basis")>
            <ul lang=i18n.vi_only()>{p.legal_basis.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
        </Section>
        <p class="meta">{i18n.t("detail-effective")}" "{p.effective_from}</p>
    }
}

#[component]
pub fn ProcedurePage() -> impl IntoView {
    let code = use_params_map().get_untracked().get("code").unwrap_or_default();
    page_data(get_procedure(code), |p| view! { <Layout title=use_i18n().name(&p.name)><ProcedureBody p=p /></Layout> })
}
