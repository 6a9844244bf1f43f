//! The moto server of the live-AWS tests (`scripts/test.sh` starts it and exports
//! `TRAILGUARD_MOTO_ENDPOINT`): raw query-protocol calls to set up and inspect its state, and
//! the workshop's stack (role, instance profile, two instances) built in it.
//!
//! Setting up through raw calls keeps the tests independent of the code under test: the SDK
//! account is checked against what moto itself answers. Shared with the `trailguard` CLI tests.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test support: each test file uses part of it, and a failed setup fails the test"
)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable naming the moto endpoint.
pub const ENDPOINT_ENV: &str = "TRAILGUARD_MOTO_ENDPOINT";
/// moto's default account.
pub const ACCOUNT: &str = "123456789012";
/// The region the tests use.
pub const REGION: &str = "us-east-1";

/// The environment the SDK needs to reach moto and nothing else: moto's fake credentials, no
/// instance metadata, no config or credential files of the machine.
pub const FAKE_CREDENTIALS: [(&str, &str); 5] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
    ("AWS_CONFIG_FILE", "/dev/null"),
    ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
];

/// A running moto server.
#[derive(Debug, Clone)]
pub struct Moto {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

impl Moto {
    /// The server `scripts/test.sh` started; `None` (the test is skipped, and says so) when
    /// there is none, except under `CI=true`, where a missing server fails the test.
    #[expect(clippy::print_stderr, reason = "a skipped test says why")]
    pub fn from_env() -> Option<Self> {
        let Ok(endpoint) = std::env::var(ENDPOINT_ENV) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{ENDPOINT_ENV} is not set: run the tests through scripts/test.sh, which starts moto; CI=true forbids skipping"
            );
            eprintln!(
                "skipped: no moto server ({ENDPOINT_ENV} is not set; scripts/test.sh starts one)"
            );
            return None;
        };
        let moto = Self { endpoint };
        let alive = ureq::get(format!("{}/moto-api/", moto.endpoint)).call();
        assert!(
            alive.is_ok(),
            "moto at {} does not answer: {alive:?}",
            moto.endpoint
        );
        Some(moto)
    }

    /// One query-protocol call, answered in XML. moto takes the service from the credential
    /// scope of the `Authorization` header and does not check the signature.
    pub fn call(&self, service: &str, action: &str, params: &[(&str, &str)]) -> String {
        let version = match service {
            "iam" => "2010-05-08",
            "ec2" => "2016-11-15",
            "sns" => "2010-03-31",
            "sqs" => "2012-11-05",
            other => panic!("no API version known for {other}"),
        };
        let mut form = vec![("Action", action), ("Version", version)];
        form.extend_from_slice(params);
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=testing/20260101/{REGION}/{service}/aws4_request, SignedHeaders=host, Signature=00"
        );
        let response = ureq::post(format!("{}/", self.endpoint))
            .header("Authorization", &auth)
            .config()
            .http_status_as_error(false)
            .build()
            .send_form(form)
            .unwrap_or_else(|e| panic!("{service}:{action}: {e}"));
        let status = response.status();
        let body = response.into_body().read_to_string().unwrap();
        assert!(status.is_success(), "{service}:{action} → {status}: {body}");
        body
    }

    /// S3 `CreateBucket` (path-style, unsigned payload).
    pub fn put_bucket(&self, bucket: &str) {
        self.s3_put(bucket, b"");
    }

    /// S3 `PutObject`.
    pub fn put_object(&self, bucket: &str, key: &str, bytes: &[u8]) {
        self.s3_put(&format!("{bucket}/{key}"), bytes);
    }

    fn s3_put(&self, path: &str, bytes: &[u8]) {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=testing/20260101/{REGION}/s3/aws4_request, SignedHeaders=host, Signature=00"
        );
        let response = ureq::put(format!("{}/{path}", self.endpoint))
            .header("Authorization", &auth)
            .header("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
            .header("Content-Type", "application/octet-stream")
            .config()
            .http_status_as_error(false)
            .build()
            .send(bytes)
            .unwrap();
        let status = response.status();
        assert!(status.is_success(), "PUT {path} → {status}");
    }

    /// Creates SNS topic `topic` and an SQS queue subscribed to it: `(topic ARN, queue URL)`.
    pub fn topic_with_queue(&self, topic: &str) -> (String, String) {
        let created = self.call("sns", "CreateTopic", &[("Name", topic)]);
        let topic_arn = tag(&created, "TopicArn").unwrap().to_owned();
        let queue = unique("secops");
        let created = self.call("sqs", "CreateQueue", &[("QueueName", &queue)]);
        let queue_url = tag(&created, "QueueUrl").unwrap().to_owned();
        let queue_arn = format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}");
        self.call(
            "sns",
            "Subscribe",
            &[
                ("TopicArn", &topic_arn),
                ("Protocol", "sqs"),
                ("Endpoint", &queue_arn),
            ],
        );
        (topic_arn, queue_url)
    }

    /// The SNS notifications waiting in the queue (up to 10), parsed.
    pub fn notifications(&self, queue_url: &str) -> Vec<serde_json::Value> {
        let received = self.call(
            "sqs",
            "ReceiveMessage",
            &[("QueueUrl", queue_url), ("MaxNumberOfMessages", "10")],
        );
        tags(&received, "Body")
            .into_iter()
            .map(|body| serde_json::from_str(&xml_text(body)).unwrap())
            .collect()
    }

    /// Whether moto's Lambda runs functions (in Docker) or answers every `Invoke` at once
    /// (`false`: its Docker-free backend, which does not check that the function exists).
    pub fn lambda_runs_functions(&self, docker: bool) {
        let config = serde_json::json!({"lambda": {"use_docker": docker}});
        ureq::post(format!("{}/moto-api/config", self.endpoint))
            .header("Content-Type", "application/json")
            .send(config.to_string())
            .unwrap();
    }

    /// Lambda `CreateFunction` (REST-JSON).
    pub fn create_function(&self, name: &str, role_arn: &str) {
        let body = serde_json::json!({
            "FunctionName": name, "Runtime": "python3.12", "Role": role_arn,
            "Handler": "index.handler", "Code": {"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}
        });
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=testing/20260101/{REGION}/lambda/aws4_request, SignedHeaders=host, Signature=00"
        );
        let response = ureq::post(format!("{}/2015-03-31/functions", self.endpoint))
            .header("Authorization", &auth)
            .header("Content-Type", "application/json")
            .config()
            .http_status_as_error(false)
            .build()
            .send(body.to_string())
            .unwrap();
        let status = response.status();
        let text = response.into_body().read_to_string().unwrap();
        assert!(status.is_success(), "CreateFunction → {status}: {text}");
    }
}

