//! AWS Security Finding Format (ASFF, `SchemaVersion` 2018-10-08) as Security Hub shows
//! GuardDuty findings.
//!
//! Field for field it follows the GuardDuty user guide ("Integrating with Security Hub":
//! the type table and the typical finding) and GuardDuty findings read back from Security
//! Hub with `GetFindings`. Choices where those are silent are written next to the code and
//! in `docs/exports.md`.

use serde_json::{Map, Value, json};

use crate::model::{AwsApiCallAction, Finding, InstanceDetails, RemoteIpDetails};
use crate::severity::Severity;

use super::asff_types::asff_types;
use super::asn::asn_number;
use super::product_fields::product_fields;
use super::text::{score_text, truncate_chars};

/// ASFF limits `Title` to 256 characters.
const MAX_TITLE: usize = 256;
/// ASFF limits `Description` to 1024 characters.
const MAX_DESCRIPTION: usize = 1024;

/// One ASFF finding for a GuardDuty finding.
///
/// `ProductArn` is GuardDuty's, `arn:<partition>:securityhub:<region>::product/aws/guardduty`,
/// in `product_arn_region` when given (the region of the Security Hub that receives it),
/// otherwise in the finding's own region.
pub fn to_asff(finding: &Finding, product_arn_region: Option<&str>) -> Value {
    let region = product_arn_region.unwrap_or(&finding.region);
    let product_arn = format!(
        "arn:{}:securityhub:{region}::product/aws/guardduty",
        finding.partition
    );
    let types = vec![asff_types(&finding.finding_type)];
    let label = severity_label(finding.severity);
    let mut asff = Map::new();
    asff.insert("SchemaVersion".into(), json!("2018-10-08"));
    asff.insert("Id".into(), json!(finding.arn));
    asff.insert("ProductArn".into(), json!(product_arn));
    asff.insert("ProductName".into(), json!("GuardDuty"));
    asff.insert("CompanyName".into(), json!("Amazon"));
    asff.insert("Region".into(), json!(finding.region));
    asff.insert("GeneratorId".into(), json!(generator_id(finding)));
    asff.insert("AwsAccountId".into(), json!(finding.account_id));
    asff.insert("Types".into(), json!(types));
    asff.insert(
        "FirstObservedAt".into(),
        json!(finding.service.event_first_seen),
    );
    asff.insert(
        "LastObservedAt".into(),
        json!(finding.service.event_last_seen),
    );
    asff.insert("CreatedAt".into(), json!(finding.created_at));
    asff.insert("UpdatedAt".into(), json!(finding.updated_at));
    asff.insert("Severity".into(), severity(finding.severity));
    asff.insert(
        "Title".into(),
        json!(truncate_chars(&finding.title, MAX_TITLE)),
    );
    asff.insert(
        "Description".into(),
        json!(truncate_chars(&finding.description, MAX_DESCRIPTION)),
    );
    // GuardDuty also sets `SourceUrl` to its console page for the finding; trailguard's
    // findings are not in the GuardDuty console, so a link there would lead nowhere.
    asff.insert(
        "ProductFields".into(),
        Value::Object(product_fields(finding, &product_arn)),
    );
    asff.insert("Resources".into(), Value::Array(resources(finding)));
    // `WorkflowState` is deprecated but GuardDuty still writes `NEW`; its enum has no
    // suppressed state, so the archived case shows in `Workflow.Status` and `RecordState`.
    asff.insert("WorkflowState".into(), json!("NEW"));
    asff.insert(
        "Workflow".into(),
        json!({"Status": workflow_status(finding)}),
    );
    asff.insert("RecordState".into(), json!(record_state(finding)));
    if let Some(action) = action(finding) {
        asff.insert("Action".into(), action);
    }
    asff.insert(
        "FindingProviderFields".into(),
        json!({"Severity": {"Label": label}, "Types": types}),
    );
    asff.insert("Sample".into(), json!(is_sample(finding)));
    Value::Object(asff)
}

