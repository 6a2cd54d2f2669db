//! The desk's inbox: tabs by role and deadline, search, filters, one row per dossier.

use crate::api::desk::{DeskSearch, InboxView};
use crate::components::layout::Layout;
use crate::components::StatusBadge;
use crate::desk_app::use_desk;
use crate::domain::channel::Channel;
use crate::domain::vn_time::format_vn;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{resource_page, Focus};
use crate::read::desk::count_label;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The inbox page; its data is the desk's inbox (`desk_app::Workspace`), which follows this
/// page's URL and the live stream.
#[component]
pub fn DeskInboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(desk) = use_desk() else {
        return ().into_any();
    };
    // The accountant has no inbox (no dossiers to read): their desk is the reconciliation.
    if crate::components::layout::use_signed_in().is_some_and(|u| u.role == crate::domain::role::Role::Accountant) {
        return view! {
            <Layout title=i18n.t("desk-title")>
                <h1>{i18n.t("desk-title")}</h1>
                <p><a href="/mot-cua/doi-soat">{i18n.t("reconcile-title")}</a></p>
            </Layout>
        }
        .into_any();
    }
    resource_page(desk.inbox, Focus::Page, move |inbox| {
        view! { <Layout title=i18n.t("desk-title")>{inbox_view(i18n, inbox)}</Layout> }
    })
    .into_any()
}

