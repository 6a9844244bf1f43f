//! The `Principal` / `NotPrincipal` element of resource-based policies.

use crate::request::{Principal, PrincipalKind};

/// What a matching principal entry grants to, which decides (IAM user guide,
/// `reference_policies_evaluation-logic`) whether an identity-side implicit deny still limits
/// a resource-based Allow. Ordered from weakest to strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grant {
    /// The caller's account (`"AWS": "A"` or `arn:aws:iam::A:root`): the identity side must
    /// also allow.
    Account,
    /// The role whose session calls: boundary and session policy still limit it.
    Role,
    /// The caller itself (user, role session, federated user, service, `*`): final unless
    /// something denies explicitly.
    Caller,
}

/// One entry of a `Principal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    /// `"*"` or `{"AWS": "*"}`.
    Everyone,
    /// An ARN or account (12 digits, stored as the account root ARN).
    Aws(Box<str>),
    /// `{"Service": …}`, compared case-insensitively.
    Service(Box<str>),
    /// `{"Federated": …}` or `{"CanonicalUser": …}`, compared exactly.
    Other(Box<str>),
}

impl Entry {
    /// Builds an entry from the element's type (`AWS`, `Service`, …) and value.
    pub(crate) fn new(kind: &str, value: &str) -> Result<Self, String> {
        match kind {
            "AWS" if value == "*" => Ok(Self::Everyone),
            "AWS" if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Self::Aws(format!("arn:aws:iam::{value}:root").into()))
            }
            "AWS" => Ok(Self::Aws(value.into())),
            "Service" => Ok(Self::Service(value.to_ascii_lowercase().into())),
            "Federated" | "CanonicalUser" => Ok(Self::Other(value.into())),
            _ => Err(format!("unknown principal type `{kind}`")),
        }
    }

    /// What this entry grants to the caller, if it names the caller.
    fn grant(&self, caller: &Principal) -> Option<Grant> {
        match self {
            Self::Everyone => Some(Grant::Caller),
            Self::Aws(arn) => {
                if caller.kind() == PrincipalKind::Anonymous {
                    None
                } else if **arn == *caller.id() {
                    Some(match caller.kind() {
                        PrincipalKind::Root => Grant::Account,
                        PrincipalKind::Role => Grant::Role,
                        _ => Grant::Caller,
                    })
                } else if caller.role_arn() == Some(&**arn) {
                    Some(Grant::Role)
                } else if caller.account_root() == Some(&**arn) {
                    Some(Grant::Account)
                } else {
                    None
                }
            }
            Self::Service(name) => (caller.kind() == PrincipalKind::Service
                && caller.id().eq_ignore_ascii_case(name))
            .then_some(Grant::Caller),
            Self::Other(id) => (**id == *caller.id()).then_some(Grant::Caller),
        }
    }

    /// Whether the entry lists exactly `id` (for `NotPrincipal`).
    fn lists(&self, id: &str) -> bool {
        match self {
            Self::Everyone => true,
            Self::Aws(arn) | Self::Other(arn) => **arn == *id,
            Self::Service(name) => id.eq_ignore_ascii_case(name),
        }
    }
}

/// A compiled `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrincipalMatcher {
    pub(crate) negated: bool,
    pub(crate) entries: Box<[Entry]>,
}

impl PrincipalMatcher {
    /// The strongest grant the element gives the caller; `None` if it does not apply.
    ///
    /// `NotPrincipal` exempts a caller only if **every** identity AWS evaluates for it is listed:
    /// its own ARN, its role ARN (role sessions) and its account (the user guide: "you must also
    /// specify the account ARN", and for role sessions both the role and the session ARN).
    /// Otherwise it applies to the caller as `Grant::Caller`.
    pub(crate) fn grant(&self, caller: &Principal) -> Option<Grant> {
        if !self.negated {
            return self.entries.iter().filter_map(|e| e.grant(caller)).max();
        }
        let listed = |id: &str| self.entries.iter().any(|e| e.lists(id));
        let exempt = match caller.kind() {
            PrincipalKind::Anonymous => self.entries.contains(&Entry::Everyone),
            PrincipalKind::Service | PrincipalKind::Other | PrincipalKind::Root => {
                listed(caller.id())
            }
            _ => {
                listed(caller.id())
                    && caller.role_arn().is_none_or(listed)
                    && caller.account_root().is_none_or(listed)
            }
        };
        (!exempt).then_some(Grant::Caller)
    }
}
