//! The live-AWS half of `respond` against a real moto server (`scripts/test.sh` starts it):
//! every remediation action planned, applied, verified and undone on the workshop's stack
//! built in moto, with moto's own answers as the oracle; and the `sns` (into an SQS
//! subscription) and `lambda` targets.
#![cfg(feature = "aws")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod support;

use std::time::Duration;

use respond::account::Account;
use respond::actions::{self, FixedClock, Params, Plan, Undo};
use respond::aws::{Aws, AwsAccount, AwsSettings};
use respond::config::{ActionName, Mode};
use respond::targets::{Backoff, Deliverer, DeliveryOutcome, EmailSettings, Job};
use serde_json::{Value, json};
use store::Store;
use store::deliveries::DeliveryStatus;
use support::in_child_with_env;
use support::moto::{ACCOUNT, FAKE_CREDENTIALS, Moto, REGION, Stack, normalized, tag, unique};

/// 2026-11-29T10:00:00Z and ten minutes later.
const NOW_MS: i64 = 1_795_946_400_000;
const LATER_MS: i64 = NOW_MS + 600_000;
const CUTOFF: &str = "2026-11-29T10:00:00Z";
const LATER_CUTOFF: &str = "2026-11-29T10:10:00Z";

/// The moto server with the SDK's environment set, or `None` when this is the parent
/// process that re-ran the test in a child (or there is no moto, outside CI).
fn moto_for(test: &str) -> Option<Moto> {
    let moto = Moto::from_env()?;
    in_child_with_env(test, &FAKE_CREDENTIALS).then_some(moto)
}

fn aws(moto: &Moto) -> Aws {
    Aws::connect(&AwsSettings {
        region: Some(REGION.to_owned()),
        endpoint_url: Some(moto.endpoint.clone()),
        max_attempts: Some(1),
        ..AwsSettings::default()
    })
    .unwrap()
}

fn params(mode: Mode) -> Params {
    Params {
        mode,
        ..Params::default()
    }
}

fn plan_on(account: &AwsAccount, action: ActionName, stack: &Stack, mode: Mode, now: i64) -> Plan {
    actions::plan(
        action,
        &stack.finding(),
        &params(mode),
        account,
        &FixedClock(now),
    )
    .unwrap()
}

/// The workshop's `RevokeOldSessions`, in the shape moto gives documents back.
fn revoke_document(cutoff: &str) -> Value {
    normalized(
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}}}}),
    )
}

#[test]
fn revoke_role_sessions_puts_the_workshop_policy_on_the_moto_role_idempotently_and_undoes() {
    let Some(moto) = moto_for(
        "revoke_role_sessions_puts_the_workshop_policy_on_the_moto_role_idempotently_and_undoes",
    ) else {
        return;
    };
    let stack = Stack::create(&moto);
    let mut account = AwsAccount::new(aws(&moto));

    let first = plan_on(
        &account,
        ActionName::RevokeRoleSessions,
        &stack,
        Mode::Enforce,
        NOW_MS,
    );
    let mut radius: Vec<&str> = first
        .blast_radius
        .instances
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    radius.sort_unstable();
    let mut expected = vec![stack.instance.as_str(), stack.second_instance.as_str()];
    expected.sort_unstable();
    assert_eq!(radius, expected, "both instances using the role");
    assert_eq!(
        first.blast_radius.instance_profiles,
        [stack.profile_arn.as_str()]
    );
    let execution = actions::execute(&first, &mut account).unwrap();
    let verification = execution.verification.unwrap();
    assert!(verification.holds(), "{}", verification.summary());
    assert_eq!(
        stack.role_policy(&moto, "RevokeOldSessions"),
        Some(revoke_document(CUTOFF)),
        "GetRolePolicy returns the workshop's policy"
    );

    // Enforce again, later: one policy, its cutoff moved.
    let second = plan_on(
        &account,
        ActionName::RevokeRoleSessions,
        &stack,
        Mode::Enforce,
        LATER_MS,
    );
    actions::execute(&second, &mut account).unwrap();
    assert_eq!(
        stack.role_policy_names(&moto),
        ["GuardDutyCompromisedPolicy", "RevokeOldSessions"]
    );
    assert_eq!(
        stack.role_policy(&moto, "RevokeOldSessions"),
        Some(revoke_document(LATER_CUTOFF))
    );

    // Undo the second: the first cutoff is back; undo the first: the policy is gone.
    actions::undo(&second.undo, &mut account).unwrap();
    assert_eq!(
        stack.role_policy(&moto, "RevokeOldSessions"),
        Some(revoke_document(CUTOFF))
    );
    actions::undo(&first.undo, &mut account).unwrap();
    assert_eq!(
        stack.role_policy_names(&moto),
        ["GuardDutyCompromisedPolicy"]
    );
}

