//! Statistics of dossiers for a period (`docs/statistics.md`): where each dossier stands in a
//! period — carried over or new, and how it left the period (resolved early, on time or late,
//! refused, withdrawn, stopped) or whether it is still open at its end (within or past the
//! deadline) — and the figures those places add up to. Pure: facts in, figures out; storage
//! counts the same places in SQL ([`Outcome::code`] names them in both).
//!
//! The identity every agency and period keeps: `carried_over + received_new = resolved_early +
//! resolved_on_time + resolved_late + refused + withdrawn + stopped + open_within_deadline +
//! open_overdue`.

use crate::domain::channel::Channel;
use crate::domain::clock::{timeliness, Timeliness};
use crate::domain::status::DossierStatus;
use serde::{Deserialize, Serialize};

/// What statistics read of one dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    /// When it reached the agency: submitted online, or handed in at the counter or by post.
    pub submitted_at: i64,
    /// When the agency accepted it (the legal clock's start), if it did.
    pub accepted_at: Option<i64>,
    /// The due date in force (moved by supplements and apologies).
    pub due_at: Option<i64>,
    /// When it left handling: decided (the result approved), refused, withdrawn or stopped.
    pub resolved_at: Option<i64>,
    /// Its status now.
    pub status: DossierStatus,
    pub channel: Channel,
}

/// A period `[from, to)` in milliseconds, read at `now` (a period that has not ended yet is read
/// as it stands now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: i64,
    pub to: i64,
}

impl Period {
    /// The instant the period's open dossiers are judged at: its end, or now if that is earlier.
    pub fn end(&self, now: i64) -> i64 {
        self.to.min(now)
    }
}

/// How a dossier leaves a period, or stands at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Outcome {
    ResolvedEarly,
    ResolvedOnTime,
    ResolvedLate,
    Refused,
    Withdrawn,
    Stopped,
    OpenWithinDeadline,
    OpenOverdue,
}

impl Outcome {
    pub const ALL: [Outcome; 8] = [
        Outcome::ResolvedEarly,
        Outcome::ResolvedOnTime,
        Outcome::ResolvedLate,
        Outcome::Refused,
        Outcome::Withdrawn,
        Outcome::Stopped,
        Outcome::OpenWithinDeadline,
        Outcome::OpenOverdue,
    ];

    /// The number storage writes for the outcome (its SQL `case` answers these).
    pub fn code(self) -> i64 {
        Self::ALL.iter().position(|o| *o == self).unwrap_or(0) as i64
    }

    pub fn from_code(code: i64) -> Option<Outcome> {
        usize::try_from(code).ok().and_then(|i| Self::ALL.get(i).copied())
    }

    /// The name of the figure, as `/api/thong-ke` writes it.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::ResolvedEarly => "resolved_early",
            Outcome::ResolvedOnTime => "resolved_on_time",
            Outcome::ResolvedLate => "resolved_late",
            Outcome::Refused => "refused",
            Outcome::Withdrawn => "withdrawn",
            Outcome::Stopped => "stopped",
            Outcome::OpenWithinDeadline => "open_within_deadline",
            Outcome::OpenOverdue => "open_overdue",
        }
    }

    pub fn key(self) -> String {
        format!("stats-{}", self.name().replace('_', "-"))
    }

    pub fn is_open(self) -> bool {
        matches!(self, Outcome::OpenWithinDeadline | Outcome::OpenOverdue)
    }
}

/// Where one dossier stands in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Received before the period and still open at its start.
    pub carried_over: bool,
    pub outcome: Outcome,
    /// Open at the end and, now, waiting for the applicant (a supplement, a fee, a result to
    /// collect is not open): counted among the open, shown apart.
    pub waiting: bool,
}

