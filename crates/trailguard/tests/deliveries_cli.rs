//! `trailguard deliveries list|retry`: kept deliveries are listed exactly, and `retry` sends
//! them to the targets as configured now (here: the e-mail outbox, a JSON Lines file and a
//! webhook that is down).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::path::Path;

use assert_cmd::Command;
use store::Store;
use store::deliveries::FailedDelivery;

const RULE: &str = "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration";
const FINDING_TEXT: &str = "\"GuardDuty Finding | ID:f1: An EC2 instance IAM credentials (Role: R) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\"";

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("trailguard")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn config(dir: &Path) {
    let text = format!(
        r#"[store]
url = "sqlite://state.db"

[email]
outbox_dir = "outbox"
from = "trailguard@example.com"

[[rule]]
name = "{RULE}"
pattern = '{{"source":["aws.guardduty"]}}'
  [[rule.target]]
  type = "email"
  id = "mail"
  to = ["secops@example.com"]
  [[rule.target]]
  type = "file"
  id = "log"
  path = "events.jsonl"
  [[rule.target]]
  type = "webhook"
  id = "down"
  url = "http://127.0.0.1:{port}/"
  retries = 0
"#,
        port = closed_port()
    );
    fs_err::write(dir.join("trailguard.toml"), text).unwrap();
}

/// Three kept deliveries with fixed times: mail (id 1), log (id 2), down (id 3).
fn keep_three(dir: &Path) {
    let mut store = Store::open(&dir.join("state.db")).unwrap();
    for (target, error, at_ms) in [
        ("mail", "smtp: connection refused", 1_700_000_000_000),
        ("log", "permission denied (os error 13)", 1_700_000_001_000),
        ("down", "http: io: Connection refused", 1_700_000_002_000),
    ] {
        store
            .record_failed_delivery(&FailedDelivery {
                rule: RULE,
                target,
                finding_id: (target != "down").then_some("f1"),
                payload: FINDING_TEXT,
                attempts: 4,
                error,
                at_ms,
            })
            .unwrap();
    }
}

#[test]
fn list_shows_failed_deliveries_oldest_first() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path());
    keep_three(dir.path());
    let (code, stdout, stderr) = run(dir.path(), &["deliveries", "list"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let expected = format!(
        "ID  STATUS  ATTEMPTS  UPDATED                   RULE/TARGET{pad}FINDING  LAST ERROR
1   failed  4         2023-11-14T22:13:20.000Z  {RULE}/mail{pad2}f1       smtp: connection refused
2   failed  4         2023-11-14T22:13:21.000Z  {RULE}/log{pad3}f1       permission denied (os error 13)
3   failed  4         2023-11-14T22:13:22.000Z  {RULE}/down{pad2}-        http: io: Connection refused
",
        pad = " ".repeat(RULE.len() + 5 - "RULE/TARGET".len() + 2),
        pad2 = "  ",
        pad3 = "   ",
    );
    assert_eq!(stdout, expected);
}

#[test]
fn retry_delivers_what_it_can_and_exits_1_for_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path());
    keep_three(dir.path());
    let (code, stdout, stderr) = run(dir.path(), &["deliveries", "retry"]);
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], format!("1 delivered {RULE}/mail (1 attempt(s))"));
    assert_eq!(lines[1], format!("2 delivered {RULE}/log (1 attempt(s))"));
    assert!(
        lines[2].starts_with(&format!("3 failed {RULE}/down (1 attempt(s)): http: ")),
        "{}",
        lines[2]
    );
    assert_eq!(lines.len(), 3);

    // The e-mail is in the outbox, word for word; the file got one JSON Lines record.
    let outbox: Vec<_> = fs_err::read_dir(dir.path().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(outbox.len(), 1);
    let eml = fs_err::read_to_string(&outbox[0]).unwrap();
    // Quoted-printable (the line is longer than 76 characters): soft breaks are `=` + CRLF.
    assert!(
        eml.contains("\r\nContent-Transfer-Encoding: quoted-printable\r\n"),
        "{eml}"
    );
    assert!(
        eml.replace("=\r\n", "")
            .ends_with(&format!("\r\n\r\n{FINDING_TEXT}")),
        "{eml}"
    );
    assert!(eml.starts_with("From: trailguard@example.com\r\n"), "{eml}");
    assert_eq!(
        fs_err::read_to_string(dir.path().join("events.jsonl")).unwrap(),
        format!("{FINDING_TEXT}\n")
    );

    // Only the webhook's delivery is still failed, with one more attempt.
    let (code, stdout, _) = run(dir.path(), &["deliveries", "list", "--json"]);
    assert_eq!(code, 0);
    let kept: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["id"], 3);
    assert_eq!(kept[0]["attempts"], 5);
    assert_eq!(kept[0]["status"], "failed");
    assert_eq!(kept[0]["payload"], FINDING_TEXT);
    assert_eq!(kept[0]["findingId"], serde_json::Value::Null);

    let (_, stdout, _) = run(dir.path(), &["deliveries", "list", "--all"]);
    let statuses: Vec<&str> = stdout
        .lines()
        .skip(1)
        .map(|line| line.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(statuses, ["delivered", "delivered", "failed"]);
}

#[test]
fn retry_by_id_refuses_unknown_and_already_delivered_deliveries() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path());
    keep_three(dir.path());
    let (code, stdout, _) = run(dir.path(), &["deliveries", "retry", "2"]);
    assert_eq!(
        (code, stdout),
        (0, format!("2 delivered {RULE}/log (1 attempt(s))\n"))
    );
    let (code, _, stderr) = run(dir.path(), &["deliveries", "retry", "2"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("delivery `2` was already delivered"),
        "{stderr}"
    );
    let (code, _, stderr) = run(dir.path(), &["deliveries", "retry", "9"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no kept delivery with id `9`"), "{stderr}");
}

#[test]
fn retry_reports_a_target_removed_from_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    keep_three(dir.path());
    fs_err::write(
        dir.path().join("trailguard.toml"),
        "[store]\nurl = \"sqlite://state.db\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run(dir.path(), &["deliveries", "retry", "1"]);
    assert_eq!(code, 2);
    // miette wraps long messages (also after hyphens): compare without layout.
    let squeeze = |text: &str| -> String {
        text.chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '│' | '×'))
            .collect()
    };
    assert_eq!(
        squeeze(&stderr),
        squeeze(&format!(
            "error: delivery `1`: rule `{RULE}` has no target `mail` in the configuration any more"
        ))
    );
}
