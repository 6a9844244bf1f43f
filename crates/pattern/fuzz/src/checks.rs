//! What fuzzing checks. Each function panics when the property fails.

use pattern::{Matcher, Pattern};

/// Events every parsed pattern is matched against.
const EVENTS: [&str; 4] = [
    r#"{"source":"aws.ec2","detail":{"state":"running","n":5,"ip":"10.0.0.1","a":[{"b":"x"},{"b":"y","c":null}]}}"#,
    r#"{"source":"aws.guardduty","detail":{"type":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS","severity":8}}"#,
    r#"{"detail":{"s":"","n":-0.0,"t":true,"arr":[],"o":{}}}"#,
    r#"{"a.b":"dotted","a":{"b":"nested"},"x":[[1,2],[3]]}"#,
];

/// Parsing arbitrary bytes never panics; an accepted pattern can be matched and compiled, and
/// the compiled matcher agrees with the interpreter on the fixed events.
pub fn parse_never_panics(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(pattern) = Pattern::parse(text) else {
        return;
    };
    for event in EVENTS {
        agree(&pattern, event);
    }
}

/// Input: pattern text, a zero byte, event text. When both are valid, the compiled matcher and
/// the interpreter give the same answer.
pub fn matcher_agrees(data: &[u8]) {
    let mut parts = data.splitn(2, |b| *b == 0);
    let (Some(pattern), Some(event)) = (parts.next(), parts.next()) else {
        return;
    };
    let (Ok(pattern), Ok(event)) = (std::str::from_utf8(pattern), std::str::from_utf8(event))
    else {
        return;
    };
    let Ok(pattern) = Pattern::parse(pattern) else {
        return;
    };
    agree(&pattern, event);
}

fn agree(pattern: &Pattern, event: &str) {
    let Ok(interpreted) = pattern.matches_json(event) else {
        return;
    };
    let matcher = Matcher::new([("p", pattern.clone())]);
    let compiled = matcher.matches_json(event).map(|names| !names.is_empty());
    assert_eq!(
        compiled,
        Ok(interpreted),
        "pattern {pattern:?} event {event}"
    );
}
