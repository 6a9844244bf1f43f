//! The fields of `get-account-authorization-details` that evaluation needs, read without
//! building a JSON tree: names borrow from the input and policy documents stay raw JSON text
//! until they are compiled. Every other field is skipped.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

/// The whole document.
#[derive(Deserialize)]
pub(super) struct Gaad<'a> {
    #[serde(rename = "UserDetailList", default, borrow)]
    pub(super) users: Vec<User<'a>>,
    #[serde(rename = "GroupDetailList", default, borrow)]
    pub(super) groups: Vec<Group<'a>>,
    #[serde(rename = "RoleDetailList", default, borrow)]
    pub(super) roles: Vec<Role<'a>>,
    #[serde(rename = "Policies", default, borrow)]
    pub(super) policies: Vec<ManagedPolicy<'a>>,
}

/// An inline policy.
#[derive(Deserialize)]
pub(super) struct Inline<'a> {
    #[serde(rename = "PolicyName", borrow)]
    pub(super) name: Cow<'a, str>,
    #[serde(rename = "PolicyDocument", borrow)]
    pub(super) document: &'a RawValue,
}

/// An attached managed policy.
#[derive(Deserialize)]
pub(super) struct Attached<'a> {
    #[serde(rename = "PolicyArn", borrow)]
    pub(super) arn: Cow<'a, str>,
}

/// A permissions boundary.
#[derive(Deserialize)]
pub(super) struct Boundary<'a> {
    #[serde(rename = "PermissionsBoundaryArn", borrow)]
    pub(super) arn: Cow<'a, str>,
}

/// A tag.
#[derive(Deserialize)]
pub(super) struct Tag<'a> {
    #[serde(rename = "Key", borrow)]
    pub(super) key: Cow<'a, str>,
    #[serde(rename = "Value", borrow)]
    pub(super) value: Cow<'a, str>,
}

/// An instance profile of a role.
#[derive(Deserialize)]
pub(super) struct Profile<'a> {
    #[serde(rename = "InstanceProfileName", borrow)]
    pub(super) name: Cow<'a, str>,
    #[serde(rename = "Arn", borrow)]
    pub(super) arn: Cow<'a, str>,
}

/// A role.
#[derive(Deserialize)]
pub(super) struct Role<'a> {
    #[serde(rename = "RoleName", borrow)]
    pub(super) name: Cow<'a, str>,
    #[serde(rename = "RoleId", default, borrow)]
    pub(super) id: Cow<'a, str>,
    #[serde(rename = "Arn", borrow)]
    pub(super) arn: Cow<'a, str>,
    #[serde(rename = "AssumeRolePolicyDocument", default, borrow)]
    pub(super) trust: Option<&'a RawValue>,
    #[serde(rename = "RolePolicyList", default, borrow)]
    pub(super) inline: Vec<Inline<'a>>,
    #[serde(rename = "AttachedManagedPolicies", default, borrow)]
    pub(super) attached: Vec<Attached<'a>>,
    #[serde(rename = "PermissionsBoundary", default, borrow)]
    pub(super) boundary: Option<Boundary<'a>>,
    #[serde(rename = "InstanceProfileList", default, borrow)]
    pub(super) profiles: Vec<Profile<'a>>,
    #[serde(rename = "Tags", default, borrow)]
    pub(super) tags: Vec<Tag<'a>>,
}

/// A user.
#[derive(Deserialize)]
pub(super) struct User<'a> {
    #[serde(rename = "UserName", borrow)]
    pub(super) name: Cow<'a, str>,
    #[serde(rename = "UserId", default, borrow)]
    pub(super) id: Cow<'a, str>,
    #[serde(rename = "Arn", borrow)]
    pub(super) arn: Cow<'a, str>,
    #[serde(rename = "UserPolicyList", default, borrow)]
    pub(super) inline: Vec<Inline<'a>>,
    #[serde(rename = "AttachedManagedPolicies", default, borrow)]
    pub(super) attached: Vec<Attached<'a>>,
    #[serde(rename = "GroupList", default, borrow)]
    pub(super) groups: Vec<Cow<'a, str>>,
    #[serde(rename = "PermissionsBoundary", default, borrow)]
    pub(super) boundary: Option<Boundary<'a>>,
    #[serde(rename = "Tags", default, borrow)]
    pub(super) tags: Vec<Tag<'a>>,
}

/// A group.
#[derive(Deserialize)]
pub(super) struct Group<'a> {
    #[serde(rename = "GroupName", borrow)]
    pub(super) name: Cow<'a, str>,
    #[serde(rename = "GroupPolicyList", default, borrow)]
    pub(super) inline: Vec<Inline<'a>>,
    #[serde(rename = "AttachedManagedPolicies", default, borrow)]
    pub(super) attached: Vec<Attached<'a>>,
}

/// A managed policy with its versions.
#[derive(Deserialize)]
pub(super) struct ManagedPolicy<'a> {
    #[serde(rename = "PolicyName", borrow)]
    pub(super) name: Cow<'a, str>,
    #[serde(rename = "Arn", borrow)]
    pub(super) arn: Cow<'a, str>,
    #[serde(rename = "DefaultVersionId", default, borrow)]
    pub(super) default_version: Option<Cow<'a, str>>,
    #[serde(rename = "PolicyVersionList", default, borrow)]
    pub(super) versions: Vec<Version<'a>>,
}

/// A version of a managed policy.
#[derive(Deserialize)]
pub(super) struct Version<'a> {
    #[serde(rename = "Document", borrow)]
    pub(super) document: Option<&'a RawValue>,
    #[serde(rename = "VersionId", default, borrow)]
    pub(super) id: Cow<'a, str>,
    #[serde(rename = "IsDefaultVersion", default)]
    pub(super) is_default: bool,
}
