//! Scenario `bulk`: a day's worth (scaled to the requested record count) of benign-heavy traffic
//! from hundreds of instance-role sessions, IAM users, console sessions and AWS services across
//! three accounts and Regions, with a few planted credential thefts for benchmarks and tests.

use std::net::{IpAddr, Ipv4Addr};

use super::clock;
use super::error::SimulateError;
use super::files::Plan;
use super::ids;
use super::model::{Agent, Call, Event, Kind, Name, Outcome, Region, Source, World};
use super::net::{self, Addresses};
use super::rng::Rng;

/// Records written when `--events` is not given.
pub const DEFAULT_BULK_EVENTS: u64 = 100_000;
/// The smallest record count the scenario supports (its fixed events must fit).
pub const MIN_BULK_EVENTS: u64 = 1_000;
/// Default start: 2026-05-11T00:00:00Z.
pub const BULK_START: i64 = 1_778_457_600;

const ACCOUNTS: [&str; 3] = ["210987654321", "345678901234", "456789012345"];
const REGIONS: [Region; 3] = [Region::UsEast1, Region::UsWest2, Region::EuWest1];
const ROLES: [&str; 6] = [
    "web-app-role",
    "batch-worker-role",
    "ssm-managed-instance",
    "eks-node-role",
    "ci-runner-role",
    "data-pipeline-role",
];
/// Planted thefts: three used outside AWS, two from another account's EC2 address.
const PLANTED: [AttackKind; 5] = [
    AttackKind::OutsideAws,
    AttackKind::InsideAws,
    AttackKind::OutsideAws,
    AttackKind::InsideAws,
    AttackKind::OutsideAws,
];

/// How stolen credentials were used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttackKind {
    /// From an address outside AWS (`…InstanceCredentialExfiltration.OutsideAWS`).
    OutsideAws,
    /// From an EC2 address the session was never bound to (`….InsideAWS`).
    InsideAws,
}

/// One planted theft: every call the detector must attribute to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedAttack {
    /// The instance's account.
    pub account: String,
    /// The instance role's ARN.
    pub role_arn: String,
    /// The instance whose credentials were stolen.
    pub instance_id: String,
    /// Where the attacker called from.
    pub remote_ip: String,
    /// Outside or inside AWS.
    pub kind: AttackKind,
    /// Records the attacker produced.
    pub calls: u64,
    /// `eventTime` of the first.
    pub first_seen: String,
    /// `eventTime` of the last.
    pub last_seen: String,
}

/// The attacks planted in `bulk --events events --seed seed` (default start time).
pub fn bulk_planted(seed: u64, events: u64) -> Result<Vec<PlantedAttack>, SimulateError> {
    plan(seed, events, BULK_START).map(|(_, planted)| planted)
}

/// How an instance reaches AWS APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Network {
    /// Its own public IPv4 address.
    Public,
    /// Its own public IPv6 address.
    Ipv6,
    /// The account's NAT gateway in its Region.
    Nat,
    /// Interface VPC endpoints (private address).
    Endpoint,
}

/// One simulated instance.
struct Instance {
    app: u32,
    ssm: u32,
    account: usize,
    region: Region,
    network: Network,
    /// Its public address, and a later one with the second's start time.
    ip: IpAddr,
    moved: Option<(i64, IpAddr)>,
    private_ip: Ipv4Addr,
    /// (issued at, credential index), oldest first.
    creds: Vec<(i64, u32)>,
    first_use: i64,
    weight: u64,
}

impl Instance {
    fn cred_at(&self, at: i64) -> u32 {
        self.creds
            .iter()
            .rev()
            .find(|(issued, _)| *issued <= at)
            .or(self.creds.first())
            .map_or(0, |(_, cred)| *cred)
    }

    fn ip_at(&self, at: i64) -> IpAddr {
        match self.moved {
            Some((from, ip)) if at >= from => ip,
            _ => self.ip,
        }
    }
}

