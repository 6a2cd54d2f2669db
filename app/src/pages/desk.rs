//! The one-stop desk (desktop, keyboard friendly): inbox, dossier view with reception actions,
//! and the printable slips (A5).

use crate::api::desk::{desk_dossier, desk_inbox, desk_slip, DeskDossierView, InboxView, Slip, INBOX_PAGE};
use crate::api::handling::working_time_text;
use crate::components::field::{error_for, ErrorSummary};
use crate::components::layout::Layout;
use crate::components::{allowance_text, format_bytes, table_head, FormValues, StatusBadge};
use crate::domain::channel::Channel;
use crate::domain::role::Role;
use crate::domain::vn_time::format_vn;
use crate::i18n::{use_i18n, I18n};
use crate::pages::dossiers::History;
use crate::pages::{param, posted_error, query, ErrorPage};
use leptos::prelude::*;

#[component]
pub fn DeskInboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let args = ["tab", "q", "procedure", "sector", "channel", "from", "to", "page"].map(query);
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let [tab, q, procedure, sector, channel, from, to, page] = args;
                match desk_inbox(tab, q, procedure, sector, channel, from, to, page).await {
                    Ok(inbox) => view! { <Layout title=i18n.t("desk-title")>{inbox_view(i18n, inbox)}</Layout> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn inbox_view(i18n: I18n, inbox: InboxView) -> impl IntoView {
    let f = inbox.filter.clone();
    let searching = !f.q.is_empty();
    let filtered = [&f.procedure, &f.sector, &f.channel, &f.from, &f.to].iter().any(|v| !v.is_empty());
    let pages = ((inbox.total + INBOX_PAGE - 1) / INBOX_PAGE).max(1);
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
    let role = crate::components::layout::use_signed_in().map(|u| u.role);
    let reception = role == Some(Role::Reception);
    view! {
        <h1>{i18n.t("desk-title")}</h1>
        <p class="desk-links">
            {reception.then(|| view! { <a class="button" href="/mot-cua/tiep-nhan">{i18n.t("desk-intake-link")}</a> })}
            <a href="/mot-cua/so-theo-doi">{i18n.t("desk-register-link")}</a>
            {role.is_some_and(Role::is_admin).then(|| view! { <a href="/mot-cua/lich">{i18n.t("desk-calendar-link")}</a> })}
        </p>
        {(!inbox.consultations.is_empty()).then(|| view! {
            <section class="open-consultations notice" aria-labelledby="open-consultations">
                <h2 id="open-consultations">{i18n.t("desk-open-consultations")}</h2>
                <ul>
                    {inbox.consultations.iter().map(|c| view! {
                        <li>
                            <a class="code" href=format!("/mot-cua/ho-so/{}", c.code)>{c.code.clone()}</a>" — "{c.procedure.clone()}
                            <br/><small>{c.asked_by.clone()}" · "{i18n.t("desk-consult-due")}": "{format_vn(c.due_at_ms)}</small>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <form method="get" action="/mot-cua" class="search desk-search" role="search">
            <label for="q">{i18n.t("desk-search")}</label>
            <div class="search-row">
                <input id="q" name="q" type="search" value=f.q.clone() maxlength="100" placeholder=i18n.t("desk-search-placeholder") />
                <button type="submit">{i18n.t("search-button")}</button>
            </div>
        </form>
        {searching.then(|| view! { <p role="status" class="result-count">{i18n.t_args("desk-search-results", &[("count", inbox.total.to_string()), ("q", f.q.clone())])}</p> })}
        <nav class="tabs" aria-label=i18n.t("desk-tabs")>
            {crate::api::desk::TABS.iter().map(|t| {
                let current = *t == f.tab && !searching;
                let n = inbox.counts.iter().find(|(x, _)| x == t).map(|(_, n)| *n);
                view! {
                    <a href=f.href(t, 1) aria-current=current.then_some("page") class:current=current class:alert={*t == "overdue" && n.unwrap_or(0) > 0}>
                        {i18n.t(&format!("desk-tab-{t}"))}
                        {n.map(|n| view! { " "<span class="count">"("{n.to_string()}")"</span> })}
                    </a>
                }
            }).collect_view()}
        </nav>
        <details class="desk-filters" open=filtered>
            <summary>{i18n.t("desk-filters")}</summary>
            <form method="get" action="/mot-cua" class="filter-row">
                <input type="hidden" name="tab" value=f.tab.clone() />
                {select("procedure", i18n.t("dossier-procedure"), inbox.procedures.clone(), f.procedure.clone())}
                {select("sector", i18n.t("filter-sector"), inbox.sectors.clone(), f.sector.clone())}
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
                    let late = r.due_at_ms.is_some_and(|d| d < now) && matches!(r.status, 2 | 4 | 6);
                    view! {
                        <tr class:late=late>
                            <td><a class="code" href=format!("/mot-cua/ho-so/{}", r.code)>{r.code.clone()}</a></td>
                            <td>{r.procedure}</td>
                            <td>{r.applicant}<br/><small>{i18n.t(&format!("channel-{}", r.channel))}</small></td>
                            <td>{format_vn(r.submitted_at_ms)}</td>
                            <td>{r.due_at_ms.map(format_vn).unwrap_or_default()}{late.then(|| view! { <br/><strong class="late-label">{i18n.t("timeliness-late")}</strong> })}</td>
                            <td><StatusBadge status=r.status />{(!r.location.is_empty()).then(|| view! { <br/><small>{r.location.clone()}</small> })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {(pages > 1).then(|| view! {
            <nav class="pager" aria-label=i18n.t("pager-label")>
                {(f.page > 1).then(|| view! { <a rel="prev" href=f.href(&f.tab, f.page - 1)>{i18n.t("pager-prev")}</a> })}
                <span>{i18n.t_args("pager-position", &[("page", f.page.to_string()), ("pages", pages.to_string())])}</span>
                {(f.page < pages).then(|| view! { <a rel="next" href=f.href(&f.tab, f.page + 1)>{i18n.t("pager-next")}</a> })}
            </nav>
        })}
    }
}

fn desk_view(i18n: I18n, d: DeskDossierView, error: Option<crate::error::AppError>) -> impl IntoView {
    let code = d.dossier.code.clone();
    let has = |action: &str| d.dossier.events.iter().any(|e| e.action == action);
    let slips: Vec<(&str, bool)> = vec![
        ("01", has("accept")),
        ("02", !d.dossier.supplements.is_empty()),
        ("03", has("refuse")),
        ("04", has("apologise")),
        ("05", has("accept")),
    ];
    let location = d
        .steps
        .last()
        .filter(|_| d.position.is_some())
        .map(|s| crate::components::unit_and_agency(&s.unit, &s.agency))
        .unwrap_or_else(|| d.dossier.location.clone());
    let clock = d.clock.clone();
    view! {
        <p class="breadcrumb"><a href="/mot-cua">{i18n.t("desk-title")}</a></p>
        <h1>{i18n.t("dossier-title")}" "<span class="code">{code.clone()}</span></h1>
        <div class="desk-grid">
            <section>
                <dl class="facts">
                    <dt>{i18n.t("dossier-status")}</dt><dd><StatusBadge status=d.dossier.status /></dd>
                    <dt>{i18n.t("dossier-procedure")}</dt><dd>{d.dossier.procedure.clone()}<br/><small>{allowance_text(&d.allowance)}</small></dd>
                    <dt>{i18n.t("dossier-applicant")}</dt><dd>{d.dossier.applicant_name.clone()}<br/><small>{i18n.t("field-cccd")}": "{d.applicant_cccd.clone()}" · "{d.applicant_phone.clone()}</small>
                        <br/><small data-testid="applicant-account">{i18n.t(&format!("account-{}", d.applicant_account))}</small></dd>
                    <dt>{i18n.t("dossier-submitted-at")}</dt><dd>{format_vn(d.dossier.submitted_at_ms)}" · "{i18n.t(&format!("channel-{}", d.dossier.channel))}</dd>
                    <dt>{i18n.t("dossier-location")}</dt><dd data-testid="location">{location}</dd>
                    {d.due_at_ms.map(|due| view! {
                        <dt>{i18n.t("desk-due")}</dt>
                        <dd>
                            <strong data-testid="due">{format_vn(due)}</strong>
                            {(d.original_due_at_ms != Some(due)).then(|| view! { <br/><small>{i18n.t("desk-original-due")}": "{d.original_due_at_ms.map(format_vn).unwrap_or_default()}</small> })}
                            {clock.left_minutes.map(|left| view! {
                                <br/><span class=if left < 0 { "late-label" } else { "time-left" }>
                                    {if left < 0 { i18n.t_args("desk-overdue-by", &[("time", working_time_text(&i18n, left, clock.day_minutes))]) } else { i18n.t_args("desk-time-left", &[("time", working_time_text(&i18n, left, clock.day_minutes))]) }}
                                </span>
                            })}
                            {clock.timeliness.clone().map(|t| view! { <br/><span class="timeliness">{i18n.t(&t)}</span> })}
                        </dd>
                    })}
                </dl>
                <h2>{i18n.t("submit-form-section")}</h2>
                <FormValues fields=d.dossier.form_fields.clone() values=d.dossier.form.clone() />
                <h2>{i18n.t("submit-files-section")}</h2>
                {files_view(i18n, &d)}
                {work_files_view(i18n, &d)}
            </section>
            <section class="actions-panel" aria-labelledby="actions-title">
                <h2 id="actions-title">{i18n.t("desk-actions")}</h2>
                <p class="slip-links">
                    {slips.into_iter().filter(|(_, ok)| *ok).map(|(form, _)| view! {
                        <a class="button" href=format!("/mot-cua/ho-so/{code}/phieu/{form}")>{i18n.t(&format!("slip-{form}-print"))}</a>" "
                    }).collect_view()}
                </p>
                {new_claim_code_form(i18n, &d)}
                <ErrorSummary error=error.clone() labels=vec![("reason".to_string(), i18n.t("field-reason"))] />
                {reception_forms(i18n, &d, &error)}
                {handling_forms(i18n, &d, &error)}
                {leader_forms(i18n, &d, &error)}
            </section>
        </div>
        {steps_view(i18n, &d)}
        {consultations_view(i18n, &d, &error)}
        {d.dossier.supplements.iter().rev().map(|s| view! { <SupplementBox s=s.clone() /> }).collect_view()}
        <History events=d.dossier.events.clone() />
    }
}

/// For an applicant recorded at a desk who has not claimed their account: a new one-time code,
/// printed on a new receipt; the old code stops working.
fn new_claim_code_form(i18n: I18n, d: &DeskDossierView) -> impl IntoView {
    let reception =
        crate::components::layout::use_signed_in().is_some_and(|u| u.role == crate::domain::role::Role::Reception);
    let accepted = d.dossier.events.iter().any(|e| e.action == "accept");
    (reception && accepted && d.applicant_account == "recorded").then(|| {
        view! {
            <form method="post" action="/api/desk/claim-code" class="claim-code-form">
                <input type="hidden" name="code" value=d.dossier.code.clone() />
                <p class="hint">{i18n.t("desk-claim-code-hint")}</p>
                <button type="submit">{i18n.t("desk-claim-code")}</button>
            </form>
        }
    })
}

/// The specialist's question to other units, each answering within the days given.
fn consult_form(i18n: I18n, d: &DeskDossierView, error: &Option<crate::error::AppError>) -> impl IntoView {
    let units_error = error_for(error, "units");
    let days_error = error_for(error, "days");
    let (units_invalid, days_invalid) = (units_error.is_some(), days_error.is_some());
    let open = units_invalid || days_invalid || error_for(error, "question").is_some();
    let days = error.as_ref().and_then(|e| e.value("days")).unwrap_or_else(|| "3".into());
    view! {
        <details class="consult" open=open>
            <summary>{i18n.t("desk-consult")}</summary>
            <form method="post" action="/api/desk/consult" enctype="multipart/form-data" class="stack">
                <input type="hidden" name="code" value=d.dossier.code.clone() />
                <fieldset id="units" class:field-invalid=units_invalid>
                    <legend>{i18n.t("desk-consult-units")}</legend>
                    {units_error.map(|e| view! { <p class="field-error">{e}</p> })}
                    <div class="unit-choices">
                        {d.units.iter().enumerate().map(|(i, u)| {
                            let id = format!("unit-{i}");
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=id.clone() name=format!("unit:{}|{}", u.agency_code, u.unit_code) />
                                    <label for=id>{u.label.clone()}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <div class="field" class:field-invalid=days_invalid>
                    <label for="days">{i18n.t("desk-consult-days")}</label>
                    {days_error.map(|e| view! { <p class="field-error">{e}</p> })}
                    <input id="days" name="days" type="number" min="1" max="10" value=days required=true />
                </div>
                <ReasonField id="question" name="question" label=i18n.t("desk-consult-question") error=error.clone() required=true />
                <button type="submit">{i18n.t("desk-consult-submit")}</button>
            </form>
        </details>
    }
}

/// The opinions asked: who was asked what, by when, and the answer with its timeliness; the form
/// for the officer whose unit is asked.
fn consultations_view(i18n: I18n, d: &DeskDossierView, error: &Option<crate::error::AppError>) -> impl IntoView {
    let answerable = d.actions.answer.first().copied();
    (!d.consultations.is_empty()).then(|| view! {
        <section class="consultations" aria-labelledby="consultations-title">
            <h2 id="consultations-title">{i18n.t("desk-consultations")}</h2>
            <table class="table">
                {table_head(i18n, &["slip-05-agency", "desk-consult-question", "desk-consult-due", "desk-consult-answer"])}
                <tbody>
                    {d.consultations.iter().map(|c| {
                        let timeliness = c.answered_at_ms.map(|t| crate::domain::clock::timeliness(c.due_at_ms, t).key().to_string());
                        view! {
                            <tr>
                                <td>{crate::components::unit_and_agency(&c.unit, &c.agency)}</td>
                                <td>{c.question.clone()}<br/><small>{i18n.t_args("desk-consult-asked", &[("who", c.asked_by.clone()), ("at", format_vn(c.asked_at_ms))])}</small></td>
                                <td>{format_vn(c.due_at_ms)}</td>
                                <td>{match (&c.answer, c.answered_at_ms) {
                                    (Some(a), Some(t)) => view! {
                                        {a.clone()}<br/><small>{c.answered_by.clone().unwrap_or_default()}" · "{format_vn(t)}" · "{timeliness.map(|k| i18n.t(&k))}</small>
                                    }.into_any(),
                                    _ => view! { <em>{i18n.t("desk-consult-waiting")}</em> }.into_any(),
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {answerable.map(|id| view! {
                <form method="post" action="/api/desk/answer-consultation" class="stack">
                    <input type="hidden" name="code" value=d.dossier.code.clone() />
                    <input type="hidden" name="consultation" value=id.to_string() />
                    <ReasonField id="answer" name="answer" label=i18n.t("desk-consult-answer") error=error.clone() required=true />
                    <button type="submit" class="button-primary">{i18n.t("desk-consult-answer-submit")}</button>
                </form>
            })}
        </section>
    })
}

/// Each component's file, with an inline preview of PDFs and images.
fn files_view(i18n: I18n, d: &DeskDossierView) -> impl IntoView {
    view! {
        <ul class="files">
            {d.dossier.components.iter().map(|c| {
                let file = d.dossier.files.iter().find(|f| f.component_id == c.id).cloned();
                view! { <li>{c.name.clone()}{(!c.required).then(|| format!(" {}", i18n.t("component-optional")))}": "{match file {
                    Some(f) => {
                        let src = format!("/tep/{}", f.id);
                        let preview = if f.content_type == "application/pdf" {
                            view! { <iframe class="preview" src=src.clone() title=f.file_name.clone()></iframe> }.into_any()
                        } else if f.content_type.starts_with("image/") {
                            view! { <img class="preview" src=src.clone() alt=f.file_name.clone() loading="lazy" /> }.into_any()
                        } else {
                            ().into_any()
                        };
                        view! {
                            <a href=src.clone() target="_blank">{f.file_name.clone()}</a>" ("{format_bytes(f.size_bytes)}")"
                            {f.digitised.then(|| view! { " "<span class="tag">{i18n.t("file-digitised")}</span> })}
                            <details class="preview-box"><summary>{i18n.t("desk-preview")}</summary>{preview}</details>
                        }.into_any()
                    }
                    None => view! { <em>{i18n.t("file-none")}</em> }.into_any(),
                }}</li> }
            }).collect_view()}
        </ul>
    }
}

fn work_files_view(i18n: I18n, d: &DeskDossierView) -> impl IntoView {
    (!d.work_files.is_empty()).then(|| view! {
        <h2>{i18n.t("desk-work-files")}</h2>
        <ul class="files">
            {d.work_files.iter().map(|f| view! {
                <li>
                    <strong>{i18n.t(&format!("work-file-{}", f.kind))}</strong>": "
                    <a href=format!("/tep/{}", f.id) target="_blank">{f.file_name.clone()}</a>" ("{format_bytes(f.size_bytes)}") — "
                    {f.created_by.clone()}", "{format_vn(f.created_at_ms)}
                </li>
            }).collect_view()}
        </ul>
    })
}

/// The workflow: each step with its unit, allowance, spend and timeliness (the control sheet's data).
fn steps_view(i18n: I18n, d: &DeskDossierView) -> impl IntoView {
    (!d.workflow.is_empty()).then(|| view! {
        <section class="workflow" aria-labelledby="workflow-title">
            <h2 id="workflow-title">{i18n.t("desk-workflow")}</h2>
            <ol class="workflow-plan">
                {d.workflow.iter().enumerate().map(|(i, w)| {
                    let current = d.position == Some(i as i64);
                    view! {
                        <li class:current=current aria-current=current.then_some("step")>
                            <strong>{i18n.t(&format!("step-{}", w.kind))}</strong>" — "
                            {crate::components::unit_and_agency(&w.unit, &w.agency)}
                            " · "{allowance_text(&crate::api::catalogue::Allowance { amount: w.amount.clone(), unit: w.allowance_unit.clone() })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {(!d.steps.is_empty()).then(|| view! {
                <table class="table steps-table">
                    <caption>{i18n.t("desk-steps")}</caption>
                    <thead><tr>
                        <th scope="col">{i18n.t("desk-step")}</th>
                        <th scope="col">{i18n.t("desk-step-holder")}</th>
                        <th scope="col">{i18n.t("desk-step-start")}</th>
                        <th scope="col">{i18n.t("desk-step-due")}</th>
                        <th scope="col">{i18n.t("desk-step-end")}</th>
                        <th scope="col">{i18n.t("desk-step-spent")}</th>
                        <th scope="col">{i18n.t("desk-step-result")}</th>
                    </tr></thead>
                    <tbody>
                        {d.steps.iter().zip(d.clock.steps.iter().map(Some).chain(std::iter::repeat(None))).map(|(s, c)| view! {
                            <tr>
                                <td>{i18n.t(&format!("step-{}", s.kind))}</td>
                                <td>{crate::components::unit_and_agency(&s.unit, &s.agency)}{s.assignee.clone().map(|a| view! { <br/><small>{a}</small> })}</td>
                                <td>{format_vn(s.started_at_ms)}</td>
                                <td>{format_vn(s.due_at_ms)}</td>
                                <td>{s.ended_at_ms.map(format_vn).unwrap_or_default()}{s.ended_by.clone().map(|b| view! { <br/><small>{b}</small> })}</td>
                                <td>{c.map(|c| format!("{} / {}", working_time_text(&i18n, c.spent_minutes, d.clock.day_minutes), working_time_text(&i18n, c.allowance_minutes, d.clock.day_minutes)))}</td>
                                <td>{c.and_then(|c| c.timeliness.clone()).map(|t| i18n.t(&t))}{s.outcome.clone().filter(|o| o != "done").map(|o| view! { <br/><small>{i18n.t(&format!("outcome-{o}"))}</small> })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    })
}

/// "When the system was down": the real time of the action and why it is entered now.
#[component]
fn BackfillFields(prefix: &'static str, error: Option<crate::error::AppError>) -> impl IntoView {
    let i18n = use_i18n();
    let open = error_for(&error, "happened_at").is_some() || error_for(&error, "backfill_reason").is_some();
    let at_id = format!("{prefix}-happened_at");
    let reason_id = format!("{prefix}-backfill_reason");
    view! {
        <details class="backfill" open=open>
            <summary>{i18n.t("backfill-title")}</summary>
            <div class="field" class:field-invalid=error_for(&error, "happened_at").is_some()>
                <label for=at_id.clone()>{i18n.t("backfill-at")}</label>
                {error_for(&error, "happened_at").map(|e| view! { <p class="field-error">{e}</p> })}
                <input id=at_id type="datetime-local" name="happened_at" value=error.as_ref().and_then(|e| e.value("happened_at")).unwrap_or_default() />
            </div>
            <div class="field" class:field-invalid=error_for(&error, "backfill_reason").is_some()>
                <label for=reason_id.clone()>{i18n.t("backfill-reason")}</label>
                {error_for(&error, "backfill_reason").map(|e| view! { <p class="field-error">{e}</p> })}
                <input id=reason_id type="text" name="backfill_reason" maxlength="2000" value=error.as_ref().and_then(|e| e.value("backfill_reason")).unwrap_or_default() />
            </div>
        </details>
    }
}

/// A reason box that shows its error and the value typed before.
#[component]
pub fn ReasonField(
    id: &'static str,
    name: &'static str,
    label: String,
    error: Option<crate::error::AppError>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let msg = error_for(&error, id);
    let invalid = msg.is_some();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id>{label}</label>
            {msg.map(|e| view! { <p class="field-error" id=format!("{id}-error")>{e}</p> })}
            <textarea id=id name=name rows="3" maxlength="2000" required=required>{error.as_ref().and_then(|e| e.value(id)).unwrap_or_default()}</textarea>
        </div>
    }
}

/// A folded form of one action that needs only a written reason (urge, stop): open when the
/// reason was refused.
#[component]
fn ReasonAction(
    code: String,
    endpoint: &'static str,
    id: &'static str,
    name: &'static str,
    title: String,
    label: String,
    error: Option<crate::error::AppError>,
) -> impl IntoView {
    let open = error_for(&error, id).is_some();
    view! {
        <details class=endpoint open=open>
            <summary>{title.clone()}</summary>
            <form method="post" action=format!("/api/desk/{endpoint}") class="stack">
                <input type="hidden" name="code" value=code />
                <ReasonField id=id name=name label=label error=error required=true />
                <button type="submit">{title}</button>
            </form>
        </details>
    }
}

/// The supplement request (Mẫu 02): every component and form field may be asked for, each with a
/// note — at reception, or by the specialist during appraisal.
fn supplement_request_form(i18n: I18n, d: &DeskDossierView, error: &Option<crate::error::AppError>) -> impl IntoView {
    let code = d.dossier.code.clone();
    let error = error.clone();
    view! {
        <details class="supplement-request" open=error_for(&error, "items").is_some() || error_for(&error, "supplement_reason").is_some()>
        <summary>{i18n.t("desk-request-supplement")}</summary>
        <form method="post" action="/api/desk/request-supplement" enctype="multipart/form-data" class="stack">
            <fieldset>
                <legend>{i18n.t("supplement-what")}</legend>
                {error_for(&error, "items").map(|e| view! { <p class="field-error" id="items">{e}</p> })}
                {d.dossier.components.iter().map(|c| {
                    let key = format!("component:{}", c.id);
                    view! { <SupplementChoice key=key label=c.name.clone() /> }
                }).collect_view()}
                {d.dossier.form_fields.iter().map(|f| {
                    let key = format!("field:{}", f.name);
                    view! { <SupplementChoice key=key label=i18n.lang.pick(&f.label_vi, &f.label_en).to_string() /> }
                }).collect_view()}
            </fieldset>
            <ReasonField id="supplement_reason" name="reason" label=i18n.t("field-supplement-reason") error=error.clone() />
            <input type="hidden" name="code" value=code.clone() />
            <button type="submit">{i18n.t("desk-request-supplement")}</button>
        </form>
        </details>
    }
}

fn reception_forms(i18n: I18n, d: &DeskDossierView, error: &Option<crate::error::AppError>) -> impl IntoView {
    let code = d.dossier.code.clone();
    let error = error.clone();
    let a = d.actions.clone();
    view! {
        {a.receive.then(|| view! {
            <form method="post" action="/api/desk/accept" class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <BackfillFields prefix="accept" error=error.clone() />
                <button type="submit" class="button-primary">{i18n.t("desk-accept")}</button>
            </form>
            {supplement_request_form(i18n, d, &error)}
            <form method="post" action="/api/desk/refuse" class="stack">
                <ReasonField id="reason" name="reason" label=i18n.t("field-reason") error=error.clone() required=true />
                <input type="hidden" name="code" value=code.clone() />
                <button type="submit">{i18n.t("desk-refuse")}</button>
            </form>
        })}
        {a.transfer.then(|| view! {
            <form method="post" action="/api/desk/transfer" class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <p>{i18n.t("desk-transfer-to")}" "<strong>{d.workflow.get(1).map(|w| crate::components::unit_and_agency(&w.unit, &w.agency))}</strong></p>
                <BackfillFields prefix="transfer" error=error.clone() />
                <button type="submit" class="button-primary">{i18n.t("desk-transfer")}</button>
            </form>
        })}
        {a.deliver.then(|| view! {
            <form method="post" action="/api/desk/deliver" class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <fieldset>
                    <legend>{i18n.t("desk-delivery")}</legend>
                    {error_for(&error, "delivery").map(|e| view! { <p class="field-error">{e}</p> })}
                    {crate::api::handling::DELIVERIES.iter().enumerate().map(|(i, how)| view! {
                        <div class="choice"><input type="radio" id=format!("delivery-{}", how.name()) name="delivery" value=how.name() checked={i == 0} /><label for=format!("delivery-{}", how.name())>{i18n.t(&format!("delivery-{}", how.name()))}</label></div>
                    }).collect_view()}
                </fieldset>
                <BackfillFields prefix="deliver" error=error.clone() />
                <button type="submit" class="button-primary">{i18n.t("desk-deliver")}</button>
            </form>
        })}
    }
}

fn handling_forms(i18n: I18n, d: &DeskDossierView, error: &Option<crate::error::AppError>) -> impl IntoView {
    let code = d.dossier.code.clone();
    let error = error.clone();
    let a = d.actions.clone();
    let refusal = d.proposal.as_deref() == Some("refuse");
    view! {
        {a.assign.then(|| view! {
            <form method="post" action="/api/desk/assign" class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <div class="field" class:field-invalid=error_for(&error, "specialist").is_some()>
                    <label for="specialist">{i18n.t("desk-specialist")}</label>
                    {error_for(&error, "specialist").map(|e| view! { <p class="field-error">{e}</p> })}
                    <select id="specialist" name="specialist" required=true>
                        <option value="">{i18n.t("desk-choose")}</option>
                        {d.specialists.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <BackfillFields prefix="assign" error=error.clone() />
                <button type="submit" class="button-primary">{i18n.t("desk-assign")}</button>
            </form>
        })}
        {a.appraise.then(|| view! {
            <form method="post" action="/api/desk/appraise" enctype="multipart/form-data" class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <ReasonField id="note" name="note" label=i18n.t("desk-appraisal-note") error=error.clone() required=true />
                <fieldset>
                    <legend>{i18n.t("desk-proposal")}</legend>
                    <div class="choice"><input type="radio" id="proposal-result" name="proposal" value="result" checked=true /><label for="proposal-result">{i18n.t("desk-proposal-result")}</label></div>
                    <div class="choice"><input type="radio" id="proposal-refuse" name="proposal" value="refuse" /><label for="proposal-refuse">{i18n.t("desk-proposal-refuse")}</label></div>
                </fieldset>
                <div class="field" class:field-invalid=error_for(&error, "file_0").is_some()>
                    <label for="file_0">{i18n.t("work-file-draft-result")}</label>
                    {error_for(&error, "file_0").map(|e| view! { <p class="field-error">{e}</p> })}
                    <input id="file_0" type="file" name="file_0" accept=".pdf,.jpg,.jpeg,.png" />
                </div>
                <div class="field" class:field-invalid=error_for(&error, "file_1").is_some()>
                    <label for="file_1">{i18n.t("work-file-verification")}" "{i18n.t("component-optional")}</label>
                    {error_for(&error, "file_1").map(|e| view! { <p class="field-error">{e}</p> })}
                    <input id="file_1" type="file" name="file_1" accept=".pdf,.jpg,.jpeg,.png" />
                </div>
                <BackfillFields prefix="appraise" error=error.clone() />
                <button type="submit" class="button-primary">{i18n.t("desk-submit-appraisal")}</button>
            </form>
        })}
        {(a.appraise && a.request_supplement).then(|| supplement_request_form(i18n, d, &error))}
        {a.consult.then(|| consult_form(i18n, d, &error))}
        {a.decide.then(|| view! {
            {refusal.then(|| view! { <p class="notice">{i18n.t("desk-refusal-proposed")}</p> })}
            <form method="post" action="/api/desk/decide" class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <input type="hidden" name="decision" value="approve" />
                <BackfillFields prefix="approve" error=error.clone() />
                <button type="submit" class="button-primary">{if a.decisive { if refusal { i18n.t("desk-approve-refusal") } else { i18n.t("desk-approve-result") } } else { i18n.t("desk-approve") }}</button>
            </form>
            <form method="post" action="/api/desk/decide" class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <input type="hidden" name="decision" value="send-back" />
                <ReasonField id="send_back_reason" name="reason" label=i18n.t("desk-send-back-reason") error=error.clone() />
                <button type="submit">{i18n.t("desk-send-back")}</button>
            </form>
        })}
    }
}

fn leader_forms(i18n: I18n, d: &DeskDossierView, error: &Option<crate::error::AppError>) -> impl IntoView {
    let code = d.dossier.code.clone();
    let error = error.clone();
    let a = d.actions.clone();
    view! {
        {a.apologise.then(|| view! {
            <details class="apology" open=error_for(&error, "new_due").is_some() || error_for(&error, "apology_reason").is_some()>
                <summary>{i18n.t("desk-apologise")}</summary>
                <form method="post" action="/api/desk/apologise" class="stack">
                    <input type="hidden" name="code" value=code.clone() />
                    <div class="field" class:field-invalid=error_for(&error, "new_due").is_some()>
                        <label for="new_due">{i18n.t("desk-new-due")}</label>
                        {error_for(&error, "new_due").map(|e| view! { <p class="field-error">{e}</p> })}
                        <input id="new_due" type="datetime-local" name="new_due" required=true value=error.as_ref().and_then(|e| e.value("new_due")).unwrap_or_default() />
                    </div>
                    <ReasonField id="apology_reason" name="reason" label=i18n.t("desk-apology-reason") error=error.clone() required=true />
                    <button type="submit">{i18n.t("desk-apologise")}</button>
                </form>
            </details>
        })}
        {a.urge.then(|| view! {
            <ReasonAction code=code.clone() endpoint="urge" id="urge_note" name="note" title=i18n.t("desk-urge") label=i18n.t("desk-urge-note") error=error.clone() />
        })}
        {a.stop.then(|| view! {
            <ReasonAction code=code.clone() endpoint="stop" id="stop_reason" name="reason" title=i18n.t("desk-stop") label=i18n.t("desk-stop-reason") error=error.clone() />
        })}
        {crate::pages::desk_paper::paper_forms(i18n, d, &error)}
    }
}

/// One item the officer may ask for, with a note on what is wrong with it.
#[component]
fn SupplementChoice(key: String, label: String) -> impl IntoView {
    let i18n = use_i18n();
    let id = key.replace(':', "-");
    let note_id = format!("note-{id}");
    view! {
        <div class="choice">
            <input type="checkbox" id=format!("item-{id}") name=format!("item:{key}") value="on" />
            <label for=format!("item-{id}")>{label.clone()}</label>
            <label class="visually-hidden" for=note_id.clone()>{i18n.t("supplement-note")}" — "{label}</label>
            <input type="text" id=note_id name=format!("note:{key}") maxlength="500" placeholder=i18n.t("supplement-note") />
        </div>
    }
}

/// A supplement request and, once answered, what changed.
#[component]
pub fn SupplementBox(s: crate::api::supplements::SupplementView) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="supplement" aria-label=i18n.t("supplement-title")>
            <h2>{i18n.t("supplement-title")}" — "{format_vn(s.requested_at_ms)}</h2>
            {s.sent_at_ms.is_none().then(|| view! { <p class="notice">{i18n.t("supplement-draft-waiting")}</p> })}
            <p><strong>{i18n.t("field-supplement-reason")}": "</strong>{s.reason.clone()}</p>
            <ul>{s.items.iter().map(|i| view! { <li>{i.label.clone()}{(!i.note.is_empty()).then(|| format!(": {}", i.note))}</li> }).collect_view()}</ul>
            {s.answered_at_ms.map(|at| view! {
                <table class="table">
                    <caption>{i18n.t("supplement-changes")}" — "{format_vn(at)}</caption>
                    <thead><tr><th scope="col">{i18n.t("supplement-item")}</th><th scope="col">{i18n.t("supplement-before")}</th><th scope="col">{i18n.t("supplement-after")}</th></tr></thead>
                    <tbody>
                        {s.changes.iter().map(|c| view! {
                            <tr>
                                <td>{c.label.clone()}</td>
                                <td>{match &c.before_file { Some(f) => view! { <a href=format!("/tep/{f}")>{c.before.clone()}</a> }.into_any(), None => view! { {c.before.clone()} }.into_any() }}</td>
                                <td>{match &c.after_file { Some(f) => view! { <a href=format!("/tep/{f}")>{c.after.clone()}</a> }.into_any(), None => view! { {c.after.clone()} }.into_any() }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

#[component]
pub fn DeskDossierPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = param("code");
    let error = [
        "desk/refuse",
        "desk/accept",
        "desk/request-supplement",
        "desk/transfer",
        "desk/assign",
        "desk/appraise",
        "desk/decide",
        "desk/deliver",
        "desk/apologise",
        "desk/urge",
        "desk/stop",
        "desk/consult",
        "desk/answer-consultation",
        "desk/send-supplement",
        "desk/answer-supplement",
        "desk/withdraw",
        "desk/claim-code",
    ]
    .into_iter()
    .find_map(posted_error);
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match desk_dossier(code).await {
                    Ok(d) => view! { <Layout title=d.dossier.code.clone()>{desk_view(i18n, d, error)}</Layout> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn slip_view(i18n: I18n, s: Slip) -> impl IntoView {
    let d = &s.desk;
    let title = i18n.t(&format!("slip-{}-title", s.form));
    let receipt = s.form == "01";
    view! {
        <article class="slip printable" aria-labelledby="slip-title">
            <header class="slip-head">
                <div>
                    <p class="slip-agency">{d.dossier.receiving_agency.clone()}</p>
                    <p class="slip-form">{i18n.t(&format!("slip-{}-form", s.form))}</p>
                </div>
                <div class="slip-motto">
                    <p><strong>{i18n.t("slip-motto-1")}</strong></p>
                    <p>{i18n.t("slip-motto-2")}</p>
                </div>
            </header>
            <h1 id="slip-title">{title}</h1>
            <p class="slip-code">{i18n.t("dossier-code")}" "<strong data-testid="slip-code">{d.dossier.code.clone()}</strong></p>
            <div class="slip-codes">
                <div role="img" aria-label=i18n.t("ack-qr-label") class="slip-qr" inner_html=s.qr_svg.clone()></div>
                <div role="img" aria-label=i18n.t("slip-barcode-label") class="slip-barcode" inner_html=s.barcode_svg.clone()></div>
            </div>
            <dl class="slip-facts">
                <dt>{i18n.t("slip-applicant")}</dt><dd>{d.dossier.applicant_name.clone()}" — "{i18n.t("field-cccd")}" "{d.applicant_cccd.clone()}" — "{d.applicant_phone.clone()}</dd>
                <dt>{i18n.t("dossier-procedure")}</dt><dd>{d.dossier.procedure.clone()}</dd>
                {receipt.then(|| view! {
                    <dt>{i18n.t("slip-components")}</dt>
                    <dd><ol>{d.dossier.components.iter().filter(|c| d.dossier.files.iter().any(|f| f.component_id == c.id)).map(|c| view! { <li>{c.name.clone()}" ("{c.copies.clone()}")"</li> }).collect_view()}</ol></dd>
                    <dt>{i18n.t("detail-allowance")}</dt><dd>{allowance_text(&d.allowance)}</dd>
                    <dt>{i18n.t("slip-received-at")}</dt><dd>{format_vn(s.issued_at_ms)}</dd>
                    <dt>{i18n.t("slip-due-at")}</dt><dd><strong data-testid="slip-due">{d.due_at_ms.map(format_vn).unwrap_or_default()}</strong></dd>
                })}
                {(s.form == "03").then(|| view! {
                    <dt>{i18n.t("slip-refused-at")}</dt><dd>{format_vn(s.issued_at_ms)}</dd>
                    <dt>{i18n.t("field-reason")}</dt><dd data-testid="slip-reason">{s.reason.clone()}</dd>
                })}
                {(s.form == "04").then(|| view! {
                    <dt>{i18n.t("slip-received-at")}</dt><dd>{d.accepted_at_ms.map(format_vn).unwrap_or_default()}</dd>
                    <dt>{i18n.t("slip-original-due")}</dt><dd>{d.original_due_at_ms.map(format_vn).unwrap_or_default()}</dd>
                    <dt>{i18n.t("slip-delay-reason")}</dt><dd data-testid="slip-reason">{s.reason.split_once("Lý do: ").map(|(_, r)| r.to_string()).unwrap_or_else(|| s.reason.clone())}</dd>
                    <dt>{i18n.t("slip-new-due")}</dt><dd><strong data-testid="slip-due">{d.due_at_ms.map(format_vn).unwrap_or_default()}</strong></dd>
                })}
                {(s.form == "02").then(|| {
                    let request = d.dossier.supplements.last().cloned();
                    view! {
                        <dt>{i18n.t("slip-requested-at")}</dt><dd>{format_vn(s.issued_at_ms)}</dd>
                        <dt>{i18n.t("slip-02-items")}</dt>
                        <dd><ol data-testid="slip-items">{request.as_ref().map(|r| r.items.iter().map(|i| view! { <li>{i.label.clone()}{(!i.note.is_empty()).then(|| format!(": {}", i.note))}</li> }).collect_view())}</ol></dd>
                        <dt>{i18n.t("field-supplement-reason")}</dt><dd data-testid="slip-reason">{request.map(|r| r.reason).unwrap_or_default()}</dd>
                    }
                })}
            </dl>
            {s.claim.clone().map(|c| view! {
                <section class="slip-claim" aria-labelledby="slip-claim-title">
                    <p id="slip-claim-title"><strong>{i18n.t("slip-claim-title")}</strong>" "<strong class="claim-code" data-testid="claim-code">{c.code.clone()}</strong></p>
                    <p>{i18n.t_args("slip-claim-how", &[("url", c.url.clone()), ("date", format_vn(c.expires_at_ms))])}</p>
                </section>
            })}
            {(receipt && s.claim.is_none() && d.applicant_account == "recorded").then(|| view! {
                <p class="no-print notice" data-testid="claim-code-printed">{i18n.t("slip-claim-printed")}</p>
            })}
            {(s.form == "04").then(|| view! { <p>{i18n.t("slip-04-body")}</p> })}
            {(s.form == "05").then(|| control_sheet(i18n, d))}
            <p class="slip-lookup">{i18n.t("slip-lookup")}" "{s.lookup_url.clone()}</p>
            <div class="slip-signatures">
                <p>{i18n.t("slip-sign-applicant")}</p>
                {if s.form == "04" {
                    view! { <p>{i18n.t("slip-sign-head")}</p> }.into_any()
                } else {
                    view! { <p>{i18n.t("slip-sign-officer")}<br/><br/><br/>{s.officer.clone()}</p> }.into_any()
                }}
            </div>
        </article>
        <p class="no-print"><a href=format!("/mot-cua/ho-so/{}", d.dossier.code)>{i18n.t("slip-back")}</a>" · "{i18n.t("ack-print-hint")}</p>
    }
}

/// Who took a step over: the desk officer who accepted the dossier for the reception step, the
/// assigned specialist, or else whoever acted on it.
fn step_taker(d: &DeskDossierView, s: &crate::api::handling::StepRecord) -> String {
    let acceptor = (s.kind == "receive")
        .then(|| d.dossier.events.iter().rev().find(|e| e.action == "accept" && e.at_ms == s.started_at_ms))
        .flatten()
        .map(|e| e.actor_name.clone());
    acceptor.or_else(|| s.assignee.clone()).or_else(|| s.ended_by.clone()).unwrap_or_default()
}

/// Mẫu 05: one row per hand-over, with the time each unit received and passed the dossier on,
/// and whether it did so early, on time or late.
fn control_sheet(i18n: I18n, d: &DeskDossierView) -> impl IntoView {
    view! {
        <table class="table control-sheet" data-testid="control-sheet">
            <thead><tr>
                <th scope="col">"#"</th>
                <th scope="col">{i18n.t("slip-05-agency")}</th>
                <th scope="col">{i18n.t("slip-05-handover")}</th>
                <th scope="col">{i18n.t("desk-step-result")}</th>
                <th scope="col">{i18n.t("slip-05-note")}</th>
            </tr></thead>
            <tbody>
                {d.steps.iter().enumerate().map(|(i, s)| {
                    let c = d.clock.steps.get(i).cloned();
                    view! {
                        <tr>
                            <td>{(i + 1).to_string()}</td>
                            <td>{i18n.t(&format!("step-{}", s.kind))}<br/><small>{crate::components::unit_and_agency(&s.unit, &s.agency)}</small></td>
                            <td>
                                {i18n.t("slip-05-taker")}": "{step_taker(d, s)}" "{format_vn(s.started_at_ms)}
                                {s.ended_at_ms.map(|e| view! { <br/>{i18n.t("slip-05-giver")}": "{s.ended_by.clone().unwrap_or_default()}" "{format_vn(e)} })}
                            </td>
                            <td>{c.and_then(|c| c.timeliness).map(|t| i18n.t(&t))}</td>
                            <td>{s.outcome.clone().filter(|o| o != "done").map(|o| i18n.t(&format!("outcome-{o}")))}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {(!d.consultations.is_empty()).then(|| view! {
            <table class="table control-sheet" data-testid="control-sheet-consultations">
                <caption>{i18n.t("desk-consultations")}</caption>
                {table_head(i18n, &["slip-05-agency", "desk-consult-due", "desk-step-result", "desk-consult-answer"])}
                <tbody>
                    {d.consultations.iter().map(|c| view! {
                        <tr>
                            <td>{crate::components::unit_and_agency(&c.unit, &c.agency)}</td>
                            <td>{format_vn(c.due_at_ms)}</td>
                            <td>{c.answered_at_ms.map(|t| i18n.t(crate::domain::clock::timeliness(c.due_at_ms, t).key()))}</td>
                            <td>{c.answer.clone().unwrap_or_default()}{c.answered_at_ms.map(|t| format!(" ({})", format_vn(t)))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}

#[component]
pub fn SlipPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = param("code");
    let form = param("form");
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match desk_slip(code, form).await {
                    Ok(s) => view! { <Layout title=i18n.t(&format!("slip-{}-title", s.form))>{slip_view(i18n, s)}</Layout> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
