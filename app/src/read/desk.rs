//! Read models of desk: what storage returns and the pages show.

use crate::api::catalogue::Allowance;
use crate::api::dossiers::DossierDetail;
use crate::domain::role::Role;
use crate::domain::status::DossierStatus;
use serde::{Deserialize, Serialize};

/// "Due soon" means due within this many working days.
pub const DUE_SOON_DAYS: i64 = 2;

/// Inbox tabs, in the order the desk shows them.
pub const TABS: [&str; 9] =
    ["receive", "mine", "department", "due-soon", "overdue", "waiting", "deliver", "answer", "done"];

/// Rows per inbox page.
pub const INBOX_PAGE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskRow {
    pub code: String,
    pub procedure: crate::read::Name,
    pub applicant: String,
    pub status: DossierStatus,
    pub channel: String,
    pub submitted_at_ms: i64,
    pub due_at_ms: Option<i64>,
    /// Where it sits: the agency holding it (when not this one) and the unit.
    pub location: crate::read::Name,
}

/// The inbox's filters, as the query string carries them; the search travels as its opaque id
/// `tim` only (`desk_search`), never as the text typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxFilter {
    pub tab: String,
    /// What the officer searched (a code, a name, a CCCD, a phone number), read back on the
    /// server from the kept search `tim`.
    pub q: String,
    pub tim: String,
    pub procedure: String,
    pub sector: String,
    pub channel: String,
    /// Submitted from / to (inclusive), `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    pub page: i64,
}

/// A tab, a filter or a search is counted up to this many dossiers: "more than 10 000" tells an
/// officer as much as the exact figure, and counting a province's half million closed dossiers on
/// every look at the closed tab does not pay.
pub const COUNT_CAP: i64 = 10_000;

/// A count as shown: exact, or "more than 10 000" above [`COUNT_CAP`].
pub fn count_label(n: i64, i18n: crate::i18n::I18n) -> String {
    if n > COUNT_CAP {
        i18n.t("desk-count-capped")
    } else {
        n.to_string()
    }
}

impl InboxView {
    /// The number of dossiers as shown: exact, or "more than 10 000".
    pub fn total_label(&self, i18n: crate::i18n::I18n) -> String {
        if self.total_capped {
            count_label(COUNT_CAP + 1, i18n)
        } else {
            count_label(self.total, i18n)
        }
    }

