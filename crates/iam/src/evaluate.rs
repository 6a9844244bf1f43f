//! The decision procedure (IAM user guide, `reference_policies_evaluation-logic` and
//! `reference_policies_evaluation-logic-cross-account`):
//!
//! 1. an applicable `Deny` in any policy → `ExplicitlyDenied`;
//! 2. every RCP level must allow (RCPs limit resources; not applied to service principals);
//! 3. every SCP level must allow (SCPs limit principals that belong to an account);
//! 4. same account: a resource-based policy that names the caller (user, role session,
//!    federated session, `*`) allows on its own; one that names the session's role still needs
//!    the permissions boundary and session policy; one that names the account needs the
//!    identity side. Cross-account: both the identity side and the resource policy must allow;
//! 5. identity-based policies must allow (the root user always does);
//! 6. a permissions boundary, if present, must allow;
//! 7. a session policy, if present, must allow (a federated-user session needs one);
//! 8. a VPC endpoint policy, if present, must allow.
//!
//! Special rules: `sts:GetCallerIdentity` is allowed for every authenticated caller, even under
//! an explicit deny (STS API reference); `sts:AssumeRole*` needs the role's trust policy (the
//! resource-based policy) to allow even in the same account.

use std::fmt;

use crate::policy::{Effect, Grant, Policy};
use crate::request::{PrincipalKind, Request};

/// The policies that apply to a request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    /// Identity-based policies of the caller (inline, managed, group): their union.
    pub identity: Vec<Policy>,
    /// The resource-based policy of the resource (a role's trust policy for `sts:AssumeRole`).
    pub resource: Option<Policy>,
    /// The caller's permissions boundary.
    pub boundary: Option<Policy>,
    /// The session policy passed when the session was created.
    pub session: Option<Policy>,
    /// The policy of the VPC endpoint the request went through.
    pub vpc_endpoint: Option<Policy>,
    /// SCPs of the caller's account, one list per organisation level (root, OUs, account).
    pub scps: Vec<Vec<Policy>>,
    /// RCPs of the resource's account, one list per organisation level (their statements have
    /// `Principal`, matched like a resource-based policy's).
    pub rcps: Vec<Vec<Policy>>,
}

/// The three possible outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Some policy allows it and nothing denies it.
    Allowed,
    /// A `Deny` statement applies.
    ExplicitlyDenied,
    /// No `Deny` applies, but an `Allow` that is needed is missing.
    ImplicitlyDenied,
}

impl Decision {
    /// `Allowed`, `ExplicitlyDenied` or `ImplicitlyDenied`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "Allowed",
            Self::ExplicitlyDenied => "ExplicitlyDenied",
            Self::ImplicitlyDenied => "ImplicitlyDenied",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which kind of policy a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Identity-based.
    Identity,
    /// Resource-based.
    Resource,
    /// Permissions boundary.
    Boundary,
    /// Session policy.
    Session,
    /// VPC endpoint policy.
    VpcEndpoint,
    /// Service control policy at an organisation level (0 = root).
    Scp(usize),
    /// Resource control policy at an organisation level (0 = root).
    Rcp(usize),
}

impl PolicyKind {
    /// A stable short name: `identity`, `resource`, `boundary`, `session`, `vpc_endpoint`,
    /// `scp`, `rcp`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Resource => "resource",
            Self::Boundary => "boundary",
            Self::Session => "session",
            Self::VpcEndpoint => "vpc_endpoint",
            Self::Scp(_) => "scp",
            Self::Rcp(_) => "rcp",
        }
    }

    /// The organisation level of an SCP or RCP.
    #[must_use]
    pub fn level(self) -> Option<usize> {
        match self {
            Self::Scp(l) | Self::Rcp(l) => Some(l),
            _ => None,
        }
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Identity => f.write_str("identity-based policy"),
            Self::Resource => f.write_str("resource-based policy"),
            Self::Boundary => f.write_str("permissions boundary"),
            Self::Session => f.write_str("session policy"),
            Self::VpcEndpoint => f.write_str("VPC endpoint policy"),
            Self::Scp(l) => write!(f, "SCP at level {l}"),
            Self::Rcp(l) => write!(f, "RCP at level {l}"),
        }
    }
}

/// A statement that applied to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched<'p> {
    /// The kind of policy.
    pub kind: PolicyKind,
    /// The policy's name.
    pub policy: &'p str,
    /// The statement's index in the policy (0-based).
    pub statement: usize,
    /// The statement's `Sid`.
    pub sid: Option<&'p str>,
    /// The statement's effect.
    pub effect: Effect,
}

impl fmt::Display for Matched<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} statement {} of {} `{}`",
            self.effect.as_str(),
            self.statement,
            self.kind,
            self.policy
        )?;
        if let Some(sid) = self.sid {
            write!(f, " (Sid `{sid}`)")?;
        }
        Ok(())
    }
}

