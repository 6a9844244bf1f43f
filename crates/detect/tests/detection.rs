//! Every branch of the instance-credential decision (DESIGN.md "Detection"), each as a small
//! CloudTrail scenario in AWS's exact record format, decoded by the real decoder.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::BTreeSet;

use cloudtrail::{DecodeOptions, Prefilter, decode_buffer};
use detect::net::{AwsIpRanges, IpList};
use detect::{DetectorState, Settings};
use findings::{Finding, FindingBook};
use serde_json::{Value, json};

const ACCOUNT: &str = "123456789012";
const ROLE: &str = "GuardDuty-Example-EC2-Compromised";
const INSTANCE: &str = "i-0a1b2c3d4e5f60718";
/// EC2 us-west-2 (docs §6 worked checks).
const INSTANCE_IP: &str = "18.236.253.47";
/// EC2 us-east-1, another AWS address.
const OTHER_AWS_IP: &str = "52.45.102.28";
/// EC2 us-east-1, a third AWS address.
const THIRD_AWS_IP: &str = "3.225.16.109";
/// Not AWS (documentation range).
const LAPTOP_IP: &str = "198.51.100.7";
const SECOND_LAPTOP_IP: &str = "104.102.221.250";

fn time(minute: u32) -> String {
    format!("2026-03-08T{:02}:{:02}:00Z", 10 + minute / 60, minute % 60)
}

fn settings() -> Settings {
    Settings::new(AwsIpRanges::builtin().unwrap())
}

/// EC2 assuming the instance role for the instance (docs §2.2).
fn issue(minute: u32, key: &str) -> Value {
    json!({
        "eventVersion": "1.08",
        "userIdentity": {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"},
        "eventTime": time(minute),
        "eventSource": "sts.amazonaws.com",
        "eventName": "AssumeRole",
        "awsRegion": "us-west-2",
        "sourceIPAddress": "ec2.amazonaws.com",
        "userAgent": "ec2.amazonaws.com",
        "requestParameters": {
            "roleArn": format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}"),
            "roleSessionName": INSTANCE
        },
        "responseElements": {"credentials": {
            "accessKeyId": key, "sessionToken": "x", "expiration": "Mar 8, 2026, 6:30:22 PM"}},
        "eventID": format!("issue-{minute}"),
        "eventType": "AwsApiCall",
        "recipientAccountId": ACCOUNT
    })
}

/// A call made with the instance session's credentials.
fn call(minute: u32, ip: &str, api: &str) -> Value {
    json!({
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": format!("AROAEXAMPLEROLEID:{INSTANCE}"),
            "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/{INSTANCE}"),
            "accountId": ACCOUNT,
            "accessKeyId": "ASIAEXAMPLEKEY000001",
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEROLEID",
                    "arn": format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}"),
                    "accountId": ACCOUNT, "userName": ROLE},
                "webIdFederationData": {},
                "attributes": {"creationDate": "2026-03-08T09:55:22Z", "mfaAuthenticated": "false"},
                "ec2RoleDelivery": "1.0"
            }
        },
        "eventTime": time(minute),
        "eventSource": "dynamodb.amazonaws.com",
        "eventName": api,
        "awsRegion": "us-west-2",
        "sourceIPAddress": ip,
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.amzn.2",
        "requestParameters": null,
        "responseElements": null,
        "eventID": format!("call-{minute}-{ip}-{api}"),
        "eventType": "AwsApiCall",
        "recipientAccountId": ACCOUNT
    })
}

fn edit(mut record: Value, f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    f(record.as_object_mut().unwrap());
    record
}

fn without_role_delivery(record: Value) -> Value {
    edit(record, |r| {
        r["userIdentity"]["sessionContext"]
            .as_object_mut()
            .unwrap()
            .remove("ec2RoleDelivery");
    })
}

