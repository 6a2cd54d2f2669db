//! The QĐ 766 service-quality index (legal-notes §6.2–6.3): its eighteen indicators in five
//! groups, each as its numerator and denominator with the points the national portal gives
//! (the 2026 formulas of §6.3), or marked as having no data source here yet — scored 0, never
//! invented. Pure: counts in, points out.

use serde::{Deserialize, Serialize};

/// An indicator's numerator over its denominator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub numerator: i64,
    pub denominator: i64,
}

impl Ratio {
    /// The share in tenths of a percent (`None` without a denominator).
    pub fn permille(&self) -> Option<i64> {
        (self.denominator > 0).then(|| self.numerator * 1000 / self.denominator)
    }

    pub fn add(&mut self, other: Ratio) {
        self.numerator += other.numerator;
        self.denominator += other.denominator;
    }

    fn share(&self) -> f64 {
        if self.denominator == 0 {
            0.0
        } else {
            self.numerator as f64 / self.denominator as f64
        }
    }
}

/// What QĐ 766 reads of one resolved dossier for satisfaction: rated unsatisfied, drew
/// feedback about its reception or handling (a comment with the rating), resolved late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SatisfactionFact {
    pub rated_unsatisfied: bool,
    pub feedback: bool,
    pub late: bool,
}

impl SatisfactionFact {
    /// Counted as unsatisfied: any one of the three (legal-notes §6.3).
    pub fn unsatisfied(&self) -> bool {
        self.rated_unsatisfied || self.feedback || self.late
    }
}

/// Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC = (dossiers − those rated unsatisfied, with
/// feedback, or late) / dossiers, over counted facts.
pub fn receiving_satisfaction(facts: &[(SatisfactionFact, i64)]) -> Ratio {
    let denominator: i64 = facts.iter().map(|(_, n)| n).sum();
    let unsatisfied: i64 = facts.iter().filter(|(f, _)| f.unsatisfied()).map(|(_, n)| n).sum();
    Ratio { numerator: denominator - unsatisfied, denominator }
}

/// Points of `DOSSIER_RECEIVING_SATISFACTION`: `min(6, 6 × ratio / 0.90)`, none without dossiers.
pub fn receiving_satisfaction_points(r: Ratio) -> f64 {
    (6.0 * r.share() / 0.90).min(6.0)
}

/// Points of `REUSED_DIGITIZED_DATA` (dossiers that reused digitised data over dossiers):
/// `min(2, 2 × ratio / 0.80)`, full marks at 80 %.
pub fn reuse_points(r: Ratio) -> f64 {
    (2.0 * r.share() / 0.80).min(2.0)
}

/// Points written as people read them: two decimals.
pub fn format_points(p: f64) -> String {
    format!("{:.2}", (p * 100.0).round() / 100.0)
}

/// Points of a transparency indicator (1.1–1.4): `max × ratio`.
pub fn linear_points(max: f64, r: Ratio) -> f64 {
    max * r.share()
}

/// Points of a digitisation indicator (group 4, reuse apart): `min(max, max × ratio)`.
pub fn capped_points(max: f64, r: Ratio) -> f64 {
    (max * r.share()).min(max)
}

/// What the index is computed from, for one agency (or the province) and one period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexCounts {
    /// 1.1: procedures first published in the period, and those published on or before the day
    /// their text took effect.
    pub published_on_time: Ratio,
    /// 1.2: new versions of procedures published in the period, and those on time likewise.
    pub updated_on_time: Ratio,
    /// 1.3: procedures in force with every part TT 32/2017 Đ5.1 lists, over procedures in force.
    pub content_full: Ratio,
    /// 2.1: dossiers decided early or on time over dossiers decided in the period plus those
    /// open and overdue at its end.
    pub on_time: Ratio,
    /// 2.2: the average processing time in tenths of a day (information only).
    pub average_tenths_of_days: Option<i64>,
    /// 3 (A): procedures offered online (fully or partly) over procedures under authority.
    pub online_offered: Ratio,
    /// 3 (B): online procedures with at least one online dossier in the period over online procedures.
    pub online_used: Ratio,
    /// 3 (C): online dossiers over dossiers received in the period.
    pub online_dossiers: Ratio,
    /// 3 payment (A): dossiers with a fee paid online over dossiers that owed a fee in the period.
    pub paid_online: Ratio,
    /// 3 payment (B): procedures with fees that had an online payment in the period over procedures with fees.
    pub paying_procedures: Ratio,
    /// 4: dossiers decided with an electronic result over dossiers decided.
    pub electronic_results: Ratio,
    /// 4: dossiers received with their documents as files over dossiers received.
    pub digitised: Ratio,
    /// 4: dossiers that reused data from the personal data store over dossiers submitted.
    pub reuse: Ratio,
    /// 5: dossiers resolved not rated unsatisfied, without feedback and not late, over resolved.
    pub satisfaction: Ratio,
}