/// Per account and Region: the NAT address and the VPC endpoints.
struct Site {
    nat: Ipv4Addr,
    ssm_endpoint: Name,
    other_endpoint: Name,
}

/// A caller that is not an instance, with where it calls from and how much.
struct Caller {
    principal: u32,
    account: usize,
    source: Source,
    since: i64,
    weight: u64,
    mix: &'static [(u64, Pick)],
}

/// A call chosen from a mix, before its parameters are bound.
#[derive(Debug, Clone, Copy)]
enum Pick {
    Update,
    Associations,
    CallerIdentity,
    DescribeSelf,
    TagsSelf,
    DescribeAll,
    SecurityGroups,
    Decrypt,
    DecryptViaS3,
    DecryptInternal,
    Secret,
    Get,
    Put,
    List,
    Buckets,
    Token,
    AutoScaling,
    Parameters,
    Roles,
    Role,
    Stacks,
    Item,
    Findings,
}

const APP_MIX: &[(u64, Pick)] = &[
    (10, Pick::CallerIdentity),
    (12, Pick::DescribeSelf),
    (10, Pick::TagsSelf),
    (14, Pick::Decrypt),
    (8, Pick::DecryptViaS3),
    (1, Pick::DecryptInternal),
    (10, Pick::Secret),
    (16, Pick::Get),
    (8, Pick::Put),
    (3, Pick::Buckets),
    (4, Pick::Token),
    (4, Pick::AutoScaling),
    (6, Pick::Parameters),
];
const SSM_MIX: &[(u64, Pick)] = &[(3, Pick::Update), (1, Pick::Associations)];
const ADMIN_MIX: &[(u64, Pick)] = &[
    (20, Pick::DescribeAll),
    (10, Pick::SecurityGroups),
    (8, Pick::Buckets),
    (8, Pick::Roles),
    (10, Pick::Role),
    (8, Pick::Stacks),
    (6, Pick::CallerIdentity),
    (10, Pick::Get),
    (6, Pick::List),
    (4, Pick::Findings),
];
const LAMBDA_MIX: &[(u64, Pick)] = &[
    (30, Pick::Get),
    (20, Pick::Put),
    (20, Pick::Item),
    (15, Pick::Secret),
    (15, Pick::Decrypt),
];
const SERVICE_MIX: &[(u64, Pick)] = &[(1, Pick::DescribeAll)];
const ATTACK_MIX: &[(u64, Pick)] = &[
    (3, Pick::CallerIdentity),
    (3, Pick::Buckets),
    (3, Pick::DescribeAll),
    (2, Pick::Roles),
    (2, Pick::Secret),
    (3, Pick::Get),
    (2, Pick::SecurityGroups),
];

fn choose(rng: &mut Rng, mix: &[(u64, Pick)]) -> Pick {
    let total: u64 = mix.iter().map(|(w, _)| w).sum();
    let mut roll = rng.below(total);
    for &(weight, pick) in mix {
        if roll < weight {
            return pick;
        }
        roll -= weight;
    }
    Pick::CallerIdentity
}

/// Resource names per account.
struct Names {
    bucket: [Name; 2],
    keys: [Name; 4],
    secret: [Name; 2],
    kms_key: Name,
    kms_context: Name,
    s3_context: Name,
    parameter: Name,
    role: Name,
    stack: Name,
    table: Name,
    item: Name,
    detector: Name,
    profile: Name,
    group: Name,
}

