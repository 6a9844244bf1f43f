//! ## What it detects
//! Credentials that EC2 delivered to an instance through its instance profile, used from
//! somewhere other than that instance:
//! `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS` (an address outside
//! AWS, or a private address without a VPC endpoint) and `.InsideAWS` (another AWS account's
//! VPC endpoint or instance, or an AWS address the session is not bound to).
//!
//! ## Why it matters
//! It is the workshop's scenario: the role's credentials read from the metadata service and
//! used from the attacker's machine. Such credentials are only ever meant to be used by the
//! instance itself.
//!
//! ## False positives
//! Egress through on-premises gateways or VPNs (add them to `own_networks` or a trusted
//! list); hub-and-spoke egress through another account (add it to `affiliated_accounts`);
//! instances that change public address without `AssociateAddress` (stop/start without an
//! EIP) before EC2 re-issues credentials.

use std::net::IpAddr;

use findings::{
    AccessKeyDetails, AggregationKey, Call, FindingKind, InstanceDetails, Occurrence,
    RemoteAccountDetails,
};
use serde_json::Value;

use super::DetectorMeta;
use crate::enrich::remote_ip_details;
use crate::observe::{Evidence, Origin, Use};
use crate::settings::Settings;
use crate::state::SessionState;

/// Registry entry.
pub(crate) const META: DetectorMeta = DetectorMeta {
    id: "instance-credential-exfiltration",
    kinds: &[
        FindingKind::InstanceCredentialExfiltrationOutsideAws,
        FindingKind::InstanceCredentialExfiltrationInsideAws,
    ],
    doc: "docs/detectors/instance-credential-exfiltration.md",
    since: "0.1.0",
};

/// An EC2 issue this long after the previous one means the instance was stopped and started
/// (a running instance is re-issued credentials well within their ~6 h lifetime), so its
/// first-IP lock starts again: a new boot usually has a new public address.
pub(crate) const REBOOT_GAP_MS: i64 = 7 * 3600 * 1000;

/// One session's records, in event-time order.
pub(crate) struct Timeline<'a> {
    /// EC2 issue times, sorted.
    pub(crate) issues: &'a [i64],
    /// Uses, sorted by (time, event id), duplicates removed.
    pub(crate) uses: &'a [Use],
    /// Address announcements for the session's instance, sorted.
    pub(crate) announcements: &'a [i64],
}

/// Runs one session's timeline against its state, pushing the occurrences it raises.
pub(crate) fn run(
    settings: &Settings,
    timeline: &Timeline<'_>,
    state: &mut SessionState,
    out: &mut Vec<Occurrence>,
) {
    state.ec2_issued |= !timeline.issues.is_empty();
    let mut issues = timeline.issues.iter().peekable();
    for call in timeline.uses {
        while let Some(&issued) = issues.next_if(|&&issued| issued <= call.time_ms) {
            on_issue(state, issued);
        }
        if !is_instance_credential(call.evidence, state) {
            continue;
        }
        if let Some(verdict) = judge(
            state,
            call,
            timeline.announcements,
            settings.lock_first_address,
        ) {
            out.push(occurrence(settings, call, verdict));
        }
    }
    for &issued in issues {
        on_issue(state, issued);
    }
}

fn on_issue(state: &mut SessionState, issued: i64) {
    if let Some(last) = state.last_issue_ms
        && issued - last > REBOOT_GAP_MS
    {
        state.bound.clear();
    }
    state.last_issue_ms = Some(state.last_issue_ms.map_or(issued, |last| last.max(issued)));
}

/// DESIGN.md "Detection" point 1: a session name alone counts only if EC2 issued it.
fn is_instance_credential(evidence: Evidence, state: &SessionState) -> bool {
    match evidence {
        Evidence::RoleDelivery | Evidence::IdentityRole | Evidence::OldRecord => true,
        Evidence::SessionName => state.ec2_issued,
    }
}

/// Which finding a use raises.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Outside(IpAddr),
    Inside {
        ip: Option<IpAddr>,
        account: Option<String>,
    },
}

