//! The compiled view of a snapshot: principals by name, with their policies parsed.

use std::collections::HashMap;

use serde_json::Value;

use super::{SnapshotError, format_error, str_field};
use crate::policy::Policy;

/// A role: where it sits in `RoleDetailList` and its compiled policies.
#[derive(Debug, Clone)]
pub(super) struct RoleEntry {
    pub(super) index: usize,
    pub(super) arn: String,
    pub(super) account: String,
    pub(super) id: String,
    pub(super) inline: Vec<Policy>,
    pub(super) managed: Vec<String>,
    pub(super) boundary: Option<String>,
    pub(super) trust: Option<Policy>,
    pub(super) tags: Vec<(String, String)>,
}

/// A user.
#[derive(Debug, Clone)]
pub(super) struct UserEntry {
    pub(super) arn: String,
    pub(super) account: String,
    pub(super) id: String,
    pub(super) inline: Vec<Policy>,
    pub(super) managed: Vec<String>,
    pub(super) groups: Vec<String>,
    pub(super) boundary: Option<String>,
    pub(super) tags: Vec<(String, String)>,
}

/// A group.
#[derive(Debug, Clone)]
pub(super) struct GroupEntry {
    pub(super) inline: Vec<Policy>,
    pub(super) managed: Vec<String>,
}

/// Everything, by name (managed policies by ARN).
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    pub(super) roles: HashMap<String, RoleEntry>,
    pub(super) users: HashMap<String, UserEntry>,
    pub(super) groups: HashMap<String, GroupEntry>,
    pub(super) managed: HashMap<String, Policy>,
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn account_of(arn: &str) -> String {
    arn.split(':').nth(4).unwrap_or_default().to_owned()
}

/// Inline policies of a `RolePolicyList`/`UserPolicyList`/`GroupPolicyList`.
fn inline(v: &Value, key: &str, path: &str) -> Result<Vec<Policy>, SnapshotError> {
    list(v, key)
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let name = p.get("PolicyName").and_then(Value::as_str).ok_or_else(|| {
                format_error(format!("{path}.{key}[{i}]"), "missing `PolicyName`")
            })?;
            let doc = p.get("PolicyDocument").ok_or_else(|| {
                format_error(format!("{path}.{key}[{i}]"), "missing `PolicyDocument`")
            })?;
            Ok(Policy::from_json(name, doc)?)
        })
        .collect()
}

fn attached(v: &Value) -> Vec<String> {
    list(v, "AttachedManagedPolicies")
        .iter()
        .map(|p| str_field(p, "PolicyArn").to_owned())
        .collect()
}

fn boundary(v: &Value) -> Option<String> {
    v.get("PermissionsBoundary")
        .and_then(|b| b.get("PermissionsBoundaryArn"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn tags(v: &Value) -> Vec<(String, String)> {
    list(v, "Tags")
        .iter()
        .map(|t| {
            (
                str_field(t, "Key").to_owned(),
                str_field(t, "Value").to_owned(),
            )
        })
        .collect()
}

impl RoleEntry {
    /// Compiles the role at `RoleDetailList[index]`.
    pub(super) fn build(v: &Value, index: usize) -> Result<Self, SnapshotError> {
        let path = format!("RoleDetailList[{index}]");
        let arn = str_field(v, "Arn").to_owned();
        if arn.is_empty() {
            return Err(format_error(path, "missing `Arn`"));
        }
        let trust = match v.get("AssumeRolePolicyDocument") {
            Some(doc) => Some(Policy::from_json("AssumeRolePolicyDocument", doc)?),
            None => None,
        };
        Ok(Self {
            index,
            account: account_of(&arn),
            id: str_field(v, "RoleId").to_owned(),
            inline: inline(v, "RolePolicyList", &path)?,
            managed: attached(v),
            boundary: boundary(v),
            trust,
            tags: tags(v),
            arn,
        })
    }
}

impl Index {
    /// Compiles every principal and managed policy of a snapshot.
    pub(super) fn build(raw: &Value) -> Result<Self, SnapshotError> {
        if !raw.is_object() {
            return Err(format_error("$".into(), "a snapshot must be a json object"));
        }
        let mut index = Self::default();
        for (i, role) in list(raw, "RoleDetailList").iter().enumerate() {
            let entry = RoleEntry::build(role, i)?;
            index
                .roles
                .insert(str_field(role, "RoleName").to_owned(), entry);
        }
        for (i, user) in list(raw, "UserDetailList").iter().enumerate() {
            let arn = str_field(user, "Arn").to_owned();
            let entry = UserEntry {
                account: account_of(&arn),
                id: str_field(user, "UserId").to_owned(),
                inline: inline(user, "UserPolicyList", &format!("UserDetailList[{i}]"))?,
                managed: attached(user),
                groups: list(user, "GroupList")
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                boundary: boundary(user),
                tags: tags(user),
                arn,
            };
            index
                .users
                .insert(str_field(user, "UserName").to_owned(), entry);
        }
        for (i, group) in list(raw, "GroupDetailList").iter().enumerate() {
            let entry = GroupEntry {
                inline: inline(group, "GroupPolicyList", &format!("GroupDetailList[{i}]"))?,
                managed: attached(group),
            };
            index
                .groups
                .insert(str_field(group, "GroupName").to_owned(), entry);
        }
        for (i, policy) in list(raw, "Policies").iter().enumerate() {
            let versions = list(policy, "PolicyVersionList");
            let default_id = str_field(policy, "DefaultVersionId");
            let default = versions
                .iter()
                .find(|v| v.get("IsDefaultVersion").and_then(Value::as_bool) == Some(true))
                .or_else(|| {
                    versions
                        .iter()
                        .find(|v| str_field(v, "VersionId") == default_id)
                });
            let Some(doc) = default.and_then(|v| v.get("Document")) else {
                return Err(format_error(
                    format!("Policies[{i}]"),
                    "no default policy version",
                ));
            };
            let compiled = Policy::from_json(str_field(policy, "PolicyName"), doc)?;
            index
                .managed
                .insert(str_field(policy, "Arn").to_owned(), compiled);
        }
        Ok(index)
    }

    /// The compiled managed policies among `arns` (unknown ones are skipped).
    pub(super) fn managed_policies<'a>(
        &'a self,
        arns: &'a [String],
    ) -> impl Iterator<Item = Policy> + 'a {
        arns.iter().filter_map(|a| self.managed.get(a)).cloned()
    }

    /// Attached managed policies (and boundaries) that `Policies` does not hold.
    pub(super) fn missing_managed(&self) -> Vec<&str> {
        let attached = self
            .roles
            .values()
            .flat_map(|r| r.managed.iter().chain(&r.boundary))
            .chain(
                self.users
                    .values()
                    .flat_map(|u| u.managed.iter().chain(&u.boundary)),
            )
            .chain(self.groups.values().flat_map(|g| g.managed.iter()));
        let mut missing: Vec<&str> = attached
            .filter(|a| !self.managed.contains_key(*a))
            .map(String::as_str)
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }
}
