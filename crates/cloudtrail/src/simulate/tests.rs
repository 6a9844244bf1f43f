//! Tests of whole scenarios: layout, format, determinism and the facts tests elsewhere rely on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{
    ATTACKER_CALLS, AttackKind, Options, Scenario, Summary, WORKSHOP_ACCOUNT, bulk_planted,
    simulate, workshop_facts,
};

/// Writes a scenario into a fresh temporary folder.
fn run(scenario: Scenario, seed: u64) -> (tempfile::TempDir, Summary) {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        scenario,
        out: dir.path().to_owned(),
        seed,
        start: None,
    };
    let summary = simulate(&options).unwrap();
    (dir, summary)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(at) = stack.pop() {
        for entry in fs_err::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn gunzip(path: &Path) -> Vec<u8> {
    let bytes = fs_err::read(path).unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "{} is not gzip", path.display());
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_end(&mut text)
        .unwrap();
    text
}

/// Every record of every file, with the file it came from.
fn records(dir: &Path) -> Vec<(PathBuf, Value)> {
    let mut out = Vec::new();
    for path in files_under(dir) {
        let doc: Value = serde_json::from_slice(&gunzip(&path)).unwrap();
        let object = doc.as_object().unwrap();
        assert_eq!(
            object.len(),
            1,
            "only `Records` at the top of {}",
            path.display()
        );
        for record in object["Records"].as_array().unwrap() {
            out.push((path.clone(), record.clone()));
        }
    }
    out
}

fn s<'a>(record: &'a Value, pointer: &str) -> &'a str {
    record
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Checks one file name against the S3 layout; returns (account, region, stamp).
fn check_layout(root: &Path, path: &Path) -> (String, String, String) {
    let rel: Vec<String> = path
        .strip_prefix(root)
        .unwrap()
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    assert_eq!(rel.len(), 8, "{rel:?}");
    assert_eq!(rel[0], "AWSLogs");
    assert_eq!(rel[2], "CloudTrail");
    let (account, region) = (&rel[1], &rel[3]);
    assert!(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    let name = &rel[7];
    let stem = name.strip_suffix(".json.gz").unwrap();
    let parts: Vec<&str> = stem.split('_').collect();
    assert_eq!(parts.len(), 5, "{name}");
    assert_eq!(parts[0], account);
    assert_eq!(parts[1], "CloudTrail");
    assert_eq!(parts[2], region);
    let stamp = parts[3];
    assert_eq!(stamp.len(), 14, "{name}");
    assert!(stamp[..8].bytes().all(|b| b.is_ascii_digit()) && &stamp[8..9] == "T");
    assert!(stamp[9..13].bytes().all(|b| b.is_ascii_digit()) && stamp.ends_with('Z'));
    assert_eq!(rel[4], &stamp[..4]);
    assert_eq!(rel[5], &stamp[4..6]);
    assert_eq!(rel[6], &stamp[6..8]);
    let suffix = parts[4];
    assert_eq!(suffix.len(), 16);
    assert!(suffix.bytes().all(|b| b.is_ascii_alphanumeric()));
    (account.clone(), region.clone(), stamp.to_owned())
}

/// `20260512T1405Z` → `2026-05-12T14:05:00Z`.
fn stamp_time(stamp: &str) -> String {
    format!(
        "{}-{}-{}T{}:{}:00Z",
        &stamp[..4],
        &stamp[4..6],
        &stamp[6..8],
        &stamp[9..11],
        &stamp[11..13]
    )
}

fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_owned(),
                fs_err::read(&p).unwrap(),
            )
        })
        .collect()
}

/// AWS's published prefixes, from the snapshot bundled in the repository.
struct Ranges(Vec<(IpAddr, u8, String, String)>);

impl Ranges {
    fn load() -> Self {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/aws-ip-ranges.json.gz");
        let doc: Value = serde_json::from_slice(&gunzip(&path)).unwrap();
        let mut all = Vec::new();
        for (list, key) in [("prefixes", "ip_prefix"), ("ipv6_prefixes", "ipv6_prefix")] {
            for p in doc[list].as_array().unwrap() {
                let (net, len) = p[key].as_str().unwrap().split_once('/').unwrap();
                all.push((
                    net.parse().unwrap(),
                    len.parse().unwrap(),
                    p["region"].as_str().unwrap().to_owned(),
                    p["service"].as_str().unwrap().to_owned(),
                ));
            }
        }
        Self(all)
    }

