//! Account snapshots: the JSON that `aws iam get-account-authorization-details` prints
//! (`UserDetailList`, `GroupDetailList`, `RoleDetailList`, `Policies`). Policy documents may be
//! JSON objects (as the AWS CLI prints them) or URL-encoded strings (as the API returns them).
//!
//! The snapshot keeps the document as read, so that an edited snapshot (an inline role policy
//! put, replaced or deleted) is written back in the same format with every other field intact.

mod index;
mod raw;

use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::evaluate::PolicySet;
use crate::policy::{Policy, PolicyError};
use crate::request::{Principal, PrincipalKind, Request};
use crate::simulate::Simulation;
use crate::values::percent;
use index::{Index, RoleEntry};

/// A snapshot that cannot be read, or a query it cannot answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// Not JSON.
    #[error("snapshot is not valid json: {0}")]
    Json(String),
    /// JSON, but not the `get-account-authorization-details` format.
    #[error("snapshot at `{path}`: {message}")]
    Format {
        /// Where.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A policy in the snapshot is invalid.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The principal is not in the snapshot.
    #[error("principal `{0}` is not in the snapshot")]
    UnknownPrincipal(String),
    /// The role is not in the snapshot.
    #[error("role `{0}` is not in the snapshot")]
    UnknownRole(String),
}

/// An instance profile that holds a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceProfile {
    /// `InstanceProfileName`.
    pub name: String,
    /// `Arn`.
    pub arn: String,
}

/// A loaded snapshot.
///
/// Loading reads only what evaluation needs (names, ARNs, policy documents, tags, instance
/// profiles); the full JSON tree is built the first time it is asked for or edited.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The text as read, until the JSON tree is built.
    text: String,
    json: OnceLock<Value>,
    index: Index,
}

