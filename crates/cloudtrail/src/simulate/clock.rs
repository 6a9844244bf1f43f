//! Time stamps in the exact spellings CloudTrail uses, from epoch seconds (UTC).

use super::error::SimulateError;

/// Calendar fields of one UTC second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Splits epoch seconds into calendar fields (proleptic Gregorian, UTC).
fn civil(epoch: i64) -> Civil {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    // Days-to-civil conversion from Howard Hinnant's public-domain date algorithms.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let small = |v: i64| u32::try_from(v).unwrap_or(0);
    Civil {
        year,
        month: small(month),
        day: small(day),
        hour: small(secs / 3600),
        minute: small(secs % 3600 / 60),
        second: small(secs % 60),
    }
}

fn push_num(out: &mut Vec<u8>, value: i64, width: usize) {
    let text = format!("{value:0width$}");
    out.extend_from_slice(text.as_bytes());
}

fn push_two(out: &mut Vec<u8>, value: u32) {
    let tens = u8::try_from(value / 10 % 10).unwrap_or(0);
    let ones = u8::try_from(value % 10).unwrap_or(0);
    out.push(b'0' + tens);
    out.push(b'0' + ones);
}

fn push_year(out: &mut Vec<u8>, year: i64) {
    if (1000..10_000).contains(&year) {
        for divisor in [1000, 100, 10, 1] {
            out.push(b'0' + u8::try_from(year / divisor % 10).unwrap_or(0));
        }
    } else {
        push_num(out, year, 4);
    }
}

/// `2023-07-10T11:55:22Z`, the `eventTime` / `creationDate` spelling.
pub(crate) fn push_rfc3339(out: &mut Vec<u8>, epoch: i64) {
    let c = civil(epoch);
    push_year(out, c.year);
    out.push(b'-');
    push_two(out, c.month);
    out.push(b'-');
    push_two(out, c.day);
    out.push(b'T');
    push_two(out, c.hour);
    out.push(b':');
    push_two(out, c.minute);
    out.push(b':');
    push_two(out, c.second);
    out.push(b'Z');
}

/// [`push_rfc3339`] as a `String`.
pub(crate) fn rfc3339(epoch: i64) -> String {
    let mut out = Vec::with_capacity(20);
    push_rfc3339(&mut out, epoch);
    String::from_utf8_lossy(&out).into_owned()
}

/// `Jul 10, 2023, 6:30:22 PM`: how STS responses in CloudTrail spell a credential expiration.
pub(crate) fn push_human(out: &mut Vec<u8>, epoch: i64) {
    let c = civil(epoch);
    let month = MONTHS
        .get(usize::try_from(c.month.saturating_sub(1)).unwrap_or(0))
        .copied()
        .unwrap_or("Jan");
    let hour12 = match c.hour % 12 {
        0 => 12,
        h => h,
    };
    let meridiem = if c.hour < 12 { "AM" } else { "PM" };
    let text = format!(
        "{month} {}, {}, {hour12}:{:02}:{:02} {meridiem}",
        c.day, c.year, c.minute, c.second
    );
    out.extend_from_slice(text.as_bytes());
}

/// `20230710T1145Z`, the time stamp in a log file's name.
pub(crate) fn file_stamp(epoch: i64) -> String {
    let c = civil(epoch);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute
    )
}

/// `2023/07/10`, the date folders of the S3 layout.
pub(crate) fn date_path(epoch: i64) -> String {
    let c = civil(epoch);
    format!("{:04}/{:02}/{:02}", c.year, c.month, c.day)
}

/// Parses an RFC 3339 time stamp (`--start`) into epoch seconds.
pub fn parse_start(text: &str) -> Result<i64, SimulateError> {
    text.parse::<jiff::Timestamp>()
        .map(jiff::Timestamp::as_second)
        .map_err(|source| SimulateError::BadStart {
            text: text.to_owned(),
            reason: source.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::{date_path, file_stamp, parse_start, push_human, rfc3339};

    #[test]
    fn formats_match_cloudtrail_spellings() {
        // 2023-07-10T18:30:22Z, the expiration of the sample AssumeRole in the research notes.
        let t = parse_start("2023-07-10T18:30:22Z").unwrap();
        assert_eq!(rfc3339(t), "2023-07-10T18:30:22Z");
        let mut human = Vec::new();
        push_human(&mut human, t);
        assert_eq!(
            String::from_utf8(human).unwrap(),
            "Jul 10, 2023, 6:30:22 PM"
        );
        assert_eq!(file_stamp(t), "20230710T1830Z");
        assert_eq!(date_path(t), "2023/07/10");
        let mut midnight = Vec::new();
        push_human(&mut midnight, parse_start("2024-02-29T00:05:09Z").unwrap());
        assert_eq!(
            String::from_utf8(midnight).unwrap(),
            "Feb 29, 2024, 12:05:09 AM"
        );
    }

    #[test]
    fn rfc3339_agrees_with_jiff_over_many_dates() {
        let mut t = -86_400 * 365 * 30;
        while t < 86_400 * 365 * 80 {
            let ours = rfc3339(t);
            let theirs = jiff::Timestamp::from_second(t)
                .unwrap()
                .strftime("%Y-%m-%dT%H:%M:%SZ")
                .to_string();
            assert_eq!(ours, theirs);
            t += 86_400 * 3 + 3_607;
        }
    }

    #[test]
    fn bad_start_is_reported_with_the_text() {
        let err = parse_start("yesterday").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid start time `yesterday`: "),
            "{err}"
        );
    }
}
