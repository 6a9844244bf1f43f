//! One module per subcommand; each exposes `run(&Args) -> miette::Result<ExitCode>`.

use std::process::ExitCode;

use crate::cli::Command;

/// Runs the chosen subcommand.
pub(crate) fn run(command: Command) -> miette::Result<ExitCode> {
    match command {}
}
