//! Evaluations per second for a typical role (5 policies, 30 statements, conditions) and the
//! time to load a generated 5,000-role `get-account-authorization-details` snapshot. Each has
//! a baseline measured in the same run: `serde_json::from_str` of the same JSON.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmarks")]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iam::simulate::Simulation;
use iam::snapshot::Snapshot;
use serde_json::{Value, json};

#[path = "support/typical_role.rs"]
mod typical_role;

use typical_role::{generated_gaad, simulation_json};

fn evaluate(c: &mut Criterion) {
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(1));
    for (name, issued) in [
        ("typical_role_allowed", "2021-03-08T13:00:00Z"),
        ("typical_role_denied", "2021-03-08T12:00:00Z"),
    ] {
        let simulation = Simulation::from_json(simulation_json(issued)).unwrap();
        group.bench_function(name, |b| b.iter(|| black_box(simulation.run().decision)));
    }
    let mut other = simulation_json("2021-03-08T13:00:00Z");
    other["request"]["action"] = json!("ec2:RunInstances");
    let implicit = Simulation::from_json(other).unwrap();
    group.bench_function("typical_role_implicit_deny", |b| {
        b.iter(|| black_box(implicit.run().decision))
    });
    // Baseline: reading the same request as JSON, the floor of any evaluator that starts from
    // JSON each time.
    let text = simulation_json("2021-03-08T13:00:00Z").to_string();
    group.bench_function("baseline_serde_json_from_str_request", |b| {
        b.iter(|| black_box(serde_json::from_str::<Value>(&text).unwrap()))
    });
    group.finish();
}

fn snapshot(c: &mut Criterion) {
    let text = generated_gaad(5_000);
    let mut group = c.benchmark_group("snapshot_5000_roles");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("load", |b| {
        b.iter(|| black_box(Snapshot::parse(&text).unwrap()))
    });
    group.bench_function("baseline_serde_json_from_str", |b| {
        b.iter(|| black_box(serde_json::from_str::<Value>(&text).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, evaluate, snapshot);
criterion_main!(benches);
