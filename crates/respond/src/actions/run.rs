//! Executing a plan's calls against an account, and undoing them.

use serde_json::{Value, json};

use super::{ActionError, ApiCall, Execution, NEW_GROUP_ID, Plan, Undo, verify};
use crate::account::Account;
use crate::config::Mode;

/// Executes `plan` against `account`: every call in order (idempotent: a second run replaces
/// the inline policy, reuses the forensic group), then verifies policy actions.
///
/// # Errors
/// [`ActionError::Invalid`] for a dry-run plan (it must make no write call); if a call fails ([`ActionError::Account`]) or the verification does not hold
/// ([`ActionError::Verification`]; the change stays applied and the error says so).
pub fn execute(plan: &Plan, account: &mut dyn Account) -> Result<Execution, ActionError> {
    if plan.mode != Mode::Enforce.as_str() {
        return Err(ActionError::Invalid(format!(
            "plan of `{}` is `{}`: only enforce-mode plans are executed",
            plan.action, plan.mode
        )));
    }
    let mut calls = Vec::with_capacity(plan.calls.len());
    let mut responses = Vec::with_capacity(plan.calls.len());
    let mut new_group: Option<String> = None;
    for planned in &plan.calls {
        let mut parameters = planned.parameters.clone();
        if let Some(id) = &new_group {
            fill(&mut parameters, id);
        }
        let response = apply(&planned.operation, &parameters, account)?;
        if planned.operation == "CreateSecurityGroup" {
            new_group = response
                .get("GroupId")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        calls.push(ApiCall {
            parameters,
            ..planned.clone()
        });
        responses.push(response);
    }
    let verification = verify::verify(plan, account)?;
    if let Some(v) = &verification
        && !v.holds()
    {
        return Err(ActionError::Verification(v.summary()));
    }
    Ok(Execution {
        calls,
        responses,
        verification,
        undo: plan.undo.clone(),
    })
}

/// Reverses an applied action; returns the calls made.
///
/// # Errors
/// If the action is not reversible or a call fails.
pub fn undo(undo: &Undo, account: &mut dyn Account) -> Result<Vec<ApiCall>, ActionError> {
    let calls = match undo {
        Undo::RestoreRolePolicy {
            role,
            policy_name,
            previous: None,
        } => vec![call(
            "iam",
            "DeleteRolePolicy",
            json!({"RoleName": role, "PolicyName": policy_name}),
        )],
        Undo::RestoreRolePolicy {
            role,
            policy_name,
            previous: Some(document),
        } => vec![call(
            "iam",
            "PutRolePolicy",
            json!({"RoleName": role, "PolicyName": policy_name, "PolicyDocument": document}),
        )],
        Undo::RestoreSecurityGroups { instance, groups } => vec![call(
            "ec2",
            "ModifyInstanceAttribute",
            json!({"InstanceId": instance, "Groups": groups}),
        )],
        Undo::RestoreMetadataOptions {
            instance,
            http_tokens,
        } => vec![call(
            "ec2",
            "ModifyInstanceMetadataOptions",
            json!({"InstanceId": instance, "HttpTokens": http_tokens}),
        )],
        Undo::ReassociateProfile {
            instance,
            profile_arn,
        } => vec![call(
            "ec2",
            "AssociateIamInstanceProfile",
            json!({"InstanceId": instance, "IamInstanceProfile": {"Arn": profile_arn}}),
        )],
        Undo::None { hint } => {
            return Err(ActionError::Invalid(format!(
                "this action cannot be undone: {hint}"
            )));
        }
    };
    for c in &calls {
        apply(&c.operation, &c.parameters, account)?;
    }
    Ok(calls)
}

fn call(service: &str, operation: &str, parameters: Value) -> ApiCall {
    ApiCall {
        service: service.to_owned(),
        operation: operation.to_owned(),
        parameters,
    }
}

/// Replaces the [`NEW_GROUP_ID`] placeholder with the created group's id.
fn fill(value: &mut Value, id: &str) {
    match value {
        Value::String(s) if s == NEW_GROUP_ID => *s = id.to_owned(),
        Value::Array(items) => items.iter_mut().for_each(|v| fill(v, id)),
        Value::Object(map) => map.values_mut().for_each(|v| fill(v, id)),
        _ => {}
    }
}

fn param<'a>(parameters: &'a Value, key: &str) -> Result<&'a str, ActionError> {
    parameters
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| ActionError::Invalid(format!("parameter `{key}` is missing")))
}

fn strings(parameters: &Value, key: &str) -> Vec<String> {
    parameters
        .get(key)
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Performs one call; returns what AWS would return that matters (ids).
fn apply(operation: &str, p: &Value, account: &mut dyn Account) -> Result<Value, ActionError> {
    match operation {
        "PutRolePolicy" => {
            account.put_role_policy(
                param(p, "RoleName")?,
                param(p, "PolicyName")?,
                param(p, "PolicyDocument")?,
            )?;
            Ok(json!({}))
        }
        "DeleteRolePolicy" => {
            account.delete_role_policy(param(p, "RoleName")?, param(p, "PolicyName")?)?;
            Ok(json!({}))
        }
        "CreateSecurityGroup" => {
            let (vpc, name) = (param(p, "VpcId")?, param(p, "GroupName")?);
            let id = match account.find_security_group(vpc, name)? {
                Some(existing) => existing,
                None => account.create_security_group(vpc, name, param(p, "Description")?)?,
            };
            Ok(json!({"GroupId": id}))
        }
        // The plan revokes exactly the default rule of the group it created.
        "RevokeSecurityGroupEgress" => {
            let revoked = account.revoke_default_egress(param(p, "GroupId")?)?;
            Ok(json!({"Return": revoked}))
        }
        "ModifyInstanceAttribute" => {
            account.modify_instance_groups(param(p, "InstanceId")?, &strings(p, "Groups"))?;
            Ok(json!({}))
        }
        "CreateSnapshot" => {
            let id = account.create_snapshot(param(p, "VolumeId")?, param(p, "Description")?)?;
            Ok(json!({"SnapshotId": id}))
        }
        "ModifyInstanceMetadataOptions" => {
            account.modify_metadata_options(param(p, "InstanceId")?, param(p, "HttpTokens")?)?;
            Ok(json!({}))
        }
        "CreateTags" => {
            let tags: Vec<(String, String)> = p
                .get("Tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|t| {
                    Some((
                        t.get("Key")?.as_str()?.to_owned(),
                        t.get("Value")?.as_str()?.to_owned(),
                    ))
                })
                .collect();
            account.create_tags(&strings(p, "Resources"), &tags)?;
            Ok(json!({}))
        }
        "DisassociateIamInstanceProfile" => {
            account.disassociate_profile(param(p, "AssociationId")?)?;
            Ok(json!({}))
        }
        "AssociateIamInstanceProfile" => {
            let arn = p
                .get("IamInstanceProfile")
                .and_then(|i| i.get("Arn"))
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    ActionError::Invalid("parameter `IamInstanceProfile.Arn` is missing".to_owned())
                })?;
            let id = account.associate_profile(param(p, "InstanceId")?, arn)?;
            Ok(json!({"AssociationId": id}))
        }
        other => Err(ActionError::Invalid(format!(
            "unsupported operation `{other}`"
        ))),
    }
}
