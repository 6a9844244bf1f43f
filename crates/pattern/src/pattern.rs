//! `Pattern`: one parsed event pattern, matched by direct interpretation (the oracle).

use std::str::FromStr;

use serde_json::Value;

use crate::error::{EventError, PatternError};
use crate::eval::{self, Check};
use crate::flatten_value;
use crate::parse::{self, Rule};

/// A validated EventBridge event pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub(crate) rules: Vec<Rule>,
}

impl Pattern {
    /// Parses and validates pattern JSON; the error carries EventBridge's reason.
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        parse::parse(text).map(|rules| Self { rules })
    }

    /// Whether the event matches.
    pub fn matches(&self, event: &Value) -> bool {
        let leaves = flatten_value::flatten(event);
        self.rules.iter().any(|rule| {
            let checks: Vec<Check<'_, '_, '_>> = rule
                .conditions
                .iter()
                .map(|condition| Check {
                    ops: &condition.ops,
                    allows_absent: condition.allows_absent(),
                    leaves: leaves.get(&condition.path).map_or(&[], Vec::as_slice),
                })
                .collect();
            eval::holds(&checks)
        })
    }

    /// Parses event text (a JSON object) and matches it.
    pub fn matches_json(&self, event: &str) -> Result<bool, EventError> {
        Ok(self.matches(&parse_event(event)?))
    }

    /// The number of rules the pattern expands to (`$or` combinations).
    pub fn combinations(&self) -> usize {
        self.rules.len()
    }
}

impl FromStr for Pattern {
    type Err = PatternError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// Parses event text, which must be a JSON object.
pub fn parse_event(text: &str) -> Result<Value, EventError> {
    let value: Value = serde_json::from_str(text).map_err(|e| EventError::Syntax(e.to_string()))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(EventError::NotAnObject)
    }
}

/// Fields TestEventPattern requires in an event.
const TEST_EVENT_FIELDS: [&str; 6] = ["id", "account", "source", "time", "region", "detail-type"];

/// Checks an event the way TestEventPattern does: a JSON object with `id`, `account`, `source`,
/// `time`, `region` and `detail-type`.
pub fn check_test_event(event: &Value) -> Result<(), EventError> {
    let Value::Object(object) = event else {
        return Err(EventError::NotAnObject);
    };
    match TEST_EVENT_FIELDS
        .into_iter()
        .find(|field| !object.contains_key(*field))
    {
        Some(missing) => Err(EventError::MissingField(missing)),
        None => Ok(()),
    }
}
