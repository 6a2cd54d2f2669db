//! What a dossier owes and the payments made, as its applicant and the desk read it. Nothing is
//! shown for a dossier that owes nothing: a procedure without fees has no payment step.

use crate::domain::fees::{Obligation, ObligationState};
use crate::domain::text::format_vnd;
use crate::domain::vn_time::format_vn;
use crate::i18n::I18n;
use crate::read::dossiers::PaymentView;
use leptos::prelude::*;

fn state_key(s: ObligationState) -> &'static str {
    match s {
        ObligationState::Due => "fees-state-due",
        ObligationState::Paid => "fees-state-paid",
        ObligationState::Exempt => "fees-state-exempt",
        ObligationState::Refunded => "fees-state-refunded",
    }
}

/// The obligations as a table and the payments as a list; `extra` (the pay button, the desk's
/// form) goes between them.
pub fn fees_section(
    i18n: I18n,
    code: &str,
    obligations: &[Obligation],
    payments: &[PaymentView],
    extra: AnyView,
) -> impl IntoView {
    (!obligations.is_empty()).then(|| {
        let rows = obligations
            .iter()
            .map(|o| {
                view! {
                    <tr data-testid="obligation">
                        <td>{o.name_vi.clone()}<br/><small>{i18n.t("fees-collector")}": "{o.collector_vi.clone()}</small></td>
                        <td class="num">{format_vnd(o.amount_vnd)}</td>
                        <td>{i18n.t(&format!("fees-due-{}", o.due.name()))}</td>
                        <td data-testid="obligation-state">
                            {i18n.t(state_key(o.state))}
                            {(!o.note.is_empty()).then(|| view! { <br/><small>{o.note.clone()}</small> })}
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let tried = payments
            .iter()
            .map(|p| {
                view! {
                    <li data-testid="payment">
                        {format_vn(p.at_ms)}" — "{i18n.t(&format!("payment-method-{}", p.method.name()))}" — "
                        <strong>{format_vnd(p.amount_vnd)}</strong>" — "
                        <span data-testid="payment-state">{i18n.t(&format!("payment-state-{}", p.state))}</span>
                        {(!p.reference.is_empty()).then(|| format!(" ({})", p.reference))}
                        {p.receipt.clone().map(|n| view! {
                            " — "<a href=format!("/ho-so/{code}/bien-lai/{n}") data-testid="receipt">{i18n.t("receipt-fee-link")}" "{n.clone()}</a>
                        })}
                        {p.refunded_at_ms.map(|at| view! {
                            <br/><small data-testid="refund">{i18n.t("payment-refunded-on")}" "{format_vn(at)}": "{p.refund_reason.clone()}</small>
                        })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="fees" aria-labelledby="fees-title">
                <h2 id="fees-title">{i18n.t("fees-title")}</h2>
                <div class="scroll-x">
                    <table class="table fees-table">
                        <thead><tr>
                            <th scope="col">{i18n.t("fees-item")}</th>
                            <th scope="col" class="num">{i18n.t("fees-amount")}</th>
                            <th scope="col">{i18n.t("fees-when")}</th>
                            <th scope="col">{i18n.t("fees-state")}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {extra}
                {(!payments.is_empty()).then(|| view! {
                    <h3>{i18n.t("fees-payments")}</h3>
                    <ul class="payments">{tried}</ul>
                })}
            </section>
        }
    })
}
