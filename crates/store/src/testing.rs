//! Test databases on both backends: a fresh SQLite file, or a fresh PostgreSQL database on the
//! server named by `TRAILGUARD_POSTGRES_URL` (`scripts/test.sh` starts one), dropped after the
//! test. [`on_both_backends!`] turns test bodies taking a [`TestDb`] into one test per backend.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::Store;

/// The environment variable naming the PostgreSQL server of the tests.
pub(crate) const POSTGRES_ENV: &str = "TRAILGUARD_POSTGRES_URL";

/// A database only this test uses.
pub(crate) struct TestDb {
    /// What [`Store::open_url`] takes.
    pub(crate) url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(
        #[expect(dead_code, reason = "held for its Drop: removes the directory")] tempfile::TempDir,
    ),
    /// The server's own database URL and the name of the one to drop.
    Postgres { admin_url: String, name: String },
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
        let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{POSTGRES_ENV} is not set: run the tests through scripts/test.sh, which starts PostgreSQL; CI=true forbids skipping"
            );
            eprintln!(
                "skipped: no PostgreSQL server ({POSTGRES_ENV} is not set; scripts/test.sh starts one)"
            );
            return None;
        };
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!(
            "tg_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        admin(&admin_url)
            .batch_execute(&format!("CREATE DATABASE {name} {options}"))
            .unwrap();
        // The server URL has the form `postgres://USER@HOST:PORT/DB`: swap the database.
        let (server, _) = admin_url.rsplit_once('/').unwrap();
        Some(Self {
            url: format!("{server}/{name}"),
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// Opens (and migrates) the database.
    pub(crate) fn open(&self) -> Store {
        Store::open_url(&self.url).unwrap()
    }

    /// True for PostgreSQL.
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres { .. })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            // `FORCE` ends connections a test left open (a store it still holds).
            let dropped = admin(admin_url)
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            if let Err(error) = dropped {
                eprintln!("could not drop test database {name}: {error}");
            }
        }
    }
}

fn admin(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
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
