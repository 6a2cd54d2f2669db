//! Claiming an account recorded at a desk with the one-time code printed on the receipt
//! (Mẫu 01), the desk issuing a new code, and the limits shared by registration and claiming.

use crate::error::AppError;
use leptos::prelude::*;

/// Claims an account recorded at a desk: the CCCD, the code printed on the receipt and a new
/// password. Every failure (no such account, already claimed, wrong, used or expired code) gets
/// the same message at the code.
#[server(prefix = "/api", endpoint = "account/claim")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "account/claim", skip_all))]
pub async fn claim_account(cccd: String, code: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::api::{account, ctx};
    use crate::domain::{cccd::Cccd, password, secret};

    ssr::limit_account_creation(&cccd)?;
    let echo = vec![("cccd".to_string(), cccd.clone()), ("code".to_string(), code.chars().take(20).collect())];
    let mut errors = Vec::new();
    let cccd = Cccd::parse("cccd", &cccd).map_err(|e| errors.push(e)).ok();
    let code = secret::parse_claim_code("code", &code).map_err(|e| errors.push(e)).ok();
    let personal: Vec<&str> = cccd.iter().map(|c| c.as_str()).collect();
    if let Err(e) = password::check("password", &password, &personal) {
        errors.push(e);
    }
    let (Some(cccd), Some(code), true) = (cccd, code, errors.is_empty()) else {
        return Err(AppError::fields(errors).with_values(echo));
    };
    let failed = || AppError::field("code", "error-claim-failed").with_values(echo.clone());
    let services = ctx::services()?;
    let stored = services.store.claim_code(cccd.as_str()).await?;
    let given = secret::claim_code_hash(cccd.as_str(), &code);
    // Compared with a stand-in when there is nothing to claim, so both take the same path.
    let expected = stored.as_ref().map(|c| c.code_hash.clone()).unwrap_or_else(|| "0".repeat(64));
    let matches = secret::constant_time_eq(given.as_bytes(), expected.as_bytes());
    let Some(claim) = stored.filter(|c| matches && c.expires_at_ms > ctx::now_ms()) else {
        return Err(failed());
    };
    let hash = account::ssr::hash_password_in_pool(password).await?;
    if !services.store.claim_account(claim.user_id, &claim.code_hash, &hash).await? {
        return Err(failed());
    }
    account::ssr::start_session(&services, claim.user_id).await?;
    leptos_axum::redirect(&account::next_after_sign_in(next.as_deref()));
    Ok(())
}

