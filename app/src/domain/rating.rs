//! The applicant's satisfaction rating of a handled dossier (TT 32/2017 Đ12, legal-notes §7.2):
//! the overall rating (required) and three criteria — ease of use, on-time handling and the
//! officers' attitude — each on three levels, and an optional comment. Parsed once at the edge
//! into a [`Rating`], or every field's error at once.

use crate::domain::status::DossierStatus;
use crate::domain::FieldError;
use serde::{Deserialize, Serialize};

/// One of the three levels of SAT-02.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Rất hài lòng.
    VerySatisfied,
    /// Hài lòng.
    Satisfied,
    /// Chưa hài lòng.
    Unsatisfied,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::VerySatisfied, Level::Satisfied, Level::Unsatisfied];

    /// The form's value and the stored code.
    pub fn name(self) -> &'static str {
        match self {
            Self::VerySatisfied => "very-satisfied",
            Self::Satisfied => "satisfied",
            Self::Unsatisfied => "unsatisfied",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Self::ALL.into_iter().find(|l| l.name() == s)
    }

    /// Message key of the level's words.
    pub fn key(self) -> String {
        format!("rating-level-{}", self.name())
    }
}

/// The criteria of SAT-01, each rated on the three levels; the overall one is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Criterion {
    Overall,
    /// Ease of use (easy to use, response time).
    Ease,
    /// Handled and returned on time.
    OnTime,
    /// The officers' attitude (helpfulness, communication).
    Attitude,
}

impl Criterion {
    pub const ALL: [Criterion; 4] = [Criterion::Overall, Criterion::Ease, Criterion::OnTime, Criterion::Attitude];

    /// The form field and the stored column.
    pub fn field(self) -> &'static str {
        match self {
            Self::Overall => "overall",
            Self::Ease => "ease",
            Self::OnTime => "on_time",
            Self::Attitude => "attitude",
        }
    }

    /// Message key of the criterion's question.
    pub fn key(self) -> String {
        format!("rating-criterion-{}", self.field().replace('_', "-"))
    }

    /// Message key of the criterion's short name (the history, the public table's heads).
    pub fn short_key(self) -> String {
        format!("rating-short-{}", self.field().replace('_', "-"))
    }
}

/// How the rating reached the office: online (the applicant's account, or the lookup page or
/// notice with the dossier's token), or entered by the desk from a walk-in applicant's paper
/// form or the counter's tablet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RatingChannel {
    Online,
    Paper,
    Tablet,
}

impl RatingChannel {
    pub const ALL: [RatingChannel; 3] = [RatingChannel::Online, RatingChannel::Paper, RatingChannel::Tablet];

    pub fn name(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Paper => "paper",
            Self::Tablet => "tablet",
        }
    }

    pub fn parse(s: &str) -> Option<RatingChannel> {
        Self::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Message key of the channel's name.
    pub fn key(self) -> String {
        format!("rating-channel-{}", self.name())
    }
}

/// A rating as given: each criterion's level (the overall one always there) and the comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub overall: Level,
    pub ease: Option<Level>,
    pub on_time: Option<Level>,
    pub attitude: Option<Level>,
    /// Trimmed; empty when none was written.
    pub comment: String,
}

/// The longest comment kept.
pub const COMMENT_MAX: usize = 2000;

/// The raw fields of a rating form, as posted (a radio group left empty is empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RatingInput {
    pub overall: String,
    pub ease: String,
    pub on_time: String,
    pub attitude: String,
    pub comment: String,
}

impl RatingInput {
    /// The fields as a form posts them: overall, ease, on time, attitude, comment (a radio group
    /// left empty is absent).
    pub fn posted(fields: [Option<String>; 5]) -> RatingInput {
        let [overall, ease, on_time, attitude, comment] = fields.map(Option::unwrap_or_default);
        RatingInput { overall, ease, on_time, attitude, comment }
    }
}

