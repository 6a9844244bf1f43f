//! Golden tests of `trailguard pattern test|transform`: exact stdout, stderr and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use assert_cmd::Command;

const EVENT: &str = r#"{"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","time":"2015-11-11T21:29:54Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],"detail":{"instance-id":"i-0123456789","state":"RUNNING"}}"#;

fn trailguard(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("trailguard")
        .unwrap()
        .args(args)
        .assert()
}

fn outcome(args: &[&str]) -> (i32, String, String) {
    let output = trailguard(args).get_output().clone();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn test_prints_true_and_exits_0_on_a_match() {
    let got = outcome(&[
        "pattern",
        "test",
        "--pattern",
        r#"{"source":["aws.ec2"],"detail":{"state":["RUNNING"]}}"#,
        "--event",
        EVENT,
    ]);
    assert_eq!(got, (0, "true\n".into(), String::new()));
}

#[test]
fn test_prints_false_and_exits_1_without_a_match() {
    let got = outcome(&[
        "pattern",
        "test",
        "--pattern",
        r#"{"source":["aws.s3"]}"#,
        "--event",
        EVENT,
    ]);
    assert_eq!(got, (1, "false\n".into(), String::new()));
}

#[test]
fn test_reads_pattern_and_event_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let pattern = dir.path().join("pattern.json");
    let event = dir.path().join("event.json");
    fs_err::write(
        &pattern,
        r#"{"detail":{"instance-id":[{"prefix":"i-0123"}]}}"#,
    )
    .unwrap();
    fs_err::write(&event, EVENT).unwrap();
    let got = outcome(&[
        "pattern",
        "test",
        "--pattern",
        pattern.to_str().unwrap(),
        "--event",
        event.to_str().unwrap(),
    ]);
    assert_eq!(got, (0, "true\n".into(), String::new()));
}

#[test]
fn test_rejects_an_invalid_pattern_with_eventbridges_reason() {
    let got = outcome(&[
        "pattern",
        "test",
        "--pattern",
        r#"{"source":"aws.ec2"}"#,
        "--event",
        EVENT,
    ]);
    assert_eq!(
        got,
        (
            2,
            String::new(),
            "error: \"source\" must be an object or an array\n".into()
        )
    );
    let got = outcome(&[
        "pattern",
        "test",
        "--pattern",
        r#"{"a":[{"wildcard":"x**"}]}"#,
        "--event",
        EVENT,
    ]);
    assert_eq!(
        got,
        (
            2,
            String::new(),
            "error: Consecutive wildcard characters at pos 2\n".into()
        )
    );
}

#[test]
fn test_rejects_an_event_without_the_mandatory_fields() {
    let got = outcome(&[
        "pattern",
        "test",
        "--pattern",
        r#"{"source":["aws.ec2"]}"#,
        "--event",
        r#"{"source":"aws.ec2"}"#,
    ]);
    assert_eq!(
        got,
        (
            2,
            String::new(),
            "error: Parameter Event is not valid: it has no `id` field\n".into()
        )
    );
}

#[test]
fn test_rejects_an_event_that_is_not_json() {
    let got = outcome(&[
        "pattern",
        "test",
        "--pattern",
        r#"{"source":["aws.ec2"]}"#,
        "--event",
        "{nope",
    ]);
    assert_eq!(
        got,
        (
            2,
            String::new(),
            "error: event is not valid JSON: key must be a string at line 1 column 2\n".into()
        )
    );
}

#[test]
fn transform_with_a_text_template() {
    let got = outcome(&[
        "pattern",
        "transform",
        "--input-paths-map",
        r#"{"instance":"$.detail.instance-id","state":"$.detail.state"}"#,
        "--input-template",
        r#""<instance> is in state <state>""#,
        "--event",
        EVENT,
    ]);
    assert_eq!(
        got,
        (
            0,
            "\"i-0123456789 is in state RUNNING\"\n".into(),
            String::new()
        )
    );
}