/// The text of the first `<name>` element.
pub fn tag<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    tags(xml, name).into_iter().next()
}

/// The texts of every `<name>` element, in order.
pub fn tags<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        found.push(&after[..end]);
        rest = &after[end + close.len()..];
    }
    found
}

/// A name no other test of this run uses.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}-{}-{nanos:x}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The workshop's stack, built in moto: the compromised role with the workshop's
/// `GuardDutyCompromisedPolicy`-like allow, its instance profile, the compromised instance and
/// a second instance using the same profile, in a VPC of their own.
#[derive(Debug, Clone)]
pub struct Stack {
    /// The role's name.
    pub role: String,
    /// The role's ARN.
    pub role_arn: String,
    /// The instance profile's ARN.
    pub profile_arn: String,
    /// The VPC.
    pub vpc: String,
    /// The compromised instance.
    pub instance: String,
    /// The other instance using the role.
    pub second_instance: String,
    /// The compromised instance's security group.
    pub group: String,
}

/// The allow the workshop's role has (`dynamodb`, `ssm` reads).
pub const ALLOW_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:*","ssm:GetParameter*"],"Resource":"*"}]}"#;

impl Stack {
    /// Creates the stack; every name is unique to this call.
    pub fn create(moto: &Moto) -> Self {
        let role = unique("GuardDuty-Example-EC2-Compromised");
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let created = moto.call(
            "iam",
            "CreateRole",
            &[("RoleName", &role), ("AssumeRolePolicyDocument", trust)],
        );
        let role_arn = tag(&created, "Arn").unwrap().to_owned();
        moto.call(
            "iam",
            "PutRolePolicy",
            &[
                ("RoleName", &role),
                ("PolicyName", "GuardDutyCompromisedPolicy"),
                ("PolicyDocument", ALLOW_POLICY),
            ],
        );
        let profile = format!("{role}-profile");
        let created = moto.call(
            "iam",
            "CreateInstanceProfile",
            &[("InstanceProfileName", &profile)],
        );
        let profile_arn = tag(&created, "Arn").unwrap().to_owned();
        moto.call(
            "iam",
            "AddRoleToInstanceProfile",
            &[("InstanceProfileName", &profile), ("RoleName", &role)],
        );
        let vpc_xml = moto.call("ec2", "CreateVpc", &[("CidrBlock", "10.0.0.0/16")]);
        let vpc = tag(&vpc_xml, "vpcId").unwrap().to_owned();
        let subnet_xml = moto.call(
            "ec2",
            "CreateSubnet",
            &[("VpcId", &vpc), ("CidrBlock", "10.0.0.0/24")],
        );
        let subnet = tag(&subnet_xml, "subnetId").unwrap().to_owned();
        let group_name = unique("web");
        let group_xml = moto.call(
            "ec2",
            "CreateSecurityGroup",
            &[
                ("GroupName", &group_name),
                ("GroupDescription", "web"),
                ("VpcId", &vpc),
            ],
        );
        let group = tag(&group_xml, "groupId").unwrap().to_owned();
        let run = |name: &str| {
            let xml = moto.call(
                "ec2",
                "RunInstances",
                &[
                    ("ImageId", "ami-12c6146b"),
                    ("MinCount", "1"),
                    ("MaxCount", "1"),
                    ("SubnetId", &subnet),
                    ("SecurityGroupId.1", &group),
                    ("TagSpecification.1.ResourceType", "instance"),
                    ("TagSpecification.1.Tag.1.Key", "Name"),
                    ("TagSpecification.1.Tag.1.Value", name),
                ],
            );
            let id = tag(&xml, "instanceId").unwrap().to_owned();
            moto.call(
                "ec2",
                "AssociateIamInstanceProfile",
                &[
                    ("InstanceId", &id),
                    ("IamInstanceProfile.Arn", &profile_arn),
                ],
            );
            id
        };
        let instance = run("GuardDuty-Example: Compromised Instance");
        let second_instance = run("GuardDuty-Example: Second Instance");
        Self {
            role,
            role_arn,
            profile_arn,
            vpc,
            instance,
            second_instance,
            group,
        }
    }

