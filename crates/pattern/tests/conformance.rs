//! Runs every case of `tests/conformance/*.json` against the interpreter and the compiled matcher.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use pattern::{InputTransformer, Matcher, Pattern, TargetInput, TransformContext};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternFile {
    cases: Vec<PatternCase>,
}

#[derive(Debug, Deserialize, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Expected {
    Match,
    Nomatch,
    Invalid,
}

/// One pattern case; `pattern_text` is used when the JSON form cannot express the case
/// (duplicate keys, non-JSON, exact number spelling).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternCase {
    name: String,
    source: String,
    #[serde(default)]
    pattern: Option<Value>,
    #[serde(default)]
    pattern_text: Option<String>,
    #[serde(default)]
    event: Option<Value>,
    /// The event as text, when its JSON form cannot express the case (duplicate keys).
    #[serde(default)]
    event_text: Option<String>,
    expected: Expected,
    /// EventBridge's reason, for `invalid` cases.
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TransformFile {
    cases: Vec<TransformCase>,
}

/// One target-input case: the options of a target, an event, and the exact delivered text or
/// the exact error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TransformCase {
    name: String,
    source: String,
    /// Kept as written, so key order survives.
    event: Box<serde_json::value::RawValue>,
    #[serde(default)]
    input: Option<String>,
    #[serde(default)]
    input_path: Option<String>,
    #[serde(default)]
    input_paths_map: Option<Value>,
    #[serde(default)]
    input_template: Option<String>,
    #[serde(default)]
    rule_name: Option<String>,
    #[serde(default)]
    rule_arn: Option<String>,
    #[serde(default)]
    event_bus_name: Option<String>,
    #[serde(default)]
    ingestion_time: Option<String>,
    #[serde(default)]
    expected_output: Option<String>,
    #[serde(default)]
    expected_error: Option<String>,
}

fn conformance_files() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files: Vec<_> = fs_err::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn run_pattern_case(case: &PatternCase) -> Result<(), String> {
    assert!(
        !case.source.is_empty(),
        "{}: every case names its source",
        case.name
    );
    let text = match (&case.pattern_text, &case.pattern) {
        (Some(text), None) => text.clone(),
        (None, Some(value)) => serde_json::to_string(value).unwrap(),
        _ => return Err("give exactly one of `pattern` and `pattern_text`".into()),
    };
    let parsed = Pattern::parse(&text);
    match (case.expected, parsed) {
        (Expected::Invalid, Err(err)) => match &case.reason {
            Some(reason) if *reason != err.to_string() => {
                Err(format!("reason `{err}`, expected `{reason}`"))
            }
            _ => Ok(()),
        },
        (Expected::Invalid, Ok(_)) => Err("accepted an invalid pattern".into()),
        (_, Err(err)) => Err(format!("rejected: {err}")),
        (expected, Ok(pattern)) => {
            let want = expected == Expected::Match;
            let (event, event_text) = match (&case.event, &case.event_text) {
                (Some(event), None) => (event.clone(), serde_json::to_string(event).unwrap()),
                (None, Some(text)) => (serde_json::from_str(text).unwrap(), text.clone()),
                _ => {
                    return Err("a match case needs exactly one of `event` and `event_text`".into());
                }
            };
            let event = &event;
            let interpreted = pattern.matches(event);
            let from_text = pattern
                .matches_json(&event_text)
                .map_err(|e| e.to_string())?;
            let matcher = Matcher::new([("rule", pattern)]);
            let compiled_text = !matcher
                .matches_json(&event_text)
                .map_err(|e| e.to_string())?
                .is_empty();
            let compiled_value = !matcher.matches(event).is_empty();
            let got = [interpreted, from_text, compiled_text, compiled_value];
            if got == [want; 4] {
                Ok(())
            } else {
                Err(format!(
                    "expected {want}; interpreter {interpreted}, interpreter on text {from_text}, \
                     compiled on text {compiled_text}, compiled on value {compiled_value}"
                ))
            }
        }
    }
}

fn run_transform_case(case: &TransformCase) -> Result<(), String> {
    assert!(
        !case.source.is_empty(),
        "{}: every case names its source",
        case.name
    );
    let transformer = match (&case.input_paths_map, &case.input_template) {
        (None, None) => None,
        (map, Some(template)) => {
            let map = map
                .clone()
                .unwrap_or_else(|| Value::Object(serde_json::Map::new()));
            match InputTransformer::from_json(&map.to_string(), template) {
                Ok(t) => Some(t),
                Err(err) => return compare_error(case, &err.to_string()),
            }
        }
        (Some(_), None) => return Err("a paths map needs a template".into()),
    };
    let target = match TargetInput::new(
        case.input.as_deref(),
        case.input_path.as_deref(),
        transformer,
    ) {
        Ok(target) => target,
        Err(err) => return compare_error(case, &err.to_string()),
    };
    let context = TransformContext {
        rule_name: case.rule_name.clone(),
        rule_arn: case.rule_arn.clone(),
        event_bus_name: case.event_bus_name.clone(),
        ingestion_time: case.ingestion_time.clone(),
    };
    match target.render(case.event.get(), &context) {
        Ok(output) => match &case.expected_output {
            Some(want) if *want == output => Ok(()),
            Some(want) => Err(format!("output\n  {output}\nexpected\n  {want}")),
            None => Err(format!("produced `{output}`, expected an error")),
        },
        Err(err) => compare_error(case, &err.to_string()),
    }
}

fn compare_error(case: &TransformCase, got: &str) -> Result<(), String> {
    match &case.expected_error {
        Some(want) if want == got => Ok(()),
        Some(want) => Err(format!("error `{got}`, expected `{want}`")),
        None => Err(format!("unexpected error `{got}`")),
    }
}

#[test]
fn every_conformance_case() {
    let mut failures = Vec::new();
    let mut pattern_cases = 0;
    let mut transform_cases = 0;
    for path in conformance_files() {
        let text = fs_err::read_to_string(&path).unwrap();
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        if file_name.starts_with("transform") {
            let file: TransformFile = serde_json::from_str(&text).expect(&file_name);
            for case in &file.cases {
                transform_cases += 1;
                if let Err(why) = run_transform_case(case) {
                    failures.push(format!("{file_name}: {}: {why}", case.name));
                }
            }
        } else {
            let file: PatternFile = serde_json::from_str(&text).expect(&file_name);
            for case in &file.cases {
                pattern_cases += 1;
                if let Err(why) = run_pattern_case(case) {
                    failures.push(format!("{file_name}: {}: {why}", case.name));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(pattern_cases >= 250, "only {pattern_cases} pattern cases");
    assert!(
        transform_cases >= 20,
        "only {transform_cases} transform cases"
    );
}
