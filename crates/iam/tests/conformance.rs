//! Runs every case of `tests/conformance/*.json`: a simulation request (the format of
//! `trailguard iam simulate`), the decision the AWS documentation gives for it (or `invalid`
//! when IAM rejects the policy), and optionally the statements that must be reported.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use iam::simulate::Simulation;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// The AWS documentation page the expectation comes from.
    source: String,
    input: serde_json::Value,
    /// `Allowed`, `ExplicitlyDenied`, `ImplicitlyDenied`, or `invalid`.
    expected: String,
    #[serde(default)]
    matched: Option<Vec<ExpectedMatch>>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct ExpectedMatch {
    policy: String,
    statement: usize,
    #[serde(default)]
    sid: Option<String>,
}

#[test]
fn conformance_suite() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance");
    let mut files: Vec<_> = fs_err::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut total = 0;
    let mut failures = Vec::new();
    for file in &files {
        let text = fs_err::read_to_string(file).unwrap();
        let cases: Vec<Case> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in cases {
            total += 1;
            assert!(
                case.source.starts_with("https://docs.aws.amazon.com/"),
                "{}: source",
                case.name
            );
            let label = format!(
                "{} / {}",
                file.file_name().unwrap().to_string_lossy(),
                case.name
            );
            let simulation = match Simulation::from_json(case.input) {
                Ok(s) => s,
                Err(e) => {
                    if case.expected != "invalid" {
                        failures.push(format!("{label}: unexpected error: {e}"));
                    }
                    continue;
                }
            };
            let response = simulation.run();
            if response.decision.as_str() != case.expected {
                failures.push(format!(
                    "{label}: expected {}, got {} ({})",
                    case.expected,
                    response.decision,
                    response.explanation(&simulation.request)
                ));
                continue;
            }
            if let Some(expected) = case.matched {
                let got: Vec<ExpectedMatch> = response
                    .matched
                    .iter()
                    .map(|m| ExpectedMatch {
                        policy: m.policy.to_owned(),
                        statement: m.statement,
                        sid: m.sid.map(str::to_owned),
                    })
                    .collect();
                if got != expected {
                    failures.push(format!("{label}: matched {got:?}, expected {expected:?}"));
                }
            }
        }
    }
    assert!(total >= 300, "only {total} conformance cases");
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
