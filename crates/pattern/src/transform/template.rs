//! `InputTemplate`: text with `<placeholder>`s, either a JSON template (it starts with `{`) or
//! a text template (anything else, typically one JSON string literal per line).

use super::TransformError;

/// Longest template EventBridge accepts.
const MAX_TEMPLATE_CHARS: usize = 8192;

/// A piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Literal text.
    Text(String),
    /// `<name>`; `quoted` is true inside a JSON string of a JSON template.
    Placeholder { name: String, quoted: bool },
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    /// Whether the template is JSON (its output must then be valid JSON).
    pub(crate) is_json: bool,
    /// Literal text and placeholders in order.
    pub(crate) pieces: Vec<Piece>,
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

impl Template {
    /// Splits a template into text and placeholders.
    pub(crate) fn parse(text: &str) -> Result<Self, TransformError> {
        let length = text.chars().count();
        if length == 0 || length > MAX_TEMPLATE_CHARS {
            return Err(TransformError::TemplateLength);
        }
        let is_json = text.trim_start().starts_with('{');
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut in_string = false;
        let mut escaped = false;
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if c == '<'
                && let Some((name, after)) = placeholder(rest)
            {
                if !literal.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut literal)));
                }
                let quoted = is_json && in_string;
                if is_json && !in_string && after.trim_start().starts_with(':') {
                    return Err(TransformError::PlaceholderAsKey(name.to_owned()));
                }
                pieces.push(Piece::Placeholder {
                    name: name.to_owned(),
                    quoted,
                });
                rest = after;
                continue;
            }
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
            } else if c == '"' {
                in_string = true;
            }
            literal.push(c);
            rest = rest.get(c.len_utf8()..).unwrap_or("");
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Self { is_json, pieces })
    }

    /// The placeholder names, in order of appearance.
    pub(crate) fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Placeholder { name, .. } => Some(name.as_str()),
            Piece::Text(_) => None,
        })
    }
}

/// `<name>` at the start of `text`: the name and the text after `>`.
fn placeholder(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('<')?;
    let end = inner.find('>')?;
    let name = inner.get(..end)?;
    (!name.is_empty() && name.chars().all(name_char))
        .then(|| (name, inner.get(end + 1..).unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::{Piece, Template};

    #[test]
    fn quoted_and_unquoted_placeholders() {
        let t = Template::parse(r#"{"a": <x>, "b": "id <y>", "c": "1 < 2"}"#).unwrap();
        assert!(t.is_json);
        let names: Vec<_> = t
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Placeholder { name, quoted } => Some((name.as_str(), *quoted)),
                Piece::Text(_) => None,
            })
            .collect();
        assert_eq!(names, [("x", false), ("y", true)]);
    }
}
