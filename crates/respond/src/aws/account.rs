//! [`AwsAccount`]: the actions' IAM and EC2 calls made through the AWS SDK.
//!
//! "Not found" answers (`NoSuchEntity`, `InvalidInstanceID.NotFound`…) become `None` or the
//! matching [`AccountError`]; every other failure is [`AccountError::Api`] with AWS's code and
//! message. Policy documents come back from IAM URL-encoded and are decoded here.

use aws_sdk_ec2::types::{
    Filter, IamInstanceProfileAssociation, IamInstanceProfileAssociationState,
    IamInstanceProfileSpecification, IpPermission, IpRange, Tag,
};
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};

use super::Aws;
use super::client::message;
use crate::account::{
    Account, AccountError, GroupRef, Instance, InstanceProfile, ProfileAssociation, Role,
};

/// The live account the configured credentials reach.
#[derive(Debug, Clone)]
pub struct AwsAccount {
    aws: Aws,
}

impl AwsAccount {
    /// An account making its calls through `aws`.
    #[must_use]
    pub fn new(aws: Aws) -> Self {
        Self { aws }
    }
}

/// A failed call as an [`AccountError::Api`] naming the call.
fn api_error<E, R>(
    service: &'static str,
    operation: &'static str,
    error: &SdkError<E, R>,
) -> AccountError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    AccountError::Api {
        service,
        operation,
        message: message(error),
    }
}

/// Fails with the call's error, except for a `not_found` error code, which gives `found`.
fn unless_not_found<T, E, R>(
    service: &'static str,
    operation: &'static str,
    error: &SdkError<E, R>,
    not_found: &[&str],
    found: impl FnOnce() -> Result<T, AccountError>,
) -> Result<T, AccountError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    if error.code().is_some_and(|code| not_found.contains(&code)) {
        found()
    } else {
        Err(api_error(service, operation, error))
    }
}

const NO_SUCH_ENTITY: &[&str] = &["NoSuchEntity"];
const NO_SUCH_INSTANCE: &[&str] = &["InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"];

fn decode_policy(role: &str, name: &str, document: &str) -> Result<String, AccountError> {
    iam::values::percent::decode(document).ok_or_else(|| {
        AccountError::Invalid(format!(
            "policy `{name}` of role `{role}` is not a URL-encoded document"
        ))
    })
}

fn association(a: &IamInstanceProfileAssociation) -> Option<ProfileAssociation> {
    Some(ProfileAssociation {
        association_id: a.association_id()?.to_owned(),
        instance_id: a.instance_id()?.to_owned(),
        profile_arn: a.iam_instance_profile()?.arn()?.to_owned(),
    })
}

fn is_associated(a: &IamInstanceProfileAssociation) -> bool {
    a.state() == Some(&IamInstanceProfileAssociationState::Associated)
}

impl AwsAccount {
    /// `DescribeIamInstanceProfileAssociations` (every page), associated ones only.
    fn associations(
        &self,
        filter: Option<Filter>,
    ) -> Result<Vec<ProfileAssociation>, AccountError> {
        let pages = self.aws.run(
            self.aws
                .ec2()
                .describe_iam_instance_profile_associations()
                .set_filters(filter.map(|f| vec![f]))
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        );
        let pages =
            pages.map_err(|e| api_error("ec2", "DescribeIamInstanceProfileAssociations", &e))?;
        Ok(pages
            .iter()
            .flat_map(|page| page.iam_instance_profile_associations())
            .filter(|a| is_associated(a))
            .filter_map(association)
            .collect())
    }

    fn managed_policy(&self, arn: &str) -> Result<Option<iam::Policy>, AccountError> {
        let iam = self.aws.iam();
        let policy = self
            .aws
            .run(iam.get_policy().policy_arn(arn).send())
            .map_err(|e| api_error("iam", "GetPolicy", &e))?;
        let Some(version) = policy.policy().and_then(|p| p.default_version_id()) else {
            return Ok(None);
        };
        let version = self
            .aws
            .run(
                iam.get_policy_version()
                    .policy_arn(arn)
                    .version_id(version)
                    .send(),
            )
            .map_err(|e| api_error("iam", "GetPolicyVersion", &e))?;
        let Some(document) = version.policy_version().and_then(|v| v.document()) else {
            return Ok(None);
        };
        iam::Policy::parse(arn, document)
            .map(Some)
            .map_err(|e| AccountError::Invalid(e.to_string()))
    }
}

