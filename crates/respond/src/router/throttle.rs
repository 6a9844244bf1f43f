//! Where the router remembers when it last routed each finding.

use std::collections::HashMap;
use std::convert::Infallible;

/// When each finding was last routed (milliseconds since the epoch, finding time).
pub trait RoutingLog {
    /// Why the log cannot be read or written.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Claims a routing of the finding updated at `at_ms` unless it was routed less than
    /// `interval_ms` before: `None` when claimed (and recorded), else the last routing's
    /// time. Atomic, so that of several workers routing the same update only one goes on.
    fn claim_routing(
        &mut self,
        finding_id: &str,
        at_ms: i64,
        interval_ms: i64,
    ) -> Result<Option<i64>, Self::Error>;
}

/// The persistent log: the store's `routed` table.
impl RoutingLog for store::Store {
    type Error = store::StoreError;

    fn claim_routing(
        &mut self,
        finding_id: &str,
        at_ms: i64,
        interval_ms: i64,
    ) -> Result<Option<i64>, Self::Error> {
        store::Store::claim_routing(self, finding_id, at_ms, interval_ms)
    }
}

/// An in-memory log, for one-shot runs and tests.
impl RoutingLog for HashMap<String, i64> {
    type Error = Infallible;

    fn claim_routing(
        &mut self,
        finding_id: &str,
        at_ms: i64,
        interval_ms: i64,
    ) -> Result<Option<i64>, Self::Error> {
        let last = self.get(finding_id).copied();
        if !is_due(last, at_ms, interval_ms) {
            return Ok(last);
        }
        self.insert(finding_id.to_owned(), at_ms);
        Ok(None)
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
            assert_eq!(log.claim(1_000), None);
            assert_eq!(log.claim(1_500), Some(1_000), "within the interval");
            assert_eq!(log.claim(500), Some(1_000), "an older update");
            assert_eq!(log.claim(2_000), None);
            assert_eq!(log.claim(2_999), Some(2_000));
        }
    }

    /// Object-safe view for the test above.
    trait RoutingLogDyn {
        fn claim(&mut self, at: i64) -> Option<i64>;
    }

    impl<T: RoutingLog> RoutingLogDyn for T {
        fn claim(&mut self, at: i64) -> Option<i64> {
            self.claim_routing("f", at, 1_000).unwrap()
        }
    }
}
