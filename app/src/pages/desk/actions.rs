//! The forms of the actions an officer may take on a dossier now (`DeskDossierView::actions`),
//! each posting to its server function: reception (accept, supplement request, refuse,
//! transfer, deliver), handling (assign, appraise, consult, decide), the leaders' apology,
//! urging and stop, and the answer to a consultation.

use crate::api::claim::DeskClaimCode;
use crate::api::consultations::{DeskAnswerConsultation, DeskConsult};
use crate::api::desk::{DeskAccept, DeskDossierView, DeskRefuse};
use crate::api::handling::{
    DeskApologise, DeskAppraise, DeskAssign, DeskDecide, DeskDeliver, DeskRevokeResult, DeskStop, DeskTransfer,
    DeskUrge,
};
use crate::api::supplements::{DeskAnswerSupplement, DeskWithdraw, RequestSupplement, SendSupplement};
use crate::components::field::error_for;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Every endpoint a form of the desk posts to: a failed post comes back to the dossier's page
/// with its error.
pub const ACTION_PATHS: [&str; 25] = [
    DeskRefuse::PATH,
    DeskAccept::PATH,
    RequestSupplement::PATH,
    DeskTransfer::PATH,
    DeskAssign::PATH,
    DeskAppraise::PATH,
    DeskDecide::PATH,
    DeskDeliver::PATH,
    DeskApologise::PATH,
    DeskUrge::PATH,
    DeskStop::PATH,
    DeskConsult::PATH,
    DeskAnswerConsultation::PATH,
    SendSupplement::PATH,
    DeskAnswerSupplement::PATH,
    DeskWithdraw::PATH,
    DeskClaimCode::PATH,
    crate::api::payments::DeskRecordPayment::PATH,
    crate::api::payments::DeskRequestPayment::PATH,
    crate::api::payments::DeskExempt::PATH,
    crate::api::payments::DeskRefund::PATH,
    crate::api::ratings::DeskRecordRating::PATH,
    DeskRevokeResult::PATH,
    crate::api::ratings::DeskAnswerRating::PATH,
    crate::api::handling::DeskDigitiseResult::PATH,
];

/// Whether the actions panel shows any of its forms to this officer (from the same flags the
/// forms read): only then is their code loaded in the desk (`dossier::forms`).
pub fn any_form(a: &crate::handling::Available) -> bool {
    a.receive
        || a.transfer
        || a.deliver
        || a.assign
        || a.appraise
        || a.consult
        || a.decide
        || a.apologise
        || a.urge
        || a.stop
        || a.send_supplement
        || a.answer_supplement
        || a.withdraw
        || a.pay
        || a.request_payment
        || a.exempt
        || a.refund
        || a.rate
        || a.revoke_result
        || a.answer_rating
        || a.digitise_result
}

