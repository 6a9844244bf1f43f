//! Telling JSON inputs from text inputs, and writing JSON on one line.

use serde::de::IgnoredAny;

/// Whether the input is one JSON value (an input transformer's result may be JSON or text).
pub(crate) fn is_json(input: &str) -> bool {
    serde_json::from_str::<IgnoredAny>(input).is_ok()
}

/// Valid JSON without the whitespace between tokens; strings and member order untouched.
pub(crate) fn compact_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
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
    fn compacts_outside_strings_only() {
        assert_eq!(
            compact_json("{ \"a b\" : [ 1 ,\n 2 ], \"c\":\"x\\\" y\" }"),
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
