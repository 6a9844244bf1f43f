//! The workshop's remediation end to end: the role `GuardDuty-Example-EC2-Compromised` of the
//! workshop stack (docs/workshop-scenario.md §3) gets the workshop Lambda's inline policy
//! `RevokeOldSessions` (its exact document: `Statement` as an object, a timestamp without `Z`,
//! read as UTC) or the IAM console's `AWSRevokeOlderSessions`; the stolen session (issued one
//! second before the cutoff) is explicitly denied by that policy, a fresh session keeps the
//! role's permissions (`dynamodb:ListTables` from `GuardDutyCompromisedPolicy`).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use iam::snapshot::Snapshot;
use iam::{Context, Decision, Effect, PolicyKind, Principal, Request};

const GAAD: &str = include_str!("fixtures/workshop-gaad.json");
const ROLE: &str = "GuardDuty-Example-EC2-Compromised";
const SESSION: &str =
    "arn:aws:sts::123456789012:assumed-role/GuardDuty-Example-EC2-Compromised/i-0123456789abcdef0";
/// Exactly what the workshop Lambda sends (it strips spaces and newlines).
const WORKSHOP_POLICY: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2021-03-08T12:34:56.789012"}}}}"#;
/// The console's "Revoke active sessions" document (id_roles_use_revoke-sessions).
const CONSOLE_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":"2021-03-08T12:34:56.789Z"}}}]}"#;

fn list_tables(issued: &str) -> Request {
    let mut ctx = Context::new();
    ctx.insert("aws:TokenIssueTime", issued);
    Request::new(
        Principal::parse(SESSION),
        "dynamodb:ListTables",
        "*",
        None,
        ctx,
    )
    .unwrap()
}

fn decide(
    snapshot: &Snapshot,
    request: Request,
) -> (Decision, Vec<(PolicyKind, String, usize, Effect)>) {
    let simulation = snapshot.simulation(request).unwrap();
    let response = simulation.run();
    let matched = response
        .matched
        .iter()
        .map(|m| (m.kind, m.policy.to_owned(), m.statement, m.effect))
        .collect();
    (response.decision, matched)
}

#[test]
fn before_remediation_the_stolen_session_may_list_tables() {
    let snapshot = Snapshot::parse(GAAD).unwrap();
    let (decision, matched) = decide(&snapshot, list_tables("2021-03-08T12:34:55.789012Z"));
    assert_eq!(decision, Decision::Allowed);
    assert_eq!(
        matched,
        vec![(
            PolicyKind::Identity,
            "GuardDutyCompromisedPolicy".into(),
            3,
            Effect::Allow
        )]
    );
}

#[test]
fn workshop_revoke_policy_denies_older_sessions_only() {
    for (name, document) in [
        ("RevokeOldSessions", WORKSHOP_POLICY),
        ("AWSRevokeOlderSessions", CONSOLE_POLICY),
    ] {
        let mut snapshot = Snapshot::parse(GAAD).unwrap();
        snapshot.put_role_policy(ROLE, name, document).unwrap();

        let (decision, matched) = decide(&snapshot, list_tables("2021-03-08T12:34:55.789Z"));
        assert_eq!(decision, Decision::ExplicitlyDenied, "{name}");
        assert_eq!(
            matched,
            vec![(PolicyKind::Identity, name.to_owned(), 0, Effect::Deny)]
        );

        let (decision, matched) = decide(&snapshot, list_tables("2021-03-08T12:34:57.789Z"));
        assert_eq!(decision, Decision::Allowed, "{name}");
        assert_eq!(
            matched,
            vec![(
                PolicyKind::Identity,
                "GuardDutyCompromisedPolicy".into(),
                3,
                Effect::Allow
            )]
        );
    }
}

