//! Counter and postal intake at the desk: find the applicant by CCCD (or record a new one),
//! choose the procedure, enter the e-form, scan each paper component, and print the receipt.

use crate::api::intake::{intake_form, DeskIntake, IntakeLookup, IntakeView, INTAKE_CHANNELS};
use crate::components::field::{error_for, ErrorSummary, TextField};
use crate::components::form_inputs::{component_inputs, form_inputs, form_labels};
use crate::components::layout::Layout;
use crate::domain::upload::{MAX_DOSSIER_BYTES, MAX_FILE_BYTES};
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::desk::actions::BackfillFields;
use crate::pages::{desk_data, posted_error};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DeskIntakePage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    desk_data(
        move || q.read().get("tim").filter(|v| !v.is_empty()),
        intake_form,
        move |v| {
            let error = posted_error(DeskIntake::PATH);
            view! { <Layout title=i18n.t("intake-title")>{intake_view(i18n, v, error)}</Layout> }
        },
    )
}

fn intake_view(i18n: I18n, v: IntakeView, posted: Option<AppError>) -> impl IntoView {
    let search_error = (!v.errors.is_empty()).then(|| AppError::fields(v.errors.clone()));
    let ready = v.searched && v.procedure.is_some() && search_error.is_none();
    let cccd_error = error_for(&search_error, "cccd");
    let procedure_error = error_for(&search_error, "procedure");
    let chosen = v.procedure_code.clone();
    view! {
        <p class="breadcrumb"><a href="/mot-cua">{i18n.t("desk-title")}</a></p>
        <h1>{i18n.t("intake-title")}</h1>
        <p class="lead">{i18n.t("intake-lead")}</p>
        {v.expired.then(|| view! { <p role="status" class="notice" data-testid="lookup-expired">{i18n.t("intake-lookup-expired")}</p> })}
        // Posted, so that the CCCD never lands in the URL.
        <form method="post" action=IntakeLookup::PATH class="stack intake-search">
            <fieldset>
                <legend>{i18n.t("intake-step-find")}</legend>
                <div class="field-row">
                    <TextField name="cccd" label=i18n.t("field-cccd") value=v.cccd.clone() hint=i18n.t("intake-cccd-hint")
                        error=cccd_error required=true inputmode="numeric" maxlength=15u32 autocomplete="off" />
                    <div class="field" class:field-invalid=procedure_error.is_some()>
                        <label for="procedure">{i18n.t("intake-procedure")}<span class="req" aria-hidden="true">" *"</span></label>
                        {procedure_error.clone().map(|e| view! { <p class="field-error" id="procedure-error">{e}</p> })}
                        <select id="procedure" name="procedure" required=true
                            aria-invalid=procedure_error.is_some().then_some("true")
                            aria-describedby=procedure_error.is_some().then_some("procedure-error")>
                            <option value="">{i18n.t("select-choose")}</option>
                            {v.procedures.iter().map(|(code, name)| {
                                let sel = *code == chosen;
                                view! { <option value=code.clone() selected=sel>{format!("{} ({code})", i18n.name(name))}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                <button type="submit">{i18n.t("intake-find")}</button>
            </fieldset>
        </form>
        {v.procedure.clone().filter(|_| ready).map(|p| dossier_form(i18n, &v, p, posted))}
    }
}

fn dossier_form(
    i18n: I18n,
    v: &IntakeView,
    p: crate::api::catalogue::ProcedureDetail,
    error: Option<AppError>,
) -> impl IntoView {
    let mut labels = form_labels(i18n, &p);
    labels.extend([
        ("cccd".to_string(), i18n.t("field-cccd")),
        ("full_name".to_string(), i18n.t("field-full-name")),
        ("phone".to_string(), i18n.t("field-phone")),
        ("channel".to_string(), i18n.t("field-channel")),
        ("procedure".to_string(), i18n.t("intake-procedure")),
        ("happened_at".to_string(), i18n.t("backfill-at")),
        ("backfill_reason".to_string(), i18n.t("backfill-reason")),
    ]);
    let echo = |name: &str| error.as_ref().and_then(|e| e.value(name)).unwrap_or_default();
    let channel = Some(echo("channel")).filter(|c| !c.is_empty()).unwrap_or_else(|| "counter".into());
    let limits = i18n.t_args(
        "upload-limits",
        &[
            ("file", crate::components::format_bytes(MAX_FILE_BYTES as i64)),
            ("total", crate::components::format_bytes(MAX_DOSSIER_BYTES as i64)),
        ],
    );
    let new_applicant = || {
        view! {
            <TextField name="full_name" label=i18n.t("field-full-name") value=echo("full_name") error=error_for(&error, "full_name")
                required=true maxlength=100u32 autocomplete="off" />
            <TextField name="phone" label=i18n.t("field-phone") kind="tel" value=echo("phone") hint=i18n.t("hint-phone")
                error=error_for(&error, "phone") required=true inputmode="tel" maxlength=16u32 autocomplete="off" />
        }
    };
    let applicant = match &v.applicant {
        // An unverified online account: the paper dossier does not go into it.
        Some(a) if !a.verified => view! {
            <div class="notice warning" role="alert" data-testid="intake-unverified">
                <p><strong>{i18n.t("intake-unverified-title")}</strong></p>
                <p>{i18n.t_args("intake-unverified", &[("name", a.full_name.clone())])}</p>
            </div>
            {new_applicant()}
        }
        .into_any(),
        Some(a) => view! {
            <div class="applicant-found" role="status">
                <p><strong>{i18n.t("intake-found")}</strong></p>
                <dl class="facts">
                    <dt>{i18n.t("field-full-name")}</dt><dd>{a.full_name.clone()}</dd>
                    <dt>{i18n.t("field-cccd")}</dt><dd>{a.cccd.clone()}</dd>
                    <dt>{i18n.t("field-phone")}</dt><dd>{a.phone.clone()}</dd>
                </dl>
            </div>
        }
        .into_any(),
        None => view! {
            <p class="notice">{i18n.t("intake-new-applicant")}</p>
            {new_applicant()}
        }
        .into_any(),
    };
    let channel_error = error_for(&error, "channel");
    let channel_invalid = channel_error.is_some();
    view! {
        <ErrorSummary error=error.clone() labels=labels />
        <form id="intake-form" method="post" action=DeskIntake::PATH enctype="multipart/form-data" class="stack">
            <input type="hidden" name="key" value=v.key.clone() />
            <input type="hidden" name="procedure" value=p.code.clone() />
            <input type="hidden" name="cccd" value=v.cccd.clone() />
            <fieldset>
                <legend>{i18n.t("intake-step-applicant")}</legend>
                {applicant}
                <fieldset class="field" class:field-invalid=channel_invalid id="channel">
                    <legend>{i18n.t("field-channel")}</legend>
                    {channel_error.map(|e| view! { <p class="field-error">{e}</p> })}
                    {INTAKE_CHANNELS.iter().map(|c| {
                        let id = format!("channel-{c}");
                        view! {
                            <div class="choice">
                                <input type="radio" id=id.clone() name="channel" value=*c checked=channel == *c />
                                <label for=id>{i18n.t(&format!("channel-{c}"))}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            </fieldset>
            <fieldset>
                <legend>{i18n.t("submit-form-section")}" — "{i18n.name(&p.name)}</legend>
                {form_inputs(&p.form_fields, &Default::default(), &error)}
            </fieldset>
            <fieldset>
                <legend>{i18n.t("intake-step-scans")}</legend>
                <p class="hint" id="upload-limits">{i18n.t("intake-scans-hint")}" "{limits}</p>
                {error_for(&error, "files").map(|e| view! { <p class="field-error" id="files">{e}</p> })}
                {component_inputs(i18n, &p.components, &[], &[], &error)}
            </fieldset>
            <BackfillFields prefix="intake" error=error.clone() />
            <div class="actions">
                <button type="submit" class="button-primary">{i18n.t("intake-submit")}</button>
            </div>
        </form>
    }
}
