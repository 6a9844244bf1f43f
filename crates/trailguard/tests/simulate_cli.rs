//! `trailguard simulate` end to end: the files it writes are byte for byte the library's, the
//! summary line is exact, bad arguments exit 2, and `hunt` over the workshop finds exactly the
//! workshop's one theft.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use cloudtrail::simulate::{self, Options, Scenario, Summary};
use serde_json::Value;

fn trailguard() -> Command {
    let mut command = Command::cargo_bin("trailguard").unwrap();
    command.env_remove("TRAILGUARD_LOG");
    command
}

/// Runs the binary; returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let output = trailguard().args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(at) = stack.pop() {
        for entry in fs_err::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = fs_err::read(&path).unwrap();
                out.insert(path.strip_prefix(dir).unwrap().to_owned(), bytes);
            }
        }
    }
    out
}

/// What the library writes for the same options, and its summary.
fn library(scenario: Scenario, seed: u64, start: Option<i64>) -> (tempfile::TempDir, Summary) {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        scenario,
        out: dir.path().to_owned(),
        seed,
        start,
    };
    let summary = simulate::simulate(&options).unwrap();
    (dir, summary)
}

fn summary_prefix(summary: &Summary, out: &Path) -> String {
    format!(
        "wrote {} files, {} events, {} bytes of JSON ({} bytes gzip) to {} in ",
        summary.files,
        summary.events,
        summary.json_bytes,
        summary.gzip_bytes,
        out.display()
    )
}

#[test]
fn workshop_writes_the_library_files_and_one_summary_line() {
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(&[
        "simulate",
        "workshop",
        "--out",
        out.path().to_str().unwrap(),
        "--seed",
        "7",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "");
    let (expected, summary) = library(Scenario::Workshop, 7, None);
    assert_eq!(files(out.path()), files(expected.path()));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&summary_prefix(&summary, out.path())),
        "{stderr}"
    );
    assert!(stderr.trim_end().ends_with(" MB/s)"), "{stderr}");
    let first = files(out.path()).into_keys().next().unwrap();
    assert!(
        first.starts_with("AWSLogs/123456789012/CloudTrail/"),
        "{}",
        first.display()
    );
}

#[test]
fn bulk_writes_exactly_the_requested_events_from_the_given_start() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&[
        "simulate",
        "bulk",
        "--out",
        out.path().to_str().unwrap(),
        "--events",
        "1500",
        "--seed",
        "3",
        "--start",
        "2030-01-02T03:04:05Z",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let start = simulate::parse_start("2030-01-02T03:04:05Z").unwrap();
    let (expected, summary) = library(Scenario::Bulk { events: 1_500 }, 3, Some(start));
    assert_eq!(summary.events, 1_500);
    assert_eq!(files(out.path()), files(expected.path()));
    assert!(
        stderr.starts_with(&summary_prefix(&summary, out.path())),
        "{stderr}"
    );
    assert!(
        files(out.path())
            .keys()
            .all(|p| p.to_str().unwrap().contains("/2030/01/02/")),
        "a 30-minute scenario from 03:04 stays on January 2"
    );
}

#[test]
fn bad_arguments_exit_2_with_the_reason() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let cases: [(&[&str], &str); 3] = [
        (
            &["simulate", "workshop", "--out", dir, "--events", "10"],
            "`--events` applies to the bulk scenario only",
        ),
        (
            &["simulate", "bulk", "--out", dir, "--events", "10"],
            "`--events 10` is too small for the bulk scenario (minimum 1000)",
        ),
        (
            &["simulate", "workshop", "--out", dir, "--start", "soon"],
            "invalid start time `soon`",
        ),
    ];
    for (args, reason) in cases {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(stdout, "");
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    }
    assert!(files(out.path()).is_empty());
}

/// The acceptance test: `simulate workshop` then `hunt` shows exactly one High
/// OutsideAWS finding for the workshop role, instance and laptop, with the right count and
/// first/last seen.
#[test]
fn hunt_over_the_workshop_finds_exactly_the_stolen_credentials() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let (code, _, stderr) = run(&["simulate", "workshop", "--out", dir, "--seed", "5"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = run(&["hunt", dir, "--format", "json", "--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    let findings: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(findings.len(), 1, "{stdout}");
    let finding = &findings[0];
    let facts = simulate::workshop_facts(5);
    assert_eq!(
        finding["type"],
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"
    );
    assert_eq!(finding["severity"], 8);
    assert_eq!(finding["accountId"], facts.account.as_str());
    assert_eq!(
        finding["resource"]["accessKeyDetails"]["userName"],
        facts.role_name.as_str()
    );
    assert_eq!(
        finding["resource"]["instanceDetails"]["instanceId"],
        facts.instance_id.as_str()
    );
    let action = &finding["service"]["action"]["awsApiCallAction"];
    assert_eq!(
        action["remoteIpDetails"]["ipAddressV4"],
        facts.attacker_ip.as_str()
    );
    assert_eq!(finding["service"]["count"], 13);
    let seen = |field: &str| {
        finding["service"][field]
            .as_str()
            .unwrap()
            .replace(".000Z", "Z")
    };
    assert_eq!(seen("eventFirstSeen"), facts.attacker_first_seen);
    assert_eq!(seen("eventLastSeen"), facts.attacker_last_seen);
}
