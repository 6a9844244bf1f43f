//! `trailguard respond --finding FILE [--apply]`: one finding (bare, or a real GuardDuty
//! EventBridge envelope) through the configured rules, targets and remediation actions.
//! Without `--apply` nothing is sent and nothing changes: it prints what would happen.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use miette::{Context, IntoDiagnostic};
use respond::account::SnapshotAccount;
use respond::actions::{self, ActionError, FindingView, Params, SystemClock};
use respond::config::{Mode, Remediation, TargetKind};
use respond::router::{Dispatch, Outcome, Router};
use respond::targets::{Deliverer, DeliveryOutcome, EmailSettings};
use serde_json::Value;
use store::Store;

use crate::commands::config::routing_config;
use crate::config::LoadedConfig;

/// Arguments of `respond`.
#[derive(Debug, Args)]
pub(crate) struct RespondArgs {
    /// The finding: a GuardDuty finding or an EventBridge envelope, JSON.
    #[arg(long, value_name = "FILE", required_unless_present = "print_policy")]
    finding: Option<PathBuf>,
    /// Configuration file with the rules.
    #[arg(long, value_name = "FILE", default_value = "trailguard.toml")]
    config: PathBuf,
    /// Send notifications and run `enforce`-mode actions (default: print the plans only).
    #[arg(long)]
    apply: bool,
    /// Account snapshot directory for actions (default: `[aws] snapshot`).
    #[arg(long, value_name = "DIR")]
    snapshot: Option<PathBuf>,
    /// State store for the audit log and failed deliveries (default: `[store] url`, else
    /// `trailguard.db`).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Print the least-privilege IAM policy the configured actions need, and exit.
    #[arg(long)]
    print_policy: bool,
}

