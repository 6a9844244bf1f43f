//! What each API call looks like in CloudTrail: service, name, read-only flag, category, and the
//! `requestParameters` / `responseElements` / `resources` AWS writes for it.

use super::clock;
use super::ids;
use super::json::{Arr, Obj};
use super::model::{Call, Kind, Name, World};
use super::rng::Rng;

/// The fixed facts of a call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    /// The service's endpoint prefix: `eventSource` is `<service>.amazonaws.com`.
    pub(crate) service: &'static str,
    pub(crate) name: &'static str,
    pub(crate) read_only: bool,
    /// A data event (S3 objects, DynamoDB items) rather than a management event.
    pub(crate) data: bool,
}

const fn spec(service: &'static str, name: &'static str, read_only: bool) -> Spec {
    Spec {
        service,
        name,
        read_only,
        data: false,
    }
}

const fn data(service: &'static str, name: &'static str, read_only: bool) -> Spec {
    Spec {
        service,
        name,
        read_only,
        data: true,
    }
}

/// The fixed facts of `call`.
pub(crate) fn spec_of(call: Call) -> Spec {
    match call {
        Call::Ec2AssumeRole { .. } | Call::ServiceAssumeRole { .. } => {
            spec("sts", "AssumeRole", false)
        }
        Call::GetCallerIdentity => spec("sts", "GetCallerIdentity", true),
        Call::DescribeInstances { .. } => spec("ec2", "DescribeInstances", true),
        Call::DescribeTags { .. } => spec("ec2", "DescribeTags", true),
        Call::DescribeSecurityGroups => spec("ec2", "DescribeSecurityGroups", true),
        Call::RunInstances { .. } => spec("ec2", "RunInstances", false),
        Call::AllocateAddress { .. } => spec("ec2", "AllocateAddress", false),
        Call::AssociateAddress { .. } => spec("ec2", "AssociateAddress", false),
        Call::AttachNetworkInterface { .. } => spec("ec2", "AttachNetworkInterface", false),
        Call::UpdateInstanceInformation => spec("ssm", "UpdateInstanceInformation", false),
        Call::ListInstanceAssociations => spec("ssm", "ListInstanceAssociations", true),
        Call::DescribeParameters => spec("ssm", "DescribeParameters", true),
        Call::GetParameters { .. } => spec("ssm", "GetParameters", true),
        Call::PutParameter { .. } => spec("ssm", "PutParameter", false),
        Call::DeleteParameter { .. } => spec("ssm", "DeleteParameter", false),
        Call::StartSession { .. } => spec("ssm", "StartSession", false),
        Call::KmsDecrypt { .. } => spec("kms", "Decrypt", true),
        Call::KmsEncrypt { .. } => spec("kms", "Encrypt", true),
        Call::GetSecretValue { .. } => spec("secretsmanager", "GetSecretValue", true),
        Call::ListBuckets => spec("s3", "ListBuckets", true),
        Call::GetObject { .. } => data("s3", "GetObject", true),
        Call::PutObject { .. } => data("s3", "PutObject", false),
        Call::ListObjects { .. } => data("s3", "ListObjects", true),
        Call::CreateBucket { .. } => spec("s3", "CreateBucket", false),
        Call::DeletePublicAccessBlock { .. } => spec("s3", "DeleteBucketPublicAccessBlock", false),
        Call::PutBucketLogging { .. } => spec("s3", "PutBucketLogging", false),
        Call::ListTables => spec("dynamodb", "ListTables", true),
        Call::DescribeTable { .. } => spec("dynamodb", "DescribeTable", true),
        Call::Scan { .. } => data("dynamodb", "Scan", true),
        Call::PutItem { .. } => data("dynamodb", "PutItem", false),
        Call::GetItem { .. } => data("dynamodb", "GetItem", true),
        Call::DeleteTable { .. } => spec("dynamodb", "DeleteTable", false),
        Call::CreateTable { .. } => spec("dynamodb", "CreateTable", false),
        Call::GetUser => spec("iam", "GetUser", true),
        Call::CreateUser { .. } => spec("iam", "CreateUser", false),
        Call::ListRoles => spec("iam", "ListRoles", true),
        Call::GetRole { .. } => spec("iam", "GetRole", true),
        Call::CreateRole { .. } => spec("iam", "CreateRole", false),
        Call::PutRolePolicy { .. } => spec("iam", "PutRolePolicy", false),
        Call::CreateInstanceProfile { .. } => spec("iam", "CreateInstanceProfile", false),
        Call::AddRoleToInstanceProfile { .. } => spec("iam", "AddRoleToInstanceProfile", false),
        Call::CreateAccessKey { .. } => spec("iam", "CreateAccessKey", false),
        Call::ListDetectors => spec("guardduty", "ListDetectors", true),
        Call::CreateThreatIntelSet { .. } => spec("guardduty", "CreateThreatIntelSet", false),
        Call::ListFindings { .. } => spec("guardduty", "ListFindings", true),
        Call::CreateStack { .. } => spec("cloudformation", "CreateStack", false),
        Call::DescribeStacks { .. } => spec("cloudformation", "DescribeStacks", true),
        Call::ConsoleLogin => spec("signin", "ConsoleLogin", false),
        Call::GetAuthorizationToken => spec("ecr", "GetAuthorizationToken", true),
        Call::DescribeAutoScalingInstances => {
            spec("autoscaling", "DescribeAutoScalingInstances", true)
        }
    }
}

