//! Building a [`Record`] straight from the JSON bytes, reading only the fields it holds.
//!
//! This is what the decoder uses instead of serde: it walks the record's members with the
//! structural scanner, skips the members it does not need without validating their insides
//! (the scanner's checks apply), and decodes only the wanted values: strings are borrowed
//! when they hold no escapes (and checked as UTF-8), unescaped by serde_json otherwise;
//! `requestParameters` and `responseElements` are validated by serde_json as `RawValue`s.
//! The result is the same as `serde_json::from_slice::<Record>` on valid input (a test
//! checks it), at a fraction of the cost.

use std::borrow::Cow;

use serde_json::value::RawValue;

use crate::borrowed::json_string;
use crate::record::{Record, SessionAttributes, SessionContext, SessionIssuer, UserIdentity};
use crate::scan::{self, Members, ScanError};

/// Why a record could not be built.
#[derive(Debug)]
pub(crate) enum ExtractError {
    /// The JSON is malformed.
    Syntax(ScanError),
    /// A field has the wrong type or content (the message names it).
    Invalid(String),
    /// The object has no top-level `eventTime`: it may be another kind of item.
    NoEventTime,
}

impl From<ScanError> for ExtractError {
    fn from(error: ScanError) -> Self {
        Self::Syntax(error)
    }
}

type Result<T> = std::result::Result<T, ExtractError>;

/// Calls `on_member(key, value_start)` for each member of the object at `buf[open]`; it
/// returns where the value ended, or `None` to have the value skipped. Returns the end.
fn walk<'a>(
    buf: &'a [u8],
    open: usize,
    mut on_member: impl FnMut(&'a [u8], usize) -> Result<Option<usize>>,
) -> Result<usize> {
    let mut members = Members::new(buf, open);
    while let Some(member) = members.next_member()? {
        let end = match on_member(member.key, member.value)? {
            Some(end) => end,
            None => scan::skip_value(buf, member.value)?,
        };
        members.value_ended(end);
    }
    Ok(members.end())
}

/// A string or `null` at `buf[i]`; stores it in `slot` and returns where it ends.
fn string<'a>(
    buf: &'a [u8],
    i: usize,
    field: &str,
    slot: &mut Option<Cow<'a, str>>,
) -> Result<usize> {
    match buf.get(i) {
        Some(b'"') => {
            let (close, escaped) = scan::string_end_escaped(buf, i + 1)?;
            let text = if escaped {
                json_string(&buf[i..=close])
                    .map_err(|e| ExtractError::Invalid(format!("`{field}`: {e}")))?
            } else {
                Cow::Borrowed(
                    std::str::from_utf8(&buf[i + 1..close])
                        .map_err(|_| ExtractError::Invalid(format!("`{field}`: invalid utf-8")))?,
                )
            };
            *slot = Some(text);
            Ok(close + 1)
        }
        Some(b'n') => {
            *slot = None;
            Ok(scan::value_end(buf, i)?)
        }
        _ => Err(ExtractError::Invalid(format!(
            "`{field}`: expected a string or null"
        ))),
    }
}

/// An object or `null` at `buf[i]`, built by `build`.
fn object<'a, T>(
    buf: &'a [u8],
    i: usize,
    field: &str,
    slot: &mut Option<T>,
    build: impl FnOnce(&'a [u8], usize) -> Result<(T, usize)>,
) -> Result<usize> {
    match buf.get(i) {
        Some(b'{') => {
            let (value, end) = build(buf, i)?;
            *slot = Some(value);
            Ok(end)
        }
        Some(b'n') => {
            *slot = None;
            Ok(scan::value_end(buf, i)?)
        }
        _ => Err(ExtractError::Invalid(format!(
            "`{field}`: expected an object or null"
        ))),
    }
}

/// Any JSON value at `buf[i]`, kept raw (`null` gives `None`).
fn raw<'a>(buf: &'a [u8], i: usize, field: &str, slot: &mut Option<&'a RawValue>) -> Result<usize> {
    let end = scan::skip_value(buf, i)?;
    let bytes = &buf[i..end];
    *slot = if bytes == b"null" {
        None
    } else {
        Some(
            serde_json::from_slice(bytes)
                .map_err(|e| ExtractError::Invalid(format!("`{field}`: {e}")))?,
        )
    };
    Ok(end)
}

