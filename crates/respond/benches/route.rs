//! `Router::route` on the workshop finding: the workshop's 4 rules (imported from its
//! CloudFormation template) and 1,000 rules (the 4 plus 996 that do not match it).
//!
//! Baseline in the same run: parsing the finding's JSON text, the least any router must do.
//! After criterion's groups, a latency distribution (median, p99) over 1,000 distinct
//! findings routed with the SQLite routing log, the path `serve` takes.
#![expect(clippy::print_stderr, reason = "the benchmark reports on stderr")]

use std::convert::Infallible;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::Criterion;
use respond::config::RoutingConfig;
use respond::router::{Outcome, Router, RoutingLog};
use serde_json::{Value, json};

const TEMPLATE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../trailguard/tests/fixtures/workshop-template.yml"
));

/// A routing log that never remembers, so every call routes in full.
struct Forgetful;

impl RoutingLog for Forgetful {
    type Error = Infallible;

    fn claim_routing(&mut self, _: &str, _: i64, _: i64) -> Result<Option<i64>, Infallible> {
        Ok(None)
    }
}

/// A hunt-like OutsideAWS finding (about 2 KB of JSON).
fn finding(id: &str) -> Value {
    json!({
        "schemaVersion": "2.0", "accountId": "123456789012", "region": "us-east-1", "partition": "aws",
        "id": id, "arn": format!("arn:aws:guardduty:us-east-1:123456789012:detector/c35d0f2730b75ca969629f578a74a0b3/finding/{id}"),
        "type": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        "resource": {"resourceType": "AccessKey",
            "accessKeyDetails": {"accessKeyId": "ASIAZ2HQD5A2LVFVE6RV", "principalId": "AROAY5EK6UB27OKMKKPDZ:i-0c6ccf4f60832e825",
                "userName": "GuardDuty-Example-EC2-Compromised", "userType": "AssumedRole"},
            "instanceDetails": {"instanceId": "i-0c6ccf4f60832e825"}},
        "service": {"serviceName": "guardduty", "detectorId": "c35d0f2730b75ca969629f578a74a0b3",
            "action": {"actionType": "AWS_API_CALL", "awsApiCallAction": {"api": "DeleteParameter",
                "serviceName": "ssm.amazonaws.com", "callerType": "Remote IP",
                "userAgent": "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/ssm.delete-parameter",
                "remoteIpDetails": {"ipAddressV4": "198.51.100.214", "organization": {}, "country": {}, "city": {}, "geoLocation": {}},
                "affectedResources": {}}},
            "evidence": null, "archived": false, "count": 12,
            "eventFirstSeen": "2024-03-12T09:14:03.000Z", "eventLastSeen": "2024-03-12T09:31:44.000Z",
            "resourceRole": "TARGET",
            "additionalInfo": {"apiCalls": [{"name": "ListTables", "count": 4, "firstSeen": 1_710_234_843, "lastSeen": 1_710_235_904},
                {"name": "DeleteParameter", "count": 8, "firstSeen": 1_710_234_901, "lastSeen": 1_710_235_904}],
                "value": "{}", "type": "default"}},
        "severity": 8, "createdAt": "2024-03-12T09:14:03.000Z", "updatedAt": "2024-03-12T09:31:44.000Z",
        "title": "Credentials for instance role GuardDuty-Example-EC2-Compromised used from external IP address.",
        "description": "Credentials created exclusively for an EC2 instance using instance role GuardDuty-Example-EC2-Compromised have been used from external IP address 198.51.100.214."
    })
}

/// The workshop's rules, imported, plus `extra` rules that do not match the finding.
fn router(extra: usize) -> Router {
    let mut text = respond::cloudformation::import(TEMPLATE)
        .map(|import| import.to_toml())
        .unwrap_or_default();
    for i in 0..extra {
        text.push_str(&format!(
            r#"
[[rule]]
name = "rule-{i}"
pattern = '{{"source":["aws.guardduty"],"detail":{{"type":[{{"prefix":"Custom:Type{i}/"}}],"resource":{{"accessKeyDetails":{{"userName":["role-{i}"]}}}}}}}}'
  [[rule.target]]
  type = "sns"
  topic_arn = "arn:aws:sns:us-east-1:123456789012:topic-{i}"
  input_transformer = {{ input_paths_map = {{ gdid = "$.detail.id" }}, input_template = '"Finding <gdid> for rule {i}"' }}
"#
        ));
    }
    let config: Result<RoutingConfig, _> = toml::from_str(&text);
    match config.map(|c| Router::from_config(&c, Path::new("."))) {
        Ok(Ok(router)) => router,
        other => {
            eprintln!("benchmark configuration is invalid: {other:?}");
            std::process::exit(2);
        }
    }
}

fn dispatches(outcome: &Outcome<'_>) -> usize {
    match outcome {
        Outcome::Routed(routed) => routed.dispatches.len(),
        _ => 0,
    }
}

fn benches(c: &mut Criterion) {
    let event = finding("8a71215852e2ac88bd0e2aa76cf053fb");
    let text = event.to_string();
    let mut group = c.benchmark_group("route");
    group.bench_function("baseline: parse the finding JSON", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(&text)).map(|v| v.is_object()))
    });
    for rules in [0, 996] {
        let router = router(rules);
        let label = format!("{} rules", router.rules().len());
        group.bench_function(label, |b| {
            b.iter(|| {
                router
                    .route(black_box(&event), &mut Forgetful)
                    .map(|o| dispatches(&o))
            })
        });
    }
    group.finish();
}

/// Median and p99 of one routing (with the SQLite routing log), over 1,000 distinct findings.
fn latency_report() {
    for extra in [0, 996] {
        let router = router(extra);
        let Ok(mut store) = store::Store::in_memory() else {
            return;
        };
        let findings: Vec<Value> = (0..1_000).map(|i| finding(&format!("{i:032x}"))).collect();
        let mut times: Vec<Duration> = Vec::with_capacity(findings.len());
        let mut routed = 0;
        for finding in &findings {
            let start = Instant::now();
            let outcome = router.route(finding, &mut store);
            times.push(start.elapsed());
            routed += outcome.map(|o| dispatches(&o)).unwrap_or(0);
        }
        times.sort_unstable();
        let at = |q: usize| {
            times
                .get(times.len() * q / 100)
                .copied()
                .unwrap_or_default()
        };
        eprintln!(
            "route with SQLite log, {} rules, 1000 findings: median {:?}, p99 {:?}, max {:?} ({routed} dispatches)",
            router.rules().len(),
            at(50),
            at(99),
            times.last().copied().unwrap_or_default()
        );
    }
}

fn main() {
    latency_report();
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
}
