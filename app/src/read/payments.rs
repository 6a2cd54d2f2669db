//! What the accountant and the public read of payments: the reconciliation of a day's online
//! payments with the gateway, and a receipt as the public lookup shows it.

use serde::{Deserialize, Serialize};

/// One difference between the portal's record and the gateway's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    pub id: i64,
    pub dossier_code: String,
    pub txn_ref: String,
    /// `paid-at-gateway`, `not-at-gateway`, `amount`, `orphan` (see `domain::fees::Mismatch`).
    pub kind: String,
    pub here_state: String,
    pub here_amount: i64,
    pub gateway_state: String,
    pub gateway_amount: Option<i64>,
    /// Who resolved it, when and how (a note on the record).
    pub resolved_by: Option<String>,
    pub resolved_at_ms: Option<i64>,
    pub resolution: Option<String>,
}

/// One comparison of an agency's online payments of a day with the gateway's answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    pub id: i64,
    pub agency_code: String,
    /// The Vietnamese day compared, `YYYY-MM-DD`.
    pub day: String,
    pub run_at_ms: i64,
    /// The officer who pressed the button; none for the daily job.
    pub run_by: Option<i64>,
    pub run_by_name: Option<String>,
    pub checked: i64,
    pub mismatches: Vec<Mismatch>,
}

/// A receipt as anyone may check it by dossier code and receipt number: genuine, for how much,
/// by whom it was collected, and whether it was refunded. Not the payer: codes and numbers are
/// both sequential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicReceipt {
    pub number: String,
    pub dossier_code: String,
    pub items: Vec<(String, i64)>,
    pub amount_vnd: i64,
    pub method: crate::domain::fees::PaymentMethod,
    pub agency_name_vi: String,
    pub issued_at_ms: i64,
    pub refunded_at_ms: Option<i64>,
}

/// The accountant's page: today (Vietnam's day, for the button's default) and the latest runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconciliationsView {
    pub today: String,
    pub runs: Vec<Reconciliation>,
}
