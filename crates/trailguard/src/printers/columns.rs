//! The summary columns shared by the table and CSV printers.

use findings::{Finding, RemoteIpDetails, Severity};

/// The short form of a finding type for narrow columns.
pub(super) fn short_type(finding: &Finding) -> &str {
    finding
        .finding_type
        .split_once('/')
        .map_or(finding.finding_type.as_str(), |(_, rest)| rest)
}

/// Severity label.
pub(super) fn severity(finding: &Finding) -> Severity {
    Severity::from_score(finding.severity)
}

/// The role (or user) name.
pub(super) fn principal(finding: &Finding) -> &str {
    finding
        .resource
        .access_key_details
        .as_ref()
        .map_or("", |details| details.user_name.as_str())
}

/// The instance id, if any.
pub(super) fn instance(finding: &Finding) -> &str {
    finding
        .resource
        .instance_details
        .as_ref()
        .map_or("", |details| details.instance_id.as_str())
}

fn remote_ip_details(finding: &Finding) -> Option<&RemoteIpDetails> {
    finding
        .service
        .action
        .aws_api_call_action
        .as_ref()
        .and_then(|call| call.remote_ip_details.as_ref())
}

/// The remote address.
pub(super) fn remote_ip(finding: &Finding) -> &str {
    remote_ip_details(finding)
        .and_then(RemoteIpDetails::ip)
        .unwrap_or("")
}

/// The remote account (InsideAWS), if known.
pub(super) fn remote_account(finding: &Finding) -> &str {
    finding
        .service
        .action
        .aws_api_call_action
        .as_ref()
        .and_then(|call| call.remote_account_details.as_ref())
        .and_then(|details| details.account_id.as_deref())
        .unwrap_or("")
}

/// Country code, when GeoIP knows it.
pub(super) fn country(finding: &Finding) -> &str {
    remote_ip_details(finding)
        .and_then(|d| {
            d.country
                .country_code
                .as_deref()
                .or(d.country.country_name.as_deref())
        })
        .unwrap_or("")
}

/// The ASN organisation, or AWS's service and region for AWS addresses.
pub(super) fn organization(finding: &Finding) -> &str {
    remote_ip_details(finding)
        .and_then(|d| {
            d.organization
                .asn_org
                .as_deref()
                .or(d.organization.org.as_deref())
        })
        .unwrap_or("")
}
