//! The GuardDuty workshop's four rules (docs/workshop-scenario.md §2) on a Scenario 3 finding.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use pattern::{InputTransformer, Matcher, Pattern, TargetInput, TransformContext};

fn envelope() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/workshop-finding-envelope.json");
    fs_err::read_to_string(path).unwrap()
}

/// The four rules of the v2 template, converted from YAML to JSON, with their SNS transformers.
struct WorkshopRule {
    name: &'static str,
    pattern: &'static str,
    paths: &'static [(&'static str, &'static str)],
    template: &'static str,
}

const USER_AND_ID: &[(&str, &str)] = &[
    ("userName", "$.detail.resource.accessKeyDetails.userName"),
    ("gdid", "$.detail.id"),
];

const RULES: [WorkshopRule; 4] = [
    WorkshopRule {
        name: "GuardDuty-Event-EC2-MaliciousIPCaller",
        pattern: r#"{"source":["aws.guardduty"],"detail":{"type":["UnauthorizedAccess:EC2/MaliciousIPCaller.Custom"]}}"#,
        paths: &[
            ("instanceid", "$.detail.resource.instanceDetails.instanceId"),
            ("gdid", "$.detail.id"),
        ],
        template: r#""GuardDuty Finding | ID:<gdid>: The EC2 instance <instanceid> may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty""#,
    },
    WorkshopRule {
        name: "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration",
        pattern: r#"{"source":["aws.guardduty"],"detail":{"type":["UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"]}}"#,
        paths: USER_AND_ID,
        template: r#""GuardDuty Finding | ID:<gdid>: An EC2 instance IAM credentials (Role: <userName>) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty""#,
    },
    WorkshopRule {
        name: "GuardDuty-Event-IAMUser-MaliciousIPCaller",
        pattern: r#"{"source":["aws.guardduty"],"detail":{"type":["UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom","Discovery:S3/MaliciousIPCaller.Custom"]}}"#,
        paths: USER_AND_ID,
        template: r#""GuardDuty Finding | ID:<gdid>: An AWS API operation was invoked (userName: <userName>) from an IP address that is included on your threat list and should be investigated. Go to https://console.aws.amazon.com/guardduty""#,
    },
    WorkshopRule {
        name: "GuardDuty-Event-S3-Stealth-Policy",
        pattern: r#"{"source":["aws.guardduty"],"detail":{"type":["Policy:S3/BucketBlockPublicAccessDisabled","Stealth:S3/ServerAccessLoggingDisabled"]}}"#,
        paths: &[
            ("userName", "$.detail.resource.accessKeyDetails.userName"),
            ("gdid", "$.detail.id"),
            ("account", "$.detail.accountId"),
        ],
        template: r#""GuardDuty Finding | ID:<gdid>: An AWS S3 related API operation was invoked by user (userName: <userName>) in account <account> . This activity seems suspicious. Please investigate with the user to check if this was expectated behaviour. Go to https://console.aws.amazon.com/guardduty""#,
    },
];

/// The workshop's prefix form, which also matches the renamed `.OutsideAWS` type.
const PREFIX_RULE: &str = r#"{"source":["aws.guardduty"],"detail":{"type":[{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}}"#;

fn render(rule: &WorkshopRule, event: &str) -> String {
    let transformer = InputTransformer::new(rule.paths.iter().copied(), rule.template).unwrap();
    TargetInput::new(None, None, Some(transformer))
        .unwrap()
        .render(event, &TransformContext::default())
        .unwrap()
}

#[test]
fn none_of_the_four_exact_rules_fires_on_the_renamed_finding_type() {
    let event = envelope();
    for rule in &RULES {
        let pattern = Pattern::parse(rule.pattern).unwrap();
        assert!(
            !pattern.matches_json(&event).unwrap(),
            "{} fired",
            rule.name
        );
    }
}

#[test]
fn the_prefix_form_fires_on_the_outside_aws_type() {
    let pattern = Pattern::parse(PREFIX_RULE).unwrap();
    assert!(pattern.matches_json(&envelope()).unwrap());
}

#[test]
fn the_exact_rule_fires_on_the_pre_2021_type_name() {
    let renamed = envelope().replace(
        "InstanceCredentialExfiltration.OutsideAWS",
        "InstanceCredentialExfiltration",
    );
    let patterns = RULES
        .iter()
        .map(|r| (r.name, Pattern::parse(r.pattern).unwrap()));
    let matcher = Matcher::new(patterns);
    assert_eq!(
        matcher.matches_json(&renamed).unwrap(),
        [&"GuardDuty-Event-IAMUser-InstanceCredentialExfiltration"]
    );
    assert!(matcher.matches_json(&envelope()).unwrap().is_empty());
}

#[test]
fn scenario_3_notification_text() {
    assert_eq!(
        render(&RULES[1], &envelope()),
        "\"GuardDuty Finding | ID:7c2e9a4b1d3f5e6a8b0c2d4e6f8a0b1c: An EC2 instance IAM credentials \
         (Role: GuardDuty-Example-EC2-Compromised) may be compromised and should be investigated. \
         Go to https://console.aws.amazon.com/guardduty\""
    );
}

#[test]
fn the_other_templates_render_from_the_same_finding() {
    let event = envelope();
    assert_eq!(
        render(&RULES[0], &event),
        "\"GuardDuty Finding | ID:7c2e9a4b1d3f5e6a8b0c2d4e6f8a0b1c: The EC2 instance i-0a1b2c3d4e5f60718 \
         may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\""
    );
    assert_eq!(
        render(&RULES[2], &event),
        "\"GuardDuty Finding | ID:7c2e9a4b1d3f5e6a8b0c2d4e6f8a0b1c: An AWS API operation was invoked \
         (userName: GuardDuty-Example-EC2-Compromised) from an IP address that is included on your \
         threat list and should be investigated. Go to https://console.aws.amazon.com/guardduty\""
    );
    assert_eq!(
        render(&RULES[3], &event),
        "\"GuardDuty Finding | ID:7c2e9a4b1d3f5e6a8b0c2d4e6f8a0b1c: An AWS S3 related API operation was \
         invoked by user (userName: GuardDuty-Example-EC2-Compromised) in account 123456789012 . This \
         activity seems suspicious. Please investigate with the user to check if this was expectated \
         behaviour. Go to https://console.aws.amazon.com/guardduty\""
    );
}

#[test]
fn the_design_rule_and_its_email_template() {
    let pattern = Pattern::parse(PREFIX_RULE).unwrap();
    let event = envelope();
    assert!(pattern.matches_json(&event).unwrap());
    let transformer = InputTransformer::new(
        [("gdid", "$.detail.id"), ("userName", "$.detail.resource.accessKeyDetails.userName")],
        r#""GuardDuty Finding | ID:<gdid>: An EC2 instance IAM credentials (Role: <userName>) may be compromised and should be investigated.""#,
    )
    .unwrap();
    let output = TargetInput::new(None, None, Some(transformer))
        .unwrap()
        .render(&event, &TransformContext::default())
        .unwrap();
    assert_eq!(
        output,
        "\"GuardDuty Finding | ID:7c2e9a4b1d3f5e6a8b0c2d4e6f8a0b1c: An EC2 instance IAM credentials \
         (Role: GuardDuty-Example-EC2-Compromised) may be compromised and should be investigated.\""
    );
}
