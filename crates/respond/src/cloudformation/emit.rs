//! Writes imported rules as `trailguard.toml` text, with comments where the user must act.

use std::fmt::Write as _;

use super::{Import, ImportedRule, RENAMED_FINDING_TYPE};
use crate::config::{TargetConfig, TargetType};

const HEADER: &str = "\
# trailguard rules imported from a CloudFormation template (trailguard rules import-cloudformation).
# Values like \"<Ref Name>\" stand for CloudFormation intrinsics: replace them with deployed values.
";

/// The whole output: a header, then one `[[rule]]` block per rule.
pub(crate) fn to_toml(import: &Import) -> String {
    let mut out = String::from(HEADER);
    for rule in &import.rules {
        out.push('\n');
        write_rule(&mut out, rule);
    }
    out
}

fn write_rule(out: &mut String, rule: &ImportedRule) {
    let _ = writeln!(out, "# From AWS::Events::Rule `{}`.", rule.logical_id);
    for note in &rule.notes {
        let _ = writeln!(out, "# {note}");
    }
    out.push_str("[[rule]]\n");
    let _ = writeln!(out, "name = {}", string(&rule.name));
    if let Some(description) = &rule.description {
        let _ = writeln!(out, "description = {}", string(description));
    }
    if !rule.enabled {
        out.push_str("enabled = false   # State: DISABLED in the template\n");
    }
    if rule.renamed_type {
        let _ = writeln!(
            out,
            "# The template matches the type `{RENAMED_FINDING_TYPE}` exactly. GuardDuty renamed it\n\
             # `.OutsideAWS` in September 2021 and added `.InsideAWS` in January 2022, so that match no\n\
             # longer fires: this pattern uses {{\"prefix\": …}} instead, which matches all three."
        );
    }
    if let Some(pattern) = &rule.pattern {
        let _ = writeln!(out, "pattern = {}", string(pattern));
    }
    for target in &rule.targets {
        out.push('\n');
        write_target(out, target);
    }
}

fn write_target(out: &mut String, target: &TargetConfig) {
    out.push_str("  [[rule.target]]\n");
    let _ = writeln!(out, "  type = {}", string(target.kind.as_str()));
    if let Some(id) = &target.id {
        let _ = writeln!(out, "  id = {}", string(id));
    }
    let destination = match target.kind {
        TargetType::Lambda => ("function_name", &target.function_name),
        _ => ("topic_arn", &target.topic_arn),
    };
    if let (name, Some(value)) = destination {
        let marker = if value.starts_with('<') && value.ends_with('>') {
            "   # placeholder: replace with the deployed value"
        } else {
            ""
        };
        let _ = writeln!(out, "  {name} = {}{marker}", string(value));
    }
    if let Some(input) = &target.input {
        let _ = writeln!(out, "  input = {}", string(input));
    }
    if let Some(path) = &target.input_path {
        let _ = writeln!(out, "  input_path = {}", string(path));
    }
    if let Some(transformer) = &target.input_transformer {
        let paths: Vec<String> = transformer
            .input_paths_map
            .iter()
            .map(|(key, path)| format!("{} = {}", key_text(key), string(path)))
            .collect();
        let paths = if paths.is_empty() {
            "{}".to_owned()
        } else {
            format!("{{ {} }}", paths.join(", "))
        };
        let _ = writeln!(
            out,
            "  input_transformer = {{ input_paths_map = {paths}, input_template = {} }}",
            string(&transformer.input_template)
        );
    }
}

/// A TOML string: literal (`'…'`) when the text allows it, so JSON stays readable; basic
/// (`"…"` with escapes) otherwise.
pub(crate) fn string(text: &str) -> String {
    if !text.contains('\'') && !text.chars().any(char::is_control) {
        return format!("'{text}'");
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A bare key when TOML allows one, else a quoted key.
fn key_text(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        key.to_owned()
    } else {
        string(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_toml() {
        let cases = [
            r#"{"source":["aws.guardduty"]}"#,
            r#""GuardDuty Finding | ID:<gdid>: text""#,
            "it's",
            "tab\there, newline\nthere, back\\slash, quote \"",
            "",
        ];
        for text in cases {
            let document = format!("v = {}", string(text));
            let parsed: toml::Table = toml::from_str(&document).unwrap();
            assert_eq!(parsed["v"].as_str(), Some(text), "{document}");
        }
        assert_eq!(string("plain"), "'plain'");
        assert_eq!(string("it's"), "\"it's\"");
    }

    proptest::proptest! {
        #[test]
        fn any_string_round_trips_through_toml(text in "\\PC*|[\\x00-\\x1f'\"\\\\ a-z]*") {
            let parsed: toml::Table = toml::from_str(&format!("v = {}", string(&text))).unwrap();
            proptest::prop_assert_eq!(parsed["v"].as_str(), Some(text.as_str()));
        }

        #[test]
        fn any_key_round_trips_through_toml(key in "\\PC{0,12}") {
            let parsed: toml::Table = toml::from_str(&format!("{} = 1", key_text(&key))).unwrap();
            proptest::prop_assert!(parsed.contains_key(&key));
        }
    }

    #[test]
    fn keys_are_bare_when_possible() {
        assert_eq!(key_text("userName"), "userName");
        assert_eq!(key_text("a.b"), "'a.b'");
    }
}
