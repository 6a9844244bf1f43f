//! The [`Store`] type, how it is opened, and the data of a run: detector state, findings and
//! processed-input checkpoints.

use std::path::Path;
use std::time::Duration;

use findings::Finding;

use crate::backend::Backend;
use crate::err::StoreError;
use crate::filter::FindingFilter;
use crate::ingested;
use crate::locks::lock;
use crate::schema::migrate;
use crate::url::{is_postgres_url, postgres_config, redact};

/// Identity of an input file, to skip files a previous run already processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputStamp {
    /// Canonical path.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, milliseconds since the epoch.
    pub modified_ms: i64,
}

/// A trailguard database: an SQLite file or a PostgreSQL database.
#[derive(Debug)]
pub struct Store {
    pub(crate) backend: Backend,
}

impl Store {
    /// Opens (creating if needed) the SQLite database file and migrates it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::prepare_sqlite(rusqlite::Connection::open(path)?)
    }

    /// Opens a store by URL and migrates it: `postgres://USER@HOST:PORT/DB` (or
    /// `postgresql://`) for PostgreSQL, `sqlite://PATH` or a bare path for SQLite.
    pub fn open_url(url: &str) -> Result<Self, StoreError> {
        if is_postgres_url(url) {
            let config = postgres_config(url)?;
            let client = config.connect(postgres::NoTls)?;
            return Self::prepared(Backend::postgres(client, config));
        }
        if url.contains("://") && !url.starts_with("sqlite://") {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        }
        Self::open(Path::new(url.trim_start_matches("sqlite://")))
    }

    /// A private in-memory SQLite database (tests, one-shot runs without `--state`).
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::prepare_sqlite(rusqlite::Connection::open_in_memory()?)
    }

    fn prepare_sqlite(conn: rusqlite::Connection) -> Result<Self, StoreError> {
        // First, so that even switching to WAL waits for another process opening the file.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        switch_to_wal(&conn)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Self::prepared(Backend::Sqlite(conn))
    }

    fn prepared(backend: Backend) -> Result<Self, StoreError> {
        migrate(&backend)?;
        Ok(Self { backend })
    }

    /// Every detector state entry as (key, JSON).
    pub fn state_entries(&self) -> Result<Vec<(String, String)>, StoreError> {
        self.backend.query(
            "SELECT key, value FROM detector_state ORDER BY key",
            &[],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
    }

    /// The findings that pass the filter, most severe first, then most recent first.
    pub fn findings(&self, filter: &FindingFilter) -> Result<Vec<Finding>, StoreError> {
        let all = self.backend.query(
            "SELECT id, body FROM findings ORDER BY severity DESC, last_seen DESC, id",
            &[],
            |row| decode(&row.get::<String>(0)?, &row.get::<String>(1)?),
        )?;
        Ok(all.into_iter().filter(|f| filter.accepts(f)).collect())
    }

    /// One finding by id.
    pub fn finding(&self, id: &str) -> Result<Option<Finding>, StoreError> {
        find(&self.backend, id)
    }

    /// Archives or unarchives a finding, trailguard's own or an ingested one; `false` when
    /// there is no such finding.
    pub fn set_archived(&mut self, id: &str, archived: bool) -> Result<bool, StoreError> {
        self.backend.transaction(|db| {
            // The lock a window merging into this finding takes: no update is lost.
            lock(db, &[format!("finding|{id}")])?;
            let Some(mut finding) = find(db, id)? else {
                return ingested::set_archived(db, id, archived);
            };
            finding.service.archived = archived;
            upsert_finding(db, &finding)?;
            Ok(true)
        })
    }

    /// True when this exact input (path, size, mtime) was processed by an earlier run.
    pub fn is_processed(&self, stamp: &InputStamp) -> Result<bool, StoreError> {
        is_processed(&self.backend, stamp)
    }

    /// Saves a run's state entries, findings and processed inputs in one transaction.
    pub fn commit_run<'a>(
        &mut self,
        state: &[(String, String)],
        findings: impl IntoIterator<Item = &'a Finding>,
        inputs: &[InputStamp],
    ) -> Result<(), StoreError> {
        self.backend.transaction(|db| {
            for (key, value) in state {
                db.execute(
                    "INSERT INTO detector_state (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    &[key, value],
                )?;
            }
            for finding in findings {
                upsert_finding(db, finding)?;
            }
            for input in inputs {
                insert_input(db, input)?;
            }
            Ok(())
        })
    }
}

/// How long SQLite waits for another connection's lock before it reports the database busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Turns on write-ahead logging. SQLite reports busy at once, without waiting, when another
/// connection holds the file while the mode changes (processes opening a new database
/// together), so the switch is retried, for as long as a busy lock would be waited for.
fn switch_to_wal(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(error, _))
                if error.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            outcome => return Ok(outcome?),
        }
    }
}

