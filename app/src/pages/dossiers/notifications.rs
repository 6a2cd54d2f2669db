//! The citizen's notifications (`/thong-bao`): every status change of their dossiers, and how
//! they are told of them outside the portal (e-mail, SMS), which they choose here.

use crate::api::dossiers::{notifications, NotificationsView, SaveNoticeChannels};
use crate::components::history::action_key;
use crate::components::layout::Layout;
use crate::components::StatusBadge;
use crate::domain::vn_time::format_vn;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{page_data, query};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    page_data(notifications(), move |view: NotificationsView| {
        let list = view.items;
        view! {
            <Layout title=i18n.t("notifications-title")>
                <h1>{i18n.t("notifications-title")}</h1>
                {channels_form(i18n, &view.channels)}
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

/// Two checkboxes and a button: a plain form, so it works without JavaScript.
fn channels_form(i18n: I18n, c: &crate::read::dossiers::NoticeChannels) -> impl IntoView {
    let email_label = match &c.email {
        Some(e) => i18n.t_args("channels-email", &[("address", e.clone())]),
        None => i18n.t("channels-email-none"),
    };
    view! {
        <details class="channels" open=query("da-luu").is_some()>
            <summary>{i18n.t("channels-title")}</summary>
            {query("da-luu").map(|_| view! { <p class="notice" role="status">{i18n.t("channels-saved")}</p> })}
            <form method="post" action=SaveNoticeChannels::PATH class="stack">
                <fieldset>
                    <legend>{i18n.t("channels-legend")}</legend>
                    <label class="check">
                        <input type="checkbox" name="by_email" value="on" checked=c.by_email && c.email.is_some() disabled=c.email.is_none() />
                        " "{email_label}
                    </label>
                    <label class="check">
                        <input type="checkbox" name="by_sms" value="on" checked=c.by_sms />
                        " "{i18n.t_args("channels-sms", &[("phone", c.phone.clone())])}
                    </label>
                </fieldset>
                <p class="hint">{i18n.t("channels-hint")}</p>
                <button type="submit">{i18n.t("channels-save")}</button>
            </form>
        </details>
    }
}
