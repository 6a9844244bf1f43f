//! Timestamps: milliseconds since the Unix epoch inside, GuardDuty's ISO-8601 text outside.

use jiff::Timestamp;

/// Formats milliseconds since the epoch as GuardDuty does: `2023-07-10T11:57:22.000Z`.
pub fn format_millis(ms: i64) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        // Out of jiff's range (year ±9999): clamp to the nearest representable instant.
        Err(_) => {
            let ts = if ms < 0 {
                Timestamp::MIN
            } else {
                Timestamp::MAX
            };
            ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
        }
    }
}

/// Parses an RFC 3339 / ISO-8601 instant (`…Z` or with an offset) into milliseconds.
pub fn parse_millis(text: &str) -> Option<i64> {
    text.parse::<Timestamp>().ok().map(|ts| ts.as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_milliseconds_and_z() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_millis(1_688_990_242_123), "2023-07-10T11:57:22.123Z");
    }

    #[test]
    fn parses_z_and_offsets() {
        assert_eq!(
            parse_millis("2023-07-10T11:57:22Z"),
            Some(1_688_990_242_000)
        );
        assert_eq!(
            parse_millis("2023-07-10T13:57:22.5+02:00"),
            Some(1_688_990_242_500)
        );
        assert_eq!(parse_millis("yesterday"), None);
    }
}
