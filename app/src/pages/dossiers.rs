//! The e-form with files, the acknowledgement, my dossiers and one dossier's detail.

use crate::api::dossiers::{
    acknowledgement, dossier_form, my_dossier, my_dossiers, notifications, DossierDetail, DossierFormView, EventView,
};
use crate::components::field::{error_for, ErrorSummary};
use crate::components::layout::Layout;
use crate::components::upload::UploadProgress;
use crate::components::{format_bytes, FormValues, StatusBadge};
use crate::domain::form::{FieldKind, FormField};
use crate::domain::upload::{MAX_DOSSIER_BYTES, MAX_FILE_BYTES};
use crate::domain::vn_time::format_vn;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{param, posted_error, query, ErrorPage};
use leptos::prelude::*;

#[component]
fn FormInput(field: FormField, value: String, error: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let name = field.input_name();
    let label = i18n.lang.pick(&field.label_vi, &field.label_en).to_string();
    let err_id = format!("{name}-error");
    let invalid = error.is_some();
    let described = invalid.then(|| err_id.clone());
    let hint = match field.kind {
        FieldKind::Cccd => Some(i18n.t("hint-cccd")),
        FieldKind::Phone => Some(i18n.t("hint-phone")),
        FieldKind::Date => Some(i18n.t("hint-date")),
        _ => None,
    };
    let control = match field.kind {
        FieldKind::Select => view! {
            <select id=name.clone() name=name.clone() required=field.required aria-invalid=invalid.then_some("true") aria-describedby=described.clone()>
                <option value="">{i18n.t("select-choose")}</option>
                {field.options.iter().map(|o| view! {
                    <option value=o.value.clone() selected=o.value == value>{i18n.lang.pick(&o.label_vi, &o.label_en).to_string()}</option>
                }).collect_view()}
            </select>
        }.into_any(),
        kind => {
            // Personal data (WCAG 1.3.5): the e-form is often about someone else (a child, a
            // spouse), so names and numbers are not filled from the citizen's own profile.
            let autocomplete = match kind {
                FieldKind::Phone => "tel",
                FieldKind::Address => "street-address",
                _ => "off",
            };
            let (input_type, inputmode, pattern, maxlength) = match kind {
                FieldKind::Date => ("date", None, None, 10),
                FieldKind::Number => ("text", Some("decimal"), Some("[0-9]+([.,][0-9]+)?"), 20),
                FieldKind::Cccd => ("text", Some("numeric"), Some("[0-9 ]{12,15}"), 15),
                FieldKind::Phone => ("tel", Some("tel"), None, 16),
                _ => ("text", None, None, 500),
            };
            view! {
                <input id=name.clone() name=name.clone() type=input_type value=value.clone() required=field.required
                    inputmode=inputmode pattern=pattern maxlength=maxlength autocomplete=autocomplete
                    aria-invalid=invalid.then_some("true") aria-describedby=described.clone() />
            }.into_any()
        }
    };
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=name.clone()>{label}{field.required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=err_id.clone()>{e}</p> })}
            {control}
        </div>
    }
}

/// The labels of a procedure's fields and components, for the error summary.
pub(crate) fn form_labels(i18n: I18n, p: &crate::api::catalogue::ProcedureDetail) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> =
        p.form_fields.iter().map(|f| (f.input_name(), i18n.lang.pick(&f.label_vi, &f.label_en).to_string())).collect();
    labels.extend(p.components.iter().map(|c| (format!("file_{}", c.id), c.name.clone())));
    labels.push(("files".into(), i18n.t("dossier-files")));
    labels
}

/// The e-form's inputs: the value posted back with an error, else the saved one.
pub(crate) fn form_inputs(
    fields: &[FormField],
    values: &std::collections::BTreeMap<String, String>,
    error: &Option<AppError>,
) -> impl IntoView {
    fields
        .iter()
        .map(|f| {
            let v = error
                .as_ref()
                .and_then(|e| e.value(&f.input_name()))
                .or_else(|| values.get(&f.name).cloned())
                .unwrap_or_default();
            let e = error_for(error, &f.input_name());
            view! { <FormInput field=f.clone() value=v error=e /> }
        })
        .collect_view()
}

