//! Scenario `workshop`: the GuardDuty hands-on workshop's stack (`GuardDuty-Hands-On`, us-west-2)
//! and its scenario 3, "IAM Role credential exfiltration", ending with the learner's exact CLI
//! calls from a laptop outside AWS with the instance's stolen credentials.

use std::net::IpAddr;

use super::clock;
use super::files::Plan;
use super::ids;
use super::model::{Agent, Call, Event, Kind, Name, Outcome, Region, Source, World};
use super::net::{self, Addresses};
use super::rng::Rng;

/// The workshop's account.
pub const WORKSHOP_ACCOUNT: &str = "123456789012";
/// Default start of the scenario: 2026-05-12T14:00:00Z.
pub const WORKSHOP_START: i64 = 1_778_594_400;
/// Length of the scenario: two and a half hours.
pub const WORKSHOP_SECONDS: i64 = 9_000;
/// The learner's calls in Step 3 of scenario 3, in order (`eventName`s).
pub const ATTACKER_CALLS: [&str; 13] = [
    "GetUser",
    "CreateUser",
    "ListTables",
    "DescribeTable",
    "Scan",
    "PutItem",
    "Scan",
    "DeleteTable",
    "ListTables",
    "DescribeParameters",
    "GetParameters",
    "GetParameters",
    "DeleteParameter",
];

const REGION: Region = Region::UsWest2;
const ROLE: &str = "GuardDuty-Example-EC2-Compromised";
const PROFILE: &str = "GuardDuty-Example-Compromised-Profile";
const INSTANCE_NAME: &str = "GuardDuty-Example: Compromised Instance: Scenario 3";
const USER_1: &str = "GuardDuty-Example-Compromised-Simulated";
const USER_2: &str = "GuardDuty-Example-Compromised2-Simulated";
const TABLE: &str = "GuardDuty-Example-Customer-DB";
const PARAMETER: &str = "gd_prod_dbpwd_sample";
/// First credential refresh after launch, and the gap between refreshes (± jitter).
const REFRESH_EVERY: i64 = 3_600;
/// When the learner starts Step 3, after the start (± jitter).
const ATTACK_AT: i64 = 7_800;

/// What tests (and the detector's tests) need to know about a generated workshop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkshopFacts {
    /// The account id.
    pub account: String,
    /// The stack's Region.
    pub region: String,
    /// The instance role's name.
    pub role_name: String,
    /// The instance role's ARN.
    pub role_arn: String,
    /// The role session ARN the stolen credentials carry.
    pub session_arn: String,
    /// The compromised instance's id.
    pub instance_id: String,
    /// The compromised instance's `Name` tag.
    pub instance_name: String,
    /// The compromised instance's public IPv4 address (in EC2's us-west-2 ranges).
    pub instance_public_ip: String,
    /// The instance profile holding the role.
    pub instance_profile: String,
    /// The learner's laptop (outside AWS): the attacker.
    pub attacker_ip: String,
    /// The `ASIA` key the attacker used (the instance's key at the time of theft).
    pub attacker_access_key: String,
    /// Calls the attacker made with the stolen credentials.
    pub attacker_calls: usize,
    /// `eventTime` of the attacker's first call.
    pub attacker_first_seen: String,
    /// `eventTime` of the attacker's last call.
    pub attacker_last_seen: String,
    /// The Elastic IP of the malicious instance (the threat list's one entry).
    pub malicious_ip: String,
    /// EC2-issued `AssumeRole` records for the instance (launch and refreshes).
    pub instance_assume_roles: usize,
    /// Calls made with the role's credentials from the instance's own address.
    pub instance_calls: usize,
    /// First and last second covered.
    pub start: String,
    /// End of the scenario (exclusive).
    pub end: String,
}

/// The facts of the workshop scenario for a seed, at the default start time.
pub fn workshop_facts(seed: u64) -> WorkshopFacts {
    build(seed, WORKSHOP_START).1
}

