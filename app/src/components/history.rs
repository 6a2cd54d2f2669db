//! A dossier's history table, shared by the applicant's page and the desk, and the label of an
//! event (also used by the notifications).

use crate::api::dossiers::EventView;
use crate::components::StatusBadge;
use crate::domain::vn_time::format_vn;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The label of an event: a paper dossier is submitted by the desk that received it.
pub fn action_key(action: &str, actor_role: &str) -> String {
    match (action, actor_role) {
        ("submit", "reception") => "action-submit-paper".into(),
        _ => format!("action-{action}"),
    }
}

/// The history as its reader may see it: the applicant's copy comes without the office's
/// working notes (see `crate::policy`).
#[component]
pub fn History(events: Vec<EventView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table history">
            <caption>{i18n.t("history-title")}</caption>
            <thead><tr>
                <th scope="col">{i18n.t("history-when")}</th>
                <th scope="col">{i18n.t("history-who")}</th>
                <th scope="col">{i18n.t("history-what")}</th>
            </tr></thead>
            <tbody>
                {events.into_iter().map(|e| { let note = crate::components::event_note::event_note(&i18n, &e); view! {
                    <tr>
                        <td>{format_vn(e.at_ms)}</td>
                        <td>{e.actor_name}<br/><small>{i18n.t(&format!("role-{}", e.actor_role))}</small></td>
                        <td>{i18n.t(&action_key(&e.action, &e.actor_role))}" → "<StatusBadge status=e.to_status />
                            {(!note.is_empty()).then(|| view! { <br/><small>{note.clone()}</small> })}
                            {e.backfill_reason.clone().map(|r| view! { <br/><small class="backfilled">{i18n.t_args("backfilled", &[("at", format_vn(e.recorded_at_ms)), ("reason", r)])}</small> })}</td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </table>
    }
}
