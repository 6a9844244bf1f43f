//! The request context: principal, action, resource and condition keys, prepared once so
//! that evaluating it against many policies allocates nothing.

use std::net::IpAddr;

use crate::glob::Resolve;
use crate::values::date::{self, Instant};

/// An error in a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The action is not `service:Name`.
    #[error("action `{0}` is not of the form `service:Name`")]
    Action(String),
    /// A condition key name is empty.
    #[error("empty condition key name")]
    EmptyKey,
}

/// What kind of caller made the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// An unauthenticated caller.
    Anonymous,
    /// The account's root user (`arn:aws:iam::A:root`).
    Root,
    /// An IAM user (`arn:aws:iam::A:user/…`).
    User,
    /// An IAM role as such (`arn:aws:iam::A:role/…`), standing for any of its sessions.
    Role,
    /// A role session (`arn:aws:sts::A:assumed-role/R/S`).
    RoleSession,
    /// A federated-user session (`arn:aws:sts::A:federated-user/N`).
    FederatedUser,
    /// An AWS service principal (`ec2.amazonaws.com`).
    Service,
    /// Any other identifier (a SAML or OIDC provider, a canonical user id).
    Other,
}

/// The caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    kind: PrincipalKind,
    id: String,
    account: Option<String>,
    account_root: Option<String>,
    role_arn: Option<String>,
}

impl Principal {
    /// The anonymous caller.
    #[must_use]
    pub fn anonymous() -> Self {
        Self {
            kind: PrincipalKind::Anonymous,
            id: String::new(),
            account: None,
            account_root: None,
            role_arn: None,
        }
    }

    /// Reads an ARN (user, role, role session, federated user, root), a service principal
    /// (`name.amazonaws.com`), or any other identifier.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let (kind, role_arn) = match parts.as_slice() {
            ["arn", partition, service, _, account, resource] => {
                let kind = match (*service, *resource) {
                    ("iam", "root") => PrincipalKind::Root,
                    ("iam", r) if r.starts_with("user/") => PrincipalKind::User,
                    ("iam", r) if r.starts_with("role/") => PrincipalKind::Role,
                    ("sts", r) if r.starts_with("assumed-role/") => PrincipalKind::RoleSession,
                    ("sts", r) if r.starts_with("federated-user/") => PrincipalKind::FederatedUser,
                    _ => PrincipalKind::Other,
                };
                let role_arn = match kind {
                    PrincipalKind::RoleSession => resource
                        .trim_start_matches("assumed-role/")
                        .split('/')
                        .next()
                        .map(|role| format!("arn:{partition}:iam::{account}:role/{role}")),
                    PrincipalKind::Role => Some(text.to_owned()),
                    _ => None,
                };
                (kind, role_arn)
            }
            _ if text.ends_with(".amazonaws.com") || text.ends_with(".amazonaws.com.cn") => {
                (PrincipalKind::Service, None)
            }
            _ => (PrincipalKind::Other, None),
        };
        let account = match kind {
            PrincipalKind::Service | PrincipalKind::Other | PrincipalKind::Anonymous => None,
            _ => parts.get(4).map(|a| (*a).to_owned()),
        };
        let partition = parts
            .get(1)
            .filter(|_| parts.len() == 6)
            .map_or("aws", |p| p);
        let account_root = account
            .as_ref()
            .map(|a| format!("arn:{partition}:iam::{a}:root"));
        Self {
            kind,
            id: text.to_owned(),
            account,
            account_root,
            role_arn,
        }
    }

    /// Sets the role ARN of a role session (with its path, as `aws:PrincipalArn` gives it).
    #[must_use]
    pub fn with_role_arn(mut self, role_arn: &str) -> Self {
        if self.kind == PrincipalKind::RoleSession {
            self.role_arn = Some(role_arn.to_owned());
        }
        self
    }

    /// The kind of caller.
    #[must_use]
    pub fn kind(&self) -> PrincipalKind {
        self.kind
    }

    /// The ARN or service name (empty for the anonymous caller).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The caller's account, if it has one.
    #[must_use]
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// The role of a role session (or the role itself).
    #[must_use]
    pub fn role_arn(&self) -> Option<&str> {
        self.role_arn.as_deref()
    }

    /// The ARN of the caller's account root (`arn:aws:iam::A:root`).
    #[must_use]
    pub fn account_root(&self) -> Option<&str> {
        self.account_root.as_deref()
    }
}

