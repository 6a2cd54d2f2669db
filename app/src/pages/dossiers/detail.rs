//! One dossier for its applicant (`/ho-so/{code}`): status and deadline, form, files, the open
//! supplement request with the form that answers it, withdrawal, and the history.

use crate::api::dossiers::{my_dossier, DossierDetail};
use crate::api::handling::{working_time_text, WithdrawDossier};
use crate::api::supplements::{AnswerSupplement, DeskAnswerSupplement};
use crate::components::field::{error_for, ErrorSummary};
use crate::components::form_inputs::{upload_limits, FormInput};
use crate::components::layout::Layout;
use crate::components::upload::upload_progress;
use crate::components::{format_bytes, FormValues, History, StatusBadge, SupplementBox};
use crate::domain::form::FormField;
use crate::domain::supplement::ItemKind;
use crate::domain::vn_time::format_vn;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{page_data, param, posted_error, query};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn DossierPage() -> impl IntoView {
    let i18n = use_i18n();
    page_data(my_dossier(param("code")), move |d| {
        view! { <Layout title=d.code.clone()>{detail_view(i18n, d)}</Layout> }
    })
}

/// The form that answers the open supplement request, on a page of its own: the only citizen
/// page besides the dossier form that loads the WASM (for its upload progress), so the dossier's
/// own page stays a few kilobytes on a cheap phone.
#[component]
pub fn SupplementAnswerPage() -> impl IntoView {
    let i18n = use_i18n();
    page_data(my_dossier(param("code")), move |d| {
        let back = format!("/ho-so/{}", d.code);
        let form = supplement_answer(i18n, &d, posted_error(AnswerSupplement::PATH), false).into_any();
        let none = open_request(&d)
            .is_none()
            .then(|| view! { <p class="notice" role="status">{i18n.t("supplement-none-open")}</p> });
        view! {
            <Layout title=d.code.clone()>
                <h1>{i18n.t("supplement-title")}" "<span class="code">{d.code.clone()}</span></h1>
                {none}
                {form}
                <p><a href=back>{i18n.t("supplement-back")}</a></p>
            </Layout>
        }
    })
}

/// The supplement request sent and not yet answered while the dossier waits for it.
fn open_request(d: &DossierDetail) -> Option<crate::api::supplements::SupplementView> {
    d.supplements
        .last()
        .filter(|s| s.answered_at_ms.is_none() && s.sent_at_ms.is_some() && d.status.is_waiting())
        .cloned()
}

/// On the dossier's page: what the office asks for, and the way to the form that answers it.
fn supplement_asked(i18n: I18n, d: &DossierDetail) -> impl IntoView {
    open_request(d).map(|s| {
        view! {
            <section class="supplement supplement-open" aria-labelledby="supplement-asked-title">
                <h2 id="supplement-asked-title">{i18n.t("supplement-asked")}</h2>
                <p><strong>{i18n.t("field-supplement-reason")}": "</strong><span data-testid="supplement-reason">{s.reason.clone()}</span></p>
                <ul data-testid="supplement-items">{s.items.iter().map(|i| view! { <li>{i.label.clone()}{(!i.note.is_empty()).then(|| format!(": {}", i.note))}</li> }).collect_view()}</ul>
                <p><a class="button button-primary" href=format!("/ho-so/{}/bo-sung", d.code)>{i18n.t("supplement-answer-link")}</a></p>
            </section>
        }
    })
}

