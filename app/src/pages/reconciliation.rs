//! The accountant's desk screen: the agency's reconciliations of online payments with the
//! gateway, the button that runs one for a day, and the mismatches to resolve on the record.

use crate::api::payments::{reconciliations, Reconcile, ResolveMismatch};
use crate::components::field::{error_for, ErrorSummary, TextField};
use crate::components::layout::Layout;
use crate::domain::text::format_vnd;
use crate::domain::vn_time::format_vn;
use crate::i18n::use_i18n;
use crate::pages::{desk_data, posted_error};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// `/mot-cua/doi-soat`: the agency's reconciliations of online payments with the gateway, the
/// button that runs one for a day, and the mismatches to resolve on the record.
#[component]
pub fn ReconciliationPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = leptos_router::hooks::use_query_map();
    desk_data(
        move || q.read().get("xong").is_some(),
        |_| reconciliations(),
        move |view| {
            let runs = view.runs;
            // The accountant reads no dossier: the code, not a link.
            let reads = crate::components::layout::use_signed_in()
                .is_some_and(|u| crate::domain::role::Role::READERS.contains(&u.role));
            let done = q.read_untracked().get("xong").is_some();
            let error = posted_error(Reconcile::PATH).or_else(|| posted_error(ResolveMismatch::PATH));
            let day = error.as_ref().and_then(|e| e.value("day")).unwrap_or(view.today);
            let runs = runs
                .into_iter()
                .map(|r| {
                    let rows = r.mismatches.iter().map(|m| {
                        let resolution = m.resolution.clone().map(|n| match n.as_str() {
                            "recorded-paid" | "kept-for-refund" => i18n.t(&format!("reconcile-{n}")),
                            _ => n,
                        });
                        view! {
                            <tr data-testid="mismatch">
                                <td>
                                    {if reads { view! { <a href=format!("/mot-cua/ho-so/{}", m.dossier_code)>{m.dossier_code.clone()}</a> }.into_any() } else { m.dossier_code.clone().into_any() }}
                                    <br/><small>{m.txn_ref.clone()}</small>
                                </td>
                                <td data-testid="mismatch-kind">{i18n.t(&format!("reconcile-kind-{}", m.kind))}</td>
                                <td>{i18n.t(&format!("payment-state-{}", m.here_state))}" · "{format_vnd(m.here_amount)}</td>
                                <td>{m.gateway_state.clone()}{m.gateway_amount.map(|a| format!(" · {}", format_vnd(a)))}</td>
                                <td>{match resolution {
                                    Some(n) => view! {
                                        <span data-testid="mismatch-resolved">{n}{m.resolved_by.clone().map(|w| format!(" — {w}"))}{m.resolved_at_ms.map(|t| format!(", {}", format_vn(t)))}</span>
                                    }.into_any(),
                                    None => view! {
                                        <form method="post" action=ResolveMismatch::PATH class="inline-form">
                                            <input type="hidden" name="item" value=m.id.to_string() />
                                            <label for=format!("resolution-{}", m.id)>{i18n.t("reconcile-resolution")}</label>
                                            <input id=format!("resolution-{}", m.id) name="resolution" required maxlength="2000" />
                                            <button type="submit">{i18n.t("reconcile-resolve")}</button>
                                        </form>
                                    }.into_any(),
                                }}</td>
                            </tr>
                        }
                    }).collect_view();
                    view! {
                        <section class="reconciliation" data-testid="reconciliation">
                            <h2>{crate::pages::calendar::vn_date(&r.day)}" — "{i18n.t_args("reconcile-checked", &[("n", r.checked.to_string()), ("m", r.mismatches.len().to_string())])}</h2>
                            <p class="hint">{format_vn(r.run_at_ms)}" — "{r.run_by_name.clone().unwrap_or_else(|| i18n.t("reconcile-by-job"))}</p>
                            {(!r.mismatches.is_empty()).then(|| view! {
                                <div class="scroll-x"><table class="table">
                                    <thead><tr>
                                        <th scope="col">{i18n.t("dossier-code")}</th>
                                        <th scope="col">{i18n.t("reconcile-kind")}</th>
                                        <th scope="col">{i18n.t("reconcile-here")}</th>
                                        <th scope="col">{i18n.t("reconcile-gateway")}</th>
                                        <th scope="col">{i18n.t("reconcile-resolution")}</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table></div>
                            })}
                        </section>
                    }
                })
                .collect_view();
            view! {
                <Layout title=i18n.t("reconcile-title")>
                    <p class="breadcrumb"><a href="/mot-cua">{i18n.t("desk-title")}</a></p>
                    <h1>{i18n.t("reconcile-title")}</h1>
                    <p class="lead">{i18n.t("reconcile-lead")}</p>
                    {done.then(|| view! { <p class="notice" role="status">{i18n.t("reconcile-done")}</p> })}
                    <ErrorSummary error=error.clone() labels=vec![("day".to_string(), i18n.t("reconcile-day")), ("resolution".to_string(), i18n.t("reconcile-resolution"))] />
                    <form method="post" action=Reconcile::PATH class="filter-row">
                        <TextField name="day" kind="date" label=i18n.t("reconcile-day") value=day error=error_for(&error, "day") required=true />
                        <button type="submit" class="button-primary">{i18n.t("reconcile-button")}</button>
                    </form>
                    {runs}
                </Layout>
            }
        },
    )
}