impl IndexCounts {
    /// Every ratio, in field order (for sums).
    pub fn ratios(&self) -> [Ratio; 13] {
        [
            self.published_on_time,
            self.updated_on_time,
            self.content_full,
            self.on_time,
            self.online_offered,
            self.online_used,
            self.online_dossiers,
            self.paid_online,
            self.paying_procedures,
            self.electronic_results,
            self.digitised,
            self.reuse,
            self.satisfaction,
        ]
    }

    pub fn ratios_mut(&mut self) -> [&mut Ratio; 13] {
        [
            &mut self.published_on_time,
            &mut self.updated_on_time,
            &mut self.content_full,
            &mut self.on_time,
            &mut self.online_offered,
            &mut self.online_used,
            &mut self.online_dossiers,
            &mut self.paid_online,
            &mut self.paying_procedures,
            &mut self.electronic_results,
            &mut self.digitised,
            &mut self.reuse,
            &mut self.satisfaction,
        ]
    }
}

/// Where an indicator's data comes from, when this system does not have it yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// Synchronisation of dossiers and stores with the national portal (DVCQG).
    NationalPortal,
    /// The national population database.
    PopulationData,
    /// The electronic certified-copy service.
    CertifiedCopies,
    /// Questions and feedback (PAKN), not yet built.
    Feedback,
}

impl Missing {
    pub fn key(self) -> &'static str {
        match self {
            Missing::NationalPortal => "index-missing-national-portal",
            Missing::PopulationData => "index-missing-population",
            Missing::CertifiedCopies => "index-missing-certified-copies",
            Missing::Feedback => "index-missing-feedback",
        }
    }
}

/// One part of a composite indicator (group 3's A, B and C).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub name: String,
    pub numerator: i64,
    pub denominator: i64,
    pub points: f64,
    pub max: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
}

/// One indicator as `/api/chi-so-766` writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub code: String,
    pub group: u8,
    pub max: f64,
    pub points: f64,
    pub numerator: i64,
    pub denominator: i64,
    /// Set when this system has no source for the indicator yet: it scores 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
    /// For an information-only figure (2.2), its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
}

/// The maximum of each group, in order (18 + 20 + 22 + 22 + 18 = 100).
pub const GROUP_MAX: [f64; 5] = [18.0, 20.0, 22.0, 22.0, 18.0];

fn round2(p: f64) -> f64 {
    (p * 100.0).round() / 100.0
}

fn counted(code: &str, group: u8, max: f64, r: Ratio, points: f64) -> Indicator {
    Indicator {
        code: code.into(),
        group,
        max,
        points: round2(points),
        numerator: r.numerator,
        denominator: r.denominator,
        missing: None,
        value: None,
        parts: Vec::new(),
    }
}

fn missing(code: &str, group: u8, max: f64, why: Missing) -> Indicator {
    Indicator { missing: Some(why), ..counted(code, group, max, Ratio::default(), 0.0) }
}

fn part(name: &str, max: f64, r: Ratio, points: f64) -> Part {
    Part {
        name: name.into(),
        numerator: r.numerator,
        denominator: r.denominator,
        points: round2(points),
        max,
        missing: None,
    }
}

