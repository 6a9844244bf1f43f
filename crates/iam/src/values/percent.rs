//! Decoding of the URL-encoded (RFC 3986) policy documents that IAM's API returns.

/// Decodes `%XX` escapes (and `+` as a space, as in form encoding); `None` if an escape is
/// malformed or the result is not UTF-8.
pub fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hi = hex_value(*bytes.get(i + 1)?)?;
                let lo = hex_value(*bytes.get(i + 2)?)?;
                out.push(hi << 4 | lo);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Encodes every byte outside RFC 3986's unreserved set as `%XX`, as IAM's API does.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0xf));
        }
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn hex_digit(v: u8) -> char {
    char::from(b"0123456789ABCDEF"[usize::from(v & 0xf)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_iam_api_document() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%7D";
        assert_eq!(
            decode(encoded).as_deref(),
            Some(r#"{"Version":"2012-10-17"}"#)
        );
    }

    #[test]
    fn rejects_bad_escape() {
        assert_eq!(decode("%7"), None);
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode("%FF"), None);
    }

    #[test]
    fn round_trips() {
        let text = r#"{"a": "b c/d*"}"#;
        assert_eq!(decode(&encode(text)).as_deref(), Some(text));
        assert_eq!(encode("a b"), "a%20b");
    }
}
