//! The request a CloudTrail record describes, for replaying a recorded call ("would this call
//! be allowed now?"). Reads the record's JSON directly (no dependency on other crates).
//!
//! Condition keys set (IAM user guide, `reference_policies_condition-keys`):
//! `aws:userid` (principalId), `aws:PrincipalArn` (the role ARN for role sessions),
//! `aws:PrincipalAccount`, `aws:username` (IAM users), `aws:TokenIssueTime`
//! (`sessionContext.attributes.creationDate`, ISO or basic format, for temporary credentials
//! only), `aws:MultiFactorAuthPresent`, `aws:SourceIp` (without a VPC endpoint) or
//! `aws:SourceVpce` + `aws:VpcSourceIp` (through one), `aws:ViaAWSService`,
//! `aws:RequestedRegion`, `aws:CurrentTime`/`aws:EpochTime` (the event time: the replay is of
//! that moment), `aws:SecureTransport` (when `tlsDetails` is present), `ec2:SourceInstanceARN`
//! and `ec2:RoleDelivery` (EC2 instance-role sessions). CloudTrail does not record the VPC of
//! an endpoint nor `aws:Ec2InstanceSourceVpc`/`…PrivateIPv4`: pass them as extra keys.

use serde_json::Value;

use crate::request::{Context, Principal, Request, RequestError};
use crate::values::date;

/// A record that cannot be replayed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CloudTrailError {
    /// Not JSON.
    #[error("cloudtrail record is not valid json: {0}")]
    Json(String),
    /// A required field is missing.
    #[error("cloudtrail record has no `{0}`")]
    Missing(&'static str),
    /// A log file with other than one record.
    #[error("expected one cloudtrail record, found {0}")]
    RecordCount(usize),
    /// The action could not be built.
    #[error(transparent)]
    Request(#[from] RequestError),
}

/// Parses a record (or a log file holding exactly one record, or an EventBridge
/// "AWS API Call via CloudTrail" envelope) and builds its request; `extra` keys are added last
/// and override what the record gives.
///
/// # Errors
/// If the text is not JSON or not a CloudTrail record.
pub fn parse_request(text: &str, extra: &[(String, String)]) -> Result<Request, CloudTrailError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| CloudTrailError::Json(e.to_string()))?;
    request_from_record(&value, extra)
}

