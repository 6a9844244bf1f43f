//! The `Condition` element: operators, their compiled values, and their evaluation.
//!
//! Semantics (IAM user guide, `reference_policies_elements_condition_operators` and
//! `reference_policies_condition-single-vs-multi-valued-context-keys`):
//! - several values for one key: OR; negated operators: "no value matches";
//! - a missing key: positive operators false, negated operators true, `…IfExists` true,
//!   `ForAllValues` true, `ForAnyValue` false, `Null` by definition;
//! - a policy variable with no value matches nothing (so a negated operator is true).
//!
//! Where the guide is silent: a plain operator on a multivalued key (a list of two or more
//! values) is false, negated or not; a request value that is not of the operator's type
//! (not a number, date or IP address, or not base64) makes the condition false, negated or not.

use std::borrow::Cow;

use crate::arn::ArnPattern;
use crate::glob::{Glob, Syntax};
use crate::request::{Entry, Request, Value};
use crate::values::{base64, date, ip::Cidr};

/// Comparison of ordered values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn test<T: PartialOrd>(self, request: &T, policy: &T) -> bool {
        match self {
            Self::Eq => request == policy,
            Self::Lt => request < policy,
            Self::Le => request <= policy,
            Self::Gt => request > policy,
            Self::Ge => request >= policy,
        }
    }
}

/// How an operator applies to the values of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetMode {
    Single,
    ForAllValues,
    ForAnyValue,
}

/// The compiled policy values of one key under one operator.
#[derive(Debug, Clone, PartialEq)]
enum Values {
    String(Box<[Glob]>),
    Numeric(Cmp, Box<[f64]>),
    Date(Cmp, Box<[date::Instant]>),
    Bool(Box<[Glob]>),
    Binary(Box<[Vec<u8>]>),
    Ip(Box<[Cidr]>),
    Arn(Box<[ArnPattern]>),
    Null(Box<[bool]>),
}

/// One `operator: { key: values }` test.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    key: Box<str>,
    hash: u64,
    mode: SetMode,
    negated: bool,
    if_exists: bool,
    values: Values,
}

/// A condition operator whose values could not be read: the message for the policy error.
pub(crate) type CompileError = String;

const BASES: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