/// `arn:…:guardduty:<region>:<account>:detector/<detectorId>`, the finding ARN's prefix.
fn generator_id(finding: &Finding) -> String {
    format!(
        "arn:{}:guardduty:{}:{}:detector/{}",
        finding.partition, finding.region, finding.account_id, finding.service.detector_id
    )
}

/// `LOW`, `MEDIUM`, `HIGH` or `CRITICAL` from GuardDuty's ranges.
fn severity_label(score: f64) -> String {
    Severity::from_score(score).as_str().to_ascii_uppercase()
}

/// `{Label, Normalized, Product, Original}`.
///
/// The docs give no GuardDuty-specific `Normalized` rule (findings in Security Hub show 40 for
/// a Low 2.0), so `Normalized` is Security Hub's own value for the label (LOW 1, MEDIUM 40,
/// HIGH 70, CRITICAL 90). `Product` is the deprecated numeric field GuardDuty still writes;
/// `Original` is its replacement, the score as text.
fn severity(score: f64) -> Value {
    let normalized = match Severity::from_score(score) {
        Severity::Low => 1,
        Severity::Medium => 40,
        Severity::High => 70,
        Severity::Critical => 90,
    };
    json!({
        "Label": severity_label(score),
        "Normalized": normalized,
        "Product": score,
        "Original": score_text(score),
    })
}

/// `NEW`, or `SUPPRESSED` for an archived finding (reviewed and set aside).
fn workflow_status(finding: &Finding) -> &'static str {
    if finding.service.archived {
        "SUPPRESSED"
    } else {
        "NEW"
    }
}

/// `ACTIVE`, or `ARCHIVED` for an archived finding.
fn record_state(finding: &Finding) -> &'static str {
    if finding.service.archived {
        "ARCHIVED"
    } else {
        "ACTIVE"
    }
}

/// GuardDuty marks sample findings with `additionalInfo.sample: true`.
fn is_sample(finding: &Finding) -> bool {
    finding.service.additional_info.get("sample") == Some(&Value::Bool(true))
}

/// The access key, then the instance when the finding names one.
fn resources(finding: &Finding) -> Vec<Value> {
    let mut resources = Vec::new();
    if let Some(key) = &finding.resource.access_key_details {
        resources.push(json!({
            "Type": "AwsIamAccessKey",
            "Id": format!("AWS::IAM::AccessKey:{}", key.access_key_id),
            "Partition": finding.partition,
            "Region": finding.region,
            "Details": {"AwsIamAccessKey": {
                "PrincipalId": key.principal_id,
                "PrincipalType": key.user_type,
                "PrincipalName": key.user_name,
            }},
        }));
    }
    if let Some(instance) = &finding.resource.instance_details {
        resources.push(ec2_instance(finding, instance));
    }
    if resources.is_empty() {
        // ASFF requires at least one resource and the docs do not say which one GuardDuty
        // would name here; the account is the only resource every finding has.
        resources.push(json!({
            "Type": "AwsAccount",
            "Id": format!("AWS::::Account:{}", finding.account_id),
            "Partition": finding.partition,
            "Region": finding.region,
        }));
    }
    resources
}

/// `AwsEc2Instance` with the details GuardDuty's example carries.
fn ec2_instance(finding: &Finding, instance: &InstanceDetails) -> Value {
    let mut resource = Map::new();
    resource.insert("Type".into(), json!("AwsEc2Instance"));
    resource.insert(
        "Id".into(),
        json!(format!(
            "arn:{}:ec2:{}:{}:instance/{}",
            finding.partition, finding.region, finding.account_id, instance.instance_id
        )),
    );
    resource.insert("Partition".into(), json!(finding.partition));
    resource.insert("Region".into(), json!(finding.region));
    if !instance.tags.is_empty() {
        let tags: Map<String, Value> = instance
            .tags
            .iter()
            .map(|tag| (tag.key.clone(), json!(tag.value)))
            .collect();
        resource.insert("Tags".into(), Value::Object(tags));
    }
    let details = ec2_details(instance);
    if !details.is_empty() {
        resource.insert(
            "Details".into(),
            json!({"AwsEc2Instance": Value::Object(details)}),
        );
    }
    Value::Object(resource)
}