#[test]
fn dry_run_plans_of_every_action_change_nothing_in_moto() {
    let Some(moto) = moto_for("dry_run_plans_of_every_action_change_nothing_in_moto") else {
        return;
    };
    let stack = Stack::create(&moto);
    let account = AwsAccount::new(aws(&moto));
    let state = |moto: &Moto| {
        (
            stack.role_policy_names(moto),
            stack.groups_of(moto, &stack.instance),
            moto.call(
                "ec2",
                "DescribeSecurityGroups",
                &[
                    ("Filter.1.Name", "vpc-id"),
                    ("Filter.1.Value.1", &stack.vpc),
                ],
            )
            .matches("<groupId>")
            .count(),
            moto.call("ec2", "DescribeIamInstanceProfileAssociations", &[])
                .matches(&stack.instance)
                .count(),
            moto.call(
                "ec2",
                "DescribeInstances",
                &[("InstanceId.1", &stack.instance)],
            )
            .contains("<httpTokens>required</httpTokens>"),
            moto.call(
                "ec2",
                "DescribeTags",
                &[
                    ("Filter.1.Name", "resource-id"),
                    ("Filter.1.Value.1", &stack.instance),
                ],
            ),
        )
    };
    let before = state(&moto);
    for action in ActionName::ALL {
        let plan = plan_on(&account, action, &stack, Mode::DryRun, NOW_MS);
        assert_eq!(plan.mode, "dry-run");
        assert!(!plan.calls.is_empty(), "{action} plans its calls");
        let refused = actions::execute(&plan, &mut account.clone()).unwrap_err();
        assert!(
            refused.to_string().contains("only enforce-mode plans"),
            "{refused}"
        );
    }
    assert_eq!(state(&moto), before, "no write reached moto");
}

