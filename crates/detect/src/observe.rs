//! Turning one CloudTrail record into the little the detectors need from it.
//!
//! This runs on every record in parallel, so it keeps only compact, shared data. Everything
//! that can be decided from one record alone (on-behalf calls, trusted sources, outside-AWS
//! addresses, threat lists) is decided here; what needs the session's history (the first-IP
//! lock) is left to the engine.

use std::net::IpAddr;
use std::sync::Arc;

use cloudtrail::Record;
use findings::Occurrence;
use serde::Deserialize;

use crate::detectors::malicious_ip_caller;
use crate::event_id::EventId;
use crate::facts::{CallFacts, FactsRef, intern_facts};
use crate::identity::{
    INSTANCE_IDENTITY_ROLE, account_of_arn, is_instance_id, parse_assumed_role_arn,
    predates_role_delivery, role_name_of_arn,
};
use crate::intern::intern;
use crate::net::{is_non_public, parse_source_ip};
use crate::settings::Settings;
use crate::state::SessionKey;

/// What one record contributes to detection.
#[derive(Debug, Clone)]
pub enum Observation {
    /// EC2 issued credentials for an instance session (`AssumeRole` by `ec2.amazonaws.com`).
    Issue(Issue),
    /// Instance credentials were used from somewhere that may be suspicious.
    Use(Use),
    /// An instance got a new address (`AssociateAddress`, `AttachNetworkInterface`).
    NewAddress(NewAddress),
    /// A finding decided from this record alone (threat lists).
    Hit(Box<Occurrence>),
    /// Two observations of one record (a threat-list hit that is also an instance use).
    Pair(Box<[Observation; 2]>),
}

/// EC2 issued credentials for a session.
#[derive(Debug, Clone)]
pub struct Issue {
    /// The session.
    pub session: SessionKey,
    /// Event time in milliseconds.
    pub time_ms: i64,
}

/// An instance was announced a new address.
#[derive(Debug, Clone)]
pub struct NewAddress {
    /// Account of the instance.
    pub account: Arc<str>,
    /// Lowercase instance id.
    pub instance: Arc<str>,
    /// Event time in milliseconds.
    pub time_ms: i64,
}

/// Why the record is taken for an instance credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// `sessionContext.ec2RoleDelivery` is present (cannot be forged).
    RoleDelivery,
    /// The `aws:ec2-instance` identity role (no customer role can have that name).
    IdentityRole,
    /// An `i-…` session name on a record older than 1.08, which cannot carry the marker.
    OldRecord,
    /// An `i-…` session name only: counts if EC2 issued credentials for the session.
    SessionName,
}

/// Where a call came from, as far as one record can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// An address outside AWS (or private without a VPC endpoint): OutsideAWS.
    Outside(IpAddr),
    /// A VPC endpoint of another, known account (the address is the private one seen).
    ForeignEndpoint(Box<Foreign>),
    /// An AWS address the inventory attributes to an instance of another account.
    ForeignInstance(Box<Foreign>),
    /// An AWS address: benign only if the session is bound to it.
    Aws(IpAddr),
}

/// Another account and the address seen: InsideAWS. Rare, so kept out of line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreign {
    /// The other account.
    pub account: Arc<str>,
    /// The address.
    pub ip: IpAddr,
}

/// One use of instance credentials that may be suspicious.
#[derive(Debug, Clone)]
pub struct Use {
    /// What a finding would report; `facts.session` is the session.
    pub facts: Arc<CallFacts>,
    /// Event time in milliseconds.
    pub time_ms: i64,
    /// CloudTrail `eventID`.
    pub event_id: EventId,
    /// Why it is an instance credential.
    pub evidence: Evidence,
    /// Where it came from.
    pub origin: Origin,
}

/// The record prefilter needles: a record mentioning none of them cannot matter to the
/// instance-credential detector (threat lists need every record, see [`Settings`]).
pub const NEEDLES: [&[u8]; 4] = [
    b"AssumedRole",
    b"AssumeRole",
    b"AssociateAddress",
    b"AttachNetworkInterface",
];