/// A dossier's place in `period`, or `None` when the period does not see it (received after it
/// ended, resolved before it began, or never submitted).
///
/// A dossier resolved in the period leaves it by its status: refused, withdrawn, stopped, else
/// decided — early, on time or late against its due date ([`timeliness`]; without a due date,
/// on time). One still open at the period's end is overdue when its due date has passed by then,
/// unless it waits for a supplement now (the legal clock stands still while it does).
pub fn place(f: &Fact, period: Period, now: i64) -> Option<Place> {
    if f.submitted_at >= period.to || f.resolved_at.is_some_and(|r| r < period.from) {
        return None;
    }
    let carried_over = f.submitted_at < period.from;
    let resolved_in = f.resolved_at.filter(|r| *r < period.to);
    let outcome = match resolved_in {
        Some(r) => match f.status {
            DossierStatus::Refused => Outcome::Refused,
            DossierStatus::Withdrawn => Outcome::Withdrawn,
            DossierStatus::Stopped => Outcome::Stopped,
            _ => match f.due_at.map(|d| timeliness(d, r)) {
                Some(Timeliness::Early) => Outcome::ResolvedEarly,
                Some(Timeliness::Late) => Outcome::ResolvedLate,
                Some(Timeliness::OnTime) | None => Outcome::ResolvedOnTime,
            },
        },
        None => {
            let paused = f.resolved_at.is_none() && f.status.is_waiting();
            match f.due_at {
                Some(d) if d < period.end(now) && !paused => Outcome::OpenOverdue,
                _ => Outcome::OpenWithinDeadline,
            }
        }
    };
    let waiting = outcome.is_open() && f.resolved_at.is_none() && f.status.waits_for_applicant();
    Some(Place { carried_over, outcome, waiting })
}

/// The figures of a period for an agency, a procedure or the province.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub carried_over: i64,
    pub received_new: i64,
    pub received_online: i64,
    pub received_counter: i64,
    pub received_postal: i64,
    pub resolved_early: i64,
    pub resolved_on_time: i64,
    pub resolved_late: i64,
    pub refused: i64,
    pub withdrawn: i64,
    pub stopped: i64,
    pub open_within_deadline: i64,
    pub open_overdue: i64,
    /// Among the open: waiting for the applicant now.
    pub waiting_for_citizen: i64,
    /// Online dossiers (new or carried over) decided or refused in the period (TT 32/2017
    /// Đ11.3.b).
    pub online_handled: i64,
    /// Of those, decided on time or early, or refused (a refusal answers within the deadline).
    pub online_handled_on_time: i64,
    /// The sum of the processing times of the dossiers decided in the period (accepted to
    /// decided), and how many: their average is [`Figures::average_days`].
    pub processing_ms: i64,
    pub processed: i64,
}

impl Figures {
    /// Counts `n` dossiers with the same place, channel and processing time sum.
    pub fn count(&mut self, place: Place, channel: Channel, n: i64, processing_ms: i64) {
        if place.carried_over {
            self.carried_over += n;
        } else {
            self.received_new += n;
            match channel {
                Channel::Online => self.received_online += n,
                Channel::Counter => self.received_counter += n,
                Channel::Postal => self.received_postal += n,
            }
        }
        *self.outcome_mut(place.outcome) += n;
        if place.waiting {
            self.waiting_for_citizen += n;
        }
        let decided = matches!(place.outcome, Outcome::ResolvedEarly | Outcome::ResolvedOnTime | Outcome::ResolvedLate);
        if channel == Channel::Online && (decided || place.outcome == Outcome::Refused) {
            self.online_handled += n;
            if place.outcome != Outcome::ResolvedLate {
                self.online_handled_on_time += n;
            }
        }
        if decided {
            self.processing_ms += processing_ms;
            self.processed += n;
        }
    }

    pub fn outcome(&self, o: Outcome) -> i64 {
        match o {
            Outcome::ResolvedEarly => self.resolved_early,
            Outcome::ResolvedOnTime => self.resolved_on_time,
            Outcome::ResolvedLate => self.resolved_late,
            Outcome::Refused => self.refused,
            Outcome::Withdrawn => self.withdrawn,
            Outcome::Stopped => self.stopped,
            Outcome::OpenWithinDeadline => self.open_within_deadline,
            Outcome::OpenOverdue => self.open_overdue,
        }
    }

    fn outcome_mut(&mut self, o: Outcome) -> &mut i64 {
        match o {
            Outcome::ResolvedEarly => &mut self.resolved_early,
            Outcome::ResolvedOnTime => &mut self.resolved_on_time,
            Outcome::ResolvedLate => &mut self.resolved_late,
            Outcome::Refused => &mut self.refused,
            Outcome::Withdrawn => &mut self.withdrawn,
            Outcome::Stopped => &mut self.stopped,
            Outcome::OpenWithinDeadline => &mut self.open_within_deadline,
            Outcome::OpenOverdue => &mut self.open_overdue,
        }
    }

    /// Every dossier the period saw: carried over and new.
    pub fn total(&self) -> i64 {
        self.carried_over + self.received_new
    }

    pub fn resolved(&self) -> i64 {
        self.resolved_early + self.resolved_on_time + self.resolved_late
    }

    pub fn open(&self) -> i64 {
        self.open_within_deadline + self.open_overdue
    }

    /// Where everything the period saw went: resolved or closed in it, or open at its end.
    pub fn accounted(&self) -> i64 {
        Outcome::ALL.iter().map(|o| self.outcome(*o)).sum()
    }

