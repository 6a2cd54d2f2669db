//! Proving the phone at sign-up (the account is created only then) and the e-mail address by a
//! link; a forgotten password reset with a code sent by SMS (or a link by e-mail); one's account:
//! changing the password, seeing and ending one's sessions.
//!
//! Sign-ups, resets and officers' second-factor challenges are carried between pages by a ticket
//! in an `HttpOnly` cookie (never in the URL); only its hash is stored.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The cookie of a sign-up waiting for its phone code.
pub const SIGNUP_COOKIE: &str = "signup";
/// The cookie of a password reset.
pub const RESET_COOKIE: &str = "reset";
/// How long a sign-up or a reset waits for its code.
pub const PENDING_MINUTES: i64 = 30;

/// A code page's state: where the code went (masked), whether another may be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeState {
    /// The masked phone for a sign-up; empty for a reset (which does not tell whether the CCCD
    /// has an account, nor its number).
    pub phone: String,
    pub can_resend: bool,
}

/// The sign-up waiting for its code in this browser, if any.
#[server(prefix = "/api", endpoint = "account/signup-state", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/signup-state", skip_all))]
pub async fn signup_state() -> Result<Option<CodeState>, AppError> {
    use crate::api::{account::ssr::ticket, ctx};
    let Some(ticket) = ticket(SIGNUP_COOKIE) else { return Ok(None) };
    let now = ctx::now_ms();
    let pending = ctx::services()?.store.signup(&ticket, now).await?;
    Ok(pending.map(|p| CodeState {
        phone: crate::domain::mask::mask_phone(&p.phone),
        can_resend: crate::domain::otp::may_resend(p.sends, p.last_sent_at_ms, now),
    }))
}

/// The code sent to the phone given at sign-up: right, and the account is created and signed
/// in; wrong, and the field says so (five tries); when the CCCD belongs to an account whose
/// holder proved more than a phone, nothing is created and the page says what to do.
#[server(prefix = "/api", endpoint = "account/confirm-signup")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/confirm-signup", skip_all))]
pub async fn confirm_signup(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::api::{account, ctx};
    use crate::domain::otp;
    use crate::ports::SignupOutcome;

    let services = ctx::services()?;
    let now = ctx::now_ms();
    let ticket = account::ssr::ticket(SIGNUP_COOKIE).ok_or_else(ssr::signup_gone)?;
    let pending = services.store.signup(&ticket, now).await?.ok_or_else(ssr::signup_gone)?;
    let code = otp::parse("code", &code).map_err(|e| AppError::fields(vec![e]))?;
    let subject = otp::signup_subject(&ticket);
    ssr::judge(&services.store.check_code(&subject, &otp::hash(&subject, &code), now).await?)?;
    let lang = crate::i18n::Lang::parse(&pending.lang).unwrap_or_default();
    let email_link =
        services.store.signup_email(pending.id).await?.map(|email| ssr::email_proof(&services, lang, email, now));
    match services.store.complete_signup(pending.id, now, email_link).await? {
        SignupOutcome::Created(user) => {
            account::ssr::set_cookie(SIGNUP_COOKIE, "", "/", 0, "Lax");
            tracing::info!(user, "an account was created with a proven phone");
            account::ssr::start_session(&services, user).await?;
            leptos_axum::redirect(&account::next_after_sign_in(next.as_deref()));
            Ok(())
        }
        SignupOutcome::Taken => {
            account::ssr::set_cookie(SIGNUP_COOKIE, "", "/", 0, "Lax");
            Err(AppError::Conflict("error-signup-taken".into()))
        }
        SignupOutcome::Gone => Err(ssr::signup_gone()),
    }
}

