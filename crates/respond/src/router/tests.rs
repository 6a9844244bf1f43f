use std::collections::HashMap;

use serde_json::json;

use super::*;

const ICE: &str = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration";

/// A minimal GuardDuty instance-credential finding, as in docs/workshop-scenario.md §4.
fn finding(id: &str, finding_type: &str, updated_at: &str) -> Value {
    json!({
        "schemaVersion": "2.0", "accountId": "111122223333", "region": "us-west-2", "partition": "aws",
        "id": id, "arn": format!("arn:aws:guardduty:us-west-2:111122223333:detector/det/finding/{id}"),
        "type": finding_type, "severity": 8, "title": "t", "description": "d",
        "createdAt": "2023-07-10T12:00:00.000Z", "updatedAt": updated_at,
        "resource": {"resourceType": "AccessKey",
            "accessKeyDetails": {"accessKeyId": "ASIAEXAMPLE", "principalId": "AROAEXAMPLE:i-0123456789abcdef0",
                "userName": "GuardDuty-Example-EC2-Compromised", "userType": "AssumedRole"},
            "instanceDetails": {"instanceId": "i-0123456789abcdef0"}},
        "service": {"serviceName": "guardduty", "detectorId": "det", "archived": false, "count": 1,
            "eventFirstSeen": "2023-07-10T12:00:00.000Z", "eventLastSeen": updated_at, "resourceRole": "TARGET",
            "action": {"actionType": "AWS_API_CALL", "awsApiCallAction": {"api": "ListTables",
                "serviceName": "dynamodb.amazonaws.com", "callerType": "Remote IP",
                "remoteIpDetails": {"ipAddressV4": "198.51.100.7"}}},
            "additionalInfo": {"value": "{}", "type": "default"}}
    })
}

fn router(toml_text: &str) -> Router {
    let config: RoutingConfig = toml::from_str(toml_text).unwrap();
    Router::from_config(&config, Path::new(".")).unwrap()
}

const WORKSHOP: &str = r#"
[[rule]]
name = "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration"
pattern = '{"source":["aws.guardduty"],"detail":{"type":[{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}}'
  [[rule.target]]
  type = "sns"
  id = "GuardDutySNSTopic-EC2-IAM"
  topic_arn = "arn:aws:sns:us-west-2:111122223333:GuardDuty-Example"
  input_transformer = { input_paths_map = { gdid = "$.detail.id", userName = "$.detail.resource.accessKeyDetails.userName" }, input_template = '"GuardDuty Finding | ID:<gdid>: An EC2 instance IAM credentials (Role: <userName>) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty"' }
  [[rule.target]]
  type = "remediate"
  action = "revoke-role-sessions"
"#;

/// (rule, target id, input) of each dispatch, or the outcome's kind.
fn summary(outcome: &Outcome<'_>) -> Vec<(String, String, String)> {
    match outcome {
        Outcome::Routed(routed) => routed
            .dispatches
            .iter()
            .map(|d| (d.rule.to_owned(), d.target_id.to_owned(), d.input.clone()))
            .collect(),
        Outcome::Suppressed(s) => vec![("suppressed".into(), s.by.to_owned(), String::new())],
        Outcome::Throttled(t) => vec![("throttled".into(), t.due_ms.to_string(), String::new())],
    }
}

#[test]
fn workshop_rule_sends_the_workshop_text_for_every_type_generation() {
    let router = router(WORKSHOP);
    for finding_type in [
        ICE,
        &format!("{ICE}.OutsideAWS"),
        &format!("{ICE}.InsideAWS"),
    ] {
        let input = finding("abc123", finding_type, "2023-07-10T12:02:10.123Z");
        let outcome = router.route(&input, &mut HashMap::new()).unwrap();
        let got = summary(&outcome);
        assert_eq!(got.len(), 2, "{finding_type}");
        assert_eq!(
            got[0],
            (
                "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration".to_owned(),
                "GuardDutySNSTopic-EC2-IAM".to_owned(),
                "\"GuardDuty Finding | ID:abc123: An EC2 instance IAM credentials (Role: GuardDuty-Example-EC2-Compromised) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\"".to_owned(),
            )
        );
        let Outcome::Routed(routed) = &outcome else {
            unreachable!()
        };
        // The remediation gets the whole event, exactly the text the rules saw.
        assert_eq!(got[1].1, "remediate-2");
        assert_eq!(got[1].2, routed.event);
        let event: Value = serde_json::from_str(&routed.event).unwrap();
        assert_eq!(event["source"], "aws.guardduty");
        assert_eq!(event["detail-type"], "GuardDuty Finding");
        assert_eq!(event["detail"], input);
    }
}