impl Rating {
    /// The rating of `input`, or the error of every field that is wrong: the overall rating
    /// missing, a level that is not one of the three, a comment too long or with control
    /// characters.
    pub fn parse(input: &RatingInput) -> Result<Rating, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut level = |c: Criterion, raw: &str| -> Option<Level> {
            let raw = raw.trim();
            if raw.is_empty() {
                if c == Criterion::Overall {
                    errors.push(FieldError::new(c.field(), "error-rating-overall-required"));
                }
                return None;
            }
            let l = Level::parse(raw);
            if l.is_none() {
                errors.push(FieldError::new(c.field(), "error-rating-level"));
            }
            l
        };
        let overall = level(Criterion::Overall, &input.overall);
        let ease = level(Criterion::Ease, &input.ease);
        let on_time = level(Criterion::OnTime, &input.on_time);
        let attitude = level(Criterion::Attitude, &input.attitude);
        let comment = match crate::domain::text::clean_text(&input.comment) {
            Ok(c) => {
                let c = c.trim().to_string();
                if c.chars().count() > COMMENT_MAX {
                    errors.push(FieldError::new("comment", "error-rating-comment-length"));
                } else if c.chars().any(|ch| ch.is_control() && ch != '\n' && ch != '\r' && ch != '\t') {
                    errors.push(FieldError::new("comment", "error-text-control"));
                }
                c
            }
            Err(key) => {
                errors.push(FieldError::new("comment", key));
                String::new()
            }
        };
        match overall {
            Some(overall) if errors.is_empty() => Ok(Rating { overall, ease, on_time, attitude, comment }),
            _ => Err(errors),
        }
    }

    /// The level given for `c`, if any.
    pub fn level(&self, c: Criterion) -> Option<Level> {
        match c {
            Criterion::Overall => Some(self.overall),
            Criterion::Ease => self.ease,
            Criterion::OnTime => self.on_time,
            Criterion::Attitude => self.attitude,
        }
    }

    /// Rated "Chưa hài lòng" on any criterion: QĐ 766 counts the dossier as unsatisfied
    /// (legal-notes §6.3 counts a dossier rated unsatisfied; a citizen unsatisfied with the
    /// officers' attitude is not satisfied with the service).
    pub fn is_unsatisfied(&self) -> bool {
        Criterion::ALL.into_iter().any(|c| self.level(c) == Some(Level::Unsatisfied))
    }

    /// Calls for the agency leader's answer (trách nhiệm giải trình, Yên Bái Đ5.2.e): rated
    /// unsatisfied, or a comment written.
    pub fn needs_answer(&self) -> bool {
        self.is_unsatisfied() || !self.comment.is_empty()
    }
}

/// Working days the receiving agency's leader has to answer a rating that calls for it: the
/// three working days Yên Bái QĐ 1649 Đ19.2.b gives an agency to answer a question within its
/// own competence (the regulation sets no other figure for accountability).
pub const ANSWER_DAYS: i64 = 3;

/// A dossier may be rated once its result is returned or it was refused: the service is over.
pub fn may_be_rated(status: DossierStatus) -> bool {
    matches!(status, DossierStatus::Delivered | DossierStatus::Refused)
}

/// The count of each level for each criterion: what the public sees of ratings, per agency and
/// per procedure, never per officer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Dossiers rated.
    pub rated: i64,
    /// Of those, rated unsatisfied on some criterion.
    pub unsatisfied: i64,
    /// For each criterion (in [`Criterion::ALL`] order), the count of each level (in
    /// [`Level::ALL`] order).
    pub levels: [[i64; 3]; 4],
}

impl Tally {
    pub fn add(&mut self, r: &Rating) {
        self.add_counted(&Criterion::ALL.map(|c| r.level(c)), r.is_unsatisfied(), 1);
    }

    /// Adds `n` ratings that gave `levels` (in [`Criterion::ALL`] order), as counted by storage.
    pub fn add_counted(&mut self, levels: &[Option<Level>; 4], unsatisfied: bool, n: i64) {
        self.rated += n;
        if unsatisfied {
            self.unsatisfied += n;
        }
        for (ci, l) in levels.iter().enumerate() {
            if let Some(l) = l {
                let li = Level::ALL.iter().position(|x| x == l).unwrap_or(0);
                self.levels[ci][li] += n;
            }
        }
    }

    /// Adds another tally (an agency's is the sum of its procedures').
    pub fn merge(&mut self, other: &Tally) {
        self.rated += other.rated;
        self.unsatisfied += other.unsatisfied;
        for (mine, theirs) in self.levels.iter_mut().zip(other.levels.iter()) {
            for (a, b) in mine.iter_mut().zip(theirs.iter()) {
                *a += b;
            }
        }
    }

