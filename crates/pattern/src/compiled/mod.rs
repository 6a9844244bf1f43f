//! `Matcher`: many named patterns compiled into per-path indexes.
//!
//! Building: every pattern expands into rules (its `$or` combinations). Each rule picks one
//! *anchor* condition, the one whose index entries are shared by the fewest other rules, and is
//! filed under it: exact values in hash maps, prefixes and suffixes in byte tries,
//! case-insensitive forms in folded maps and tries, CIDR ranges by mask length, `exists: true`
//! and the other conditions that need a present field under the path itself. Rules with no
//! anchorable condition (only `exists: false` fields) are checked on every event.
//!
//! Matching: the event is flattened once, reading only paths some rule mentions; each leaf is
//! looked up in its path's index, which yields candidate rules; each candidate is then verified
//! in full with the same semantics as [`crate::Pattern`]. The cost follows the number of leaves
//! and candidates, not the number of patterns.

mod byte_trie;
mod flatten_text;
mod flatten_tree;
mod hash;
mod index;
mod interval;
mod paths;

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::error::EventError;
use crate::eval::{self, Check};
use crate::leaf::Field;
use crate::ops::Op;
use crate::pattern::Pattern;

use index::PathIndex;
use paths::{PathId, PathTrie};

/// A compiled rule: which pattern it belongs to and its conditions by path id. Identical
/// operator lists are shared between rules, so verifying many candidates that repeat the same
/// field (say `"source": ["aws.guardduty"]`) reads the same memory.
#[derive(Debug)]
struct CompiledRule {
    pattern: u32,
    conditions: Vec<Condition>,
}

/// A condition: its path, its operators (OR), and whether `exists: false` is among them.
type Condition = (PathId, Arc<[Op]>, bool);

/// Where a rule's conditions lie in [`Matcher::conditions`], and its pattern.
#[derive(Debug, Clone, Copy)]
struct RuleSpan {
    pattern: u32,
    start: u32,
    len: u32,
}

/// Many named patterns, compiled for matching one event against all of them at once.
///
/// Immutable once built, `Send + Sync`: share one behind an `Arc` and rebuild it whole on
/// reload.
#[derive(Debug)]
pub struct Matcher<N> {
    names: Vec<N>,
    /// Rules by id; their conditions are stored one after the other in `conditions`.
    rules: Vec<RuleSpan>,
    conditions: Vec<Condition>,
    trie: PathTrie,
    indexes: Vec<PathIndex>,
    always: Vec<u32>,
}

/// What rules sharing an index entry have in common: the operator itself, except that every
/// numeric range on a path counts as one entry (a value can fall in many different ranges).
fn share_key(op: &Op) -> String {
    match op {
        Op::Numeric(range) if range.low.is_none() || range.low != range.high => "range".to_owned(),
        other => format!("{other:?}"),
    }
}

/// How expensive an index entry is to use as an anchor: how many rules share it, weighted.
fn entry_cost(op: &Op, shared: usize) -> usize {
    let weight = match op {
        Op::Str { .. } | Op::Num(_) | Op::Bool(_) | Op::Null | Op::EqualsIgnoreCase(_) => 1,
        Op::Prefix(_)
        | Op::Suffix(_)
        | Op::PrefixIgnoreCase(_)
        | Op::SuffixIgnoreCase(_)
        | Op::Numeric(_) => 2,
        Op::Wildcard(_) | Op::Cidr(_) => 3,
        Op::Exists(_) | Op::AnythingBut(_) => 8,
    };
    weight * shared.max(1)
}

