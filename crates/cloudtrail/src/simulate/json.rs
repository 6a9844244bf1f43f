//! A minimal JSON writer into a reusable byte buffer (no value trees: it writes gigabytes).

/// Appends `text` as a JSON string literal.
pub(crate) fn push_str(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let escape: Option<&[u8]> = match byte {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..at]);
        match escape {
            Some(seq) => out.extend_from_slice(seq),
            None => out.extend_from_slice(format!("\\u{byte:04x}").as_bytes()),
        }
        start = at + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Writes one JSON object member by member; `end` closes it.
pub(crate) struct Obj<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Obj<'a> {
    /// Opens an object at the end of `out`.
    pub(crate) fn new(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        Self { out, first: true }
    }

    /// Writes `"name":` (with a comma when needed) and returns the buffer for the value.
    pub(crate) fn key(&mut self, name: &str) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    /// A string member.
    pub(crate) fn str(&mut self, name: &str, value: &str) -> &mut Self {
        let out = self.key(name);
        push_str(out, value);
        self
    }

    /// A member whose value is already JSON text (`true`, `null`, a number…).
    pub(crate) fn raw(&mut self, name: &str, json: &str) -> &mut Self {
        self.key(name).extend_from_slice(json.as_bytes());
        self
    }

    /// A boolean member.
    pub(crate) fn bool(&mut self, name: &str, value: bool) -> &mut Self {
        self.raw(name, if value { "true" } else { "false" })
    }

    /// A number member.
    pub(crate) fn num(&mut self, name: &str, value: u64) -> &mut Self {
        let text = value.to_string();
        self.raw(name, &text)
    }

    /// A nested object member; close it with [`Obj::end`].
    pub(crate) fn obj(&mut self, name: &str) -> Obj<'_> {
        let out = self.key(name);
        Obj::new(out)
    }

    /// A nested array member; close it with [`Arr::end`].
    pub(crate) fn arr(&mut self, name: &str) -> Arr<'_> {
        let out = self.key(name);
        Arr::new(out)
    }

    /// An array member of strings.
    pub(crate) fn strs(&mut self, name: &str, values: &[&str]) -> &mut Self {
        let mut arr = self.arr(name);
        for value in values {
            arr.str(value);
        }
        arr.end();
        self
    }

    /// Closes the object.
    pub(crate) fn end(self) {
        self.out.push(b'}');
    }
}

/// Writes one JSON array element by element; `end` closes it.
pub(crate) struct Arr<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Arr<'a> {
    /// Opens an array at the end of `out`.
    pub(crate) fn new(out: &'a mut Vec<u8>) -> Self {
        out.push(b'[');
        Self { out, first: true }
    }

    fn comma(&mut self) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out
    }

    /// A string element.
    pub(crate) fn str(&mut self, value: &str) {
        let out = self.comma();
        push_str(out, value);
    }

    /// An object element; close it with [`Obj::end`].
    pub(crate) fn obj(&mut self) -> Obj<'_> {
        let out = self.comma();
        Obj::new(out)
    }

    /// Closes the array.
    pub(crate) fn end(self) {
        self.out.push(b']');
    }
}

#[cfg(test)]
mod tests {
    use super::Obj;

    #[test]
    fn writes_valid_compact_json_with_escapes() {
        let mut out = Vec::new();
        let mut obj = Obj::new(&mut out);
        obj.str("a", "x\"y\\z\n\u{1}")
            .bool("b", true)
            .num("n", 42)
            .raw("r", "null");
        let mut inner = obj.obj("o");
        inner.str("k", "v");
        inner.end();
        let mut arr = obj.arr("l");
        arr.str("one");
        arr.obj().end();
        arr.end();
        obj.strs("s", &["p", "q"]);
        obj.end();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            r#"{"a":"x\"y\\z\n\u0001","b":true,"n":42,"r":null,"o":{"k":"v"},"l":["one",{}],"s":["p","q"]}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["a"], "x\"y\\z\n\u{1}");
    }
}
