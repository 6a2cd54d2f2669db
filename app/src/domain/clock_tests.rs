//! The legal clock, rule by rule, with expectations computed by hand.
//! Reference week: Monday 23 – Friday 27 November 2026 (office 07:30–11:30, 13:30–17:00).

use super::*;

fn cal() -> Calendar {
    Calendar::standard()
}

fn days(n: i64) -> Allowance {
    Allowance::WorkingDays(n * 1000)
}

fn mon(h: u16, m: u16) -> i64 {
    at(2026, 11, 23, h, m)
}

fn tue(h: u16, m: u16) -> i64 {
    at(2026, 11, 24, h, m)
}

// --- The calendar -------------------------------------------------------------------------

#[test]
fn a_working_day_has_seven_and_a_half_office_hours() {
    assert_eq!(cal().day_minutes(), 450);
}

#[test]
fn weekdays_are_counted_from_monday() {
    assert_eq!(weekday(day(2026, 11, 23)), 0);
    assert_eq!(weekday(day(2026, 11, 22)), 6);
}

#[test]
fn saturday_and_sunday_are_not_working_days() {
    assert!(!cal().is_working_day(day(2026, 11, 28)));
    assert!(!cal().is_working_day(day(2026, 11, 29)));
    assert!(cal().is_working_day(day(2026, 11, 27)));
}

#[test]
fn new_year_is_a_day_off() {
    assert!(!cal().is_working_day(day(2026, 1, 1)));
}

#[test]
fn the_weekdays_of_tet_2026_are_days_off() {
    for d in 16..=20 {
        assert!(!cal().is_working_day(day(2026, 2, d)), "{d}/2");
    }
    assert!(cal().is_working_day(day(2026, 2, 23)));
}

#[test]
fn a_compensatory_saturday_is_a_working_day() {
    assert!(cal().is_working_day(day(2025, 4, 26)));
    assert!(!cal().is_working_day(day(2025, 5, 2)));
}

#[test]
fn hung_kings_day_on_a_sunday_is_taken_on_monday() {
    assert!(!cal().is_working_day(day(2026, 4, 27)));
}

#[test]
fn every_day_off_in_the_holiday_table_is_a_weekday() {
    let (off, _) = vietnam_days_off();
    for (y, m, d) in off {
        assert!(weekday(day(y, m, d)) < 5, "{d}/{m}/{y}");
    }
}

// --- When counting starts -----------------------------------------------------------------

#[test]
fn an_instant_inside_office_hours_counts_from_itself() {
    assert_eq!(cal().next_working_instant(mon(9, 0)), mon(9, 0));
}

#[test]
fn the_lunch_break_counts_from_the_afternoon_period() {
    assert_eq!(cal().next_working_instant(mon(12, 0)), mon(13, 30));
}

#[test]
fn an_online_dossier_arriving_at_night_counts_from_the_next_morning() {
    assert_eq!(cal().counting_start(mon(20, 0), false), tue(7, 30));
}

#[test]
fn a_dossier_arriving_before_opening_counts_from_opening() {
    assert_eq!(cal().counting_start(mon(6, 0), false), mon(7, 30));
}

#[test]
fn a_dossier_arriving_on_friday_evening_counts_from_monday_morning() {
    assert_eq!(cal().counting_start(at(2026, 11, 27, 18, 0), false), at(2026, 11, 30, 7, 30));
}

#[test]
fn a_dossier_arriving_on_a_holiday_counts_from_the_next_working_day() {
    assert_eq!(cal().counting_start(at(2026, 9, 1, 10, 0), false), at(2026, 9, 3, 7, 30));
}

#[test]
fn paper_received_after_three_pm_counts_from_the_next_working_morning() {
    assert_eq!(cal().counting_start(mon(15, 30), true), tue(7, 30));
}

#[test]
fn paper_received_before_three_pm_counts_from_receipt() {
    assert_eq!(cal().counting_start(mon(14, 59), true), mon(14, 59));
}

#[test]
fn the_paper_cutoff_is_a_setting() {
    let c = Calendar { paper_cutoff: hm(16, 0), ..cal() };
    assert_eq!(c.counting_start(mon(15, 30), true), mon(15, 30));
}

#[test]
fn online_dossiers_are_not_subject_to_the_paper_cutoff() {
    assert_eq!(cal().counting_start(mon(15, 30), false), mon(15, 30));
}

