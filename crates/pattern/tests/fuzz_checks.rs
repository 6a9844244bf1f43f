//! The fuzz targets' checks (crates/pattern/fuzz/src/checks.rs) on a seed corpus: every
//! conformance pattern, alone and paired with every conformance event.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

#[path = "../fuzz/src/checks.rs"]
mod checks;

use serde_json::Value;

fn seeds() -> Vec<(String, Option<String>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut seeds = Vec::new();
    for entry in fs_err::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("transform")
        {
            continue;
        }
        let file: Value = serde_json::from_str(&fs_err::read_to_string(&path).unwrap()).unwrap();
        for case in file["cases"].as_array().unwrap() {
            let pattern = match (&case["pattern_text"], &case["pattern"]) {
                (Value::String(text), _) => text.clone(),
                (_, value) => value.to_string(),
            };
            let event = case.get("event").map(Value::to_string);
            seeds.push((pattern, event));
        }
    }
    seeds
}

#[test]
fn parse_target_on_the_conformance_patterns() {
    let seeds = seeds();
    assert!(seeds.len() >= 250);
    for (pattern, _) in &seeds {
        checks::parse_never_panics(pattern.as_bytes());
    }
}

#[test]
fn matcher_target_on_every_conformance_pattern_and_event_pair() {
    let seeds = seeds();
    let events: Vec<&String> = seeds.iter().filter_map(|(_, e)| e.as_ref()).collect();
    for (pattern, _) in &seeds {
        for event in &events {
            let mut input = pattern.clone().into_bytes();
            input.push(0);
            input.extend_from_slice(event.as_bytes());
            checks::matcher_agrees(&input);
        }
    }
}
