//! Evaluations per CPU second of one thread, for the typical role of `benches/evaluate.rs`.
//! On a shared, loaded machine criterion's wall-clock figures include time the thread spent
//! descheduled; this divides by the thread's own CPU time (`/proc/thread-self/stat`, Linux).
//!
//! `cargo run --release -p iam --example cpu_time`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "measurement tool"
)]

#[path = "../benches/support/typical_role.rs"]
#[allow(
    dead_code,
    reason = "the snapshot generator is used by the benchmark only"
)]
mod typical_role;

use iam::simulate::Simulation;
use serde_json::json;

/// User + system CPU seconds of this thread (fields 14 and 15 of `stat`, in clock ticks of 1/100 s).
fn thread_cpu_seconds() -> f64 {
    let stat = fs_err::read_to_string("/proc/thread-self/stat").unwrap();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

fn main() {
    let cases = [
        (
            "typical_role_allowed",
            "2021-03-08T13:00:00Z",
            "dynamodb:ListTables",
        ),
        (
            "typical_role_denied",
            "2021-03-08T12:00:00Z",
            "dynamodb:ListTables",
        ),
        (
            "typical_role_implicit_deny",
            "2021-03-08T13:00:00Z",
            "ec2:RunInstances",
        ),
    ];
    for (name, issued, action) in cases {
        let mut input = typical_role::simulation_json(issued);
        input["request"]["action"] = json!(action);
        let simulation = Simulation::from_json(input).unwrap();
        let n = 3_000_000u32;
        let (cpu0, wall0) = (thread_cpu_seconds(), std::time::Instant::now());
        let mut matched = 0usize;
        for _ in 0..n {
            matched += std::hint::black_box(simulation.run()).matched.len();
        }
        let (cpu, wall) = (thread_cpu_seconds() - cpu0, wall0.elapsed().as_secs_f64());
        println!(
            "{name}: {:.0} evaluations per CPU second, {:.0} per wall second ({} statements matched)",
            f64::from(n) / cpu,
            f64::from(n) / wall,
            matched / n as usize
        );
    }
}
