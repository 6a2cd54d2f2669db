//! Organisations' accounts (issue 12): a citizen whose phone is proven creates the account of
//! the business, household business or association they legally represent, and says who else
//! may act for it; those people then submit dossiers for it.

use crate::error::AppError;
pub use crate::read::organisations::{MemberRole, MemberView, OrganisationEvent, OrganisationView};
use leptos::prelude::*;

/// The organisations the signed-in citizen acts for.
#[server(prefix = "/api", endpoint = "organisations/mine", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "organisations/mine", skip_all))]
pub async fn my_organisations() -> Result<Vec<OrganisationView>, AppError> {
    use crate::api::ctx;
    let user = ctx::require_user()?;
    let services = ctx::services()?;
    Ok(services.store.organisations_of(user.id).await?)
}

/// Creates an organisation's account with the signed-in citizen as its legal representative.
#[server(prefix = "/api", endpoint = "organisations/create")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "organisations/create", skip_all))]
pub async fn create_organisation(
    tax_code: String,
    name: String,
    kind: String,
    address: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::rate_limit::Limit;
    use crate::domain::role::Role;
    use crate::domain::tax_code::{OrganisationKind, TaxCode};
    use crate::domain::{text, FieldError};
    const PER_ACCOUNT: Limit = Limit { max: 10, window_ms: 60 * 60_000 };
    let user = ctx::require_user()?;
    let services = ctx::services()?;
    if user.role != Role::Citizen {
        return Err(AppError::Forbidden);
    }
    let echo = vec![
        ("tax_code".to_string(), tax_code.chars().take(20).collect()),
        ("name".to_string(), name.chars().take(200).collect()),
        ("kind".to_string(), kind.chars().take(20).collect()),
        ("address".to_string(), address.chars().take(300).collect()),
    ];
    let mut errors = Vec::new();
    let tax = TaxCode::parse("tax_code", &tax_code).map_err(|e| errors.push(e)).ok();
    let kind = OrganisationKind::parse("kind", &kind).map_err(|e| errors.push(e)).ok();
    let name = text::single_line("name", &name, true, 200).map_err(|e| errors.push(e)).unwrap_or_default();
    let address = text::single_line("address", &address, true, 300).map_err(|e| errors.push(e)).unwrap_or_default();
    if !crate::api::dossiers::ssr::may_submit(&services, &user).await? {
        errors.push(FieldError::new("tax_code", "error-org-unverified"));
    }
    let (Some(tax), Some(kind), true) = (tax, kind, errors.is_empty()) else {
        return Err(AppError::fields(errors).with_values(echo));
    };
    {
        let mut limiter = services.limiter.lock().map_err(|_| ctx::internal("rate limiter poisoned"))?;
        if !limiter.hit(&format!("organisation:{}", user.id), PER_ACCOUNT, ctx::now_ms()) {
            return Err(AppError::RateLimited);
        }
    }
    let new = crate::ports::NewOrganisation {
        tax_code: tax.as_str().to_string(),
        name,
        kind,
        address,
        representative_id: user.id,
        now_ms: ctx::now_ms(),
    };
    match services.store.create_organisation(new).await? {
        Some(id) => {
            tracing::info!(organisation = id, "an organisation's account was created");
            leptos_axum::redirect("/to-chuc?tao=1");
            Ok(())
        }
        None => Err(AppError::field("tax_code", "error-org-taken").with_values(echo)),
    }
}

/// The representative allows the holder of `cccd` to act for the organisation.
#[server(prefix = "/api", endpoint = "organisations/add-agent")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "organisations/add-agent", skip_all))]
pub async fn add_agent(organisation: i64, cccd: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::cccd::Cccd;
    use crate::domain::rate_limit::Limit;
    use crate::ports::AgentAdded;
    const PER_ACCOUNT: Limit = Limit { max: 30, window_ms: 60 * 60_000 };
    let user = ctx::require_user()?;
    let services = ctx::services()?;
    let echo = vec![("cccd".to_string(), cccd.chars().take(20).collect())];
    let cccd = Cccd::parse("cccd", &cccd).map_err(|e| AppError::fields(vec![e]).with_values(echo.clone()))?;
    match services.store.membership(organisation, user.id).await? {
        Some((MemberRole::Representative, ..)) => {}
        _ => return Err(AppError::NotFound),
    }
    {
        let mut limiter = services.limiter.lock().map_err(|_| ctx::internal("rate limiter poisoned"))?;
        if !limiter.hit(&format!("organisation-agent:{}", user.id), PER_ACCOUNT, ctx::now_ms()) {
            return Err(AppError::RateLimited);
        }
    }
    match services.store.add_agent(organisation, cccd.as_str(), user.id, ctx::now_ms()).await? {
        AgentAdded::Added => {
            leptos_axum::redirect("/to-chuc?them=1");
            Ok(())
        }
        AgentAdded::AlreadyMember => Err(AppError::field("cccd", "error-org-already-member").with_values(echo)),
        AgentAdded::NoAccount => Err(AppError::field("cccd", "error-org-no-account").with_values(echo)),
    }
}

/// The representative withdraws an agent's permission.
#[server(prefix = "/api", endpoint = "organisations/remove-agent")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "organisations/remove-agent", skip_all))]
pub async fn remove_agent(organisation: i64, member: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    let user = ctx::require_user()?;
    let services = ctx::services()?;
    match services.store.membership(organisation, user.id).await? {
        Some((MemberRole::Representative, ..)) => {}
        _ => return Err(AppError::NotFound),
    }
    if !services.store.remove_agent(organisation, member, user.id, ctx::now_ms()).await? {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect("/to-chuc?bo=1");
    Ok(())
}