fn account_names(world: &mut World, rng: &mut Rng, account: &str) -> Names {
    let bucket_a = format!("acme-artifacts-{account}");
    let bucket_b = format!("acme-data-lake-{account}");
    Names {
        s3_context: world.name(format!(
            "aws:s3:arn=arn:aws:s3:::{bucket_b}/raw/events.parquet"
        )),
        bucket: [world.name(bucket_a), world.name(bucket_b)],
        keys: [
            world.name("releases/app-4.12.0.tar.gz"),
            world.name("config/service.json"),
            world.name("raw/2026/05/11/events-000123.json.gz"),
            world.name("reports/daily/summary.csv"),
        ],
        secret: [
            world.name("prod/db/password"),
            world.name("prod/api/stripe-key"),
        ],
        kms_key: world.name(format!("key/{}", ids::uuid(rng))),
        kms_context: world.name(format!(
            "SecretARN=arn:aws:secretsmanager:{{region}}:{account}:secret:prod/db/password-AbCdEf"
        )),
        parameter: world.name("/app/prod/feature-flags"),
        role: world.name("web-app-role"),
        stack: world.name("network-baseline"),
        table: world.name("orders"),
        item: world.name("order-000042"),
        detector: world.name(ids::hex(rng, 32)),
        profile: world.name("web-app-profile"),
        group: world.name("aws:autoscaling:groupName=web-app-asg"),
    }
}

/// Binds a picked call to parameters.
fn bind(pick: Pick, names: &Names, rng: &mut Rng, me: Option<u32>) -> (Call, Option<Source>) {
    let own = me.unwrap_or(0);
    let call = match pick {
        Pick::Update => Call::UpdateInstanceInformation,
        Pick::Associations => Call::ListInstanceAssociations,
        Pick::CallerIdentity => Call::GetCallerIdentity,
        Pick::DescribeSelf => Call::DescribeInstances {
            instance: Some(own),
        },
        Pick::TagsSelf => Call::DescribeTags { instance: own },
        Pick::DescribeAll => Call::DescribeInstances { instance: None },
        Pick::SecurityGroups => Call::DescribeSecurityGroups,
        Pick::Decrypt => Call::KmsDecrypt {
            key: names.kms_key,
            context: names.kms_context,
        },
        Pick::DecryptViaS3 => {
            let call = Call::KmsDecrypt {
                key: names.kms_key,
                context: names.s3_context,
            };
            return (call, Some(Source::OnBehalf("s3.amazonaws.com")));
        }
        Pick::DecryptInternal => {
            let call = Call::KmsDecrypt {
                key: names.kms_key,
                context: names.s3_context,
            };
            return (call, Some(Source::Internal));
        }
        Pick::Secret => Call::GetSecretValue {
            secret: *rng.pick(&names.secret),
        },
        Pick::Get => Call::GetObject {
            bucket: *rng.pick(&names.bucket),
            key: *rng.pick(&names.keys),
        },
        Pick::Put => Call::PutObject {
            bucket: names.bucket[1],
            key: names.keys[2],
        },
        Pick::List => Call::ListObjects {
            bucket: *rng.pick(&names.bucket),
        },
        Pick::Buckets => Call::ListBuckets,
        Pick::Token => Call::GetAuthorizationToken,
        Pick::AutoScaling => Call::DescribeAutoScalingInstances,
        Pick::Parameters => Call::GetParameters {
            name: names.parameter,
            decrypt: false,
        },
        Pick::Roles => Call::ListRoles,
        Pick::Role => Call::GetRole { role: names.role },
        Pick::Stacks => Call::DescribeStacks { stack: names.stack },
        Pick::Item => Call::GetItem {
            table: names.table,
            key: names.item,
        },
        Pick::Findings => Call::ListFindings {
            detector: names.detector,
        },
    };
    (call, None)
}

/// IAM is global: its records go to us-east-1.
fn region_for(call: Call, home: Region) -> Region {
    match call {
        Call::ListRoles | Call::GetRole { .. } => Region::UsEast1,
        _ => home,
    }
}

