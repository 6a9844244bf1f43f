//! `trailguard pattern test|transform`: EventBridge's TestEventPattern and a target's input
//! transformation, offline.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use pattern::{InputTransformer, Pattern, TargetInput, TransformContext};

/// Arguments of `trailguard pattern`.
#[derive(Debug, clap::Args)]
pub(crate) struct PatternArgs {
    #[command(subcommand)]
    pub(crate) command: PatternCommand,
}

/// The `pattern` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum PatternCommand {
    /// Print `true` (exit 0) if the event matches the pattern, else `false` (exit 1).
    Test(TestArgs),
    /// Print exactly what a rule target would receive for the event.
    Transform(TransformArgs),
    /// Count, for many named patterns, the events of a JSON Lines file each one matches.
    Match(MatchArgs),
}

/// Arguments of `trailguard pattern match`.
#[derive(Debug, clap::Args)]
pub(crate) struct MatchArgs {
    /// A JSON object of rule names to event patterns (a file, or the JSON itself).
    #[arg(long, value_name = "FILE|JSON")]
    pub(crate) rules: String,
    /// Events, one JSON object per line (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub(crate) events: String,
}

/// Arguments of `trailguard pattern test`.
#[derive(Debug, clap::Args)]
pub(crate) struct TestArgs {
    /// The event pattern: a file, or the JSON itself.
    #[arg(long, value_name = "FILE|JSON")]
    pub(crate) pattern: String,
    /// The event (with `id`, `account`, `source`, `time`, `region`, `detail-type`): a file, or
    /// the JSON itself.
    #[arg(long, value_name = "FILE|JSON")]
    pub(crate) event: String,
}

/// Arguments of `trailguard pattern transform`.
#[derive(Debug, clap::Args)]
pub(crate) struct TransformArgs {
    /// `InputPath`: deliver the part of the event this JSON path selects.
    #[arg(long, value_name = "PATH")]
    pub(crate) input_path: Option<String>,
    /// `InputPathsMap`: a JSON object of variable names to JSON paths (a file, or the JSON).
    #[arg(long, value_name = "FILE|JSON")]
    pub(crate) input_paths_map: Option<String>,
    /// `InputTemplate`: the text to deliver, with `<variable>` placeholders.
    #[arg(long, value_name = "TEXT")]
    pub(crate) input_template: Option<String>,
    /// `Input`: constant JSON to deliver instead of the event.
    #[arg(long, value_name = "JSON")]
    pub(crate) input: Option<String>,
    /// The event: a file, or the JSON itself.
    #[arg(long, value_name = "FILE|JSON")]
    pub(crate) event: String,
    /// Rule name for `<aws.events.rule-name>` and `<aws.events.rule-arn>`.
    #[arg(long, value_name = "NAME")]
    pub(crate) rule_name: Option<String>,
    /// Rule ARN for `<aws.events.rule-arn>` (default: built from the name, bus, region, account).
    #[arg(long, value_name = "ARN")]
    pub(crate) rule_arn: Option<String>,
    /// Event bus of the rule (default: `default`).
    #[arg(long, value_name = "NAME")]
    pub(crate) event_bus_name: Option<String>,
    /// Time for `<aws.events.event.ingestion-time>` (default: the event's `time`).
    #[arg(long, value_name = "ISO8601")]
    pub(crate) ingestion_time: Option<String>,
}

/// Runs `pattern test` or `pattern transform`; every failure is `error: <reason>`, exit 2.
pub(crate) fn run(args: &PatternArgs) -> miette::Result<ExitCode> {
    let outcome = match &args.command {
        PatternCommand::Test(test) => run_test(test),
        PatternCommand::Transform(transform) => run_transform(transform),
        PatternCommand::Match(matching) => run_match(matching),
    };
    Ok(match outcome {
        Ok(code) => code,
        Err(reason) => {
            // Nothing more useful can be done if stderr itself is gone.
            let _ = writeln!(std::io::stderr().lock(), "error: {reason}");
            ExitCode::from(2)
        }
    })
}

/// A file's text if `argument` names a file, else `argument` itself (inline JSON).
fn file_or_inline(argument: &str) -> Result<String, String> {
    if Path::new(argument).is_file() {
        fs_err::read_to_string(argument).map_err(|e| e.to_string())
    } else {
        Ok(argument.to_owned())
    }
}

fn print(line: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{line}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn run_test(args: &TestArgs) -> Result<ExitCode, String> {
    let pattern = Pattern::parse(&file_or_inline(&args.pattern)?).map_err(|e| e.to_string())?;
    let event = pattern::parse_event(&file_or_inline(&args.event)?).map_err(|e| e.to_string())?;
    pattern::check_test_event(&event).map_err(|e| e.to_string())?;
    let matched = pattern.matches(&event);
    print(if matched { "true" } else { "false" })?;
    Ok(if matched {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_transform(args: &TransformArgs) -> Result<ExitCode, String> {
    let transformer = match (&args.input_paths_map, &args.input_template) {
        (None, None) => None,
        (paths_map, Some(template)) => {
            let paths_map = match paths_map {
                Some(argument) => file_or_inline(argument)?,
                None => "{}".to_owned(),
            };
            Some(InputTransformer::from_json(&paths_map, template).map_err(|e| e.to_string())?)
        }
        (Some(_), None) => return Err("`--input-paths-map` needs `--input-template`".to_owned()),
    };
    let target = TargetInput::new(
        args.input.as_deref(),
        args.input_path.as_deref(),
        transformer,
    )
    .map_err(|e| e.to_string())?;
    let context = TransformContext {
        rule_name: args.rule_name.clone(),
        rule_arn: args.rule_arn.clone(),
        event_bus_name: args.event_bus_name.clone(),
        ingestion_time: args.ingestion_time.clone(),
    };
    let event = file_or_inline(&args.event)?;
    let output = target.render(&event, &context).map_err(|e| e.to_string())?;
    print(&output)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints `name<TAB>count` per rule (sorted by name); bad lines are reported with their
/// number on stderr and skipped; a summary with the throughput goes to stderr.
fn run_match(args: &MatchArgs) -> Result<ExitCode, String> {
    let rules: std::collections::BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&file_or_inline(&args.rules)?)
            .map_err(|e| format!("rules must be a JSON object of name to pattern: {e}"))?;
    let patterns = rules
        .iter()
        .map(|(name, pattern)| {
            Pattern::parse(&pattern.to_string())
                .map(|parsed| (name.clone(), parsed))
                .map_err(|e| format!("rule `{name}`: {e}"))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let matcher = pattern::Matcher::new(patterns);
    let text = if args.events == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| e.to_string())?
    } else {
        fs_err::read_to_string(&args.events).map_err(|e| e.to_string())?
    };
    let started = std::time::Instant::now();
    let mut counts: std::collections::BTreeMap<&str, u64> =
        rules.keys().map(|name| (name.as_str(), 0)).collect();
    let (mut events, mut bad) = (0u64, 0u64);
    let mut stderr = std::io::stderr().lock();
    for (index, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        match matcher.matches_json(line) {
            Ok(names) => {
                events += 1;
                for name in names {
                    *counts.entry(name.as_str()).or_default() += 1;
                }
            }
            Err(error) => {
                bad += 1;
                let _ = writeln!(
                    stderr,
                    "warning: {}: line {}: {error}",
                    args.events,
                    index + 1
                );
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    for (name, count) in &counts {
        print(&format!("{name}\t{count}"))?;
    }
    let _ = writeln!(
        stderr,
        "{events} events, {bad} bad, {} rules in {seconds:.3} s ({:.0} events/s)",
        counts.len(),
        events as f64 / seconds.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}
