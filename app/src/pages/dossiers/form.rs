//! The e-form with files (`/thu-tuc/{code}/nop`): a new dossier or a resumed draft, saved or
//! submitted in one multipart post.

use crate::api::dossiers::{dossier_form, DossierFormView, SaveDossier};
use crate::components::field::{error_for, ErrorSummary, TextField};
use crate::components::form_inputs::{component_inputs, form_inputs, form_labels, upload_limits};
use crate::components::format_bytes;
use crate::components::layout::Layout;
use crate::components::upload::upload_progress;
use crate::domain::principal::{authorisation_component, AppliedFor, AUTHORISATION_COMPONENT};
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{page_data, param, posted_error, query};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn SubmitPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = param("code");
    let saved = query("luu").is_some();
    let error = posted_error(SaveDossier::PATH);
    // A refused post kept its good files in a draft: come back to that draft to show them.
    let draft = query("nhap").or_else(|| error.as_ref().and_then(|e| e.value("key")));
    page_data(dossier_form(code, draft), move |form| {
        view! { <Layout title=i18n.t("submit-title")>{form_view(i18n, form, error, saved)}</Layout> }
    })
}

fn form_view(i18n: I18n, form: DossierFormView, error: Option<AppError>, saved: bool) -> impl IntoView {
    let p = form.procedure;
    let labels = form_labels(i18n, &p);
    let limits = upload_limits(i18n);
    let mut labels = labels;
    labels.extend([
        ("for".to_string(), i18n.t("for-legend")),
        ("for_name".to_string(), i18n.t("for-person-name")),
        ("for_cccd".to_string(), i18n.t("for-person-cccd")),
        (format!("file_{AUTHORISATION_COMPONENT}"), i18n.t("for-authorisation")),
    ]);
    let values = form.values;
    let files = form.files;
    view! {
        <p class="breadcrumb"><a href=format!("/thu-tuc/{}", p.code)>{i18n.name(&p.name)}</a></p>
        <h1>{i18n.t("submit-title")}</h1>
        <p class="lead">{i18n.name(&p.name)}</p>
        {saved.then(|| view! { <p class="notice" role="status">{i18n.t("draft-saved")}</p> })}
        {form.resumed.then(|| view! { <p class="meta">{i18n.t("draft-resumed")}</p> })}
        {form.prefilled.then(|| view! { <p class="notice" role="note" data-testid="prefilled">{i18n.t("form-prefilled")}</p> })}
        {(!form.may_submit).then(|| view! {
            <div class="notice" id="account" role="note" data-testid="account-unproven">
                <p>{i18n.t("submit-unproven")}</p>
                <p><a href="/quen-mat-khau">{i18n.t("submit-unproven-link")}</a></p>
            </div>
        })}
        <ErrorSummary error=error.clone() labels=labels />
        <form id="dossier-form" method="post" action=SaveDossier::PATH enctype="multipart/form-data" class="stack">
            <input type="hidden" name="key" value=form.key.clone() />
            <input type="hidden" name="procedure" value=p.code.clone() />
            {applied_for_inputs(i18n, &p.components, &form.organisations, form.applied_for.as_ref(), &files, &error)}
            <fieldset>
                <legend>{i18n.t("submit-form-section")}</legend>
                {form_inputs(&p.form_fields, &values, &error)}
            </fieldset>
            <fieldset>
                <legend>{i18n.t("submit-files-section")}</legend>
                <p class="hint" id="upload-limits">{limits}</p>
                {error_for(&error, "files").map(|e| view! { <p class="field-error" id="files">{e}</p> })}
                {(error.is_some() && !files.is_empty()).then(|| view! { <p class="notice" role="status">{i18n.t("files-kept")}</p> })}
                {component_inputs(i18n, &p.components, &files, &form.stored, &error)}
            </fieldset>
            {upload_progress(i18n, "dossier-form")}
            <div class="actions">
                <button type="submit" name="intent" value="submit" class="button-primary">{i18n.t("submit-button")}</button>
                <button type="submit" name="intent" value="save" formnovalidate=true>{i18n.t("save-draft-button")}</button>
            </div>
        </form>
    }
}

