//! Events per second of the compiled matcher with 1, 100 and 10,000 rules, JSON parsing
//! included, on generated CloudTrail records (~1.6 KB) and GuardDuty finding envelopes (~3 KB).
//! Baselines measured in the same run: the interpreter (`Pattern::matches_json`, which parses
//! with serde_json) and serde_json parsing alone.
//!
//! Run: `cargo bench -p pattern --bench matcher`.
//!
//! Times are the benchmark thread's own CPU time (`se.sum_exec_runtime` of
//! `/proc/thread-self/sched`), not wall time: the build machine is shared, and CPU time is what
//! "events per second on one core" means. Where that file is missing, wall time is used.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pattern::{Matcher, Pattern};

/// CPU time of the current thread in nanoseconds, if the kernel exposes it.
fn thread_cpu_ns() -> Option<u64> {
    let text = fs_err::read_to_string("/proc/thread-self/sched").ok()?;
    let line = text
        .lines()
        .find(|l| l.starts_with("se.sum_exec_runtime"))?;
    let millis = line.split(':').nth(1)?.trim();
    let (whole, fraction) = millis.split_once('.').unwrap_or((millis, "0"));
    let fraction = format!("{fraction:0<6}");
    Some(whole.parse::<u64>().ok()? * 1_000_000 + fraction.get(..6)?.parse::<u64>().ok()?)
}

/// Criterion measurement of the thread's CPU time (falls back to wall time).
struct ThreadCpuTime {
    origin: Instant,
}

static WALL: WallTime = WallTime;

impl ThreadCpuTime {
    fn now(&self) -> u64 {
        thread_cpu_ns()
            .unwrap_or_else(|| u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX))
    }
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = Duration;

    fn start(&self) -> u64 {
        self.now()
    }
    fn end(&self, start: u64) -> Duration {
        Duration::from_nanos(self.now().saturating_sub(start))
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "nanosecond counts fit comfortably"
    )]
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

/// A small deterministic generator (xorshift64*), so every run sees the same events.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SERVICES: [(&str, &[&str]); 6] = [
    (
        "ec2.amazonaws.com",
        &[
            "DescribeInstances",
            "DescribeVolumes",
            "RunInstances",
            "DescribeSecurityGroups",
        ],
    ),
    (
        "s3.amazonaws.com",
        &["GetObject", "PutObject", "ListBuckets", "GetBucketAcl"],
    ),
    (
        "iam.amazonaws.com",
        &["GetUser", "ListRoles", "CreateUser", "PutRolePolicy"],
    ),
    ("sts.amazonaws.com", &["AssumeRole", "GetCallerIdentity"]),
    (
        "ssm.amazonaws.com",
        &["GetParameters", "DescribeParameters"],
    ),
    ("dynamodb.amazonaws.com", &["ListTables", "DescribeTable"]),
];
const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
const AGENTS: [&str; 3] = [
    "aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.describe-instances",
    "aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.141.0",
    "Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#5.10.205 md/arch#x86_64 lang/python#3.11.6",
];

