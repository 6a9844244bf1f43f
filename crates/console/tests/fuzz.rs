//! Thousands of malformed requests to `POST /v1/events`: every answer is a 4xx with a JSON
//! `{"error": …}` body, never a 5xx, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use console::ConsoleSettings;
use proptest::prelude::*;
use serde_json::{Value, json};
use support::{Harness, TOKEN};
use tower::ServiceExt;

/// A small body limit, so oversized bodies are cheap to generate.
const LIMIT: usize = 64 * 1024;

fn app() -> (Harness, Router) {
    Harness::new(ConsoleSettings {
        api_token: Some(TOKEN.into()),
        max_body_bytes: LIMIT,
        max_events_per_request: 50,
    })
}

thread_local! {
    /// One app and one runtime per test thread, shared by its cases.
    static APP: (Harness, Router) = app();
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
}

/// Sends one request and checks the contract: a 4xx with a JSON error. Returns the status.
fn check(content_type: &str, body: Vec<u8>) -> u16 {
    let request = Request::post("/v1/events")
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap();
    let app = APP.with(|(_, app)| app.clone());
    RUNTIME.with(|runtime| {
        runtime.block_on(async {
            let response = app.oneshot(request).await.unwrap();
            let status = response.status().as_u16();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let reply: Value = serde_json::from_slice(&bytes).expect("a JSON body");
            assert!((400..500).contains(&status), "status {status}: {reply}");
            assert!(
                reply["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{reply}"
            );
            status
        })
    })
}

/// Batches this thread's app handed to the pipeline.
fn accepted_batches() -> usize {
    APP.with(|(harness, _)| harness.ingest.batches.lock().unwrap().len())
}

fn valid_batch() -> String {
    json!([
        {"version": "0", "detail-type": "AWS API Call via CloudTrail", "source": "aws.iam",
         "detail": {"eventTime": "2026-05-12T16:14:36Z", "eventName": "GetUser", "sourceIPAddress": "198.51.100.214"}},
        {"version": "0", "detail-type": "GuardDuty Finding", "source": "aws.guardduty",
         "detail": support::workshop_finding()},
    ])
    .to_string()
}

/// Arbitrary JSON values, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("detail-type".to_owned()),
                    Just("detail".to_owned()),
                    ".{0,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Events with a missing or mistyped `detail-type` or `detail`, or an unknown detail-type.
fn wrong_envelope() -> impl Strategy<Value = Value> {
    let bad_detail_type = prop_oneof![
        Just(Value::Null),
        Just(json!(7)),
        Just(json!(["AWS API Call via CloudTrail"])),
        Just(json!({"x": 1})),
        Just(json!("aws api call via cloudtrail")),
        Just(json!("GuardDuty Finding ")),
        "[a-z ]{0,30}".prop_map(Value::String),
    ];
    let bad_detail = prop_oneof![
        Just(Value::Null),
        Just(json!("{}")),
        Just(json!([{}])),
        Just(json!(1.5)),
    ];
    let any_detail = prop_oneof![bad_detail.clone(), Just(json!({}))];
    prop_oneof![
        (bad_detail_type, any_detail).prop_map(
            |(detail_type, detail)| json!({"detail-type": detail_type, "detail": detail})
        ),
        bad_detail.prop_map(
            |detail| json!({"detail-type": "AWS API Call via CloudTrail", "detail": detail})
        ),
        Just(json!({"detail": {}})),
        Just(json!({"detail-type": "GuardDuty Finding"})),
        Just(json!(5)),
        Just(json!([])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn truncated_json_is_400(cut in 0usize..10_000) {
        let batch = valid_batch();
        let cut = cut % batch.len();
        let status = check("application/json", batch.as_bytes()[..cut].to_vec());
        prop_assert_eq!(status, 400);
    }

    #[test]
    fn random_bytes_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check("application/json", bytes);
    }

    #[test]
    fn random_json_values_are_refused(value in json_value()) {
        check("application/json", value.to_string().into_bytes());
    }

    #[test]
    fn wrong_types_are_refused(events in prop::collection::vec(wrong_envelope(), 1..5), good in 0usize..3) {
        let mut batch: Vec<Value> = serde_json::from_str(&valid_batch()).unwrap();
        batch.truncate(good);
        batch.extend(events);
        let status = check("application/json", Value::Array(batch).to_string().into_bytes());
        prop_assert!(status == 400 || status == 422, "status {}", status);
        prop_assert_eq!(accepted_batches(), 0, "all or nothing");
    }

    #[test]
    fn wrong_content_types_are_415(
        content_type in prop_oneof![
            Just("text/plain".to_owned()),
            Just("application/x-www-form-urlencoded".to_owned()),
            Just("application/jsonx".to_owned()),
            Just("multipart/form-data; boundary=x".to_owned()),
            "[a-z]{1,12}/[a-z+.-]{1,16}",
        ]
    ) {
        prop_assume!(!content_type.eq_ignore_ascii_case("application/json"));
        let status = check(&content_type, valid_batch().into_bytes());
        prop_assert_eq!(status, 415);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn deep_nesting_is_400(depth in 1usize..20_000, closed in any::<bool>(), object in any::<bool>()) {
        let (open, close) = if object { ("{\"detail\":", "}") } else { ("[", "]") };
        let mut body = open.repeat(depth);
        if closed {
            body.push_str("{}");
            body.push_str(&close.repeat(depth));
        }
        prop_assume!(body.len() <= LIMIT);
        let status = check("application/json", body.into_bytes());
        prop_assert_eq!(status, 400);
    }

    #[test]
    fn huge_strings_are_refused(length in 1usize..(3 * LIMIT), in_detail_type in any::<bool>()) {
        let huge = "A".repeat(length);
        let event = if in_detail_type {
            json!({"detail-type": huge, "detail": {}})
        } else {
            json!({"detail-type": "Scheduled Event", "detail": {"x": huge}})
        };
        let body = event.to_string();
        let status = check("application/json", body.clone().into_bytes());
        let expected = if body.len() > LIMIT { 413 } else { 422 };
        prop_assert_eq!(status, expected);
    }
}