    /// Pages in the pager: known, or, past the cap, one more than the current while pages are full.
    pub fn pages(&self) -> i64 {
        let known = ((self.total + INBOX_PAGE - 1) / INBOX_PAGE).max(1);
        if self.total_capped {
            let page = self.filter.page.max(1);
            known.max(page + i64::from(self.rows.len() as i64 == INBOX_PAGE))
        } else {
            known
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxView {
    pub agency: String,
    pub filter: InboxFilter,
    /// Dossiers in each tab (without the filters), up to [`COUNT_CAP`] + 1 ("more than").
    pub counts: Vec<(String, i64)>,
    /// Dossiers matching the tab and filters (or the search), counted up to [`COUNT_CAP`].
    pub total: i64,
    /// More than [`COUNT_CAP`] match: `total` is a floor, and the pager goes on page by page.
    #[serde(default)]
    pub total_capped: bool,
    pub rows: Vec<DeskRow>,
    /// Choices for the filters: procedures and sectors this agency deals with.
    pub procedures: Vec<(String, crate::read::Name)>,
    pub sectors: Vec<(String, crate::read::Name)>,
    /// When the inbox was read (late rows are marked against it).
    pub now_ms: i64,
    /// Questions other units asked the viewer's unit, still unanswered.
    pub consultations: Vec<crate::api::consultations::OpenConsultation>,
    /// The search in the link was no longer kept (expired, or another session's): the inbox
    /// shows its tab instead.
    #[serde(default)]
    pub search_expired: bool,
}

/// Who is looking at the inbox, and when (tabs like "mine" and "overdue" depend on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxViewer {
    pub agency: String,
    pub user_id: i64,
    pub role: Role,
    pub unit: String,
    pub now_ms: i64,
    /// The end of the "due soon" window.
    pub soon_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskDossierView {
    pub dossier: DossierDetail,
    /// The applicant's account (for the reader policy).
    pub applicant_id: i64,
    pub receiving_agency_code: String,
    pub applicant_cccd: String,
    pub applicant_phone: String,
    /// The applicant's account: `unverified` (registered online), `recorded` (at a desk, not yet
    /// claimed online), `verified`, or `contested` (gave its CCCD up to a verified record).
    pub applicant_account: String,
    pub allowance: Allowance,
    /// The fees of the version the dossier was submitted under (the desk assesses from them).
    pub fees: Vec<crate::domain::catalogue::Fee>,
    pub accepted_at_ms: Option<i64>,
    pub original_due_at_ms: Option<i64>,
    pub due_at_ms: Option<i64>,
    pub resolved_at_ms: Option<i64>,
    /// The agency that holds the dossier now (another one's during liên thông).
    pub current_agency_code: String,
    /// Events so far: an action decided on this view conflicts if another came in between.
    pub event_count: i64,
    pub workflow: Vec<crate::api::handling::WorkflowStepView>,
    /// The steps the dossier has been through, the running one last.
    pub steps: Vec<crate::api::handling::StepRecord>,
    /// Position of the running step in `workflow`.
    pub position: Option<i64>,
    pub assignee_id: Option<i64>,
    /// `result` or `refuse`: what the specialist proposed.
    pub proposal: Option<String>,
    /// The specialist's opinion on the last appraisal and who gave it, as the leader reads it
    /// above the approve button (filled for the desk by `api::desk::desk_dossier`).
    #[serde(default)]
    pub opinion: Option<(String, String)>,
    /// The deadline of the answer a rating calls for, while owed (read from the history's
    /// payloads, which the desk's bundle does not carry).
    #[serde(default)]
    pub answer_due_ms: Option<i64>,
    pub work_files: Vec<crate::api::handling::WorkFileView>,
    pub delivery: Option<String>,
    pub urged_at_ms: Option<i64>,
    /// What the signed-in officer may do now, and whom they may assign (filled per request).
    pub actions: crate::api::handling::Available,
    pub specialists: Vec<(i64, String)>,
    pub clock: crate::api::handling::ClockView,
    /// Opinions asked of other units, oldest first.
    pub consultations: Vec<crate::api::consultations::ConsultationView>,
    /// Units the specialist may consult (filled per request when they may).
    pub units: Vec<crate::api::consultations::UnitChoice>,
}

impl InboxFilter {
    /// The query string for this filter on another tab or page.
    pub fn href(&self, tab: &str, page: i64) -> String {
        let mut parts = vec![format!("tab={tab}")];
        for (k, v) in [
            ("procedure", &self.procedure),
            ("sector", &self.sector),
            ("channel", &self.channel),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", urlencoding(v)));
            }
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        format!("/mot-cua?{}", parts.join("&"))
    }

    /// Another page of this list: the same tab and filters, and the same search.
    pub fn page_href(&self, page: i64) -> String {
        let href = self.href(&self.tab, page);
        if self.tim.is_empty() {
            href
        } else {
            format!("{href}&tim={}", urlencoding(&self.tim))
        }
    }
}

fn urlencoding(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(total: i64, capped: bool, page: i64, rows: usize) -> InboxView {
        let row = DeskRow {
            code: String::new(),
            procedure: Default::default(),
            applicant: String::new(),
            status: DossierStatus::Delivered,
            channel: String::new(),
            submitted_at_ms: 0,
            due_at_ms: None,
            location: Default::default(),
        };
        InboxView {
            agency: String::new(),
            filter: InboxFilter { tab: "done".into(), page, ..Default::default() },
            counts: vec![],
            total,
            total_capped: capped,
            rows: vec![row; rows],
            procedures: vec![],
            sectors: vec![],
            now_ms: 0,
            consultations: vec![],
            search_expired: false,
        }
    }

    #[test]
    fn past_the_count_cap_the_pager_goes_on_while_pages_are_full() {
        let i18n = crate::i18n::I18n { lang: crate::i18n::Lang::Vi };
        assert_eq!(view(120, false, 1, 50).pages(), 3);
        assert_eq!(view(120, false, 1, 50).total_label(i18n), "120");
        let many = view(COUNT_CAP, true, 1, 50);
        assert_eq!(many.total_label(i18n), "hơn 10.000");
        assert_eq!(many.pages(), COUNT_CAP / INBOX_PAGE);
        assert_eq!(view(COUNT_CAP, true, 900, 50).pages(), 901, "a full deep page has a next one");
        assert_eq!(view(COUNT_CAP, true, 900, 12).pages(), 900, "a short page is the last");
        assert_eq!(count_label(COUNT_CAP, i18n), "10000");
        assert_eq!(count_label(COUNT_CAP + 1, crate::i18n::I18n { lang: crate::i18n::Lang::En }), "more than 10,000");
    }
}
