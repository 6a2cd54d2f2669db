//! `/to-chuc`: the organisations a citizen acts for — their people and record — and the account
//! of a new one. Plain forms posting to server functions: they work without JavaScript.

use crate::api::organisations::{
    my_organisations, AddAgent, CreateOrganisation, MemberRole, OrganisationView, RemoveAgent,
};
use crate::components::field::{error_for, ErrorSummary, TextField};
use crate::components::layout::Layout;
use crate::domain::tax_code::OrganisationKind;
use crate::domain::vn_time::format_vn;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::admin::select_field;
use crate::pages::{page_data, posted_error, query};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

fn value(error: &Option<AppError>, name: &str) -> String {
    error.as_ref().and_then(|e| e.value(name)).unwrap_or_default()
}

fn organisation_card(i18n: I18n, o: OrganisationView, add_error: Option<AppError>) -> impl IntoView {
    let represent = o.my_role == MemberRole::Representative;
    let id = o.id;
    let heading = format!("org-{id}");
    let labelled_by = heading.clone();
    view! {
        <section class="card" aria-labelledby=labelled_by data-testid="organisation">
            <h2 id=heading>{o.name.clone()}</h2>
            <dl class="facts">
                <dt>{i18n.t("field-tax-code")}</dt><dd data-testid="tax-code">{o.tax_code.clone()}</dd>
                <dt>{i18n.t("field-org-kind")}</dt><dd>{i18n.t(o.kind.label_key())}</dd>
                <dt>{i18n.t("field-address")}</dt><dd>{o.address.clone()}</dd>
                <dt>{i18n.t("org-representative")}</dt><dd>{o.representative_name.clone()}</dd>
            </dl>
            <h3>{i18n.t("org-people")}</h3>
            <ul class="plain" data-testid="members">
                {o.members.iter().map(|m| {
                    let role = i18n.t(match m.role { MemberRole::Representative => "org-role-representative", MemberRole::Agent => "org-role-agent" });
                    view! {
                        <li>
                            <strong>{m.full_name.clone()}</strong>" — "{role}
                            {(represent && m.role == MemberRole::Agent).then(|| view! {
                                <form method="post" action=RemoveAgent::PATH class="inline-form">
                                    <input type="hidden" name="organisation" value=id.to_string() />
                                    <input type="hidden" name="member" value=m.user_id.to_string() />
                                    <button type="submit">{i18n.t("org-remove-agent")}</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {represent.then(|| view! {
                <form method="post" action=AddAgent::PATH class="stack">
                    <input type="hidden" name="organisation" value=id.to_string() />
                    <TextField name="cccd" label=i18n.t("org-agent-cccd") hint=i18n.t("org-agent-hint") value=value(&add_error, "cccd") error=error_for(&add_error, "cccd") required=true inputmode="numeric" autocomplete="off" maxlength=15u32 />
                    <button type="submit">{i18n.t("org-add-agent")}</button>
                </form>
            })}
            <details>
                <summary>{i18n.t("org-record")}</summary>
                <ul class="plain" data-testid="org-record">
                    {o.record.iter().map(|e| view! {
                        <li>{format_vn(e.at_ms)}" — "{e.actor.clone()}": "{i18n.t_args(&format!("org-event-{}", e.kind), &[("subject", e.subject.clone())])}</li>
                    }).collect_view()}
                </ul>
            </details>
        </section>
    }
}

#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let create_error = posted_error(CreateOrganisation::PATH);
    let add_error = posted_error(AddAgent::PATH);
    let done = ["tao", "them", "bo"].into_iter().find(|k| query(k).is_some());
    page_data(my_organisations(), move |orgs: Vec<OrganisationView>| {
        let labels = vec![
            ("tax_code".to_string(), i18n.t("field-tax-code")),
            ("name".to_string(), i18n.t("field-org-name")),
            ("kind".to_string(), i18n.t("field-org-kind")),
            ("address".to_string(), i18n.t("field-address")),
        ];
        let kinds: Vec<(String, String)> = std::iter::once((String::new(), i18n.t("org-kind-choose")))
            .chain(OrganisationKind::ALL.into_iter().map(|k| (k.as_str().to_string(), i18n.t(k.label_key()))))
            .collect();
        let none = orgs.is_empty();
        view! {
            <Layout title=i18n.t("org-title")>
                <h1>{i18n.t("org-title")}</h1>
                <p class="lead">{i18n.t("org-lead")}</p>
                {done.map(|k| view! { <p class="notice" role="status" data-testid="org-done">{i18n.t(&format!("org-done-{k}"))}</p> })}
                <ErrorSummary error=add_error.clone() labels=vec![("cccd".to_string(), i18n.t("org-agent-cccd"))] />
                {none.then(|| view! { <p data-testid="no-organisation">{i18n.t("org-none")}</p> })}
                {orgs.into_iter().map(|o| organisation_card(i18n, o, add_error.clone())).collect_view()}
                <section aria-labelledby="org-new">
                    <h2 id="org-new">{i18n.t("org-new")}</h2>
                    <p class="hint">{i18n.t("org-new-hint")}</p>
                    <ErrorSummary error=create_error.clone() labels=labels />
                    <form method="post" action=CreateOrganisation::PATH class="stack">
                        <TextField name="tax_code" label=i18n.t("field-tax-code") hint=i18n.t("hint-tax-code") value=value(&create_error, "tax_code") error=error_for(&create_error, "tax_code") required=true inputmode="numeric" autocomplete="off" maxlength=20u32 />
                        <TextField name="name" label=i18n.t("field-org-name") value=value(&create_error, "name") error=error_for(&create_error, "name") required=true autocomplete="organization" maxlength=200u32 />
                        {select_field("kind".into(), "kind", i18n.t("field-org-kind"), kinds, value(&create_error, "kind"), error_for(&create_error, "kind"), false)}
                        <TextField name="address" label=i18n.t("field-address") value=value(&create_error, "address") error=error_for(&create_error, "address") required=true autocomplete="street-address" maxlength=300u32 />
                        <button type="submit" class="button-primary">{i18n.t("org-create")}</button>
                    </form>
                </section>
            </Layout>
        }
    })
}
