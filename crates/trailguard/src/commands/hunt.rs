//! `trailguard hunt PATH...`: detect stolen instance credentials in CloudTrail logs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use clap::Args;
use cloudtrail::{DecodeOptions, Input, Prefilter};
use detect::DetectorState;
use findings::{Finding, FindingBook, Severity};
use miette::{Context, IntoDiagnostic};
use store::{FindingFilter, InputStamp, Store};

use crate::config::LoadedConfig;
use crate::detection::{DetectionFlags, settings};
use crate::printers::{self, Format};
use crate::progress::Progress;
use crate::state_store;

/// Arguments of `hunt`.
#[derive(Debug, Args)]
pub(crate) struct HuntArgs {
    /// CloudTrail files or directories (searched recursively); `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Only show findings at least this severe.
    #[arg(long, value_name = "SEVERITY")]
    min_severity: Option<Severity>,
    /// Exit with status 1 when a finding at least this severe is found.
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<Severity>,
    /// Configuration file (`[store]` and `[detection]` are used).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// SQLite file keeping detector state and findings between runs.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// `aws ec2 describe-instances` JSON output binding instances to their addresses.
    #[arg(long, value_name = "FILE")]
    inventory: Vec<PathBuf>,
    /// `ip-ranges.json` to use instead of the built-in snapshot.
    #[arg(long, value_name = "FILE")]
    ip_ranges: Option<PathBuf>,
    /// Worker threads for decoding (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Treat any bad input as fatal (exit 2).
    #[arg(long)]
    strict: bool,
}

/// What the run did, for the summary line.
struct Summary {
    inputs: u64,
    skipped_inputs: usize,
    bytes: u64,
    records: u64,
    bad_records: u64,
    instance_records: u64,
    findings: usize,
    seconds: f64,
}

