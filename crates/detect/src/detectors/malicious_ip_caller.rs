//! ## What it detects
//! Any API call (any identity type) from an address on one of the user's threat lists
//! (GuardDuty ThreatIntelSet TXT format): `UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom`.
//!
//! ## Why it matters
//! The workshop's scenarios 1 and 2 use exactly this: a threat list holding the attacker's
//! Elastic IP, and an IAM user's keys used from it.
//!
//! ## False positives
//! Stale lists: an address that moved to someone else. Keep lists current.

use std::net::IpAddr;

use cloudtrail::Record;
use findings::{AccessKeyDetails, AggregationKey, Call, FindingKind, Occurrence};
use serde_json::Value;

use super::DetectorMeta;
use crate::enrich::remote_ip_details;
use crate::identity::{parse_assumed_role_arn, role_name_of_arn};
use crate::settings::Settings;

/// Registry entry.
pub(crate) const META: DetectorMeta = DetectorMeta {
    id: "malicious-ip-caller-custom",
    kinds: &[FindingKind::MaliciousIpCallerCustom],
    doc: "docs/detectors/malicious-ip-caller-custom.md",
    since: "0.1.0",
};

/// The occurrence for a record whose source address is on a threat list.
pub(crate) fn occurrence(
    settings: &Settings,
    record: &Record<'_>,
    ip: IpAddr,
) -> Option<Occurrence> {
    let list = settings.threat_list_of(ip)?;
    let identity = record.user_identity.as_ref()?;
    if identity.invoked_by.is_some() {
        return None;
    }
    let arn = identity.arn.as_deref().unwrap_or_default();
    let user_type = identity.r#type.as_deref().unwrap_or("Unknown");
    let user_name = identity
        .user_name
        .as_deref()
        .map(str::to_owned)
        .or_else(|| parse_assumed_role_arn(arn).map(|a| a.role_name.to_owned()))
        .or_else(|| role_name_of_arn(arn).map(str::to_owned))
        .unwrap_or_else(|| user_type.to_owned());
    let account = record
        .recipient_account_id
        .as_deref()
        .or(identity.account_id.as_deref())
        .unwrap_or_default()
        .to_owned();
    let partition = arn
        .split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws");
    Some(Occurrence {
        key: AggregationKey {
            account,
            kind: FindingKind::MaliciousIpCallerCustom,
            principal: arn.to_owned(),
            instance: String::new(),
            source: ip.to_string(),
        },
        severity: FindingKind::MaliciousIpCallerCustom.default_severity(),
        region: record.aws_region.as_deref().unwrap_or_default().to_owned(),
        partition: partition.to_owned(),
        access_key: AccessKeyDetails {
            access_key_id: identity
                .access_key_id
                .as_deref()
                .unwrap_or_default()
                .to_owned(),
            principal_id: identity
                .principal_id
                .as_deref()
                .unwrap_or_default()
                .to_owned(),
            user_name,
            user_type: user_type.to_owned(),
        },
        instance: None,
        call: Call {
            time_ms: record.event_time_millis,
            event_id: record.event_id.as_deref().unwrap_or_default().to_owned(),
            api: record.event_name.as_deref().unwrap_or_default().to_owned(),
            service_name: record
                .event_source
                .as_deref()
                .unwrap_or_default()
                .to_owned(),
            user_agent: record.user_agent.as_deref().map(str::to_owned),
            error_code: record.error_code.as_deref().map(str::to_owned),
        },
        remote_ip: Some(remote_ip_details(settings, ip)),
        remote_account: None,
        extra: vec![(
            "threatListName".to_owned(),
            Value::String(list.name().to_owned()),
        )],
    })
}
