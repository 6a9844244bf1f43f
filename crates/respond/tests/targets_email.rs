//! E-mail targets against a real SMTP server (aiosmtpd on loopback): the workshop's two
//! e-mails arrive word for word, and a server that is down keeps the e-mail in `deliveries`
//! until `retry` sends it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod support;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use respond::config::RoutingConfig;
use respond::router::{Outcome, Router};
use respond::targets::{Backoff, Deliverer, DeliveryOutcome, EmailSettings, Job, SmtpTls};
use serde_json::json;
use store::Store;
use store::deliveries::DeliveryStatus;
use support::{
    SmtpServer, aiosmtpd_available, body, free_port, header, in_child_with_env,
    self_signed_certificate, target,
};

const FINDING_ID: &str = "5ab8ac19e7d7c4a9b1c2d3e4f5a6b7c8";

/// The workshop's rule (prefix-fixed), its SNS e-mail target made an `email` target.
const CONFIG: &str = r#"
[[rule]]
name = "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration"
pattern = '{"source":["aws.guardduty"],"detail":{"type":[{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}}'
  [[rule.target]]
  type = "email"
  id = "GuardDutySNSTopic-EC2-IAM"
  to = ["secops@example.com"]
  retries = 2
  timeout = "5s"
  input_transformer = { input_paths_map = { gdid = "$.detail.id", userName = "$.detail.resource.accessKeyDetails.userName" }, input_template = '"GuardDuty Finding | ID:<gdid>: An EC2 instance IAM credentials (Role: <userName>) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty"' }
  [[rule.target]]
  type = "remediate"
  action = "revoke-role-sessions"
"#;

/// docs/workshop-scenario.md §2, with the finding's id and role: quotes included.
fn workshop_finding_text() -> String {
    format!(
        "\"GuardDuty Finding | ID:{FINDING_ID}: An EC2 instance IAM credentials (Role: GuardDuty-Example-EC2-Compromised) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\""
    )
}

fn finding() -> serde_json::Value {
    json!({"schemaVersion": "2.0", "accountId": "111122223333", "region": "us-west-2",
        "id": FINDING_ID, "type": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        "severity": 8, "createdAt": "2023-07-10T12:00:00.000Z", "updatedAt": "2023-07-10T12:02:10.123Z",
        "resource": {"resourceType": "AccessKey", "accessKeyDetails": {
            "userName": "GuardDuty-Example-EC2-Compromised", "userType": "AssumedRole"}}})
}

fn smtp_settings(port: u16) -> EmailSettings {
    EmailSettings {
        smtp_host: Some("127.0.0.1".to_owned()),
        smtp_port: Some(port),
        tls: SmtpTls::None,
        from: "trailguard@example.com".to_owned(),
        ..EmailSettings::default()
    }
}

fn quick(settings: EmailSettings) -> Deliverer {
    Deliverer::new(settings).with_backoff(Backoff {
        base: Duration::from_millis(10),
        max: Duration::from_millis(50),
    })
}

fn router() -> Router {
    let config: RoutingConfig = toml::from_str(CONFIG).unwrap();
    Router::from_config(&config, Path::new(".")).unwrap()
}

#[test]
fn the_workshop_finding_email_arrives_word_for_word_quotes_included() {
    if !aiosmtpd_available() {
        return;
    }
    let server = SmtpServer::start(free_port());
    let router = router();
    let Outcome::Routed(routed) = router.route(&finding(), &mut HashMap::new()).unwrap() else {
        panic!("not routed")
    };
    let mut store = Store::in_memory().unwrap();
    let reports = quick(smtp_settings(server.port))
        .deliver_dispatches(&routed.dispatches, Some(&routed.finding_id), &mut store)
        .unwrap();
    // The remediate target is left to the actions; the e-mail went out at the first attempt.
    assert_eq!(reports.len(), 1);
    assert!(matches!(reports[0].outcome, DeliveryOutcome::Delivered));
    assert_eq!((reports[0].attempts, reports[0].kept_as), (1, None));
    assert!(store.deliveries(None).unwrap().is_empty());

    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(
        body(message).trim_end_matches('\n'),
        workshop_finding_text()
    );
    assert_eq!(header(message, "Subject"), Some("AWS Notification Message"));
    assert_eq!(header(message, "From"), Some("trailguard@example.com"));
    assert_eq!(header(message, "To"), Some("secops@example.com"));
    assert_eq!(header(message, "X-RcptTo"), Some("secops@example.com"));
}

#[test]
fn the_remediation_email_keeps_its_double_spaces() {
    if !aiosmtpd_available() {
        return;
    }
    let server = SmtpServer::start(free_port());
    let text = format!(
        "GuardDuty Remediation | ID:{FINDING_ID}: GuardDuty discovered EC2 IAM credentials (Role: GuardDuty-Example-EC2-Compromised) being used outside of the EC2 service.  All sessions have been revoked.  Please follow up with any additional remediation actions."
    );
    let email = target(
        "type = \"email\"\nid = \"remediated\"\nto = [\"secops@example.com\", \"oncall@example.com\"]",
    );
    let report = quick(smtp_settings(server.port)).deliver(&Job {
        rule: "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration",
        target: &email,
        input: &text,
    });
    assert!(
        matches!(report.outcome, DeliveryOutcome::Delivered),
        "{report:?}"
    );
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(body(&messages[0]).trim_end_matches('\n'), text);
    assert_eq!(
        header(&messages[0], "X-RcptTo"),
        Some("secops@example.com, oncall@example.com")
    );
}