/// A CloudTrail record as CloudTrail writes it (one element of `Records`), about 1.6 KB.
fn cloudtrail_record(rng: &mut Rng, n: usize) -> String {
    let (service, names) = SERVICES[rng.below(SERVICES.len())];
    let name = rng.pick(names);
    let account = format!("{:012}", 100_000_000_000 + rng.below(50) as u64);
    let role = format!("role-{}", rng.below(200));
    let instance = format!("i-{:017x}", rng.next() >> 4);
    let ip = format!(
        "{}.{}.{}.{}",
        [10, 198, 203, 54][rng.below(4)],
        rng.below(256),
        rng.below(256),
        rng.below(256)
    );
    let error = if rng.below(10) == 0 {
        r#""errorCode":"AccessDenied","errorMessage":"User is not authorized to perform this operation","#
    } else {
        ""
    };
    format!(
        concat!(
            r#"{{"eventVersion":"1.08","userIdentity":{{"type":"AssumedRole","principalId":"AROAQX3EXAMPLE{n:06}:{instance}","#,
            r#""arn":"arn:aws:sts::{account}:assumed-role/{role}/{instance}","accountId":"{account}","accessKeyId":"ASIAQX3EXAMPLE{n:06}","#,
            r#""sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"AROAQX3EXAMPLE{n:06}","arn":"arn:aws:iam::{account}:role/{role}","#,
            r#""accountId":"{account}","userName":"{role}"}},"webIdFederationData":{{}},"attributes":{{"creationDate":"2024-05-14T09:00:00Z","#,
            r#""mfaAuthenticated":"false"}},"ec2RoleDelivery":"2.0"}}}},"eventTime":"2024-05-14T10:{min:02}:{sec:02}Z","#,
            r#""eventSource":"{service}","eventName":"{name}","awsRegion":"{region}","sourceIPAddress":"{ip}","#,
            r#""userAgent":"{agent}",{error}"requestParameters":{{"maxResults":{max},"filterSet":{{"items":[{{"name":"instance-state-name","#,
            r#""valueSet":{{"items":[{{"value":"running"}}]}}}}]}},"instancesSet":{{"items":[{{"instanceId":"{instance}"}}]}}}},"#,
            r#""responseElements":null,"additionalEventData":{{"bytesTransferredOut":{bytes}}},"requestID":"{req:032x}","#,
            r#""eventID":"{evid:032x}","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"#,
            r#""recipientAccountId":"{account}","eventCategory":"Management","tlsDetails":{{"tlsVersion":"TLSv1.3","#,
            r#""cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"{host}"}}}}"#
        ),
        n = n,
        instance = instance,
        account = account,
        role = role,
        min = rng.below(60),
        sec = rng.below(60),
        service = service,
        name = name,
        region = rng.pick(&REGIONS),
        ip = ip,
        agent = rng.pick(&AGENTS),
        error = error,
        max = rng.below(1000),
        bytes = rng.below(100_000),
        req = u128::from(rng.next()) << 64 | u128::from(rng.next()),
        evid = u128::from(rng.next()) << 64 | u128::from(rng.next()),
        host = service.replace("amazonaws.com", "us-east-1.amazonaws.com"),
    )
}

const FINDING_TYPES: [&str; 5] = [
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS",
    "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom",
    "Recon:IAMUser/MaliciousIPCaller.Custom",
    "Policy:S3/BucketBlockPublicAccessDisabled",
];

/// A GuardDuty finding in its EventBridge envelope, about 3 KB.
fn guardduty_envelope(rng: &mut Rng) -> String {
    let base = fs_err::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/workshop-finding-envelope.json"
    ))
    .unwrap_or_default();
    let compact: serde_json::Value = serde_json::from_str(&base).unwrap_or_default();
    let mut text = compact.to_string();
    text = text.replace(FINDING_TYPES[0], rng.pick(&FINDING_TYPES));
    text = text.replace(
        "GuardDuty-Example-EC2-Compromised",
        &format!("role-{}", rng.below(200)),
    );
    text = text.replace(
        "198.51.100.23",
        &format!("198.51.{}.{}", rng.below(256), rng.below(256)),
    );
    text = text.replace(
        "\"severity\":8",
        &format!("\"severity\":{}", 2 + rng.below(7)),
    );
    // Pad towards the ~3 KB of real findings with the instance details GuardDuty includes.
    text.replace(
        r#""instanceId":"i-0a1b2c3d4e5f60718""#,
        r#""instanceId":"i-0a1b2c3d4e5f60718","instanceType":"t3.micro","instanceState":"running","availabilityZone":"us-west-2a","imageId":"ami-0abcdef1234567890","imageDescription":"Amazon Linux 2 AMI 2.0.20240503.0 x86_64 HVM gp2","launchTime":"2024-05-14T08:00:00.000Z","iamInstanceProfile":{"arn":"arn:aws:iam::123456789012:instance-profile/GuardDuty-Example-EC2-Profile","id":"AIPAQX3EXAMPLEPROFILE"},"networkInterfaces":[{"networkInterfaceId":"eni-0123456789abcdef0","privateDnsName":"ip-10-0-0-12.us-west-2.compute.internal","privateIpAddress":"10.0.0.12","privateIpAddresses":[{"privateDnsName":"ip-10-0-0-12.us-west-2.compute.internal","privateIpAddress":"10.0.0.12"}],"publicDnsName":"ec2-54-1-2-3.us-west-2.compute.amazonaws.com","publicIp":"54.1.2.3","securityGroups":[{"groupId":"sg-0123456789abcdef0","groupName":"TargetSecurityGroup"}],"subnetId":"subnet-0123456789abcdef0","vpcId":"vpc-0123456789abcdef0","ipv6Addresses":[]}],"tags":[{"key":"Name","value":"GuardDuty-Example: Compromised Instance: Scenario 3"}],"productCodes":[]"#,
    )
}

