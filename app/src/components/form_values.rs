//! The filled-in e-form, read-only.

use crate::i18n::use_i18n;
use leptos::prelude::*;

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
                (FieldKind::Checkbox, _) => i18n.t("form-ticked"),
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