fn associate_address(minute: u32) -> Value {
    json!({
        "eventVersion": "1.08",
        "userIdentity": {"type": "IAMUser", "arn": format!("arn:aws:iam::{ACCOUNT}:user/admin"),
            "accountId": ACCOUNT, "userName": "admin", "accessKeyId": "AKIAEXAMPLEADMIN0001"},
        "eventTime": time(minute),
        "eventSource": "ec2.amazonaws.com",
        "eventName": "AssociateAddress",
        "awsRegion": "us-west-2",
        "sourceIPAddress": "203.0.113.20",
        "requestParameters": {"instanceId": INSTANCE, "allocationId": "eipalloc-0123"},
        "responseElements": {"requestId": "r", "_return": true, "associationId": "eipassoc-1"},
        "eventID": format!("assoc-{minute}"),
        "recipientAccountId": ACCOUNT
    })
}

/// Decodes the records with the real decoder and prefilter, then detects and aggregates.
fn hunt(records: &[Value], settings: &Settings) -> Vec<Finding> {
    let text = json!({ "Records": records }).to_string();
    let options = DecodeOptions {
        prefilter: detect::prefilter_needles(settings).map(Prefilter::any_of),
    };
    let mut observations = Vec::new();
    let stats = decode_buffer("test.json", text.as_bytes(), &options, &mut |record, _| {
        observations.extend(detect::observe(settings, record).observation);
    });
    assert_eq!(stats.problem_count(), 0, "{:?}", stats.problems);
    let mut state = DetectorState::default();
    let mut book = FindingBook::new();
    for occurrence in detect::evaluate(settings, observations, &mut state) {
        book.record(occurrence);
    }
    book.findings().cloned().collect()
}

/// (type suffix, remote ip or account, count, first seen, last seen, severity)
fn summary(findings: &[Finding]) -> BTreeSet<(String, String, u64, String, String, u64)> {
    findings
        .iter()
        .map(|f| {
            let call = f.service.action.aws_api_call_action.as_ref().unwrap();
            let source = call
                .remote_ip_details
                .as_ref()
                .and_then(|d| d.ip())
                .map(str::to_owned)
                .or_else(|| call.remote_account_details.as_ref()?.account_id.clone())
                .unwrap_or_default();
            (
                f.finding_type.rsplit('/').next().unwrap().to_owned(),
                source,
                f.service.count,
                f.service.event_first_seen.clone(),
                f.service.event_last_seen.clone(),
                f.severity as u64,
            )
        })
        .collect()
}

fn finding(
    kind: &str,
    source: &str,
    count: u64,
    first: u32,
    last: u32,
    severity: u64,
) -> (String, String, u64, String, String, u64) {
    let millis = |m: u32| time(m).replace('Z', ".000Z");
    (
        format!("InstanceCredentialExfiltration.{kind}"),
        source.to_owned(),
        count,
        millis(first),
        millis(last),
        severity,
    )
}

#[test]
fn workshop_attack_from_a_laptop_is_one_outside_finding() {
    let records = [
        issue(0, "ASIAEXAMPLEKEY000001"),
        call(1, INSTANCE_IP, "PutItem"),
        call(10, LAPTOP_IP, "ListTables"),
        call(11, LAPTOP_IP, "Scan"),
        call(12, LAPTOP_IP, "DeleteTable"),
        call(13, INSTANCE_IP, "GetItem"),
    ];
    let found = hunt(&records, &settings());
    assert_eq!(
        summary(&found),
        BTreeSet::from([finding("OutsideAWS", LAPTOP_IP, 3, 10, 12, 8)])
    );
    let f = &found[0];
    assert_eq!(f.resource.resource_type, "AccessKey");
    let key = f.resource.access_key_details.as_ref().unwrap();
    assert_eq!(
        key.user_name, ROLE,
        "the workshop's Lambda reads the role name here"
    );
    assert_eq!(key.user_type, "AssumedRole");
    assert_eq!(key.principal_id, format!("AROAEXAMPLEROLEID:{INSTANCE}"));
    assert_eq!(
        f.resource.instance_details.as_ref().unwrap().instance_id,
        INSTANCE
    );
    let action = f.service.action.aws_api_call_action.as_ref().unwrap();
    assert_eq!(action.api, "DeleteTable", "the latest occurrence");
    assert_eq!(action.caller_type, "Remote IP");
    assert_eq!(f.service.additional_info["imdsVersion"], "1.0");
    let calls = &f.service.additional_info["apiCalls"];
    assert_eq!(calls.as_array().unwrap().len(), 3);
    assert_eq!(calls[0]["name"], "DeleteTable");
}

