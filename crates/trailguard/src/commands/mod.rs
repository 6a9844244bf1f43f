//! One module per subcommand; each exposes `run(&Args) -> miette::Result<ExitCode>`.

use std::process::ExitCode;

pub(crate) mod actions;
pub(crate) mod config;
pub(crate) mod deliveries;
pub(crate) mod demo;
pub(crate) mod findings;
pub(crate) mod hunt;
pub(crate) mod iam;
pub(crate) mod pattern;
pub(crate) mod respond;
pub(crate) mod rules;
pub(crate) mod serve;
pub(crate) mod simulate;
pub(crate) mod verify;

use crate::cli::{Command, GlobalArgs};

/// Runs the chosen subcommand.
pub(crate) fn run(command: Command, global: &GlobalArgs) -> miette::Result<ExitCode> {
    match command {
        Command::Simulate(args) => simulate::run(&args),
        Command::Hunt(args) => hunt::run(&args, global.quiet),
        Command::Findings(args) => findings::run(&args),
        Command::Respond(args) => respond::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Pattern(args) => pattern::run(&args),
        Command::Iam(args) => iam::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Config(args) => config::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Actions(args) => actions::run(&args),
        Command::Deliveries(args) => deliveries::run(&args),
        Command::Serve(args) => serve::run(&args),
    }
}
