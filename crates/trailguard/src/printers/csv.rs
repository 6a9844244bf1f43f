//! `--format csv`: one row per finding, for spreadsheets.

use std::io::{self, Write};

use findings::Finding;

use super::columns;

const HEADER: [&str; 16] = [
    "id",
    "severity",
    "severity_label",
    "type",
    "account",
    "region",
    "role",
    "instance",
    "remote_ip",
    "remote_account",
    "country",
    "organization",
    "count",
    "first_seen",
    "last_seen",
    "title",
];

/// Writes the header and one row per finding.
pub(super) fn write(out: &mut dyn Write, findings: &[&Finding]) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    for finding in findings {
        writer.write_record([
            finding.id.as_str(),
            &finding.severity.to_string(),
            columns::severity(finding).as_str(),
            finding.finding_type.as_str(),
            finding.account_id.as_str(),
            finding.region.as_str(),
            columns::principal(finding),
            columns::instance(finding),
            columns::remote_ip(finding),
            columns::remote_account(finding),
            columns::country(finding),
            columns::organization(finding),
            &finding.service.count.to_string(),
            finding.service.event_first_seen.as_str(),
            finding.service.event_last_seen.as_str(),
            finding.title.as_str(),
        ])?;
    }
    writer.flush()
}
