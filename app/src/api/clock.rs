//! The deadline calculator: when will a dossier received now be due? The same clock code as the
//! desk uses, at a stable public endpoint: `GET /api/clock/due?agency=…&received_at=…&working_days=…`.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueAt {
    /// ISO 8601 in Vietnam's offset, e.g. `2026-11-24T09:00:00+07:00`.
    pub due_at: String,
}

/// `received_at` is ISO 8601 with an offset; `working_days` a positive decimal (0.5, 1, 3, 15…);
/// `channel` (optional) `counter` or `postal` applies the 15:00 paper cut-off.
#[server(prefix = "/api", endpoint = "clock/due", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "clock/due", skip_all))]
pub async fn clock_due(
    agency: String,
    received_at: String,
    working_days: String,
    channel: Option<String>,
) -> Result<DueAt, AppError> {
    use crate::api::ctx;
    use crate::domain::clock::{due, Allowance};
    use crate::domain::vn_time::{format_iso_vn, parse_iso8601};
    use crate::domain::FieldError;

    let mut errors = Vec::new();
    let received = parse_iso8601(&received_at);
    if received.is_none() {
        errors.push(FieldError::new(
            "received_at",
            if received_at.trim().is_empty() { "error-required" } else { "error-datetime" },
        ));
    }
    let allowance = Allowance::parse(&working_days.replace(',', "."), "working_days");
    if allowance.is_none() {
        errors.push(FieldError::new(
            "working_days",
            if working_days.trim().is_empty() { "error-required" } else { "error-working-days" },
        ));
    }
    let paper = match channel.as_deref().unwrap_or("online") {
        "online" | "" => false,
        "counter" | "postal" => true,
        _ => {
            errors.push(FieldError::new("channel", "error-select"));
            false
        }
    };
    let calendar = if agency.trim().is_empty() || agency.len() > 35 {
        errors.push(FieldError::new(
            "agency",
            if agency.trim().is_empty() { "error-required" } else { "error-agency-unknown" },
        ));
        None
    } else {
        let c = ctx::services()?.store.calendar(agency.trim()).await?;
        if c.is_none() {
            errors.push(FieldError::new("agency", "error-agency-unknown"));
        }
        c
    };
    let (Some(cal), Some(at), Some(allowance), true) = (calendar, received, allowance, errors.is_empty()) else {
        return Err(AppError::fields(errors));
    };
    Ok(DueAt { due_at: format_iso_vn(due(&cal, cal.counting_start(at, paper), allowance)) })
}
