//! Consultations (xin ý kiến, legal-notes §3.6): while appraising, the specialist asks other
//! units or agencies for their opinion in parallel, each with a deadline in working days on the
//! consulted agency's calendar; each consulted unit answers once. Both are events in the history
//! and the answers print on the control sheet (Mẫu 05) [NĐ 61 Điều 19.5.b].

use crate::error::AppError;
pub use crate::read::consultations::{ConsultationView, OpenConsultation, UnitChoice};
use leptos::prelude::*;

pub use crate::handling::CONSULT_DAYS;

/// Asks for opinions (multipart: `code`, `question`, `days`, and a `unit:<agency>|<unit>` field
/// for each unit consulted).
#[server(prefix = "/api", endpoint = "desk/consult", input = leptos::server_fn::codec::MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/consult", skip_all))]
pub async fn desk_consult(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    ssr::consult(data).await
}

/// A consulted unit gives its opinion on consultation `consultation`.
#[server(prefix = "/api", endpoint = "desk/answer-consultation")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/answer-consultation", skip_all))]
pub async fn desk_answer_consultation(code: String, consultation: String, answer: String) -> Result<(), AppError> {
    use crate::api::handling::{ssr, Backfill};
    let id = consultation.trim().parse::<i64>().map_err(|_| AppError::NotFound)?;
    ssr::act(&code, crate::handling::Command::AnswerConsultation { id, answer }, Backfill::default()).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::api::ctx;
    use crate::api::handling::{ssr, Backfill};
    use crate::error::AppError;

    pub async fn consult(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
        use crate::api::dossiers::ssr::{discard, read_multipart};
        let services = ctx::services()?;
        ctx::require_user()?;
        let up = read_multipart(&services, data).await?;
        discard(&services, &up.files).await; // a question carries no files
        let text = |k: &str| up.text.get(k).cloned().unwrap_or_default();
        let targets = up
            .text
            .keys()
            .filter_map(|k| k.strip_prefix("unit:"))
            .filter_map(|v| v.split_once('|'))
            .map(|(a, u)| (a.to_string(), u.to_string()))
            .collect();
        let cmd = crate::handling::Command::Consult { targets, days: text("days"), question: text("question") };
        ssr::act(&text("code"), cmd, Backfill::default()).await
    }
}
