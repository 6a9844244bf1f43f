//! Findings on stdout: one printer per format. The only place results are printed.

mod columns;
mod csv;
mod json;
mod table;

use std::io::{IsTerminal, Write};

use findings::Finding;
use miette::IntoDiagnostic;

/// An output format for findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// An aligned table for people.
    Table,
    /// A JSON array of GuardDuty findings.
    Json,
    /// One GuardDuty finding JSON per line.
    Jsonl,
    /// Comma-separated values for spreadsheets.
    Csv,
}

impl Format {
    /// The table on a terminal, JSON Lines when piped.
    pub(crate) fn default_for_stdout() -> Self {
        if std::io::stdout().is_terminal() {
            Self::Table
        } else {
            Self::Jsonl
        }
    }
}

/// Most severe first, then most recently seen first, then by id.
pub(crate) fn sort_for_display(findings: &mut [&Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .total_cmp(&a.severity)
            .then_with(|| b.service.event_last_seen.cmp(&a.service.event_last_seen))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// Prints the findings in the format; a closed pipe ends output quietly.
pub(crate) fn print(format: Format, findings: &[&Finding]) -> miette::Result<()> {
    let mut out = std::io::stdout().lock();
    let written = match format {
        Format::Table => table::write(&mut out, findings),
        Format::Json => json::write_array(&mut out, findings),
        Format::Jsonl => json::write_lines(&mut out, findings),
        Format::Csv => csv::write(&mut out, findings),
    }
    .and_then(|()| out.flush());
    match written {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.into_diagnostic(),
    }
}
