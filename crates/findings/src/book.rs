//! Aggregation: folds occurrences into findings, independent of the order they arrive in.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::id::detector_id;
use crate::kind::FindingKind;
use crate::model::{Action, AwsApiCallAction, Finding, Resource, Service};
use crate::occurrence::{Call, Occurrence};
use crate::time::{format_millis, parse_millis};

/// Whether [`FindingBook::record`] created a finding or updated one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touch {
    /// A new finding id.
    New,
    /// An existing finding got another occurrence.
    Updated,
}

/// Per-API statistics kept in `additionalInfo.apiCalls`.
#[derive(Debug, Clone, PartialEq)]
struct ApiCallStat {
    count: u64,
    first_seen_s: i64,
    last_seen_s: i64,
}

/// A finding with what aggregation needs beyond its JSON.
#[derive(Debug, Clone)]
struct Entry {
    finding: Finding,
    api_calls: BTreeMap<String, ApiCallStat>,
    first_ms: i64,
    last_ms: i64,
    latest: (i64, String),
    /// (regional call, time, event id) of the call that gave the finding its region.
    region_order: (bool, i64, String),
    extra: Map<String, Value>,
    touched: bool,
}

/// All findings of a run (or a store), keyed by id.
#[derive(Debug, Clone, Default)]
pub struct FindingBook {
    entries: BTreeMap<String, Entry>,
}

impl FindingBook {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    /// A book holding earlier findings, so new occurrences add to their counts.
    pub fn from_findings(findings: impl IntoIterator<Item = Finding>) -> Self {
        let entries = findings
            .into_iter()
            .map(|finding| (finding.id.clone(), Entry::from_finding(finding)))
            .collect();
        Self { entries }
    }

    /// Adds one occurrence: a new finding, or count/last-seen/latest action of an existing one.
    pub fn record(&mut self, occurrence: Occurrence) -> Touch {
        let id = occurrence.key.finding_id();
        match self.entries.get_mut(&id) {
            Some(entry) => {
                entry.add(occurrence);
                Touch::Updated
            }
            None => {
                self.entries.insert(id.clone(), Entry::new(id, occurrence));
                Touch::New
            }
        }
    }