#[test]
fn attacker_first_from_outside_still_alerts_and_does_not_take_the_lock() {
    let records = [
        call(1, LAPTOP_IP, "ListTables"),
        call(2, INSTANCE_IP, "PutItem"),
        call(3, INSTANCE_IP, "PutItem"),
    ];
    assert_eq!(
        summary(&hunt(&records, &settings())),
        BTreeSet::from([finding("OutsideAWS", LAPTOP_IP, 1, 1, 1, 8)])
    );
}

#[test]
fn attacker_first_from_aws_takes_the_lock_and_the_instance_is_flagged() {
    // Netflix's documented weakness: the first AWS address wins, so the real instance alerts.
    let records = [
        call(1, OTHER_AWS_IP, "ListTables"),
        call(2, INSTANCE_IP, "PutItem"),
    ];
    assert_eq!(
        summary(&hunt(&records, &settings())),
        BTreeSet::from([finding("InsideAWS", INSTANCE_IP, 1, 2, 2, 8)])
    );
}

#[test]
fn aws_address_other_than_the_lock_is_inside_aws() {
    let records = [
        call(1, INSTANCE_IP, "PutItem"),
        call(2, OTHER_AWS_IP, "ListTables"),
        call(3, OTHER_AWS_IP, "Scan"),
    ];
    let found = hunt(&records, &settings());
    assert_eq!(
        summary(&found),
        BTreeSet::from([finding("InsideAWS", OTHER_AWS_IP, 2, 2, 3, 8)])
    );
    let remote = found[0]
        .service
        .action
        .aws_api_call_action
        .as_ref()
        .unwrap();
    let account = remote.remote_account_details.as_ref().unwrap();
    assert_eq!(
        account.account_id, None,
        "CloudTrail alone cannot name the other account"
    );
    assert!(!account.affiliated);
}

#[test]
fn credential_refresh_keeps_one_session_and_raises_nothing() {
    let key = |n: u32| format!("ASIAEXAMPLEKEY00000{n}");
    let mut records = Vec::new();
    for hour in 0..4 {
        records.push(issue(hour * 60, &key(hour)));
        records.push(edit(call(hour * 60 + 5, INSTANCE_IP, "PutItem"), |r| {
            r["userIdentity"]["accessKeyId"] = json!(key(hour));
        }));
    }
    assert!(hunt(&records, &settings()).is_empty());
}

#[test]
fn nat_gateway_address_shared_by_many_instances_is_benign() {
    let nat = OTHER_AWS_IP;
    let mut records = Vec::new();
    for n in 0..5 {
        let instance = format!("i-0000000000000000{n}");
        records.push(edit(call(n, nat, "PutItem"), |r| {
            let arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/{instance}");
            r["userIdentity"]["arn"] = json!(arn);
        }));
    }
    assert!(hunt(&records, &settings()).is_empty());
}

fn through_endpoint(record: Value, endpoint_account: Option<&str>) -> Value {
    edit(record, |r| {
        r.insert("vpcEndpointId".into(), json!("vpce-0123456789abcdef0"));
        if let Some(account) = endpoint_account {
            r.insert("vpcEndpointAccountId".into(), json!(account));
        }
    })
}

#[test]
fn vpc_endpoints_of_the_own_account_are_benign() {
    let records = [
        through_endpoint(call(1, "10.0.0.10", "PutItem"), Some(ACCOUNT)),
        through_endpoint(call(2, "10.0.0.10", "PutItem"), None),
    ];
    assert!(hunt(&records, &settings()).is_empty());
}

