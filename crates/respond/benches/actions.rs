//! `actions::plan` on the workshop finding against the bundled demo account: the time from a
//! routed finding to the remediation's first API call being known (dry-run plan).
//!
//! Baseline in the same run: parsing the finding's JSON text. After criterion's groups, a
//! latency distribution (median, p99) over 1,000 distinct findings.
#![expect(clippy::print_stderr, reason = "the benchmark reports on stderr")]
#![expect(clippy::expect_used, reason = "benchmark setup")]

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::Criterion;
use respond::account::SnapshotAccount;
use respond::actions::{FixedClock, Params, plan};
use respond::config::ActionName;
use serde_json::Value;

const NOW_MS: i64 = 1_778_602_800_000;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo-account");
    let account = SnapshotAccount::load(&dir).expect("demo account");
    let text = fs_err::read_to_string(dir.join("finding.json")).expect("finding");
    let finding: Value = serde_json::from_str(&text).expect("json");
    let params = Params::default();
    let clock = FixedClock(NOW_MS);

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("actions");
    group.bench_function("baseline_parse_finding", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(&text)).expect("json"));
    });
    for action in [ActionName::RevokeRoleSessions, ActionName::IsolateInstance] {
        group.bench_function(format!("plan_{action}"), |b| {
            b.iter(|| plan(action, black_box(&finding), &params, &account, &clock).expect("plan"));
        });
    }
    group.finish();
    c.final_summary();

    let mut samples: Vec<u128> = (0..1_000)
        .map(|i| {
            let mut f = finding.clone();
            f["id"] = Value::String(format!("{i:032x}"));
            let start = Instant::now();
            let p = plan(
                ActionName::RevokeRoleSessions,
                &f,
                &params,
                &account,
                &clock,
            )
            .expect("plan");
            black_box(p.calls.first());
            start.elapsed().as_nanos()
        })
        .collect();
    samples.sort_unstable();
    let at = |q: usize| samples[(samples.len() * q / 100).min(samples.len() - 1)];
    eprintln!(
        "revoke-role-sessions plan over 1,000 findings: median {} µs, p99 {} µs",
        at(50) / 1_000,
        at(99) / 1_000
    );
}
