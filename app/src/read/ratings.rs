//! What the public sees of satisfaction ratings (TT 32/2017 Đ11.3.đ, Đ12): counts per agency and
//! per procedure for a year, never per officer.

use crate::domain::rating::{Level, Tally};
use crate::read::Name;
use serde::{Deserialize, Serialize};

/// Ratings that gave the same levels, counted by storage, with their agency and procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingCount {
    pub agency_code: String,
    pub agency: Name,
    pub procedure_code: String,
    pub procedure: Name,
    /// The level given for each criterion, in [`crate::domain::rating::Criterion::ALL`] order.
    pub levels: [Option<Level>; 4],
    pub unsatisfied: bool,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureRatings {
    pub code: String,
    pub name: Name,
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyRatings {
    pub code: String,
    pub name: Name,
    pub tally: Tally,
    pub procedures: Vec<ProcedureRatings>,
}

/// The year's ratings: the province's total, each agency's and, within it, each procedure's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingsView {
    pub year: i32,
    /// The years that may be asked for, newest first.
    pub years: Vec<i32>,
    pub total: Tally,
    pub agencies: Vec<AgencyRatings>,
    /// The QĐ 766 indicators ratings and reuse feed, per agency, and the province's.
    #[serde(default)]
    pub index: Vec<AgencyIndex>,
    #[serde(default)]
    pub index_total: AgencyIndex,
}

/// Dossiers resolved in the period with the same satisfaction facts, per receiving agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SatisfactionCount {
    pub agency_code: String,
    pub agency: Name,
    pub fact: crate::domain::index766::SatisfactionFact,
    pub count: i64,
}

/// Dossiers submitted in the period, per receiving agency, that did or did not reuse data from
/// the personal data store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReuseCount {
    pub agency_code: String,
    pub agency: Name,
    pub reused: bool,
    pub count: i64,
}

/// An agency's (or the province's) `DOSSIER_RECEIVING_SATISFACTION` and `REUSED_DIGITIZED_DATA`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyIndex {
    pub code: String,
    pub name: Name,
    pub satisfaction: crate::domain::index766::Ratio,
    pub reuse: crate::domain::index766::Ratio,
}

/// Folds the counts into each agency's indicators (in code order) and the province's, the sum of
/// its agencies'.
pub fn fold_index(satisfaction: &[SatisfactionCount], reuse: &[ReuseCount]) -> (AgencyIndex, Vec<AgencyIndex>) {
    use crate::domain::index766::{receiving_satisfaction, Ratio};
    let mut out: Vec<AgencyIndex> = Vec::new();
    fn entry<'a>(out: &'a mut Vec<AgencyIndex>, code: &str, name: &Name) -> &'a mut AgencyIndex {
        match out.iter().position(|a| a.code == code) {
            Some(i) => &mut out[i],
            None => {
                out.push(AgencyIndex { code: code.to_string(), name: name.clone(), ..Default::default() });
                out.last_mut().expect("just pushed")
            }
        }
    }
    for c in satisfaction {
        entry(&mut out, &c.agency_code, &c.agency).satisfaction.add(receiving_satisfaction(&[(c.fact, c.count)]));
    }
    for c in reuse {
        let r = Ratio { numerator: if c.reused { c.count } else { 0 }, denominator: c.count };
        entry(&mut out, &c.agency_code, &c.agency).reuse.add(r);
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    let mut total = AgencyIndex::default();
    for a in &out {
        total.satisfaction.add(a.satisfaction);
        total.reuse.add(a.reuse);
    }
    (total, out)
}