/// `Details.AwsEc2Instance`: only the members the inventory filled.
fn ec2_details(instance: &InstanceDetails) -> Map<String, Value> {
    let interfaces = &instance.network_interfaces;
    // Public addresses first, then private ones, as in GuardDuty's example.
    let mut ipv4: Vec<&str> = interfaces
        .iter()
        .filter_map(|ni| ni.public_ip.as_deref())
        .collect();
    for ni in interfaces {
        let private = ni.private_ip_address.iter().map(String::as_str).chain(
            ni.private_ip_addresses
                .iter()
                .map(|address| address.private_ip_address.as_str()),
        );
        for address in private {
            if !ipv4.contains(&address) {
                ipv4.push(address);
            }
        }
    }
    let ipv6: Vec<&str> = interfaces
        .iter()
        .flat_map(|ni| ni.ipv6_addresses.iter().map(String::as_str))
        .collect();
    let mut details = Map::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            details.insert(name.to_owned(), value);
        }
    };
    put("Type", instance.instance_type.as_ref().map(|t| json!(t)));
    put("ImageId", instance.image_id.as_ref().map(|id| json!(id)));
    put("IpV4Addresses", (!ipv4.is_empty()).then(|| json!(ipv4)));
    put("IpV6Addresses", (!ipv6.is_empty()).then(|| json!(ipv6)));
    put(
        "VpcId",
        interfaces
            .iter()
            .find_map(|ni| ni.vpc_id.as_ref())
            .map(|id| json!(id)),
    );
    put(
        "SubnetId",
        interfaces
            .iter()
            .find_map(|ni| ni.subnet_id.as_ref())
            .map(|id| json!(id)),
    );
    put(
        "LaunchedAt",
        instance.launch_time.as_ref().map(|t| json!(t)),
    );
    put(
        "IamInstanceProfileArn",
        instance.iam_instance_profile.as_ref().map(|p| json!(p.arn)),
    );
    details
}

/// `Action` with `AwsApiCallAction`, as Security Hub shows GuardDuty's API-call findings.
fn action(finding: &Finding) -> Option<Value> {
    let call = finding.service.action.aws_api_call_action.as_ref()?;
    Some(json!({
        "ActionType": finding.service.action.action_type,
        "AwsApiCallAction": api_call(call),
    }))
}

fn api_call(call: &AwsApiCallAction) -> Value {
    let mut api = Map::new();
    api.insert("Api".into(), json!(call.api));
    api.insert("ServiceName".into(), json!(call.service_name));
    api.insert("CallerType".into(), json!(caller_type(&call.caller_type)));
    if let Some(remote) = call.remote_ip_details.as_ref().and_then(remote_ip) {
        api.insert("RemoteIpDetails".into(), remote);
    }
    if !call.affected_resources.is_empty() {
        api.insert("AffectedResources".into(), json!(call.affected_resources));
    }
    Value::Object(api)
}

/// GuardDuty's `Remote IP` appears in Security Hub as `remoteIp` (the API reference spells
/// it `remoteip`; findings read back show `remoteIp`). Other caller types (`Remote account`,
/// `Domain`) are not shown anywhere; they get the same rule: words joined in lower camel case.
fn caller_type(guardduty: &str) -> String {
    guardduty
        .split_whitespace()
        .enumerate()
        .map(|(index, word)| {
            let lower = word.to_ascii_lowercase();
            if index == 0 {
                lower
            } else {
                let mut chars = lower.chars();
                chars
                    .next()
                    .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            }
        })
        .collect()
}