/// The facts of the workshop scenario for a seed and start time (epoch seconds).
pub fn workshop_facts_at(seed: u64, start: i64) -> WorkshopFacts {
    build(seed, start).1
}

/// The plan of the workshop scenario.
pub(crate) fn plan(seed: u64, start: i64) -> Plan {
    build(seed, start).0
}

/// Appends events, all in the workshop's account.
struct Timeline {
    events: Vec<Event>,
    start: i64,
}

impl Timeline {
    fn add(&mut self, at: i64, region: Region, who: u32, source: Source, call: Call) {
        self.add_with(at, region, who, 0, source, call, Outcome::Ok);
    }

    #[expect(clippy::too_many_arguments, reason = "one record's worth of fields")]
    fn add_with(
        &mut self,
        at: i64,
        region: Region,
        who: u32,
        cred: u32,
        source: Source,
        call: Call,
        outcome: Outcome,
    ) {
        self.events.push(Event {
            time: self.start + at,
            account: 0,
            region,
            principal: who,
            cred,
            source,
            call,
            outcome,
        });
    }
}

/// Names the scenario's resources use.
struct Names {
    role: Name,
    profile: Name,
    policy: Name,
    user_1: Name,
    user_2: Name,
    sarah: Name,
    chuck: Name,
    table: Name,
    item: Name,
    parameter: Name,
    threat_bucket: Name,
    threat_key: Name,
    threat_location: Name,
    finance_bucket: Name,
    log_bucket: Name,
    detector: Name,
    stack: Name,
    kms_key: Name,
    kms_context: Name,
    no_profile: Name,
    eip_allocation: Name,
}

fn names(world: &mut World, rng: &mut Rng) -> Names {
    let region = REGION.name();
    let account = WORKSHOP_ACCOUNT;
    let threat_bucket = format!("guardduty-example-{account}-{region}");
    let threat_file = format!("gd-threat-list-example-{}.txt", ids::uuid(rng));
    let location = format!("https://s3.amazonaws.com/{threat_bucket}/{threat_file}");
    let key_arn = format!("arn:aws:kms:{region}:{account}:key/{}", ids::uuid(rng));
    Names {
        role: world.name(ROLE),
        profile: world.name(PROFILE),
        policy: world.name("GuardDutyCompromisedPolicy"),
        user_1: world.name(USER_1),
        user_2: world.name(USER_2),
        sarah: world.name("Sarah"),
        chuck: world.name("Chuck"),
        table: world.name(TABLE),
        item: world.name("Joshua Tree"),
        parameter: world.name(PARAMETER),
        threat_bucket: world.name(threat_bucket),
        threat_key: world.name(threat_file),
        threat_location: world.name(location),
        finance_bucket: world.name(format!("guardduty-example-finance-{account}-{region}")),
        log_bucket: world.name(format!("guardduty-example-log-{account}-{region}")),
        detector: world.name(ids::hex(rng, 32)),
        stack: world.name("GuardDuty-Hands-On"),
        kms_key: world.name(key_arn),
        kms_context: world.name(format!(
            "PARAMETER_ARN=arn:aws:ssm:{region}:{account}:parameter/{PARAMETER}"
        )),
        no_profile: world.name(""),
        eip_allocation: world.name(ids::resource_id(rng, "eipalloc-")),
    }
}

fn instance(world: &mut World, rng: &mut Rng, addrs: &mut Addresses, role: &str) -> u32 {
    let kind = Kind::Instance {
        role: role.to_owned(),
        role_id: ids::unique_id(rng, "AROA"),
        instance_id: ids::instance_id(rng),
        delivery: "1.0",
        private_ip: addrs.private(rng, 0),
        region: REGION,
    };
    world.principal(0, kind, Agent::CliV1Al2)
}

