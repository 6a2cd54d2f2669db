//! The catalogue inside the desk app (`/mot-cua/danh-muc`, province administrators): every
//! procedure with its versions and dates, and the import of a catalogue file — checked first,
//! then imported — with every problem listed by procedure and field.

use crate::api::catalogue_admin::{admin_catalogue, CatalogueAdminView, ImportCatalogue, ImportOutcome};
use crate::components::field::{error_for, ErrorSummary};
use crate::components::layout::Layout;
use crate::domain::vn_time::{format_vn, iso_day_vn as day};
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{desk_data, posted_error};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CatalogueAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    desk_data(
        move || q.read().get("ket-qua"),
        admin_catalogue,
        move |v| {
            let error = posted_error(ImportCatalogue::PATH);
            view! { <Layout title=i18n.t("catalogue-admin-title")>{catalogue_view(i18n, v, error)}</Layout> }
        },
    )
}

fn date(ms: Option<i64>) -> String {
    ms.map(|t| format_vn(t)[..10].to_string()).unwrap_or_else(|| "—".into())
}

fn outcome_view(i18n: I18n, o: ImportOutcome) -> impl IntoView {
    let n = |v: usize| v.to_string();
    match o.report {
        Some(r) => {
            let key = if o.committed { "catalogue-imported" } else { "catalogue-checked" };
            view! {
                <div class="done-banner" role="status" tabindex="-1" data-testid="import-outcome">
                    <p><strong>{i18n.t_args(key, &[("file", o.file_name.clone())])}</strong></p>
                    <p>{i18n.t_args("catalogue-report", &[
                        ("new", n(r.procedures_new)), ("versions", n(r.versions_new)), ("pending", n(r.pending)),
                        ("unchanged", n(r.unchanged)), ("agencies", n(r.agencies_changed)), ("units", n(r.units_changed)),
                        ("sectors", n(r.sectors_changed)),
                    ])}</p>
                    {(!o.committed).then(|| view! { <p>{i18n.t("catalogue-checked-next")}</p> })}
                </div>
            }
            .into_any()
        }
        None => view! {
            <div class="error-summary" role="alert" tabindex="-1" data-testid="import-outcome">
                <h2>{i18n.t_args("catalogue-problems", &[("n", n(o.problems.len())), ("file", o.file_name.clone())])}</h2>
                <table class="table fit-table">
                    <caption class="visually-hidden">{i18n.t("catalogue-problems-caption")}</caption>
                    <thead><tr>
                        <th scope="col">{i18n.t("catalogue-problem-record")}</th>
                        <th scope="col">{i18n.t("catalogue-problem-field")}</th>
                        <th scope="col">{i18n.t("catalogue-problem-what")}</th>
                    </tr></thead>
                    <tbody>
                        {o.problems.into_iter().map(|p| view! {
                            <tr>
                                <td><code>{if p.subject.is_empty() { "—".to_string() } else { p.subject }}</code></td>
                                <td><code>{p.field}</code></td>
                                <td>{i18n.t_args(&p.key, &[("arg", p.arg)])}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p>{i18n.t("catalogue-nothing-imported")}</p>
            </div>
        }
        .into_any(),
    }
}

fn catalogue_view(i18n: I18n, v: CatalogueAdminView, error: Option<AppError>) -> impl IntoView {
    let labels = vec![("file".to_string(), i18n.t("catalogue-file"))];
    let file_error = error_for(&error, "file");
    view! {
        <p class="breadcrumb"><a href="/mot-cua">{i18n.t("desk-title")}</a></p>
        <h1>{i18n.t("catalogue-admin-title")}</h1>
        {v.outcome.map(|o| outcome_view(i18n, o))}
        <ErrorSummary error=error.clone() labels=labels />
        <form method="post" action=ImportCatalogue::PATH enctype="multipart/form-data" class="stack admin-form">
            <fieldset>
                <legend>{i18n.t("catalogue-import")}</legend>
                <p class="hint" id="catalogue-file-hint">{i18n.t("catalogue-import-hint")}</p>
                <div class="field" class:field-invalid=file_error.is_some()>
                    <label for="catalogue-file">{i18n.t("catalogue-file")}</label>
                    {file_error.clone().map(|e| view! { <p class="field-error" id="catalogue-file-error">{e}</p> })}
                    <input type="file" id="catalogue-file" name="file" accept="application/json,.json" required
                        aria-invalid=file_error.is_some().then_some("true")
                        aria-describedby=if file_error.is_some() { "catalogue-file-error catalogue-file-hint" } else { "catalogue-file-hint" } />
                </div>
                <div class="button-row">
                    <button type="submit" name="action" value="check">{i18n.t("catalogue-check-button")}</button>
                    <button type="submit" name="action" value="import" class="button-primary">{i18n.t("catalogue-import-button")}</button>
                </div>
            </fieldset>
        </form>
        <table class="table fit-table" data-testid="catalogue-rows">
            <caption>{i18n.t_args("catalogue-caption", &[("n", v.rows.len().to_string())])}</caption>
            <thead><tr>
                <th scope="col">{i18n.t("catalogue-code")}</th>
                <th scope="col">{i18n.t("catalogue-procedure")}</th>
                <th scope="col">{i18n.t("catalogue-versions")}</th>
                <th scope="col">{i18n.t("catalogue-in-effect")}</th>
                <th scope="col">{i18n.t("catalogue-published")}</th>
            </tr></thead>
            <tbody>
                {v.rows.into_iter().map(|r| {
                    let published = r.current_from.is_some();
                    view! {
                        <tr>
                            <td><code>{r.code.clone()}</code></td>
                            <td>{if published {
                                    view! { <a href=format!("/thu-tuc/{}", r.code) rel="external">{i18n.name(&r.name)}</a> }.into_any()
                                } else {
                                    view! { <span>{i18n.name(&r.name)}</span> }.into_any()
                                }}
                                <br/><small>{i18n.name(&r.agency)}</small></td>
                            <td>{r.versions}</td>
                            <td>{r.current_from.map(|d| day(&d)).unwrap_or_else(|| i18n.t("catalogue-not-yet"))}
                                {r.next_from.map(|d| view! { <br/><small>{i18n.t_args("catalogue-next", &[("date", day(&d))])}</small> })}</td>
                            <td>{date(r.published_at)}<br/><small>{i18n.t_args("catalogue-updated", &[("date", date(r.updated_at))])}</small></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <h2>{i18n.t("catalogue-imports")}</h2>
        {v.imports.is_empty().then(|| view! { <p>{i18n.t("admin-record-empty")}</p> })}
        <ul class="calendar-changes" data-testid="catalogue-imports">
            {v.imports.into_iter().map(|e| view! { <li>{format_vn(e.at_ms)}" — "{e.actor_name}": "{e.detail}</li> }).collect_view()}
        </ul>
    }
}
