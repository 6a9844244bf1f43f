//! `trailguard respond` and `actions undo` against live AWS, played by a real moto server
//! (`scripts/test.sh` starts it): the workshop's rule notifies over SNS into an SQS
//! subscription and puts `RevokeOldSessions` on the role created in moto; a dry run changes
//! nothing; undo removes the policy.
#![cfg(feature = "aws")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

#[path = "../../respond/tests/support/moto.rs"]
mod moto;

use std::path::Path;

use assert_cmd::Command;
use moto::{Moto, REGION, Stack, unique};
use serde_json::Value;

/// A temp dir with the finding and a config for `stack`: the workshop's rule with its SNS
/// notification and the revocation in enforce mode; returns it and the queue subscribed.
fn setup(moto: &Moto, stack: &Stack) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let (topic_arn, queue_url) = moto.topic_with_queue(&unique("GuardDuty-Example"));
    let config = format!(
        r#"
[aws]
region = "{REGION}"
endpoint_url = "{endpoint}"
max_attempts = 1

[response]
allowed_roles = ["{role}"]

[[rule]]
name = "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration"
pattern = '{{"source":["aws.guardduty"],"detail":{{"type":[{{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}}]}}}}'
  [[rule.target]]
  id = "GuardDutySNSTopic-EC2-IAM"
  type = "sns"
  topic_arn = "{topic_arn}"
  retries = 0
  input_transformer = {{ input_paths_map = {{ gdid = "$.detail.id", userName = "$.detail.resource.accessKeyDetails.userName" }}, input_template = '"GuardDuty Finding | ID:<gdid>: An EC2 instance IAM credentials (Role: <userName>) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty"' }}
  [[rule.target]]
  id = "revoke"
  type = "remediate"
  action = "revoke-role-sessions"
  mode = "enforce"
"#,
        endpoint = moto.endpoint,
        role = stack.role,
    );
    fs_err::write(dir.path().join("trailguard.toml"), config).unwrap();
    fs_err::write(dir.path().join("finding.json"), stack.finding().to_string()).unwrap();
    (dir, queue_url)
}

/// `trailguard ARGS…` in `dir` with moto's fake credentials: exit code and stdout.
fn trailguard(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("trailguard")
        .unwrap()
        .current_dir(dir)
        .envs(moto::FAKE_CREDENTIALS)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    (output.status.code().unwrap(), format!("{stdout}{stderr}"))
}

fn respond(dir: &Path, apply: bool) -> (i32, String) {
    let mut args = vec![
        "respond",
        "--finding",
        "finding.json",
        "--state",
        "state.db",
    ];
    if apply {
        args.push("--apply");
    }
    trailguard(dir, &args)
}

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

/// The messages of the SNS notifications waiting in the queue.
fn messages(moto: &Moto, queue_url: &str) -> Vec<String> {
    moto.notifications(queue_url)
        .iter()
        .map(|n| n["Message"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn respond_apply_notifies_over_sns_revokes_the_moto_roles_sessions_and_undo_removes_it() {
    let Some(moto) = Moto::from_env() else {
        return;
    };
    let stack = Stack::create(&moto);
    let (dir, queue_url) = setup(&moto, &stack);
    let started_ms = now_ms();
    let (code, output) = respond(dir.path(), true);
    assert_eq!(code, 0, "{output}");

    let policy = stack.role_policy(&moto, "RevokeOldSessions").unwrap();
    let cutoff = policy["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"]
        .as_str()
        .unwrap();
    let cutoff_ms = findings::parse_millis(cutoff).unwrap();
    assert!(
        cutoff.ends_with('Z') && (started_ms..=now_ms()).contains(&cutoff_ms),
        "the cutoff is the time of the run, in UTC with Z: {cutoff}"
    );
    assert_eq!(policy["Statement"][0]["Effect"], "Deny");
    assert!(output.contains("ExplicitlyDenied"), "verified: {output}");
    assert!(
        output.contains(&stack.second_instance),
        "blast radius: {output}"
    );

    let id = "7ec6b7e2d6c4a1b2c3d4e5f6a7b8c9d0";
    let role = &stack.role;
    assert_eq!(
        messages(&moto, &queue_url),
        [
            format!(
                "\"GuardDuty Finding | ID:{id}: An EC2 instance IAM credentials (Role: {role}) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\""
            ),
            format!(
                "GuardDuty Remediation | ID:{id}: GuardDuty discovered EC2 IAM credentials (Role: {role}) being used outside of the EC2 service.  All sessions have been revoked.  Please follow up with any additional remediation actions."
            ),
        ],
        "the workshop's two messages, in order"
    );

    let (code, listed) = trailguard(
        dir.path(),
        &["actions", "list", "--state", "state.db", "--json"],
    );
    assert_eq!(code, 0, "{listed}");
    let listed: Value = serde_json::from_str(&listed).unwrap();
    let entry = &listed[0];
    assert_eq!(entry["status"], "applied");
    let (code, undone) = trailguard(
        dir.path(),
        &[
            "actions",
            "undo",
            entry["id"].as_str().unwrap(),
            "--state",
            "state.db",
            "--config",
            "trailguard.toml",
        ],
    );
    assert_eq!(code, 0, "{undone}");
    assert!(
        undone.contains(&format!(
            "Undone: delete inline policy `RevokeOldSessions` from role `{role}`"
        )),
        "{undone}"
    );
    assert_eq!(
        stack.role_policy_names(&moto),
        ["GuardDutyCompromisedPolicy"]
    );
}

#[test]
fn respond_without_apply_plans_against_moto_and_changes_nothing() {
    let Some(moto) = Moto::from_env() else {
        return;
    };
    let stack = Stack::create(&moto);
    let (dir, queue_url) = setup(&moto, &stack);
    let (code, output) = respond(dir.path(), false);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("PutRolePolicy"), "{output}");
    assert!(
        output.contains(&stack.second_instance),
        "blast radius read from moto: {output}"
    );
    assert!(
        output.contains("Dry run: nothing was sent or changed."),
        "{output}"
    );
    assert_eq!(
        stack.role_policy_names(&moto),
        ["GuardDutyCompromisedPolicy"]
    );
    assert!(messages(&moto, &queue_url).is_empty());
}
