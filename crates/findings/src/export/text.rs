//! Small text helpers shared by the exporters.

/// At most `max` characters of `text`, cut on a character boundary.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

/// A severity score as text the way GuardDuty prints it: `8` for 8.0, `5.5` for 5.5.
pub(crate) fn score_text(score: f64) -> String {
    format!("{score}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(truncate_chars("abcdef", 4), "abcd");
        assert_eq!(truncate_chars("abc", 4), "abc");
        assert_eq!(truncate_chars("ééé", 2), "éé");
    }

    #[test]
    fn whole_scores_have_no_fraction() {
        assert_eq!(score_text(8.0), "8");
        assert_eq!(score_text(5.5), "5.5");
    }
}
