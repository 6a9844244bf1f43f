//! Inputs shared by the criterion benchmark and the CPU-time example: a typical role's
//! policies and request, and a generated `get-account-authorization-details` snapshot.

use serde_json::{Value, json};

pub const ACCOUNT: &str = "123456789012";

/// Five policies, 30 statements: the workshop role's permissions, a revocation, a VPC binding,
/// tag-based access and region limits.
pub fn typical_role_policies() -> Vec<Value> {
    let mut policies = Vec::new();
    for p in 0..5 {
        let mut statements = Vec::new();
        for s in 0..6 {
            let n = p * 6 + s;
            let statement = match n % 6 {
                0 => json!({"Sid": format!("S{n}"), "Effect": "Allow",
                    "Action": [format!("ssm:GetParameter{n}"), "ssm:DescribeParameters"],
                    "Resource": format!("arn:aws:ssm:us-west-2:{ACCOUNT}:parameter/app{n}/*")}),
                1 => json!({"Effect": "Allow", "Action": format!("dynamodb:Query{n}"),
                    "Resource": format!("arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/T{n}"),
                    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}),
                2 => {
                    json!({"Effect": "Allow", "Action": [format!("s3:Get{n}*"), format!("s3:List{n}*")],
                    "Resource": [format!("arn:aws:s3:::bucket-{n}"), format!("arn:aws:s3:::bucket-{n}/${{aws:userid}}/*")],
                    "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.0/24"]}}})
                }
                3 => json!({"Effect": "Deny", "Action": "*", "Resource": "*",
                    "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2021-03-08T12:34:56.789012"}}}),
                4 => json!({"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {
                    "StringNotEquals": {"aws:SourceVpc": "${aws:Ec2InstanceSourceVpc}"},
                    "Null": {"ec2:SourceInstanceARN": "false"},
                    "BoolIfExists": {"aws:ViaAWSService": "false"}}}),
                _ => {
                    json!({"Effect": "Allow", "Action": ["dynamodb:ListTables", "dynamodb:DescribeTable"], "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": ["us-west-2", "us-east-1"]}}})
                }
            };
            statements.push(statement);
        }
        policies.push(json!({"name": format!("Policy{p}"), "document": {"Version": "2012-10-17", "Statement": statements}}));
    }
    policies
}

pub fn simulation_json(issued: &str) -> Value {
    json!({
        "identity_policies": typical_role_policies(),
        "request": {
            "action": "dynamodb:ListTables",
            "resource": "*",
            "principal": format!("arn:aws:sts::{ACCOUNT}:assumed-role/GuardDuty-Example-EC2-Compromised/i-0123456789abcdef0"),
            "context": {
                "aws:TokenIssueTime": issued,
                "aws:SourceIp": "203.0.113.9",
                "aws:SourceVpc": "vpc-1111",
                "aws:Ec2InstanceSourceVpc": "vpc-1111",
                "ec2:SourceInstanceARN": format!("arn:aws:ec2:us-west-2:{ACCOUNT}:instance/i-0123456789abcdef0"),
                "aws:ViaAWSService": "false",
                "aws:PrincipalTag/team": "blue",
                "aws:RequestedRegion": "us-west-2",
                "aws:userid": "AROAEXAMPLE:i-0123456789abcdef0"
            }
        }
    })
}

/// A snapshot with `roles` roles (2 inline policies of 5 statements, a trust policy, 2 of 50
/// shared managed policies, an instance profile, tags), 100 users and 10 groups.
pub fn generated_gaad(roles: usize) -> String {
    let doc = |i: usize| {
        json!({"Version": "2012-10-17", "Statement": (0..5).map(|s| json!({
        "Effect": "Allow", "Action": [format!("s3:Get{s}*"), "dynamodb:ListTables"],
        "Resource": format!("arn:aws:s3:::bucket-{i}-{s}/*"),
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}})).collect::<Vec<_>>()})
    };
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let role_list: Vec<Value> = (0..roles).map(|i| {
        let arn = format!("arn:aws:iam::{ACCOUNT}:role/role-{i}");
        json!({"Path": "/", "RoleName": format!("role-{i}"), "RoleId": format!("AROA{i:016}"), "Arn": arn,
            "CreateDate": "2021-03-08T10:00:00Z", "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": [{"Path": "/", "InstanceProfileName": format!("profile-{i}"), "InstanceProfileId": format!("AIPA{i:016}"),
                "Arn": format!("arn:aws:iam::{ACCOUNT}:instance-profile/profile-{i}"), "CreateDate": "2021-03-08T10:00:00Z",
                "Roles": [{"Path": "/", "RoleName": format!("role-{i}"), "RoleId": format!("AROA{i:016}"), "Arn": arn, "CreateDate": "2021-03-08T10:00:00Z", "AssumeRolePolicyDocument": trust}]}],
            "RolePolicyList": [{"PolicyName": "inline-a", "PolicyDocument": doc(i)}, {"PolicyName": "inline-b", "PolicyDocument": doc(i + 1)}],
            "AttachedManagedPolicies": [
                {"PolicyName": format!("managed-{}", i % 50), "PolicyArn": format!("arn:aws:iam::{ACCOUNT}:policy/managed-{}", i % 50)},
                {"PolicyName": format!("managed-{}", (i + 7) % 50), "PolicyArn": format!("arn:aws:iam::{ACCOUNT}:policy/managed-{}", (i + 7) % 50)}],
            "Tags": [{"Key": "team", "Value": "blue"}], "RoleLastUsed": {}})
    }).collect();
    let users: Vec<Value> = (0..100).map(|i| json!({"Path": "/", "UserName": format!("user-{i}"), "UserId": format!("AIDA{i:016}"),
        "Arn": format!("arn:aws:iam::{ACCOUNT}:user/user-{i}"), "CreateDate": "2021-03-08T10:00:00Z",
        "UserPolicyList": [{"PolicyName": "u", "PolicyDocument": doc(i)}], "GroupList": [format!("group-{}", i % 10)],
        "AttachedManagedPolicies": [], "Tags": []})).collect();
    let groups: Vec<Value> = (0..10).map(|i| json!({"Path": "/", "GroupName": format!("group-{i}"), "GroupId": format!("AGPA{i:016}"),
        "Arn": format!("arn:aws:iam::{ACCOUNT}:group/group-{i}"), "CreateDate": "2021-03-08T10:00:00Z",
        "GroupPolicyList": [], "AttachedManagedPolicies": []})).collect();
    let policies: Vec<Value> = (0..50).map(|i| json!({"PolicyName": format!("managed-{i}"), "PolicyId": format!("ANPA{i:016}"),
        "Arn": format!("arn:aws:iam::{ACCOUNT}:policy/managed-{i}"), "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 200,
        "PermissionsBoundaryUsageCount": 0, "IsAttachable": true, "CreateDate": "2021-03-08T10:00:00Z", "UpdateDate": "2021-03-08T10:00:00Z",
        "PolicyVersionList": [{"Document": doc(i), "VersionId": "v1", "IsDefaultVersion": true, "CreateDate": "2021-03-08T10:00:00Z"}]})).collect();
    serde_json::to_string_pretty(
        &json!({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": role_list,
        "Policies": policies, "IsTruncated": false}),
    )
    .unwrap()
}