/// Every form of the actions panel the officer may use now.
pub(super) fn all_forms(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> AnyView {
    view! {
        {reception_forms(i18n, d, error)}
        {payment_form(i18n, d, error)}
        {request_payment_form(i18n, d, error)}
        {exempt_form(i18n, d, error)}
        {refund_form(i18n, d, error)}
        {handling_forms(i18n, d, error)}
        {leader_forms(i18n, d, error)}
        {rating_form(i18n, d, error)}
    }
    .into_any()
}

/// The specialist's question to other units, each answering within the days given.
fn consult_form(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    let units_error = error_for(error, "units");
    let days_error = error_for(error, "days");
    let (units_invalid, days_invalid) = (units_error.is_some(), days_error.is_some());
    let open = units_invalid || days_invalid || error_for(error, "question").is_some();
    let days = error.as_ref().and_then(|e| e.value("days")).unwrap_or_else(|| "3".into());
    view! {
        <details class="consult" open=open>
            <summary>{i18n.t("desk-consult")}</summary>
            <form method="post" action=DeskConsult::PATH enctype="multipart/form-data" class="stack">
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
                                    <label for=id>{i18n.name(&u.label)}</label>
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

/// "When the system was down": the real time of the action and why it is entered now.
#[component]
pub fn BackfillFields(prefix: &'static str, error: Option<AppError>) -> impl IntoView {
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
    error: Option<AppError>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let msg = error_for(&error, id);
    let invalid = msg.is_some();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id>{label}</label>
            {msg.map(|e| view! { <p class="field-error" id=format!("{id}-error")>{e}</p> })}
            // What was typed comes back under the field's id, or its name when it is this field
            // the error is about (several forms share the name `reason`).
            <textarea id=id name=name rows="3" maxlength="2000" required=required>
                {error.as_ref().and_then(|e| e.value(id).or_else(|| invalid.then(|| e.value(name)).flatten())).unwrap_or_default()}
            </textarea>
        </div>
    }
}

/// A folded form of one action that needs only a written reason (urge, stop): open when the
/// reason was refused.
#[component]
fn ReasonAction(
    code: String,
    class: &'static str,
    action: &'static str,
    id: &'static str,
    name: &'static str,
    title: String,
    label: String,
    error: Option<AppError>,
) -> impl IntoView {
    let open = error_for(&error, id).is_some();
    view! {
        <details class=class open=open>
            <summary>{title.clone()}</summary>
            <form method="post" action=action class="stack">
                <input type="hidden" name="code" value=code />
                <ReasonField id=id name=name label=label error=error required=true />
                <button type="submit">{title}</button>
            </form>
        </details>
    }
}

/// The supplement request (Mẫu 02): every component and form field may be asked for, each with a
/// note — at reception, or by the specialist during appraisal.
fn supplement_request_form(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    let code = d.dossier.code.clone();
    let error = error.clone();
    view! {
        <details class="supplement-request" open=error_for(&error, "items").is_some() || error_for(&error, "supplement_reason").is_some()>
        <summary>{i18n.t("desk-request-supplement")}</summary>
        <form method="post" action=RequestSupplement::PATH enctype="multipart/form-data" class="stack">
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

fn reception_forms(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    let code = d.dossier.code.clone();
    let error = error.clone();
    let a = d.actions.clone();
    // The unit the dossier goes to after the desk, when its workflow goes on past reception.
    let next_unit = d.workflow.get(1).map(|w| i18n.unit_and_agency(&w.unit, &w.agency));
    view! {
        {a.receive.then(|| view! {
            <form method="post" action=DeskAccept::PATH class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <BackfillFields prefix="accept" error=error.clone() />
                // When the route is known, accepting and handing on is one action.
                {next_unit.clone().map(|unit| view! {
                    <button type="submit" class="button-primary" name="and_transfer" value="1" accesskey="t">
                        {i18n.t_args("desk-accept-and-transfer", &[("unit", unit)])}
                    </button>
                })}
                <button type="submit" class:button-primary=next_unit.is_none() accesskey=if next_unit.is_none() { "t" } else { "a" }>{i18n.t("desk-accept")}</button>
            </form>
            {supplement_request_form(i18n, d, &error)}
            // Refusing is a step of its own: labelled, with the reason and a confirmation.
            <details class="refuse" open=error_for(&error, "reason").is_some()>
                <summary>{i18n.t("desk-refuse-step")}</summary>
                <form method="post" action=DeskRefuse::PATH class="stack">
                    <ReasonField id="reason" name="reason" label=i18n.t("desk-refuse-reason") error=error.clone() required=true />
                    <input type="hidden" name="code" value=code.clone() />
                    <div class="choice">
                        <input type="checkbox" id="refuse-confirm" name="confirm" value="1" required=true />
                        <label for="refuse-confirm">{i18n.t("desk-refuse-confirm")}</label>
                    </div>
                    <button type="submit">{i18n.t("desk-refuse")}</button>
                </form>
            </details>
        })}
        {a.transfer.then(|| view! {
            <form method="post" action=DeskTransfer::PATH class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <p>{i18n.t("desk-transfer-to")}" "<strong>{d.workflow.get(1).map(|w| i18n.unit_and_agency(&w.unit, &w.agency))}</strong></p>
                <BackfillFields prefix="transfer" error=error.clone() />
                <button type="submit" class="button-primary" accesskey="c">{i18n.t("desk-transfer")}</button>
            </form>
        })}
        {a.deliver.then(|| view! {
            <form method="post" action=DeskDeliver::PATH class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <fieldset>
                    <legend>{i18n.t("desk-delivery")}</legend>
                    {error_for(&error, "delivery").map(|e| view! { <p class="field-error">{e}</p> })}
                    {crate::api::handling::DELIVERIES.iter().enumerate().map(|(i, how)| view! {
                        <div class="choice"><input type="radio" id=format!("delivery-{}", how.name()) name="delivery" value=how.name() checked={i == 0} /><label for=format!("delivery-{}", how.name())>{i18n.t(&format!("delivery-{}", how.name()))}</label></div>
                    }).collect_view()}
                </fieldset>
                <BackfillFields prefix="deliver" error=error.clone() />
                <button type="submit" class="button-primary" accesskey="r">{i18n.t("desk-deliver")}</button>
            </form>
        })}
    }
}

fn handling_forms(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    let code = d.dossier.code.clone();
    let error = error.clone();
    let a = d.actions.clone();
    let refusal = d.proposal.as_deref() == Some("refuse");
    view! {
        {a.assign.then(|| view! {
            <form method="post" action=DeskAssign::PATH class="stack">
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
                <button type="submit" class="button-primary" accesskey="g">{i18n.t("desk-assign")}</button>
            </form>
        })}
        {a.appraise.then(|| view! {
            <form method="post" action=DeskAppraise::PATH enctype="multipart/form-data" class="stack">
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
                <button type="submit" class="button-primary" accesskey="s">{i18n.t("desk-submit-appraisal")}</button>
            </form>
        })}
        {(a.appraise && a.request_supplement).then(|| supplement_request_form(i18n, d, &error))}
        {a.consult.then(|| consult_form(i18n, d, &error))}
        {a.decide.then(|| view! {
            {refusal.then(|| view! { <p class="notice">{i18n.t("desk-refusal-proposed")}</p> })}
            {proposal_view(i18n, d)}
            <form method="post" action=DeskDecide::PATH class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <input type="hidden" name="decision" value="approve" />
                {(a.decisive && !refusal).then(|| view! {
                    <div class="choice">
                        <input type="checkbox" id="paper" name="paper" value="1" />
                        <label for="paper">{i18n.t("desk-approve-paper")}</label>
                    </div>
                })}
                <BackfillFields prefix="approve" error=error.clone() />
                <button type="submit" class="button-primary" accesskey="d">{if a.decisive { if refusal { i18n.t("desk-approve-refusal") } else { i18n.t("desk-approve-result") } } else { i18n.t("desk-approve") }}</button>
            </form>
            <form method="post" action=DeskDecide::PATH class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <input type="hidden" name="decision" value="send-back" />
                <ReasonField id="send_back_reason" name="reason" label=i18n.t("desk-send-back-reason") error=error.clone() />
                <button type="submit">{i18n.t("desk-send-back")}</button>
            </form>
        })}
    }
}

/// What the leader decides on, above the buttons: the specialist's proposal and opinion, and the
/// draft result previewed.
fn proposal_view(i18n: I18n, d: &DeskDossierView) -> impl IntoView {
    // Read from the payload by the server (`api::desk::desk_dossier`), which the desk never gets.
    let opinion = d.opinion.clone();
    let draft = d.work_files.iter().rev().find(|f| f.kind == "draft-result").cloned();
    let proposal = match d.proposal.as_deref() {
        Some("refuse") => i18n.t("desk-proposal-refuse"),
        Some(_) => i18n.t("desk-proposal-result"),
        None => String::new(),
    };
    view! {
        <section class="proposal" aria-labelledby="proposal-title" data-testid="proposal">
            <h3 id="proposal-title">{i18n.t("desk-proposal")}": "{proposal}</h3>
            {opinion.map(|(note, who)| view! {
                <p><strong>{i18n.t("desk-appraisal-note")}</strong>" ("{who}"): "{note}</p>
            })}
            {draft.map(|f| {
                let src = format!("/tep/{}", f.id);
                view! {
                    <p><a href=src.clone() target="_blank">{i18n.t("work-file-draft-result")}": "{f.file_name.clone()}</a></p>
                    <iframe class="preview draft-preview" src=src title=f.file_name.clone()></iframe>
                }
            })}
        </section>
    }
}

fn leader_forms(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    let code = d.dossier.code.clone();
    let error = error.clone();
    let a = d.actions.clone();
    view! {
        {a.apologise.then(|| view! {
            <details class="apology" open=error_for(&error, "new_due").is_some() || error_for(&error, "apology_reason").is_some()>
                <summary>{i18n.t("desk-apologise")}</summary>
                <form method="post" action=DeskApologise::PATH class="stack">
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
            <ReasonAction code=code.clone() class="urge" action=DeskUrge::PATH id="urge_note" name="note" title=i18n.t("desk-urge") label=i18n.t("desk-urge-note") error=error.clone() />
        })}
        {a.stop.then(|| view! {
            <ReasonAction code=code.clone() class="stop" action=DeskStop::PATH id="stop_reason" name="reason" title=i18n.t("desk-stop") label=i18n.t("desk-stop-reason") error=error.clone() />
        })}
        {a.revoke_result.then(|| view! {
            <details class="revoke-result" open=error_for(&error, "revoke_reason").is_some()>
                <summary>{i18n.t("desk-revoke-result")}</summary>
                <form method="post" action=DeskRevokeResult::PATH enctype="multipart/form-data" class="stack">
                    <input type="hidden" name="code" value=code.clone() />
                    <ReasonField id="revoke_reason" name="reason" label=i18n.t("desk-revoke-reason") error=error.clone() required=true />
                    <div class="choice">
                        <input type="checkbox" id="reissue" name="reissue" value="1" />
                        <label for="reissue">{i18n.t("desk-reissue")}</label>
                    </div>
                    <div class="field" class:field-invalid=error_for(&error, "file_0").is_some()>
                        <label for="reissue_file">{i18n.t("desk-reissue-file")}</label>
                        {error_for(&error, "file_0").map(|e| view! { <p class="field-error">{e}</p> })}
                        <input id="reissue_file" type="file" name="file_0" accept=".pdf,.jpg,.jpeg,.png" />
                    </div>
                    <button type="submit">{i18n.t("desk-revoke-submit")}</button>
                </form>
            </details>
        })}
        {a.answer_rating.then(|| answer_rating_form(i18n, d, &error))}
        {a.digitise_result.then(|| digitise_result_form(i18n, d, &error))}
        {super::paper::paper_forms(i18n, d, &error)}
    }
}

/// The desk digitises a result signed on paper: the scan and the officer's certification.
fn digitise_result_form(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    use crate::api::handling::DeskDigitiseResult;
    let file_error = error_for(error, "file_0");
    let file_invalid = file_error.is_some();
    view! {
        <details class="digitise-result" open=true>
            <summary>{i18n.t("desk-digitise-result")}</summary>
            <p>{i18n.t("desk-digitise-lead")}</p>
            <form method="post" action=DeskDigitiseResult::PATH enctype="multipart/form-data" class="stack">
                <input type="hidden" name="code" value=d.dossier.code.clone() />
                <div class="field" class:field-invalid=file_invalid>
                    <label for="digitised_scan">{i18n.t("desk-digitise-scan")}</label>
                    {file_error.map(|e| view! { <p class="field-error">{e}</p> })}
                    <input id="digitised_scan" type="file" name="file_0" accept=".pdf,.jpg,.jpeg,.png" required=true />
                </div>
                <ReasonField id="certification" name="certification" label=i18n.t("desk-digitise-certification") error=error.clone() required=true />
                <button type="submit">{i18n.t("desk-digitise-submit")}</button>
            </form>
        </details>
    }
}

/// The leader's answer to a rating that calls for one, with its deadline (open while owed: it
/// is what the leader came to the dossier for).
fn answer_rating_form(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    use crate::api::ratings::DeskAnswerRating;
    let due = d.answer_due_ms.unwrap_or_default();
    let overdue = due < d.clock.now_ms;
    let due_text = crate::domain::vn_time::format_vn(due);
    view! {
        <details class="answer-rating" open=true>
            <summary>{i18n.t("desk-answer-rating")}</summary>
            <p>{i18n.t_args("desk-answer-rating-lead", &[("due", due_text.clone())])}</p>
            {overdue.then(|| view! { <p class="late-label">{i18n.t_args("desk-answer-rating-overdue", &[("due", due_text.clone())])}</p> })}
            <form method="post" action=DeskAnswerRating::PATH class="stack">
                <input type="hidden" name="code" value=d.dossier.code.clone() />
                <ReasonField id="rating_answer" name="answer" label=i18n.t("desk-answer-rating-text") error=error.clone() required=true />
                <button type="submit">{i18n.t("desk-answer-rating-submit")}</button>
            </form>
        </details>
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

/// The answer of the consulted unit's officer to the open question `consultation`.
pub(super) fn answer_consultation_form(
    i18n: I18n,
    d: &DeskDossierView,
    consultation: i64,
    error: &Option<AppError>,
) -> impl IntoView {
    view! {
        <form method="post" action=DeskAnswerConsultation::PATH class="stack">
            <input type="hidden" name="code" value=d.dossier.code.clone() />
            <input type="hidden" name="consultation" value=consultation.to_string() />
            <ReasonField id="answer" name="answer" label=i18n.t("desk-consult-answer") error=error.clone() required=true />
            <button type="submit" class="button-primary">{i18n.t("desk-consult-answer-submit")}</button>
        </form>
    }
}

/// For an applicant recorded at a desk who has not claimed their account: a new one-time code,
/// printed on a new receipt; the old code stops working.
pub(super) fn new_claim_code_form(i18n: I18n, d: &DeskDossierView) -> impl IntoView {
    let reception =
        crate::components::layout::use_signed_in().is_some_and(|u| u.role == crate::domain::role::Role::Reception);
    let accepted = d.dossier.events.iter().any(|e| e.action == "accept");
    (reception && accepted && d.applicant_account == "recorded").then(|| {
        view! {
            <form method="post" action=DeskClaimCode::PATH class="claim-code-form">
                <input type="hidden" name="code" value=d.dossier.code.clone() />
                <p class="hint">{i18n.t("desk-claim-code-hint")}</p>
                <button type="submit">{i18n.t("desk-claim-code")}</button>
            </form>
        }
    })
}

/// The receiving desk records a payment of everything payable now (cash, transfer with its
/// reference, postal); the dossier's fees show above.
fn payment_form(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    use crate::api::payments::DeskRecordPayment;
    use crate::domain::fees::{payable_now, PaymentMethod};
    let (_, total) = payable_now(&d.dossier.obligations, d.dossier.status);
    let reference_error = error_for(error, "payment_reference");
    let typed = error.as_ref().and_then(|e| e.value("payment_reference")).unwrap_or_default();
    (d.actions.pay && total > 0).then(|| view! {
        <details class="record-payment" open=reference_error.is_some()>
            <summary>{i18n.t("desk-record-payment")}</summary>
            <form method="post" action=DeskRecordPayment::PATH class="stack">
                <input type="hidden" name="code" value=d.dossier.code.clone() />
                <p>{i18n.t_args("desk-record-payment-hint", &[("amount", crate::domain::text::format_vnd(total))])}</p>
                <fieldset>
                    <legend>{i18n.t("field-payment-method")}</legend>
                    {PaymentMethod::AT_DESK.iter().enumerate().map(|(i, m)| view! {
                        <div class="choice"><input type="radio" id=format!("method-{}", m.name()) name="method" value=m.name() checked={i == 0} /><label for=format!("method-{}", m.name())>{i18n.t(&format!("payment-method-{}", m.name()))}</label></div>
                    }).collect_view()}
                </fieldset>
                <div class="field" class:field-invalid=reference_error.is_some()>
                    <label for="payment_reference">{i18n.t("field-payment-reference")}</label>
                    {reference_error.clone().map(|e| view! { <p class="field-error" id="payment_reference-error">{e}</p> })}
                    <input id="payment_reference" name="payment_reference" maxlength="100" value=typed aria-invalid=reference_error.is_some().then_some("true") />
                </div>
                <button type="submit">{i18n.t("desk-record-payment")}</button>
            </form>
        </details>
    })
}

/// The desk at reception or the specialist appraising asks the applicant to pay before handling
/// goes on (status 6): a quantity for each assessed fee of the version (copies, pages), and the
/// step's fees still owed.
fn request_payment_form(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    use crate::api::payments::DeskRequestPayment;
    use crate::domain::fees::{FeeBasis, FeeDue, ObligationState};
    let owed: Vec<String> = d
        .dossier
        .obligations
        .iter()
        .filter(|o| o.state == ObligationState::Due && o.due == FeeDue::Step)
        .map(|o| format!("{} ({})", o.name_vi, crate::domain::text::format_vnd(o.amount_vnd)))
        .collect();
    let nothing = error_for(error, "fees");
    let open =
        nothing.is_some() || d.fees.iter().enumerate().any(|(i, _)| error_for(error, &format!("qty_{i}")).is_some());
    let error = error.clone();
    d.actions.request_payment.then(|| view! {
        <details class="request-payment" open=open>
            <summary>{i18n.t("desk-request-payment")}</summary>
            <form method="post" action=DeskRequestPayment::PATH enctype="multipart/form-data" class="stack">
                <input type="hidden" name="code" value=d.dossier.code.clone() />
                <p class="hint">{i18n.t("desk-request-payment-hint")}</p>
                {nothing.map(|e| view! { <p class="field-error" id="fees">{e}</p> })}
                {(!owed.is_empty()).then(|| view! { <p>{i18n.t("desk-request-payment-owed")}" "{owed.join("; ")}</p> })}
                {d.fees.iter().enumerate().filter(|(_, f)| f.basis == FeeBasis::Assessed && f.amount_vnd > 0).map(|(i, f)| {
                    let name = format!("qty_{i}");
                    let e = error_for(&error, &name);
                    let typed = error.as_ref().and_then(|x| x.value(&name)).unwrap_or_default();
                    view! {
                        <div class="field" class:field-invalid=e.is_some()>
                            <label for=name.clone()>{f.name_vi.clone()}" — "{crate::domain::text::format_vnd(f.amount_vnd)}</label>
                            {f.note_vi.clone().map(|n| view! { <p class="hint">{n}</p> })}
                            {e.clone().map(|e| view! { <p class="field-error" id=format!("{name}-error")>{e}</p> })}
                            <input id=name.clone() name=name.clone() type="number" min="0" max="1000" inputmode="numeric" value=typed aria-invalid=e.is_some().then_some("true") />
                        </div>
                    }
                }).collect_view()}
                <button type="submit">{i18n.t("desk-request-payment")}</button>
            </form>
        </details>
    })
}

/// The desk (or the specialist appraising) exempts fees still owed, each chosen, with the case
/// the law names; the catalogue's exemptions are offered as suggestions.
fn exempt_form(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    use crate::api::payments::DeskExempt;
    let chosen_error = error_for(error, "exempt");
    let open = chosen_error.is_some() || error_for(error, "exempt_reason").is_some();
    let named: Vec<String> = d.fees.iter().flat_map(|f| f.exemptions_vi.iter().cloned()).collect();
    let error = error.clone();
    d.actions.exempt.then(|| view! {
        <details class="exempt" open=open>
            <summary>{i18n.t("desk-exempt")}</summary>
            <form method="post" action=DeskExempt::PATH enctype="multipart/form-data" class="stack">
                <input type="hidden" name="code" value=d.dossier.code.clone() />
                <fieldset id="exempt">
                    <legend>{i18n.t("desk-exempt-which")}</legend>
                    {chosen_error.map(|e| view! { <p class="field-error">{e}</p> })}
                    {crate::domain::fees::exemptable(&d.dossier.obligations).into_iter().map(|o| view! {
                        <div class="choice">
                            <input type="checkbox" id=format!("ob_{}", o.seq) name=format!("ob_{}", o.seq) value="1" />
                            <label for=format!("ob_{}", o.seq)>{o.name_vi.clone()}" — "{crate::domain::text::format_vnd(o.amount_vnd)}</label>
                        </div>
                    }).collect_view()}
                </fieldset>
                {(!named.is_empty()).then(|| view! {
                    <p class="hint">{i18n.t("desk-exempt-named")}" "{named.join("; ")}</p>
                })}
                <ReasonField id="exempt_reason" name="exempt_reason" label=i18n.t("field-exempt-reason") error=error.clone() required=true />
                <button type="submit">{i18n.t("desk-exempt")}</button>
            </form>
        </details>
    })
}

/// The agency leader refunds a payment with the reason: online through the gateway, otherwise
/// paid back at the counter.
fn refund_form(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    use crate::api::payments::DeskRefund;
    let open = error_for(error, "refund_reason").is_some();
    let error = error.clone();
    let refundable: Vec<_> =
        d.dossier.payments.iter().filter(|p| crate::domain::fees::refundable(&p.state)).cloned().collect();
    d.actions.refund.then(|| view! {
        <details class="refund" open=open>
            <summary>{i18n.t("desk-refund")}</summary>
            <form method="post" action=DeskRefund::PATH class="stack">
                <input type="hidden" name="code" value=d.dossier.code.clone() />
                <fieldset>
                    <legend>{i18n.t("desk-refund-which")}</legend>
                    {refundable.iter().enumerate().map(|(i, p)| view! {
                        <div class="choice">
                            <input type="radio" id=format!("refund-{i}") name="txn_ref" value=p.txn_ref.clone() checked={i == 0} />
                            <label for=format!("refund-{i}")>
                                {crate::domain::text::format_vnd(p.amount_vnd)}" — "{i18n.t(&format!("payment-method-{}", p.method.name()))}
                                " — "{i18n.t(&format!("payment-state-{}", p.state))}" ("{p.txn_ref.clone()}")"
                            </label>
                        </div>
                    }).collect_view()}
                </fieldset>
                <p class="hint">{i18n.t("desk-refund-hint")}</p>
                <ReasonField id="refund_reason" name="refund_reason" label=i18n.t("field-refund-reason") error=error.clone() required=true />
                <button type="submit">{i18n.t("desk-refund")}</button>
            </form>
        </details>
    })
}

/// The receiving desk enters the rating a walk-in applicant gave on the counter's paper form or
/// tablet, once the dossier is returned or refused and not rated yet.
fn rating_form(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    use crate::api::ratings::DeskRecordRating;
    use crate::components::rating::rating_fields;
    use crate::domain::rating::RatingChannel;
    let open =
        ["overall", "ease", "on_time", "attitude", "comment", "channel"].iter().any(|f| error_for(error, f).is_some());
    let channel_error = error_for(error, "channel");
    let channel_invalid = channel_error.is_some();
    let error = error.clone();
    d.actions.rate.then(|| view! {
        <details class="rate" open=open>
            <summary>{i18n.t("desk-rate")}</summary>
            <form method="post" action=DeskRecordRating::PATH class="stack">
                <input type="hidden" name="code" value=d.dossier.code.clone() />
                <p class="hint">{i18n.t("desk-rate-hint")}</p>
                <fieldset class="field" class:field-invalid=channel_invalid id="rate-channel">
                    <legend>{i18n.t("field-rating-channel")}</legend>
                    {channel_error.map(|e| view! { <p class="field-error">{e}</p> })}
                    {[RatingChannel::Paper, RatingChannel::Tablet].into_iter().enumerate().map(|(i, c)| view! {
                        <div class="choice">
                            <input type="radio" id=format!("rate-channel-{}", c.name()) name="channel" value=c.name() checked={i == 0} />
                            <label for=format!("rate-channel-{}", c.name())>{i18n.t(&c.key())}</label>
                        </div>
                    }).collect_view()}
                </fieldset>
                {rating_fields(i18n, "rate", &error)}
                <button type="submit">{i18n.t("desk-rate-button")}</button>
            </form>
        </details>
    })
}