/// What one record contributes.
#[derive(Debug, Default)]
pub struct Observed {
    /// The record was made with instance credentials (an `i-…` session of an assumed role),
    /// whatever the verdict; for the run summary.
    pub instance_credential: bool,
    /// What the detectors keep from it.
    pub observation: Option<Observation>,
}

/// What one record contributes, if anything.
pub fn observe(settings: &Settings, record: &Record<'_>) -> Observed {
    let source_ip = record
        .source_ip_address
        .as_deref()
        .and_then(parse_source_ip);
    let hit = source_ip
        .and_then(|ip| malicious_ip_caller::occurrence(settings, record, ip))
        .map(|hit| Observation::Hit(Box::new(hit)));
    let other = observe_instance_credentials(settings, record, source_ip);
    let observation = match (hit, other) {
        (Some(hit), Some(other)) => Some(Observation::Pair(Box::new([hit, other]))),
        (hit, other) => hit.or(other),
    };
    let instance_credential = match &observation {
        Some(Observation::Use(_)) => true,
        Some(Observation::Pair(pair)) => matches!(pair[1], Observation::Use(_)),
        _ => is_instance_session(record),
    };
    Observed {
        instance_credential,
        observation,
    }
}

fn is_instance_session(record: &Record<'_>) -> bool {
    record
        .user_identity
        .as_ref()
        .filter(|ui| ui.r#type.as_deref() == Some("AssumedRole"))
        .and_then(|ui| ui.arn.as_deref())
        .and_then(parse_assumed_role_arn)
        .is_some_and(|arn| is_instance_id(arn.session))
}

fn observe_instance_credentials(
    settings: &Settings,
    record: &Record<'_>,
    source_ip: Option<IpAddr>,
) -> Option<Observation> {
    let event_name = record.event_name.as_deref()?;
    match event_name {
        "AssumeRole" => issue(record).map(Observation::Issue),
        "AssociateAddress" | "AttachNetworkInterface" => {
            new_address(record).map(Observation::NewAddress)
        }
        _ => None,
    }
    .or_else(|| instance_use(settings, record, source_ip).map(Observation::Use))
}

/// The parameters of `sts:AssumeRole` that name the session.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssumeRoleParameters<'a> {
    #[serde(borrow)]
    role_arn: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    role_session_name: std::borrow::Cow<'a, str>,
}