    /// The share of those who rated `c` who were very satisfied or satisfied, in per mille
    /// (None when nobody rated it).
    pub fn satisfied_permille(&self, c: Criterion) -> Option<i64> {
        let ci = Criterion::ALL.iter().position(|x| *x == c)?;
        let [very, ok, not] = self.levels[ci];
        let n = very + ok + not;
        (n > 0).then(|| (very + ok) * 1000 / n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(overall: &str, comment: &str) -> RatingInput {
        RatingInput { overall: overall.into(), comment: comment.into(), ..Default::default() }
    }

    #[test]
    fn the_overall_rating_alone_is_a_rating() {
        let r = Rating::parse(&input("satisfied", "  ")).unwrap();
        assert_eq!(r.overall, Level::Satisfied);
        assert_eq!((r.ease, r.on_time, r.attitude), (None, None, None));
        assert_eq!(r.comment, "");
        assert!(!r.needs_answer());
    }

    #[test]
    fn a_rating_without_the_overall_one_is_refused_at_its_field() {
        let e = Rating::parse(&RatingInput { ease: "satisfied".into(), ..Default::default() }).unwrap_err();
        assert_eq!(e, vec![FieldError::new("overall", "error-rating-overall-required")]);
    }

    #[test]
    fn every_wrong_field_is_reported_at_once() {
        let long = "x".repeat(COMMENT_MAX + 1);
        let e = Rating::parse(&RatingInput {
            overall: String::new(),
            ease: "5 stars".into(),
            on_time: "satisfied".into(),
            attitude: "meh".into(),
            comment: long,
        })
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["overall", "ease", "attitude", "comment"]);
        assert_eq!(e[1].key, "error-rating-level");
        assert_eq!(e[3].key, "error-rating-comment-length");
    }

    #[test]
    fn a_comment_keeps_its_lines_and_loses_its_control_characters_to_an_error() {
        let r = Rating::parse(&input("very-satisfied", " Nhanh.\nCảm ơn ")).unwrap();
        assert_eq!(r.comment, "Nhanh.\nCảm ơn");
        assert!(Rating::parse(&input("very-satisfied", "a\u{7}b")).is_err());
        assert!(Rating::parse(&input("very-satisfied", "a\u{202e}b")).is_err());
    }

    #[test]
    fn unsatisfied_on_any_criterion_or_a_comment_calls_for_an_answer() {
        let mut r = Rating::parse(&input("satisfied", "")).unwrap();
        assert!(!r.is_unsatisfied());
        r.attitude = Some(Level::Unsatisfied);
        assert!(r.is_unsatisfied() && r.needs_answer());
        let r = Rating::parse(&input("very-satisfied", "Cán bộ hướng dẫn tận tình")).unwrap();
        assert!(!r.is_unsatisfied() && r.needs_answer());
    }

    #[test]
    fn only_a_returned_or_refused_dossier_is_rated() {
        let rated: Vec<DossierStatus> = DossierStatus::ALL.into_iter().filter(|s| may_be_rated(*s)).collect();
        assert_eq!(rated, [DossierStatus::Refused, DossierStatus::Delivered]);
    }

    #[test]
    fn names_read_back() {
        for l in Level::ALL {
            assert_eq!(Level::parse(l.name()), Some(l));
        }
        for c in RatingChannel::ALL {
            assert_eq!(RatingChannel::parse(c.name()), Some(c));
        }
        assert_eq!(Criterion::OnTime.key(), "rating-criterion-on-time");
    }

    #[test]
    fn a_tally_counts_levels_per_criterion_and_the_satisfied_share() {
        let mut t = Tally::default();
        t.add(&Rating::parse(&input("very-satisfied", "")).unwrap());
        t.add(&Rating::parse(&input("satisfied", "")).unwrap());
        t.add(
            &Rating::parse(&RatingInput {
                overall: "unsatisfied".into(),
                on_time: "unsatisfied".into(),
                ..Default::default()
            })
            .unwrap(),
        );
        assert_eq!((t.rated, t.unsatisfied), (3, 1));
        assert_eq!(t.levels[0], [1, 1, 1]);
        assert_eq!(t.levels[2], [0, 0, 1]);
        assert_eq!(t.satisfied_permille(Criterion::Overall), Some(666));
        assert_eq!(t.satisfied_permille(Criterion::OnTime), Some(0));
        assert_eq!(t.satisfied_permille(Criterion::Ease), None);
    }
}