impl Condition {
    /// Compiles `operator: {key: values}` for one key. `variables` is true under Version
    /// 2012-10-17. Errors name the problem; the caller adds the location.
    pub(crate) fn compile(
        operator: &str,
        key: &str,
        values: &[Cow<'_, str>],
        variables: bool,
    ) -> Result<Self, CompileError> {
        let (mode, rest) = if let Some(r) = operator.strip_prefix("ForAllValues:") {
            (SetMode::ForAllValues, r)
        } else if let Some(r) = operator.strip_prefix("ForAnyValue:") {
            (SetMode::ForAnyValue, r)
        } else {
            (SetMode::Single, operator)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        if !BASES.contains(&base) {
            return Err(format!("unknown condition operator `{operator}`"));
        }
        if base == "Null" && (if_exists || mode != SetMode::Single) {
            return Err(format!("`{operator}` is not a valid form of `Null`"));
        }
        if key.is_empty() {
            return Err("empty condition key".into());
        }
        let negated = base.contains("Not");
        let string = |wildcards: bool, fold: bool| {
            let syntax = Syntax {
                wildcards,
                variables,
                fold,
            };
            Values::String(values.iter().map(|v| Glob::compile(v, syntax)).collect())
        };
        let cmp = if base.ends_with("LessThan") {
            Cmp::Lt
        } else if base.ends_with("LessThanEquals") {
            Cmp::Le
        } else if base.ends_with("GreaterThan") {
            Cmp::Gt
        } else if base.ends_with("GreaterThanEquals") {
            Cmp::Ge
        } else {
            Cmp::Eq
        };
        let compiled = match base {
            "StringEquals" | "StringNotEquals" => string(false, false),
            "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => string(false, true),
            "StringLike" | "StringNotLike" => string(true, false),
            b if b.starts_with("Numeric") => Values::Numeric(
                cmp,
                values
                    .iter()
                    .map(|v| {
                        v.trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|n| n.is_finite())
                            .ok_or_else(|| format!("`{v}` is not a number"))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            b if b.starts_with("Date") => Values::Date(
                cmp,
                values
                    .iter()
                    .map(|v| date::parse(v).ok_or_else(|| format!("`{v}` is not a date")))
                    .collect::<Result<_, _>>()?,
            ),
            "Bool" => Values::Bool(
                values
                    .iter()
                    .map(|v| {
                        Glob::compile(
                            v,
                            Syntax {
                                wildcards: false,
                                variables,
                                fold: true,
                            },
                        )
                    })
                    .collect(),
            ),
            "BinaryEquals" => Values::Binary(
                values
                    .iter()
                    .map(|v| base64::decode(v).ok_or_else(|| format!("`{v}` is not base64")))
                    .collect::<Result<_, _>>()?,
            ),
            "IpAddress" | "NotIpAddress" => Values::Ip(
                values
                    .iter()
                    .map(|v| {
                        Cidr::parse(v).ok_or_else(|| format!("`{v}` is not an IP address or CIDR"))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            "Null" => Values::Null(
                values
                    .iter()
                    .map(|v| match v.to_ascii_lowercase().as_str() {
                        "true" => Ok(true),
                        "false" => Ok(false),
                        _ => Err(format!("`{v}` is not `true` or `false`")),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            _ => Values::Arn(
                values
                    .iter()
                    .map(|v| ArnPattern::compile(v, variables))
                    .collect(),
            ),
        };
        let key = key.to_lowercase();
        let hash = crate::request::key_hash(&key);
        Ok(Self {
            key: key.into_boxed_str(),
            hash,
            mode,
            negated,
            if_exists,
            values: compiled,
        })
    }

    /// Whether the condition holds for the request.
    pub(crate) fn holds(&self, request: &Request) -> bool {
        let entry = request.context().get_hashed(self.hash, &self.key);
        if let Values::Null(expect) = &self.values {
            let absent = entry.is_none_or(|e| e.values.is_empty());
            return expect.contains(&absent);
        }
        let Some(entry) = entry.filter(|e| !is_empty_set(e, self.mode)) else {
            return self.if_exists
                || match self.mode {
                    SetMode::Single => self.negated,
                    SetMode::ForAllValues => true,
                    SetMode::ForAnyValue => false,
                };
        };
        match self.mode {
            SetMode::Single => match entry.single() {
                Some(v) => self.test(v, request),
                None => false,
            },
            SetMode::ForAllValues => entry.values.iter().all(|v| self.test(v, request)),
            SetMode::ForAnyValue => entry.values.iter().any(|v| self.test(v, request)),
        }
    }

    /// The per-value test, negation included.
    fn test(&self, value: &Value, request: &Request) -> bool {
        let any = match &self.values {
            Values::String(globs) | Values::Bool(globs) => {
                globs.iter().any(|g| g.matches(&value.raw, request))
            }
            Values::Arn(patterns) => patterns.iter().any(|p| p.matches(&value.raw, request)),
            Values::Numeric(cmp, numbers) => match value.number {
                Some(n) => numbers.iter().any(|p| cmp.test(&n, p)),
                None => return false,
            },
            Values::Date(cmp, dates) => match value.date {
                Some(d) => dates.iter().any(|p| cmp.test(&d, p)),
                None => return false,
            },
            Values::Ip(nets) => match value.ip {
                Some(ip) => nets.iter().any(|n| n.contains(ip)),
                None => return false,
            },
            Values::Binary(blobs) => match base64::decode(&value.raw) {
                Some(bytes) => blobs.contains(&bytes),
                None => return false,
            },
            Values::Null(_) => false,
        };
        any != self.negated
    }
}

/// For the set operators an empty list, or a lone empty string, is an empty set (the user guide:
/// "resolves to a null data set, such as an empty string").
fn is_empty_set(entry: &Entry, mode: SetMode) -> bool {
    match mode {
        SetMode::Single => false,
        _ => {
            entry.values.is_empty()
                || (entry.values.len() == 1 && entry.values.iter().all(|v| v.raw.is_empty()))
        }
    }
}
