//! Read models of lookup: what storage returns and the pages show.

use crate::domain::status::DossierStatus;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicDossier {
    pub code: String,
    pub procedure_code: String,
    pub procedure: crate::read::Name,
    pub receiving_agency: crate::read::Name,
    pub status: DossierStatus,
    pub submitted_at_ms: i64,
    /// The workflow step running now (`receive`, `appraise`, …); none while the dossier waits at
    /// the desk or once handling has ended.
    pub stage: Option<String>,
    /// Who holds it: the unit and agency.
    pub location: crate::read::Name,
    /// The due date in force while handling runs, and once the result is decided.
    pub due_at_ms: Option<i64>,
    /// The applicant's masked name, only with the right lookup token.
    pub applicant_masked: Option<String>,
    /// Whom it was submitted for, with the same token: an organisation's name, or a person's
    /// masked name.
    pub applied_for_masked: Option<String>,
    /// Rated by its applicant already (only with the token).
    #[serde(default)]
    pub rated: bool,
    /// The token's holder may rate it now: returned or refused, not rated yet.
    #[serde(default)]
    pub rateable: bool,
}
