use super::*;

const WORKSHOP_RULE: &str = r#"
[[rule]]
name = "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration"
pattern = '{"source":["aws.guardduty"],"detail":{"type":[{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}}'
  [[rule.target]]
  type = "email"
  to = ["secops@example.com"]
  input_transformer = { input_paths_map = { gdid = "$.detail.id", userName = "$.detail.resource.accessKeyDetails.userName" }, input_template = '"GuardDuty Finding | ID:<gdid>: An EC2 instance IAM credentials (Role: <userName>) may be compromised and should be investigated."' }
  [[rule.target]]
  type = "remediate"
  action = "revoke-role-sessions"
"#;

fn parse(text: &str) -> RoutingConfig {
    toml::from_str(text).unwrap()
}

/// Issues as `line: message`, lines 1-based.
fn issues(text: &str, base_dir: &Path) -> Vec<String> {
    let errors = parse(text).validate(base_dir).unwrap_err();
    errors
        .iter()
        .map(|issue| {
            let start = issue.span.clone().unwrap().start;
            let line = text[..start].matches('\n').count() + 1;
            format!("{line}: {}", issue.message)
        })
        .collect()
}

#[test]
fn empty_file_gives_defaults() {
    let validated = parse("").validate(Path::new(".")).unwrap();
    assert_eq!(validated, Validated::default());
    assert_eq!(validated.response.source, "aws.guardduty");
    assert_eq!(validated.response.update_interval, Duration::from_secs(900));
}

