//! Organisations as their people see them (issue 12): a business, household business or
//! association with its tax code, its legal representative and the people allowed to act for it.

use crate::domain::tax_code::OrganisationKind;
use serde::{Deserialize, Serialize};

/// How a person stands to an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberRole {
    /// The legal representative, who created its account and says who may act for it.
    Representative,
    /// A person the representative allowed to submit and follow dossiers for it.
    Agent,
}

impl MemberRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Representative => "representative",
            Self::Agent => "agent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "representative" => Some(Self::Representative),
            "agent" => Some(Self::Agent),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: i64,
    pub full_name: String,
    pub role: MemberRole,
    pub added_at_ms: i64,
}

/// One line of an organisation's record: who did what to its people, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationEvent {
    pub at_ms: i64,
    pub actor: String,
    /// `created`, `agent-added`, `agent-removed`.
    pub kind: String,
    pub subject: String,
}

/// An organisation a person acts for, as the e-form offers it and the reader policy checks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActingFor {
    pub id: i64,
    pub name: String,
    pub tax_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationView {
    pub id: i64,
    pub tax_code: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub address: String,
    pub representative_name: String,
    /// The viewer's own standing.
    pub my_role: MemberRole,
    pub members: Vec<MemberView>,
    pub record: Vec<OrganisationEvent>,
}
