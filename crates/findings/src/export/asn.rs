//! Autonomous system numbers: a string in GuardDuty's model, a number in ASFF and OCSF.

/// The ASN as a number, or `None` when the text is not one.
///
/// GuardDuty writes the ASN as a decimal string (`"16509"`; sample findings use `"-1"`), so
/// plain integers, negative ones included, convert as they are. The docs are silent on other
/// spellings; `AS64500` (any case) is the common notation for the same number, so the prefix
/// is dropped. Anything else (`"unknown"`, `""`) has no number: the caller leaves the numeric
/// field out and keeps the original text where the format has room for it.
pub(crate) fn asn_number(text: &str) -> Option<i64> {
    let trimmed = text.trim();
    let digits = match trimmed.get(..2) {
        Some(prefix) if prefix.eq_ignore_ascii_case("as") => &trimmed[2..],
        _ => trimmed,
    };
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_strings_become_numbers() {
        assert_eq!(asn_number("64500"), Some(64_500));
        assert_eq!(asn_number("4200000000"), Some(4_200_000_000));
    }

    #[test]
    fn guardduty_sample_placeholder_stays_minus_one() {
        assert_eq!(asn_number("-1"), Some(-1));
    }

    #[test]
    fn as_prefix_is_dropped() {
        assert_eq!(asn_number("AS64500"), Some(64_500));
        assert_eq!(asn_number("as64500"), Some(64_500));
    }

    #[test]
    fn non_numeric_text_has_no_number() {
        assert_eq!(asn_number("EXAMPLE-NET"), None);
        assert_eq!(asn_number(""), None);
        assert_eq!(asn_number("AS"), None);
        assert_eq!(asn_number("64500a"), None);
    }
}
