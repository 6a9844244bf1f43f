//! Test databases on both backends: a fresh SQLite file, or a fresh PostgreSQL database on the
//! server named by `TRAILGUARD_POSTGRES_URL` (`scripts/test.sh` starts one), dropped after the
//! test. [`on_both_backends!`] turns test bodies taking a [`TestDb`] into one test per backend.

use std::sync::Barrier;

use findings::{AccessKeyDetails, AggregationKey, Call, FindingKind, Occurrence};

use crate::Store;

/// An OutsideAWS occurrence of role `R` on `i-12345678` from `source`, at `time_ms`, by the
/// CloudTrail event `event_id`.
pub(crate) fn occurrence(source: &str, time_ms: i64, event_id: &str) -> Occurrence {
    Occurrence {
        key: AggregationKey {
            account: "123456789012".into(),
            kind: FindingKind::InstanceCredentialExfiltrationOutsideAws,
            principal: "arn:aws:iam::123456789012:role/R".into(),
            instance: "i-12345678".into(),
            source: source.into(),
        },
        severity: 8.0,
        region: "us-west-2".into(),
        partition: "aws".into(),
        access_key: AccessKeyDetails {
            access_key_id: "ASIA1".into(),
            principal_id: "AROA1:i-12345678".into(),
            user_name: "R".into(),
            user_type: "AssumedRole".into(),
        },
        instance: None,
        call: Call {
            time_ms,
            event_id: event_id.into(),
            api: "ListTables".into(),
            service_name: "dynamodb.amazonaws.com".into(),
            user_agent: None,
            error_code: None,
        },
        remote_ip: None,
        remote_account: None,
        extra: Vec::new(),
    }
}

#[path = "../tests/support/scratch_postgres.rs"]
mod scratch_postgres;

use scratch_postgres::ScratchDb;

/// A database only this test uses.
pub(crate) struct TestDb {
    /// What [`Store::open_url`] takes.
    pub(crate) url: String,
    cleanup: Cleanup,
}

/// What is removed when the test is done (by its `Drop`).
enum Cleanup {
    Sqlite(
        #[expect(dead_code, reason = "held for its Drop: removes the directory")] tempfile::TempDir,
    ),
    Postgres(#[expect(dead_code, reason = "held for its Drop: drops the database")] ScratchDb),
}

impl TestDb {
    /// A new SQLite file in a temporary directory.
    pub(crate) fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("state.db").display());
        Self {
            url,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A new, empty PostgreSQL database; `None` (the test is skipped, and says so) when no
    /// server is configured, except under `CI=true`, where that fails the test.
    pub(crate) fn postgres() -> Option<Self> {
        Self::postgres_with("")
    }

    /// [`TestDb::postgres`], created with these `CREATE DATABASE` options.
    pub(crate) fn postgres_with(options: &str) -> Option<Self> {
        let db = ScratchDb::create("tg_test", options)?;
        Some(Self {
            url: db.url.clone(),
            cleanup: Cleanup::Postgres(db),
        })
    }

    /// Opens (and migrates) the database.
    pub(crate) fn open(&self) -> Store {
        Store::open_url(&self.url).unwrap()
    }

    /// True for PostgreSQL.
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres(_))
    }
}

/// Runs `work` on two workers at once, each on a thread of its own with a connection of its
/// own; `work` gets the worker's number (0 or 1), its store, and a barrier both wait on to
/// act at the same moment. Returns what each worker returned.
pub(crate) fn race<T: Send>(
    db: &TestDb,
    work: impl Fn(usize, &mut Store, &Barrier) -> T + Sync,
) -> [T; 2] {
    let start = Barrier::new(2);
    std::thread::scope(|scope| {
        [0, 1]
            .map(|worker| {
                let mut store = db.open();
                let (start, work) = (&start, &work);
                scope.spawn(move || work(worker, &mut store, start))
            })
            .map(|running| running.join().unwrap())
    })
}

/// For each named test body `fn name(db: &TestDb)` of the enclosing module, a test
/// `sqlite::name` and a test `postgres::name`.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(&$crate::testing::TestDb::sqlite());
                }
            )+
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(db) = $crate::testing::TestDb::postgres() {
                        super::$name(&db);
                    }
                }
            )+
        }
    };
}
pub(crate) use on_both_backends;
