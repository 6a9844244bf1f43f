//! `trailguard actions run|list|show|undo`: remediation actions against an account snapshot
//! or live AWS, and their audit log.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use miette::{Context, IntoDiagnostic};
use respond::actions::{
    self, ActionError, Clock, FindingView, FixedClock, Params, Plan, SystemClock, Undo,
};
use respond::config::{ActionName, Mode};
use serde_json::{Value, json};
use store::Store;
use store::audit::ActionRecord;

use crate::backends::{Backends, OpenAccount};
use crate::config::LoadedConfig;

/// Arguments of `actions`.
#[derive(Debug, Args)]
pub(crate) struct ActionsArgs {
    /// The state store holding the audit log: an SQLite file, or a `postgres://` URL.
    #[arg(
        long,
        value_name = "FILE|URL",
        global = true,
        default_value = "trailguard.db"
    )]
    state: PathBuf,
    /// Configuration file whose `[aws]` section says where live calls go.
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: ActionsCommand,
}

/// What to do.
#[derive(Debug, Subcommand)]
enum ActionsCommand {
    /// Plan an action for a finding (dry-run), or apply it with `--apply`.
    Run(RunArgs),
    /// List the audit log, oldest first.
    List,
    /// Show one audit log entry: plan, result, undo.
    Show {
        /// The entry's id.
        id: String,
    },
    /// Reverse an applied action (delete the inline policy, restore the groups…).
    Undo {
        /// The entry's id.
        id: String,
        /// The account snapshot directory the action was applied to (default: live AWS).
        #[arg(long, value_name = "DIR")]
        snapshot: Option<PathBuf>,
    },
}

/// Arguments of `actions run`.
#[derive(Debug, Args)]
struct RunArgs {
    /// The action (revoke-role-sessions, deny-instance-session, restrict-role-to-vpc,
    /// isolate-instance, snapshot-volumes, enforce-imdsv2, tag-resource,
    /// detach-instance-profile).
    action: ActionName,
    /// The finding: a GuardDuty finding or an EventBridge envelope, JSON.
    #[arg(long, value_name = "FILE")]
    finding: PathBuf,
    /// The account snapshot directory (gaad.json, describe-instances.json); without it, live
    /// AWS (`[aws]` of --config, and the standard AWS environment).
    #[arg(long, value_name = "DIR")]
    snapshot: Option<PathBuf>,
    /// Apply the plan to the account (default: print it only).
    #[arg(long)]
    apply: bool,
    /// Name of the inline policy the action writes.
    #[arg(long, value_name = "N")]
    policy_name: Option<String>,
    /// The IAM action the verification evaluates (default: the finding's API call).
    #[arg(long, value_name = "ACTION")]
    verify_action: Option<String>,
    /// Only roles with this name or ARN may be changed (repeatable).
    #[arg(long = "allowed-role", value_name = "ROLE")]
    allowed_roles: Vec<String>,
    /// Only findings of this account may be acted on (repeatable).
    #[arg(long = "allowed-account", value_name = "ID")]
    allowed_accounts: Vec<String>,
    /// Take this instant (RFC 3339) as now: replays and reproducible output.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
}

pub(crate) fn run(args: &ActionsArgs) -> miette::Result<ExitCode> {
    match &args.command {
        ActionsCommand::Run(run) => run_action(run, args),
        ActionsCommand::List => list(&args.state, args.json),
        ActionsCommand::Show { id } => show(&args.state, id, args.json),
        ActionsCommand::Undo { id, snapshot } => undo(args, id, snapshot.as_deref()),
    }
}

