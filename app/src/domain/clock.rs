//! The legal clock: working time of an agency's calendar and the deadlines of a dossier.
//! Pure functions of calendar + events, all in Asia/Ho_Chi_Minh (UTC+7). Instants are Unix ms.
//!
//! Rules (product.md §5, legal-notes §3.5–3.6, §3.13; choices in docs/decisions.md):
//! - Working time is Mon–Fri office periods (default 07:30–11:30, 13:30–17:00) minus holidays,
//!   plus compensatory working days. A Saturday-morning desk receives dossiers but Saturday does
//!   not count towards an allowance.
//! - An allowance of N working days is N × the office minutes of a working day; half days are
//!   half of that; hours are office hours.
//! - Counting starts at acceptance; a moment outside office hours counts from the next working
//!   period; paper received after the cut-off (15:00) counts from the next working morning.
//! - A supplement request pauses the clock; the allowance restarts from zero when the complete
//!   dossier returns.
//! - An apology slip (Mẫu 04) moves the due date once, only before the due date and at the latest
//!   on the working day before it; the original and the current due date are both kept.
//! - Resolved on an earlier date than the due date: early; on the due date and not after the due
//!   time: on time; after the due time: late.

use super::vn_time::{days_from_civil, OFFSET_MS};
use std::collections::BTreeSet;

const MINUTE: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

/// An office period within a day, in minutes after local midnight, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: u16,
    pub end: u16,
}

pub const fn hm(h: u16, m: u16) -> u16 {
    h * 60 + m
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// Office periods of a working day, ascending and not overlapping.
    pub periods: Vec<Period>,
    /// Reception on Saturday morning (does not count towards allowances).
    pub saturday_morning: Option<Period>,
    /// Local day numbers (days since 1970-01-01) that are days off.
    pub holidays: BTreeSet<i64>,
    /// Weekend days worked in compensation for a bridged day off.
    pub extra_working_days: BTreeSet<i64>,
    /// Paper received at or after this minute counts from the next working morning.
    pub paper_cutoff: u16,
}

/// Local day number of a civil date.
pub fn day(y: i32, m: u8, d: u8) -> i64 {
    days_from_civil(y, m, d)
}

/// Unix ms of a local date and time in Vietnam.
pub fn at(y: i32, m: u8, d: u8, hour: u16, minute: u16) -> i64 {
    day(y, m, d) * DAY_MS + i64::from(hm(hour, minute)) * MINUTE - OFFSET_MS
}

fn local_day(t: i64) -> i64 {
    (t + OFFSET_MS).div_euclid(DAY_MS)
}

fn local_minute(t: i64) -> i64 {
    (t + OFFSET_MS).rem_euclid(DAY_MS) / MINUTE
}

fn instant(day: i64, minute: i64) -> i64 {
    day * DAY_MS + minute * MINUTE - OFFSET_MS
}

/// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
pub fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

/// Vietnamese public holidays and announced days off for civil servants, 2025–2027 (weekdays
/// only; 2027 is projected from the lunar calendar until the Government announces it).
/// Administrators edit the table per agency; this is the default it starts from.
/// A civil date: (year, month, day).
pub type Date = (i32, u8, u8);

/// (days off, compensatory working days).
pub fn vietnam_days_off() -> (Vec<Date>, Vec<Date>) {
    let off = vec![
        // 2025
        (2025, 1, 1),
        (2025, 1, 27),
        (2025, 1, 28),
        (2025, 1, 29),
        (2025, 1, 30),
        (2025, 1, 31), // Tết Ất Tỵ
        (2025, 4, 7),  // Giỗ Tổ Hùng Vương
        (2025, 4, 30),
        (2025, 5, 1),
        (2025, 5, 2), // 30/4–1/5, 2/5 bridged (worked on Sat 26/4)
        (2025, 9, 1),
        (2025, 9, 2), // Quốc khánh
        // 2026
        (2026, 1, 1),
        (2026, 2, 16),
        (2026, 2, 17),
        (2026, 2, 18),
        (2026, 2, 19),
        (2026, 2, 20), // Tết Bính Ngọ
        (2026, 4, 27), // Giỗ Tổ (Sunday 26/4) moved to Monday
        (2026, 4, 30),
        (2026, 5, 1),
        (2026, 9, 1),
        (2026, 9, 2),
        // 2027 (projected)
        (2027, 1, 1),
        (2027, 2, 4),
        (2027, 2, 5),
        (2027, 2, 8),
        (2027, 2, 9),
        (2027, 2, 10), // Tết Đinh Mùi
        (2027, 4, 16), // Giỗ Tổ
        (2027, 4, 30),
        (2027, 5, 3), // 1/5 falls on Saturday: Monday off
        (2027, 9, 2),
        (2027, 9, 3),
    ];
    let worked = vec![(2025, 4, 26)];
    (off, worked)
}

