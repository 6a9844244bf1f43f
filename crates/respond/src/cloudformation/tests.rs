use std::path::Path;

use super::*;
use crate::config::RoutingConfig;

const YAML: &str = r#"
Resources:
  Topic:
    Type: AWS::SNS::Topic
  Fn:
    Type: AWS::Lambda::Function
  Queue:
    Type: AWS::SQS::Queue
  IceRule:
    Type: AWS::Events::Rule
    Properties:
      Name: ice
      Description: "GuardDuty Event: UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"
      EventPattern:
        source: [aws.guardduty]
        detail:
          type: [UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration]
      State: ENABLED
      Targets:
        - Arn: !GetAtt Fn.Arn
          Id: Lambda-Trigger
        - Arn: !Ref Topic
          Id: Mail
          InputTransformer:
            InputPathsMap:
              gdid: "$.detail.id"
            InputTemplate: '"Finding <gdid>"'
        - Arn: !GetAtt Queue.Arn
          Id: Queue
"#;

const JSON: &str = r#"{
  "Resources": {
    "Off": {
      "Type": "AWS::Events::Rule",
      "Properties": {
        "State": "DISABLED",
        "EventPattern": "{\"source\":[\"aws.guardduty\"]}",
        "Targets": [
          {"Arn": "arn:aws:sns:us-west-2:111122223333:alerts", "Id": "Alerts", "InputPath": "$.detail"},
          {"Arn": {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:f"}, "Id": "F",
           "Input": "{\"k\":1}", "RetryPolicy": {"MaximumRetryAttempts": 2}}
        ]
      }
    },
    "NotARule": {"Type": "AWS::SNS::Topic"}
  }
}"#;

