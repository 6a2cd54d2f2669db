//! Civil dates and times in Asia/Ho_Chi_Minh (UTC+7 all year; Vietnam has no daylight saving).
//! Instants are Unix milliseconds, as stored in the database.

pub const OFFSET_MS: i64 = 7 * 3_600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDateTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar.
pub fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// (year, month, day) → days since 1970-01-01.
pub fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn local(instant_ms: i64) -> LocalDateTime {
    let local_ms = instant_ms + OFFSET_MS;
    let days = local_ms.div_euclid(86_400_000);
    let ms_of_day = local_ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    LocalDateTime { year, month, day, hour: (ms_of_day / 3_600_000) as u8, minute: (ms_of_day / 60_000 % 60) as u8 }
}

/// "22/11/2026 14:05" — the format Vietnamese slips and pages use.
pub fn format_vn(instant_ms: i64) -> String {
    let t = local(instant_ms);
    format!("{:02}/{:02}/{} {:02}:{:02}", t.day, t.month, t.year, t.hour, t.minute)
}

/// "22/11/2026" — the day alone.
pub fn format_vn_date(instant_ms: i64) -> String {
    let t = local(instant_ms);
    format!("{:02}/{:02}/{}", t.day, t.month, t.year)
}

/// `datetime-local` sends `2026-11-23T09:00`: a time in Vietnam without an offset; the same
/// with Vietnam's offset, for [`parse_iso8601`].
pub fn with_vn_offset(local: &str) -> String {
    match local.len() {
        16 => format!("{local}:00+07:00"),
        19 => format!("{local}+07:00"),
        _ => local.to_string(),
    }
}

/// "2026-11-22": the day in Vietnam, as catalogue dates are written.
pub fn iso_date(instant_ms: i64) -> String {
    let t = local(instant_ms);
    format!("{:04}-{:02}-{:02}", t.year, t.month, t.day)
}

/// "2026-12-01" (as catalogue files and periods write days) → "01/12/2026" (as pages do);
/// anything else as it is.
pub fn iso_day_vn(iso: &str) -> String {
    match (iso.get(0..4), iso.get(5..7), iso.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

/// "261122" — the date part of a dossier code.
/// The instants `[start, end)` of the Vietnamese day `YYYY-MM-DD`; none for anything else.
pub fn day_bounds(day: &str) -> Option<(i64, i64)> {
    let b = day.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = day.get(0..4)?.parse().ok()?;
    let m: u8 = day.get(5..7)?.parse().ok()?;
    let d: u8 = day.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 || d > 31 || !day.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return None;
    }
    let days = days_from_civil(y, m, d);
    if civil_from_days(days) != (y, m, d) {
        return None;
    }
    let start = (days * 86_400 - 7 * 3600) * 1000;
    Some((start, start + 86_400_000))
}

pub fn yymmdd(instant_ms: i64) -> String {
    let t = local(instant_ms);
    format!("{:02}{:02}{:02}", t.year.rem_euclid(100), t.month, t.day)
}

/// "2026-11-24T09:00:00+07:00": ISO 8601 in Vietnam's offset.
pub fn format_iso_vn(instant_ms: i64) -> String {
    let t = local(instant_ms);
    let seconds = (instant_ms + OFFSET_MS).rem_euclid(60_000) / 1000;
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+07:00", t.year, t.month, t.day, t.hour, t.minute, seconds)
}

/// Parses ISO 8601 with an offset (`2026-11-23T09:00:00+07:00`, `…Z`, seconds and fractions
/// optional). A time without an offset is ambiguous and refused.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_ascii() || s.len() < 17 {
        return None;
    }
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let (y, m, d) = crate::domain::form::parse_date(date)?;
    let (time, offset_minutes) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, 0i64)
    } else {
        let i = rest.rfind(['+', '-'])?;
        let (t, off) = rest.split_at(i);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let off = &off[1..];
        let (oh, om) = match off.len() {
            5 if off.as_bytes()[2] == b':' => (off[..2].parse::<i64>().ok()?, off[3..].parse::<i64>().ok()?),
            4 => (off[..2].parse::<i64>().ok()?, off[2..].parse::<i64>().ok()?),
            2 => (off.parse::<i64>().ok()?, 0),
            _ => return None,
        };
        if oh > 14 || om > 59 {
            return None;
        }
        (t, sign * (oh * 60 + om))
    };
    let mut parts = time.split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let mi: i64 = parts.next()?.parse().ok()?;
    let sec_part = parts.next().unwrap_or("0");
    if parts.next().is_some() {
        return None;
    }
    let (sec, frac) = sec_part.split_once('.').unwrap_or((sec_part, ""));
    let sec: i64 = sec.parse().ok()?;
    let millis: i64 = if frac.is_empty() { 0 } else { format!("{:0<3}", &frac[..frac.len().min(3)]).parse().ok()? };
    if !frac.chars().all(|c| c.is_ascii_digit()) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let days = days_from_civil(y, m, d);
    Some(((days * 86_400 + h * 3600 + mi * 60 + sec) - offset_minutes * 60) * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vietnamese_day_runs_from_its_midnight_to_the_next() {
        let (start, end) = day_bounds("2026-12-02").unwrap();
        assert_eq!(iso_date(start), "2026-12-02");
        assert_eq!(iso_date(start - 1), "2026-12-01");
        assert_eq!(iso_date(end - 1), "2026-12-02");
        assert_eq!(iso_date(end), "2026-12-03");
        for bad in ["2026-02-30", "2026-13-01", "26-12-02", "2026/12/02", "2026-1a-02", ""] {
            assert_eq!(day_bounds(bad), None, "{bad}");
        }
    }

    #[test]
    fn civil_dates_round_trip_through_day_numbers() {
        for days in [-1000, 0, 10_957, 20_414, 20_780, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2026, 11, 22), 20_779); // 56 years with 14 leap days, then 325 days of 2026
    }

    #[test]
    fn seventeen_hundred_utc_is_midnight_of_the_next_day_in_vietnam() {
        // 2026-11-21T17:00:00Z
        let ms = (days_from_civil(2026, 11, 21) * 86_400 + 17 * 3600) * 1000;
        assert_eq!(yymmdd(ms), "261122");
        assert_eq!(format_vn(ms), "22/11/2026 00:00");
        assert_eq!(yymmdd(ms - 1), "261121");
    }

    #[test]
    fn iso_times_with_an_offset_parse_to_the_same_instant() {
        let a = parse_iso8601("2026-11-23T09:00:00+07:00").unwrap();
        assert_eq!(parse_iso8601("2026-11-23T02:00:00Z"), Some(a));
        assert_eq!(parse_iso8601("2026-11-23T09:00+07:00"), Some(a));
        assert_eq!(parse_iso8601("2026-11-23T09:00:00.000+0700"), Some(a));
        assert_eq!(parse_iso8601("2026-11-22T21:00:00-05:00"), Some(a));
        assert_eq!(format_iso_vn(a), "2026-11-23T09:00:00+07:00");
    }

    #[test]
    fn iso_times_without_an_offset_or_out_of_range_are_refused() {
        for bad in [
            "2026-11-23T09:00:00",
            "2026-11-23",
            "2026-13-01T09:00:00Z",
            "2026-11-23T24:00:00Z",
            "2026-11-23T09:00:00+25:00",
            "hôm nay",
            "",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }
}

