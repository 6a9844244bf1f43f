//! Per-path value indexes: from one event leaf to the rules it may satisfy.
//!
//! An index entry is a pre-filter: every rule reached through it is verified in full afterwards,
//! so an entry may over-approximate (a wildcard is indexed by its literal prefix) but must never
//! miss a rule whose anchor condition the leaf satisfies.

use crate::cidr::{self, Cidr};
use crate::leaf::Leaf;
use crate::number::Num;
use crate::ops::Op;

use super::byte_trie::ByteTrie;
use super::hash::FastMap;
use super::interval::IntervalTree;

/// Exact keys: strings, IP addresses, numbers and literals.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ExactKey {
    /// An IP address literal, as its 128-bit value and family.
    Ip(u128, bool),
    /// A number equal to this exact double (bits of a normalised `f64`).
    Float(u64),
    /// An integer literal that is not an exact double.
    Unsigned(u64),
    /// A negative integer literal that is not an exact double.
    Signed(i64),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
}

impl ExactKey {
    fn float(x: f64) -> Self {
        // -0.0 and 0.0 are equal numbers.
        Self::Float(if x == 0.0 { 0 } else { x.to_bits() })
    }

    fn ip(ip: std::net::IpAddr) -> Self {
        Self::Ip(
            cidr::masked(ip, if ip.is_ipv6() { 128 } else { 32 }),
            ip.is_ipv6(),
        )
    }

    /// The keys of a pattern number: its exact double if it has one, else its literal.
    fn of_number(n: Num) -> Self {
        match (n.exact_f64(), n) {
            (Some(x), _) => Self::float(x),
            (None, Num::Unsigned(u)) => Self::Unsigned(u),
            (None, Num::Signed(i)) => Self::Signed(i),
            (None, Num::Float(x)) => Self::float(x),
        }
    }
}

/// The indexes for one path.
#[derive(Debug, Default)]
pub(crate) struct PathIndex {
    exact_str: FastMap<Box<str>, Vec<u32>>,
    exact: FastMap<ExactKey, Vec<u32>>,
    has_ip_keys: bool,
    prefix: ByteTrie,
    suffix: ByteTrie,
    exact_folded: FastMap<Box<str>, Vec<u32>>,
    prefix_folded: ByteTrie,
    suffix_folded: ByteTrie,
    cidr: Vec<(bool, u8, FastMap<u128, Vec<u32>>)>,
    ranges: IntervalTree,
    /// Rules that only need some leaf to be present here.
    pub(crate) present: Vec<u32>,
}

impl PathIndex {
    /// Whether `op` can be indexed here (so a condition made of such ops can anchor a rule).
    pub(crate) fn can_index(op: &Op) -> bool {
        match op {
            Op::Str { .. }
            | Op::Num(_)
            | Op::Bool(_)
            | Op::Null
            | Op::Prefix(_)
            | Op::Suffix(_)
            | Op::Cidr(_)
            | Op::Exists(true) => true,
            Op::PrefixIgnoreCase(s) | Op::SuffixIgnoreCase(s) | Op::EqualsIgnoreCase(s) => {
                s.is_ascii()
            }
            Op::Wildcard(w) => {
                w.is_exact()
                    || !w.literal_prefix().is_empty()
                    || w.literal_suffix().is_some_and(|s| !s.is_empty())
            }
            Op::Numeric(_) => true,
            Op::AnythingBut(_) | Op::Exists(false) => false,
        }
    }

    /// Adds `op` for `rule`; `op` must satisfy [`Self::can_index`].
    pub(crate) fn insert(&mut self, op: &Op, rule: u32) {
        match op {
            Op::Str { text, ip } => {
                self.exact_str
                    .entry(text.as_str().into())
                    .or_default()
                    .push(rule);
                if let Some(ip) = ip {
                    self.has_ip_keys = true;
                    self.add_exact(ExactKey::ip(*ip), rule);
                }
            }
            Op::Num(n) => self.add_exact(ExactKey::of_number(*n), rule),
            Op::Numeric(range) => match (range.low, range.high) {
                (Some((low, true)), Some((high, true))) if low == high => {
                    self.add_exact(ExactKey::float(low), rule);
                }
                (low, high) => self.ranges.insert(
                    low.map_or(f64::NEG_INFINITY, |(x, _)| x),
                    high.map_or(f64::INFINITY, |(x, _)| x),
                    rule,
                ),
            },
            Op::Bool(b) => self.add_exact(ExactKey::Bool(*b), rule),
            Op::Null => self.add_exact(ExactKey::Null, rule),
            Op::Prefix(p) => self.prefix.insert(p.bytes(), rule),
            Op::Suffix(s) => self.suffix.insert(s.bytes().rev(), rule),
            Op::EqualsIgnoreCase(s) => {
                self.exact_folded
                    .entry(s.to_ascii_lowercase().into())
                    .or_default()
                    .push(rule);
            }
            Op::PrefixIgnoreCase(p) => {
                self.prefix_folded
                    .insert(p.bytes().map(|b| b.to_ascii_lowercase()), rule);
            }
            Op::SuffixIgnoreCase(s) => {
                self.suffix_folded
                    .insert(s.bytes().rev().map(|b| b.to_ascii_lowercase()), rule);
            }
            Op::Wildcard(w) => {
                if w.is_exact() {
                    self.exact_str
                        .entry(w.literal_prefix().into())
                        .or_default()
                        .push(rule);
                } else if !w.literal_prefix().is_empty() {
                    self.prefix.insert(w.literal_prefix().bytes(), rule);
                } else if let Some(suffix) = w.literal_suffix() {
                    self.suffix.insert(suffix.bytes().rev(), rule);
                }
            }
            Op::Cidr(range) => self.add_cidr(range, rule),
            Op::Exists(_) | Op::AnythingBut(_) => self.present.push(rule),
        }
    }