#[test]
fn paper_after_the_cutoff_on_friday_counts_from_monday() {
    assert_eq!(cal().counting_start(at(2026, 11, 27, 16, 0), true), at(2026, 11, 30, 7, 30));
}

// --- Adding allowances --------------------------------------------------------------------

#[test]
fn one_working_day_from_nine_ends_at_nine_the_next_working_day() {
    assert_eq!(due(&cal(), mon(9, 0), days(1)), tue(9, 0));
}

#[test]
fn one_working_day_from_opening_ends_at_closing_the_same_day() {
    assert_eq!(due(&cal(), mon(7, 30), days(1)), mon(17, 0));
}

#[test]
fn half_a_working_day_is_half_the_office_minutes() {
    assert_eq!(due(&cal(), mon(7, 30), Allowance::WorkingDays(500)), mon(11, 15));
}

#[test]
fn half_a_day_from_eleven_crosses_the_lunch_break() {
    assert_eq!(due(&cal(), mon(11, 0), Allowance::WorkingDays(500)), mon(16, 45));
}

#[test]
fn four_working_hours_from_ten_end_after_lunch() {
    assert_eq!(due(&cal(), mon(10, 0), Allowance::Hours(4000)), mon(16, 0));
}

#[test]
fn a_deadline_ending_at_the_end_of_a_period_stays_there() {
    assert_eq!(due(&cal(), mon(13, 30), Allowance::Hours(3500)), mon(17, 0));
}

#[test]
fn three_working_days_skip_the_weekend() {
    assert_eq!(due(&cal(), at(2026, 11, 26, 10, 0), days(3)), at(2026, 12, 1, 10, 0));
}

#[test]
fn fifteen_working_days_skip_three_weekends() {
    assert_eq!(due(&cal(), mon(8, 0), days(15)), at(2026, 12, 14, 8, 0));
}

#[test]
fn deadlines_skip_tet() {
    assert_eq!(due(&cal(), at(2026, 2, 12, 10, 0), days(3)), at(2026, 2, 24, 10, 0));
}

#[test]
fn deadlines_skip_national_day() {
    assert_eq!(due(&cal(), at(2026, 8, 31, 14, 0), days(2)), at(2026, 9, 4, 14, 0));
}

#[test]
fn a_saturday_morning_desk_does_not_shorten_deadlines() {
    let c = Calendar { saturday_morning: Some(Period { start: hm(7, 30), end: hm(11, 30) }), ..cal() };
    assert_eq!(due(&c, at(2026, 11, 27, 10, 0), days(1)), at(2026, 11, 30, 10, 0));
}

// --- Measuring spend ----------------------------------------------------------------------

#[test]
fn working_minutes_between_two_instants_skip_breaks_and_nights() {
    assert_eq!(cal().working_minutes_between(mon(11, 0), tue(8, 0)), 30 + 210 + 30);
}

#[test]
fn no_working_minutes_pass_over_a_weekend() {
    assert_eq!(cal().working_minutes_between(at(2026, 11, 27, 17, 0), at(2026, 11, 30, 7, 30)), 0);
}

#[test]
fn working_minutes_between_reversed_instants_are_zero() {
    assert_eq!(cal().working_minutes_between(tue(9, 0), mon(9, 0)), 0);
}

// --- Allowances as the catalogue states them ---------------------------------------------

#[test]
fn allowances_parse_decimals_and_units() {
    assert_eq!(Allowance::parse("0.5", "working_days"), Some(Allowance::WorkingDays(500)));
    assert_eq!(Allowance::parse("15", "working_days"), Some(Allowance::WorkingDays(15_000)));
    assert_eq!(Allowance::parse("2.25", "working_days"), Some(Allowance::WorkingDays(2_250)));
    assert_eq!(Allowance::parse("4", "hours"), Some(Allowance::Hours(4_000)));
}

#[test]
fn bad_allowances_are_refused() {
    for (a, u) in [
        ("", "hours"),
        ("-1", "hours"),
        ("abc", "hours"),
        ("0", "hours"),
        ("1.2345", "hours"),
        ("1", "weeks"),
        ("99999", "hours"),
        (".5", "hours"),
    ] {
        assert_eq!(Allowance::parse(a, u), None, "{a} {u}");
    }
}

// --- A dossier's deadline -----------------------------------------------------------------

#[test]
fn the_clock_starts_at_acceptance() {
    let d = deadline(&cal(), days(1), &[ClockEvent::Accepted { at: mon(9, 0), paper: false }]).unwrap();
    assert_eq!((d.started_at, d.original_due, d.current_due), (Some(mon(9, 0)), Some(tue(9, 0)), Some(tue(9, 0))));
}

