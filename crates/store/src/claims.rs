//! Claims (`claims` table): an atomic "first writer wins" between workers sharing a database.
//! Live detection claims each (finding, CloudTrail event) pair, so an event delivered twice,
//! or to two workers, is counted once.

use crate::backend::Backend;
use crate::err::StoreError;

/// Claims `key`; true when this call made the claim, false when it was already made, by this
/// worker or another (process, connection).
///
/// An insert that does nothing on a conflict. It returns only once the key's row is committed,
/// by this call or a racing one (PostgreSQL waits for an uncommitted conflicting insert to
/// finish; SQLite lets one writer at a time in), and claims are never deleted, so exactly one
/// claimant of a key is told it won.
pub(crate) fn claim(db: &Backend, key: &str) -> Result<bool, StoreError> {
    let inserted = db.execute(
        "INSERT INTO claims (key, value) VALUES (?1, '') ON CONFLICT (key) DO NOTHING",
        &[&key],
    )?;
    Ok(inserted == 1)
}

#[cfg(test)]
mod tests {
    use super::claim;
    use crate::testing::{TestDb, on_both_backends, race};

    on_both_backends!(the_first_claim_wins, racing_claims_have_one_winner);

    fn the_first_claim_wins(db: &TestDb) {
        let store = db.open();
        assert!(claim(&store.backend, "event|f1|e1").unwrap());
        assert!(!claim(&store.backend, "event|f1|e1").unwrap());
        assert!(claim(&store.backend, "event|f1|e2").unwrap());
        let other = db.open();
        assert!(
            !claim(&other.backend, "event|f1|e1").unwrap(),
            "another connection sees the first claim"
        );
    }

    /// Two connections, each on its own thread, claim the same fresh key at the same moment,
    /// 300 times: each time exactly one of them wins.
    fn racing_claims_have_one_winner(db: &TestDb) {
        const ROUNDS: usize = 300;
        let answers = race(db, |_, store, start| {
            (0..ROUNDS)
                .map(|round| {
                    start.wait();
                    claim(&store.backend, &format!("key-{round}")).unwrap()
                })
                .collect::<Vec<bool>>()
        });
        assert_eq!((answers[0].len(), answers[1].len()), (ROUNDS, ROUNDS));
        let mut wins = [0, 0];
        for (round, (&a, &b)) in answers[0].iter().zip(&answers[1]).enumerate() {
            assert!(a != b, "round {round}: {a} and {b}, not exactly one winner");
            wins[usize::from(b)] += 1;
        }
        eprintln!("first claims won: a {}, b {}", wins[0], wins[1]);
    }
}
