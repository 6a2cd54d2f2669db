//! My dossiers (`/ho-so`): submitted dossiers and drafts.

use crate::api::dossiers::my_dossiers;
use crate::components::layout::Layout;
use crate::components::StatusBadge;
use crate::domain::status::DossierStatus;
use crate::domain::vn_time::format_vn;
use crate::i18n::use_i18n;
use crate::pages::page_data;
use leptos::prelude::*;

#[component]
pub fn MyDossiersPage() -> impl IntoView {
    let i18n = use_i18n();
    page_data(my_dossiers(), move |list| {
        view! {
            <Layout title=i18n.t("my-title")>
                <h1>{i18n.t("my-title")}</h1>
                <p><a href="/kho-du-lieu" data-testid="store-link">{i18n.t("nav-store")}</a></p>
                {list.is_empty().then(|| view! { <p>{i18n.t("my-empty")}" "<a href="/thu-tuc">{i18n.t("nav-procedures")}</a></p> })}
                <ul class="cards">
                    {list.into_iter().map(|d| {
                        let (href, title) = match &d.code {
                            Some(code) => (format!("/ho-so/{code}"), code.clone()),
                            None => (format!("/thu-tuc/{}/nop?nhap={}", d.procedure_code, d.draft_key), i18n.t("my-draft")),
                        };
                        let when = d.submitted_at_ms.unwrap_or(d.updated_at_ms);
                        view! {
                            <li class="card">
                                <h2 class="card-title"><a href=href>{title}</a></h2>
                                <p>{i18n.name(&d.procedure)}</p>
                                <p class="meta"><StatusBadge status=d.status />" · "{format_vn(when)}</p>
                                {d.code.clone().filter(|_| d.status.waits_for_applicant()).map(|code| view! {
                                    <p class="todo" data-testid="todo">{match d.status {
                                        DossierStatus::SupplementRequested => view! {
                                            <a href=format!("/ho-so/{code}/bo-sung")>{i18n.t("todo-supplement")}</a>
                                        }.into_any(),
                                        DossierStatus::PaymentRequested => view! { <span>{i18n.t("todo-payment")}</span> }.into_any(),
                                        _ => view! { <a href=format!("/ho-so/{code}")>{i18n.t("todo-result")}</a> }.into_any(),
                                    }}</p>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Layout>
        }
    })
}
