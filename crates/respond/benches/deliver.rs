//! Delivery overhead of `respond::targets`: what the runner (job set-up, error handling,
//! threads for several targets) adds to the I/O a target must do anyway.
//!
//! Baseline in the same run: appending the same JSON Lines record with `fs_err` directly,
//! the least a `file` target must do. Then one `file` target through `Deliverer::deliver`,
//! one `email` target writing an `.eml` to the outbox, and four `file` targets of one dispatch
//! delivered concurrently by `Deliverer::deliver_all`.
#![expect(clippy::panic, reason = "a benchmark with a broken set-up must stop")]

use std::hint::black_box;
use std::io::Write;
use std::path::Path;

use criterion::Criterion;
use respond::config::{Target, TargetConfig};
use respond::targets::{Deliverer, EmailSettings, Job};

const INPUT: &str = "\"GuardDuty Finding | ID:5ab8ac19e7d7c4a9b1c2d3e4f5a6b7c8: An EC2 instance IAM credentials (Role: GuardDuty-Example-EC2-Compromised) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\"";

fn target(toml_text: &str) -> Target {
    let config: TargetConfig = toml::from_str(toml_text).unwrap_or_default();
    config
        .build(1, Path::new("/"))
        .unwrap_or_else(|problems| panic!("{problems:?}"))
}

fn file_target(dir: &Path, name: &str) -> Target {
    target(&format!(
        "type = \"file\"\nid = \"{name}\"\npath = \"{}\"",
        dir.join(format!("{name}.jsonl")).display()
    ))
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let deliverer = Deliverer::new(EmailSettings {
        outbox_dir: dir.path().join("outbox"),
        ..EmailSettings::default()
    });
    let baseline_path = dir.path().join("baseline.jsonl");
    let line = format!("{INPUT}\n");
    let one = file_target(dir.path(), "one");
    let email = target("type = \"email\"\nto = [\"secops@example.com\"]");
    let four: Vec<Target> = ["a", "b", "c", "d"]
        .iter()
        .map(|name| file_target(dir.path(), name))
        .collect();
    let jobs: Vec<Job<'_>> = four
        .iter()
        .map(|target| Job {
            rule: "r",
            target,
            input: INPUT,
        })
        .collect();

    let mut group = c.benchmark_group("deliver");
    group.bench_function("baseline: append the record with fs_err", |b| {
        b.iter(|| {
            let mut file = fs_err::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&baseline_path)
                .unwrap_or_else(|e| panic!("{e}"));
            file.write_all(black_box(line.as_bytes()))
                .unwrap_or_else(|e| panic!("{e}"));
        });
    });
    group.bench_function("file target", |b| {
        b.iter(|| {
            black_box(deliverer.deliver(&Job {
                rule: "r",
                target: &one,
                input: black_box(INPUT),
            }))
        });
    });
    group.bench_function("email target to the outbox", |b| {
        b.iter(|| {
            black_box(deliverer.deliver(&Job {
                rule: "r",
                target: &email,
                input: black_box(INPUT),
            }))
        });
    });
    group.bench_function("4 file targets concurrently", |b| {
        b.iter(|| black_box(deliverer.deliver_all(&jobs)));
    });
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
}
