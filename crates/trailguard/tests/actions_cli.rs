//! `trailguard actions run|list|show|undo` against a copy of the bundled demo account.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const FILES: [&str; 3] = ["gaad.json", "describe-instances.json", "finding.json"];

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo-account")
}

fn copy_demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in FILES {
        fs_err::copy(demo_dir().join(f), dir.path().join(f)).unwrap();
    }
    dir
}

fn bytes(dir: &Path) -> Vec<Vec<u8>> {
    FILES
        .iter()
        .map(|f| fs_err::read(dir.join(f)).unwrap())
        .collect()
}

fn trailguard(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("trailguard")
        .unwrap()
        .current_dir(dir)
        .args(["actions", "--state", "state.db"])
        .args(args)
        .assert()
}

fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

const RUN: [&str; 9] = [
    "run",
    "revoke-role-sessions",
    "--finding",
    "finding.json",
    "--snapshot",
    ".",
    "--now",
    "2026-05-12T16:20:00Z",
    "--json",
];

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let dir = copy_demo();
    let before = bytes(dir.path());
    let out = trailguard(dir.path(), &RUN).success();
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["execution"], Value::Null);
    assert_eq!(json["plan"]["mode"], "dry-run");
    assert_eq!(
        json["plan"]["calls"][0]["parameters"]["PolicyDocument"],
        r#"{"Statement":[{"Action":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-05-12T16:20:00Z"}},"Effect":"Deny","Resource":["*"]}],"Version":"2012-10-17"}"#
    );
    assert_eq!(
        json["plan"]["blast_radius"]["instances"][1]["id"],
        "i-0e5b2f7a9c1d34e68"
    );
    assert_eq!(bytes(dir.path()), before);
    let list = trailguard(dir.path(), &["list", "--json"]).success();
    let entries: Value = serde_json::from_str(&stdout(&list)).unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 1);
    assert_eq!(entries[0]["status"], "planned");
    assert_eq!(entries[0]["findingId"], "8a71215852e2ac88bd0e2aa76cf053fb");
    assert_eq!(entries[0]["undo"]["kind"], "restore_role_policy");
}

#[test]
fn apply_verifies_then_undo_restores_the_files() {
    let dir = copy_demo();
    let before = bytes(dir.path());
    let mut args = RUN.to_vec();
    args.extend(["--apply", "--verify-action", "dynamodb:ListTables"]);
    let out = trailguard(dir.path(), &args).success();
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let checks = &json["execution"]["verification"]["checks"];
    assert_eq!(checks[0]["decision"], "ExplicitlyDenied");
    assert_eq!(checks[0]["matched_policies"][0], "RevokeOldSessions");
    assert_eq!(checks[1]["decision"], "Allowed");
    assert_ne!(bytes(dir.path()), before);

    let list = trailguard(dir.path(), &["list"]).success();
    let line = stdout(&list);
    let id = line.split_whitespace().next().unwrap().to_owned();
    assert!(line.ends_with("  2026-05-12T16:20:00.000Z  revoke-role-sessions  enforce  applied  8a71215852e2ac88bd0e2aa76cf053fb\n"), "{line}");
    let show = trailguard(dir.path(), &["show", &id]).success();
    assert!(stdout(&show).contains("ExplicitlyDenied by RevokeOldSessions (as expected)"));

    let undone = trailguard(dir.path(), &["undo", &id, "--snapshot", "."]).success();
    assert_eq!(
        stdout(&undone),
        "Undone: delete inline policy `RevokeOldSessions` from role `GuardDuty-Example-EC2-Compromised`\n  iam:DeleteRolePolicy {\"PolicyName\":\"RevokeOldSessions\",\"RoleName\":\"GuardDuty-Example-EC2-Compromised\"}\n"
    );
    assert_eq!(bytes(dir.path()), before);
    trailguard(dir.path(), &["undo", &id, "--snapshot", "."]).code(2);
}

#[test]
fn a_refusal_exits_1_and_is_audited() {
    let dir = copy_demo();
    let mut args = RUN.to_vec();
    args.extend(["--allowed-role", "other-role"]);
    let out = trailguard(dir.path(), &args).code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.ends_with("refused `revoke-role-sessions`: role `GuardDuty-Example-EC2-Compromised` is not in the allowed roles (other-role)\n"), "{stderr}");
    let list = trailguard(dir.path(), &["list", "--json"]).success();
    let entries: Value = serde_json::from_str(&stdout(&list)).unwrap();
    assert_eq!(entries[0]["status"], "refused");
    assert_eq!(
        entries[0]["plan"]["refused"],
        "role `GuardDuty-Example-EC2-Compromised` is not in the allowed roles (other-role)"
    );
}
