//! The HTTP API through `tower::ServiceExt::oneshot`, over a seeded SQLite store.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod support;

use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use console::{ConsoleSettings, IngestBatch, IngestRejected};
use serde_json::{Value, json};
use support::{
    Harness, TOKEN, WORKSHOP_ID, archived_finding, audit_entries, ci_runner_finding,
    threat_list_finding, workshop_finding, workshop_rules,
};
use tower::ServiceExt;

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn post(uri: &str, headers: &[(&str, &str)], body: impl Into<Body>) -> Request<Body> {
    let mut request = Request::post(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(body.into()).unwrap()
}

const BEARER: (&str, &str) = ("authorization", "Bearer test-token-7f3a");
const JSON: (&str, &str) = ("content-type", "application/json");

fn ids(reply: &Reply) -> Vec<String> {
    reply
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["id"].as_str().unwrap().to_owned())
        .collect()
}

// ---- findings ----------------------------------------------------------------------------

#[tokio::test]
async fn workshop_finding_has_the_demo_id() {
    assert_eq!(workshop_finding().id, WORKSHOP_ID);
    assert_eq!(workshop_finding().service.count, 13);
    assert_eq!(
        workshop_finding().service.event_last_seen,
        "2026-05-12T16:15:42.000Z"
    );
}

#[tokio::test]
async fn lists_active_findings_newest_last_seen_first() {
    let (_harness, app) = Harness::with_token();
    let reply = get(&app, "/v1/findings").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!([
            workshop_finding(),
            ci_runner_finding(),
            threat_list_finding()
        ])
    );
}