    /// The workshop's finding about this stack's role and instance, as GuardDuty publishes it
    /// (an EventBridge envelope), with `remoteIpDetails` of the attacker's laptop.
    pub fn finding(&self) -> serde_json::Value {
        serde_json::json!({
            "version": "0", "id": "3d1f0f2e-5b0c-4b5f-9c1a-2f6e0c1d7a10",
            "detail-type": "GuardDuty Finding", "source": "aws.guardduty",
            "account": ACCOUNT, "time": "2026-11-29T10:00:00Z", "region": REGION,
            "resources": [],
            "detail": {
                "schemaVersion": "2.0", "accountId": ACCOUNT, "region": REGION,
                "partition": "aws", "id": "7ec6b7e2d6c4a1b2c3d4e5f6a7b8c9d0",
                "arn": format!("arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/d/finding/7ec6b7e2d6c4a1b2c3d4e5f6a7b8c9d0"),
                "type": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
                "severity": 8, "title": "Credentials for instance role used from an external IP address.",
                "createdAt": "2026-11-29T09:58:00.000Z", "updatedAt": "2026-11-29T09:59:30.000Z",
                "resource": {
                    "resourceType": "AccessKey",
                    "accessKeyDetails": {
                        "accessKeyId": "ASIASTOLENKEY0000001", "principalId": "AROAEXAMPLE:i-0",
                        "userName": self.role, "userType": "AssumedRole"
                    },
                    "instanceDetails": {"instanceId": self.instance}
                },
                "service": {
                    "serviceName": "guardduty", "count": 13,
                    "eventFirstSeen": "2026-11-29T09:50:00.000Z",
                    "eventLastSeen": "2026-11-29T09:59:00.000Z",
                    "action": {"actionType": "AWS_API_CALL", "awsApiCallAction": {
                        "api": "ListTables", "serviceName": "dynamodb.amazonaws.com",
                        "callerType": "Remote IP",
                        "remoteIpDetails": {"ipAddressV4": "198.51.100.77"}}},
                    "additionalInfo": {"sample": false}
                }
            }
        })
    }

