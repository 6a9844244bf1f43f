//! The store on both backends, in the same run: `commit_run` of 100 findings (the demo's
//! workshop finding, `data/demo-account/finding.json`, under 100 ids, upserted again on each iteration, plus one state entry and one
//! input), and `claim` of a new key (an insert) and of a claimed one (the common case: a
//! read). SQLite (a file, WAL, `synchronous = NORMAL`) is the baseline; PostgreSQL runs when
//! `TRAILGUARD_POSTGRES_URL` names a server (`scripts/test.sh` shows how to start one), in a
//! database of its own, dropped at the end.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: a failure ends the run"
)]
#![expect(clippy::print_stderr, reason = "the benchmark says what it skips")]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use findings::Finding;
use store::{InputStamp, Store};

const FINDING: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/demo-account/finding.json"
));

/// The workshop finding of the demo, under 100 distinct ids.
fn hundred_findings() -> Vec<Finding> {
    let finding: Finding = serde_json::from_str(FINDING).unwrap();
    (0..100)
        .map(|i| Finding {
            id: format!("{}{i:03}", finding.id),
            ..finding.clone()
        })
        .collect()
}

/// A PostgreSQL database for this run, dropped at the end.
struct BenchDb {
    admin_url: String,
    name: String,
}

impl BenchDb {
    fn create() -> Option<Self> {
        let Ok(admin_url) = std::env::var("TRAILGUARD_POSTGRES_URL") else {
            eprintln!("postgres skipped: TRAILGUARD_POSTGRES_URL is not set");
            return None;
        };
        let name = format!("tg_bench_{}", std::process::id());
        postgres::Client::connect(&admin_url, postgres::NoTls)
            .unwrap()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        Some(Self { admin_url, name })
    }

    /// The server URL has the form `postgres://USER@HOST:PORT/DB`: swap the database.
    fn url(&self) -> String {
        let (server, _) = self.admin_url.rsplit_once('/').unwrap();
        format!("{server}/{}", self.name)
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
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

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let postgres = BenchDb::create();
    let mut stores = vec![("sqlite", Store::open(&dir.path().join("bench.db")).unwrap())];
    if let Some(db) = &postgres {
        stores.push(("postgres", Store::open_url(&db.url()).unwrap()));
    }
    let findings = hundred_findings();
    let state = [("session|bench".to_owned(), "{}".to_owned())];
    let inputs = [InputStamp {
        path: "/logs/bench.json.gz".into(),
        size: 1_000,
        modified_ms: 1,
    }];

    let mut group = c.benchmark_group("commit_run_100_findings");
    for (backend, store) in &mut stores {
        group.bench_function(BenchmarkId::from_parameter(*backend), |b| {
            b.iter(|| store.commit_run(&state, &findings, &inputs).unwrap());
        });
    }
    group.finish();

    let mut group = c.benchmark_group("claim");
    for (backend, store) in &mut stores {
        let mut next = 0_u64;
        group.bench_function(BenchmarkId::new("new_key", *backend), |b| {
            b.iter(|| {
                next += 1;
                black_box(store.claim(&format!("new|{next}"), "198.51.100.7").unwrap())
            });
        });
        store.claim("held", "198.51.100.7").unwrap();
        group.bench_function(BenchmarkId::new("claimed_key", *backend), |b| {
            b.iter(|| black_box(store.claim("held", "203.0.113.9").unwrap()));
        });
    }
    group.finish();
    drop(stores);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
