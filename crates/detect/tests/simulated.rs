//! The detector against `trailguard simulate`'s scenarios: exactly the planted attacks, and the
//! workshop's one finding. Also a threat-list run over the workshop (its malicious EIP).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::BTreeSet;
use std::path::Path;

use cloudtrail::simulate::{AttackKind, Options, Scenario, bulk_planted, simulate, workshop_facts};
use cloudtrail::{DecodeOptions, Prefilter, decode_inputs, discover};
use detect::net::{AwsIpRanges, IpList};
use detect::{DetectorState, Settings};
use findings::{Finding, FindingBook};

fn hunt(dir: &Path, settings: &Settings) -> Vec<Finding> {
    let inputs = discover(&[dir.to_path_buf()]).unwrap();
    let options = DecodeOptions {
        prefilter: detect::prefilter_needles(settings).map(Prefilter::any_of),
    };
    let decoded = decode_inputs(&inputs, &options, None, &|record, _| {
        detect::observe(settings, record).observation
    });
    assert_eq!(
        decoded.stats.problem_count(),
        0,
        "{:?}",
        decoded.stats.problems
    );
    let mut state = DetectorState::default();
    let mut book = FindingBook::new();
    for occurrence in detect::evaluate(
        settings,
        decoded.per_input.into_iter().flatten(),
        &mut state,
    ) {
        book.record(occurrence);
    }
    book.findings().cloned().collect()
}

fn write(scenario: Scenario, seed: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    simulate(&Options {
        scenario,
        out: dir.path().to_path_buf(),
        seed,
        start: None,
    })
    .unwrap();
    dir
}

fn remote_ip(finding: &Finding) -> String {
    let call = finding.service.action.aws_api_call_action.as_ref().unwrap();
    call.remote_ip_details
        .as_ref()
        .unwrap()
        .ip()
        .unwrap()
        .to_owned()
}

#[test]
fn workshop_gives_exactly_one_high_outside_finding() {
    let facts = workshop_facts(7);
    let dir = write(Scenario::Workshop, 7);
    let found = hunt(dir.path(), &Settings::new(AwsIpRanges::builtin().unwrap()));
    assert_eq!(found.len(), 1, "{found:#?}");
    let finding = &found[0];
    assert_eq!(
        finding.finding_type,
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"
    );
    assert_eq!(finding.severity, 8.0);
    assert_eq!(finding.account_id, facts.account);
    assert_eq!(
        finding.region, facts.region,
        "the Region of the regional calls, not IAM's us-east-1"
    );
    assert!(finding.arn.starts_with(&format!(
        "arn:aws:guardduty:{}:{}:detector/",
        facts.region, facts.account
    )));
    assert_eq!(
        finding
            .resource
            .access_key_details
            .as_ref()
            .unwrap()
            .user_name,
        facts.role_name
    );
    assert_eq!(
        finding
            .resource
            .access_key_details
            .as_ref()
            .unwrap()
            .access_key_id,
        facts.attacker_access_key
    );
    assert_eq!(
        finding
            .resource
            .instance_details
            .as_ref()
            .unwrap()
            .instance_id,
        facts.instance_id
    );
    assert_eq!(remote_ip(finding), facts.attacker_ip);
    assert_eq!(finding.service.count, facts.attacker_calls as u64);
    let millis = |t: &str| t.replace('Z', ".000Z");
    assert_eq!(
        finding.service.event_first_seen,
        millis(&facts.attacker_first_seen)
    );
    assert_eq!(
        finding.service.event_last_seen,
        millis(&facts.attacker_last_seen)
    );
}