/// The name of a day of [`vietnam_days_off`], as the calendar shows it.
pub fn holiday_note(date: Date) -> &'static str {
    match date {
        (_, 1, 1) => "Tết Dương lịch",
        (2025, 1, 27..=31) => "Tết Nguyên đán Ất Tỵ",
        (2026, 2, 16..=20) => "Tết Nguyên đán Bính Ngọ",
        (2027, 2, 4..=10) => "Tết Nguyên đán Đinh Mùi",
        (2026, 4, 27) => "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch rơi vào Chủ nhật)",
        (_, 4, 7 | 16) => "Giỗ Tổ Hùng Vương (10/3 âm lịch)",
        (_, 4, 30) => "Ngày Chiến thắng (30/4)",
        (_, 5, 1) => "Ngày Quốc tế Lao động (1/5)",
        (2025, 5, 2) => "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)",
        (2027, 5, 3) => "Nghỉ bù Ngày Quốc tế Lao động (1/5 rơi vào thứ Bảy)",
        (2025, 4, 26) => "Làm bù cho ngày nghỉ hoán đổi 2/5/2025",
        (_, 9, 1..=3) => "Quốc khánh (2/9)",
        _ => "",
    }
}

/// A day of a calendar table: a day off (`off`) or a compensatory working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarEntry {
    pub date: Date,
    pub off: bool,
}

impl Calendar {
    /// An agency's working calendar: the standard office hours (with the Saturday-morning desk if
    /// it has one) and its paper cut-off, on the days of the province-wide table, which the
    /// agency's own days override one by one.
    pub fn for_agency(
        saturday_morning: bool,
        paper_cutoff: u16,
        province: &[CalendarEntry],
        own: &[CalendarEntry],
    ) -> Calendar {
        let mut cal = Calendar::standard();
        cal.paper_cutoff = paper_cutoff;
        cal.holidays.clear();
        cal.extra_working_days.clear();
        if saturday_morning {
            cal.saturday_morning = Some(Period { start: hm(7, 30), end: hm(11, 30) });
        }
        for e in province.iter().chain(own) {
            let n = day(e.date.0, e.date.1, e.date.2);
            cal.holidays.remove(&n);
            cal.extra_working_days.remove(&n);
            if e.off {
                cal.holidays.insert(n);
            } else {
                cal.extra_working_days.insert(n);
            }
        }
        cal
    }

    /// 07:30–11:30 and 13:30–17:00, Mon–Fri, Vietnamese holidays, paper cut-off 15:00.
    pub fn standard() -> Calendar {
        let (off, worked) = vietnam_days_off();
        Calendar {
            periods: vec![Period { start: hm(7, 30), end: hm(11, 30) }, Period { start: hm(13, 30), end: hm(17, 0) }],
            saturday_morning: None,
            holidays: off.into_iter().map(|(y, m, d)| day(y, m, d)).collect(),
            extra_working_days: worked.into_iter().map(|(y, m, d)| day(y, m, d)).collect(),
            paper_cutoff: hm(15, 0),
        }
    }

    pub fn is_working_day(&self, d: i64) -> bool {
        if self.extra_working_days.contains(&d) {
            return true;
        }
        weekday(d) < 5 && !self.holidays.contains(&d)
    }

