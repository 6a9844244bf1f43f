//! Where the router remembers when it last routed each finding.

use std::collections::HashMap;
use std::convert::Infallible;

/// When each finding was last routed (milliseconds since the epoch, finding time).
pub trait RoutingLog {
    /// Why the log cannot be read or written.
    type Error: std::error::Error + Send + Sync + 'static;

    /// When the finding was last routed, if ever.
    fn last_routed(&self, finding_id: &str) -> Result<Option<i64>, Self::Error>;

    /// Records a routing at `at_ms`.
    fn mark_routed(&mut self, finding_id: &str, at_ms: i64) -> Result<(), Self::Error>;
}

/// The persistent log: the store's `routed` table.
impl RoutingLog for store::Store {
    type Error = store::StoreError;

    fn last_routed(&self, finding_id: &str) -> Result<Option<i64>, Self::Error> {
        store::Store::last_routed(self, finding_id)
    }

    fn mark_routed(&mut self, finding_id: &str, at_ms: i64) -> Result<(), Self::Error> {
        store::Store::mark_routed(self, finding_id, at_ms)
    }
}

/// An in-memory log, for one-shot runs and tests.
impl RoutingLog for HashMap<String, i64> {
    type Error = Infallible;

    fn last_routed(&self, finding_id: &str) -> Result<Option<i64>, Self::Error> {
        Ok(self.get(finding_id).copied())
    }

    fn mark_routed(&mut self, finding_id: &str, at_ms: i64) -> Result<(), Self::Error> {
        self.insert(finding_id.to_owned(), at_ms);
        Ok(())
    }
}

/// Whether a finding updated at `at_ms` is due, given its last routing and the interval.
pub(crate) fn is_due(last_routed_ms: Option<i64>, at_ms: i64, interval_ms: i64) -> bool {
    match last_routed_ms {
        None => true,
        Some(last) => at_ms.saturating_sub(last) >= interval_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_when_new_or_after_the_interval() {
        let minute = 60_000;
        let cases = [
            (None, 0, true),
            (Some(0), 0, false),
            (Some(0), 15 * minute - 1, false),
            (Some(0), 15 * minute, true),
            (Some(10 * minute), 5 * minute, false), // an older update arriving late
        ];
        for (last, at, due) in cases {
            assert_eq!(is_due(last, at, 15 * minute), due, "{last:?} {at}");
        }
    }

    #[test]
    fn store_and_memory_logs_agree() {
        let mut store = store::Store::in_memory().unwrap();
        let mut memory: HashMap<String, i64> = HashMap::new();
        for log in [&mut store as &mut dyn RoutingLogDyn, &mut memory] {
            assert_eq!(log.last(), None);
            log.mark(42);
            assert_eq!(log.last(), Some(42));
        }
    }

    /// Object-safe view for the test above.
    trait RoutingLogDyn {
        fn last(&self) -> Option<i64>;
        fn mark(&mut self, at: i64);
    }

    impl<T: RoutingLog> RoutingLogDyn for T {
        fn last(&self) -> Option<i64> {
            self.last_routed("f").unwrap()
        }
        fn mark(&mut self, at: i64) {
            self.mark_routed("f", at).unwrap();
        }
    }
}