impl Account for AwsAccount {
    fn get_role(&self, name: &str) -> Result<Option<Role>, AccountError> {
        match self
            .aws
            .run(self.aws.iam().get_role().role_name(name).send())
        {
            Ok(out) => Ok(out.role().map(|r| Role {
                name: r.role_name().to_owned(),
                arn: r.arn().to_owned(),
                path: r.path().to_owned(),
            })),
            Err(e) => unless_not_found("iam", "GetRole", &e, NO_SUCH_ENTITY, || Ok(None)),
        }
    }

    fn instance_profiles_for_role(&self, role: &str) -> Result<Vec<InstanceProfile>, AccountError> {
        let profiles = self.aws.run(
            self.aws
                .iam()
                .list_instance_profiles_for_role()
                .role_name(role)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        );
        match profiles {
            Ok(profiles) => Ok(profiles
                .iter()
                .map(|p| InstanceProfile {
                    name: p.instance_profile_name().to_owned(),
                    arn: p.arn().to_owned(),
                })
                .collect()),
            Err(e) => unless_not_found(
                "iam",
                "ListInstanceProfilesForRole",
                &e,
                NO_SUCH_ENTITY,
                || Err(AccountError::NoSuchRole(role.to_owned())),
            ),
        }
    }

    fn associations_for_profile(
        &self,
        profile_arn: &str,
    ) -> Result<Vec<ProfileAssociation>, AccountError> {
        // The API has no profile filter: every association is listed and filtered here.
        let mut all = self.associations(None)?;
        all.retain(|a| a.profile_arn == profile_arn);
        Ok(all)
    }

    fn get_role_policy(&self, role: &str, name: &str) -> Result<Option<String>, AccountError> {
        let call = self
            .aws
            .iam()
            .get_role_policy()
            .role_name(role)
            .policy_name(name)
            .send();
        match self.aws.run(call) {
            Ok(out) => decode_policy(role, name, out.policy_document()).map(Some),
            Err(e) => unless_not_found("iam", "GetRolePolicy", &e, NO_SUCH_ENTITY, || Ok(None)),
        }
    }

