//! Read models of dossiers: what storage returns and the pages show.

use crate::api::catalogue::ComponentView;
use crate::domain::form::FormField;
use crate::domain::status::DossierStatus;
pub use crate::domain::upload::StoredFile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierSummary {
    pub code: Option<String>,
    pub draft_key: String,
    pub procedure_code: String,
    pub procedure: crate::read::Name,
    pub status: DossierStatus,
    pub updated_at_ms: i64,
    pub submitted_at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub at_ms: i64,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub from_status: Option<DossierStatus>,
    pub to_status: DossierStatus,
    pub note: String,
    /// When it was entered, and why after the fact, for a back-filled event.
    pub recorded_at_ms: i64,
    pub backfill_reason: Option<String>,
    /// What the event says, as data; read through `components::event_note`. The desk's bundle
    /// never reads it (`api::desk::desk_dossier` sends the notes written out), so it carries no
    /// decoder for it.
    #[serde(default)]
    #[cfg_attr(feature = "desk", serde(skip_deserializing))]
    pub payload: Option<crate::domain::event::Payload>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierDetail {
    pub code: String,
    pub procedure_code: String,
    pub procedure: crate::read::Name,
    pub receiving_agency: crate::read::Name,
    /// Where the dossier sits now (agency, department) as its owner may see it [TRK-A].
    pub location: crate::read::Name,
    pub applicant_name: String,
    /// Whom it was submitted for, when not for the applicant.
    pub applied_for: Option<crate::domain::principal::AppliedFor>,
    pub status: DossierStatus,
    pub channel: String,
    pub submitted_at_ms: i64,
    pub form_fields: Vec<FormField>,
    pub form: BTreeMap<String, String>,
    pub components: Vec<ComponentView>,
    pub files: Vec<StoredFile>,
    pub events: Vec<EventView>,
    /// Supplement requests, oldest first; the last one is open while the status is 5.
    pub supplements: Vec<crate::api::supplements::SupplementView>,
    pub receiving_agency_code: String,
    /// The due date in force, and the working time left (negative when late) while it runs,
    /// in working days of `day_minutes`.
    pub due_at_ms: Option<i64>,
    pub left_minutes: Option<i64>,
    pub day_minutes: i64,
    /// The approved draft (id, file name), once decided: what a dossier decided before results
    /// were issued as records shows.
    pub result_file: Option<(String, String)>,
    /// The results issued, the newest last (a replaced one stays, marked so).
    pub results: Vec<IssuedResult>,
    /// What the dossier owes, and the payments made or tried, newest first.
    pub obligations: Vec<crate::domain::fees::Obligation>,
    pub payments: Vec<PaymentView>,
}

/// An issued result as the dossier's page lists it; the document and its verification are at
/// `/xac-thuc/{token}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedResult {
    pub number: String,
    pub token: String,
    pub issued_at_ms: i64,
    pub standing: crate::domain::result::Standing,
    /// Whether its signed document is made (it is, moments after the approval).
    pub signed: bool,
}

impl IssuedResult {
    pub fn of(r: &crate::read::results::ResultRecord, now_ms: i64) -> IssuedResult {
        IssuedResult {
            number: r.number.clone(),
            token: r.token.clone(),
            issued_at_ms: r.issued_at_ms,
            standing: r.standing(now_ms),
            signed: r.document.is_some(),
        }
    }
}

/// A payment or an online attempt as the dossier's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    pub txn_ref: String,
    pub amount_vnd: i64,
    pub method: crate::domain::fees::PaymentMethod,
    /// `pending`, `paid`, `cancelled`, `failed`, `orphan` (paid at the gateway for what was no
    /// longer owed), `refunded`.
    pub state: String,
    /// The gateway's transaction number or the transfer's reference.
    pub reference: String,
    pub at_ms: i64,
    /// When the attempt was opened (the gateway's transaction date).
    pub created_at_ms: i64,
    /// The obligations it pays (their `seq`).
    pub covers: Vec<i64>,
    /// The receipt issued for it (số biên lai), once paid.
    pub receipt: Option<String>,
    /// When it was refunded, and why.
    pub refunded_at_ms: Option<i64>,
    pub refund_reason: String,
}

/// An electronic receipt (biên lai điện tử) as issued with its payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptView {
    /// Số biên lai: the year and its place in the collecting agency's series.
    pub number: String,
    pub dossier_code: String,
    pub procedure_vi: String,
    pub payer_name: String,
    /// What was paid: each item and its amount.
    pub items: Vec<(String, i64)>,
    pub amount_vnd: i64,
    pub method: crate::domain::fees::PaymentMethod,
    /// The gateway's transaction number, or the transfer's reference, or the desk's record.
    pub transaction_no: String,
    pub collector_vi: String,
    pub agency_code: String,
    pub agency_name_vi: String,
    pub issued_at_ms: i64,
    /// The officer who took the money at the desk (none online: the gateway's confirmation).
    pub issued_by: Option<String>,
    pub refunded_at_ms: Option<i64>,
}

/// The citizen's notices page: the status changes and how they are told of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationsView {
    pub items: Vec<Notification>,
    pub channels: NoticeChannels,
}

/// How the citizen is told outside the portal: the addresses on the account (masked) and the
/// channels they chose.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeChannels {
    /// The e-mail address, masked (`m•••@example.vn`); `None` when the account has none.
    pub email: Option<String>,
    /// The phone, masked (`•••••••077`).
    pub phone: String,
    pub by_email: bool,
    pub by_sms: bool,
}

/// A status change of one of the citizen's dossiers [TRK-B].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub code: String,
    pub procedure: crate::read::Name,
    pub at_ms: i64,
    pub action: String,
    pub to_status: DossierStatus,
    pub agency: crate::read::Name,
    pub actor_role: String,
}
