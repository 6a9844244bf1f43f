//! The simulated world (accounts, principals, credentials) and the compact plan of events that
//! scenarios produce and the renderer turns into CloudTrail records.

use std::net::{IpAddr, Ipv4Addr};

/// AWS Regions the scenarios use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Region {
    UsEast1,
    UsWest2,
    EuWest1,
    EuCentral1,
}

impl Region {
    /// The Region code.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::UsEast1 => "us-east-1",
            Self::UsWest2 => "us-west-2",
            Self::EuWest1 => "eu-west-1",
            Self::EuCentral1 => "eu-central-1",
        }
    }
}

/// Which program made a call (decides `userAgent` and `tlsDetails`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Agent {
    /// AWS CLI v1 as installed by yum on Amazon Linux 2.
    CliV1Al2,
    /// AWS CLI v2 on a Mac.
    CliV2Mac,
    /// AWS CLI v2 on Kali Linux.
    CliV2Kali,
    /// Python boto3 on Amazon Linux.
    Boto3,
    /// The SSM agent.
    Ssm,
    /// The AWS SDK for Java (an application).
    JavaSdk,
    /// Terraform's AWS provider.
    Terraform,
    /// The AWS Management Console (browser calls logged as `AWS Internal`).
    Console,
    /// A browser (console sign-in).
    Browser,
}

/// Who makes calls.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// An EC2 instance's role session (credentials delivered by IMDS).
    Instance {
        role: String,
        role_id: String,
        instance_id: String,
        /// `ec2RoleDelivery`: `1.0` (IMDSv1) or `2.0` (IMDSv2).
        delivery: &'static str,
        private_ip: Ipv4Addr,
        region: Region,
    },
    /// An IAM user with a long-term access key.
    User {
        name: String,
        user_id: String,
        access_key: String,
    },
    /// An IAM user signed in to the console (temporary keys from the console session).
    ConsoleUser {
        name: String,
        user_id: String,
        access_key: String,
        since: i64,
    },
    /// A role session that is not EC2's (SSO, Lambda, service-linked roles).
    RoleSession {
        /// The role's path, such as `aws-service-role/autoscaling.amazonaws.com/`.
        path: String,
        role: String,
        role_id: String,
        session: String,
        access_key: String,
        since: i64,
        from_console: bool,
    },
    /// An AWS service acting as itself (`userIdentity.type` `AWSService`).
    Service { host: &'static str },
}

/// One caller in one account.
#[derive(Debug, Clone)]
pub(crate) struct Principal {
    pub(crate) account: usize,
    pub(crate) kind: Kind,
    pub(crate) agent: Agent,
}

/// One set of instance credentials (a new `ASIA` key for the same session).
#[derive(Debug, Clone)]
pub(crate) struct Cred {
    pub(crate) principal: u32,
    pub(crate) access_key: String,
    pub(crate) issued: i64,
}

/// Everything records refer to by index.
#[derive(Debug, Clone, Default)]
pub(crate) struct World {
    pub(crate) accounts: Vec<String>,
    pub(crate) principals: Vec<Principal>,
    pub(crate) creds: Vec<Cred>,
    /// Free-form names (buckets, keys, tables, parameters, secrets…) referred to by [`Name`].
    pub(crate) names: Vec<String>,
}

/// An index into [`World::names`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Name(pub(crate) u32);

impl World {
    /// Adds an account id and returns its index.
    pub(crate) fn account(&mut self, id: &str) -> usize {
        self.accounts.push(id.to_owned());
        self.accounts.len() - 1
    }

    /// Adds a principal and returns its index.
    pub(crate) fn principal(&mut self, account: usize, kind: Kind, agent: Agent) -> u32 {
        self.principals.push(Principal {
            account,
            kind,
            agent,
        });
        index_u32(self.principals.len() - 1)
    }

    /// Adds a credential set for an instance principal and returns its index.
    pub(crate) fn cred(&mut self, principal: u32, access_key: String, issued: i64) -> u32 {
        self.creds.push(Cred {
            principal,
            access_key,
            issued,
        });
        index_u32(self.creds.len() - 1)
    }

    /// Adds a name and returns its handle.
    pub(crate) fn name(&mut self, text: impl Into<String>) -> Name {
        self.names.push(text.into());
        Name(index_u32(self.names.len() - 1))
    }

    /// The text of a name.
    pub(crate) fn text(&self, name: Name) -> &str {
        self.names
            .get(usize::try_from(name.0).unwrap_or(usize::MAX))
            .map_or("", String::as_str)
    }