    /// Office minutes of one working day.
    pub fn day_minutes(&self) -> i64 {
        self.periods.iter().map(|p| i64::from(p.end - p.start)).sum()
    }

    fn next_working_day_after(&self, d: i64) -> i64 {
        let mut n = d + 1;
        while !self.is_working_day(n) {
            n += 1;
        }
        n
    }

    /// The working day before `d` (not counting `d`).
    pub fn previous_working_day(&self, d: i64) -> i64 {
        let mut n = d - 1;
        while !self.is_working_day(n) {
            n -= 1;
        }
        n
    }

    /// The first instant at or after `t` that lies in a counted office period.
    pub fn next_working_instant(&self, t: i64) -> i64 {
        let mut d = local_day(t);
        let mut minute = local_minute(t);
        loop {
            if self.is_working_day(d) {
                for p in &self.periods {
                    if minute < i64::from(p.end) {
                        return instant(d, minute.max(i64::from(p.start)));
                    }
                }
            }
            d = self.next_working_day_after(d);
            minute = 0;
        }
    }

    /// The instant after `minutes` of office time counted from `t`. Ends exactly at the end of a
    /// period rather than at the start of the next one.
    pub fn add_working_minutes(&self, t: i64, minutes: i64) -> i64 {
        let mut now = self.next_working_instant(t);
        let mut left = minutes.max(0);
        loop {
            let d = local_day(now);
            let minute = local_minute(now);
            let Some(p) = self.periods.iter().find(|p| minute < i64::from(p.end)) else {
                now = self.next_working_instant(instant(d + 1, 0));
                continue;
            };
            let available = i64::from(p.end) - minute;
            if left <= available {
                return instant(d, minute + left);
            }
            left -= available;
            now = self.next_working_instant(instant(d, i64::from(p.end)));
        }
    }

    /// Office minutes between `a` and `b` (0 when `b` is not after `a`).
    pub fn working_minutes_between(&self, a: i64, b: i64) -> i64 {
        if b <= a {
            return 0;
        }
        let mut total = 0;
        let mut now = self.next_working_instant(a);
        while now < b {
            let d = local_day(now);
            let minute = local_minute(now);
            let p = self
                .periods
                .iter()
                .find(|p| minute < i64::from(p.end))
                .copied()
                .expect("next_working_instant lands in a period");
            let end = instant(d, i64::from(p.end)).min(b);
            total += (end - now) / MINUTE;
            now = self.next_working_instant(instant(d, i64::from(p.end)));
        }
        total
    }

    /// Working minutes from `now` to `due`, negative when `due` is past.
    pub fn working_minutes_left(&self, now: i64, due: i64) -> i64 {
        if due >= now {
            self.working_minutes_between(now, due)
        } else {
            -self.working_minutes_between(due, now)
        }
    }

    /// When counting starts for something received at `t`: online and accepted dossiers from `t`
    /// (or the next working period); paper at or after the cut-off from the next working morning.
    pub fn counting_start(&self, t: i64, paper: bool) -> i64 {
        let d = local_day(t);
        if paper && self.is_working_day(d) && local_minute(t) >= i64::from(self.paper_cutoff) {
            return self.next_working_instant(instant(d + 1, 0));
        }
        self.next_working_instant(t)
    }
}

/// A time allowance as the law states it: the procedure's, a workflow step's share of it, a
/// consulted unit's. The one allowance type; on the wire and in stored JSON it is the text the
/// catalogue states, `{"amount": "0.5", "unit": "working_days"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    /// Thousandths of a working day (0.5 day = 500).
    WorkingDays(i64),
    /// Thousandths of a working hour.
    Hours(i64),
}

#[derive(serde::Serialize, serde::Deserialize)]
struct AllowanceText {
    amount: String,
    unit: String,
}

