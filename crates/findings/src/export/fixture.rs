//! The finding the exporter tests share: the workshop's stolen instance credentials.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::kind::FindingKind;
use crate::model::{
    AccessKeyDetails, Action, AwsApiCallAction, City, Country, Finding, GeoLocation,
    IamInstanceProfile, InstanceDetails, NetworkInterface, Organization, PrivateIpAddress,
    RemoteIpDetails, Resource, SecurityGroup, Service, Tag,
};

/// The workshop's role.
pub(crate) const ROLE: &str = "GuardDuty-Example-EC2-Compromised";

/// `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS` for the workshop's
/// role and instance, used 13 times from the laptop at 198.51.100.7 (AS64500), not archived.
pub(crate) fn workshop_finding() -> Finding {
    let kind = FindingKind::InstanceCredentialExfiltrationOutsideAws;
    let (title, description) = kind.wording(ROLE, "198.51.100.7", "ListTables");
    let id = "5f1c0a9e2b7d4c3a8e6f1d2b3c4a5e6f";
    let detector = "12abc34d567e8fa901bc2d34e56789f0";
    Finding {
        schema_version: "2.0".to_owned(),
        account_id: "123456789012".to_owned(),
        region: "us-west-2".to_owned(),
        partition: "aws".to_owned(),
        id: id.to_owned(),
        arn: format!("arn:aws:guardduty:us-west-2:123456789012:detector/{detector}/finding/{id}"),
        finding_type: kind.type_name().to_owned(),
        resource: Resource {
            resource_type: "AccessKey".to_owned(),
            access_key_details: Some(AccessKeyDetails {
                access_key_id: "ASIAEXAMPLEKEY000013".to_owned(),
                principal_id: "AROAEXAMPLEROLEID0001:i-0dbc91f429e48eeed".to_owned(),
                user_name: ROLE.to_owned(),
                user_type: "AssumedRole".to_owned(),
            }),
            instance_details: Some(workshop_instance()),
        },
        service: Service {
            service_name: "guardduty".to_owned(),
            detector_id: detector.to_owned(),
            action: Action {
                action_type: "AWS_API_CALL".to_owned(),
                aws_api_call_action: Some(AwsApiCallAction {
                    api: "ListTables".to_owned(),
                    service_name: "dynamodb.amazonaws.com".to_owned(),
                    caller_type: "Remote IP".to_owned(),
                    error_code: None,
                    user_agent: Some("aws-cli/2.15.0 Python/3.11.6 Darwin/23.1.0".to_owned()),
                    remote_ip_details: Some(laptop_ip()),
                    remote_account_details: None,
                    affected_resources: BTreeMap::new(),
                }),
            },
            evidence: None,
            archived: false,
            count: 13,
            event_first_seen: "2026-11-29T10:15:02.000Z".to_owned(),
            event_last_seen: "2026-11-29T10:21:40.000Z".to_owned(),
            resource_role: "TARGET".to_owned(),
            additional_info: additional_info(),
        },
        severity: 8.0,
        created_at: "2026-11-29T10:15:02.000Z".to_owned(),
        updated_at: "2026-11-29T10:21:40.000Z".to_owned(),
        title,
        description,
    }
}

fn workshop_instance() -> InstanceDetails {
    InstanceDetails {
        instance_id: "i-0dbc91f429e48eeed".to_owned(),
        availability_zone: Some("us-west-2a".to_owned()),
        iam_instance_profile: Some(IamInstanceProfile {
            arn: format!("arn:aws:iam::123456789012:instance-profile/{ROLE}"),
            id: "AIPAEXAMPLEPROFILE001".to_owned(),
        }),
        image_id: Some("ami-0c2b8ca1dad447f8a".to_owned()),
        instance_state: Some("running".to_owned()),
        instance_type: Some("t3.micro".to_owned()),
        launch_time: Some("2026-11-29T09:58:11.000Z".to_owned()),
        network_interfaces: vec![NetworkInterface {
            ipv6_addresses: Vec::new(),
            network_interface_id: Some("eni-0a1b2c3d4e5f67890".to_owned()),
            private_dns_name: Some("ip-172-31-20-15.us-west-2.compute.internal".to_owned()),
            private_ip_address: Some("172.31.20.15".to_owned()),
            private_ip_addresses: vec![PrivateIpAddress {
                private_dns_name: Some("ip-172-31-20-15.us-west-2.compute.internal".to_owned()),
                private_ip_address: "172.31.20.15".to_owned(),
            }],
            public_dns_name: Some("ec2-54-190-12-34.us-west-2.compute.amazonaws.com".to_owned()),
            public_ip: Some("54.190.12.34".to_owned()),
            security_groups: vec![SecurityGroup {
                group_id: "sg-0123456789abcdef0".to_owned(),
                group_name: "GuardDuty-Example-SG".to_owned(),
            }],
            subnet_id: Some("subnet-0a1b2c3d".to_owned()),
            vpc_id: Some("vpc-0a1b2c3d".to_owned()),
        }],
        platform: None,
        tags: vec![Tag {
            key: "Name".to_owned(),
            value: ROLE.to_owned(),
        }],
    }
}

/// The attacker's laptop, as the GeoIP/ASN enrichment fills it.
pub(crate) fn laptop_ip() -> RemoteIpDetails {
    RemoteIpDetails {
        ip_address_v4: Some("198.51.100.7".to_owned()),
        ip_address_v6: None,
        organization: Organization {
            asn: Some("64500".to_owned()),
            asn_org: Some("EXAMPLE-NET".to_owned()),
            isp: Some("Example Broadband".to_owned()),
            org: Some("Example Broadband".to_owned()),
        },
        country: Country {
            country_code: Some("US".to_owned()),
            country_name: Some("United States".to_owned()),
        },
        city: City {
            city_name: Some("Seattle".to_owned()),
        },
        geo_location: GeoLocation {
            lat: Some(47.6062),
            lon: Some(-122.3321),
        },
    }
}

/// `additionalInfo` as `FindingBook` writes it: the members, then `value` and `type`.
fn additional_info() -> Map<String, Value> {
    let mut info = Map::new();
    info.insert(
        "apiCalls".to_owned(),
        json!([{"count": 13, "firstSeen": 1_795_947_302, "lastSeen": 1_795_947_700, "name": "ListTables"}]),
    );
    info.insert("imdsVersion".to_owned(), json!("1.0"));
    info.insert(
        "latestEventId".to_owned(),
        json!("7c1b1c0e-2f4e-4d3b-9a61-0e9d7b1f2a13"),
    );
    let value = Value::Object(info.clone()).to_string();
    info.insert("value".to_owned(), Value::String(value));
    info.insert("type".to_owned(), json!("default"));
    info
}