/// A file input for each component of the dossier, with the file already attached (if any)
/// and the error next to it.
pub(crate) fn component_inputs(
    i18n: I18n,
    components: &[crate::api::catalogue::ComponentView],
    files: &[crate::api::dossiers::StoredFile],
    error: &Option<AppError>,
) -> impl IntoView {
    components.iter().map(|c| {
        let name = format!("file_{}", c.id);
        let existing = files.iter().find(|f| f.component_id == c.id).cloned();
        let e = error_for(error, &name);
        let invalid = e.is_some();
        let err_id = format!("{name}-error");
        let required = c.required && existing.is_none();
        view! {
            <div class="field file-field" class:field-invalid=invalid>
                <label for=name.clone()><span lang=i18n.vi_only()>{c.name.clone()}</span>{c.required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
                <p class="hint"><span lang=i18n.vi_only()>{c.copies.clone()}</span>{(!c.required).then(|| format!(" · {}", i18n.t("component-optional")))}</p>
                {existing.map(|f| view! { <p class="existing-file">{i18n.t("file-attached")}" "<strong>{f.file_name}</strong>" ("{format_bytes(f.size_bytes)}")"</p> })}
                {e.map(|e| view! { <p class="field-error" id=err_id.clone()>{e}</p> })}
                <input id=name.clone() name=name.clone() type="file" accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
                    required=required aria-invalid=invalid.then_some("true")
                    aria-describedby=if invalid { err_id.clone() } else { "upload-limits".to_string() } />
            </div>
        }
    }).collect_view()
}

fn form_view(i18n: I18n, form: DossierFormView, error: Option<AppError>, saved: bool) -> impl IntoView {
    let p = form.procedure;
    let labels = form_labels(i18n, &p);
    let limits = i18n.t_args(
        "upload-limits",
        &[("file", format_bytes(MAX_FILE_BYTES as i64)), ("total", format_bytes(MAX_DOSSIER_BYTES as i64))],
    );
    let values = form.values;
    let files = form.files;
    view! {
        <p class="breadcrumb"><a href=format!("/thu-tuc/{}", p.code)>{p.name.clone()}</a></p>
        <h1>{i18n.t("submit-title")}</h1>
        <p class="lead">{p.name.clone()}</p>
        {saved.then(|| view! { <p class="notice" role="status">{i18n.t("draft-saved")}</p> })}
        {form.resumed.then(|| view! { <p class="meta">{i18n.t("draft-resumed")}</p> })}
        <ErrorSummary error=error.clone() labels=labels />
        <form id="dossier-form" method="post" action="/api/dossiers/save" enctype="multipart/form-data" class="stack">
            <input type="hidden" name="key" value=form.key.clone() />
            <input type="hidden" name="procedure" value=p.code.clone() />
            <fieldset>
                <legend>{i18n.t("submit-form-section")}</legend>
                {form_inputs(&p.form_fields, &values, &error)}
            </fieldset>
            <fieldset>
                <legend>{i18n.t("submit-files-section")}</legend>
                <p class="hint" id="upload-limits">{limits}</p>
                {error_for(&error, "files").map(|e| view! { <p class="field-error" id="files">{e}</p> })}
                {component_inputs(i18n, &p.components, &files, &error)}
            </fieldset>
            <UploadProgress
                form_id="dossier-form".to_string()
                max_file_bytes=MAX_FILE_BYTES
                text_uploading=i18n.t("upload-progress")
                text_too_large=i18n.t("error-file-too-large")
                text_failed=i18n.t("upload-failed")
            />
            <div class="actions">
                <button type="submit" name="intent" value="submit" class="button-primary">{i18n.t("submit-button")}</button>
                <button type="submit" name="intent" value="save" formnovalidate=true>{i18n.t("save-draft-button")}</button>
            </div>
        </form>
    }
}

#[component]
pub fn SubmitPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = param("code");
    let draft = query("nhap");
    let saved = query("luu").is_some();
    let error = posted_error("dossiers/save");
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match dossier_form(code, draft).await {
                    Ok(form) => view! { <Layout title=i18n.t("submit-title")>{form_view(i18n, form, error, saved)}</Layout> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AcknowledgementPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = param("code");
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match acknowledgement(code).await {
                    Ok(ack) => {
                        let d = ack.dossier;
                        view! {
                            <Layout title=i18n.t("ack-title")>
                                <div class="ack printable">
                                    <h1>{i18n.t("ack-title")}</h1>
                                    <p>{i18n.t("ack-lead")}</p>
                                    <p class="dossier-code">{i18n.t("dossier-code")}" "<strong data-testid="dossier-code">{d.code.clone()}</strong></p>
                                    <figure class="qr">
                                        <div role="img" aria-label=i18n.t("ack-qr-label") inner_html=ack.qr_svg.clone()></div>
                                        <figcaption><a href=ack.lookup_url.clone()>{ack.lookup_url.clone()}</a></figcaption>
                                    </figure>
                                    <dl class="facts">
                                        <dt>{i18n.t("dossier-procedure")}</dt><dd>{d.procedure.clone()}</dd>
                                        <dt>{i18n.t("dossier-agency")}</dt><dd>{d.receiving_agency.clone()}</dd>
                                        <dt>{i18n.t("dossier-submitted-at")}</dt><dd>{format_vn(d.submitted_at_ms)}</dd>
                                        <dt>{i18n.t("dossier-status")}</dt><dd><StatusBadge status=d.status /></dd>
                                    </dl>
                                    <h2>{i18n.t("ack-next-title")}</h2>
                                    <ol>
                                        <li>{i18n.t("ack-next-1")}</li>
                                        <li>{i18n.t("ack-next-2")}</li>
                                        <li>{i18n.t("ack-next-3")}</li>
                                    </ol>
                                    <p class="no-print">{i18n.t("ack-print-hint")}</p>
                                </div>
                                <p class="no-print"><a href=format!("/ho-so/{}", d.code)>{i18n.t("ack-follow")}</a></p>
                            </Layout>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn MyDossiersPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match my_dossiers().await {
                    Ok(list) => view! {
                        <Layout title=i18n.t("my-title")>
                            <h1>{i18n.t("my-title")}</h1>
                            {list.is_empty().then(|| view! { <p>{i18n.t("my-empty")}" "<a href="/thu-tuc">{i18n.t("nav-procedures")}</a></p> })}
                            <ul class="cards">
                                {list.into_iter().map(|d| {
                                    let (href, title) = match &d.code {
                                        Some(code) => (format!("/ho-so/{code}"), code.clone()),
                                        None => (format!("/thu-tuc/{}/nop?nhap={}", d.procedure_code, d.draft_key), i18n.t("my-draft")),
                                    };
                                    let when = d.submitted_at_ms.unwrap_or(d.updated_at_ms);
                                    view! {
                                        <li class="card">
                                            <h2 class="card-title"><a href=href>{title}</a></h2>
                                            <p>{d.procedure}</p>
                                            <p class="meta"><StatusBadge status=d.status />" · "{format_vn(when)}</p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </Layout>
                    }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The label of an event: a paper dossier is submitted by the desk that received it.
fn action_key(action: &str, actor_role: &str) -> String {
    match (action, actor_role) {
        ("submit", "reception") => "action-submit-paper".into(),
        _ => format!("action-{action}"),
    }
}

#[component]
pub fn History(events: Vec<EventView>, #[prop(optional)] internal: bool) -> impl IntoView {
    let i18n = use_i18n();
    // Officers' working notes (assignment, appraisal, review, urging) stay inside the office.
    let private = |action: &str| {
        matches!(
            action,
            "assign" | "submit-appraisal" | "approve" | "send-back" | "urge" | "consult" | "answer-consultation"
        )
    };
    view! {
        <table class="table history">
            <caption>{i18n.t("history-title")}</caption>
            <thead><tr>
                <th scope="col">{i18n.t("history-when")}</th>
                <th scope="col">{i18n.t("history-who")}</th>
                <th scope="col">{i18n.t("history-what")}</th>
            </tr></thead>
            <tbody>
                {events.into_iter().map(|e| view! {
                    <tr>
                        <td>{format_vn(e.at_ms)}</td>
                        <td>{e.actor_name}<br/><small>{i18n.t(&format!("role-{}", e.actor_role))}</small></td>
                        <td>{i18n.t(&action_key(&e.action, &e.actor_role))}" → "<StatusBadge status=e.to_status />
                            {(!e.note.is_empty() && (internal || !private(&e.action))).then(|| view! { <br/><small>{e.note.clone()}</small> })}
                            {e.backfill_reason.clone().map(|r| view! { <br/><small class="backfilled">{i18n.t_args("backfilled", &[("at", format_vn(e.recorded_at_ms)), ("reason", r)])}</small> })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The open supplement request and the form that answers it: only the requested items.
fn supplement_answer(i18n: I18n, d: &DossierDetail, error: Option<AppError>) -> impl IntoView {
    let open = d.supplements.last().filter(|s| s.answered_at_ms.is_none() && d.status == 5).cloned();
    open.map(|s| {
        let mut labels: Vec<(String, String)> = Vec::new();
        let fields: Vec<FormField> = d.form_fields.iter().filter(|f| s.items.iter().any(|i| i.kind == "field" && i.target == f.name)).cloned().collect();
        for f in &fields {
            labels.push((f.input_name(), i18n.lang.pick(&f.label_vi, &f.label_en).to_string()));
        }
        let components: Vec<_> = d.components.iter().filter(|c| s.items.iter().any(|i| i.kind == "component" && i.target == c.id.to_string())).cloned().collect();
        for c in &components {
            labels.push((format!("file_{}", c.id), c.name.clone()));
        }
        let values = d.form.clone();
        view! {
            <section class="supplement supplement-open" aria-labelledby="supplement-answer-title">
                <h2 id="supplement-answer-title">{i18n.t("supplement-asked")}</h2>
                <p><strong>{i18n.t("field-supplement-reason")}": "</strong><span data-testid="supplement-reason">{s.reason.clone()}</span></p>
                <ul data-testid="supplement-items">{s.items.iter().map(|i| view! { <li>{i.label.clone()}{(!i.note.is_empty()).then(|| format!(": {}", i.note))}</li> }).collect_view()}</ul>
                <ErrorSummary error=error.clone() labels=labels />
                <form method="post" action="/api/dossiers/supplement" enctype="multipart/form-data" class="stack">
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
                                <p class="hint">{i18n.t_args("upload-limits", &[("file", format_bytes(MAX_FILE_BYTES as i64)), ("total", format_bytes(MAX_DOSSIER_BYTES as i64))])}</p>
                                {e.clone().map(|e| view! { <p class="field-error" id=format!("{name}-error")>{e}</p> })}
                                <input id=name.clone() name=name.clone() type="file" required=true accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png" aria-invalid=e.is_some().then_some("true") />
                            </div>
                        }
                    }).collect_view()}
                    <button type="submit" class="button-primary">{i18n.t("supplement-send")}</button>
                </form>
            </section>
        }
    })
}

/// While the dossier is not decided, its owner may withdraw it, with a reason.
fn withdraw_form(i18n: I18n, d: &DossierDetail) -> impl IntoView {
    let error = posted_error("dossiers/withdraw");
    let msg = crate::components::field::error_for(&error, "reason");
    matches!(d.status, 1 | 2 | 4 | 5 | 6).then(|| view! {
        <details class="withdraw" open=msg.is_some()>
            <summary>{i18n.t("withdraw-title")}</summary>
            <form method="post" action="/api/dossiers/withdraw" class="stack">
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

fn detail_view(i18n: I18n, d: DossierDetail) -> impl IntoView {
    view! {
        <h1>{i18n.t("dossier-title")}" "<span class="code">{d.code.clone()}</span></h1>
        {query("bo_sung").map(|_| view! { <p class="notice" role="status">{i18n.t("supplement-sent")}</p> })}
        {supplement_answer(i18n, &d, posted_error("dossiers/supplement"))}
        <dl class="facts">
            <dt>{i18n.t("dossier-status")}</dt><dd><StatusBadge status=d.status /></dd>
            <dt>{i18n.t("dossier-location")}</dt><dd>{d.location.clone()}</dd>
            <dt>{i18n.t("dossier-procedure")}</dt><dd><a href=format!("/thu-tuc/{}", d.procedure_code)>{d.procedure.clone()}</a></dd>
            <dt>{i18n.t("dossier-agency")}</dt><dd>{d.receiving_agency.clone()}</dd>
            <dt>{i18n.t("dossier-submitted-at")}</dt><dd>{format_vn(d.submitted_at_ms)}</dd>
            {d.due_at_ms.map(|due| view! {
                <dt>{i18n.t("dossier-due")}</dt>
                <dd>
                    <strong data-testid="due">{format_vn(due)}</strong>
                    {d.left_minutes.map(|left| {
                        let text = crate::api::handling::working_time_text(&i18n, left, d.day_minutes);
                        if left < 0 {
                            view! { <br/><span class="late-label">{i18n.t_args("desk-overdue-by", &[("time", text)])}</span> }.into_any()
                        } else {
                            view! { <br/><span class="time-left" data-testid="countdown">{i18n.t_args("dossier-time-left", &[("time", text)])}</span> }.into_any()
                        }
                    })}
                </dd>
            })}
            {d.result_file.clone().map(|(id, name)| view! {
                <dt>{i18n.t("work-file-result")}</dt><dd><a href=format!("/tep/{id}")>{name}</a></dd>
            })}
        </dl>
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
        {d.supplements.iter().rev().filter(|s| s.answered_at_ms.is_some()).map(|s| view! { <crate::pages::desk::SupplementBox s=s.clone() /> }).collect_view()}
        {withdraw_form(i18n, &d)}
        <History events=d.events />
    }
}

#[component]
pub fn DossierPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = param("code");
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match my_dossier(code).await {
                    Ok(d) => view! { <Layout title=d.code.clone()>{detail_view(i18n, d)}</Layout> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match notifications().await {
                    Ok(list) => view! {
                        <Layout title=i18n.t("notifications-title")>
                            <h1>{i18n.t("notifications-title")}</h1>
                            {list.is_empty().then(|| view! { <p>{i18n.t("notifications-empty")}</p> })}
                            <ul class="cards" data-testid="notifications">
                                {list.into_iter().map(|n| view! {
                                    <li class="card">
                                        <p class="meta">{format_vn(n.at_ms)}" · "{n.agency}</p>
                                        <p><a class="code" href=format!("/ho-so/{}", n.code)>{n.code.clone()}</a>" — "{n.procedure}</p>
                                        <p>{i18n.t(&action_key(&n.action, &n.actor_role))}" → "<StatusBadge status=n.to_status /></p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </Layout>
                    }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