impl serde::Serialize for Allowance {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (amount, unit) = self.to_parts();
        AllowanceText { amount, unit: unit.to_string() }.serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Allowance {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Allowance, D::Error> {
        let t = AllowanceText::deserialize(d)?;
        Allowance::parse(&t.amount, &t.unit)
            .ok_or_else(|| serde::de::Error::custom(format!("not an allowance: {} {}", t.amount, t.unit)))
    }
}

impl Allowance {
    /// `("0.5", "working_days")`, `("4", "hours")`; `None` when not a positive decimal or unit.
    pub fn parse(amount: &str, unit: &str) -> Option<Allowance> {
        let amount = amount.trim();
        let (whole, frac) = amount.split_once('.').unwrap_or((amount, ""));
        if whole.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 3
            || !frac.chars().all(|c| c.is_ascii_digit())
            || whole.len() > 4
        {
            return None;
        }
        let thousandths = whole.parse::<i64>().ok()? * 1000 + format!("{frac:0<3}").parse::<i64>().ok()?;
        if thousandths == 0 {
            return None;
        }
        match unit {
            "working_days" | "days" => Some(Allowance::WorkingDays(thousandths)),
            "hours" => Some(Allowance::Hours(thousandths)),
            _ => None,
        }
    }

    pub fn minutes(self, cal: &Calendar) -> i64 {
        match self {
            Allowance::WorkingDays(t) => t * cal.day_minutes() / 1000,
            Allowance::Hours(t) => t * 60 / 1000,
        }
    }

    /// Thousandths of the unit.
    pub fn thousandths(self) -> i64 {
        match self {
            Self::WorkingDays(t) | Self::Hours(t) => t,
        }
    }

    /// The same unit with `t` thousandths.
    pub fn with(self, t: i64) -> Allowance {
        match self {
            Self::WorkingDays(_) => Self::WorkingDays(t),
            Self::Hours(_) => Self::Hours(t),
        }
    }

    /// `("0.125", "working_days")` for storage and display; [`Allowance::parse`] reads it back.
    pub fn to_parts(self) -> (String, &'static str) {
        let (t, unit) = match self {
            Self::WorkingDays(t) => (t, "working_days"),
            Self::Hours(t) => (t, "hours"),
        };
        let whole = t / 1000;
        let frac = t % 1000;
        let amount =
            if frac == 0 { whole.to_string() } else { format!("{whole}.{frac:03}").trim_end_matches('0').to_string() };
        (amount, unit)
    }
}

/// The due instant of an allowance counted from `start`.
pub fn due(cal: &Calendar, start: i64, allowance: Allowance) -> i64 {
    cal.add_working_minutes(start, allowance.minutes(cal))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    Early,
    OnTime,
    Late,
}

impl Timeliness {
    pub fn key(self) -> &'static str {
        match self {
            Timeliness::Early => "timeliness-early",
            Timeliness::OnTime => "timeliness-on-time",
            Timeliness::Late => "timeliness-late",
        }
    }
}

/// Early on an earlier date than the due date, on time on the due date up to the due time, late after.
pub fn timeliness(due_at: i64, resolved_at: i64) -> Timeliness {
    if resolved_at > due_at {
        Timeliness::Late
    } else if local_day(resolved_at) < local_day(due_at) {
        Timeliness::Early
    } else {
        Timeliness::OnTime
    }
}