#[tokio::test]
async fn filters_by_severity_type_archived_and_time() {
    let (_harness, app) = Harness::with_token();
    let workshop = workshop_finding().id;
    let ci = ci_runner_finding().id;
    let threat = threat_list_finding().id;
    let archived = archived_finding().id;
    let cases: [(&str, Vec<&String>); 10] = [
        ("severity=high", vec![&workshop]),
        ("severity=Medium", vec![&workshop, &ci]),
        ("severity=4.5", vec![&workshop, &ci]),
        ("severity=low", vec![&workshop, &ci, &threat]),
        (
            "type=UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration",
            vec![&workshop, &ci],
        ),
        (
            "type=UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS&type=UnauthorizedAccess:IAMUser/MaliciousIPCaller",
            vec![&ci, &threat],
        ),
        ("archived=true", vec![&archived]),
        ("since=2026-05-12T00:00:00Z", vec![&workshop, &ci]),
        ("until=2026-05-12T00:00:00Z", vec![&threat]),
        (
            "since=2026-05-12T10:00:00%2B02:00&until=2026-05-12T16:15:42Z",
            vec![&ci],
        ),
    ];
    for (query, expected) in cases {
        let reply = get(&app, &format!("/v1/findings?{query}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.body);
        let expected: Vec<String> = expected.into_iter().cloned().collect();
        assert_eq!(ids(&reply), expected, "{query}");
    }
}

#[tokio::test]
async fn refuses_bad_queries_with_a_reason() {
    let (_harness, app) = Harness::with_token();
    let cases = [
        (
            "severity=severe",
            "invalid query: `severity` must be low, medium, high, critical or a number from 0 to 10, got `severe`",
        ),
        (
            "archived=maybe",
            "invalid query: `archived` must be true or false, got `maybe`",
        ),
        (
            "until=soon",
            "invalid query: `until` must be an ISO-8601 instant such as 2026-05-12T16:14:36Z, got `soon`",
        ),
        (
            "limit=5",
            "invalid query: unknown parameter `limit`: expected severity, type, archived, since or until",
        ),
    ];
    for (query, message) in cases {
        let reply = get(&app, &format!("/v1/findings?{query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(reply.json(), json!({"error": message}), "{query}");
    }
}

#[tokio::test]
async fn shows_one_finding_with_its_actions() {
    let (_harness, app) = Harness::with_token();
    let reply = get(&app, &format!("/v1/findings/{WORKSHOP_ID}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let mut expected = serde_json::to_value(workshop_finding()).unwrap();
    expected["actions"] = json!([{
        "id": "0b4e7c2a-0000-4000-8000-000000000001",
        "findingId": WORKSHOP_ID,
        "action": "revoke-role-sessions",
        "mode": "enforce",
        "status": "applied",
        "createdAt": "2026-05-12T16:19:36.000Z",
        "plan": {"calls": [{"service": "iam", "operation": "PutRolePolicy",
            "parameters": {"RoleName": "GuardDuty-Example-EC2-Compromised", "PolicyName": "RevokeOldSessions"}}]},
        "result": {"responses": [{}]},
        "undo": {"kind": "restore_role_policy", "role": "GuardDuty-Example-EC2-Compromised"},
    }]);
    assert_eq!(reply.json(), expected);

    let ci = get(&app, &format!("/v1/findings/{}", ci_runner_finding().id)).await;
    assert_eq!(
        ci.json()["actions"][0]["plan"],
        "role `ci-runner-role` is not in the allowed roles",
        "a plan that is not JSON stays a string"
    );
    assert_eq!(
        get(&app, &format!("/v1/findings/{}", threat_list_finding().id))
            .await
            .json()["actions"],
        json!([])
    );
}

#[tokio::test]
async fn unknown_finding_is_404() {
    let (_harness, app) = Harness::with_token();
    let reply = get(&app, "/v1/findings/0000").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json(), json!({"error": "no finding `0000`"}));
    let reply = send(&app, post("/v1/findings/0000/archive", &[BEARER], "")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json(), json!({"error": "no finding `0000`"}));
}

#[tokio::test]
async fn archive_and_unarchive_need_the_token() {
    let (harness, app) = Harness::with_token();
    let archive = format!("/v1/findings/{WORKSHOP_ID}/archive");

    let missing = send(&app, post(&archive, &[], "")).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing.headers[header::WWW_AUTHENTICATE], "Bearer");
    assert_eq!(
        missing.json(),
        json!({"error": "missing api token: send `Authorization: Bearer <token>` or `X-API-Key: <token>`"})
    );
    let wrong = send(
        &app,
        post(&archive, &[("authorization", "Bearer nope")], ""),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json(), json!({"error": "wrong api token"}));
    assert!(!harness.is_archived(WORKSHOP_ID));

    let done = send(&app, post(&archive, &[BEARER], "")).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.json(), json!({"id": WORKSHOP_ID, "archived": true}));
    assert!(!ids(&get(&app, "/v1/findings").await).contains(&WORKSHOP_ID.to_owned()));
    assert!(ids(&get(&app, "/v1/findings?archived=true").await).contains(&WORKSHOP_ID.to_owned()));

    let unarchive = format!("/v1/findings/{WORKSHOP_ID}/unarchive");
    let back = send(&app, post(&unarchive, &[("x-api-key", TOKEN)], "")).await;
    assert_eq!(back.status, StatusCode::OK);
    assert_eq!(back.json(), json!({"id": WORKSHOP_ID, "archived": false}));
    assert_eq!(
        ids(&get(&app, "/v1/findings").await)[0],
        WORKSHOP_ID,
        "active again"
    );
}

#[tokio::test]
async fn without_a_configured_token_every_write_is_forbidden() {
    let (harness, app) = Harness::new(ConsoleSettings::default());
    let expected = json!({"error": "writes are disabled: the server has no api token configured (set the environment variable named by `[serve] api_token_env`)"});
    let archive = send(
        &app,
        post(
            &format!("/v1/findings/{WORKSHOP_ID}/archive"),
            &[BEARER],
            "",
        ),
    )
    .await;
    assert_eq!(archive.status, StatusCode::FORBIDDEN);
    assert_eq!(archive.json(), expected);
    let ingest = send(&app, post("/v1/events", &[BEARER, JSON], "[]")).await;
    assert_eq!(ingest.status, StatusCode::FORBIDDEN);
    assert_eq!(ingest.json(), expected);
    assert_eq!(
        harness.metrics.rejected_forbidden.load(Ordering::Relaxed),
        1
    );
    assert_eq!(
        get(&app, "/v1/findings").await.status,
        StatusCode::OK,
        "reads stay open"
    );
}

#[tokio::test]
async fn audit_log_is_newest_first_and_rules_are_passed_through() {
    let (_harness, app) = Harness::with_token();
    let reply = get(&app, "/v1/actions").await;
    assert_eq!(reply.status, StatusCode::OK);
    let entries = audit_entries();
    assert_eq!(ids(&reply), [entries[0].id.clone(), entries[1].id.clone()]);
    assert_eq!(
        reply.json()[1],
        json!({
            "id": "0b4e7c2a-0000-4000-8000-000000000002",
            "findingId": ci_runner_finding().id,
            "action": "revoke-role-sessions",
            "mode": "dry-run",
            "status": "refused",
            "createdAt": "2026-05-12T16:14:35.000Z",
            "plan": "role `ci-runner-role` is not in the allowed roles",
            "result": null,
            "undo": null,
        })
    );
    let rules = get(&app, "/v1/rules").await;
    assert_eq!(rules.status, StatusCode::OK);
    assert_eq!(rules.json(), workshop_rules());
}

// ---- ingest --------------------------------------------------------------------------------

const CLOUDTRAIL_EVENT: &str = r#"{"version":"0","id":"6f2b1d4e-1111-2222-3333-444455556666","detail-type":"AWS API Call via CloudTrail","source":"aws.dynamodb","account":"123456789012","time":"2026-05-12T16:14:36Z","region":"us-west-2","resources":[],"detail":{"eventVersion":"1.09","eventTime":"2026-05-12T16:14:36Z","eventSource":"dynamodb.amazonaws.com","eventName":"ListTables","sourceIPAddress":"198.51.100.214"}}"#;

fn finding_event() -> Value {
    json!({
        "version": "0", "id": "7a3c2e5f-1111-2222-3333-444455556666",
        "detail-type": "GuardDuty Finding", "source": "aws.guardduty",
        "account": "123456789012", "time": "2026-05-12T16:20:00Z", "region": "us-west-2",
        "resources": [], "detail": workshop_finding(),
    })
}

#[tokio::test]
async fn accepts_a_batch_and_hands_over_exact_texts() {
    let (harness, app) = Harness::with_token();
    let body = format!("[\n  {CLOUDTRAIL_EVENT},\n  {}\n]", finding_event());
    let reply = send(
        &app,
        post(
            "/v1/events",
            &[BEARER, ("content-type", "application/json; charset=utf-8")],
            body,
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    assert_eq!(reply.json(), json!({"accepted": 2}));
    let single = send(
        &app,
        post(
            "/v1/events",
            &[("x-api-key", TOKEN), JSON],
            CLOUDTRAIL_EVENT,
        ),
    )
    .await;
    assert_eq!(single.status, StatusCode::ACCEPTED);
    assert_eq!(single.json(), json!({"accepted": 1}));
    let batches = harness.ingest.batches.lock().unwrap().clone();
    assert_eq!(
        batches,
        [
            IngestBatch {
                cloudtrail: vec![CLOUDTRAIL_EVENT.to_owned()],
                findings: vec![finding_event()],
            },
            IngestBatch {
                cloudtrail: vec![CLOUDTRAIL_EVENT.to_owned()],
                findings: vec![],
            },
        ]
    );
    assert_eq!(harness.metrics.events_received.load(Ordering::Relaxed), 3);
}

/// Request headers, body → status, error message.
type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, StatusCode, &'a str);

/// One refused ingest request: (headers, body) → (status, error message).
async fn refused(app: &Router, headers: &[(&str, &str)], body: &str) -> (StatusCode, String) {
    let reply = send(app, post("/v1/events", headers, body.to_owned())).await;
    let error = reply.json()["error"].as_str().unwrap().to_owned();
    (reply.status, error)
}

#[tokio::test]
async fn refuses_bad_requests_with_the_right_status_and_reason() {
    let (harness, app) = Harness::new(ConsoleSettings {
        api_token: Some(TOKEN.into()),
        max_body_bytes: 2048,
        max_events_per_request: 3,
    });
    let event = r#"{"detail-type":"AWS API Call via CloudTrail","detail":{}}"#;
    let four = format!("[{event},{event},{event},{event}]");
    let big = format!("[{}]", vec![event; 40].join(","));
    let length = big.len().to_string();
    let second_untyped = format!("[{event}, {{\"detail\":{{}}}}]");
    let second_unknown =
        format!("[{event},{{\"detail-type\":\"Scheduled Event\",\"detail\":{{}}}}]");
    let cases: Vec<Case<'_>> = vec![
        (
            vec![JSON],
            event,
            StatusCode::UNAUTHORIZED,
            "missing api token: send `Authorization: Bearer <token>` or `X-API-Key: <token>`",
        ),
        (
            vec![("x-api-key", "test-token-7f3"), JSON],
            event,
            StatusCode::UNAUTHORIZED,
            "wrong api token",
        ),
        (
            vec![BEARER, JSON, ("content-length", &length)],
            &big,
            StatusCode::PAYLOAD_TOO_LARGE,
            "request body is larger than the limit of 2048 bytes",
        ),
        (
            vec![BEARER, JSON],
            &big,
            StatusCode::PAYLOAD_TOO_LARGE,
            "request body is larger than the limit of 2048 bytes",
        ),
        (
            vec![BEARER, ("content-type", "text/plain")],
            event,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content type must be `application/json`, got `text/plain`",
        ),
        (
            vec![BEARER],
            event,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content type must be `application/json`, got `(none)`",
        ),
        (
            vec![BEARER, JSON],
            "[{\"detail-type\":\n  \"x\",}]",
            StatusCode::BAD_REQUEST,
            "invalid json: key must be a string at line 2 column 7",
        ),
        (
            vec![BEARER, JSON],
            "42",
            StatusCode::BAD_REQUEST,
            "the body must be one event object or an array of events, not a number",
        ),
        (
            vec![BEARER, JSON],
            &second_untyped,
            StatusCode::BAD_REQUEST,
            "event 1: missing `detail-type`",
        ),
        (
            vec![BEARER, JSON],
            r#"{"detail-type":"GuardDuty Finding","detail":[]}"#,
            StatusCode::BAD_REQUEST,
            "event 0: `detail` must be an object",
        ),
        (
            vec![BEARER, JSON],
            &second_unknown,
            StatusCode::UNPROCESSABLE_ENTITY,
            "event 1: unknown detail-type `Scheduled Event`; accepted: `AWS API Call via CloudTrail`, `AWS Console Action via CloudTrail`, `AWS Console Sign In via CloudTrail`, `AWS Service Event via CloudTrail`, `AWS Insight via CloudTrail`, `GuardDuty Finding`",
        ),
        (
            vec![BEARER, JSON],
            &four,
            StatusCode::UNPROCESSABLE_ENTITY,
            "too many events: 4, at most 3 per request",
        ),
    ];
    for (headers, body, status, message) in cases {
        assert_eq!(
            refused(&app, &headers, body).await,
            (status, message.to_owned()),
            "{headers:?} {}",
            &body[..body.len().min(80)]
        );
    }
    assert_eq!(
        harness.ingest.batches.lock().unwrap().len(),
        0,
        "nothing got through"
    );
    assert_eq!(harness.metrics.events_received.load(Ordering::Relaxed), 0);
}

#[tokio::test]
async fn pipeline_refusals_are_503_with_retry_after() {
    let (harness, app) = Harness::with_token();
    for (refusal, message) in [
        (
            IngestRejected::Busy,
            "the ingest queue is full, retry later",
        ),
        (IngestRejected::ShuttingDown, "trailguard is shutting down"),
    ] {
        *harness.ingest.refuse_with.lock().unwrap() = Some(refusal);
        let reply = send(&app, post("/v1/events", &[BEARER, JSON], CLOUDTRAIL_EVENT)).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(reply.headers[header::RETRY_AFTER], "1");
        assert_eq!(reply.json(), json!({"error": message}));
    }
    assert_eq!(harness.metrics.rejected_busy.load(Ordering::Relaxed), 1);
    assert_eq!(
        harness
            .metrics
            .rejected_shutting_down
            .load(Ordering::Relaxed),
        1
    );
}

// ---- metrics, health, console, fallbacks ----------------------------------------------------

#[tokio::test]
async fn metrics_render_known_values_exactly() {
    let (harness, app) = Harness::with_token();
    // Through the API: 2 events accepted, 1 wrong token, 1 bad JSON, 1 unknown type.
    let accepted = format!("[{CLOUDTRAIL_EVENT},{CLOUDTRAIL_EVENT}]");
    send(&app, post("/v1/events", &[BEARER, JSON], accepted)).await;
    send(&app, post("/v1/events", &[("x-api-key", "x"), JSON], "{}")).await;
    send(&app, post("/v1/events", &[BEARER, JSON], "{")).await;
    send(
        &app,
        post(
            "/v1/events",
            &[BEARER, JSON],
            r#"{"detail-type":"x","detail":{}}"#,
        ),
    )
    .await;
    // As the pipeline would.
    let m = &harness.metrics;
    m.records_processed.store(1200, Ordering::Relaxed);
    m.bad_records.store(3, Ordering::Relaxed);
    m.findings_raised.store(1, Ordering::Relaxed);
    m.findings_updated.store(12, Ordering::Relaxed);
    m.deliveries_delivered.store(2, Ordering::Relaxed);
    m.deliveries_failed.store(1, Ordering::Relaxed);
    m.actions_applied.store(1, Ordering::Relaxed);
    m.actions_planned.store(4, Ordering::Relaxed);
    m.ingest_queue_depth.store(17, Ordering::Relaxed);
    m.lag_millis.store(2_350, Ordering::Relaxed);

    let reply = get(&app, "/metrics").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.headers[header::CONTENT_TYPE],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert_eq!(
        reply.body,
        "\
# HELP trailguard_events_received_total Events accepted by HTTP ingest.
# TYPE trailguard_events_received_total counter
trailguard_events_received_total 2
# HELP trailguard_events_rejected_total HTTP ingest requests refused, by reason.
# TYPE trailguard_events_rejected_total counter
trailguard_events_rejected_total{reason=\"unauthorized\"} 1
trailguard_events_rejected_total{reason=\"forbidden\"} 0
trailguard_events_rejected_total{reason=\"too_large\"} 0
trailguard_events_rejected_total{reason=\"unsupported_media_type\"} 0
trailguard_events_rejected_total{reason=\"bad_request\"} 1
trailguard_events_rejected_total{reason=\"unprocessable\"} 1
trailguard_events_rejected_total{reason=\"busy\"} 0
trailguard_events_rejected_total{reason=\"shutting_down\"} 0
# HELP trailguard_records_processed_total CloudTrail records processed by the pipeline.
# TYPE trailguard_records_processed_total counter
trailguard_records_processed_total 1200
# HELP trailguard_bad_records_total Records the pipeline could not decode.
# TYPE trailguard_bad_records_total counter
trailguard_bad_records_total 3
# HELP trailguard_findings_raised_total New findings.
# TYPE trailguard_findings_raised_total counter
trailguard_findings_raised_total 1
# HELP trailguard_findings_updated_total Existing findings that got another occurrence.
# TYPE trailguard_findings_updated_total counter
trailguard_findings_updated_total 12
# HELP trailguard_deliveries_total Target deliveries, by outcome.
# TYPE trailguard_deliveries_total counter
trailguard_deliveries_total{outcome=\"delivered\"} 2
trailguard_deliveries_total{outcome=\"failed\"} 1
# HELP trailguard_actions_total Remediation actions, by status.
# TYPE trailguard_actions_total counter
trailguard_actions_total{status=\"planned\"} 4
trailguard_actions_total{status=\"applied\"} 1
trailguard_actions_total{status=\"refused\"} 0
trailguard_actions_total{status=\"failed\"} 0
# HELP trailguard_ingest_queue_depth Events waiting in the ingest queue.
# TYPE trailguard_ingest_queue_depth gauge
trailguard_ingest_queue_depth 17
# HELP trailguard_lag_seconds Seconds between the newest processed record's eventTime and its processing.
# TYPE trailguard_lag_seconds gauge
trailguard_lag_seconds 2.35
"
    );
}

#[tokio::test]
async fn health_console_and_fallbacks() {
    let (_harness, app) = Harness::with_token();
    let health = get(&app, "/healthz").await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (StatusCode::OK, "ok")
    );

    let page = get(&app, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.headers[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    assert!(
        page.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'; script-src 'self';")
    );
    assert!(
        page.body
            .contains(r#"<script src="/assets/app.js" defer></script>"#)
    );
    let script = get(&app, "/assets/app.js").await;
    assert_eq!(
        script.headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    assert!(
        !script.body.contains("innerHTML"),
        "data reaches the DOM as text only"
    );
    let style = get(&app, "/assets/app.css").await;
    assert_eq!(
        style.headers[header::CONTENT_TYPE],
        "text/css; charset=utf-8"
    );

    let missing = get(&app, "/assets/app.map").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.json(),
        json!({"error": "no such endpoint `/assets/app.map`"})
    );
    let nowhere = get(&app, "/v2/findings").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(
        nowhere.json(),
        json!({"error": "no such endpoint `/v2/findings`"})
    );
    let method = send(&app, post("/v1/findings", &[], "")).await;
    assert_eq!(method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        method.json(),
        json!({"error": "method not allowed on this endpoint"})
    );
}

/// A GuardDuty finding of a type trailguard does not raise, as EventBridge delivers it.
fn ingested_port_probe() -> Value {
    serde_json::from_str(include_str!(
        "../../../data/fixtures/guardduty-port-probe.json"
    ))
    .unwrap()
}

/// Ingested GuardDuty findings are listed with trailguard's own (by last seen, the filters
/// applying), shown whole, and archived like them.
#[tokio::test]
async fn ingested_guardduty_findings_are_listed_shown_and_archived() {
    let (harness, app) = Harness::with_token();
    let event = ingested_port_probe();
    harness
        .store
        .lock()
        .unwrap()
        .ingest_finding(&event)
        .unwrap();
    let probe = event["detail"]["id"].as_str().unwrap().to_owned();

    let listed = get(&app, "/v1/findings").await.json();
    assert_eq!(listed[0], event["detail"], "the newest first, whole");
    assert_eq!(listed.as_array().unwrap().len(), 4);
    assert_eq!(
        ids(&get(&app, "/v1/findings?type=Recon:").await),
        std::slice::from_ref(&probe)
    );
    assert!(!ids(&get(&app, "/v1/findings?severity=high").await).contains(&probe));

    let shown = get(&app, &format!("/v1/findings/{probe}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    let mut expected = event["detail"].clone();
    expected["actions"] = json!([]);
    assert_eq!(shown.json(), expected);

    let done = send(
        &app,
        post(&format!("/v1/findings/{probe}/archive"), &[BEARER], ""),
    )
    .await;
    assert_eq!(done.json(), json!({"id": probe, "archived": true}));
    assert!(!ids(&get(&app, "/v1/findings").await).contains(&probe));
    let archived = get(&app, "/v1/findings?archived=true").await.json();
    let shown = archived
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == probe.as_str());
    assert_eq!(shown.unwrap()["service"]["archived"], true);
}