/// Builds the request of a record already parsed as JSON (see [`parse_request`]).
///
/// # Errors
/// If it is not a CloudTrail record.
pub fn request_from_record(
    value: &Value,
    extra: &[(String, String)],
) -> Result<Request, CloudTrailError> {
    let record = unwrap_record(value)?;
    let text = |path: &[&str]| -> Option<&str> {
        let mut v = record;
        for key in path {
            v = v.get(key)?;
        }
        v.as_str()
    };
    let source = text(&["eventSource"]).ok_or(CloudTrailError::Missing("eventSource"))?;
    let name = text(&["eventName"]).ok_or(CloudTrailError::Missing("eventName"))?;
    let action = action_name(source, name);
    let region = text(&["awsRegion"]).unwrap_or("us-east-1");
    let identity_type = text(&["userIdentity", "type"]).unwrap_or("");
    let arn = text(&["userIdentity", "arn"]);
    let account = text(&["userIdentity", "accountId"]).or_else(|| text(&["recipientAccountId"]));
    let invoked_by = text(&["userIdentity", "invokedBy"]);

    let mut ctx = Context::new();
    let principal = match (identity_type, arn) {
        ("AWSService", _) => invoked_by.map_or_else(Principal::anonymous, Principal::parse),
        (_, Some(arn)) => Principal::parse(arn),
        _ => Principal::anonymous(),
    };
    if let Some(id) = text(&["userIdentity", "principalId"]) {
        ctx.insert("aws:userid", id);
    }
    if let Some(account) = principal.account() {
        ctx.insert("aws:PrincipalAccount", account);
    }
    match identity_type {
        "AssumedRole" => {
            if let Some(role) = text(&["userIdentity", "sessionContext", "sessionIssuer", "arn"]) {
                ctx.insert("aws:PrincipalArn", role);
            }
        }
        "IAMUser" => {
            if let Some(user) = text(&["userIdentity", "userName"]) {
                ctx.insert("aws:username", user);
            }
            if let Some(arn) = arn {
                ctx.insert("aws:PrincipalArn", arn);
            }
        }
        _ => {
            if let Some(arn) = arn {
                ctx.insert("aws:PrincipalArn", arn);
            }
        }
    }
    let attributes = ["userIdentity", "sessionContext", "attributes"];
    if let Some(created) = text(&[attributes[0], attributes[1], attributes[2], "creationDate"]) {
        let normalized = date::parse(created).map_or_else(|| created.to_owned(), date::format);
        ctx.insert("aws:TokenIssueTime", &normalized);
    }
    if let Some(mfa) = text(&[
        attributes[0],
        attributes[1],
        attributes[2],
        "mfaAuthenticated",
    ]) {
        ctx.insert("aws:MultiFactorAuthPresent", mfa);
    }
    let source_ip = text(&["sourceIPAddress"]).unwrap_or("");
    let via_service = invoked_by.is_some()
        || source_ip.ends_with(".amazonaws.com")
        || source_ip == "AWS Internal";
    ctx.insert(
        "aws:ViaAWSService",
        if via_service { "true" } else { "false" },
    );
    match text(&["vpcEndpointId"]) {
        Some(vpce) => {
            ctx.insert("aws:SourceVpce", vpce);
            if source_ip.parse::<std::net::IpAddr>().is_ok() {
                ctx.insert("aws:VpcSourceIp", source_ip);
            }
        }
        None => {
            if source_ip.parse::<std::net::IpAddr>().is_ok() {
                ctx.insert("aws:SourceIp", source_ip);
            }
        }
    }
    ctx.insert("aws:RequestedRegion", region);
    if let Some(instant) = text(&["eventTime"]).and_then(date::parse) {
        ctx.insert("aws:CurrentTime", &date::format(instant));
        ctx.insert("aws:EpochTime", &(instant / 1_000_000_000).to_string());
    }
    if record.get("tlsDetails").is_some() {
        ctx.insert("aws:SecureTransport", "true");
    }
    let delivery = text(&["userIdentity", "sessionContext", "ec2RoleDelivery"]);
    if let Some(d) = delivery {
        ctx.insert("ec2:RoleDelivery", d);
    }
    if let (Some(instance), Some(account)) = (
        instance_session(record, identity_type, arn, delivery),
        account,
    ) {
        let partition = arn.and_then(|a| a.split(':').nth(1)).unwrap_or("aws");
        ctx.insert(
            "ec2:SourceInstanceARN",
            &format!("arn:{partition}:ec2:{region}:{account}:instance/{instance}"),
        );
    }
    for (key, value) in extra {
        ctx.insert(key, value);
    }
    let resource = resource_arn(record, &action, region, account);
    let resource_account = record
        .get("resources")
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(|r| r.get("accountId"))
        .and_then(Value::as_str);
    Ok(Request::new(
        principal,
        &action,
        &resource,
        resource_account,
        ctx,
    )?)
}

fn unwrap_record(value: &Value) -> Result<&Value, CloudTrailError> {
    if let Some(records) = value.get("Records").and_then(Value::as_array) {
        return match records.as_slice() {
            [one] => Ok(one),
            _ => Err(CloudTrailError::RecordCount(records.len())),
        };
    }
    if value.get("detail-type").is_some() {
        return value
            .get("detail")
            .ok_or(CloudTrailError::Missing("detail"));
    }
    Ok(value)
}

/// The IAM action of an API call: `eventSource` without `.amazonaws.com` (with the few services
/// whose IAM prefix differs), and `eventName` without the API-version suffix some services add
/// (`Invoke20150331`), mapped for the S3 calls whose IAM action has another name.
fn action_name(source: &str, name: &str) -> String {
    let service = source.trim_end_matches(".amazonaws.com");
    let service = match service {
        "monitoring" => "cloudwatch",
        "email" => "ses",
        "tagging" => "tag",
        other => other,
    };
    let name = strip_version_suffix(name);
    let name = match (service, name) {
        ("s3", "ListBuckets") => "ListAllMyBuckets",
        ("s3", "ListObjects" | "ListObjectsV2" | "HeadBucket") => "ListBucket",
        ("s3", "ListObjectVersions") => "ListBucketVersions",
        ("s3", "HeadObject") => "GetObject",
        (_, n) => n,
    };
    format!("{service}:{name}")
}

