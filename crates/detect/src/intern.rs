//! Per-thread string interning, so the many observations of a run share their repeated text
//! (role ARNs, API names, user agents) instead of each owning a copy.

use std::cell::RefCell;
use std::sync::Arc;

use rustc_hash::FxHashSet;

/// Past this many distinct strings a thread's table is dropped and starts again, which bounds
/// memory on adversarial input at the cost of some duplication.
const MAX_ENTRIES: usize = 1 << 16;

thread_local! {
    static TABLE: RefCell<FxHashSet<Arc<str>>> = RefCell::new(FxHashSet::default());
}

/// A shared copy of `text`.
pub(crate) fn intern(text: &str) -> Arc<str> {
    TABLE.with(|table| {
        let mut table = table.borrow_mut();
        if let Some(found) = table.get(text) {
            return Arc::clone(found);
        }
        if table.len() >= MAX_ENTRIES {
            table.clear();
        }
        let shared: Arc<str> = Arc::from(text);
        table.insert(Arc::clone(&shared));
        shared
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_text_shares_one_allocation() {
        let a = intern("dynamodb.amazonaws.com");
        let b = intern("dynamodb.amazonaws.com");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(&*intern("other"), "other");
    }
}
