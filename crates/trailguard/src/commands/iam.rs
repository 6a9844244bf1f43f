//! `trailguard iam simulate --request FILE [--json]`: evaluates one request against the
//! policies given with it (the request format of DESIGN.md) and prints the decision.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use ::iam::simulate::{Simulation, response_json, response_text};

/// Arguments of `trailguard iam`.
#[derive(Debug, clap::Args)]
pub(crate) struct IamArgs {
    #[command(subcommand)]
    pub(crate) command: IamCommand,
}

/// The `iam` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum IamCommand {
    /// Evaluate a request against policies: prints `Allowed`, `ExplicitlyDenied` or
    /// `ImplicitlyDenied` (exit 0 whatever the decision, 2 for invalid input).
    Simulate(SimulateArgs),
}

/// Arguments of `trailguard iam simulate`.
#[derive(Debug, clap::Args)]
pub(crate) struct SimulateArgs {
    /// The request: `{"identity_policies":[…], "resource_policy":…, "permission_boundary":…,
    /// "session_policy":…, "vpc_endpoint_policy":…, "scps":[[…]], "rcps":[[…]],
    /// "request":{"action", "resource", "resource_account", "principal", "context"}}`; `-` for stdin.
    #[arg(long, value_name = "FILE")]
    pub(crate) request: PathBuf,
    /// Print a JSON object (`decision`, `explanation`, `matched_statements`).
    #[arg(long)]
    pub(crate) json: bool,
}

/// Runs `iam simulate`; every failure is `error: <reason>`, exit 2.
pub(crate) fn run(args: &IamArgs) -> miette::Result<ExitCode> {
    let IamCommand::Simulate(simulate) = &args.command;
    Ok(match run_simulate(simulate) {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => fail(&reason),
    })
}

fn run_simulate(args: &SimulateArgs) -> Result<(), String> {
    let text = read_input(&args.request)?;
    let simulation = Simulation::parse(&text).map_err(|e| e.to_string())?;
    print_decision(&simulation, args.json)
}

/// Runs a simulation and prints its decision, as text or (with `json`) as a JSON object.
pub(crate) fn print_decision(simulation: &Simulation, json: bool) -> Result<(), String> {
    let response = simulation.run();
    let output = if json {
        let json = response_json(&response, &simulation.request);
        format!(
            "{}\n",
            serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?
        )
    } else {
        response_text(&response, &simulation.request)
    };
    print(&output)
}

/// The text of a file, or of stdin for `-`.
pub(crate) fn read_input(path: &std::path::Path) -> Result<String, String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)
            .map_err(|e| format!("stdin: {e}"))?;
        Ok(text)
    } else {
        fs_err::read_to_string(path).map_err(|e| e.to_string())
    }
}

/// Writes `text` to stdout; a closed pipe is not an error.
pub(crate) fn print(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

/// Prints `error: <reason>` on stderr; exit code 2.
pub(crate) fn fail(reason: &str) -> ExitCode {
    // Nothing more useful can be done if stderr itself is gone.
    let _ = writeln!(std::io::stderr().lock(), "error: {reason}");
    ExitCode::from(2)
}
