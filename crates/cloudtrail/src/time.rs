//! `eventTime` parsing.

/// Parses a CloudTrail timestamp into milliseconds since the Unix epoch.
///
/// Fast path: `YYYY-MM-DDTHH:MM:SSZ`, as CloudTrail writes `eventTime`, optionally with a
/// fraction of a second (`…:SS.123Z`, up to 9 digits, truncated to milliseconds). Any other
/// ISO-8601 / RFC 3339 form with a UTC offset (`+02:00`, lowercase `t`/`z`, basic notation
/// `20131102T010628Z`) goes through jiff. A time without an offset is rejected: its time zone
/// is unknown. Returns `None` for anything that is not a valid instant.
pub fn parse_event_time(s: &str) -> Option<i64> {
    parse_fast(s.as_bytes()).or_else(|| {
        s.parse::<jiff::Timestamp>()
            .ok()
            .map(jiff::Timestamp::as_millisecond)
    })
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`, or `None` to let the general parser decide.
fn parse_fast(b: &[u8]) -> Option<i64> {
    let (head, tail) = b.split_at_checked(19)?;
    if head[4] != b'-' || head[7] != b'-' || head[10] != b'T' || head[13] != b':' {
        return None;
    }
    if head[16] != b':' {
        return None;
    }
    let year = digits(&head[0..4])?;
    let month = digits(&head[5..7])?;
    let day = digits(&head[8..10])?;
    let hour = digits(&head[11..13])?;
    let minute = digits(&head[14..16])?;
    let second = digits(&head[17..19])?;
    let millis = match tail {
        [b'Z'] => 0,
        [b'.', fraction @ .., b'Z'] if (1..=9).contains(&fraction.len()) => {
            let mut ms = 0;
            for i in 0..3 {
                ms = ms * 10 + fraction.get(i).map_or(Some(0), |&d| digit(d))?;
            }
            fraction
                .iter()
                .skip(3)
                .try_for_each(|&d| digit(d).map(drop))?;
            ms
        }
        _ => return None,
    };
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis)
}

fn digit(b: u8) -> Option<i64> {
    b.is_ascii_digit().then(|| i64::from(b - b'0'))
}

fn digits(bytes: &[u8]) -> Option<i64> {
    bytes
        .iter()
        .try_fold(0, |acc, &b| Some(acc * 10 + digit(b)?))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn via_jiff(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn cloudtrail_form() {
        assert_eq!(parse_event_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_event_time("2024-08-02T08:23:24Z"),
            Some(1_722_587_004_000)
        );
        assert_eq!(
            parse_event_time("2000-02-29T23:59:59Z"),
            Some(via_jiff("2000-02-29T23:59:59Z"))
        );
    }

    #[test]
    fn fractions_are_truncated_to_milliseconds() {
        assert_eq!(parse_event_time("1970-01-01T00:00:00.5Z"), Some(500));
        assert_eq!(parse_event_time("1970-01-01T00:00:01.123Z"), Some(1123));
        assert_eq!(
            parse_event_time("1970-01-01T00:00:01.123999999Z"),
            Some(1123)
        );
        assert_eq!(parse_event_time("1970-01-01T00:00:01.1234567890Z"), None);
    }

    #[test]
    fn fast_path_agrees_with_jiff_across_years() {
        for year in [1600, 1900, 1969, 1999, 2000, 2023, 2024, 2100, 2400, 9998] {
            for (month, day) in [(1, 1), (2, 28), (3, 1), (6, 30), (12, 31)] {
                let s = format!("{year:04}-{month:02}-{day:02}T13:14:15.678Z");
                assert_eq!(parse_fast(s.as_bytes()), Some(via_jiff(&s)), "{s}");
            }
        }
    }

    #[test]
    fn other_iso_forms_use_the_fallback() {
        assert_eq!(
            parse_event_time("2024-08-02T10:23:24+02:00"),
            Some(1_722_587_004_000)
        );
        assert_eq!(
            parse_event_time("2024-08-02t08:23:24z"),
            Some(1_722_587_004_000)
        );
        assert_eq!(
            parse_event_time("20240802T082324Z"),
            Some(1_722_587_004_000)
        );
    }

    #[test]
    fn invalid_times_are_rejected() {
        for s in [
            "",
            "yesterday",
            "2024-08-02",
            "2024-08-02T08:23:24",
            "2024-13-02T08:23:24Z",
            "2023-02-29T08:23:24Z",
            "2024-08-02T24:00:00Z",
            "2024-08-02T08:23:24.Z",
            "2024-08-02T08:23:24ZZ",
        ] {
            assert_eq!(parse_event_time(s), None, "{s}");
        }
    }
}
