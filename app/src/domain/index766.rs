//! The QĐ 766 indicators that ratings and the personal data store feed (legal-notes §6.2–6.3):
//! `DOSSIER_RECEIVING_SATISFACTION` (group 5) and `REUSED_DIGITIZED_DATA` (group 4), each as its
//! numerator and denominator with the points the national portal gives. Pure: counts in.

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

    #[test]
    fn ratios_add_up() {
        let mut r = Ratio { numerator: 1, denominator: 2 };
        r.add(Ratio { numerator: 3, denominator: 4 });
        assert_eq!(r, Ratio { numerator: 4, denominator: 6 });
    }
}