#[test]
fn an_email_to_a_server_that_is_down_is_kept_and_retry_delivers_it() {
    if !aiosmtpd_available() {
        return;
    }
    let port = free_port();
    let router = router();
    let Outcome::Routed(routed) = router.route(&finding(), &mut HashMap::new()).unwrap() else {
        panic!("not routed")
    };
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("state.db")).unwrap();
    let deliverer = quick(smtp_settings(port));
    let reports = deliverer
        .deliver_dispatches(&routed.dispatches, Some(&routed.finding_id), &mut store)
        .unwrap();
    let DeliveryOutcome::Failed(error) = &reports[0].outcome else {
        panic!("delivered to a closed port")
    };
    assert!(error.to_string().starts_with("smtp: "), "{error}");
    // 1 attempt + 2 retries, then kept.
    assert_eq!((reports[0].attempts, reports[0].kept_as), (3, Some(1)));
    let kept = store.deliveries(Some(DeliveryStatus::Failed)).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (
            kept[0].rule.as_str(),
            kept[0].target.as_str(),
            kept[0].finding_id.as_deref()
        ),
        (
            "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration",
            "GuardDutySNSTopic-EC2-IAM",
            Some(FINDING_ID)
        )
    );
    assert_eq!(kept[0].payload, workshop_finding_text());
    assert_eq!(kept[0].attempts, 3);
    assert_eq!(
        kept[0].last_error.as_deref(),
        Some(error.to_string().as_str())
    );

    let server = SmtpServer::start(port);
    let email_target = &router.rules()[0].targets[0];
    let retried = deliverer
        .retry_kept(&[(&kept[0], email_target)], &mut store)
        .unwrap();
    assert!(matches!(retried[0].outcome, DeliveryOutcome::Delivered));
    let after = store.delivery(kept[0].id).unwrap().unwrap();
    assert_eq!(
        (after.status, after.attempts),
        (DeliveryStatus::Delivered, 4)
    );
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        body(&messages[0]).trim_end_matches('\n'),
        workshop_finding_text()
    );
}

#[test]
fn smtp_credentials_come_from_the_environment_and_never_appear_in_errors() {
    if !aiosmtpd_available()
        || !in_child_with_env(
            "smtp_credentials_come_from_the_environment_and_never_appear_in_errors",
            &[
                ("TG_TEST_SMTP_USER", "alerts"),
                ("TG_TEST_SMTP_PASSWORD", "hunter2-secret"),
                ("TG_TEST_SMTP_WRONG", "not-the-password"),
            ],
        )
    {
        return;
    }
    let server = SmtpServer::start_with_auth(free_port(), "alerts", "hunter2-secret");
    let email = target("type = \"email\"\nto = [\"secops@example.com\"]\nretries = 0");
    let job = Job {
        rule: "r",
        target: &email,
        input: "\"GuardDuty Finding | ID:1\"",
    };
    let with = |password_env: &str| EmailSettings {
        username_env: Some("TG_TEST_SMTP_USER".to_owned()),
        password_env: Some(password_env.to_owned()),
        ..smtp_settings(server.port)
    };

    let refused = quick(with("TG_TEST_SMTP_WRONG")).deliver(&job);
    let DeliveryOutcome::Failed(error) = &refused.outcome else {
        panic!("a wrong password was accepted")
    };
    let message = format!("{error} {error:?}");
    assert!(message.starts_with("smtp: "), "{message}");
    assert!(!message.contains("not-the-password"), "{message}");
    assert!(!message.contains("alerts"), "{message}");

    let sent = quick(with("TG_TEST_SMTP_PASSWORD")).deliver(&job);
    assert!(
        matches!(sent.outcome, DeliveryOutcome::Delivered),
        "{sent:?}"
    );
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        body(&messages[0]).trim_end_matches('\n'),
        "\"GuardDuty Finding | ID:1\""
    );

    let missing = quick(with("TG_TEST_SMTP_UNSET")).deliver(&job);
    let DeliveryOutcome::Failed(error) = &missing.outcome else {
        panic!("sent without a password")
    };
    assert_eq!(
        error.to_string(),
        "environment variable `TG_TEST_SMTP_UNSET` is not set"
    );
}

#[test]
fn starttls_and_smtps_relays_with_a_private_ca_receive_the_email() {
    if !aiosmtpd_available() {
        return;
    }
    let Some((_dir, cert, key)) = self_signed_certificate() else {
        return;
    };
    let email = target("type = \"email\"\nto = [\"secops@example.com\"]\nretries = 0");
    let job = Job {
        rule: "r",
        target: &email,
        input: &workshop_finding_text(),
    };
    for (tls, implicit) in [(SmtpTls::Starttls, false), (SmtpTls::Tls, true)] {
        let server = SmtpServer::start_tls(free_port(), implicit, &cert, &key);
        let trusting = EmailSettings {
            tls,
            ca_file: Some(cert.clone()),
            ..smtp_settings(server.port)
        };
        // Without `ca_file` the self-signed certificate is not trusted: nothing is sent.
        let untrusting = EmailSettings {
            ca_file: None,
            ..trusting.clone()
        };
        let refused = quick(untrusting).deliver(&job);
        let DeliveryOutcome::Failed(error) = &refused.outcome else {
            panic!("{tls:?}: an untrusted certificate was accepted")
        };
        assert!(error.to_string().starts_with("smtp: "), "{tls:?}: {error}");
        assert!(server.messages().is_empty());

        let sent = quick(trusting).deliver(&job);
        assert!(
            matches!(sent.outcome, DeliveryOutcome::Delivered),
            "{tls:?}: {sent:?}"
        );
        let messages = server.messages();
        assert_eq!(messages.len(), 1, "{tls:?}");
        assert_eq!(
            body(&messages[0]).trim_end_matches('\n'),
            workshop_finding_text()
        );
    }
}