/// Sends the sign-up's code again (a minute apart, three codes in all); the old one stops
/// working.
#[server(prefix = "/api", endpoint = "account/resend-signup-code")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/resend-signup-code", skip_all))]
pub async fn resend_signup_code(next: Option<String>) -> Result<(), AppError> {
    use crate::api::{account, ctx};
    use crate::notice::AccountMessage;
    let services = ctx::services()?;
    let now = ctx::now_ms();
    let ticket = account::ssr::ticket(SIGNUP_COOKIE).ok_or_else(ssr::signup_gone)?;
    let pending = services.store.signup(&ticket, now).await?.ok_or_else(ssr::signup_gone)?;
    let subject = crate::domain::otp::signup_subject(&ticket);
    ssr::resend(&services, &pending, subject, Some(AccountMessage::SignupCode), now).await?;
    leptos_axum::redirect(&format!("/dang-ky/xac-minh?gui-lai=1&next={}", ssr::encoded_next(next.as_deref())));
    Ok(())
}

/// Opens the link sent to the e-mail address given at sign-up (a button on the page, so that a
/// mail scanner fetching the link proves nothing).
#[server(prefix = "/api", endpoint = "account/prove-email")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/prove-email", skip_all))]
pub async fn prove_email(t: String) -> Result<(), AppError> {
    use crate::api::{ctx, setup};
    let dead = || AppError::field("t", "error-link-dead");
    let token = setup::ssr::well_formed(&t).ok_or_else(dead)?;
    let services = ctx::services()?;
    services.store.prove_email(&setup::ssr::link_hash(token), ctx::now_ms()).await?.ok_or_else(dead)?;
    leptos_axum::redirect("/xac-minh-email?xong=1");
    Ok(())
}

/// Asks for a forgotten password's reset: the same answer whether the CCCD has an account or
/// not. When it has, a code goes to the account's phone, and a link to its proven e-mail address.
#[server(prefix = "/api", endpoint = "account/forgot-password")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/forgot-password", skip_all))]
pub async fn forgot_password(cccd: String) -> Result<(), AppError> {
    use crate::api::{account, ctx};
    use crate::domain::cccd::Cccd;
    use crate::domain::otp;

    crate::api::claim::ssr::limit_account_creation(&cccd)?;
    let echo = vec![("cccd".to_string(), cccd.chars().take(20).collect())];
    let cccd = Cccd::parse("cccd", &cccd).map_err(|e| AppError::fields(vec![e]).with_values(echo))?;
    let services = ctx::services()?;
    let now = ctx::now_ms();
    let target = services.store.reset_target(cccd.as_str()).await?;
    let ticket = account::ssr::random_token();
    let ticket_hash = account::ssr::token_hash(&ticket);
    let subject = otp::reset_subject(&ticket_hash);
    // Without an account the code is drawn all the same and never sent: every later answer is
    // the same as for an account.
    let (code, new_code) = ssr::new_code(subject, now);
    let mut messages = Vec::new();
    let mut link = None;
    if let Some(t) = &target {
        let lang = crate::i18n::Lang::parse(&t.lang).unwrap_or_default();
        messages.push(ssr::code_sms(&t.phone, &new_code, lang, crate::notice::AccountMessage::ResetCode, &code, 1));
        if let Some(email) = &t.email {
            let (new_link, mail) = ssr::reset_link(&services, lang, email.clone(), t.user_id, now);
            messages.push(mail);
            link = Some(new_link);
        }
    }
    let expires = now + PENDING_MINUTES * 60_000;
    services.store.start_reset(&ticket_hash, target.map(|t| t.user_id), new_code, messages, link, expires).await?;
    account::ssr::set_cookie(RESET_COOKIE, &ticket, "/", PENDING_MINUTES * 60, "Lax");
    leptos_axum::redirect("/quen-mat-khau/ma");
    Ok(())
}

