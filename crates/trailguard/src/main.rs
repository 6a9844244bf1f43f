//! The `trailguard` command line: parses arguments and hands each subcommand to its module.

mod backends;
mod cli;
mod commands;
mod config;
mod detection;
mod logging;
mod printers;
mod progress;
mod state_store;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    logging::init(&cli.global);
    match commands::run(cli.command, &cli.global) {
        Ok(code) => code,
        Err(report) => {
            logging::report_error(&report);
            ExitCode::from(2)
        }
    }
}
