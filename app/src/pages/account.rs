//! Registration and sign-in. Plain forms posting to server functions (post/redirect/get).

use crate::api::account::{Login, Register};
use crate::api::claim::ClaimAccount;
use crate::components::field::{error_for, ErrorSummary, TextField};
use crate::components::layout::Layout;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::pages::{posted_error, query};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

fn value(error: &Option<AppError>, name: &str) -> String {
    error.as_ref().and_then(|e| e.value(name)).unwrap_or_default()
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error(Register::PATH);
    let next = query("next").unwrap_or_else(|| "/ho-so".into());
    let labels = vec![
        ("full_name".to_string(), i18n.t("field-full-name")),
        ("cccd".to_string(), i18n.t("field-cccd")),
        ("phone".to_string(), i18n.t("field-phone")),
        ("email".to_string(), i18n.t("field-email")),
        ("password".to_string(), i18n.t("field-password")),
    ];
    view! {
        <Layout title=i18n.t("register-title")>
            <h1>{i18n.t("register-title")}</h1>
            <p>{i18n.t("register-lead")}</p>
            <ErrorSummary error=error.clone() labels=labels />
            <form method="post" action=Register::PATH class="stack" novalidate=error.is_some()>
                <input type="hidden" name="next" value=next.clone() />
                <TextField name="full_name" label=i18n.t("field-full-name") value=value(&error, "full_name") error=error_for(&error, "full_name") required=true autocomplete="name" maxlength=100u32 />
                <TextField name="cccd" label=i18n.t("field-cccd") hint=i18n.t("hint-cccd") value=value(&error, "cccd") error=error_for(&error, "cccd") required=true inputmode="numeric" autocomplete="off" maxlength=15u32 />
                <TextField name="phone" label=i18n.t("field-phone") hint=i18n.t("hint-phone") kind="tel" value=value(&error, "phone") error=error_for(&error, "phone") required=true autocomplete="tel" maxlength=16u32 />
                <TextField name="email" label=i18n.t("field-email-optional") kind="email" value=value(&error, "email") error=error_for(&error, "email") autocomplete="email" maxlength=254u32 />
                <TextField name="password" label=i18n.t("field-password") hint=i18n.t("hint-password") kind="password" error=error_for(&error, "password") required=true autocomplete="new-password" maxlength=128u32 />
                <button type="submit" class="button-primary">{i18n.t("register-button")}</button>
            </form>
            <p>{i18n.t("register-have-account")}" "<a href=format!("/dang-nhap?next={}", crate::components::layout::url_encode(&next))>{i18n.t("nav-sign-in")}</a></p>
            <p>{i18n.t("register-recorded-at-desk")}" "<a href="/nhan-tai-khoan">{i18n.t("claim-title")}</a></p>
        </Layout>
    }
}

/// Claiming an account recorded at a desk with the code printed on the receipt.
#[component]
pub fn ClaimPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error(ClaimAccount::PATH);
    let next = query("next").unwrap_or_else(|| "/ho-so".into());
    let labels = vec![
        ("cccd".to_string(), i18n.t("field-cccd")),
        ("code".to_string(), i18n.t("field-claim-code")),
        ("password".to_string(), i18n.t("field-new-password")),
    ];
    view! {
        <Layout title=i18n.t("claim-title")>
            <h1>{i18n.t("claim-title")}</h1>
            <p>{i18n.t("claim-lead")}</p>
            <ErrorSummary error=error.clone() labels=labels />
            <form method="post" action=ClaimAccount::PATH class="stack" novalidate=error.is_some()>
                <input type="hidden" name="next" value=next />
                <TextField name="cccd" label=i18n.t("field-cccd") hint=i18n.t("hint-cccd") value=value(&error, "cccd") error=error_for(&error, "cccd") required=true inputmode="numeric" autocomplete="username" maxlength=15u32 />
                <TextField name="code" label=i18n.t("field-claim-code") hint=i18n.t("hint-claim-code") value=value(&error, "code") error=error_for(&error, "code") required=true autocomplete="off" maxlength=20u32 />
                <TextField name="password" label=i18n.t("field-new-password") hint=i18n.t("hint-password") kind="password" error=error_for(&error, "password") required=true autocomplete="new-password" maxlength=128u32 />
                <button type="submit" class="button-primary">{i18n.t("claim-button")}</button>
            </form>
        </Layout>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error(Login::PATH);
    let next = query("next").unwrap_or_else(|| "/ho-so".into());
    // After a password was set with a one-time link.
    let password_set = query("mat-khau").is_some() && error.is_none();
    view! {
        <Layout title=i18n.t("login-title")>
            <h1>{i18n.t("login-title")}</h1>
            {password_set.then(|| view! { <p class="notice" role="status" data-testid="password-set">{i18n.t("password-was-set")}</p> })}
            <ErrorSummary error=error.clone() labels=vec![("password".to_string(), i18n.t("field-password"))] />
            <form method="post" action=Login::PATH class="stack">
                <input type="hidden" name="next" value=next.clone() />
                <TextField name="cccd" label=i18n.t("field-cccd") value=value(&error, "cccd") error=error_for(&error, "cccd") required=true inputmode="numeric" autocomplete="username" maxlength=15u32 />
                <TextField name="password" label=i18n.t("field-password") kind="password" error=error_for(&error, "password") required=true autocomplete="current-password" maxlength=128u32 />
                <button type="submit" class="button-primary">{i18n.t("login-button")}</button>
            </form>
            <p><a href="/quen-mat-khau">{i18n.t("forgot-title")}</a></p>
            <p>{i18n.t("login-no-account")}" "<a href=format!("/dang-ky?next={}", crate::components::layout::url_encode(&next))>{i18n.t("nav-register")}</a></p>
        </Layout>
    }
}
