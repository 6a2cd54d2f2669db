//! The statistics the public and leaders read (`/thong-ke`, `/api/thong-ke`): a period's
//! figures ([`crate::domain::statistics`]) for the province, each agency and each of its
//! procedures, with the satisfaction ratings given in the period (TT 32/2017 Đ11.3).

use crate::domain::channel::Channel;
use crate::domain::rating::Tally;
use crate::domain::statistics::{Figures, Outcome, Place};
use crate::read::ratings::RatingCount;
use crate::read::Name;
use serde::{Deserialize, Serialize};

/// Dossiers with the same place in the period, counted by storage per receiving agency,
/// procedure and channel, with the sum of their processing times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatisticsCount {
    pub agency_code: String,
    pub agency: Name,
    pub procedure_code: String,
    pub procedure: Name,
    pub channel: Channel,
    pub carried_over: bool,
    pub outcome: Outcome,
    pub waiting: bool,
    pub count: i64,
    pub processing_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureFigures {
    pub code: String,
    pub name: Name,
    pub figures: Figures,
    pub ratings: Tally,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyFigures {
    pub code: String,
    pub name: Name,
    pub figures: Figures,
    pub ratings: Tally,
    pub procedures: Vec<ProcedureFigures>,
}

/// An agency that may be chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyChoice {
    pub code: String,
    pub name: Name,
}

/// A period's statistics: `from` and `to` are the first and last days (`YYYY-MM-DD`, both
/// counted), `agency` the one asked for (none: the province); `figures` are the scope's, the sum
/// of `agencies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatisticsView {
    pub from: String,
    pub to: String,
    pub agency: Option<AgencyChoice>,
    pub figures: Figures,
    pub ratings: Tally,
    pub agencies: Vec<AgencyFigures>,
    /// Every agency, for the choice of one.
    pub choices: Vec<AgencyChoice>,
}

/// Folds storage's counts and the period's ratings into each agency's figures (in code order),
/// each procedure's within it, and their sum. Ratings of agencies outside `only` are left out.
pub fn fold(
    counts: &[StatisticsCount],
    ratings: &[RatingCount],
    only: Option<&str>,
) -> (Figures, Tally, Vec<AgencyFigures>) {
    let mut agencies: Vec<AgencyFigures> = Vec::new();
    fn agency<'a>(all: &'a mut Vec<AgencyFigures>, code: &str, name: &Name) -> &'a mut AgencyFigures {
        let i = match all.iter().position(|a| a.code == code) {
            Some(i) => i,
            None => {
                all.push(AgencyFigures {
                    code: code.to_string(),
                    name: name.clone(),
                    figures: Figures::default(),
                    ratings: Tally::default(),
                    procedures: Vec::new(),
                });
                all.len() - 1
            }
        };
        &mut all[i]
    }
    fn procedure<'a>(a: &'a mut AgencyFigures, code: &str, name: &Name) -> &'a mut ProcedureFigures {
        let i = match a.procedures.iter().position(|p| p.code == code) {
            Some(i) => i,
            None => {
                a.procedures.push(ProcedureFigures {
                    code: code.to_string(),
                    name: name.clone(),
                    figures: Figures::default(),
                    ratings: Tally::default(),
                });
                a.procedures.len() - 1
            }
        };
        &mut a.procedures[i]
    }
    for c in counts {
        let place = Place { carried_over: c.carried_over, outcome: c.outcome, waiting: c.waiting };
        let p = procedure(agency(&mut agencies, &c.agency_code, &c.agency), &c.procedure_code, &c.procedure);
        p.figures.count(place, c.channel, c.count, c.processing_ms);
    }
    for r in ratings.iter().filter(|r| only.is_none_or(|o| o == r.agency_code)) {
        let p = procedure(agency(&mut agencies, &r.agency_code, &r.agency), &r.procedure_code, &r.procedure);
        p.ratings.add_counted(&r.levels, r.unsatisfied, r.count);
    }
    let (mut figures, mut tally) = (Figures::default(), Tally::default());
    agencies.sort_by(|x, y| x.code.cmp(&y.code));
    for a in &mut agencies {
        a.procedures.sort_by(|x, y| x.code.cmp(&y.code));
        for p in &a.procedures {
            a.figures.add(&p.figures);
            a.ratings.merge(&p.ratings);
        }
        figures.add(&a.figures);
        tally.merge(&a.ratings);
    }
    (figures, tally, agencies)
}

/// The tables that download as CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Each agency's figures and the total (`bang=co-quan`).
    Agencies,
    /// Each procedure's online figures and satisfaction (`bang=dich-vu`).
    Services,
}

impl Table {
    pub fn parse(s: &str) -> Option<Table> {
        match s {
            "co-quan" => Some(Table::Agencies),
            "dich-vu" => Some(Table::Services),
            _ => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Table::Agencies => "co-quan",
            Table::Services => "dich-vu",
        }
    }
}