#[test]
fn vpc_endpoint_of_a_foreign_account_is_inside_aws_keyed_on_that_account() {
    let records = [
        through_endpoint(call(1, "10.9.0.7", "ListTables"), Some("999988887777")),
        through_endpoint(call(2, "10.9.0.8", "Scan"), Some("999988887777")),
    ];
    let found = hunt(&records, &settings());
    assert_eq!(found.len(), 1, "both calls aggregate on the remote account");
    assert_eq!(found[0].service.count, 2);
    let action = found[0]
        .service
        .action
        .aws_api_call_action
        .as_ref()
        .unwrap();
    assert_eq!(
        action
            .remote_account_details
            .as_ref()
            .unwrap()
            .account_id
            .as_deref(),
        Some("999988887777")
    );
    assert!(
        found[0]
            .description
            .contains("a VPC endpoint of account 999988887777")
    );
}

#[test]
fn vpc_endpoint_of_an_affiliated_account_is_benign() {
    let mut settings = settings();
    settings.affiliated_accounts.insert("999988887777".into());
    let records = [through_endpoint(
        call(1, "10.9.0.7", "ListTables"),
        Some("999988887777"),
    )];
    assert!(hunt(&records, &settings).is_empty());
}

#[test]
fn calls_on_behalf_of_the_principal_are_skipped() {
    let records = [
        call(1, "dynamodb.amazonaws.com", "PutItem"),
        call(2, "AWS Internal", "PutItem"),
        edit(call(3, LAPTOP_IP, "Decrypt"), |r| {
            r["userIdentity"]["invokedBy"] = json!("s3.amazonaws.com");
        }),
    ];
    assert!(hunt(&records, &settings()).is_empty());
}

#[test]
fn private_address_without_endpoint_is_outside_aws() {
    let records = [
        call(1, INSTANCE_IP, "PutItem"),
        call(2, "10.1.2.3", "ListTables"),
    ];
    assert_eq!(
        summary(&hunt(&records, &settings())),
        BTreeSet::from([finding("OutsideAWS", "10.1.2.3", 1, 2, 2, 8)])
    );
}

#[test]
fn ipv6_addresses_are_classified_too() {
    let aws_v6 = "2600:1f18::10";
    let outside_v6 = "2a01:4f8::1";
    let records = [
        call(1, aws_v6, "PutItem"),
        call(2, outside_v6, "ListTables"),
    ];
    let found = hunt(&records, &settings());
    assert_eq!(
        summary(&found),
        BTreeSet::from([finding("OutsideAWS", outside_v6, 1, 2, 2, 8)])
    );
    let details = found[0]
        .service
        .action
        .aws_api_call_action
        .as_ref()
        .unwrap();
    let remote = details.remote_ip_details.as_ref().unwrap();
    assert_eq!(remote.ip_address_v6.as_deref(), Some(outside_v6));
    assert_eq!(remote.ip_address_v4, None);
}

#[test]
fn spoofed_instance_session_name_is_not_enough_on_modern_records() {
    // Anyone can call AssumeRole with RoleSessionName=i-…; only EC2's issue makes it real.
    let spoofed = [without_role_delivery(call(1, LAPTOP_IP, "ListTables"))];
    assert!(hunt(&spoofed, &settings()).is_empty());
    let issued = [
        issue(0, "ASIAEXAMPLEKEY000001"),
        without_role_delivery(call(1, LAPTOP_IP, "ListTables")),
    ];
    assert_eq!(
        summary(&hunt(&issued, &settings())),
        BTreeSet::from([finding("OutsideAWS", LAPTOP_IP, 1, 1, 1, 8)])
    );
}

#[test]
fn old_records_without_role_delivery_count_by_session_name() {
    let records = [edit(
        without_role_delivery(call(1, LAPTOP_IP, "ListTables")),
        |r| {
            r["eventVersion"] = json!("1.05");
        },
    )];
    assert_eq!(
        summary(&hunt(&records, &settings())),
        BTreeSet::from([finding("OutsideAWS", LAPTOP_IP, 1, 1, 1, 8)])
    );
}

#[test]
fn an_associated_address_is_accepted_once() {
    let records = [
        call(1, INSTANCE_IP, "PutItem"),
        associate_address(5),
        call(6, OTHER_AWS_IP, "PutItem"),
        call(7, INSTANCE_IP, "PutItem"),
        call(8, OTHER_AWS_IP, "PutItem"),
        call(9, THIRD_AWS_IP, "ListTables"),
    ];
    assert_eq!(
        summary(&hunt(&records, &settings())),
        BTreeSet::from([finding("InsideAWS", THIRD_AWS_IP, 1, 9, 9, 8)])
    );
}

