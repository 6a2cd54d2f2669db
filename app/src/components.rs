//! Reusable view pieces.

pub mod event_note;
pub mod field;
pub mod layout;
pub mod upload;

use crate::i18n::use_i18n;
use leptos::prelude::*;

/// A status name in a coloured pill; the colour is decoration, the text carries the meaning.
#[component]
pub fn StatusBadge(status: i64) -> impl IntoView {
    let i18n = use_i18n();
    let tone = match status {
        0 => "draft",
        1 | 2 | 4 | 6 => "progress",
        5 => "attention",
        3 | 7 | 8 => "closed",
        _ => "done",
    };
    view! { <span class=format!("badge badge-{tone}")>{i18n.t(&format!("status-{status}"))}</span> }
}

/// The filled-in e-form as a definition list: labels in the reader's language, select options
/// by their label, dates as dd/mm/yyyy.
#[component]
pub fn FormValues(
    fields: Vec<crate::domain::form::FormField>,
    values: std::collections::BTreeMap<String, String>,
) -> impl IntoView {
    use crate::domain::form::{parse_date, FieldKind};
    let i18n = use_i18n();
    let rows = fields
        .into_iter()
        .filter_map(|f| {
            let v = values.get(&f.name)?.clone();
            let shown = match (f.kind, parse_date(&v)) {
                (FieldKind::Date, Some((y, m, d))) => format!("{d:02}/{m:02}/{y}"),
                _ => f
                    .options
                    .iter()
                    .find(|o| o.value == v)
                    .map(|o| i18n.lang.pick(&o.label_vi, &o.label_en).to_string())
                    .unwrap_or(v),
            };
            Some(view! { <dt>{i18n.lang.pick(&f.label_vi, &f.label_en).to_string()}</dt><dd>{shown}</dd> })
        })
        .collect_view();
    view! { <dl class="facts">{rows}</dl> }
}

/// Formats VND amounts the Vietnamese way: 200.000 đ.
pub fn format_vnd(amount: i64) -> String {
    let digits = amount.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{out} đ", if amount < 0 { "-" } else { "" })
}

pub fn format_bytes(n: i64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (n + 1023) / 1024)
    }
}

/// "3 ngày làm việc" / "4 giờ làm việc".
pub fn allowance_text(a: &crate::api::catalogue::Allowance) -> String {
    let i18n = use_i18n();
    let key = if a.unit == "hours" { "allowance-hours" } else { "allowance-days" };
    i18n.t_args(key, &[("amount", a.amount.replace('.', if i18n.lang == crate::i18n::Lang::Vi { "," } else { "." }))])
}

/// "Unit, Agency" — or the agency alone when the step or question is not for a unit.
pub fn unit_and_agency(unit: &str, agency: &str) -> String {
    if unit.is_empty() {
        agency.to_string()
    } else {
        format!("{unit}, {agency}")
    }
}

/// A table's header row: one column per translated key.
pub fn table_head(i18n: crate::i18n::I18n, keys: &[&str]) -> impl IntoView {
    view! { <thead><tr>{keys.iter().map(|k| view! { <th scope="col">{i18n.t(k)}</th> }).collect_view()}</tr></thead> }
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_are_grouped_by_thousands_with_dots() {
        assert_eq!(super::format_vnd(200_000), "200.000 đ");
        assert_eq!(super::format_vnd(0), "0 đ");
        assert_eq!(super::format_vnd(1_500), "1.500 đ");
    }

    #[test]
    fn sizes_read_in_kilobytes_or_megabytes() {
        assert_eq!(super::format_bytes(5 * 1024 * 1024), "5.0 MB");
        assert_eq!(super::format_bytes(1000), "1 KB");
    }
}