/// A local date and time in Vietnam as an HTML `datetime-local` field sends it
/// (`2026-11-20T09:30`, seconds optional), or a bare date (`2026-11-20`, at 00:00).
pub fn parse_local(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = s.split_once('T').unwrap_or((s, "00:00"));
    let mut d = date.split('-');
    let (y, m, dd) = (d.next()?.parse::<i32>().ok()?, d.next()?.parse::<u8>().ok()?, d.next()?.parse::<u8>().ok()?);
    if d.next().is_some() || date.len() != 10 || !(1900..=2999).contains(&y) || !(1..=12).contains(&m) {
        return None;
    }
    if dd == 0 || dd > days_in_month(y, m) {
        return None;
    }
    let mut t = time.split(':');
    let (h, mi) = (t.next()?.parse::<u16>().ok()?, t.next()?.parse::<u16>().ok()?);
    if let Some(sec) = t.next() {
        if sec.parse::<u16>().ok()? > 59 || t.next().is_some() {
            return None;
        }
    }
    if h > 23 || mi > 59 {
        return None;
    }
    Some(crate::domain::clock::at(y, m, dd, h, mi))
}

/// `2026-11-20T09:30`, the value of a `datetime-local` field.
pub fn format_local_input(instant_ms: i64) -> String {
    let l = local(instant_ms);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}", l.year, l.month, l.day, l.hour, l.minute)
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod local_input_tests {
    use super::*;

    #[test]
    fn a_datetime_local_value_is_read_as_vietnam_time() {
        assert_eq!(parse_local("2026-11-20T09:30"), Some(crate::domain::clock::at(2026, 11, 20, 9, 30)));
        assert_eq!(parse_local("2026-11-20T09:30:00"), Some(crate::domain::clock::at(2026, 11, 20, 9, 30)));
        assert_eq!(parse_local("2026-11-20"), Some(crate::domain::clock::at(2026, 11, 20, 0, 0)));
        assert_eq!(format_local_input(crate::domain::clock::at(2026, 1, 2, 7, 5)), "2026-01-02T07:05");
    }

    #[test]
    fn impossible_dates_and_times_are_refused() {
        for bad in [
            "",
            "2026-02-30T08:00",
            "2026-13-01T08:00",
            "2026-11-20T24:00",
            "2026-11-20T09:60",
            "20-11-2026",
            "2026-11-20T9",
            "x",
        ] {
            assert_eq!(parse_local(bad), None, "{bad}");
        }
        assert!(parse_local("2028-02-29T08:00").is_some(), "a leap day");
    }
}