/// The reset waiting for its code in this browser, if any.
#[server(prefix = "/api", endpoint = "account/reset-state", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/reset-state", skip_all))]
pub async fn reset_state() -> Result<Option<CodeState>, AppError> {
    use crate::api::{account::ssr::ticket, ctx};
    let Some(ticket) = ticket(RESET_COOKIE) else { return Ok(None) };
    let now = ctx::now_ms();
    let pending = ctx::services()?.store.reset(&ticket, now).await?;
    Ok(pending.map(|p| CodeState {
        phone: String::new(),
        can_resend: crate::domain::otp::may_resend(p.sends, p.last_sent_at_ms, now),
    }))
}

/// The code from the SMS and a new password: the password is set, every session of the account
/// ends, and this browser is signed in.
#[server(prefix = "/api", endpoint = "account/reset-password")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/reset-password", skip_all))]
pub async fn reset_password(code: String, password: String) -> Result<(), AppError> {
    use crate::api::{account, ctx};
    use crate::domain::{otp, password as rules};

    let services = ctx::services()?;
    let now = ctx::now_ms();
    let ticket = account::ssr::ticket(RESET_COOKIE).ok_or_else(ssr::reset_gone)?;
    let pending = services.store.reset(&ticket, now).await?.ok_or_else(ssr::reset_gone)?;
    let mut errors = Vec::new();
    let code = otp::parse("code", &code).map_err(|e| errors.push(e)).ok();
    // The password is checked first, so that a weak one does not spend the code.
    if let Err(e) = rules::check("password", &password, &[]) {
        errors.push(e);
    }
    let (Some(code), true) = (code, errors.is_empty()) else {
        return Err(AppError::fields(errors));
    };
    let subject = otp::reset_subject(&ticket);
    ssr::judge(&services.store.check_code(&subject, &otp::hash(&subject, &code), now).await?)?;
    let hash = account::ssr::hash_password_in_pool(password).await?;
    // A reset of no account never has a right code, so this is an account's.
    let user = services.store.complete_reset(pending.id, &hash, now).await?.ok_or_else(ssr::reset_gone)?;
    account::ssr::set_cookie(RESET_COOKIE, "", "/", 0, "Lax");
    tracing::info!(user, "a password was reset with a code sent by SMS");
    account::ssr::start_session(&services, user).await?;
    leptos_axum::redirect("/tai-khoan?mat-khau=1");
    Ok(())
}

/// Sends the reset's code again (when the CCCD has an account).
#[server(prefix = "/api", endpoint = "account/resend-reset-code")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/resend-reset-code", skip_all))]
pub async fn resend_reset_code() -> Result<(), AppError> {
    use crate::api::{account, ctx};
    let services = ctx::services()?;
    let now = ctx::now_ms();
    let ticket = account::ssr::ticket(RESET_COOKIE).ok_or_else(ssr::reset_gone)?;
    let pending = services.store.reset(&ticket, now).await?.ok_or_else(ssr::reset_gone)?;
    let subject = crate::domain::otp::reset_subject(&ticket);
    let what = (!pending.phone.is_empty()).then_some(crate::notice::AccountMessage::ResetCode);
    ssr::resend(&services, &pending, subject, what, now).await?;
    leptos_axum::redirect("/quen-mat-khau/ma?gui-lai=1");
    Ok(())
}

/// One's account: the addresses (masked), the second factor, and the sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub full_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub email_proven: bool,
    pub verified: bool,
    pub officer: bool,
    pub recovery_codes_left: i64,
    pub sessions: Vec<SessionEntry>,
}

/// One of an account's sessions, as its owner sees the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionEntry {
    pub handle: String,
    pub device: String,
    pub started_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub current: bool,
}