#[test]
fn workshop_threat_list_flags_the_malicious_instance_user() {
    let facts = workshop_facts(7);
    let dir = write(Scenario::Workshop, 7);
    let mut settings = Settings::new(AwsIpRanges::builtin().unwrap());
    settings
        .threat_lists
        .push(IpList::parse("Example-Threat-List", &facts.malicious_ip).0);
    let found = hunt(dir.path(), &settings);
    let threat: Vec<&Finding> = found
        .iter()
        .filter(|f| f.finding_type == "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom")
        .collect();
    assert_eq!(threat.len(), 1, "{threat:#?}");
    assert_eq!(
        threat[0]
            .resource
            .access_key_details
            .as_ref()
            .unwrap()
            .user_name,
        "GuardDuty-Example-Compromised-Simulated"
    );
    assert_eq!(remote_ip(threat[0]), facts.malicious_ip);
    assert_eq!(found.len(), 2, "plus the instance-credential finding");
}

#[test]
fn bulk_gives_exactly_the_planted_attacks() {
    let (seed, events) = (3, 20_000);
    let dir = write(Scenario::Bulk { events }, seed);
    let found = hunt(dir.path(), &Settings::new(AwsIpRanges::builtin().unwrap()));
    let got: BTreeSet<(String, String, String, u64, String, String)> = found
        .iter()
        .map(|f| {
            (
                f.finding_type.rsplit('.').next().unwrap().to_owned(),
                f.resource
                    .instance_details
                    .as_ref()
                    .unwrap()
                    .instance_id
                    .clone(),
                remote_ip(f),
                f.service.count,
                f.service.event_first_seen.replace(".000Z", "Z"),
                f.service.event_last_seen.replace(".000Z", "Z"),
            )
        })
        .collect();
    let planted = bulk_planted(seed, events).unwrap();
    assert!(!planted.is_empty());
    let want: BTreeSet<_> = planted
        .iter()
        .map(|p| {
            let kind = match p.kind {
                AttackKind::OutsideAws => "OutsideAWS",
                AttackKind::InsideAws => "InsideAWS",
            };
            (
                kind.to_owned(),
                p.instance_id.clone(),
                p.remote_ip.clone(),
                p.calls,
                p.first_seen.clone(),
                p.last_seen.clone(),
            )
        })
        .collect();
    assert_eq!(got, want);
}

/// Live detection (`serve`) runs each window against just the state entries its observations
/// name (`DetectorState::keys_for`), read from and written back to a shared store. Over the
/// bulk scenario, a window per delivery file, that finds exactly what one run over
/// everything finds.
#[test]
fn windows_over_partial_state_find_what_one_run_finds() {
    let (seed, events) = (5, 20_000);
    let dir = write(Scenario::Bulk { events }, seed);
    let settings = Settings::new(AwsIpRanges::builtin().unwrap());
    let whole = hunt(dir.path(), &settings);
    assert!(!whole.is_empty());

    let inputs = discover(&[dir.path().to_path_buf()]).unwrap();
    let options = DecodeOptions {
        prefilter: detect::prefilter_needles(&settings).map(Prefilter::any_of),
    };
    let decoded = decode_inputs(&inputs, &options, None, &|record, _| {
        detect::observe(&settings, record).observation
    });
    let mut stored = std::collections::BTreeMap::<String, String>::new();
    let mut book = FindingBook::new();
    let mut largest_window = 0;
    for window in decoded.per_input {
        let keys = DetectorState::keys_for(&window);
        largest_window = largest_window.max(keys.len());
        let entries = keys
            .iter()
            .filter_map(|key| stored.get(key).map(|value| (key.clone(), value.clone())));
        let mut state = DetectorState::from_entries(entries).unwrap();
        for occurrence in detect::evaluate(&settings, window, &mut state) {
            book.record(occurrence);
        }
        for (key, value) in state.entries() {
            assert!(keys.contains(&key), "{key} was written but not named");
            stored.insert(key, value);
        }
    }
    assert!(
        largest_window < stored.len(),
        "windows load part of the state"
    );
    let windowed: Vec<Finding> = book.findings().cloned().collect();
    assert_eq!(windowed, whole);
}