#[test]
fn workshop_rule_validates() {
    let validated = parse(WORKSHOP_RULE).validate(Path::new(".")).unwrap();
    assert_eq!(validated.rules.len(), 1);
    let rule = &validated.rules[0];
    assert!(rule.enabled);
    let ids: Vec<&str> = rule.targets.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["email-1", "remediate-2"]);
    assert_eq!(validated.target_count(), 2);
    let event = serde_json::json!({"source":"aws.guardduty","detail":{"type":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"}});
    assert!(rule.pattern.matches(&event));
}

#[test]
fn response_section_is_read() {
    let text = r#"
[response]
source = "trailguard"
update_interval = "1h"
allowed_roles = ["GuardDuty-Example-EC2-Compromised"]
allowed_accounts = ["111122223333"]
"#;
    let response = parse(text).validate(Path::new(".")).unwrap().response;
    assert_eq!(
        response,
        Response {
            source: "trailguard".into(),
            update_interval: Duration::from_secs(3600),
            allowed_roles: vec!["GuardDuty-Example-EC2-Compromised".into()],
            allowed_accounts: vec!["111122223333".into()],
        }
    );
}

#[test]
fn every_problem_is_reported_with_its_line() {
    let text = r#"[response]
update_interval = "soon"
allowed_accounts = ["1234"]

[[suppress]]
name = "no pattern"

[[severity]]
pattern = '{"detail":{"type":["x"]}}'
severity = 11

[[rule]]
name = "bad-pattern"
pattern = '{"detail":{"type":"x"}}'

[[rule]]
name = "two-inputs"
pattern = '{"source":["aws.guardduty"]}'
  [[rule.target]]
  type = "sns"
  topic_arn = "arn:aws:sns:us-west-2:111122223333:t"
  input = '{"a":1}'
  input_path = "$.detail"
  [[rule.target]]
  type = "email"
  to = ["a@example.com"]
  input_transformer = { input_paths_map = { gdid = "$.detail.id" }, input_template = '"<gdid> <role>"' }
  [[rule.target]]
  type = "remediate"
  action = "delete-account"

[[rule]]
name = "two-inputs"
pattern = '{"source":["aws.guardduty"]}'

[[rule]]
name = "bad name"
pattern = '{"source":["aws.guardduty"]}'
"#;
    assert_eq!(
        issues(text, Path::new(".")),
        [
            "2: response: update_interval: `soon` is not a duration: expected a number and a unit, like `90s`, `15m`, `1h` or `1h30m`",
            "3: response: allowed_accounts: `1234` is not a 12-digit AWS account id",
            "5: suppress `no pattern`: needs `pattern` or `pattern_file`",
            "10: severity #1: severity must be between 1.0 and 10.0, not 11",
            "14: rule `bad-pattern`: invalid pattern: \"type\" must be an object or an array",
            "19: rule `two-inputs`, target `sns-1`: only one of `input`, `input_path` or `input_transformer` may be set",
            "24: rule `two-inputs`, target `email-2`: input_transformer: InputTemplate contains invalid placeholder role.",
            "28: rule `two-inputs`, target `remediate-3`: unknown action `delete-account`: expected one of revoke-role-sessions, deny-instance-session, restrict-role-to-vpc, isolate-instance, snapshot-volumes, enforce-imdsv2, tag-resource, detach-instance-profile",
            "32: rule `two-inputs`: another rule has the same name",
            "36: rule `bad name`: the name must be 1 to 64 letters, digits, `.`, `-` or `_`",
        ]
    );
}

#[test]
fn pattern_files_are_relative_to_the_config() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(
        dir.path().join("ice.json"),
        r#"{"detail":{"type":[{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}}"#,
    )
    .unwrap();
    let text = r#"
[[rule]]
name = "from-file"
pattern_file = "ice.json"

[[rule]]
name = "missing-file"
pattern_file = "nope.json"

[[rule]]
name = "both"
pattern = '{"source":["aws.guardduty"]}'
pattern_file = "ice.json"

[[rule]]
name = "neither"
"#;
    let got = issues(text, dir.path());
    assert_eq!(got.len(), 3, "{got:#?}");
    assert!(
        got[0].starts_with("8: rule `missing-file`: cannot read pattern_file: "),
        "{}",
        got[0]
    );
    assert_eq!(
        got[1],
        "13: rule `both`: set `pattern` or `pattern_file`, not both"
    );
    assert_eq!(
        got[2],
        "15: rule `neither`: needs `pattern` or `pattern_file`"
    );

    let ok = parse("[[rule]]\nname = \"from-file\"\npattern_file = \"ice.json\"\n")
        .validate(dir.path())
        .unwrap();
    let event = serde_json::json!({"detail":{"type":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS"}});
    assert!(ok.rules[0].pattern.matches(&event));
}

#[test]
fn unknown_keys_fail_while_parsing() {
    let cases = [
        ("[response]\nsorce = \"x\"\n", "unknown field `sorce`"),
        (
            "[[rule]]\nname = \"r\"\npattern = '{}'\n[[rule.target]]\ntype = \"email\"\nsecret = \"hunter2\"\n",
            "unknown field `secret`",
        ),
        (
            "[[rule]]\nname = \"r\"\n[[rule.target]]\ntype = \"pager\"\n",
            "unknown variant `pager`",
        ),
        (
            "[[suppress]]\nname = \"s\"\npattern = '{}'\nseverity = 3\n",
            "unknown field `severity`",
        ),
    ];
    for (text, expected) in cases {
        let error = toml::from_str::<RoutingConfig>(text).unwrap_err();
        assert!(
            error.message().contains(expected),
            "{text}: {}",
            error.message()
        );
    }
}

#[test]
fn disabled_rules_and_named_overrides_are_kept() {
    let text = r#"
[[severity]]
name = "ci runners are medium"
pattern = '{"detail":{"resource":{"accessKeyDetails":{"userName":["ci-runner-role"]}}}}'
severity = 5

[[suppress]]
name = "vpn egress"
pattern = '{"detail":{"service":{"action":{"awsApiCallAction":{"remoteIpDetails":{"ipAddressV4":[{"cidr":"198.51.100.0/24"}]}}}}}}'

[[rule]]
name = "off"
enabled = false
description = "kept for later"
pattern = '{"source":["aws.guardduty"]}'
"#;
    let validated = parse(text).validate(Path::new(".")).unwrap();
    assert_eq!(
        validated.severity_overrides[0].name,
        "ci runners are medium"
    );
    assert!((validated.severity_overrides[0].severity - 5.0).abs() < f64::EPSILON);
    assert_eq!(validated.suppressions[0].name, "vpn egress");
    assert!(!validated.rules[0].enabled);
    assert_eq!(
        validated.rules[0].description.as_deref(),
        Some("kept for later")
    );
}

#[test]
fn placeholders_left_by_the_import_are_listed() {
    let text = r#"
[[rule]]
name = "imported"
pattern = '{"source":["aws.guardduty"]}'
  [[rule.target]]
  type = "sns"
  id = "Topic"
  topic_arn = "<Ref GuardDutySNSTopic>"
  [[rule.target]]
  type = "lambda"
  function_name = "<GetAtt RemediationLambdaICE.Arn>"
  [[rule.target]]
  type = "sns"
  topic_arn = "arn:aws:sns:us-west-2:111122223333:GuardDuty-Example"
  [[rule.target]]
  type = "lambda"
  function_name = "<not a placeholder>x"
"#;
    let validated = parse(text).validate(Path::new(".")).unwrap();
    assert_eq!(
        validated.unfilled_placeholders(),
        [
            "rule `imported`, target `Topic`: `topic_arn` is still the placeholder `<Ref GuardDutySNSTopic>`",
            "rule `imported`, target `lambda-2`: `function_name` is still the placeholder `<GetAtt RemediationLambdaICE.Arn>`",
        ]
    );
    assert!(is_placeholder("<Sub arn:aws:sns:${AWS::Region}:1:t>"));
    assert!(is_placeholder("<Join [\":\",[\"a\",\"b\"]]>"));
    assert!(!is_placeholder("<>"));
    assert!(!is_placeholder("plain"));
}
