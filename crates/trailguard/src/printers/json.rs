//! `--format json` (an array) and `--format jsonl` (one finding per line).

use std::io::{self, Write};

use findings::Finding;

/// A pretty JSON array.
pub(super) fn write_array(out: &mut dyn Write, findings: &[&Finding]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, findings)?;
    writeln!(out)
}

/// One compact JSON object per line.
pub(super) fn write_lines(out: &mut dyn Write, findings: &[&Finding]) -> io::Result<()> {
    for finding in findings {
        serde_json::to_writer(&mut *out, finding)?;
        writeln!(out)?;
    }
    Ok(())
}