/// Issues a new claim code to the applicant of a dossier this desk received, when they were
/// recorded at a desk and have not claimed their account: the old code stops working, and the
/// receipt (Mẫu 01) shows the new one, once.
#[server(prefix = "/api", endpoint = "desk/claim-code")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/claim-code", skip_all))]
pub async fn desk_claim_code(code: String) -> Result<(), AppError> {
    use crate::api::ctx;
    let (officer, agency) = crate::api::desk::ssr::officer(&[crate::domain::role::Role::Reception])?;
    let desk = crate::api::desk::ssr::agency_dossier(&agency, &code).await?;
    if !desk.dossier.events.iter().any(|e| e.action == "accept") {
        // No receipt to print it on yet: the code comes with acceptance.
        return Err(AppError::Conflict("error-claim-not-recorded".into()));
    }
    let now = ctx::now_ms();
    let (claim_code, claim) = ssr::new_claim(&desk.applicant_cccd, officer.id, now);
    let expires = claim.expires_at_ms;
    if !ctx::services()?.store.issue_claim_code(&desk.applicant_cccd, claim).await? {
        return Err(AppError::Conflict("error-claim-not-recorded".into()));
    }
    tracing::info!(dossier = %desk.dossier.code, officer = officer.id, "new claim code issued");
    ssr::flash_claim_code(&desk.dossier.code, &claim_code, expires);
    leptos_axum::redirect(&format!("/mot-cua/ho-so/{}/phieu/01", desk.dossier.code));
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::api::ctx;
    use crate::domain::rate_limit::Limit;
    use crate::domain::secret::{self, CLAIM_CODE_DAYS, CLAIM_CODE_LEN};
    use crate::error::AppError;
    use crate::ports::NewClaimCode;
    use leptos::prelude::use_context;

    /// Registrations and claims from one address.
    pub const PER_ADDRESS: Limit = Limit { max: 20, window_ms: 15 * 60_000 };
    /// Registrations and claims for one CCCD, whoever sends them.
    pub const PER_CCCD: Limit = Limit { max: 5, window_ms: 15 * 60_000 };
    const FLASH_COOKIE: &str = "claim";

    /// Counts one registration or claim attempt, before anything is looked up, so that the limit
    /// says nothing about whether the CCCD has an account.
    pub fn limit_account_creation(cccd_input: &str) -> Result<(), AppError> {
        let services = ctx::services()?;
        let digits: String = cccd_input.chars().filter(char::is_ascii_digit).take(20).collect();
        let now = ctx::now_ms();
        let mut limiter = services.limiter.lock().map_err(|_| ctx::internal("rate limiter poisoned"))?;
        let address_ok = limiter.hit(&format!("account-address:{}", ctx::client_addr()), PER_ADDRESS, now);
        let cccd_ok = digits.is_empty() || limiter.hit(&format!("account-cccd:{digits}"), PER_CCCD, now);
        if address_ok && cccd_ok {
            Ok(())
        } else {
            Err(AppError::RateLimited)
        }
    }

    /// Sign-ups sending a code to one phone.
    pub const PER_PHONE: Limit = Limit { max: 3, window_ms: 15 * 60_000 };

    /// Counts one sign-up sending a code to `phone` (normalised).
    pub fn limit_phone(phone: &str) -> Result<(), AppError> {
        let services = ctx::services()?;
        let mut limiter = services.limiter.lock().map_err(|_| ctx::internal("rate limiter poisoned"))?;
        if limiter.hit(&format!("account-phone:{phone}"), PER_PHONE, ctx::now_ms()) {
            Ok(())
        } else {
            Err(AppError::RateLimited)
        }
    }

    /// A fresh claim code for `cccd` and what is stored of it.
    pub fn new_claim(cccd: &str, issued_by: i64, now_ms: i64) -> (String, NewClaimCode) {
        use rand::{rngs::OsRng, RngCore};
        let mut random = [0u8; CLAIM_CODE_LEN];
        OsRng.fill_bytes(&mut random);
        let code = secret::symbols(&random);
        let claim = NewClaimCode {
            code_hash: secret::claim_code_hash(cccd, &code),
            expires_at_ms: now_ms + CLAIM_CODE_DAYS * 86_400_000,
            issued_by,
            issued_at_ms: now_ms,
        };
        (code, claim)
    }

    fn receipt_path(dossier_code: &str) -> String {
        format!("/mot-cua/ho-so/{dossier_code}/phieu/01")
    }

    /// Hands the code to the next rendering of the dossier's receipt, through a short-lived
    /// cookie limited to that page: the code is never stored in clear nor put in a URL.
    pub fn flash_claim_code(dossier_code: &str, code: &str, expires_at_ms: i64) {
        set_flash(dossier_code, &format!("{code}.{expires_at_ms}"), 600);
    }

    /// The code handed to this receipt, if any (then forgotten): the code and its expiry.
    pub fn take_claim_code(dossier_code: &str) -> Option<(String, i64)> {
        let parts = use_context::<http::request::Parts>()?;
        let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
        let value = header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == FLASH_COOKIE)
            .map(|(_, v)| v.to_string())?;
        set_flash(dossier_code, "", 0);
        let (code, expires) = value.split_once('.')?;
        let code = secret::parse_claim_code("code", code).ok()?;
        Some((code, expires.parse().ok()?))
    }

    fn set_flash(dossier_code: &str, value: &str, max_age_s: i64) {
        let secure = ctx::services().map(|s| s.config.secure_cookies).unwrap_or(false);
        let cookie = format!(
            "{FLASH_COOKIE}={value}; Path={}; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{}",
            receipt_path(dossier_code),
            if secure { "; Secure" } else { "" }
        );
        if let (Some(res), Ok(v)) =
            (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&cookie))
        {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }
}
