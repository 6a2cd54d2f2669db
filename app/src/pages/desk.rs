//! The one-stop desk (desktop, keyboard friendly): inbox, dossier view with reception actions,
//! and the printable slips (A5).

use crate::api::desk::{desk_dossier, desk_inbox, desk_slip, DeskDossierView, Slip};
use crate::components::field::{error_for, ErrorSummary};
use crate::components::layout::Layout;
use crate::components::{allowance_text, format_bytes, FormValues, StatusBadge};
use crate::domain::vn_time::format_vn;
use crate::i18n::{use_i18n, I18n};
use crate::pages::dossiers::History;
use crate::pages::{param, posted_error, query, ErrorPage};
use leptos::prelude::*;

#[component]
pub fn DeskInboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let tab = query("tab");
    let q = query("q");
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match desk_inbox(tab, q).await {
                    Ok(inbox) => view! {
                        <Layout title=i18n.t("desk-title")>
                            <h1>{i18n.t("desk-title")}</h1>
                            <form method="get" action="/mot-cua" class="search desk-search" role="search">
                                <label for="q">{i18n.t("desk-search")}</label>
                                <div class="search-row">
                                    <input id="q" name="q" type="search" value=inbox.q.clone() maxlength="100" placeholder=i18n.t("desk-search-placeholder") />
                                    <button type="submit">{i18n.t("search-button")}</button>
                                </div>
                            </form>
                            {(!inbox.q.is_empty()).then(|| view! { <p role="status" class="result-count">{i18n.t_args("desk-search-results", &[("count", inbox.rows.len().to_string()), ("q", inbox.q.clone())])}</p> })}
                            <nav class="tabs" aria-label=i18n.t("desk-tabs")>
                                {inbox.counts.iter().map(|(t, n)| {
                                    let current = *t == inbox.tab && inbox.q.is_empty();
                                    view! {
                                        <a href=format!("/mot-cua?tab={t}") aria-current=current.then_some("page") class:current=current>
                                            {i18n.t(&format!("desk-tab-{t}"))}" "<span class="count">"("{n.to_string()}")"</span>
                                        </a>
                                    }
                                }).collect_view()}
                            </nav>
                            {inbox.rows.is_empty().then(|| view! { <p>{i18n.t("desk-empty")}</p> })}
                            <table class="table desk-table">
                                <caption class="visually-hidden">{i18n.t(&format!("desk-tab-{}", inbox.tab))}</caption>
                                <thead><tr>
                                    <th scope="col">{i18n.t("desk-col-code")}</th>
                                    <th scope="col">{i18n.t("dossier-procedure")}</th>
                                    <th scope="col">{i18n.t("dossier-applicant")}</th>
                                    <th scope="col">{i18n.t("dossier-submitted-at")}</th>
                                    <th scope="col">{i18n.t("desk-due")}</th>
                                    <th scope="col">{i18n.t("dossier-status")}</th>
                                </tr></thead>
                                <tbody>
                                    {inbox.rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td><a class="code" href=format!("/mot-cua/ho-so/{}", r.code)>{r.code.clone()}</a></td>
                                            <td>{r.procedure}</td>
                                            <td>{r.applicant}<br/><small>{i18n.t(&format!("channel-{}", r.channel))}</small></td>
                                            <td>{format_vn(r.submitted_at_ms)}</td>
                                            <td>{r.due_at_ms.map(format_vn).unwrap_or_default()}</td>
                                            <td><StatusBadge status=r.status /></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </Layout>
                    }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn desk_view(i18n: I18n, d: DeskDossierView, error: Option<crate::error::AppError>) -> impl IntoView {
    let code = d.dossier.code.clone();
    let submitted = d.dossier.status == 1;
    let accepted = d.dossier.events.iter().any(|e| e.action == "accept");
    let refused = d.dossier.events.iter().any(|e| e.action == "refuse");
    let asked = !d.dossier.supplements.is_empty();
    view! {
        <p class="breadcrumb"><a href="/mot-cua">{i18n.t("desk-title")}</a></p>
        <h1>{i18n.t("dossier-title")}" "<span class="code">{code.clone()}</span></h1>
        <div class="desk-grid">
            <section>
                <dl class="facts">
                    <dt>{i18n.t("dossier-status")}</dt><dd><StatusBadge status=d.dossier.status /></dd>
                    <dt>{i18n.t("dossier-procedure")}</dt><dd>{d.dossier.procedure.clone()}<br/><small>{allowance_text(&d.allowance)}</small></dd>
                    <dt>{i18n.t("dossier-applicant")}</dt><dd>{d.dossier.applicant_name.clone()}<br/><small>{i18n.t("field-cccd")}": "{d.applicant_cccd.clone()}" · "{d.applicant_phone.clone()}</small></dd>
                    <dt>{i18n.t("dossier-submitted-at")}</dt><dd>{format_vn(d.dossier.submitted_at_ms)}" · "{i18n.t(&format!("channel-{}", d.dossier.channel))}</dd>
                    {d.due_at_ms.map(|due| view! { <dt>{i18n.t("desk-due")}</dt><dd><strong>{format_vn(due)}</strong></dd> })}
                </dl>
                <h2>{i18n.t("submit-form-section")}</h2>
                <FormValues fields=d.dossier.form_fields.clone() values=d.dossier.form.clone() />
                <h2>{i18n.t("submit-files-section")}</h2>
                <ul class="files">
                    {d.dossier.components.iter().map(|c| {
                        let file = d.dossier.files.iter().find(|f| f.component_id == c.id).cloned();
                        view! { <li>{c.name.clone()}{(!c.required).then(|| format!(" {}", i18n.t("component-optional")))}": "{match file {
                            Some(f) => view! { <a href=format!("/tep/{}", f.id) target="_blank">{f.file_name}</a>" ("{format_bytes(f.size_bytes)}")" }.into_any(),
                            None => view! { <em>{i18n.t("file-none")}</em> }.into_any(),
                        }}</li> }
                    }).collect_view()}
                </ul>
            </section>
            <section class="actions-panel" aria-labelledby="actions-title">
                <h2 id="actions-title">{i18n.t("desk-actions")}</h2>
                {accepted.then(|| view! { <p><a class="button" href=format!("/mot-cua/ho-so/{code}/phieu/01")>{i18n.t("slip-01-print")}</a></p> })}
                {refused.then(|| view! { <p><a class="button" href=format!("/mot-cua/ho-so/{code}/phieu/03")>{i18n.t("slip-03-print")}</a></p> })}
                {asked.then(|| view! { <p><a class="button" href=format!("/mot-cua/ho-so/{code}/phieu/02")>{i18n.t("slip-02-print")}</a></p> })}
                {submitted.then(|| view! {
                    <ErrorSummary error=error.clone() labels=vec![("reason".to_string(), i18n.t("field-reason"))] />
                    <form method="post" action="/api/desk/accept">
                        <input type="hidden" name="code" value=code.clone() />
                        <button type="submit" class="button-primary">{i18n.t("desk-accept")}</button>
                    </form>
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
                        <div class="field" class:field-invalid=error_for(&error, "supplement_reason").is_some()>
                            <label for="supplement_reason">{i18n.t("field-supplement-reason")}</label>
                            {error_for(&error, "supplement_reason").map(|e| view! { <p class="field-error" id="supplement_reason-error">{e}</p> })}
                            <textarea id="supplement_reason" name="reason" rows="3" maxlength="2000">{error.as_ref().and_then(|e| e.value("supplement_reason")).unwrap_or_default()}</textarea>
                        </div>
                        <input type="hidden" name="code" value=code.clone() />
                        <button type="submit">{i18n.t("desk-request-supplement")}</button>
                    </form>
                    </details>
                    <form method="post" action="/api/desk/refuse" class="stack">
                        <div class="field" class:field-invalid=error_for(&error, "reason").is_some()>
                            <label for="reason">{i18n.t("field-reason")}</label>
                            {error_for(&error, "reason").map(|e| view! { <p class="field-error" id="reason-error">{e}</p> })}
                            <textarea id="reason" name="reason" rows="3" maxlength="2000" required=true>{error.as_ref().and_then(|e| e.value("reason")).unwrap_or_default()}</textarea>
                        </div>
                        <input type="hidden" name="code" value=code.clone() />
                        <button type="submit">{i18n.t("desk-refuse")}</button>
                    </form>
                })}
            </section>
        </div>
        {d.dossier.supplements.iter().rev().map(|s| view! { <SupplementBox s=s.clone() /> }).collect_view()}
        <History events=d.dossier.events.clone() />
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
    let error = posted_error("desk/refuse")
        .or_else(|| posted_error("desk/accept"))
        .or_else(|| posted_error("desk/request-supplement"));
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
            <p class="slip-lookup">{i18n.t("slip-lookup")}" "{s.lookup_url.clone()}</p>
            <div class="slip-signatures">
                <p>{i18n.t("slip-sign-applicant")}</p>
                <p>{i18n.t("slip-sign-officer")}<br/><br/><br/>{s.officer.clone()}</p>
            </div>
        </article>
        <p class="no-print"><a href=format!("/mot-cua/ho-so/{}", d.dossier.code)>{i18n.t("slip-back")}</a>" · "{i18n.t("ack-print-hint")}</p>
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