#[test]
fn an_acceptance_recorded_outside_office_hours_counts_from_the_next_period() {
    let d = deadline(&cal(), days(1), &[ClockEvent::Accepted { at: mon(18, 0), paper: false }]).unwrap();
    assert_eq!((d.started_at, d.current_due), (Some(tue(7, 30)), Some(tue(17, 0))));
}

#[test]
fn paper_accepted_after_the_cutoff_is_due_a_day_later() {
    let d = deadline(&cal(), days(1), &[ClockEvent::Accepted { at: mon(15, 10), paper: true }]).unwrap();
    assert_eq!(d.current_due, Some(tue(17, 0)));
}

#[test]
fn a_supplement_request_pauses_the_clock() {
    let d = deadline(
        &cal(),
        days(3),
        &[ClockEvent::Accepted { at: mon(9, 0), paper: false }, ClockEvent::SupplementRequested { at: tue(10, 0) }],
    )
    .unwrap();
    assert_eq!(d.paused_since, Some(tue(10, 0)));
}

#[test]
fn a_returned_supplement_restarts_the_allowance_from_zero() {
    let events = [
        ClockEvent::Accepted { at: mon(9, 0), paper: false },
        ClockEvent::SupplementRequested { at: tue(10, 0) },
        ClockEvent::SupplementReturned { at: at(2026, 11, 25, 14, 0) },
    ];
    let d = deadline(&cal(), days(3), &events).unwrap();
    assert_eq!(d.paused_since, None);
    assert_eq!(d.started_at, Some(at(2026, 11, 25, 14, 0)));
    assert_eq!(d.current_due, Some(at(2026, 11, 30, 14, 0)));
}

#[test]
fn a_supplement_returned_at_night_restarts_the_next_morning() {
    let events = [
        ClockEvent::Accepted { at: mon(9, 0), paper: false },
        ClockEvent::SupplementRequested { at: mon(10, 0) },
        ClockEvent::SupplementReturned { at: at(2026, 11, 25, 20, 0) },
    ];
    let d = deadline(&cal(), days(1), &events).unwrap();
    assert_eq!(d.current_due, Some(at(2026, 11, 26, 17, 0)));
}

#[test]
fn returning_a_supplement_that_was_not_requested_is_an_error() {
    let e = deadline(
        &cal(),
        days(1),
        &[ClockEvent::Accepted { at: mon(9, 0), paper: false }, ClockEvent::SupplementReturned { at: tue(9, 0) }],
    );
    assert_eq!(e, Err(ClockError::NoSupplementPending));
}

#[test]
fn requesting_a_supplement_before_acceptance_is_an_error() {
    assert_eq!(
        deadline(&cal(), days(1), &[ClockEvent::SupplementRequested { at: mon(9, 0) }]),
        Err(ClockError::NotStarted)
    );
}

#[test]
fn a_second_supplement_request_while_paused_is_an_error() {
    let events = [
        ClockEvent::Accepted { at: mon(9, 0), paper: false },
        ClockEvent::SupplementRequested { at: mon(10, 0) },
        ClockEvent::SupplementRequested { at: mon(11, 0) },
    ];
    assert_eq!(deadline(&cal(), days(1), &events), Err(ClockError::AlreadyPaused));
}

// --- The apology slip (Mẫu 04) ------------------------------------------------------------

fn five_day_dossier() -> Vec<ClockEvent> {
    // Due Monday 30 November 09:00.
    vec![ClockEvent::Accepted { at: mon(9, 0), paper: false }]
}

#[test]
fn an_apology_moves_the_due_date_and_keeps_the_original() {
    let mut events = five_day_dossier();
    events.push(ClockEvent::Apology { at: at(2026, 11, 26, 10, 0), new_due: at(2026, 12, 4, 9, 0) });
    let d = deadline(&cal(), days(5), &events).unwrap();
    assert_eq!(d.original_due, Some(at(2026, 11, 30, 9, 0)));
    assert_eq!(d.current_due, Some(at(2026, 12, 4, 9, 0)));
    assert!(d.apology_used);
}

#[test]
fn an_apology_on_the_working_day_before_the_due_date_is_allowed() {
    let d = deadline(&cal(), days(5), &five_day_dossier()).unwrap();
    assert_eq!(check_apology(&cal(), &d, at(2026, 11, 27, 16, 0), at(2026, 12, 4, 9, 0)), Ok(()));
}

