//! One CloudTrail record, borrowing its strings from the decoded buffer.
//!
//! Only the fields that detectors use are modelled; every other field of the record is
//! skipped (validated as JSON by serde_json, not stored). Strings are `Cow`: borrowed from
//! the buffer unless the JSON string holds escapes.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::borrowed::opt_cow;
pub use crate::time::parse_event_time;

/// One CloudTrail event record (the fields detectors use).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record<'a> {
    /// `eventVersion`, e.g. `1.08`.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub event_version: Option<Cow<'a, str>>,
    /// `eventTime` as written in the record, e.g. `2024-08-02T08:23:24Z`.
    #[serde(borrow, deserialize_with = "crate::borrowed::cow")]
    pub event_time: Cow<'a, str>,
    /// `eventTime` in milliseconds since the Unix epoch, filled in by the decoder (which
    /// rejects records whose `eventTime` does not parse).
    #[serde(skip)]
    pub event_time_millis: i64,
    /// `eventSource`, e.g. `sts.amazonaws.com`.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub event_source: Option<Cow<'a, str>>,
    /// `eventName`, e.g. `AssumeRole`.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub event_name: Option<Cow<'a, str>>,
    /// `awsRegion`.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub aws_region: Option<Cow<'a, str>>,
    /// `sourceIPAddress`: an IP, a service name (`ec2.amazonaws.com`) or `AWS Internal`;
    /// kept as written, never validated here.
    #[serde(
        rename = "sourceIPAddress",
        borrow,
        default,
        deserialize_with = "opt_cow"
    )]
    pub source_ip_address: Option<Cow<'a, str>>,
    /// `userAgent`.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub user_agent: Option<Cow<'a, str>>,
    /// `errorCode`, present when the call failed.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub error_code: Option<Cow<'a, str>>,
    /// `eventID` (a GUID).
    #[serde(rename = "eventID", borrow, default, deserialize_with = "opt_cow")]
    pub event_id: Option<Cow<'a, str>>,
    /// `eventType`, e.g. `AwsApiCall`.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub event_type: Option<Cow<'a, str>>,
    /// `recipientAccountId`.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub recipient_account_id: Option<Cow<'a, str>>,
    /// `vpcEndpointId`, present when the call came through a VPC endpoint.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub vpc_endpoint_id: Option<Cow<'a, str>>,
    /// `vpcEndpointAccountId`: the account that owns that VPC endpoint.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub vpc_endpoint_account_id: Option<Cow<'a, str>>,
    /// `userIdentity`.
    #[serde(borrow, default)]
    pub user_identity: Option<UserIdentity<'a>>,
    /// `requestParameters`, unparsed (`None` when absent or `null`).
    #[serde(borrow, default)]
    pub request_parameters: Option<&'a RawValue>,
    /// `responseElements`, unparsed (`None` when absent or `null`).
    #[serde(borrow, default)]
    pub response_elements: Option<&'a RawValue>,
}

/// `userIdentity`: who made the call.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity<'a> {
    /// `type`: `AssumedRole`, `IAMUser`, `AWSService`, `Root`, …
    #[serde(rename = "type", borrow, default, deserialize_with = "opt_cow")]
    pub r#type: Option<Cow<'a, str>>,
    /// `principalId`, for a role session `<RoleId>:<session name>`.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub principal_id: Option<Cow<'a, str>>,
    /// `arn`, for a role session `arn:aws:sts::<acct>:assumed-role/<role>/<session>`.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub arn: Option<Cow<'a, str>>,
    /// `accountId`.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub account_id: Option<Cow<'a, str>>,
    /// `accessKeyId` (may be empty or absent).
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub access_key_id: Option<Cow<'a, str>>,
    /// `userName`.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub user_name: Option<Cow<'a, str>>,
    /// `invokedBy`: the AWS service that made the call on the principal's behalf.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub invoked_by: Option<Cow<'a, str>>,
    /// `sessionContext`, for temporary credentials.
    #[serde(borrow, default)]
    pub session_context: Option<SessionContext<'a>>,
}

/// `userIdentity.sessionContext`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionContext<'a> {
    /// `attributes`.
    #[serde(borrow, default)]
    pub attributes: Option<SessionAttributes<'a>>,
    /// `sessionIssuer`: the role (or user) that issued the session.
    #[serde(borrow, default)]
    pub session_issuer: Option<SessionIssuer<'a>>,
    /// `ec2RoleDelivery`: present only on credentials delivered by the EC2 instance metadata
    /// service (`1.0` = IMDSv1, `2.0` = IMDSv2).
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub ec2_role_delivery: Option<Cow<'a, str>>,
    /// `sourceIdentity`.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub source_identity: Option<Cow<'a, str>>,
}

/// `userIdentity.sessionContext.attributes`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionAttributes<'a> {
    /// `creationDate`: when the session's credentials were issued.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub creation_date: Option<Cow<'a, str>>,
    /// `mfaAuthenticated` (`"true"` / `"false"` as strings in CloudTrail).
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub mfa_authenticated: Option<Cow<'a, str>>,
}

/// `userIdentity.sessionContext.sessionIssuer`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionIssuer<'a> {
    /// `type`, usually `Role`.
    #[serde(rename = "type", borrow, default, deserialize_with = "opt_cow")]
    pub r#type: Option<Cow<'a, str>>,
    /// `principalId` (the role id, `AROA…`).
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub principal_id: Option<Cow<'a, str>>,
    /// `arn` of the role.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub arn: Option<Cow<'a, str>>,
    /// `accountId` that owns the role.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub account_id: Option<Cow<'a, str>>,
    /// `userName`: the role name.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub user_name: Option<Cow<'a, str>>,
}
