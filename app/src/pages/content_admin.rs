//! The portal's content inside the desk app (`/mot-cua/noi-dung`, province administrators):
//! guides, news and questions and answers written in the Markdown subset, with a preview; and
//! the incident and maintenance banner, opened with the expected restoration time and resolved.

use crate::api::content::{
    admin_content, AdminContentView, ContentView, OpenIncident, ResolveIncident, SaveContent, CONTENT_KINDS,
    INCIDENT_KINDS,
};
use crate::components::field::{error_for, ErrorSummary};
use crate::components::layout::Layout;
use crate::domain::markdown::to_html;
use crate::domain::vn_time::format_vn;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::admin::select_field;
use crate::pages::{desk_data, posted_error};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ContentAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    desk_data(
        move || (q.read().get("sua"), q.read().get("xong").is_some()),
        |(edit, _)| admin_content(edit),
        move |v| {
            let done = q.read_untracked().get("xong").is_some();
            let error = posted_error(SaveContent::PATH);
            let incident_error = posted_error(OpenIncident::PATH).or_else(|| posted_error(ResolveIncident::PATH));
            view! { <Layout title=i18n.t("content-admin-title")>{content_view(i18n, v, error, incident_error, done)}</Layout> }
        },
    )
}

/// A labelled text input or text area with its error; ids are prefixed so two forms on the page
/// never share one.
fn input(
    i18n: I18n,
    (prefix, name): (&str, &'static str),
    label: &str,
    value: String,
    error: &Option<AppError>,
    rows: Option<u32>,
    kind: &'static str,
) -> impl IntoView {
    let id = format!("{prefix}{name}");
    let err_id = format!("{id}-error");
    let message = error_for(error, name);
    let invalid = message.is_some();
    let control = match rows {
        Some(rows) => view! {
            <textarea id=id.clone() name=name rows=rows aria-invalid=invalid.then_some("true") aria-describedby=invalid.then(|| err_id.clone())>{value}</textarea>
        }
        .into_any(),
        None => view! {
            <input id=id.clone() name=name type=kind value=value autocomplete="off" aria-invalid=invalid.then_some("true") aria-describedby=invalid.then(|| err_id.clone()) />
        }
        .into_any(),
    };
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id>{i18n.t(label)}</label>
            {message.map(|m| view! { <p class="field-error" id=err_id.clone()>{m}</p> })}
            {control}
        </div>
    }
}