pub(crate) fn run(args: &RespondArgs) -> miette::Result<ExitCode> {
    let config = LoadedConfig::load(&args.config)?;
    let router = Router::from_config(&routing_config(&config), &config.dir).map_err(|issues| {
        let errors = issues
            .into_iter()
            .map(|issue| config.error_at(issue.message, issue.span))
            .collect();
        match config.check(errors) {
            Err(report) => report,
            Ok(()) => miette::miette!("invalid rules"),
        }
    })?;
    let remediations: Vec<&Remediation> = router
        .rules()
        .iter()
        .flat_map(|rule| rule.targets.iter())
        .filter_map(|target| match &target.kind {
            TargetKind::Remediate(remediation) => Some(remediation),
            _ => None,
        })
        .collect();
    if args.print_policy {
        let mut names = Vec::new();
        for remediation in &remediations {
            if !names.contains(&remediation.action) {
                names.push(remediation.action);
            }
        }
        let roles = &router.response().allowed_roles;
        say(&actions::least_privilege_text(&names, roles))?;
        return Ok(ExitCode::SUCCESS);
    }
    let path = args.finding.as_deref().unwrap_or(Path::new("-"));
    let finding: Value = serde_json::from_str(&fs_err::read_to_string(path).into_diagnostic()?)
        .into_diagnostic()
        .wrap_err_with(|| format!("`{}` is not JSON", path.display()))?;

    // A one-shot run is never throttled: the routing log starts empty.
    let outcome = router
        .route(&finding, &mut HashMap::<String, i64>::new())
        .into_diagnostic()?;
    let routed = match outcome {
        Outcome::Routed(routed) => routed,
        Outcome::Suppressed(suppressed) => {
            say(&format!(
                "Suppressed by `{}`: the finding is archived and not routed.\n",
                suppressed.by
            ))?;
            return Ok(ExitCode::SUCCESS);
        }
        Outcome::Throttled(throttled) => {
            say(&format!(
                "Throttled: {} was routed recently.\n",
                throttled.finding_id
            ))?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    if routed.dispatches.is_empty() {
        say(&format!("No rule matches finding {}.\n", routed.finding_id))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = open_store(args, &config)?;
    let mut failed = false;
    for dispatch in &routed.dispatches {
        say(&format!(
            "Rule `{}` → target `{}` ({}):\n",
            dispatch.rule,
            dispatch.target_id,
            dispatch.target.kind.target_type()
        ))?;
        if let TargetKind::Remediate(remediation) = &dispatch.target.kind {
            failed |= !remediate(args, &config, &router, &finding, remediation, &mut store)?;
        } else {
            say(&format!("  input: {}\n", dispatch.input))?;
        }
    }
    if args.apply {
        failed |= !notify(&config, &routed.dispatches, &routed.finding_id, &mut store)?;
    } else {
        say("\nDry run: nothing was sent or changed. Run again with --apply.\n")?;
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Delivers the notification targets; false when one failed (it is kept in `deliveries`).
fn notify(
    config: &LoadedConfig,
    dispatches: &[Dispatch<'_>],
    finding_id: &str,
    store: &mut Store,
) -> miette::Result<bool> {
    let email =
        EmailSettings::from_table(config.raw.email.as_ref(), &config.dir).into_diagnostic()?;
    let reports = Deliverer::new(email)
        .deliver_dispatches(dispatches, Some(finding_id), store)
        .into_diagnostic()?;
    let mut all_delivered = true;
    for report in reports {
        match report.outcome {
            DeliveryOutcome::Delivered => say(&format!("Delivered to `{}`.\n", report.target_id))?,
            DeliveryOutcome::Failed(error) => {
                all_delivered = false;
                say(&format!(
                    "Failed to deliver to `{}` after {} attempt(s): {error} (kept for `trailguard deliveries retry`).\n",
                    report.target_id, report.attempts
                ))?;
            }
        }
    }
    Ok(all_delivered)
}

/// Plans one remediation and, with `--apply` and `mode = "enforce"`, executes it on the
/// account snapshot. False when it was refused or failed.
fn remediate(
    args: &RespondArgs,
    config: &LoadedConfig,
    router: &Router,
    finding: &Value,
    remediation: &Remediation,
    store: &mut Store,
) -> miette::Result<bool> {
    let Some(dir) = snapshot_dir(args, config) else {
        say(
            "  no account to act on: give --snapshot DIR or `[aws] snapshot` (live AWS comes with the `aws` feature)\n",
        )?;
        return Ok(false);
    };
    let mut account = SnapshotAccount::load(&dir).into_diagnostic()?;
    let enforce = args.apply && remediation.mode == Mode::Enforce;
    let params = Params {
        mode: if enforce { Mode::Enforce } else { Mode::DryRun },
        policy_name: remediation.policy_name.clone(),
        allowed_roles: router.response().allowed_roles.clone(),
        allowed_accounts: router.response().allowed_accounts.clone(),
        ..Params::default()
    };
    let clock = SystemClock;
    let plan = match actions::plan(remediation.action, finding, &params, &account, &clock) {
        Ok(plan) => plan,
        Err(ActionError::Refused { action, reason }) => {
            let id = FindingView::of(finding).id();
            actions::record_refusal(store, &action, params.mode, id, &reason, clock_now())
                .into_diagnostic()?;
            say(&format!("  refused `{action}`: {reason}\n"))?;
            return Ok(false);
        }
        Err(error) => return Err(error).into_diagnostic(),
    };
    let audit_id = actions::record_plan(store, &plan).into_diagnostic()?;
    say(&indent(&plan.to_text()))?;
    if !enforce {
        return Ok(true);
    }
    let result = actions::execute(&plan, &mut account);
    actions::record_execution(store, &audit_id, &result).into_diagnostic()?;
    account.save().into_diagnostic()?;
    let execution = result.into_diagnostic()?;
    say(&indent(&execution.to_text()))?;
    Ok(true)
}

fn clock_now() -> i64 {
    use respond::actions::Clock;
    SystemClock.now_ms()
}

fn snapshot_dir(args: &RespondArgs, config: &LoadedConfig) -> Option<PathBuf> {
    args.snapshot.clone().or_else(|| {
        let snapshot = config.raw.aws.as_ref()?.get("snapshot")?.as_str()?;
        Some(config.resolve(Path::new(snapshot)))
    })
}

fn open_store(args: &RespondArgs, config: &LoadedConfig) -> miette::Result<Store> {
    let store = match (&args.state, &config.raw.store.url) {
        (Some(path), _) => Store::open(path),
        (None, Some(url)) => Store::open_url(url),
        (None, None) => Store::open(Path::new("trailguard.db")),
    };
    store
        .into_diagnostic()
        .wrap_err("cannot open the state store")
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("  {line}\n")).collect()
}

fn say(text: &str) -> miette::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).into_diagnostic()
}
