//! `trailguard demo`: the workshop end to end, offline. The JSON output is a golden file
//! (`fixtures/demo.golden.json`, reviewed by hand): the one finding, the two e-mails word for
//! word, the revocation with its blast radius, and the explicit deny.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

#[test]
fn json_output_matches_the_golden_file() {
    let output = Command::cargo_bin("trailguard")
        .unwrap()
        .args(["demo", "--json", "--now", "2026-05-12T16:20:00Z"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let got: Value = serde_json::from_slice(&output.stdout).unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo.golden.json");
    let want: Value = serde_json::from_str(&fs_err::read_to_string(golden).unwrap()).unwrap();
    assert_eq!(got, want);
    assert_eq!(got["explicitDeny"], true);
    let checks = &got["remediations"][0]["execution"]["verification"]["checks"];
    assert_eq!(checks[0]["decision"], "ExplicitlyDenied");
    assert_eq!(checks[0]["action"], "dynamodb:ListTables");
}

#[test]
fn story_ends_with_the_explicit_deny_and_keeps_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("trailguard")
        .unwrap()
        .args(["demo", "--dir", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    for step in [
        "1. The attack",
        "2. Detection",
        "3. Response",
        "4. The e-mails",
        "5. Verification",
    ] {
        assert!(stdout.contains(step), "missing `{step}`");
    }
    assert!(
        stdout.contains("dynamodb:ListTables → ExplicitlyDenied by RevokeOldSessions"),
        "{stdout}"
    );
    assert!(
        stdout.contains("The stolen credentials now get an explicit deny"),
        "{stdout}"
    );
    let gaad = fs_err::read_to_string(dir.path().join("account/gaad.json")).unwrap();
    assert!(
        gaad.contains("RevokeOldSessions"),
        "the changed snapshot is written"
    );
    assert_eq!(
        fs_err::read_dir(dir.path().join("outbox")).unwrap().count(),
        2
    );
}
