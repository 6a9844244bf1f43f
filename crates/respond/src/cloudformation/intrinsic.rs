//! CloudFormation intrinsic functions: YAML short forms (`!Ref X`, `!GetAtt A.B`, `!Sub '…'`)
//! are rewritten to their long forms (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`), and any
//! value that is an intrinsic becomes a visible placeholder such as `<Ref GuardDutySNSTopic>`.

use serde_yaml_ng::{Mapping, Value};

/// Rewrites every short-form tag into the long form, in place, depth first.
pub(crate) fn normalize(value: &mut Value) {
    match value {
        Value::Tagged(tagged) => {
            let name = tagged.tag.to_string();
            let name = name.trim_start_matches('!');
            let mut inner = std::mem::take(&mut tagged.value);
            normalize(&mut inner);
            let (key, argument) = match (name, inner) {
                ("Ref", argument) => ("Ref".to_owned(), argument),
                ("GetAtt", Value::String(text)) => {
                    let parts = match text.split_once('.') {
                        Some((resource, attribute)) => vec![resource.into(), attribute.into()],
                        None => vec![Value::String(text)],
                    };
                    ("Fn::GetAtt".to_owned(), Value::Sequence(parts))
                }
                (other, argument) => (format!("Fn::{other}"), argument),
            };
            let mut long = Mapping::new();
            long.insert(Value::String(key), argument);
            *value = Value::Mapping(long);
        }
        Value::Sequence(items) => items.iter_mut().for_each(normalize),
        Value::Mapping(map) => map.values_mut().for_each(normalize),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

/// A long-form intrinsic: `{"Ref": …}` or `{"Fn::…": …}` as the only key.
pub(crate) fn as_intrinsic(value: &Value) -> Option<(&str, &Value)> {
    let Value::Mapping(map) = value else {
        return None;
    };
    if map.len() != 1 {
        return None;
    }
    let (Value::String(key), argument) = map.iter().next()? else {
        return None;
    };
    (key == "Ref" || key.starts_with("Fn::")).then_some((key.as_str(), argument))
}

/// A template value that should be a string: its text, or a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scalar {
    /// A literal string (numbers and booleans as written).
    Literal(String),
    /// An intrinsic: the placeholder text and the logical ids it refers to.
    Placeholder {
        /// e.g. `<Ref GuardDutySNSTopic>`.
        text: String,
        /// Logical ids of `Ref`/`GetAtt`, so the user can be told what each one is.
        refers_to: Vec<String>,
    },
}

impl Scalar {
    /// The text written to the TOML.
    pub(crate) fn text(&self) -> &str {
        match self {
            Self::Literal(text) | Self::Placeholder { text, .. } => text,
        }
    }
}

/// Reads a string-like value; `None` for mappings and sequences that are not intrinsics.
pub(crate) fn scalar(value: &Value) -> Option<Scalar> {
    match value {
        Value::String(text) => Some(Scalar::Literal(text.clone())),
        Value::Number(number) => Some(Scalar::Literal(number.to_string())),
        Value::Bool(flag) => Some(Scalar::Literal(flag.to_string())),
        _ => {
            let (function, argument) = as_intrinsic(value)?;
            Some(placeholder(function, argument))
        }
    }
}

/// `<Ref X>`, `<GetAtt A.B>`, `<Sub text>`, or `<Function json>` for the others.
fn placeholder(function: &str, argument: &Value) -> Scalar {
    let short = function.trim_start_matches("Fn::");
    match (short, argument) {
        ("Ref", Value::String(name)) => Scalar::Placeholder {
            text: format!("<Ref {name}>"),
            refers_to: vec![name.clone()],
        },
        ("GetAtt", Value::Sequence(parts)) => {
            let parts: Vec<String> = parts
                .iter()
                .map(|p| scalar(p).map_or_else(String::new, |s| s.text().to_owned()))
                .collect();
            Scalar::Placeholder {
                text: format!("<GetAtt {}>", parts.join(".")),
                refers_to: parts.first().cloned().into_iter().collect(),
            }
        }
        ("Sub", Value::String(text)) => Scalar::Placeholder {
            text: format!("<Sub {text}>"),
            refers_to: Vec::new(),
        },
        ("Sub", Value::Sequence(parts)) => match parts.first() {
            Some(Value::String(text)) => Scalar::Placeholder {
                text: format!("<Sub {text}>"),
                refers_to: Vec::new(),
            },
            _ => generic(short, argument),
        },
        _ => generic(short, argument),
    }
}

fn generic(short: &str, argument: &Value) -> Scalar {
    let json = serde_json::to_string(argument).unwrap_or_default();
    Scalar::Placeholder {
        text: format!("<{short} {json}>"),
        refers_to: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(yaml: &str) -> Value {
        let mut value: Value = serde_yaml_ng::from_str(yaml).unwrap();
        normalize(&mut value);
        value
    }

    #[test]
    fn short_and_long_forms_give_the_same_placeholder() {
        let cases = [
            (
                "!Ref GuardDutySNSTopic",
                "<Ref GuardDutySNSTopic>",
                vec!["GuardDutySNSTopic"],
            ),
            (
                "{Ref: GuardDutySNSTopic}",
                "<Ref GuardDutySNSTopic>",
                vec!["GuardDutySNSTopic"],
            ),
            (
                "!GetAtt RemediationLambdaICE.Arn",
                "<GetAtt RemediationLambdaICE.Arn>",
                vec!["RemediationLambdaICE"],
            ),
            (
                "{'Fn::GetAtt': [RemediationLambdaICE, Arn]}",
                "<GetAtt RemediationLambdaICE.Arn>",
                vec!["RemediationLambdaICE"],
            ),
            (
                "!Sub 'arn:aws:sns:${AWS::Region}:${AWS::AccountId}:t'",
                "<Sub arn:aws:sns:${AWS::Region}:${AWS::AccountId}:t>",
                vec![],
            ),
            ("!Join [':', [a, b]]", r#"<Join [":",["a","b"]]>"#, vec![]),
            (
                "!ImportValue shared-topic",
                r#"<ImportValue "shared-topic">"#,
                vec![],
            ),
        ];
        for (yaml, text, refers_to) in cases {
            let expected = Scalar::Placeholder {
                text: text.to_owned(),
                refers_to: refers_to.into_iter().map(str::to_owned).collect(),
            };
            assert_eq!(scalar(&parsed(yaml)), Some(expected), "{yaml}");
        }
    }

    #[test]
    fn literals_stay_literal() {
        assert_eq!(
            scalar(&parsed("'x y'")),
            Some(Scalar::Literal("x y".into()))
        );
        assert_eq!(scalar(&parsed("3")), Some(Scalar::Literal("3".into())));
        assert_eq!(scalar(&parsed("[a]")), None);
        assert_eq!(scalar(&parsed("{a: 1, b: 2}")), None);
    }
}
