//! `--format table`: the findings as a terminal table.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, Color, ContentArrangement, Table};
use findings::{Finding, Severity};

use super::columns;

/// Writes the table, or a one-line note when there is no finding.
pub(super) fn write(out: &mut dyn Write, findings: &[&Finding]) -> io::Result<()> {
    if findings.is_empty() {
        return writeln!(out, "No findings.");
    }
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header([
            "Severity",
            "Type",
            "Role",
            "Instance",
            "Remote",
            "Count",
            "First seen",
            "Last seen",
        ]);
    for finding in findings {
        let severity = columns::severity(finding);
        table.add_row([
            Cell::new(severity).fg(color(severity)),
            Cell::new(columns::short_type(finding)),
            Cell::new(columns::principal(finding)),
            Cell::new(columns::instance(finding)),
            Cell::new(remote(finding)),
            Cell::new(finding.service.count),
            Cell::new(&finding.service.event_first_seen),
            Cell::new(&finding.service.event_last_seen),
        ]);
    }
    writeln!(out, "{table}")
}

/// The remote IP (or account) with what is known about it.
fn remote(finding: &Finding) -> String {
    let ip = columns::remote_ip(finding);
    let account = columns::remote_account(finding);
    let main = match (ip.is_empty(), account.is_empty()) {
        (false, false) => format!("{ip} (account {account})"),
        (false, true) => ip.to_owned(),
        (true, _) => format!("account {account}"),
    };
    let about: Vec<&str> = [columns::country(finding), columns::organization(finding)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if about.is_empty() {
        main
    } else {
        format!("{main} [{}]", about.join(", "))
    }
}

fn color(severity: Severity) -> Color {
    match severity {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Blue,
    }
}
