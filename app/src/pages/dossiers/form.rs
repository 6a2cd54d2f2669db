//! The e-form with files (`/thu-tuc/{code}/nop`): a new dossier or a resumed draft, saved or
//! submitted in one multipart post.

use crate::api::dossiers::{dossier_form, DossierFormView, SaveDossier};
use crate::components::field::{error_for, ErrorSummary};
use crate::components::form_inputs::{component_inputs, form_inputs, form_labels, upload_limits};
use crate::components::layout::Layout;
use crate::components::upload::UploadProgress;
use crate::domain::upload::MAX_FILE_BYTES;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{page_data, param, posted_error, query};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn SubmitPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = param("code");
    let draft = query("nhap");
    let saved = query("luu").is_some();
    let error = posted_error(SaveDossier::PATH);
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
        <p class="breadcrumb"><a href=format!("/thu-tuc/{}", p.code)>{p.name.clone()}</a></p>
        <h1>{i18n.t("submit-title")}</h1>
        <p class="lead">{p.name.clone()}</p>
        {saved.then(|| view! { <p class="notice" role="status">{i18n.t("draft-saved")}</p> })}
        {form.resumed.then(|| view! { <p class="meta">{i18n.t("draft-resumed")}</p> })}
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
