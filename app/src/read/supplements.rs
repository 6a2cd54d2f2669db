//! Read models of supplements: what storage returns and the pages show.

pub use crate::domain::supplement::{ItemKind, SupplementChange, SupplementItem};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementView {
    pub id: i64,
    pub requested_at_ms: i64,
    pub officer: String,
    /// When it went out to the applicant; none while a specialist's draft waits for the unit
    /// leader.
    pub sent_at_ms: Option<i64>,
    pub reason: String,
    pub items: Vec<SupplementItem>,
    pub answered_at_ms: Option<i64>,
    pub changes: Vec<SupplementChange>,
}