#[test]
fn an_exact_type_rule_misses_renamed_types() {
    let router = router(
        r#"
[[rule]]
name = "exact"
pattern = '{"source":["aws.guardduty"],"detail":{"type":["UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"]}}'
  [[rule.target]]
  type = "file"
  path = "out.jsonl"
  input_path = "$.detail.type"
"#,
    );
    let cases = [
        (ICE.to_owned(), 1),
        (format!("{ICE}.OutsideAWS"), 0),
        (format!("{ICE}.InsideAWS"), 0),
    ];
    for (finding_type, dispatches) in cases {
        let input = finding("f", &finding_type, "2023-07-10T12:02:10.123Z");
        let got = summary(&router.route(&input, &mut HashMap::new()).unwrap());
        assert_eq!(got.len(), dispatches, "{finding_type}");
    }
}

#[test]
fn severity_overrides_apply_first_then_suppression() {
    let router = router(
        r#"
[[severity]]
name = "ci role is medium"
pattern = '{"detail":{"resource":{"accessKeyDetails":{"userName":["ci-runner-role"]}}}}'
severity = 5

[[severity]]
name = "never reached for ci"
pattern = '{"detail":{"type":[{"prefix":"UnauthorizedAccess"}]}}'
severity = 9.5

[[suppress]]
name = "medium and below"
pattern = '{"detail":{"severity":[{"numeric":["<",7]}]}}'

[[rule]]
name = "all"
pattern = '{"source":["aws.guardduty"]}'
  [[rule.target]]
  type = "file"
  path = "out.jsonl"
  input_path = "$.detail.severity"
"#,
    );
    let mut ci = finding("ci", ICE, "2023-07-10T12:02:10.123Z");
    ci["resource"]["accessKeyDetails"]["userName"] = json!("ci-runner-role");
    let mut log = HashMap::new();
    let Outcome::Suppressed(suppressed) = router.route(&ci, &mut log).unwrap() else {
        panic!("the ci finding should be suppressed");
    };
    assert_eq!(suppressed.by, "medium and below");
    assert_eq!(suppressed.severity_override, Some("ci role is medium"));
    assert_eq!(suppressed.finding["service"]["archived"], json!(true));
    assert_eq!(suppressed.finding["severity"], json!(5));
    assert_eq!(
        suppressed.finding["service"]["additionalInfo"]["originalSeverity"],
        json!(8)
    );
    assert!(log.is_empty(), "a suppressed finding is not marked routed");

    let other = finding("other", ICE, "2023-07-10T12:02:10.123Z");
    let Outcome::Routed(routed) = router.route(&other, &mut log).unwrap() else {
        panic!("the other finding should be routed");
    };
    assert_eq!(routed.severity_override, Some("never reached for ci"));
    assert_eq!(routed.dispatches[0].input, "9.5");
    let event: Value = serde_json::from_str(&routed.event).unwrap();
    assert_eq!(
        event["detail"]["service"]["additionalInfo"],
        json!({"originalSeverity": 8, "value": "{\"originalSeverity\":8}", "type": "default"})
    );
}

#[test]
fn updates_are_throttled_by_finding_time() {
    let router = router(WORKSHOP);
    let mut store = store::Store::in_memory().unwrap();
    let t0 = findings::parse_millis("2023-07-10T12:00:00.000Z").unwrap();
    let cases = [
        ("2023-07-10T12:00:00.000Z", "routed"),
        ("2023-07-10T12:05:00.000Z", "throttled"),
        ("2023-07-10T12:14:59.999Z", "throttled"),
        ("2023-07-10T12:15:00.000Z", "routed"),
        ("2023-07-10T12:20:00.000Z", "throttled"),
    ];
    for (updated_at, expected) in cases {
        let outcome = router
            .route(&finding("f1", ICE, updated_at), &mut store)
            .unwrap();
        let got = match &outcome {
            Outcome::Routed(_) => "routed",
            Outcome::Throttled(_) => "throttled",
            Outcome::Suppressed(_) => "suppressed",
        };
        assert_eq!(got, expected, "{updated_at}");
    }
    assert_eq!(store.last_routed("f1").unwrap(), Some(t0 + 15 * 60_000));
    assert_eq!(store.times_routed("f1").unwrap(), 2);
    let Outcome::Throttled(throttled) = router
        .route(&finding("f1", ICE, "2023-07-10T12:20:00.000Z"), &mut store)
        .unwrap()
    else {
        panic!("should be throttled");
    };
    assert_eq!(
        throttled,
        Throttled {
            finding_id: "f1".into(),
            last_routed_ms: t0 + 15 * 60_000,
            due_ms: t0 + 30 * 60_000,
        }
    );
    // Another finding is independent.
    let other = router
        .route(&finding("f2", ICE, "2023-07-10T12:20:00.000Z"), &mut store)
        .unwrap();
    assert!(matches!(other, Outcome::Routed(_)));
}

