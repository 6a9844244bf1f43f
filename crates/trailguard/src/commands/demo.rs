//! `trailguard demo`: the GuardDuty workshop's scenario 3, offline and end to end, on bundled
//! data — the attack in CloudTrail, the finding, the rule and its e-mail, the revocation with
//! its blast radius, and the proof that the stolen credentials now get an explicit deny.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use cloudtrail::simulate::{self, Options, Scenario};
use detect::DetectorState;
use findings::{Finding, FindingBook};
use miette::{Context, IntoDiagnostic};
use respond::actions::{Clock, FixedClock, SystemClock};
use serde_json::{Value, json};
use store::Store;

use crate::backends::Backends;
use crate::commands::hunt::run_detectors;
use crate::commands::respond::{Report, Run, build_router};
use crate::config::LoadedConfig;
use crate::detection::{DetectionFlags, settings};
use crate::printers::{self, Format};

/// The workshop stack's account snapshot (`aws iam get-account-authorization-details`).
const GAAD: &str = include_str!("../../../../data/demo-account/gaad.json");
/// The workshop stack's instances (`aws ec2 describe-instances`).
const INSTANCES: &str = include_str!("../../../../data/demo-account/describe-instances.json");
/// The workshop's rule, with the `prefix` fix for the renamed finding type, its e-mail
/// (the workshop's input transformer) and its Lambda's remediation.
const CONFIG: &str = r#"[email]
outbox_dir = "outbox"

[response]
allowed_roles = ["GuardDuty-Example-EC2-Compromised"]

[[rule]]
name = "GuardDuty-Event-IAMUser-InstanceCredentialExfiltration"
description = "GuardDuty Event: UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"
pattern = '{"source":["aws.guardduty"],"detail":{"type":[{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}}'
  [[rule.target]]
  id = "GuardDutySNSTopic-EC2-IAM"
  type = "email"
  to = ["secops@example.com"]
  input_transformer = { input_paths_map = { userName = "$.detail.resource.accessKeyDetails.userName", gdid = "$.detail.id" }, input_template = '"GuardDuty Finding | ID:<gdid>: An EC2 instance IAM credentials (Role: <userName>) may be compromised and should be investigated. Go to https://console.aws.amazon.com/guardduty"' }
  [[rule.target]]
  id = "GuardDutyEvent-Lambda-Trigger"
  type = "remediate"
  action = "revoke-role-sessions"
  mode = "enforce"
  params = { verify_action = "dynamodb:ListTables" }
"#;
/// The simulated workshop's seed (the bundled account snapshot matches it).
const SEED: u64 = 1;

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Print one JSON object instead of the story.
    #[arg(long)]
    json: bool,
    /// Keep the logs, e-mails, account snapshot and state in this directory (default: a
    /// temporary directory, removed at the end).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Take this instant (RFC 3339) as now, for reproducible output.
    #[arg(long, value_name = "TIME", hide = true)]
    now: Option<String>,
}

