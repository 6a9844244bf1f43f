//! One window of live detection (`serve`), committed so that several workers can share the
//! database: the window's detector state is read, run and written back under locks on its
//! sessions, its findings are merged into the stored ones under locks on their ids, each
//! CloudTrail event counts once per finding however often it is delivered, and the findings it
//! touched are queued for routing ([`crate::outbox`]) in the same transaction.

use std::collections::{BTreeMap, BTreeSet};

use findings::{Finding, FindingBook, Occurrence, Touch};

use crate::backend::Backend;
use crate::claims::claim;
use crate::err::StoreError;
use crate::locks::{key_list, lock};
use crate::outbox::enqueue;
use crate::store::{InputStamp, Store, decode, insert_input, is_processed, upsert_finding};

/// What a window read.
#[derive(Debug, Clone, Copy)]
pub struct Window<'a> {
    /// The detector state entries its observations may read or change.
    pub state_keys: &'a BTreeSet<String>,
    /// The files its records came from.
    pub inputs: &'a [InputStamp],
}

/// What detection over a window produced.
#[derive(Debug, Default)]
pub struct Detected {
    /// The window's state entries after detection (unchanged ones are not written).
    pub state: Vec<(String, String)>,
    /// The occurrences it raised.
    pub occurrences: Vec<Occurrence>,
}

/// What a window committed.
#[derive(Debug, Default)]
pub struct Committed {
    /// Each finding the window created or updated, as stored, and which of the two.
    pub findings: Vec<(Finding, Touch)>,
    /// Occurrences merged into findings (each new finding's first one included).
    pub occurrences: u64,
    /// Occurrences left out: their event was already counted for their finding.
    pub repeated_events: u64,
}

impl Store {
    /// Runs `detect` over one window and commits its results, in one transaction.
    ///
    /// `detect` gets the stored entries of `window.state_keys` and, for each input, whether it
    /// was already committed (by another worker, since the caller last looked): it must leave
    /// those inputs' records out. Its state entries are written where they changed; each
    /// occurrence is merged into its stored finding unless its event was already counted
    /// there; the inputs are recorded as processed, and every finding touched is queued for
    /// routing. An error from `detect` rolls everything back.
    pub fn commit_window<E>(
        &mut self,
        window: Window<'_>,
        detect: impl FnOnce(Vec<(String, String)>, &[bool]) -> Result<Detected, E>,
    ) -> Result<Committed, StoreError>
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        self.backend.transaction(|db| {
            let state_locks = window.state_keys.iter().map(|key| format!("state|{key}"));
            let input_locks = window
                .inputs
                .iter()
                .map(|input| format!("input|{}", input.path));
            let first_locks: Vec<String> = state_locks.chain(input_locks).collect();
            lock(db, &first_locks)?;

            let processed = window
                .inputs
                .iter()
                .map(|input| is_processed(db, input))
                .collect::<Result<Vec<bool>, _>>()?;
            let stored = state_entries(db, window.state_keys)?;
            let before: BTreeMap<String, String> = stored.iter().cloned().collect();
            let detected =
                detect(stored, &processed).map_err(|e| StoreError::Detection(Box::new(e)))?;

            let committed = merge_findings(db, detected.occurrences)?;
            for (key, value) in &detected.state {
                if !window.state_keys.contains(key) {
                    // Written without its lock, it could overwrite another worker's update.
                    return Err(StoreError::UnlockedStateKey(key.clone()));
                }
                if before.get(key) != Some(value) {
                    db.execute(
                        "INSERT INTO detector_state (key, value) VALUES (?1, ?2)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        &[key, value],
                    )?;
                }
            }
            for (input, done) in window.inputs.iter().zip(processed) {
                if !done {
                    insert_input(db, input)?;
                }
            }
            Ok(committed)
        })
    }
}

/// The stored entries of `keys`.
fn state_entries(
    db: &Backend,
    keys: &BTreeSet<String>,
) -> Result<Vec<(String, String)>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    db.query(
        db.dialect(
            "SELECT key, value FROM detector_state
             WHERE key IN (SELECT value FROM json_each(?1)) ORDER BY key",
            "SELECT key, value FROM detector_state
             WHERE key IN (SELECT jsonb_array_elements_text(CAST(?1 AS TEXT)::jsonb))
             ORDER BY key",
        ),
        &[&key_list(keys.iter().map(String::as_str))],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}