#[test]
fn an_apology_on_the_due_date_is_too_late() {
    let d = deadline(&cal(), days(5), &five_day_dossier()).unwrap();
    assert_eq!(check_apology(&cal(), &d, at(2026, 11, 30, 8, 0), at(2026, 12, 4, 9, 0)), Err(ApologyRefusal::TooLate));
}

#[test]
fn an_apology_over_the_weekend_before_a_monday_due_date_is_too_late() {
    let d = deadline(&cal(), days(5), &five_day_dossier()).unwrap();
    assert_eq!(check_apology(&cal(), &d, at(2026, 11, 28, 9, 0), at(2026, 12, 4, 9, 0)), Err(ApologyRefusal::TooLate));
}

#[test]
fn an_apology_is_allowed_only_once() {
    let mut events = five_day_dossier();
    events.push(ClockEvent::Apology { at: at(2026, 11, 25, 10, 0), new_due: at(2026, 12, 4, 9, 0) });
    events.push(ClockEvent::Apology { at: at(2026, 11, 26, 10, 0), new_due: at(2026, 12, 8, 9, 0) });
    assert_eq!(deadline(&cal(), days(5), &events), Err(ClockError::Apology(ApologyRefusal::AlreadyUsed)));
}

#[test]
fn an_apology_must_move_the_date_later() {
    let d = deadline(&cal(), days(5), &five_day_dossier()).unwrap();
    assert_eq!(
        check_apology(&cal(), &d, at(2026, 11, 25, 10, 0), at(2026, 11, 30, 9, 0)),
        Err(ApologyRefusal::NewDateNotLater)
    );
}

#[test]
fn no_apology_while_the_clock_is_paused_for_a_supplement() {
    let mut events = five_day_dossier();
    events.push(ClockEvent::SupplementRequested { at: tue(9, 0) });
    let d = deadline(&cal(), days(5), &events).unwrap();
    assert_eq!(check_apology(&cal(), &d, tue(10, 0), at(2026, 12, 4, 9, 0)), Err(ApologyRefusal::NoRunningDeadline));
}

#[test]
fn a_restarted_count_after_a_supplement_allows_a_new_apology() {
    let mut events = five_day_dossier();
    events.push(ClockEvent::Apology { at: tue(9, 0), new_due: at(2026, 12, 4, 9, 0) });
    events.push(ClockEvent::SupplementRequested { at: tue(10, 0) });
    events.push(ClockEvent::SupplementReturned { at: at(2026, 11, 25, 9, 0) });
    let d = deadline(&cal(), days(5), &events).unwrap();
    assert!(!d.apology_used);
    assert_eq!(d.current_due, Some(at(2026, 12, 2, 9, 0)));
}

// --- Early, on time, late -----------------------------------------------------------------

#[test]
fn resolved_on_an_earlier_date_is_early() {
    assert_eq!(timeliness(tue(9, 0), mon(16, 0)), Timeliness::Early);
}

#[test]
fn resolved_on_the_due_date_before_the_due_time_is_on_time() {
    assert_eq!(timeliness(tue(9, 0), tue(8, 0)), Timeliness::OnTime);
}

#[test]
fn resolved_exactly_at_the_due_time_is_on_time() {
    assert_eq!(timeliness(tue(9, 0), tue(9, 0)), Timeliness::OnTime);
}

#[test]
fn resolved_after_the_due_time_is_late() {
    assert_eq!(timeliness(tue(9, 0), tue(9, 1)), Timeliness::Late);
}

// --- Workflow steps -----------------------------------------------------------------------

#[test]
fn a_finished_step_reports_its_spend_and_timeliness() {
    let s = step_clock(&cal(), days(1), mon(9, 0), Some(mon(16, 0)), tue(12, 0));
    assert_eq!(s, StepClock { due_at: tue(9, 0), spent_minutes: 150 + 150, timeliness: Some(Timeliness::Early) });
}

#[test]
fn an_unfinished_step_reports_its_spend_until_now() {
    let s = step_clock(&cal(), days(1), mon(9, 0), None, tue(10, 0));
    assert_eq!((s.spent_minutes, s.timeliness), (360 + 150, None));
}

#[test]
fn a_step_finished_after_its_allowance_is_late() {
    let s = step_clock(&cal(), Allowance::Hours(4000), mon(9, 0), Some(mon(15, 30)), mon(15, 30));
    // 09:00 + 4 h of office time: 2 h 30 before lunch, 1 h 30 after 13:30 = 15:00.
    assert_eq!((s.due_at, s.timeliness), (mon(15, 0), Some(Timeliness::Late)));
}

