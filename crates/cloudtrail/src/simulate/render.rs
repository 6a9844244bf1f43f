//! Turns one planned [`Event`] into one CloudTrail record, field for field as AWS writes it.

use super::calls::{self, Ctx, Spec};
use super::clock;
use super::ids;
use super::json::Obj;
use super::model::{Agent, Call, Event, Kind, Outcome, Source, World};
use super::rng::Rng;

/// `eventVersion` per service, as seen in current trails.
fn event_version(spec: Spec, source: Source) -> &'static str {
    if matches!(source, Source::Endpoint { .. }) {
        // Records that carry `vpcEndpointAccountId` are written by the newer schema.
        return "1.10";
    }
    match spec.service {
        "ec2" | "signin" => "1.09",
        "s3" => "1.10",
        "cloudformation" => "1.11",
        _ => "1.08",
    }
}

/// The `userAgent` of a program making a call.
fn push_user_agent(out: &mut Vec<u8>, agent: Agent, spec: Spec) {
    let text: &str = match agent {
        Agent::CliV1Al2 => {
            "aws-cli/1.18.147 Python/2.7.18 Linux/4.14.326-245.539.amzn2.x86_64 botocore/1.18.6"
        }
        Agent::CliV2Mac => {
            "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/"
        }
        Agent::CliV2Kali => {
            "aws-cli/2.13.25 Python/3.11.5 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2023 prompt/off command/"
        }
        Agent::Boto3 => {
            "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.9.16 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69"
        }
        Agent::Ssm => "aws-sdk-go/1.44.260 (go1.21.6; linux; amd64) amazon-ssm-agent/3.3.1142.0",
        Agent::JavaSdk => {
            "aws-sdk-java/2.25.16 Linux/5.10.213-201.855.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. md/internal io/sync http/Apache cfg/retry-mode/legacy"
        }
        Agent::Terraform => {
            "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64"
        }
        Agent::Console => "AWS Internal",
        Agent::Browser => {
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
        }
    };
    // The texts hold no character JSON must escape.
    out.push(b'"');
    let bracket = spec.service == "s3" && agent != Agent::Console;
    if bracket {
        out.push(b'[');
    }
    out.extend_from_slice(text.as_bytes());
    if matches!(agent, Agent::CliV2Mac | Agent::CliV2Kali) {
        push_cli_command(out, spec);
    }
    if bracket {
        out.push(b']');
    }
    out.push(b'"');
}

