//! The citizen's notifications (`/thong-bao`): every status change of their dossiers.

use crate::api::dossiers::notifications;
use crate::components::history::action_key;
use crate::components::layout::Layout;
use crate::components::StatusBadge;
use crate::domain::vn_time::format_vn;
use crate::i18n::use_i18n;
use crate::pages::page_data;
use leptos::prelude::*;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    page_data(notifications(), move |list| {
        view! {
            <Layout title=i18n.t("notifications-title")>
                <h1>{i18n.t("notifications-title")}</h1>
                {list.is_empty().then(|| view! { <p>{i18n.t("notifications-empty")}</p> })}
                <ul class="cards" data-testid="notifications">
                    {list.into_iter().map(|n| view! {
                        <li class="card">
                            <p class="meta">{format_vn(n.at_ms)}" · "{i18n.name(&n.agency)}</p>
                            <p><a class="code" href=format!("/ho-so/{}", n.code)>{n.code.clone()}</a>" — "{i18n.name(&n.procedure)}</p>
                            <p>{i18n.t(&action_key(&n.action, &n.actor_role))}" → "<StatusBadge status=n.to_status /></p>
                        </li>
                    }).collect_view()}
                </ul>
            </Layout>
        }
    })
}
