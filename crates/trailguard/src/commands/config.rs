//! `trailguard config validate|example`: check a `trailguard.toml`, or print a commented one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use miette::{Context, IntoDiagnostic};
use respond::config::{RoutingConfig, Validated};
use respond::example::EXAMPLE_CONFIG;

use crate::config::LoadedConfig;
use crate::detection::{DetectionFlags, settings};

/// Arguments of `trailguard config`.
#[derive(Debug, clap::Args)]
pub(crate) struct ConfigArgs {
    #[command(subcommand)]
    pub(crate) command: ConfigCommand,
}

/// The `config` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum ConfigCommand {
    /// Check a configuration file and report every error at once, each with its line.
    Validate(ValidateArgs),
    /// Print a complete, commented trailguard.toml (it passes `config validate`).
    Example,
}

/// Arguments of `trailguard config validate`.
#[derive(Debug, clap::Args)]
pub(crate) struct ValidateArgs {
    /// The configuration file.
    #[arg(long, value_name = "FILE", default_value = "trailguard.toml")]
    pub(crate) config: PathBuf,
}

/// Runs `config validate` (exit 0 valid, 2 invalid; unfilled import placeholders are warnings)
/// or `config example`.
pub(crate) fn run(args: &ConfigArgs) -> miette::Result<ExitCode> {
    let text = match &args.command {
        ConfigCommand::Validate(validate) => {
            let validated = check(&validate.config)?;
            let mut stderr = std::io::stderr().lock();
            for placeholder in validated.unfilled_placeholders() {
                // Nothing more useful can be done if stderr itself is gone.
                let _ = writeln!(stderr, "warning: {placeholder}");
            }
            summary(&validated)
        }
        ConfigCommand::Example => EXAMPLE_CONFIG.to_owned(),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .into_diagnostic()?;
    Ok(ExitCode::SUCCESS)
}

/// The routing sections of a loaded file, as the `respond` crate reads them.
pub(crate) fn routing_config(config: &LoadedConfig) -> RoutingConfig {
    RoutingConfig {
        response: config.raw.response.clone(),
        suppress: config.raw.suppress.clone(),
        severity: config.raw.severity.clone(),
        rule: config.raw.rule.clone(),
    }
}

/// Loads and validates the routing sections, then `[detection]`, `[email]`, `[aws]` and
/// `[serve]`; errors carry their lines.
fn check(path: &Path) -> miette::Result<Validated> {
    let config = LoadedConfig::load(path)?;
    let validated = match routing_config(&config).validate(&config.dir) {
        Ok(validated) => validated,
        Err(issues) => {
            let errors = issues
                .into_iter()
                .map(|issue| config.error_at(issue.message, issue.span))
                .collect();
            config.check(errors)?;
            return Err(miette::miette!("invalid configuration"));
        }
    };
    settings(
        Some(&config),
        &DetectionFlags {
            ip_ranges: None,
            inventory: &[],
        },
    )?;
    respond::targets::EmailSettings::from_table(config.raw.email.as_ref(), &config.dir)
        .into_diagnostic()
        .wrap_err("invalid `[email]`")?;
    respond::aws::AwsSettings::from_table(config.raw.aws.as_ref(), &config.dir)
        .into_diagnostic()?;
    crate::commands::serve::settings::ServeSettings::from_config(&config)?;
    Ok(validated)
}

/// `ok: 2 rules (1 enabled), 4 targets, 1 suppression, 1 severity override`.
fn summary(validated: &Validated) -> String {
    let enabled = validated.rules.iter().filter(|rule| rule.enabled).count();
    format!(
        "ok: {} ({enabled} enabled), {}, {}, {}\n",
        count(validated.rules.len(), "rule"),
        count(validated.target_count(), "target"),
        count(validated.suppressions.len(), "suppression"),
        count(validated.severity_overrides.len(), "severity override"),
    )
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
