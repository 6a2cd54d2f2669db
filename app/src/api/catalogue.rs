//! The procedure catalogue: sectors, agencies, search and procedure detail.

use crate::error::AppError;
pub use crate::read::catalogue::{
    AgencyView, Allowance, ComponentView, FeeView, ProcedureDetail, ProcedurePage, ProcedureQuery, ProcedureSummary,
    SectorView, PAGE_SIZE,
};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "catalogue/sectors", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "catalogue/sectors", skip_all))]
pub async fn list_sectors() -> Result<Vec<SectorView>, AppError> {
    use crate::api::ctx;
    Ok(ctx::services()?.store.sectors().await?)
}

#[server(prefix = "/api", endpoint = "catalogue/agencies", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "catalogue/agencies", skip_all))]
pub async fn list_agencies() -> Result<Vec<AgencyView>, AppError> {
    use crate::api::ctx;
    Ok(ctx::services()?.store.agencies().await?)
}

#[server(prefix = "/api", endpoint = "catalogue/search", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "catalogue/search", skip_all))]
pub async fn search_procedures(query: ProcedureQuery) -> Result<ProcedurePage, AppError> {
    use crate::api::ctx;
    let mut query = query;
    if query.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(AppError::field("q", "error-too-long"));
    }
    query.page = Some(query.page.unwrap_or(1).clamp(1, 10_000));
    Ok(ctx::services()?.store.search_procedures(&query).await?)
}

#[server(prefix = "/api", endpoint = "catalogue/procedure", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "catalogue/procedure", skip_all))]
pub async fn get_procedure(code: String) -> Result<ProcedureDetail, AppError> {
    use crate::api::ctx;
    if code.len() > 32 {
        return Err(AppError::NotFound);
    }
    ctx::services()?.store.procedure(&code).await?.ok_or(AppError::NotFound)
}