impl Snapshot {
    /// Parses the JSON text of `aws iam get-account-authorization-details`.
    ///
    /// # Errors
    /// If it is not JSON, not that format, or holds an invalid policy.
    pub fn parse(text: &str) -> Result<Self, SnapshotError> {
        let gaad: raw::Gaad<'_> = serde_json::from_str(text).map_err(|e| {
            if e.is_data() {
                SnapshotError::Format {
                    path: format!("line {} column {}", e.line(), e.column()),
                    message: e.to_string(),
                }
            } else {
                SnapshotError::Json(e.to_string())
            }
        })?;
        let index = Index::build(&gaad)?;
        Ok(Self {
            text: text.to_owned(),
            json: OnceLock::new(),
            index,
        })
    }

    /// Loads a snapshot already parsed as JSON.
    ///
    /// # Errors
    /// As [`Snapshot::parse`].
    pub fn from_json(json: Value) -> Result<Self, SnapshotError> {
        let snapshot = Self::parse(&json.to_string())?;
        let _ = snapshot.json.set(json);
        Ok(Snapshot {
            text: String::new(),
            ..snapshot
        })
    }

    /// The snapshot as JSON text, in the format it was read in (edits included).
    ///
    /// # Errors
    /// Never in practice (the text was valid JSON when loaded).
    pub fn to_json_pretty(&self) -> Result<String, SnapshotError> {
        serde_json::to_string_pretty(self.as_json()?)
            .map_err(|e| SnapshotError::Json(e.to_string()))
    }

    /// The snapshot's JSON (edits included).
    ///
    /// # Errors
    /// Never in practice (the text was valid JSON when loaded).
    pub fn as_json(&self) -> Result<&Value, SnapshotError> {
        if let Some(json) = self.json.get() {
            return Ok(json);
        }
        let json: Value =
            serde_json::from_str(&self.text).map_err(|e| SnapshotError::Json(e.to_string()))?;
        Ok(self.json.get_or_init(|| json))
    }

    fn json_mut(&mut self) -> Result<&mut Value, SnapshotError> {
        self.as_json()?;
        self.text = String::new();
        self.json
            .get_mut()
            .ok_or_else(|| SnapshotError::Json("snapshot json unavailable".into()))
    }

    /// Managed policies attached somewhere but missing from `Policies` (they are ignored).
    #[must_use]
    pub fn missing_managed_policies(&self) -> Vec<&str> {
        self.index.missing_managed()
    }

    /// Names of every role.
    #[must_use]
    pub fn role_names(&self) -> Vec<&str> {
        self.index.roles.keys().map(String::as_str).collect()
    }

    /// A role's ARN by name.
    #[must_use]
    pub fn role_arn(&self, role: &str) -> Option<&str> {
        self.index.roles.get(role).map(|r| r.arn.as_str())
    }

    /// The role's inline policies, by name, in snapshot order.
    ///
    /// # Errors
    /// If the role is unknown.
    pub fn inline_role_policies(&self, role: &str) -> Result<&[Policy], SnapshotError> {
        Ok(&self.role(role)?.inline)
    }

    /// One inline policy of a role.
    ///
    /// # Errors
    /// If the role is unknown.
    pub fn inline_role_policy(
        &self,
        role: &str,
        name: &str,
    ) -> Result<Option<&Policy>, SnapshotError> {
        Ok(self.role(role)?.inline.iter().find(|p| p.name() == name))
    }

    /// The instance profiles that hold the role.
    ///
    /// # Errors
    /// If the role is unknown.
    pub fn instance_profiles(&self, role: &str) -> Result<Vec<InstanceProfile>, SnapshotError> {
        Ok(self.role(role)?.profiles.clone())
    }

    /// Puts (adds or replaces) an inline role policy, as `iam:PutRolePolicy` does. The document
    /// is stored in the snapshot's style: a URL-encoded string if the role's documents are
    /// strings, otherwise an object.
    ///
    /// # Errors
    /// If the role is unknown or the document is not a valid policy.
    pub fn put_role_policy(
        &mut self,
        role: &str,
        name: &str,
        document: &str,
    ) -> Result<(), SnapshotError> {
        let policy = Policy::parse(name, document)?;
        crate::simulate::check_principal(&policy, false).map_err(|e| SnapshotError::Format {
            path: format!("RoleDetailList[{role}].RolePolicyList[{name}]"),
            message: e.to_string(),
        })?;
        let json_doc: Value = match percent::decode(document) {
            Some(d) if !document.trim_start().starts_with('{') => serde_json::from_str(&d),
            _ => serde_json::from_str(document),
        }
        .map_err(|e| SnapshotError::Json(e.to_string()))?;
        let index = self.role(role)?.index;
        let role_json = self.role_json_mut(index)?;
        let encoded = role_json
            .get("AssumeRolePolicyDocument")
            .is_some_and(Value::is_string);
        let stored = if encoded {
            Value::String(percent::encode(&json_doc.to_string()))
        } else {
            json_doc
        };
        let list = role_json
            .entry("RolePolicyList")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(list) = list else {
            return Err(format_error(
                format!("RoleDetailList[{index}].RolePolicyList"),
                "must be an array",
            ));
        };
        let mut entry = Map::new();
        entry.insert("PolicyName".into(), Value::String(name.to_owned()));
        entry.insert("PolicyDocument".into(), stored);
        match list
            .iter_mut()
            .find(|p| p.get("PolicyName").and_then(Value::as_str) == Some(name))
        {
            Some(existing) => *existing = Value::Object(entry),
            None => list.push(Value::Object(entry)),
        }
        self.reindex_role(role, index)
    }

    /// Deletes an inline role policy; `false` if the role had none of that name.
    ///
    /// # Errors
    /// If the role is unknown.
    pub fn delete_role_policy(&mut self, role: &str, name: &str) -> Result<bool, SnapshotError> {
        let index = self.role(role)?.index;
        let role_json = self.role_json_mut(index)?;
        let Some(Value::Array(list)) = role_json.get_mut("RolePolicyList") else {
            return Ok(false);
        };
        let before = list.len();
        list.retain(|p| p.get("PolicyName").and_then(Value::as_str) != Some(name));
        let removed = list.len() != before;
        self.reindex_role(role, index)?;
        Ok(removed)
    }

    /// The policies and request for "may `principal` do `action` on `resource`": the principal's
    /// identity policies (inline, attached managed, its groups'), its permissions boundary, and
    /// for `sts:AssumeRole*` on a role of the snapshot that role's trust policy. Adds the keys
    /// the principal implies (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalTag/…`,
    /// `aws:username`, `aws:userid`) unless the request already has them.
    ///
    /// # Errors
    /// If the principal is not in the snapshot.
    pub fn simulation(&self, mut request: Request) -> Result<Simulation, SnapshotError> {
        let principal = request.principal().clone();
        let mut policies = PolicySet::default();
        let name_of = |arn: &str| arn.rsplit('/').next().unwrap_or_default().to_owned();
        match principal.kind() {
            PrincipalKind::Root => {}
            PrincipalKind::Role | PrincipalKind::RoleSession => {
                let role_name = match principal.kind() {
                    PrincipalKind::Role => name_of(principal.id()),
                    _ => principal
                        .id()
                        .split('/')
                        .nth(1)
                        .unwrap_or_default()
                        .to_owned(),
                };
                let entry = self
                    .index
                    .roles
                    .get(&role_name)
                    .filter(|r| principal.account().is_none_or(|a| r.account == a))
                    .ok_or_else(|| SnapshotError::UnknownPrincipal(principal.id().to_owned()))?;
                policies.identity = entry.inline.clone();
                policies
                    .identity
                    .extend(self.index.managed_policies(&entry.managed));
                policies.boundary = entry
                    .boundary
                    .as_ref()
                    .and_then(|b| self.index.managed.get(b))
                    .cloned();
                let ctx = request.context_mut();
                ctx.insert_default("aws:PrincipalArn", &entry.arn);
                ctx.insert_default("aws:PrincipalAccount", &entry.account);
                if principal.kind() == PrincipalKind::RoleSession {
                    let session = principal.id().rsplit('/').next().unwrap_or_default();
                    ctx.insert_default("aws:userid", &format!("{}:{session}", entry.id));
                }
                for (k, v) in &entry.tags {
                    ctx.insert_default(&format!("aws:PrincipalTag/{k}"), v);
                }
                let request_role_arn = entry.arn.clone();
                request = request.with_role_arn(&request_role_arn);
            }
            PrincipalKind::User => {
                let user = self
                    .index
                    .users
                    .get(&name_of(principal.id()))
                    .filter(|u| u.arn == principal.id())
                    .ok_or_else(|| SnapshotError::UnknownPrincipal(principal.id().to_owned()))?;
                policies.identity = user.inline.clone();
                policies
                    .identity
                    .extend(self.index.managed_policies(&user.managed));
                for group in &user.groups {
                    if let Some(g) = self.index.groups.get(group) {
                        policies.identity.extend(g.inline.iter().cloned());
                        policies
                            .identity
                            .extend(self.index.managed_policies(&g.managed));
                    }
                }
                policies.boundary = user
                    .boundary
                    .as_ref()
                    .and_then(|b| self.index.managed.get(b))
                    .cloned();
                let ctx = request.context_mut();
                ctx.insert_default("aws:PrincipalArn", &user.arn);
                ctx.insert_default("aws:PrincipalAccount", &user.account);
                ctx.insert_default("aws:username", &name_of(&user.arn));
                ctx.insert_default("aws:userid", &user.id);
                for (k, v) in &user.tags {
                    ctx.insert_default(&format!("aws:PrincipalTag/{k}"), v);
                }
            }
            _ => return Err(SnapshotError::UnknownPrincipal(principal.id().to_owned())),
        }
        if request
            .action()
            .to_lowercase()
            .starts_with("sts:assumerole")
            && let Some(target) = self
                .index
                .roles
                .values()
                .find(|r| r.arn == request.resource())
        {
            policies.resource = target.trust.clone();
        }
        Ok(Simulation { policies, request })
    }

    fn role(&self, role: &str) -> Result<&RoleEntry, SnapshotError> {
        self.index
            .roles
            .get(role)
            .ok_or_else(|| SnapshotError::UnknownRole(role.to_owned()))
    }

    fn role_json_mut(&mut self, index: usize) -> Result<&mut Map<String, Value>, SnapshotError> {
        self.json_mut()?
            .get_mut("RoleDetailList")
            .and_then(|l| l.get_mut(index))
            .and_then(Value::as_object_mut)
            .ok_or_else(|| format_error(format!("RoleDetailList[{index}]"), "must be an object"))
    }

    /// Recompiles a role after an edit of its JSON.
    fn reindex_role(&mut self, role: &str, index: usize) -> Result<(), SnapshotError> {
        let text = self
            .as_json()?
            .get("RoleDetailList")
            .and_then(|l| l.get(index))
            .map(Value::to_string)
            .unwrap_or_default();
        let parsed: raw::Role<'_> =
            serde_json::from_str(&text).map_err(|e| SnapshotError::Json(e.to_string()))?;
        let entry = RoleEntry::build(&parsed, index)?;
        self.index.roles.insert(role.to_owned(), entry);
        Ok(())
    }
}

impl Request {
    /// Sets the role ARN of a role-session principal (the path comes from the snapshot).
    fn with_role_arn(mut self, role_arn: &str) -> Self {
        let principal: Principal = self.principal().clone().with_role_arn(role_arn);
        self.set_principal(principal);
        self
    }
}

pub(crate) fn format_error(path: String, message: &str) -> SnapshotError {
    SnapshotError::Format {
        path,
        message: message.to_owned(),
    }
}
