//! Read models of register: what storage returns and the pages show.

use crate::domain::status::DossierStatus;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRow {
    pub code: String,
    pub procedure: crate::read::Name,
    pub applicant: String,
    pub phone: String,
    /// The agency that decides (chủ trì giải quyết).
    pub handling_agency: crate::read::Name,
    pub channel: String,
    pub status: DossierStatus,
    pub received_at_ms: i64,
    pub due_at_ms: Option<i64>,
    pub original_due_at_ms: Option<i64>,
    /// Passed on to the handling unit or agency.
    pub transferred_at_ms: Option<i64>,
    /// The result (or the refusal) came back to the desk.
    pub result_at_ms: Option<i64>,
    pub delivered_at_ms: Option<i64>,
}
