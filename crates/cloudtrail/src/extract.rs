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

/// JSON bytes, with the same bytes as text when they are known to be valid UTF-8 (checked
/// once for a whole buffer, which is much cheaper than string by string).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Json<'a> {
    /// The bytes.
    pub(crate) bytes: &'a [u8],
    /// The same bytes as `str`, when valid UTF-8.
    pub(crate) text: Option<&'a str>,
}

impl<'a> Json<'a> {
    /// Bytes whose UTF-8 validity is not known yet.
    pub(crate) fn unchecked(bytes: &'a [u8]) -> Self {
        Self { bytes, text: None }
    }

    /// `bytes[start..end]` as text, or `None` if it is not valid UTF-8.
    fn text(&self, start: usize, end: usize) -> Option<&'a str> {
        match self.text {
            Some(text) => text.get(start..end),
            None => std::str::from_utf8(self.bytes.get(start..end)?).ok(),
        }
    }
}

/// Calls `on_member(key, value_start)` for each member of the object at `bytes[open]`; it
/// returns where the value ended, or `None` to have the value skipped. Returns the end.
fn walk<'a>(
    json: Json<'a>,
    open: usize,
    mut on_member: impl FnMut(&'a [u8], usize) -> Result<Option<usize>>,
) -> Result<usize> {
    let mut members = Members::new(json.bytes, open);
    while let Some(member) = members.next_member()? {
        let end = match on_member(member.key, member.value)? {
            Some(end) => end,
            None => scan::skip_value(json.bytes, member.value)?,
        };
        members.value_ended(end);
    }
    Ok(members.end())
}

/// A string or `null` at `bytes[i]`; stores it in `slot` and returns where it ends.
fn string<'a>(
    json: Json<'a>,
    i: usize,
    field: &str,
    slot: &mut Option<Cow<'a, str>>,
) -> Result<usize> {
    match json.bytes.get(i) {
        Some(b'"') => {
            let (close, escaped) = scan::string_end_escaped(json.bytes, i + 1)?;
            let text =
                if escaped {
                    json_string(&json.bytes[i..=close])
                        .map_err(|e| ExtractError::Invalid(format!("`{field}`: {e}")))?
                } else {
                    Cow::Borrowed(json.text(i + 1, close).ok_or_else(|| {
                        ExtractError::Invalid(format!("`{field}`: invalid utf-8"))
                    })?)
                };
            *slot = Some(text);
            Ok(close + 1)
        }
        Some(b'n') => {
            *slot = None;
            Ok(scan::value_end(json.bytes, i)?)
        }
        _ => Err(ExtractError::Invalid(format!(
            "`{field}`: expected a string or null"
        ))),
    }
}

/// An object or `null` at `bytes[i]`, built in place by `build` (no moves of the struct).
fn object<'a, T: Default>(
    json: Json<'a>,
    i: usize,
    field: &str,
    slot: &mut Option<T>,
    build: impl FnOnce(Json<'a>, usize, &mut T) -> Result<usize>,
) -> Result<usize> {
    match json.bytes.get(i) {
        Some(b'{') => build(json, i, slot.insert(T::default())),
        Some(b'n') => {
            *slot = None;
            Ok(scan::value_end(json.bytes, i)?)
        }
        _ => Err(ExtractError::Invalid(format!(
            "`{field}`: expected an object or null"
        ))),
    }
}

/// Where a raw value (`requestParameters`, `responseElements`) sits, checked later.
type RawSpan = Option<(usize, usize)>;

/// Any JSON value at `bytes[i]`: only its extent now; [`Extracted::finish`] validates it.
fn raw_span(json: Json<'_>, i: usize, slot: &mut RawSpan) -> Result<usize> {
    let end = scan::skip_value(json.bytes, i)?;
    *slot = Some((i, end));
    Ok(end)
}

/// A validated raw value (`null` gives `None`).
fn raw<'a>(json: Json<'a>, span: RawSpan, field: &str) -> Result<Option<&'a RawValue>> {
    let Some((start, end)) = span else {
        return Ok(None);
    };
    let bytes = &json.bytes[start..end];
    if bytes == b"null" {
        return Ok(None);
    }
    serde_json::from_slice(bytes)
        .map(Some)
        .map_err(|e| ExtractError::Invalid(format!("`{field}`: {e}")))
}

/// A record read up to its raw values, which are validated only if it is kept.
pub(crate) struct Extracted<'a> {
    /// The record (raw values still `None`).
    pub(crate) record: Record<'a>,
    /// The index after the record's closing `}`.
    pub(crate) end: usize,
    request_parameters: RawSpan,
    response_elements: RawSpan,
}

impl<'a> Extracted<'a> {
    /// Validates the raw values and sets them in the record.
    pub(crate) fn finish(&mut self, json: Json<'a>) -> Result<()> {
        self.record.request_parameters = raw(json, self.request_parameters, "requestParameters")?;
        self.record.response_elements = raw(json, self.response_elements, "responseElements")?;
        Ok(())
    }
}

