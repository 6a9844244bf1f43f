//! Property tests: the compiled matcher agrees with the interpreter on generated patterns and
//! events, and `wildcard` agrees with an equivalent regular expression.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use pattern::{Matcher, Pattern};
use proptest::prelude::*;
use serde_json::{Value, json};

const KEYS: [&str; 5] = ["a", "b", "", "c", "a.b"];
const STRINGS: [&str; 10] = [
    "", "a", "ab", "ba", "abc", "A", "Ab", "10.0.0.1", "10.0.1.9", "x*y",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(&STRINGS[..]).prop_map(|s| json!(s)),
        prop::sample::select(vec![
            json!(0),
            json!(1),
            json!(-1),
            json!(2.5),
            json!(300),
            json!(300.0),
            json!(1e3)
        ]),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ]
}

/// Events: objects over a few keys, with nested objects and arrays (also arrays of objects).
fn event_value() -> impl Strategy<Value = Value> {
    let leaf = scalar();
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(&KEYS[..3]), inner, 0..3).prop_map(
                |m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            ),
        ]
    })
}

fn event() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(prop::sample::select(&KEYS[..]), event_value(), 1..4)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
}

fn text() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&STRINGS[..])
}

/// One member of a field's array in a pattern.
fn operator() -> impl Strategy<Value = Value> {
    prop_oneof![
        scalar(),
        text().prop_map(|s| json!({"prefix": s})),
        text().prop_map(|s| json!({"suffix": s})),
        text().prop_map(|s| json!({"equals-ignore-case": s})),
        text().prop_map(|s| json!({"prefix": {"equals-ignore-case": s}})),
        text().prop_map(|s| json!({"suffix": {"equals-ignore-case": s}})),
        prop::sample::select(vec!["*", "a*", "*b", "a*b", "*a*", "", "ab"])
            .prop_map(|s| json!({"wildcard": s})),
        text().prop_map(|s| json!({"anything-but": s})),
        prop::sample::select(vec![json!([0, 1]), json!(300), json!(["a", "ab"])])
            .prop_map(|v| json!({"anything-but": v})),
        prop::sample::select(vec!["a", "b"]).prop_map(|s| json!({"anything-but": {"prefix": s}})),
        prop::sample::select(vec!["a", "b"]).prop_map(|s| json!({"anything-but": {"suffix": [s]}})),
        text().prop_map(|s| json!({"anything-but": {"equals-ignore-case": s}})),
        prop::sample::select(vec!["a*", "*"])
            .prop_map(|s| json!({"anything-but": {"wildcard": s}})),
        prop::sample::select(vec![
            json!(["=", 300]),
            json!([">", 0]),
            json!([">=", 0, "<", 2.5]),
            json!(["<=", -1]),
            json!([">", -1, "<=", 1000])
        ])
        .prop_map(|v| json!({"numeric": v})),
        any::<bool>().prop_map(|b| json!({"exists": b})),
        prop::sample::select(vec!["10.0.0.0/24", "10.0.0.0/8", "0.0.0.0/0"])
            .prop_map(|c| json!({"cidr": c})),
    ]
}

fn field_conditions() -> impl Strategy<Value = serde_json::Map<String, Value>> {
    prop::collection::btree_map(
        prop::sample::select(vec!["a", "b", "c", "", "a.b", "b.c", "c.a", ".b"]),
        prop::collection::vec(operator(), 1..3),
        1..3,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(k, v)| (k.to_owned(), Value::Array(v)))
            .collect()
    })
}

fn pattern_value() -> impl Strategy<Value = Value> {
    (
        field_conditions(),
        prop::option::of((field_conditions(), field_conditions())),
    )
        .prop_map(|(mut fields, or)| {
            if let Some((left, right)) = or {
                fields.insert("$or".into(), json!([left, right]));
            }
            Value::Object(fields)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn compiled_matcher_agrees_with_the_interpreter(
        patterns in prop::collection::vec(pattern_value(), 1..8),
        event in event(),
    ) {
        let parsed: Vec<(usize, Pattern)> = patterns
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Pattern::parse(&p.to_string()).ok().map(|p| (i, p)))
            .collect();
        prop_assume!(!parsed.is_empty());
        let expected: Vec<usize> =
            parsed.iter().filter(|(_, p)| p.matches(&event)).map(|(i, _)| *i).collect();
        let matcher = Matcher::new(parsed.clone());
        let event_text = event.to_string();
        let from_text: Vec<usize> = matcher.matches_json(&event_text).unwrap().into_iter().copied().collect();
        let from_value: Vec<usize> = matcher.matches(&event).into_iter().copied().collect();
        prop_assert_eq!(&from_text, &expected, "pattern(s) {:?} event {}", patterns, event_text);
        prop_assert_eq!(&from_value, &expected);
    }

    #[test]
    fn wildcard_agrees_with_a_regex(
        wildcard in "(a|b|\\*|\\\\\\*|\\\\\\\\){0,6}",
        text in "[ab*\\\\]{0,8}",
    ) {
        prop_assume!(!wildcard.contains("**") || wildcard.contains("\\**"));
        let Ok(pattern) = Pattern::parse(&json!({"x": [{"wildcard": wildcard}]}).to_string()) else {
            return Ok(());
        };
        let mut regex = String::from("(?s)^");
        let mut chars = wildcard.chars();
        while let Some(c) = chars.next() {
            match c {
                '*' => regex.push_str(".*"),
                '\\' => regex.push_str(&regex::escape(&chars.next().unwrap().to_string())),
                other => regex.push_str(&regex::escape(&other.to_string())),
            }
        }
        regex.push('$');
        let expected = regex::Regex::new(&regex).unwrap().is_match(&text);
        prop_assert_eq!(pattern.matches(&json!({"x": text})), expected, "wildcard {} regex {}", wildcard, regex);
    }
}

#[test]
fn matcher_is_send_and_sync() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Matcher<String>>();
}
