//! Remediation actions: each turns a finding into a [`Plan`] (the exact API calls, blast radius,
//! risks, undo), refuses what it must not touch ([`guards`]), and in enforce mode is executed
//! against an [`Account`], then verifies itself with the `iam` evaluator.
//!
//! ```text
//! plan(action, &finding, &params, &account, &clock) -> Result<Plan, ActionError>
//! execute(&plan, &mut account) -> Result<Execution, ActionError>
//! undo(&undo, &mut account) -> Result<Vec<ApiCall>, ActionError>
//! ```

mod audit;
mod build;
mod finding;
pub mod guards;
pub mod policies;
mod render;
mod run;
mod verify;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use audit::{record_execution, record_plan, record_refusal};
pub use build::plan;
pub use finding::FindingView;
pub use policies::{least_privilege_policy, least_privilege_text};
pub use run::{execute, undo};
pub use verify::{Check, Verification};

use crate::account::AccountError;
use crate::config::{ActionName, Mode};

/// The default name of the inline policy `revoke-role-sessions` writes (the workshop's).
pub const REVOKE_POLICY_NAME: &str = "RevokeOldSessions";
/// Default inline policy name of `deny-instance-session`.
pub const DENY_SESSION_POLICY_NAME: &str = "DenyStolenInstanceSession";
/// Default inline policy name of `restrict-role-to-vpc`.
pub const VPC_POLICY_NAME: &str = "RestrictToInstanceVpc";
/// Default name of the forensic security group of `isolate-instance`.
pub const FORENSIC_GROUP_NAME: &str = "trailguard-forensics";
/// The placeholder in a plan for the id `CreateSecurityGroup` returns.
pub const NEW_GROUP_ID: &str = "{CreateSecurityGroup.GroupId}";

/// The time an action takes as "now".
pub trait Clock {
    /// Milliseconds since the epoch.
    fn now_ms(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// A clock stopped at one instant (tests, replays).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        self.0
    }
}

/// Settings of one action run.
#[derive(Debug, Clone, Default)]
pub struct Params {
    /// Plan only, or act.
    pub mode: Mode,
    /// Name of the inline policy the action writes (default per action).
    pub policy_name: Option<String>,
    /// Role names or ARNs actions may change; empty = any.
    pub allowed_roles: Vec<String>,
    /// Account ids actions may change; empty = any.
    pub allowed_accounts: Vec<String>,
    /// The forensic security group's name (default [`FORENSIC_GROUP_NAME`]).
    pub forensic_group: Option<String>,
    /// Tags `tag-resource` writes (default `trailguard:finding` = the finding id).
    pub tags: Vec<(String, String)>,
    /// The IAM action the verification evaluates (default: the finding's API call).
    pub verify_action: Option<String>,
}

/// One API call, exactly as the AWS API takes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiCall {
    /// `iam` or `ec2`.
    pub service: String,
    /// The operation, e.g. `PutRolePolicy`.
    pub operation: String,
    /// The request parameters (policy documents as the JSON strings the API takes).
    pub parameters: Value,
}

/// What an action changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// An IAM role.
    Role {
        /// Its name.
        name: String,
        /// Its ARN.
        arn: String,
    },
    /// An EC2 instance.
    Instance {
        /// Its id.
        id: String,
        /// Its `Name` tag.
        name: Option<String>,
    },
}

/// An instance the action affects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedInstance {
    /// Instance id.
    pub id: String,
    /// `Name` tag.
    pub name: Option<String>,
    /// `State.Name`.
    pub state: String,
}

/// Who else is hit: the role's instance profiles and every instance using them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BlastRadius {
    /// Instance profile ARNs.
    pub instance_profiles: Vec<String>,
    /// Instances.
    pub instances: Vec<AffectedInstance>,
}

