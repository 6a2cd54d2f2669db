//! Citizen accounts: registration, sign-in, sign-out.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserView {
    pub full_name: String,
    pub role: crate::domain::role::Role,
    /// Dossiers waiting for this citizen to act (shown in the header).
    #[serde(default)]
    pub waiting: i64,
}

pub const SESSION_COOKIE: &str = "sid";
pub const SESSION_HOURS: i64 = 12;

/// Where to go after signing in or registering: a same-site path, else the citizen's dossiers.
pub fn next_after_sign_in(next: Option<&str>) -> String {
    crate::domain::redirect::redirect_target(next, "/ho-so")
}

#[server(prefix = "/api", endpoint = "account/me", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/me", skip_all))]
pub async fn me() -> Result<Option<UserView>, AppError> {
    Ok(crate::api::ctx::current_user().map(|u| UserView { full_name: u.full_name, role: u.role, waiting: 0 }))
}

/// Starts a sign-up: checks the form, then sends a six-digit code to the phone given and goes on
/// to the page that asks for it (`/dang-ky/xac-minh`). No account exists until the code is given,
/// and the answer is the same whether the CCCD has an account or not (`confirm_signup` decides).
#[server(prefix = "/api", endpoint = "account/register")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/register", skip_all))]
pub async fn register(
    full_name: String,
    cccd: String,
    phone: String,
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::api::credentials::{self, PENDING_MINUTES, SIGNUP_COOKIE};
    use crate::api::ctx;
    use crate::domain::password;
    use crate::ports::{NewSignup, NewUser};

    crate::api::claim::ssr::limit_account_creation(&cccd)?;
    let echo = vec![
        ("full_name".to_string(), full_name.clone()),
        ("cccd".to_string(), cccd.clone()),
        ("phone".to_string(), phone.clone()),
        ("email".to_string(), email.clone()),
    ];
    let mut errors = Vec::new();
    let person = crate::domain::person::Person::parse(&full_name, &cccd, &phone, &email, &mut errors);
    if let Err(e) = password::check("password", &password, &person.personal()) {
        errors.push(e);
    }
    let (Some(person), true) = (person.valid(), errors.is_empty()) else {
        return Err(AppError::fields(errors).with_values(echo));
    };
    // Each sign-up sends an SMS: a phone gets a few, whoever asks.
    crate::api::claim::ssr::limit_phone(&person.phone)?;

    let services = ctx::services()?;
    let hash = ssr::hash_password_in_pool(password).await?;
    let now = ctx::now_ms();
    let ticket = ssr::random_token();
    let ticket_hash = ssr::token_hash(&ticket);
    let lang = ctx::lang();
    let (code, new_code) = credentials::ssr::new_code(crate::domain::otp::signup_subject(&ticket_hash), now);
    let phone = person.phone.clone();
    let sms = credentials::ssr::code_sms(&phone, &new_code, lang, crate::notice::AccountMessage::SignupCode, &code, 1);
    let signup = NewSignup {
        ticket_hash,
        user: NewUser::of(person, hash, now),
        lang: lang.code().to_string(),
        expires_at_ms: now + PENDING_MINUTES * 60_000,
    };
    services.store.start_signup(signup, new_code, sms).await?;
    ssr::set_cookie(SIGNUP_COOKIE, &ticket, "/", PENDING_MINUTES * 60, "Lax");
    leptos_axum::redirect(&format!("/dang-ky/xac-minh?next={}", credentials::ssr::encoded_next(next.as_deref())));
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/login")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/login", skip_all))]
pub async fn login(cccd: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::rate_limit::Limit;

    // A one-stop office signs in from one address behind its router: sixty officers in the
    // morning and again after their idle timeouts. Guessing is slowed per account and address.
    const PER_ADDRESS: Limit = Limit { max: 120, window_ms: 15 * 60_000 };
    let echo = vec![("cccd".to_string(), cccd.clone())];
    let services = ctx::services()?;
    // Failed sign-ins are counted per account and address, and slow down the addresses that
    // failed on an account under attack (`domain::rate_limit::SignInGuard`).
    let account: String = cccd.chars().filter(char::is_ascii_digit).take(32).collect();
    let address = ctx::client_addr();
    let address_key = format!("login-address:{address}");
    let now = ctx::now_ms();
    {
        let mut limiter = services.limiter.lock().map_err(|_| ctx::internal("rate limiter poisoned"))?;
        let address_ok = limiter.hit(&address_key, PER_ADDRESS, now);
        if !address_ok || limiter.sign_in.check(&account, &address, now).is_err() {
            return Err(AppError::RateLimited);
        }
    }
    let credentials = services.store.credentials(cccd.trim()).await?;
    let verified =
        ssr::verify_password_in_pool(password, credentials.as_ref().map(|c| c.password_hash.clone())).await?;
    match (credentials, verified) {
        (Some(c), true) => {
            if let Ok(mut limiter) = services.limiter.lock() {
                limiter.sign_in.succeeded(&account, &address);
            }
            let next = next_after_sign_in(next.as_deref());
            if c.needs_second_factor {
                // The password was right; the session starts after the second factor.
                return crate::api::second_factor::ssr::challenge(&services, c.id, &next).await;
            }
            ssr::start_session(&services, c.id).await?;
            leptos_axum::redirect(&next);
            Ok(())
        }
        _ => {
            if let Ok(mut limiter) = services.limiter.lock() {
                limiter.sign_in.failed(&account, &address, now);
            }
            // One message whether the account exists or not.
            Err(AppError::field("password", "error-login-failed").with_values(echo))
        }
    }
}

