//! Mẫu 06, the dossier tracking register: a period of the desk's received dossiers as an A4
//! landscape table, on screen with a period filter and on paper as the book.

use crate::api::register::{desk_register, RegisterView};
use crate::components::field::error_for;
use crate::components::layout::Layout;
use crate::components::table_head;
use crate::domain::vn_time::format_vn;
use crate::i18n::{use_i18n, I18n};
use crate::pages::calendar::vn_date;
use crate::pages::desk_data;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DossierRegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let period = move || (q.read().get("from").filter(|v| !v.is_empty()), q.read().get("to").filter(|v| !v.is_empty()));
    // A bad period is shown at its field, over an empty register.
    let load = |(from, to): (Option<String>, Option<String>)| async move {
        match desk_register(from, to).await {
            Ok(r) => Ok((r, None)),
            Err(e) if !e.field_errors().is_empty() => {
                let view = RegisterView {
                    agency: Default::default(),
                    from: e.value("from").unwrap_or_default(),
                    to: e.value("to").unwrap_or_default(),
                    rows: Vec::new(),
                    truncated: false,
                };
                Ok((view, Some(e)))
            }
            Err(e) => Err(e),
        }
    };
    desk_data(period, load, move |(r, error)| match error {
        None => view! { <Layout title=i18n.t("slip-06-title")>{register_view(i18n, r)}</Layout> }.into_any(),
        Some(e) => view! { <Layout title=i18n.t("slip-06-title")>{period_form(i18n, &r, Some(e))}</Layout> }.into_any(),
    })
}

fn period_form(i18n: I18n, r: &RegisterView, error: Option<crate::error::AppError>) -> impl IntoView {
    let date_field = |name: &'static str, label: String, value: String| {
        let e = error_for(&error, name);
        let invalid = e.is_some();
        view! {
            <div class="field" class:field-invalid=invalid>
                <label for=name>{label}</label>
                {e.map(|e| view! { <p class="field-error" id=format!("{name}-error")>{e}</p> })}
                <input id=name name=name type="date" value=value aria-invalid=invalid.then_some("true")
                    aria-describedby=invalid.then(|| format!("{name}-error")) />
            </div>
        }
    };
    view! {
        <form method="get" action="/mot-cua/so-theo-doi" class="filter-row no-print">
            {date_field("from", i18n.t("register-from"), r.from.clone())}
            {date_field("to", i18n.t("register-to"), r.to.clone())}
            <div class="filter-buttons"><button type="submit">{i18n.t("register-show")}</button></div>
        </form>
    }
}

fn date_only(ms: i64) -> String {
    format_vn(ms).split_once(' ').map(|(d, _)| d.to_string()).unwrap_or_default()
}

fn register_view(i18n: I18n, r: RegisterView) -> impl IntoView {
    let dated = |v: Option<i64>| v.map(format_vn).unwrap_or_default();
    view! {
        // The book's paper: A4 landscape (this page only).
        <link rel="stylesheet" href="/pkg/register-print.css" />
        <p class="breadcrumb no-print"><a href="/mot-cua">{i18n.t("desk-title")}</a></p>
        {period_form(i18n, &r, None)}
        <article class="register printable" aria-labelledby="register-title">
            <header class="slip-head">
                <div>
                    <p class="slip-agency">{i18n.name(&r.agency)}</p>
                    <p class="slip-form">{i18n.t("slip-06-form")}</p>
                </div>
                <div class="slip-motto">
                    <p><strong>{i18n.t("slip-motto-1")}</strong></p>
                    <p>{i18n.t("slip-motto-2")}</p>
                </div>
            </header>
            <h1 id="register-title">{i18n.t("slip-06-title")}</h1>
            <p class="register-period">{i18n.t_args("register-period", &[("from", vn_date(&r.from)), ("to", vn_date(&r.to)), ("count", r.rows.len().to_string())])}</p>
            {r.truncated.then(|| view! { <p class="notice" role="status">{i18n.t("register-truncated")}</p> })}
            <table class="table register-table" data-testid="register">
                {table_head(
                    i18n,
                    &[
                        "register-col-no",
                        "desk-col-code",
                        "dossier-procedure",
                        "register-col-sets",
                        "register-col-applicant",
                        "register-col-handling",
                        "register-col-received",
                        "register-col-due",
                        "register-col-transferred",
                        "register-col-result",
                        "register-col-delivered",
                        "register-col-signature",
                        "register-col-note",
                    ],
                )}
                <tbody>
                    {r.rows.into_iter().enumerate().map(|(i, row)| {
                        let moved = row.original_due_at_ms.is_some_and(|o| Some(o) != row.due_at_ms);
                        let mut note = vec![i18n.t(&format!("channel-{}", row.channel))];
                        // Off the usual path (not in handling, not decided): the status says why.
                        if !(row.status.is_in_handling() || row.status.is_decided()) {
                            note.push(i18n.t(&row.status.key()));
                        }
                        if moved {
                            let first = row.original_due_at_ms.map(date_only).unwrap_or_default();
                            note.push(i18n.t_args("register-moved", &[("date", first)]));
                        }
                        let note = note.join("; ");
                        view! {
                            <tr>
                                <td>{(i + 1).to_string()}</td>
                                <td><a class="code" href=format!("/mot-cua/ho-so/{}", row.code)>{row.code.clone()}</a></td>
                                <td>{i18n.name(&row.procedure)}</td>
                                <td>"1"</td>
                                <td>{row.applicant}<br/><small>{row.phone}</small></td>
                                <td>{i18n.name(&row.handling_agency)}</td>
                                <td>{format_vn(row.received_at_ms)}</td>
                                <td>{dated(row.due_at_ms)}</td>
                                <td>{dated(row.transferred_at_ms)}</td>
                                <td>{dated(row.result_at_ms)}</td>
                                <td>{dated(row.delivered_at_ms)}</td>
                                <td></td>
                                <td>{note}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </article>
        <p class="no-print">{i18n.t("register-print-hint")}</p>
    }
}
