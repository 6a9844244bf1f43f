//! `trailguard rules import-cloudformation TEMPLATE`: EventBridge rules of a CloudFormation
//! template as trailguard `[[rule]]` blocks (TOML on stdout, what to fill in on stderr).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use miette::{Context, IntoDiagnostic};

/// Arguments of `trailguard rules`.
#[derive(Debug, clap::Args)]
pub(crate) struct RulesArgs {
    #[command(subcommand)]
    pub(crate) command: RulesCommand,
}

/// The `rules` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum RulesCommand {
    /// Print the AWS::Events::Rule resources of a CloudFormation template (YAML or JSON) as
    /// trailguard rules; intrinsics (!Ref, !GetAtt, !Sub) become placeholders to fill in.
    ImportCloudformation(ImportArgs),
}

/// Arguments of `trailguard rules import-cloudformation`.
#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// The template file.
    #[arg(value_name = "TEMPLATE")]
    pub(crate) template: PathBuf,
}

/// Runs `rules import-cloudformation`.
pub(crate) fn run(args: &RulesArgs) -> miette::Result<ExitCode> {
    let RulesCommand::ImportCloudformation(import) = &args.command;
    let text = fs_err::read_to_string(&import.template).into_diagnostic()?;
    let imported = respond::cloudformation::import(&text)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot import `{}`", import.template.display()))?;
    let mut stderr = std::io::stderr().lock();
    for warning in &imported.warnings {
        // Nothing more useful can be done if stderr itself is gone.
        let _ = writeln!(stderr, "warning: {warning}");
    }
    std::io::stdout()
        .lock()
        .write_all(imported.to_toml().as_bytes())
        .into_diagnostic()?;
    Ok(ExitCode::SUCCESS)
}