/// One value of a condition key, pre-parsed for every operator family.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Value {
    pub(crate) raw: Box<str>,
    pub(crate) number: Option<f64>,
    pub(crate) date: Option<Instant>,
    pub(crate) ip: Option<IpAddr>,
}

impl Value {
    fn new(raw: &str) -> Self {
        Self {
            raw: raw.into(),
            number: raw.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            date: date::parse(raw),
            ip: raw.trim().parse().ok(),
        }
    }
}

/// The values of one condition key. A key given as a list is multivalued.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub(crate) values: Vec<Value>,
    pub(crate) multivalued: bool,
}

impl Entry {
    /// The single value of a single-valued key (or a one-element list).
    pub(crate) fn single(&self) -> Option<&Value> {
        match self.values.as_slice() {
            [v] => Some(v),
            _ => None,
        }
    }
}

/// FNV-1a hash of a lower-cased key name: computed once when a policy is compiled, so that a
/// lookup is a binary search over integers and one string comparison.
pub(crate) fn key_hash(lower_key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in lower_key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// One key: its hash, lower-cased name and values.
#[derive(Debug, Clone, PartialEq)]
struct Slot {
    hash: u64,
    key: Box<str>,
    entry: Entry,
}

/// Condition keys (names compared case-insensitively) and their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// Sorted by hash.
    slots: Vec<Slot>,
}

impl Context {
    /// An empty context.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a single-valued key (replacing any previous value).
    pub fn insert(&mut self, key: &str, value: &str) {
        self.put(
            key,
            Entry {
                values: vec![Value::new(value)],
                multivalued: false,
            },
        );
    }

    /// Sets a multivalued key (replacing any previous value).
    pub fn insert_multi<S: AsRef<str>>(&mut self, key: &str, values: &[S]) {
        let values = values.iter().map(|v| Value::new(v.as_ref())).collect();
        self.put(
            key,
            Entry {
                values,
                multivalued: true,
            },
        );
    }

    fn put(&mut self, key: &str, entry: Entry) {
        let key = key.to_lowercase();
        let hash = key_hash(&key);
        match self.position(hash, &key) {
            Ok(i) => self.slots[i].entry = entry,
            Err(i) => self.slots.insert(
                i,
                Slot {
                    hash,
                    key: key.into_boxed_str(),
                    entry,
                },
            ),
        }
    }

    /// Where a key is (`Ok`) or would go (`Err`).
    fn position(&self, hash: u64, key: &str) -> Result<usize, usize> {
        let mut i = self.slots.partition_point(|s| s.hash < hash);
        while let Some(slot) = self.slots.get(i).filter(|s| s.hash == hash) {
            if *slot.key == *key {
                return Ok(i);
            }
            i += 1;
        }
        Err(i)
    }

    /// Sets a key only if it is absent.
    pub fn insert_default(&mut self, key: &str, value: &str) {
        if self.get_raw(key).is_none() {
            self.insert(key, value);
        }
    }

    /// The first value of a key, as given.
    #[must_use]
    pub fn get_raw(&self, key: &str) -> Option<&str> {
        self.get(&key.to_lowercase())
            .and_then(|e| e.values.first())
            .map(|v| &*v.raw)
    }

    /// Every key (lower-cased) with its values, sorted by key.
    #[must_use]
    pub fn iter_sorted(&self) -> Vec<(&str, Vec<&str>)> {
        let mut all: Vec<(&str, Vec<&str>)> = self
            .slots
            .iter()
            .map(|s| (&*s.key, s.entry.values.iter().map(|v| &*v.raw).collect()))
            .collect();
        all.sort_unstable_by(|a, b| a.0.cmp(b.0));
        all
    }

    /// The entry of a lower-cased key.
    pub(crate) fn get(&self, lower_key: &str) -> Option<&Entry> {
        self.get_hashed(key_hash(lower_key), lower_key)
    }

    /// The entry of a lower-cased key whose [`key_hash`] is known.
    pub(crate) fn get_hashed(&self, hash: u64, lower_key: &str) -> Option<&Entry> {
        self.position(hash, lower_key)
            .ok()
            .map(|i| &self.slots[i].entry)
    }
}