#[test]
fn the_cutoff_without_z_is_read_as_utc() {
    let mut snapshot = Snapshot::parse(GAAD).unwrap();
    snapshot
        .put_role_policy(ROLE, "RevokeOldSessions", WORKSHOP_POLICY)
        .unwrap();
    // If the cutoff were read in a zone west of UTC it would be later, and this session
    // (issued after the UTC cutoff) would be denied; east of UTC, the stolen one would pass.
    assert_eq!(
        decide(&snapshot, list_tables("2021-03-08T12:34:56.789013Z")).0,
        Decision::Allowed
    );
    assert_eq!(
        decide(&snapshot, list_tables("2021-03-08T12:34:56.789011Z")).0,
        Decision::ExplicitlyDenied
    );
    assert_eq!(
        decide(&snapshot, list_tables("2021-03-08T13:34:56+01:00")).0,
        Decision::ExplicitlyDenied
    );
}

#[test]
fn replaying_the_cloudtrail_records() {
    let mut snapshot = Snapshot::parse(GAAD).unwrap();
    snapshot
        .put_role_policy(ROLE, "RevokeOldSessions", WORKSHOP_POLICY)
        .unwrap();
    let stolen =
        iam::cloudtrail::parse_request(include_str!("fixtures/list-tables-stolen.json"), &[])
            .unwrap();
    let fresh =
        iam::cloudtrail::parse_request(include_str!("fixtures/list-tables-fresh.json"), &[])
            .unwrap();
    let (decision, matched) = decide(&snapshot, stolen);
    assert_eq!(decision, Decision::ExplicitlyDenied);
    assert_eq!(matched[0].1, "RevokeOldSessions");
    assert_eq!(decide(&snapshot, fresh).0, Decision::Allowed);
}

#[test]
fn edited_snapshot_round_trips_and_delete_restores_access() {
    let mut snapshot = Snapshot::parse(GAAD).unwrap();
    snapshot
        .put_role_policy(ROLE, "RevokeOldSessions", WORKSHOP_POLICY)
        .unwrap();
    // Putting it again (a newer cutoff) replaces it in place.
    let newer = WORKSHOP_POLICY.replace("2021-03-08T12:34:56.789012", "2021-03-09T00:00:00");
    snapshot
        .put_role_policy(ROLE, "RevokeOldSessions", &newer)
        .unwrap();
    let names: Vec<&str> = snapshot
        .inline_role_policies(ROLE)
        .unwrap()
        .iter()
        .map(|p| p.name())
        .collect();
    assert_eq!(names, ["GuardDutyCompromisedPolicy", "RevokeOldSessions"]);

    let written = snapshot.to_json_pretty().unwrap();
    let reread = Snapshot::parse(&written).unwrap();
    assert_eq!(
        decide(&reread, list_tables("2021-03-08T20:00:00Z")).0,
        Decision::ExplicitlyDenied
    );
    let role = &reread.as_json().unwrap()["RoleDetailList"][0];
    assert_eq!(role["RolePolicyList"][1]["PolicyName"], "RevokeOldSessions");
    assert_eq!(
        role["RolePolicyList"][1]["PolicyDocument"]["Statement"]["Condition"]["DateLessThan"]["aws:TokenIssueTime"],
        "2021-03-09T00:00:00"
    );
    // Everything else is kept as it was.
    let original: serde_json::Value = serde_json::from_str(GAAD).unwrap();
    assert_eq!(
        role["InstanceProfileList"],
        original["RoleDetailList"][0]["InstanceProfileList"]
    );
    assert_eq!(reread.as_json().unwrap()["Policies"], original["Policies"]);

    let mut reread = reread;
    assert!(
        reread
            .delete_role_policy(ROLE, "RevokeOldSessions")
            .unwrap()
    );
    assert!(
        !reread
            .delete_role_policy(ROLE, "RevokeOldSessions")
            .unwrap()
    );
    assert_eq!(
        decide(&reread, list_tables("2021-03-08T20:00:00Z")).0,
        Decision::Allowed
    );
}

