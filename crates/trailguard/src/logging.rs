//! The tracing subscriber (stderr only) and the final error report.

use tracing_subscriber::EnvFilter;

use crate::cli::{GlobalArgs, LogFormat};

/// Environment variable that overrides the log filter (tracing `EnvFilter` syntax).
pub(crate) const LOG_ENV: &str = "TRAILGUARD_LOG";

/// Installs the stderr subscriber; `TRAILGUARD_LOG` wins over `-v`/`-q`.
pub(crate) fn init(global: &GlobalArgs) {
    let default = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    let filter = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    match global.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Prints a fatal error on stderr as `error: …` with its causes.
pub(crate) fn report_error(report: &miette::Report) {
    #[expect(
        clippy::print_stderr,
        reason = "the one place fatal errors are printed"
    )]
    {
        eprintln!("error: {report:?}");
    }
}
