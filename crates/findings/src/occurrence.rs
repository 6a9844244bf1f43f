//! One observation of a finding: what a detector reports for a single CloudTrail record.

use crate::kind::FindingKind;
use crate::model::{AccessKeyDetails, InstanceDetails, RemoteAccountDetails, RemoteIpDetails};

/// The parts that decide which finding an occurrence belongs to:
/// (account, type, principal ARN, instance id, remote IP or remote account).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AggregationKey {
    /// Account of the affected resource.
    pub account: String,
    /// The finding type.
    pub kind: FindingKind,
    /// Role ARN (instance credentials) or principal ARN.
    pub principal: String,
    /// Instance id, empty when not an instance credential.
    pub instance: String,
    /// Remote IP, or remote account for VPC-endpoint InsideAWS.
    pub source: String,
}

impl AggregationKey {
    /// The deterministic finding id of this key.
    pub fn finding_id(&self) -> String {
        crate::id::finding_id(&[
            &self.account,
            self.kind.type_name(),
            &self.principal,
            &self.instance,
            &self.source,
        ])
    }
}

/// One API call, as it goes into `awsApiCallAction` and `additionalInfo.apiCalls`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Event time, milliseconds since the epoch.
    pub time_ms: i64,
    /// CloudTrail `eventID` (breaks ties between calls in the same millisecond).
    pub event_id: String,
    /// CloudTrail `eventName`.
    pub api: String,
    /// CloudTrail `eventSource`.
    pub service_name: String,
    /// CloudTrail `userAgent`.
    pub user_agent: Option<String>,
    /// CloudTrail `errorCode`.
    pub error_code: Option<String>,
}

/// A single occurrence of a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    /// Which finding it belongs to.
    pub key: AggregationKey,
    /// Severity score for this occurrence.
    pub severity: f64,
    /// Region of the call.
    pub region: String,
    /// `aws`, `aws-cn` or `aws-us-gov`.
    pub partition: String,
    /// Credentials used.
    pub access_key: AccessKeyDetails,
    /// The instance, when the credentials are an instance's.
    pub instance: Option<InstanceDetails>,
    /// The call.
    pub call: Call,
    /// Where it came from.
    pub remote_ip: Option<RemoteIpDetails>,
    /// The remote account (InsideAWS).
    pub remote_account: Option<RemoteAccountDetails>,
    /// Extra `additionalInfo` members, e.g. `imdsVersion` or `threatListName`.
    pub extra: Vec<(String, serde_json::Value)>,
}