#[server(prefix = "/api", endpoint = "account/overview", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/overview", skip_all))]
pub async fn my_account() -> Result<AccountView, AppError> {
    use crate::api::{account, ctx};
    use crate::domain::mask::{mask_email, mask_phone};
    let user = ctx::current_user().ok_or(AppError::Unauthenticated)?;
    let services = ctx::services()?;
    let current = account::ssr::session_token().map(|t| account::ssr::token_hash(&t)).unwrap_or_default();
    let channels = services.store.notice_channels(user.id).await?;
    let officer = user.role != crate::domain::role::Role::Citizen;
    Ok(AccountView {
        full_name: user.full_name.clone(),
        phone: mask_phone(&channels.phone),
        email: channels.email.as_deref().map(mask_email),
        email_proven: services.store.email_proven(user.id).await?,
        verified: services.store.account_verified(user.id).await?,
        officer,
        recovery_codes_left: if officer { services.store.recovery_codes_left(user.id).await? } else { 0 },
        sessions: services.store.sessions(user.id, &current, ctx::now_ms()).await?,
    })
}

/// Changes the password: the current one, then the new; every other session ends.
#[server(prefix = "/api", endpoint = "account/change-password")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/change-password", skip_all))]
pub async fn change_password(current: String, password: String) -> Result<(), AppError> {
    use crate::api::{account, ctx};
    use crate::domain::rate_limit::Limit;
    const PER_ACCOUNT: Limit = Limit { max: 10, window_ms: 15 * 60_000 };
    let user = ctx::current_user().ok_or(AppError::Unauthenticated)?;
    let services = ctx::services()?;
    {
        let mut limiter = services.limiter.lock().map_err(|_| ctx::internal("rate limiter poisoned"))?;
        if !limiter.hit(&format!("change-password:{}", user.id), PER_ACCOUNT, ctx::now_ms()) {
            return Err(AppError::RateLimited);
        }
    }
    crate::domain::password::check("password", &password, &[]).map_err(|e| AppError::fields(vec![e]))?;
    let stored = services.store.password_hash(user.id).await?;
    if !account::ssr::verify_password_in_pool(current, Some(stored)).await? {
        return Err(AppError::field("current", "error-current-password"));
    }
    let hash = account::ssr::hash_password_in_pool(password).await?;
    let keep = account::ssr::session_token().map(|t| account::ssr::token_hash(&t)).unwrap_or_default();
    services.store.change_password(user.id, &hash, &keep).await?;
    tracing::info!(user = user.id, "a password was changed; the other sessions ended");
    leptos_axum::redirect("/tai-khoan?mat-khau=1");
    Ok(())
}

