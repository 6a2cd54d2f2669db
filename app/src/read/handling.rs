//! Read models of handling: what storage returns and the pages show.

pub use crate::handling::{Available, Backfill, Command};
use serde::{Deserialize, Serialize};

/// A step of the dossier's workflow, with names for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowStepView {
    pub kind: String,
    pub agency_code: String,
    pub agency: crate::read::Name,
    pub unit_code: String,
    pub unit: crate::read::Name,
    pub allowance: crate::domain::clock::Allowance,
}

/// A step the dossier went through: who held it, from when to when, due when, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    pub position: i64,
    pub kind: String,
    pub agency_code: String,
    pub agency: crate::read::Name,
    pub unit: crate::read::Name,
    pub assignee_id: Option<i64>,
    pub assignee: Option<String>,
    pub started_at_ms: i64,
    pub due_at_ms: i64,
    pub ended_at_ms: Option<i64>,
    pub ended_by: Option<String>,
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkFileView {
    pub id: String,
    /// `draft-result`, `verification` or `result`.
    pub kind: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub created_at_ms: i64,
    pub created_by: String,
}