/// The open supplement request and the form that answers it: only the requested items.
/// The applicant posts it online; the desk enters a paper supplement with the same form.
pub fn supplement_answer(i18n: I18n, d: &DossierDetail, error: Option<AppError>, at_desk: bool) -> impl IntoView {
    let open = open_request(d);
    // The desk enters what the applicant handed in: the same form, in the desk's words.
    let action = if at_desk { DeskAnswerSupplement::PATH } else { AnswerSupplement::PATH };
    open.map(|s| {
        let mut labels: Vec<(String, String)> = Vec::new();
        let fields: Vec<FormField> = d.form_fields.iter().filter(|f| s.items.iter().any(|i| i.kind == ItemKind::Field && i.target == f.name)).cloned().collect();
        for f in &fields {
            labels.push((f.input_name(), i18n.lang.pick(&f.label_vi, &f.label_en).to_string()));
        }
        let components: Vec<_> = d.components.iter().filter(|c| s.items.iter().any(|i| i.asks_for_component(c.id))).cloned().collect();
        for c in &components {
            labels.push((format!("file_{}", c.id), c.name.clone()));
        }
        let values = d.form.clone();
        view! {
            <section class="supplement supplement-open" aria-labelledby="supplement-answer-title">
                <h2 id="supplement-answer-title">{i18n.t(if at_desk { "desk-paper-supplement-asked" } else { "supplement-asked" })}</h2>
                <p><strong>{i18n.t("field-supplement-reason")}": "</strong><span data-testid="supplement-reason">{s.reason.clone()}</span></p>
                <ul data-testid="supplement-items">{s.items.iter().map(|i| view! { <li>{i.label.clone()}{(!i.note.is_empty()).then(|| format!(": {}", i.note))}</li> }).collect_view()}</ul>
                <ErrorSummary error=error.clone() labels=labels />
                <form id="supplement-form" method="post" action=action enctype="multipart/form-data" class="stack">
                    <input type="hidden" name="code" value=d.code.clone() />
                    {fields.into_iter().map(|f| {
                        let v = error.as_ref().and_then(|e| e.value(&f.input_name())).or_else(|| values.get(&f.name).cloned()).unwrap_or_default();
                        let e = error_for(&error, &f.input_name());
                        view! { <FormInput field=f value=v error=e /> }
                    }).collect_view()}
                    {components.into_iter().map(|c| {
                        let name = format!("file_{}", c.id);
                        let e = error_for(&error, &name);
                        view! {
                            <div class="field file-field" class:field-invalid=e.is_some()>
                                <label for=name.clone()>{c.name.clone()}</label>
                                <p class="hint">{upload_limits(i18n)}</p>
                                {e.clone().map(|e| view! { <p class="field-error" id=format!("{name}-error")>{e}</p> })}
                                <input id=name.clone() name=name.clone() type="file" required=true accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png" aria-invalid=e.is_some().then_some("true") />
                            </div>
                        }
                    }).collect_view()}
                    {upload_progress(i18n, "supplement-form")}
                    <button type="submit" class="button-primary">{i18n.t(if at_desk { "desk-paper-supplement-record" } else { "supplement-send" })}</button>
                </form>
            </section>
        }
    })
}

/// While the dossier is not decided, its owner may withdraw it, with a reason.
fn withdraw_form(i18n: I18n, d: &DossierDetail) -> impl IntoView {
    let error = posted_error(WithdrawDossier::PATH);
    let msg = error_for(&error, "reason");
    d.status.is_open().then(|| view! {
        <details class="withdraw" open=msg.is_some()>
            <summary>{i18n.t("withdraw-title")}</summary>
            <form method="post" action=WithdrawDossier::PATH class="stack">
                <input type="hidden" name="code" value=d.code.clone() />
                <div class="field" class:field-invalid=msg.is_some()>
                    <label for="withdraw-reason">{i18n.t("withdraw-reason")}</label>
                    {msg.clone().map(|e| view! { <p class="field-error" id="withdraw-reason-error">{e}</p> })}
                    <textarea id="withdraw-reason" name="reason" rows="2" maxlength="2000" required=true>{error.as_ref().and_then(|e| e.value("reason")).unwrap_or_default()}</textarea>
                </div>
                <button type="submit">{i18n.t("withdraw-button")}</button>
            </form>
        </details>
    })
}

