//! The deadline calculator (`/tinh-han`): the desk answers "when will it be ready?".
//! A GET form, so it works without JavaScript; it calls the same clock as `/api/clock/due`.

use crate::api::catalogue::list_agencies;
use crate::api::clock::clock_due;
use crate::components::field::{error_for, ErrorSummary, TextField};
use crate::components::layout::Layout;
use crate::domain::vn_time::{format_vn, parse_iso8601, with_vn_offset};
use crate::i18n::use_i18n;
use crate::pages::{loaded, query};
use leptos::prelude::*;

#[component]
pub fn CalculatorPage() -> impl IntoView {
    let i18n = use_i18n();
    let agency = query("agency").unwrap_or_default();
    let received = query("received_at").unwrap_or_default();
    let days = query("working_days").unwrap_or_default();
    let channel = query("channel").unwrap_or_else(|| "counter".into());
    let asked = query("agency").is_some() || query("received_at").is_some() || query("working_days").is_some();
    view! {
        <Layout title=i18n.t("calc-title")>
            <h1>{i18n.t("calc-title")}</h1>
            <p>{i18n.t("calc-lead")}</p>
            {loaded(async move {
                let agencies = list_agencies().await.unwrap_or_default();
                let result = if asked {
                    Some(clock_due(agency.clone(), with_vn_offset(&received), days.clone(), Some(channel.clone())).await)
                } else {
                    None
                };
                let error = result.as_ref().and_then(|r| r.as_ref().err().cloned());
                let labels = vec![
                    ("agency".to_string(), i18n.t("field-agency")),
                    ("received_at".to_string(), i18n.t("field-received-at")),
                    ("working_days".to_string(), i18n.t("field-working-days")),
                ];
                let agency_error = error_for(&error, "agency");
                view! {
                    <ErrorSummary error=error.clone() labels=labels />
                    <form method="get" action="/tinh-han" class="stack">
                        <div class="field" class:field-invalid=agency_error.is_some()>
                            <label for="agency">{i18n.t("field-agency")}</label>
                            {agency_error.clone().map(|e| view! { <p class="field-error" id="agency-error">{e}</p> })}
                            <select id="agency" name="agency" required=true aria-invalid=agency_error.is_some().then_some("true")>
                                <option value="">{i18n.t("select-choose")}</option>
                                {agencies.into_iter().filter(|a| a.kind != "department").map(|a| view! {
                                    <option value=a.code.clone() selected=a.code == agency>{i18n.name(&a.name)}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <TextField name="received_at" label=i18n.t("field-received-at") kind="datetime-local" value=received.clone() error=error_for(&error, "received_at") required=true />
                        <TextField name="working_days" label=i18n.t("field-working-days") hint=i18n.t("hint-working-days") value=days.clone() error=error_for(&error, "working_days") required=true inputmode="decimal" maxlength=8u32 />
                        <div class="field">
                            <label for="channel">{i18n.t("field-channel")}</label>
                            <select id="channel" name="channel">
                                {["counter", "postal", "online"].into_iter().map(|c| view! {
                                    <option value=c selected=c == channel>{i18n.t(&format!("channel-{c}"))}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button-primary">{i18n.t("calc-button")}</button>
                    </form>
                    {result.and_then(Result::ok).and_then(|d| parse_iso8601(&d.due_at)).map(|due| view! {
                        <p class="notice" role="status">{i18n.t("calc-result")}" "<strong data-testid="due-at">{format_vn(due)}</strong></p>
                    })}
                }
            })}
        </Layout>
    }
}
