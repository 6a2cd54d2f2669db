//! Public lookup of a dossier by its code, without signing in; personal data masked.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicDossier {
    pub code: String,
    pub procedure_code: String,
    pub procedure: String,
    pub receiving_agency: String,
    pub status: i64,
    pub submitted_at_ms: i64,
    pub applicant_masked: String,
}

#[server(prefix = "/api", endpoint = "lookup", input = leptos::server_fn::codec::GetUrl)]
pub async fn lookup_dossier(ma: String) -> Result<PublicDossier, AppError> {
    use crate::api::ctx;
    use crate::domain::{dossier_code::DossierCode, rate_limit::Limit};
    const PER_ADDRESS: Limit = Limit { max: 60, window_ms: 60_000 };

    let services = ctx::services()?;
    {
        let mut limiter = services.limiter.lock().map_err(|_| ctx::internal("rate limiter poisoned"))?;
        if !limiter.hit(&format!("lookup:{}", ctx::client_addr()), PER_ADDRESS, ctx::now_ms()) {
            return Err(AppError::RateLimited);
        }
    }
    let code = DossierCode::parse("ma", &ma)
        .map_err(|e| AppError::fields(vec![e]).with_values(vec![("ma".into(), ma.chars().take(64).collect())]))?;
    services.store.public_dossier(&code.to_string(), ctx::lang()).await?.ok_or(AppError::NotFound)
}
