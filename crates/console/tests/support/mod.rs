//! What the console's integration tests share: a store seeded with findings and audit-log
//! entries, a recording `Ingest`, and the app built over them.
#![allow(dead_code, reason = "each test file uses a part of the support module")]
#![allow(clippy::unwrap_used, reason = "tests")]

use std::sync::{Arc, Mutex};

use console::{AppState, ConsoleSettings, Ingest, IngestBatch, IngestRejected, Metrics};
use findings::{
    AccessKeyDetails, AggregationKey, Call, Country, Finding, FindingBook, FindingKind,
    InstanceDetails, Occurrence, Organization, RemoteAccountDetails, RemoteIpDetails,
};
use serde_json::{Value, json};
use store::Store;
use store::audit::ActionRecord;

/// The token the tests configure.
pub const TOKEN: &str = "test-token-7f3a";

/// The workshop's finding id, as `trailguard demo` prints it (demo.golden.json).
pub const WORKSHOP_ID: &str = "8a71215852e2ac88bd0e2aa76cf053fb";
pub const WORKSHOP_ROLE: &str = "GuardDuty-Example-EC2-Compromised";
pub const WORKSHOP_INSTANCE: &str = "i-0c6ccf4f60832e825";
pub const WORKSHOP_IP: &str = "198.51.100.214";

/// The learner's 13 calls of the workshop's scenario 3, with their event sources.
const WORKSHOP_CALLS: [(&str, &str); 13] = [
    ("GetUser", "iam.amazonaws.com"),
    ("CreateUser", "iam.amazonaws.com"),
    ("ListTables", "dynamodb.amazonaws.com"),
    ("DescribeTable", "dynamodb.amazonaws.com"),
    ("Scan", "dynamodb.amazonaws.com"),
    ("PutItem", "dynamodb.amazonaws.com"),
    ("Scan", "dynamodb.amazonaws.com"),
    ("DeleteTable", "dynamodb.amazonaws.com"),
    ("ListTables", "dynamodb.amazonaws.com"),
    ("DescribeParameters", "ssm.amazonaws.com"),
    ("GetParameters", "ssm.amazonaws.com"),
    ("GetParameters", "ssm.amazonaws.com"),
    ("DeleteParameter", "ssm.amazonaws.com"),
];

/// 2026-05-12T16:14:36Z, the first stolen call of the demo.
const WORKSHOP_START_MS: i64 = 1_778_602_476_000;

struct Spec<'a> {
    kind: FindingKind,
    role: &'a str,
    instance: &'a str,
    severity: f64,
    remote_ip: Option<RemoteIpDetails>,
    remote_account: Option<&'a str>,
}

fn occurrence(spec: &Spec<'_>, api: &str, service: &str, time_ms: i64, n: usize) -> Occurrence {
    let source = spec
        .remote_ip
        .as_ref()
        .and_then(|ip| ip.ip_address_v4.clone())
        .or_else(|| spec.remote_account.map(str::to_owned))
        .unwrap_or_default();
    Occurrence {
        key: AggregationKey {
            account: "123456789012".into(),
            kind: spec.kind,
            principal: format!("arn:aws:iam::123456789012:role/{}", spec.role),
            instance: spec.instance.into(),
            source,
        },
        severity: spec.severity,
        region: "us-west-2".into(),
        partition: "aws".into(),
        access_key: AccessKeyDetails {
            access_key_id: "ASIAQWERTY1234567890".into(),
            principal_id: format!("AROAEXAMPLEROLEID0001:{}", spec.instance),
            user_name: spec.role.into(),
            user_type: "AssumedRole".into(),
        },
        instance: Some(InstanceDetails {
            instance_id: spec.instance.into(),
            ..InstanceDetails::default()
        }),
        call: Call {
            time_ms,
            event_id: format!("{}-{n:04}", spec.role),
            api: api.into(),
            service_name: service.into(),
            user_agent: Some("aws-cli/2.15.0 Python/3.11.6 Linux/6.1".into()),
            error_code: None,
        },
        remote_ip: spec.remote_ip.clone(),
        remote_account: spec.remote_account.map(|account| RemoteAccountDetails {
            account_id: Some(account.into()),
            affiliated: true,
        }),
        extra: Vec::new(),
    }
}

