//! Golden tests of `trailguard config validate|example`: exact stdout, stderr and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::Path;

use assert_cmd::Command;

/// Runs trailguard in `dir` with a plain (uncoloured, 80-column) error renderer.
fn outcome(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("trailguard")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("IGNORE_IS_TERMINAL")
        .env_remove("NO_GRAPHICS")
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn the_example_validates() {
    let dir = tempfile::tempdir().unwrap();
    let (code, example, stderr) = outcome(dir.path(), &["config", "example"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(
        example
            .starts_with("# trailguard.toml: everything trailguard reads, section by section.\n")
    );
    for section in [
        "[store]",
        "[detection]",
        "[response]",
        "[[severity]]",
        "[[suppress]]",
        "[[rule]]",
    ] {
        assert!(
            example.contains(&format!("\n{section}\n")),
            "{section} missing"
        );
    }
    fs_err::write(dir.path().join("trailguard.toml"), &example).unwrap();
    let got = outcome(dir.path(), &["config", "validate"]);
    assert_eq!(
        got,
        (
            0,
            "ok: 2 rules (1 enabled), 4 targets, 1 suppression, 1 severity override\n".into(),
            String::new()
        )
    );
}

#[test]
fn every_error_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(
        dir.path().join("bad.toml"),
        r#"[response]
update_interval = "soon"

[[rule]]
name = "r1"
pattern = '{"detail":{"type":"x"}}'
  [[rule.target]]
  type = "email"
  to = ["secops@example.com"]
  input_transformer = { input_paths_map = { gdid = "$.detail.id" }, input_template = '"<gdid> <role>"' }
"#,
    )
    .unwrap();
    let got = outcome(dir.path(), &["config", "validate", "--config", "bad.toml"]);
    let expected = r#"error:   × invalid configuration `bad.toml` (3 error(s))

Error: 
  × response: update_interval: `soon` is not a duration: expected a number and
  │ a unit, like `90s`, `15m`, `1h` or `1h30m`
   ╭─[bad.toml:2:19]
 1 │ [response]
 2 │ update_interval = "soon"
   ·                   ───┬──
   ·                      ╰── here
 3 │ 
   ╰────

Error: 
  × rule `r1`: invalid pattern: "type" must be an object or an array
   ╭─[bad.toml:6:11]
 5 │ name = "r1"
 6 │ pattern = '{"detail":{"type":"x"}}'
   ·           ────────────┬────────────
   ·                       ╰── here
 7 │   [[rule.target]]
   ╰────

Error: 
  × rule `r1`, target `email-1`: input_transformer: InputTemplate contains
  │ invalid placeholder role.
   ╭─[bad.toml:7:3]
 6 │ pattern = '{"detail":{"type":"x"}}'
 7 │   [[rule.target]]
   ·   ───────┬───────
   ·          ╰── here
 8 │   type = "email"
   ╰────

"#;
    assert_eq!(got, (2, String::new(), expected.to_owned()));
}

#[test]
fn syntax_and_unknown_keys_fail_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(
        dir.path().join("trailguard.toml"),
        "[[rule]]\nname = \"r\"\npattern = '{\"source\":[\"aws.guardduty\"]}'\n  [[rule.target]]\n  type = \"webhook\"\n  url = \"https://example.com\"\n  secret = \"hunter2\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = outcome(dir.path(), &["config", "validate"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with("error:   × invalid configuration `trailguard.toml` (1 error(s))\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("× unknown field `secret`, expected one of"),
        "{stderr}"
    );
    assert!(stderr.contains("╭─[trailguard.toml:7:3]"), "{stderr}");
}

#[test]
fn a_missing_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = outcome(
        dir.path(),
        &["config", "validate", "--config", "absent.toml"],
    );
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with("error:   × failed to open file `absent.toml`"),
        "{stderr}"
    );
}

#[test]
fn detection_errors_are_reported_after_routing_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(
        dir.path().join("trailguard.toml"),
        "[detection]\nown_networks = [\"not-a-network\"]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = outcome(dir.path(), &["config", "validate"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.contains("× `not-a-network` is not an IP address or CIDR"),
        "{stderr}"
    );
    assert!(stderr.contains("╭─[trailguard.toml:2:17]"), "{stderr}");
}

#[test]
fn email_settings_are_validated_too() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(
        dir.path().join("trailguard.toml"),
        "[email]\nsmtp_hots = \"x\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = outcome(dir.path(), &["config", "validate"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("invalid `[email]`"), "{stderr}");
    assert!(stderr.contains("unknown field `smtp_hots`"), "{stderr}");
}

#[test]
fn the_configuration_page_shows_the_current_example() {
    let dir = tempfile::tempdir().unwrap();
    let (_, example, _) = outcome(dir.path(), &["config", "example"]);
    let page = fs_err::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/configuration.md"
    ))
    .unwrap();
    assert!(
        page.contains(&format!("```toml\n{example}```\n")),
        "docs/configuration.md must end with the output of `trailguard config example`"
    );
}

#[test]
fn aws_and_serve_settings_are_validated_too() {
    let dir = tempfile::tempdir().unwrap();
    for (text, expected) in [
        (
            "[aws]\nmax_attempts = 0\n",
            "`max_attempts` counts the first attempt",
        ),
        (
            "[serve]\nlisten = \"localhost\"\n",
            "[serve] listen `localhost`",
        ),
        (
            "[serve]\nreorder_window = \"soon\"\n",
            "[serve] reorder_window",
        ),
        (
            "[serve]\nqueue_capacty = 5\n",
            "unknown field `queue_capacty`",
        ),
    ] {
        fs_err::write(dir.path().join("trailguard.toml"), text).unwrap();
        let (code, stdout, stderr) = outcome(dir.path(), &["config", "validate"]);
        assert_eq!((code, stdout.as_str()), (2, ""), "{text}");
        assert!(stderr.contains(expected), "{text}: {stderr}");
    }
}