fn api_name(i: usize) -> String {
    let (_, names) = SERVICES[i % SERVICES.len()];
    if i < 60 {
        names[i % names.len()].to_owned()
    } else {
        format!("Op{i}")
    }
}

/// Rules using only exact, prefix, suffix and exists.
fn exact_rules(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let account = format!("{:012}", 100_000_000_000 + (i % 50) as u64);
            match i % 4 {
                0 => format!(r#"{{"eventSource":["{}"],"eventName":["{}"]}}"#, SERVICES[i % 6].0, api_name(i)),
                1 => format!(r#"{{"userIdentity":{{"arn":[{{"prefix":"arn:aws:sts::{account}:assumed-role/role-{}/"}}]}}}}"#, i % 1000),
                2 => format!(r#"{{"eventSource":["s3.amazonaws.com"],"userAgent":[{{"suffix":"command/ec2.op-{i}"}}]}}"#),
                _ => format!(r#"{{"errorCode":[{{"exists":true}}],"eventName":["{}"]}}"#, api_name(i)),
            }
        })
        .collect()
}

/// Rules mixing numeric, anything-but, wildcard and cidr (each with an exact or prefix field,
/// as real rules have).
fn mixed_rules(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let account = format!("{:012}", 100_000_000_000 + (i % 50) as u64);
            match i % 4 {
                0 => format!(r#"{{"eventName":["{}"],"sourceIPAddress":[{{"cidr":"{}.{}.0.0/16"}}]}}"#, api_name(i), [10, 198, 203, 54][i % 4], i % 256),
                1 => format!(r#"{{"userIdentity":{{"arn":[{{"wildcard":"arn:aws:sts::{account}:assumed-role/role-{}/*"}}]}}}}"#, i % 1000),
                2 => format!(r#"{{"userIdentity":{{"accountId":["{account}"]}},"eventName":["{}"],"awsRegion":[{{"anything-but":["us-east-1","us-west-2"]}}]}}"#, api_name(i)),
                _ => format!(r#"{{"eventName":["{}"],"additionalEventData":{{"bytesTransferredOut":[{{"numeric":[">",{}]}}]}}}}"#, api_name(i), i % 90_000),
            }
        })
        .collect()
}

/// The worst case for the index: every rule is a numeric range on the same field.
fn numeric_only_rules(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| format!(r#"{{"additionalEventData":{{"bytesTransferredOut":[{{"numeric":[">=",{},"<",{}]}}]}}}}"#, i * 10, i * 10 + 5))
        .collect()
}

fn guardduty_rules(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| match i % 3 {
            0 => format!(r#"{{"source":["aws.guardduty"],"detail":{{"type":[{{"prefix":"{}"}}],"resource":{{"accessKeyDetails":{{"userName":["role-{}"]}}}}}}}}"#, FINDING_TYPES[i % 5], i % 400),
            1 => format!(r#"{{"detail":{{"service":{{"action":{{"awsApiCallAction":{{"remoteIpDetails":{{"ipAddressV4":[{{"cidr":"198.51.{}.0/24"}}]}}}}}}}}}},"source":["aws.guardduty"]}}"#, i % 256),
            _ => format!(r#"{{"detail-type":["GuardDuty Finding"],"detail":{{"severity":[{{"numeric":[">=",{}]}}],"accountId":["{:012}"]}}}}"#, i % 9, 123_456_789_012u64 + i as u64),
        })
        .collect()
}

/// Compiles the rules (the report line shows how many parsed: all of them, as generated).
fn compile(rules: &[String]) -> Matcher<usize> {
    Matcher::new(
        rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Pattern::parse(r).ok().map(|p| (i, p))),
    )
}

fn resident_kib() -> u64 {
    fs_err::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[expect(
    clippy::print_stderr,
    reason = "the bench reports memory and match counts on stderr"
)]
fn report(label: &str, matcher: &Matcher<usize>, events: &[String], rss_delta_kib: u64) {
    let matches: usize = events
        .iter()
        .map(|e| matcher.matches_json(e).map_or(0, |m| m.len()))
        .sum();
    eprintln!(
        "{label}: {} patterns, heap estimate {} KiB, RSS growth {rss_delta_kib} KiB, {matches} matches over {} events",
        matcher.len(),
        matcher.heap_bytes() / 1024,
        events.len()
    );
}

fn bench_set(
    c: &mut Criterion<ThreadCpuTime>,
    group_name: &str,
    events: &[String],
    rules: &dyn Fn(usize) -> Vec<String>,
    interpreter_sizes: &[usize],
) {
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Elements(events.len() as u64));
    group.sample_size(10);
    for size in [1usize, 100, 10_000] {
        let texts = rules(size);
        let before = resident_kib();
        let matcher = compile(&texts);
        let after = resident_kib();
        report(
            &format!("{group_name}/{size}"),
            &matcher,
            events,
            after.saturating_sub(before),
        );
        group.bench_function(format!("compiled/{size}"), |b| {
            b.iter(|| {
                let mut n = 0;
                for event in events {
                    n += matcher
                        .matches_json(black_box(event))
                        .map_or(0, |m| m.len());
                }
                n
            });
        });
        if interpreter_sizes.contains(&size) {
            let patterns: Vec<Pattern> = texts
                .iter()
                .filter_map(|t| Pattern::parse(t).ok())
                .collect();
            group.bench_function(format!("interpreter/{size}"), |b| {
                b.iter(|| {
                    let mut n = 0;
                    for event in events {
                        let value = pattern::parse_event(black_box(event)).unwrap_or_default();
                        n += patterns.iter().filter(|p| p.matches(&value)).count();
                    }
                    n
                });
            });
        }
    }
    let skip_all = compile(&[r#"{"no-such-field":["x"]}"#.to_owned()]);
    group.bench_function("scan-only", |b| {
        b.iter(|| {
            events
                .iter()
                .filter(|e| skip_all.matches_json(black_box(e)).is_ok())
                .count()
        });
    });
    group.bench_function("serde_json-parse-only", |b| {
        b.iter(|| {
            events
                .iter()
                .filter(|e| serde_json::from_str::<serde_json::Value>(black_box(e)).is_ok())
                .count()
        });
    });
    group.finish();
}

fn benches(c: &mut Criterion<ThreadCpuTime>) {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let records: Vec<String> = (0..1000).map(|n| cloudtrail_record(&mut rng, n)).collect();
    let findings: Vec<String> = (0..1000).map(|_| guardduty_envelope(&mut rng)).collect();
    report_sizes(&records, &findings);
    bench_set(
        c,
        "cloudtrail-exact-prefix-suffix-exists",
        &records,
        &exact_rules,
        &[1, 100],
    );
    bench_set(
        c,
        "cloudtrail-numeric-anythingbut-wildcard-cidr",
        &records,
        &mixed_rules,
        &[1, 100],
    );
    bench_set(
        c,
        "cloudtrail-numeric-only-worst-case",
        &records,
        &numeric_only_rules,
        &[],
    );
    bench_set(
        c,
        "guardduty-envelopes",
        &findings,
        &guardduty_rules,
        &[1, 100],
    );
}

#[expect(
    clippy::print_stderr,
    reason = "the bench reports its data set on stderr"
)]
fn report_sizes(records: &[String], findings: &[String]) {
    let average = |v: &[String]| v.iter().map(String::len).sum::<usize>() / v.len().max(1);
    eprintln!(
        "data: {} CloudTrail records, average {} bytes; {} GuardDuty envelopes, average {} bytes",
        records.len(),
        average(records),
        findings.len(),
        average(findings)
    );
}

fn cpu_time_criterion() -> Criterion<ThreadCpuTime> {
    Criterion::default().with_measurement(ThreadCpuTime {
        origin: Instant::now(),
    })
}

criterion_group! {
    name = matcher;
    config = cpu_time_criterion();
    targets = benches
}
criterion_main!(matcher);