/// "Submitted for": oneself, an organisation the citizen acts for, or another person under an
/// authorisation, with its document. Plain radios: every choice works without JavaScript.
fn applied_for_inputs(
    i18n: I18n,
    components: &[crate::api::catalogue::ComponentView],
    organisations: &[(i64, String, String)],
    saved: Option<&AppliedFor>,
    files: &[crate::api::dossiers::StoredFile],
    error: &Option<AppError>,
) -> impl IntoView {
    let echoed = |k: &str| error.as_ref().and_then(|e| e.value(k));
    let chosen = echoed("for").unwrap_or_else(|| match saved {
        Some(AppliedFor::Organisation { id, .. }) => format!("org-{id}"),
        Some(AppliedFor::Person { .. }) => "person".into(),
        None => "self".into(),
    });
    let (saved_name, saved_cccd) = match saved {
        Some(AppliedFor::Person { name, cccd }) => (name.clone(), cccd.clone()),
        _ => Default::default(),
    };
    // A procedure that lists the authorisation among its components takes it there.
    let listed = authorisation_component(components.iter().map(|c| (c.id, c.name.as_str())))
        .and_then(|id| components.iter().find(|c| c.id == id))
        .map(|c| c.name.clone());
    let file_name = format!("file_{AUTHORISATION_COMPONENT}");
    let file_error = error_for(error, &file_name);
    let existing = files.iter().find(|f| f.component_id == AUTHORISATION_COMPONENT).cloned();
    let radio = move |value: String, label: String| {
        let id = format!("for-{value}");
        let checked = value == chosen;
        view! {
            <div class="choice">
                <input type="radio" id=id.clone() name="for" value=value checked=checked />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <fieldset id="for" data-testid="applied-for">
            <legend>{i18n.t("for-legend")}</legend>
            {error_for(error, "for").map(|e| view! { <p class="field-error">{e}</p> })}
            <div class="choices">
                {radio.clone()("self".into(), i18n.t("for-self"))}
                {organisations.iter().map(|(id, name, tax)| {
                    radio.clone()(format!("org-{id}"), i18n.t_args("for-organisation", &[("name", name.clone()), ("tax", tax.clone())]))
                }).collect_view()}
                {radio("person".into(), i18n.t("for-person"))}
            </div>
            <div class="indented">
                <p class="hint">{i18n.t("for-person-hint")}</p>
                <TextField name="for_name" label=i18n.t("for-person-name") value=echoed("for_name").unwrap_or(saved_name) error=error_for(error, "for_name") autocomplete="off" maxlength=100u32 />
                <TextField name="for_cccd" label=i18n.t("for-person-cccd") value=echoed("for_cccd").unwrap_or(saved_cccd) error=error_for(error, "for_cccd") inputmode="numeric" autocomplete="off" maxlength=15u32 />
                {listed.clone().map(|name| view! { <p class="hint" data-testid="authorisation-listed">{i18n.t_args("for-authorisation-listed", &[("component", name)])}</p> })}
                {listed.is_none().then(|| view! {
                <div class="field file-field" class:field-invalid=file_error.is_some()>
                    <label for=file_name.clone()>{i18n.t("for-authorisation")}</label>
                    <p class="hint">{i18n.t("for-authorisation-hint")}</p>
                    {existing.map(|f| view! { <p class="existing-file">{i18n.t("file-attached")}" "<strong>{f.file_name}</strong>" ("{format_bytes(f.size_bytes)}")"</p> })}
                    {file_error.clone().map(|e| view! { <p class="field-error" id="authorisation-error">{e}</p> })}
                    <input id=file_name.clone() name=file_name type="file" accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
                        aria-invalid=file_error.is_some().then_some("true")
                        aria-describedby=if file_error.is_some() { "authorisation-error" } else { "upload-limits" } />
                </div>
                })}
            </div>
        </fieldset>
    }
}