pub(crate) fn run(args: &DemoArgs) -> miette::Result<ExitCode> {
    let temporary = tempfile::tempdir().into_diagnostic()?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| temporary.path().to_path_buf());
    let clock: Box<dyn Clock> = match &args.now {
        Some(text) => Box::new(FixedClock(
            findings::parse_millis(text)
                .ok_or_else(|| miette::miette!("`{text}` is not an RFC 3339 time"))?,
        )),
        None => Box::new(SystemClock),
    };
    let mut story = Story {
        json: args.json,
        color: std::io::stdout().is_terminal(),
    };
    let facts = simulate::workshop_facts(SEED);

    story.step(
        "1. The attack",
        &format!(
            "Instance {} ({})\nruns with role {}. Someone reads its credentials from the\n\
             metadata service (IMDSv1) and uses them from a laptop outside AWS, {}: {} API calls.\n",
            facts.instance_id, facts.instance_name, facts.role_name, facts.attacker_ip, facts.attacker_calls
        ),
    )?;
    let logs = dir.join("logs");
    let written = simulate::simulate(&Options {
        scenario: Scenario::Workshop,
        out: logs.clone(),
        seed: SEED,
        start: None,
    })
    .into_diagnostic()?;
    story.say(&format!(
        "CloudTrail wrote {} events in {} files under {}.\n",
        written.events,
        written.files,
        logs.display()
    ))?;

    story.step("2. Detection (trailguard hunt)", "")?;
    let finding = hunt(&logs)?;
    if !args.json {
        printers::print(Format::Table, &[&finding])?;
    }

    story.step(
        "3. Response (the workshop's rule, e-mail and Lambda)",
        "The rule matches the finding; its e-mail goes to the outbox; revoke-role-sessions puts\n\
         RevokeOldSessions on the role, then checks itself with the IAM evaluator.\n",
    )?;
    let report = respond(&dir, &finding, clock.as_ref(), &mut story)?;

    let emails = outbox(&dir.join("outbox"))?;
    story.step("4. The e-mails (outbox)", "")?;
    for (name, text) in &emails {
        story.say(&format!("{name}:\n{text}\n"))?;
    }

    let verification = report
        .remediations
        .first()
        .and_then(|(_, execution)| execution.as_ref())
        .and_then(|execution| execution.verification.as_ref());
    let denied = verification.is_some_and(|v| v.holds());
    story.step(
        "5. Verification",
        if denied {
            "The stolen credentials now get an explicit deny from RevokeOldSessions, and a session\n\
             issued after the cutoff keeps the role's permissions (the instance recovers when EC2\n\
             refreshes its credentials).\n"
        } else {
            "The remediation could not be verified.\n"
        },
    )?;
    if args.json {
        let summary = json!({
            "finding": finding_summary(&finding),
            "emails": emails.iter().map(|(_, text)| text).collect::<Vec<_>>(),
            "remediations": report.remediations.iter().map(|(plan, execution)| json!({"plan": plan, "execution": execution})).collect::<Vec<_>>(),
            "explicitDeny": denied,
        });
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &summary).into_diagnostic()?;
        writeln!(out).into_diagnostic()?;
    }
    Ok(if denied && !report.failed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// Hunts the simulated logs; the workshop gives exactly one finding.
fn hunt(logs: &Path) -> miette::Result<Finding> {
    let settings = settings(
        None,
        &DetectionFlags {
            ip_ranges: None,
            inventory: &[],
        },
    )?;
    let inputs = cloudtrail::discover(&[logs.to_path_buf()]).into_diagnostic()?;
    let mut state = DetectorState::default();
    let detected = run_detectors(&settings, &inputs, &mut state, &|_| {});
    let mut book = FindingBook::new();
    for occurrence in detected.occurrences {
        book.record(occurrence);
    }
    let found: Vec<Finding> = book.findings().cloned().collect();
    match <[Finding; 1]>::try_from(found) {
        Ok([finding]) => Ok(finding),
        Err(found) => Err(miette::miette!(
            "expected one finding in the workshop, got {}",
            found.len()
        )),
    }
}

/// Writes the demo's config and account snapshot, then routes the finding with `--apply`.
fn respond(
    dir: &Path,
    finding: &Finding,
    clock: &dyn Clock,
    story: &mut Story,
) -> miette::Result<Report> {
    let account = dir.join("account");
    fs_err::create_dir_all(&account).into_diagnostic()?;
    fs_err::write(account.join("gaad.json"), GAAD).into_diagnostic()?;
    fs_err::write(account.join("describe-instances.json"), INSTANCES).into_diagnostic()?;
    let config_path = dir.join("trailguard.toml");
    fs_err::write(&config_path, CONFIG).into_diagnostic()?;
    let config = LoadedConfig::load(&config_path)?;
    let router = build_router(&config)?;
    let run = Run {
        config: &config,
        router: &router,
        apply: true,
        backends: Backends::snapshot(account),
        throttle: false,
        clock,
    };
    let mut store = Store::open(&dir.join("state.db")).into_diagnostic()?;
    let finding = serde_json::to_value(finding).into_diagnostic()?;
    let quiet = story.json;
    run.respond(&finding, &mut store, &mut |text| {
        if !quiet {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    })
    .wrap_err("the response failed")
}

/// The bodies of the `.eml` files, oldest first, quoted-printable decoded.
fn outbox(dir: &Path) -> miette::Result<Vec<(String, String)>> {
    let files: Vec<PathBuf> = fs_err::read_dir(dir)
        .into_diagnostic()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    let mut emails = files
        .into_iter()
        .map(|path| {
            let text = fs_err::read_to_string(&path).into_diagnostic()?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok((name, body_of(&text)))
        })
        .collect::<miette::Result<Vec<_>>>()?;
    // Outbox names start with the millisecond they were written; within one millisecond the
    // finding notice ("GuardDuty Finding") sorts before the remediation notice.
    let stamp = |name: &str| name.split('-').next().unwrap_or_default().to_owned();
    emails.sort_by(|a, b| (stamp(&a.0), &a.1).cmp(&(stamp(&b.0), &b.1)));
    Ok(emails)
}

/// The body of an RFC 5322 message, with quoted-printable soft breaks and escapes decoded.
fn body_of(message: &str) -> String {
    let quoted = message.contains("Content-Transfer-Encoding: quoted-printable");
    let body = message
        .split_once("\r\n\r\n")
        .or_else(|| message.split_once("\n\n"))
        .map_or("", |(_, body)| body);
    if !quoted {
        return body.trim_end().to_owned();
    }
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::with_capacity(joined.len());
    let bytes = joined.as_bytes();
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (byte, hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(decoded)) => {
                out.push(decoded);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out)
        .trim_end()
        .replace("\r\n", "\n")
}

fn finding_summary(finding: &Finding) -> Value {
    let call = finding.service.action.aws_api_call_action.as_ref();
    json!({
        "id": finding.id,
        "type": finding.finding_type,
        "severity": finding.severity,
        "role": finding.resource.access_key_details.as_ref().map(|k| &k.user_name),
        "instance": finding.resource.instance_details.as_ref().map(|i| &i.instance_id),
        "remoteIp": call.and_then(|c| c.remote_ip_details.as_ref()).and_then(|d| d.ip()),
        "count": finding.service.count,
        "firstSeen": finding.service.event_first_seen,
        "lastSeen": finding.service.event_last_seen,
    })
}

/// The narrated output (nothing but the final JSON with `--json`).
struct Story {
    json: bool,
    color: bool,
}

impl Story {
    fn step(&mut self, title: &str, text: &str) -> miette::Result<()> {
        let title = if self.color {
            format!("\x1b[1;36m{title}\x1b[0m")
        } else {
            title.to_owned()
        };
        self.say(&format!("\n{title}\n{text}"))
    }

    fn say(&mut self, text: &str) -> miette::Result<()> {
        if self.json {
            return Ok(());
        }
        std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .into_diagnostic()
    }
}
