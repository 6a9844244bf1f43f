//! Telling JSON inputs from text inputs.

use serde::de::IgnoredAny;

/// Whether the input is one JSON value (an input transformer's result may be JSON or text).
pub(crate) fn is_json(input: &str) -> bool {
    serde_json::from_str::<IgnoredAny>(input).is_ok()
}

/// The text of a JSON string input (`"a\"b"` → `a"b`); any other input as it is.
pub(crate) fn as_text(input: &str) -> String {
    serde_json::from_str::<String>(input).unwrap_or_else(|_| input.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_json_from_text() {
        for json in ["{}", " [1, 2] ", "\"text\"", "3", "null"] {
            assert!(is_json(json), "{json}");
        }
        for text in ["", "GuardDuty Finding", "{", "\"a\" \"b\""] {
            assert!(!is_json(text), "{text}");
        }
    }

    #[test]
    fn file_inputs_are_compacted_outside_strings_only() {
        assert_eq!(
            pattern::minify_json("{ \"a b\" : [ 1 ,\n 2 ], \"c\":\"x\\\" y\" }"),
            "{\"a b\":[1,2],\"c\":\"x\\\" y\"}"
        );
    }

    #[test]
    fn reads_string_inputs_as_their_text() {
        assert_eq!(as_text("\"a \\\"b\\\"\""), "a \"b\"");
        assert_eq!(as_text("{\"a\":1}"), "{\"a\":1}");
        assert_eq!(as_text("plain"), "plain");
    }
}
