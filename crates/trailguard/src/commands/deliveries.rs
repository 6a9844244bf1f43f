//! `trailguard deliveries list|retry [ID]`: deliveries whose every attempt failed are kept in
//! the store; list them, and send them again to their (currently configured) targets.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use miette::IntoDiagnostic;
use respond::config::{Target, Validated};
use respond::targets::{DeliveryOutcome, EmailSettings};
use store::Store;
use store::deliveries::{DeliveryRecord, DeliveryStatus};

use crate::backends::Backends;
use crate::commands::config::routing_config;
use crate::config::LoadedConfig;
use crate::state_store;

/// Arguments of `deliveries`.
#[derive(Debug, Args)]
pub(crate) struct DeliveriesArgs {
    /// The SQLite state file (default: the config's `[store] url`, else `trailguard.db`).
    #[arg(long, value_name = "FILE", global = true)]
    state: Option<PathBuf>,
    /// Configuration file: its targets and `[email]` are used by `retry`.
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        default_value = "trailguard.toml"
    )]
    config: PathBuf,
    #[command(subcommand)]
    action: DeliveriesAction,
}

/// What to do with kept deliveries.
#[derive(Debug, Subcommand)]
enum DeliveriesAction {
    /// List kept deliveries, oldest first (only failed ones unless `--all`).
    List {
        /// Also list those a retry delivered.
        #[arg(long)]
        all: bool,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Send failed deliveries again: one by id, or every failed one. Exit 1 if any still fails.
    Retry {
        /// The delivery id `list` shows.
        id: Option<i64>,
    },
}

pub(crate) fn run(args: &DeliveriesArgs) -> miette::Result<ExitCode> {
    match &args.action {
        DeliveriesAction::List { all, json } => {
            let store = open_store(args, None)?;
            let status = (!all).then_some(DeliveryStatus::Failed);
            let kept = store.deliveries(status).into_diagnostic()?;
            let text = if *json {
                json_lines(&kept)?
            } else {
                table(&kept)
            };
            print(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        DeliveriesAction::Retry { id } => retry(args, *id),
    }
}

fn retry(args: &DeliveriesArgs, id: Option<i64>) -> miette::Result<ExitCode> {
    let config = LoadedConfig::load(&args.config)?;
    let validated = routing_config(&config)
        .validate(&config.dir)
        .map_err(|issues| {
            miette::miette!(
                "invalid configuration `{}` ({} error(s)): run `trailguard config validate`",
                args.config.display(),
                issues.len()
            )
        })?;
    let email = EmailSettings::from_table(config.raw.email.as_ref(), &config.dir)
        .map_err(|e| miette::miette!("{e}"))?;
    let mut store = open_store(args, Some(&config))?;
    let chosen = match id {
        Some(id) => {
            let record = store
                .delivery(id)
                .into_diagnostic()?
                .ok_or_else(|| miette::miette!("no kept delivery with id `{id}`"))?;
            if record.status == DeliveryStatus::Delivered {
                return Err(miette::miette!("delivery `{id}` was already delivered"));
            }
            vec![record]
        }
        None => store
            .deliveries(Some(DeliveryStatus::Failed))
            .into_diagnostic()?,
    };
    let mut pairs = Vec::new();
    for record in &chosen {
        pairs.push((record, configured_target(&validated, record)?));
    }
    let reports = Backends::for_delivery(&config, &validated.rules)?
        .deliverer(email)
        .retry_kept(&pairs, &mut store)
        .into_diagnostic()?;
    let mut text = String::new();
    let mut all_delivered = true;
    for (report, record) in reports.iter().zip(&chosen) {
        let line = match &report.outcome {
            DeliveryOutcome::Delivered => format!(
                "{} delivered {}/{} ({} attempt(s))\n",
                record.id, record.rule, record.target, report.attempts
            ),
            DeliveryOutcome::Failed(error) => {
                all_delivered = false;
                format!(
                    "{} failed {}/{} ({} attempt(s)): {error}\n",
                    record.id, record.rule, record.target, report.attempts
                )
            }
        };
        text.push_str(&line);
    }
    if chosen.is_empty() {
        text.push_str("no failed deliveries\n");
    }
    print(&text)?;
    Ok(if all_delivered {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The target a kept delivery was for, as configured now.
fn configured_target<'v>(
    validated: &'v Validated,
    record: &DeliveryRecord,
) -> miette::Result<&'v Target> {
    validated
        .rules
        .iter()
        .filter(|rule| rule.name == record.rule)
        .flat_map(|rule| &rule.targets)
        .find(|target| target.id == record.target)
        .ok_or_else(|| {
            miette::miette!(
                "delivery `{}`: rule `{}` has no target `{}` in the configuration any more",
                record.id,
                record.rule,
                record.target
            )
        })
}

/// `--state`, else the config's `[store] url`, else `trailguard.db`; it must exist.
fn open_store(args: &DeliveriesArgs, config: Option<&LoadedConfig>) -> miette::Result<Store> {
    let loaded;
    let config = match config {
        Some(config) => Some(config),
        None if args.state.is_none() && args.config.exists() => {
            loaded = LoadedConfig::load(&args.config)?;
            Some(&loaded)
        }
        None => None,
    };
    let url = state_store::configured_url(args.state.as_deref(), config)
        .unwrap_or_else(|| state_store::DEFAULT_STORE.to_owned());
    state_store::open_existing(&url, "")
}

/// Columns: id, status, attempts, last change, rule/target, finding, last error.
fn table(kept: &[DeliveryRecord]) -> String {
    let mut rows = vec![[
        "ID".to_owned(),
        "STATUS".to_owned(),
        "ATTEMPTS".to_owned(),
        "UPDATED".to_owned(),
        "RULE/TARGET".to_owned(),
        "FINDING".to_owned(),
        "LAST ERROR".to_owned(),
    ]];
    for record in kept {
        rows.push([
            record.id.to_string(),
            record.status.to_string(),
            record.attempts.to_string(),
            findings::format_millis(record.updated_ms),
            format!("{}/{}", record.rule, record.target),
            record.finding_id.clone().unwrap_or_else(|| "-".to_owned()),
            record.last_error.clone().unwrap_or_default(),
        ]);
    }
    let mut widths = [0; 7];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in &rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths) {
            line.push_str(&format!("{cell:<width$}  "));
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// One JSON object per delivery, payload included.
fn json_lines(kept: &[DeliveryRecord]) -> miette::Result<String> {
    let mut text = String::new();
    for record in kept {
        let object = serde_json::json!({
            "id": record.id,
            "status": record.status.as_str(),
            "attempts": record.attempts,
            "rule": record.rule,
            "target": record.target,
            "findingId": record.finding_id,
            "payload": record.payload,
            "lastError": record.last_error,
            "createdAt": findings::format_millis(record.created_ms),
            "updatedAt": findings::format_millis(record.updated_ms),
        });
        text.push_str(&serde_json::to_string(&object).into_diagnostic()?);
        text.push('\n');
    }
    Ok(text)
}

fn print(text: &str) -> miette::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.into_diagnostic(),
    }
}
