//! The dossier tracking register (Sổ theo dõi hồ sơ, Mẫu 06, A4): every dossier the desk
//! received in a period, with its appointment, hand-over to the handling agency, result and
//! delivery dates — searchable and printable, built from the dossiers and their history.

use crate::error::AppError;
pub use crate::read::register::RegisterRow;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// At most this many rows in one register view; a longer period is printed in parts.
pub const REGISTER_MAX_ROWS: usize = 3000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterView {
    pub agency: crate::read::Name,
    /// The period, `YYYY-MM-DD`, both inclusive.
    pub from: String,
    pub to: String,
    pub rows: Vec<RegisterRow>,
    /// More dossiers were received in the period than one view holds.
    pub truncated: bool,
}

/// The register of the officer's agency for dossiers received (accepted) from `from` to `to`
/// (`YYYY-MM-DD`, inclusive; by default the current month up to today).
#[server(prefix = "/api", endpoint = "desk/register", input = GetUrl, output = crate::api::JsonText)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/register", skip_all))]
pub async fn desk_register(from: Option<String>, to: Option<String>) -> Result<RegisterView, AppError> {
    use crate::api::ctx;
    use crate::domain::vn_time::{local, parse_local};
    use crate::domain::FieldError;
    let (_, agency) = crate::api::desk::ssr::officer(&crate::domain::role::Role::READERS)?;
    let now = local(ctx::now_ms());
    let clean = |v: Option<String>| v.map(|v| v.trim().chars().take(20).collect::<String>()).filter(|v| !v.is_empty());
    let from = clean(from).unwrap_or_else(|| format!("{:04}-{:02}-01", now.year, now.month));
    let to = clean(to).unwrap_or_else(|| format!("{:04}-{:02}-{:02}", now.year, now.month, now.day));
    let mut errors = Vec::new();
    let start = parse_local(&from).filter(|_| from.len() == 10);
    let end = parse_local(&to).filter(|_| to.len() == 10);
    if start.is_none() {
        errors.push(FieldError::new("from", "error-date"));
    }
    if end.is_none() {
        errors.push(FieldError::new("to", "error-date"));
    }
    let (Some(start), Some(end)) = (start, end) else {
        return Err(AppError::fields(errors).with_values(vec![("from".into(), from), ("to".into(), to)]));
    };
    if end < start {
        return Err(
            AppError::field("to", "error-date-order").with_values(vec![("from".into(), from), ("to".into(), to)])
        );
    }
    let services = ctx::services()?;
    let mut rows = services.store.register(&agency, start, end + 86_400_000, REGISTER_MAX_ROWS + 1).await?;
    let truncated = rows.len() > REGISTER_MAX_ROWS;
    rows.truncate(REGISTER_MAX_ROWS);
    let agency = services
        .store
        .agencies()
        .await?
        .into_iter()
        .find(|a| a.code == agency)
        .map(|a| a.name)
        .unwrap_or_else(|| crate::read::Name::new(agency, ""));
    Ok(RegisterView { agency, from, to, rows, truncated })
}
