//! Case-insensitive comparison the way EventBridge does it: each pattern character matches its
//! own lower-case or upper-case form (simple per-character mapping, not full Unicode folding).

/// Whether `text` equals `pattern` ignoring case.
pub(crate) fn equals(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        return pattern.eq_ignore_ascii_case(text);
    }
    strip_prefix(pattern, text).is_some_and(str::is_empty)
}

/// Whether `text` starts with `pattern` ignoring case.
pub(crate) fn starts_with(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        return text
            .as_bytes()
            .get(..pattern.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(pattern.as_bytes()));
    }
    strip_prefix(pattern, text).is_some()
}

/// Whether `text` ends with `pattern` ignoring case.
pub(crate) fn ends_with(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        return text
            .len()
            .checked_sub(pattern.len())
            .and_then(|start| text.as_bytes().get(start..))
            .is_some_and(|tail| tail.eq_ignore_ascii_case(pattern.as_bytes()));
    }
    strip_suffix_chars(&pattern.chars().collect::<Vec<_>>(), text)
}

/// Removes a case-insensitive `pattern` from the start of `text`, trying both case forms.
fn strip_prefix<'t>(pattern: &str, text: &'t str) -> Option<&'t str> {
    let mut chars = pattern.chars();
    let Some(first) = chars.next() else {
        return Some(text);
    };
    let rest = chars.as_str();
    forms(first)
        .into_iter()
        .filter_map(|form| text.strip_prefix(form.as_str()))
        .find_map(|after| strip_prefix(rest, after))
}

fn strip_suffix_chars(pattern: &[char], text: &str) -> bool {
    let Some((last, rest)) = pattern.split_last() else {
        return true;
    };
    forms(*last)
        .into_iter()
        .filter_map(|form| text.strip_suffix(form.as_str()))
        .any(|before| strip_suffix_chars(rest, before))
}

/// The lower-case and upper-case forms of one pattern character.
fn forms(c: char) -> [String; 2] {
    [c.to_lowercase().collect(), c.to_uppercase().collect()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn ascii_and_unicode() {
        assert!(super::equals("AlIcE", "aLiCe"));
        assert!(!super::equals("alice", "alic"));
        assert!(super::equals("Éclair", "éCLAIR"));
        assert!(super::starts_with("ÉC", "éclair"));
        assert!(super::ends_with("AIR", "éclair"));
        assert!(super::ends_with("ÉCLAIR", "mon éclair"));
        assert!(!super::ends_with("x", ""));
        assert!(super::starts_with("", "anything"));
    }

    #[test]
    fn sharp_s_upper_form_is_two_letters() {
        // `ß` upper-cases to `SS`, so the pattern `ß` accepts `SS` and `ß` but not `S`.
        assert!(super::equals("ß", "SS"));
        assert!(super::equals("ß", "ß"));
        assert!(!super::equals("ß", "S"));
    }
}