/// The inbox beside an open dossier: the tab's rows as links, the open one marked; j/k move
/// through them.
#[component]
pub fn InboxPane(code: String) -> impl IntoView {
    let i18n = use_i18n();
    let Some(desk) = use_desk() else {
        return ().into_any();
    };
    let rows = move |inbox: InboxView| {
        let f = inbox.filter.clone();
        let back = if f.q.is_empty() { f.href(&f.tab, f.page) } else { format!("/mot-cua?tim={}", f.tim) };
        let title = if f.q.is_empty() { i18n.t(&format!("desk-tab-{}", f.tab)) } else { i18n.t("desk-search") };
        let count = match inbox.counts.iter().find(|(t, _)| *t == f.tab) {
            Some((_, n)) if f.q.is_empty() => count_label(*n, i18n),
            _ => inbox.total_label(i18n),
        };
        let now = inbox.now_ms;
        let code = code.clone();
        view! {
            <nav class="inbox-pane" aria-label=i18n.t("desk-pane-label")>
                <p class="pane-head"><a href=back>{title}" ("{count}")"</a></p>
                <ul class="pane-rows">
                    {inbox.rows.into_iter().map(|r| {
                        let current = r.code == code;
                        let late = r.due_at_ms.is_some_and(|d| d < now) && r.status.is_running();
                        view! {
                            <li class:current=current class:late=late>
                                <a data-row="" href=format!("/mot-cua/ho-so/{}", r.code) aria-current=current.then_some("page")>
                                    <span class="code">{r.code.clone()}</span>
                                    <span class="who">{r.applicant}</span>
                                    <small>{i18n.name(&r.procedure)}</small>
                                    <small class="due">{r.due_at_ms.map(format_vn).unwrap_or_default()}</small>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
        }
    };
    resource_page(desk.inbox, Focus::Part, rows).into_any()
}

/// The next dossier after `code` in the inbox beside it (the first other one when `code` is last).
pub fn next_in_inbox(codes: &[String], code: &str) -> Option<String> {
    let at = codes.iter().position(|c| c == code);
    let after = at.map(|i| i + 1).unwrap_or(0);
    codes.iter().skip(after).chain(codes.iter()).find(|c| *c != code).cloned()
}

fn inbox_view(i18n: I18n, inbox: InboxView) -> impl IntoView {
    let f = inbox.filter.clone();
    let searching = !f.q.is_empty();
    let filtered = [&f.procedure, &f.sector, &f.channel, &f.from, &f.to].iter().any(|v| !v.is_empty());
    let pages = inbox.pages();
    let total_label = inbox.total_label(i18n);
    let capped = inbox.total_capped;
    let now = inbox.now_ms;
    let select = |name: &'static str, label: String, options: Vec<(String, String)>, current: String| {
        view! {
            <div class="field">
                <label for=format!("f-{name}")>{label}</label>
                <select id=format!("f-{name}") name=name>
                    <option value="">{i18n.t("desk-filter-all")}</option>
                    {options.into_iter().map(|(v, l)| { let sel = v == current; view! { <option value=v selected=sel>{l}</option> } }).collect_view()}
                </select>
            </div>
        }
    };
    let channels: Vec<(String, String)> =
        Channel::ALL.iter().map(|c| (c.name().to_string(), i18n.t(&c.key()))).collect();
    view! {
        <h1>{i18n.t("desk-title")}</h1>
        {(!inbox.consultations.is_empty()).then(|| view! {
            <section class="open-consultations notice" aria-labelledby="open-consultations">
                <h2 id="open-consultations">{i18n.t("desk-open-consultations")}</h2>
                <ul>
                    {inbox.consultations.iter().map(|c| view! {
                        <li>
                            <a class="code" href=format!("/mot-cua/ho-so/{}", c.code)>{c.code.clone()}</a>" — "{i18n.name(&c.procedure)}
                            <br/><small>{c.asked_by.clone()}" · "{i18n.t("desk-consult-due")}": "{format_vn(c.due_at_ms)}</small>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        // Posted, so that a name, a CCCD or a phone number never lands in the URL.
        <form method="post" action=DeskSearch::PATH class="search desk-search" role="search">
            <label for="q">{i18n.t("desk-search")}</label>
            <div class="search-row">
                <input id="q" name="q" type="search" value=f.q.clone() maxlength="100" placeholder=i18n.t("desk-search-placeholder") />
                <button type="submit">{i18n.t("search-button")}</button>
            </div>
        </form>
        {inbox.search_expired.then(|| view! { <p role="status" class="notice" data-testid="search-expired">{i18n.t("desk-search-expired")}</p> })}
        {searching.then(|| view! { <p role="status" class="result-count">{i18n.t_args("desk-search-results", &[("count", total_label.clone()), ("q", f.q.clone())])}</p> })}
        <nav class="tabs" aria-label=i18n.t("desk-tabs")>
            {crate::api::desk::TABS.iter().map(|t| {
                let current = *t == f.tab && !searching;
                let n = inbox.counts.iter().find(|(x, _)| x == t).map(|(_, n)| *n);
                view! {
                    <a href=f.href(t, 1) aria-current=current.then_some("page") class:current=current class:alert={*t == "overdue" && n.unwrap_or(0) > 0}>
                        {i18n.t(&format!("desk-tab-{t}"))}
                        {n.map(|n| view! { " "<span class="count">"("{count_label(n, i18n)}")"</span> })}
                    </a>
                }
            }).collect_view()}
        </nav>
        <details class="desk-filters" open=filtered>
            <summary>{i18n.t("desk-filters")}</summary>
            <form method="get" action="/mot-cua" class="filter-row">
                <input type="hidden" name="tab" value=f.tab.clone() />
                {select("procedure", i18n.t("dossier-procedure"), inbox.procedures.iter().map(|(c, n)| (c.clone(), i18n.name(n))).collect(), f.procedure.clone())}
                {select("sector", i18n.t("filter-sector"), inbox.sectors.iter().map(|(c, n)| (c.clone(), i18n.name(n))).collect(), f.sector.clone())}
                {select("channel", i18n.t("desk-channel"), channels, f.channel.clone())}
                <div class="field"><label for="f-from">{i18n.t("desk-from")}</label><input id="f-from" type="date" name="from" value=f.from.clone() /></div>
                <div class="field"><label for="f-to">{i18n.t("desk-to")}</label><input id="f-to" type="date" name="to" value=f.to.clone() /></div>
                <div class="filter-buttons">
                    <button type="submit">{i18n.t("desk-filter-apply")}</button>
                    <a href=format!("/mot-cua?tab={}", f.tab)>{i18n.t("desk-filter-clear")}</a>
                </div>
            </form>
        </details>
        {inbox.rows.is_empty().then(|| view! { <p>{i18n.t("desk-empty")}</p> })}
        <table class="table desk-table">
            <caption class="visually-hidden">{if searching { i18n.t("desk-search") } else { i18n.t(&format!("desk-tab-{}", f.tab)) }}</caption>
            <thead><tr>
                <th scope="col">{i18n.t("desk-col-code")}</th>
                <th scope="col">{i18n.t("dossier-procedure")}</th>
                <th scope="col">{i18n.t("dossier-applicant")}</th>
                <th scope="col">{i18n.t("dossier-submitted-at")}</th>
                <th scope="col">{i18n.t("desk-due")}</th>
                <th scope="col">{i18n.t("dossier-status")}</th>
            </tr></thead>
            <tbody>
                {inbox.rows.into_iter().map(|r| {
                    let late = r.due_at_ms.is_some_and(|d| d < now) && r.status.is_running();
                    view! {
                        <tr class:late=late>
                            <td><a class="code" data-row="" href=format!("/mot-cua/ho-so/{}", r.code)>{r.code.clone()}</a></td>
                            <td>{i18n.name(&r.procedure)}</td>
                            <td>{r.applicant}<br/><small>{i18n.t(&format!("channel-{}", r.channel))}</small></td>
                            <td>{format_vn(r.submitted_at_ms)}</td>
                            <td>{r.due_at_ms.map(format_vn).unwrap_or_default()}{late.then(|| view! { <br/><strong class="late-label">{i18n.t("timeliness-late")}</strong> })}</td>
                            <td><StatusBadge status=r.status />{(!r.location.is_empty()).then(|| view! { <br/><small>{i18n.name(&r.location)}</small> })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {(pages > 1).then(|| view! {
            <nav class="pager" aria-label=i18n.t("pager-label")>
                {(f.page > 1).then(|| view! { <a rel="prev" href=f.page_href(f.page - 1)>{i18n.t("pager-prev")}</a> })}
                <span>{if capped {
                    i18n.t_args("pager-position-open", &[("page", f.page.to_string())])
                } else {
                    i18n.t_args("pager-position", &[("page", f.page.to_string()), ("pages", pages.to_string())])
                }}</span>
                {(f.page < pages).then(|| view! { <a rel="next" href=f.page_href(f.page + 1)>{i18n.t("pager-next")}</a> })}
            </nav>
        })}
    }
}