/// What the record renderer knows while writing one call.
pub(crate) struct Ctx<'a> {
    pub(crate) world: &'a World,
    pub(crate) account: &'a str,
    pub(crate) region: &'a str,
    /// The calling principal (for parameters that name the caller's own instance).
    pub(crate) caller: u32,
    pub(crate) time: i64,
    pub(crate) rng: &'a mut Rng,
}

impl Ctx<'_> {
    fn text(&self, name: Name) -> &str {
        self.world.text(name)
    }

    fn instance_id(&self, principal: u32) -> &str {
        match self.world.who(principal).map(|p| &p.kind) {
            Some(Kind::Instance { instance_id, .. }) => instance_id,
            _ => "",
        }
    }

    fn uuid(&mut self) -> String {
        ids::uuid(self.rng)
    }

    fn id(&mut self, prefix: &str) -> String {
        ids::resource_id(self.rng, prefix)
    }
}

/// The IAM action and resource named in an `AccessDenied` message.
pub(crate) fn denied_target(call: Call, ctx: &Ctx<'_>) -> (String, String) {
    let spec = spec_of(call);
    let action = format!("{}:{}", spec.service, spec.name);
    let (account, region) = (ctx.account, ctx.region);
    let resource = match call {
        Call::CreateUser { user } => format!("arn:aws:iam::{account}:user/{}", ctx.text(user)),
        Call::ListTables => format!("arn:aws:dynamodb:{region}:{account}:table/*"),
        Call::DescribeTable { table }
        | Call::Scan { table }
        | Call::PutItem { table, .. }
        | Call::GetItem { table, .. }
        | Call::DeleteTable { table } => {
            format!(
                "arn:aws:dynamodb:{region}:{account}:table/{}",
                ctx.text(table)
            )
        }
        Call::GetSecretValue { secret } => {
            format!(
                "arn:aws:secretsmanager:{region}:{account}:secret:{}",
                ctx.text(secret)
            )
        }
        Call::GetParameters { name, .. } | Call::DeleteParameter { name } => {
            format!(
                "arn:aws:ssm:{region}:{account}:parameter/{}",
                ctx.text(name)
            )
        }
        _ => match ctx.world.who(ctx.caller).map(|p| &p.kind) {
            Some(Kind::User { name, .. } | Kind::ConsoleUser { name, .. }) => {
                format!("arn:aws:iam::{account}:user/{name}")
            }
            Some(Kind::Instance { role, .. } | Kind::RoleSession { role, .. }) => {
                format!("arn:aws:iam::{account}:role/{role}")
            }
            _ => "*".to_owned(),
        },
    };
    (action, resource)
}

fn s3_host(out: &mut Obj<'_>, bucket: &str, region: &str) {
    let host = format!("{bucket}.s3.{region}.amazonaws.com");
    out.str("Host", &host);
}

fn credentials(out: &mut Obj<'_>, ctx: &mut Ctx<'_>, access_key: &str, issued: i64) {
    let mut creds = out.obj("credentials");
    creds.str("accessKeyId", access_key);
    let token = creds.key("sessionToken");
    let mut text = Vec::with_capacity(420);
    ids::push_session_token(&mut text, ctx.rng, 404);
    token.push(b'"');
    token.extend_from_slice(&text);
    token.push(b'"');
    let expiry = creds.key("expiration");
    expiry.push(b'"');
    clock::push_human(expiry, issued + 6 * 3600);
    expiry.push(b'"');
    creds.end();
}

fn human_date(out: &mut Obj<'_>, name: &str, epoch: i64) {
    let value = out.key(name);
    value.push(b'"');
    clock::push_human(value, epoch);
    value.push(b'"');
}