/// Merges occurrences into their stored findings (locked), writes them and queues them.
fn merge_findings(db: &Backend, occurrences: Vec<Occurrence>) -> Result<Committed, StoreError> {
    let ids: BTreeSet<String> = occurrences.iter().map(|o| o.key.finding_id()).collect();
    if ids.is_empty() {
        return Ok(Committed::default());
    }
    let finding_locks: Vec<String> = ids.iter().map(|id| format!("finding|{id}")).collect();
    lock(db, &finding_locks)?;
    let stored = stored_findings(db, &ids)?;
    let existing: BTreeSet<String> = stored.iter().map(|f| f.id.clone()).collect();
    let mut book = FindingBook::from_findings(stored);
    let mut touched = BTreeSet::new();
    let (mut merged, mut repeated_events) = (0, 0);
    for occurrence in occurrences {
        let id = occurrence.key.finding_id();
        let event = &occurrence.call.event_id;
        if !event.is_empty() && !claim(db, &format!("event|{id}|{event}"))? {
            repeated_events += 1;
            continue;
        }
        book.record(occurrence);
        merged += 1;
        touched.insert(id);
    }
    let mut findings = Vec::with_capacity(touched.len());
    for id in touched {
        let Some(finding) = book.get(&id) else {
            continue;
        };
        let body = upsert_finding(db, finding)?;
        enqueue(db, &finding.id, &body)?;
        let touch = if existing.contains(&id) {
            Touch::Updated
        } else {
            Touch::New
        };
        findings.push((finding.clone(), touch));
    }
    Ok(Committed {
        findings,
        occurrences: merged,
        repeated_events,
    })
}

