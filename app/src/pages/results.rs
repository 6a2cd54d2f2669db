//! Results people can rely on (issue 14): the public verification page a result's QR code opens
//! (`/xac-thuc/{token}`), and the list of a dossier's issued results on its page.

use crate::api::results::verify_result;
use crate::components::format_bytes;
use crate::components::layout::Layout;
use crate::domain::result::{Origin, Standing};
use crate::domain::vn_time::format_vn;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{page_data, param};
use crate::read::dossiers::IssuedResult;
use leptos::prelude::*;

fn day(ms: i64) -> String {
    format_vn(ms)[..10].to_string()
}

/// A dossier's results on its page: number, date, standing, the signed document and the
/// verification page.
pub fn issued_results(i18n: I18n, results: &[IssuedResult]) -> impl IntoView {
    (!results.is_empty()).then(|| {
        view! {
            <section class="results" data-testid="results">
                <h2>{i18n.t("result-issued-title")}</h2>
                <ul class="plain">
                    {results.iter().rev().map(|r| view! {
                        <li data-testid="result">
                            <strong>{i18n.t_args("result-number", &[("number", r.number.clone())])}</strong>
                            " · "{day(r.issued_at_ms)}" · "
                            <span class=format!("badge {}", standing_class(&r.standing))>{i18n.t(r.standing.key())}</span>
                            <br/>
                            {if r.signed {
                                view! { <a href=format!("/xac-thuc/{}/tai-ve", r.token) data-testid="result-download">{i18n.t("result-download")}</a> }.into_any()
                            } else {
                                view! { <em>{i18n.t("result-signing")}</em> }.into_any()
                            }}
                            " · "
                            <a href=format!("/xac-thuc/{}", r.token) data-testid="result-verify">{i18n.t("result-verify-link")}</a>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

fn standing_class(s: &Standing) -> &'static str {
    match s {
        Standing::Valid => "badge-done",
        Standing::Expired => "badge-attention",
        Standing::Revoked | Standing::Replaced => "badge-closed",
    }
}

#[component]
pub fn ResultVerificationPage() -> impl IntoView {
    let i18n = use_i18n();
    let token = param("token");
    view! {
        <Layout title=i18n.t("result-verify-title")>
            <h1>{i18n.t("result-verify-title")}</h1>
            {page_data(verify_result(token), move |r| {
                let verdict = match &r.standing {
                    Standing::Valid => i18n.t_args("result-verdict-valid", &[("agency", i18n.name(&r.agency))]),
                    Standing::Expired => i18n.t("result-verdict-expired"),
                    Standing::Revoked => i18n.t_args("result-verdict-revoked", &[
                        ("date", r.revoked_at_ms.map(day).unwrap_or_default()),
                        ("reason", r.revoked_reason.clone().unwrap_or_default()),
                    ]),
                    Standing::Replaced => i18n.t_args("result-verdict-replaced", &[
                        ("date", r.revoked_at_ms.map(day).unwrap_or_default()),
                        ("reason", r.revoked_reason.clone().unwrap_or_default()),
                    ]),
                };
                let validity = match r.valid_until_ms {
                    Some(until) => i18n.t_args("result-valid-until", &[("date", day(until))]),
                    None => i18n.t("result-valid-always"),
                };
                let origin = match r.origin {
                    Origin::Signed => i18n.t("result-origin-signed"),
                    Origin::Digitised => i18n.t("result-origin-digitised"),
                };
                let signed = !r.sha256.is_empty();
                view! {
                    <p class=if r.standing == Standing::Valid { "notice" } else { "note" } role="status" data-testid="result-verdict">{verdict}</p>
                    {r.replaced_by.clone().map(|(number, token)| view! {
                        <p>{i18n.t("result-replaced-by")}" "<a href=format!("/xac-thuc/{token}") data-testid="result-replacement">{number}</a></p>
                    })}
                    {r.replaces.clone().map(|(number, token)| view! {
                        <p>{i18n.t("result-replaces")}" "<a href=format!("/xac-thuc/{token}")>{number}</a></p>
                    })}
                    <dl class="facts" data-testid="result-facts">
                        <dt>{i18n.t("result-field-number")}</dt><dd data-testid="result-number">{r.number.clone()}</dd>
                        <dt>{i18n.t("result-field-issued")}</dt><dd>{format_vn(r.issued_at_ms)}</dd>
                        <dt>{i18n.t("result-field-agency")}</dt><dd>{i18n.name(&r.agency)}</dd>
                        <dt>{i18n.t("result-field-signer")}</dt><dd>{r.signer_name.clone()}</dd>
                        <dt>{i18n.t("result-field-holder")}</dt><dd>{r.holder_masked.clone()}</dd>
                        <dt>{i18n.t("result-field-procedure")}</dt><dd>{i18n.name(&r.procedure)}" ("{r.procedure_code.clone()}")"</dd>
                        <dt>{i18n.t("result-field-validity")}</dt><dd>{validity}</dd>
                        <dt>{i18n.t("result-field-origin")}</dt><dd>{origin}</dd>
                        <dt>{i18n.t("result-field-sha256")}</dt>
                        <dd>{if signed {
                            view! { <code class="hash" data-testid="result-sha256">{r.sha256.clone()}</code>" ("{format_bytes(r.size_bytes)}")" }.into_any()
                        } else {
                            view! { <em>{i18n.t("result-signing")}</em> }.into_any()
                        }}</dd>
                    </dl>
                    {signed.then(|| view! {
                        <p><a class="button" href=format!("/xac-thuc/{}/tai-ve", r.token) data-testid="result-download">{i18n.t("result-download")}</a></p>
                    })}
                    <h2>{i18n.t("result-how-title")}</h2>
                    <p>{i18n.t("result-how-hash")}</p>
                    <p>{i18n.t("result-how-signature")}</p>
                }
            })}
        </Layout>
    }
}