fn strip_version_suffix(name: &str) -> &str {
    let trimmed = match name.rfind('v') {
        Some(i)
            if i > 0
                && name[i + 1..].bytes().all(|b| b.is_ascii_digit())
                && !name[i + 1..].is_empty() =>
        {
            &name[..i]
        }
        _ => name,
    };
    let digits = trimmed.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 8 && trimmed.len() > 8 {
        &trimmed[..trimmed.len() - 8]
    } else {
        name
    }
}

/// The instance id of an EC2 instance-role session: the session name is an instance id and
/// the record carries `ec2RoleDelivery` (or predates it: eventVersion < 1.08).
fn instance_session<'a>(
    record: &Value,
    identity_type: &str,
    arn: Option<&'a str>,
    delivery: Option<&str>,
) -> Option<&'a str> {
    if identity_type != "AssumedRole" {
        return None;
    }
    let session = arn?.rsplit('/').next()?;
    let id = session.strip_prefix("i-")?;
    if !matches!(id.len(), 8 | 17) || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let old_record = record
        .get("eventVersion")
        .and_then(Value::as_str)
        .and_then(|v| v.split_once('.'))
        .and_then(|(major, minor)| Some((major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?)))
        .is_some_and(|v| v < (1, 8));
    (delivery.is_some() || old_record).then_some(session)
}