/// The eighteen indicators from `c`, in the order of legal-notes §6.2.
pub fn indicators(c: &IndexCounts) -> Vec<Indicator> {
    // Group 3 (a), 12 points: min(2, 2A/0.8) + 4B + min(6, 6C/0.5).
    let online = [
        part("offered", 2.0, c.online_offered, (2.0 * c.online_offered.share() / 0.8).min(2.0)),
        part("used", 4.0, c.online_used, 4.0 * c.online_used.share()),
        part("dossiers", 6.0, c.online_dossiers, (6.0 * c.online_dossiers.share() / 0.5).min(6.0)),
    ];
    // Group 3 (b), 10 points: 6A + min(2, 2.5B) + min(2, 2.5C); C (payment offered through the
    // national portal) has no source here.
    let payment = [
        part("paid_online", 6.0, c.paid_online, 6.0 * c.paid_online.share()),
        part("procedures_paid", 2.0, c.paying_procedures, (2.5 * c.paying_procedures.share()).min(2.0)),
        Part {
            missing: Some(Missing::NationalPortal),
            ..part("procedures_offered_national", 2.0, Ratio::default(), 0.0)
        },
    ];
    let composite = |code: &str, max: f64, main: Ratio, parts: [Part; 3]| Indicator {
        parts: parts.to_vec(),
        ..counted(code, 3, max, main, parts.iter().map(|p| p.points).sum())
    };
    let average = c.average_tenths_of_days.map(|t| t as f64 / 10.0);
    vec![
        counted("PUBLISH_ON_TIME", 1, 6.0, c.published_on_time, linear_points(6.0, c.published_on_time)),
        counted("PUBLIC_UPDATE_ON_TIME", 1, 4.0, c.updated_on_time, linear_points(4.0, c.updated_on_time)),
        counted("PUBLIC_CONTENT_FULL", 1, 2.0, c.content_full, linear_points(2.0, c.content_full)),
        missing("DOSSIER_SYNC", 1, 6.0, Missing::NationalPortal),
        counted("DOSSIER_ON_TIME", 2, 20.0, c.on_time, 20.0 * c.on_time.share()),
        Indicator { value: average, ..counted("AVG_PROCESSING_DAYS", 2, 0.0, Ratio::default(), 0.0) },
        composite("ONLINE_SERVICE", 12.0, c.online_dossiers, online),
        composite("ONLINE_PAYMENT", 10.0, c.paid_online, payment),
        counted("ORIGINAL_RESULT_AVAILABLE", 4, 6.0, c.electronic_results, capped_points(6.0, c.electronic_results)),
        counted("SO_HOA_GIAY_TO_GIAI_QUYET", 4, 4.0, c.digitised, capped_points(4.0, c.digitised)),
        missing("ELECTRONIC_CERTIFIED_COPY", 4, 2.0, Missing::CertifiedCopies),
        counted("REUSED_DIGITIZED_DATA", 4, 2.0, c.reuse, reuse_points(c.reuse)),
        missing("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", 4, 4.0, Missing::NationalPortal),
        missing("CITIZEN_DATA_CONNECTED_DOSSIER", 4, 2.0, Missing::PopulationData),
        missing("CITIZEN_DATA_CONNECTED_FORMALITY", 4, 2.0, Missing::PopulationData),
        missing("PETITION_PROCESSING_ON_TIME", 5, 6.0, Missing::Feedback),
        missing("PETITION_HANDLING_SATISFACTION", 5, 6.0, Missing::Feedback),
        counted(
            "DOSSIER_RECEIVING_SATISFACTION",
            5,
            6.0,
            c.satisfaction,
            receiving_satisfaction_points(c.satisfaction),
        ),
    ]
}