/// Why the decision came out as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// `sts:GetCallerIdentity` from an authenticated caller.
    GetCallerIdentity,
    /// At least one `Deny` applied.
    ExplicitDeny,
    /// Allowed through the identity side (identity policies, boundary, session policy).
    AllowedByIdentity,
    /// Allowed by the root user's implicit full access.
    AllowedRootUser,
    /// Allowed by a resource-based policy naming the caller (same account).
    AllowedByResourcePolicy,
    /// Allowed across accounts: the identity side and the resource-based policy both allow.
    AllowedCrossAccount,
    /// A needed `Allow` is missing in this kind of policy.
    NoAllow(PolicyKind),
    /// A federated-user session got no session policy, so it has no permissions.
    FederatedWithoutSessionPolicy,
}

/// The result of an evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response<'p> {
    /// The decision.
    pub decision: Decision,
    /// The statements that decided it: the `Deny` statements for `ExplicitlyDenied`,
    /// otherwise the `Allow` statements that applied.
    pub matched: Vec<Matched<'p>>,
    /// Why.
    pub reason: Reason,
}

impl Response<'_> {
    /// One line explaining the decision.
    #[must_use]
    pub fn explanation(&self, request: &Request) -> String {
        let what = format!("`{}` on `{}`", request.action(), request.resource());
        match self.reason {
            Reason::GetCallerIdentity => {
                "`sts:GetCallerIdentity` is allowed for every authenticated caller, even under an explicit deny".into()
            }
            Reason::ExplicitDeny => format!("an explicit deny of {what} overrides every allow"),
            Reason::AllowedByIdentity => format!("an identity-based policy allows {what} and nothing denies it"),
            Reason::AllowedRootUser => format!("the root user may do {what} unless an SCP or RCP prevents it"),
            Reason::AllowedByResourcePolicy => {
                format!("the resource-based policy grants {what} to the caller and nothing denies it")
            }
            Reason::AllowedCrossAccount => format!(
                "across accounts, both the caller's policies and the resource-based policy allow {what}"
            ),
            Reason::NoAllow(kind) => format!("no {kind} allows {what}"),
            Reason::FederatedWithoutSessionPolicy => {
                "a federated-user session without a session policy has no permissions".into()
            }
        }
    }
}

/// What scanning one set of policies found.
#[derive(Debug, Clone, Copy, Default)]
struct Found {
    allow: bool,
    grant: Option<Grant>,
}

struct Scanner<'p, 'r> {
    request: &'r Request,
    matched: Vec<Matched<'p>>,
    denied: bool,
}

impl<'p> Scanner<'p, '_> {
    fn scan<'a>(
        &mut self,
        kind: PolicyKind,
        policies: impl IntoIterator<Item = &'a Policy>,
    ) -> Found
    where
        'a: 'p,
    {
        let mut found = Found::default();
        let by_principal = matches!(
            kind,
            PolicyKind::Resource | PolicyKind::VpcEndpoint | PolicyKind::Rcp(_)
        );
        for policy in policies {
            for (index, statement) in policy.statements().iter().enumerate() {
                let grant = if by_principal {
                    match statement.grant(self.request) {
                        Some(g) => Some(g),
                        None => continue,
                    }
                } else {
                    None
                };
                if !statement.applies(self.request) {
                    continue;
                }
                self.matched.push(Matched {
                    kind,
                    policy: policy.name(),
                    statement: index,
                    sid: statement.sid(),
                    effect: statement.effect(),
                });
                match statement.effect() {
                    Effect::Deny => self.denied = true,
                    Effect::Allow => {
                        found.allow = true;
                        found.grant = found.grant.max(grant);
                    }
                }
            }
        }
        found
    }
}

