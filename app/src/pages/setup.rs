//! Going live: the setup link's page (the province and its first administrator) and a password
//! link's page. Plain server-rendered forms; a used, expired or replaced link says so and how to
//! get a new one.

use crate::api::setup::{link_state, SetPassword, SetUpProvince};
use crate::components::field::{error_for, ErrorSummary, TextField};
use crate::components::layout::Layout;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{loaded, posted_error, query};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

fn value(error: &Option<AppError>, name: &str) -> String {
    error.as_ref().and_then(|e| e.value(name)).unwrap_or_default()
}

/// What a dead link's page says: the link no longer works, and where a new one comes from.
fn dead_link(i18n: I18n, title: String, how: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::GONE);
    }
    view! {
        <Layout title=title.clone()>
            <h1>{title}</h1>
            <div class="notice notice-warning" role="alert" data-testid="link-dead">
                <p>{i18n.t("link-dead")}</p>
                <p>{i18n.t(how)}</p>
            </div>
            <p><a href="/dang-nhap">{i18n.t("nav-sign-in")}</a></p>
        </Layout>
    }
}

/// `/cai-dat?t=…`: the province's identifier code and name, and its first administrator.
#[component]
pub fn SetupPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error(SetUpProvince::PATH);
    let token = query("t").unwrap_or_default();
    loaded(async move {
        let state = link_state(token.clone(), "setup".into()).await;
        if !state.is_ok_and(|s| s.live) {
            return dead_link(i18n, i18n.t("setup-title"), "setup-dead-how").into_any();
        }
        let labels = vec![
            ("t".to_string(), i18n.t("setup-link")),
            ("province_code".to_string(), i18n.t("field-province-code")),
            ("province_name_vi".to_string(), i18n.t("field-province-name-vi")),
            ("province_name_en".to_string(), i18n.t("field-province-name-en")),
            ("full_name".to_string(), i18n.t("field-full-name")),
            ("cccd".to_string(), i18n.t("field-cccd")),
            ("phone".to_string(), i18n.t("field-phone")),
            ("email".to_string(), i18n.t("field-email")),
            ("password".to_string(), i18n.t("field-password")),
        ];
        view! {
            <Layout title=i18n.t("setup-title")>
                <h1>{i18n.t("setup-title")}</h1>
                <p>{i18n.t("setup-lead")}</p>
                <ErrorSummary error=error.clone() labels=labels />
                <form method="post" action=SetUpProvince::PATH class="stack" novalidate=error.is_some()>
                    <input type="hidden" name="t" value=token.clone() />
                    <fieldset>
                        <legend>{i18n.t("setup-province")}</legend>
                        <TextField name="province_code" label=i18n.t("field-province-code") hint=i18n.t("hint-agency-code") value=value(&error, "province_code") error=error_for(&error, "province_code") required=true autocomplete="off" maxlength=35u32 />
                        <TextField name="province_name_vi" label=i18n.t("field-province-name-vi") hint=i18n.t("hint-province-name") value=value(&error, "province_name_vi") error=error_for(&error, "province_name_vi") required=true autocomplete="off" maxlength=200u32 />
                        <TextField name="province_name_en" label=i18n.t("field-province-name-en") value=value(&error, "province_name_en") error=error_for(&error, "province_name_en") autocomplete="off" maxlength=200u32 />
                    </fieldset>
                    <fieldset>
                        <legend>{i18n.t("setup-admin")}</legend>
                        <TextField name="full_name" label=i18n.t("field-full-name") value=value(&error, "full_name") error=error_for(&error, "full_name") required=true autocomplete="name" maxlength=100u32 />
                        <TextField name="cccd" label=i18n.t("field-cccd") hint=i18n.t("hint-cccd-sign-in") value=value(&error, "cccd") error=error_for(&error, "cccd") required=true inputmode="numeric" autocomplete="username" maxlength=15u32 />
                        <TextField name="phone" label=i18n.t("field-phone") hint=i18n.t("hint-phone") kind="tel" value=value(&error, "phone") error=error_for(&error, "phone") required=true autocomplete="tel" maxlength=16u32 />
                        <TextField name="email" label=i18n.t("field-email-optional") kind="email" value=value(&error, "email") error=error_for(&error, "email") autocomplete="email" maxlength=254u32 />
                        <TextField name="password" label=i18n.t("field-password") hint=i18n.t("hint-password") kind="password" error=error_for(&error, "password") required=true autocomplete="new-password" maxlength=128u32 />
                    </fieldset>
                    <button type="submit" class="button-primary">{i18n.t("setup-button")}</button>
                </form>
            </Layout>
        }
        .into_any()
    })
}

/// `/dat-mat-khau?t=…`: an officer chooses their password with a one-time link.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error(SetPassword::PATH);
    let token = query("t").unwrap_or_default();
    loaded(async move {
        let state = link_state(token.clone(), "password".into()).await;
        let Some(state) = state.ok().filter(|s| s.live) else {
            return dead_link(i18n, i18n.t("password-title"), "password-dead-how").into_any();
        };
        let labels =
            vec![("t".to_string(), i18n.t("password-link")), ("password".to_string(), i18n.t("field-new-password"))];
        view! {
            <Layout title=i18n.t("password-title")>
                <h1>{i18n.t("password-title")}</h1>
                <p>{i18n.t_args("password-lead", &[("name", state.full_name.unwrap_or_default())])}</p>
                <ErrorSummary error=error.clone() labels=labels />
                <form method="post" action=SetPassword::PATH class="stack" novalidate=error.is_some()>
                    <input type="hidden" name="t" value=token.clone() />
                    <TextField name="password" label=i18n.t("field-new-password") hint=i18n.t("hint-password") kind="password" error=error_for(&error, "password") required=true autocomplete="new-password" maxlength=128u32 />
                    <button type="submit" class="button-primary">{i18n.t("password-button")}</button>
                </form>
            </Layout>
        }
        .into_any()
    })
}