/// Each group's points and the total out of 100.
pub fn group_points(indicators: &[Indicator]) -> ([f64; 5], f64) {
    let mut groups = [0.0; 5];
    for i in indicators {
        if let Some(g) = groups.get_mut(usize::from(i.group).saturating_sub(1)) {
            *g += i.points;
        }
    }
    let groups = groups.map(round2);
    (groups, round2(groups.iter().sum()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(rated_unsatisfied: bool, feedback: bool, late: bool) -> SatisfactionFact {
        SatisfactionFact { rated_unsatisfied, feedback, late }
    }

    #[test]
    fn a_dossier_rated_unsatisfied_with_feedback_or_late_counts_once_against_satisfaction() {
        let facts = [
            (fact(false, false, false), 70),
            (fact(true, false, false), 5),
            (fact(false, true, false), 3),
            (fact(false, false, true), 10),
            (fact(true, true, true), 2),
        ];
        let r = receiving_satisfaction(&facts);
        assert_eq!(r, Ratio { numerator: 70, denominator: 90 });
        assert_eq!(r.permille(), Some(777));
        // 77.8 % of the 90 % target: 6 × 0.7778 / 0.9 = 5.19 points.
        assert_eq!(format_points(receiving_satisfaction_points(r)), "5.19");
        // At or above 90 %: full marks, never more.
        assert_eq!(receiving_satisfaction_points(Ratio { numerator: 95, denominator: 100 }), 6.0);
        // No dossier resolved: no points (the portal's d = 0 → 0) and no share.
        assert_eq!(receiving_satisfaction_points(Ratio::default()), 0.0);
        assert_eq!(Ratio::default().permille(), None);
    }

    #[test]
    fn reuse_reaches_full_marks_at_eighty_percent() {
        assert_eq!(reuse_points(Ratio { numerator: 80, denominator: 100 }), 2.0);
        assert_eq!(reuse_points(Ratio { numerator: 100, denominator: 100 }), 2.0);
        assert_eq!(format_points(reuse_points(Ratio { numerator: 2, denominator: 10 })), "0.50");
        assert_eq!(reuse_points(Ratio::default()), 0.0);
    }

    /// A worked example for every formula: the points as computed by hand.
    #[test]
    fn every_indicator_scores_by_its_formula_and_the_maxima_add_up_to_a_hundred() {
        let r = |n, d| Ratio { numerator: n, denominator: d };
        let c = IndexCounts {
            published_on_time: r(3, 4),
            updated_on_time: r(1, 2),
            content_full: r(9, 10),
            on_time: r(45, 50),
            average_tenths_of_days: Some(42),
            online_offered: r(6, 10),
            online_used: r(3, 6),
            online_dossiers: r(30, 100),
            paid_online: r(1, 4),
            paying_procedures: r(1, 5),
            electronic_results: r(8, 10),
            digitised: r(10, 10),
            reuse: r(2, 10),
            satisfaction: r(70, 90),
        };
        let all = indicators(&c);
        assert_eq!(all.len(), 18);
        let max: f64 = all.iter().map(|i| i.max).sum();
        assert_eq!(max, 100.0);
        for (g, m) in GROUP_MAX.iter().enumerate() {
            let sum: f64 = all.iter().filter(|i| usize::from(i.group) == g + 1).map(|i| i.max).sum();
            assert_eq!(sum, *m, "group {}", g + 1);
        }
        let points = |code: &str| all.iter().find(|i| i.code == code).unwrap().points;
        assert_eq!(points("PUBLISH_ON_TIME"), 4.5); // 6 × 3/4
        assert_eq!(points("PUBLIC_UPDATE_ON_TIME"), 2.0); // 4 × 1/2
        assert_eq!(points("PUBLIC_CONTENT_FULL"), 1.8); // 2 × 0.9
        assert_eq!(points("DOSSIER_SYNC"), 0.0);
        assert_eq!(points("DOSSIER_ON_TIME"), 18.0); // 20 × 0.9
                                                     // min(2, 2 × 0.6/0.8) + 4 × 0.5 + min(6, 6 × 0.3/0.5) = 1.5 + 2 + 3.6
        assert_eq!(points("ONLINE_SERVICE"), 7.1);
        // 6 × 0.25 + min(2, 2.5 × 0.2) + 0 = 1.5 + 0.5
        assert_eq!(points("ONLINE_PAYMENT"), 2.0);
        assert_eq!(points("ORIGINAL_RESULT_AVAILABLE"), 4.8); // min(6, 6 × 0.8)
        assert_eq!(points("SO_HOA_GIAY_TO_GIAI_QUYET"), 4.0);
        assert_eq!(points("REUSED_DIGITIZED_DATA"), 0.5); // min(2, 2 × 0.2/0.8)
        assert_eq!(points("DOSSIER_RECEIVING_SATISFACTION"), 5.19); // min(6, 6 × 0.778/0.9)
        let avg = all.iter().find(|i| i.code == "AVG_PROCESSING_DAYS").unwrap();
        assert_eq!((avg.max, avg.points, avg.value), (0.0, 0.0, Some(4.2)));
        // No data source here: said, and no points.
        for code in [
            "DOSSIER_SYNC",
            "ELECTRONIC_CERTIFIED_COPY",
            "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
            "CITIZEN_DATA_CONNECTED_DOSSIER",
            "CITIZEN_DATA_CONNECTED_FORMALITY",
            "PETITION_PROCESSING_ON_TIME",
            "PETITION_HANDLING_SATISFACTION",
        ] {
            let i = all.iter().find(|i| i.code == code).unwrap();
            assert!(i.missing.is_some() && i.points == 0.0, "{code}");
        }
        let (groups, total) = group_points(&all);
        assert_eq!(groups, [8.3, 18.0, 9.1, 9.3, 5.19]);
        assert_eq!(total, 49.89);
        // Nothing counted: nothing scored, and no division by zero.
        let (_, zero) = group_points(&indicators(&IndexCounts::default()));
        assert_eq!(zero, 0.0);
    }

    #[test]
    fn ratios_add_up() {
        let mut r = Ratio { numerator: 1, denominator: 2 };
        r.add(Ratio { numerator: 3, denominator: 4 });
        assert_eq!(r, Ratio { numerator: 4, denominator: 6 });
    }
}
