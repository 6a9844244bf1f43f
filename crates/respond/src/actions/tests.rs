#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::*;
use crate::account::{Account, SnapshotAccount};
use crate::config::ActionName;

const ROLE: &str = "GuardDuty-Example-EC2-Compromised";
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/GuardDuty-Example-EC2-Compromised";
const PROFILE_ARN: &str =
    "arn:aws:iam::123456789012:instance-profile/GuardDuty-Example-Compromised-Profile";
const INSTANCE: &str = "i-0c6ccf4f60832e825";
const SECOND: &str = "i-0e5b2f7a9c1d34e68";
/// 2026-05-12T16:20:00Z, a few minutes after the attacker's calls.
const NOW_MS: i64 = 1_778_602_800_000;
const LATER_MS: i64 = NOW_MS + 600_000;

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo-account")
}

/// A fresh copy of the demo snapshot.
fn demo() -> (tempfile::TempDir, SnapshotAccount) {
    let dir = tempfile::tempdir().unwrap();
    for file in ["gaad.json", "describe-instances.json"] {
        fs_err::copy(demo_dir().join(file), dir.path().join(file)).unwrap();
    }
    let account = SnapshotAccount::load(dir.path()).unwrap();
    (dir, account)
}

fn finding() -> Value {
    serde_json::from_str(&fs_err::read_to_string(demo_dir().join("finding.json")).unwrap()).unwrap()
}

fn params(mode: Mode) -> Params {
    Params {
        mode,
        ..Params::default()
    }
}

fn plan_at(
    action: ActionName,
    finding: &Value,
    p: &Params,
    account: &dyn Account,
    ms: i64,
) -> Result<Plan, ActionError> {
    plan(action, finding, p, account, &FixedClock(ms))
}

