//! The EventBridge envelope a finding travels in to rules and targets.

use serde::{Deserialize, Serialize};

use crate::model::Finding;

/// The default `source`, so rules written for GuardDuty match unchanged.
pub const DEFAULT_SOURCE: &str = "aws.guardduty";

/// `{"version":"0","id":…,"detail-type":"GuardDuty Finding","source":…,"detail":<finding>}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// Always `"0"`.
    pub version: String,
    /// A fresh UUID per event.
    pub id: String,
    /// `GuardDuty Finding`.
    #[serde(rename = "detail-type")]
    pub detail_type: String,
    /// `aws.guardduty` unless configured otherwise.
    pub source: String,
    /// The finding's account.
    pub account: String,
    /// When the event was emitted (ISO-8601, seconds, `Z`).
    pub time: String,
    /// The finding's region.
    pub region: String,
    /// Always empty for GuardDuty findings.
    pub resources: Vec<String>,
    /// The finding itself.
    pub detail: Finding,
}

impl Envelope {
    /// Wraps a finding; `time` is the emission time in EventBridge's format.
    pub fn new(finding: Finding, source: &str, event_id: String, time: String) -> Self {
        Self {
            version: "0".to_owned(),
            id: event_id,
            detail_type: "GuardDuty Finding".to_owned(),
            source: source.to_owned(),
            account: finding.account_id.clone(),
            time,
            region: finding.region.clone(),
            resources: Vec::new(),
            detail: finding,
        }
    }

    /// Wraps a finding with a random event id, timed at the finding's `updatedAt` (seconds).
    pub fn for_finding(finding: Finding, source: &str) -> Self {
        let time = seconds_precision(&finding.updated_at);
        Self::new(finding, source, uuid::Uuid::new_v4().to_string(), time)
    }
}

/// `2023-07-10T11:57:22.123Z` → `2023-07-10T11:57:22Z`, as EventBridge writes `time`.
fn seconds_precision(iso: &str) -> String {
    match iso.split_once('.') {
        Some((seconds, _)) => format!("{seconds}Z"),
        None => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_drops_fraction() {
        assert_eq!(
            seconds_precision("2023-07-10T11:57:22.123Z"),
            "2023-07-10T11:57:22Z"
        );
        assert_eq!(
            seconds_precision("2023-07-10T11:57:22Z"),
            "2023-07-10T11:57:22Z"
        );
    }
}
