//! The GuardDuty finding JSON model (lowerCamelCase, as EventBridge delivers it).
//!
//! Optional members are omitted when empty so the JSON looks like GuardDuty's own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// One GuardDuty finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Always `"2.0"`.
    pub schema_version: String,
    /// Account that owns the affected resource.
    pub account_id: String,
    /// Region of the affected resource.
    pub region: String,
    /// `aws`, `aws-cn` or `aws-us-gov`.
    pub partition: String,
    /// 32 lowercase hex characters, stable across aggregation.
    pub id: String,
    /// `arn:aws:guardduty:<region>:<account>:detector/<detectorId>/finding/<id>`.
    pub arn: String,
    /// The finding type, e.g. `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS`.
    #[serde(rename = "type")]
    pub finding_type: String,
    /// What the finding is about.
    pub resource: Resource,
    /// How GuardDuty (here: trailguard) saw it.
    pub service: Service,
    /// Numeric severity (High is 7.0–8.9).
    #[serde(serialize_with = "whole_as_integer")]
    pub severity: f64,
    /// When the finding was created (ISO-8601, milliseconds, `Z`).
    pub created_at: String,
    /// When the finding last changed.
    pub updated_at: String,
    /// One-line summary.
    pub title: String,
    /// Longer explanation.
    pub description: String,
}

/// `resource`: for IAM findings `resourceType` is always `AccessKey`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// `AccessKey` for every IAM finding.
    pub resource_type: String,
    /// The credentials involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_details: Option<AccessKeyDetails>,
    /// The instance whose credentials leaked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_details: Option<InstanceDetails>,
}

/// `resource.accessKeyDetails`. For instance credentials `userName` is the role name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKeyDetails {
    /// The `ASIA…` key used (latest occurrence).
    pub access_key_id: String,
    /// `AROA…:i-…` for instance credentials.
    pub principal_id: String,
    /// The IAM role name (or user name for IAM users).
    pub user_name: String,
    /// `AssumedRole`, `IAMUser`, `Root`, …
    pub user_type: String,
}

/// `resource.instanceDetails`, filled from an inventory when one is given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceDetails {
    /// The instance id.
    pub instance_id: String,
    /// Availability zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// The instance profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_instance_profile: Option<IamInstanceProfile>,
    /// AMI id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    /// `running`, `stopped`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_state: Option<String>,
    /// e.g. `t3.micro`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// Launch time as written by EC2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_time: Option<String>,
    /// Network interfaces.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_interfaces: Vec<NetworkInterface>,
    /// `windows` or absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// `iamInstanceProfile`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IamInstanceProfile {
    /// Profile ARN.
    pub arn: String,
    /// Profile id (`AIPA…`).
    #[serde(default)]
    pub id: String,
}

/// One entry of `networkInterfaces`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkInterface {
    /// IPv6 addresses.
    #[serde(default)]
    pub ipv6_addresses: Vec<String>,
    /// `eni-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    /// Primary private DNS name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_dns_name: Option<String>,
    /// Primary private IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip_address: Option<String>,
    /// All private IPs.
    #[serde(default)]
    pub private_ip_addresses: Vec<PrivateIpAddress>,
    /// Public DNS name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_dns_name: Option<String>,
    /// Public IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    /// Security groups.
    #[serde(default)]
    pub security_groups: Vec<SecurityGroup>,
    /// Subnet id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    /// VPC id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
}

/// One entry of `privateIpAddresses`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateIpAddress {
    /// DNS name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_dns_name: Option<String>,
    /// The address.
    pub private_ip_address: String,
}

/// One entry of `securityGroups`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroup {
    /// `sg-…`.
    pub group_id: String,
    /// Group name.
    #[serde(default)]
    pub group_name: String,
}

/// One tag (`key`/`value`, lowercase as in findings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    /// Tag key.
    pub key: String,
    /// Tag value.
    pub value: String,
}

/// `service`: how the finding was observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// `guardduty`.
    pub service_name: String,
    /// 32 hex characters.
    pub detector_id: String,
    /// The latest occurrence.
    pub action: Action,
    /// Threat intelligence evidence; `null` for instance-credential findings.
    #[serde(default)]
    pub evidence: Option<Value>,
    /// Archived (manually, or by a suppression rule).
    pub archived: bool,
    /// Number of occurrences aggregated.
    pub count: u64,
    /// First occurrence (event time).
    pub event_first_seen: String,
    /// Latest occurrence (event time).
    pub event_last_seen: String,
    /// `TARGET` for IAM findings.
    pub resource_role: String,
    /// Extra information: `{"value": "<the object as a JSON string>", "type": "default", …}`.
    pub additional_info: Map<String, Value>,
}

/// `service.action`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// `AWS_API_CALL`.
    pub action_type: String,
    /// The API call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_api_call_action: Option<AwsApiCallAction>,
}

/// `service.action.awsApiCallAction`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsApiCallAction {
    /// CloudTrail `eventName`.
    pub api: String,
    /// CloudTrail `eventSource`.
    pub service_name: String,
    /// `Remote IP` or `Remote account`.
    pub caller_type: String,
    /// CloudTrail `errorCode` when the call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// CloudTrail `userAgent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Where the call came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_ip_details: Option<RemoteIpDetails>,
    /// The remote account (InsideAWS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_account_details: Option<RemoteAccountDetails>,
    /// Resources the call touched.
    #[serde(default)]
    pub affected_resources: BTreeMap<String, String>,
}

/// `remoteIpDetails`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteIpDetails {
    /// IPv4 address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address_v4: Option<String>,
    /// IPv6 address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address_v6: Option<String>,
    /// ASN and organisation.
    #[serde(default)]
    pub organization: Organization,
    /// Country.
    #[serde(default)]
    pub country: Country,
    /// City.
    #[serde(default)]
    pub city: City,
    /// Coordinates.
    #[serde(default)]
    pub geo_location: GeoLocation,
}

impl RemoteIpDetails {
    /// The address, whichever family it is.
    pub fn ip(&self) -> Option<&str> {
        self.ip_address_v4
            .as_deref()
            .or(self.ip_address_v6.as_deref())
    }
}

/// `organization` (the ASN is a string in GuardDuty's model).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// Autonomous system number, as a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asn: Option<String>,
    /// AS organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asn_org: Option<String>,
    /// ISP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isp: Option<String>,
    /// Organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

/// `country`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Country {
    /// ISO code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// English name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_name: Option<String>,
}

/// `city`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct City {
    /// English name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city_name: Option<String>,
}

/// `geoLocation`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GeoLocation {
    /// Latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

/// `remoteAccountDetails`: the InsideAWS discriminator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteAccountDetails {
    /// The other account, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Part of the configured organisation (`affiliated_accounts`).
    pub affiliated: bool,
}

/// Writes `8.0` as `8`, as GuardDuty's samples do; fractional scores stay fractional.
fn whole_as_integer<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked whole and small above"
        )]
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}
