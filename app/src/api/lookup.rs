//! Public lookup of a dossier by its code, without signing in: status, stage, agency and due
//! date for anyone with the code; the masked name only with the dossier's lookup token, which
//! the QR code and the printed link carry (codes are sequential, tokens are not).

use crate::error::AppError;
pub use crate::read::lookup::PublicDossier;
use leptos::prelude::*;

/// The lookup URL printed on slips and put in QR codes: the code and its token.
pub fn lookup_url(base: &str, code: &str, token: &str) -> String {
    format!("{}/tra-cuu?ma={code}&t={token}", base.trim_end_matches('/'))
}

#[server(prefix = "/api", endpoint = "lookup", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "lookup", skip_all))]
pub async fn lookup_dossier(ma: String, t: Option<String>) -> Result<PublicDossier, AppError> {
    use crate::api::ctx;
    use crate::domain::dossier_code::DossierCode;
    let services = ctx::services()?;
    ssr::count_a_try(&services)?;
    let code = DossierCode::parse("ma", &ma)
        .map_err(|e| AppError::fields(vec![e]).with_values(vec![("ma".into(), ma.chars().take(64).collect())]))?;
    let code = code.to_string();
    let mut dossier = services.store.public_dossier(&code).await?.ok_or(AppError::NotFound)?;
    if ssr::token_matches(&services, &code, t.as_deref().unwrap_or_default()).await? {
        dossier.rateable = crate::domain::rating::may_be_rated(dossier.status) && !dossier.rated;
    } else {
        dossier.applicant_masked = None;
        dossier.applied_for_masked = None;
        dossier.rated = false;
    }
    Ok(dossier)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::api::ctx;
    use crate::error::AppError;
    use crate::ports::Services;

    /// Counts a try at a dossier's code and token against the lookup's limit per address (the
    /// lookup, and a rating by token): tokens cannot be guessed one request after another.
    pub fn count_a_try(services: &Services) -> Result<(), AppError> {
        let per_address =
            crate::domain::rate_limit::Limit { max: services.config.lookup_per_minute, window_ms: 60_000 };
        let mut limiter = services.limiter.lock().map_err(|_| ctx::internal("rate limiter poisoned"))?;
        if limiter.hit(&format!("lookup:{}", ctx::client_addr()), per_address, ctx::now_ms()) {
            Ok(())
        } else {
            Err(AppError::RateLimited)
        }
    }

    /// Whether `given` is the lookup token of dossier `code` (compared in constant time).
    pub async fn token_matches(services: &Services, code: &str, given: &str) -> Result<bool, AppError> {
        let token = services.store.lookup_token(code).await?.unwrap_or_default();
        Ok(!token.is_empty() && crate::domain::secret::constant_time_eq(given.trim().as_bytes(), token.as_bytes()))
    }
}
