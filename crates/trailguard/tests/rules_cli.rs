//! `trailguard rules import-cloudformation`: the workshop's template imports to the expected
//! TOML, and findings routed through the imported rules give exactly the workshop's texts
//! (docs/workshop-scenario.md §2), quotes included.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::collections::HashMap;
use std::path::Path;

use assert_cmd::Command;
use respond::config::{RoutingConfig, TargetKind};
use respond::router::{Outcome, Router};
use serde_json::{Value, json};

const TEMPLATE: &str = "tests/fixtures/workshop-template.yml";
const EXPECTED_TOML: &str = include_str!("fixtures/workshop-template.expected.toml");

fn outcome(args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("trailguard")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn imported_router() -> Router {
    let (code, toml_text, _) = outcome(&["rules", "import-cloudformation", TEMPLATE]);
    assert_eq!(code, 0);
    let config: RoutingConfig = toml::from_str(&toml_text).unwrap();
    Router::from_config(&config, Path::new(".")).unwrap()
}

#[test]
fn workshop_template_imports_to_the_expected_toml_with_warnings() {
    let (code, stdout, stderr) = outcome(&["rules", "import-cloudformation", TEMPLATE]);
    assert_eq!(code, 0);
    assert_eq!(stdout, EXPECTED_TOML);
    let expected_warnings = "\
warning: rule `GuardDuty-Event-EC2-MaliciousIPCaller`: target `GuardDutyEvent-Lambda-Trigger` function_name is the placeholder `<GetAtt RemediationLambdaEC2.Arn>` (RemediationLambdaEC2 is an AWS::Lambda::Function): replace it with the deployed value
warning: rule `GuardDuty-Event-EC2-MaliciousIPCaller`: target `GuardDutySNSTopic-EC2-ThreatList` topic_arn is the placeholder `<Ref GuardDutySNSTopic>` (GuardDutySNSTopic is an AWS::SNS::Topic): replace it with the deployed value
warning: rule `GuardDuty-Event-IAMUser-InstanceCredentialExfiltration`: its pattern matches `detail.type` exactly `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration`, which GuardDuty renamed to `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS` in September 2021 (and added `.InsideAWS` in January 2022), so the exact match no longer fires; imported with {\"prefix\": \"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration\"}, which matches all three
warning: rule `GuardDuty-Event-IAMUser-InstanceCredentialExfiltration`: target `GuardDutyEvent-Lambda-Trigger` function_name is the placeholder `<GetAtt RemediationLambdaICE.Arn>` (RemediationLambdaICE is an AWS::Lambda::Function): replace it with the deployed value
warning: rule `GuardDuty-Event-IAMUser-InstanceCredentialExfiltration`: target `GuardDutySNSTopic-EC2-IAM` topic_arn is the placeholder `<Ref GuardDutySNSTopic>` (GuardDutySNSTopic is an AWS::SNS::Topic): replace it with the deployed value
warning: rule `GuardDuty-Event-IAMUser-MaliciousIPCaller`: target `GuardDutySNSTopic-IAM-ThreatList` topic_arn is the placeholder `<Ref GuardDutySNSTopic>` (GuardDutySNSTopic is an AWS::SNS::Topic): replace it with the deployed value
warning: rule `GuardDuty-Event-S3-Stealth-Policy`: target `GuardDutySNSTopic-IAM-ThreatList` topic_arn is the placeholder `<Ref GuardDutySNSTopic>` (GuardDutySNSTopic is an AWS::SNS::Topic): replace it with the deployed value
";
    assert_eq!(stderr, expected_warnings);
}

#[test]
fn imported_rules_are_valid_configuration_with_placeholders_to_fill() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(dir.path().join("trailguard.toml"), EXPECTED_TOML).unwrap();
    let output = Command::cargo_bin("trailguard")
        .unwrap()
        .current_dir(dir.path())
        .args(["config", "validate"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "ok: 4 rules (4 enabled), 6 targets, 0 suppressions, 0 severity overrides\n"
    );
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "\
warning: rule `GuardDuty-Event-EC2-MaliciousIPCaller`, target `GuardDutyEvent-Lambda-Trigger`: `function_name` is still the placeholder `<GetAtt RemediationLambdaEC2.Arn>`
warning: rule `GuardDuty-Event-EC2-MaliciousIPCaller`, target `GuardDutySNSTopic-EC2-ThreatList`: `topic_arn` is still the placeholder `<Ref GuardDutySNSTopic>`
warning: rule `GuardDuty-Event-IAMUser-InstanceCredentialExfiltration`, target `GuardDutyEvent-Lambda-Trigger`: `function_name` is still the placeholder `<GetAtt RemediationLambdaICE.Arn>`
warning: rule `GuardDuty-Event-IAMUser-InstanceCredentialExfiltration`, target `GuardDutySNSTopic-EC2-IAM`: `topic_arn` is still the placeholder `<Ref GuardDutySNSTopic>`
warning: rule `GuardDuty-Event-IAMUser-MaliciousIPCaller`, target `GuardDutySNSTopic-IAM-ThreatList`: `topic_arn` is still the placeholder `<Ref GuardDutySNSTopic>`
warning: rule `GuardDuty-Event-S3-Stealth-Policy`, target `GuardDutySNSTopic-IAM-ThreatList`: `topic_arn` is still the placeholder `<Ref GuardDutySNSTopic>`
"
    );
    assert_eq!(output.status.code(), Some(0));
}

/// A finding of `finding_type` with id `X`, as docs §4 reconstructs it.
fn finding(finding_type: &str) -> Value {
    json!({
        "schemaVersion": "2.0", "accountId": "111122223333", "region": "us-west-2", "partition": "aws",
        "id": "X", "arn": "arn:aws:guardduty:us-west-2:111122223333:detector/det/finding/X",
        "type": finding_type, "severity": 8, "title": "t", "description": "d",
        "createdAt": "2021-03-08T12:00:00.000Z", "updatedAt": "2021-03-08T12:00:00.000Z",
        "resource": {"resourceType": "AccessKey",
            "accessKeyDetails": {"accessKeyId": "ASIAEXAMPLE", "principalId": "AROAEXAMPLE:i-0123456789abcdef0",
                "userName": "GuardDuty-Example-EC2-Compromised", "userType": "AssumedRole"},
            "instanceDetails": {"instanceId": "i-0123456789abcdef0"}},
        "service": {"serviceName": "guardduty", "detectorId": "det", "archived": false, "count": 1,
            "eventFirstSeen": "2021-03-08T12:00:00.000Z", "eventLastSeen": "2021-03-08T12:00:00.000Z",
            "resourceRole": "TARGET", "additionalInfo": {"value": "{}", "type": "default"},
            "action": {"actionType": "AWS_API_CALL"}}
    })
}

/// (rule, target id, kind, input) for each dispatch.
fn dispatches(router: &Router, input: &Value) -> Vec<(String, String, &'static str, String)> {
    let Outcome::Routed(routed) = router.route(input, &mut HashMap::new()).unwrap() else {
        panic!("not routed");
    };
    routed
        .dispatches
        .iter()
        .map(|d| {
            let kind = match d.target.kind {
                TargetKind::Lambda { .. } => "lambda",
                TargetKind::Sns { .. } => "sns",
                _ => "other",
            };
            (
                d.rule.to_owned(),
                d.target_id.to_owned(),
                kind,
                d.input.clone(),
            )
        })
        .collect()
}

#[test]
fn imported_rules_give_the_workshop_texts() {
    let router = imported_router();
    let cases = [
        (
            "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom",
            "GuardDuty-Event-EC2-MaliciousIPCaller",
            "GuardDutySNSTopic-EC2-ThreatList",
            "\"GuardDuty Finding | ID:X: The EC2 instance i-0123456789abcdef0 may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\"",
        ),
        (
            "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
            "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration",
            "GuardDutySNSTopic-EC2-IAM",
            "\"GuardDuty Finding | ID:X: An EC2 instance IAM credentials (Role: GuardDuty-Example-EC2-Compromised) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\"",
        ),
        (
            "Discovery:S3/MaliciousIPCaller.Custom",
            "GuardDuty-Event-IAMUser-MaliciousIPCaller",
            "GuardDutySNSTopic-IAM-ThreatList",
            "\"GuardDuty Finding | ID:X: An AWS API operation was invoked (userName: GuardDuty-Example-EC2-Compromised) from an IP address that is included on your threat list and should be investigated. Go to https://console.aws.amazon.com/guardduty\"",
        ),
        (
            "Stealth:S3/ServerAccessLoggingDisabled",
            "GuardDuty-Event-S3-Stealth-Policy",
            "GuardDutySNSTopic-IAM-ThreatList",
            "\"GuardDuty Finding | ID:X: An AWS S3 related API operation was invoked by user (userName: GuardDuty-Example-EC2-Compromised) in account 111122223333 . This activity seems suspicious. Please investigate with the user to check if this was expectated behaviour. Go to https://console.aws.amazon.com/guardduty\"",
        ),
    ];
    for (finding_type, rule, target, text) in cases {
        let got = dispatches(&router, &finding(finding_type));
        let sns: Vec<_> = got.iter().filter(|d| d.2 == "sns").collect();
        assert_eq!(sns.len(), 1, "{finding_type}: {got:#?}");
        assert_eq!(
            (sns[0].0.as_str(), sns[0].1.as_str(), sns[0].3.as_str()),
            (rule, target, text)
        );
    }
}

#[test]
fn the_prefix_fix_routes_every_generation_of_the_type() {
    let router = imported_router();
    for suffix in ["", ".OutsideAWS", ".InsideAWS"] {
        let finding_type =
            format!("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration{suffix}");
        let got = dispatches(&router, &finding(&finding_type));
        let kinds: Vec<(&str, &str)> = got.iter().map(|d| (d.1.as_str(), d.2)).collect();
        assert_eq!(
            kinds,
            [
                ("GuardDutyEvent-Lambda-Trigger", "lambda"),
                ("GuardDutySNSTopic-EC2-IAM", "sns")
            ],
            "{finding_type}"
        );
        // The workshop's Lambda receives the whole event, as EventBridge delivers it.
        let event: Value = serde_json::from_str(&got[0].3).unwrap();
        assert_eq!(event["detail-type"], "GuardDuty Finding");
        assert_eq!(
            event["detail"]["resource"]["accessKeyDetails"]["userName"],
            "GuardDuty-Example-EC2-Compromised"
        );
    }
}

#[test]
fn a_hunt_finding_gets_the_workshop_email_text() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let logs = logs.to_str().unwrap();
    let (code, _, _) = outcome(&["simulate", "workshop", "--out", logs, "--quiet"]);
    assert_eq!(code, 0);
    let (code, json_text, _) = outcome(&["hunt", logs, "--format", "json", "--quiet"]);
    assert_eq!(code, 0);
    let findings: Vec<Value> = serde_json::from_str(&json_text).unwrap();
    let ice = findings
        .iter()
        .find(|f| {
            f["type"] == "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"
        })
        .expect("the workshop scenario raises an OutsideAWS finding");
    let id = ice["id"].as_str().unwrap();
    let got = dispatches(&imported_router(), ice);
    let sns: Vec<&str> = got
        .iter()
        .filter(|d| d.2 == "sns")
        .map(|d| d.3.as_str())
        .collect();
    assert_eq!(
        sns,
        [format!(
            "\"GuardDuty Finding | ID:{id}: An EC2 instance IAM credentials (Role: GuardDuty-Example-EC2-Compromised) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\""
        )]
    );
}

#[test]
fn a_missing_or_broken_template_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yml");
    fs_err::write(&broken, "Resources: [\n").unwrap();
    let (code, stdout, stderr) =
        outcome(&["rules", "import-cloudformation", broken.to_str().unwrap()]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.contains("the template is not valid YAML: did not find expected node content"),
        "{stderr}"
    );
    let (code, _, stderr) = outcome(&["rules", "import-cloudformation", "no-such-template.yml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("failed to open file `no-such-template.yml`"),
        "{stderr}"
    );
}
