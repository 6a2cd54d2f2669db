//! Read models of consultations: what storage returns and the pages show.

pub use crate::handling::CONSULT_DAYS;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationView {
    pub id: i64,
    pub agency_code: String,
    pub agency: crate::read::Name,
    pub unit_code: String,
    pub unit: crate::read::Name,
    pub question: String,
    pub asked_by: String,
    pub asked_at_ms: i64,
    pub due_at_ms: i64,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at_ms: Option<i64>,
}

/// A unit that can be consulted: `agency|unit` as the form sends it, and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitChoice {
    pub agency_code: String,
    pub unit_code: String,
    pub label: crate::read::Name,
}

/// A question waiting for the viewer's unit, shown above the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenConsultation {
    pub code: String,
    pub procedure: crate::read::Name,
    pub asked_by: String,
    pub due_at_ms: i64,
}
