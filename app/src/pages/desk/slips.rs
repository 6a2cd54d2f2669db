//! The printable slips (A5): Mẫu 01 receipt, 02 supplement request, 03 refusal, 04 apology,
//! 05 control sheet.

use crate::api::desk::{desk_slip, my_receipt, DeskDossierView, Slip};
use crate::components::layout::Layout;
use crate::components::{allowance_text, table_head};
use crate::domain::vn_time::format_vn;
use crate::i18n::{use_i18n, I18n, Lang};
use crate::pages::{page_data, param};
use leptos::prelude::*;

/// A slip is a legal document: always in Vietnamese, whatever the officer's interface language
/// (only the page around it, which does not print, follows the interface).
#[component]
pub fn SlipPage() -> impl IntoView {
    let ui = use_i18n();
    page_data(desk_slip(param("code"), param("form")), move |s| {
        let code = s.desk.dossier.code.clone();
        view! {
            <Layout title=I18n { lang: Lang::Vi }.t(&format!("slip-{}-title", s.form))>
                {slip_view(I18n { lang: Lang::Vi }, s)}
                <p class="no-print"><a href=format!("/mot-cua/ho-so/{code}")>{ui.t("slip-back")}</a>" · "{ui.t("ack-print-hint")}</p>
            </Layout>
        }
    })
}

/// The applicant's copy of the receipt (`/ho-so/{code}/bien-nhan`), for online applicants too.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let ui = use_i18n();
    page_data(my_receipt(param("code")), move |s| {
        let code = s.desk.dossier.code.clone();
        view! {
            <Layout title=I18n { lang: Lang::Vi }.t("slip-01-title")>
                {slip_view(I18n { lang: Lang::Vi }, s)}
                <p class="no-print"><a href=format!("/ho-so/{code}")>{ui.t("slip-back")}</a>" · "{ui.t("ack-print-hint")}</p>
            </Layout>
        }
    })
}

fn slip_view(i18n: I18n, s: Slip) -> impl IntoView {
    let d = &s.desk;
    let title = i18n.t(&format!("slip-{}-title", s.form));
    let receipt = s.form == "01";
    view! {
        <article class="slip printable" class:slip-05={s.form == "05"} aria-labelledby="slip-title" lang="vi">
            <header class="slip-head">
                <div>
                    <p class="slip-agency">{i18n.name(&d.dossier.receiving_agency)}</p>
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
                {crate::components::applied_for::applied_for_facts(i18n, d.dossier.applied_for.as_ref(), &[], &[], true)}
                <dt>{i18n.t("dossier-procedure")}</dt><dd>{i18n.name(&d.dossier.procedure)}</dd>
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
                            <td>{i18n.t(&format!("step-{}", s.kind))}<br/><small>{i18n.unit_and_agency(&s.unit, &s.agency)}</small></td>
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
                            <td>{i18n.unit_and_agency(&c.unit, &c.agency)}</td>
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