#[test]
fn time_left_counts_working_minutes_and_goes_negative_once_overdue() {
    let cal = Calendar::standard();
    // Friday 16:00 to Monday 08:30: one hour on Friday, one on Monday.
    assert_eq!(cal.working_minutes_left(at(2026, 11, 20, 16, 0), at(2026, 11, 23, 8, 30)), 120);
    assert_eq!(cal.working_minutes_left(at(2026, 11, 23, 8, 30), at(2026, 11, 20, 16, 0)), -120);
}

#[test]
fn an_administrator_adds_days_off_only_on_weekdays() {
    // Friday 27 November 2026 may be a day off; Saturday 28 and Sunday 29 are off already.
    assert_eq!(check_calendar_entry((2026, 11, 27), true), Ok(()));
    assert_eq!(check_calendar_entry((2026, 11, 28), true), Err(CalendarEntryRefusal::OffOnWeekend));
    assert_eq!(check_calendar_entry((2026, 11, 29), true), Err(CalendarEntryRefusal::OffOnWeekend));
}

#[test]
fn a_compensatory_working_day_falls_on_a_weekend() {
    // Saturday 28 November 2026 may be worked in compensation; Monday 23 is worked anyway.
    assert_eq!(check_calendar_entry((2026, 11, 28), false), Ok(()));
    assert_eq!(check_calendar_entry((2026, 11, 23), false), Err(CalendarEntryRefusal::WorkOnWeekday));
}

#[test]
fn an_added_day_off_moves_a_due_date_by_one_working_day() {
    // Accepted Monday 23 at 08:00 with three working days: due Thursday 26 at 08:00, or Friday
    // 27 at 08:00 once Wednesday 25 is declared a day off.
    let mut c = cal();
    assert_eq!(due(&c, mon(8, 0), days(3)), at(2026, 11, 26, 8, 0));
    c.holidays.insert(day(2026, 11, 25));
    assert_eq!(due(&c, mon(8, 0), days(3)), at(2026, 11, 27, 8, 0));
}

#[test]
fn every_seeded_day_off_and_working_day_has_a_name() {
    let (off, worked) = vietnam_days_off();
    for d in off.into_iter().chain(worked) {
        assert!(!holiday_note(d).is_empty(), "{d:?} has no name");
    }
    assert_eq!(holiday_note((2026, 2, 17)), "Tết Nguyên đán Bính Ngọ");
    assert_eq!(holiday_note((2026, 11, 23)), "", "an ordinary day has none");
}

#[test]
fn an_agencys_own_day_overrides_the_province_wide_table() {
    use crate::domain::clock::CalendarEntry;
    let province =
        [CalendarEntry { date: (2026, 12, 31), off: true }, CalendarEntry { date: (2026, 12, 30), off: true }];
    // The agency works on the 31st (it has a compensatory working day there) and adds its own
    // day off on the 29th.
    let own = [CalendarEntry { date: (2026, 12, 31), off: false }, CalendarEntry { date: (2026, 12, 29), off: true }];
    let cal = Calendar::for_agency(false, hm(15, 0), &province, &own);
    assert!(cal.is_working_day(day(2026, 12, 31)), "own working day wins");
    assert!(!cal.is_working_day(day(2026, 12, 30)), "the province's day off is inherited");
    assert!(!cal.is_working_day(day(2026, 12, 29)), "own day off");
    let province_only = Calendar::for_agency(true, hm(16, 0), &province, &[]);
    assert!(!province_only.is_working_day(day(2026, 12, 31)));
    assert_eq!(province_only.paper_cutoff, hm(16, 0));
    assert!(province_only.saturday_morning.is_some());
}

#[test]
fn an_allowance_crosses_the_wire_as_the_text_the_catalogue_states() {
    let half = Allowance::WorkingDays(500);
    assert_eq!(serde_json::to_string(&half).unwrap(), r#"{"amount":"0.5","unit":"working_days"}"#);
    let back: Allowance = serde_json::from_str(r#"{"amount":"4","unit":"hours"}"#).unwrap();
    assert_eq!(back, Allowance::Hours(4000));
    assert!(serde_json::from_str::<Allowance>(r#"{"amount":"0","unit":"hours"}"#).is_err());
    assert!(serde_json::from_str::<Allowance>(r#"{"amount":"3","unit":"weeks"}"#).is_err());
}