/// The way to pay what the dossier owes now: a plain form to the gateway (no JavaScript needed),
/// or, while an online attempt waits for the gateway's word, a note and a reload.
fn pay_form(i18n: I18n, d: &DossierDetail) -> impl IntoView {
    use crate::api::payments::StartPayment;
    let (_, total) = crate::domain::fees::payable_now(&d.obligations, d.status);
    let error = posted_error(StartPayment::PATH).map(|e| i18n.t(e.key()));
    let pending = d.payments.first().is_some_and(|p| p.state == "pending");
    view! {
        {error.map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        {(pending && total > 0).then(|| view! {
            <p class="notice" role="status">{i18n.t("payment-state-pending")}". "{i18n.t("fees-pending-hint")}" "
                <a href=format!("/ho-so/{}", d.code)>{i18n.t("fees-refresh")}</a></p>
        })}
        {(total > 0).then(|| view! {
            <form method="post" action=StartPayment::PATH class="pay">
                <input type="hidden" name="code" value=d.code.clone() />
                <p><strong data-testid="to-pay">{i18n.t_args("fees-to-pay-now", &[("amount", crate::domain::text::format_vnd(total))])}</strong></p>
                <p class="hint">{i18n.t("fees-pay-hint")}</p>
                <button type="submit" class="button-primary">{i18n.t_args("fees-pay-online", &[("amount", crate::domain::text::format_vnd(total))])}</button>
            </form>
        })}
    }
}

/// Once the service is over its applicant rates it, once: the form (no JavaScript needed), or
/// the rating given.
fn rating_section(i18n: I18n, d: &DossierDetail) -> impl IntoView {
    use crate::domain::status::Action;
    if let Some(e) = d.events.iter().rev().find(|e| e.action == Action::Rate.name()) {
        let answer = d.events.iter().rev().find_map(|e| match &e.payload {
            Some(crate::domain::event::Payload::RatingAnswered { answer }) => Some(answer.clone()),
            _ => None,
        });
        let owed = crate::handling::answer_owed(&d.events);
        return view! {
            <section class="rating" id="danh-gia" aria-labelledby="rating-title">
                <h2 id="rating-title">{i18n.t("rating-yours")}</h2>
                <p data-testid="rating-given">{crate::components::event_note::event_note(&i18n, e)}</p>
                {owed.map(|due| view! { <p class="hint">{i18n.t_args("rating-answer-due", &[("due", format_vn(due))])}</p> })}
                {answer.map(|a| view! {
                    <h3>{i18n.t("rating-answer-title")}</h3>
                    <p class="answer" data-testid="rating-answer">{a}</p>
                })}
            </section>
        }
        .into_any();
    }
    if !crate::domain::rating::may_be_rated(d.status) {
        return ().into_any();
    }
    rating_form(i18n, &d.code, None).into_any()
}

fn detail_view(i18n: I18n, d: DossierDetail) -> impl IntoView {
    view! {
        <h1>{i18n.t("dossier-title")}" "<span class="code">{d.code.clone()}</span></h1>
        {query("bo_sung").map(|_| view! { <p class="notice" role="status">{i18n.t("supplement-sent")}</p> })}
        {query("danh_gia").map(|_| view! { <p class="notice" role="status" data-testid="rating-thanks">{i18n.t("rating-thanks")}</p> })}
        {supplement_asked(i18n, &d)}
        <dl class="facts">
            <dt>{i18n.t("dossier-status")}</dt><dd><StatusBadge status=d.status /></dd>
            <dt>{i18n.t("dossier-location")}</dt><dd>{i18n.name(&d.location)}</dd>
            <dt>{i18n.t("dossier-procedure")}</dt><dd><a href=format!("/thu-tuc/{}", d.procedure_code)>{i18n.name(&d.procedure)}</a></dd>
            <dt>{i18n.t("dossier-agency")}</dt><dd>{i18n.name(&d.receiving_agency)}</dd>
            {crate::components::applied_for::applied_for_facts(i18n, d.applied_for.as_ref(), &d.components, &d.files, false)}
            <dt>{i18n.t("dossier-submitted-at")}</dt><dd>{format_vn(d.submitted_at_ms)}</dd>
            {d.due_at_ms.map(|due| view! {
                <dt>{i18n.t("dossier-due")}</dt>
                <dd>
                    <strong data-testid="due">{format_vn(due)}</strong>
                    {d.left_minutes.map(|left| {
                        let text = working_time_text(&i18n, left, d.day_minutes);
                        if left < 0 {
                            view! { <br/><span class="late-label">{i18n.t_args("desk-overdue-by", &[("time", text)])}</span> }.into_any()
                        } else {
                            view! { <br/><span class="time-left" data-testid="countdown">{i18n.t_args("dossier-time-left", &[("time", text)])}</span> }.into_any()
                        }
                    })}
                </dd>
            })}
            {d.events.iter().any(|e| e.action == "accept").then(|| view! {
                <dt>{i18n.t("receipt-title")}</dt>
                <dd><a href=format!("/ho-so/{}/bien-nhan", d.code) data-testid="receipt-link">{i18n.t("receipt-link")}</a></dd>
            })}
            {d.results.is_empty().then(|| d.result_file.clone()).flatten().map(|(id, name)| view! {
                <dt>{i18n.t("work-file-result")}</dt><dd><a href=format!("/tep/{id}")>{name}</a></dd>
            })}
        </dl>
        {crate::pages::results::issued_results(i18n, &d.results)}
        <h2>{i18n.t("submit-form-section")}</h2>
        <FormValues fields=d.form_fields.clone() values=d.form.clone() />
        <h2>{i18n.t("submit-files-section")}</h2>
        <ul>
            {d.components.iter().map(|c| {
                let file = d.files.iter().find(|f| f.component_id == c.id).cloned();
                view! { <li>{c.name.clone()}": "{match file {
                    Some(f) => view! { <a href=format!("/tep/{}", f.id)>{f.file_name}</a>" ("{format_bytes(f.size_bytes)}")" }.into_any(),
                    None => view! { <em>{i18n.t("file-none")}</em> }.into_any(),
                }}</li> }
            }).collect_view()}
        </ul>
        {d.supplements.iter().rev().filter(|s| s.answered_at_ms.is_some()).map(|s| view! { <SupplementBox s=s.clone() /> }).collect_view()}
        {crate::components::fees::fees_section(i18n, &d.code, &d.obligations, &d.payments, pay_form(i18n, &d).into_any())}
        {withdraw_form(i18n, &d)}
        {rating_section(i18n, &d)}
        <History events=d.events />
    }
}

/// The applicant's rating form on a citizen page (`ratings/submit`, no JavaScript needed): on
/// their dossier's page, or on the lookup page with the dossier's token.
pub fn rating_form(i18n: I18n, code: &str, token: Option<String>) -> impl IntoView {
    use crate::api::ratings::SubmitRating;
    use crate::components::rating::{rating_fields, rating_labels};
    let error = crate::pages::posted_error(SubmitRating::PATH);
    view! {
        <section class="rating" id="danh-gia" aria-labelledby="rating-title">
            <h2 id="rating-title">{i18n.t("rating-title")}</h2>
            <p>{i18n.t("rating-lead")}</p>
            <ErrorSummary error=error.clone() labels=rating_labels(i18n) />
            <form method="post" action=SubmitRating::PATH class="stack" data-testid="rating-form">
                <input type="hidden" name="code" value=code.to_string() />
                {token.map(|t| view! { <input type="hidden" name="t" value=t /> })}
                {rating_fields(i18n, "rating", &error)}
                <button type="submit" class="button-primary">{i18n.t("rating-submit")}</button>
            </form>
        </section>
    }
}