/// Builds the whole scenario: the plan and the attacks planted in it.
#[expect(
    clippy::too_many_lines,
    reason = "the scenario's script, read top to bottom"
)]
pub(crate) fn plan(
    seed: u64,
    events: u64,
    start: i64,
) -> Result<(Plan, Vec<PlantedAttack>), SimulateError> {
    if events < MIN_BULK_EVENTS {
        return Err(SimulateError::TooFewEvents {
            requested: events,
            minimum: MIN_BULK_EVENTS,
        });
    }
    let mut rng = Rng::derive(seed, 0x4255_4c4b);
    let mut addrs = Addresses::default();
    let mut world = World::default();
    // One day per million records, at least half an hour.
    let span = i64::try_from(events.saturating_mul(864) / 10_000)
        .unwrap_or(i64::MAX / 4)
        .max(1_800);
    let end = start + span;
    let mut out: Vec<Event> = Vec::new();
    let push = |out: &mut Vec<Event>,
                time,
                account: usize,
                region,
                principal,
                cred,
                source,
                call,
                outcome| {
        out.push(Event {
            time,
            account: u16::try_from(account).unwrap_or(0),
            region,
            principal,
            cred,
            source,
            call,
            outcome,
        });
    };

    let names: Vec<Names> = ACCOUNTS
        .iter()
        .map(|id| {
            world.account(id);
            account_names(&mut world, &mut rng, id)
        })
        .collect();
    // One site per account and Region, in the order `site_of` indexes them.
    let mut sites: Vec<Site> = Vec::new();
    for _ in ACCOUNTS {
        for region in REGIONS {
            sites.push(Site {
                nat: addrs.ec2(&mut rng, region),
                ssm_endpoint: world.name(ids::resource_id(&mut rng, "vpce-")),
                other_endpoint: world.name(ids::resource_id(&mut rng, "vpce-")),
            });
        }
    }
    let site_of = |account: usize, region: Region| -> usize {
        account * REGIONS.len() + REGIONS.iter().position(|r| *r == region).unwrap_or(0)
    };
    let role_ids: Vec<Vec<String>> = ACCOUNTS
        .iter()
        .map(|_| {
            ROLES
                .iter()
                .map(|_| ids::unique_id(&mut rng, "AROA"))
                .collect()
        })
        .collect();
    let ec2 = world.principal(
        0,
        Kind::Service {
            host: "ec2.amazonaws.com",
        },
        Agent::Console,
    );
    let ec2_source = Source::OnBehalf("ec2.amazonaws.com");

    // Per account: administrators, automation, console users, SSO sessions, Lambda, Auto Scaling.
    let mut callers: Vec<Caller> = Vec::new();
    let mut autoscaling = Vec::new();
    let mut terraform = Vec::new();
    for account in 0..ACCOUNTS.len() {
        let office = Source::Ip(IpAddr::V4(addrs.outside(&mut rng, net::OFFICE_NET)));
        let ci = Source::Ip(IpAddr::V4(addrs.outside(&mut rng, net::CI_NET)));
        let user = |world: &mut World, rng: &mut Rng, name: &str, agent| {
            let kind = Kind::User {
                name: name.to_owned(),
                user_id: ids::unique_id(rng, "AIDA"),
                access_key: ids::access_key(rng, "AKIA"),
            };
            world.principal(account, kind, agent)
        };
        let tf = user(&mut world, &mut rng, "terraform", Agent::Terraform);
        terraform.push((tf, ci));
        callers.push(Caller {
            principal: tf,
            account,
            source: ci,
            since: start,
            weight: 4,
            mix: ADMIN_MIX,
        });
        let deploy = user(&mut world, &mut rng, "ci-deploy", Agent::CliV2Mac);
        callers.push(Caller {
            principal: deploy,
            account,
            source: ci,
            since: start,
            weight: 3,
            mix: ADMIN_MIX,
        });
        // A backup agent on an EC2 host with a long-term key: an AWS address, but not instance credentials.
        let backup = user(&mut world, &mut rng, "backup-agent", Agent::JavaSdk);
        let backup_ip = Source::Ip(IpAddr::V4(addrs.ec2(&mut rng, Region::UsEast1)));
        callers.push(Caller {
            principal: backup,
            account,
            source: backup_ip,
            since: start,
            weight: 3,
            mix: LAMBDA_MIX,
        });
        for name in ["alice", "bob"] {
            let since = start + rng.between(0, span / 3);
            let kind = Kind::ConsoleUser {
                name: name.to_owned(),
                user_id: ids::unique_id(&mut rng, "AIDA"),
                access_key: ids::access_key(&mut rng, "ASIA"),
                since,
            };
            let login = world.principal(account, kind.clone(), Agent::Browser);
            let console = world.principal(account, kind, Agent::Console);
            push(
                &mut out,
                since,
                account,
                Region::UsEast1,
                login,
                0,
                office,
                Call::ConsoleLogin,
                Outcome::Ok,
            );
            callers.push(Caller {
                principal: console,
                account,
                source: office,
                since: since + 5,
                weight: 2,
                mix: ADMIN_MIX,
            });
        }
        let sso = Kind::RoleSession {
            path: "aws-reserved/sso.amazonaws.com/".to_owned(),
            role: format!(
                "AWSReservedSSO_AdministratorAccess_{}",
                ids::hex(&mut rng, 16)
            ),
            role_id: ids::unique_id(&mut rng, "AROA"),
            session: "carol@example.com".to_owned(),
            access_key: ids::access_key(&mut rng, "ASIA"),
            since: start - rng.between(60, 3_600),
            from_console: true,
        };
        let sso = world.principal(account, sso, Agent::Console);
        callers.push(Caller {
            principal: sso,
            account,
            source: office,
            since: start,
            weight: 2,
            mix: ADMIN_MIX,
        });
        for function in ["order-processor", "thumbnailer"] {
            let since = start + rng.between(0, span / 2);
            let session = world.principal(
                account,
                Kind::RoleSession {
                    path: String::new(),
                    role: format!("{function}-role"),
                    role_id: ids::unique_id(&mut rng, "AROA"),
                    session: function.to_owned(),
                    access_key: ids::access_key(&mut rng, "ASIA"),
                    since,
                    from_console: false,
                },
                Agent::Boto3,
            );
            let lambda = world.principal(
                account,
                Kind::Service {
                    host: "lambda.amazonaws.com",
                },
                Agent::Console,
            );
            push(
                &mut out,
                since,
                account,
                Region::UsEast1,
                lambda,
                0,
                Source::OnBehalf("lambda.amazonaws.com"),
                Call::ServiceAssumeRole { session },
                Outcome::Ok,
            );
            let lambda_ip = Source::Ip(IpAddr::V4(addrs.ec2(&mut rng, Region::UsEast1)));
            callers.push(Caller {
                principal: session,
                account,
                source: lambda_ip,
                since: since + 1,
                weight: 4,
                mix: LAMBDA_MIX,
            });
        }
        let slr = world.principal(
            account,
            Kind::RoleSession {
                path: "aws-service-role/autoscaling.amazonaws.com/".to_owned(),
                role: "AWSServiceRoleForAutoScaling".to_owned(),
                role_id: ids::unique_id(&mut rng, "AROA"),
                session: "AutoScaling".to_owned(),
                access_key: ids::access_key(&mut rng, "ASIA"),
                since: start - 3_600,
                from_console: false,
            },
            Agent::Console,
        );
        autoscaling.push(slr);
        callers.push(Caller {
            principal: slr,
            account,
            source: Source::OnBehalf("autoscaling.amazonaws.com"),
            since: start,
            weight: 1,
            mix: SERVICE_MIX,
        });
    }

    // Instances.
    let count = usize::try_from((events / 2_500).clamp(12, 480)).unwrap_or(12);
    let mut instances: Vec<Instance> = Vec::with_capacity(count);
    for index in 0..count {
        let account = index % ACCOUNTS.len();
        let mut region = *rng.pick(&REGIONS);
        let role_at = rng.index(ROLES.len());
        // Every tenth instance is reached over IPv6 (dual-stack endpoints), the rest by draw.
        let network = match (index % 10, rng.below(100)) {
            (3, _) => Network::Ipv6,
            (_, 0..55) => Network::Public,
            (_, 55..83) => Network::Nat,
            _ => Network::Endpoint,
        };
        if network == Network::Ipv6 && region == Region::EuWest1 {
            region = Region::UsWest2;
        }
        let private_ip = addrs.private(
            &mut rng,
            u8::try_from(site_of(account, region)).unwrap_or(0),
        );
        let (network, ip) = match network {
            Network::Ipv6 => match addrs.ec2_v6(&mut rng, region) {
                Some(v6) => (Network::Ipv6, IpAddr::V6(v6)),
                None => (Network::Public, IpAddr::V4(addrs.ec2(&mut rng, region))),
            },
            Network::Public => (Network::Public, IpAddr::V4(addrs.ec2(&mut rng, region))),
            Network::Nat => {
                let nat = sites
                    .get(site_of(account, region))
                    .map_or(Ipv4Addr::UNSPECIFIED, |s| s.nat);
                (Network::Nat, IpAddr::V4(nat))
            }
            Network::Endpoint => (Network::Endpoint, IpAddr::V4(private_ip)),
        };
        let kind = Kind::Instance {
            role: ROLES
                .get(role_at)
                .copied()
                .unwrap_or("web-app-role")
                .to_owned(),
            role_id: role_ids
                .get(account)
                .and_then(|r| r.get(role_at))
                .cloned()
                .unwrap_or_default(),
            instance_id: ids::instance_id(&mut rng),
            delivery: if rng.chance(800) { "2.0" } else { "1.0" },
            private_ip,
            region,
        };
        let agent = if rng.chance(600) {
            Agent::Boto3
        } else {
            Agent::JavaSdk
        };
        let app = world.principal(account, kind.clone(), agent);
        let mut ssm_kind = kind;
        if let Kind::Instance { delivery, .. } = &mut ssm_kind {
            *delivery = "2.0";
        }
        let ssm = world.principal(account, ssm_kind, Agent::Ssm);

        // Credentials: launched before the window (85%) or during its first half.
        let launched = rng.chance(150).then(|| start + rng.between(60, span / 2));
        let mut issued = match launched {
            Some(at) => {
                let slr = autoscaling.get(account).copied().unwrap_or(0);
                let call = Call::RunInstances {
                    instance: app,
                    profile: names[account].profile,
                    tag: names[account].group,
                };
                push(
                    &mut out,
                    at - 20,
                    account,
                    region,
                    slr,
                    0,
                    Source::OnBehalf("autoscaling.amazonaws.com"),
                    call,
                    Outcome::Ok,
                );
                vec![at + 15, at + 18]
            }
            None => vec![start - rng.between(60, 3_600)],
        };
        loop {
            let last = issued.last().copied().unwrap_or(start);
            let next = last + 3_600 + rng.between(-300, 300);
            if next >= end {
                break;
            }
            issued.push(next);
        }
        let mut creds = Vec::with_capacity(issued.len());
        for at in issued {
            let cred = world.cred(app, ids::access_key(&mut rng, "ASIA"), at);
            if at >= start {
                push(
                    &mut out,
                    at,
                    account,
                    region,
                    ec2,
                    0,
                    ec2_source,
                    Call::Ec2AssumeRole { cred },
                    Outcome::Ok,
                );
            }
            creds.push((at, cred));
        }
        let bound_from = creds.last().map_or(start, |c| c.0).max(start);
        let first_use = match launched {
            Some(at) => at + 30 + rng.between(0, 60),
            None => bound_from.min(start) + rng.between(1, 90),
        };
        instances.push(Instance {
            app,
            ssm,
            account,
            region,
            network,
            ip,
            moved: None,
            private_ip,
            creds,
            first_use,
            weight: 1 + rng.below(8),
        });
    }

    // Some instances get a new address: an Elastic IP or a second network interface.
    // The first two eligible instances always move (one of each kind); then about 9% do.
    let mut eligible = 0;
    for instance in &mut instances {
        if instance.network != Network::Public || instance.first_use + 1_200 >= end {
            continue;
        }
        let roll = match eligible {
            0 => 0,
            1 => 8,
            _ => rng.below(100),
        };
        eligible += 1;
        if roll >= 9 {
            continue;
        }
        let at = rng.between(instance.first_use + 600, end - 600);
        let new_ip = addrs.ec2(&mut rng, instance.region);
        let (tf, tf_source) = terraform
            .get(instance.account)
            .copied()
            .unwrap_or((0, Source::Internal));
        let call = if roll < 6 {
            let allocation = world.name(ids::resource_id(&mut rng, "eipalloc-"));
            let allocate = Call::AllocateAddress {
                allocation,
                ip: new_ip,
            };
            push(
                &mut out,
                at - 20,
                instance.account,
                instance.region,
                tf,
                0,
                tf_source,
                allocate,
                Outcome::Ok,
            );
            Call::AssociateAddress {
                instance: instance.app,
                allocation,
            }
        } else {
            let eni = world.name(ids::resource_id(&mut rng, "eni-"));
            Call::AttachNetworkInterface {
                instance: instance.app,
                eni,
            }
        };
        push(
            &mut out,
            at,
            instance.account,
            instance.region,
            tf,
            0,
            tf_source,
            call,
            Outcome::Ok,
        );
        instance.moved = Some((at + 30, IpAddr::V4(new_ip)));
    }

    let source_of = |instance: &Instance, sites: &[Site], at: i64, call: Call| -> Source {
        match instance.network {
            Network::Endpoint => {
                let site = sites.get(site_of(instance.account, instance.region));
                let endpoint = match (site, call) {
                    (Some(s), Call::UpdateInstanceInformation | Call::ListInstanceAssociations) => {
                        s.ssm_endpoint
                    }
                    (Some(s), _) => s.other_endpoint,
                    (None, _) => Name(0),
                };
                Source::Endpoint {
                    ip: instance.private_ip,
                    endpoint,
                }
            }
            _ => Source::Ip(instance.ip_at(at)),
        }
    };

    // Each instance's first call comes from its own address (the session binds to it).
    for instance in &instances {
        let call = Call::UpdateInstanceInformation;
        let source = source_of(instance, &sites, instance.first_use, call);
        let cred = instance.cred_at(instance.first_use);
        push(
            &mut out,
            instance.first_use,
            instance.account,
            instance.region,
            instance.ssm,
            cred,
            source,
            call,
            Outcome::Ok,
        );
    }

    // Planted thefts, spread over the window, each on a different instance.
    let mut planted = Vec::new();
    let mut victims: Vec<usize> = (0..instances.len())
        .filter(|&i| {
            instances.get(i).is_some_and(|x| {
                x.network != Network::Endpoint && x.first_use < start + 120 && x.moved.is_none()
            })
        })
        .collect();
    for (k, kind) in PLANTED.iter().enumerate() {
        if victims.is_empty() {
            break;
        }
        let pick = rng.index(victims.len());
        let victim_at = victims.swap_remove(pick);
        let Some(victim) = instances.get(victim_at) else {
            continue;
        };
        let k = i64::try_from(k).unwrap_or(0);
        let begin = start + span * (12 + 16 * k) / 100 + rng.between(0, span / 25);
        let (remote, agent) = match kind {
            AttackKind::OutsideAws => (
                IpAddr::V4(addrs.outside(&mut rng, net::ATTACKER_NET)),
                *rng.pick(&[Agent::CliV2Kali, Agent::CliV2Mac, Agent::Boto3]),
            ),
            AttackKind::InsideAws => (
                IpAddr::V4(addrs.ec2(&mut rng, Region::EuCentral1)),
                Agent::Boto3,
            ),
        };
        let mut stolen = world
            .who(victim.app)
            .map_or(Kind::Service { host: "" }, |p| p.kind.clone());
        let (role, instance_id) = match &mut stolen {
            Kind::Instance {
                delivery,
                role,
                instance_id,
                ..
            } => {
                *delivery = "1.0";
                (role.clone(), instance_id.clone())
            }
            _ => (String::new(), String::new()),
        };
        let thief = world.principal(victim.account, stolen, agent);
        let cred = victim.cred_at(begin);
        let calls = 4 + rng.below(9);
        let mut at = begin;
        let mut last = begin;
        for _ in 0..calls {
            let (call, _) = bind(
                choose(&mut rng, ATTACK_MIX),
                &names[victim.account],
                &mut rng,
                None,
            );
            let outcome = if matches!(call, Call::ListRoles | Call::GetSecretValue { .. }) {
                Outcome::Denied
            } else {
                Outcome::Ok
            };
            let region = region_for(call, victim.region);
            push(
                &mut out,
                at,
                victim.account,
                region,
                thief,
                cred,
                Source::Ip(remote),
                call,
                outcome,
            );
            last = at;
            at += rng.between(2, 20);
        }
        let account = ACCOUNTS.get(victim.account).copied().unwrap_or("");
        planted.push(PlantedAttack {
            account: account.to_owned(),
            role_arn: format!("arn:aws:iam::{account}:role/{role}"),
            instance_id,
            remote_ip: remote.to_string(),
            kind: *kind,
            calls,
            first_seen: clock::rfc3339(begin),
            last_seen: clock::rfc3339(last),
        });
    }

    // Everything else: ordinary traffic until exactly `events` records.
    let fixed = out.len() as u64;
    if fixed >= events {
        return Err(SimulateError::TooFewEvents {
            requested: events,
            minimum: fixed + 1,
        });
    }
    let filler = events - fixed;
    out.reserve(usize::try_from(filler).unwrap_or(0));
    let instance_weights = cumulative(instances.iter().map(|i| i.weight));
    let caller_weights = cumulative(callers.iter().map(|c| c.weight));
    for _ in 0..filler {
        if rng.chance(720) {
            let Some(instance) =
                pick_weighted(&mut rng, &instance_weights).and_then(|i| instances.get(i))
            else {
                continue;
            };
            let at = rng.between(instance.first_use + 1, end);
            let ssm = rng.chance(300);
            let (pick, principal) = if ssm {
                (choose(&mut rng, SSM_MIX), instance.ssm)
            } else {
                (choose(&mut rng, APP_MIX), instance.app)
            };
            let (call, via) = bind(pick, &names[instance.account], &mut rng, Some(instance.app));
            let source = via.unwrap_or_else(|| source_of(instance, &sites, at, call));
            let cred = instance.cred_at(at);
            push(
                &mut out,
                at,
                instance.account,
                instance.region,
                principal,
                cred,
                source,
                call,
                Outcome::Ok,
            );
        } else {
            let Some(caller) =
                pick_weighted(&mut rng, &caller_weights).and_then(|i| callers.get(i))
            else {
                continue;
            };
            let at = rng.between(caller.since, end);
            let (call, via) = bind(
                choose(&mut rng, caller.mix),
                &names[caller.account],
                &mut rng,
                None,
            );
            let region = region_for(call, *rng.pick(&REGIONS));
            let outcome = if rng.chance(15) {
                Outcome::Denied
            } else {
                Outcome::Ok
            };
            let source = via.unwrap_or(caller.source);
            push(
                &mut out,
                at,
                caller.account,
                region,
                caller.principal,
                0,
                source,
                call,
                outcome,
            );
        }
    }
    // A skipped draw (impossible with non-empty pools) would leave the count short: top up.
    while (out.len() as u64) < events {
        let Some(instance) = instances.first() else {
            break;
        };
        let call = Call::UpdateInstanceInformation;
        let at = end - 1;
        let source = source_of(instance, &sites, at, call);
        push(
            &mut out,
            at,
            instance.account,
            instance.region,
            instance.ssm,
            instance.cred_at(at),
            source,
            call,
            Outcome::Ok,
        );
    }
    Ok((Plan { world, events: out }, planted))
}

fn cumulative(weights: impl Iterator<Item = u64>) -> Vec<u64> {
    let mut total = 0;
    weights
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

fn pick_weighted(rng: &mut Rng, cumulative: &[u64]) -> Option<usize> {
    let total = *cumulative.last()?;
    let roll = rng.below(total);
    Some(cumulative.partition_point(|&c| c <= roll))
}
