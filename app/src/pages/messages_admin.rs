//! `/mot-cua/tin-nhan`: the messages that reach people, for province administrators — how many
//! wait, are retried, went and failed; the troubled ones with why, and a failed notice sent
//! again once the mail or SMS server is back.

use crate::api::admin::{admin_messages, MessagesView, RetryMessage};
use crate::components::layout::Layout;
use crate::domain::vn_time::format_vn;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{desk_data, posted_error};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MessagesAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    desk_data(
        move || q.read().get("gui-lai").is_some(),
        |_| admin_messages(),
        move |m| view! { <Layout title=i18n.t("messages-admin-title")>{messages_view(i18n, m, q.read_untracked().get("gui-lai").is_some())}</Layout> },
    )
}

fn messages_view(i18n: I18n, m: MessagesView, retried: bool) -> impl IntoView {
    let error = posted_error(RetryMessage::PATH);
    let counts = [
        ("messages-pending", m.pending),
        ("messages-retrying", m.retrying),
        ("messages-sent", m.sent),
        ("messages-failed", m.failed),
    ];
    let none = m.troubled.is_empty();
    view! {
        <p class="breadcrumb"><a href="/mot-cua">{i18n.t("desk-title")}</a></p>
        <h1>{i18n.t("messages-admin-title")}</h1>
        <p class="lead">{i18n.t("messages-admin-lead")}</p>
        {retried.then(|| view! { <p class="notice" role="status">{i18n.t("messages-retried")}</p> })}
        {error.map(|_| view! { <p class="notice notice-error" role="alert">{i18n.t("messages-retry-refused")}</p> })}
        <dl class="facts counts" data-testid="message-counts">
            {counts.into_iter().map(|(k, n)| view! { <dt>{i18n.t(k)}</dt><dd data-testid=k>{n.to_string()}</dd> }).collect_view()}
        </dl>
        <h2>{i18n.t("messages-troubled")}</h2>
        {none.then(|| view! { <p data-testid="no-troubled">{i18n.t("messages-none")}</p> })}
        {(!none).then(|| view! {
            <table class="table" data-testid="troubled">
                <thead><tr>
                    <th scope="col">{i18n.t("messages-created")}</th>
                    <th scope="col">{i18n.t("messages-channel")}</th>
                    <th scope="col">{i18n.t("messages-recipient")}</th>
                    <th scope="col">{i18n.t("dossier-code")}</th>
                    <th scope="col">{i18n.t("messages-state")}</th>
                    <th scope="col">{i18n.t("messages-error")}</th>
                    <th scope="col"><span class="visually-hidden">{i18n.t("messages-action")}</span></th>
                </tr></thead>
                <tbody>
                    {m.troubled.into_iter().map(|t| {
                        let state = if t.status == "failed" {
                            i18n.t_args("messages-state-failed", &[("n", t.attempts.to_string())])
                        } else {
                            i18n.t_args("messages-state-retrying", &[("n", t.attempts.to_string()), ("at", format_vn(t.next_attempt_at_ms))])
                        };
                        view! {
                            <tr>
                                <td>{format_vn(t.created_at_ms)}</td>
                                <td>{i18n.t(&format!("messages-channel-{}", t.channel))}</td>
                                <td>{t.recipient.clone()}</td>
                                <td>{t.dossier_code.clone().map(|c| view! { <a href=format!("/mot-cua/ho-so/{c}")>{c.clone()}</a> })}</td>
                                <td>{state}</td>
                                <td><small>{t.last_error.clone()}</small></td>
                                <td>{t.may_retry.then(|| view! {
                                    <form method="post" action=RetryMessage::PATH class="inline-form">
                                        <input type="hidden" name="message" value=t.id.to_string() />
                                        <button type="submit">{i18n.t("messages-retry")}</button>
                                    </form>
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}