/// The size as the signed 64-bit integer both databases store (no file reaches 2^63 bytes;
/// one that did would be stored as the largest value, never wrapped to a negative one).
fn stored_size(stamp: &InputStamp) -> i64 {
    i64::try_from(stamp.size).unwrap_or(i64::MAX)
}

pub(crate) fn is_processed(db: &Backend, stamp: &InputStamp) -> Result<bool, StoreError> {
    db.query_one(
        "SELECT EXISTS (SELECT 1 FROM processed_inputs
             WHERE path = ?1 AND size = ?2 AND modified_ms = ?3)",
        &[&stamp.path, &stored_size(stamp), &stamp.modified_ms],
        |row| row.get(0),
    )
}

/// Records an input as processed (replacing an earlier version of the same path).
pub(crate) fn insert_input(db: &Backend, input: &InputStamp) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO processed_inputs (path, size, modified_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT (path) DO UPDATE SET size = excluded.size,
             modified_ms = excluded.modified_ms",
        &[&input.path, &stored_size(input), &input.modified_ms],
    )?;
    Ok(())
}

fn find(db: &Backend, id: &str) -> Result<Option<Finding>, StoreError> {
    let body: Option<String> =
        db.query_opt("SELECT body FROM findings WHERE id = ?1", &[&id], |row| {
            row.get(0)
        })?;
    body.map(|body| decode(id, &body)).transpose()
}

pub(crate) fn decode(id: &str, body: &str) -> Result<Finding, StoreError> {
    serde_json::from_str(body).map_err(|error| StoreError::CorruptFinding {
        id: id.to_owned(),
        error,
    })
}