/// Evaluates a request against a policy set.
#[must_use]
pub fn evaluate<'p>(policies: &'p PolicySet, request: &Request) -> Response<'p> {
    let kind = request.principal().kind();
    if kind != PrincipalKind::Anonymous && request.action_lower() == "sts:getcalleridentity" {
        return Response {
            decision: Decision::Allowed,
            matched: Vec::new(),
            reason: Reason::GetCallerIdentity,
        };
    }
    let iam_principal = matches!(
        kind,
        PrincipalKind::User
            | PrincipalKind::Role
            | PrincipalKind::RoleSession
            | PrincipalKind::FederatedUser
    );
    let session_principal = matches!(
        kind,
        PrincipalKind::RoleSession | PrincipalKind::FederatedUser
    );
    let has_account = request.principal().account().is_some();

    let mut s = Scanner {
        request,
        matched: Vec::with_capacity(8),
        denied: false,
    };
    let rcps: Vec<Found> = if kind == PrincipalKind::Service {
        Vec::new()
    } else {
        policies
            .rcps
            .iter()
            .enumerate()
            .map(|(l, level)| s.scan(PolicyKind::Rcp(l), level))
            .collect()
    };
    let scps: Vec<Found> = if has_account {
        policies
            .scps
            .iter()
            .enumerate()
            .map(|(l, level)| s.scan(PolicyKind::Scp(l), level))
            .collect()
    } else {
        Vec::new()
    };
    let resource = s.scan(PolicyKind::Resource, &policies.resource);
    let identity = if iam_principal {
        s.scan(PolicyKind::Identity, &policies.identity)
    } else {
        Found::default()
    };
    let boundary = match &policies.boundary {
        Some(b) if iam_principal => Some(s.scan(PolicyKind::Boundary, Some(b))),
        _ => None,
    };
    let session = match &policies.session {
        Some(p) if session_principal => Some(s.scan(PolicyKind::Session, Some(p))),
        _ => None,
    };
    let vpce = policies
        .vpc_endpoint
        .as_ref()
        .map(|p| s.scan(PolicyKind::VpcEndpoint, Some(p)));

    let Scanner {
        mut matched,
        denied,
        ..
    } = s;
    let outcome = if denied {
        Err(Reason::ExplicitDeny)
    } else {
        decide(
            request, kind, &rcps, &scps, resource, identity, boundary, session, vpce,
        )
    };
    let (decision, reason, keep) = match outcome {
        Err(Reason::ExplicitDeny) => (
            Decision::ExplicitlyDenied,
            Reason::ExplicitDeny,
            Effect::Deny,
        ),
        Err(reason) => (Decision::ImplicitlyDenied, reason, Effect::Allow),
        Ok(reason) => (Decision::Allowed, reason, Effect::Allow),
    };
    matched.retain(|m| m.effect == keep);
    Response {
        decision,
        matched,
        reason,
    }
}

/// Steps 2–8, once no `Deny` applied: `Ok(why allowed)` or `Err(what is missing)`.
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per policy type keeps the steps readable"
)]
fn decide(
    request: &Request,
    kind: PrincipalKind,
    rcps: &[Found],
    scps: &[Found],
    resource: Found,
    identity: Found,
    boundary: Option<Found>,
    session: Option<Found>,
    vpce: Option<Found>,
) -> Result<Reason, Reason> {
    if let Some(level) = rcps.iter().position(|f| !f.allow) {
        return Err(Reason::NoAllow(PolicyKind::Rcp(level)));
    }
    if let Some(level) = scps.iter().position(|f| !f.allow) {
        return Err(Reason::NoAllow(PolicyKind::Scp(level)));
    }
    let boundary_ok = || {
        if boundary.is_some_and(|b| !b.allow) {
            return Err(Reason::NoAllow(PolicyKind::Boundary));
        }
        Ok(())
    };
    let session_ok = || match (kind, session) {
        (_, Some(s)) if !s.allow => Err(Reason::NoAllow(PolicyKind::Session)),
        (PrincipalKind::FederatedUser, None) => Err(Reason::FederatedWithoutSessionPolicy),
        _ => Ok(()),
    };
    let identity_side = |allowed: Reason| -> Result<Reason, Reason> {
        match kind {
            PrincipalKind::Root => Ok(Reason::AllowedRootUser),
            _ if identity.allow => {
                boundary_ok()?;
                session_ok()?;
                Ok(allowed)
            }
            _ => Err(Reason::NoAllow(PolicyKind::Identity)),
        }
    };
    let trust_required = request.action_lower().starts_with("sts:assumerole");
    let result = match kind {
        PrincipalKind::Anonymous | PrincipalKind::Service | PrincipalKind::Other => {
            match resource.grant {
                Some(_) => Ok(Reason::AllowedByResourcePolicy),
                None => Err(Reason::NoAllow(PolicyKind::Resource)),
            }
        }
        _ if request.is_cross_account() => {
            let allowed = identity_side(Reason::AllowedCrossAccount)?;
            if resource.grant.is_none() {
                return Err(Reason::NoAllow(PolicyKind::Resource));
            }
            Ok(allowed)
        }
        _ => match resource.grant {
            Some(Grant::Caller) => Ok(Reason::AllowedByResourcePolicy),
            Some(Grant::Role) => {
                boundary_ok()?;
                session_ok()?;
                Ok(Reason::AllowedByResourcePolicy)
            }
            None if trust_required => Err(Reason::NoAllow(PolicyKind::Resource)),
            Some(Grant::Account) | None => identity_side(Reason::AllowedByIdentity),
        },
    }?;
    if vpce.is_some_and(|v| !v.allow) {
        return Err(Reason::NoAllow(PolicyKind::VpcEndpoint));
    }
    Ok(result)
}