impl<N> Matcher<N> {
    /// Compiles `(name, pattern)` pairs; names are returned by [`Self::matches_json`].
    pub fn new(patterns: impl IntoIterator<Item = (N, Pattern)>) -> Self {
        let mut trie = PathTrie::new();
        let mut names = Vec::new();
        let mut rules = Vec::new();
        let mut interned: HashMap<String, Arc<[Op]>> = HashMap::new();
        for (pattern_id, (name, pattern)) in (0u32..).zip(patterns) {
            names.push(name);
            for rule in pattern.rules {
                let conditions = rule
                    .conditions
                    .into_iter()
                    .map(|c| {
                        let absent = c.allows_absent();
                        let ops = interned
                            .entry(format!("{:?}", c.ops))
                            .or_insert_with(|| Arc::from(c.ops))
                            .clone();
                        (trie.insert(&c.path), ops, absent)
                    })
                    .collect();
                rules.push(CompiledRule {
                    pattern: pattern_id,
                    conditions,
                });
            }
        }
        // How many rules share each (path, operator) entry, and each path.
        let mut shared: HashMap<(PathId, String), usize> = HashMap::new();
        let mut per_path: HashMap<PathId, usize> = HashMap::new();
        for rule in &rules {
            for (path, ops, _) in &rule.conditions {
                *per_path.entry(*path).or_default() += 1;
                for op in ops.iter() {
                    *shared.entry((*path, share_key(op))).or_default() += 1;
                }
            }
        }
        let mut indexes: Vec<PathIndex> = (0..trie.len()).map(|_| PathIndex::default()).collect();
        let mut always = Vec::new();
        for (rule_id, rule) in (0u32..).zip(&rules) {
            let anchor = rule
                .conditions
                .iter()
                .filter_map(|(path, ops, absent)| {
                    let by_value = ops.iter().all(PathIndex::can_index);
                    let cost = if by_value {
                        ops.iter()
                            .map(|op| {
                                entry_cost(
                                    op,
                                    shared.get(&(*path, share_key(op))).copied().unwrap_or(0),
                                )
                            })
                            .sum()
                    } else if !absent {
                        8 * per_path.get(path).copied().unwrap_or(0).max(1)
                    } else {
                        return None;
                    };
                    Some((cost, *path, ops, by_value))
                })
                .min_by_key(|(cost, ..)| *cost);
            match anchor {
                Some((_, path, ops, by_value)) => {
                    if let Some(index) = indexes.get_mut(path as usize) {
                        if by_value {
                            for op in ops.iter() {
                                index.insert(op, rule_id);
                            }
                        } else {
                            index.present.push(rule_id);
                        }
                    }
                }
                None => always.push(rule_id),
            }
        }
        for index in &mut indexes {
            index.build();
        }
        let mut conditions = Vec::new();
        let rules = rules
            .into_iter()
            .map(|rule| {
                let start = u32::try_from(conditions.len()).unwrap_or(u32::MAX);
                let len = u32::try_from(rule.conditions.len()).unwrap_or(u32::MAX);
                conditions.extend(rule.conditions);
                RuleSpan {
                    pattern: rule.pattern,
                    start,
                    len,
                }
            })
            .collect();
        Self {
            names,
            rules,
            conditions,
            trie,
            indexes,
            always,
        }
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Names of the patterns that match the event text (a JSON object), in insertion order.
    pub fn matches_json(&self, event: &str) -> Result<Vec<&N>, EventError> {
        let fields = flatten_text::flatten(event, &self.trie)?;
        Ok(self.matches_fields(fields))
    }

    /// Names of the patterns that match a parsed event, in insertion order.
    pub fn matches(&self, event: &Value) -> Vec<&N> {
        self.matches_fields(flatten_tree::flatten(event, &self.trie))
    }

    /// Approximate heap bytes used by the compiled indexes and rules.
    pub fn heap_bytes(&self) -> usize {
        let rules: usize = self.rules.len() * size_of::<RuleSpan>()
            + self
                .conditions
                .iter()
                .map(|(_, ops, _)| {
                    size_of::<Condition>() + ops.len() * size_of::<Op>() / Arc::strong_count(ops)
                })
                .sum::<usize>();
        rules
            + self.trie.heap_bytes()
            + self
                .indexes
                .iter()
                .map(PathIndex::heap_bytes)
                .sum::<usize>()
            + self.always.capacity() * 4
            + self.names.capacity() * size_of::<N>()
    }

    fn matches_fields(&self, mut fields: Vec<(PathId, Field<'_>)>) -> Vec<&N> {
        fields.sort_by_key(|(path, _)| *path);
        let (paths, leaves): (Vec<PathId>, Vec<Field<'_>>) = fields.into_iter().unzip();
        let leaves_at = |path: PathId| -> &[Field<'_>] {
            let start = paths.partition_point(|p| *p < path);
            let end = paths.partition_point(|p| *p <= path);
            leaves.get(start..end).unwrap_or_default()
        };

        let mut candidates: Vec<u32> = self.always.clone();
        let mut at = 0;
        while let Some(&path) = paths.get(at) {
            let end = at
                + paths
                    .get(at..)
                    .map_or(0, |rest| rest.partition_point(|p| *p == path));
            if let Some(index) = self.indexes.get(path as usize) {
                candidates.extend_from_slice(&index.present);
                for field in leaves.get(at..end).unwrap_or_default() {
                    index.lookup(&field.leaf, &mut candidates);
                }
            }
            at = end;
        }
        candidates.sort_unstable();
        candidates.dedup();

        let mut matched: Vec<u32> = Vec::new();
        let mut checks: Vec<Check<'_, '_, '_>> = Vec::new();
        for rule in candidates
            .iter()
            .filter_map(|id| self.rules.get(*id as usize))
        {
            if matched.contains(&rule.pattern) {
                continue;
            }
            checks.clear();
            let start = rule.start as usize;
            let conditions = self
                .conditions
                .get(start..start + rule.len as usize)
                .unwrap_or_default();
            checks.extend(conditions.iter().map(|(path, ops, absent)| Check {
                ops,
                allows_absent: *absent,
                leaves: leaves_at(*path),
            }));
            if eval::holds(&checks) {
                matched.push(rule.pattern);
            }
        }
        matched.sort_unstable();
        matched
            .iter()
            .filter_map(|id| self.names.get(*id as usize))
            .collect()
    }
}
