//! The AWS account an action works on: exactly the IAM and EC2 calls the actions make.
//!
//! [`Account`] has two implementations: [`SnapshotAccount`], offline, over an account snapshot
//! (`aws iam get-account-authorization-details` + `aws ec2 describe-instances`), and the live
//! `respond::aws::AwsAccount` (AWS SDK, behind the `aws` feature).

mod snapshot;

pub use snapshot::SnapshotAccount;

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// `RoleName`.
    pub name: String,
    /// `Arn`.
    pub arn: String,
    /// `Path`, e.g. `/` or `/aws-service-role/guardduty.amazonaws.com/`.
    pub path: String,
}

impl Role {
    /// Whether it is a service-linked role (path under `/aws-service-role/`): IAM refuses
    /// `PutRolePolicy` on those, and they belong to an AWS service.
    #[must_use]
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

/// An instance profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceProfile {
    /// `InstanceProfileName`.
    pub name: String,
    /// `Arn`.
    pub arn: String,
}

/// An instance profile association, as `DescribeIamInstanceProfileAssociations` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileAssociation {
    /// `AssociationId` (`iip-assoc-…`).
    pub association_id: String,
    /// `InstanceId`.
    pub instance_id: String,
    /// `IamInstanceProfile.Arn`.
    pub profile_arn: String,
}

/// A security group reference (`GroupId`, `GroupName`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRef {
    /// `GroupId`.
    pub id: String,
    /// `GroupName`.
    pub name: String,
}

/// What the actions need to know about an instance (`DescribeInstances`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// `InstanceId`.
    pub id: String,
    /// The `Name` tag, if any.
    pub name: Option<String>,
    /// `State.Name` (`running`, `stopped`…).
    pub state: String,
    /// `VpcId`.
    pub vpc_id: Option<String>,
    /// `SecurityGroups`, in order.
    pub security_groups: Vec<GroupRef>,
    /// The attached EBS volume ids, in device order.
    pub volumes: Vec<String>,
    /// `MetadataOptions.HttpTokens` (`optional` or `required`).
    pub http_tokens: Option<String>,
    /// The instance profile association, if any.
    pub profile: Option<ProfileAssociation>,
}