    /// (region, service) of every prefix holding `ip`.
    fn lookup(&self, ip: &str) -> Vec<(String, String)> {
        let ip: IpAddr = ip.parse().unwrap();
        self.0
            .iter()
            .filter(|(net, len, _, _)| match (net, ip) {
                (IpAddr::V4(n), IpAddr::V4(i)) => {
                    let mask = u32::MAX.checked_shl(32 - u32::from(*len)).unwrap_or(0);
                    u32::from(*n) & mask == u32::from(i) & mask
                }
                (IpAddr::V6(n), IpAddr::V6(i)) => {
                    let mask = u128::MAX.checked_shl(128 - u32::from(*len)).unwrap_or(0);
                    u128::from(*n) & mask == u128::from(i) & mask
                }
                _ => false,
            })
            .map(|(_, _, r, s)| (r.clone(), s.clone()))
            .collect()
    }

    fn is_ec2_in(&self, ip: &str, region: &str) -> bool {
        let hits = self.lookup(ip);
        hits.iter().any(|(r, s)| r == region && s == "EC2")
            && hits
                .iter()
                .all(|(r, s)| r == region && (s == "EC2" || s == "AMAZON"))
    }
}

#[test]
fn workshop_files_follow_the_s3_layout_and_hold_records_of_their_window() {
    let (dir, summary) = run(Scenario::Workshop, 7);
    let files = files_under(dir.path());
    assert_eq!(summary.files, files.len() as u64);
    let mut total = 0u64;
    let mut unsorted_files = 0;
    let gzip_total: u64 = files
        .iter()
        .map(|p| fs_err::metadata(p).unwrap().len())
        .sum();
    assert_eq!(summary.gzip_bytes, gzip_total);
    for path in &files {
        let (account, region, stamp) = check_layout(dir.path(), path);
        assert_eq!(account, WORKSHOP_ACCOUNT);
        let doc: Value = serde_json::from_slice(&gunzip(path)).unwrap();
        let records = doc["Records"].as_array().unwrap();
        assert!(!records.is_empty());
        // The name carries the end of the five minutes the file covers.
        let window_end = stamp_time(&stamp);
        let times: Vec<&str> = records.iter().map(|r| s(r, "/eventTime")).collect();
        for (record, time) in records.iter().zip(&times) {
            assert_eq!(s(record, "/awsRegion"), region);
            assert_eq!(s(record, "/recipientAccountId"), account);
            assert!(
                *time < window_end.as_str(),
                "{time} in file ending {window_end}"
            );
            assert!(time.len() == 20 && time.ends_with('Z'));
        }
        if times.windows(2).any(|w| w[0] > w[1]) {
            unsorted_files += 1;
        }
        total += records.len() as u64;
    }
    assert_eq!(summary.events, total);
    // Records are lightly shuffled inside files, as in real deliveries.
    assert!(
        unsorted_files > files.len() / 4,
        "{unsorted_files} of {}",
        files.len()
    );
}

#[test]
fn same_seed_same_bytes_whatever_the_thread_count_and_other_seed_differs() {
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let (a, _) = one.install(|| run(Scenario::Workshop, 11));
    let (b, _) = two.install(|| run(Scenario::Workshop, 11));
    let (c, _) = run(Scenario::Workshop, 12);
    let (ta, tb, tc) = (tree(a.path()), tree(b.path()), tree(c.path()));
    assert!(!ta.is_empty());
    assert_eq!(ta, tb);
    assert_ne!(ta.keys().collect::<Vec<_>>(), tc.keys().collect::<Vec<_>>());
    let bulk = |seed| run(Scenario::Bulk { events: 3_000 }, seed);
    let (d, _) = one.install(|| bulk(5));
    let (e, _) = two.install(|| bulk(5));
    assert_eq!(tree(d.path()), tree(e.path()));
}

