//! The store on both backends, in the same run:
//! - `commit_run` of 100 findings (the demo's workshop finding, `data/demo-account/finding.json`,
//!   under 100 ids, upserted again on each iteration, plus one state entry and one input);
//! - `commit_window` of a quiet window (100 sessions' state read under their locks, none
//!   changed, one input) and of an attack window (the same, plus 13 occurrences of one finding
//!   with new events: 13 claims, the finding merged and queued for routing).
//!
//! SQLite (a file, WAL, `synchronous = NORMAL`) is the baseline; PostgreSQL runs when
//! `TRAILGUARD_POSTGRES_URL` names a server (`scripts/test.sh` shows how to start one), in a
//! database of its own, dropped at the end.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: a failure ends the run"
)]
#![expect(clippy::print_stderr, reason = "the benchmark says what it skips")]

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use findings::{AccessKeyDetails, AggregationKey, Call, Finding, FindingKind, Occurrence};
use store::{Detected, InputStamp, Store, Window};

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

/// One call of the workshop's attacker, as the detector reports it.
fn attacker_call(event_id: String, time_ms: i64) -> Occurrence {
    Occurrence {
        key: AggregationKey {
            account: "123456789012".into(),
            kind: FindingKind::InstanceCredentialExfiltrationOutsideAws,
            principal: "arn:aws:iam::123456789012:role/GuardDuty-Example-EC2-Compromised".into(),
            instance: "i-0c6ccf4f60832e825".into(),
            source: "198.51.100.214".into(),
        },
        severity: 8.0,
        region: "us-west-2".into(),
        partition: "aws".into(),
        access_key: AccessKeyDetails {
            access_key_id: "ASIAZ2HQD5A2LVFVE6RV".into(),
            principal_id: "AROAY5EK6UB27OKMKKPDZ:i-0c6ccf4f60832e825".into(),
            user_name: "GuardDuty-Example-EC2-Compromised".into(),
            user_type: "AssumedRole".into(),
        },
        instance: None,
        call: Call {
            time_ms,
            event_id,
            api: "Scan".into(),
            service_name: "dynamodb.amazonaws.com".into(),
            user_agent: Some("aws-cli/2.15.30".into()),
            error_code: None,
        },
        remote_ip: None,
        remote_account: None,
        extra: Vec::new(),
    }
}

#[path = "../tests/support/scratch_postgres.rs"]
mod scratch_postgres;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let postgres = scratch_postgres::ScratchDb::create("tg_bench", "");
    let mut stores = vec![("sqlite", Store::open(&dir.path().join("bench.db")).unwrap())];
    if let Some(db) = &postgres {
        stores.push(("postgres", Store::open_url(&db.url).unwrap()));
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

    // 100 stored sessions, read by every window.
    let sessions: Vec<(String, String)> = (0..100)
        .map(|i| {
            (
                format!("session|123456789012|Role{i}|i-{i:017x}"),
                r#"{"bound":["54.1.2.3"],"ec2Issued":true}"#.to_owned(),
            )
        })
        .collect();
    let keys: BTreeSet<String> = sessions.iter().map(|(key, _)| key.clone()).collect();
    let window = Window {
        state_keys: &keys,
        inputs: &inputs,
    };
    let mut group = c.benchmark_group("commit_window_100_sessions");
    for (backend, store) in &mut stores {
        store.commit_run(&sessions, [], &[]).unwrap();
        group.bench_function(BenchmarkId::new("quiet", *backend), |b| {
            b.iter(|| {
                store
                    .commit_window(window, |stored, _| {
                        Ok::<_, Infallible>(Detected {
                            state: stored,
                            occurrences: Vec::new(),
                        })
                    })
                    .unwrap()
            });
        });
        let mut next_event = 0_u64;
        group.bench_function(BenchmarkId::new("attack_13_calls", *backend), |b| {
            b.iter(|| {
                let calls = (0..13)
                    .map(|_| {
                        next_event += 1;
                        attacker_call(format!("event-{next_event}"), 1_000 * next_event as i64)
                    })
                    .collect();
                store
                    .commit_window(window, |stored, _| {
                        Ok::<_, Infallible>(Detected {
                            state: stored,
                            occurrences: calls,
                        })
                    })
                    .unwrap()
            });
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
