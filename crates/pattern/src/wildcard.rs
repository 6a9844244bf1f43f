//! The `wildcard` operator: `*` matches any run of characters; `\*` and `\\` are literals.

use crate::error::PatternError;

/// How many `*` followed by literals that begin with the same character a wildcard may have.
///
/// AWS does not publish its complexity threshold. It rejects `*:*:*:*:*:event-bus/*` and accepts
/// `arn:aws:events:us-east-1:*:event-bus/*`; repeating the same character right after several
/// wildcards is what makes the automaton nondeterministic, so that is what we count.
const MAX_REPEATING_SEGMENTS: usize = 2;

/// A parsed wildcard: literal parts separated by `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wildcard {
    /// `parts.len() - 1` is the number of `*`; parts may be empty.
    parts: Vec<String>,
}

impl Wildcard {
    /// Parses and validates the text of a wildcard value (after JSON unescaping).
    pub(crate) fn parse(text: &str) -> Result<Self, PatternError> {
        let mut parts = vec![String::new()];
        let mut chars = text.char_indices().peekable();
        let mut previous_was_star = false;
        while let Some((index, c)) = chars.next() {
            // Positions count the opening quote of the JSON string, as EventBridge reports them.
            let position = index + 1;
            match c {
                '*' if previous_was_star => return Err(PatternError::ConsecutiveWildcards(index)),
                '*' => {
                    parts.push(String::new());
                    previous_was_star = true;
                    continue;
                }
                '\\' => match chars.next() {
                    Some((_, escaped @ ('*' | '\\'))) => push_char(&mut parts, escaped),
                    _ => return Err(PatternError::InvalidEscape(position)),
                },
                other => push_char(&mut parts, other),
            }
            previous_was_star = false;
        }
        let wildcard = Self { parts };
        if wildcard.repeating_segments() > MAX_REPEATING_SEGMENTS {
            return Err(PatternError::WildcardTooComplex);
        }
        Ok(wildcard)
    }

    /// Number of non-empty parts after a `*` whose first character starts another such part.
    fn repeating_segments(&self) -> usize {
        let firsts: Vec<char> = self
            .parts
            .iter()
            .skip(1)
            .filter_map(|part| part.chars().next())
            .collect();
        firsts
            .iter()
            .filter(|c| firsts.iter().filter(|other| other == c).count() > 1)
            .count()
    }

    /// The literal text before the first `*` (the whole text when there is none).
    pub(crate) fn literal_prefix(&self) -> &str {
        self.parts.first().map_or("", String::as_str)
    }

    /// The literal text after the last `*`, if there is a `*`.
    pub(crate) fn literal_suffix(&self) -> Option<&str> {
        (self.parts.len() > 1).then(|| self.parts.last().map_or("", String::as_str))
    }

    /// Whether the wildcard has no `*` (it is then an exact match).
    pub(crate) fn is_exact(&self) -> bool {
        self.parts.len() == 1
    }

    /// Whether `text` matches.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let [first, middle @ .., last] = self.parts.as_slice() else {
            return self.parts.first().is_some_and(|only| only == text);
        };
        if text.len() < first.len() + last.len()
            || !text.starts_with(first.as_str())
            || !text.ends_with(last.as_str())
        {
            return false;
        }
        let mut rest = text.get(first.len()..text.len() - last.len()).unwrap_or("");
        for part in middle {
            match rest.find(part.as_str()) {
                Some(at) => rest = rest.get(at + part.len()..).unwrap_or(""),
                None => return false,
            }
        }
        true
    }
}

fn push_char(parts: &mut [String], c: char) {
    if let Some(last) = parts.last_mut() {
        last.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::Wildcard;
    use crate::error::PatternError;

    #[test]
    fn consecutive_stars_report_the_position_counting_the_quote() {
        let err = Wildcard::parse("arn:aws:events:us-east-1:**:event-bus/*").unwrap_err();
        assert_eq!(err, PatternError::ConsecutiveWildcards(26));
    }

    #[test]
    fn escapes() {
        let w = Wildcard::parse(r"a\*b*").unwrap();
        assert!(w.matches("a*bc"));
        assert!(!w.matches("axbc"));
        assert_eq!(
            Wildcard::parse(r"a\b").unwrap_err(),
            PatternError::InvalidEscape(2)
        );
        assert_eq!(
            Wildcard::parse("ab\\").unwrap_err(),
            PatternError::InvalidEscape(3)
        );
    }

    #[test]
    fn matching() {
        let table = [
            ("*", "", true),
            ("a*", "a", true),
            ("*a*a", "aa", true),
            ("*a*a", "a", false),
            ("ab*ba", "aba", false),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxcyyb", false),
            ("", "", true),
            ("", "x", false),
        ];
        for (pattern, text, expected) in table {
            assert_eq!(
                Wildcard::parse(pattern).unwrap().matches(text),
                expected,
                "{pattern} {text}"
            );
        }
    }

    #[test]
    fn complexity_limit() {
        assert_eq!(
            Wildcard::parse("*:*:*:*:*:event-bus/*").unwrap_err(),
            PatternError::WildcardTooComplex
        );
        assert!(Wildcard::parse("arn:aws:events:us-east-1:*:event-bus/*").is_ok());
    }
}
