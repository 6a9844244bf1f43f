//! Dates as the `Date*` operators read them: the W3C profile of ISO 8601, the ISO basic
//! format CloudTrail sometimes writes (`20131102T010628Z`), or epoch seconds.
//!
//! A date-time with no timezone designator (the workshop Lambda writes Python's
//! `utcnow().isoformat()`, e.g. `2021-03-08T12:34:56.789012`) is read as **UTC**: the AWS
//! documentation does not define it, the writer meant UTC, and the workshop's verification step
//! ("the stolen credentials now get an explicit deny") only works if AWS reads it as UTC.

/// Nanoseconds since 1970-01-01T00:00:00Z.
pub type Instant = i128;

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// Parses a date as the `Date*` condition operators do; `None` if it is not a date.
///
/// An all-digit value (optionally with a fraction) is epoch **seconds**, as the IAM user guide
/// defines for `aws:EpochTime`; this takes precedence over the four-digit year form.
#[must_use]
pub fn parse(text: &str) -> Option<Instant> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return parse_epoch(text);
    }
    parse_iso(text)
}

fn parse_epoch(text: &str) -> Option<Instant> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    if int.is_empty() || int.len() > 15 {
        return None;
    }
    let seconds: i128 = int.parse().ok()?;
    Some(seconds * NANOS_PER_SECOND + fraction_nanos(frac)?)
}

/// Digits after the decimal point as nanoseconds (extra digits beyond nine are dropped).
fn fraction_nanos(frac: &str) -> Option<i128> {
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos: i128 = 0;
    for i in 0..9 {
        let digit = frac.as_bytes().get(i).map_or(0, |b| b - b'0');
        nanos = nanos * 10 + i128::from(digit);
    }
    Some(nanos)
}

fn parse_iso(text: &str) -> Option<Instant> {
    let (date_part, time_part) = match text.find(['T', 't', ' ']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let (year, month, day) = parse_date(date_part)?;
    let days = days_from_civil(year, month, day)?;
    let (time_nanos, offset_seconds) = match time_part {
        Some(t) => parse_time(t)?,
        None => (0, 0),
    };
    Some(
        i128::from(days) * 86_400 * NANOS_PER_SECOND + time_nanos
            - i128::from(offset_seconds) * NANOS_PER_SECOND,
    )
}

fn parse_date(text: &str) -> Option<(i64, u32, u32)> {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty();
    if !text.contains('-') {
        // Basic format YYYYMMDD, or a bare year YYYY.
        return match text.len() {
            8 if digits(text) => Some((
                text[..4].parse().ok()?,
                text[4..6].parse().ok()?,
                text[6..].parse().ok()?,
            )),
            _ => None,
        };
    }
    let mut parts = text.split('-');
    let year = parts
        .next()
        .filter(|y| y.len() == 4 && digits(y))?
        .parse()
        .ok()?;
    let month = match parts.next() {
        Some(m) if m.len() == 2 && digits(m) => m.parse().ok()?,
        _ => return None,
    };
    let day = match parts.next() {
        Some(d) if d.len() == 2 && digits(d) => d.parse().ok()?,
        None => 1,
        _ => return None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((year, month, day))
}

/// Parses `hh:mm[:ss[.f]][TZD]` or basic `hhmmss[.f][TZD]`; returns (nanos into the day,
/// offset east of UTC in seconds).
fn parse_time(text: &str) -> Option<(i128, i64)> {
    let (clock, offset) = split_zone(text)?;
    let (hms, frac) = match clock.split_once(['.', ',']) {
        Some((h, f)) => (h, f),
        None => (clock, ""),
    };
    let fields: Vec<&str> = if hms.contains(':') {
        hms.split(':').collect()
    } else if hms.len() == 6 || hms.len() == 4 {
        hms.as_bytes()
            .chunks(2)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect()
    } else {
        return None;
    };
    let number = |s: Option<&&str>, max: u32| -> Option<u32> {
        let s = s?;
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok().filter(|v| *v <= max)
    };
    let hour = number(fields.first(), 24)?;
    let minute = number(fields.get(1), 59)?;
    let second = if fields.len() > 2 {
        number(fields.get(2), 60)?
    } else {
        0
    };
    if fields.len() > 3 || (fields.len() < 3 && !frac.is_empty()) {
        return None;
    }
    let seconds = i128::from(hour * 3600 + minute * 60 + second);
    Some((seconds * NANOS_PER_SECOND + fraction_nanos(frac)?, offset))
}

/// Splits a time into the clock and its zone offset in seconds (`Z` or none: 0).
fn split_zone(text: &str) -> Option<(&str, i64)> {
    if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    let Some(i) = text.rfind(['+', '-']) else {
        return Some((text, 0));
    };
    let (clock, zone) = (&text[..i], &text[i + 1..]);
    let sign = if text[i..].starts_with('-') { -1 } else { 1 };
    let digits: String = zone.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return None;
    }
    let hours: i64 = digits[..2].parse().ok()?;
    let minutes: i64 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some((clock, sign * (hours * 3600 + minutes * 60)))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Formats an instant as ISO 8601 UTC with a `Z` and no fraction when it is whole seconds
/// (`2021-03-08T12:34:56Z`), otherwise with the significant fraction digits.
#[must_use]
pub fn format(instant: Instant) -> String {
    let seconds = instant.div_euclid(NANOS_PER_SECOND);
    let nanos = instant.rem_euclid(NANOS_PER_SECOND);
    let days = i64::try_from(seconds.div_euclid(86_400)).unwrap_or(0);
    let secs_of_day = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut out = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60
    );
    if nanos != 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i128 = NANOS_PER_SECOND;

    #[test]
    fn iso_forms() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2013-11-02T01:06:28Z"), Some(1_383_354_388 * S));
        assert_eq!(parse("20131102T010628Z"), Some(1_383_354_388 * S));
        assert_eq!(parse("2013-11-02T02:06:28+01:00"), Some(1_383_354_388 * S));
        assert_eq!(parse("2013-11-01T20:06:28-0500"), Some(1_383_354_388 * S));
        assert_eq!(parse("2013-11-02"), Some(1_383_350_400 * S));
        assert_eq!(parse("2013-11"), Some(1_383_264_000 * S));
        assert_eq!(parse("2013-11-02T01:06Z"), Some(1_383_354_360 * S));
        assert_eq!(
            parse("2024-10-10T09:43:48.085Z"),
            Some(1_728_553_428 * S + 85_000_000)
        );
    }

    #[test]
    fn no_zone_means_utc() {
        assert_eq!(
            parse("2021-03-08T12:34:56.789012"),
            Some(1_615_206_896 * S + 789_012_000)
        );
        assert_eq!(parse("2021-03-08T12:34:56"), parse("2021-03-08T12:34:56Z"));
    }

    #[test]
    fn epoch_seconds() {
        assert_eq!(parse("1383354388"), Some(1_383_354_388 * S));
        assert_eq!(parse("1383354388.5"), Some(1_383_354_388 * S + 500_000_000));
        assert_eq!(parse("0"), Some(0));
    }

    #[test]
    fn invalid() {
        for bad in [
            "",
            "yesterday",
            "2013-13-01",
            "2013-02-30",
            "2013-11-02T25:00Z",
            "2013-1-2",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_round_trip() {
        for text in [
            "2021-03-08T12:34:56Z",
            "2024-02-29T00:00:00.5Z",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(format(parse(text).unwrap()), text);
        }
    }
}