/// `RemoteIpDetails`; ASFF has no IPv6 member, so an IPv6 caller keeps only its geography
/// (the address stays in `ProductFields`). `None` when nothing is known.
fn remote_ip(details: &RemoteIpDetails) -> Option<Value> {
    let mut remote = Map::new();
    if let Some(ip) = &details.ip_address_v4 {
        remote.insert("IpAddressV4".into(), json!(ip));
    }
    let org = &details.organization;
    let mut organization = Map::new();
    if let Some(asn) = org.asn.as_deref().and_then(asn_number) {
        organization.insert("Asn".into(), json!(asn));
    }
    for (name, value) in [
        ("AsnOrg", &org.asn_org),
        ("Isp", &org.isp),
        ("Org", &org.org),
    ] {
        if let Some(value) = value {
            organization.insert(name.into(), json!(value));
        }
    }
    insert_object(&mut remote, "Organization", organization);
    let mut country = Map::new();
    if let Some(code) = &details.country.country_code {
        country.insert("CountryCode".into(), json!(code));
    }
    if let Some(name) = &details.country.country_name {
        country.insert("CountryName".into(), json!(name));
    }
    insert_object(&mut remote, "Country", country);
    if let Some(city) = &details.city.city_name {
        remote.insert("City".into(), json!({"CityName": city}));
    }
    if let (Some(lat), Some(lon)) = (details.geo_location.lat, details.geo_location.lon) {
        remote.insert("GeoLocation".into(), json!({"Lon": lon, "Lat": lat}));
    }
    (!remote.is_empty()).then_some(Value::Object(remote))
}

