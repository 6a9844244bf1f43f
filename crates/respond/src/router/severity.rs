//! Severity overrides: a new `severity`, the old one kept in `service.additionalInfo`.

use serde_json::{Map, Value};

/// The `additionalInfo` key that keeps the severity GuardDuty (or the detector) gave.
pub const ORIGINAL_SEVERITY_KEY: &str = "originalSeverity";

/// Sets `severity` on a finding (JSON object) and records the original in
/// `service.additionalInfo.originalSeverity`, refreshing additionalInfo's `value` text.
///
/// A finding overridden before keeps its first original severity, so routing it again (or
/// through two configurations) never loses what the detector said.
pub(crate) fn apply(finding: &mut Map<String, Value>, severity: f64) {
    let original = finding.get("severity").cloned().unwrap_or(Value::Null);
    finding.insert("severity".to_owned(), number(severity));
    let mut service = take_object(finding, "service");
    let mut info = take_object(&mut service, "additionalInfo");
    info.entry(ORIGINAL_SEVERITY_KEY).or_insert(original);
    refresh_value(&mut info);
    service.insert("additionalInfo".to_owned(), Value::Object(info));
    finding.insert("service".to_owned(), Value::Object(service));
}

/// `{"value": "<the other keys as JSON text>", "type": "default", …the other keys…}`, the
/// shape GuardDuty gives `additionalInfo`.
fn refresh_value(info: &mut Map<String, Value>) {
    let rest: Map<String, Value> = info
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "value" | "type"))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    info.insert(
        "value".to_owned(),
        Value::String(Value::Object(rest).to_string()),
    );
    info.entry("type")
        .or_insert_with(|| Value::String("default".to_owned()));
}

/// Removes and returns the object under `key` (an empty one if absent or not an object).
fn take_object(parent: &mut Map<String, Value>, key: &str) -> Map<String, Value> {
    match parent.remove(key) {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// Whole numbers as integers (`5`, as GuardDuty writes them), others as floats.
fn number(severity: f64) -> Value {
    if severity.fract() == 0.0 && severity.abs() < 1e15 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked whole and small above"
        )]
        Value::from(severity as i64)
    } else {
        Value::from(severity)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn applied(mut finding: Value, severity: f64) -> Value {
        apply(finding.as_object_mut().unwrap(), severity);
        finding
    }

    #[test]
    fn keeps_the_original_and_refreshes_value() {
        let cases = [
            (
                json!({"severity": 8, "service": {"additionalInfo": {"value": "{}", "type": "default"}}}),
                5.0,
                json!({"severity": 5, "service": {"additionalInfo": {
                    "originalSeverity": 8, "value": "{\"originalSeverity\":8}", "type": "default"}}}),
            ),
            (
                // Detector output: apiCalls and imdsVersion stay, and are in `value` too.
                json!({"severity": 8, "service": {"count": 2, "additionalInfo": {
                    "imdsVersion": "2", "value": "{\"imdsVersion\":\"2\"}", "type": "default"}}}),
                2.5,
                json!({"severity": 2.5, "service": {"count": 2, "additionalInfo": {
                    "imdsVersion": "2", "originalSeverity": 8,
                    "value": "{\"imdsVersion\":\"2\",\"originalSeverity\":8}", "type": "default"}}}),
            ),
            (
                // Overridden before: the first original stays.
                json!({"severity": 5, "service": {"additionalInfo": {"originalSeverity": 8}}}),
                3.0,
                json!({"severity": 3, "service": {"additionalInfo": {
                    "originalSeverity": 8, "value": "{\"originalSeverity\":8}", "type": "default"}}}),
            ),
            (
                // No service at all: created.
                json!({"severity": 8.5}),
                9.0,
                json!({"severity": 9, "service": {"additionalInfo": {
                    "originalSeverity": 8.5, "value": "{\"originalSeverity\":8.5}", "type": "default"}}}),
            ),
        ];
        for (finding, severity, expected) in cases {
            assert_eq!(applied(finding.clone(), severity), expected, "{finding}");
        }
    }
}