#[test]
fn workshop_attacker_makes_the_thirteen_step_3_calls_with_the_stolen_session() {
    let facts = workshop_facts(7);
    let (dir, _) = run(Scenario::Workshop, 7);
    let all = records(dir.path());
    let session = |r: &Value| s(r, "/userIdentity/arn") == facts.session_arn;
    let mut attacker: Vec<&Value> = all
        .iter()
        .map(|(_, r)| r)
        .filter(|r| s(r, "/sourceIPAddress") == facts.attacker_ip && session(r))
        .collect();
    attacker.sort_by_key(|r| s(r, "/eventTime").to_owned());
    let names: Vec<&str> = attacker.iter().map(|r| s(r, "/eventName")).collect();
    assert_eq!(names, ATTACKER_CALLS);
    assert_eq!(facts.attacker_calls, 13);
    assert_eq!(s(attacker[0], "/eventTime"), facts.attacker_first_seen);
    assert_eq!(s(attacker[12], "/eventTime"), facts.attacker_last_seen);
    // A few seconds apart, strictly in order.
    assert!(
        attacker
            .windows(2)
            .all(|w| s(w[0], "/eventTime") < s(w[1], "/eventTime"))
    );
    for r in &attacker {
        assert_eq!(s(r, "/userIdentity/type"), "AssumedRole");
        assert_eq!(s(r, "/userIdentity/accessKeyId"), facts.attacker_access_key);
        assert_eq!(s(r, "/userIdentity/sessionContext/ec2RoleDelivery"), "1.0");
        assert_eq!(
            s(r, "/userIdentity/sessionContext/sessionIssuer/arn"),
            facts.role_arn
        );
        assert_eq!(
            s(r, "/userIdentity/principalId").split(':').nth(1),
            Some(facts.instance_id.as_str())
        );
        assert!(
            s(r, "/userAgent").starts_with("aws-cli/2."),
            "{}",
            s(r, "/userAgent")
        );
        assert!(r.get("invokedBy").is_none() && r.pointer("/userIdentity/invokedBy").is_none());
    }
    for denied in &attacker[..2] {
        assert_eq!(s(denied, "/errorCode"), "AccessDenied");
        assert_eq!(s(denied, "/awsRegion"), "us-east-1");
        assert_eq!(s(denied, "/eventSource"), "iam.amazonaws.com");
    }
    assert!(attacker[2..].iter().all(|r| r.get("errorCode").is_none()));
    assert_eq!(attacker[1]["requestParameters"]["userName"], "Chuck");
    assert_eq!(attacker[11]["requestParameters"]["withDecryption"], true);
    assert!(
        attacker[10]["requestParameters"]
            .get("withDecryption")
            .is_none()
    );
    assert_eq!(
        attacker[7]["requestParameters"]["tableName"],
        "GuardDuty-Example-Customer-DB"
    );

    // The instance used the session from its own address before the theft.
    let first_instance_use = all
        .iter()
        .map(|(_, r)| r)
        .filter(|r| session(r) && s(r, "/sourceIPAddress") == facts.instance_public_ip)
        .map(|r| s(r, "/eventTime"))
        .min()
        .unwrap();
    assert!(first_instance_use < facts.attacker_first_seen.as_str());
    // The stolen key is one EC2 issued to the instance.
    let issued: Vec<&str> = all
        .iter()
        .map(|(_, r)| r)
        .filter(|r| s(r, "/eventName") == "AssumeRole")
        .map(|r| s(r, "/responseElements/credentials/accessKeyId"))
        .collect();
    assert!(issued.contains(&facts.attacker_access_key.as_str()));
}