    fn role_identity_policies(&self, role: &str) -> Result<Vec<iam::Policy>, AccountError> {
        let iam = self.aws.iam();
        let names = self
            .aws
            .run(
                iam.list_role_policies()
                    .role_name(role)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .or_else(|e| {
                unless_not_found("iam", "ListRolePolicies", &e, NO_SUCH_ENTITY, || {
                    Err(AccountError::NoSuchRole(role.to_owned()))
                })
            })?;
        let mut policies = Vec::with_capacity(names.len());
        for name in &names {
            if let Some(text) = self.get_role_policy(role, name)? {
                policies.push(
                    iam::Policy::parse(name, &text)
                        .map_err(|e| AccountError::Invalid(e.to_string()))?,
                );
            }
        }
        let attached = self
            .aws
            .run(
                iam.list_attached_role_policies()
                    .role_name(role)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .map_err(|e| api_error("iam", "ListAttachedRolePolicies", &e))?;
        for arn in attached.iter().filter_map(|p| p.policy_arn()) {
            policies.extend(self.managed_policy(arn)?);
        }
        Ok(policies)
    }

    fn put_role_policy(
        &mut self,
        role: &str,
        name: &str,
        document: &str,
    ) -> Result<(), AccountError> {
        let call = self
            .aws
            .iam()
            .put_role_policy()
            .role_name(role)
            .policy_name(name)
            .policy_document(document)
            .send();
        match self.aws.run(call) {
            Ok(_) => Ok(()),
            Err(e) => unless_not_found("iam", "PutRolePolicy", &e, NO_SUCH_ENTITY, || {
                Err(AccountError::NoSuchRole(role.to_owned()))
            }),
        }
    }

    fn delete_role_policy(&mut self, role: &str, name: &str) -> Result<bool, AccountError> {
        let call = self
            .aws
            .iam()
            .delete_role_policy()
            .role_name(role)
            .policy_name(name)
            .send();
        match self.aws.run(call) {
            Ok(_) => Ok(true),
            // IAM says NoSuchEntity both for the role and the policy: tell them apart.
            Err(e) => {
                unless_not_found("iam", "DeleteRolePolicy", &e, NO_SUCH_ENTITY, || match self
                    .get_role(role)?
                {
                    Some(_) => Ok(false),
                    None => Err(AccountError::NoSuchRole(role.to_owned())),
                })
            }
        }
    }

    fn describe_instance(&self, id: &str) -> Result<Option<Instance>, AccountError> {
        let call = self.aws.ec2().describe_instances().instance_ids(id).send();
        let out = match self.aws.run(call) {
            Ok(out) => out,
            Err(e) => {
                return unless_not_found("ec2", "DescribeInstances", &e, NO_SUCH_INSTANCE, || {
                    Ok(None)
                });
            }
        };
        let Some(found) = out
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .find(|i| i.instance_id() == Some(id))
        else {
            return Ok(None);
        };
        let profile = if found.iam_instance_profile().is_some() {
            let by_instance = Filter::builder().name("instance-id").values(id).build();
            self.associations(Some(by_instance))?
                .into_iter()
                .find(|a| a.instance_id == id)
        } else {
            None
        };
        Ok(Some(Instance {
            id: id.to_owned(),
            name: found
                .tags()
                .iter()
                .find(|t| t.key() == Some("Name"))
                .and_then(|t| t.value())
                .map(str::to_owned),
            state: found
                .state()
                .and_then(|s| s.name())
                .map_or_else(String::new, |n| n.as_str().to_owned()),
            vpc_id: found.vpc_id().map(str::to_owned),
            security_groups: found
                .security_groups()
                .iter()
                .map(|g| GroupRef {
                    id: g.group_id().unwrap_or_default().to_owned(),
                    name: g.group_name().unwrap_or_default().to_owned(),
                })
                .collect(),
            volumes: found
                .block_device_mappings()
                .iter()
                .filter_map(|m| m.ebs()?.volume_id())
                .map(str::to_owned)
                .collect(),
            http_tokens: found
                .metadata_options()
                .and_then(|m| m.http_tokens())
                .map(|t| t.as_str().to_owned()),
            profile,
        }))
    }

    fn find_security_group(
        &self,
        vpc_id: &str,
        name: &str,
    ) -> Result<Option<String>, AccountError> {
        let call = self
            .aws
            .ec2()
            .describe_security_groups()
            .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
            .filters(Filter::builder().name("group-name").values(name).build())
            .send();
        let out = self
            .aws
            .run(call)
            .map_err(|e| api_error("ec2", "DescribeSecurityGroups", &e))?;
        Ok(out
            .security_groups()
            .iter()
            .find(|g| g.group_name() == Some(name) && g.vpc_id() == Some(vpc_id))
            .and_then(|g| g.group_id())
            .map(str::to_owned))
    }

    fn create_security_group(
        &mut self,
        vpc_id: &str,
        name: &str,
        description: &str,
    ) -> Result<String, AccountError> {
        let call = self
            .aws
            .ec2()
            .create_security_group()
            .vpc_id(vpc_id)
            .group_name(name)
            .description(description)
            .send();
        let out = self
            .aws
            .run(call)
            .map_err(|e| api_error("ec2", "CreateSecurityGroup", &e))?;
        out.group_id().map(str::to_owned).ok_or_else(|| {
            AccountError::Invalid("CreateSecurityGroup returned no GroupId".to_owned())
        })
    }

    fn revoke_default_egress(&mut self, group_id: &str) -> Result<bool, AccountError> {
        let all_traffic = IpPermission::builder()
            .ip_protocol("-1")
            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .build();
        let call = self
            .aws
            .ec2()
            .revoke_security_group_egress()
            .group_id(group_id)
            .ip_permissions(all_traffic)
            .send();
        match self.aws.run(call) {
            Ok(out) => Ok(out.r#return().unwrap_or(true)),
            Err(e) => unless_not_found(
                "ec2",
                "RevokeSecurityGroupEgress",
                &e,
                &["InvalidPermission.NotFound"],
                || Ok(false),
            ),
        }
    }

    fn modify_instance_groups(
        &mut self,
        instance: &str,
        groups: &[String],
    ) -> Result<(), AccountError> {
        let call = self
            .aws
            .ec2()
            .modify_instance_attribute()
            .instance_id(instance)
            .set_groups(Some(groups.to_vec()))
            .send();
        match self.aws.run(call) {
            Ok(_) => Ok(()),
            Err(e) => unless_not_found(
                "ec2",
                "ModifyInstanceAttribute",
                &e,
                NO_SUCH_INSTANCE,
                || Err(AccountError::NoSuchInstance(instance.to_owned())),
            ),
        }
    }

    fn create_snapshot(&mut self, volume: &str, description: &str) -> Result<String, AccountError> {
        let call = self
            .aws
            .ec2()
            .create_snapshot()
            .volume_id(volume)
            .description(description)
            .send();
        let out = self
            .aws
            .run(call)
            .map_err(|e| api_error("ec2", "CreateSnapshot", &e))?;
        out.snapshot_id().map(str::to_owned).ok_or_else(|| {
            AccountError::Invalid("CreateSnapshot returned no SnapshotId".to_owned())
        })
    }

    fn modify_metadata_options(
        &mut self,
        instance: &str,
        http_tokens: &str,
    ) -> Result<(), AccountError> {
        let call = self
            .aws
            .ec2()
            .modify_instance_metadata_options()
            .instance_id(instance)
            .http_tokens(http_tokens.into())
            .send();
        match self.aws.run(call) {
            Ok(_) => Ok(()),
            Err(e) => unless_not_found(
                "ec2",
                "ModifyInstanceMetadataOptions",
                &e,
                NO_SUCH_INSTANCE,
                || Err(AccountError::NoSuchInstance(instance.to_owned())),
            ),
        }
    }

    fn create_tags(
        &mut self,
        resources: &[String],
        tags: &[(String, String)],
    ) -> Result<(), AccountError> {
        let tags = tags
            .iter()
            .map(|(key, value)| Tag::builder().key(key).value(value).build())
            .collect();
        let call = self
            .aws
            .ec2()
            .create_tags()
            .set_resources(Some(resources.to_vec()))
            .set_tags(Some(tags))
            .send();
        self.aws
            .run(call)
            .map(|_| ())
            .map_err(|e| api_error("ec2", "CreateTags", &e))
    }

    fn disassociate_profile(&mut self, association_id: &str) -> Result<(), AccountError> {
        let call = self
            .aws
            .ec2()
            .disassociate_iam_instance_profile()
            .association_id(association_id)
            .send();
        match self.aws.run(call) {
            Ok(_) => Ok(()),
            Err(e) => unless_not_found(
                "ec2",
                "DisassociateIamInstanceProfile",
                &e,
                &["InvalidAssociationID.NotFound"],
                || Err(AccountError::NoSuchAssociation(association_id.to_owned())),
            ),
        }
    }

    fn associate_profile(
        &mut self,
        instance: &str,
        profile_arn: &str,
    ) -> Result<String, AccountError> {
        let call = self
            .aws
            .ec2()
            .associate_iam_instance_profile()
            .instance_id(instance)
            .iam_instance_profile(
                IamInstanceProfileSpecification::builder()
                    .arn(profile_arn)
                    .build(),
            )
            .send();
        let out = match self.aws.run(call) {
            Ok(out) => out,
            Err(e) => {
                return unless_not_found(
                    "ec2",
                    "AssociateIamInstanceProfile",
                    &e,
                    NO_SUCH_INSTANCE,
                    || Err(AccountError::NoSuchInstance(instance.to_owned())),
                );
            }
        };
        out.iam_instance_profile_association()
            .and_then(|a| a.association_id())
            .map(str::to_owned)
            .ok_or_else(|| {
                AccountError::Invalid(
                    "AssociateIamInstanceProfile returned no AssociationId".to_owned(),
                )
            })
    }
}
