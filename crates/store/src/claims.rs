//! Claims (`claims` table): an atomic "first writer wins" between workers sharing a database.

use crate::err::StoreError;
use crate::store::Store;

impl Store {
    /// Stores `value` under `key` unless a value is already stored there, and returns the
    /// value stored afterwards: `value` for the first claim of a key, the first claimant's
    /// value for every later one, whichever worker (process, connection) made it.
    ///
    /// Two statements, both backends: an insert that does nothing on a conflict, then a read.
    /// The insert returns only once the key's row is committed, by this call or by a racing
    /// one (PostgreSQL waits for an uncommitted conflicting insert to finish; SQLite lets one
    /// writer at a time in), and claims are never changed or deleted, so the read, a
    /// statement of its own, always sees the winner.
    pub fn claim(&mut self, key: &str, value: &str) -> Result<String, StoreError> {
        self.backend.execute(
            "INSERT INTO claims (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
            &[&key, &value],
        )?;
        self.backend
            .query_one("SELECT value FROM claims WHERE key = ?1", &[&key], |row| {
                row.get(0)
            })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Barrier};

    use crate::testing::{TestDb, on_both_backends};

    on_both_backends!(the_first_claim_wins, racing_claims_agree);

    fn the_first_claim_wins(db: &TestDb) {
        let mut store = db.open();
        assert_eq!(
            store.claim("ip|role|i-1", "198.51.100.7").unwrap(),
            "198.51.100.7"
        );
        assert_eq!(
            store.claim("ip|role|i-1", "203.0.113.9").unwrap(),
            "198.51.100.7"
        );
        assert_eq!(
            store.claim("ip|role|i-2", "203.0.113.9").unwrap(),
            "203.0.113.9"
        );
        let mut other = db.open();
        assert_eq!(
            other.claim("ip|role|i-1", "192.0.2.1").unwrap(),
            "198.51.100.7",
            "another connection sees the first claim"
        );
    }

    /// Two connections, each on its own thread, claim the same fresh key with different
    /// values at the same moment, 300 times: both always get the same answer, one of theirs.
    fn racing_claims_agree(db: &TestDb) {
        const ROUNDS: usize = 300;
        let start = Arc::new(Barrier::new(2));
        let workers: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|name| {
                let mut store = db.open();
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    (0..ROUNDS)
                        .map(|round| {
                            start.wait();
                            store.claim(&format!("key-{round}"), name).unwrap()
                        })
                        .collect::<Vec<String>>()
                })
            })
            .collect();
        let answers: Vec<Vec<String>> = workers.into_iter().map(|w| w.join().unwrap()).collect();
        let (from_a, from_b) = (&answers[0], &answers[1]);
        assert_eq!((from_a.len(), from_b.len()), (ROUNDS, ROUNDS));
        let mut wins = [0, 0];
        for (round, (a, b)) in from_a.iter().zip(from_b).enumerate() {
            assert_eq!(a, b, "round {round}: the two workers disagree");
            assert!(
                a == "a" || a == "b",
                "round {round}: `{a}` is no claimant's"
            );
            wins[usize::from(a == "b")] += 1;
        }
        eprintln!("first claims won: a {}, b {}", wins[0], wins[1]);
    }
}