fn insert_object(target: &mut Map<String, Value>, name: &str, object: Map<String, Value>) {
    if !object.is_empty() {
        target.insert(name.to_owned(), Value::Object(object));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::export::fixture::{ROLE, laptop_ip, workshop_finding};

    const ARN: &str = "arn:aws:guardduty:us-west-2:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0/finding/5f1c0a9e2b7d4c3a8e6f1d2b3c4a5e6f";

    #[test]
    fn workshop_finding_key_fields() {
        let asff = to_asff(&workshop_finding(), None);
        assert_eq!(asff["SchemaVersion"], "2018-10-08");
        assert_eq!(asff["Id"], ARN);
        assert_eq!(
            asff["ProductArn"],
            "arn:aws:securityhub:us-west-2::product/aws/guardduty"
        );
        assert_eq!(
            asff["GeneratorId"],
            "arn:aws:guardduty:us-west-2:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0"
        );
        assert_eq!(asff["AwsAccountId"], "123456789012");
        assert_eq!(asff["Region"], "us-west-2");
        assert_eq!(asff["ProductName"], "GuardDuty");
        assert_eq!(asff["CompanyName"], "Amazon");
        assert_eq!(
            asff["Types"],
            json!([
                "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS"
            ])
        );
        assert_eq!(asff["FirstObservedAt"], "2026-11-29T10:15:02.000Z");
        assert_eq!(asff["LastObservedAt"], "2026-11-29T10:21:40.000Z");
        assert_eq!(asff["CreatedAt"], "2026-11-29T10:15:02.000Z");
        assert_eq!(asff["UpdatedAt"], "2026-11-29T10:21:40.000Z");
        assert_eq!(
            asff["Severity"],
            json!({"Label": "HIGH", "Normalized": 70, "Product": 8.0, "Original": "8"})
        );
        assert_eq!(
            asff["Title"],
            format!("Credentials for instance role {ROLE} used from external IP address.")
        );
        assert_eq!(
            asff["Description"],
            format!(
                "Credentials created exclusively for an EC2 instance using instance role {ROLE} \
                 have been used from external IP address 198.51.100.7."
            )
        );
        assert_eq!(asff["WorkflowState"], "NEW");
        assert_eq!(asff["Workflow"], json!({"Status": "NEW"}));
        assert_eq!(asff["RecordState"], "ACTIVE");
        assert_eq!(
            asff["FindingProviderFields"],
            json!({"Severity": {"Label": "HIGH"}, "Types": asff["Types"]})
        );
        assert_eq!(asff["Sample"], false);
        assert_eq!(asff["ProductFields"]["aws/guardduty/service/count"], "13");
        // No GuardDuty console link and no Network object: see the comments in `to_asff`.
        assert!(asff.get("SourceUrl").is_none());
        assert!(asff.get("Network").is_none());
    }

    #[test]
    fn workshop_resources_are_the_key_then_the_instance() {
        let asff = to_asff(&workshop_finding(), None);
        assert_eq!(
            asff["Resources"],
            json!([
                {
                    "Type": "AwsIamAccessKey",
                    "Id": "AWS::IAM::AccessKey:ASIAEXAMPLEKEY000013",
                    "Partition": "aws",
                    "Region": "us-west-2",
                    "Details": {"AwsIamAccessKey": {
                        "PrincipalId": "AROAEXAMPLEROLEID0001:i-0dbc91f429e48eeed",
                        "PrincipalType": "AssumedRole",
                        "PrincipalName": ROLE,
                    }},
                },
                {
                    "Type": "AwsEc2Instance",
                    "Id": "arn:aws:ec2:us-west-2:123456789012:instance/i-0dbc91f429e48eeed",
                    "Partition": "aws",
                    "Region": "us-west-2",
                    "Tags": {"Name": ROLE},
                    "Details": {"AwsEc2Instance": {
                        "Type": "t3.micro",
                        "ImageId": "ami-0c2b8ca1dad447f8a",
                        "IpV4Addresses": ["54.190.12.34", "172.31.20.15"],
                        "VpcId": "vpc-0a1b2c3d",
                        "SubnetId": "subnet-0a1b2c3d",
                        "LaunchedAt": "2026-11-29T09:58:11.000Z",
                        "IamInstanceProfileArn": format!("arn:aws:iam::123456789012:instance-profile/{ROLE}"),
                    }},
                },
            ])
        );
    }

    #[test]
    fn workshop_action_has_numeric_asn() {
        let asff = to_asff(&workshop_finding(), None);
        assert_eq!(
            asff["Action"],
            json!({
                "ActionType": "AWS_API_CALL",
                "AwsApiCallAction": {
                    "Api": "ListTables",
                    "ServiceName": "dynamodb.amazonaws.com",
                    "CallerType": "remoteIp",
                    "RemoteIpDetails": {
                        "IpAddressV4": "198.51.100.7",
                        "Organization": {
                            "Asn": 64500,
                            "AsnOrg": "EXAMPLE-NET",
                            "Isp": "Example Broadband",
                            "Org": "Example Broadband",
                        },
                        "Country": {"CountryCode": "US", "CountryName": "United States"},
                        "City": {"CityName": "Seattle"},
                        "GeoLocation": {"Lon": -122.3321, "Lat": 47.6062},
                    },
                },
            })
        );
    }

    #[test]
    fn non_numeric_asn_is_left_out_of_action_but_kept_in_product_fields() {
        let mut finding = workshop_finding();
        let mut ip = laptop_ip();
        ip.organization.asn = Some("unknown".to_owned());
        if let Some(call) = finding.service.action.aws_api_call_action.as_mut() {
            call.remote_ip_details = Some(ip);
        }
        let asff = to_asff(&finding, None);
        let organization = &asff["Action"]["AwsApiCallAction"]["RemoteIpDetails"]["Organization"];
        assert_eq!(
            *organization,
            json!({"AsnOrg": "EXAMPLE-NET", "Isp": "Example Broadband", "Org": "Example Broadband"})
        );
        assert_eq!(
            asff["ProductFields"]["aws/guardduty/service/action/awsApiCallAction/remoteIpDetails/organization/asn"],
            "unknown"
        );
    }

    #[test]
    fn archived_finding_is_archived_and_suppressed() {
        let mut finding = workshop_finding();
        finding.service.archived = true;
        let asff = to_asff(&finding, None);
        assert_eq!(asff["RecordState"], "ARCHIVED");
        assert_eq!(asff["Workflow"], json!({"Status": "SUPPRESSED"}));
        assert_eq!(asff["WorkflowState"], "NEW");
        assert_eq!(
            asff["ProductFields"]["aws/guardduty/service/archived"],
            "true"
        );
    }

    #[test]
    fn product_arn_region_overrides_the_finding_region_only_there() {
        let asff = to_asff(&workshop_finding(), Some("eu-west-1"));
        assert_eq!(
            asff["ProductArn"],
            "arn:aws:securityhub:eu-west-1::product/aws/guardduty"
        );
        assert_eq!(asff["Region"], "us-west-2");
        assert_eq!(
            asff["ProductFields"]["aws/securityhub/FindingId"],
            format!("arn:aws:securityhub:eu-west-1::product/aws/guardduty/{ARN}")
        );
    }

    #[test]
    fn severity_boundaries_follow_guardduty_ranges() {
        let cases = [
            (1.0, "LOW", 1),
            (3.9, "LOW", 1),
            (4.0, "MEDIUM", 40),
            (6.9, "MEDIUM", 40),
            (7.0, "HIGH", 70),
            (8.9, "HIGH", 70),
            (9.0, "CRITICAL", 90),
            (10.0, "CRITICAL", 90),
        ];
        for (score, label, normalized) in cases {
            let mut finding = workshop_finding();
            finding.severity = score;
            let asff = to_asff(&finding, None);
            assert_eq!(asff["Severity"]["Label"], label, "{score}");
            assert_eq!(asff["Severity"]["Normalized"], normalized, "{score}");
            assert_eq!(asff["Severity"]["Product"], score, "{score}");
            assert_eq!(asff["Severity"]["Original"], score_text(score), "{score}");
        }
    }

    #[test]
    fn caller_types_become_lower_camel_case() {
        assert_eq!(caller_type("Remote IP"), "remoteIp");
        assert_eq!(caller_type("Remote account"), "remoteAccount");
        assert_eq!(caller_type("Domain"), "domain");
    }

    #[test]
    fn finding_without_key_or_instance_names_the_account() {
        let mut finding = workshop_finding();
        finding.resource.access_key_details = None;
        finding.resource.instance_details = None;
        let asff = to_asff(&finding, None);
        assert_eq!(
            asff["Resources"],
            json!([{
                "Type": "AwsAccount",
                "Id": "AWS::::Account:123456789012",
                "Partition": "aws",
                "Region": "us-west-2",
            }])
        );
    }

    #[test]
    fn sample_findings_are_marked_sample() {
        let mut finding = workshop_finding();
        finding
            .service
            .additional_info
            .insert("sample".to_owned(), json!(true));
        assert_eq!(to_asff(&finding, None)["Sample"], true);
    }

    #[test]
    fn long_text_is_cut_to_asff_limits() {
        let mut finding = workshop_finding();
        finding.title = "t".repeat(300);
        finding.description = "d".repeat(2000);
        let asff = to_asff(&finding, None);
        assert_eq!(asff["Title"], "t".repeat(MAX_TITLE));
        assert_eq!(asff["Description"], "d".repeat(MAX_DESCRIPTION));
    }

    #[test]
    fn ipv6_caller_keeps_geography_without_an_address() {
        let mut finding = workshop_finding();
        let mut ip = laptop_ip();
        ip.ip_address_v4 = None;
        ip.ip_address_v6 = Some("2001:db8::7".to_owned());
        if let Some(call) = finding.service.action.aws_api_call_action.as_mut() {
            call.remote_ip_details = Some(ip);
        }
        let remote =
            to_asff(&finding, None)["Action"]["AwsApiCallAction"]["RemoteIpDetails"].clone();
        assert!(remote.get("IpAddressV4").is_none());
        assert_eq!(remote["City"], json!({"CityName": "Seattle"}));
    }
}