#[test]
fn yaml_rules_become_lambda_and_sns_targets_with_placeholders() {
    let import = import(YAML).unwrap();
    assert_eq!(import.rules.len(), 1);
    let rule = &import.rules[0];
    assert_eq!(rule.name, "ice");
    assert!(rule.enabled);
    assert!(rule.renamed_type);
    assert_eq!(
        rule.pattern.as_deref(),
        Some(
            r#"{"source":["aws.guardduty"],"detail":{"type":[{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}}"#
        )
    );
    let targets: Vec<_> = rule
        .targets
        .iter()
        .map(|t| {
            (
                t.kind,
                t.id.as_deref(),
                t.function_name.as_deref(),
                t.topic_arn.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        targets,
        [
            (
                TargetType::Lambda,
                Some("Lambda-Trigger"),
                Some("<GetAtt Fn.Arn>"),
                None
            ),
            (TargetType::Sns, Some("Mail"), None, Some("<Ref Topic>")),
        ]
    );
    assert_eq!(
        rule.notes,
        [
            "Skipped target `Queue` (<GetAtt Queue.Arn>) is neither a Lambda function nor an SNS topic."
        ]
    );
    assert_eq!(
        import.warnings,
        [
            "rule `ice`: its pattern matches `detail.type` exactly `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration`, which GuardDuty renamed to `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS` in September 2021 (and added `.InsideAWS` in January 2022), so the exact match no longer fires; imported with {\"prefix\": \"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration\"}, which matches all three",
            "rule `ice`: target `Lambda-Trigger` function_name is the placeholder `<GetAtt Fn.Arn>` (Fn is an AWS::Lambda::Function): replace it with the deployed value",
            "rule `ice`: target `Mail` topic_arn is the placeholder `<Ref Topic>` (Topic is an AWS::SNS::Topic): replace it with the deployed value",
            "rule `ice`: target `Queue` (<GetAtt Queue.Arn>) is neither a Lambda function nor an SNS topic: skipped",
        ]
    );
}

#[test]
fn json_templates_with_long_forms_and_disabled_rules() {
    let import = import(JSON).unwrap();
    let rule = &import.rules[0];
    assert_eq!(rule.name, "Off");
    assert!(!rule.enabled);
    assert!(!rule.renamed_type);
    assert_eq!(
        rule.pattern.as_deref(),
        Some(r#"{"source":["aws.guardduty"]}"#)
    );
    assert_eq!(
        rule.notes,
        ["The template lets CloudFormation name this rule; named after its logical id `Off`."]
    );
    assert_eq!(rule.targets[0].kind, TargetType::Sns);
    assert_eq!(
        rule.targets[0].topic_arn.as_deref(),
        Some("arn:aws:sns:us-west-2:111122223333:alerts")
    );
    assert_eq!(rule.targets[0].input_path.as_deref(), Some("$.detail"));
    assert_eq!(rule.targets[1].kind, TargetType::Lambda);
    assert_eq!(
        rule.targets[1].function_name.as_deref(),
        Some("<Sub arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:f>")
    );
    assert_eq!(rule.targets[1].input.as_deref(), Some(r#"{"k":1}"#));
    assert_eq!(
        import.warnings,
        [
            "rule `Off`: target `F` function_name is the placeholder `<Sub arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:f>`: replace it with the deployed value",
            "rule `Off`: target `F`: RetryPolicy is ignored (trailguard retries each target itself and keeps failed deliveries in its store)",
        ]
    );
}

#[test]
fn toml_output_is_exact_and_validates() {
    let toml_text = import(YAML).unwrap().to_toml();
    let expected = r#"# trailguard rules imported from a CloudFormation template (trailguard rules import-cloudformation).
# Values like "<Ref Name>" stand for CloudFormation intrinsics: replace them with deployed values.

# From AWS::Events::Rule `IceRule`.
# Skipped target `Queue` (<GetAtt Queue.Arn>) is neither a Lambda function nor an SNS topic.
[[rule]]
name = 'ice'
description = 'GuardDuty Event: UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration'
# The template matches the type `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration` exactly. GuardDuty renamed it
# `.OutsideAWS` in September 2021 and added `.InsideAWS` in January 2022, so that match no
# longer fires: this pattern uses {"prefix": …} instead, which matches all three.
pattern = '{"source":["aws.guardduty"],"detail":{"type":[{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}}'

  [[rule.target]]
  type = 'lambda'
  id = 'Lambda-Trigger'
  function_name = '<GetAtt Fn.Arn>'   # placeholder: replace with the deployed value

  [[rule.target]]
  type = 'sns'
  id = 'Mail'
  topic_arn = '<Ref Topic>'   # placeholder: replace with the deployed value
  input_transformer = { input_paths_map = { gdid = '$.detail.id' }, input_template = '"Finding <gdid>"' }
"#;
    assert_eq!(toml_text, expected);
    let config: RoutingConfig = toml::from_str(&toml_text).unwrap();
    let validated = config.validate(Path::new(".")).unwrap();
    assert_eq!(validated.rules.len(), 1);
    assert_eq!(validated.target_count(), 2);

    let disabled: RoutingConfig = toml::from_str(&import(JSON).unwrap().to_toml()).unwrap();
    let validated = disabled.validate(Path::new(".")).unwrap();
    assert!(!validated.rules[0].enabled);
}

#[test]
fn bad_templates_are_errors() {
    let cases = [
        ("Resources: [1", "the template is not valid YAML: "),
        ("{\"Resources\": ", "the template is not valid JSON: "),
        (
            "AWSTemplateFormatVersion: '2010-09-09'",
            "the template has no `Resources` mapping",
        ),
    ];
    for (text, prefix) in cases {
        let error = import(text).unwrap_err().to_string();
        assert!(error.starts_with(prefix), "{text}: {error}");
    }
    let empty = import("Resources:\n  T:\n    Type: AWS::SNS::Topic\n").unwrap();
    assert_eq!(empty.rules, []);
    assert_eq!(
        empty.warnings,
        ["the template has no AWS::Events::Rule resource"]
    );
}
