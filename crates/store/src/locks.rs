//! Transaction-scoped locks on named keys, so that workers sharing one database take turns on
//! the same detector sessions, input files and findings while the others go on in parallel.
//!
//! PostgreSQL takes an advisory lock per key (on a 64-bit hash of it), released at commit or
//! rollback. Every transaction takes its locks in two batches, each in hash order: first the
//! state keys and inputs, then the findings its detection raised. Two transactions therefore
//! never wait on each other in a cycle. A hash collision only makes two keys share a lock.
//! SQLite needs nothing: its write transactions (`BEGIN IMMEDIATE`) already run one at a time.

use crate::backend::Backend;
use crate::err::StoreError;

/// A JSON array of keys: the one parameter of the statements that take a list.
pub(crate) fn key_list<'k>(keys: impl IntoIterator<Item = &'k str>) -> String {
    serde_json::Value::from_iter(keys).to_string()
}

/// Locks `keys` until the end of the current transaction.
pub(crate) fn lock(db: &Backend, keys: &[String]) -> Result<(), StoreError> {
    if keys.is_empty() || matches!(db, Backend::Sqlite(_)) {
        return Ok(());
    }
    let keys = key_list(keys.iter().map(String::as_str));
    db.execute(
        "SELECT pg_advisory_xact_lock(hash) FROM (
             SELECT DISTINCT hashtextextended(key, 0) AS hash
             FROM jsonb_array_elements_text(CAST(?1 AS TEXT)::jsonb) AS key
             ORDER BY hash
         ) AS ordered",
        &[&keys],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    #[test]
    fn key_lists_are_json_arrays() {
        assert_eq!(key_list(["a|b", "c\"d"]), r#"["a|b","c\"d"]"#);
        assert_eq!(key_list([]), "[]");
    }

    /// A second connection waits for the first one's lock on a key, and only on that key.
    #[test]
    fn a_locked_key_waits_for_the_commit_on_postgres() {
        let Some(db) = crate::testing::TestDb::postgres() else {
            return;
        };
        let holder = db.open();
        holder.backend.batch("BEGIN").unwrap();
        lock(&holder.backend, &["state|a".into(), "state|b".into()]).unwrap();

        let other = db.open();
        other.backend.batch("BEGIN").unwrap();
        lock(&other.backend, &["state|c".into()]).unwrap();
        other.backend.batch("COMMIT").unwrap();

        let (done, finished) = mpsc::channel();
        let waiter = std::thread::spawn(move || {
            other.backend.batch("BEGIN").unwrap();
            lock(&other.backend, &["state|b".into()]).unwrap();
            done.send(()).unwrap();
            other.backend.batch("COMMIT").unwrap();
        });
        assert!(
            finished.recv_timeout(Duration::from_millis(300)).is_err(),
            "the second lock of `state|b` did not wait"
        );
        holder.backend.batch("COMMIT").unwrap();
        finished.recv_timeout(Duration::from_secs(10)).unwrap();
        waiter.join().unwrap();
    }
}
