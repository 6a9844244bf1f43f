//! Deciding whether one rule holds, given the leaves found at each of its paths.
//!
//! Every condition needs one leaf that one of its operators accepts, and the chosen leaves must
//! be array-consistent: two of them may not come from different elements of the same array. A
//! condition with `exists: false` may instead be satisfied by having no leaf consistent with the
//! others; that is checked once all other choices are made.

use crate::leaf::{ArrayPos, Field, consistent};
use crate::ops::Op;

/// One condition of a rule, with the event's leaves at its path.
pub(crate) struct Check<'r, 'f, 'a> {
    /// The operators (OR).
    pub(crate) ops: &'r [Op],
    /// Whether `exists: false` is one of them.
    pub(crate) allows_absent: bool,
    /// The leaves at the condition's path.
    pub(crate) leaves: &'f [Field<'a>],
}

impl Check<'_, '_, '_> {
    fn accepts(&self, field: &Field<'_>) -> bool {
        self.ops.iter().any(|op| op.matches(&field.leaf))
    }
}

/// Whether all checks hold together.
pub(crate) fn holds(checks: &[Check<'_, '_, '_>]) -> bool {
    let mut needs_search = false;
    for check in checks {
        let accepted = check.leaves.iter().any(|f| check.accepts(f));
        // Leaves outside every array constrain nothing, so such a condition stands on its own.
        if check.leaves.iter().all(|f| f.trail.is_empty()) {
            if !(accepted || (check.allows_absent && check.leaves.is_empty())) {
                return false;
            }
        } else if !accepted && !check.allows_absent {
            return false;
        } else {
            needs_search = true;
        }
    }
    if !needs_search {
        return true;
    }
    let mut chosen = Vec::with_capacity(checks.len());
    let mut deferred = Vec::new();
    search(checks, 0, &mut chosen, &mut deferred)
}

fn search<'f>(
    checks: &[Check<'_, 'f, '_>],
    next: usize,
    chosen: &mut Vec<&'f [ArrayPos]>,
    deferred: &mut Vec<usize>,
) -> bool {
    let Some(check) = checks.get(next) else {
        return deferred.iter().all(|&d| {
            checks
                .get(d)
                .is_none_or(|absent| absent.leaves.iter().all(|f| !fits(chosen, &f.trail)))
        });
    };
    for field in check.leaves {
        if !check.accepts(field) || !fits(chosen, &field.trail) {
            continue;
        }
        chosen.push(&field.trail);
        let found = search(checks, next + 1, chosen, deferred);
        chosen.pop();
        // A leaf outside every array constrains nothing, so no other choice can do better.
        if found || field.trail.is_empty() {
            return found;
        }
    }
    if check.allows_absent {
        deferred.push(next);
        let found = search(checks, next + 1, chosen, deferred);
        deferred.pop();
        return found;
    }
    false
}

fn fits(chosen: &[&[ArrayPos]], trail: &[ArrayPos]) -> bool {
    chosen.iter().all(|other| consistent(other, trail))
}