#[test]
fn an_address_used_before_its_announcement_is_not_excused() {
    let records = [
        call(1, INSTANCE_IP, "PutItem"),
        call(4, OTHER_AWS_IP, "ListTables"),
        associate_address(5),
    ];
    assert_eq!(
        summary(&hunt(&records, &settings())),
        BTreeSet::from([finding("InsideAWS", OTHER_AWS_IP, 1, 4, 4, 8)])
    );
}

#[test]
fn a_reissue_after_a_long_gap_starts_a_new_lock() {
    let records = [
        issue(0, "ASIAEXAMPLEKEY000001"),
        call(1, INSTANCE_IP, "PutItem"),
        issue(8 * 60, "ASIAEXAMPLEKEY000002"),
        call(8 * 60 + 1, OTHER_AWS_IP, "PutItem"),
    ];
    assert!(hunt(&records, &settings()).is_empty());
}

#[test]
fn two_attackers_are_two_findings() {
    let records = [
        call(1, INSTANCE_IP, "PutItem"),
        call(2, LAPTOP_IP, "ListTables"),
        call(3, SECOND_LAPTOP_IP, "ListTables"),
        call(4, SECOND_LAPTOP_IP, "Scan"),
    ];
    assert_eq!(
        summary(&hunt(&records, &settings())),
        BTreeSet::from([
            finding("OutsideAWS", LAPTOP_IP, 1, 2, 2, 8),
            finding("OutsideAWS", SECOND_LAPTOP_IP, 2, 3, 4, 8),
        ])
    );
}

#[test]
fn trusted_lists_and_own_networks_are_benign() {
    let mut settings = settings();
    settings
        .trusted_lists
        .push(IpList::parse("office", "198.51.100.0/24\n").0);
    settings
        .own_networks
        .push("104.102.221.0/24".parse().unwrap());
    let records = [
        call(1, LAPTOP_IP, "ListTables"),
        call(2, SECOND_LAPTOP_IP, "ListTables"),
    ];
    assert!(hunt(&records, &settings).is_empty());
}

#[test]
fn duplicate_event_ids_count_once() {
    let records = [
        call(1, LAPTOP_IP, "ListTables"),
        call(1, LAPTOP_IP, "ListTables"),
    ];
    assert_eq!(
        summary(&hunt(&records, &settings())),
        BTreeSet::from([finding("OutsideAWS", LAPTOP_IP, 1, 1, 1, 8)])
    );
}

#[test]
fn threat_lists_flag_any_caller() {
    let mut settings = settings();
    settings
        .threat_lists
        .push(IpList::parse("Example-Threat-List", "198.51.100.7\n").0);
    let user_call = json!({
        "eventVersion": "1.08",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE",
            "arn": format!("arn:aws:iam::{ACCOUNT}:user/GuardDuty-Example-Compromised-Simulated"),
            "accountId": ACCOUNT, "accessKeyId": "AKIAEXAMPLE000000001",
            "userName": "GuardDuty-Example-Compromised-Simulated"},
        "eventTime": time(1), "eventSource": "ssm.amazonaws.com", "eventName": "GetParameters",
        "awsRegion": "us-west-2", "sourceIPAddress": LAPTOP_IP, "userAgent": "aws-cli/1.18",
        "eventID": "user-1", "recipientAccountId": ACCOUNT
    });
    let found = hunt(&[user_call, call(2, LAPTOP_IP, "ListTables")], &settings);
    let types: BTreeSet<&str> = found.iter().map(|f| f.finding_type.as_str()).collect();
    assert_eq!(
        types,
        BTreeSet::from([
            "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
            "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
        ])
    );
    let threat: Vec<&Finding> = found
        .iter()
        .filter(|f| f.finding_type.ends_with("MaliciousIPCaller.Custom"))
        .collect();
    assert_eq!(
        threat.len(),
        2,
        "one per principal: the user and the role session"
    );
    let user = threat
        .iter()
        .find(|f| f.resource.access_key_details.as_ref().unwrap().user_type == "IAMUser")
        .unwrap();
    assert_eq!(user.severity, 5.0);
    assert_eq!(
        user.service.additional_info["threatListName"],
        "Example-Threat-List"
    );
    assert_eq!(
        user.resource.access_key_details.as_ref().unwrap().user_name,
        "GuardDuty-Example-Compromised-Simulated"
    );
}