#[test]
fn workshop_record_counts_per_kind() {
    let facts = workshop_facts(3);
    let (dir, summary) = run(Scenario::Workshop, 3);
    let all: Vec<Value> = records(dir.path()).into_iter().map(|(_, r)| r).collect();
    let count = |f: &dyn Fn(&Value) -> bool| all.iter().filter(|r| f(r)).count();

    // EC2 issues two credential sets at launch and refreshes them about every hour:
    // at ~1 h and ~2 h into the 2 h 30 min scenario.
    let assume: Vec<&Value> = all
        .iter()
        .filter(|r| s(r, "/eventName") == "AssumeRole")
        .collect();
    assert_eq!(assume.len(), 4);
    assert_eq!(facts.instance_assume_roles, 4);
    for r in &assume {
        assert_eq!(
            r["userIdentity"],
            serde_json::json!({"type": "AWSService", "invokedBy": "ec2.amazonaws.com"})
        );
        assert_eq!(s(r, "/sourceIPAddress"), "ec2.amazonaws.com");
        assert_eq!(s(r, "/userAgent"), "ec2.amazonaws.com");
        assert_eq!(s(r, "/eventSource"), "sts.amazonaws.com");
        assert_eq!(s(r, "/awsRegion"), "us-west-2");
        assert_eq!(s(r, "/requestParameters/roleArn"), facts.role_arn);
        assert_eq!(
            s(r, "/requestParameters/roleSessionName"),
            facts.instance_id
        );
        assert!(s(r, "/responseElements/credentials/accessKeyId").starts_with("ASIA"));
        let expiration = s(r, "/responseElements/credentials/expiration");
        let (date, time) = expiration.rsplit_once(", ").unwrap();
        assert!(
            date.len() >= 11 && date.as_bytes()[3] == b' ',
            "{expiration}"
        );
        assert!(
            time.ends_with(" AM") || time.ends_with(" PM"),
            "{expiration}"
        );
        assert_eq!(r["resources"][0]["type"], "AWS::IAM::Role");
        assert_eq!(r["resources"][0]["ARN"], facts.role_arn.as_str());
        assert!(r.get("sharedEventID").is_some());
    }
    let keys: HashSet<&str> = assume
        .iter()
        .map(|r| s(r, "/responseElements/credentials/accessKeyId"))
        .collect();
    assert_eq!(keys.len(), 4, "a new key each time, one session");

    // The instance's own calls: user data (IMDSv1) and the SSM agent (IMDSv2).
    let from_instance = |r: &Value| {
        s(r, "/sourceIPAddress") == facts.instance_public_ip
            && s(r, "/userIdentity/arn") == facts.session_arn
    };
    assert_eq!(count(&from_instance), facts.instance_calls);
    let user_data: Vec<&str> = all
        .iter()
        .filter(|r| {
            from_instance(r) && s(r, "/userIdentity/sessionContext/ec2RoleDelivery") == "1.0"
        })
        .map(|r| s(r, "/eventName"))
        .collect();
    let mut sorted = user_data.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "CreateThreatIntelSet",
            "ListDetectors",
            "PutItem",
            "PutObject",
            "PutParameter"
        ]
    );
    // SSM calls KMS on the session's behalf twice: to encrypt and to decrypt the SecureString.
    assert_eq!(
        count(&|r| s(r, "/userIdentity/invokedBy") == "ssm.amazonaws.com"
            && s(r, "/sourceIPAddress") == "ssm.amazonaws.com"
            && s(r, "/userIdentity/arn") == facts.session_arn),
        2
    );
    // The malicious instance's cron: six calls a minute from minute 5 to the end (145 runs),
    // and the bucket listing ten minutes after each run that has ten minutes left (135).
    let user_1 =
        |r: &Value| s(r, "/userIdentity/userName") == "GuardDuty-Example-Compromised-Simulated";
    assert_eq!(
        count(&|r| user_1(r) && s(r, "/eventName") != "ListObjects"),
        145 * 6
    );
    assert_eq!(
        count(&|r| user_1(r) && s(r, "/eventName") == "ListObjects"),
        135
    );
    assert!(
        all.iter()
            .filter(|r| user_1(r))
            .all(|r| s(r, "/sourceIPAddress") == facts.malicious_ip)
    );
    assert_eq!(
        count(&|r| user_1(r)
            && s(r, "/eventName") == "CreateUser"
            && s(r, "/errorCode") == "AccessDenied"),
        145
    );
    // Scenario 4's cron starts 20 minutes after launch (minute 24): three calls a minute.
    let user_2 =
        |r: &Value| s(r, "/userIdentity/userName") == "GuardDuty-Example-Compromised2-Simulated";
    assert_eq!(count(&user_2), 126 * 3);
    // CloudFormation launches the four instances; the compromised one gets the profile.
    let launches: Vec<&Value> = all
        .iter()
        .filter(|r| s(r, "/eventName") == "RunInstances")
        .collect();
    assert_eq!(launches.len(), 4);
    let victim: Vec<&&Value> = launches
        .iter()
        .filter(|r| {
            s(
                r,
                "/requestParameters/tagSpecificationSet/items/0/tags/0/value",
            ) == facts.instance_name
        })
        .collect();
    assert_eq!(victim.len(), 1);
    assert_eq!(
        s(victim[0], "/requestParameters/iamInstanceProfile/name"),
        facts.instance_profile
    );
    assert_eq!(
        s(
            victim[0],
            "/responseElements/instancesSet/items/0/instanceId"
        ),
        facts.instance_id
    );
    assert_eq!(
        s(victim[0], "/userIdentity/invokedBy"),
        "cloudformation.amazonaws.com"
    );
    assert_eq!(summary.events as usize, all.len());
}

