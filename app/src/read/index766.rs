//! The QĐ 766 index as published (`/chi-so-766`, `/api/chi-so-766`): for a month, quarter or
//! year, each agency's indicators and the province's, with the ranking of agencies.

use crate::domain::index766::{group_points, indicators, IndexCounts, Indicator, Ratio};
use crate::domain::statistics::Figures;
use crate::read::statistics::AgencyChoice;
use crate::read::Name;
use serde::{Deserialize, Serialize};

/// What storage counts for the index, per receiving agency, besides the dossier statistics and
/// the satisfaction and reuse counts: the catalogue (1.1–1.3, 3 A), payments (3 payment),
/// results and files (4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSources {
    pub agency_code: String,
    pub agency: Name,
    pub counts: IndexCounts,
}

/// One agency's score, for the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyScore {
    pub code: String,
    pub name: Name,
    pub groups: [f64; 5],
    pub total: f64,
}

/// The index for a period: the indicators of the scope asked for (an agency, or the province),
/// its group scores and total, and every agency's score, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Index766View {
    /// `YYYY-MM`, `YYYY-Qn` or `YYYY`.
    pub period: String,
    pub from: String,
    pub to: String,
    pub agency: Option<AgencyChoice>,
    pub indicators: Vec<Indicator>,
    pub groups: [f64; 5],
    pub total: f64,
    pub ranking: Vec<AgencyScore>,
}

/// Adds what the statistics of the period give (2.1, 3 C) to an agency's counts.
pub fn with_figures(c: &mut IndexCounts, f: &Figures) {
    // Over what was decided and what is overdue and still undecided: leaving a late dossier
    // undecided never raises the score.
    c.on_time
        .add(Ratio { numerator: f.resolved_early + f.resolved_on_time, denominator: f.resolved() + f.open_overdue });
    c.online_dossiers.add(Ratio { numerator: f.received_online, denominator: f.received_new });
}

/// Sums agencies' counts into the province's (the average processing time is taken from the
/// province's own figures by the caller).
pub fn sum(all: &[IndexCounts]) -> IndexCounts {
    let mut out = IndexCounts::default();
    for c in all {
        for (mine, theirs) in out.ratios_mut().into_iter().zip(c.ratios()) {
            mine.add(theirs);
        }
    }
    out
}

/// Each agency's score, best first (ties by code), from its counts.
pub fn ranking(agencies: &[(AgencyChoice, IndexCounts)]) -> Vec<AgencyScore> {
    let mut out: Vec<AgencyScore> = agencies
        .iter()
        .map(|(a, c)| {
            let (groups, total) = group_points(&indicators(c));
            AgencyScore { code: a.code.clone(), name: a.name.clone(), groups, total }
        })
        .collect();
    out.sort_by(|x, y| y.total.total_cmp(&x.total).then_with(|| x.code.cmp(&y.code)));
    out
}
