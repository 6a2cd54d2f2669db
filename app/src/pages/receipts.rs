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
        let file = format!("/ho-so/{code}/bien-lai/{}/tai-ve", r.number);
        view! {
            <Layout title=I18n { lang: Lang::Vi }.t("fee-receipt-title")>
                {receipt_view(r)}
                <p class="no-print"><a href=format!("/ho-so/{code}")>{ui.t("slip-back")}</a>" · "{ui.t("ack-print-hint")}" · "
                    <a href=file download data-testid="receipt-download">{ui.t("fee-receipt-download")}</a>
                </p>
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

/// The receipt as a file to keep (`/ho-so/{code}/bien-lai/{so}/tai-ve`): one self-contained HTML
/// document (its style inside, A5 when printed) that opens on any phone or computer without the
/// portal, with the same facts as the page.
#[cfg(feature = "ssr")]
pub fn receipt_file(r: &ReceiptView) -> String {
    use crate::domain::markdown::escape;
    let vi = I18n { lang: Lang::Vi };
    let row = |label: &str, value: &str| format!("<dt>{}</dt><dd>{}</dd>", escape(&vi.t(label)), escape(value));
    let mut facts = String::new();
    facts.push_str(&row("fee-receipt-payer", &r.payer_name));
    facts.push_str(&row("dossier-code", &r.dossier_code));
    facts.push_str(&row("dossier-procedure", &r.procedure_vi));
    facts.push_str(&row("fee-receipt-method", &vi.t(&format!("payment-method-{}", r.method.name()))));
    facts.push_str(&row("fee-receipt-transaction", &r.transaction_no));
    facts.push_str(&row("fees-collector", &r.collector_vi));
    facts.push_str(&row("fee-receipt-issued", &format_vn(r.issued_at_ms)));
    if let Some(who) = &r.issued_by {
        facts.push_str(&row("fee-receipt-officer", who));
    }
    let items: String = r
        .items
        .iter()
        .map(|(name, amount)| {
            format!("<tr><td>{}</td><td class=\"num\">{}</td></tr>", escape(name), format_vnd(*amount))
        })
        .collect();
    let refunded = r
        .refunded_at_ms
        .map(|at| format!("<p class=\"refunded\">{} {}</p>", escape(&vi.t("fee-receipt-refunded")), format_vn(at)))
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} {number}</title><style>\
         @page{{size:A5;margin:12mm}}body{{font-family:system-ui,sans-serif;color:#111;max-width:40rem;margin:auto;padding:1rem;line-height:1.45}}\
         header{{display:flex;justify-content:space-between;gap:1rem;text-align:center;font-size:.9rem}}h1{{text-align:center;font-size:1.3rem}}\
         .number{{text-align:center}}dl{{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}}dt{{font-weight:600}}dd{{margin:0}}\
         table{{border-collapse:collapse;width:100%;margin:1rem 0}}th,td{{border-bottom:1px solid #999;padding:.3rem;text-align:left}}.num{{text-align:right}}\
         .refunded{{border-left:4px solid #9b1c1c;padding:.3rem .6rem}}\
         </style></head><body><header><div><strong>{agency}</strong><br>{form}</div><div><strong>{motto1}</strong><br>{motto2}</div></header>\
         <h1>{title}</h1><p class=\"number\">{number_label} <strong>{number}</strong></p>{refunded}<dl>{facts}</dl>\
         <table><thead><tr><th>{item}</th><th class=\"num\">{amount}</th></tr></thead><tbody>{items}</tbody>\
         <tfoot><tr><th>{total}</th><td class=\"num\"><strong>{sum}</strong></td></tr></tfoot></table>\
         <p>{in_words} <em>{words}</em></p><p>{check} /tra-cuu/bien-lai</p></body></html>",
        title = escape(&vi.t("fee-receipt-title")),
        number = escape(&r.number),
        agency = escape(&r.agency_name_vi),
        form = escape(&vi.t("fee-receipt-form")),
        motto1 = escape(&vi.t("slip-motto-1")),
        motto2 = escape(&vi.t("slip-motto-2")),
        number_label = escape(&vi.t("fee-receipt-number")),
        item = escape(&vi.t("fees-item")),
        amount = escape(&vi.t("fees-amount")),
        total = escape(&vi.t("fee-receipt-total")),
        sum = format_vnd(r.amount_vnd),
        in_words = escape(&vi.t("fee-receipt-in-words")),
        words = escape(&amount_in_words_vi(r.amount_vnd)),
        check = escape(&vi.t("fee-receipt-check")),
    )
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::domain::fees::PaymentMethod;

    #[test]
    fn the_receipt_file_stands_alone_and_escapes_what_people_typed() {
        let r = ReceiptView {
            number: "2026-000012".into(),
            dossier_code: "000.20.01.H45-261202-0001".into(),
            procedure_vi: "Đăng ký kết hôn".into(),
            payer_name: "Nguyễn <b>An</b>".into(),
            items: vec![("Lệ phí".into(), 1_000_005)],
            amount_vnd: 1_000_005,
            method: PaymentMethod::Cash,
            transaction_no: "HS-1D".into(),
            collector_vi: "UBND".into(),
            agency_code: "000.20.01.H45".into(),
            agency_name_vi: "Ủy ban nhân dân phường Đông Hà".into(),
            issued_at_ms: 0,
            issued_by: Some("Lê Thị Thu Hà".into()),
            refunded_at_ms: None,
        };
        let f = receipt_file(&r);
        assert!(f.starts_with("<!doctype html>") && f.contains("@page{size:A5"));
        assert!(f.contains("Một triệu không trăm linh năm đồng") && f.contains("2026-000012"));
        assert!(f.contains("Nguyễn &lt;b&gt;An&lt;/b&gt;") && !f.contains("<b>An"));
        assert!(!f.contains("<script") && !f.contains("src=") && !f.contains("href="), "nothing outside the file");
    }
}
