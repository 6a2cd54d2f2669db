//! Public lookup by dossier code (`/tra-cuu?ma=…&t=…`), the target of every QR code and slip.
//! The masked name shows only with the token (`t`) of the QR code or printed link.

use crate::api::lookup::lookup_dossier;
use crate::components::field::{error_for, ErrorSummary, TextField};
use crate::components::layout::Layout;
use crate::components::StatusBadge;
use crate::domain::vn_time::format_vn;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::pages::{loaded, query};
use leptos::prelude::*;

#[component]
pub fn LookupPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = query("ma");
    let token = query("t").filter(|t| !t.is_empty());
    view! {
        <Layout title=i18n.t("lookup-title")>
            <h1>{i18n.t("lookup-title")}</h1>
            <p>{i18n.t("lookup-lead")}</p>
            {query("danh_gia").map(|_| view! { <p class="notice" role="status" data-testid="rating-thanks">{i18n.t("rating-thanks")}</p> })}
            {loaded(async move {
                    let result = match code.clone() {
                        Some(c) => Some(lookup_dossier(c, token.clone()).await),
                        None => None,
                    };
                    // An unknown code is a message at the field, like a malformed one.
                    let error = result.as_ref().and_then(|r| r.as_ref().err().cloned()).map(|e| match e {
                        AppError::NotFound => AppError::field("ma", "error-dossier-not-found"),
                        other => other,
                    });
                    let value = code.unwrap_or_default();
                    view! {
                        <ErrorSummary error=error.clone() labels=vec![("ma".to_string(), i18n.t("field-dossier-code"))] />
                        <form method="get" action="/tra-cuu" class="stack">
                            {token.clone().map(|t| view! { <input type="hidden" name="t" value=t /> })}
                            <TextField name="ma" label=i18n.t("field-dossier-code") hint=i18n.t("hint-dossier-code") value=value error=error_for(&error, "ma") required=true autocomplete="off" maxlength=64u32 />
                            <button type="submit" class="button-primary">{i18n.t("lookup-button")}</button>
                        </form>
                        {result.and_then(Result::ok).map(|d| view! {
                            <section class="lookup-result" aria-labelledby="lookup-result-title">
                                <h2 id="lookup-result-title">{i18n.t("dossier-code")}" "{d.code.clone()}</h2>
                                <dl class="facts">
                                    <dt>{i18n.t("dossier-status")}</dt><dd><StatusBadge status=d.status /></dd>
                                    <dt>{i18n.t("lookup-stage")}</dt>
                                    <dd data-testid="lookup-stage">{d.stage.as_ref().map(|k| format!("{} — ", i18n.t(&format!("step-{k}"))))}{i18n.name(&d.location)}</dd>
                                    <dt>{i18n.t("dossier-procedure")}</dt><dd>{i18n.name(&d.procedure)}</dd>
                                    <dt>{i18n.t("dossier-agency")}</dt><dd>{i18n.name(&d.receiving_agency)}</dd>
                                    <dt>{i18n.t("dossier-submitted-at")}</dt><dd>{format_vn(d.submitted_at_ms)}</dd>
                                    <dt>{i18n.t("dossier-due")}</dt>
                                    <dd data-testid="lookup-due">{d.due_at_ms.map(format_vn).unwrap_or_else(|| i18n.t("lookup-no-due"))}</dd>
                                    <dt>{i18n.t("dossier-applicant")}</dt>
                                    <dd data-testid="lookup-applicant">{d.applicant_masked.clone().unwrap_or_else(|| i18n.t("lookup-name-hidden"))}</dd>
                                    {d.applied_for_masked.clone().map(|who| view! {
                                        <dt>{i18n.t("applied-for")}</dt><dd data-testid="lookup-applied-for">{who}</dd>
                                    })}
                                </dl>
                            </section>
                            {rating_form(i18n, &d, token.clone())}
                        })}
                    }
            })}
        </Layout>
    }
}

/// With the dossier's token (the QR code on the receipt, the link in a notice) its holder rates
/// the returned or refused dossier without signing in.
fn rating_form(i18n: crate::i18n::I18n, d: &crate::api::lookup::PublicDossier, token: Option<String>) -> impl IntoView {
    let token = token.filter(|_| d.rateable)?;
    Some(crate::pages::dossiers::detail::rating_form(i18n, &d.code, Some(token)))
}