    /// The identity: carried over + new = resolved or closed + still open.
    pub fn balances(&self) -> bool {
        self.total() == self.accounted()
    }

    /// Decided early or on time, in tenths of a percent of those decided (`None` without any).
    pub fn on_time_permille(&self) -> Option<i64> {
        let d = self.resolved();
        (d > 0).then(|| (self.resolved_early + self.resolved_on_time) * 1000 / d)
    }

    /// Online dossiers handled on time, in tenths of a percent of those handled (TT 32/2017
    /// Đ11.3.c).
    pub fn online_on_time_permille(&self) -> Option<i64> {
        (self.online_handled > 0).then(|| self.online_handled_on_time * 1000 / self.online_handled)
    }

    /// The average processing time of the dossiers decided in the period, in tenths of a day.
    pub fn average_tenths_of_days(&self) -> Option<i64> {
        const TENTH_OF_DAY_MS: i64 = 8_640_000;
        (self.processed > 0).then(|| (self.processing_ms / self.processed + TENTH_OF_DAY_MS / 2) / TENTH_OF_DAY_MS)
    }

    pub fn add(&mut self, o: &Figures) {
        self.carried_over += o.carried_over;
        self.received_new += o.received_new;
        self.received_online += o.received_online;
        self.received_counter += o.received_counter;
        self.received_postal += o.received_postal;
        self.resolved_early += o.resolved_early;
        self.resolved_on_time += o.resolved_on_time;
        self.resolved_late += o.resolved_late;
        self.refused += o.refused;
        self.withdrawn += o.withdrawn;
        self.stopped += o.stopped;
        self.open_within_deadline += o.open_within_deadline;
        self.open_overdue += o.open_overdue;
        self.waiting_for_citizen += o.waiting_for_citizen;
        self.online_handled += o.online_handled;
        self.online_handled_on_time += o.online_handled_on_time;
        self.processing_ms += o.processing_ms;
        self.processed += o.processed;
    }
}

/// Processing time of a decided dossier: from its acceptance (or submission) to its decision.
pub fn processing_ms(f: &Fact) -> i64 {
    match f.resolved_at {
        Some(r) => r - f.accepted_at.unwrap_or(f.submitted_at),
        None => 0,
    }
}

/// [`place`] in SQL over a `dossiers` row aliased `d`, for storage to count by: the columns
/// `carried`, `outcome` ([`Outcome::code`]), `waiting` (0 or 1) and `processing` (ms), and the
/// condition that the period sees the row. Parameters: `$1` the period's start, `$2` its end,
/// `$3` the instant open dossiers are judged at ([`Period::end`]). Written here, beside
/// [`place`], so that the two read alike; an API test compares them on the same rows.
pub struct PlaceSql {
    pub columns: String,
    pub seen: &'static str,
}

pub fn place_sql() -> PlaceSql {
    use crate::domain::vn_time::OFFSET_MS;
    const DAY_MS: i64 = 86_400_000;
    let s = |st: DossierStatus| st.code();
    let o = |o: Outcome| o.code();
    let (refused, withdrawn, stopped) =
        (s(DossierStatus::Refused), s(DossierStatus::Withdrawn), s(DossierStatus::Stopped));
    let paused = DossierStatus::sql_codes(DossierStatus::is_waiting);
    let waits = DossierStatus::sql_codes(DossierStatus::waits_for_applicant);
    let outcome = format!(
        "case when d.resolved_at is not null and d.resolved_at < $2 then \
           case when d.status = {refused} then {r} when d.status = {withdrawn} then {w} when d.status = {stopped} then {st} \
                when d.due_at is null then {on_time} when d.resolved_at > d.due_at then {late} \
                when (d.resolved_at + {OFFSET_MS}) / {DAY_MS} < (d.due_at + {OFFSET_MS}) / {DAY_MS} then {early} \
                else {on_time} end \
         when d.due_at is not null and d.due_at < $3 and not (d.resolved_at is null and d.status in {paused}) then {overdue} \
         else {within} end",
        r = o(Outcome::Refused),
        w = o(Outcome::Withdrawn),
        st = o(Outcome::Stopped),
        on_time = o(Outcome::ResolvedOnTime),
        late = o(Outcome::ResolvedLate),
        early = o(Outcome::ResolvedEarly),
        overdue = o(Outcome::OpenOverdue),
        within = o(Outcome::OpenWithinDeadline),
    );
    let columns = format!(
        "case when d.submitted_at < $1 then 1 else 0 end as carried, ({outcome}) as outcome, \
         case when d.resolved_at is null and d.status in {waits} then 1 else 0 end as waiting, \
         case when d.resolved_at < $2 and d.status not in ({refused}, {withdrawn}, {stopped}) \
              then d.resolved_at - coalesce(d.accepted_at, d.submitted_at) else 0 end as processing"
    );
    PlaceSql {
        columns,
        seen: "d.submitted_at is not null and d.submitted_at < $2 and (d.resolved_at is null or d.resolved_at >= $1)",
    }
}

