//! Webhook, command and file targets through the delivery runner, against a real HTTP
//! receiver on loopback: bodies and signatures, retries, kept failures, and a failing target
//! that never holds up the others.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod support;

use std::time::{Duration, Instant};

use respond::router::Dispatch;
use respond::targets::{
    Backoff, Deliverer, DeliveryOutcome, EmailSettings, Job, SIGNATURE_HEADER, signature,
};
use store::Store;
use store::deliveries::DeliveryStatus;
use support::{HttpReceiver, free_port, in_child_with_env, target};

const FINDING_TEXT: &str = "\"GuardDuty Finding | ID:abc: An EC2 instance IAM credentials (Role: R) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\"";

fn quick() -> Deliverer {
    Deliverer::new(EmailSettings::default()).with_backoff(Backoff {
        base: Duration::from_millis(10),
        max: Duration::from_millis(40),
    })
}

fn dispatch<'a>(rule: &'a str, target: &'a respond::config::Target, input: &str) -> Dispatch<'a> {
    Dispatch {
        rule,
        target_id: &target.id,
        target,
        input: input.to_owned(),
    }
}

#[test]
fn a_signed_webhook_receives_the_json_input_and_a_verifiable_signature() {
    if !in_child_with_env(
        "a_signed_webhook_receives_the_json_input_and_a_verifiable_signature",
        &[("TG_TEST_WEBHOOK_SECRET_1", "s3cret")],
    ) {
        return;
    }
    let receiver = HttpReceiver::start(204);
    let hook = target(&format!(
        "type = \"webhook\"\nid = \"hook\"\nurl = \"{}\"\nsecret_env = \"TG_TEST_WEBHOOK_SECRET_1\"",
        receiver.url
    ));
    let input = r#"{"detail":{"id":"abc","type":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"}}"#;
    let report = quick().deliver(&Job {
        rule: "r",
        target: &hook,
        input,
    });
    assert!(
        matches!(report.outcome, DeliveryOutcome::Delivered),
        "{report:?}"
    );
    let request = receiver
        .requests
        .recv_timeout(Duration::from_secs(5))
        .unwrap();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/hook")
    );
    assert_eq!(request.body, input);
    assert_eq!(request.header("content-type"), Some("application/json"));
    let expected = signature(b"s3cret", input.as_bytes());
    assert_eq!(request.header(SIGNATURE_HEADER), Some(expected.as_str()));
    assert_eq!(expected.len(), "sha256=".len() + 64);
}

#[test]
fn slack_mode_posts_the_text_without_its_json_quotes() {
    let receiver = HttpReceiver::start(200);
    let hook = target(&format!(
        "type = \"webhook\"\nurl = \"{}\"\nformat = \"slack\"",
        receiver.url
    ));
    let report = quick().deliver(&Job {
        rule: "r",
        target: &hook,
        input: FINDING_TEXT,
    });
    assert!(
        matches!(report.outcome, DeliveryOutcome::Delivered),
        "{report:?}"
    );
    let request = receiver
        .requests
        .recv_timeout(Duration::from_secs(5))
        .unwrap();
    let expected = serde_json::json!({"text": FINDING_TEXT.trim_matches('"')}).to_string();
    assert_eq!(request.body, expected);
    assert_eq!(request.header(SIGNATURE_HEADER), None);
}

#[test]
fn a_webhook_answering_500_is_retried_then_kept() {
    let receiver = HttpReceiver::start(500);
    let hook = target(&format!(
        "type = \"webhook\"\nid = \"hook\"\nurl = \"{}\"\nretries = 2",
        receiver.url
    ));
    let mut store = Store::in_memory().unwrap();
    let reports = quick()
        .deliver_dispatches(
            &[dispatch("r", &hook, "plain text")],
            Some("f1"),
            &mut store,
        )
        .unwrap();
    let DeliveryOutcome::Failed(error) = &reports[0].outcome else {
        panic!("a 500 counted as delivered")
    };
    assert_eq!(error.to_string(), "the webhook answered http status 500");
    assert_eq!(reports[0].attempts, 3);
    for _ in 0..3 {
        let request = receiver
            .requests
            .recv_timeout(Duration::from_secs(5))
            .unwrap();
        assert_eq!(request.body, "plain text");
        assert_eq!(
            request.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
    }
    let kept = store.deliveries(Some(DeliveryStatus::Failed)).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (
            kept[0].payload.as_str(),
            kept[0].attempts,
            kept[0].last_error.as_deref()
        ),
        (
            "plain text",
            3,
            Some("the webhook answered http status 500")
        )
    );
}

#[test]
fn a_missing_secret_is_not_retried_and_nothing_unsigned_is_sent() {
    let receiver = HttpReceiver::start(200);
    let hook = target(&format!(
        "type = \"webhook\"\nurl = \"{}\"\nsecret_env = \"TG_TEST_SECRET_THAT_IS_NOT_SET\"\nretries = 5",
        receiver.url
    ));
    let report = quick().deliver(&Job {
        rule: "r",
        target: &hook,
        input: "{}",
    });
    let DeliveryOutcome::Failed(error) = &report.outcome else {
        panic!("sent without its secret")
    };
    assert_eq!(
        error.to_string(),
        "environment variable `TG_TEST_SECRET_THAT_IS_NOT_SET` is not set"
    );
    assert_eq!(report.attempts, 1);
    assert!(
        receiver
            .requests
            .recv_timeout(Duration::from_millis(200))
            .is_err()
    );
}

