//! The e-form with files (`/thu-tuc/{code}/nop`): a new dossier or a resumed draft, saved or
//! submitted in one multipart post.

use crate::api::dossiers::{dossier_form, DossierFormView, SaveDossier};
use crate::components::field::{error_for, ErrorSummary};
use crate::components::form_inputs::{component_inputs, form_inputs, form_labels, upload_limits};
use crate::components::layout::Layout;
use crate::components::upload::upload_progress;
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
    let values = form.values;
    let files = form.files;
    view! {
        <p class="breadcrumb"><a href=format!("/thu-tuc/{}", p.code)>{i18n.name(&p.name)}</a></p>
        <h1>{i18n.t("submit-title")}</h1>
        <p class="lead">{i18n.name(&p.name)}</p>
        {saved.then(|| view! { <p class="notice" role="status">{i18n.t("draft-saved")}</p> })}
        {form.resumed.then(|| view! { <p class="meta">{i18n.t("draft-resumed")}</p> })}
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
            <fieldset>
                <legend>{i18n.t("submit-form-section")}</legend>
                {form_inputs(&p.form_fields, &values, &error)}
            </fieldset>
            <fieldset>
                <legend>{i18n.t("submit-files-section")}</legend>
                <p class="hint" id="upload-limits">{limits}</p>
                {error_for(&error, "files").map(|e| view! { <p class="field-error" id="files">{e}</p> })}
                {(error.is_some() && !files.is_empty()).then(|| view! { <p class="notice" role="status">{i18n.t("files-kept")}</p> })}
                {component_inputs(i18n, &p.components, &files, &error)}
            </fieldset>
            {upload_progress(i18n, "dossier-form")}
            <div class="actions">
                <button type="submit" name="intent" value="submit" class="button-primary">{i18n.t("submit-button")}</button>
                <button type="submit" name="intent" value="save" formnovalidate=true>{i18n.t("save-draft-button")}</button>
            </div>
        </form>
    }
}
