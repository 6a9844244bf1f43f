//! The operators of an event pattern and how each one judges a single leaf.

use std::net::IpAddr;

use crate::cidr::{self, Cidr};
use crate::ignore_case;
use crate::leaf::Leaf;
use crate::number::Num;
use crate::wildcard::Wildcard;

/// One member of a field's array in a pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// An exact string; `ip` is set when the string is an IP literal, compared as an address.
    Str { text: String, ip: Option<IpAddr> },
    /// An exact number (same literal, or numerically equal).
    Num(Num),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `{"prefix": "…"}`.
    Prefix(String),
    /// `{"prefix": {"equals-ignore-case": "…"}}`.
    PrefixIgnoreCase(String),
    /// `{"suffix": "…"}`.
    Suffix(String),
    /// `{"suffix": {"equals-ignore-case": "…"}}`.
    SuffixIgnoreCase(String),
    /// `{"equals-ignore-case": "…"}`.
    EqualsIgnoreCase(String),
    /// `{"wildcard": "…"}`.
    Wildcard(Wildcard),
    /// `{"anything-but": …}`.
    AnythingBut(AnythingBut),
    /// `{"numeric": […]}`.
    Numeric(Range),
    /// `{"exists": true|false}`.
    Exists(bool),
    /// `{"cidr": "…"}`.
    Cidr(Cidr),
}

/// What an `anything-but` excludes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AnythingBut {
    /// These strings.
    Strings(Vec<String>),
    /// These numbers (compared numerically).
    Numbers(Vec<Num>),
    /// Strings starting with one of these.
    Prefixes(Vec<String>),
    /// Strings ending with one of these.
    Suffixes(Vec<String>),
    /// Strings equal to one of these, ignoring case.
    IgnoreCase(Vec<String>),
    /// Strings matching one of these wildcards.
    Wildcards(Vec<Wildcard>),
}

/// A numeric range; `=` is a range whose bounds are both the value, inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Range {
    /// Lower bound and whether it is inclusive.
    pub(crate) low: Option<(f64, bool)>,
    /// Upper bound and whether it is inclusive.
    pub(crate) high: Option<(f64, bool)>,
}

impl Range {
    /// Whether `x` lies in the range.
    pub(crate) fn contains(&self, x: f64) -> bool {
        let above = self
            .low
            .is_none_or(|(low, inclusive)| if inclusive { x >= low } else { x > low });
        let below = self
            .high
            .is_none_or(|(high, inclusive)| if inclusive { x <= high } else { x < high });
        above && below
    }
}

impl Op {
    /// Whether this operator accepts `leaf`. `exists: false` accepts no leaf: it is satisfied by
    /// the absence of leaves, which the rule evaluation handles.
    pub(crate) fn matches(&self, leaf: &Leaf<'_>) -> bool {
        match (self, leaf) {
            (Self::Exists(present), _) => *present,
            (Self::AnythingBut(excluded), leaf) => !excluded.excludes(leaf),
            (Self::Num(want), Leaf::Num(got)) => want.equals(*got),
            (Self::Numeric(range), Leaf::Num(got)) => {
                got.exact_f64().is_some_and(|x| range.contains(x))
            }
            (Self::Bool(want), Leaf::Bool(got)) => want == got,
            (Self::Null, Leaf::Null) => true,
            (op, Leaf::Str(text)) => op.matches_str(text),
            _ => false,
        }
    }

    fn matches_str(&self, text: &str) -> bool {
        match self {
            Self::Str { text: want, ip } => {
                want == text
                    || ip.is_some_and(|ip| cidr::parse_ip(text).is_some_and(|got| got == ip))
            }
            Self::Prefix(prefix) => text.starts_with(prefix.as_str()),
            Self::PrefixIgnoreCase(prefix) => ignore_case::starts_with(prefix, text),
            Self::Suffix(suffix) => text.ends_with(suffix.as_str()),
            Self::SuffixIgnoreCase(suffix) => ignore_case::ends_with(suffix, text),
            Self::EqualsIgnoreCase(want) => ignore_case::equals(want, text),
            Self::Wildcard(wildcard) => wildcard.matches(text),
            Self::Cidr(range) => cidr::parse_ip(text).is_some_and(|ip| range.contains(ip)),
            _ => false,
        }
    }
}

impl AnythingBut {
    /// Whether `leaf` is one of the excluded values. Leaves of another type are never excluded.
    fn excludes(&self, leaf: &Leaf<'_>) -> bool {
        match (self, leaf) {
            (Self::Numbers(numbers), Leaf::Num(got)) => numbers.iter().any(|n| n.equals(*got)),
            (Self::Strings(strings), Leaf::Str(text)) => strings.iter().any(|s| s == text),
            (Self::Prefixes(prefixes), Leaf::Str(text)) => {
                prefixes.iter().any(|p| text.starts_with(p.as_str()))
            }
            (Self::Suffixes(suffixes), Leaf::Str(text)) => {
                suffixes.iter().any(|s| text.ends_with(s.as_str()))
            }
            (Self::IgnoreCase(strings), Leaf::Str(text)) => {
                strings.iter().any(|s| ignore_case::equals(s, text))
            }
            (Self::Wildcards(wildcards), Leaf::Str(text)) => {
                wildcards.iter().any(|w| w.matches(text))
            }
            _ => false,
        }
    }
}