#[test]
fn isolate_instance_moves_the_instance_into_a_closed_forensic_group_and_undo_restores_it() {
    let Some(moto) = moto_for(
        "isolate_instance_moves_the_instance_into_a_closed_forensic_group_and_undo_restores_it",
    ) else {
        return;
    };
    let stack = Stack::create(&moto);
    let mut account = AwsAccount::new(aws(&moto));
    let plan = plan_on(
        &account,
        ActionName::IsolateInstance,
        &stack,
        Mode::Enforce,
        NOW_MS,
    );
    let operations: Vec<&str> = plan.calls.iter().map(|c| c.operation.as_str()).collect();
    assert_eq!(
        operations,
        [
            "CreateSecurityGroup",
            "RevokeSecurityGroupEgress",
            "ModifyInstanceAttribute"
        ]
    );
    let execution = actions::execute(&plan, &mut account).unwrap();
    let forensic = execution.responses[0]["GroupId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(execution.responses[1], json!({"Return": true}));
    assert_eq!(stack.groups_of(&moto, &stack.instance), [forensic.as_str()]);
    assert_eq!(
        stack.groups_of(&moto, &stack.second_instance),
        [stack.group.as_str()],
        "the other instance keeps its groups"
    );
    let group = moto.call("ec2", "DescribeSecurityGroups", &[("GroupId.1", &forensic)]);
    assert_eq!(tag(&group, "groupName"), Some("trailguard-forensics"));
    assert!(
        !group.contains("<cidrIp>"),
        "no rule left in or out: {group}"
    );

    // A second isolation reuses the group and creates nothing.
    let again = plan_on(
        &account,
        ActionName::IsolateInstance,
        &stack,
        Mode::Enforce,
        LATER_MS,
    );
    assert_eq!(again.calls.len(), 1);
    assert_eq!(again.calls[0].parameters["Groups"], json!([forensic]));
    actions::execute(&again, &mut account).unwrap();

    actions::undo(&plan.undo, &mut account).unwrap();
    assert_eq!(
        stack.groups_of(&moto, &stack.instance),
        [stack.group.as_str()]
    );
}

#[test]
fn instance_actions_change_moto_as_planned_and_the_reversible_ones_undo() {
    let Some(moto) =
        moto_for("instance_actions_change_moto_as_planned_and_the_reversible_ones_undo")
    else {
        return;
    };
    let stack = Stack::create(&moto);
    let mut account = AwsAccount::new(aws(&moto));
    let described = |moto: &Moto| {
        moto.call(
            "ec2",
            "DescribeInstances",
            &[("InstanceId.1", &stack.instance)],
        )
    };

    // enforce-imdsv2: HttpTokens required, and back.
    let imds = plan_on(
        &account,
        ActionName::EnforceImdsv2,
        &stack,
        Mode::Enforce,
        NOW_MS,
    );
    actions::execute(&imds, &mut account).unwrap();
    assert_eq!(tag(&described(&moto), "httpTokens"), Some("required"));
    actions::undo(&imds.undo, &mut account).unwrap();
    assert_eq!(tag(&described(&moto), "httpTokens"), Some("optional"));

    // tag-resource: the finding id as a tag.
    let tagging = plan_on(
        &account,
        ActionName::TagResource,
        &stack,
        Mode::Enforce,
        NOW_MS,
    );
    actions::execute(&tagging, &mut account).unwrap();
    let tags = moto.call(
        "ec2",
        "DescribeTags",
        &[
            ("Filter.1.Name", "resource-id"),
            ("Filter.1.Value.1", &stack.instance),
        ],
    );
    assert!(
        tags.contains("<key>trailguard:finding</key>")
            && tags.contains("<value>7ec6b7e2d6c4a1b2c3d4e5f6a7b8c9d0</value>"),
        "{tags}"
    );

    // snapshot-volumes: one snapshot per attached volume.
    let snapshots = plan_on(
        &account,
        ActionName::SnapshotVolumes,
        &stack,
        Mode::Enforce,
        NOW_MS,
    );
    let volumes = account
        .describe_instance(&stack.instance)
        .unwrap()
        .unwrap()
        .volumes;
    assert!(!volumes.is_empty(), "moto gives instances a root volume");
    let execution = actions::execute(&snapshots, &mut account).unwrap();
    assert_eq!(execution.responses.len(), volumes.len());
    for (response, volume) in execution.responses.iter().zip(&volumes) {
        let id = response["SnapshotId"].as_str().unwrap();
        let found = moto.call("ec2", "DescribeSnapshots", &[("SnapshotId.1", id)]);
        assert_eq!(tag(&found, "volumeId"), Some(volume.as_str()));
    }
    assert!(matches!(snapshots.undo, Undo::None { .. }));

    // detach-instance-profile: the association goes, and undo associates it again.
    let detach = plan_on(
        &account,
        ActionName::DetachInstanceProfile,
        &stack,
        Mode::Enforce,
        NOW_MS,
    );
    actions::execute(&detach, &mut account).unwrap();
    let associations = |moto: &Moto| {
        let xml = moto.call(
            "ec2",
            "DescribeIamInstanceProfileAssociations",
            &[
                ("Filter.1.Name", "instance-id"),
                ("Filter.1.Value.1", &stack.instance),
            ],
        );
        xml.matches("<state>associated</state>").count()
    };
    assert_eq!(associations(&moto), 0);
    actions::undo(&detach.undo, &mut account).unwrap();
    assert_eq!(associations(&moto), 1);
    let profile = account
        .describe_instance(&stack.instance)
        .unwrap()
        .unwrap()
        .profile;
    assert_eq!(profile.unwrap().profile_arn, stack.profile_arn);
}

#[test]
fn policy_actions_write_their_policies_and_verify_them_against_moto() {
    let Some(moto) = moto_for("policy_actions_write_their_policies_and_verify_them_against_moto")
    else {
        return;
    };
    let stack = Stack::create(&moto);
    let mut account = AwsAccount::new(aws(&moto));
    for (action, name, verified) in [
        (
            ActionName::DenyInstanceSession,
            "DenyStolenInstanceSession",
            true,
        ),
        // The VPC condition needs the caller's network context: no offline verification.
        (
            ActionName::RestrictRoleToVpc,
            "RestrictToInstanceVpc",
            false,
        ),
    ] {
        let plan = plan_on(&account, action, &stack, Mode::Enforce, NOW_MS);
        let execution = actions::execute(&plan, &mut account).unwrap();
        assert_eq!(execution.verification.is_some(), verified, "{action}");
        if let Some(verification) = execution.verification {
            assert!(verification.holds(), "{action}: {}", verification.summary());
        }
        let written: Value =
            serde_json::from_str(plan.calls[0].parameters["PolicyDocument"].as_str().unwrap())
                .unwrap();
        assert_eq!(
            stack.role_policy(&moto, name),
            Some(normalized(written)),
            "{action}"
        );
        actions::undo(&plan.undo, &mut account).unwrap();
        assert_eq!(stack.role_policy(&moto, name), None, "{action} undone");
    }
}

#[test]
fn the_account_reports_what_moto_does_not_have() {
    let Some(moto) = moto_for("the_account_reports_what_moto_does_not_have") else {
        return;
    };
    let mut account = AwsAccount::new(aws(&moto));
    assert_eq!(account.get_role(&unique("no-such-role")).unwrap(), None);
    assert_eq!(
        account.describe_instance("i-0123456789abcdef0").unwrap(),
        None
    );
    let missing = unique("no-such-role");
    let error = account.put_role_policy(&missing, "P", "{}").unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("role `{missing}` does not exist")
    );
    let error = account
        .disassociate_profile("iip-assoc-0123456789abcdef0")
        .unwrap_err();
    assert!(error.to_string().contains("does not exist"), "{error}");
    let stack = Stack::create(&moto);
    assert!(
        !account
            .delete_role_policy(&stack.role, "NoSuchPolicy")
            .unwrap()
    );
    let refused = account
        .put_role_policy(&stack.role, "Broken", "not json")
        .unwrap_err();
    assert!(
        refused.to_string().contains("iam:PutRolePolicy"),
        "{refused}"
    );
}