#[test]
fn workshop_addresses_sit_where_the_scenario_says() {
    let ranges = Ranges::load();
    for seed in [1, 2, 3] {
        let facts = workshop_facts(seed);
        assert!(
            ranges.lookup(&facts.attacker_ip).is_empty(),
            "{}",
            facts.attacker_ip
        );
        assert!(
            ranges.is_ec2_in(&facts.instance_public_ip, "us-west-2"),
            "{}",
            facts.instance_public_ip
        );
        assert!(ranges.is_ec2_in(&facts.malicious_ip, "us-west-2"));
        assert_eq!(facts.instance_id.len(), 19);
        assert!(facts.instance_id.starts_with("i-"));
    }
    assert_ne!(workshop_facts(1).instance_id, workshop_facts(2).instance_id);
}

/// Records that use instance credentials themselves (not AWS on their behalf).
fn instance_use(r: &Value) -> bool {
    r.pointer("/userIdentity/sessionContext/ec2RoleDelivery")
        .is_some()
        && r.pointer("/userIdentity/invokedBy").is_none()
        && s(r, "/sourceIPAddress") != "AWS Internal"
        && !s(r, "/sourceIPAddress").ends_with(".amazonaws.com")
}

#[test]
fn bulk_has_exactly_n_events_and_only_the_planted_thefts() {
    let events = 20_000;
    let planted = bulk_planted(9, events).unwrap();
    let (dir, summary) = run(Scenario::Bulk { events }, 9);
    assert_eq!(summary.events, events);
    let all: Vec<Value> = records(dir.path()).into_iter().map(|(_, r)| r).collect();
    assert_eq!(all.len() as u64, events);
    for path in files_under(dir.path()) {
        check_layout(dir.path(), &path);
    }

    let ranges = Ranges::load();
    assert_eq!(planted.len(), 5);
    assert_eq!(
        planted
            .iter()
            .filter(|p| p.kind == AttackKind::OutsideAws)
            .count(),
        3
    );
    for attack in &planted {
        let session = |r: &Value| {
            s(r, "/userIdentity/arn").ends_with(&format!("/{}", attack.instance_id))
                && s(r, "/userIdentity/sessionContext/sessionIssuer/arn") == attack.role_arn
        };
        let mut times: Vec<&str> = all
            .iter()
            .filter(|r| session(r) && s(r, "/sourceIPAddress") == attack.remote_ip)
            .map(|r| s(r, "/eventTime"))
            .collect();
        times.sort_unstable();
        assert_eq!(times.len() as u64, attack.calls, "{attack:?}");
        assert_eq!(times.first().copied(), Some(attack.first_seen.as_str()));
        assert_eq!(times.last().copied(), Some(attack.last_seen.as_str()));
        let in_aws = !ranges.lookup(&attack.remote_ip).is_empty();
        assert_eq!(in_aws, attack.kind == AttackKind::InsideAws, "{attack:?}");
    }

    // An independent first-IP lock over the instance sessions finds exactly the planted uses.
    let mut sorted: Vec<&Value> = all.iter().collect();
    sorted.sort_by_key(|r| s(r, "/eventTime").to_owned());
    let mut bound: HashMap<String, HashSet<String>> = HashMap::new();
    let mut moving: HashSet<String> = HashSet::new();
    let mut alerts: BTreeMap<(String, String), u64> = BTreeMap::new();
    for r in sorted {
        if matches!(
            s(r, "/eventName"),
            "AssociateAddress" | "AttachNetworkInterface"
        ) {
            moving.insert(s(r, "/requestParameters/instanceId").to_owned());
        }
        if !instance_use(r) || r.get("vpcEndpointId").is_some() {
            continue;
        }
        let instance = s(r, "/userIdentity/arn")
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        let ip = s(r, "/sourceIPAddress").to_owned();
        let ips = bound.entry(instance.clone()).or_default();
        if ips.is_empty() || ips.contains(&ip) || moving.remove(&instance) {
            ips.insert(ip);
        } else {
            *alerts.entry((instance, ip)).or_default() += 1;
        }
    }
    let expected: BTreeMap<(String, String), u64> = planted
        .iter()
        .map(|p| ((p.instance_id.clone(), p.remote_ip.clone()), p.calls))
        .collect();
    assert_eq!(alerts, expected);
}

