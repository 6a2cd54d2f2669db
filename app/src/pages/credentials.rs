//! Proving the phone at sign-up, the e-mail address by its link, a forgotten password, one's
//! account (password and sessions), and the officers' second factor. Plain forms posting to server
//! functions (post/redirect/get): they work without JavaScript on any phone.

use crate::api::credentials::{
    my_account, reset_state, signup_state, AccountView, ChangePassword, CodeState, ConfirmSignup, EndSession,
    ForgotPassword, ProveEmail, ResendResetCode, ResendSignupCode, ResetPassword,
};
use crate::api::second_factor::{recovery_codes, second_factor_state, PassSecondFactor, SecondFactorView};
use crate::components::field::{error_for, ErrorSummary, TextField};
use crate::components::layout::{url_encode, Layout};
use crate::domain::vn_time::format_vn;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{page_data, posted_error, query};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

fn code_field(i18n: I18n, error: &Option<AppError>, hint: String) -> impl IntoView {
    view! {
        <TextField name="code" label=i18n.t("field-otp") hint=hint error=error_for(error, "code") required=true inputmode="numeric" autocomplete="one-time-code" maxlength=7u32 />
    }
}

/// A page whose sign-up, reset or challenge is gone: say so, and where to start again.
fn gone(i18n: I18n, title: &'static str, lead: &'static str, again: (&'static str, &'static str)) -> impl IntoView {
    view! {
        <Layout title=i18n.t(title)>
            <h1>{i18n.t(title)}</h1>
            <p data-testid="gone">{i18n.t(lead)}</p>
            <p><a class="button" href=again.0>{i18n.t(again.1)}</a></p>
        </Layout>
    }
}

/// `/dang-ky/xac-minh`: the six-digit code sent to the phone given at sign-up.
#[component]
pub fn SignupCodePage() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error(ConfirmSignup::PATH).or_else(|| posted_error(ResendSignupCode::PATH));
    let next = query("next").unwrap_or_else(|| "/ho-so".into());
    let resent = query("gui-lai").is_some() && error.is_none();
    let taken = matches!(&error, Some(AppError::Conflict(k)) if k == "error-signup-taken");
    page_data(signup_state(), move |state: Option<CodeState>| {
        if taken {
            let next = url_encode(&next);
            return view! {
                <Layout title=i18n.t("signup-taken-title")>
                    <h1>{i18n.t("signup-taken-title")}</h1>
                    <div class="notice warning" role="alert" data-testid="signup-taken">
                        <p>{i18n.t("error-signup-taken")}</p>
                    </div>
                    <ul class="links">
                        <li><a href=format!("/dang-nhap?next={next}")>{i18n.t("nav-sign-in")}</a></li>
                        <li><a href="/quen-mat-khau">{i18n.t("forgot-title")}</a></li>
                        <li><a href="/nhan-tai-khoan">{i18n.t("claim-title")}</a></li>
                    </ul>
                </Layout>
            }
            .into_any();
        }
        let Some(state) = state else {
            return gone(i18n, "signup-code-title", "signup-gone", ("/dang-ky", "nav-register")).into_any();
        };
        view! {
            <Layout title=i18n.t("signup-code-title")>
                <h1>{i18n.t("signup-code-title")}</h1>
                <p>{i18n.t_args("signup-code-lead", &[("phone", state.phone.clone())])}</p>
                {resent.then(|| view! { <p class="notice" role="status">{i18n.t("code-resent")}</p> })}
                <ErrorSummary error=error.clone() labels=vec![("code".to_string(), i18n.t("field-otp"))] />
                <form method="post" action=ConfirmSignup::PATH class="stack">
                    <input type="hidden" name="next" value=next.clone() />
                    {code_field(i18n, &error, i18n.t("hint-otp"))}
                    <button type="submit" class="button-primary">{i18n.t("signup-code-button")}</button>
                </form>
                <form method="post" action=ResendSignupCode::PATH class="inline-form">
                    <input type="hidden" name="next" value=next.clone() />
                    <p>{i18n.t("code-not-received")}" "<button type="submit" class="link-button" disabled=!state.can_resend>{i18n.t("code-resend")}</button></p>
                </form>
                {(!state.can_resend).then(|| view! { <p class="hint">{i18n.t("code-resend-later")}</p> })}
            </Layout>
        }
        .into_any()
    })
}