/// The figures of `facts` in `period`.
pub fn figures<'a>(facts: impl IntoIterator<Item = &'a Fact>, period: Period, now: i64) -> Figures {
    let mut out = Figures::default();
    for f in facts {
        if let Some(p) = place(f, period, now) {
            out.count(p, f.channel, 1, processing_ms(f));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::at;
    use DossierStatus as S;

    /// November 2026, read on 3 December.
    fn november() -> (Period, i64) {
        (Period { from: at(2026, 11, 1, 0, 0), to: at(2026, 12, 1, 0, 0) }, at(2026, 12, 3, 9, 0))
    }

    fn fact(submitted: i64, due: Option<i64>, resolved: Option<i64>, status: S) -> Fact {
        Fact {
            submitted_at: submitted,
            accepted_at: Some(submitted),
            due_at: due,
            resolved_at: resolved,
            status,
            channel: Channel::Online,
        }
    }

    /// A hand-computed month: every kind of dossier the period may see, and three it must not.
    #[test]
    fn a_month_counted_by_hand_keeps_the_identity() {
        let (nov, now) = november();
        let d = |day: u8, h: u16| at(2026, 11, day, h, 0);
        let oct = |day: u8| at(2026, 10, day, 9, 0);
        let dec = |day: u8| at(2026, 12, day, 9, 0);
        let facts = [
            // Carried over from October, decided in November two days early.
            fact(oct(20), Some(d(12, 17)), Some(d(10, 10)), S::Delivered),
            // Carried over, decided on its due date (before the due hour).
            fact(oct(25), Some(d(5, 17)), Some(d(5, 15)), S::ResultReady),
            // New, decided an hour late.
            fact(d(2, 9), Some(d(20, 17)), Some(d(20, 18)), S::Delivered),
            // New, refused.
            fact(d(3, 9), Some(d(25, 17)), Some(d(4, 9)), S::Refused),
            // New, withdrawn; new, stopped.
            fact(d(4, 9), Some(d(25, 17)), Some(d(6, 9)), S::Withdrawn),
            fact(d(5, 9), Some(d(26, 17)), Some(d(7, 9)), S::Stopped),
            // New, crosses into December: decided on 2 December, open at the end of November,
            // within its deadline (due 10 December).
            fact(d(20, 9), Some(dec(10)), Some(dec(2)), S::Delivered),
            // New, open at the end and past its due date of 28 November.
            fact(d(10, 9), Some(d(28, 17)), None, S::InHandling),
            // New, due 25 November but waiting for a supplement now: the clock stands still.
            fact(d(11, 9), Some(d(25, 17)), None, S::SupplementRequested),
            // Carried over from September, still open, overdue.
            fact(at(2026, 9, 1, 9, 0), Some(oct(1)), None, S::InHandling),
            // Not seen: resolved in October; received in December; never submitted is not a fact.
            fact(oct(1), Some(oct(20)), Some(oct(15)), S::Delivered),
            fact(dec(1), Some(dec(20)), None, S::Accepted),
        ];
        let f = figures(&facts, nov, now);
        assert_eq!((f.carried_over, f.received_new), (3, 7));
        assert_eq!((f.resolved_early, f.resolved_on_time, f.resolved_late), (1, 1, 1));
        assert_eq!((f.refused, f.withdrawn, f.stopped), (1, 1, 1));
        assert_eq!((f.open_within_deadline, f.open_overdue, f.waiting_for_citizen), (2, 2, 1));
        assert!(f.balances(), "{f:?}");
        assert_eq!(f.total(), 10);
        assert_eq!(f.on_time_permille(), Some(666));
        // Online and handled: three decided and one refused, one of them late.
        assert_eq!((f.online_handled, f.online_handled_on_time), (4, 3));
        assert_eq!(f.online_on_time_permille(), Some(750));
    }

    #[test]
    fn a_period_not_yet_ended_judges_its_open_dossiers_now() {
        let period = Period { from: at(2026, 12, 1, 0, 0), to: at(2027, 1, 1, 0, 0) };
        let now = at(2026, 12, 3, 9, 0);
        let due_tomorrow = fact(at(2026, 12, 1, 9, 0), Some(at(2026, 12, 4, 17, 0)), None, S::InHandling);
        let due_yesterday = fact(at(2026, 12, 1, 9, 0), Some(at(2026, 12, 2, 17, 0)), None, S::InHandling);
        assert_eq!(place(&due_tomorrow, period, now).map(|p| p.outcome), Some(Outcome::OpenWithinDeadline));
        assert_eq!(place(&due_yesterday, period, now).map(|p| p.outcome), Some(Outcome::OpenOverdue));
        // Not yet accepted: no due date, within the deadline.
        let submitted = fact(at(2026, 12, 2, 9, 0), None, None, S::Submitted);
        assert_eq!(place(&submitted, period, now).map(|p| p.outcome), Some(Outcome::OpenWithinDeadline));
    }

    #[test]
    fn consecutive_periods_chain_what_one_leaves_open_into_the_next() {
        let now = at(2026, 12, 3, 9, 0);
        let months: Vec<Period> = (1..=11u8)
            .map(|m| Period { from: at(2026, m, 1, 0, 0), to: at(2026 + (m / 12) as i32, m % 12 + 1, 1, 0, 0) })
            .collect();
        // A dossier a month, each taking longer than the last, a few never done.
        let facts: Vec<Fact> = (0..40i64)
            .map(|i| {
                let submitted = at(2026, 1, 5, 9, 0) + i * 7 * 86_400_000;
                let due = submitted + 15 * 86_400_000;
                let resolved = (i % 7 != 3).then_some(submitted + (i % 5) * 6 * 86_400_000 + 3_600_000);
                let status = match (resolved, i % 4) {
                    (None, _) => S::InHandling,
                    (Some(_), 0) => S::Refused,
                    _ => S::Delivered,
                };
                Fact { due_at: Some(due), resolved_at: resolved, status, ..fact(submitted, None, None, status) }
            })
            .filter(|f| f.submitted_at < now)
            .collect();
        for pair in months.windows(2) {
            let (a, b) = (figures(&facts, pair[0], now), figures(&facts, pair[1], now));
            assert!(a.balances() && b.balances());
            assert_eq!(a.open(), b.carried_over, "what {:?} leaves open, the next carries over", pair[0]);
        }
        // A year is the sum of its months' new dossiers.
        let year = figures(&facts, Period { from: at(2026, 1, 1, 0, 0), to: at(2026, 12, 1, 0, 0) }, now);
        let new: i64 = months.iter().map(|m| figures(&facts, *m, now).received_new).sum();
        assert_eq!(year.received_new, new);
        assert!(year.balances());
    }

    #[test]
    fn agencies_add_up_to_the_province() {
        let (nov, now) = november();
        let a = [
            fact(at(2026, 11, 2, 9, 0), Some(at(2026, 11, 9, 17, 0)), Some(at(2026, 11, 6, 9, 0)), S::Delivered),
            fact(at(2026, 10, 2, 9, 0), Some(at(2026, 11, 2, 17, 0)), None, S::InHandling),
        ];
        let b = [Fact {
            channel: Channel::Counter,
            ..fact(at(2026, 11, 3, 9, 0), Some(at(2026, 11, 20, 17, 0)), Some(at(2026, 11, 21, 9, 0)), S::Delivered)
        }];
        let mut sum = figures(&a, nov, now);
        sum.add(&figures(&b, nov, now));
        let all: Vec<Fact> = a.iter().chain(b.iter()).copied().collect();
        assert_eq!(sum, figures(&all, nov, now));
        assert_eq!((sum.received_online, sum.received_counter), (1, 1));
    }

    #[test]
    fn the_average_processing_time_is_in_tenths_of_a_day() {
        let (nov, now) = november();
        let day = 86_400_000;
        let start = at(2026, 11, 2, 9, 0);
        let facts = [
            fact(start, Some(start + 20 * day), Some(start + 2 * day), S::Delivered),
            fact(start, Some(start + 20 * day), Some(start + 5 * day), S::ResultReady),
            // Refused: not a processing time.
            fact(start, Some(start + 20 * day), Some(start + 15 * day), S::Refused),
        ];
        assert_eq!(figures(&facts, nov, now).average_tenths_of_days(), Some(35));
        assert_eq!(Figures::default().average_tenths_of_days(), None);
    }

    #[test]
    fn outcomes_round_trip_through_their_codes() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::from_code(o.code()), Some(o));
        }
        assert_eq!(Outcome::from_code(8), None);
        assert_eq!(Outcome::from_code(-1), None);
    }
}
