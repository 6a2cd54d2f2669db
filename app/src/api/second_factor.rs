//! The officers' second factor: after the right password, an officer or administrator gives the
//! six-digit code of their authenticator app (or a recovery code); at the first sign-in they enrol
//! one — scan the QR code, give a code, and receive ten recovery codes, shown once.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The cookie of a challenge between the password and the second factor.
pub const CHALLENGE_COOKIE: &str = "mfa";
/// How long a challenge waits.
pub const CHALLENGE_MINUTES: i64 = 10;
#[cfg(feature = "ssr")]
const RECOVERY_COOKIE: &str = "recovery";
#[cfg(feature = "ssr")]
const RECOVERY_PATH: &str = "/dang-nhap/ma-du-phong";

/// What the second-factor page shows: for an enrolment, the secret to scan or type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecondFactorView {
    pub enrolling: bool,
    /// The secret in groups of four (enrolment only).
    pub secret: String,
    /// The `otpauth://` QR code as SVG (enrolment only).
    pub qr_svg: String,
}

#[server(prefix = "/api", endpoint = "account/second-factor-state", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/second-factor-state", skip_all))]
pub async fn second_factor_state() -> Result<Option<SecondFactorView>, AppError> {
    use crate::api::{account::ssr::ticket, ctx};
    use crate::domain::totp;
    let Some(ticket) = ticket(CHALLENGE_COOKIE) else { return Ok(None) };
    let services = ctx::services()?;
    let Some(c) = services.store.challenge(&ticket, ctx::now_ms()).await? else { return Ok(None) };
    if !c.enrolling {
        return Ok(Some(SecondFactorView { enrolling: false, secret: String::new(), qr_svg: String::new() }));
    }
    // The app lists the account under the province's portal.
    let province = services.identity.read().ok().and_then(|i| i.province.as_ref().map(|p| p.vi.clone()));
    let issuer = match province {
        Some(p) if !p.is_empty() => format!("DVC {p}"),
        _ => "DVC".to_string(),
    };
    let uri = totp::otpauth_uri(&issuer, &c.cccd, &c.secret);
    Ok(Some(SecondFactorView {
        enrolling: true,
        secret: totp::grouped(&c.secret),
        qr_svg: crate::api::dossiers::ssr::qr_svg(&uri)?,
    }))
}

/// The code of the authenticator app, or a recovery code: right, and the session starts (after an
/// enrolment, on the page that shows the recovery codes once); wrong, and the field says so (five
/// tries, then the password again).
#[server(prefix = "/api", endpoint = "account/second-factor")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/second-factor", skip_all))]
pub async fn pass_second_factor(code: String) -> Result<(), AppError> {
    use crate::api::{account, ctx};
    use crate::domain::totp;

    let gone = || AppError::Conflict("error-challenge-gone".into());
    let services = ctx::services()?;
    let now = ctx::now_ms();
    let ticket = account::ssr::ticket(CHALLENGE_COOKIE).ok_or_else(gone)?;
    let c = services.store.challenge(&ticket, now).await?.ok_or_else(gone)?;
    let secret = totp::from_base32(&c.secret).ok_or_else(|| ctx::internal("a stored second factor is not base32"))?;
    let mut recovery = Vec::new();
    let passed = if let Ok(typed) = totp::parse_code("code", &code) {
        match totp::accept(&secret, &typed, now, if c.enrolling { None } else { c.last_step }) {
            Some(step) => {
                let enrol = if c.enrolling {
                    recovery = ssr::recovery_codes();
                    Some((c.secret.as_str(), recovery.iter().map(|r| ssr::recovery_hash(c.user_id, r)).collect()))
                } else {
                    None
                };
                services.store.pass_challenge(&ticket, c.user_id, Some(step), None, enrol, now).await?
            }
            None => false,
        }
    } else if let Some(typed) = totp::parse_recovery_code(&code).filter(|_| !c.enrolling) {
        let hash = totp::recovery_hash(c.user_id, &typed);
        services.store.pass_challenge(&ticket, c.user_id, None, Some(&hash), None, now).await?
    } else {
        false
    };
    if !passed {
        services.store.spend_challenge_try(&ticket).await?;
        let key = if c.tries_left <= 1 { "error-challenge-gone" } else { "error-totp-wrong" };
        return Err(AppError::field("code", key));
    }
    account::ssr::set_cookie(CHALLENGE_COOKIE, "", "/", 0, "Lax");
    account::ssr::start_session(&services, c.user_id).await?;
    if c.enrolling {
        tracing::info!(user = c.user_id, "a second factor was enrolled");
        account::ssr::set_cookie(RECOVERY_COOKIE, &recovery.join("."), RECOVERY_PATH, 600, "Strict");
        leptos_axum::redirect(&format!("{RECOVERY_PATH}?next={}", crate::components::layout::url_encode(&c.next_path)));
    } else {
        leptos_axum::redirect(&c.next_path);
    }
    Ok(())
}

/// The recovery codes just given at enrolment, once (then forgotten).
#[server(prefix = "/api", endpoint = "account/recovery-codes", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/recovery-codes", skip_all))]
pub async fn recovery_codes() -> Result<Vec<String>, AppError> {
    use crate::api::{account, ctx};
    ctx::current_user().ok_or(AppError::Unauthenticated)?;
    let Some(value) = account::ssr::read_cookie(RECOVERY_COOKIE) else { return Ok(Vec::new()) };
    account::ssr::set_cookie(RECOVERY_COOKIE, "", RECOVERY_PATH, 0, "Strict");
    Ok(value
        .split('.')
        .filter_map(crate::domain::totp::parse_recovery_code)
        .map(|c| crate::domain::secret::format_claim_code(&c))
        .collect())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{CHALLENGE_COOKIE, CHALLENGE_MINUTES};
    use crate::api::{account, ctx};
    use crate::domain::totp;
    use crate::error::AppError;
    use crate::ports::Services;
    use rand::{rngs::OsRng, RngCore};

    /// Starts the second factor of an officer whose password was right: enrolment when they have
    /// none yet. The session starts only after it.
    pub async fn challenge(services: &Services, user_id: i64, next: &str) -> Result<(), AppError> {
        let (_, secret, _) = services.store.second_factor(user_id).await?;
        let pending = secret.is_none().then(|| {
            let mut random = [0u8; totp::SECRET_LEN];
            OsRng.fill_bytes(&mut random);
            totp::base32(&random)
        });
        let ticket = account::ssr::random_token();
        let expires = ctx::now_ms() + CHALLENGE_MINUTES * 60_000;
        services
            .store
            .start_challenge(&account::ssr::token_hash(&ticket), user_id, pending.as_deref(), next, expires)
            .await?;
        account::ssr::set_cookie(CHALLENGE_COOKIE, &ticket, "/", CHALLENGE_MINUTES * 60, "Lax");
        leptos_axum::redirect("/dang-nhap/xac-thuc");
        Ok(())
    }

    /// Ten fresh recovery codes, unformatted.
    pub fn recovery_codes() -> Vec<String> {
        (0..totp::RECOVERY_CODES)
            .map(|_| {
                let mut random = [0u8; 10];
                OsRng.fill_bytes(&mut random);
                crate::domain::secret::symbols(&random)
            })
            .collect()
    }

    pub fn recovery_hash(user_id: i64, code: &str) -> String {
        totp::recovery_hash(user_id, code)
    }
}
