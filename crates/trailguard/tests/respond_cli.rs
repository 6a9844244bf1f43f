//! `trailguard respond`: one hunt-produced finding through the workshop's rule, a file
//! notification and the `revoke-role-sessions` remediation on the demo account snapshot.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/demo-account")
        .join(name)
}

/// A temp dir with a copy of the demo snapshot and a config routing to a file and to
/// `revoke-role-sessions` in enforce mode.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("account");
    fs_err::create_dir_all(&snapshot).unwrap();
    for file in ["gaad.json", "describe-instances.json"] {
        fs_err::copy(demo(file), snapshot.join(file)).unwrap();
    }
    let config = r#"
[response]
allowed_roles = ["GuardDuty-Example-EC2-Compromised"]

[[rule]]
name = "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration"
pattern = '{"source":["aws.guardduty"],"detail":{"type":[{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}}'
  [[rule.target]]
  id = "notes"
  type = "file"
  path = "notes.jsonl"
  input_transformer = { input_paths_map = { gdid = "$.detail.id", userName = "$.detail.resource.accessKeyDetails.userName" }, input_template = '"GuardDuty Finding | ID:<gdid>: An EC2 instance IAM credentials (Role: <userName>) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty"' }
  [[rule.target]]
  id = "revoke"
  type = "remediate"
  action = "revoke-role-sessions"
  mode = "enforce"
"#;
    fs_err::write(dir.path().join("trailguard.toml"), config).unwrap();
    dir
}

fn respond(dir: &Path, apply: bool) -> (i32, String) {
    let mut command = Command::cargo_bin("trailguard").unwrap();
    command.current_dir(dir).args([
        "respond",
        "--finding",
        demo("finding.json").to_str().unwrap(),
        "--snapshot",
        "account",
        "--state",
        "state.db",
    ]);
    if apply {
        command.arg("--apply");
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

fn inline_policies(dir: &Path) -> Vec<String> {
    let gaad: Value =
        serde_json::from_str(&fs_err::read_to_string(dir.join("account/gaad.json")).unwrap())
            .unwrap();
    let role = gaad["RoleDetailList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["RoleName"] == "GuardDuty-Example-EC2-Compromised")
        .unwrap();
    role["RolePolicyList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["PolicyName"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let dir = setup();
    let before = fs_err::read(dir.path().join("account/gaad.json")).unwrap();
    let (code, stdout) = respond(dir.path(), false);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(
            "Rule `GuardDuty-Event-IAMUser-InstanceCredentialExfiltration` → target `notes` (file):"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("An EC2 instance IAM credentials (Role: GuardDuty-Example-EC2-Compromised) may be compromised"), "{stdout}");
    assert!(stdout.contains("PutRolePolicy"), "{stdout}");
    assert!(stdout.contains("RevokeOldSessions"), "{stdout}");
    assert!(
        stdout.ends_with("Dry run: nothing was sent or changed. Run again with --apply.\n"),
        "{stdout}"
    );
    assert_eq!(
        fs_err::read(dir.path().join("account/gaad.json")).unwrap(),
        before
    );
    assert!(!dir.path().join("notes.jsonl").exists());
}

#[test]
fn apply_notifies_revokes_and_verifies() {
    let dir = setup();
    let finding: Value =
        serde_json::from_str(&fs_err::read_to_string(demo("finding.json")).unwrap()).unwrap();
    let id = finding["id"].as_str().unwrap();
    let (code, stdout) = respond(dir.path(), true);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("delivered to `notes`."), "{stdout}");
    assert!(
        stdout.contains("Remediation notice: delivered to `notes`."),
        "{stdout}"
    );
    let notes = fs_err::read_to_string(dir.path().join("notes.jsonl")).unwrap();
    assert_eq!(
        notes,
        format!(
            "\"GuardDuty Finding | ID:{id}: An EC2 instance IAM credentials (Role: GuardDuty-Example-EC2-Compromised) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\"\n\
             \"GuardDuty Remediation | ID:{id}: GuardDuty discovered EC2 IAM credentials (Role: GuardDuty-Example-EC2-Compromised) being used outside of the EC2 service.  All sessions have been revoked.  Please follow up with any additional remediation actions.\"\n"
        ),
        "the finding notice, then the workshop Lambda's remediation notice (double spaces kept)"
    );
    assert!(inline_policies(dir.path()).contains(&"RevokeOldSessions".to_owned()));
    assert!(
        stdout.contains("ExplicitlyDenied"),
        "the action verified itself: {stdout}"
    );
    let audit = Command::cargo_bin("trailguard")
        .unwrap()
        .current_dir(dir.path())
        .args(["actions", "list", "--state", "state.db", "--json"])
        .output()
        .unwrap();
    let audit = String::from_utf8(audit.stdout).unwrap();
    assert!(audit.contains("revoke-role-sessions"), "{audit}");
}

#[test]
fn print_policy_scopes_put_role_policy_to_the_configured_role() {
    let dir = setup();
    let output = Command::cargo_bin("trailguard")
        .unwrap()
        .current_dir(dir.path())
        .args(["respond", "--print-policy"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("iam:PutRolePolicy"), "{stdout}");
    assert!(
        stdout.contains("GuardDuty-Example-EC2-Compromised"),
        "{stdout}"
    );
}