/// A call the account refused or could not answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// The role does not exist (`NoSuchEntity`).
    #[error("role `{0}` does not exist")]
    NoSuchRole(String),
    /// The instance does not exist (`InvalidInstanceID.NotFound`).
    #[error("instance `{0}` does not exist")]
    NoSuchInstance(String),
    /// The association does not exist.
    #[error("instance profile association `{0}` does not exist")]
    NoSuchAssociation(String),
    /// The instance profile does not exist.
    #[error("instance profile `{0}` does not exist")]
    NoSuchProfile(String),
    /// The request was invalid (for example a malformed policy document).
    #[error("invalid request: {0}")]
    Invalid(String),
    /// An AWS API call failed (after the SDK's retries).
    #[error("{service}:{operation}: {message}")]
    Api {
        /// `iam` or `ec2`.
        service: &'static str,
        /// The operation, e.g. `PutRolePolicy`.
        operation: &'static str,
        /// The error code and message.
        message: String,
    },
    /// Reading or writing the snapshot failed.
    #[error("account snapshot `{path}`: {message}")]
    Snapshot {
        /// Which file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// The IAM and EC2 calls remediation actions make. Reads take `&self`, writes `&mut self`.
pub trait Account {
    /// `iam:GetRole`; `None` if there is no such role.
    ///
    /// # Errors
    /// If the account cannot be read.
    fn get_role(&self, name: &str) -> Result<Option<Role>, AccountError>;

    /// `iam:ListInstanceProfilesForRole`.
    ///
    /// # Errors
    /// If the role does not exist.
    fn instance_profiles_for_role(&self, role: &str) -> Result<Vec<InstanceProfile>, AccountError>;

    /// `ec2:DescribeIamInstanceProfileAssociations` filtered on the profile ARN (associated ones).
    ///
    /// # Errors
    /// If the account cannot be read.
    fn associations_for_profile(
        &self,
        profile_arn: &str,
    ) -> Result<Vec<ProfileAssociation>, AccountError>;

    /// `iam:GetRolePolicy`: the document as JSON text (decoded), `None` if there is none.
    ///
    /// # Errors
    /// If the role does not exist.
    fn get_role_policy(&self, role: &str, name: &str) -> Result<Option<String>, AccountError>;

    /// The role's identity-based policies (inline and attached managed), for verification.
    ///
    /// # Errors
    /// If the role does not exist.
    fn role_identity_policies(&self, role: &str) -> Result<Vec<iam::Policy>, AccountError>;

    /// `iam:PutRolePolicy` (adds or replaces).
    ///
    /// # Errors
    /// If the role does not exist or the document is invalid.
    fn put_role_policy(
        &mut self,
        role: &str,
        name: &str,
        document: &str,
    ) -> Result<(), AccountError>;

    /// `iam:DeleteRolePolicy`; `false` if there was none of that name.
    ///
    /// # Errors
    /// If the role does not exist.
    fn delete_role_policy(&mut self, role: &str, name: &str) -> Result<bool, AccountError>;

    /// `ec2:DescribeInstances` for one instance; `None` if there is no such instance.
    ///
    /// # Errors
    /// If the account cannot be read.
    fn describe_instance(&self, id: &str) -> Result<Option<Instance>, AccountError>;

    /// `ec2:DescribeSecurityGroups` filtered on `vpc-id` and `group-name`: the group id.
    ///
    /// # Errors
    /// If the account cannot be read.
    fn find_security_group(&self, vpc_id: &str, name: &str)
    -> Result<Option<String>, AccountError>;

    /// `ec2:CreateSecurityGroup`; returns the new group id. Like AWS, the new group has no
    /// ingress rule and one egress rule allowing all traffic to `0.0.0.0/0`.
    ///
    /// # Errors
    /// If the group cannot be created.
    fn create_security_group(
        &mut self,
        vpc_id: &str,
        name: &str,
        description: &str,
    ) -> Result<String, AccountError>;

    /// `ec2:RevokeSecurityGroupEgress` of the default rule (all traffic to `0.0.0.0/0`);
    /// `false` if the group had no such rule.
    ///
    /// # Errors
    /// If the group does not exist.
    fn revoke_default_egress(&mut self, group_id: &str) -> Result<bool, AccountError>;

    /// `ec2:ModifyInstanceAttribute` with `Groups`: replaces every security group.
    ///
    /// # Errors
    /// If the instance does not exist.
    fn modify_instance_groups(
        &mut self,
        instance: &str,
        groups: &[String],
    ) -> Result<(), AccountError>;

    /// `ec2:CreateSnapshot`; returns the snapshot id.
    ///
    /// # Errors
    /// If the volume cannot be snapshotted.
    fn create_snapshot(&mut self, volume: &str, description: &str) -> Result<String, AccountError>;

    /// `ec2:ModifyInstanceMetadataOptions` with `HttpTokens`.
    ///
    /// # Errors
    /// If the instance does not exist.
    fn modify_metadata_options(
        &mut self,
        instance: &str,
        http_tokens: &str,
    ) -> Result<(), AccountError>;

    /// `ec2:CreateTags` (adds or overwrites).
    ///
    /// # Errors
    /// If a resource does not exist.
    fn create_tags(
        &mut self,
        resources: &[String],
        tags: &[(String, String)],
    ) -> Result<(), AccountError>;

    /// `ec2:DisassociateIamInstanceProfile`.
    ///
    /// # Errors
    /// If the association does not exist.
    fn disassociate_profile(&mut self, association_id: &str) -> Result<(), AccountError>;

    /// `ec2:AssociateIamInstanceProfile`; returns the new association id.
    ///
    /// # Errors
    /// If the instance or profile does not exist.
    fn associate_profile(
        &mut self,
        instance: &str,
        profile_arn: &str,
    ) -> Result<String, AccountError>;
}