#[test]
fn envelopes_keep_their_source_and_bare_findings_take_the_configured_one() {
    let router = router(
        r#"
[response]
source = "trailguard"

[[rule]]
name = "from-guardduty"
pattern = '{"source":["aws.guardduty"]}'
  [[rule.target]]
  type = "command"
  program = "cat"
  input_transformer = { input_paths_map = {}, input_template = '"<aws.events.rule-arn> <aws.events.rule-name> <aws.events.event.ingestion-time>"' }

[[rule]]
name = "from-trailguard"
pattern = '{"source":["trailguard"]}'
  [[rule.target]]
  type = "command"
  program = "cat"
  input_path = "$.source"

[[rule]]
name = "disabled"
enabled = false
pattern = '{"detail-type":["GuardDuty Finding"]}'
  [[rule.target]]
  type = "command"
  program = "cat"
"#,
    );
    let bare = finding("f", ICE, "2023-07-10T12:02:10.123Z");
    let got = summary(&router.route(&bare, &mut HashMap::new()).unwrap());
    assert_eq!(
        got,
        [(
            "from-trailguard".into(),
            "command-1".into(),
            "\"trailguard\"".into()
        )]
    );

    let envelope = json!({"version":"0","id":"cd2d702e-ab31-411b-9344-793ce56b1bc7",
        "detail-type":"GuardDuty Finding","source":"aws.guardduty","account":"111122223333",
        "time":"2023-07-10T12:02:11Z","region":"us-west-2","resources":[],"detail":bare});
    let got = summary(&router.route(&envelope, &mut HashMap::new()).unwrap());
    assert_eq!(
        got,
        [(
            "from-guardduty".into(),
            "command-1".into(),
            "\"arn:aws:events:us-west-2:111122223333:rule/from-guardduty from-guardduty 2023-07-10T12:02:11Z\"".into()
        )]
    );
}

#[test]
fn targets_whose_input_cannot_be_made_are_reported_not_dropped() {
    let router = router(
        r#"
[[rule]]
name = "r"
pattern = '{"source":["aws.guardduty"]}'
  [[rule.target]]
  type = "command"
  program = "cat"
  input_path = "$.detail.nothing"
  [[rule.target]]
  type = "command"
  program = "cat"
  input = '{"constant":true}'
"#,
    );
    let Outcome::Routed(routed) = router
        .route(
            &finding("f", ICE, "2023-07-10T12:02:10.123Z"),
            &mut HashMap::new(),
        )
        .unwrap()
    else {
        panic!("should be routed");
    };
    assert_eq!(routed.dispatches.len(), 1);
    assert_eq!(routed.dispatches[0].input, r#"{"constant":true}"#);
    assert_eq!(routed.undeliverable.len(), 1);
    assert_eq!(routed.undeliverable[0].target_id, "command-1");
    assert_eq!(
        routed.undeliverable[0].error.to_string(),
        "input path `$.detail.nothing` selects nothing in the event"
    );
}

#[test]
fn typed_findings_route_like_their_json() {
    let router = router(WORKSHOP);
    let json = finding(
        "abc123",
        &format!("{ICE}.OutsideAWS"),
        "2023-07-10T12:02:10.123Z",
    );
    let typed: Finding = serde_json::from_value(json.clone()).unwrap();
    let a = summary(&router.route(&json, &mut HashMap::new()).unwrap());
    let b = summary(&router.route_finding(&typed, &mut HashMap::new()).unwrap());
    assert_eq!(a[0], b[0]);
}

#[test]
fn router_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Router>();
}
