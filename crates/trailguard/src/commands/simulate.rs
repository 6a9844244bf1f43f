//! `trailguard simulate SCENARIO --out DIR`: writes CloudTrail logs of a named scenario in the
//! S3 delivery layout.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use cloudtrail::simulate::{self, Options, Scenario};
use miette::IntoDiagnostic;

/// Scenarios on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ScenarioName {
    /// The GuardDuty workshop's scenario 3: one instance credential stolen and used outside AWS.
    Workshop,
    /// Benign-heavy traffic of many instances, users and services with a few planted attacks.
    Bulk,
}

/// Arguments of `trailguard simulate`.
#[derive(Debug, clap::Args)]
pub(crate) struct SimulateArgs {
    /// The scenario to write.
    #[arg(value_enum)]
    pub(crate) scenario: ScenarioName,
    /// Folder to write into (the bucket root: files go under `DIR/AWSLogs/…`).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,
    /// Seed of every random choice: the same seed writes the same bytes.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Number of records (bulk only; default 100000, minimum 1000).
    #[arg(long, value_name = "N")]
    pub(crate) events: Option<u64>,
    /// First second of the scenario, RFC 3339 (default: the scenario's own).
    #[arg(long, value_name = "RFC3339")]
    pub(crate) start: Option<String>,
}

/// Writes the scenario and prints a one-line summary on stderr.
pub(crate) fn run(args: &SimulateArgs) -> miette::Result<ExitCode> {
    let scenario = match (args.scenario, args.events) {
        (ScenarioName::Workshop, None) => Scenario::Workshop,
        (ScenarioName::Workshop, Some(_)) => {
            return Err(miette::miette!(
                "`--events` applies to the bulk scenario only"
            ));
        }
        (ScenarioName::Bulk, events) => Scenario::Bulk {
            events: events.unwrap_or(simulate::DEFAULT_BULK_EVENTS),
        },
    };
    let start = args
        .start
        .as_deref()
        .map(simulate::parse_start)
        .transpose()
        .into_diagnostic()?;
    let options = Options {
        scenario,
        out: args.out.clone(),
        seed: args.seed,
        start,
    };
    let began = Instant::now();
    let summary = simulate::simulate(&options).into_diagnostic()?;
    let seconds = began.elapsed().as_secs_f64();
    let megabytes = summary.json_bytes as f64 / 1e6;
    #[expect(
        clippy::print_stderr,
        reason = "the command's one-line summary goes to stderr"
    )]
    {
        eprintln!(
            "wrote {} files, {} events, {} bytes of JSON ({} bytes gzip) to {} in {seconds:.2} s ({:.0} MB/s)",
            summary.files,
            summary.events,
            summary.json_bytes,
            summary.gzip_bytes,
            args.out.display(),
            megabytes / seconds.max(1e-9),
        );
    }
    Ok(ExitCode::SUCCESS)
}
