//! Small helpers over JSON text.

/// Removes insignificant whitespace from valid JSON text; strings and member order untouched.
pub fn minify(json: &str) -> String {
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
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

/// How a value reads in a text (non-JSON) template: strings without quotes, everything else
/// as compact JSON with every double quote removed (`{acc_id:0a78,sf_id:baz}`, `[HIGH]`).
pub(crate) fn as_text(json: &str) -> String {
    if json.starts_with('"')
        && let Ok(text) = serde_json::from_str::<String>(json)
    {
        return text;
    }
    json.chars().filter(|c| *c != '"').collect()
}

/// How a value reads inside a quoted JSON string of a JSON template: a string's content as it
/// is written in the event (escapes kept, so the result stays valid JSON); anything else as
/// compact JSON, unescaped (which makes the template invalid, as on AWS).
pub(crate) fn as_quoted(json: &str) -> &str {
    json.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(json)
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_forms() {
        assert_eq!(
            super::minify("{ \"a\" : [1, \"b c\"] }"),
            r#"{"a":[1,"b c"]}"#
        );
        assert_eq!(
            super::as_text(r#"{"acc_id":"0a78","sf_id":"baz"}"#),
            "{acc_id:0a78,sf_id:baz}"
        );
        assert_eq!(
            super::as_text(r#"["ACTIVE","INACTIVE"]"#),
            "[ACTIVE,INACTIVE]"
        );
        assert_eq!(super::as_text(r#""a\"b""#), "a\"b");
        assert_eq!(super::as_quoted(r#""a\"b""#), r#"a\"b"#);
    }
}
