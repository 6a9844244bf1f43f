//! `trailguard findings list|show|archive|unarchive|export`: findings at rest in the store.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use findings::{Finding, Severity};
use miette::IntoDiagnostic;
use store::{FindingFilter, Store};

use crate::config::LoadedConfig;
use crate::printers::{self, Format};
use crate::state_store;

/// Arguments of `findings`.
#[derive(Debug, Args)]
pub(crate) struct FindingsArgs {
    /// The SQLite state file that `hunt --state` wrote.
    #[arg(long, value_name = "FILE", global = true)]
    state: Option<PathBuf>,
    /// Configuration file (its `[store] url` is used when `--state` is not given).
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    action: FindingsAction,
}

/// What to do with findings.
#[derive(Debug, Subcommand)]
enum FindingsAction {
    /// List findings, most severe first.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        /// Output format (default: table on a terminal, jsonl otherwise).
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
    /// Print one finding as GuardDuty JSON.
    Show {
        /// The finding id.
        id: String,
    },
    /// Archive a finding (it is kept, and hidden by `list --active`).
    Archive {
        /// The finding id.
        id: String,
    },
    /// Unarchive a finding.
    Unarchive {
        /// The finding id.
        id: String,
    },
    /// Export findings for other tools, one JSON array.
    Export {
        #[command(flatten)]
        filter: FilterArgs,
        /// GuardDuty JSON, Security Hub ASFF, or OCSF Detection Finding.
        #[arg(long, value_enum, default_value = "json")]
        format: ExportFormat,
    },
}

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// GuardDuty findings, as stored.
    Json,
    /// AWS Security Finding Format (Security Hub).
    Asff,
    /// OCSF Detection Finding (class 2004).
    Ocsf,
}

/// Filters shared by `list` and `export`.
#[derive(Debug, Args)]
struct FilterArgs {
    /// Only findings at least this severe.
    #[arg(long, value_name = "SEVERITY")]
    min_severity: Option<Severity>,
    /// Only types starting with this text (repeatable).
    #[arg(long = "type", value_name = "PREFIX")]
    types: Vec<String>,
    /// Only archived findings.
    #[arg(long, conflicts_with = "active")]
    archived: bool,
    /// Only findings that are not archived.
    #[arg(long)]
    active: bool,
    /// Only findings last seen at or after this time (RFC 3339).
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only findings last seen before this time (RFC 3339).
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
}

impl FilterArgs {
    fn to_filter(&self) -> miette::Result<FindingFilter> {
        for time in [&self.since, &self.until].into_iter().flatten() {
            if findings::parse_millis(time).is_none() {
                return Err(miette::miette!(
                    "`{time}` is not an RFC 3339 time such as 2026-03-08T12:00:00Z"
                ));
            }
        }
        Ok(FindingFilter {
            min_severity: self.min_severity.map(Severity::min_score),
            type_prefixes: self.types.clone(),
            archived: match (self.archived, self.active) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
            since: self.since.clone(),
            until: self.until.clone(),
        })
    }
}

pub(crate) fn run(args: &FindingsArgs) -> miette::Result<ExitCode> {
    let mut store = open(args)?;
    match &args.action {
        FindingsAction::List { filter, format } => {
            let found = store.findings(&filter.to_filter()?).into_diagnostic()?;
            let shown: Vec<&Finding> = found.iter().collect();
            printers::print(format.unwrap_or_else(Format::default_for_stdout), &shown)?;
        }
        FindingsAction::Show { id } => {
            let finding = store
                .finding(id)
                .into_diagnostic()?
                .ok_or_else(|| miette::miette!("no finding with id `{id}`"))?;
            write_json(&finding)?;
        }
        FindingsAction::Archive { id } => set_archived(&mut store, id, true)?,
        FindingsAction::Unarchive { id } => set_archived(&mut store, id, false)?,
        FindingsAction::Export { filter, format } => {
            let found = store.findings(&filter.to_filter()?).into_diagnostic()?;
            let exported: Vec<serde_json::Value> = match format {
                ExportFormat::Json => found
                    .iter()
                    .map(serde_json::to_value)
                    .collect::<Result<_, _>>()
                    .into_diagnostic()?,
                ExportFormat::Asff => found
                    .iter()
                    .map(|f| findings::export::to_asff(f, None))
                    .collect(),
                ExportFormat::Ocsf => found.iter().map(findings::export::to_ocsf).collect(),
            };
            write_json(&exported)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn open(args: &FindingsArgs) -> miette::Result<Store> {
    let config = args.config.as_deref().map(LoadedConfig::load).transpose()?;
    let url = state_store::configured_url(args.state.as_deref(), config.as_ref())
        .unwrap_or_else(|| state_store::DEFAULT_STORE.to_owned());
    let path = url.trim_start_matches("sqlite://").to_owned();
    state_store::open_existing(
        &url,
        &format!(": run `trailguard hunt --state {path} …` first"),
    )
}

fn set_archived(store: &mut Store, id: &str, archived: bool) -> miette::Result<()> {
    if !store.set_archived(id, archived).into_diagnostic()? {
        return Err(miette::miette!("no finding with id `{id}`"));
    }
    let verb = if archived { "archived" } else { "unarchived" };
    tracing::info!(id, "Finding {verb}.");
    Ok(())
}

fn write_json(value: &impl serde::Serialize) -> miette::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value).into_diagnostic()?;
    writeln!(out).into_diagnostic()
}
