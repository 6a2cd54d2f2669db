//! What the administrators' screens read: the agency tree with its units, an agency's officers,
//! and the administration's record.

use crate::domain::role::Role;
use crate::read::Name;
use serde::{Deserialize, Serialize};

/// An agency of the tree, with its units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyNode {
    pub code: String,
    pub name: Name,
    /// `province`, `department`, `commune`, `centre`.
    pub kind: String,
    pub parent: Option<String>,
    pub address: String,
    pub phone: String,
    pub opening_hours: String,
    pub bank_account: String,
    pub active: bool,
    pub units: Vec<UnitRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRow {
    pub code: String,
    pub name: Name,
    pub active: bool,
}

/// An officer as their administrator sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerRow {
    pub id: i64,
    pub full_name: String,
    pub cccd: String,
    pub phone: String,
    pub role: Role,
    pub unit: String,
    pub active: bool,
    /// Whether a password was ever set (else the account waits for its one-time link).
    pub has_password: bool,
    /// Whether the officer's second factor (TOTP) is enrolled.
    pub second_factor: bool,
    /// The latest sign-ins, newest first (Unix ms).
    pub sign_ins: Vec<i64>,
}

/// One line of the administration's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminEventView {
    pub at_ms: i64,
    pub actor_name: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// A procedure of the catalogue as administrators see it: its versions and their dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueRow {
    pub code: String,
    pub name: Name,
    /// The executing agency.
    pub agency: Name,
    pub versions: i64,
    /// When the version in effect took effect (none: not yet in effect).
    pub current_from: Option<String>,
    /// When the next, already imported version takes effect.
    pub next_from: Option<String>,
    /// First published and last updated (Unix ms).
    pub published_at: Option<i64>,
    pub updated_at: Option<i64>,
}

/// What an import did (or, checked only, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub procedures_new: usize,
    /// New versions, the new procedures' first ones included.
    pub versions_new: usize,
    /// New versions that take effect on a later day.
    pub pending: usize,
    pub unchanged: usize,
    pub agencies_changed: usize,
    pub units_changed: usize,
    pub sectors_changed: usize,
}

/// The messages that reach people, as province administrators watch them (issue 12): how many
/// wait, are being retried, went and failed, and the troubled ones with why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MessagesView {
    pub pending: i64,
    pub retrying: i64,
    pub sent: i64,
    pub failed: i64,
    /// Failed and retrying messages, newest first.
    pub troubled: Vec<TroubledMessage>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TroubledMessage {
    pub id: i64,
    /// `email` or `sms`.
    pub channel: String,
    /// The address, masked.
    pub recipient: String,
    pub dossier_code: Option<String>,
    /// `pending` (being retried) or `failed`.
    pub status: String,
    pub attempts: i64,
    pub last_error: String,
    pub next_attempt_at_ms: i64,
    pub created_at_ms: i64,
    /// A failed notice can be sent again; a code or link cannot (its text is gone).
    pub may_retry: bool,
}