/// `/xac-minh-email?t=…`: the link sent to the address given at sign-up, confirmed with a button.
#[component]
pub fn ProveEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error(ProveEmail::PATH);
    let done = query("xong").is_some() && error.is_none();
    let token = query("t").unwrap_or_default();
    view! {
        <Layout title=i18n.t("email-proof-title")>
            <h1>{i18n.t("email-proof-title")}</h1>
            {if done {
                view! { <p class="notice" role="status" data-testid="email-proven">{i18n.t("email-proven")}</p> }.into_any()
            } else {
                view! {
                    <ErrorSummary error=error.clone() />
                    <p>{i18n.t("email-proof-lead")}</p>
                    <form method="post" action=ProveEmail::PATH class="stack">
                        <input type="hidden" name="t" value=token.clone() />
                        <button type="submit" class="button-primary">{i18n.t("email-proof-button")}</button>
                    </form>
                }
                .into_any()
            }}
        </Layout>
    }
}

/// `/quen-mat-khau`: the CCCD of the account whose password was forgotten.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error(ForgotPassword::PATH);
    let cccd = error.as_ref().and_then(|e| e.value("cccd")).unwrap_or_default();
    view! {
        <Layout title=i18n.t("forgot-title")>
            <h1>{i18n.t("forgot-title")}</h1>
            <p>{i18n.t("forgot-lead")}</p>
            <ErrorSummary error=error.clone() labels=vec![("cccd".to_string(), i18n.t("field-cccd"))] />
            <form method="post" action=ForgotPassword::PATH class="stack">
                <TextField name="cccd" label=i18n.t("field-cccd") hint=i18n.t("hint-cccd") value=cccd error=error_for(&error, "cccd") required=true inputmode="numeric" autocomplete="username" maxlength=15u32 />
                <button type="submit" class="button-primary">{i18n.t("forgot-button")}</button>
            </form>
            <p>{i18n.t("forgot-officer")}</p>
        </Layout>
    }
}

/// `/quen-mat-khau/ma`: the code from the SMS and the new password.
#[component]
pub fn ResetCodePage() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error(ResetPassword::PATH).or_else(|| posted_error(ResendResetCode::PATH));
    let resent = query("gui-lai").is_some() && error.is_none();
    page_data(reset_state(), move |state: Option<CodeState>| {
        let Some(state) = state else {
            return gone(i18n, "reset-title", "reset-gone", ("/quen-mat-khau", "forgot-title")).into_any();
        };
        let labels =
            vec![("code".to_string(), i18n.t("field-otp")), ("password".to_string(), i18n.t("field-new-password"))];
        view! {
            <Layout title=i18n.t("reset-title")>
                <h1>{i18n.t("reset-title")}</h1>
                <p>{i18n.t("reset-lead")}</p>
                {resent.then(|| view! { <p class="notice" role="status">{i18n.t("code-resent")}</p> })}
                <ErrorSummary error=error.clone() labels=labels />
                <form method="post" action=ResetPassword::PATH class="stack">
                    {code_field(i18n, &error, i18n.t("hint-otp"))}
                    <TextField name="password" label=i18n.t("field-new-password") hint=i18n.t("hint-password") kind="password" error=error_for(&error, "password") required=true autocomplete="new-password" maxlength=128u32 />
                    <button type="submit" class="button-primary">{i18n.t("reset-button")}</button>
                </form>
                <form method="post" action=ResendResetCode::PATH class="inline-form">
                    <p>{i18n.t("code-not-received")}" "<button type="submit" class="link-button" disabled=!state.can_resend>{i18n.t("code-resend")}</button></p>
                </form>
            </Layout>
        }
        .into_any()
    })
}