/// `dynamodb.list-tables`: the `command/` part of an AWS CLI v2 user agent.
fn push_cli_command(out: &mut Vec<u8>, spec: Spec) {
    let service = match spec.service {
        "s3" => "s3api",
        other => other,
    };
    out.extend_from_slice(service.as_bytes());
    out.push(b'.');
    for (at, ch) in spec.name.bytes().enumerate() {
        if ch.is_ascii_uppercase() {
            if at > 0 {
                out.push(b'-');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
}

/// `(tlsVersion, cipherSuite)` a program negotiates.
fn tls_of(agent: Agent) -> (&'static str, &'static str) {
    match agent {
        Agent::CliV1Al2 => ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"),
        _ => ("TLSv1.3", "TLS_AES_128_GCM_SHA256"),
    }
}

/// The `Host` header a client sends for a call in a Region.
fn host_header(spec: Spec, call: Call, world: &World, region: &str) -> String {
    match (spec.service, call) {
        ("iam", _) => "iam.amazonaws.com".to_owned(),
        ("signin", _) => "signin.aws.amazon.com".to_owned(),
        ("s3", Call::ListBuckets) => format!("s3.{region}.amazonaws.com"),
        (
            "s3",
            Call::GetObject { bucket, .. }
            | Call::PutObject { bucket, .. }
            | Call::ListObjects { bucket }
            | Call::CreateBucket { bucket }
            | Call::DeletePublicAccessBlock { bucket }
            | Call::PutBucketLogging { bucket },
        ) => format!("{}.s3.{region}.amazonaws.com", world.text(bucket)),
        (service, _) => format!("{service}.{region}.amazonaws.com"),
    }
}

fn push_time(obj: &mut Obj<'_>, name: &str, epoch: i64) {
    let out = obj.key(name);
    out.push(b'"');
    clock::push_rfc3339(out, epoch);
    out.push(b'"');
}

fn session_context(
    obj: &mut Obj<'_>,
    issuer: Option<(&str, &str, &str)>,
    since: i64,
    mfa: bool,
    delivery: Option<&str>,
) {
    let mut ctx = obj.obj("sessionContext");
    {
        let mut iss = ctx.obj("sessionIssuer");
        if let Some((principal_id, arn, user_name)) = issuer {
            let account = arn.split(':').nth(4).unwrap_or("");
            iss.str("type", "Role")
                .str("principalId", principal_id)
                .str("arn", arn)
                .str("accountId", account)
                .str("userName", user_name);
        }
        iss.end();
    }
    ctx.obj("webIdFederationData").end();
    {
        let mut attrs = ctx.obj("attributes");
        push_time(&mut attrs, "creationDate", since);
        attrs.str("mfaAuthenticated", if mfa { "true" } else { "false" });
        attrs.end();
    }
    if let Some(delivery) = delivery {
        ctx.str("ec2RoleDelivery", delivery);
    }
    ctx.end();
}

/// Writes `userIdentity`.
fn user_identity(obj: &mut Obj<'_>, world: &World, event: &Event) {
    let invoked_by = match event.source {
        Source::OnBehalf(host) => Some(host),
        _ => None,
    };
    let Some(principal) = world.who(event.principal) else {
        obj.obj("userIdentity").end();
        return;
    };
    let account = world.account_id(principal.account);
    let mut id = obj.obj("userIdentity");
    match &principal.kind {
        Kind::Instance {
            role,
            role_id,
            instance_id,
            delivery,
            ..
        } => {
            let (key, since) = world
                .cred_at(event.cred)
                .map_or(("", 0), |c| (c.access_key.as_str(), c.issued));
            let role_arn = format!("arn:aws:iam::{account}:role/{role}");
            id.str("type", "AssumedRole")
                .str("principalId", &format!("{role_id}:{instance_id}"))
                .str(
                    "arn",
                    &format!("arn:aws:sts::{account}:assumed-role/{role}/{instance_id}"),
                )
                .str("accountId", account)
                .str("accessKeyId", key);
            session_context(
                &mut id,
                Some((role_id, &role_arn, role)),
                since,
                false,
                Some(delivery),
            );
        }
        Kind::User {
            name,
            user_id,
            access_key,
        } => {
            id.str("type", "IAMUser")
                .str("principalId", user_id)
                .str("arn", &format!("arn:aws:iam::{account}:user/{name}"))
                .str("accountId", account)
                .str("accessKeyId", access_key)
                .str("userName", name);
        }
        Kind::ConsoleUser {
            name,
            user_id,
            access_key,
            since,
        } => {
            id.str("type", "IAMUser")
                .str("principalId", user_id)
                .str("arn", &format!("arn:aws:iam::{account}:user/{name}"))
                .str("accountId", account);
            if event.call != Call::ConsoleLogin {
                id.str("accessKeyId", access_key).str("userName", name);
                session_context(&mut id, None, *since, true, None);
            } else {
                id.str("userName", name);
            }
        }
        Kind::RoleSession {
            path,
            role,
            role_id,
            session,
            access_key,
            since,
            from_console,
        } => {
            let role_arn = format!("arn:aws:iam::{account}:role/{path}{role}");
            id.str("type", "AssumedRole")
                .str("principalId", &format!("{role_id}:{session}"))
                .str(
                    "arn",
                    &format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"),
                )
                .str("accountId", account)
                .str("accessKeyId", access_key);
            session_context(
                &mut id,
                Some((role_id, &role_arn, role)),
                *since,
                *from_console,
                None,
            );
        }
        Kind::Service { host } => {
            id.str("type", "AWSService").str("invokedBy", host);
        }
    }
    if let (Some(host), false) = (invoked_by, matches!(principal.kind, Kind::Service { .. })) {
        id.str("invokedBy", host);
    }
    id.end();
}

fn from_console(world: &World, event: &Event) -> bool {
    match world.who(event.principal).map(|p| &p.kind) {
        Some(Kind::ConsoleUser { .. }) => event.call != Call::ConsoleLogin,
        Some(Kind::RoleSession { from_console, .. }) => *from_console,
        _ => false,
    }
}

fn denial(obj: &mut Obj<'_>, spec: Spec, event: &Event, ctx: &Ctx<'_>, caller_arn: &str) {
    let (action, resource) = calls::denied_target(event.call, ctx);
    match spec.service {
        "s3" => {
            obj.str("errorCode", "AccessDenied")
                .str("errorMessage", "Access Denied");
        }
        "ec2" => {
            obj.str("errorCode", "Client.UnauthorizedOperation").str(
                "errorMessage",
                &format!(
                    "You are not authorized to perform this operation. User: {caller_arn} is not authorized to perform: {action} because no identity-based policy allows the {action} action"
                ),
            );
        }
        _ => {
            obj.str("errorCode", "AccessDenied").str(
                "errorMessage",
                &format!(
                    "User: {caller_arn} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action"
                ),
            );
        }
    }
}

fn caller_arn(world: &World, event: &Event, account: &str) -> String {
    match world.who(event.principal).map(|p| &p.kind) {
        Some(Kind::Instance {
            role, instance_id, ..
        }) => format!("arn:aws:sts::{account}:assumed-role/{role}/{instance_id}"),
        Some(Kind::RoleSession { role, session, .. }) => {
            format!("arn:aws:sts::{account}:assumed-role/{role}/{session}")
        }
        Some(Kind::User { name, .. } | Kind::ConsoleUser { name, .. }) => {
            format!("arn:aws:iam::{account}:user/{name}")
        }
        _ => String::new(),
    }
}

fn push_request_id(out: &mut Vec<u8>, service: &str, rng: &mut Rng) {
    out.push(b'"');
    match service {
        "s3" => ids::push_s3_request_id(out, rng),
        "dynamodb" => ids::push_dynamodb_request_id(out, rng),
        _ => ids::push_uuid(out, rng),
    }
    out.push(b'"');
}

/// Appends one record for `event` to `out`.
pub(crate) fn record(world: &World, event: &Event, rng: &mut Rng, out: &mut Vec<u8>) {
    let spec = calls::spec_of(event.call);
    let account = world.account_id(usize::from(event.account)).to_owned();
    let region = event.region.name();
    let agent = world
        .who(event.principal)
        .map_or(Agent::Console, |p| p.agent);
    let is_service = matches!(
        world.who(event.principal).map(|p| &p.kind),
        Some(Kind::Service { .. })
    );
    let mut obj = Obj::new(out);
    obj.str("eventVersion", event_version(spec, event.source));
    user_identity(&mut obj, world, event);
    push_time(&mut obj, "eventTime", event.time);
    {
        let source = obj.key("eventSource");
        source.push(b'"');
        source.extend_from_slice(spec.service.as_bytes());
        source.extend_from_slice(b".amazonaws.com\"");
    }
    obj.str("eventName", spec.name).str("awsRegion", region);
    let service_host: Option<&str> =
        match (event.source, world.who(event.principal).map(|p| &p.kind)) {
            (Source::OnBehalf(host), _) => Some(host),
            (_, Some(Kind::Service { host })) => Some(host),
            _ => None,
        };
    match event.source {
        Source::Ip(ip) => {
            obj.str("sourceIPAddress", &ip.to_string());
        }
        Source::Endpoint { ip, .. } => {
            obj.str("sourceIPAddress", &ip.to_string());
        }
        Source::OnBehalf(host) => {
            obj.str("sourceIPAddress", host);
        }
        Source::Internal => {
            obj.str("sourceIPAddress", "AWS Internal");
        }
    }
    match (service_host, event.source) {
        (Some(host), _) => {
            obj.str("userAgent", host);
        }
        (None, Source::Internal) => {
            obj.str("userAgent", "AWS Internal");
        }
        (None, _) => push_user_agent(obj.key("userAgent"), agent, spec),
    }
    let mut ctx = Ctx {
        world,
        account: &account,
        region,
        caller: event.principal,
        time: event.time,
        rng,
    };
    if event.outcome == Outcome::Denied {
        let arn = caller_arn(world, event, &account);
        denial(&mut obj, spec, event, &ctx, &arn);
    }
    calls::request(event.call, &mut ctx, obj.key("requestParameters"));
    if event.outcome == Outcome::Denied {
        obj.raw("responseElements", "null");
    } else {
        calls::response(event.call, &mut ctx, obj.key("responseElements"));
    }
    additional_data(&mut obj, event, spec, agent, ctx.rng);
    push_request_id(obj.key("requestID"), spec.service, ctx.rng);
    {
        let id = obj.key("eventID");
        id.push(b'"');
        ids::push_uuid(id, ctx.rng);
        id.push(b'"');
    }
    obj.bool("readOnly", spec.read_only);
    calls::resources(event.call, &ctx, &mut obj);
    let event_type = if event.call == Call::ConsoleLogin {
        "AwsConsoleSignIn"
    } else {
        "AwsApiCall"
    };
    obj.str("eventType", event_type);
    if spec.service == "dynamodb" {
        obj.str("apiVersion", "2012-08-10");
    }
    obj.bool("managementEvent", !spec.data)
        .str("recipientAccountId", &account);
    if is_service {
        let shared = obj.key("sharedEventID");
        shared.push(b'"');
        ids::push_uuid(shared, ctx.rng);
        shared.push(b'"');
    }
    if let Source::Endpoint { endpoint, .. } = event.source {
        obj.str("vpcEndpointId", world.text(endpoint))
            .str("vpcEndpointAccountId", &account);
    }
    obj.str(
        "eventCategory",
        if spec.data { "Data" } else { "Management" },
    );
    if matches!(event.source, Source::Ip(_) | Source::Endpoint { .. }) && agent != Agent::Console {
        let (version, suite) = tls_of(agent);
        let host = host_header(spec, event.call, world, region);
        let mut tls = obj.obj("tlsDetails");
        tls.str("tlsVersion", version)
            .str("cipherSuite", suite)
            .str("clientProvidedHostHeader", &host);
        tls.end();
    }
    if from_console(world, event) {
        obj.str("sessionCredentialFromConsole", "true");
    }
    obj.end();
}

fn additional_data(obj: &mut Obj<'_>, event: &Event, spec: Spec, agent: Agent, rng: &mut Rng) {
    if event.call == Call::ConsoleLogin {
        let mut data = obj.obj("additionalEventData");
        data.str(
            "LoginTo",
            "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_7f1e5d2b3c4a5968",
        )
        .str("MobileVersion", "No")
        .str("MFAUsed", "Yes");
        data.end();
        return;
    }
    if spec.service != "s3" || matches!(event.source, Source::OnBehalf(_) | Source::Internal) {
        return;
    }
    let (_, suite) = tls_of(agent);
    let mut data = obj.obj("additionalEventData");
    data.str("SignatureVersion", "SigV4")
        .str("CipherSuite", suite)
        .num("bytesTransferredIn", if spec.read_only { 0 } else { 1_840 })
        .str("AuthenticationMethod", "AuthHeader");
    {
        let id = data.key("x-amz-id-2");
        id.push(b'"');
        ids::push_amz_id_2(id, rng);
        id.push(b'"');
    }
    data.num(
        "bytesTransferredOut",
        if spec.read_only { 4_326 } else { 0 },
    );
    data.end();
}