/// `tableDescription` as CreateTable (`CREATING`, full) or DeleteTable (`DELETING`, the
/// shorter form AWS returns for a deleted table) write it.
fn dynamo_table(out: &mut Obj<'_>, ctx: &mut Ctx<'_>, table: &str, status: &str) {
    let arn = format!(
        "arn:aws:dynamodb:{}:{}:table/{table}",
        ctx.region, ctx.account
    );
    let table_id = ctx.uuid();
    let creating = status == "CREATING";
    let mut desc = out.obj("tableDescription");
    if creating {
        let mut defs = desc.arr("attributeDefinitions");
        let mut def = defs.obj();
        def.str("attributeName", "name").str("attributeType", "S");
        def.end();
        defs.end();
    }
    desc.str("tableName", table);
    if creating {
        let mut keys = desc.arr("keySchema");
        let mut key = keys.obj();
        key.str("attributeName", "name").str("keyType", "HASH");
        key.end();
        keys.end();
    }
    desc.str("tableStatus", status);
    if creating {
        human_date(&mut desc, "creationDateTime", ctx.time);
    }
    {
        let mut throughput = desc.obj("provisionedThroughput");
        throughput
            .num("numberOfDecreasesToday", 0)
            .num("readCapacityUnits", 5)
            .num("writeCapacityUnits", 5);
        throughput.end();
    }
    desc.num("tableSizeBytes", 0)
        .num("itemCount", 0)
        .str("tableArn", &arn)
        .str("tableId", &table_id)
        .bool("deletionProtectionEnabled", false);
    desc.end();
}

