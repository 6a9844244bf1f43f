//! `actions::plan` on the workshop finding against the bundled demo account: the time from a
//! routed finding to the remediation's first API call being known (dry-run plan).
//!
//! Baseline in the same run: parsing the finding's JSON text. After criterion's groups, two
//! latency distributions (median, p99) over 1,000 distinct findings: the plan alone, and the
//! whole path from the finding's JSON text entering the router (the workshop's rule with a
//! remediate target) to the remediation's first API call being known.
#![expect(clippy::print_stderr, reason = "the benchmark reports on stderr")]
#![expect(clippy::expect_used, clippy::panic, reason = "benchmark setup")]

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::Criterion;
use respond::account::SnapshotAccount;
use respond::actions::{FixedClock, Params, plan};
use respond::config::{ActionName, RoutingConfig, TargetKind};
use respond::router::{Outcome, Router};
use serde_json::Value;

/// The workshop's rule (prefix form) with its remediation as a dry-run target.
const RULES: &str = include_str!("../../../benches/workshop-dry-run-rule.toml");

/// Finding text → router → remediate dispatch → plan; returns the first API call's operation.
fn first_call(
    router: &Router,
    text: &str,
    account: &SnapshotAccount,
    clock: &FixedClock,
) -> String {
    let finding: Value = serde_json::from_str(text).expect("json");
    let mut log = std::collections::HashMap::<String, i64>::new();
    let Outcome::Routed(routed) = router.route(&finding, &mut log).expect("route") else {
        panic!("not routed");
    };
    let dispatch = routed.dispatches.first().expect("a dispatch");
    let TargetKind::Remediate(remediation) = &dispatch.target.kind else {
        panic!("not a remediation");
    };
    let plan = plan(
        remediation.action,
        &finding,
        &Params::default(),
        account,
        clock,
    )
    .expect("plan");
    plan.calls.first().expect("a call").operation.clone()
}

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
    let config: RoutingConfig = toml::from_str(RULES).expect("rules");
    let router = Router::from_config(&config, Path::new(".")).expect("router");
    group.bench_function("route_and_plan_from_text", |b| {
        b.iter(|| first_call(&router, black_box(&text), &account, &clock));
    });
    group.finish();
    c.final_summary();

    let mut end_to_end: Vec<u128> = (0..1_000)
        .map(|i| {
            let mut f = finding.clone();
            f["id"] = Value::String(format!("{i:032x}"));
            let text = f.to_string();
            let start = Instant::now();
            let operation = first_call(&router, &text, &account, &clock);
            let elapsed = start.elapsed().as_nanos();
            assert_eq!(operation, "PutRolePolicy");
            elapsed
        })
        .collect();
    end_to_end.sort_unstable();
    let quantile = |q: usize| end_to_end[(end_to_end.len() * q / 100).min(end_to_end.len() - 1)];
    eprintln!(
        "finding text → router → revoke-role-sessions plan, 1,000 findings: median {} µs, p99 {} µs",
        quantile(50) / 1_000,
        quantile(99) / 1_000
    );

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