    /// The principal at an index.
    pub(crate) fn who(&self, principal: u32) -> Option<&Principal> {
        self.principals
            .get(usize::try_from(principal).unwrap_or(usize::MAX))
    }

    /// The credential set at an index.
    pub(crate) fn cred_at(&self, cred: u32) -> Option<&Cred> {
        self.creds.get(usize::try_from(cred).unwrap_or(usize::MAX))
    }

    /// The account id at an index.
    pub(crate) fn account_id(&self, account: usize) -> &str {
        self.accounts.get(account).map_or("", String::as_str)
    }
}

/// Converts a collection index to the compact `u32` handles of the plan.
pub(crate) fn index_u32(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// Where a call came from (`sourceIPAddress`, `vpcEndpointId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// A public (or NAT) address.
    Ip(IpAddr),
    /// A private address through an interface VPC endpoint owned by the caller's account.
    Endpoint { ip: Ipv4Addr, endpoint: Name },
    /// An AWS service calling on the principal's behalf (`invokedBy` and `sourceIPAddress`).
    OnBehalf(&'static str),
    /// AWS calling internally (`sourceIPAddress` `AWS Internal`).
    Internal,
}

/// Whether a call succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Ok,
    Denied,
}

/// One API call with the few parameters that vary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    /// EC2 assumes an instance role for a credential set.
    Ec2AssumeRole {
        cred: u32,
    },
    /// A service (Lambda…) assumes a role for a role-session principal.
    ServiceAssumeRole {
        session: u32,
    },
    GetCallerIdentity,
    DescribeInstances {
        instance: Option<u32>,
    },
    DescribeTags {
        instance: u32,
    },
    DescribeSecurityGroups,
    RunInstances {
        instance: u32,
        profile: Name,
        /// One instance tag as `key=value` (empty: none).
        tag: Name,
    },
    AllocateAddress {
        allocation: Name,
        ip: Ipv4Addr,
    },
    AssociateAddress {
        instance: u32,
        allocation: Name,
    },
    AttachNetworkInterface {
        instance: u32,
        eni: Name,
    },
    UpdateInstanceInformation,
    ListInstanceAssociations,
    DescribeParameters,
    GetParameters {
        name: Name,
        decrypt: bool,
    },
    PutParameter {
        name: Name,
        secure: bool,
    },
    DeleteParameter {
        name: Name,
    },
    StartSession {
        instance: u32,
    },
    KmsDecrypt {
        key: Name,
        context: Name,
    },
    KmsEncrypt {
        key: Name,
        context: Name,
    },
    GetSecretValue {
        secret: Name,
    },
    ListBuckets,
    GetObject {
        bucket: Name,
        key: Name,
    },
    PutObject {
        bucket: Name,
        key: Name,
    },
    ListObjects {
        bucket: Name,
    },
    CreateBucket {
        bucket: Name,
    },
    DeletePublicAccessBlock {
        bucket: Name,
    },
    PutBucketLogging {
        bucket: Name,
    },
    ListTables,
    DescribeTable {
        table: Name,
    },
    Scan {
        table: Name,
    },
    PutItem {
        table: Name,
        key: Name,
    },
    GetItem {
        table: Name,
        key: Name,
    },
    DeleteTable {
        table: Name,
    },
    CreateTable {
        table: Name,
    },
    GetUser,
    CreateUser {
        user: Name,
    },
    ListRoles,
    GetRole {
        role: Name,
    },
    CreateRole {
        role: Name,
    },
    PutRolePolicy {
        role: Name,
        policy: Name,
    },
    CreateInstanceProfile {
        profile: Name,
    },
    AddRoleToInstanceProfile {
        profile: Name,
        role: Name,
    },
    CreateAccessKey {
        user: Name,
    },
    ListDetectors,
    CreateThreatIntelSet {
        detector: Name,
        location: Name,
    },
    ListFindings {
        detector: Name,
    },
    CreateStack {
        stack: Name,
    },
    DescribeStacks {
        stack: Name,
    },
    ConsoleLogin,
    GetAuthorizationToken,
    DescribeAutoScalingInstances,
}

/// One planned record. Small and `Copy`: a bulk plan holds millions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Event {
    pub(crate) time: i64,
    /// `recipientAccountId` (an index into [`World::accounts`]).
    pub(crate) account: u16,
    /// `awsRegion`, also the Region folder of the file the record goes to.
    pub(crate) region: Region,
    pub(crate) principal: u32,
    /// The credential set of an instance principal.
    pub(crate) cred: u32,
    pub(crate) source: Source,
    pub(crate) call: Call,
    pub(crate) outcome: Outcome,
}
