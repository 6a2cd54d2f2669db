//! The electronic receipt of a payment (biên lai điện tử, printable A5, always in Vietnamese: it
//! is a legal document) and its public check by dossier code and receipt number. Server pages:
//! their messages are in `pages.*.ftl`.

use crate::api::payments::{fee_receipt, lookup_receipt};
use crate::components::field::{error_for, ErrorSummary, TextField};
use crate::components::layout::Layout;
use crate::domain::fees::amount_in_words_vi;
use crate::domain::text::format_vnd;
use crate::domain::vn_time::format_vn;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n, Lang};
use crate::pages::{loaded, page_data, param, query};
use crate::read::dossiers::ReceiptView;
use leptos::prelude::*;

/// `/ho-so/{code}/bien-lai/{so}`: the receipt, for whoever may read the dossier.
#[component]
pub fn FeeReceiptPage() -> impl IntoView {
    let ui = use_i18n();
    page_data(fee_receipt(param("code"), param("so")), move |r| {
        let code = r.dossier_code.clone();
        view! {
            <Layout title=I18n { lang: Lang::Vi }.t("fee-receipt-title")>
                {receipt_view(r)}
                <p class="no-print"><a href=format!("/ho-so/{code}")>{ui.t("slip-back")}</a>" · "{ui.t("ack-print-hint")}</p>
            </Layout>
        }
    })
}

fn receipt_view(r: ReceiptView) -> impl IntoView {
    let vi = I18n { lang: Lang::Vi };
    let items = r
        .items
        .iter()
        .map(|(name, amount)| view! { <tr><td>{name.clone()}</td><td class="num">{format_vnd(*amount)}</td></tr> })
        .collect_view();
    view! {
        <article class="slip printable fee-receipt" aria-labelledby="receipt-title" lang="vi">
            <header class="slip-head">
                <div>
                    <p class="slip-agency">{r.agency_name_vi.clone()}</p>
                    <p class="slip-form">{vi.t("fee-receipt-form")}</p>
                </div>
                <div class="slip-motto">
                    <p><strong>{vi.t("slip-motto-1")}</strong></p>
                    <p>{vi.t("slip-motto-2")}</p>
                </div>
            </header>
            <h1 id="receipt-title">{vi.t("fee-receipt-title")}</h1>
            <p class="slip-code">{vi.t("fee-receipt-number")}" "<strong data-testid="receipt-number">{r.number.clone()}</strong></p>
            {r.refunded_at_ms.map(|at| view! {
                <p class="notice" role="status" data-testid="receipt-refunded">{vi.t("fee-receipt-refunded")}" "{format_vn(at)}</p>
            })}
            <dl class="facts">
                <dt>{vi.t("fee-receipt-payer")}</dt><dd data-testid="receipt-payer">{r.payer_name.clone()}</dd>
                <dt>{vi.t("dossier-code")}</dt><dd>{r.dossier_code.clone()}</dd>
                <dt>{vi.t("dossier-procedure")}</dt><dd>{r.procedure_vi.clone()}</dd>
                <dt>{vi.t("fee-receipt-method")}</dt><dd>{vi.t(&format!("payment-method-{}", r.method.name()))}</dd>
                <dt>{vi.t("fee-receipt-transaction")}</dt><dd>{r.transaction_no.clone()}</dd>
                <dt>{vi.t("fees-collector")}</dt><dd>{r.collector_vi.clone()}</dd>
                <dt>{vi.t("fee-receipt-issued")}</dt><dd>{format_vn(r.issued_at_ms)}</dd>
                {r.issued_by.clone().map(|who| view! { <dt>{vi.t("fee-receipt-officer")}</dt><dd>{who}</dd> })}
            </dl>
            <table class="table">
                <thead><tr><th scope="col">{vi.t("fees-item")}</th><th scope="col" class="num">{vi.t("fees-amount")}</th></tr></thead>
                <tbody>{items}</tbody>
                <tfoot><tr><th scope="row">{vi.t("fee-receipt-total")}</th><td class="num" data-testid="receipt-amount"><strong>{format_vnd(r.amount_vnd)}</strong></td></tr></tfoot>
            </table>
            <p>{vi.t("fee-receipt-in-words")}" "<em data-testid="receipt-words">{amount_in_words_vi(r.amount_vnd)}</em></p>
            <p class="hint">{vi.t("fee-receipt-check")}" /tra-cuu/bien-lai"</p>
        </article>
    }
}

/// `/tra-cuu/bien-lai?ma=…&so=…`: anyone checks a receipt (no sign-in; the payer masked).
#[component]
pub fn ReceiptLookupPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = query("ma");
    let number = query("so");
    view! {
        <Layout title=i18n.t("receipt-lookup-title")>
            <h1>{i18n.t("receipt-lookup-title")}</h1>
            <p>{i18n.t("receipt-lookup-lead")}</p>
            {loaded(async move {
                let result = match (code.clone(), number.clone()) {
                    (Some(c), Some(n)) => Some(lookup_receipt(c, n).await),
                    (Some(_), None) => Some(Err(AppError::field("so", "error-required"))),
                    _ => None,
                };
                let error = result.as_ref().and_then(|r| r.as_ref().err().cloned()).map(|e| match e {
                    AppError::NotFound => AppError::field("so", "error-receipt-not-found"),
                    other => other,
                });
                let labels = vec![
                    ("ma".to_string(), i18n.t("field-dossier-code")),
                    ("so".to_string(), i18n.t("fee-receipt-number")),
                ];
                view! {
                    <ErrorSummary error=error.clone() labels=labels />
                    <form method="get" action="/tra-cuu/bien-lai" class="stack">
                        <TextField name="ma" label=i18n.t("field-dossier-code") value=code.unwrap_or_default() error=error_for(&error, "ma") required=true autocomplete="off" maxlength=64u32 />
                        <TextField name="so" label=i18n.t("fee-receipt-number") hint=i18n.t("receipt-lookup-hint") value=number.unwrap_or_default() error=error_for(&error, "so") required=true autocomplete="off" maxlength=20u32 />
                        <button type="submit" class="button-primary">{i18n.t("lookup-button")}</button>
                    </form>
                    {result.and_then(Result::ok).map(|r| view! {
                        <section class="lookup-result" aria-labelledby="receipt-result-title">
                            <h2 id="receipt-result-title">{i18n.t("fee-receipt-number")}" "{r.number.clone()}</h2>
                            <p data-testid="receipt-verdict" class="notice">
                                {if r.refunded_at_ms.is_some() { i18n.t("receipt-lookup-refunded") } else { i18n.t("receipt-lookup-genuine") }}
                            </p>
                            <dl class="facts">
                                <dt>{i18n.t("dossier-code")}</dt><dd>{r.dossier_code.clone()}</dd>
                                <dt>{i18n.t("fees-amount")}</dt><dd data-testid="receipt-amount">{format_vnd(r.amount_vnd)}</dd>
                                <dt>{i18n.t("fees-item")}</dt><dd>{r.items.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>().join("; ")}</dd>
                                <dt>{i18n.t("fee-receipt-method")}</dt><dd>{i18n.t(&format!("payment-method-{}", r.method.name()))}</dd>
                                <dt>{i18n.t("dossier-agency")}</dt><dd>{r.agency_name_vi.clone()}</dd>
                                <dt>{i18n.t("fee-receipt-issued")}</dt><dd>{format_vn(r.issued_at_ms)}</dd>
                            </dl>
                        </section>
                    })}
                }
            })}
        </Layout>
    }
}
