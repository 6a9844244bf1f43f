//! Argument definitions: one variant per subcommand, each with its own `Args` struct.

use clap::{Args, Parser, Subcommand};

/// Detect stolen AWS EC2 instance credentials in CloudTrail and respond to them.
#[derive(Debug, Parser)]
#[command(name = "trailguard", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Flags every subcommand accepts.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// Only print errors (no warnings, no progress).
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Log lines as text, or as JSON objects (one per line) for log collectors.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
}

/// How log lines are written on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line (`timestamp`, `level`, `fields.message`…).
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Write realistic CloudTrail logs of a named scenario, as CloudTrail delivers them to S3.
    Simulate(crate::commands::simulate::SimulateArgs),
    /// Detect stolen instance credentials in CloudTrail logs (files, directories, `-`).
    Hunt(crate::commands::hunt::HuntArgs),
    /// List, show, archive and export stored findings.
    Findings(crate::commands::findings::FindingsArgs),
    /// Route one finding through the rules: print the plans, or with --apply act on them.
    Respond(crate::commands::respond::RespondArgs),
    /// The GuardDuty workshop's scenario 3 end to end, offline, on bundled data.
    Demo(crate::commands::demo::DemoArgs),
    /// Test EventBridge event patterns and input transformers offline.
    Pattern(crate::commands::pattern::PatternArgs),
    /// Evaluate IAM policies offline (`iam simulate`).
    Iam(crate::commands::iam::IamArgs),
    /// May a principal of an account snapshot do an action? Would a recorded call be allowed now?
    Verify(crate::commands::verify::VerifyArgs),
    /// Check a trailguard.toml (every error with its line), or print a commented example.
    Config(crate::commands::config::ConfigArgs),
    /// Import EventBridge rules from a CloudFormation template.
    Rules(crate::commands::rules::RulesArgs),
    /// Remediation actions: plan or apply one for a finding; the audit log; undo.
    Actions(crate::commands::actions::ActionsArgs),
    /// List deliveries whose every attempt failed, and send them again.
    Deliveries(crate::commands::deliveries::DeliveriesArgs),
    /// Live detection and response: HTTP ingest, watched directories, the API and console.
    Serve(crate::commands::serve::ServeArgs),
}
