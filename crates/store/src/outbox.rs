//! The routing outbox (`outbox` table): findings waiting to go through the rules.
//!
//! A window queues the findings it touched in the transaction that commits them, so a worker
//! killed between the commit and the routing leaves the routing to be done, not lost. Workers
//! lease entries for a while before routing them and delete them when done; an entry whose
//! worker died, or whose routing failed, is leased again when its lease runs out (its
//! attempts are counted, so one that always fails can be given up on). Routing the same
//! finding twice is harmless: the routing log's claim ([`Store::claim_routing`]) lets one routing through.

use crate::backend::Backend;
use crate::err::StoreError;
use crate::store::Store;

/// A finding waiting to be routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    /// Position in the outbox (queue order).
    pub seq: i64,
    /// The finding id.
    pub finding_id: String,
    /// What to route: a finding, or an EventBridge event carrying one, as JSON.
    pub body: String,
    /// How many times it was leased, this time included.
    pub attempts: i64,
}

/// Queues a finding for routing.
pub(crate) fn enqueue(db: &Backend, finding_id: &str, body: &str) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO outbox (finding_id, body, leased_until_ms, attempts) VALUES (?1, ?2, 0, 0)",
        &[&finding_id, &body],
    )?;
    Ok(())
}

impl Store {
    /// Leases up to `limit` entries, oldest first, that no live lease holds at `now_ms`, until
    /// `now_ms + lease_ms`. On PostgreSQL, entries another worker is leasing at that moment are
    /// skipped, not waited for.
    pub fn lease_routings(
        &mut self,
        now_ms: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<Routing>, StoreError> {
        let sql = self.backend.dialect(
            "UPDATE outbox SET leased_until_ms = ?1, attempts = attempts + 1 WHERE seq IN (
                 SELECT seq FROM outbox WHERE leased_until_ms <= ?2 ORDER BY seq LIMIT ?3)
             RETURNING seq, finding_id, body, attempts",
            "UPDATE outbox SET leased_until_ms = ?1, attempts = attempts + 1 WHERE seq IN (
                 SELECT seq FROM outbox WHERE leased_until_ms <= ?2 ORDER BY seq LIMIT ?3
                 FOR UPDATE SKIP LOCKED)
             RETURNING seq, finding_id, body, attempts",
        );
        let until = now_ms.saturating_add(lease_ms);
        let mut leased = self.backend.query(sql, &[&until, &now_ms, &limit], |row| {
            Ok(Routing {
                seq: row.get(0)?,
                finding_id: row.get(1)?,
                body: row.get(2)?,
                attempts: row.get(3)?,
            })
        })?;
        leased.sort_unstable_by_key(|routing| routing.seq);
        Ok(leased)
    }

    /// Removes a routed entry (or one given up on).
    pub fn finish_routing(&mut self, seq: i64) -> Result<(), StoreError> {
        self.backend
            .execute("DELETE FROM outbox WHERE seq = ?1", &[&seq])?;
        Ok(())
    }

    /// How many entries wait, leased or not.
    pub fn pending_routings(&self) -> Result<u64, StoreError> {
        let count: i64 = self
            .backend
            .query_one("SELECT COUNT(*) FROM outbox", &[], |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::enqueue;
    use crate::testing::{TestDb, on_both_backends, race};

    on_both_backends!(
        entries_are_leased_in_order_and_again_after_the_lease,
        racing_workers_lease_each_entry_once
    );

    fn entries_are_leased_in_order_and_again_after_the_lease(db: &TestDb) {
        let mut store = db.open();
        for n in 1..=3 {
            enqueue(&store.backend, &format!("f{n}"), &format!("{{\"n\":{n}}}")).unwrap();
        }
        assert_eq!(store.pending_routings().unwrap(), 3);
        let first = store.lease_routings(1_000, 500, 2).unwrap();
        let ids: Vec<&str> = first.iter().map(|r| r.finding_id.as_str()).collect();
        assert_eq!(ids, ["f1", "f2"]);
        assert_eq!(first[1].body, "{\"n\":2}");
        assert!(first[0].seq < first[1].seq);

        let rest = store.lease_routings(1_100, 500, 10).unwrap();
        assert_eq!(rest.len(), 1, "f1 and f2 are leased until 1,500");
        assert_eq!(rest[0].finding_id, "f3");
        store.finish_routing(first[0].seq).unwrap();
        assert_eq!(store.lease_routings(1_499, 500, 10).unwrap(), []);
        let expired = store.lease_routings(1_500, 500, 10).unwrap();
        let ids: Vec<&str> = expired.iter().map(|r| r.finding_id.as_str()).collect();
        assert_eq!(ids, ["f2"], "f1 is done; f3's lease runs to 1,600");
        assert_eq!((first[1].attempts, expired[0].attempts), (1, 2));
        assert_eq!(store.pending_routings().unwrap(), 2);
    }

    /// Two workers lease from the same outbox at the same moment, round after round: every
    /// entry is leased exactly once.
    fn racing_workers_lease_each_entry_once(db: &TestDb) {
        let store = db.open();
        for n in 0..200 {
            enqueue(&store.backend, &format!("f{n}"), "{}").unwrap();
        }
        let leased = race(db, |_, store, start| {
            start.wait();
            let mut leased = Vec::new();
            loop {
                let batch = store.lease_routings(10, 1_000_000, 3).unwrap();
                if batch.is_empty() {
                    return leased;
                }
                leased.extend(batch.into_iter().map(|r| r.seq));
            }
        });
        let all: BTreeSet<i64> = leased.iter().flatten().copied().collect();
        assert_eq!(leased[0].len() + leased[1].len(), 200, "none leased twice");
        assert_eq!(all.len(), 200, "every entry leased");
    }
}