fn quick(aws: Aws) -> Deliverer {
    Deliverer::new(EmailSettings::default())
        .with_backoff(Backoff {
            base: Duration::from_millis(10),
            max: Duration::from_millis(40),
        })
        .with_aws(aws)
}

const WORKSHOP_TEXT: &str = "\"GuardDuty Finding | ID:7ec6b7e2d6c4a1b2c3d4e5f6a7b8c9d0: An EC2 instance IAM credentials (Role: GuardDuty-Example-EC2-Compromised) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty\"";

#[test]
fn an_sns_target_publishes_into_an_sqs_subscription_and_a_missing_topic_is_kept_until_it_exists() {
    let Some(moto) = moto_for(
        "an_sns_target_publishes_into_an_sqs_subscription_and_a_missing_topic_is_kept_until_it_exists",
    ) else {
        return;
    };
    let topic_name = unique("GuardDuty-Example");
    let topic_arn = format!("arn:aws:sns:{REGION}:{ACCOUNT}:{topic_name}");
    let target = support::target(&format!(
        "type = \"sns\"\nid = \"topic\"\ntopic_arn = \"{topic_arn}\"\nretries = 1"
    ));
    let deliverer = quick(aws(&moto));
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("state.db")).unwrap();

    // No topic yet: the delivery fails and is kept.
    let dispatch = respond::router::Dispatch {
        rule: "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration",
        target_id: &target.id,
        target: &target,
        input: WORKSHOP_TEXT.to_owned(),
    };
    let reports = deliverer
        .deliver_dispatches(std::slice::from_ref(&dispatch), Some("f-1"), &mut store)
        .unwrap();
    let DeliveryOutcome::Failed(error) = &reports[0].outcome else {
        panic!("delivered to a missing topic");
    };
    assert!(error.to_string().contains("NotFound"), "{error}");
    let kept = store.deliveries(Some(DeliveryStatus::Failed)).unwrap();
    assert_eq!(kept.len(), 1);

    // The topic appears, subscribed by a queue: retry delivers the kept text.
    let (created_arn, queue_url) = moto.topic_with_queue(&topic_name);
    assert_eq!(created_arn, topic_arn);
    let retried = deliverer
        .retry_kept(&[(&kept[0], &target)], &mut store)
        .unwrap();
    assert!(matches!(retried[0].outcome, DeliveryOutcome::Delivered));
    assert!(
        store
            .deliveries(Some(DeliveryStatus::Failed))
            .unwrap()
            .is_empty()
    );

    let notifications = moto.notifications(&queue_url);
    assert_eq!(notifications.len(), 1, "{notifications:?}");
    let envelope = &notifications[0];
    assert_eq!(envelope["Type"], "Notification");
    assert_eq!(envelope["TopicArn"], topic_arn.as_str());
    assert_eq!(
        envelope["Message"], WORKSHOP_TEXT,
        "the workshop's text, quotes included"
    );
}

#[test]
fn a_lambda_target_invokes_the_function_asynchronously_and_a_missing_one_fails() {
    let Some(moto) =
        moto_for("a_lambda_target_invokes_the_function_asynchronously_and_a_missing_one_fails")
    else {
        return;
    };
    let stack = Stack::create(&moto);
    let function = unique("GuardDuty-Example-Remediation");
    moto.create_function(&function, &stack.role_arn);
    moto.lambda_runs_functions(false);
    let deliverer = quick(aws(&moto));
    let event = stack.finding().to_string();
    let present = support::target(&format!(
        "type = \"lambda\"\nfunction_name = \"{function}\"\nretries = 0"
    ));
    let report = deliverer.deliver(&Job {
        rule: "r",
        target: &present,
        input: &event,
    });
    assert!(
        matches!(report.outcome, DeliveryOutcome::Delivered),
        "{:?}",
        report.outcome
    );
    // moto's Docker-free Lambda answers for any name: a missing function is only reported by
    // the regular backend (which would need Docker to run a function that exists).
    moto.lambda_runs_functions(true);
    let missing = support::target(&format!(
        "type = \"lambda\"\nfunction_name = \"{}\"\nretries = 0",
        unique("absent")
    ));
    let report = deliverer.deliver(&Job {
        rule: "r",
        target: &missing,
        input: &event,
    });
    let DeliveryOutcome::Failed(error) = &report.outcome else {
        panic!("invoked a missing function");
    };
    assert!(error.to_string().contains("ResourceNotFound"), "{error}");
}