/// `/tai-khoan`: one's account — addresses, password, sessions.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error(ChangePassword::PATH);
    let changed = query("mat-khau").is_some() && error.is_none();
    let ended = query("phien").is_some();
    page_data(my_account(), move |a: AccountView| {
        let labels = vec![
            ("current".to_string(), i18n.t("field-current-password")),
            ("password".to_string(), i18n.t("field-new-password")),
        ];
        let others = a.sessions.iter().filter(|s| !s.current).count();
        view! {
            <Layout title=i18n.t("account-title")>
                <h1>{i18n.t("account-title")}</h1>
                {changed.then(|| view! { <p class="notice" role="status" data-testid="password-changed">{i18n.t("account-password-changed")}</p> })}
                {ended.then(|| view! { <p class="notice" role="status">{i18n.t("account-session-ended")}</p> })}
                <section aria-labelledby="account-details">
                    <h2 id="account-details">{i18n.t("account-details")}</h2>
                    <dl class="facts">
                        <dt>{i18n.t("field-full-name")}</dt><dd>{a.full_name.clone()}</dd>
                        {(!a.officer).then(|| view! {
                            <dt>{i18n.t("field-phone")}</dt>
                            <dd>{a.phone.clone()}" — "{i18n.t(if a.verified { "account-phone-proven" } else { "account-phone-unproven" })}</dd>
                            <dt>{i18n.t("field-email")}</dt>
                            <dd>{match &a.email {
                                Some(e) => format!("{e} — {}", i18n.t(if a.email_proven { "account-email-proven" } else { "account-email-unproven" })),
                                None => i18n.t("account-email-none"),
                            }}</dd>
                        })}
                        {a.officer.then(|| view! {
                            <dt>{i18n.t("account-second-factor")}</dt>
                            <dd data-testid="recovery-left">{i18n.t_args("account-recovery-left", &[("n", a.recovery_codes_left.to_string())])}</dd>
                        })}
                    </dl>
                    {(!a.officer).then(|| view! {
                        <p><a href="/thong-bao">{i18n.t("channels-title")}</a></p>
                        <p><a href="/to-chuc">{i18n.t("account-organisations")}</a></p>
                    })}
                </section>
                <section aria-labelledby="account-password">
                    <h2 id="account-password">{i18n.t("account-change-password")}</h2>
                    <ErrorSummary error=error.clone() labels=labels />
                    <form method="post" action=ChangePassword::PATH class="stack">
                        <TextField name="current" label=i18n.t("field-current-password") kind="password" error=error_for(&error, "current") required=true autocomplete="current-password" maxlength=128u32 />
                        <TextField name="password" label=i18n.t("field-new-password") hint=i18n.t("hint-password") kind="password" error=error_for(&error, "password") required=true autocomplete="new-password" maxlength=128u32 />
                        <p class="hint">{i18n.t("account-password-ends-sessions")}</p>
                        <button type="submit" class="button-primary">{i18n.t("account-change-password")}</button>
                    </form>
                </section>
                <section aria-labelledby="account-sessions">
                    <h2 id="account-sessions">{i18n.t("account-sessions")}</h2>
                    <ul class="cards" data-testid="sessions">
                        {a.sessions.iter().map(|s| {
                            let device = if s.device.is_empty() { i18n.t("account-unknown-device") } else { s.device.clone() };
                            view! {
                                <li class="card">
                                    <p><strong>{device}</strong>{s.current.then(|| view! { " — "<span class="badge">{i18n.t("account-this-session")}</span> })}</p>
                                    <p class="meta">{i18n.t_args("account-session-times", &[("start", format_vn(s.started_at_ms)), ("seen", format_vn(s.last_seen_at_ms))])}</p>
                                    {(!s.current && !s.handle.is_empty()).then(|| view! {
                                        <form method="post" action=EndSession::PATH class="inline-form">
                                            <input type="hidden" name="handle" value=s.handle.clone() />
                                            <button type="submit">{i18n.t("account-end-session")}</button>
                                        </form>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(others > 0).then(|| view! {
                        <form method="post" action=EndSession::PATH>
                            <input type="hidden" name="handle" value="others" />
                            <button type="submit">{i18n.t("account-end-others")}</button>
                        </form>
                    })}
                </section>
            </Layout>
        }
    })
}

/// `/dang-nhap/xac-thuc`: an officer's second factor after the password, or its enrolment.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error(PassSecondFactor::PATH);
    let gone_now = matches!(&error, Some(AppError::Conflict(k)) if k == "error-challenge-gone")
        || error.as_ref().is_some_and(|e| e.field_errors().iter().any(|f| f.key == "error-challenge-gone"));
    page_data(second_factor_state(), move |state: Option<SecondFactorView>| {
        let Some(state) = state.filter(|_| !gone_now) else {
            return gone(
                i18n,
                "second-factor-title",
                "second-factor-gone",
                ("/dang-nhap?next=/mot-cua", "nav-sign-in"),
            )
            .into_any();
        };
        let labels = vec![("code".to_string(), i18n.t("field-totp"))];
        let field = view! {
            <TextField name="code" label=i18n.t("field-totp") hint=i18n.t(if state.enrolling { "hint-totp-enrol" } else { "hint-totp" }) error=error_for(&error, "code") required=true autocomplete="one-time-code" maxlength=13u32 />
        };
        if state.enrolling {
            view! {
                <Layout title=i18n.t("enrol-title")>
                    <h1>{i18n.t("enrol-title")}</h1>
                    <p>{i18n.t("enrol-lead")}</p>
                    <ErrorSummary error=error.clone() labels=labels />
                    <ol class="steps">
                        <li>{i18n.t("enrol-step-app")}</li>
                        <li>
                            {i18n.t("enrol-step-scan")}
                            <div role="img" aria-label=i18n.t("enrol-qr-label") class="enrol-qr" inner_html=state.qr_svg.clone()></div>
                            <p>{i18n.t("enrol-step-type")}" "<code data-testid="totp-secret">{state.secret.clone()}</code></p>
                        </li>
                        <li>{i18n.t("enrol-step-code")}</li>
                    </ol>
                    <form method="post" action=PassSecondFactor::PATH class="stack">
                        {field}
                        <button type="submit" class="button-primary">{i18n.t("enrol-button")}</button>
                    </form>
                </Layout>
            }
            .into_any()
        } else {
            view! {
                <Layout title=i18n.t("second-factor-title")>
                    <h1>{i18n.t("second-factor-title")}</h1>
                    <p>{i18n.t("second-factor-lead")}</p>
                    <ErrorSummary error=error.clone() labels=labels />
                    <form method="post" action=PassSecondFactor::PATH class="stack">
                        {field}
                        <button type="submit" class="button-primary">{i18n.t("second-factor-button")}</button>
                    </form>
                    <p class="hint">{i18n.t("second-factor-lost")}</p>
                </Layout>
            }
            .into_any()
        }
    })
}

/// `/dang-nhap/ma-du-phong`: the recovery codes given at enrolment, shown this once.
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let i18n = use_i18n();
    let next = crate::api::account::next_after_sign_in(query("next").as_deref());
    page_data(recovery_codes(), move |codes: Vec<String>| {
        view! {
            <Layout title=i18n.t("recovery-title")>
                <h1>{i18n.t("recovery-title")}</h1>
                {if codes.is_empty() {
                    view! { <p>{i18n.t("recovery-shown")}</p> }.into_any()
                } else {
                    view! {
                        <p class="notice warning" role="alert">{i18n.t("recovery-lead")}</p>
                        <ol class="recovery-codes" data-testid="recovery-codes">
                            {codes.into_iter().map(|c| view! { <li><code data-testid="recovery-code">{c}</code></li> }).collect_view()}
                        </ol>
                    }
                    .into_any()
                }}
                <p><a class="button button-primary" href=next.clone()>{i18n.t("recovery-continue")}</a></p>
            </Layout>
        }
    })
}