fn content_view(
    i18n: I18n,
    v: AdminContentView,
    error: Option<AppError>,
    incident_error: Option<AppError>,
    done: bool,
) -> impl IntoView {
    let editing: Option<ContentView> = v.editing.clone();
    // What the form shows: what was typed when the post failed, else the page being edited.
    let shown = |name: &str| -> String {
        if let Some(typed) = error.as_ref().and_then(|e| e.value(name)) {
            return typed;
        }
        let Some(c) = &editing else { return String::new() };
        match name {
            "kind" => c.kind.clone(),
            "slug" => c.slug.clone(),
            "sector" => c.sector.as_ref().map(|s| s.0.clone()).unwrap_or_default(),
            "title_vi" => c.title.vi.clone(),
            "title_en" => c.title.en.clone(),
            "body_vi" => c.body.vi.clone(),
            _ => c.body.en.clone(),
        }
    };
    let kinds: Vec<(String, String)> =
        CONTENT_KINDS.iter().map(|k| (k.to_string(), i18n.t(&format!("content-kind-{k}")))).collect();
    let sectors: Vec<(String, String)> = std::iter::once((String::new(), i18n.t("content-no-sector")))
        .chain(v.sectors.iter().map(|s| (s.code.clone(), i18n.name(&s.name))))
        .collect();
    let incident_kinds: Vec<(String, String)> =
        INCIDENT_KINDS.iter().map(|k| (k.to_string(), i18n.t(&format!("incident-kind-{k}")))).collect();
    let labels = vec![
        ("kind".to_string(), i18n.t("content-kind")),
        ("slug".to_string(), i18n.t("content-slug")),
        ("sector".to_string(), i18n.t("content-sector")),
        ("title_vi".to_string(), i18n.t("content-title-vi")),
        ("title_en".to_string(), i18n.t("content-title-en")),
        ("body_vi".to_string(), i18n.t("content-body-vi")),
        ("body_en".to_string(), i18n.t("content-body-en")),
    ];
    let incident_labels = vec![
        ("message_vi".to_string(), i18n.t("incident-message-vi")),
        ("message_en".to_string(), i18n.t("incident-message-en")),
        ("expected_end".to_string(), i18n.t("incident-expected-end")),
    ];
    let typed_incident = |name: &str| incident_error.as_ref().and_then(|e| e.value(name)).unwrap_or_default();
    let published = editing.as_ref().is_none_or(|c| c.published);
    view! {
        <p class="breadcrumb"><a href="/mot-cua">{i18n.t("desk-title")}</a></p>
        <h1>{i18n.t("content-admin-title")}</h1>
        {done.then(|| view! { <p class="notice" role="status">{i18n.t("admin-saved")}</p> })}

        <h2>{i18n.t("incident-admin-title")}</h2>
        <ErrorSummary error=incident_error.clone() labels=incident_labels />
        <ul class="calendar-changes" data-testid="incidents-admin">
            {v.incidents.iter().filter(|n| n.resolved_at.is_none()).map(|n| view! {
                <li>
                    <strong>{i18n.t(&format!("incident-kind-{}", n.kind))}</strong>": "{n.message.vi.clone()}" — "{format_vn(n.started_at)}
                    {n.expected_end_at.map(|t| format!(" → {}", format_vn(t)))}
                    <form method="post" action=ResolveIncident::PATH class="inline-form">
                        <input type="hidden" name="id" value=n.id.to_string() />
                        <button type="submit" class="button-small">{i18n.t("incident-resolve")}</button>
                    </form>
                </li>
            }).collect_view()}
        </ul>
        <form method="post" action=OpenIncident::PATH class="stack admin-form" novalidate=incident_error.is_some()>
            <fieldset>
                <legend>{i18n.t("incident-open")}</legend>
                {select_field("incident-kind".into(), "kind", i18n.t("incident-kind"), incident_kinds, typed_incident("kind"), None, false)}
                {input(i18n, ("incident-", "message_vi"), "incident-message-vi", typed_incident("message_vi"), &incident_error, None, "text")}
                {input(i18n, ("incident-", "message_en"), "incident-message-en", typed_incident("message_en"), &incident_error, None, "text")}
                {input(i18n, ("incident-", "expected_end"), "incident-expected-end", typed_incident("expected_end"), &incident_error, None, "datetime-local")}
                <button type="submit">{i18n.t("incident-open-button")}</button>
            </fieldset>
        </form>

        <h2>{i18n.t("content-pages")}</h2>
        <table class="table fit-table" data-testid="content-pages">
            <caption class="visually-hidden">{i18n.t("content-pages")}</caption>
            <thead><tr>
                <th scope="col">{i18n.t("content-title-vi")}</th>
                <th scope="col">{i18n.t("content-kind")}</th>
                <th scope="col">{i18n.t("content-state")}</th>
            </tr></thead>
            <tbody>
                {v.pages.into_iter().map(|c| view! {
                    <tr>
                        <td><a href=format!("/mot-cua/noi-dung?sua={}", c.id)>{c.title.vi.clone()}</a><br/><small><code>{c.slug.clone()}</code></small></td>
                        <td>{i18n.t(&format!("content-kind-{}", c.kind))}{c.sector.map(|(_, n)| format!(" · {}", i18n.name(&n)))}</td>
                        <td>{if c.published { i18n.t("content-published") } else { i18n.t("content-draft") }}<br/><small>{format_vn(c.updated_at)}</small></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>

        <ErrorSummary error=error.clone() labels=labels />
        <form method="post" action=SaveContent::PATH class="stack admin-form" novalidate=error.is_some() data-testid="content-form">
            <fieldset>
                <legend>{if editing.is_some() { i18n.t("content-edit") } else { i18n.t("content-new") }}</legend>
                <input type="hidden" name="id" value=editing.as_ref().map(|c| c.id.to_string()).unwrap_or_default() />
                {select_field("content-kind".into(), "kind", i18n.t("content-kind"), kinds, shown("kind"), error_for(&error, "kind"), false)}
                {input(i18n, ("content-", "slug"), "content-slug", shown("slug"), &error, None, "text")}
                {select_field("content-sector".into(), "sector", i18n.t("content-sector"), sectors, shown("sector"), error_for(&error, "sector"), false)}
                {input(i18n, ("content-", "title_vi"), "content-title-vi", shown("title_vi"), &error, None, "text")}
                {input(i18n, ("content-", "title_en"), "content-title-en", shown("title_en"), &error, None, "text")}
                <p class="hint">{i18n.t("content-markdown-hint")}</p>
                {input(i18n, ("content-", "body_vi"), "content-body-vi", shown("body_vi"), &error, Some(10), "text")}
                {input(i18n, ("content-", "body_en"), "content-body-en", shown("body_en"), &error, Some(6), "text")}
                <div class="field">
                    <input type="checkbox" id="content-published" name="published" value="1" checked=published />
                    " "<label for="content-published">{i18n.t("content-publish")}</label>
                </div>
                <button type="submit" class="button-primary">{i18n.t("content-save")}</button>
                {editing.is_some().then(|| view! { " "<a href="/mot-cua/noi-dung">{i18n.t("content-new")}</a> })}
            </fieldset>
        </form>
        {editing.map(|c| view! {
            <section class="content-preview" aria-labelledby="preview-heading" data-testid="content-preview">
                <h2 id="preview-heading">{i18n.t("content-preview")}</h2>
                <h3>{c.title.vi.clone()}</h3>
                <div class="prose" inner_html=to_html(&c.body.vi)></div>
            </section>
        })}
    }
}
