//! ASFF `ProductFields`: GuardDuty's `service` object flattened into `aws/guardduty/service/…`
//! keys with string values, plus the `aws/securityhub/…` keys Security Hub adds.
//!
//! The shape follows the GuardDuty findings Security Hub shows (the user guide's "typical
//! finding" and findings read back with `GetFindings`): nested objects become `/`-joined keys,
//! numbers and booleans their text (`"13"`, `"false"`), `null` and empty objects `""`.

use serde_json::{Map, Value};

use crate::model::Finding;

/// Security Hub accepts at most 50 `ProductFields` pairs.
pub(crate) const MAX_PRODUCT_FIELDS: usize = 50;

/// Where the flattened `service` keys start.
const SERVICE_PREFIX: &str = "aws/guardduty/service";

/// Members of `additionalInfo` other than these are repeated inside its `value` text.
const ADDITIONAL_INFO_PREFIX: &str = "aws/guardduty/service/additionalInfo/";

/// The `ProductFields` map of a finding whose ASFF `ProductArn` is `product_arn`.
pub(crate) fn product_fields(finding: &Finding, product_arn: &str) -> Map<String, Value> {
    // `Service` is plain data with string keys, so serialising it cannot fail; an empty
    // result would only drop the GuardDuty keys, never the Security Hub ones.
    let service = serde_json::to_value(&finding.service).unwrap_or_default();
    let mut pairs = Vec::new();
    flatten(SERVICE_PREFIX, &service, &mut pairs);
    let security_hub = [
        (
            "aws/securityhub/FindingId".to_owned(),
            format!("{product_arn}/{}", finding.arn),
        ),
        (
            "aws/securityhub/ProductName".to_owned(),
            "GuardDuty".to_owned(),
        ),
        (
            "aws/securityhub/CompanyName".to_owned(),
            "Amazon".to_owned(),
        ),
    ];
    keep_within_limit(&mut pairs, MAX_PRODUCT_FIELDS - security_hub.len());
    pairs
        .into_iter()
        .chain(security_hub)
        .map(|(key, value)| (key, Value::String(value)))
        .collect()
}

/// Appends `prefix/…` → text pairs for every leaf of `value`.
///
/// Arrays (such as `additionalInfo.apiCalls`) are written as one key holding their compact
/// JSON: the docs show no array, and one key per element would soon pass the 50-pair limit.
fn flatten(prefix: &str, value: &Value, pairs: &mut Vec<(String, String)>) {
    let text = match value {
        Value::Object(members) if !members.is_empty() => {
            for (name, member) in members {
                flatten(&format!("{prefix}/{name}"), member, pairs);
            }
            return;
        }
        Value::Object(_) | Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Bool(_) | Value::Number(_) | Value::Array(_) => value.to_string(),
    };
    pairs.push((prefix.to_owned(), text));
}

/// Drops pairs beyond `limit`, first the `additionalInfo` members that its `value` repeats,
/// then the last keys in sorted order, so the result is the same on every run.
fn keep_within_limit(pairs: &mut Vec<(String, String)>, limit: usize) {
    if pairs.len() <= limit {
        return;
    }
    pairs.sort_by_cached_key(|(key, _)| (is_repeated_in_value(key), key.clone()));
    pairs.truncate(limit);
}

fn is_repeated_in_value(key: &str) -> bool {
    key.strip_prefix(ADDITIONAL_INFO_PREFIX)
        .is_some_and(|member| member != "value" && member != "type")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::export::fixture::workshop_finding;

    const PRODUCT_ARN: &str = "arn:aws:securityhub:us-west-2::product/aws/guardduty";

    #[test]
    fn workshop_service_is_flattened_like_security_hub() {
        let fields = product_fields(&workshop_finding(), PRODUCT_ARN);
        let service = |key: &str| format!("aws/guardduty/service/{key}");
        let api = |key: &str| service(&format!("action/awsApiCallAction/{key}"));
        let expected = [
            (service("serviceName"), "guardduty"),
            (service("detectorId"), "12abc34d567e8fa901bc2d34e56789f0"),
            (service("action/actionType"), "AWS_API_CALL"),
            (api("api"), "ListTables"),
            (api("serviceName"), "dynamodb.amazonaws.com"),
            (api("callerType"), "Remote IP"),
            (api("remoteIpDetails/ipAddressV4"), "198.51.100.7"),
            (api("remoteIpDetails/organization/asn"), "64500"),
            (api("remoteIpDetails/organization/asnOrg"), "EXAMPLE-NET"),
            (api("remoteIpDetails/geoLocation/lat"), "47.6062"),
            (api("remoteIpDetails/city/cityName"), "Seattle"),
            (api("affectedResources"), ""),
            (service("evidence"), ""),
            (service("archived"), "false"),
            (service("count"), "13"),
            (service("eventFirstSeen"), "2026-11-29T10:15:02.000Z"),
            (service("eventLastSeen"), "2026-11-29T10:21:40.000Z"),
            (service("resourceRole"), "TARGET"),
            (service("additionalInfo/type"), "default"),
            (service("additionalInfo/imdsVersion"), "1.0"),
            (
                service("additionalInfo/apiCalls"),
                r#"[{"count":13,"firstSeen":1795947302,"lastSeen":1795947700,"name":"ListTables"}]"#,
            ),
            (
                "aws/securityhub/FindingId".to_owned(),
                "arn:aws:securityhub:us-west-2::product/aws/guardduty/arn:aws:guardduty:us-west-2:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0/finding/5f1c0a9e2b7d4c3a8e6f1d2b3c4a5e6f",
            ),
            ("aws/securityhub/ProductName".to_owned(), "GuardDuty"),
            ("aws/securityhub/CompanyName".to_owned(), "Amazon"),
        ];
        for (key, value) in expected {
            assert_eq!(fields.get(&key), Some(&json!(value)), "{key}");
        }
        assert!(fields.values().all(Value::is_string));
    }

    #[test]
    fn at_most_fifty_pairs_dropping_repeated_additional_info_first() {
        // The docs give the 50-pair limit but not what GuardDuty drops; we drop the
        // `additionalInfo` members first because its `value` text already holds them.
        let mut finding = workshop_finding();
        for n in 0..60 {
            finding
                .service
                .additional_info
                .insert(format!("extra{n:02}"), json!(n));
        }
        let fields = product_fields(&finding, PRODUCT_ARN);
        assert_eq!(fields.len(), MAX_PRODUCT_FIELDS);
        for kept in [
            "aws/guardduty/service/serviceName",
            "aws/guardduty/service/count",
            "aws/guardduty/service/additionalInfo/value",
            "aws/guardduty/service/additionalInfo/type",
            "aws/securityhub/FindingId",
            "aws/securityhub/CompanyName",
        ] {
            assert!(fields.contains_key(kept), "{kept}");
        }
        assert!(!fields.contains_key("aws/guardduty/service/additionalInfo/extra59"));
    }
}
