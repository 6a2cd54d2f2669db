//! Portal content: guides, news, questions and answers, and the incident log.

use crate::read::Name;
use serde::{Deserialize, Serialize};

/// `guide` (hướng dẫn), `news` (tin tức), `faq` (hỏi đáp, by sector).
pub const CONTENT_KINDS: [&str; 3] = ["guide", "news", "faq"];
/// `maintenance` (bảo trì, planned) or `incident` (sự cố).
pub const INCIDENT_KINDS: [&str; 2] = ["maintenance", "incident"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentView {
    pub id: i64,
    pub kind: String,
    pub slug: String,
    /// The sector a question belongs to (code, name).
    pub sector: Option<(String, Name)>,
    pub title: Name,
    /// Markdown (`domain::markdown`); rendered where it is shown.
    pub body: Name,
    pub published: bool,
    pub updated_at: i64,
}

/// Who runs the portal, as every page's header and footer say: the province set up (its name
/// as stored, so a fresh install names its own province) and the help line (the province's
/// phone, else its public administration service centre's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteIdentity {
    pub province: Option<Name>,
    pub hotline: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentView {
    pub id: i64,
    pub kind: String,
    pub message: Name,
    pub started_at: i64,
    /// When service is expected back.
    pub expected_end_at: Option<i64>,
    pub resolved_at: Option<i64>,
}