/// The record whose object opens at `bytes[open]` (raw values not yet validated).
pub(crate) fn record(json: Json<'_>, open: usize) -> Result<Extracted<'_>> {
    let mut r = Record::default();
    let mut event_time = None;
    let (mut request_parameters, mut response_elements) = (None, None);
    let end = walk(json, open, |key, v| {
        Ok(Some(match key {
            b"eventTime" => {
                let end = string(json, v, "eventTime", &mut event_time)?;
                if event_time.is_none() {
                    return Err(ExtractError::Invalid(
                        "`eventTime`: expected a string".to_owned(),
                    ));
                }
                end
            }
            b"eventVersion" => string(json, v, "eventVersion", &mut r.event_version)?,
            b"eventSource" => string(json, v, "eventSource", &mut r.event_source)?,
            b"eventName" => string(json, v, "eventName", &mut r.event_name)?,
            b"awsRegion" => string(json, v, "awsRegion", &mut r.aws_region)?,
            b"sourceIPAddress" => string(json, v, "sourceIPAddress", &mut r.source_ip_address)?,
            b"userAgent" => string(json, v, "userAgent", &mut r.user_agent)?,
            b"errorCode" => string(json, v, "errorCode", &mut r.error_code)?,
            b"eventID" => string(json, v, "eventID", &mut r.event_id)?,
            b"eventType" => string(json, v, "eventType", &mut r.event_type)?,
            b"recipientAccountId" => {
                string(json, v, "recipientAccountId", &mut r.recipient_account_id)?
            }
            b"vpcEndpointId" => string(json, v, "vpcEndpointId", &mut r.vpc_endpoint_id)?,
            b"vpcEndpointAccountId" => string(
                json,
                v,
                "vpcEndpointAccountId",
                &mut r.vpc_endpoint_account_id,
            )?,
            b"userIdentity" => {
                object(json, v, "userIdentity", &mut r.user_identity, user_identity)?
            }
            b"requestParameters" => raw_span(json, v, &mut request_parameters)?,
            b"responseElements" => raw_span(json, v, &mut response_elements)?,
            _ => return Ok(None),
        }))
    })?;
    r.event_time = event_time.ok_or(ExtractError::NoEventTime)?;
    Ok(Extracted {
        record: r,
        end,
        request_parameters,
        response_elements,
    })
}

fn user_identity<'a>(json: Json<'a>, open: usize, u: &mut UserIdentity<'a>) -> Result<usize> {
    walk(json, open, |key, v| {
        Ok(Some(match key {
            b"type" => string(json, v, "userIdentity.type", &mut u.r#type)?,
            b"principalId" => string(json, v, "userIdentity.principalId", &mut u.principal_id)?,
            b"arn" => string(json, v, "userIdentity.arn", &mut u.arn)?,
            b"accountId" => string(json, v, "userIdentity.accountId", &mut u.account_id)?,
            b"accessKeyId" => string(json, v, "userIdentity.accessKeyId", &mut u.access_key_id)?,
            b"userName" => string(json, v, "userIdentity.userName", &mut u.user_name)?,
            b"invokedBy" => string(json, v, "userIdentity.invokedBy", &mut u.invoked_by)?,
            b"sessionContext" => object(
                json,
                v,
                "userIdentity.sessionContext",
                &mut u.session_context,
                session_context,
            )?,
            _ => return Ok(None),
        }))
    })
}

fn session_context<'a>(json: Json<'a>, open: usize, c: &mut SessionContext<'a>) -> Result<usize> {
    walk(json, open, |key, v| {
        Ok(Some(match key {
            b"attributes" => object(
                json,
                v,
                "sessionContext.attributes",
                &mut c.attributes,
                session_attributes,
            )?,
            b"sessionIssuer" => object(
                json,
                v,
                "sessionContext.sessionIssuer",
                &mut c.session_issuer,
                session_issuer,
            )?,
            b"ec2RoleDelivery" => string(
                json,
                v,
                "sessionContext.ec2RoleDelivery",
                &mut c.ec2_role_delivery,
            )?,
            b"sourceIdentity" => string(
                json,
                v,
                "sessionContext.sourceIdentity",
                &mut c.source_identity,
            )?,
            _ => return Ok(None),
        }))
    })
}

fn session_attributes<'a>(
    json: Json<'a>,
    open: usize,
    a: &mut SessionAttributes<'a>,
) -> Result<usize> {
    walk(json, open, |key, v| {
        Ok(Some(match key {
            b"creationDate" => string(json, v, "attributes.creationDate", &mut a.creation_date)?,
            b"mfaAuthenticated" => string(
                json,
                v,
                "attributes.mfaAuthenticated",
                &mut a.mfa_authenticated,
            )?,
            _ => return Ok(None),
        }))
    })
}

fn session_issuer<'a>(json: Json<'a>, open: usize, s: &mut SessionIssuer<'a>) -> Result<usize> {
    walk(json, open, |key, v| {
        Ok(Some(match key {
            b"type" => string(json, v, "sessionIssuer.type", &mut s.r#type)?,
            b"principalId" => string(json, v, "sessionIssuer.principalId", &mut s.principal_id)?,
            b"arn" => string(json, v, "sessionIssuer.arn", &mut s.arn)?,
            b"accountId" => string(json, v, "sessionIssuer.accountId", &mut s.account_id)?,
            b"userName" => string(json, v, "sessionIssuer.userName", &mut s.user_name)?,
            _ => return Ok(None),
        }))
    })
}
