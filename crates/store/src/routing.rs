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

    /// Claims a routing of the finding updated at `at_ms`, unless it was routed less than
    /// `interval_ms` before that: `None` when this call claimed it (and counted it), or the
    /// time of the routing that throttles it. One statement, so two workers routing the same
    /// update cannot both be let through: the second waits for the first's row, then sees it.
    pub fn claim_routing(
        &mut self,
        finding_id: &str,
        at_ms: i64,
        interval_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let cutoff = at_ms.saturating_sub(interval_ms);
        let claimed = self.backend.execute(
            "INSERT INTO routed (finding_id, last_routed_ms, times_routed) VALUES (?1, ?2, 1)
             ON CONFLICT (finding_id) DO UPDATE SET
                 last_routed_ms = excluded.last_routed_ms,
                 times_routed = routed.times_routed + 1
             WHERE routed.last_routed_ms <= ?3",
            &[&finding_id, &at_ms, &cutoff],
        )?;
        if claimed == 1 {
            return Ok(None);
        }
        self.last_routed(finding_id)
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
    use crate::testing::{TestDb, on_both_backends, race};

    on_both_backends!(
        unknown_finding_was_never_routed,
        claims_keep_the_latest_time_and_count,
        racing_claims_route_an_update_once
    );

    fn unknown_finding_was_never_routed(db: &TestDb) {
        let store = db.open();
        assert_eq!(store.last_routed("abc").unwrap(), None);
        assert_eq!(store.times_routed("abc").unwrap(), 0);
    }

    fn claims_keep_the_latest_time_and_count(db: &TestDb) {
        let mut store = db.open();
        // (update time, claimed?, last routing afterwards, routings counted)
        let steps = [
            (1_000, true, 1_000, 1),
            (4_999, false, 1_000, 1), // within 4 s of the last routing
            (5_000, true, 5_000, 2),
            (2_000, false, 5_000, 2), // an older update arriving late
            (9_000, true, 9_000, 3),
        ];
        for (at, claimed, last, times) in steps {
            let outcome = store.claim_routing("f1", at, 4_000).unwrap();
            assert_eq!(outcome.is_none(), claimed, "update at {at}: {outcome:?}");
            if !claimed {
                assert_eq!(outcome, Some(last));
            }
            assert_eq!(store.last_routed("f1").unwrap(), Some(last));
            assert_eq!(store.times_routed("f1").unwrap(), times);
        }
        assert_eq!(store.last_routed("f2").unwrap(), None);
    }

    /// Two workers claim the routing of the same update of 100 findings at the same moment:
    /// each finding is routed once.
    fn racing_claims_route_an_update_once(db: &TestDb) {
        let wins = race(db, |_, store, start| {
            (0..100)
                .filter(|n| {
                    start.wait();
                    let outcome = store.claim_routing(&format!("f{n}"), 60_000, 900_000);
                    outcome.unwrap().is_none()
                })
                .count()
        });
        let wins: usize = wins.iter().sum();
        assert_eq!(wins, 100);
    }
}