#[test]
fn bulk_mixes_the_traffic_kinds_it_promises() {
    let (dir, _) = run(Scenario::Bulk { events: 20_000 }, 4);
    let all: Vec<Value> = records(dir.path()).into_iter().map(|(_, r)| r).collect();
    let count = |f: &dyn Fn(&Value) -> bool| all.iter().filter(|r| f(r)).count();
    let accounts: HashSet<&str> = all.iter().map(|r| s(r, "/recipientAccountId")).collect();
    assert_eq!(accounts.len(), 3);
    let regions: HashSet<&str> = all.iter().map(|r| s(r, "/awsRegion")).collect();
    assert_eq!(
        regions,
        HashSet::from(["us-east-1", "us-west-2", "eu-west-1"])
    );
    // Each kind of source the detector must tell apart is present.
    assert!(
        count(&|r| r.get("vpcEndpointId").is_some() && r.get("vpcEndpointAccountId").is_some())
            > 100
    );
    assert!(count(&|r| instance_use(r) && s(r, "/sourceIPAddress").contains(':')) > 0);
    assert!(count(&|r| s(r, "/sourceIPAddress") == "AWS Internal") > 0);
    assert!(count(&|r| s(r, "/userIdentity/invokedBy") == "s3.amazonaws.com") > 100);
    assert!(count(&|r| s(r, "/userIdentity/type") == "IAMUser") > 500);
    assert!(count(&|r| s(r, "/sessionCredentialFromConsole") == "true") > 100);
    // Two console users per account sign in once; two Lambda functions per account start once.
    assert_eq!(count(&|r| s(r, "/eventType") == "AwsConsoleSignIn"), 6);
    assert_eq!(
        count(&|r| s(r, "/eventName") == "AssumeRole"
            && s(r, "/userIdentity/invokedBy") == "lambda.amazonaws.com"),
        6
    );
    assert!(
        count(&|r| s(r, "/eventName") == "AssumeRole"
            && s(r, "/userIdentity/invokedBy") == "ec2.amazonaws.com")
            > 0
    );
    assert!(count(&|r| s(r, "/eventName") == "AssociateAddress") >= 1);
    assert!(count(&|r| s(r, "/eventName") == "AttachNetworkInterface") >= 1);
    assert!(count(&|r| s(r, "/eventCategory") == "Data") > 1_000);
    let instance_sessions: HashSet<&str> = all
        .iter()
        .filter(|r| instance_use(r))
        .map(|r| s(r, "/userIdentity/arn"))
        .collect();
    assert!(instance_sessions.len() >= 12);
    // Records average about 1.6 KB, as real CloudTrail records do.
    let bytes: usize = all
        .iter()
        .map(|r| serde_json::to_vec(r).unwrap().len())
        .sum();
    let average = bytes / all.len();
    assert!(
        (1_200..2_000).contains(&average),
        "{average} bytes per record"
    );
}

#[test]
fn bulk_refuses_too_few_events() {
    let err = bulk_planted(1, 999).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`--events 999` is too small for the bulk scenario (minimum 1000)"
    );
}

#[test]
fn the_crates_own_decoder_reads_every_record_without_a_problem() {
    for scenario in [Scenario::Workshop, Scenario::Bulk { events: 2_000 }] {
        let (dir, summary) = run(scenario, 21);
        let inputs = crate::discover(&[dir.path().to_owned()]).unwrap();
        assert_eq!(inputs.len() as u64, summary.files);
        let decoded = crate::decode_inputs(
            &inputs,
            &crate::DecodeOptions::default(),
            None,
            &|record, _| record.event_name.as_ref().map(|name| name.len()),
        );
        assert_eq!(decoded.stats.bad_records, 0, "{:?}", decoded.stats);
        assert_eq!(decoded.stats.records, summary.events);
        assert_eq!(decoded.stats.records_parsed, summary.events);
        assert_eq!(decoded.item_count() as u64, summary.events);
        assert_eq!(decoded.stats.bytes_decoded, summary.json_bytes);
    }
}