#[test]
fn transform_with_a_json_template_and_predefined_variables() {
    let got = outcome(&[
        "pattern",
        "transform",
        "--input-paths-map",
        r#"{"state":"$.detail.state"}"#,
        "--input-template",
        r#"{"state": <state>, "rule": <aws.events.rule-arn>, "at": <aws.events.event.ingestion-time>}"#,
        "--rule-name",
        "r1",
        "--event-bus-name",
        "security",
        "--ingestion-time",
        "2015-11-11T21:29:55Z",
        "--event",
        EVENT,
    ]);
    assert_eq!(
        got,
        (0, "{\"state\": \"RUNNING\", \"rule\": \"arn:aws:events:us-east-1:123456789012:rule/security/r1\", \"at\": \"2015-11-11T21:29:55Z\"}\n".into(), String::new())
    );
}

#[test]
fn transform_with_an_input_path() {
    let got = outcome(&[
        "pattern",
        "transform",
        "--input-path",
        "$.detail",
        "--event",
        EVENT,
    ]);
    assert_eq!(
        got,
        (
            0,
            "{\"instance-id\":\"i-0123456789\",\"state\":\"RUNNING\"}\n".into(),
            String::new()
        )
    );
}

#[test]
fn transform_rejects_an_input_path_with_a_transformer() {
    let got = outcome(&[
        "pattern",
        "transform",
        "--input-path",
        "$.detail",
        "--input-paths-map",
        r#"{"s":"$.detail.state"}"#,
        "--input-template",
        "<s>",
        "--event",
        EVENT,
    ]);
    assert_eq!(
        got,
        (
            2,
            String::new(),
            "error: Only one of Input, InputPath, or InputTransformer must be provided\n".into()
        )
    );
}

#[test]
fn transform_rejects_a_placeholder_missing_from_the_paths_map() {
    let got = outcome(&[
        "pattern",
        "transform",
        "--input-paths-map",
        r#"{"s":"$.detail.state"}"#,
        "--input-template",
        r#""<s> <t>""#,
        "--event",
        EVENT,
    ]);
    assert_eq!(
        got,
        (
            2,
            String::new(),
            "error: InputTemplate contains invalid placeholder t.\n".into()
        )
    );
}

#[test]
fn transform_rejects_a_paths_map_without_a_template() {
    let got = outcome(&[
        "pattern",
        "transform",
        "--input-paths-map",
        r#"{"s":"$.detail.state"}"#,
        "--event",
        EVENT,
    ]);
    assert_eq!(
        got,
        (
            2,
            String::new(),
            "error: `--input-paths-map` needs `--input-template`\n".into()
        )
    );
}

#[test]
fn transform_without_options_delivers_the_whole_event() {
    let got = outcome(&["pattern", "transform", "--event", EVENT]);
    assert_eq!(got, (0, format!("{EVENT}\n"), String::new()));
}

#[test]
fn match_counts_events_per_rule_and_reports_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.jsonl");
    fs_err::write(
        &events,
        concat!(
            r#"{"source":"aws.guardduty","detail":{"severity":8,"type":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"}}"#,
            "\n",
            r#"{"source":"aws.guardduty","detail":{"severity":2,"type":"Recon:EC2/PortProbeUnprotectedPort"}}"#,
            "\n",
            "not json\n",
            r#"{"source":"aws.ec2","detail":{}}"#,
            "\n"
        ),
    )
    .unwrap();
    let rules = r#"{
        "exfiltration": {"detail": {"type": [{"prefix": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}},
        "guardduty": {"source": ["aws.guardduty"]},
        "high": {"detail": {"severity": [{"numeric": [">=", 7]}]}},
        "none": {"source": ["aws.s3"]}
    }"#;
    let output = Command::cargo_bin("trailguard")
        .unwrap()
        .args([
            "pattern",
            "match",
            "--rules",
            rules,
            "--events",
            events.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "exfiltration\t1\nguardduty\t2\nhigh\t1\nnone\t0\n"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("events.jsonl: line 3:"), "{stderr}");
    assert!(stderr.contains("3 events, 1 bad, 4 rules in"), "{stderr}");
}