fn finding(spec: &Spec<'_>, calls: &[(&str, &str)], start_ms: i64, step_ms: i64) -> Finding {
    let mut book = FindingBook::new();
    for (n, (api, service)) in calls.iter().enumerate() {
        let time = start_ms + step_ms * i64::try_from(n).unwrap();
        book.record(occurrence(spec, api, service, time, n));
    }
    assert_eq!(book.len(), 1);
    book.findings().next().unwrap().clone()
}

/// The workshop's finding: High, the role and instance of the workshop, 13 calls from
/// 198.51.100.214 between 16:14:36 and 16:15:42 (5.5 s apart).
pub fn workshop_finding() -> Finding {
    let spec = Spec {
        kind: FindingKind::InstanceCredentialExfiltrationOutsideAws,
        role: WORKSHOP_ROLE,
        instance: WORKSHOP_INSTANCE,
        severity: 8.0,
        remote_ip: Some(RemoteIpDetails {
            ip_address_v4: Some(WORKSHOP_IP.into()),
            ..RemoteIpDetails::default()
        }),
        remote_account: None,
    };
    finding(&spec, &WORKSHOP_CALLS, WORKSHOP_START_MS, 5_500)
}

/// InsideAWS from an affiliated account's VPC endpoint: Medium (5), last seen
/// 2026-05-12T09:00:10Z.
pub fn ci_runner_finding() -> Finding {
    let spec = Spec {
        kind: FindingKind::InstanceCredentialExfiltrationInsideAws,
        role: "ci-runner-role",
        instance: "i-0a1b2c3d4e5f60718",
        severity: 5.0,
        remote_ip: None,
        remote_account: Some("111122223333"),
    };
    let calls = [
        ("GetObject", "s3.amazonaws.com"),
        ("PutObject", "s3.amazonaws.com"),
    ];
    finding(&spec, &calls, 1_778_576_400_000, 10_000)
}

/// A call from a threat-listed IP (hosting provider in the Netherlands), severity lowered to
/// 3 (Low) by an override; last seen 2026-05-11T20:00:00Z.
pub fn threat_list_finding() -> Finding {
    let spec = Spec {
        kind: FindingKind::MaliciousIpCallerCustom,
        role: "reporting-role",
        instance: "i-0fedcba9876543210",
        severity: 3.0,
        remote_ip: Some(RemoteIpDetails {
            ip_address_v4: Some("203.0.113.50".into()),
            organization: Organization {
                asn: Some("64511".into()),
                asn_org: Some("Example Hosting B.V.".into()),
                ..Organization::default()
            },
            country: Country {
                country_code: Some("NL".into()),
                country_name: Some("Netherlands".into()),
            },
            ..RemoteIpDetails::default()
        }),
        remote_account: None,
    };
    finding(
        &spec,
        &[("DescribeInstances", "ec2.amazonaws.com")],
        1_778_529_600_000,
        0,
    )
}

/// An OutsideAWS finding already archived; last seen 2026-05-10T12:00:00Z.
pub fn archived_finding() -> Finding {
    let spec = Spec {
        kind: FindingKind::InstanceCredentialExfiltrationOutsideAws,
        role: "build-role",
        instance: "i-0123456789abcdef0",
        severity: 8.0,
        remote_ip: Some(RemoteIpDetails {
            ip_address_v4: Some("192.0.2.10".into()),
            ..RemoteIpDetails::default()
        }),
        remote_account: None,
    };
    let mut finding = finding(
        &spec,
        &[("ListBuckets", "s3.amazonaws.com")],
        1_778_414_400_000,
        0,
    );
    finding.service.archived = true;
    finding
}