    /// Every finding, ordered by id.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.entries.values().map(|entry| &entry.finding)
    }

    /// The finding with this id.
    pub fn get(&self, id: &str) -> Option<&Finding> {
        self.entries.get(id).map(|entry| &entry.finding)
    }

    /// The findings created or updated since the book was made.
    pub fn touched(&self) -> impl Iterator<Item = &Finding> {
        self.entries
            .values()
            .filter(|entry| entry.touched)
            .map(|entry| &entry.finding)
    }

    /// Number of findings.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no finding.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Entry {
    fn new(id: String, occurrence: Occurrence) -> Self {
        let key = &occurrence.key;
        let time = occurrence.call.time_ms;
        let finding = Finding {
            schema_version: "2.0".to_owned(),
            account_id: key.account.clone(),
            region: occurrence.region.clone(),
            partition: occurrence.partition.clone(),
            id,
            arn: String::new(),
            finding_type: key.kind.type_name().to_owned(),
            resource: Resource {
                resource_type: "AccessKey".to_owned(),
                access_key_details: None,
                instance_details: None,
            },
            service: Service {
                service_name: "guardduty".to_owned(),
                detector_id: String::new(),
                action: Action {
                    action_type: "AWS_API_CALL".to_owned(),
                    aws_api_call_action: None,
                },
                evidence: None,
                archived: false,
                count: 0,
                event_first_seen: String::new(),
                event_last_seen: String::new(),
                resource_role: "TARGET".to_owned(),
                additional_info: Map::new(),
            },
            severity: occurrence.severity,
            created_at: String::new(),
            updated_at: String::new(),
            title: String::new(),
            description: String::new(),
        };
        let mut entry = Self {
            finding,
            api_calls: BTreeMap::new(),
            first_ms: time,
            last_ms: time,
            latest: (i64::MIN, String::new()),
            region_order: (false, i64::MIN, String::new()),
            extra: Map::new(),
            touched: true,
        };
        entry.add(occurrence);
        entry
    }

    fn from_finding(finding: Finding) -> Self {
        let first_ms = parse_millis(&finding.service.event_first_seen).unwrap_or(i64::MAX);
        let last_ms = parse_millis(&finding.service.event_last_seen).unwrap_or(i64::MIN);
        let info = &finding.service.additional_info;
        let latest_id = info
            .get("latestEventId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let api_calls = info
            .get("apiCalls")
            .and_then(Value::as_array)
            .map(|calls| calls.iter().filter_map(parse_api_call).collect())
            .unwrap_or_default();
        let extra = info
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "value" | "type" | "apiCalls" | "latestEventId"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Self {
            finding,
            api_calls,
            first_ms,
            last_ms,
            region_order: (true, last_ms, latest_id.clone()),
            latest: (last_ms, latest_id),
            extra,
            touched: false,
        }
    }

    fn add(&mut self, occurrence: Occurrence) {
        let call = &occurrence.call;
        self.touched = true;
        self.finding.service.count += 1;
        self.first_ms = self.first_ms.min(call.time_ms);
        self.last_ms = self.last_ms.max(call.time_ms);
        self.finding.severity = self.finding.severity.max(occurrence.severity);
        self.count_api_call(call);
        for (key, value) in &occurrence.extra {
            self.extra.insert(key.clone(), value.clone());
        }
        let region_order = (
            !is_global_service(&call.service_name),
            call.time_ms,
            call.event_id.clone(),
        );
        if region_order >= self.region_order {
            self.region_order = region_order;
            self.finding.region.clone_from(&occurrence.region);
        }
        let order = (call.time_ms, call.event_id.clone());
        if order >= self.latest {
            self.latest = order;
            self.take_latest(occurrence);
        }
        self.refresh_derived();
    }

    fn count_api_call(&mut self, call: &Call) {
        let seconds = call.time_ms.div_euclid(1000);
        let stat = self
            .api_calls
            .entry(call.api.clone())
            .or_insert(ApiCallStat {
                count: 0,
                first_seen_s: seconds,
                last_seen_s: seconds,
            });
        stat.count += 1;
        stat.first_seen_s = stat.first_seen_s.min(seconds);
        stat.last_seen_s = stat.last_seen_s.max(seconds);
    }

    /// Details of the latest occurrence overwrite the finding's, as GuardDuty does.
    fn take_latest(&mut self, occurrence: Occurrence) {
        let key = &occurrence.key;
        let ip = occurrence
            .remote_ip
            .as_ref()
            .and_then(|details| details.ip());
        let remote_account = occurrence
            .remote_account
            .as_ref()
            .and_then(|remote| remote.account_id.as_deref());
        let source = match (key.kind, ip) {
            // Keyed on the account: the call came through that account's VPC endpoint.
            (FindingKind::InstanceCredentialExfiltrationInsideAws, _)
                if remote_account == Some(key.source.as_str()) =>
            {
                format!("a VPC endpoint of account {}", key.source)
            }
            (FindingKind::InstanceCredentialExfiltrationInsideAws, Some(ip)) => {
                format!("IP address {ip}")
            }
            (_, Some(ip)) => ip.to_owned(),
            (_, None) => key.source.clone(),
        };
        let principal = &occurrence.access_key.user_name;
        let (title, description) = key.kind.wording(principal, &source, &occurrence.call.api);
        self.finding.title = title;
        self.finding.description = description;
        self.finding.resource.access_key_details = Some(occurrence.access_key);
        if occurrence.instance.is_some() {
            self.finding.resource.instance_details = occurrence.instance;
        }
        let call = occurrence.call;
        self.finding.service.action.aws_api_call_action = Some(AwsApiCallAction {
            api: call.api,
            service_name: call.service_name,
            caller_type: if occurrence.remote_ip.is_some() {
                "Remote IP".to_owned()
            } else {
                "Remote account".to_owned()
            },
            error_code: call.error_code,
            user_agent: call.user_agent,
            remote_ip_details: occurrence.remote_ip,
            remote_account_details: occurrence.remote_account,
            affected_resources: BTreeMap::new(),
        });
    }

    fn refresh_derived(&mut self) {
        let finding = &mut self.finding;
        finding.service.detector_id = detector_id(&finding.account_id, &finding.region);
        finding.arn = format!(
            "arn:{}:guardduty:{}:{}:detector/{}/finding/{}",
            finding.partition,
            finding.region,
            finding.account_id,
            finding.service.detector_id,
            finding.id
        );
        let additional_info = self.additional_info();
        let service = &mut self.finding.service;
        service.event_first_seen = format_millis(self.first_ms);
        service.event_last_seen = format_millis(self.last_ms);
        service.additional_info = additional_info;
        self.finding.created_at = service.event_first_seen.clone();
        self.finding.updated_at = service.event_last_seen.clone();
    }

    /// `{"value": "<the rest as JSON text>", "type": "default", …the rest…}`.
    fn additional_info(&self) -> Map<String, Value> {
        let mut info = self.extra.clone();
        let calls: Vec<Value> = self
            .api_calls
            .iter()
            .map(|(name, stat)| {
                json!({
                    "name": name,
                    "count": stat.count,
                    "firstSeen": stat.first_seen_s,
                    "lastSeen": stat.last_seen_s,
                })
            })
            .collect();
        info.insert("apiCalls".to_owned(), Value::Array(calls));
        info.insert(
            "latestEventId".to_owned(),
            Value::String(self.latest.1.clone()),
        );
        let value = Value::Object(info.clone()).to_string();
        info.insert("value".to_owned(), Value::String(value));
        info.insert("type".to_owned(), Value::String("default".to_owned()));
        info
    }
}

/// Services whose calls CloudTrail logs in us-east-1 whatever the caller's Region: a finding
/// takes its Region from the latest call to any other service, when there is one.
fn is_global_service(service: &str) -> bool {
    matches!(
        service,
        "iam.amazonaws.com"
            | "organizations.amazonaws.com"
            | "cloudfront.amazonaws.com"
            | "route53.amazonaws.com"
            | "globalaccelerator.amazonaws.com"
            | "signin.amazonaws.com"
    )
}

fn parse_api_call(value: &Value) -> Option<(String, ApiCallStat)> {
    Some((
        value.get("name")?.as_str()?.to_owned(),
        ApiCallStat {
            count: value.get("count")?.as_u64()?,
            first_seen_s: value.get("firstSeen")?.as_i64()?,
            last_seen_s: value.get("lastSeen")?.as_i64()?,
        },
    ))
}
