//! `file` targets: one JSON Lines record per delivery.

use std::io::Write;
use std::path::Path;

use super::TargetError;
use super::json::is_json;

/// Appends the input as one line: JSON inputs compacted onto one line (members in their
/// order), text inputs as a JSON string.
pub(crate) fn append(path: &Path, input: &str) -> Result<(), TargetError> {
    let mut line = if is_json(input) {
        pattern::minify_json(input)
    } else {
        serde_json::to_string(input)?
    };
    line.push('\n');
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs_err::create_dir_all(parent)?;
    }
    let mut file = fs_err::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    // One write of the whole line: with O_APPEND, concurrent deliveries never interleave.
    file.write_all(line.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_json_compacted_and_text_as_a_string() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/events.jsonl");
        append(&path, "{\n  \"z\": 1,\n  \"a\": \"x y\"\n}").unwrap();
        append(&path, "\"GuardDuty Finding | ID:1\"").unwrap();
        append(&path, "plain \"text\"\nline 2").unwrap();
        assert_eq!(
            fs_err::read_to_string(&path).unwrap(),
            "{\"z\":1,\"a\":\"x y\"}\n\"GuardDuty Finding | ID:1\"\n\"plain \\\"text\\\"\\nline 2\"\n"
        );
    }
}
