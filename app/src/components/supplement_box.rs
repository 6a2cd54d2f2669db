//! A supplement request as both sides see it: what was asked and, once answered, what changed.

use crate::domain::vn_time::format_vn;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// A supplement request and, once answered, what changed.
#[component]
pub fn SupplementBox(s: crate::api::supplements::SupplementView) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="supplement" aria-label=i18n.t("supplement-title")>
            <h2>{i18n.t("supplement-title")}" — "{format_vn(s.requested_at_ms)}</h2>
            {s.sent_at_ms.is_none().then(|| view! { <p class="notice">{i18n.t("supplement-draft-waiting")}</p> })}
            <p><strong>{i18n.t("field-supplement-reason")}": "</strong>{s.reason.clone()}</p>
            <ul>{s.items.iter().map(|i| view! { <li>{i.label.clone()}{(!i.note.is_empty()).then(|| format!(": {}", i.note))}</li> }).collect_view()}</ul>
            {s.answered_at_ms.map(|at| view! {
                <table class="table">
                    <caption>{i18n.t("supplement-changes")}" — "{format_vn(at)}</caption>
                    <thead><tr><th scope="col">{i18n.t("supplement-item")}</th><th scope="col">{i18n.t("supplement-before")}</th><th scope="col">{i18n.t("supplement-after")}</th></tr></thead>
                    <tbody>
                        {s.changes.iter().map(|c| view! {
                            <tr>
                                <td>{c.label.clone()}</td>
                                <td>{match &c.before_file { Some(f) => view! { <a href=format!("/tep/{f}")>{c.before.clone()}</a> }.into_any(), None => view! { {c.before.clone()} }.into_any() }}</td>
                                <td>{match &c.after_file { Some(f) => view! { <a href=format!("/tep/{f}")>{c.after.clone()}</a> }.into_any(), None => view! { {c.after.clone()} }.into_any() }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}
