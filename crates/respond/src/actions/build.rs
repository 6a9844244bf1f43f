//! Building a plan: read the finding, apply the guards, look the target up in the account,
//! and write the exact calls, the blast radius, the risks and the undo.

use serde_json::{Value, json};

use super::{
    ActionError, AffectedInstance, ApiCall, BlastRadius, Clock, DENY_SESSION_POLICY_NAME,
    FORENSIC_GROUP_NAME, FindingView, NEW_GROUP_ID, Params, Plan, REVOKE_POLICY_NAME, Session,
    Target, Undo, VPC_POLICY_NAME, guards, policies,
};
use crate::account::{Account, Instance, Role};
use crate::config::ActionName;

/// Plans `action` for `finding` (bare or an EventBridge envelope) against `account`.
///
/// # Errors
/// [`ActionError::Refused`] when a guard refuses (sample finding, scope, service-linked or
/// identity role, a finding without the role or instance the action needs, a target missing
/// from the account); [`ActionError::Account`] if the account cannot be read.
pub fn plan(
    action: ActionName,
    finding: &Value,
    params: &Params,
    account: &dyn Account,
    clock: &dyn Clock,
) -> Result<Plan, ActionError> {
    let view = FindingView::of(finding);
    let refuse = |reason: String| ActionError::Refused {
        action: action.as_str().to_owned(),
        reason,
    };
    if let Some(reason) =
        guards::sample(view).or_else(|| guards::account_scope(view, &params.allowed_accounts))
    {
        return Err(refuse(reason));
    }
    let now = clock.now_ms();
    let draft = match action {
        ActionName::RevokeRoleSessions
        | ActionName::DenyInstanceSession
        | ActionName::RestrictRoleToVpc => {
            role_plan(action, view, params, account, now).map_err(|e| e.into_error(action))?
        }
        _ => instance_plan(action, view, params, account).map_err(|e| e.into_error(action))?,
    };
    Ok(Plan {
        action: action.as_str().to_owned(),
        mode: params.mode.as_str().to_owned(),
        finding_id: view.id().map(str::to_owned),
        account_id: view.account().map(str::to_owned),
        target: draft.target,
        calls: draft.calls,
        blast_radius: draft.blast_radius,
        risks: draft.risks,
        undo: draft.undo,
        session: draft.session,
        planned_ms: now,
    })
}

/// The action-specific part of a plan.
struct Draft {
    target: Target,
    calls: Vec<ApiCall>,
    blast_radius: BlastRadius,
    risks: Vec<String>,
    undo: Undo,
    session: Option<Session>,
}

/// A refusal or an account error while drafting.
enum DraftError {
    Refused(String),
    Account(crate::account::AccountError),
}

impl DraftError {
    fn into_error(self, action: ActionName) -> ActionError {
        match self {
            Self::Refused(reason) => ActionError::Refused {
                action: action.as_str().to_owned(),
                reason,
            },
            Self::Account(e) => ActionError::Account(e),
        }
    }
}

impl From<crate::account::AccountError> for DraftError {
    fn from(e: crate::account::AccountError) -> Self {
        Self::Account(e)
    }
}

fn call(service: &str, operation: &str, parameters: Value) -> ApiCall {
    ApiCall {
        service: service.to_owned(),
        operation: operation.to_owned(),
        parameters,
    }
}

/// The finding's role, checked by every guard.
fn guarded_role(
    view: FindingView<'_>,
    params: &Params,
    account: &dyn Account,
) -> Result<Role, DraftError> {
    if view.user_type() != Some("AssumedRole") {
        return Err(DraftError::Refused(
            "the finding is not about role credentials (`resource.accessKeyDetails.userType` is not `AssumedRole`)".to_owned(),
        ));
    }
    let name = view.user_name().ok_or_else(|| {
        DraftError::Refused("the finding has no `resource.accessKeyDetails.userName`".to_owned())
    })?;
    if let Some(reason) = guards::identity_role(name) {
        return Err(DraftError::Refused(reason));
    }
    let role = account.get_role(name)?.ok_or_else(|| {
        DraftError::Refused(format!("role `{name}` does not exist in the account"))
    })?;
    match guards::role(&role, &params.allowed_roles) {
        Some(reason) => Err(DraftError::Refused(reason)),
        None => Ok(role),
    }
}

/// The role's instance profiles and every instance using them.
fn role_blast_radius(role: &Role, account: &dyn Account) -> Result<BlastRadius, DraftError> {
    let mut radius = BlastRadius::default();
    for profile in account.instance_profiles_for_role(&role.name)? {
        for association in account.associations_for_profile(&profile.arn)? {
            let instance = account.describe_instance(&association.instance_id)?;
            radius
                .instances
                .push(affected(&association.instance_id, instance.as_ref()));
        }
        radius.instance_profiles.push(profile.arn);
    }
    Ok(radius)
}

