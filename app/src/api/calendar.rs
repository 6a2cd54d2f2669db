//! The working calendar, edited by administrators: days off (public holidays, Tết, bridged days)
//! and compensatory working days. A province administrator edits the province-wide table; one of another agency edits that agency's own days, which override it.
//! Every change is kept with who made it and when. Due dates already given are not moved: they
//! were promised on the receipt; the change applies to every clock computed after it.

use crate::error::AppError;
pub use crate::read::calendar::{CalendarChange, CalendarDay};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarView {
    /// The table this administrator edits: empty for the province-wide one.
    pub scope: String,
    /// The administrator's own agency.
    pub scope_name: String,
    pub year: i32,
    /// The days of the year in force for this scope: the province's and (for an agency) its own.
    pub days: Vec<CalendarDay>,
    pub changes: Vec<CalendarChange>,
    /// The paper cut-off of the administrator's own agency (named `scope_name`), `HH:MM`.
    pub paper_cutoff: String,
}

pub const CALENDAR_KINDS: [&str; 2] = ["off", "work"];

/// The administrator's scope: the province-wide table for a province administrator, else their
/// agency's own.
#[cfg(feature = "ssr")]
async fn scope() -> Result<(crate::ports::CurrentUser, String, String), AppError> {
    use crate::api::ctx;
    let (user, agency) = crate::api::desk::ssr::officer(&[
        crate::domain::role::Role::ProvinceAdmin,
        crate::domain::role::Role::AgencyAdmin,
    ])?;
    let a = ctx::services()?.store.agency(&agency).await?.ok_or(AppError::Forbidden)?;
    Ok(if user.role == crate::domain::role::Role::ProvinceAdmin {
        (user, String::new(), a.name.get(ctx::lang()).to_string())
    } else {
        (user, a.code, a.name.get(ctx::lang()).to_string())
    })
}

/// The earliest and latest paper cut-off an administrator may set (within the afternoon's hours).
pub const CUTOFF_RANGE: std::ops::RangeInclusive<i64> = 12 * 60..=17 * 60;

#[server(prefix = "/api", endpoint = "admin/calendar", input = GetUrl, output = crate::api::JsonText)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/calendar", skip_all))]
pub async fn admin_calendar(year: Option<String>) -> Result<CalendarView, AppError> {
    use crate::api::ctx;
    let (user, scope, scope_name) = scope().await?;
    let this_year = crate::domain::vn_time::local(ctx::now_ms()).year;
    let year =
        year.and_then(|y| y.trim().parse::<i32>().ok()).filter(|y| (2000..=2100).contains(y)).unwrap_or(this_year);
    let store = ctx::services()?.store;
    let days = store.calendar_days(&scope, year).await?;
    let mut changes = store.calendar_changes(&scope, 30).await?;
    let own = user.agency_code.clone().unwrap_or_default();
    if own != scope {
        changes.extend(store.calendar_changes(&own, 30).await?.into_iter().filter(|c| c.kind == "paper-cutoff"));
        changes.sort_by_key(|c| std::cmp::Reverse(c.changed_at_ms));
    }
    let cal = store.calendar(&own).await?.ok_or(AppError::NotFound)?;
    let paper_cutoff = format!("{:02}:{:02}", cal.paper_cutoff / 60, cal.paper_cutoff % 60);
    Ok(CalendarView { scope, scope_name, year, days, changes, paper_cutoff })
}

/// Sets a day (`kind` = `off` | `work`, with a note) or removes it (`kind` = `remove`) in the
/// administrator's table.
#[server(prefix = "/api", endpoint = "admin/calendar-day")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/calendar-day", skip_all))]
pub async fn set_calendar_day(day: String, kind: String, note: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::clock::{check_calendar_entry, CalendarEntryRefusal};
    use crate::domain::FieldError;
    let (user, scope, _) = scope().await?;
    let day = day.trim().to_string();
    let note = note.unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    let echo = vec![
        ("day".to_string(), day.chars().take(20).collect()),
        ("note".to_string(), note.chars().take(200).collect()),
    ];
    let mut errors = Vec::new();
    let date = crate::domain::form::parse_date(&day);
    if date.is_none() {
        errors.push(FieldError::new("day", "error-date"));
    }
    let set = match kind.as_str() {
        "remove" => None,
        k if CALENDAR_KINDS.contains(&k) => Some(k.to_string()),
        _ => {
            errors.push(FieldError::new("kind", "error-select"));
            None
        }
    };
    if let (Some(d), Some(k)) = (date, &set) {
        match check_calendar_entry(d, k == "off") {
            Err(CalendarEntryRefusal::OffOnWeekend) => {
                errors.push(FieldError::new("day", "error-calendar-off-weekend"))
            }
            Err(CalendarEntryRefusal::WorkOnWeekday) => {
                errors.push(FieldError::new("day", "error-calendar-work-weekday"))
            }
            Ok(()) => {}
        }
        if !(2..=200).contains(&note.chars().count()) {
            errors.push(FieldError::new("note", if note.is_empty() { "error-required" } else { "error-too-long" }));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors).with_values(echo));
    }
    let Some((y, m, d)) = date else { return Err(AppError::field("day", "error-date")) };
    let day = format!("{y:04}-{m:02}-{d:02}");
    ctx::services()?.store.set_calendar_day(&scope, &day, set.as_deref(), &note, &user, ctx::now_ms()).await?;
    leptos_axum::redirect(&format!("/mot-cua/lich?nam={y}&xong=1"));
    Ok(())
}

/// Sets the paper cut-off of the administrator's own agency (`cutoff` = `HH:MM`).
#[server(prefix = "/api", endpoint = "admin/paper-cutoff")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/paper-cutoff", skip_all))]
pub async fn set_paper_cutoff(cutoff: String) -> Result<(), AppError> {
    use crate::api::ctx;
    let (user, _, _) = scope().await?;
    let agency = user.agency_code.clone().ok_or(AppError::Forbidden)?;
    let raw = cutoff.trim();
    let minute = raw
        .split_once(':')
        .and_then(|(h, m)| Some((h.parse::<i64>().ok()?, m.parse::<i64>().ok()?)))
        .filter(|(h, m)| (0..24).contains(h) && (0..60).contains(m) && raw.len() == 5)
        .map(|(h, m)| h * 60 + m);
    let Some(minute) = minute.filter(|m| CUTOFF_RANGE.contains(m)) else {
        let key = if minute.is_some() { "error-cutoff-range" } else { "error-time" };
        return Err(AppError::field("cutoff", key).with_values(vec![("cutoff".into(), raw.chars().take(10).collect())]));
    };
    ctx::services()?.store.set_paper_cutoff(&agency, minute, &user, ctx::now_ms()).await?;
    leptos_axum::redirect("/mot-cua/lich?xong=1");
    Ok(())
}
