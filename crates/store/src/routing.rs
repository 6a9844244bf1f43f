//! The routing throttle: when each finding was last routed to rules (`routed` table).

use crate::err::StoreError;
use crate::store::Store;

impl Store {
    /// When the finding was last routed (milliseconds since the epoch), or `None` if never.
    pub fn last_routed(&self, finding_id: &str) -> Result<Option<i64>, StoreError> {
        self.backend.query_opt(
            "SELECT last_routed_ms FROM routed WHERE finding_id = ?1",
            &[&finding_id],
            |row| row.get(0),
        )
    }

    /// Records that the finding was routed at `at_ms`, counting the routings.
    pub fn mark_routed(&mut self, finding_id: &str, at_ms: i64) -> Result<(), StoreError> {
        self.backend.execute(
            "INSERT INTO routed (finding_id, last_routed_ms, times_routed) VALUES (?1, ?2, 1)
             ON CONFLICT (finding_id) DO UPDATE SET
                 last_routed_ms = excluded.last_routed_ms,
                 times_routed = routed.times_routed + 1",
            &[&finding_id, &at_ms],
        )?;
        Ok(())
    }

    /// How many times the finding was routed (0 if never).
    pub fn times_routed(&self, finding_id: &str) -> Result<u64, StoreError> {
        let times: Option<i64> = self.backend.query_opt(
            "SELECT times_routed FROM routed WHERE finding_id = ?1",
            &[&finding_id],
            |row| row.get(0),
        )?;
        Ok(times.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{TestDb, on_both_backends};

    on_both_backends!(
        unknown_finding_was_never_routed,
        marking_keeps_the_latest_time_and_counts
    );

    fn unknown_finding_was_never_routed(db: &TestDb) {
        let store = db.open();
        assert_eq!(store.last_routed("abc").unwrap(), None);
        assert_eq!(store.times_routed("abc").unwrap(), 0);
    }

    fn marking_keeps_the_latest_time_and_counts(db: &TestDb) {
        let mut store = db.open();
        for (at, times) in [(1_000, 1), (5_000, 2), (9_000, 3)] {
            store.mark_routed("f1", at).unwrap();
            assert_eq!(store.last_routed("f1").unwrap(), Some(at));
            assert_eq!(store.times_routed("f1").unwrap(), times);
        }
        assert_eq!(store.last_routed("f2").unwrap(), None);
    }
}
