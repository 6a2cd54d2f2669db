//! The personal data store (`/kho-du-lieu`): every document the account keeps — uploads, the
//! files of its submitted dossiers, its results — with type, date and source; download, label,
//! remove one's own uploads, upload a new one. Plain forms: no JavaScript needed.

use crate::api::personal_data::{personal_data, LabelPersonalDocument, RemovePersonalDocument, UploadPersonalDocument};
use crate::components::field::{error_for, ErrorSummary};
use crate::components::format_bytes;
use crate::components::layout::Layout;
use crate::domain::vn_time::format_vn_date;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{page_data, posted_error, query};
use crate::read::personal_data::{PersonalDataView, PersonalDocument};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn PersonalDataPage() -> impl IntoView {
    let i18n = use_i18n();
    page_data(personal_data(), move |v| {
        view! { <Layout title=i18n.t("store-title")>{store_view(i18n, v)}</Layout> }
    })
}

fn store_view(i18n: I18n, v: PersonalDataView) -> impl IntoView {
    let upload_error = posted_error(UploadPersonalDocument::PATH);
    let label_error = posted_error(LabelPersonalDocument::PATH).or_else(|| posted_error(RemovePersonalDocument::PATH));
    let labels = vec![("label".to_string(), i18n.t("store-label")), ("file_0".to_string(), i18n.t("store-file"))];
    let typed = upload_error.as_ref().and_then(|e| e.value("label")).unwrap_or_default();
    view! {
        <h1>{i18n.t("store-title")}</h1>
        <p class="lead">{i18n.t("store-lead")}</p>
        {query("luu").map(|_| view! { <p class="notice" role="status" data-testid="store-saved">{i18n.t("store-saved")}</p> })}
        {query("xoa").map(|_| view! { <p class="notice" role="status" data-testid="store-removed">{i18n.t("store-removed")}</p> })}
        <p class="meta">{i18n.t_args("store-room", &[("used", format_bytes(v.used_bytes as i64)), ("quota", format_bytes(v.quota_bytes as i64))])}</p>
        {label_error.clone().map(|e| view! { <p class="field-error" role="alert">{i18n.t(e.key())}</p> })}
        {if v.documents.is_empty() {
            view! { <p data-testid="store-empty">{i18n.t("store-empty")}</p> }.into_any()
        } else {
            view! {
                <ul class="cards" data-testid="store-documents">
                    {v.documents.into_iter().map(|d| document(i18n, d)).collect_view()}
                </ul>
            }.into_any()
        }}
        <section aria-labelledby="store-add">
            <h2 id="store-add">{i18n.t("store-add")}</h2>
            <ErrorSummary error=upload_error.clone() labels=labels />
            <form method="post" action=UploadPersonalDocument::PATH enctype="multipart/form-data" class="stack">
                <div class="field" class:field-invalid=error_for(&upload_error, "label").is_some()>
                    <label for="label">{i18n.t("store-label")}</label>
                    <p class="hint" id="label-hint">{i18n.t("store-label-hint")}</p>
                    {error_for(&upload_error, "label").map(|e| view! { <p class="field-error">{e}</p> })}
                    <input id="label" name="label" type="text" maxlength="100" required=true value=typed aria-describedby="label-hint" />
                </div>
                <div class="field" class:field-invalid=error_for(&upload_error, "file_0").is_some()>
                    <label for="file_0">{i18n.t("store-file")}</label>
                    <p class="hint" id="file-hint">{crate::components::form_inputs::upload_limits(i18n)}</p>
                    {error_for(&upload_error, "file_0").map(|e| view! { <p class="field-error">{e}</p> })}
                    <input id="file_0" name="file_0" type="file" required=true accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png" aria-describedby="file-hint" />
                </div>
                <button type="submit" class="button-primary">{i18n.t("store-upload")}</button>
            </form>
        </section>
    }
}

fn document(i18n: I18n, d: PersonalDocument) -> impl IntoView {
    let removable = d.removable();
    let title = d.title().to_string();
    let heading = title.clone();
    let label_id = format!("label-{}", d.key.replace(':', "-"));
    view! {
        <li class="card" data-testid="store-document">
            <h2 class="card-title"><a href=d.href.clone()>{heading}</a></h2>
            <p class="meta">
                {i18n.t(d.origin.key())}
                {(!d.source.is_empty()).then(|| format!(" {}", d.source))}
                " · "{format_vn_date(d.created_at_ms)}" · "{d.file_name.clone()}" ("{format_bytes(d.size_bytes)}")"
            </p>
            {(!d.label.is_empty()).then(|| view! { <p class="hint">{d.kind.clone()}</p> })}
            <details>
                <summary>{i18n.t("store-rename")}</summary>
                <form method="post" action=LabelPersonalDocument::PATH class="inline-form">
                    <input type="hidden" name="key" value=d.key.clone() />
                    <label for=label_id.clone()>{i18n.t("store-new-name")}</label>
                    <input id=label_id name="label" type="text" maxlength="100" required=true value=d.title().to_string() />
                    <button type="submit">{i18n.t("store-rename-button")}</button>
                </form>
            </details>
            {removable.then(|| view! {
                <form method="post" action=RemovePersonalDocument::PATH class="inline-form">
                    <input type="hidden" name="key" value=d.key.clone() />
                    <button type="submit">{i18n.t("store-remove")}<span class="visually-hidden">{format!(": {title}")}</span></button>
                </form>
            })}
        </li>
    }
}