fn issue(record: &Record<'_>) -> Option<Issue> {
    if record.event_source.as_deref() != Some("sts.amazonaws.com") || record.error_code.is_some() {
        return None;
    }
    let by_ec2 = record
        .user_identity
        .as_ref()
        .and_then(|ui| ui.invoked_by.as_deref())
        == Some("ec2.amazonaws.com")
        || record.source_ip_address.as_deref() == Some("ec2.amazonaws.com");
    if !by_ec2 {
        return None;
    }
    let params: AssumeRoleParameters<'_> =
        serde_json::from_str(record.request_parameters?.get()).ok()?;
    if !is_instance_id(&params.role_session_name) {
        return None;
    }
    Some(Issue {
        session: SessionKey::new(
            account_of_arn(&params.role_arn)?,
            role_name_of_arn(&params.role_arn)?,
            &params.role_session_name,
        ),
        time_ms: record.event_time_millis,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InstanceParameter<'a> {
    #[serde(borrow)]
    instance_id: Option<std::borrow::Cow<'a, str>>,
}

fn new_address(record: &Record<'_>) -> Option<NewAddress> {
    if record.event_source.as_deref() != Some("ec2.amazonaws.com") || record.error_code.is_some() {
        return None;
    }
    let params: InstanceParameter<'_> =
        serde_json::from_str(record.request_parameters?.get()).ok()?;
    let instance = params.instance_id?;
    let account = record.recipient_account_id.as_deref().or_else(|| {
        record
            .user_identity
            .as_ref()
            .and_then(|ui| ui.account_id.as_deref())
    })?;
    Some(NewAddress {
        account: intern(account),
        instance: intern(&instance.to_ascii_lowercase()),
        time_ms: record.event_time_millis,
    })
}

fn instance_use(
    settings: &Settings,
    record: &Record<'_>,
    source_ip: Option<IpAddr>,
) -> Option<Use> {
    let identity = record.user_identity.as_ref()?;
    if identity.r#type.as_deref() != Some("AssumedRole") {
        return None;
    }
    let arn = parse_assumed_role_arn(identity.arn.as_deref()?)?;
    if !is_instance_id(arn.session) {
        return None;
    }
    // Calls AWS makes on the principal's behalf are not a use by the holder.
    if identity.invoked_by.is_some() {
        return None;
    }
    let ip = source_ip?;
    let context = identity.session_context.as_ref();
    let role_delivery = context.and_then(|c| c.ec2_role_delivery.as_deref());
    let evidence = if role_delivery.is_some() {
        Evidence::RoleDelivery
    } else if arn.role_name == INSTANCE_IDENTITY_ROLE {
        Evidence::IdentityRole
    } else if predates_role_delivery(record.event_version.as_deref()) {
        Evidence::OldRecord
    } else {
        Evidence::SessionName
    };
    let origin = origin(settings, record, ip, arn.account)?;
    let derived_arn;
    let role_arn = match context
        .and_then(|c| c.session_issuer.as_ref())
        .and_then(|issuer| issuer.arn.as_deref())
    {
        Some(arn) => arn,
        None => {
            derived_arn = format!(
                "arn:{}:iam::{}:role/{}",
                arn.partition, arn.account, arn.role_name
            );
            &derived_arn
        }
    };
    let facts = intern_facts(FactsRef {
        account: arn.account,
        role_name: arn.role_name,
        role_arn,
        partition: arn.partition,
        region: record.aws_region.as_deref().unwrap_or_default(),
        api: record.event_name.as_deref().unwrap_or_default(),
        service: record.event_source.as_deref().unwrap_or_default(),
        user_agent: record.user_agent.as_deref(),
        error_code: record.error_code.as_deref(),
        access_key_id: identity.access_key_id.as_deref().unwrap_or_default(),
        principal_id: identity.principal_id.as_deref().unwrap_or_default(),
        instance_id: arn.session,
        imds_version: role_delivery,
    });
    Some(Use {
        facts,
        time_ms: record.event_time_millis,
        event_id: EventId::new(record.event_id.as_deref().unwrap_or_default()),
        evidence,
        origin,
    })
}

/// DESIGN.md "Detection" point 3, the parts one record decides. `None` means benign.
fn origin(
    settings: &Settings,
    record: &Record<'_>,
    ip: IpAddr,
    instance_account: &str,
) -> Option<Origin> {
    if record.vpc_endpoint_id.is_some() {
        let endpoint_account = record.vpc_endpoint_account_id.as_deref()?;
        if endpoint_account == instance_account || settings.is_affiliated(endpoint_account) {
            return None;
        }
        return Some(Origin::ForeignEndpoint(Box::new(Foreign {
            account: intern(endpoint_account),
            ip,
        })));
    }
    if settings.is_trusted(ip) {
        return None;
    }
    if is_non_public(ip) || !settings.ip_ranges.contains(ip) {
        return Some(Origin::Outside(ip));
    }
    match settings.inventory.owner_of(ip) {
        Some(owner) => match owner.account.as_deref() {
            // An address of another account's instance: InsideAWS, whatever the lock says.
            Some(account) if account != instance_account => {
                Some(Origin::ForeignInstance(Box::new(Foreign {
                    account: intern(account),
                    ip,
                })))
            }
            // The instance's own address, or another instance of the same account. GuardDuty's
            // InsideAWS is about *other* accounts, so the same account is benign.
            _ => None,
        },
        None => Some(Origin::Aws(ip)),
    }
}
