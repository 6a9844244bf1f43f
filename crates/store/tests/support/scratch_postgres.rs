//! A scratch PostgreSQL database for tests and benchmarks: created on the server named by
//! `TRAILGUARD_POSTGRES_URL` (`scripts/test.sh` starts one) and dropped when done. Shared by
//! path (`#[path]`) between the store's tests and benchmark and trailguard's tests.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable naming the server: `postgres://USER@HOST:PORT/DB` of a user
/// allowed to create databases.
pub const POSTGRES_ENV: &str = "TRAILGUARD_POSTGRES_URL";

/// A database only its creator uses, dropped (with its connections) when this is dropped.
pub struct ScratchDb {
    /// What `Store::open_url` takes.
    pub url: String,
    admin_url: String,
    name: String,
}

impl ScratchDb {
    /// A new database `{prefix}_{pid}_{n}_{nanos}`, created with these `CREATE DATABASE`
    /// options. `None` when no server is configured (the caller is skipped, and says so),
    /// except under `CI=true`, where that panics.
    pub fn create(prefix: &str, options: &str) -> Option<Self> {
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
            "{prefix}_{}_{}_{nanos}",
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
            admin_url,
            name,
        })
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        // `FORCE` ends connections still open (a store its user still holds).
        let dropped =
            postgres::Client::connect(&self.admin_url, postgres::NoTls).and_then(|mut admin| {
                admin.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
            });
        if let Err(error) = dropped {
            eprintln!("could not drop {}: {error}", self.name);
        }
    }
}

fn admin(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}