/// A prepared request.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    action: String,
    action_lower: String,
    resource: String,
    resource_account: Option<String>,
    principal: Principal,
    context: Context,
}

impl Request {
    /// Prepares a request. `resource` is an ARN, or `*` for actions without resource types;
    /// `resource_account` is the account that owns the resource (`None`: the caller's).
    ///
    /// # Errors
    /// If the action is not `service:Name`.
    pub fn new(
        principal: Principal,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
        context: Context,
    ) -> Result<Self, RequestError> {
        let Some((service, name)) = action.split_once(':') else {
            return Err(RequestError::Action(action.to_owned()));
        };
        if service.is_empty() || name.is_empty() {
            return Err(RequestError::Action(action.to_owned()));
        }
        let principal = match context.get_raw("aws:PrincipalArn") {
            Some(arn) => principal.with_role_arn(arn),
            None => principal,
        };
        Ok(Self {
            action: action.to_owned(),
            action_lower: action.to_lowercase(),
            resource: resource.to_owned(),
            resource_account: resource_account.map(str::to_owned),
            principal,
            context,
        })
    }

    /// The action as given.
    #[must_use]
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The action in lower case.
    pub(crate) fn action_lower(&self) -> &str {
        &self.action_lower
    }

    /// The resource ARN (or `*`).
    #[must_use]
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The account owning the resource, if given.
    #[must_use]
    pub fn resource_account(&self) -> Option<&str> {
        self.resource_account.as_deref()
    }

    /// The caller.
    #[must_use]
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The condition keys.
    #[must_use]
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Replaces the caller.
    pub(crate) fn set_principal(&mut self, principal: Principal) {
        self.principal = principal;
    }

    /// The condition keys, to add defaults.
    pub(crate) fn context_mut(&mut self) -> &mut Context {
        &mut self.context
    }

    /// Whether caller and resource are in different accounts.
    #[must_use]
    pub fn is_cross_account(&self) -> bool {
        match (self.principal.account(), self.resource_account()) {
            (Some(p), Some(r)) => p != r,
            _ => false,
        }
    }
}

impl Resolve for Request {
    fn resolve(&self, hash: u64, key: &str) -> Option<&str> {
        self.context
            .get_hashed(hash, key)
            .and_then(Entry::single)
            .map(|v| &*v.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_principals() {
        let s = Principal::parse("arn:aws:sts::123456789012:assumed-role/R/i-0abc");
        assert_eq!(s.kind(), PrincipalKind::RoleSession);
        assert_eq!(s.account(), Some("123456789012"));
        assert_eq!(s.role_arn(), Some("arn:aws:iam::123456789012:role/R"));
        assert_eq!(s.account_root(), Some("arn:aws:iam::123456789012:root"));
        assert_eq!(
            Principal::parse("arn:aws:iam::1:user/u").kind(),
            PrincipalKind::User
        );
        assert_eq!(
            Principal::parse("arn:aws:iam::1:root").kind(),
            PrincipalKind::Root
        );
        assert_eq!(
            Principal::parse("ec2.amazonaws.com").kind(),
            PrincipalKind::Service
        );
        assert_eq!(
            Principal::parse("arn:aws:sts::1:federated-user/f").kind(),
            PrincipalKind::FederatedUser
        );
    }

    #[test]
    fn principal_arn_context_sets_role_path() {
        let mut ctx = Context::new();
        ctx.insert("aws:PrincipalArn", "arn:aws:iam::1:role/path/R");
        let r = Request::new(
            Principal::parse("arn:aws:sts::1:assumed-role/R/s"),
            "s3:GetObject",
            "*",
            None,
            ctx,
        )
        .unwrap();
        assert_eq!(r.principal().role_arn(), Some("arn:aws:iam::1:role/path/R"));
    }

    #[test]
    fn rejects_bad_action() {
        let err =
            Request::new(Principal::anonymous(), "s3", "*", None, Context::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "action `s3` is not of the form `service:Name`"
        );
    }

    #[test]
    fn keys_are_case_insensitive() {
        let mut ctx = Context::new();
        ctx.insert("AWS:SourceIp", "10.0.0.1");
        assert_eq!(ctx.get_raw("aws:sourceip"), Some("10.0.0.1"));
    }
}
