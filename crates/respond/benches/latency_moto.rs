//! From a finding entering the router to the remediation's first API call, against live AWS
//! played by moto (`benches/respond-latency.sh` starts it): 1,000 distinct findings of the
//! workshop's stack built in moto, each one parsed, routed by the workshop's rule and planned
//! (`revoke-role-sessions`) through the SDK account.
//!
//! Printed, median and p99 over the 1,000 findings:
//! - router → first API call issued (`GetRole`): what trailguard adds before AWS is asked;
//! - the first call itself (moto's answer, loopback);
//! - the whole dry-run plan (its reads: 8 calls for the workshop stack);
//! - router → `PutRolePolicy` issued in enforce mode (plan, then the first write), without
//!   the write's own time.
//!
//! Baseline in the same run: one `GetRole` made alone through the SDK.
#![expect(clippy::print_stderr, reason = "the benchmark reports on stderr")]
#![expect(clippy::expect_used, clippy::panic, reason = "benchmark setup")]

#[path = "../tests/support/moto.rs"]
mod moto;

use std::cell::Cell;
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use respond::account::{
    Account, AccountError, Instance, InstanceProfile, ProfileAssociation, Role,
};
use respond::actions::{self, FixedClock, Params};
use respond::aws::{Aws, AwsAccount, AwsSettings};
use respond::config::{Mode, RoutingConfig, TargetKind};
use respond::router::{Outcome, Router};
use serde_json::Value;

/// Findings timed under `cargo bench`; `cargo test --benches` runs ten, as a check.
const FINDINGS: usize = 1_000;
const FINDINGS_IN_TEST_MODE: usize = 10;

/// An account that notes when its first call starts and how long that call took.
struct Timed<'a> {
    inner: &'a mut AwsAccount,
    first_call_at: Cell<Option<Instant>>,
    first_call_took: Cell<Option<Duration>>,
}

impl<'a> Timed<'a> {
    fn new(inner: &'a mut AwsAccount) -> Self {
        Self {
            inner,
            first_call_at: Cell::new(None),
            first_call_took: Cell::new(None),
        }
    }

    /// Runs `call`, timing it when it is the first.
    fn time<T>(&self, call: impl FnOnce() -> T) -> T {
        if self.first_call_at.get().is_some() {
            return call();
        }
        let start = Instant::now();
        self.first_call_at.set(Some(start));
        let result = call();
        self.first_call_took.set(Some(start.elapsed()));
        result
    }
}

impl Account for Timed<'_> {
    fn get_role(&self, name: &str) -> Result<Option<Role>, AccountError> {
        self.time(|| self.inner.get_role(name))
    }
    fn instance_profiles_for_role(&self, role: &str) -> Result<Vec<InstanceProfile>, AccountError> {
        self.time(|| self.inner.instance_profiles_for_role(role))
    }
    fn associations_for_profile(&self, arn: &str) -> Result<Vec<ProfileAssociation>, AccountError> {
        self.time(|| self.inner.associations_for_profile(arn))
    }
    fn get_role_policy(&self, role: &str, name: &str) -> Result<Option<String>, AccountError> {
        self.time(|| self.inner.get_role_policy(role, name))
    }
    fn role_identity_policies(&self, role: &str) -> Result<Vec<iam::Policy>, AccountError> {
        self.time(|| self.inner.role_identity_policies(role))
    }
    fn put_role_policy(&mut self, role: &str, name: &str, doc: &str) -> Result<(), AccountError> {
        let start = Instant::now();
        self.first_call_at
            .set(self.first_call_at.get().or(Some(start)));
        let result = self.inner.put_role_policy(role, name, doc);
        self.first_call_took
            .set(self.first_call_took.get().or(Some(start.elapsed())));
        result
    }
    fn delete_role_policy(&mut self, role: &str, name: &str) -> Result<bool, AccountError> {
        self.inner.delete_role_policy(role, name)
    }
    fn describe_instance(&self, id: &str) -> Result<Option<Instance>, AccountError> {
        self.time(|| self.inner.describe_instance(id))
    }
    fn find_security_group(&self, vpc: &str, name: &str) -> Result<Option<String>, AccountError> {
        self.time(|| self.inner.find_security_group(vpc, name))
    }
    fn create_security_group(&mut self, v: &str, n: &str, d: &str) -> Result<String, AccountError> {
        self.inner.create_security_group(v, n, d)
    }
    fn revoke_default_egress(&mut self, group: &str) -> Result<bool, AccountError> {
        self.inner.revoke_default_egress(group)
    }
    fn modify_instance_groups(&mut self, i: &str, g: &[String]) -> Result<(), AccountError> {
        self.inner.modify_instance_groups(i, g)
    }
    fn create_snapshot(&mut self, volume: &str, d: &str) -> Result<String, AccountError> {
        self.inner.create_snapshot(volume, d)
    }
    fn modify_metadata_options(&mut self, i: &str, tokens: &str) -> Result<(), AccountError> {
        self.inner.modify_metadata_options(i, tokens)
    }
    fn create_tags(&mut self, r: &[String], t: &[(String, String)]) -> Result<(), AccountError> {
        self.inner.create_tags(r, t)
    }
    fn disassociate_profile(&mut self, association: &str) -> Result<(), AccountError> {
        self.inner.disassociate_profile(association)
    }
    fn associate_profile(&mut self, i: &str, arn: &str) -> Result<String, AccountError> {
        self.inner.associate_profile(i, arn)
    }
}

