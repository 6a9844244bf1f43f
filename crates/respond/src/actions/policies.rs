//! The policy documents the actions write, and the responder's own least-privilege policy.

use serde_json::{Value, json};

use crate::config::ActionName;

/// The workshop's `RevokeOldSessions` document in the console's form (arrays), cutoff in UTC
/// with `Z`: every session issued before `cutoff` is denied everything.
#[must_use]
pub fn revoke_sessions(cutoff: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Action": ["*"], "Resource": ["*"],
        "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}}}]})
}

/// Denies everything to one session only: `aws:userid` is the finding's `principalId`
/// (`AROA…:i-…`, docs §3.3 "narrower option").
#[must_use]
pub fn deny_session(user_id: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Action": ["*"], "Resource": ["*"],
        "Condition": {"StringEquals": {"aws:userid": user_id}}}]})
}

/// AWS's "credentials only from their own VPC" policy (docs §3.2): denies instance-role
/// credentials used outside the VPC they were delivered to, or from another private IP.
#[must_use]
pub fn restrict_to_vpc() -> Value {
    let statement = |key: &str, variable: &str| {
        json!({"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {
            "StringNotEquals": {key: variable},
            "Null": {"ec2:SourceInstanceARN": "false"},
            "BoolIfExists": {"aws:ViaAWSService": "false"}}})
    };
    json!({"Version": "2012-10-17", "Statement": [
        statement("aws:Ec2InstanceSourceVpc", "${aws:SourceVpc}"),
        statement("aws:Ec2InstanceSourcePrivateIPv4", "${aws:VpcSourceIp}"),
    ]})
}

/// The IAM policy the responder itself needs for `actions`, with the role-writing permissions
/// scoped to `role_arns` (`*` when empty, which the caller should warn about).
///
/// `iam:PutRolePolicy` is a privilege-escalation permission: whoever holds it on a role can
/// give that role any permission, so it is granted only on the configured roles.
#[must_use]
pub fn least_privilege_policy(actions: &[ActionName], role_arns: &[String]) -> Value {
    let roles = role_arns_or_star(role_arns);
    let mut role_writes: Vec<&str> = Vec::new();
    let mut role_reads: Vec<&str> = Vec::new();
    let mut policy_reads: Vec<&str> = Vec::new();
    // Every action reads its instance, and the instance's profile association.
    let mut ec2: Vec<&str> = if actions.is_empty() {
        Vec::new()
    } else {
        vec![
            "ec2:DescribeInstances",
            "ec2:DescribeIamInstanceProfileAssociations",
        ]
    };
    for action in actions {
        match action {
            ActionName::RevokeRoleSessions
            | ActionName::DenyInstanceSession
            | ActionName::RestrictRoleToVpc => {
                role_writes.extend(["iam:PutRolePolicy", "iam:DeleteRolePolicy"]);
                // The verification reads every policy of the role back.
                role_reads.extend([
                    "iam:GetRole",
                    "iam:GetRolePolicy",
                    "iam:ListInstanceProfilesForRole",
                    "iam:ListRolePolicies",
                    "iam:ListAttachedRolePolicies",
                ]);
                policy_reads.extend(["iam:GetPolicy", "iam:GetPolicyVersion"]);
            }
            ActionName::IsolateInstance => ec2.extend([
                "ec2:DescribeSecurityGroups",
                "ec2:CreateSecurityGroup",
                "ec2:RevokeSecurityGroupEgress",
                "ec2:ModifyInstanceAttribute",
            ]),
            ActionName::SnapshotVolumes => ec2.push("ec2:CreateSnapshot"),
            ActionName::EnforceImdsv2 => ec2.push("ec2:ModifyInstanceMetadataOptions"),
            ActionName::TagResource => ec2.push("ec2:CreateTags"),
            ActionName::DetachInstanceProfile => ec2.extend([
                "ec2:DisassociateIamInstanceProfile",
                "ec2:AssociateIamInstanceProfile",
            ]),
        }
    }
    let mut statements = Vec::new();
    for (sid, list, resource) in [
        ("WriteOnlyConfiguredRoles", &mut role_writes, roles.clone()),
        ("ReadConfiguredRoles", &mut role_reads, roles),
        // Attached managed policies may be AWS's own (`arn:aws:iam::aws:policy/…`).
        ("ReadAttachedPolicies", &mut policy_reads, json!("*")),
        ("Ec2Response", &mut ec2, json!("*")),
    ] {
        list.sort_unstable();
        list.dedup();
        if !list.is_empty() {
            statements
                .push(json!({"Sid": sid, "Effect": "Allow", "Action": list, "Resource": resource}));
        }
    }
    if actions.contains(&ActionName::DetachInstanceProfile) {
        statements.push(
            json!({"Sid": "PassConfiguredRolesForUndo", "Effect": "Allow",
            "Action": ["iam:PassRole"], "Resource": role_arns_or_star(role_arns)}),
        );
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn role_arns_or_star(role_arns: &[String]) -> Value {
    if role_arns.is_empty() {
        json!(["*"])
    } else {
        json!(role_arns)
    }
}

/// [`least_privilege_policy`] as `trailguard respond --print-policy` prints it: the JSON
/// document, then an explanation of why `iam:PutRolePolicy` is scoped.
#[must_use]
pub fn least_privilege_text(actions: &[ActionName], role_arns: &[String]) -> String {
    let policy = least_privilege_policy(actions, role_arns);
    let json = serde_json::to_string_pretty(&policy).unwrap_or_default();
    let scope = if role_arns.is_empty() {
        "WARNING: no roles are configured, so the role permissions apply to every role (`*`). Configure the roles the responder may change.".to_owned()
    } else {
        format!(
            "The role permissions are limited to: {}.",
            role_arns.join(", ")
        )
    };
    format!(
        "{json}\n\n{scope}\n\
         iam:PutRolePolicy is a privilege-escalation permission: whoever holds it on a role can \
         attach any inline policy to that role, granting it (and anyone who can use the role) \
         any permission. Grant it only on the roles trailguard may remediate, never on `*`, and \
         keep the responder's own role out of that list.\n"
    )
}