fn stored_findings(db: &Backend, ids: &BTreeSet<String>) -> Result<Vec<Finding>, StoreError> {
    db.query(
        db.dialect(
            "SELECT id, body FROM findings WHERE id IN (SELECT value FROM json_each(?1))",
            "SELECT id, body FROM findings
             WHERE id IN (SELECT jsonb_array_elements_text(CAST(?1 AS TEXT)::jsonb))",
        ),
        &[&key_list(ids.iter().map(String::as_str))],
        |row| decode(&row.get::<String>(0)?, &row.get::<String>(1)?),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::convert::Infallible;

    use findings::Touch;

    use super::{Detected, Window};
    use crate::testing::{TestDb, occurrence, on_both_backends, race};
    use crate::{FindingFilter, InputStamp, Store, StoreError};

    on_both_backends!(
        windows_merge_into_stored_findings_and_count_each_event_once,
        an_input_committed_meanwhile_is_flagged_and_kept,
        a_failed_or_overreaching_detection_commits_nothing,
        racing_workers_lose_no_update
    );

    fn keys(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|&name| name.to_owned()).collect()
    }

    fn stamp(path: &str) -> InputStamp {
        InputStamp {
            path: path.into(),
            size: 10,
            modified_ms: 1,
        }
    }

    fn count(store: &Store) -> Vec<u64> {
        let findings = store.findings(&FindingFilter::default()).unwrap();
        findings.iter().map(|f| f.service.count).collect()
    }

    fn windows_merge_into_stored_findings_and_count_each_event_once(db: &TestDb) {
        let mut store = db.open();
        let no_keys = BTreeSet::new();
        let window = Window {
            state_keys: &no_keys,
            inputs: &[],
        };
        let first = store
            .commit_window(window, |_, _| {
                Ok::<_, Infallible>(Detected {
                    state: Vec::new(),
                    occurrences: vec![
                        occurrence("198.51.100.7", 1_000, "e1"),
                        occurrence("198.51.100.7", 2_000, "e2"),
                    ],
                })
            })
            .unwrap();
        assert_eq!(first.findings.len(), 1);
        assert_eq!(first.findings[0].1, Touch::New);
        assert_eq!(first.findings[0].0.service.count, 2);
        assert_eq!(first.occurrences, 2);

        // Another worker's window (a second connection): e2 again, and e3.
        let mut other = db.open();
        let second = other
            .commit_window(window, |_, _| {
                Ok::<_, Infallible>(Detected {
                    state: Vec::new(),
                    occurrences: vec![
                        occurrence("198.51.100.7", 2_000, "e2"),
                        occurrence("198.51.100.7", 3_000, "e3"),
                    ],
                })
            })
            .unwrap();
        assert_eq!((second.occurrences, second.repeated_events), (1, 1));
        assert_eq!(second.findings[0].1, Touch::Updated);
        let merged = &second.findings[0].0;
        assert_eq!(merged.service.count, 3);
        assert_eq!(merged.service.event_first_seen, "1970-01-01T00:00:01.000Z");
        assert_eq!(merged.service.event_last_seen, "1970-01-01T00:00:03.000Z");
        assert_eq!(count(&store), [3]);

        let only_repeats = store
            .commit_window(window, |_, _| {
                Ok::<_, Infallible>(Detected {
                    state: Vec::new(),
                    occurrences: vec![occurrence("198.51.100.7", 1_000, "e1")],
                })
            })
            .unwrap();
        assert!(only_repeats.findings.is_empty(), "nothing new to route");
        let queued: Vec<(String, u64)> = store
            .lease_routings(0, 1, 10)
            .unwrap()
            .into_iter()
            .map(|routing| {
                let body: serde_json::Value = serde_json::from_str(&routing.body).unwrap();
                (
                    routing.finding_id,
                    body["service"]["count"].as_u64().unwrap(),
                )
            })
            .collect();
        let id = merged.id.clone();
        assert_eq!(
            queued,
            [(id.clone(), 2), (id, 3)],
            "one entry per window that touched it"
        );
    }

    fn an_input_committed_meanwhile_is_flagged_and_kept(db: &TestDb) {
        let mut store = db.open();
        let state_keys = keys(&["session|a"]);
        let inputs = [stamp("/logs/a.json.gz"), stamp("/logs/b.json.gz")];
        store.commit_run(&[], [], &inputs[1..]).unwrap();
        let mut seen = Vec::new();
        store
            .commit_window(
                Window {
                    state_keys: &state_keys,
                    inputs: &inputs,
                },
                |stored, processed| {
                    assert_eq!(stored, []);
                    seen = processed.to_vec();
                    Ok::<_, Infallible>(Detected {
                        state: vec![("session|a".into(), "{\"bound\":[]}".into())],
                        occurrences: Vec::new(),
                    })
                },
            )
            .unwrap();
        assert_eq!(seen, [false, true]);
        assert!(store.is_processed(&inputs[0]).unwrap());
        assert_eq!(
            store.state_entries().unwrap(),
            [("session|a".to_owned(), "{\"bound\":[]}".to_owned())]
        );
    }

    #[derive(Debug, thiserror::Error)]
    #[error("corrupt state")]
    struct Corrupt;

    /// A detection that writes a state entry it did not name, or that fails, commits nothing.
    fn a_failed_or_overreaching_detection_commits_nothing(db: &TestDb) {
        let mut store = db.open();
        let state_keys = keys(&["session|a"]);
        let unlocked = store
            .commit_window(
                Window {
                    state_keys: &state_keys,
                    inputs: &[],
                },
                |_, _| {
                    Ok::<_, Infallible>(Detected {
                        state: vec![("session|b".into(), "{}".into())],
                        occurrences: vec![occurrence("198.51.100.7", 1_000, "e1")],
                    })
                },
            )
            .unwrap_err();
        assert_eq!(
            unlocked.to_string(),
            "detection wrote the state entry `session|b`, which the window did not lock"
        );
        assert_eq!(store.state_entries().unwrap(), []);
        assert_eq!(store.pending_routings().unwrap(), 0);
        drop(store);

        let mut store = db.open();
        let state_keys = keys(&["session|a"]);
        let inputs = [stamp("/logs/a.json.gz")];
        let error = store
            .commit_window(
                Window {
                    state_keys: &state_keys,
                    inputs: &inputs,
                },
                |_, _| Err::<Detected, _>(Corrupt),
            )
            .unwrap_err();
        assert!(matches!(error, StoreError::Detection(_)));
        assert_eq!(error.to_string(), "detection failed: corrupt state");
        assert!(!store.is_processed(&inputs[0]).unwrap());
        assert_eq!(store.pending_routings().unwrap(), 0);
    }

    /// Two workers each commit 40 windows on the same session at the same moments. Each
    /// window reads the session's counter and writes it plus one, and raises one occurrence
    /// of a shared finding with an event of its own: no increment and no occurrence is lost.
    fn racing_workers_lose_no_update(db: &TestDb) {
        const ROUNDS: i64 = 40;
        let state_keys = keys(&["session|shared"]);
        race(db, |worker, store, start| {
            for round in 0..ROUNDS {
                start.wait();
                let window = Window {
                    state_keys: &state_keys,
                    inputs: &[],
                };
                store
                    .commit_window(window, |stored, _| {
                        let counter: i64 = stored.first().map_or(0, |(_, v)| v.parse().unwrap());
                        Ok::<_, Infallible>(Detected {
                            state: vec![("session|shared".into(), (counter + 1).to_string())],
                            occurrences: vec![occurrence(
                                "198.51.100.7",
                                round,
                                &format!("{worker}-{round}"),
                            )],
                        })
                    })
                    .unwrap();
            }
        });
        let store = db.open();
        assert_eq!(
            store.state_entries().unwrap(),
            [("session|shared".to_owned(), (2 * ROUNDS).to_string())]
        );
        assert_eq!(count(&store), [2 * ROUNDS as u64]);
        assert_eq!(store.pending_routings().unwrap(), 2 * ROUNDS as u64);
    }
}
