//! The commented `trailguard.toml` that `trailguard config example` prints.
//!
//! It must stay valid: `config validate` accepts it (tested in the binary's CLI tests), and
//! the unit test below routes the workshop finding through it.

/// A complete, commented configuration: the workshop's rule (prefix-fixed) with an e-mail
/// target using the workshop's input transformer and a dry-run remediation, a suppression,
/// a severity override, `[detection]` and `[store]`.
pub const EXAMPLE_CONFIG: &str = r#"# trailguard.toml: everything trailguard reads, section by section.
# Paths are relative to this file. Secrets never live here: `*_env` keys name environment
# variables. Check it with `trailguard config validate --config trailguard.toml`.

[store]
# Detector state, findings, routing throttle, failed deliveries and the audit log.
url = "sqlite://trailguard.db"

[detection]
# AWS's published ranges tell "inside AWS" from "outside": "builtin" or a path to ip-ranges.json.
ip_ranges = "builtin"
# Your own egress (NAT gateways' EIPs, on-premises proxies): never "outside".
own_networks = ["203.0.113.0/24"]
# Accounts of your organisation: their use of a role's credentials is Medium, not High.
affiliated_accounts = ["111122223333"]

[aws]
# Live AWS (builds with `--features aws`): the standard credential chain is used, never this
# file; AWS_ENDPOINT_URL is honoured. With `snapshot`, actions work on an offline account.
region = "us-west-2"
# endpoint_url = "http://127.0.0.1:5000"
# snapshot = "account/"

[serve]
# `trailguard serve`: the API and console on loopback; ingest and writes need the token in
# this variable.
listen = "127.0.0.1:8750"
api_token_env = "TRAILGUARD_API_TOKEN"
# How long events wait to be put in time order before detection.
reorder_window = "1s"
# CloudTrail files dropped here are read once.
watch = ["drop"]
# sqs_queue_url = "https://sqs.us-west-2.amazonaws.com/111122223333/trail-notices"

[email]
# Without smtp_host, e-mails are written as .eml files into outbox_dir.
outbox_dir = "outbox"
from = "trailguard@localhost"

[response]
# The `source` of the EventBridge envelope around trailguard's findings. Keep aws.guardduty
# so rules written for GuardDuty (the workshop's included) match unchanged.
source = "aws.guardduty"
# A finding that keeps growing is routed again at most this often (by its updatedAt).
update_interval = "15m"
# Remediation acts only on these roles and accounts (empty lists: any).
allowed_roles = ["GuardDuty-Example-EC2-Compromised"]
allowed_accounts = ["111122223333"]

# Severity overrides run first; the first match wins and the original severity is kept in
# service.additionalInfo.originalSeverity.
[[severity]]
name = "CI runners are expected to call from outside"
pattern = '{"detail":{"type":[{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}],"resource":{"accessKeyDetails":{"userName":["ci-runner-role"]}}}}'
severity = 5

# Suppression rules archive matching findings (service.archived = true); they are never routed.
[[suppress]]
name = "VPN egress"
pattern = '{"detail":{"service":{"action":{"awsApiCallAction":{"remoteIpDetails":{"ipAddressV4":[{"cidr":"198.51.100.0/24"}]}}}}}}'

# The workshop's rule. The workshop matched the type exactly; GuardDuty renamed it
# `.OutsideAWS` in 2021 and added `.InsideAWS` in 2022, so match the prefix instead.
[[rule]]
name = "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration"
description = "GuardDuty Event: UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"
pattern = '{"source":["aws.guardduty"],"detail":{"type":[{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}}'

  # The workshop's e-mail, word for word (the template is a JSON string, quotes included).
  [[rule.target]]
  type = "email"
  id = "GuardDutySNSTopic-EC2-IAM"
  to = ["secops@example.com"]
  subject = "GuardDuty finding: instance credentials used outside the instance"
  input_transformer = { input_paths_map = { gdid = "$.detail.id", userName = "$.detail.resource.accessKeyDetails.userName" }, input_template = '"GuardDuty Finding | ID:<gdid>: An EC2 instance IAM credentials (Role: <userName>) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty"' }
  retries = 3
  timeout = "10s"

  # The workshop's Lambda, built in: deny every session issued before now. Dry-run prints the
  # plan (API calls, blast radius, risks); "enforce" acts.
  [[rule.target]]
  type = "remediate"
  id = "revoke-sessions"
  action = "revoke-role-sessions"
  mode = "dry-run"
  policy_name = "RevokeOldSessions"

  # Every finding of the rule, as JSON Lines, for your SIEM.
  [[rule.target]]
  type = "file"
  path = "findings.jsonl"

# A chat notification, kept disabled until its URL is real.
[[rule]]
name = "chat-high-severity"
enabled = false
pattern = '{"source":["aws.guardduty"],"detail":{"severity":[{"numeric":[">=",7]}]}}'

  [[rule.target]]
  type = "webhook"
  url = "https://hooks.example.com/services/T000/B000/XXXX"
  format = "slack"
  secret_env = "TRAILGUARD_WEBHOOK_SECRET"
  input_path = "$.detail.title"
"#;

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;

    use serde_json::json;

    use super::*;
    use crate::router::{Outcome, Router};

    #[test]
    fn the_example_routes_the_workshop_finding() {
        let table: toml::Table = toml::from_str(EXAMPLE_CONFIG).unwrap();
        let routing: toml::Table = table
            .into_iter()
            .filter(|(key, _)| {
                matches!(key.as_str(), "response" | "suppress" | "severity" | "rule")
            })
            .collect();
        let config: crate::config::RoutingConfig =
            toml::from_str(&toml::to_string(&routing).unwrap()).unwrap();
        let router = Router::from_config(&config, Path::new("/srv")).unwrap();
        let finding = json!({"accountId": "111122223333", "region": "us-west-2", "id": "X",
            "type": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
            "updatedAt": "2023-07-10T12:02:10.123Z", "severity": 8,
            "resource": {"accessKeyDetails": {"userName": "GuardDuty-Example-EC2-Compromised"}}});
        let Outcome::Routed(routed) = router.route(&finding, &mut HashMap::new()).unwrap() else {
            panic!("the workshop finding should be routed");
        };
        let ids: Vec<&str> = routed.dispatches.iter().map(|d| d.target_id).collect();
        assert_eq!(
            ids,
            ["GuardDutySNSTopic-EC2-IAM", "revoke-sessions", "file-3"]
        );
        assert_eq!(
            routed.dispatches[0].input,
            "\"GuardDuty Finding | ID:X: An EC2 instance IAM credentials (Role: GuardDuty-Example-EC2-Compromised) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\""
        );
    }
}