/// The record whose object opens at `buf[open]`, and where it ends.
pub(crate) fn record(buf: &[u8], open: usize) -> Result<(Record<'_>, usize)> {
    let mut r = Record::default();
    let mut event_time = None;
    let end = walk(buf, open, |key, v| {
        Ok(Some(match key {
            b"eventTime" => {
                let end = string(buf, v, "eventTime", &mut event_time)?;
                if event_time.is_none() {
                    return Err(ExtractError::Invalid(
                        "`eventTime`: expected a string".to_owned(),
                    ));
                }
                end
            }
            b"eventVersion" => string(buf, v, "eventVersion", &mut r.event_version)?,
            b"eventSource" => string(buf, v, "eventSource", &mut r.event_source)?,
            b"eventName" => string(buf, v, "eventName", &mut r.event_name)?,
            b"awsRegion" => string(buf, v, "awsRegion", &mut r.aws_region)?,
            b"sourceIPAddress" => string(buf, v, "sourceIPAddress", &mut r.source_ip_address)?,
            b"userAgent" => string(buf, v, "userAgent", &mut r.user_agent)?,
            b"errorCode" => string(buf, v, "errorCode", &mut r.error_code)?,
            b"eventID" => string(buf, v, "eventID", &mut r.event_id)?,
            b"eventType" => string(buf, v, "eventType", &mut r.event_type)?,
            b"recipientAccountId" => {
                string(buf, v, "recipientAccountId", &mut r.recipient_account_id)?
            }
            b"vpcEndpointId" => string(buf, v, "vpcEndpointId", &mut r.vpc_endpoint_id)?,
            b"vpcEndpointAccountId" => string(
                buf,
                v,
                "vpcEndpointAccountId",
                &mut r.vpc_endpoint_account_id,
            )?,
            b"userIdentity" => object(buf, v, "userIdentity", &mut r.user_identity, user_identity)?,
            b"requestParameters" => raw(buf, v, "requestParameters", &mut r.request_parameters)?,
            b"responseElements" => raw(buf, v, "responseElements", &mut r.response_elements)?,
            _ => return Ok(None),
        }))
    })?;
    r.event_time = event_time.ok_or(ExtractError::NoEventTime)?;
    Ok((r, end))
}

fn user_identity(buf: &[u8], open: usize) -> Result<(UserIdentity<'_>, usize)> {
    let mut u = UserIdentity::default();
    let end = walk(buf, open, |key, v| {
        Ok(Some(match key {
            b"type" => string(buf, v, "userIdentity.type", &mut u.r#type)?,
            b"principalId" => string(buf, v, "userIdentity.principalId", &mut u.principal_id)?,
            b"arn" => string(buf, v, "userIdentity.arn", &mut u.arn)?,
            b"accountId" => string(buf, v, "userIdentity.accountId", &mut u.account_id)?,
            b"accessKeyId" => string(buf, v, "userIdentity.accessKeyId", &mut u.access_key_id)?,
            b"userName" => string(buf, v, "userIdentity.userName", &mut u.user_name)?,
            b"invokedBy" => string(buf, v, "userIdentity.invokedBy", &mut u.invoked_by)?,
            b"sessionContext" => object(
                buf,
                v,
                "userIdentity.sessionContext",
                &mut u.session_context,
                session_context,
            )?,
            _ => return Ok(None),
        }))
    })?;
    Ok((u, end))
}

fn session_context(buf: &[u8], open: usize) -> Result<(SessionContext<'_>, usize)> {
    let mut c = SessionContext::default();
    let end = walk(buf, open, |key, v| {
        Ok(Some(match key {
            b"attributes" => object(
                buf,
                v,
                "sessionContext.attributes",
                &mut c.attributes,
                session_attributes,
            )?,
            b"sessionIssuer" => object(
                buf,
                v,
                "sessionContext.sessionIssuer",
                &mut c.session_issuer,
                session_issuer,
            )?,
            b"ec2RoleDelivery" => string(
                buf,
                v,
                "sessionContext.ec2RoleDelivery",
                &mut c.ec2_role_delivery,
            )?,
            b"sourceIdentity" => string(
                buf,
                v,
                "sessionContext.sourceIdentity",
                &mut c.source_identity,
            )?,
            _ => return Ok(None),
        }))
    })?;
    Ok((c, end))
}

fn session_attributes(buf: &[u8], open: usize) -> Result<(SessionAttributes<'_>, usize)> {
    let mut a = SessionAttributes::default();
    let end = walk(buf, open, |key, v| {
        Ok(Some(match key {
            b"creationDate" => string(buf, v, "attributes.creationDate", &mut a.creation_date)?,
            b"mfaAuthenticated" => string(
                buf,
                v,
                "attributes.mfaAuthenticated",
                &mut a.mfa_authenticated,
            )?,
            _ => return Ok(None),
        }))
    })?;
    Ok((a, end))
}

fn session_issuer(buf: &[u8], open: usize) -> Result<(SessionIssuer<'_>, usize)> {
    let mut s = SessionIssuer::default();
    let end = walk(buf, open, |key, v| {
        Ok(Some(match key {
            b"type" => string(buf, v, "sessionIssuer.type", &mut s.r#type)?,
            b"principalId" => string(buf, v, "sessionIssuer.principalId", &mut s.principal_id)?,
            b"arn" => string(buf, v, "sessionIssuer.arn", &mut s.arn)?,
            b"accountId" => string(buf, v, "sessionIssuer.accountId", &mut s.account_id)?,
            b"userName" => string(buf, v, "sessionIssuer.userName", &mut s.user_name)?,
            _ => return Ok(None),
        }))
    })?;
    Ok((s, end))
}