/// DESIGN.md "Detection" point 3 for the origins one record could not decide alone.
fn judge(
    state: &mut SessionState,
    call: &Use,
    announcements: &[i64],
    lock_first_address: bool,
) -> Option<Verdict> {
    match &call.origin {
        Origin::Outside(ip) => Some(Verdict::Outside(*ip)),
        Origin::ForeignEndpoint(foreign) | Origin::ForeignInstance(foreign) => {
            Some(Verdict::Inside {
                ip: Some(foreign.ip),
                account: Some(foreign.account.to_string()),
            })
        }
        Origin::Aws(ip) => {
            if state.bound.contains(ip) {
                return None;
            }
            if state.bound.is_empty() && lock_first_address {
                // The first AWS address the session uses is its own (Netflix's lock).
                state.bound.push(*ip);
                return None;
            }
            let announced = announcements
                .iter()
                .rev()
                .find(|&&at| at <= call.time_ms)
                .copied();
            if let Some(at) = announced
                && state.consumed_announcement_ms.is_none_or(|used| used < at)
            {
                // AssociateAddress / AttachNetworkInterface: accept the next new address once.
                state.consumed_announcement_ms = Some(at);
                state.bound.push(*ip);
                return None;
            }
            Some(Verdict::Inside {
                ip: Some(*ip),
                account: None,
            })
        }
    }
}

fn occurrence(settings: &Settings, call: &Use, verdict: Verdict) -> Occurrence {
    let facts = &*call.facts;
    let session = &facts.session;
    let (kind, ip, remote_account) = match verdict {
        Verdict::Outside(ip) => (
            FindingKind::InstanceCredentialExfiltrationOutsideAws,
            Some(ip),
            None,
        ),
        Verdict::Inside { ip, account } => {
            let affiliated = account
                .as_deref()
                .is_some_and(|a| settings.is_affiliated(a));
            let details = RemoteAccountDetails {
                account_id: account,
                affiliated,
            };
            (
                FindingKind::InstanceCredentialExfiltrationInsideAws,
                ip,
                Some(details),
            )
        }
    };
    let affiliated = remote_account.as_ref().is_some_and(|r| r.affiliated);
    let severity = if affiliated {
        5.0
    } else {
        kind.default_severity()
    };
    // A VPC-endpoint finding is keyed on the remote account, every other on the address.
    let source = match (&remote_account, ip) {
        (
            Some(RemoteAccountDetails {
                account_id: Some(account),
                ..
            }),
            _,
        ) if matches!(call.origin, Origin::ForeignEndpoint(_)) => account.clone(),
        (_, Some(ip)) => ip.to_string(),
        (_, None) => String::new(),
    };
    let instance = settings
        .inventory
        .instance(&facts.instance_id)
        .map(|known| known.details.clone())
        .unwrap_or_else(|| InstanceDetails {
            instance_id: facts.instance_id.to_string(),
            ..InstanceDetails::default()
        });
    let mut extra = Vec::new();
    if let Some(version) = &facts.imds_version {
        extra.push(("imdsVersion".to_owned(), Value::String(version.to_string())));
    }
    Occurrence {
        key: AggregationKey {
            account: session.account.to_string(),
            kind,
            principal: facts.role_arn.to_string(),
            instance: session.instance.to_string(),
            source,
        },
        severity,
        region: facts.region.to_string(),
        partition: facts.partition.to_string(),
        access_key: AccessKeyDetails {
            access_key_id: facts.access_key_id.to_string(),
            principal_id: facts.principal_id.to_string(),
            user_name: session.role_name.to_string(),
            user_type: "AssumedRole".to_owned(),
        },
        instance: Some(instance),
        call: Call {
            time_ms: call.time_ms,
            event_id: call.event_id.to_string(),
            api: facts.api.to_string(),
            service_name: facts.service.to_string(),
            user_agent: facts.user_agent.as_deref().map(str::to_owned),
            error_code: facts.error_code.as_deref().map(str::to_owned),
        },
        remote_ip: ip.map(|ip| remote_ip_details(settings, ip)),
        remote_account,
        extra,
    }
}