/// The resource: the record's `resources[0].ARN`, a DynamoDB table from `tableName`, else `*`.
fn resource_arn(record: &Value, action: &str, region: &str, account: Option<&str>) -> String {
    if let Some(arn) = record
        .get("resources")
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(|r| r.get("ARN"))
        .and_then(Value::as_str)
    {
        return arn.to_owned();
    }
    if action.starts_with("dynamodb:") {
        let table = record
            .get("requestParameters")
            .and_then(|p| p.get("tableName"))
            .and_then(Value::as_str);
        if let (Some(table), Some(account)) = (table, account) {
            return format!("arn:aws:dynamodb:{region}:{account}:table/{table}");
        }
    }
    "*".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"{
      "eventVersion": "1.08",
      "userIdentity": {
        "type": "AssumedRole",
        "principalId": "AROAEXAMPLEID:i-0123456789abcdef0",
        "arn": "arn:aws:sts::123456789012:assumed-role/GuardDuty-Example-EC2-Compromised/i-0123456789abcdef0",
        "accountId": "123456789012",
        "accessKeyId": "ASIAEXAMPLE",
        "sessionContext": {
          "sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEID",
            "arn": "arn:aws:iam::123456789012:role/GuardDuty-Example-EC2-Compromised",
            "accountId": "123456789012", "userName": "GuardDuty-Example-EC2-Compromised"},
          "attributes": {"creationDate": "20210308T123455Z", "mfaAuthenticated": "false"},
          "ec2RoleDelivery": "1.0"
        }
      },
      "eventTime": "2021-03-08T13:00:00Z",
      "eventSource": "dynamodb.amazonaws.com",
      "eventName": "ListTables",
      "awsRegion": "us-west-2",
      "sourceIPAddress": "198.51.100.7",
      "requestParameters": null,
      "recipientAccountId": "123456789012"
    }"#;

    #[test]
    fn instance_role_record() {
        let r = parse_request(RECORD, &[]).unwrap();
        assert_eq!(r.action(), "dynamodb:ListTables");
        assert_eq!(r.resource(), "*");
        assert_eq!(
            r.principal().id(),
            "arn:aws:sts::123456789012:assumed-role/GuardDuty-Example-EC2-Compromised/i-0123456789abcdef0"
        );
        let c = r.context();
        assert_eq!(
            c.get_raw("aws:TokenIssueTime"),
            Some("2021-03-08T12:34:55Z")
        );
        assert_eq!(
            c.get_raw("aws:userid"),
            Some("AROAEXAMPLEID:i-0123456789abcdef0")
        );
        assert_eq!(
            c.get_raw("aws:PrincipalArn"),
            Some("arn:aws:iam::123456789012:role/GuardDuty-Example-EC2-Compromised")
        );
        assert_eq!(
            c.get_raw("ec2:SourceInstanceARN"),
            Some("arn:aws:ec2:us-west-2:123456789012:instance/i-0123456789abcdef0")
        );
        assert_eq!(c.get_raw("ec2:RoleDelivery"), Some("1.0"));
        assert_eq!(c.get_raw("aws:SourceIp"), Some("198.51.100.7"));
        assert_eq!(c.get_raw("aws:ViaAWSService"), Some("false"));
        assert_eq!(c.get_raw("aws:SourceVpce"), None);
        assert_eq!(c.get_raw("aws:CurrentTime"), Some("2021-03-08T13:00:00Z"));
        assert_eq!(c.get_raw("aws:EpochTime"), Some("1615208400"));
    }

    #[test]
    fn vpc_endpoint_and_extra_keys() {
        let text = RECORD
            .replace(
                r#""recipientAccountId""#,
                r#""vpcEndpointId": "vpce-0abc", "recipientAccountId""#,
            )
            .replace("198.51.100.7", "10.0.0.5");
        let extra = [("aws:SourceVpc".to_owned(), "vpc-1111".to_owned())];
        let r = parse_request(&text, &extra).unwrap();
        let c = r.context();
        assert_eq!(c.get_raw("aws:SourceVpce"), Some("vpce-0abc"));
        assert_eq!(c.get_raw("aws:VpcSourceIp"), Some("10.0.0.5"));
        assert_eq!(c.get_raw("aws:SourceIp"), None);
        assert_eq!(c.get_raw("aws:SourceVpc"), Some("vpc-1111"));
    }

    #[test]
    fn session_name_alone_is_not_an_instance() {
        let text = RECORD.replace(r#""ec2RoleDelivery": "1.0""#, r#""sourceIdentity": "x""#);
        let r = parse_request(&text, &[]).unwrap();
        assert_eq!(r.context().get_raw("ec2:SourceInstanceARN"), None);
        let old = text.replace(r#""eventVersion": "1.08""#, r#""eventVersion": "1.05""#);
        let r = parse_request(&old, &[]).unwrap();
        assert!(r.context().get_raw("ec2:SourceInstanceARN").is_some());
    }

    #[test]
    fn action_names() {
        assert_eq!(
            action_name("s3.amazonaws.com", "ListBuckets"),
            "s3:ListAllMyBuckets"
        );
        assert_eq!(
            action_name("lambda.amazonaws.com", "Invoke20150331"),
            "lambda:Invoke"
        );
        assert_eq!(
            action_name("lambda.amazonaws.com", "GetFunction20150331v2"),
            "lambda:GetFunction"
        );
        assert_eq!(
            action_name("monitoring.amazonaws.com", "PutMetricData"),
            "cloudwatch:PutMetricData"
        );
        assert_eq!(
            action_name("ssm.amazonaws.com", "GetParameters"),
            "ssm:GetParameters"
        );
        assert_eq!(
            action_name("ec2.amazonaws.com", "DescribeInstancesV2"),
            "ec2:DescribeInstancesV2"
        );
    }

    #[test]
    fn envelope_and_log_file() {
        let envelope =
            format!(r#"{{"detail-type":"AWS API Call via CloudTrail","detail":{RECORD}}}"#);
        assert_eq!(
            parse_request(&envelope, &[]).unwrap().action(),
            "dynamodb:ListTables"
        );
        let file = format!(r#"{{"Records":[{RECORD}]}}"#);
        assert_eq!(
            parse_request(&file, &[]).unwrap().action(),
            "dynamodb:ListTables"
        );
        let two = format!(r#"{{"Records":[{RECORD},{RECORD}]}}"#);
        assert_eq!(
            parse_request(&two, &[]).unwrap_err().to_string(),
            "expected one cloudtrail record, found 2"
        );
    }
}
