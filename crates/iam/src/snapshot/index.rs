//! The compiled view of a snapshot: principals by name, with their policies parsed.

use std::collections::HashMap;

use serde_json::value::RawValue;

use super::raw::{self, Gaad};
use super::{InstanceProfile, SnapshotError};
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
    pub(super) profiles: Vec<InstanceProfile>,
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

fn account_of(arn: &str) -> String {
    arn.split(':').nth(4).unwrap_or_default().to_owned()
}

/// Compiles a document given as raw JSON: an object, or a (URL-encoded) JSON string.
pub(super) fn compile(name: &str, document: &RawValue) -> Result<Policy, SnapshotError> {
    let text = document.get();
    if text.starts_with('"') {
        let inner: String =
            serde_json::from_str(text).map_err(|e| SnapshotError::Json(e.to_string()))?;
        return Ok(Policy::parse(name, &inner)?);
    }
    Ok(Policy::parse(name, text)?)
}

fn inline(list: &[raw::Inline<'_>]) -> Result<Vec<Policy>, SnapshotError> {
    list.iter().map(|p| compile(&p.name, p.document)).collect()
}

fn attached(list: &[raw::Attached<'_>]) -> Vec<String> {
    list.iter().map(|p| p.arn.clone().into_owned()).collect()
}

fn tags(list: &[raw::Tag<'_>]) -> Vec<(String, String)> {
    list.iter()
        .map(|t| (t.key.clone().into_owned(), t.value.clone().into_owned()))
        .collect()
}

impl RoleEntry {
    /// Compiles the role at `RoleDetailList[index]`.
    pub(super) fn build(role: &raw::Role<'_>, index: usize) -> Result<Self, SnapshotError> {
        let trust = match role.trust {
            Some(doc) => Some(compile("AssumeRolePolicyDocument", doc)?),
            None => None,
        };
        Ok(Self {
            index,
            account: account_of(&role.arn),
            id: role.id.clone().into_owned(),
            arn: role.arn.clone().into_owned(),
            inline: inline(&role.inline)?,
            managed: attached(&role.attached),
            boundary: role.boundary.as_ref().map(|b| b.arn.clone().into_owned()),
            trust,
            tags: tags(&role.tags),
            profiles: role
                .profiles
                .iter()
                .map(|p| InstanceProfile {
                    name: p.name.clone().into_owned(),
                    arn: p.arn.clone().into_owned(),
                })
                .collect(),
        })
    }
}

impl Index {
    /// Compiles every principal and managed policy of a snapshot.
    pub(super) fn build(gaad: &Gaad<'_>) -> Result<Self, SnapshotError> {
        let mut index = Self::default();
        for (i, role) in gaad.roles.iter().enumerate() {
            index
                .roles
                .insert(role.name.clone().into_owned(), RoleEntry::build(role, i)?);
        }
        for user in &gaad.users {
            let entry = UserEntry {
                account: account_of(&user.arn),
                id: user.id.clone().into_owned(),
                arn: user.arn.clone().into_owned(),
                inline: inline(&user.inline)?,
                managed: attached(&user.attached),
                groups: user.groups.iter().map(|g| g.clone().into_owned()).collect(),
                boundary: user.boundary.as_ref().map(|b| b.arn.clone().into_owned()),
                tags: tags(&user.tags),
            };
            index.users.insert(user.name.clone().into_owned(), entry);
        }
        for group in &gaad.groups {
            let entry = GroupEntry {
                inline: inline(&group.inline)?,
                managed: attached(&group.attached),
            };
            index.groups.insert(group.name.clone().into_owned(), entry);
        }
        for (i, policy) in gaad.policies.iter().enumerate() {
            let default = policy.versions.iter().find(|v| v.is_default).or_else(|| {
                policy
                    .versions
                    .iter()
                    .find(|v| Some(&v.id) == policy.default_version.as_ref())
            });
            let Some(doc) = default.and_then(|v| v.document) else {
                return Err(SnapshotError::Format {
                    path: format!("Policies[{i}]"),
                    message: "no default policy version".into(),
                });
            };
            index
                .managed
                .insert(policy.arn.clone().into_owned(), compile(&policy.name, doc)?);
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