/// What moves a dossier's clock, with the real time it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockEvent {
    Accepted { at: i64, paper: bool },
    SupplementRequested { at: i64 },
    SupplementReturned { at: i64 },
    Apology { at: i64, new_due: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Deadline {
    /// When the current count started (acceptance, or the return of the complete dossier).
    pub started_at: Option<i64>,
    /// Due date from the allowance, before any apology.
    pub original_due: Option<i64>,
    /// Due date in force (moved once by an apology).
    pub current_due: Option<i64>,
    /// Set while a supplement request pauses the clock.
    pub paused_since: Option<i64>,
    pub apology_used: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockError {
    /// An event that needs an accepted dossier came first.
    NotStarted,
    /// A supplement returned while none was requested, or requested twice.
    NoSupplementPending,
    AlreadyPaused,
    Apology(ApologyRefusal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApologyRefusal {
    /// The apology slip may be issued only once.
    AlreadyUsed,
    /// At the latest on the working day before the due date.
    TooLate,
    /// The new date must be after the current one.
    NewDateNotLater,
    /// No due date is running (not accepted, or paused for a supplement).
    NoRunningDeadline,
}

/// Whether an apology slip may be issued at `at` moving the due date to `new_due`.
pub fn check_apology(cal: &Calendar, d: &Deadline, at: i64, new_due: i64) -> Result<(), ApologyRefusal> {
    let (Some(current), None) = (d.current_due, d.paused_since) else {
        return Err(ApologyRefusal::NoRunningDeadline);
    };
    if d.apology_used {
        return Err(ApologyRefusal::AlreadyUsed);
    }
    if local_day(at) > cal.previous_working_day(local_day(current)) {
        return Err(ApologyRefusal::TooLate);
    }
    if new_due <= current {
        return Err(ApologyRefusal::NewDateNotLater);
    }
    Ok(())
}

impl Deadline {
    /// A fresh count of the whole allowance from `at`.
    fn counting(cal: &Calendar, allowance: Allowance, at: i64, paper: bool) -> Deadline {
        let start = cal.counting_start(at, paper);
        let due_at = due(cal, start, allowance);
        Deadline {
            started_at: Some(start),
            original_due: Some(due_at),
            current_due: Some(due_at),
            paused_since: None,
            apology_used: false,
        }
    }
}

/// Folds the dossier's clock events (in time order) into its deadline.
pub fn deadline(cal: &Calendar, allowance: Allowance, events: &[ClockEvent]) -> Result<Deadline, ClockError> {
    let mut d = Deadline::default();
    for e in events {
        match *e {
            ClockEvent::Accepted { at, paper } => d = Deadline::counting(cal, allowance, at, paper),
            ClockEvent::SupplementRequested { at } => {
                if d.started_at.is_none() {
                    return Err(ClockError::NotStarted);
                }
                if d.paused_since.is_some() {
                    return Err(ClockError::AlreadyPaused);
                }
                d.paused_since = Some(at);
            }
            ClockEvent::SupplementReturned { at } => {
                if d.paused_since.is_none() {
                    return Err(ClockError::NoSupplementPending);
                }
                // The allowance restarts from zero [HDL-C]; a new count allows a new apology.
                d = Deadline::counting(cal, allowance, at, false);
            }
            ClockEvent::Apology { at, new_due } => {
                check_apology(cal, &d, at, new_due).map_err(ClockError::Apology)?;
                d.current_due = Some(new_due);
                d.apology_used = true;
            }
        }
    }
    Ok(d)
}

/// One workflow step's allowance, spend and timeliness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepClock {
    pub due_at: i64,
    pub spent_minutes: i64,
    pub timeliness: Option<Timeliness>,
}

/// A step that started at `started_at` and ended at `ended_at` (if it has).
pub fn step_clock(cal: &Calendar, allowance: Allowance, started_at: i64, ended_at: Option<i64>, now: i64) -> StepClock {
    let start = cal.counting_start(started_at, false);
    let due_at = due(cal, start, allowance);
    let end = ended_at.unwrap_or(now);
    StepClock {
        due_at,
        spent_minutes: cal.working_minutes_between(start, end),
        timeliness: ended_at.map(|e| timeliness(due_at, e)),
    }
}

/// Why an administrator's calendar entry is refused: a day off falls on a weekday (weekends are
/// off anyway) and a compensatory working day on a Saturday or Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarEntryRefusal {
    OffOnWeekend,
    WorkOnWeekday,
}

/// Checks a calendar entry: `off` for a day off, else a compensatory working day.
pub fn check_calendar_entry(date: Date, off: bool) -> Result<(), CalendarEntryRefusal> {
    let weekend = weekday(day(date.0, date.1, date.2)) >= 5;
    match (off, weekend) {
        (true, true) => Err(CalendarEntryRefusal::OffOnWeekend),
        (false, false) => Err(CalendarEntryRefusal::WorkOnWeekday),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[path = "clock_tests.rs"]
mod tests;