/// Ends one of one's sessions (`handle` from the list), or every other one (`handle` = `others`).
#[server(prefix = "/api", endpoint = "account/end-session")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/end-session", skip_all))]
pub async fn end_session(handle: String) -> Result<(), AppError> {
    use crate::api::{account, ctx};
    let user = ctx::current_user().ok_or(AppError::Unauthenticated)?;
    let services = ctx::services()?;
    if handle == "others" {
        let keep = account::ssr::session_token().map(|t| account::ssr::token_hash(&t)).unwrap_or_default();
        services.store.end_other_sessions(user.id, &keep).await?;
    } else {
        let well_formed = handle.len() == 24 && handle.bytes().all(|b| b.is_ascii_hexdigit());
        if !well_formed || !services.store.end_session(user.id, &handle).await? {
            return Err(AppError::NotFound);
        }
    }
    leptos_axum::redirect("/tai-khoan?phien=1");
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::domain::otp::{self, Verdict};
    use crate::error::AppError;
    use crate::i18n::Lang;
    use crate::notice::AccountMessage;
    use crate::ports::{LinkPurpose, NewCode, NewLink, OutgoingMessage, PendingCode, Services};

    pub fn signup_gone() -> AppError {
        AppError::Conflict("error-signup-gone".into())
    }

    pub fn reset_gone() -> AppError {
        AppError::Conflict("error-reset-gone".into())
    }

    /// The field error of a code that was not right.
    pub fn judge(verdict: &Verdict) -> Result<(), AppError> {
        match verdict {
            Verdict::Right => Ok(()),
            Verdict::Wrong { tries_left } if *tries_left > 0 => Err(AppError::field("code", "error-otp-wrong")),
            _ => Err(AppError::field("code", "error-otp-dead")),
        }
    }

    pub fn encoded_next(next: Option<&str>) -> String {
        crate::components::layout::url_encode(&crate::api::account::next_after_sign_in(next))
    }

    /// A fresh code for `subject` and what is stored of it.
    pub fn new_code(subject: String, now_ms: i64) -> (String, NewCode) {
        use rand::{rngs::OsRng, RngCore};
        let mut random = [0u8; 8];
        OsRng.fill_bytes(&mut random);
        let code = otp::code_from(random);
        let new = NewCode {
            code_hash: otp::hash(&subject, &code),
            subject,
            expires_at_ms: now_ms + otp::CODE_TTL_MS,
            now_ms,
        };
        (code, new)
    }

    /// The SMS carrying `code`; its id names the subject's hash and the send, never the phone.
    pub fn code_sms(
        phone: &str,
        new: &NewCode,
        lang: Lang,
        what: AccountMessage,
        code: &str,
        send: i64,
    ) -> OutgoingMessage {
        let id = &crate::api::account::ssr::token_hash(&new.subject)[..20];
        OutgoingMessage {
            message_id: format!("code/{id}/{send}/sms"),
            channel: "sms",
            recipient: phone.to_string(),
            subject: String::new(),
            body: crate::notice::code_sms(lang, what, code),
            secret_until_ms: Some(new.expires_at_ms),
        }
    }

    /// Sends another code when the limits allow; `what` is `None` for a reset of no account
    /// (the code is replaced all the same and never sent).
    pub async fn resend(
        services: &Services,
        pending: &PendingCode,
        subject: String,
        what: Option<AccountMessage>,
        now: i64,
    ) -> Result<(), AppError> {
        if !otp::may_resend(pending.sends, pending.last_sent_at_ms, now) {
            return Err(AppError::Conflict("error-otp-wait".into()));
        }
        let (code, new) = new_code(subject, now);
        let lang = Lang::parse(&pending.lang).unwrap_or_default();
        let sms = what.map(|w| code_sms(&pending.phone, &new, lang, w, &code, pending.sends + 1));
        services.store.resend_code(new, sms).await?;
        Ok(())
    }

    fn link(services: &Services, path: &str, purpose: LinkPurpose, user: Option<i64>, now: i64) -> (String, NewLink) {
        let (token, url) = crate::api::setup::ssr::new_link(&services.config.public_url, path);
        let new = NewLink {
            token_hash: crate::api::setup::ssr::link_hash(&token),
            purpose,
            user_id: user,
            created_at_ms: now,
            expires_at_ms: now + crate::api::setup::ssr::LINK_HOURS * 3_600_000,
        };
        (url, new)
    }

    fn mail(id: String, to: String, m: crate::notice::Email, until: i64) -> OutgoingMessage {
        OutgoingMessage {
            message_id: id,
            channel: "email",
            recipient: to,
            subject: m.subject,
            body: m.body,
            secret_until_ms: Some(until),
        }
    }

    /// The link that proves the address given at sign-up, and the e-mail carrying it.
    pub fn email_proof(services: &Services, lang: Lang, to: String, now: i64) -> (NewLink, OutgoingMessage) {
        let (url, new) = link(services, "/xac-minh-email", LinkPurpose::Email, None, now);
        let id = format!("email-proof/{}/email", &new.token_hash[..20]);
        let m = mail(id, to, crate::notice::email_proof(lang, &url), new.expires_at_ms);
        (new, m)
    }

    /// The link that sets a new password, and the e-mail carrying it.
    pub fn reset_link(services: &Services, lang: Lang, to: String, user: i64, now: i64) -> (NewLink, OutgoingMessage) {
        let (url, new) = link(services, "/dat-mat-khau", LinkPurpose::Password, Some(user), now);
        let id = format!("reset/{}/email", &new.token_hash[..20]);
        let m = mail(id, to, crate::notice::reset_email(lang, &url), new.expires_at_ms);
        (new, m)
    }
}
