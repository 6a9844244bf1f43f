//! The JSONPath subset EventBridge accepts in `InputPath` and `InputPathsMap`: `$`, dot members
//! (letters, digits, `-`, `_`, `/`), array indexes `[n]`, and the wildcards `.*` / `[*]`.
//!
//! Paths are evaluated on the event *text*, so selected values keep their key order.

use serde_json::value::RawValue;

use super::TransformError;
use super::text::minify;

/// Longest JSON path EventBridge accepts.
const MAX_PATH_CHARS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Member(String),
    Index(usize),
    Any,
}

/// A validated JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonPath {
    text: String,
    steps: Vec<Step>,
}

fn member_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '$' | '@' | ':')
}

impl JsonPath {
    /// Parses a path such as `$.detail.resources[0].id`.
    pub(crate) fn parse(text: &str) -> Result<Self, TransformError> {
        let invalid = || TransformError::InvalidPath(text.to_owned());
        if text.is_empty() || text.chars().count() > MAX_PATH_CHARS {
            return Err(invalid());
        }
        let rest = text.strip_prefix('$').ok_or_else(invalid)?;
        let mut steps = Vec::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '.' => {
                    let mut name = String::new();
                    while let Some(&next) = chars.peek() {
                        if next == '.' || next == '[' {
                            break;
                        }
                        name.push(next);
                        chars.next();
                    }
                    if name == "*" {
                        steps.push(Step::Any);
                    } else if !name.is_empty() && name.chars().all(member_char) {
                        steps.push(Step::Member(name));
                    } else {
                        return Err(invalid());
                    }
                }
                '[' => {
                    let mut inside = String::new();
                    for next in chars.by_ref() {
                        if next == ']' {
                            break;
                        }
                        inside.push(next);
                    }
                    if inside == "*" {
                        steps.push(Step::Any);
                    } else if !inside.is_empty() && inside.bytes().all(|b| b.is_ascii_digit()) {
                        steps.push(Step::Index(inside.parse().map_err(|_| invalid())?));
                    } else {
                        return Err(invalid());
                    }
                }
                _ => return Err(invalid()),
            }
        }
        Ok(Self {
            text: text.to_owned(),
            steps,
        })
    }

    /// The path as written.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// The selected value as compact JSON text, or `None` when the path selects nothing. A path
    /// with a wildcard selects a JSON array of every match.
    pub(crate) fn select(&self, event: &RawValue) -> Option<String> {
        let mut current = vec![event];
        for step in &self.steps {
            current = current
                .into_iter()
                .flat_map(|raw| children(raw, step))
                .collect();
        }
        if self.steps.contains(&Step::Any) {
            let items: Vec<String> = current.iter().map(|raw| minify(raw.get())).collect();
            return Some(format!("[{}]", items.join(",")));
        }
        current.first().map(|raw| minify(raw.get()))
    }
}

fn children<'a>(raw: &'a RawValue, step: &Step) -> Vec<&'a RawValue> {
    let text = raw.get();
    match step {
        Step::Member(name) => members(text)
            .and_then(|members| members.into_iter().rev().find(|(k, _)| k == name))
            .map(|(_, v)| vec![v])
            .unwrap_or_default(),
        Step::Index(i) => serde_json::from_str::<Vec<&RawValue>>(text)
            .ok()
            .and_then(|items| items.get(*i).copied())
            .map(|v| vec![v])
            .unwrap_or_default(),
        Step::Any => {
            if let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(text) {
                items
            } else {
                members(text)
                    .map(|m| m.into_iter().map(|(_, v)| v).collect())
                    .unwrap_or_default()
            }
        }
    }
}

/// An object's members in document order.
fn members(text: &str) -> Option<Vec<(String, &RawValue)>> {
    use serde::de::{Deserializer, MapAccess, Visitor};
    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = Vec<(String, &'de RawValue)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                out.push((k, v));
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_map(Members).ok()
}

#[cfg(test)]
mod tests {
    use super::JsonPath;

    fn select(path: &str, event: &str) -> Option<String> {
        let raw: Box<serde_json::value::RawValue> = serde_json::from_str(event).unwrap();
        JsonPath::parse(path).unwrap().select(&raw)
    }

    #[test]
    fn selection_keeps_key_order() {
        let event = r#"{"detail": {"z": 1, "a": [10, {"b": "x"}]}}"#;
        assert_eq!(
            select("$.detail", event).as_deref(),
            Some(r#"{"z":1,"a":[10,{"b":"x"}]}"#)
        );
        assert_eq!(select("$.detail.a[1].b", event).as_deref(), Some(r#""x""#));
        assert_eq!(
            select("$.detail.a[*]", event).as_deref(),
            Some(r#"[10,{"b":"x"}]"#)
        );
        assert_eq!(select("$.detail.missing", event), None);
        assert_eq!(
            select("$", event).as_deref(),
            Some(r#"{"detail":{"z":1,"a":[10,{"b":"x"}]}}"#)
        );
    }

    #[test]
    fn rejected_paths() {
        for bad in ["", "detail", "$..detail", "$['detail']", "$.a[x]", "$.a b"] {
            assert!(JsonPath::parse(bad).is_err(), "{bad}");
        }
    }
}
