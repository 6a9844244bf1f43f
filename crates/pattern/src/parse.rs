//! From pattern JSON to rules, with EventBridge's validation and its reasons.

use serde_json::{Map, Value};

use crate::cidr::{self, Cidr};
use crate::error::PatternError;
use crate::number::Num;
use crate::ops::{AnythingBut, Op, Range};
use crate::wildcard::Wildcard;

/// Longest pattern PutRule and TestEventPattern accept, in characters.
pub(crate) const MAX_PATTERN_CHARS: usize = 4096;
/// Most rule combinations an `$or` may expand to.
pub(crate) const MAX_COMBINATIONS: usize = 1000;

/// Names that may not be used as field names inside `$or`.
const RESERVED_IN_OR: &[&str] = &[
    "exactly",
    "equals-ignore-case",
    "prefix",
    "suffix",
    "anything-but",
    "exists",
    "wildcard",
    "numeric",
    "cidr",
    "=",
    "<",
    "<=",
    ">",
    ">=",
    "regex",
    "not-wildcard",
    "not-equals-ignore-case",
    "date-after",
    "date-on-or-after",
    "date-before",
    "date-on-or-before",
    "in-date-range",
    "ip-address-in-range",
    "ip-address-not-in-range",
];

/// One field of a rule: the dotted path and the operators, any of which may match.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    /// Object keys from the root joined with `.`.
    pub(crate) path: String,
    /// The members of the field's array (OR).
    pub(crate) ops: Vec<Op>,
}

impl Condition {
    /// Whether the field is satisfied when the event has no leaf there (`exists: false`).
    pub(crate) fn allows_absent(&self) -> bool {
        self.ops.contains(&Op::Exists(false))
    }
}

/// One `$or` alternative of a pattern: every condition must hold (AND).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Rule {
    /// At most one condition per path (a later one replaces an earlier one).
    pub(crate) conditions: Vec<Condition>,
}

impl Rule {
    fn put(&mut self, path: &str, ops: &[Op]) {
        let condition = Condition {
            path: path.to_owned(),
            ops: ops.to_vec(),
        };
        match self.conditions.iter_mut().find(|c| c.path == path) {
            Some(existing) => *existing = condition,
            None => self.conditions.push(condition),
        }
    }
}

/// Parses pattern text into its rules (one per `$or` combination).
pub(crate) fn parse(text: &str) -> Result<Vec<Rule>, PatternError> {
    if text.chars().count() > MAX_PATTERN_CHARS {
        return Err(PatternError::TooLong);
    }
    let value: Value =
        serde_json::from_str(text).map_err(|e| PatternError::Syntax(e.to_string()))?;
    let Value::Object(object) = value else {
        return Err(PatternError::NotAnObject);
    };
    let mut rules = Vec::new();
    parse_object(&object, None, &mut rules, false)?;
    Ok(rules)
}

/// `prefix` is the path of `object` (`None` at the top level, where keys start paths).
fn parse_object(
    object: &Map<String, Value>,
    prefix: Option<&str>,
    rules: &mut Vec<Rule>,
    inside_or: bool,
) -> Result<(), PatternError> {
    if object.is_empty() {
        return Err(PatternError::EmptyObject);
    }
    for (key, value) in object {
        if key == "$or" {
            parse_or(value, prefix, rules)?;
            continue;
        }
        if inside_or && RESERVED_IN_OR.contains(&key.as_str()) {
            return Err(PatternError::OrReservedName(key.clone()));
        }
        let path = prefix.map_or_else(|| key.clone(), |prefix| format!("{prefix}.{key}"));
        match value {
            Value::Object(inner) => parse_object(inner, Some(&path), rules, inside_or)?,
            Value::Array(members) => {
                let ops = parse_members(members)?;
                if rules.is_empty() {
                    rules.push(Rule::default());
                }
                for rule in rules.iter_mut() {
                    rule.put(&path, &ops);
                }
            }
            _ => return Err(PatternError::NotObjectOrArray(key.clone())),
        }
    }
    Ok(())
}

/// `$or`: every alternative is merged with the rules built so far (a cross product).
fn parse_or(
    value: &Value,
    prefix: Option<&str>,
    rules: &mut Vec<Rule>,
) -> Result<(), PatternError> {
    let Value::Array(alternatives) = value else {
        return Err(PatternError::OrNotArray);
    };
    let current = std::mem::take(rules);
    for alternative in alternatives {
        let Value::Object(object) = alternative else {
            return Err(PatternError::OrMemberNotObject);
        };
        let mut expanded = if current.is_empty() {
            vec![Rule::default()]
        } else {
            current.clone()
        };
        parse_object(object, prefix, &mut expanded, true)?;
        rules.extend(expanded);
        if rules.len() > MAX_COMBINATIONS {
            return Err(PatternError::TooManyCombinations);
        }
    }
    if alternatives.len() < 2 {
        return Err(PatternError::OrTooFew);
    }
    Ok(())
}