fn affected(id: &str, instance: Option<&Instance>) -> AffectedInstance {
    AffectedInstance {
        id: id.to_owned(),
        name: instance.and_then(|i| i.name.clone()),
        state: instance.map_or_else(|| "unknown".to_owned(), |i| i.state.clone()),
    }
}

fn role_plan(
    action: ActionName,
    view: FindingView<'_>,
    params: &Params,
    account: &dyn Account,
    now_ms: i64,
) -> Result<Draft, DraftError> {
    let role = guarded_role(view, params, account)?;
    let blast_radius = role_blast_radius(&role, account)?;
    let cutoff = iam::values::date::format(i128::from(now_ms) * 1_000_000);
    let (default_name, document, risks, cutoff) = match action {
        ActionName::RevokeRoleSessions => (
            REVOKE_POLICY_NAME,
            policies::revoke_sessions(&cutoff),
            revoke_risks(&blast_radius),
            Some(cutoff),
        ),
        ActionName::DenyInstanceSession => {
            let user_id = view.principal_id().ok_or_else(|| {
                DraftError::Refused(
                    "the finding has no `resource.accessKeyDetails.principalId`".to_owned(),
                )
            })?;
            (
                DENY_SESSION_POLICY_NAME,
                policies::deny_session(user_id),
                deny_session_risks(),
                None,
            )
        }
        _ => (
            VPC_POLICY_NAME,
            policies::restrict_to_vpc(),
            vpc_risks(),
            None,
        ),
    };
    let policy_name = params
        .policy_name
        .clone()
        .unwrap_or_else(|| default_name.to_owned());
    let previous = account.get_role_policy(&role.name, &policy_name)?;
    let calls = vec![call(
        "iam",
        "PutRolePolicy",
        json!({"RoleName": role.name, "PolicyName": policy_name, "PolicyDocument": document.to_string()}),
    )];
    let session = match (view.session_name(), view.principal_id()) {
        (Some(name), Some(user_id)) => Some(Session {
            arn: format!(
                "arn:{}:sts::{}:assumed-role/{}/{name}",
                view.partition(),
                role.arn.split(':').nth(4).unwrap_or_default(),
                role.name
            ),
            user_id: user_id.to_owned(),
            action: params
                .verify_action
                .clone()
                .or_else(|| view.api_action())
                // A finding without an API call: a common reconnaissance call (not
                // sts:GetCallerIdentity, which IAM allows even under an explicit deny).
                .unwrap_or_else(|| "ec2:DescribeInstances".to_owned()),
            cutoff,
        }),
        _ => None,
    };
    Ok(Draft {
        target: Target::Role {
            name: role.name.clone(),
            arn: role.arn.clone(),
        },
        calls,
        blast_radius,
        risks,
        undo: Undo::RestoreRolePolicy {
            role: role.name,
            policy_name,
            previous,
        },
        session,
    })
}

fn revoke_risks(radius: &BlastRadius) -> Vec<String> {
    let others = radius.instances.len();
    vec![
        format!(
            "Every session of the role issued before the cutoff is denied everything, the legitimate ones included: {others} instance(s) use this role and their applications fail until they fetch fresh credentials from the instance metadata service."
        ),
        "An attacker who can still reach the instance can fetch new credentials, issued after the cutoff and so not denied: also isolate the instance and require IMDSv2 (isolate-instance, enforce-imdsv2).".to_owned(),
        "iam:PutRolePolicy is a powerful permission (whoever holds it can grant the role anything): scope the responder's policy to the roles it may change (trailguard respond --print-policy).".to_owned(),
        "The inline policy stays until someone removes it (trailguard actions undo ID, or delete it by hand).".to_owned(),
    ]
}

fn deny_session_risks() -> Vec<String> {
    vec![
        "EC2 re-issues the instance's credentials under the same session name, so the instance itself stays denied everything until the policy is removed.".to_owned(),
        "Only this session is denied: stolen credentials of another instance using the role are not.".to_owned(),
        "iam:PutRolePolicy is a powerful permission: scope the responder's policy to the roles it may change.".to_owned(),
    ]
}

fn vpc_risks() -> Vec<String> {
    vec![
        "Every instance of the role must reach AWS through VPC endpoints: calls over the internet or a NAT gateway carry no aws:SourceVpc and are denied.".to_owned(),
        "Calls AWS services make on the role's behalf are exempt (aws:ViaAWSService), as AWS's policy intends.".to_owned(),
        "The inline policy stays until someone removes it.".to_owned(),
    ]
}

fn guarded_instance(view: FindingView<'_>, account: &dyn Account) -> Result<Instance, DraftError> {
    let id = view.instance_id().ok_or_else(|| {
        DraftError::Refused(
            "the finding names no instance (`resource.instanceDetails.instanceId`)".to_owned(),
        )
    })?;
    account.describe_instance(id)?.ok_or_else(|| {
        DraftError::Refused(format!("instance `{id}` does not exist in the account"))
    })
}

