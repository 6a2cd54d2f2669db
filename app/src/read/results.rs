//! Results as records: what storage keeps of an issued result, what the signer needs to make
//! its document, and what the public verification page shows.

use crate::domain::result::{Origin, Standing};
use crate::read::Name;
use serde::{Deserialize, Serialize};

/// An issued result as storage keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRecord {
    pub id: i64,
    pub dossier_code: String,
    pub number: String,
    pub token: String,
    pub issued_at_ms: i64,
    pub agency_code: String,
    pub agency: Name,
    pub signer_name: String,
    pub holder_name: String,
    pub procedure_code: String,
    pub procedure: Name,
    /// What the decision says (the approving leader's note).
    pub summary: String,
    pub valid_until_ms: Option<i64>,
    pub origin: Origin,
    /// The approved draft the document carries as its attachment: storage key, name, type.
    pub draft: Option<(String, String, String)>,
    /// The signed document, once made: storage key, SHA-256, size.
    pub document: Option<(String, String, i64)>,
    pub revoked_at_ms: Option<i64>,
    pub revoked_reason: Option<String>,
    /// The result that replaced this one: its number and token.
    pub replaced_by: Option<(String, String)>,
    /// The result this one replaced: its number and token.
    pub replaces: Option<(String, String)>,
}

impl ResultRecord {
    pub fn standing(&self, now_ms: i64) -> Standing {
        Standing::at(now_ms, self.valid_until_ms, self.revoked_at_ms, self.replaced_by.is_some())
    }
}

/// What anyone holding the QR code reads on the verification page: no storage key, and the
/// holder's name masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicResult {
    pub number: String,
    pub token: String,
    pub issued_at_ms: i64,
    pub agency: Name,
    pub signer_name: String,
    pub holder_masked: String,
    pub procedure_code: String,
    pub procedure: Name,
    pub valid_until_ms: Option<i64>,
    pub origin: Origin,
    /// Empty while the document is being signed.
    pub sha256: String,
    pub size_bytes: i64,
    pub standing: Standing,
    pub revoked_at_ms: Option<i64>,
    pub revoked_reason: Option<String>,
    pub replaced_by: Option<(String, String)>,
    pub replaces: Option<(String, String)>,
}

impl PublicResult {
    pub fn of(r: &ResultRecord, now_ms: i64) -> PublicResult {
        let (sha256, size_bytes) = r.document.as_ref().map(|(_, s, n)| (s.clone(), *n)).unwrap_or_default();
        PublicResult {
            number: r.number.clone(),
            token: r.token.clone(),
            issued_at_ms: r.issued_at_ms,
            agency: r.agency.clone(),
            signer_name: r.signer_name.clone(),
            holder_masked: crate::domain::mask::mask_name(&r.holder_name),
            procedure_code: r.procedure_code.clone(),
            procedure: r.procedure.clone(),
            valid_until_ms: r.valid_until_ms,
            origin: r.origin,
            sha256,
            size_bytes,
            standing: r.standing(now_ms),
            revoked_at_ms: r.revoked_at_ms,
            revoked_reason: r.revoked_reason.clone(),
            replaced_by: r.replaced_by.clone(),
            replaces: r.replaces.clone(),
        }
    }
}