    /// Finishes the indexes once every rule is inserted.
    pub(crate) fn build(&mut self) {
        self.ranges.build();
    }

    fn add_exact(&mut self, key: ExactKey, rule: u32) {
        self.exact.entry(key).or_default().push(rule);
    }

    fn add_cidr(&mut self, range: &Cidr, rule: u32) {
        let (v6, bits, network) = range.key();
        let slot = match self
            .cidr
            .iter()
            .position(|(f, b, _)| *f == v6 && *b == bits)
        {
            Some(slot) => slot,
            None => {
                self.cidr.push((v6, bits, FastMap::default()));
                self.cidr.len() - 1
            }
        };
        if let Some((_, _, map)) = self.cidr.get_mut(slot) {
            map.entry(network).or_default().push(rule);
        }
    }

    /// Appends the rules `leaf` may satisfy through this path's value indexes.
    pub(crate) fn lookup(&self, leaf: &Leaf<'_>, out: &mut Vec<u32>) {
        match leaf {
            Leaf::Str(text) => self.lookup_str(text, out),
            Leaf::Num(n) => {
                if let Some(x) = n.exact_f64() {
                    self.push_exact(&ExactKey::float(x), out);
                    if !self.ranges.is_empty() {
                        self.ranges.query(x, out);
                    }
                }
                match n {
                    Num::Unsigned(u) => self.push_exact(&ExactKey::Unsigned(*u), out),
                    Num::Signed(i) => self.push_exact(&ExactKey::Signed(*i), out),
                    Num::Float(_) => {}
                }
            }
            Leaf::Bool(b) => self.push_exact(&ExactKey::Bool(*b), out),
            Leaf::Null => self.push_exact(&ExactKey::Null, out),
        }
    }

    fn lookup_str(&self, text: &str, out: &mut Vec<u32>) {
        if let Some(rules) = self.exact_str.get(text) {
            out.extend_from_slice(rules);
        }
        if !self.prefix.is_empty() {
            self.prefix.walk(text.bytes(), out);
        }
        if !self.suffix.is_empty() {
            self.suffix.walk(text.bytes().rev(), out);
        }
        if !self.exact_folded.is_empty()
            && text.is_ascii()
            && let Some(rules) = self.exact_folded.get(text.to_ascii_lowercase().as_str())
        {
            out.extend_from_slice(rules);
        }
        if !self.prefix_folded.is_empty() {
            self.prefix_folded
                .walk(text.bytes().map(|b| b.to_ascii_lowercase()), out);
        }
        if !self.suffix_folded.is_empty() {
            self.suffix_folded
                .walk(text.bytes().rev().map(|b| b.to_ascii_lowercase()), out);
        }
        if (self.has_ip_keys || !self.cidr.is_empty())
            && let Some(ip) = cidr::parse_ip(text)
        {
            self.push_exact(&ExactKey::ip(ip), out);
            for (v6, bits, map) in &self.cidr {
                if *v6 == ip.is_ipv6()
                    && let Some(rules) = map.get(&cidr::masked(ip, *bits))
                {
                    out.extend_from_slice(rules);
                }
            }
        }
    }

    fn push_exact(&self, key: &ExactKey, out: &mut Vec<u32>) {
        if let Some(rules) = self.exact.get(key) {
            out.extend_from_slice(rules);
        }
    }

    /// Approximate heap bytes used.
    pub(crate) fn heap_bytes(&self) -> usize {
        let exact: usize = self
            .exact
            .values()
            .map(|v| size_of::<ExactKey>() + 16 + v.capacity() * 4)
            .sum::<usize>()
            + self
                .exact_str
                .iter()
                .map(|(k, v)| k.len() + 32 + v.capacity() * 4)
                .sum::<usize>();
        let folded: usize = self
            .exact_folded
            .iter()
            .map(|(k, v)| k.len() + 32 + v.capacity() * 4)
            .sum();
        let cidr: usize = self
            .cidr
            .iter()
            .flat_map(|(_, _, m)| m.values())
            .map(|v| 32 + v.capacity() * 4)
            .sum();
        exact
            + folded
            + cidr
            + self.prefix.heap_bytes()
            + self.suffix.heap_bytes()
            + self.prefix_folded.heap_bytes()
            + self.suffix_folded.heap_bytes()
            + self.present.capacity() * 4
            + self.ranges.heap_bytes()
    }
}