/// The workshop's rule (prefix form) with its remediation as a dry-run target.
const RULES: &str = include_str!("../../../benches/workshop-dry-run-rule.toml");

/// Median and p99 of `samples`, in microseconds.
fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort_unstable();
    let at = |q: usize| samples[(samples.len() * q / 100).min(samples.len() - 1)];
    eprintln!(
        "{what}: median {:.0} µs, p99 {:.0} µs ({} samples)",
        at(50).as_secs_f64() * 1e6,
        at(99).as_secs_f64() * 1e6,
        samples.len()
    );
}

fn main() {
    let findings = if std::env::args().any(|a| a == "--bench") {
        FINDINGS
    } else {
        FINDINGS_IN_TEST_MODE
    };
    let Some(moto) = moto::Moto::from_env() else {
        panic!("no moto server: run benches/respond-latency.sh, which starts one");
    };
    assert_eq!(
        std::env::var("AWS_ACCESS_KEY_ID").as_deref(),
        Ok("testing"),
        "moto's fake credentials are not set: run benches/respond-latency.sh (or scripts/test.sh)"
    );
    let stack = moto::Stack::create(&moto);
    let aws = Aws::connect(&AwsSettings {
        region: Some(moto::REGION.to_owned()),
        endpoint_url: Some(moto.endpoint.clone()),
        max_attempts: Some(1),
        ..AwsSettings::default()
    })
    .expect("aws");
    let mut account = AwsAccount::new(aws);
    let config: RoutingConfig = toml::from_str(RULES).expect("rules");
    let router = Router::from_config(&config, Path::new(".")).expect("router");
    let template = stack.finding();
    let texts: Vec<String> = (0..findings)
        .map(|i| {
            let mut finding = template.clone();
            finding["detail"]["id"] = Value::String(format!("{i:032x}"));
            finding.to_string()
        })
        .collect();

    // Warm up the connection pool and the credentials.
    for _ in 0..20 {
        account.get_role(&stack.role).expect("GetRole");
    }
    let baseline: Vec<Duration> = (0..findings)
        .map(|_| {
            let start = Instant::now();
            account.get_role(&stack.role).expect("GetRole");
            start.elapsed()
        })
        .collect();

    let (mut to_first, mut first_took, mut whole_plan, mut to_write) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, text) in texts.iter().enumerate() {
        let enforce = i % 2 == 1;
        let start = Instant::now();
        let finding: Value = serde_json::from_str(text).expect("json");
        let Outcome::Routed(routed) = router
            .route(&finding, &mut HashMap::<String, i64>::new())
            .expect("route")
        else {
            panic!("not routed");
        };
        let TargetKind::Remediate(remediation) = &routed.dispatches[0].target.kind else {
            panic!("not a remediation");
        };
        let params = Params {
            mode: if enforce { Mode::Enforce } else { Mode::DryRun },
            ..Params::default()
        };
        let timed = Timed::new(&mut account);
        let clock = FixedClock(1_795_946_400_000 + i64::try_from(i).expect("i"));
        let plan =
            actions::plan(remediation.action, &finding, &params, &timed, &clock).expect("plan");
        let planned = start.elapsed();
        let first_at = timed.first_call_at.get().expect("a call");
        to_first.push(first_at - start);
        first_took.push(timed.first_call_took.get().expect("timed"));
        if enforce {
            // The first write: what trailguard adds before it is the plan and its reads.
            let write_at = Instant::now();
            let mut writer = Timed::new(timed.inner);
            actions::execute(&plan, &mut writer).expect("execute");
            let issued = writer.first_call_at.get().expect("PutRolePolicy");
            to_write.push(planned + (issued - write_at));
        } else {
            whole_plan.push(planned);
        }
    }
    eprintln!(
        "moto {}, {findings} findings of the workshop's stack; revoke-role-sessions:",
        moto.endpoint
    );
    report("baseline: one GetRole through the SDK", baseline);
    report("router → first API call issued", to_first);
    report("the first call itself (GetRole, moto)", first_took);
    report("router → dry-run plan complete (its reads)", whole_plan);
    report(
        "router → PutRolePolicy issued (enforce: plan and its reads, then the write)",
        to_write,
    );
}
