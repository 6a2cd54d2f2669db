//! Read models of catalogue: what storage returns and the pages show.

use crate::domain::form::FormField;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectorView {
    pub code: String,
    pub name: crate::read::Name,
    pub procedure_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyView {
    pub code: String,
    pub name: crate::read::Name,
    /// `centre`, `department` or `commune`.
    pub kind: String,
    pub address: String,
    pub phone: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProcedureQuery {
    pub q: Option<String>,
    pub sector: Option<String>,
    pub agency: Option<String>,
    /// `province` or `commune`.
    pub level: Option<String>,
    /// `full` or `partial`.
    pub online: Option<String>,
    pub page: Option<u32>,
}

pub const PAGE_SIZE: u32 = 10;

pub use crate::domain::clock::Allowance;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedureSummary {
    pub code: String,
    pub name: crate::read::Name,
    pub sector: crate::read::Name,
    pub level: String,
    pub agency: crate::read::Name,
    pub online_full: bool,
    pub allowance: Allowance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedurePage {
    pub items: Vec<ProcedureSummary>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeView {
    pub name: String,
    pub amount_vnd: i64,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentView {
    pub id: i64,
    pub name: String,
    pub copies: String,
    pub required: bool,
    pub form_file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedureDetail {
    pub code: String,
    pub name: crate::read::Name,
    pub sector_code: String,
    pub sector: crate::read::Name,
    pub level: String,
    pub executing_agency: AgencyView,
    pub receiving_agency: AgencyView,
    pub online_full: bool,
    pub online_reason: Option<String>,
    pub channels: Vec<String>,
    pub steps: Vec<String>,
    pub allowance: Allowance,
    pub applicants: String,
    pub result: String,
    pub fees: Vec<FeeView>,
    pub conditions: String,
    pub legal_basis: Vec<String>,
    pub components: Vec<ComponentView>,
    pub form_fields: Vec<FormField>,
    pub version_id: i64,
    pub effective_from: String,
}