    /// The role's inline policy `name` as moto holds it (URL-decoded JSON, [`normalized`]),
    /// if any.
    pub fn role_policy(&self, moto: &Moto, name: &str) -> Option<serde_json::Value> {
        let names = moto.call("iam", "ListRolePolicies", &[("RoleName", &self.role)]);
        if !tags(&names, "member").contains(&name) {
            return None;
        }
        let xml = moto.call(
            "iam",
            "GetRolePolicy",
            &[("RoleName", &self.role), ("PolicyName", name)],
        );
        let encoded = tag(&xml, "PolicyDocument").unwrap();
        Some(normalized(serde_json::from_str(&decode(encoded)).unwrap()))
    }

    /// The role's inline policy names.
    pub fn role_policy_names(&self, moto: &Moto) -> Vec<String> {
        let names = moto.call("iam", "ListRolePolicies", &[("RoleName", &self.role)]);
        tags(&names, "member")
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// The group ids of `instance` (its own `groupSet`, after the network interfaces: moto
    /// adds to an interface's groups where AWS replaces them).
    pub fn groups_of(&self, moto: &Moto, instance: &str) -> Vec<String> {
        let xml = moto.call("ec2", "DescribeInstances", &[("InstanceId.1", instance)]);
        let own = xml
            .split("</networkInterfaceSet>")
            .nth(1)
            .unwrap_or_default();
        let groups = own
            .split("<groupSet>")
            .nth(1)
            .and_then(|rest| rest.split("</groupSet>").next())
            .unwrap_or_default();
        tags(groups, "groupId")
            .into_iter()
            .map(str::to_owned)
            .collect()
    }
}

/// A policy document in the shape moto gives back: `Statement`, `Action`, `Resource` (and
/// their `Not` forms) always lists. IAM returns a document as it was written; moto rewrites
/// single values as lists, so documents are compared in this shape.
pub fn normalized(mut policy: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    let listed = |value: &mut Value| {
        if !value.is_array() {
            *value = Value::Array(vec![value.take()]);
        }
    };
    if let Some(statements) = policy.get_mut("Statement") {
        listed(statements);
        for statement in statements.as_array_mut().into_iter().flatten() {
            for key in ["Action", "NotAction", "Resource", "NotResource"] {
                if let Some(value) = statement.get_mut(key) {
                    listed(value);
                }
            }
        }
    }
    policy
}

/// An element's text with XML's character references decoded.
pub fn xml_text(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Decodes XML character references and then URL encoding (IAM's policy documents).
fn decode(text: &str) -> String {
    iam::values::percent::decode(&xml_text(text)).unwrap()
}