fn instance_plan(
    action: ActionName,
    view: FindingView<'_>,
    params: &Params,
    account: &dyn Account,
) -> Result<Draft, DraftError> {
    let instance = guarded_instance(view, account)?;
    let id = instance.id.clone();
    let radius = BlastRadius {
        instance_profiles: instance
            .profile
            .iter()
            .map(|p| p.profile_arn.clone())
            .collect(),
        instances: vec![affected(&id, Some(&instance))],
    };
    let (calls, risks, undo) = match action {
        ActionName::IsolateInstance => isolate(&instance, params, account)?,
        ActionName::SnapshotVolumes => snapshot_volumes(&instance, view),
        ActionName::EnforceImdsv2 => (
            vec![call("ec2", "ModifyInstanceMetadataOptions", json!({"InstanceId": id, "HttpTokens": "required"}))],
            vec!["Software on the instance that still uses IMDSv1 (no session token) can no longer get credentials or metadata.".to_owned()],
            Undo::RestoreMetadataOptions {
                instance: id.clone(),
                http_tokens: instance.http_tokens.clone().unwrap_or_else(|| "optional".to_owned()),
            },
        ),
        ActionName::TagResource => {
            let tags = if params.tags.is_empty() {
                vec![("trailguard:finding".to_owned(), view.id().unwrap_or_default().to_owned())]
            } else {
                params.tags.clone()
            };
            let tag_json: Vec<Value> = tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect();
            (
                vec![call("ec2", "CreateTags", json!({"Resources": [id], "Tags": tag_json}))],
                vec!["Tags are visible to everyone who can describe the instance, an attacker with the role's credentials included.".to_owned()],
                Undo::None { hint: "remove the tags by hand (ec2 DeleteTags) if they are not wanted".to_owned() },
            )
        }
        _ => detach_profile(&instance)?,
    };
    Ok(Draft {
        target: Target::Instance {
            id,
            name: instance.name.clone(),
        },
        calls,
        blast_radius: radius,
        risks,
        undo,
        session: None,
    })
}

type Parts = (Vec<ApiCall>, Vec<String>, Undo);

fn isolate(
    instance: &Instance,
    params: &Params,
    account: &dyn Account,
) -> Result<Parts, DraftError> {
    let vpc = instance.vpc_id.clone().ok_or_else(|| {
        DraftError::Refused(format!("instance `{}` is not in a VPC", instance.id))
    })?;
    let name = params
        .forensic_group
        .clone()
        .unwrap_or_else(|| FORENSIC_GROUP_NAME.to_owned());
    let mut calls = Vec::new();
    let group_id = match account.find_security_group(&vpc, &name)? {
        Some(id) => id,
        None => {
            calls.push(call("ec2", "CreateSecurityGroup", json!({
                "GroupName": name, "Description": "trailguard forensic isolation: no inbound or outbound traffic", "VpcId": vpc})));
            calls.push(call(
                "ec2",
                "RevokeSecurityGroupEgress",
                json!({
                "GroupId": NEW_GROUP_ID,
                "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}),
            ));
            NEW_GROUP_ID.to_owned()
        }
    };
    calls.push(call(
        "ec2",
        "ModifyInstanceAttribute",
        json!({"InstanceId": instance.id, "Groups": [group_id]}),
    ));
    let risks = vec![
        "Every security group of the instance is replaced: the application on it stops serving, and connection tracking may keep already-open connections alive until they close.".to_owned(),
        "An attacker already on the instance keeps control of it; isolation cuts its network, not its processes.".to_owned(),
    ];
    let undo = Undo::RestoreSecurityGroups {
        instance: instance.id.clone(),
        groups: instance
            .security_groups
            .iter()
            .map(|g| g.id.clone())
            .collect(),
    };
    Ok((calls, risks, undo))
}

fn snapshot_volumes(instance: &Instance, view: FindingView<'_>) -> Parts {
    let finding = view.id().unwrap_or("unknown finding");
    let calls = instance
        .volumes
        .iter()
        .map(|v| call("ec2", "CreateSnapshot", json!({
            "VolumeId": v,
            "Description": format!("trailguard forensic snapshot of {v} ({}) for finding {finding}", instance.id)})))
        .collect();
    (
        calls,
        vec!["Snapshots cost storage until deleted and may hold sensitive data: restrict who can read them.".to_owned()],
        Undo::None { hint: "delete the snapshots by hand when the investigation is over".to_owned() },
    )
}

fn detach_profile(instance: &Instance) -> Result<Parts, DraftError> {
    let association = instance.profile.clone().ok_or_else(|| {
        DraftError::Refused(format!(
            "instance `{}` has no instance profile",
            instance.id
        ))
    })?;
    Ok((
        vec![call("ec2", "DisassociateIamInstanceProfile", json!({"AssociationId": association.association_id}))],
        vec![
            "The instance loses its role: every application on it that calls AWS fails.".to_owned(),
            "Credentials already issued stay valid until they expire; combine with revoke-role-sessions.".to_owned(),
        ],
        Undo::ReassociateProfile {
            instance: instance.id.clone(),
            profile_arn: association.profile_arn,
        },
    ))
}