/// Writes `requestParameters` (JSON value, `null` when AWS logs none).
pub(crate) fn request(call: Call, ctx: &mut Ctx<'_>, out: &mut Vec<u8>) {
    let region = ctx.region.to_owned();
    match call {
        Call::Ec2AssumeRole { cred } => {
            let Some(cred) = ctx.world.cred_at(cred) else {
                out.extend_from_slice(b"null");
                return;
            };
            let instance = ctx.instance_id(cred.principal).to_owned();
            let mut obj = Obj::new(out);
            obj.str(
                "roleArn",
                &role_arn_of(ctx.world, cred.principal, ctx.account),
            )
            .str("roleSessionName", &instance);
            obj.end();
        }
        Call::ServiceAssumeRole { session } => {
            let (arn, name) = match ctx.world.who(session).map(|p| &p.kind) {
                Some(Kind::RoleSession { role, session, .. }) => (
                    format!("arn:aws:iam::{}:role/{role}", ctx.account),
                    session.clone(),
                ),
                _ => (String::new(), String::new()),
            };
            let mut obj = Obj::new(out);
            obj.str("roleArn", &arn).str("roleSessionName", &name);
            obj.end();
        }
        Call::DescribeInstances { instance } => {
            let mut obj = Obj::new(out);
            {
                let mut set = obj.obj("instancesSet");
                if let Some(instance) = instance {
                    let id = ctx.instance_id(instance).to_owned();
                    let mut items = set.arr("items");
                    let mut item = items.obj();
                    item.str("instanceId", &id);
                    item.end();
                    items.end();
                }
                set.end();
            }
            obj.obj("filterSet").end();
            obj.end();
        }
        Call::DescribeTags { instance } => {
            let id = ctx.instance_id(instance).to_owned();
            let mut obj = Obj::new(out);
            let mut filters = obj.obj("filterSet");
            let mut items = filters.arr("items");
            let mut item = items.obj();
            item.str("name", "resource-id");
            let mut values = item.obj("valueSet");
            let mut list = values.arr("items");
            let mut value = list.obj();
            value.str("value", &id);
            value.end();
            list.end();
            values.end();
            item.end();
            items.end();
            filters.end();
            obj.end();
        }
        Call::DescribeSecurityGroups => {
            let mut obj = Obj::new(out);
            obj.obj("securityGroupSet").end();
            obj.obj("securityGroupIdSet").end();
            obj.obj("filterSet").end();
            obj.end();
        }
        Call::RunInstances { profile, tag, .. } => {
            let token = ctx.uuid();
            let mut obj = Obj::new(out);
            {
                let mut set = obj.obj("instancesSet");
                let mut items = set.arr("items");
                let mut item = items.obj();
                item.str("imageId", "ami-0c2d06d50ce30b442")
                    .num("minCount", 1)
                    .num("maxCount", 1);
                item.end();
                items.end();
                set.end();
            }
            obj.str("instanceType", "t3.micro");
            obj.obj("blockDeviceMapping").end();
            {
                let mut monitoring = obj.obj("monitoring");
                monitoring.bool("enabled", false);
                monitoring.end();
            }
            obj.bool("disableApiTermination", false)
                .bool("disableApiStop", false)
                .str("clientToken", &token);
            let profile = ctx.text(profile).to_owned();
            if !profile.is_empty() {
                let mut p = obj.obj("iamInstanceProfile");
                p.str("name", &profile);
                p.end();
            }
            if let Some((key, value)) = ctx.text(tag).split_once('=') {
                let mut specs = obj.obj("tagSpecificationSet");
                let mut items = specs.arr("items");
                let mut spec = items.obj();
                spec.str("resourceType", "instance");
                let mut tags = spec.arr("tags");
                let mut pair = tags.obj();
                pair.str("key", key).str("value", value);
                pair.end();
                tags.end();
                spec.end();
                items.end();
                specs.end();
            }
            obj.end();
        }
        Call::AllocateAddress { .. } => {
            let mut obj = Obj::new(out);
            obj.str("domain", "vpc");
            obj.end();
        }
        Call::AssociateAddress {
            instance,
            allocation,
        } => {
            let id = ctx.instance_id(instance).to_owned();
            let mut obj = Obj::new(out);
            obj.str("instanceId", &id)
                .str("allocationId", ctx.world.text(allocation));
            obj.end();
        }
        Call::AttachNetworkInterface { instance, eni } => {
            let id = ctx.instance_id(instance).to_owned();
            let mut obj = Obj::new(out);
            obj.str("networkInterfaceId", ctx.world.text(eni))
                .str("instanceId", &id)
                .num("deviceIndex", 1);
            obj.end();
        }
        Call::UpdateInstanceInformation => {
            let (id, ip, home) = match ctx.world.who(ctx.caller).map(|p| &p.kind) {
                Some(Kind::Instance {
                    instance_id,
                    private_ip,
                    region,
                    ..
                }) => (instance_id.clone(), private_ip.to_string(), region.name()),
                _ => (String::new(), String::new(), ctx.region),
            };
            let computer = format!("ip-{}.{home}.compute.internal", ip.replace('.', "-"));
            let mut obj = Obj::new(out);
            obj.str("instanceId", &id)
                .str("agentVersion", "3.3.1142.0")
                .str("agentStatus", "Active")
                .str("platformType", "Linux")
                .str("platformName", "Amazon Linux")
                .str("platformVersion", "2")
                .str("iPAddress", &ip)
                .str("computerName", &computer)
                .str("agentName", "amazon-ssm-agent")
                .str("availabilityZone", &format!("{home}a"));
            obj.end();
        }
        Call::ListInstanceAssociations => {
            let id = ctx.instance_id(ctx.caller).to_owned();
            let mut obj = Obj::new(out);
            obj.str("instanceId", &id).num("maxResults", 20);
            obj.end();
        }
        Call::GetParameters { name, decrypt } => {
            let mut obj = Obj::new(out);
            obj.strs("names", &[ctx.world.text(name)]);
            if decrypt {
                obj.bool("withDecryption", true);
            }
            obj.end();
        }
        Call::PutParameter { name, secure } => {
            let mut obj = Obj::new(out);
            obj.str("name", ctx.world.text(name))
                .str("type", if secure { "SecureString" } else { "StringList" })
                .str("value", "HIDDEN_DUE_TO_SECURITY_REASONS")
                .bool("overwrite", secure);
            obj.end();
        }
        Call::DeleteParameter { name } => {
            let mut obj = Obj::new(out);
            obj.str("name", ctx.world.text(name));
            obj.end();
        }
        Call::StartSession { instance } => {
            let id = ctx.instance_id(instance).to_owned();
            let mut obj = Obj::new(out);
            obj.str("target", &id);
            obj.end();
        }
        Call::KmsDecrypt { context, .. } => {
            let mut obj = Obj::new(out);
            obj.str("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
            encryption_context(&mut obj, ctx.world.text(context), &region);
            obj.end();
        }
        Call::KmsEncrypt { key, context } => {
            let mut obj = Obj::new(out);
            obj.str("keyId", ctx.world.text(key));
            encryption_context(&mut obj, ctx.world.text(context), &region);
            obj.str("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
            obj.end();
        }
        Call::GetSecretValue { secret } => {
            let mut obj = Obj::new(out);
            obj.str("secretId", ctx.world.text(secret));
            obj.end();
        }
        Call::ListBuckets => {
            let mut obj = Obj::new(out);
            obj.str("Host", &format!("s3.{region}.amazonaws.com"));
            obj.end();
        }
        Call::GetObject { bucket, key } | Call::PutObject { bucket, key } => {
            let bucket = ctx.world.text(bucket);
            let mut obj = Obj::new(out);
            obj.str("bucketName", bucket);
            s3_host(&mut obj, bucket, &region);
            obj.str("key", ctx.world.text(key));
            if matches!(call, Call::PutObject { .. }) {
                obj.str("x-amz-acl", "private");
            }
            obj.end();
        }
        Call::ListObjects { bucket } => {
            let bucket = ctx.world.text(bucket);
            let mut obj = Obj::new(out);
            obj.str("bucketName", bucket);
            s3_host(&mut obj, bucket, &region);
            obj.str("encoding-type", "url");
            obj.end();
        }
        Call::CreateBucket { bucket } => {
            let bucket = ctx.world.text(bucket);
            let mut obj = Obj::new(out);
            {
                let mut config = obj.obj("CreateBucketConfiguration");
                config
                    .str("LocationConstraint", &region)
                    .str("xmlns", "http://s3.amazonaws.com/doc/2006-03-01/");
                config.end();
            }
            obj.str("bucketName", bucket);
            s3_host(&mut obj, bucket, &region);
            obj.end();
        }
        Call::DeletePublicAccessBlock { bucket } => {
            let bucket = ctx.world.text(bucket);
            let mut obj = Obj::new(out);
            obj.str("publicAccessBlock", "").str("bucketName", bucket);
            s3_host(&mut obj, bucket, &region);
            obj.end();
        }
        Call::PutBucketLogging { bucket } => {
            let bucket = ctx.world.text(bucket);
            let mut obj = Obj::new(out);
            {
                let mut status = obj.obj("BucketLoggingStatus");
                status.str("xmlns", "http://s3.amazonaws.com/doc/2006-03-01/");
                status.end();
            }
            obj.str("bucketName", bucket);
            s3_host(&mut obj, bucket, &region);
            obj.str("logging", "");
            obj.end();
        }
        Call::DescribeTable { table } | Call::Scan { table } | Call::DeleteTable { table } => {
            let mut obj = Obj::new(out);
            obj.str("tableName", ctx.world.text(table));
            obj.end();
        }
        Call::PutItem { table, key } | Call::GetItem { table, key } => {
            let mut obj = Obj::new(out);
            obj.str("tableName", ctx.world.text(table));
            let mut k = obj.obj("key");
            k.str("name", ctx.world.text(key));
            k.end();
            obj.end();
        }
        Call::CreateTable { table } => {
            let mut obj = Obj::new(out);
            obj.str("tableName", ctx.world.text(table));
            {
                let mut defs = obj.arr("attributeDefinitions");
                let mut def = defs.obj();
                def.str("attributeName", "name").str("attributeType", "S");
                def.end();
                defs.end();
            }
            {
                let mut keys = obj.arr("keySchema");
                let mut key = keys.obj();
                key.str("attributeName", "name").str("keyType", "HASH");
                key.end();
                keys.end();
            }
            let mut throughput = obj.obj("provisionedThroughput");
            throughput
                .num("readCapacityUnits", 5)
                .num("writeCapacityUnits", 5);
            throughput.end();
            obj.end();
        }
        Call::CreateUser { user } | Call::CreateAccessKey { user } => {
            let mut obj = Obj::new(out);
            obj.str("userName", ctx.world.text(user));
            obj.end();
        }
        Call::GetRole { role } => {
            let mut obj = Obj::new(out);
            obj.str("roleName", ctx.world.text(role));
            obj.end();
        }
        Call::CreateRole { role } => {
            let mut obj = Obj::new(out);
            obj.str("roleName", ctx.world.text(role)).str(
                "assumeRolePolicyDocument",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"ec2.amazonaws.com\"]},\"Action\":[\"sts:AssumeRole\"]}]}",
            );
            obj.end();
        }
        Call::PutRolePolicy { role, policy } => {
            let mut obj = Obj::new(out);
            obj.str("roleName", ctx.world.text(role))
                .str("policyName", ctx.world.text(policy))
                .str(
                    "policyDocument",
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Action\":[\"ssm:PutParameter\",\"ssm:DescribeParameters\",\"ssm:GetParameters\",\"ssm:DeleteParameter\"],\"Resource\":\"*\",\"Effect\":\"Allow\"},{\"Action\":[\"dynamodb:*\"],\"Resource\":\"*\",\"Effect\":\"Allow\"}]}",
                );
            obj.end();
        }
        Call::CreateInstanceProfile { profile } => {
            let mut obj = Obj::new(out);
            obj.str("instanceProfileName", ctx.world.text(profile));
            obj.end();
        }
        Call::AddRoleToInstanceProfile { profile, role } => {
            let mut obj = Obj::new(out);
            obj.str("instanceProfileName", ctx.world.text(profile))
                .str("roleName", ctx.world.text(role));
            obj.end();
        }
        Call::CreateThreatIntelSet { detector, location } => {
            let token = ctx.uuid();
            let mut obj = Obj::new(out);
            obj.str("detectorId", ctx.world.text(detector))
                .str("name", "Example-Threat-List")
                .str("format", "TXT")
                .str("location", ctx.world.text(location))
                .bool("activate", true)
                .str("clientToken", &token);
            obj.end();
        }
        Call::ListFindings { detector } => {
            let mut obj = Obj::new(out);
            obj.str("detectorId", ctx.world.text(detector));
            {
                let mut criteria = obj.obj("findingCriteria");
                let mut criterion = criteria.obj("criterion");
                let mut archived = criterion.obj("service.archived");
                archived.strs("eq", &["false"]);
                archived.end();
                criterion.end();
                criteria.end();
            }
            {
                let mut sort = obj.obj("sortCriteria");
                sort.str("attributeName", "updatedAt")
                    .str("orderBy", "DESC");
                sort.end();
            }
            obj.num("maxResults", 50);
            obj.end();
        }
        Call::CreateStack { stack } => {
            let mut obj = Obj::new(out);
            obj.str("stackName", ctx.world.text(stack)).str(
                "templateURL",
                &format!(
                    "https://s3.{region}.amazonaws.com/cf-templates-1x2y3z4w5v6u-{region}/guardduty-cfn-template.yml"
                ),
            );
            obj.strs("capabilities", &["CAPABILITY_NAMED_IAM"]);
            obj.end();
        }
        Call::DescribeStacks { stack } => {
            let mut obj = Obj::new(out);
            obj.str("stackName", ctx.world.text(stack));
            obj.end();
        }
        Call::DescribeAutoScalingInstances => {
            let id = ctx.instance_id(ctx.caller).to_owned();
            let mut obj = Obj::new(out);
            obj.strs("instanceIds", &[&id]);
            obj.end();
        }
        Call::GetCallerIdentity
        | Call::DescribeParameters
        | Call::ListTables
        | Call::GetUser
        | Call::ListRoles
        | Call::ListDetectors
        | Call::ConsoleLogin
        | Call::GetAuthorizationToken => out.extend_from_slice(b"null"),
    }
}

/// Writes `encryptionContext` from `KEY=VALUE`, where `{region}` stands for the call's Region.
fn encryption_context(obj: &mut Obj<'_>, context: &str, region: &str) {
    let (key, value) = context.split_once('=').unwrap_or(("aws:s3:arn", context));
    let value = value.replace("{region}", region);
    let mut ctx = obj.obj("encryptionContext");
    ctx.str(key, &value);
    ctx.end();
}

/// The ARN of the role of an instance (or role-session) principal.
pub(crate) fn role_arn_of(world: &World, principal: u32, account: &str) -> String {
    match world.who(principal).map(|p| &p.kind) {
        Some(Kind::Instance { role, .. }) => format!("arn:aws:iam::{account}:role/{role}"),
        Some(Kind::RoleSession { path, role, .. }) => {
            format!("arn:aws:iam::{account}:role/{path}{role}")
        }
        _ => String::new(),
    }
}

/// Writes `responseElements` of a successful call (JSON value, `null` for most reads).
pub(crate) fn response(call: Call, ctx: &mut Ctx<'_>, out: &mut Vec<u8>) {
    let account = ctx.account.to_owned();
    let region = ctx.region.to_owned();
    match call {
        Call::Ec2AssumeRole { cred } => {
            let Some(cred) = ctx.world.cred_at(cred) else {
                out.extend_from_slice(b"null");
                return;
            };
            let (key, issued) = (cred.access_key.clone(), cred.issued);
            let mut obj = Obj::new(out);
            credentials(&mut obj, ctx, &key, issued);
            obj.end();
        }
        Call::ServiceAssumeRole { session } => {
            let (key, since, arn, role_id, name) = match ctx.world.who(session).map(|p| &p.kind) {
                Some(Kind::RoleSession {
                    access_key,
                    since,
                    role,
                    role_id,
                    session,
                    ..
                }) => (
                    access_key.clone(),
                    *since,
                    format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"),
                    role_id.clone(),
                    session.clone(),
                ),
                _ => return out.extend_from_slice(b"null"),
            };
            let mut obj = Obj::new(out);
            credentials(&mut obj, ctx, &key, since);
            let mut user = obj.obj("assumedRoleUser");
            user.str("assumedRoleId", &format!("{role_id}:{name}"))
                .str("arn", &arn);
            user.end();
            obj.end();
        }
        Call::RunInstances {
            instance, profile, ..
        } => run_instances_response(ctx, out, instance, profile),
        Call::AllocateAddress { allocation, ip } => {
            let request_id = ctx.uuid();
            let mut obj = Obj::new(out);
            obj.str("requestId", &request_id)
                .str("publicIp", &ip.to_string())
                .str("domain", "vpc")
                .str("allocationId", ctx.world.text(allocation))
                .str("publicIpv4Pool", "amazon")
                .str("networkBorderGroup", &region);
            obj.end();
        }
        Call::AssociateAddress { .. } => {
            let request_id = ctx.uuid();
            let association = ctx.id("eipassoc-");
            let mut obj = Obj::new(out);
            obj.str("requestId", &request_id)
                .bool("_return", true)
                .str("associationId", &association);
            obj.end();
        }
        Call::AttachNetworkInterface { .. } => {
            let request_id = ctx.uuid();
            let attachment = ctx.id("eni-attach-");
            let mut obj = Obj::new(out);
            obj.str("requestId", &request_id)
                .str("attachmentId", &attachment)
                .num("networkCardIndex", 0);
            obj.end();
        }
        Call::PutParameter { .. } => {
            let mut obj = Obj::new(out);
            obj.num("version", 2).str("tier", "Standard");
            obj.end();
        }
        Call::StartSession { .. } => {
            let user = match ctx.world.who(ctx.caller).map(|p| &p.kind) {
                Some(Kind::ConsoleUser { name, .. } | Kind::User { name, .. }) => name.clone(),
                _ => "session".to_owned(),
            };
            let session = format!("{user}-{}", ids::hex(ctx.rng, 17));
            let mut obj = Obj::new(out);
            obj.str("sessionId", &session)
                .str("tokenValue", "Value hidden due to security reasons.")
                .str(
                    "streamUrl",
                    &format!(
                        "wss://ssmmessages.{region}.amazonaws.com/v1/data-channel/{session}?role=publish_subscribe&cell-number=AAEAAQAAAAEAAAAA"
                    ),
                );
            obj.end();
        }
        Call::PutObject { .. } => {
            let mut obj = Obj::new(out);
            obj.str("x-amz-server-side-encryption", "AES256");
            obj.end();
        }
        Call::DeleteTable { table } => {
            let table = ctx.world.text(table).to_owned();
            let mut obj = Obj::new(out);
            dynamo_table(&mut obj, ctx, &table, "DELETING");
            obj.end();
        }
        Call::CreateTable { table } => {
            let table = ctx.world.text(table).to_owned();
            let mut obj = Obj::new(out);
            dynamo_table(&mut obj, ctx, &table, "CREATING");
            obj.end();
        }
        Call::CreateUser { user } => {
            let name = ctx.world.text(user).to_owned();
            let user_id = ids::unique_id(ctx.rng, "AIDA");
            let mut obj = Obj::new(out);
            let mut u = obj.obj("user");
            u.str("path", "/")
                .str("userName", &name)
                .str("userId", &user_id)
                .str("arn", &format!("arn:aws:iam::{account}:user/{name}"));
            human_date(&mut u, "createDate", ctx.time);
            u.end();
            obj.end();
        }
        Call::CreateAccessKey { user } => {
            let name = ctx.world.text(user).to_owned();
            let key = ids::access_key(ctx.rng, "AKIA");
            let mut obj = Obj::new(out);
            let mut k = obj.obj("accessKey");
            k.str("userName", &name)
                .str("accessKeyId", &key)
                .str("status", "Active");
            human_date(&mut k, "createDate", ctx.time);
            k.end();
            obj.end();
        }
        Call::CreateRole { role } => {
            let name = ctx.world.text(role).to_owned();
            let role_id = ids::unique_id(ctx.rng, "AROA");
            let mut obj = Obj::new(out);
            let mut r = obj.obj("role");
            r.str("path", "/")
                .str("roleName", &name)
                .str("roleId", &role_id)
                .str("arn", &format!("arn:aws:iam::{account}:role/{name}"));
            human_date(&mut r, "createDate", ctx.time);
            r.str(
                "assumeRolePolicyDocument",
                "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%5B%22ec2.amazonaws.com%22%5D%7D%2C%22Action%22%3A%5B%22sts%3AAssumeRole%22%5D%7D%5D%7D",
            );
            r.end();
            obj.end();
        }
        Call::CreateInstanceProfile { profile } => {
            let name = ctx.world.text(profile).to_owned();
            let profile_id = ids::unique_id(ctx.rng, "AIPA");
            let mut obj = Obj::new(out);
            let mut p = obj.obj("instanceProfile");
            p.str("path", "/")
                .str("instanceProfileName", &name)
                .str("instanceProfileId", &profile_id)
                .str(
                    "arn",
                    &format!("arn:aws:iam::{account}:instance-profile/{name}"),
                );
            human_date(&mut p, "createDate", ctx.time);
            p.arr("roles").end();
            p.end();
            obj.end();
        }
        Call::CreateThreatIntelSet { .. } => {
            let id = ids::hex(ctx.rng, 32);
            let mut obj = Obj::new(out);
            obj.str("threatIntelSetId", &id);
            obj.end();
        }
        Call::CreateStack { stack } => {
            let name = ctx.world.text(stack).to_owned();
            let id = ctx.uuid();
            let mut obj = Obj::new(out);
            obj.str(
                "stackId",
                &format!("arn:aws:cloudformation:{region}:{account}:stack/{name}/{id}"),
            );
            obj.end();
        }
        Call::ConsoleLogin => {
            let mut obj = Obj::new(out);
            obj.str("ConsoleLogin", "Success");
            obj.end();
        }
        _ => out.extend_from_slice(b"null"),
    }
}

fn run_instances_response(ctx: &mut Ctx<'_>, out: &mut Vec<u8>, instance: u32, profile: Name) {
    let (id, ip) = match ctx.world.who(instance).map(|p| &p.kind) {
        Some(Kind::Instance {
            instance_id,
            private_ip,
            ..
        }) => (instance_id.clone(), private_ip.to_string()),
        _ => (String::new(), String::new()),
    };
    let request_id = ctx.uuid();
    let reservation = ctx.id("r-");
    let (account, region) = (ctx.account.to_owned(), ctx.region.to_owned());
    let profile = ctx.world.text(profile).to_owned();
    let profile_id = ids::unique_id(ctx.rng, "AIPA");
    let mut obj = Obj::new(out);
    obj.str("requestId", &request_id)
        .str("reservationId", &reservation)
        .str("ownerId", &account);
    obj.obj("groupSet").end();
    {
        let mut set = obj.obj("instancesSet");
        let mut items = set.arr("items");
        let mut item = items.obj();
        item.str("instanceId", &id)
            .str("imageId", "ami-0c2d06d50ce30b442");
        {
            let mut state = item.obj("instanceState");
            state.num("code", 0).str("name", "pending");
            state.end();
        }
        item.str(
            "privateDnsName",
            &format!("ip-{}.{region}.compute.internal", ip.replace('.', "-")),
        )
        .num("amiLaunchIndex", 0);
        item.obj("productCodes").end();
        item.str("instanceType", "t3.micro")
            .num("launchTime", u64::try_from(ctx.time).unwrap_or(0) * 1000);
        {
            let mut placement = item.obj("placement");
            placement
                .str("availabilityZone", &format!("{region}a"))
                .str("tenancy", "default");
            placement.end();
        }
        {
            let mut monitoring = item.obj("monitoring");
            monitoring.str("state", "disabled");
            monitoring.end();
        }
        item.str("privateIpAddress", &ip);
        if !profile.is_empty() {
            let mut p = item.obj("iamInstanceProfile");
            p.str(
                "arn",
                &format!("arn:aws:iam::{account}:instance-profile/{profile}"),
            )
            .str("id", &profile_id);
            p.end();
        }
        item.str("architecture", "x86_64")
            .str("rootDeviceType", "ebs")
            .str("rootDeviceName", "/dev/xvda")
            .str("virtualizationType", "hvm")
            .bool("ebsOptimized", false)
            .bool("enaSupport", true);
        item.end();
        items.end();
        set.end();
    }
    obj.end();
}

/// Writes the `resources` member when AWS logs one for this call.
pub(crate) fn resources(call: Call, ctx: &Ctx<'_>, out: &mut Obj<'_>) {
    let account = ctx.account;
    match call {
        Call::Ec2AssumeRole { cred } => {
            let Some(cred) = ctx.world.cred_at(cred) else {
                return;
            };
            let arn = role_arn_of(ctx.world, cred.principal, account);
            let mut arr = out.arr("resources");
            resource(&mut arr, Some(account), "AWS::IAM::Role", &arn);
            arr.end();
        }
        Call::ServiceAssumeRole { session } => {
            let arn = role_arn_of(ctx.world, session, account);
            let mut arr = out.arr("resources");
            resource(&mut arr, Some(account), "AWS::IAM::Role", &arn);
            arr.end();
        }
        Call::KmsDecrypt { key, .. } | Call::KmsEncrypt { key, .. } => {
            let key = ctx.text(key);
            let arn = if key.starts_with("arn:") {
                key.to_owned()
            } else {
                format!("arn:aws:kms:{}:{account}:{key}", ctx.region)
            };
            let mut arr = out.arr("resources");
            resource(&mut arr, Some(account), "AWS::KMS::Key", &arn);
            arr.end();
        }
        Call::GetObject { bucket, key } | Call::PutObject { bucket, key } => {
            let bucket = ctx.text(bucket);
            let object = format!("arn:aws:s3:::{bucket}/{}", ctx.text(key));
            let mut arr = out.arr("resources");
            resource(&mut arr, None, "AWS::S3::Object", &object);
            resource(
                &mut arr,
                Some(account),
                "AWS::S3::Bucket",
                &format!("arn:aws:s3:::{bucket}"),
            );
            arr.end();
        }
        Call::ListObjects { bucket }
        | Call::CreateBucket { bucket }
        | Call::DeletePublicAccessBlock { bucket }
        | Call::PutBucketLogging { bucket } => {
            let arn = format!("arn:aws:s3:::{}", ctx.text(bucket));
            let mut arr = out.arr("resources");
            resource(&mut arr, Some(account), "AWS::S3::Bucket", &arn);
            arr.end();
        }
        Call::Scan { table } | Call::PutItem { table, .. } | Call::GetItem { table, .. } => {
            let arn = format!(
                "arn:aws:dynamodb:{}:{account}:table/{}",
                ctx.region,
                ctx.text(table)
            );
            let mut arr = out.arr("resources");
            resource(&mut arr, Some(account), "AWS::DynamoDB::Table", &arn);
            arr.end();
        }
        _ => {}
    }
}

fn resource(arr: &mut Arr<'_>, account: Option<&str>, kind: &str, arn: &str) {
    let mut obj = arr.obj();
    if let Some(account) = account {
        obj.str("accountId", account);
    }
    obj.str("type", kind).str("ARN", arn);
    obj.end();
}