fn parse_members(members: &[Value]) -> Result<Vec<Op>, PatternError> {
    let ops = members
        .iter()
        .map(parse_member)
        .collect::<Result<Vec<_>, _>>()?;
    if ops.is_empty() {
        return Err(PatternError::EmptyArray);
    }
    Ok(ops)
}

fn parse_member(member: &Value) -> Result<Op, PatternError> {
    match member {
        Value::String(text) => Ok(exact_string(text)),
        Value::Number(number) => Num::from_serde(number)
            .map(Op::Num)
            .ok_or_else(|| PatternError::NumberNotComparable(number.to_string())),
        Value::Bool(b) => Ok(Op::Bool(*b)),
        Value::Null => Ok(Op::Null),
        Value::Object(object) => parse_operator(object),
        Value::Array(_) => Err(PatternError::BadMatchValue),
    }
}

/// An exact string; IP literals are compared as addresses.
fn exact_string(text: &str) -> Op {
    Op::Str {
        text: text.to_owned(),
        ip: cidr::parse_ip(text),
    }
}

/// The first key of an operator object and its value, and whether more keys follow.
fn single_entry(object: &Map<String, Value>) -> Option<(&str, &Value, bool)> {
    let mut entries = object.iter();
    let (key, value) = entries.next()?;
    Some((key.as_str(), value, entries.next().is_some()))
}

fn parse_operator(object: &Map<String, Value>) -> Result<Op, PatternError> {
    let Some((name, value, more_keys)) = single_entry(object) else {
        return Err(PatternError::NoMatchExpression);
    };
    let op = match name {
        "prefix" => affix(value, true)?,
        "suffix" => affix(value, false)?,
        "equals-ignore-case" => {
            Op::EqualsIgnoreCase(string(value, PatternError::IgnoreCaseNotString)?)
        }
        "wildcard" => {
            let wildcard = Wildcard::parse(&string(value, PatternError::WildcardNotString)?)?;
            Op::Wildcard(wildcard)
        }
        "anything-but" => {
            let op = Op::AnythingBut(anything_but(value)?);
            if more_keys {
                return Err(PatternError::NumericTooManyElements);
            }
            op
        }
        "numeric" => {
            let Value::Array(members) = value else {
                return Err(PatternError::NumericNotArray);
            };
            let op = Op::Numeric(numeric(members)?);
            if more_keys {
                return Err(PatternError::NumericTooManyElements);
            }
            op
        }
        "exists" => match value {
            Value::Bool(b) => Op::Exists(*b),
            _ => return Err(PatternError::ExistsNotBoolean),
        },
        "cidr" => Op::Cidr(Cidr::parse(&string(value, PatternError::PrefixNotString)?)?),
        other => return Err(PatternError::UnknownOperator(other.to_owned())),
    };
    if more_keys {
        return Err(PatternError::OneKeyOnly);
    }
    Ok(op)
}

fn string(value: &Value, error: PatternError) -> Result<String, PatternError> {
    match value {
        Value::String(text) => Ok(text.clone()),
        _ => Err(error),
    }
}

/// `prefix` / `suffix`, with or without `equals-ignore-case`.
fn affix(value: &Value, is_prefix: bool) -> Result<Op, PatternError> {
    let not_string = if is_prefix {
        PatternError::PrefixNotString
    } else {
        PatternError::SuffixNotString
    };
    let Value::Object(object) = value else {
        let text = string(value, not_string)?;
        return Ok(if is_prefix {
            Op::Prefix(text)
        } else {
            Op::Suffix(text)
        });
    };
    let Some((name, inner, more_keys)) = single_entry(object) else {
        return Err(if is_prefix {
            PatternError::PrefixNameNotFound
        } else {
            PatternError::SuffixNameNotFound
        });
    };
    if name != "equals-ignore-case" {
        return Err(if is_prefix {
            PatternError::UnsupportedPrefix(name.to_owned())
        } else {
            PatternError::UnsupportedSuffix(name.to_owned())
        });
    }
    let text = string(inner, PatternError::IgnoreCaseNotString)?;
    if more_keys {
        return Err(PatternError::OneKeyOnly);
    }
    Ok(if is_prefix {
        Op::PrefixIgnoreCase(text)
    } else {
        Op::SuffixIgnoreCase(text)
    })
}

fn anything_but(value: &Value) -> Result<AnythingBut, PatternError> {
    match value {
        Value::String(text) => Ok(AnythingBut::Strings(vec![text.clone()])),
        Value::Number(number) => Ok(AnythingBut::Numbers(vec![comparable(number)?])),
        Value::Array(members) => anything_but_list(members),
        Value::Object(object) => {
            let Some((name, inner, more_keys)) = single_entry(object) else {
                return Err(PatternError::AnythingButNameNotFound);
            };
            let excluded = anything_but_set(name, inner)?;
            if more_keys {
                return Err(PatternError::NumericTooManyElements);
            }
            Ok(excluded)
        }
        Value::Null | Value::Bool(_) => Err(PatternError::AnythingButValue),
    }
}