/// A diagnostic line on stderr (results go to stdout).
fn note(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn open_store(path: &Path) -> miette::Result<Store> {
    crate::state_store::open(&path.to_string_lossy())
}

/// The account `--snapshot` names, else live AWS.
fn open_account(snapshot: Option<&Path>, args: &ActionsArgs) -> miette::Result<OpenAccount> {
    let config = args.config.as_deref().map(LoadedConfig::load).transpose()?;
    Backends::for_actions(snapshot, config.as_ref())?
        .open_account()
        .map_err(|reason| miette::miette!("{reason}"))
}

fn run_action(args: &RunArgs, global: &ActionsArgs) -> miette::Result<ExitCode> {
    let (state, as_json) = (global.state.as_path(), global.json);
    let text = fs_err::read_to_string(&args.finding).into_diagnostic()?;
    let finding: Value = serde_json::from_str(&text)
        .into_diagnostic()
        .wrap_err_with(|| format!("`{}` is not JSON", args.finding.display()))?;
    let clock: Box<dyn Clock> = match &args.now {
        Some(t) => {
            Box::new(FixedClock(findings::parse_millis(t).ok_or_else(|| {
                miette::miette!("`{t}` is not an RFC 3339 time")
            })?))
        }
        None => Box::new(SystemClock),
    };
    let params = Params {
        mode: if args.apply {
            Mode::Enforce
        } else {
            Mode::DryRun
        },
        policy_name: args.policy_name.clone(),
        allowed_roles: args.allowed_roles.clone(),
        allowed_accounts: args.allowed_accounts.clone(),
        verify_action: args.verify_action.clone(),
        ..Params::default()
    };
    let mut account = open_account(args.snapshot.as_deref(), global)?;
    let mut store = open_store(state)?;
    let plan = match actions::plan(
        args.action,
        &finding,
        &params,
        account.get(),
        clock.as_ref(),
    ) {
        Ok(plan) => plan,
        Err(ActionError::Refused { action, reason }) => {
            let finding_id = FindingView::of(&finding).id();
            let id = actions::record_refusal(
                &mut store,
                &action,
                params.mode,
                finding_id,
                &reason,
                clock.now_ms(),
            )
            .into_diagnostic()?;
            note(&format!("audit log entry: {id}"));
            note(&format!("refused `{action}`: {reason}"));
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e).into_diagnostic(),
    };
    let id = actions::record_plan(&mut store, &plan).into_diagnostic()?;
    note(&format!("audit log entry: {id}"));
    let execution = if args.apply {
        let result = actions::execute(&plan, account.get_mut());
        actions::record_execution(&mut store, &id, &result).into_diagnostic()?;
        account.save()?;
        Some(result.into_diagnostic()?)
    } else {
        None
    };
    let mut out = std::io::stdout().lock();
    if as_json {
        let value = json!({"plan": plan, "execution": execution});
        serde_json::to_writer_pretty(&mut out, &value).into_diagnostic()?;
        writeln!(out).into_diagnostic()?;
    } else {
        write!(out, "{}", plan.to_text()).into_diagnostic()?;
        match &execution {
            Some(e) => write!(out, "\n{}", e.to_text()).into_diagnostic()?,
            None => writeln!(
                out,
                "\nDry run: nothing changed. Run again with --apply to apply it."
            )
            .into_diagnostic()?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn list(state: &Path, as_json: bool) -> miette::Result<ExitCode> {
    let store = open_store(state)?;
    let records = store.actions().into_diagnostic()?;
    let mut out = std::io::stdout().lock();
    if as_json {
        let all: Vec<Value> = records.iter().map(ActionRecord::to_json).collect();
        serde_json::to_writer_pretty(&mut out, &all).into_diagnostic()?;
        writeln!(out).into_diagnostic()?;
        return Ok(ExitCode::SUCCESS);
    }
    for r in &records {
        writeln!(
            out,
            "{}  {}  {}  {}  {}  {}",
            r.id,
            findings::format_millis(r.created_ms),
            r.action,
            r.mode,
            r.status,
            r.finding_id.as_deref().unwrap_or("-")
        )
        .into_diagnostic()?;
    }
    Ok(ExitCode::SUCCESS)
}

fn find(store: &Store, id: &str) -> miette::Result<ActionRecord> {
    store
        .action(id)
        .into_diagnostic()?
        .ok_or_else(|| miette::miette!("no audit log entry with id `{id}`"))
}

fn show(state: &Path, id: &str, as_json: bool) -> miette::Result<ExitCode> {
    let store = open_store(state)?;
    let record = find(&store, id)?;
    let mut out = std::io::stdout().lock();
    if as_json {
        serde_json::to_writer_pretty(&mut out, &record.to_json()).into_diagnostic()?;
        writeln!(out).into_diagnostic()?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{} {} ({}) {} at {}, finding {}",
        record.id,
        record.action,
        record.mode,
        record.status,
        findings::format_millis(record.created_ms),
        record.finding_id.as_deref().unwrap_or("-")
    )
    .into_diagnostic()?;
    match serde_json::from_str::<Plan>(&record.plan) {
        Ok(plan) => write!(out, "\n{}", plan.to_text()).into_diagnostic()?,
        Err(_) => writeln!(out, "\n{}", record.plan).into_diagnostic()?,
    }
    if let Some(result) = &record.result {
        match serde_json::from_str::<actions::Execution>(result) {
            Ok(e) => write!(out, "\n{}", e.to_text()).into_diagnostic()?,
            Err(_) => writeln!(out, "\nResult: {result}").into_diagnostic()?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn undo(args: &ActionsArgs, id: &str, snapshot: Option<&Path>) -> miette::Result<ExitCode> {
    let as_json = args.json;
    let mut store = open_store(&args.state)?;
    let record = find(&store, id)?;
    // `failed` too: a failed verification leaves the change applied.
    if record.status != "applied" && record.status != "failed" {
        return Err(miette::miette!(
            "entry `{id}` is `{}`: only applied (or failed) actions can be undone",
            record.status
        ));
    }
    let plan: Plan = serde_json::from_str(&record.plan).into_diagnostic()?;
    let reverse: Undo = plan.undo;
    let mut account = open_account(snapshot, args)?;
    let calls = actions::undo(&reverse, account.get_mut()).into_diagnostic()?;
    account.save()?;
    let result = json!({"undone": calls});
    store
        .update_action(id, "undone", Some(&result.to_string()))
        .into_diagnostic()?;
    let mut out = std::io::stdout().lock();
    if as_json {
        serde_json::to_writer_pretty(&mut out, &result).into_diagnostic()?;
        writeln!(out).into_diagnostic()?;
    } else {
        writeln!(out, "Undone: {}", reverse.hint()).into_diagnostic()?;
        for c in &calls {
            writeln!(out, "  {}:{} {}", c.service, c.operation, c.parameters).into_diagnostic()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