/// Folds the counts into tallies per procedure, per agency (the sum of its procedures') and for
/// the province (the sum of the agencies'); agencies and procedures in code order.
pub fn fold(counts: &[RatingCount]) -> (Tally, Vec<AgencyRatings>) {
    let mut agencies: Vec<AgencyRatings> = Vec::new();
    for c in counts {
        let a = match agencies.iter().position(|a| a.code == c.agency_code) {
            Some(i) => &mut agencies[i],
            None => {
                agencies.push(AgencyRatings {
                    code: c.agency_code.clone(),
                    name: c.agency.clone(),
                    tally: Tally::default(),
                    procedures: Vec::new(),
                });
                agencies.last_mut().expect("just pushed")
            }
        };
        let p = match a.procedures.iter().position(|p| p.code == c.procedure_code) {
            Some(i) => &mut a.procedures[i],
            None => {
                a.procedures.push(ProcedureRatings {
                    code: c.procedure_code.clone(),
                    name: c.procedure.clone(),
                    tally: Tally::default(),
                });
                a.procedures.last_mut().expect("just pushed")
            }
        };
        p.tally.add_counted(&c.levels, c.unsatisfied, c.count);
    }
    let mut total = Tally::default();
    for a in &mut agencies {
        a.procedures.sort_by(|x, y| x.code.cmp(&y.code));
        for p in &a.procedures {
            a.tally.merge(&p.tally);
        }
        total.merge(&a.tally);
    }
    agencies.sort_by(|x, y| x.code.cmp(&y.code));
    (total, agencies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rating::Criterion;

    fn name(s: &str) -> Name {
        Name { vi: s.into(), en: String::new() }
    }

    fn count(agency: &str, procedure: &str, overall: Level, attitude: Option<Level>, n: i64) -> RatingCount {
        RatingCount {
            agency_code: agency.into(),
            agency: name(agency),
            procedure_code: procedure.into(),
            procedure: name(procedure),
            levels: [Some(overall), None, None, attitude],
            unsatisfied: overall == Level::Unsatisfied || attitude == Some(Level::Unsatisfied),
            count: n,
        }
    }

    #[test]
    fn the_province_is_the_sum_of_its_agencies_and_an_agency_of_its_procedures() {
        let counts = [
            count("B", "1.2", Level::Satisfied, None, 3),
            count("A", "1.1", Level::VerySatisfied, Some(Level::Unsatisfied), 2),
            count("A", "1.0", Level::Unsatisfied, None, 1),
            count("A", "1.1", Level::Satisfied, Some(Level::Satisfied), 4),
        ];
        let (total, agencies) = fold(&counts);
        assert_eq!(agencies.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["A", "B"]);
        let a = &agencies[0];
        assert_eq!(a.procedures.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(), ["1.0", "1.1"]);
        assert_eq!((a.tally.rated, a.tally.unsatisfied), (7, 3));
        assert_eq!(a.procedures[1].tally.levels[0], [2, 4, 0]);
        assert_eq!(a.procedures[1].tally.levels[3], [0, 4, 2]);
        assert_eq!((total.rated, total.unsatisfied), (10, 3));
        assert_eq!(total.levels[0], [2, 7, 1]);
        assert_eq!(total.satisfied_permille(Criterion::Overall), Some(900));
        assert_eq!(total.satisfied_permille(Criterion::Ease), None);
    }

    #[test]
    fn each_agency_index_counts_its_dossiers_and_the_province_is_their_sum() {
        use crate::domain::index766::{Ratio, SatisfactionFact};
        let name = |s: &str| Name { vi: s.into(), en: s.into() };
        let fact = |u, f, l| SatisfactionFact { rated_unsatisfied: u, feedback: f, late: l };
        let sat = vec![
            SatisfactionCount { agency_code: "B".into(), agency: name("B"), fact: fact(false, false, false), count: 8 },
            SatisfactionCount { agency_code: "A".into(), agency: name("A"), fact: fact(false, false, false), count: 3 },
            SatisfactionCount { agency_code: "A".into(), agency: name("A"), fact: fact(true, false, true), count: 1 },
            SatisfactionCount { agency_code: "B".into(), agency: name("B"), fact: fact(false, true, false), count: 2 },
        ];
        let reuse = vec![
            ReuseCount { agency_code: "A".into(), agency: name("A"), reused: true, count: 2 },
            ReuseCount { agency_code: "A".into(), agency: name("A"), reused: false, count: 6 },
            ReuseCount { agency_code: "C".into(), agency: name("C"), reused: false, count: 1 },
        ];
        let (total, agencies) = fold_index(&sat, &reuse);
        let codes: Vec<&str> = agencies.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes, ["A", "B", "C"]);
        assert_eq!(agencies[0].satisfaction, Ratio { numerator: 3, denominator: 4 });
        assert_eq!(agencies[0].reuse, Ratio { numerator: 2, denominator: 8 });
        assert_eq!(agencies[1].satisfaction, Ratio { numerator: 8, denominator: 10 });
        assert_eq!(agencies[2].satisfaction, Ratio::default());
        assert_eq!(total.satisfaction, Ratio { numerator: 11, denominator: 14 });
        assert_eq!(total.reuse, Ratio { numerator: 2, denominator: 9 });
    }
}
