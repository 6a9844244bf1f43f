//! `POST /v1/events` throughput: a batch of realistic CloudTrail EventBridge events through the
//! router (in process, and over real HTTP on loopback), against the cost of merely parsing the
//! same body into a `serde_json::Value` (baseline, same run).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark setup")]

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::Request;
use console::{AppState, ConsoleSettings, Ingest, IngestBatch, IngestRejected, Metrics};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;
use tower::ServiceExt;

const TOKEN: &str = "bench-token";

/// Takes every batch and drops it, counting events: the HTTP layer alone.
#[derive(Default)]
struct Discard(AtomicU64);

impl Ingest for Discard {
    fn submit(&self, events: IngestBatch) -> Result<(), IngestRejected> {
        self.0.fetch_add(events.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

/// One "AWS API Call via CloudTrail" event as EventBridge delivers it (about 1.5 KB).
fn event(n: usize) -> serde_json::Value {
    json!({
        "version": "0", "id": format!("6f2b1d4e-1111-2222-3333-{n:012}"),
        "detail-type": "AWS API Call via CloudTrail", "source": "aws.dynamodb",
        "account": "123456789012", "time": "2026-05-12T16:14:36Z", "region": "us-west-2",
        "resources": [],
        "detail": {
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": "AROAEXAMPLEROLEID0001:i-0c6ccf4f60832e825",
                "arn": "arn:aws:sts::123456789012:assumed-role/GuardDuty-Example-EC2-Compromised/i-0c6ccf4f60832e825",
                "accountId": "123456789012",
                "accessKeyId": "ASIAQWERTY1234567890",
                "sessionContext": {
                    "sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEROLEID0001",
                        "arn": "arn:aws:iam::123456789012:role/GuardDuty-Example-EC2-Compromised",
                        "accountId": "123456789012", "userName": "GuardDuty-Example-EC2-Compromised"},
                    "attributes": {"creationDate": "2026-05-12T15:58:11Z", "mfaAuthenticated": "false"},
                    "ec2RoleDelivery": "2.0"
                }
            },
            "eventTime": "2026-05-12T16:14:36Z",
            "eventSource": "dynamodb.amazonaws.com",
            "eventName": "ListTables",
            "awsRegion": "us-west-2",
            "sourceIPAddress": "198.51.100.214",
            "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.ubuntu.22 prompt/off command/dynamodb.list-tables",
            "requestParameters": null,
            "responseElements": null,
            "requestID": format!("REQ{n:029}"),
            "eventID": format!("5e6f7a8b-0000-4000-8000-{n:012}"),
            "readOnly": true,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": "123456789012",
            "eventCategory": "Management",
            "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                "clientProvidedHostHeader": "dynamodb.us-west-2.amazonaws.com"}
        }
    })
}

fn body(events: usize) -> String {
    serde_json::Value::Array((0..events).map(event).collect()).to_string()
}

fn app(ingest: Arc<Discard>) -> axum::Router {
    console::app(AppState {
        store: Arc::new(Mutex::new(store::Store::in_memory().unwrap())),
        ingest,
        metrics: Arc::new(Metrics::default()),
        settings: ConsoleSettings {
            api_token: Some(TOKEN.into()),
            max_body_bytes: 64 << 20,
            ..ConsoleSettings::default()
        },
        rules: json!([]),
    })
}

fn ingest(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let ingest = Arc::new(Discard::default());
    let router = app(Arc::clone(&ingest));
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}/v1/events", listener.local_addr().unwrap());
    let served = router.clone();
    runtime.spawn(async move { axum::serve(listener, served).await });
    let agent: ureq::Agent = ureq::Agent::config_builder().build().into();

    let mut group = c.benchmark_group("ingest");
    for events in [1, 100, 1000] {
        let text = body(events);
        group.throughput(Throughput::Elements(events as u64));
        group.bench_with_input(
            BenchmarkId::new("baseline: parse as Value", events),
            &text,
            |b, text| {
                b.iter(|| black_box(serde_json::from_str::<serde_json::Value>(text).unwrap()));
            },
        );
        group.bench_with_input(
            BenchmarkId::new("router (oneshot)", events),
            &text,
            |b, text| {
                b.iter(|| {
                    let request = Request::post("/v1/events")
                        .header("authorization", format!("Bearer {TOKEN}"))
                        .header("content-type", "application/json")
                        .body(Body::from(text.clone()))
                        .unwrap();
                    let response = runtime.block_on(router.clone().oneshot(request)).unwrap();
                    assert_eq!(response.status(), 202);
                });
            },
        );
        group.bench_with_input(
            BenchmarkId::new("HTTP on loopback", events),
            &text,
            |b, text| {
                b.iter(|| {
                    let response = agent
                        .post(&url)
                        .header("authorization", &format!("Bearer {TOKEN}"))
                        .header("content-type", "application/json")
                        .send(text.as_bytes())
                        .unwrap();
                    assert_eq!(response.status(), 202);
                });
            },
        );
    }
    group.finish();
    assert!(ingest.0.load(Ordering::Relaxed) > 0);
}

criterion_group!(benches, ingest);
criterion_main!(benches);