#[server(prefix = "/api", endpoint = "account/logout")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/logout", skip_all))]
pub async fn logout() -> Result<(), AppError> {
    use crate::api::ctx;
    let services = ctx::services()?;
    if let Some(token) = ssr::session_token() {
        services.store.delete_session(&ssr::token_hash(&token)).await?;
    }
    ssr::set_session_cookie(&services, "", 0);
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{SESSION_COOKIE, SESSION_HOURS};
    use crate::api::ctx;
    use crate::error::AppError;
    use crate::ports::Services;
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
    use argon2::Argon2;
    use leptos::prelude::use_context;
    use rand::rngs::OsRng;
    use sha2::{Digest, Sha256};

    pub fn hash_password(password: &str) -> Result<String, AppError> {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(ctx::internal)
    }

    /// Verifies against `hash`, or against a dummy hash when the account does not exist so
    /// that timing does not tell whether an account exists.
    pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let dummy = DUMMY.get_or_init(|| hash_password("khong-co-tai-khoan-1").unwrap_or_default());
        // An account recorded at a desk has no password yet: it never signs in, in the same time.
        let hash = hash.filter(|h| !h.is_empty());
        let target = hash.unwrap_or(dummy);
        let ok =
            PasswordHash::new(target).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok());
        ok && hash.is_some()
    }

    /// Password hashes computed at once: one per core. Each argon2 hash takes tens of
    /// milliseconds of CPU and 19 MiB; they run on the blocking pool, never on the threads that
    /// serve requests, and a burst of sign-ups queues here instead of starving every other page.
    pub fn hashing_slots() -> usize {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    }

    async fn in_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
        let slots = SLOTS.get_or_init(|| tokio::sync::Semaphore::new(hashing_slots()));
        let _slot = slots.acquire().await.map_err(ctx::internal)?;
        tokio::task::spawn_blocking(work).await.map_err(ctx::internal)
    }

    /// `hash_password` off the request threads, at most `hashing_slots()` at a time.
    pub async fn hash_password_in_pool(password: String) -> Result<String, AppError> {
        in_pool(move || hash_password(&password)).await?
    }

    /// `verify_password` off the request threads, at most `hashing_slots()` at a time.
    pub async fn verify_password_in_pool(password: String, hash: Option<String>) -> Result<bool, AppError> {
        in_pool(move || verify_password(&password, hash.as_deref())).await
    }

    pub fn token_hash(token: &str) -> String {
        hex::encode(Sha256::digest(token.as_bytes()))
    }

    pub fn session_token() -> Option<String> {
        read_cookie(SESSION_COOKIE)
    }

    /// The value of the request's cookie `name`.
    pub fn read_cookie(name: &str) -> Option<String> {
        let parts = use_context::<http::request::Parts>()?;
        let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }

    /// Sets (or, with `max_age_s` 0, clears) an `HttpOnly` cookie limited to `path`.
    pub fn set_cookie(name: &str, value: &str, path: &str, max_age_s: i64, same_site: &str) {
        let secure = ctx::services().map(|s| s.config.secure_cookies).unwrap_or(false);
        let cookie = format!(
            "{name}={value}; Path={path}; HttpOnly; SameSite={same_site}; Max-Age={max_age_s}{}",
            if secure { "; Secure" } else { "" }
        );
        if let (Some(res), Ok(v)) =
            (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&cookie))
        {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }

    /// 32 random bytes as hex: session tokens and the tickets of sign-ups, resets and
    /// challenges (only their SHA-256 is stored).
    pub fn random_token() -> String {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    /// The ticket in cookie `name` when it has the shape of one, and its hash.
    pub fn ticket(name: &str) -> Option<String> {
        read_cookie(name).filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())).map(|t| token_hash(&t))
    }

    /// The request's browser, as the list of sessions names it.
    pub fn device() -> String {
        use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(crate::domain::device::label)
            })
            .unwrap_or_default()
    }

    pub fn set_session_cookie(services: &Services, value: &str, max_age_s: i64) {
        let secure = if services.config.secure_cookies { "; Secure" } else { "" };
        let cookie = format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}");
        if let (Some(res), Ok(v)) =
            (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&cookie))
        {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }

    pub async fn start_session(services: &Services, user_id: i64) -> Result<(), AppError> {
        let token = random_token();
        let now = ctx::now_ms();
        let expires = now + SESSION_HOURS * 3_600_000;
        // The handle names the session in its owner's list without being its token.
        let handle = token_hash(&format!("handle:{token}"))[..24].to_string();
        services.store.create_session(&token_hash(&token), user_id, now, expires, &handle, &device()).await?;
        set_session_cookie(services, &token, SESSION_HOURS * 3600);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::next_after_sign_in;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(next_after_sign_in(Some("/thu-tuc/1.001193/nop")), "/thu-tuc/1.001193/nop");
        assert_eq!(next_after_sign_in(Some("//evil.example")), "/ho-so");
        assert_eq!(next_after_sign_in(Some("https://evil.example")), "/ho-so");
        assert_eq!(next_after_sign_in(Some("/\\evil.example")), "/ho-so");
        assert_eq!(next_after_sign_in(Some("/%2F%2Fevil.example")), "/ho-so");
        assert_eq!(next_after_sign_in(None), "/ho-so");
    }
}