/// The same principal as `of`, seen through another program and IMDS version.
fn alias(world: &mut World, of: u32, delivery: &'static str, agent: Agent) -> u32 {
    let mut kind = world
        .who(of)
        .map_or(Kind::Service { host: "" }, |p| p.kind.clone());
    if let Kind::Instance { delivery: d, .. } = &mut kind {
        *d = delivery;
    }
    world.principal(0, kind, agent)
}

#[expect(
    clippy::too_many_lines,
    reason = "the scenario's script, read top to bottom"
)]
fn build(seed: u64, start: i64) -> (Plan, WorkshopFacts) {
    let mut rng = Rng::derive(seed, 0x5743_4b53);
    let mut addrs = Addresses::default();
    let mut world = World::default();
    world.account(WORKSHOP_ACCOUNT);
    let n = names(&mut world, &mut rng);

    let laptop = addrs.outside(&mut rng, net::ATTACKER_NET);
    let instance_ip = addrs.ec2(&mut rng, REGION);
    let malicious_ip = addrs.ec2(&mut rng, REGION);
    let instance_2_ip = addrs.ec2(&mut rng, REGION);

    let admin_kind = Kind::ConsoleUser {
        name: "Admin".to_owned(),
        user_id: ids::unique_id(&mut rng, "AIDA"),
        access_key: ids::access_key(&mut rng, "ASIA"),
        since: start,
    };
    let admin_login = world.principal(0, admin_kind.clone(), Agent::Browser);
    let admin = world.principal(0, admin_kind, Agent::Console);
    let ec2 = world.principal(
        0,
        Kind::Service {
            host: "ec2.amazonaws.com",
        },
        Agent::Console,
    );
    let victim = instance(&mut world, &mut rng, &mut addrs, ROLE);
    let ssm_agent = alias(&mut world, victim, "2.0", Agent::Ssm);
    let attacker = alias(&mut world, victim, "1.0", Agent::CliV2Mac);
    let others: Vec<u32> = (0..3)
        .map(|_| instance(&mut world, &mut rng, &mut addrs, ""))
        .collect();
    let user = |world: &mut World, rng: &mut Rng, name: &str| {
        let kind = Kind::User {
            name: name.to_owned(),
            user_id: ids::unique_id(rng, "AIDA"),
            access_key: ids::access_key(rng, "AKIA"),
        };
        world.principal(0, kind, Agent::CliV1Al2)
    };
    let user_1 = user(&mut world, &mut rng, USER_1);
    let user_2 = user(&mut world, &mut rng, USER_2);
    let guardduty = world.principal(
        0,
        Kind::RoleSession {
            path: "aws-service-role/guardduty.amazonaws.com/".to_owned(),
            role: "AWSServiceRoleForAmazonGuardDuty".to_owned(),
            role_id: ids::unique_id(&mut rng, "AROA"),
            session: "AmazonGuardDuty".to_owned(),
            access_key: ids::access_key(&mut rng, "ASIA"),
            since: start,
            from_console: false,
        },
        Agent::Console,
    );

    let mut t = Timeline {
        events: Vec::new(),
        start,
    };
    let end = WORKSHOP_SECONDS;
    let from_laptop = Source::Ip(IpAddr::V4(laptop));
    let on_behalf_cfn = Source::OnBehalf("cloudformation.amazonaws.com");
    let global = Region::UsEast1;

    // The learner signs in and launches the stack.
    t.add(0, global, admin_login, from_laptop, Call::ConsoleLogin);
    t.add(40, REGION, admin, from_laptop, Call::ListDetectors);
    t.add(
        90,
        REGION,
        admin,
        from_laptop,
        Call::CreateStack { stack: n.stack },
    );
    // CloudFormation creates the resources with the learner's credentials.
    let cfn: [(i64, Region, Call); 16] = [
        (100, global, Call::CreateRole { role: n.role }),
        (102, global, Call::CreateUser { user: n.user_1 }),
        (
            104,
            global,
            Call::PutRolePolicy {
                role: n.role,
                policy: n.policy,
            },
        ),
        (
            105,
            REGION,
            Call::CreateBucket {
                bucket: n.threat_bucket,
            },
        ),
        (106, global, Call::CreateUser { user: n.user_2 }),
        (
            106,
            REGION,
            Call::CreateBucket {
                bucket: n.log_bucket,
            },
        ),
        (107, REGION, Call::CreateTable { table: n.table }),
        (
            108,
            global,
            Call::CreateInstanceProfile { profile: n.profile },
        ),
        (
            108,
            REGION,
            Call::CreateBucket {
                bucket: n.finance_bucket,
            },
        ),
        (
            109,
            REGION,
            Call::PutParameter {
                name: n.parameter,
                secure: false,
            },
        ),
        (110, global, Call::CreateAccessKey { user: n.user_1 }),
        (
            112,
            global,
            Call::AddRoleToInstanceProfile {
                profile: n.profile,
                role: n.role,
            },
        ),
        (114, global, Call::CreateAccessKey { user: n.user_2 }),
        (
            120,
            REGION,
            Call::AllocateAddress {
                allocation: n.eip_allocation,
                ip: malicious_ip,
            },
        ),
        (
            180,
            REGION,
            Call::RunInstances {
                instance: victim,
                profile: n.profile,
                tag: world.name(format!("Name={INSTANCE_NAME}")),
            },
        ),
        (
            195,
            REGION,
            Call::AssociateAddress {
                instance: others.first().copied().unwrap_or(victim),
                allocation: n.eip_allocation,
            },
        ),
    ];
    for (at, region, call) in cfn {
        t.add(at, region, admin, on_behalf_cfn, call);
    }
    let other_names = [
        "GuardDuty-Example: Malicious Instance: Scenario 1 & 2",
        "GuardDuty-Example: Malicious Instance: Scenario 4",
        "GuardDuty-Example: Compromised Instance: Scenario 1",
    ];
    for (k, (&other, name)) in others.iter().zip(other_names).enumerate() {
        let at = 181 + i64::try_from(k).unwrap_or(0);
        let call = Call::RunInstances {
            instance: other,
            profile: n.no_profile,
            tag: world.name(format!("Name={name}")),
        };
        t.add(at, REGION, admin, on_behalf_cfn, call);
    }

    // EC2 delivers the role's credentials: two sets at launch, then a refresh every hour.
    let mut cred_times = vec![200, 203];
    let mut next = 200 + REFRESH_EVERY + rng.between(-120, 121);
    while next < end {
        cred_times.push(next);
        next += REFRESH_EVERY + rng.between(-120, 121);
    }
    let creds: Vec<u32> = cred_times
        .iter()
        .map(|&at| {
            let key = ids::access_key(&mut rng, "ASIA");
            world.cred(victim, key, start + at)
        })
        .collect();
    let ec2_source = Source::OnBehalf("ec2.amazonaws.com");
    for (&at, &cred) in cred_times.iter().zip(&creds) {
        t.add(at, REGION, ec2, ec2_source, Call::Ec2AssumeRole { cred });
    }
    let cred_at = |at: i64| -> u32 {
        cred_times
            .iter()
            .zip(&creds)
            .rev()
            .find(|(issued, _)| **issued <= at)
            .map_or(0, |(_, cred)| *cred)
    };

    let from_instance = Source::Ip(IpAddr::V4(instance_ip));
    let mut instance_calls = 0usize;
    // User data, with the role's credentials fetched over IMDSv1.
    let user_data = [
        (
            245,
            Call::PutObject {
                bucket: n.threat_bucket,
                key: n.threat_key,
            },
        ),
        (249, Call::ListDetectors),
        (
            251,
            Call::CreateThreatIntelSet {
                detector: n.detector,
                location: n.threat_location,
            },
        ),
        (
            254,
            Call::PutParameter {
                name: n.parameter,
                secure: true,
            },
        ),
        (
            257,
            Call::PutItem {
                table: n.table,
                key: n.item,
            },
        ),
    ];
    for (at, call) in user_data {
        t.add_with(
            at,
            REGION,
            victim,
            cred_at(at),
            from_instance,
            call,
            Outcome::Ok,
        );
        instance_calls += 1;
    }
    // SSM encrypts the SecureString with KMS on the instance's behalf.
    let kms_encrypt = Call::KmsEncrypt {
        key: n.kms_key,
        context: n.kms_context,
    };
    t.add_with(
        254,
        REGION,
        victim,
        cred_at(254),
        Source::OnBehalf("ssm.amazonaws.com"),
        kms_encrypt,
        Outcome::Ok,
    );
    // The SSM agent checks in every five minutes and asks for associations every ten.
    let mut at = 230;
    let mut beat = 0;
    while at < end {
        let call = if beat % 2 == 0 {
            Call::UpdateInstanceInformation
        } else {
            Call::ListInstanceAssociations
        };
        t.add_with(
            at,
            REGION,
            ssm_agent,
            cred_at(at),
            from_instance,
            call,
            Outcome::Ok,
        );
        instance_calls += 1;
        beat += 1;
        at += 300 + rng.between(0, 20);
    }

    // The malicious instance's cron: every minute, as GuardDuty-Example-Compromised-Simulated.
    let from_malicious = Source::Ip(IpAddr::V4(malicious_ip));
    let mut minute = 300;
    while minute + 8 < end {
        let run: [(i64, Region, Call, Outcome); 6] = [
            (1, global, Call::GetUser, Outcome::Denied),
            (
                2,
                global,
                Call::CreateUser { user: n.sarah },
                Outcome::Denied,
            ),
            (4, REGION, Call::ListTables, Outcome::Denied),
            (5, REGION, Call::ListBuckets, Outcome::Denied),
            (7, REGION, Call::DescribeParameters, Outcome::Ok),
            (
                8,
                REGION,
                Call::GetParameters {
                    name: n.parameter,
                    decrypt: false,
                },
                Outcome::Ok,
            ),
        ];
        for (offset, region, call, outcome) in run {
            t.add_with(
                minute + offset,
                region,
                user_1,
                0,
                from_malicious,
                call,
                outcome,
            );
        }
        // `sleep 10m`, then the listing of the finance bucket.
        if minute + 609 < end {
            let call = Call::ListObjects {
                bucket: n.finance_bucket,
            };
            t.add_with(
                minute + 609,
                REGION,
                user_1,
                0,
                from_malicious,
                call,
                Outcome::Denied,
            );
        }
        minute += 60;
    }

    // Scenario 4's instance: after `sleep 20m`, every minute.
    let from_instance_2 = Source::Ip(IpAddr::V4(instance_2_ip));
    let mut minute = 180 + 1_200 + 60;
    while minute + 5 < end {
        let run: [(i64, Call, Outcome); 3] = [
            (1, Call::ListBuckets, Outcome::Denied),
            (
                3,
                Call::DeletePublicAccessBlock {
                    bucket: n.finance_bucket,
                },
                Outcome::Ok,
            ),
            (
                5,
                Call::PutBucketLogging {
                    bucket: n.finance_bucket,
                },
                Outcome::Ok,
            ),
        ];
        for (offset, call, outcome) in run {
            t.add_with(
                minute + offset,
                REGION,
                user_2,
                0,
                from_instance_2,
                call,
                outcome,
            );
        }
        minute += 60;
    }

    // GuardDuty's service-linked role looks at the instances now and then.
    let mut at = 600;
    while at < end {
        let call = Call::DescribeInstances { instance: None };
        t.add(
            at,
            REGION,
            guardduty,
            Source::OnBehalf("guardduty.amazonaws.com"),
            call,
        );
        at += 900 + rng.between(0, 60);
    }
    // The learner watches the GuardDuty and EC2 consoles.
    let mut at = 420;
    while at < end {
        t.add(
            at,
            REGION,
            admin,
            from_laptop,
            Call::ListFindings {
                detector: n.detector,
            },
        );
        t.add(
            at + 7,
            REGION,
            admin,
            from_laptop,
            Call::DescribeInstances { instance: None },
        );
        at += 600 + rng.between(0, 120);
    }

    // Step 1: the learner opens Session Manager on the instance and reads IMDSv1.
    let attack = ATTACK_AT + rng.between(0, 300);
    t.add(
        attack - 150,
        REGION,
        admin,
        from_laptop,
        Call::StartSession { instance: victim },
    );
    let stolen = cred_at(attack - 140);
    // Step 3: the calls with profile `badbob`.
    let script: [(Region, Call, Outcome); 13] = [
        (global, Call::GetUser, Outcome::Denied),
        (global, Call::CreateUser { user: n.chuck }, Outcome::Denied),
        (REGION, Call::ListTables, Outcome::Ok),
        (REGION, Call::DescribeTable { table: n.table }, Outcome::Ok),
        (REGION, Call::Scan { table: n.table }, Outcome::Ok),
        (
            REGION,
            Call::PutItem {
                table: n.table,
                key: n.item,
            },
            Outcome::Ok,
        ),
        (REGION, Call::Scan { table: n.table }, Outcome::Ok),
        (REGION, Call::DeleteTable { table: n.table }, Outcome::Ok),
        (REGION, Call::ListTables, Outcome::Ok),
        (REGION, Call::DescribeParameters, Outcome::Ok),
        (
            REGION,
            Call::GetParameters {
                name: n.parameter,
                decrypt: false,
            },
            Outcome::Ok,
        ),
        (
            REGION,
            Call::GetParameters {
                name: n.parameter,
                decrypt: true,
            },
            Outcome::Ok,
        ),
        (
            REGION,
            Call::DeleteParameter { name: n.parameter },
            Outcome::Ok,
        ),
    ];
    let mut at = attack;
    let mut first = None;
    let mut last = attack;
    for (region, call, outcome) in script {
        t.add_with(at, region, attacker, stolen, from_laptop, call, outcome);
        first.get_or_insert(at);
        last = at;
        if let Call::GetParameters { decrypt: true, .. } = call {
            // SSM decrypts the SecureString with KMS on the caller's behalf.
            let decrypt = Call::KmsDecrypt {
                key: n.kms_key,
                context: n.kms_context,
            };
            let ssm = Source::OnBehalf("ssm.amazonaws.com");
            t.add_with(at, REGION, attacker, stolen, ssm, decrypt, Outcome::Ok);
        }
        at += rng.between(3, 10);
    }

    let account = WORKSHOP_ACCOUNT.to_owned();
    let instance_id = match world.who(victim).map(|p| &p.kind) {
        Some(Kind::Instance { instance_id, .. }) => instance_id.clone(),
        _ => String::new(),
    };
    let facts = WorkshopFacts {
        region: REGION.name().to_owned(),
        role_name: ROLE.to_owned(),
        role_arn: format!("arn:aws:iam::{account}:role/{ROLE}"),
        session_arn: format!("arn:aws:sts::{account}:assumed-role/{ROLE}/{instance_id}"),
        instance_name: INSTANCE_NAME.to_owned(),
        instance_public_ip: instance_ip.to_string(),
        instance_profile: PROFILE.to_owned(),
        attacker_ip: laptop.to_string(),
        attacker_access_key: world
            .cred_at(stolen)
            .map(|c| c.access_key.clone())
            .unwrap_or_default(),
        attacker_calls: ATTACKER_CALLS.len(),
        attacker_first_seen: clock::rfc3339(start + first.unwrap_or(attack)),
        attacker_last_seen: clock::rfc3339(start + last),
        malicious_ip: malicious_ip.to_string(),
        instance_assume_roles: cred_times.len(),
        instance_calls,
        start: clock::rfc3339(start),
        end: clock::rfc3339(start + end),
        instance_id,
        account,
    };
    (
        Plan {
            world,
            events: t.events,
        },
        facts,
    )
}
