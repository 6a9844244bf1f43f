//! `trailguard iam simulate` and `trailguard verify`: exact output and exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use assert_cmd::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../iam/tests/fixtures");

fn trailguard() -> Command {
    Command::cargo_bin("trailguard").unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    fs_err::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

const DENIED: &str = r#"{
  "identity_policies": [
    {"name": "GuardDutyCompromisedPolicy", "document": {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": ["dynamodb:ListTables", "dynamodb:DescribeTable"], "Resource": "*"}]}},
    {"name": "RevokeOldSessions", "document": {"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2021-03-08T12:34:56.789012"}}}}}
  ],
  "request": {"action": "dynamodb:ListTables", "resource": "*",
    "principal": "arn:aws:sts::123456789012:assumed-role/GuardDuty-Example-EC2-Compromised/i-0123456789abcdef0",
    "context": {"aws:TokenIssueTime": "2021-03-08T12:34:55Z"}}
}"#;

#[test]
fn iam_simulate_explicit_deny() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "req.json", DENIED);
    trailguard().args(["iam", "simulate", "--request", &file]).assert().success().stdout(
        "ExplicitlyDenied\n  Deny statement 0 of identity-based policy `RevokeOldSessions`\n  an explicit deny of `dynamodb:ListTables` on `*` overrides every allow\n",
    );
}

#[test]
fn iam_simulate_allowed_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "req.json", &DENIED.replace("12:34:55Z", "12:34:57Z"));
    trailguard().args(["iam", "simulate", "--request", &file, "--json"]).assert().success().stdout(
        r#"{
  "decision": "Allowed",
  "explanation": "an identity-based policy allows `dynamodb:ListTables` on `*` and nothing denies it",
  "matched_statements": [
    {
      "effect": "Allow",
      "level": null,
      "policy": "GuardDutyCompromisedPolicy",
      "policy_type": "identity",
      "sid": null,
      "statement": 0
    }
  ]
}
"#,
    );
}

#[test]
fn iam_simulate_implicit_deny_from_stdin() {
    let request = r#"{"identity_policies":[],"scps":[[{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}]],
        "request":{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k","principal":"arn:aws:iam::123456789012:user/alice"}}"#;
    trailguard().args(["iam", "simulate", "--request", "-"]).write_stdin(request).assert().success().stdout(
        "ImplicitlyDenied\n  Allow statement 0 of SCP at level 0 `scps[0][0]`\n  no identity-based policy allows `s3:GetObject` on `arn:aws:s3:::b/k`\n",
    );
}

#[test]
fn iam_simulate_invalid_policy_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "req.json",
        &DENIED.replace("2021-03-08T12:34:56.789012", "soon"),
    );
    trailguard().args(["iam", "simulate", "--request", &file]).assert().code(2).stdout("").stderr(
        "error: policy `RevokeOldSessions` at `Statement.Condition.DateLessThan.aws:TokenIssueTime`: `soon` is not a date\n",
    );
    let bad = write(
        &dir,
        "bad.json",
        r#"{"request":{"action":"s3:GetObject"},"extra":1}"#,
    );
    trailguard().args(["iam", "simulate", "--request", &bad]).assert().code(2).stdout("").stderr(
        "error: invalid request: unknown field `extra`, expected one of `identity_policies`, `resource_policy`, `permission_boundary`, `session_policy`, `vpc_endpoint_policy`, `scps`, `rcps`, `request`\n",
    );
}

fn gaad_with_revocation(dir: &tempfile::TempDir) -> String {
    let text = fs_err::read_to_string(format!("{FIXTURES}/workshop-gaad.json")).unwrap();
    let mut snapshot = iam::snapshot::Snapshot::parse(&text).unwrap();
    snapshot
        .put_role_policy(
            "GuardDuty-Example-EC2-Compromised",
            "RevokeOldSessions",
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2021-03-08T12:34:56.789012"}}}}"#,
        )
        .unwrap();
    write(dir, "gaad.json", &snapshot.to_json_pretty().unwrap())
}

#[test]
fn verify_principal_with_context() {
    let dir = tempfile::tempdir().unwrap();
    let gaad = gaad_with_revocation(&dir);
    let session = "arn:aws:sts::123456789012:assumed-role/GuardDuty-Example-EC2-Compromised/i-0123456789abcdef0";
    trailguard()
        .args(["verify", "--snapshot", &gaad, "--principal", session, "--action", "dynamodb:ListTables"])
        .args(["--context", "aws:TokenIssueTime=2021-03-08T12:34:55Z", "-q"])
        .assert()
        .success()
        .stdout("ExplicitlyDenied\n  Deny statement 0 of identity-based policy `RevokeOldSessions`\n  an explicit deny of `dynamodb:ListTables` on `*` overrides every allow\n");
    trailguard()
        .args(["verify", "--snapshot", &gaad, "--principal", session, "--action", "dynamodb:ListTables"])
        .args(["--context", "aws:TokenIssueTime=2021-03-08T12:34:57Z", "-q"])
        .assert()
        .success()
        .stdout("Allowed\n  Allow statement 3 of identity-based policy `GuardDutyCompromisedPolicy`\n  an identity-based policy allows `dynamodb:ListTables` on `*` and nothing denies it\n");
}

#[test]
fn verify_replays_cloudtrail_records() {
    let dir = tempfile::tempdir().unwrap();
    let gaad = gaad_with_revocation(&dir);
    let stolen = format!("{FIXTURES}/list-tables-stolen.json");
    let fresh = format!("{FIXTURES}/list-tables-fresh.json");
    trailguard()
        .args(["verify", "-q", "--snapshot", &gaad, "--cloudtrail", &stolen])
        .assert()
        .success()
        .stdout("ExplicitlyDenied\n  Deny statement 0 of identity-based policy `RevokeOldSessions`\n  an explicit deny of `dynamodb:ListTables` on `*` overrides every allow\n");
    trailguard()
        .args([
            "verify",
            "-q",
            "--snapshot",
            &gaad,
            "--cloudtrail",
            &fresh,
            "--json",
        ])
        .assert()
        .success()
        .stdout(predicates::str::starts_with(
            "{\n  \"decision\": \"Allowed\",",
        ));
}

#[test]
fn verify_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let gaad = gaad_with_revocation(&dir);
    trailguard()
        .args([
            "verify",
            "-q",
            "--snapshot",
            &gaad,
            "--principal",
            "arn:aws:iam::123456789012:role/Nope",
            "--action",
            "s3:GetObject",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: principal `arn:aws:iam::123456789012:role/Nope` is not in the snapshot\n");
    trailguard()
        .args([
            "verify",
            "-q",
            "--snapshot",
            &gaad,
            "--principal",
            "arn:aws:iam::123456789012:role/Nope",
            "--action",
            "s3:GetObject",
        ])
        .args(["--context", "novalue"])
        .assert()
        .code(2)
        .stderr("error: `novalue` is not `key=value`\n");
}