fn anything_but_list(members: &[Value]) -> Result<AnythingBut, PatternError> {
    let mut strings = Vec::new();
    let mut numbers = Vec::new();
    for member in members {
        match member {
            Value::String(text) => strings.push(text.clone()),
            Value::Number(number) => numbers.push(comparable(number)?),
            _ => return Err(PatternError::AnythingButListMember),
        }
    }
    match (strings.is_empty(), numbers.is_empty()) {
        (false, true) => Ok(AnythingBut::Strings(strings)),
        (true, false) => Ok(AnythingBut::Numbers(numbers)),
        _ => Err(PatternError::AnythingButMixed),
    }
}

/// `anything-but` with `prefix`, `suffix`, `equals-ignore-case` or `wildcard`.
fn anything_but_set(name: &str, value: &Value) -> Result<AnythingBut, PatternError> {
    let not_string = match name {
        "prefix" | "suffix" => PatternError::AnythingButAffixNotString,
        "equals-ignore-case" => PatternError::AnythingButIgnoreCaseMember,
        "wildcard" => PatternError::WildcardNotString,
        other => return Err(PatternError::UnsupportedAnythingBut(other.to_owned())),
    };
    let texts = match value {
        Value::String(text) => vec![text.clone()],
        Value::Array(members) => members
            .iter()
            .map(|m| string(m, not_string.clone()))
            .collect::<Result<Vec<_>, _>>()?,
        Value::Number(_) => return Err(not_string),
        _ => return Err(PatternError::AnythingButValue),
    };
    if matches!(name, "prefix" | "suffix") && texts.iter().any(String::is_empty) {
        return Err(PatternError::NullAffix);
    }
    Ok(match name {
        "prefix" => AnythingBut::Prefixes(texts),
        "suffix" => AnythingBut::Suffixes(texts),
        "equals-ignore-case" => AnythingBut::IgnoreCase(texts),
        _ => AnythingBut::Wildcards(
            texts
                .iter()
                .map(|t| Wildcard::parse(t))
                .collect::<Result<Vec<_>, _>>()?,
        ),
    })
}

fn comparable(number: &serde_json::Number) -> Result<Num, PatternError> {
    Num::from_serde(number)
        .filter(|n| n.exact_f64().is_some())
        .ok_or_else(|| PatternError::NumberNotComparable(number.to_string()))
}

fn bound(value: Option<&Value>, operator: &str) -> Result<f64, PatternError> {
    let name = if operator == "=" { "equals" } else { operator };
    let Some(Value::Number(number)) = value else {
        return Err(PatternError::NumericNotNumber(name.to_owned()));
    };
    comparable(number)?
        .exact_f64()
        .ok_or_else(|| PatternError::NumberNotComparable(number.to_string()))
}

/// `["=", n]`, `[">", n]`, `[">=", n]`, `["<", n]`, `["<=", n]` or `[">"|">=", lo, "<"|"<=", hi]`.
fn numeric(members: &[Value]) -> Result<Range, PatternError> {
    let operator = match members.first() {
        Some(Value::String(op)) => op.as_str(),
        Some(other) => return Err(PatternError::NumericBadMember(other.to_string())),
        None => return Err(PatternError::NumericBadMember("]".to_owned())),
    };
    let first = members.get(1);
    let single = |range: Range| {
        if members.len() > 2 {
            Err(PatternError::NumericTooManyElements)
        } else {
            Ok(range)
        }
    };
    match operator {
        "=" => {
            let x = bound(first, operator)?;
            single(Range {
                low: Some((x, true)),
                high: Some((x, true)),
            })
        }
        "<" | "<=" => {
            let x = bound(first, operator)?;
            single(Range {
                low: None,
                high: Some((x, operator == "<=")),
            })
        }
        ">" | ">=" => {
            let low = (bound(first, operator)?, operator == ">=");
            let Some(top_operator) = members.get(2) else {
                return Ok(Range {
                    low: Some(low),
                    high: None,
                });
            };
            let Value::String(top_operator) = top_operator else {
                return Err(PatternError::NumericBadRangeValue(top_operator.to_string()));
            };
            if top_operator != "<" && top_operator != "<=" {
                return Err(PatternError::NumericBadRangeOperator(top_operator.clone()));
            }
            let high = (bound(members.get(3), top_operator)?, top_operator == "<=");
            if members.len() > 4 {
                return Err(PatternError::NumericTooManyTerms);
            }
            if low.0 >= high.0 {
                return Err(PatternError::NumericEmptyRange);
            }
            Ok(Range {
                low: Some(low),
                high: Some(high),
            })
        }
        other => Err(PatternError::NumericUnknownOperator(other.to_owned())),
    }
}
