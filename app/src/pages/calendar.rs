//! The working calendar for administrators: the year's days off and compensatory working days,
//! a form to add or change a day, a button to remove one, and the record of changes.

use crate::api::calendar::{admin_calendar, CalendarView, SetCalendarDay, SetPaperCutoff, CALENDAR_KINDS};
use crate::components::field::{error_for, ErrorSummary, TextField};
use crate::components::layout::Layout;
use crate::domain::vn_time::format_vn;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{desk_data, posted_error};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CalendarPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    desk_data(
        move || (q.read().get("nam").filter(|v| !v.is_empty()), q.read().get("xong").is_some()),
        |(year, _)| admin_calendar(year),
        move |c| {
            let done = q.read_untracked().get("xong").is_some();
            let error = posted_error(SetCalendarDay::PATH).or_else(|| posted_error(SetPaperCutoff::PATH));
            view! { <Layout title=i18n.t("calendar-title")>{calendar_view(i18n, c, error, done)}</Layout> }
        },
    )
}

/// `2026-11-01` as `01/11/2026`.
pub(crate) fn vn_date(iso: &str) -> String {
    crate::domain::form::parse_date(iso)
        .map(|(y, m, d)| format!("{d:02}/{m:02}/{y}"))
        .unwrap_or_else(|| iso.to_string())
}

fn weekday_name(i18n: I18n, day: &str) -> String {
    crate::domain::form::parse_date(day)
        .map(|(y, m, d)| {
            i18n.t(&format!("weekday-{}", crate::domain::clock::weekday(crate::domain::clock::day(y, m, d))))
        })
        .unwrap_or_default()
}

fn calendar_view(i18n: I18n, c: CalendarView, error: Option<AppError>, done: bool) -> impl IntoView {
    let labels = vec![
        ("day".to_string(), i18n.t("calendar-day")),
        ("kind".to_string(), i18n.t("calendar-kind")),
        ("note".to_string(), i18n.t("calendar-note")),
        ("cutoff".to_string(), i18n.t("calendar-cutoff")),
    ];
    let kind = error.as_ref().and_then(|e| e.value("kind")).unwrap_or_else(|| "off".into());
    let scope = c.scope.clone();
    let kind_error = error_for(&error, "kind");
    let kind_invalid = kind_error.is_some();
    view! {
        <p class="breadcrumb"><a href="/mot-cua">{i18n.t("desk-title")}</a></p>
        <h1>{i18n.t("calendar-title")}</h1>
        <p class="lead">{if c.scope.is_empty() { i18n.t("calendar-scope-province") } else { i18n.t_args("calendar-scope-agency", &[("agency", c.scope_name.clone())]) }}</p>
        {done.then(|| view! { <p class="notice" role="status">{i18n.t("calendar-saved")}</p> })}
        <nav class="pager" aria-label=i18n.t("calendar-years")>
            <a rel="prev" href=format!("/mot-cua/lich?nam={}", c.year - 1)>{(c.year - 1).to_string()}</a>
            <strong>{c.year.to_string()}</strong>
            <a rel="next" href=format!("/mot-cua/lich?nam={}", c.year + 1)>{(c.year + 1).to_string()}</a>
        </nav>
        <ErrorSummary error=error.clone() labels=labels />
        <form method="post" action=SetCalendarDay::PATH class="stack calendar-form">
            <fieldset>
                <legend>{i18n.t("calendar-add")}</legend>
                <div class="field-row">
                    <TextField name="day" label=i18n.t("calendar-day") kind="date" value=error.as_ref().and_then(|e| e.value("day")).unwrap_or_default()
                        error=error_for(&error, "day") required=true />
                    <TextField name="note" label=i18n.t("calendar-note") value=error.as_ref().and_then(|e| e.value("note")).unwrap_or_default()
                        hint=i18n.t("calendar-note-hint") error=error_for(&error, "note") required=true maxlength=200u32 />
                </div>
                <fieldset class="field" class:field-invalid=kind_invalid id="kind">
                    <legend>{i18n.t("calendar-kind")}</legend>
                    {kind_error.map(|e| view! { <p class="field-error">{e}</p> })}
                    {CALENDAR_KINDS.iter().map(|k| {
                        let id = format!("kind-{k}");
                        view! {
                            <div class="choice">
                                <input type="radio" id=id.clone() name="kind" value=*k checked=kind == *k />
                                <label for=id>{i18n.t(&format!("calendar-kind-{k}"))}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button-primary">{i18n.t("calendar-save")}</button>
            </fieldset>
        </form>
        <form method="post" action=SetPaperCutoff::PATH class="stack calendar-form">
            <fieldset>
                <legend>{i18n.t_args("calendar-cutoff-title", &[("agency", c.scope_name.clone())])}</legend>
                <TextField name="cutoff" label=i18n.t("calendar-cutoff") kind="time"
                    value=error.as_ref().and_then(|e| e.value("cutoff")).unwrap_or_else(|| c.paper_cutoff.clone())
                    hint=i18n.t("calendar-cutoff-hint") error=error_for(&error, "cutoff") required=true />
                <button type="submit">{i18n.t("calendar-cutoff-save")}</button>
            </fieldset>
        </form>
        <table class="table calendar-table">
            <caption>{i18n.t_args("calendar-caption", &[("year", c.year.to_string())])}</caption>
            <thead><tr>
                <th scope="col">{i18n.t("calendar-day")}</th>
                <th scope="col">{i18n.t("calendar-kind")}</th>
                <th scope="col">{i18n.t("calendar-note")}</th>
                <th scope="col">{i18n.t("calendar-source")}</th>
                <th scope="col"><span class="visually-hidden">{i18n.t("desk-actions")}</span></th>
            </tr></thead>
            <tbody>
                {c.days.into_iter().map(|d| {
                    let mine = d.agency_code == scope;
                    let date = vn_date(&d.day);
                    view! {
                        <tr>
                            <td>{weekday_name(i18n, &d.day)}" "{date}</td>
                            <td>{i18n.t(&format!("calendar-kind-{}", d.kind))}</td>
                            <td>{if d.note.is_empty() { "—".to_string() } else { d.note.clone() }}</td>
                            <td>{if d.agency_code.is_empty() { i18n.t("calendar-source-province") } else { i18n.t("calendar-source-agency") }}</td>
                            <td>{mine.then(|| view! {
                                <form method="post" action=SetCalendarDay::PATH>
                                    <input type="hidden" name="day" value=d.day.clone() />
                                    <input type="hidden" name="kind" value="remove" />
                                    <button type="submit" class="button-small">{i18n.t("calendar-remove")}</button>
                                </form>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <h2>{i18n.t("calendar-changes")}</h2>
        {c.changes.is_empty().then(|| view! { <p>{i18n.t("calendar-no-changes")}</p> })}
        <ul class="calendar-changes">
            {c.changes.into_iter().map(|ch| view! {
                <li>{format_vn(ch.changed_at_ms)}" — "{ch.changed_by}": "{vn_date(&ch.day)}" "{i18n.t(&format!("calendar-kind-{}", ch.kind))}{(!ch.note.is_empty()).then(|| format!(" ({})", ch.note))}</li>
            }).collect_view()}
        </ul>
    }
}
