//! A table's header row from translation keys.

use leptos::prelude::*;

/// A table's header row: one column per translated key.
pub fn table_head(i18n: crate::i18n::I18n, keys: &[&str]) -> impl IntoView {
    view! { <thead><tr>{keys.iter().map(|k| view! { <th scope="col">{i18n.t(k)}</th> }).collect_view()}</tr></thead> }
}