/// How to reverse an applied plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Undo {
    /// Put back the inline policy as it was (delete it if there was none).
    RestoreRolePolicy {
        /// Role name.
        role: String,
        /// Policy name.
        policy_name: String,
        /// The document before the action, if the policy existed.
        previous: Option<String>,
    },
    /// Put back the instance's security groups.
    RestoreSecurityGroups {
        /// Instance id.
        instance: String,
        /// The group ids before the action.
        groups: Vec<String>,
    },
    /// Put back `HttpTokens`.
    RestoreMetadataOptions {
        /// Instance id.
        instance: String,
        /// The value before the action.
        http_tokens: String,
    },
    /// Associate the instance profile again.
    ReassociateProfile {
        /// Instance id.
        instance: String,
        /// Instance profile ARN.
        profile_arn: String,
    },
    /// Not reversible by trailguard.
    None {
        /// Why, and what to do by hand.
        hint: String,
    },
}

impl Undo {
    /// A one-line hint for people.
    #[must_use]
    pub fn hint(&self) -> String {
        match self {
            Self::RestoreRolePolicy {
                role,
                policy_name,
                previous: None,
            } => {
                format!("delete inline policy `{policy_name}` from role `{role}`")
            }
            Self::RestoreRolePolicy {
                role,
                policy_name,
                previous: Some(_),
            } => {
                format!(
                    "put back the previous document of inline policy `{policy_name}` on role `{role}`"
                )
            }
            Self::RestoreSecurityGroups { instance, groups } => {
                format!(
                    "restore security groups {} on `{instance}`",
                    groups.join(", ")
                )
            }
            Self::RestoreMetadataOptions {
                instance,
                http_tokens,
            } => {
                format!("set HttpTokens back to `{http_tokens}` on `{instance}`")
            }
            Self::ReassociateProfile {
                instance,
                profile_arn,
            } => {
                format!("associate `{profile_arn}` with `{instance}` again")
            }
            Self::None { hint } => hint.clone(),
        }
    }
}

/// A plan: what an action would do, and what that means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The action.
    pub action: String,
    /// `dry-run` or `enforce`.
    pub mode: String,
    /// The finding it answers.
    pub finding_id: Option<String>,
    /// The finding's account.
    pub account_id: Option<String>,
    /// What it changes.
    pub target: Target,
    /// The API calls, in order.
    pub calls: Vec<ApiCall>,
    /// Who else is affected.
    pub blast_radius: BlastRadius,
    /// What can go wrong.
    pub risks: Vec<String>,
    /// How to reverse it (computed from the account's state when planned).
    pub undo: Undo,
    /// The stolen session, for verification of policy actions.
    pub session: Option<Session>,
    /// When it was planned (ms since the epoch).
    pub planned_ms: i64,
}

/// The stolen session, as the finding describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    pub arn: String,
    /// `aws:userid` (`principalId`).
    pub user_id: String,
    /// The IAM action verification evaluates.
    pub action: String,
    /// The cutoff written into the policy, for `revoke-role-sessions`.
    pub cutoff: Option<String>,
}

impl Plan {
    /// The action's name as [`ActionName`].
    ///
    /// # Errors
    /// If the plan was edited to an unknown name.
    pub fn action_name(&self) -> Result<ActionName, ActionError> {
        self.action
            .parse()
            .map_err(|e: crate::config::UnknownAction| ActionError::Invalid(e.to_string()))
    }

    /// The plan as readable text.
    #[must_use]
    pub fn to_text(&self) -> String {
        render::plan_text(self)
    }
}

/// The result of executing a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Execution {
    /// The calls made, placeholders filled in.
    pub calls: Vec<ApiCall>,
    /// What the calls returned (ids of created resources), in order.
    pub responses: Vec<Value>,
    /// The self-check, for policy actions.
    pub verification: Option<Verification>,
    /// How to reverse it.
    pub undo: Undo,
}

impl Execution {
    /// The result as readable text.
    #[must_use]
    pub fn to_text(&self) -> String {
        render::execution_text(self)
    }
}

/// Why an action could not be planned or executed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ActionError {
    /// A guard refused the action; nothing was done.
    #[error("refused `{action}`: {reason}")]
    Refused {
        /// The action.
        action: String,
        /// Why.
        reason: String,
    },
    /// The account refused a call.
    #[error(transparent)]
    Account(#[from] AccountError),
    /// The plan or finding is not usable.
    #[error("invalid: {0}")]
    Invalid(String),
    /// The action was applied but its verification failed.
    #[error("verification failed: {0}")]
    Verification(String),
}