/// The audit-log entries: the workshop's remediation (applied) and a dry-run for ci-runner.
pub fn audit_entries() -> Vec<ActionRecord> {
    vec![
        ActionRecord {
            id: "0b4e7c2a-0000-4000-8000-000000000001".into(),
            finding_id: Some(WORKSHOP_ID.into()),
            action: "revoke-role-sessions".into(),
            mode: "enforce".into(),
            status: "applied".into(),
            plan: json!({"calls": [{"service": "iam", "operation": "PutRolePolicy",
                "parameters": {"RoleName": WORKSHOP_ROLE, "PolicyName": "RevokeOldSessions"}}]})
            .to_string(),
            result: Some(json!({"responses": [{}]}).to_string()),
            undo: Some(json!({"kind": "restore_role_policy", "role": WORKSHOP_ROLE}).to_string()),
            created_ms: WORKSHOP_START_MS + 300_000,
        },
        ActionRecord {
            id: "0b4e7c2a-0000-4000-8000-000000000002".into(),
            finding_id: Some(ci_runner_finding().id),
            action: "revoke-role-sessions".into(),
            mode: "dry-run".into(),
            status: "refused".into(),
            plan: "role `ci-runner-role` is not in the allowed roles".into(),
            result: None,
            undo: None,
            created_ms: WORKSHOP_START_MS - 1_000,
        },
    ]
}

/// Every seeded finding.
pub fn seeded_findings() -> Vec<Finding> {
    vec![
        workshop_finding(),
        ci_runner_finding(),
        threat_list_finding(),
        archived_finding(),
    ]
}

/// A store in `dir` holding the given findings and the audit entries.
pub fn store_with(dir: &tempfile::TempDir, findings: &[Finding]) -> Store {
    let mut store = Store::open(&dir.path().join("trailguard.db")).unwrap();
    store.commit_run(&[], findings, &[]).unwrap();
    for entry in audit_entries() {
        store.record_action(&entry).unwrap();
    }
    store
}

/// An `Ingest` that records every batch and answers what it is told to.
#[derive(Default)]
pub struct RecordingIngest {
    pub batches: Mutex<Vec<IngestBatch>>,
    pub refuse_with: Mutex<Option<IngestRejected>>,
}

impl Ingest for RecordingIngest {
    fn submit(&self, events: IngestBatch) -> Result<(), IngestRejected> {
        if let Some(refusal) = *self.refuse_with.lock().unwrap() {
            return Err(refusal);
        }
        self.batches.lock().unwrap().push(events);
        Ok(())
    }
}

/// The configured rules the tests hand over: the workshop's.
pub fn workshop_rules() -> Value {
    json!([{
        "name": "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration",
        "enabled": true,
        "pattern": {"source": ["aws.guardduty"], "detail": {"type": [{"prefix": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}},
        "targets": [{"id": "email-1", "type": "email"}, {"id": "remediate-1", "type": "remediate"}]
    }])
}

/// Everything a test needs to look at after requests.
pub struct Harness {
    pub store: Arc<Mutex<Store>>,
    pub ingest: Arc<RecordingIngest>,
    pub metrics: Arc<Metrics>,
    pub dir: tempfile::TempDir,
}

impl Harness {
    /// Whether the stored finding `id` is archived.
    pub fn is_archived(&self, id: &str) -> bool {
        let store = self.store.lock().unwrap();
        store.finding(id).unwrap().unwrap().service.archived
    }

    /// A seeded store and the given settings.
    pub fn new(settings: ConsoleSettings) -> (Self, axum::Router) {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Mutex::new(store_with(&dir, &seeded_findings())));
        let ingest = Arc::new(RecordingIngest::default());
        let metrics = Arc::new(Metrics::default());
        let app = console::app(AppState {
            store: Arc::clone(&store),
            ingest: Arc::clone(&ingest) as Arc<dyn Ingest>,
            metrics: Arc::clone(&metrics),
            settings,
            rules: workshop_rules(),
        });
        (
            Self {
                store,
                ingest,
                metrics,
                dir,
            },
            app,
        )
    }

    /// The token [`TOKEN`], default limits.
    pub fn with_token() -> (Self, axum::Router) {
        Self::new(ConsoleSettings {
            api_token: Some(TOKEN.into()),
            ..ConsoleSettings::default()
        })
    }
}
