//! `trailguard hunt` and `trailguard findings` end to end, on the fixtures of
//! `fixtures/make_fixtures.py` (CloudTrail's exact format).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const LAPTOP_IP: &str = "198.51.100.7";
const OTHER_AWS_IP: &str = "52.45.102.28";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn trailguard() -> Command {
    let mut command = Command::cargo_bin("trailguard").unwrap();
    command.env_remove("TRAILGUARD_LOG");
    command
}

/// Runs `hunt` with the arguments and returns (exit code, stdout, stderr).
fn hunt(args: &[&str]) -> (i32, String, String) {
    let output = trailguard().arg("hunt").args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// (type suffix, remote ip, count, first seen, last seen) of every finding in JSON output.
fn summary(json: &str) -> Vec<(String, String, u64, String, String)> {
    let findings: Vec<Value> = serde_json::from_str(json).unwrap();
    let mut rows: Vec<_> = findings
        .iter()
        .map(|f| {
            let call = &f["service"]["action"]["awsApiCallAction"];
            (
                f["type"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_owned(),
                call["remoteIpDetails"]["ipAddressV4"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                f["service"]["count"].as_u64().unwrap(),
                f["service"]["eventFirstSeen"].as_str().unwrap().to_owned(),
                f["service"]["eventLastSeen"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn both_days() -> Vec<(String, String, u64, String, String)> {
    vec![
        (
            "InstanceCredentialExfiltration.InsideAWS".into(),
            OTHER_AWS_IP.into(),
            1,
            "2026-03-10T09:06:00.000Z".into(),
            "2026-03-10T09:06:00.000Z".into(),
        ),
        (
            "InstanceCredentialExfiltration.OutsideAWS".into(),
            LAPTOP_IP.into(),
            3,
            "2026-03-09T11:00:00.000Z".into(),
            "2026-03-10T09:05:00.000Z".into(),
        ),
    ]
}

#[test]
fn finds_both_days_attacks_in_one_run() {
    let (code, stdout, stderr) = hunt(&[
        path(&fixture("monday.json.gz")),
        path(&fixture("tuesday.json")),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(summary(&stdout), both_days());
    assert!(
        stderr.contains("2 files, 8 records, 0 bad, 6 instance-credential records, 2 findings"),
        "{stderr}"
    );
}

#[test]
fn findings_json_has_guardduty_fields() {
    let (_, stdout, _) = hunt(&[path(&fixture("monday.json.gz")), "--format", "json"]);
    let findings: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(findings.len(), 1);
    let finding = findings[0].as_object().unwrap();
    let mut keys: Vec<&str> = finding.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "accountId",
            "arn",
            "createdAt",
            "description",
            "id",
            "partition",
            "region",
            "resource",
            "schemaVersion",
            "service",
            "severity",
            "title",
            "type",
            "updatedAt",
        ]
    );
    assert_eq!(finding["schemaVersion"], "2.0");
    assert_eq!(finding["severity"], 8);
    let id = finding["id"].as_str().unwrap();
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(
        finding["arn"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/finding/{id}"))
    );
    assert_eq!(
        finding["resource"]["accessKeyDetails"]["userName"],
        "GuardDuty-Example-EC2-Compromised"
    );
    assert_eq!(
        finding["resource"]["instanceDetails"]["instanceId"],
        "i-0a1b2c3d4e5f60718"
    );
    assert_eq!(finding["service"]["resourceRole"], "TARGET");
    assert_eq!(finding["service"]["additionalInfo"]["type"], "default");
}

#[test]
fn results_do_not_depend_on_order_files_or_threads() {
    let split = hunt(&[
        path(&fixture("tuesday.json")),
        path(&fixture("monday.json.gz")),
        "--format",
        "json",
        "--threads",
        "2",
    ]);
    let reversed = hunt(&[
        path(&fixture("both-reversed.jsonl")),
        "--format",
        "json",
        "--threads",
        "1",
    ]);
    assert_eq!(split.0, 0);
    assert_eq!(reversed.0, 0);
    assert_eq!(split.1, reversed.1, "identical findings, ids and bytes");
    assert_eq!(summary(&split.1), both_days());
}

#[test]
fn state_carries_the_lock_from_monday_to_tuesday() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let state = path(&state);
    let (code, _, stderr) = hunt(&[
        path(&fixture("monday.json.gz")),
        "--state",
        state,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = hunt(&[
        path(&fixture("tuesday.json")),
        "--state",
        state,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let listed = trailguard()
        .args(["findings", "list", "--state", state, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        summary(&String::from_utf8(listed.stdout).unwrap()),
        both_days()
    );

    // Without the state, Tuesday alone takes the other AWS address for the instance's own
    // and flags the instance's real address instead.
    let (_, alone, _) = hunt(&[path(&fixture("tuesday.json")), "--format", "json"]);
    let inside: Vec<String> = summary(&alone)
        .into_iter()
        .filter(|row| row.0.ends_with("InsideAWS"))
        .map(|row| row.1)
        .collect();
    assert_eq!(inside, ["18.236.253.47"]);

    // Re-running over files already processed changes nothing.
    let (_, again, stderr) = hunt(&[
        path(&fixture("monday.json.gz")),
        path(&fixture("tuesday.json")),
        "--state",
        state,
        "--format",
        "json",
    ]);
    assert_eq!(again.trim(), "[]");
    assert!(
        stderr.contains("0 files (2 already processed, skipped)"),
        "{stderr}"
    );
}

#[test]
fn bad_inputs_are_reported_counted_and_skipped() {
    let (code, stdout, stderr) = hunt(&[
        path(&fixture("bad")),
        path(&fixture("monday.json.gz")),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(summary(&stdout).len(), 1, "the good file is still hunted");
    for located in [
        "truncated.json.gz",
        "garbage.json",
        "not-cloudtrail.json",
        "empty.json",
        "odd-records.json: record 2",
    ] {
        assert!(stderr.contains(located), "missing `{located}` in {stderr}");
    }
    assert!(stderr.contains("6 files"), "{stderr}");
    assert!(stderr.contains(", 5 bad,"), "{stderr}");
}

#[test]
fn strict_makes_bad_input_fatal() {
    let (code, _, stderr) = hunt(&[
        path(&fixture("bad/garbage.json")),
        "--strict",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--strict"), "{stderr}");
}

#[test]
fn fail_on_sets_exit_status_one() {
    let monday = fixture("monday.json.gz");
    let args = [path(&monday), "--format", "jsonl", "--fail-on"];
    assert_eq!(hunt(&[&args[..], &["high"]].concat()).0, 1);
    assert_eq!(hunt(&[&args[..], &["critical"]].concat()).0, 0);
}

#[test]
fn min_severity_hides_lower_findings() {
    let (_, stdout, _) = hunt(&[
        path(&fixture("monday.json.gz")),
        "--format",
        "jsonl",
        "--min-severity",
        "critical",
    ]);
    assert_eq!(stdout, "");
}

#[test]
fn reads_standard_input() {
    let output = trailguard()
        .args(["hunt", "-", "--format", "csv"])
        .pipe_stdin(fixture("tuesday.json"))
        .unwrap()
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "id,severity,severity_label,type,account,region,role,instance,remote_ip,remote_account,country,organization,count,first_seen,last_seen,title"
    );
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[2].contains(",8,High,UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS,123456789012,us-west-2,GuardDuty-Example-EC2-Compromised,i-0a1b2c3d4e5f60718,198.51.100.7,,,,1,2026-03-10T09:05:00.000Z,2026-03-10T09:05:00.000Z,"), "{stdout}");
}

#[test]
fn table_shows_one_row_per_finding() {
    let (_, stdout, _) = hunt(&[path(&fixture("monday.json.gz")), "--format", "table"]);
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("InstanceCredentialExfiltration"))
        .collect();
    assert_eq!(rows.len(), 1, "{stdout}");
    for cell in [
        "High",
        "OutsideAWS",
        "GuardDuty-Example-EC2-Compromised",
        "i-0a1b2c3d4e5f60718",
        LAPTOP_IP,
        " 2 ",
    ] {
        assert!(rows[0].contains(cell), "missing `{cell}` in {stdout}");
    }
}

#[test]
fn findings_can_be_shown_archived_and_unarchived() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let state = path(&state);
    let (_, stdout, _) = hunt(&[
        path(&fixture("monday.json.gz")),
        "--state",
        state,
        "--format",
        "json",
    ]);
    let findings: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    let id = findings[0]["id"].as_str().unwrap();

    let shown = trailguard()
        .args(["findings", "show", id, "--state", state])
        .output()
        .unwrap();
    let shown: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown, findings[0]);

    trailguard()
        .args(["findings", "archive", id, "--state", state])
        .assert()
        .success();
    let active = trailguard()
        .args([
            "findings", "list", "--active", "--format", "jsonl", "--state", state,
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(active.stdout).unwrap(), "");
    let archived = trailguard()
        .args([
            "findings",
            "list",
            "--archived",
            "--format",
            "jsonl",
            "--state",
            state,
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(archived.stdout).unwrap().lines().count(),
        1
    );
    trailguard()
        .args(["findings", "unarchive", id, "--state", state])
        .assert()
        .success();

    let missing = trailguard()
        .args(["findings", "show", "nope", "--state", state])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8(missing.stderr)
            .unwrap()
            .contains("no finding with id `nope`")
    );
}

#[test]
fn findings_export_to_asff_and_ocsf() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let state = path(&state);
    let (_, stdout, _) = hunt(&[
        path(&fixture("monday.json.gz")),
        "--state",
        state,
        "--format",
        "json",
    ]);
    let findings: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    let export = |format: &str| -> Vec<Value> {
        let output = trailguard()
            .args(["findings", "export", "--format", format, "--state", state])
            .output()
            .unwrap();
        assert!(output.status.success());
        serde_json::from_slice(&output.stdout).unwrap()
    };
    assert_eq!(export("json"), findings);
    let asff = export("asff");
    assert_eq!(asff.len(), 1);
    assert_eq!(asff[0]["SchemaVersion"], "2018-10-08");
    assert_eq!(asff[0]["Id"], findings[0]["arn"]);
    assert_eq!(asff[0]["Severity"]["Label"], "HIGH");
    let ocsf = export("ocsf");
    assert_eq!(ocsf[0]["class_uid"], 2004);
    assert_eq!(ocsf[0]["finding_info"]["uid"], findings[0]["arn"]);
}

#[test]
fn log_format_json_writes_one_json_object_per_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    fs_err::write(&bad, "{").unwrap();
    let output = Command::cargo_bin("trailguard")
        .unwrap()
        .args(["--log-format", "json", "-q", "hunt", "--format", "json"])
        .arg(&bad)
        .env("TRAILGUARD_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let line: serde_json::Value = serde_json::from_str(stderr.lines().next().unwrap()).unwrap();
    assert_eq!(line["level"], "WARN");
    assert_eq!(
        line["fields"]["message"],
        format!(
            "{}: invalid json: unexpected end of data at byte 1",
            bad.display()
        )
    );
}