/// One CSV field: quoted when it holds a separator, a quote or a line break; a leading `=`,
/// `+`, `-`, `@`, tab or carriage return of a text is guarded so that a spreadsheet never reads it
/// as a formula.
fn csv_field(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A table of the view as CSV for spreadsheets: UTF-8 with a byte-order mark (Excel reads the
/// Vietnamese letters right), CRLF line ends, headers in the reader's language (`t` translates a
/// key, `name` picks a name's language). Shares are in tenths of a percent written as numbers.
pub fn csv(v: &StatisticsView, table: Table, t: &dyn Fn(&str) -> String, name: &dyn Fn(&Name) -> String) -> String {
    use crate::domain::rating::Criterion;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let share = |pm: Option<i64>| pm.map(|pm| format!("{}.{}", pm / 10, pm % 10)).unwrap_or_default();
    match table {
        Table::Agencies => {
            let mut head =
                vec![t("stats-csv-code"), t("ratings-agency"), t("stats-carried-over"), t("stats-received-new")];
            head.extend([t("stats-received-online"), t("stats-received-counter"), t("stats-received-postal")]);
            head.extend(Outcome::ALL.iter().map(|o| t(&o.key())));
            head.extend([t("stats-waiting-for-citizen"), t("stats-on-time-share"), t("stats-csv-average-days")]);
            rows.push(head);
            let line = |code: String, label: String, f: &Figures| {
                let mut r = vec![code, label, f.carried_over.to_string(), f.received_new.to_string()];
                r.extend([f.received_online, f.received_counter, f.received_postal].map(|n| n.to_string()));
                r.extend(Outcome::ALL.iter().map(|o| f.outcome(*o).to_string()));
                r.push(f.waiting_for_citizen.to_string());
                r.push(share(f.on_time_permille()));
                r.push(f.average_tenths_of_days().map(|d| format!("{}.{}", d / 10, d % 10)).unwrap_or_default());
                r
            };
            for a in &v.agencies {
                rows.push(line(a.code.clone(), name(&a.name), &a.figures));
            }
            rows.push(line(String::new(), t("stats-all"), &v.figures));
        }
        Table::Services => {
            let mut head = vec![t("stats-csv-code"), t("ratings-procedure"), t("ratings-agency")];
            head.extend([t("stats-online-received"), t("stats-online-handled"), t("stats-online-on-time")]);
            head.push(t("stats-all-received"));
            head.extend(Criterion::ALL.iter().map(|c| t(&c.short_key())));
            rows.push(head);
            for a in &v.agencies {
                for p in &a.procedures {
                    let f = &p.figures;
                    let mut r = vec![p.code.clone(), name(&p.name), name(&a.name)];
                    r.extend([f.received_online, f.online_handled].map(|n| n.to_string()));
                    r.push(share(f.online_on_time_permille()));
                    r.push(f.received_new.to_string());
                    r.extend(Criterion::ALL.iter().map(|c| share(p.ratings.satisfied_permille(*c))));
                    rows.push(r);
                }
            }
        }
    }
    let mut out = String::from("\u{feff}");
    for r in rows {
        out.push_str(&r.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(
        agency: &str,
        procedure: &str,
        channel: Channel,
        outcome: Outcome,
        carried: bool,
        n: i64,
    ) -> StatisticsCount {
        let name = |s: &str| Name { vi: s.to_string(), en: s.to_string() };
        StatisticsCount {
            agency_code: agency.into(),
            agency: name(agency),
            procedure_code: procedure.into(),
            procedure: name(procedure),
            channel,
            carried_over: carried,
            outcome,
            waiting: false,
            count: n,
            processing_ms: 0,
        }
    }

    #[test]
    fn the_province_is_the_sum_of_its_agencies_and_each_agency_of_its_procedures() {
        let counts = [
            count("B", "1.2", Channel::Online, Outcome::ResolvedLate, false, 2),
            count("A", "1.1", Channel::Counter, Outcome::ResolvedEarly, true, 3),
            count("A", "1.1", Channel::Online, Outcome::OpenOverdue, false, 1),
            count("A", "1.3", Channel::Postal, Outcome::Withdrawn, false, 4),
        ];
        let (total, _, agencies) = fold(&counts, &[], None);
        assert_eq!(agencies.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["A", "B"]);
        let a = &agencies[0];
        assert_eq!((a.figures.carried_over, a.figures.received_new), (3, 5));
        assert_eq!(a.procedures.len(), 2);
        assert_eq!(a.procedures[0].figures.total() + a.procedures[1].figures.total(), a.figures.total());
        assert_eq!(total.total(), 10);
        assert_eq!((total.received_online, total.received_counter, total.received_postal), (3, 0, 4));
        assert!(total.balances() && agencies.iter().all(|a| a.figures.balances()));
    }

    #[test]
    fn csv_opens_in_a_spreadsheet_as_written() {
        let counts = [
            count("A", "1.1", Channel::Online, Outcome::ResolvedEarly, false, 3),
            count("A", "1.1", Channel::Online, Outcome::ResolvedLate, false, 1),
        ];
        let (figures, ratings, mut agencies) = fold(&counts, &[], None);
        agencies[0].name = Name { vi: "Sở \"Tư pháp\", tỉnh".into(), en: String::new() };
        agencies[0].procedures[0].name = Name { vi: "=HYPERLINK(\"x\")".into(), en: String::new() };
        let v = StatisticsView {
            from: "2026-01-01".into(),
            to: "2026-12-03".into(),
            agency: None,
            figures,
            ratings,
            agencies,
            choices: Vec::new(),
        };
        let t = |k: &str| k.to_string();
        let name = |n: &Name| n.vi.clone();
        let a = csv(&v, Table::Agencies, &t, &name);
        assert!(a.starts_with('\u{feff}'));
        let lines: Vec<&str> = a.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines.len(), 4, "header, one agency, the total, and the last line end");
        assert!(
            lines[1].starts_with("A,\"Sở \"\"Tư pháp\"\", tỉnh\",0,4,4,0,0,3,0,1,0,0,0,0,0,0,75.0,"),
            "{}",
            lines[1]
        );
        assert!(lines[2].starts_with(",stats-all,0,4,"));
        let s = csv(&v, Table::Services, &t, &name);
        // A name that reads as a formula stays text.
        assert!(s.contains("1.1,\"'=HYPERLINK(\"\"x\"\")\""), "{s}");
        assert!(s.contains(",4,4,75.0,4,"), "{s}");
    }
}