fn refusal(result: Result<Plan, ActionError>) -> String {
    match result {
        Err(ActionError::Refused { reason, .. }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn demo_snapshot_matches_the_simulated_workshop() {
    let facts = cloudtrail::simulate::workshop_facts(1);
    let (_dir, account) = demo();
    let role = account.get_role(&facts.role_name).unwrap().unwrap();
    assert_eq!(role.arn, facts.role_arn);
    let profiles = account
        .instance_profiles_for_role(&facts.role_name)
        .unwrap();
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0].name, facts.instance_profile);
    let instance = account
        .describe_instance(&facts.instance_id)
        .unwrap()
        .unwrap();
    assert_eq!(instance.name.as_deref(), Some(facts.instance_name.as_str()));
    let di: Value = serde_json::from_str(
        &fs_err::read_to_string(demo_dir().join("describe-instances.json")).unwrap(),
    )
    .unwrap();
    let public_ip = di["Reservations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["Instances"].as_array().unwrap())
        .find(|i| i["InstanceId"] == facts.instance_id.as_str())
        .map(|i| i["PublicIpAddress"].clone());
    assert_eq!(public_ip, Some(json!(facts.instance_public_ip)));
    let f = finding();
    let view = FindingView::of(&f);
    assert_eq!(view.user_name(), Some(facts.role_name.as_str()));
    assert_eq!(view.instance_id(), Some(facts.instance_id.as_str()));
    assert!(facts.session_arn.ends_with(view.session_name().unwrap()));
}

#[test]
fn revoke_role_sessions_plan() {
    let (_dir, account) = demo();
    let plan = plan_at(
        ActionName::RevokeRoleSessions,
        &finding(),
        &params(Mode::DryRun),
        &account,
        NOW_MS,
    )
    .unwrap();
    assert_eq!(plan.action, "revoke-role-sessions");
    assert_eq!(plan.mode, "dry-run");
    assert_eq!(
        plan.finding_id.as_deref(),
        Some("8a71215852e2ac88bd0e2aa76cf053fb")
    );
    assert_eq!(
        plan.target,
        Target::Role {
            name: ROLE.into(),
            arn: ROLE_ARN.into()
        }
    );
    assert_eq!(
        plan.calls,
        vec![ApiCall {
            service: "iam".into(),
            operation: "PutRolePolicy".into(),
            parameters: json!({
                "RoleName": ROLE,
                "PolicyName": "RevokeOldSessions",
                "PolicyDocument": r#"{"Statement":[{"Action":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-05-12T16:20:00Z"}},"Effect":"Deny","Resource":["*"]}],"Version":"2012-10-17"}"#,
            }),
        }]
    );
    assert_eq!(
        plan.blast_radius.instance_profiles,
        vec![PROFILE_ARN.to_owned()]
    );
    assert_eq!(
        plan.blast_radius.instances,
        vec![
            AffectedInstance {
                id: INSTANCE.into(),
                name: Some("GuardDuty-Example: Compromised Instance: Scenario 3".into()),
                state: "running".into()
            },
            AffectedInstance {
                id: SECOND.into(),
                name: Some("GuardDuty-Example: App Server (shares the Scenario 3 role)".into()),
                state: "running".into()
            },
        ]
    );
    assert_eq!(plan.risks.len(), 4);
    assert!(
        plan.risks[0].contains("2 instance(s) use this role"),
        "{}",
        plan.risks[0]
    );
    assert!(plan.risks[1].starts_with("An attacker who can still reach the instance"));
    assert!(plan.risks[2].starts_with("iam:PutRolePolicy is a powerful permission"));
    assert_eq!(
        plan.undo,
        Undo::RestoreRolePolicy {
            role: ROLE.into(),
            policy_name: "RevokeOldSessions".into(),
            previous: None
        }
    );
    assert_eq!(
        plan.undo.hint(),
        "delete inline policy `RevokeOldSessions` from role `GuardDuty-Example-EC2-Compromised`"
    );
    let session = plan.session.clone().unwrap();
    assert_eq!(
        session.arn,
        format!("arn:aws:sts::123456789012:assumed-role/{ROLE}/{INSTANCE}")
    );
    assert_eq!(session.user_id, format!("AROAY5EK6UB27OKMKKPDZ:{INSTANCE}"));
    assert_eq!(session.action, "ssm:DeleteParameter");
    let text = plan.to_text();
    assert!(
        text.starts_with(&format!(
            "Plan: revoke-role-sessions (dry-run) on role {ROLE} ({ROLE_ARN})\n"
        )),
        "{text}"
    );
    assert!(text.contains(&format!("  instance: {SECOND} GuardDuty-Example: App Server (shares the Scenario 3 role) [running]\n")));
}

#[test]
fn policy_name_parameter_is_used() {
    let (_dir, account) = demo();
    let p = Params {
        policy_name: Some("Custom".into()),
        ..params(Mode::DryRun)
    };
    let plan = plan_at(
        ActionName::RevokeRoleSessions,
        &finding(),
        &p,
        &account,
        NOW_MS,
    )
    .unwrap();
    assert_eq!(plan.calls[0].parameters["PolicyName"], "Custom");
}

#[test]
fn deny_instance_session_and_vpc_plans() {
    let (_dir, account) = demo();
    let deny = plan_at(
        ActionName::DenyInstanceSession,
        &finding(),
        &params(Mode::DryRun),
        &account,
        NOW_MS,
    )
    .unwrap();
    assert_eq!(
        deny.calls[0].parameters["PolicyName"],
        "DenyStolenInstanceSession"
    );
    assert_eq!(
        deny.calls[0].parameters["PolicyDocument"],
        format!(
            r#"{{"Statement":[{{"Action":["*"],"Condition":{{"StringEquals":{{"aws:userid":"AROAY5EK6UB27OKMKKPDZ:{INSTANCE}"}}}},"Effect":"Deny","Resource":["*"]}}],"Version":"2012-10-17"}}"#
        )
    );
    let vpc = plan_at(
        ActionName::RestrictRoleToVpc,
        &finding(),
        &params(Mode::DryRun),
        &account,
        NOW_MS,
    )
    .unwrap();
    let doc: Value =
        serde_json::from_str(vpc.calls[0].parameters["PolicyDocument"].as_str().unwrap()).unwrap();
    assert_eq!(
        doc["Statement"][0]["Condition"]["StringNotEquals"],
        json!({"aws:Ec2InstanceSourceVpc": "${aws:SourceVpc}"})
    );
    assert_eq!(
        doc["Statement"][1]["Condition"]["StringNotEquals"],
        json!({"aws:Ec2InstanceSourcePrivateIPv4": "${aws:VpcSourceIp}"})
    );
    assert_eq!(
        doc["Statement"][1]["Condition"]["Null"],
        json!({"ec2:SourceInstanceARN": "false"})
    );
    assert_eq!(vpc.blast_radius.instances.len(), 2);
}

#[test]
fn instance_action_plans() {
    let (_dir, account) = demo();
    let f = finding();
    let p = params(Mode::DryRun);
    let isolate = plan_at(ActionName::IsolateInstance, &f, &p, &account, NOW_MS).unwrap();
    let ops: Vec<&str> = isolate.calls.iter().map(|c| c.operation.as_str()).collect();
    assert_eq!(
        ops,
        [
            "CreateSecurityGroup",
            "RevokeSecurityGroupEgress",
            "ModifyInstanceAttribute"
        ]
    );
    assert_eq!(
        isolate.calls[0].parameters["VpcId"],
        "vpc-0a5d3f7c9e1b24680"
    );
    assert_eq!(
        isolate.calls[0].parameters["GroupName"],
        "trailguard-forensics"
    );
    assert_eq!(
        isolate.calls[2].parameters,
        json!({"InstanceId": INSTANCE, "Groups": [NEW_GROUP_ID]})
    );
    assert_eq!(
        isolate.undo,
        Undo::RestoreSecurityGroups {
            instance: INSTANCE.into(),
            groups: vec!["sg-0b7f3c1e5a9d24f68".into()]
        }
    );

    let snap = plan_at(ActionName::SnapshotVolumes, &f, &p, &account, NOW_MS).unwrap();
    assert_eq!(snap.calls.len(), 1);
    assert_eq!(
        snap.calls[0].parameters["VolumeId"],
        "vol-0f3a9c2e7b1d45a86"
    );
    assert!(matches!(snap.undo, Undo::None { .. }));

    let imds = plan_at(ActionName::EnforceImdsv2, &f, &p, &account, NOW_MS).unwrap();
    assert_eq!(
        imds.calls[0].parameters,
        json!({"InstanceId": INSTANCE, "HttpTokens": "required"})
    );
    assert_eq!(
        imds.undo,
        Undo::RestoreMetadataOptions {
            instance: INSTANCE.into(),
            http_tokens: "optional".into()
        }
    );

    let tag = plan_at(ActionName::TagResource, &f, &p, &account, NOW_MS).unwrap();
    assert_eq!(
        tag.calls[0].parameters,
        json!({"Resources": [INSTANCE], "Tags": [{"Key": "trailguard:finding", "Value": "8a71215852e2ac88bd0e2aa76cf053fb"}]})
    );

    let detach = plan_at(ActionName::DetachInstanceProfile, &f, &p, &account, NOW_MS).unwrap();
    assert_eq!(
        detach.calls[0].parameters,
        json!({"AssociationId": "iip-assoc-0c6ccf4f60832e825"})
    );
    assert_eq!(
        detach.undo,
        Undo::ReassociateProfile {
            instance: INSTANCE.into(),
            profile_arn: PROFILE_ARN.into()
        }
    );
    assert_eq!(
        detach.blast_radius.instance_profiles,
        vec![PROFILE_ARN.to_owned()]
    );
}

#[test]
fn guards_refuse_with_a_reason() {
    let (_dir, account) = demo();
    let p = params(Mode::Enforce);
    let mut sample = finding();
    sample["service"]["additionalInfo"]["sample"] = json!(true);
    assert_eq!(
        refusal(plan_at(
            ActionName::RevokeRoleSessions,
            &sample,
            &p,
            &account,
            NOW_MS
        )),
        "the finding is a GuardDuty sample finding (`service.additionalInfo.sample` is true)"
    );
    let mut linked = finding();
    linked["resource"]["accessKeyDetails"]["userName"] = json!("AWSServiceRoleForAmazonGuardDuty");
    assert!(
        refusal(plan_at(
            ActionName::RevokeRoleSessions,
            &linked,
            &p,
            &account,
            NOW_MS
        ))
        .starts_with("role `AWSServiceRoleForAmazonGuardDuty` is a service-linked role")
    );
    let scoped = Params {
        allowed_roles: vec!["other-role".into()],
        ..p.clone()
    };
    assert_eq!(
        refusal(plan_at(
            ActionName::RevokeRoleSessions,
            &finding(),
            &scoped,
            &account,
            NOW_MS
        )),
        format!("role `{ROLE}` is not in the allowed roles (other-role)")
    );
    let by_arn = Params {
        allowed_roles: vec![ROLE_ARN.into()],
        ..p.clone()
    };
    assert!(
        plan_at(
            ActionName::RevokeRoleSessions,
            &finding(),
            &by_arn,
            &account,
            NOW_MS
        )
        .is_ok()
    );
    let accounts = Params {
        allowed_accounts: vec!["111122223333".into()],
        ..p.clone()
    };
    assert_eq!(
        refusal(plan_at(
            ActionName::IsolateInstance,
            &finding(),
            &accounts,
            &account,
            NOW_MS
        )),
        "account `123456789012` is not in the allowed accounts (111122223333)"
    );
    let mut no_instance = finding();
    no_instance["resource"]
        .as_object_mut()
        .unwrap()
        .remove("instanceDetails");
    assert_eq!(
        refusal(plan_at(
            ActionName::IsolateInstance,
            &no_instance,
            &p,
            &account,
            NOW_MS
        )),
        "the finding names no instance (`resource.instanceDetails.instanceId`)"
    );
    let mut identity = finding();
    identity["resource"]["accessKeyDetails"]["userName"] = json!("aws:ec2-instance");
    assert_eq!(
        refusal(plan_at(
            ActionName::DenyInstanceSession,
            &identity,
            &p,
            &account,
            NOW_MS
        )),
        "role `aws:ec2-instance` is EC2's own identity role, not a customer role"
    );
    let mut user = finding();
    user["resource"]["accessKeyDetails"]["userType"] = json!("IAMUser");
    assert!(
        refusal(plan_at(
            ActionName::RevokeRoleSessions,
            &user,
            &p,
            &account,
            NOW_MS
        ))
        .contains("is not `AssumedRole`")
    );
}

fn inline_names(account: &SnapshotAccount) -> Vec<String> {
    account
        .iam()
        .inline_role_policies(ROLE)
        .unwrap()
        .iter()
        .map(|p| p.name().to_owned())
        .collect()
}

#[test]
fn enforce_twice_keeps_one_policy_with_the_second_cutoff() {
    let (_dir, mut account) = demo();
    let p = params(Mode::Enforce);
    let first = plan_at(
        ActionName::RevokeRoleSessions,
        &finding(),
        &p,
        &account,
        NOW_MS,
    )
    .unwrap();
    execute(&first, &mut account).unwrap();
    let second = plan_at(
        ActionName::RevokeRoleSessions,
        &finding(),
        &p,
        &account,
        LATER_MS,
    )
    .unwrap();
    assert!(matches!(
        &second.undo,
        Undo::RestoreRolePolicy {
            previous: Some(_),
            ..
        }
    ));
    execute(&second, &mut account).unwrap();
    assert_eq!(
        inline_names(&account),
        ["GuardDutyCompromisedPolicy", "RevokeOldSessions"]
    );
    let doc: Value = serde_json::from_str(
        &account
            .get_role_policy(ROLE, "RevokeOldSessions")
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        doc["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"],
        "2026-05-12T16:30:00Z"
    );
}

#[test]
fn revoke_verifies_itself() {
    let (_dir, mut account) = demo();
    let p = Params {
        verify_action: Some("dynamodb:ListTables".into()),
        ..params(Mode::Enforce)
    };
    let plan = plan_at(
        ActionName::RevokeRoleSessions,
        &finding(),
        &p,
        &account,
        NOW_MS,
    )
    .unwrap();
    let execution = execute(&plan, &mut account).unwrap();
    let v = execution.verification.unwrap();
    assert!(v.policy_read_back);
    let summary: Vec<(&str, &str, &str, Vec<String>, bool)> = v
        .checks
        .iter()
        .map(|c| {
            (
                c.action.as_str(),
                c.token_issue_time.as_str(),
                c.decision.as_str(),
                c.matched_policies.clone(),
                c.holds,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "dynamodb:ListTables",
                "2026-05-12T16:19:59Z",
                "ExplicitlyDenied",
                vec!["RevokeOldSessions".to_owned()],
                true
            ),
            (
                "dynamodb:ListTables",
                "2026-05-12T16:20:01Z",
                "Allowed",
                vec!["GuardDutyCompromisedPolicy".to_owned()],
                true
            ),
        ]
    );
}

#[test]
fn deny_instance_session_verifies_only_that_session_is_denied() {
    let (_dir, mut account) = demo();
    let p = Params {
        verify_action: Some("dynamodb:ListTables".into()),
        ..params(Mode::Enforce)
    };
    let plan = plan_at(
        ActionName::DenyInstanceSession,
        &finding(),
        &p,
        &account,
        NOW_MS,
    )
    .unwrap();
    let v = execute(&plan, &mut account).unwrap().verification.unwrap();
    let decisions: Vec<(&str, bool)> = v
        .checks
        .iter()
        .map(|c| (c.decision.as_str(), c.holds))
        .collect();
    assert_eq!(decisions, [("ExplicitlyDenied", true), ("Allowed", true)]);
    assert_eq!(
        v.checks[1].principal,
        format!("arn:aws:sts::123456789012:assumed-role/{ROLE}/{SECOND}")
    );
}

fn file_bytes(dir: &Path) -> Vec<Vec<u8>> {
    ["gaad.json", "describe-instances.json"]
        .iter()
        .map(|f| fs_err::read(dir.join(f)).unwrap())
        .collect()
}

#[test]
fn undo_restores_the_snapshot_files_byte_for_byte() {
    for action in [
        ActionName::RevokeRoleSessions,
        ActionName::IsolateInstance,
        ActionName::EnforceImdsv2,
        ActionName::DetachInstanceProfile,
    ] {
        let (dir, mut account) = demo();
        let before = file_bytes(dir.path());
        let plan = plan_at(action, &finding(), &params(Mode::Enforce), &account, NOW_MS).unwrap();
        execute(&plan, &mut account).unwrap();
        account.save().unwrap();
        assert_ne!(file_bytes(dir.path()), before, "{action}");
        let mut account = SnapshotAccount::load(dir.path()).unwrap();
        undo(&plan.undo, &mut account).unwrap();
        account.save().unwrap();
        assert_eq!(file_bytes(dir.path()), before, "{action}");
    }
}

#[test]
fn isolate_creates_the_group_once_and_replaces_the_groups() {
    let (_dir, mut account) = demo();
    let p = params(Mode::Enforce);
    let plan = plan_at(
        ActionName::IsolateInstance,
        &finding(),
        &p,
        &account,
        NOW_MS,
    )
    .unwrap();
    let execution = execute(&plan, &mut account).unwrap();
    let group = execution.responses[0]["GroupId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(execution.calls[2].parameters["Groups"], json!([group]));
    let instance = account.describe_instance(INSTANCE).unwrap().unwrap();
    let groups: Vec<(&str, &str)> = instance
        .security_groups
        .iter()
        .map(|g| (g.id.as_str(), g.name.as_str()))
        .collect();
    assert_eq!(groups, [(group.as_str(), "trailguard-forensics")]);
    let again = plan_at(
        ActionName::IsolateInstance,
        &finding(),
        &p,
        &account,
        LATER_MS,
    )
    .unwrap();
    let ops: Vec<&str> = again.calls.iter().map(|c| c.operation.as_str()).collect();
    assert_eq!(ops, ["ModifyInstanceAttribute"]);
    assert_eq!(again.calls[0].parameters["Groups"], json!([group]));
}

#[test]
fn refused_undo_of_irreversible_actions() {
    let (_dir, mut account) = demo();
    let err = undo(
        &Undo::None {
            hint: "delete the snapshots by hand".into(),
        },
        &mut account,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid: this action cannot be undone: delete the snapshots by hand"
    );
}

#[test]
fn least_privilege_policy_scopes_role_writes() {
    let policy = least_privilege_policy(&[ActionName::RevokeRoleSessions], &[ROLE_ARN.to_owned()]);
    assert_eq!(
        policy["Statement"][0],
        json!({"Sid": "WriteOnlyConfiguredRoles", "Effect": "Allow",
        "Action": ["iam:DeleteRolePolicy", "iam:PutRolePolicy"], "Resource": [ROLE_ARN]})
    );
    assert_eq!(
        policy["Statement"][1],
        json!({"Sid": "ReadConfiguredRoles", "Effect": "Allow",
        "Action": ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
            "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies"],
        "Resource": [ROLE_ARN]}),
        "the plan's reads, and the verification's"
    );
    assert_eq!(
        policy["Statement"][2],
        json!({"Sid": "ReadAttachedPolicies", "Effect": "Allow",
        "Action": ["iam:GetPolicy", "iam:GetPolicyVersion"], "Resource": "*"})
    );
    assert_eq!(
        policy["Statement"][3]["Action"],
        json!([
            "ec2:DescribeIamInstanceProfileAssociations",
            "ec2:DescribeInstances"
        ])
    );
    assert_eq!(policy["Statement"].as_array().unwrap().len(), 4);
    let isolate = least_privilege_policy(&[ActionName::IsolateInstance], &[]);
    assert_eq!(
        isolate["Statement"],
        json!([{"Sid": "Ec2Response", "Effect": "Allow", "Action": [
            "ec2:CreateSecurityGroup", "ec2:DescribeIamInstanceProfileAssociations",
            "ec2:DescribeInstances", "ec2:DescribeSecurityGroups", "ec2:ModifyInstanceAttribute",
            "ec2:RevokeSecurityGroupEgress"], "Resource": "*"}])
    );
}

#[test]
fn audit_log_records_plans_refusals_and_results() {
    let mut store = store::Store::in_memory().unwrap();
    let (_dir, mut account) = demo();
    let plan = plan_at(
        ActionName::RevokeRoleSessions,
        &finding(),
        &params(Mode::Enforce),
        &account,
        NOW_MS,
    )
    .unwrap();
    let id = record_plan(&mut store, &plan).unwrap();
    let result = execute(&plan, &mut account);
    record_execution(&mut store, &id, &result).unwrap();
    record_refusal(
        &mut store,
        "isolate-instance",
        Mode::DryRun,
        Some("f"),
        "no",
        NOW_MS + 1,
    )
    .unwrap();
    let rows = store.actions().unwrap();
    let summary: Vec<(&str, &str, Option<&str>)> = rows
        .iter()
        .map(|r| {
            (
                r.action.as_str(),
                r.status.as_str(),
                r.finding_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "revoke-role-sessions",
                "applied",
                Some("8a71215852e2ac88bd0e2aa76cf053fb")
            ),
            ("isolate-instance", "refused", Some("f"))
        ]
    );
    let undo: Undo = serde_json::from_str(rows[0].undo.as_deref().unwrap()).unwrap();
    assert_eq!(undo, plan.undo);
    let stored: Plan = serde_json::from_str(&rows[0].plan).unwrap();
    assert_eq!(stored, plan);
}

#[test]
fn a_dry_run_plan_is_never_executed() {
    let (_dir, mut account) = demo();
    let plan = plan_at(
        ActionName::RevokeRoleSessions,
        &finding(),
        &params(Mode::DryRun),
        &account,
        NOW_MS,
    )
    .unwrap();
    let err = execute(&plan, &mut account).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid: plan of `revoke-role-sessions` is `dry-run`: only enforce-mode plans are executed"
    );
    assert_eq!(inline_names(&account), ["GuardDutyCompromisedPolicy"]);
}

#[test]
fn least_privilege_text_explains_the_escalation_risk() {
    let scoped = least_privilege_text(&[ActionName::RevokeRoleSessions], &[ROLE_ARN.to_owned()]);
    assert!(scoped.starts_with("{\n  \"Statement\": ["), "{scoped}");
    assert!(scoped.contains(&format!(
        "The role permissions are limited to: {ROLE_ARN}.\n"
    )));
    assert!(scoped.contains("iam:PutRolePolicy is a privilege-escalation permission"));
    let open = least_privilege_text(&[ActionName::RevokeRoleSessions], &[]);
    assert!(open.contains("WARNING: no roles are configured"));
    assert_eq!(
        least_privilege_policy(&[ActionName::RevokeRoleSessions], &[])["Statement"][0]["Resource"],
        json!(["*"])
    );
}

#[test]
fn envelopes_and_string_sample_flags_are_read() {
    let envelope = json!({"version": "0", "id": "e", "detail-type": "GuardDuty Finding",
        "source": "aws.guardduty", "account": "123456789012", "time": "2026-05-12T16:20:00Z",
        "region": "us-west-2", "resources": [], "detail": finding()});
    let (_dir, account) = demo();
    let plan = plan_at(
        ActionName::EnforceImdsv2,
        &envelope,
        &params(Mode::DryRun),
        &account,
        NOW_MS,
    )
    .unwrap();
    assert_eq!(
        plan.finding_id.as_deref(),
        Some("8a71215852e2ac88bd0e2aa76cf053fb")
    );
    let mut sample = envelope;
    sample["detail"]["service"]["additionalInfo"]["sample"] = json!("true");
    assert!(FindingView::of(&sample).is_sample());
}