pub(crate) fn run(args: &HuntArgs, quiet: bool) -> miette::Result<ExitCode> {
    let started = Instant::now();
    let config = args.config.as_deref().map(LoadedConfig::load).transpose()?;
    let settings = settings(
        config.as_ref(),
        &DetectionFlags {
            ip_ranges: args.ip_ranges.as_deref(),
            inventory: &args.inventory,
        },
    )?;
    let mut store = open_store(args.state.as_deref(), config.as_ref())?;
    let persistent =
        args.state.is_some() || config.as_ref().is_some_and(|c| c.raw.store.url.is_some());

    let inputs = cloudtrail::discover(&args.paths).into_diagnostic()?;
    let (inputs, stamps, skipped_inputs) = skip_processed(&store, inputs, persistent)?;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .into_diagnostic()?;
    let mut state = DetectorState::from_entries(store.state_entries().into_diagnostic()?)
        .into_diagnostic()
        .wrap_err("the state file is corrupt")?;
    let progress = Progress::new(&inputs, quiet);
    let detected = pool.install(|| {
        run_detectors(&settings, &inputs, &mut state, &|bytes| {
            progress.advance(bytes)
        })
    });
    progress.finish();
    let Detected {
        occurrences,
        stats,
        instance_records,
    } = detected;
    let mut book = FindingBook::from_findings(
        store
            .findings(&FindingFilter::default())
            .into_diagnostic()?,
    );
    for occurrence in occurrences {
        book.record(occurrence);
    }
    store
        .commit_run(&state.entries(), book.touched(), &stamps)
        .into_diagnostic()
        .wrap_err("cannot save the run")?;

    let min = args.min_severity.map_or(0.0, Severity::min_score);
    let mut shown: Vec<&Finding> = book.touched().filter(|f| f.severity >= min).collect();
    printers::sort_for_display(&mut shown);
    let format = args.format.unwrap_or_else(Format::default_for_stdout);
    printers::print(format, &shown)?;

    let summary = Summary {
        inputs: stats.inputs,
        skipped_inputs,
        bytes: stats.bytes_decoded,
        records: stats.records,
        bad_records: stats.problem_count(),
        instance_records,
        findings: book.touched().count(),
        seconds: started.elapsed().as_secs_f64(),
    };
    if !quiet {
        print_summary(&summary);
    }
    if args.strict && summary.bad_records > 0 {
        return Err(miette::miette!(
            "{} bad input(s) and --strict was given",
            summary.bad_records
        ));
    }
    let tripped = args
        .fail_on
        .is_some_and(|threshold| book.touched().any(|f| f.severity >= threshold.min_score()));
    Ok(if tripped {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What the detectors made of a set of inputs.
pub(crate) struct Detected {
    /// Every finding occurrence, to fold into a [`FindingBook`].
    pub(crate) occurrences: Vec<findings::Occurrence>,
    /// Decoding counters and problems.
    pub(crate) stats: cloudtrail::DecodeStats,
    /// Records made with instance credentials.
    pub(crate) instance_records: u64,
}

/// Decodes the inputs in parallel (on the current rayon pool), warns about every bad input
/// with its location, and runs the detectors against `state`.
pub(crate) fn run_detectors(
    settings: &detect::Settings,
    inputs: &[Input],
    state: &mut DetectorState,
    progress: &(dyn Fn(u64) + Sync),
) -> Detected {
    let options = DecodeOptions {
        prefilter: detect::prefilter_needles(settings).map(Prefilter::any_of),
    };
    let instance_records = AtomicU64::new(0);
    let decoded = cloudtrail::decode_inputs(inputs, &options, Some(progress), &|record, _| {
        let observed = detect::observe(settings, record);
        if observed.instance_credential {
            instance_records.fetch_add(1, Ordering::Relaxed);
        }
        observed.observation
    });
    for problem in &decoded.stats.problems {
        tracing::warn!("{}: {}", problem.location, problem.error);
    }
    if decoded.stats.problems_omitted > 0 {
        tracing::warn!("{} more problems not shown", decoded.stats.problems_omitted);
    }
    let occurrences = detect::evaluate(settings, decoded.per_input.into_iter().flatten(), state);
    Detected {
        occurrences,
        stats: decoded.stats,
        instance_records: instance_records.into_inner(),
    }
}

fn open_store(state: Option<&Path>, config: Option<&LoadedConfig>) -> miette::Result<Store> {
    match state_store::configured_url(state, config) {
        Some(url) => state_store::open(&url),
        None => Store::in_memory()
            .into_diagnostic()
            .wrap_err("cannot open the state store"),
    }
}

/// With a persistent store, files an earlier run processed (same path, size and mtime) are
/// skipped so re-running over a growing folder never counts an event twice.
fn skip_processed(
    store: &Store,
    inputs: Vec<Input>,
    persistent: bool,
) -> miette::Result<(Vec<Input>, Vec<InputStamp>, usize)> {
    if !persistent {
        return Ok((inputs, Vec::new(), 0));
    }
    let mut kept = Vec::new();
    let mut stamps = Vec::new();
    let mut seen = BTreeSet::new();
    let mut skipped = 0;
    for input in inputs {
        let Some(stamp) = stamp_of(&input) else {
            kept.push(input);
            continue;
        };
        if store.is_processed(&stamp).into_diagnostic()? || !seen.insert(stamp.path.clone()) {
            skipped += 1;
            continue;
        }
        stamps.push(stamp);
        kept.push(input);
    }
    Ok((kept, stamps, skipped))
}

pub(crate) fn stamp_of(input: &Input) -> Option<InputStamp> {
    let Input::File(path) = input else {
        return None;
    };
    let metadata = fs_err::metadata(path).ok()?;
    let modified_ms = metadata
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_millis();
    Some(InputStamp {
        path: fs_err::canonicalize(path).ok()?.display().to_string(),
        size: metadata.len(),
        modified_ms: i64::try_from(modified_ms).ok()?,
    })
}

fn print_summary(summary: &Summary) {
    let rate = summary.records as f64 / summary.seconds.max(1e-9);
    let mb_per_s = summary.bytes as f64 / 1e6 / summary.seconds.max(1e-9);
    let skipped = if summary.skipped_inputs > 0 {
        format!(" ({} already processed, skipped)", summary.skipped_inputs)
    } else {
        String::new()
    };
    #[expect(clippy::print_stderr, reason = "the end-of-run summary goes to stderr")]
    {
        eprintln!(
            "{} files{skipped}, {} records, {} bad, {} instance-credential records, {} findings in {:.2} s ({:.0} records/s, {:.0} MB/s)",
            summary.inputs,
            summary.records,
            summary.bad_records,
            summary.instance_records,
            summary.findings,
            summary.seconds,
            rate,
            mb_per_s
        );
    }
}