#[test]
fn a_target_that_keeps_failing_never_holds_up_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = HttpReceiver::start(200);
    // Hangs past its 1 s timeout on each of its 2 attempts: about 2 s in all.
    let hanging = target(
        "type = \"command\"\nid = \"pager\"\nprogram = \"sleep\"\nargs = [\"30\"]\ntimeout = \"1s\"\nretries = 1",
    );
    let refused = target(&format!(
        "type = \"webhook\"\nid = \"down\"\nurl = \"http://127.0.0.1:{}/\"\nretries = 1",
        free_port()
    ));
    let hook = target(&format!(
        "type = \"webhook\"\nid = \"hook\"\nurl = \"{}\"",
        receiver.url
    ));
    let jsonl = dir.path().join("events.jsonl");
    let file = target(&format!(
        "type = \"file\"\nid = \"log\"\npath = \"{}\"",
        jsonl.display()
    ));
    let dispatches = [
        dispatch("r", &hanging, FINDING_TEXT),
        dispatch("r", &refused, FINDING_TEXT),
        dispatch("r", &hook, FINDING_TEXT),
        dispatch("r", &file, FINDING_TEXT),
    ];
    let mut store = Store::in_memory().unwrap();
    let started = Instant::now();
    let reports = std::thread::scope(|scope| {
        let running =
            scope.spawn(|| quick().deliver_dispatches(&dispatches, Some("f1"), &mut store));
        // The healthy webhook is reached while the command still hangs.
        let request = receiver
            .requests
            .recv_timeout(Duration::from_millis(900))
            .unwrap();
        assert_eq!(request.body, FINDING_TEXT);
        assert!(started.elapsed() < Duration::from_secs(1));
        running.join().unwrap().unwrap()
    });
    assert!(started.elapsed() >= Duration::from_secs(2));
    let summary: Vec<_> = reports
        .iter()
        .map(|r| {
            let ok = matches!(r.outcome, DeliveryOutcome::Delivered);
            (r.target_id.as_str(), ok, r.attempts, r.kept_as.is_some())
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("pager", false, 2, true),
            ("down", false, 2, true),
            ("hook", true, 1, false),
            ("log", true, 1, false),
        ]
    );
    assert_eq!(
        fs_err::read_to_string(&jsonl).unwrap(),
        format!("{FINDING_TEXT}\n")
    );
    let kept: Vec<_> = store
        .deliveries(None)
        .unwrap()
        .into_iter()
        .map(|d| (d.target, d.last_error.unwrap()))
        .collect();
    assert_eq!(
        kept[0],
        (
            "pager".to_owned(),
            "`sleep` did not finish within 1s and was killed".to_owned()
        )
    );
    assert_eq!(kept[1].0, "down");
    assert!(kept[1].1.starts_with("http: "), "{}", kept[1].1);
}

#[test]
fn a_webhook_that_was_down_gets_the_kept_event_on_retry() {
    let port = free_port();
    let hook = target(&format!(
        "type = \"webhook\"\nid = \"hook\"\nurl = \"http://127.0.0.1:{port}/hook\"\nretries = 0"
    ));
    let mut store = Store::in_memory().unwrap();
    let deliverer = quick();
    deliverer
        .deliver_dispatches(&[dispatch("r", &hook, "{\"a\":1}")], None, &mut store)
        .unwrap();
    let kept = store.deliveries(Some(DeliveryStatus::Failed)).unwrap();
    assert_eq!((kept.len(), kept[0].attempts), (1, 1));

    let receiver = HttpReceiver::start_on(port, 200);
    let reports = deliverer
        .retry_kept(&[(&kept[0], &hook)], &mut store)
        .unwrap();
    assert!(matches!(reports[0].outcome, DeliveryOutcome::Delivered));
    let request = receiver
        .requests
        .recv_timeout(Duration::from_secs(5))
        .unwrap();
    assert_eq!(request.body, "{\"a\":1}");
    let after = store.delivery(kept[0].id).unwrap().unwrap();
    assert_eq!(
        (after.status, after.attempts),
        (DeliveryStatus::Delivered, 2)
    );
}

#[test]
fn sns_and_lambda_without_live_aws_are_kept_not_lost() {
    // No AWS client: a build without the `aws` feature, or a deliverer not given one.
    let sns = target(
        "type = \"sns\"\ntopic_arn = \"arn:aws:sns:us-west-2:111122223333:GuardDuty-Example\"",
    );
    let mut store = Store::in_memory().unwrap();
    let reports = quick()
        .deliver_dispatches(&[dispatch("r", &sns, FINDING_TEXT)], Some("f1"), &mut store)
        .unwrap();
    assert_eq!(reports[0].attempts, 1);
    let kept = store.deliveries(None).unwrap();
    assert_eq!(
        kept[0].last_error.as_deref(),
        Some(
            "`sns` targets need live AWS: trailguard built with the `aws` feature (`cargo build --release --features aws`)"
        )
    );
}