#[test]
fn inventory_attributes_addresses_to_accounts() {
    let mut settings = settings();
    settings.affiliated_accounts.insert("111122223333".into());
    let inventory = json!({"Reservations": [
        {"OwnerId": ACCOUNT, "Instances": [{"InstanceId": INSTANCE, "PublicIpAddress": INSTANCE_IP,
            "InstanceType": "t3.micro", "State": {"Name": "running"}}]},
        {"OwnerId": "111122223333", "Instances": [{"InstanceId": "i-0ffffffffffffffff",
            "PublicIpAddress": OTHER_AWS_IP}]},
    ]});
    settings
        .inventory
        .add_json(inventory.to_string().as_bytes())
        .unwrap();
    // The first AWS address is an affiliated account's instance: InsideAWS (Medium), no lock.
    let records = [
        call(1, OTHER_AWS_IP, "ListTables"),
        call(2, INSTANCE_IP, "PutItem"),
    ];
    let found = hunt(&records, &settings);
    assert_eq!(
        summary(&found),
        BTreeSet::from([finding("InsideAWS", OTHER_AWS_IP, 1, 1, 1, 5)])
    );
    let details = found[0].resource.instance_details.as_ref().unwrap();
    assert_eq!(
        details.instance_type.as_deref(),
        Some("t3.micro"),
        "filled from the inventory"
    );
    let remote = found[0]
        .service
        .action
        .aws_api_call_action
        .as_ref()
        .unwrap();
    let account = remote.remote_account_details.as_ref().unwrap();
    assert_eq!(account.account_id.as_deref(), Some("111122223333"));
    assert!(account.affiliated);
}

#[test]
fn instance_identity_role_sessions_are_instance_credentials() {
    let records = [edit(
        without_role_delivery(call(1, LAPTOP_IP, "GetCallerIdentity")),
        |r| {
            r["userIdentity"]["arn"] = json!(format!(
                "arn:aws:sts::{ACCOUNT}:assumed-role/aws:ec2-instance/{INSTANCE}"
            ));
        },
    )];
    let found = hunt(&records, &settings());
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0]
            .resource
            .access_key_details
            .as_ref()
            .unwrap()
            .user_name,
        "aws:ec2-instance"
    );
}

/// The real Stratus Red Team sample: the stolen credentials' only uses come from an AWS
/// address (the operator's EC2 instance in another account), so the first-IP lock takes it
/// for the instance's own — Netflix's documented blind spot. With the lock off (every egress
/// of the victim's instances named in `own_networks`), it is InsideAWS.
#[test]
fn real_sample_needs_the_lock_off_to_see_the_attacker_inside_aws() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cloudtrail/tests/fixtures/stratus-ec2-steal-instance-credentials.json");
    let records: Vec<Value> = serde_json::from_str(&fs_err::read_to_string(path).unwrap()).unwrap();
    assert!(
        hunt(&records, &settings()).is_empty(),
        "locked on the attacker's address"
    );

    let mut strict = settings();
    strict.lock_first_address = false;
    strict.own_networks.push("10.0.128.0/24".parse().unwrap());
    let found = hunt(&records, &strict);
    assert_eq!(
        summary(&found),
        BTreeSet::from([(
            "InstanceCredentialExfiltration.InsideAWS".to_owned(),
            "18.236.253.47".to_owned(),
            2,
            "2024-08-02T08:23:55.000Z".to_owned(),
            "2024-08-02T08:23:56.000Z".to_owned(),
            8
        )])
    );
    assert_eq!(
        found[0]
            .resource
            .access_key_details
            .as_ref()
            .unwrap()
            .user_name,
        "stratus-red-team-ec2-steal-credentials-role"
    );
}