/// Writes a finding; returns the JSON body stored.
pub(crate) fn upsert_finding(db: &Backend, finding: &Finding) -> Result<String, StoreError> {
    let body = serde_json::to_string(finding).map_err(|error| StoreError::CorruptFinding {
        id: finding.id.clone(),
        error,
    })?;
    db.execute(
        "INSERT INTO findings (id, type, severity, account, region, archived, first_seen, last_seen, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET type = excluded.type, severity = excluded.severity,
           account = excluded.account, region = excluded.region, archived = excluded.archived,
           first_seen = excluded.first_seen, last_seen = excluded.last_seen, body = excluded.body",
        &[
            &finding.id,
            &finding.finding_type,
            &finding.severity,
            &finding.account_id,
            &finding.region,
            &finding.service.archived,
            &finding.service.event_first_seen,
            &finding.service.event_last_seen,
            &body,
        ],
    )?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestDb, occurrence, on_both_backends};
    use findings::{FindingBook, Occurrence};

    fn finding(source: &str, time_ms: i64, severity: f64) -> Finding {
        let mut book = FindingBook::new();
        book.record(Occurrence {
            severity,
            ..occurrence(source, time_ms, "e")
        });
        book.findings().next().unwrap().clone()
    }

    on_both_backends!(
        state_findings_and_inputs_survive_reopening,
        commit_run_replaces_and_adds,
        a_failed_commit_run_leaves_nothing
    );

    fn state_findings_and_inputs_survive_reopening(db: &TestDb) {
        let high = finding("198.51.100.7", 1_000_000, 8.0);
        let medium = finding("203.0.113.9", 2_000_000, 5.0);
        let stamp = InputStamp {
            path: "/logs/a.json.gz".into(),
            size: 10,
            modified_ms: 99,
        };
        {
            let mut store = db.open();
            let state = [("session|a|b|c".to_owned(), "{}".to_owned())];
            store
                .commit_run(&state, [&high, &medium], std::slice::from_ref(&stamp))
                .unwrap();
        }
        let mut store = db.open();
        assert_eq!(
            store.state_entries().unwrap(),
            [("session|a|b|c".to_owned(), "{}".to_owned())]
        );
        let all = store.findings(&FindingFilter::default()).unwrap();
        assert_eq!(all, [high.clone(), medium.clone()], "most severe first");
        assert!(store.is_processed(&stamp).unwrap());
        assert!(
            !store
                .is_processed(&InputStamp {
                    size: 11,
                    ..stamp.clone()
                })
                .unwrap()
        );

        assert!(store.set_archived(&high.id, true).unwrap());
        assert!(!store.set_archived("nope", true).unwrap());
        let active = FindingFilter {
            archived: Some(false),
            ..FindingFilter::default()
        };
        assert_eq!(
            store.findings(&active).unwrap(),
            std::slice::from_ref(&medium)
        );
        assert!(store.finding(&high.id).unwrap().unwrap().service.archived);

        let high_only = FindingFilter {
            min_severity: Some(7.0),
            ..FindingFilter::default()
        };
        assert_eq!(store.findings(&high_only).unwrap().len(), 1);
        let recent = FindingFilter {
            since: Some("1970-01-01T00:25:00Z".into()),
            ..FindingFilter::default()
        };
        assert_eq!(store.findings(&recent).unwrap(), [medium]);
    }

    fn commit_run_replaces_and_adds(db: &TestDb) {
        let mut store = db.open();
        let first = finding("198.51.100.7", 1_000_000, 5.0);
        let stamp = InputStamp {
            path: "/logs/a.json.gz".into(),
            size: 10,
            modified_ms: 99,
        };
        let state = |value: &str| [("k".to_owned(), value.to_owned())];
        store
            .commit_run(&state("1"), [&first], std::slice::from_ref(&stamp))
            .unwrap();
        let mut again = first.clone();
        again.severity = 8.0;
        let other = finding("203.0.113.9", 2_000_000, 2.0);
        let grown = InputStamp {
            size: 20,
            ..stamp.clone()
        };
        store
            .commit_run(&state("2"), [&again, &other], std::slice::from_ref(&grown))
            .unwrap();
        assert_eq!(store.state_entries().unwrap(), state("2"));
        assert_eq!(
            store.findings(&FindingFilter::default()).unwrap(),
            [again, other]
        );
        assert!(store.is_processed(&grown).unwrap());
        assert!(
            !store.is_processed(&stamp).unwrap(),
            "replaced by the new size"
        );
    }

    /// The inputs are written last; when that fails, the state and findings written before
    /// it in the same run are gone too.
    fn a_failed_commit_run_leaves_nothing(db: &TestDb) {
        let mut store = db.open();
        store.backend.batch("DROP TABLE processed_inputs").unwrap();
        let stamp = InputStamp {
            path: "/logs/a.json.gz".into(),
            size: 10,
            modified_ms: 99,
        };
        let state = [("k".to_owned(), "v".to_owned())];
        let high = finding("198.51.100.7", 1_000_000, 8.0);
        let error = store
            .commit_run(&state, [&high], std::slice::from_ref(&stamp))
            .unwrap_err();
        assert!(error.to_string().contains("processed_inputs"), "{error}");
        assert_eq!(store.state_entries().unwrap(), []);
        assert_eq!(store.findings(&FindingFilter::default()).unwrap(), []);
        store.commit_run(&state, [&high], &[]).unwrap();
        assert_eq!(
            store.state_entries().unwrap(),
            state,
            "usable after the rollback"
        );
    }

    /// State entries list in code point order, as SQLite's `BINARY` collation sorts, also on
    /// a PostgreSQL database whose locale sorts otherwise (English: `A a_b a|z aa b B`).
    fn keys_list_in_code_point_order(db: &TestDb) {
        let mut store = db.open();
        let state: Vec<(String, String)> = ["b", "B", "a|z", "a_b", "A", "aa"]
            .into_iter()
            .map(|key| (key.to_owned(), "{}".to_owned()))
            .collect();
        store.commit_run(&state, [], &[]).unwrap();
        let keys: Vec<String> = store
            .state_entries()
            .unwrap()
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        assert_eq!(keys, ["A", "B", "a_b", "aa", "a|z", "b"]);
    }

    #[test]
    fn keys_list_in_code_point_order_on_sqlite() {
        keys_list_in_code_point_order(&TestDb::sqlite());
    }

    #[test]
    fn keys_list_in_code_point_order_on_postgres_in_an_english_locale() {
        let english = "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'";
        if let Some(db) = TestDb::postgres_with(english) {
            keys_list_in_code_point_order(&db);
        }
    }

    #[test]
    fn opens_sqlite_by_bare_path_and_by_url() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.claim_routing("f1", 5, 0).unwrap(), None);
        drop(store);
        let by_url = Store::open_url(&format!("sqlite://{}", path.display())).unwrap();
        assert_eq!(by_url.last_routed("f1").unwrap(), Some(5));
        let by_path = Store::open_url(&path.display().to_string()).unwrap();
        assert_eq!(by_path.times_routed("f1").unwrap(), 1);
    }

    #[test]
    fn rejects_other_urls_without_showing_a_password() {
        let error = Store::open_url("mysql://tg:hunter2@localhost/db").unwrap_err();
        assert_eq!(
            error.to_string(),
            "unsupported store url `mysql://tg:***@localhost/db`: expected `sqlite://PATH`, `postgres://USER@HOST:PORT/DB` or a file path"
        );
    }

    #[test]
    fn an_unreachable_postgres_server_is_an_error() {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let error = Store::open_url("postgresql://tg@127.0.0.1:1/tg").unwrap_err();
        assert!(matches!(error, StoreError::Postgres(_)), "{error:?}");
        assert!(
            error.to_string().starts_with("postgresql error: "),
            "{error}"
        );
    }
}
