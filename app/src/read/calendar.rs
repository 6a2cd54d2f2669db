//! Read models of calendar: what storage returns and the pages show.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `off` or `work`.
    pub kind: String,
    pub note: String,
    /// Empty for the province-wide table, else the agency code.
    pub agency_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarChange {
    pub day: String,
    /// `off`, `work` or `removed`.
    pub kind: String,
    pub note: String,
    pub changed_by: String,
    pub changed_at_ms: i64,
}
