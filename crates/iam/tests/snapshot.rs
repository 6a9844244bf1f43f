//! Snapshot formats: URL-encoded documents as IAM's API returns them, edits stored in the same
//! style, and errors for documents that are not `get-account-authorization-details` output.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use iam::snapshot::Snapshot;
use iam::{Context, Decision, Principal, Request};

/// A role whose documents are URL-encoded strings (the raw API form).
const ENCODED: &str = r#"{"RoleDetailList":[{"Path":"/","RoleName":"app","RoleId":"AROAEXAMPLE","Arn":"arn:aws:iam::111122223333:role/team/app",
 "AssumeRolePolicyDocument":"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D",
 "RolePolicyList":[{"PolicyName":"s3","PolicyDocument":"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Ab%2F%24%7Baws%3APrincipalTag%2Fteam%7D%2F%2A%22%7D%7D"}],
 "AttachedManagedPolicies":[],"InstanceProfileList":[],"Tags":[{"Key":"team","Value":"blue"}]}],"UserDetailList":[],"GroupDetailList":[],"Policies":[]}"#;

fn get_object(snapshot: &Snapshot, key: &str) -> Decision {
    let principal = Principal::parse("arn:aws:sts::111122223333:assumed-role/app/s1");
    let request = Request::new(principal, "s3:GetObject", key, None, Context::new()).unwrap();
    snapshot.simulation(request).unwrap().run().decision
}

#[test]
fn url_encoded_documents_and_principal_tags() {
    let snapshot = Snapshot::parse(ENCODED).unwrap();
    // `${aws:PrincipalTag/team}` comes from the role's tags.
    assert_eq!(
        get_object(&snapshot, "arn:aws:s3:::b/blue/x"),
        Decision::Allowed
    );
    assert_eq!(
        get_object(&snapshot, "arn:aws:s3:::b/red/x"),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn role_path_comes_from_the_snapshot() {
    let snapshot = Snapshot::parse(ENCODED).unwrap();
    let principal = Principal::parse("arn:aws:sts::111122223333:assumed-role/app/s1");
    let request = Request::new(
        principal,
        "s3:GetObject",
        "arn:aws:s3:::b/blue/x",
        None,
        Context::new(),
    )
    .unwrap();
    let simulation = snapshot.simulation(request).unwrap();
    assert_eq!(
        simulation.request.principal().role_arn(),
        Some("arn:aws:iam::111122223333:role/team/app")
    );
    assert_eq!(
        simulation.request.context().get_raw("aws:userid"),
        Some("AROAEXAMPLE:s1")
    );
    assert_eq!(
        simulation.request.context().get_raw("aws:PrincipalArn"),
        Some("arn:aws:iam::111122223333:role/team/app")
    );
}

#[test]
fn edits_keep_the_encoded_style() {
    let mut snapshot = Snapshot::parse(ENCODED).unwrap();
    snapshot
        .put_role_policy("app", "deny", r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}"#)
        .unwrap();
    assert_eq!(
        get_object(&snapshot, "arn:aws:s3:::b/blue/x"),
        Decision::ExplicitlyDenied
    );
    let json = snapshot.as_json().unwrap();
    assert_eq!(
        json["RoleDetailList"][0]["RolePolicyList"][1]["PolicyDocument"],
        "%7B%22Statement%22%3A%7B%22Action%22%3A%22s3%3A%2A%22%2C%22Effect%22%3A%22Deny%22%2C%22Resource%22%3A%22%2A%22%7D%2C%22Version%22%3A%222012-10-17%22%7D"
    );
    let reread = Snapshot::parse(&snapshot.to_json_pretty().unwrap()).unwrap();
    assert_eq!(
        get_object(&reread, "arn:aws:s3:::b/blue/x"),
        Decision::ExplicitlyDenied
    );
}

#[test]
fn invalid_documents_are_errors() {
    let bad = ENCODED.replace(
        "%22Allow%22%2C%22Action%22%3A%22s3",
        "%22Maybe%22%2C%22Action%22%3A%22s3",
    );
    assert_eq!(
        Snapshot::parse(&bad).unwrap_err().to_string(),
        "policy `s3` at `Statement.Effect`: must be `Allow` or `Deny`, not \"Maybe\""
    );
    let mut snapshot = Snapshot::parse(ENCODED).unwrap();
    assert_eq!(
        snapshot
            .put_role_policy(
                "app",
                "p",
                r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#
            )
            .unwrap_err()
            .to_string(),
        "snapshot at `RoleDetailList[app].RolePolicyList[p]`: policy `p`: only resource-based policies may have `Principal` or `NotPrincipal`"
    );
    assert!(Snapshot::parse("[1]").is_err());
    assert_eq!(
        Snapshot::parse(r#"{"RoleDetailList":[{"RoleName":"x"}]}"#)
            .unwrap_err()
            .to_string(),
        "snapshot at `line 1 column 35`: missing field `Arn` at line 1 column 35"
    );
}
