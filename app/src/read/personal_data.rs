//! The personal data store as its owner reads it: every document the account keeps, with its
//! type, date and source, and what may be done with it.

use crate::domain::personal_data::Origin;
use serde::{Deserialize, Serialize};

/// One document of the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalDocument {
    /// The item's key as forms post it (`u:…`, `f:…`, `r:…`).
    pub key: String,
    pub origin: Origin,
    /// What it is: the component it was submitted as, the result's procedure, or the label it
    /// was uploaded with.
    pub kind: String,
    /// The owner's own label, when they gave one.
    pub label: String,
    /// Where it came from: the dossier's code or the result's number (empty for an upload).
    pub source: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at_ms: i64,
    /// Where it downloads from.
    pub href: String,
}

impl PersonalDocument {
    /// Only what the citizen uploaded to the store may be removed: a submitted dossier needs its
    /// files, and a result is a record.
    pub fn removable(&self) -> bool {
        self.origin == Origin::Upload
    }

    /// The name it is shown under: the owner's label, else what it is.
    pub fn title(&self) -> &str {
        if self.label.is_empty() {
            &self.kind
        } else {
            &self.label
        }
    }
}

/// The store's page: its documents, newest first, and how much of the account's room they use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalDataView {
    pub documents: Vec<PersonalDocument>,
    pub used_bytes: u64,
    pub quota_bytes: u64,
}