#[test]
fn long_term_keys_are_not_revoked_and_get_caller_identity_still_answers() {
    let mut snapshot = Snapshot::parse(GAAD).unwrap();
    snapshot
        .put_role_policy(ROLE, "RevokeOldSessions", WORKSHOP_POLICY)
        .unwrap();
    let who = Request::new(
        Principal::parse(SESSION),
        "sts:GetCallerIdentity",
        "*",
        None,
        {
            let mut c = Context::new();
            c.insert("aws:TokenIssueTime", "2021-03-08T12:00:00Z");
            c
        },
    )
    .unwrap();
    assert_eq!(decide(&snapshot, who).0, Decision::Allowed);
}

#[test]
fn snapshot_queries_for_other_crates() {
    let snapshot = Snapshot::parse(GAAD).unwrap();
    let profiles = snapshot.instance_profiles(ROLE).unwrap();
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0].name, "GuardDuty-Example-Compromised-Profile");
    assert_eq!(
        profiles[0].arn,
        "arn:aws:iam::123456789012:instance-profile/GuardDuty-Example-Compromised-Profile"
    );
    assert_eq!(
        snapshot.role_arn(ROLE),
        Some("arn:aws:iam::123456789012:role/GuardDuty-Example-EC2-Compromised")
    );
    assert!(
        snapshot
            .inline_role_policy(ROLE, "GuardDutyCompromisedPolicy")
            .unwrap()
            .is_some()
    );
    assert_eq!(
        snapshot.missing_managed_policies(),
        ["arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM"]
    );
    assert_eq!(
        snapshot.instance_profiles("nope").unwrap_err().to_string(),
        "role `nope` is not in the snapshot"
    );
}

#[test]
fn users_groups_and_managed_policy_versions() {
    let snapshot = Snapshot::parse(GAAD).unwrap();
    let user = "arn:aws:iam::123456789012:user/GuardDuty-Example-Compromised-Simulated";
    let ask = |action: &str, resource: &str| {
        let r = Request::new(
            Principal::parse(user),
            action,
            resource,
            None,
            Context::new(),
        )
        .unwrap();
        decide(&snapshot, r).0
    };
    // URL-encoded inline user policy.
    assert_eq!(
        ask(
            "ssm:GetParameters",
            "arn:aws:ssm:us-west-2:123456789012:parameter/gd_prod_dbpwd_sample"
        ),
        Decision::Allowed
    );
    assert_eq!(
        ask("iam:CreateUser", "arn:aws:iam::123456789012:user/Sarah"),
        Decision::ImplicitlyDenied
    );
    // Group's managed policy, default version v2 only (v1 would allow dynamodb:*).
    assert_eq!(ask("dynamodb:ListTables", "*"), Decision::Allowed);
    assert_eq!(
        ask(
            "dynamodb:Scan",
            "arn:aws:dynamodb:us-west-2:123456789012:table/GuardDuty-Example-Customer-DB"
        ),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn trust_policy_is_the_resource_policy_of_assume_role() {
    let snapshot = Snapshot::parse(GAAD).unwrap();
    let role_arn = "arn:aws:iam::123456789012:role/GuardDuty-Example-EC2-Compromised";
    let by_ec2 = Request::new(
        Principal::parse("ec2.amazonaws.com"),
        "sts:AssumeRole",
        role_arn,
        None,
        Context::new(),
    )
    .unwrap();
    let sim = snapshot.simulation(by_ec2);
    // The EC2 service principal is not a principal of the snapshot.
    assert!(sim.is_err());
    let user = "arn:aws:iam::123456789012:user/GuardDuty-Example-Compromised-Simulated";
    let by_user = Request::new(
        Principal::parse(user),
        "sts:AssumeRole",
        role_arn,
        None,
        Context::new(),
    )
    .unwrap();
    assert_eq!(decide(&snapshot, by_user).0, Decision::ImplicitlyDenied);
}
