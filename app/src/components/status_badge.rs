//! A dossier status as a coloured pill.

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
