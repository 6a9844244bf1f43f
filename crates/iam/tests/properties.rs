//! Property tests: an explicit deny always wins; adding an Allow never turns a Deny into an
//! Allow; the wildcard matcher agrees with a regex built from the same pattern; the policy
//! parser never panics (the same check the fuzz target makes).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use iam::simulate::Simulation;
use iam::{Decision, Policy};
use proptest::prelude::*;
use serde_json::{Value, json};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "iam:ListUsers",
    "dynamodb:ListTables",
];
const PATTERNS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "s3:GetObject",
    "ec2:*",
    "iam:List?sers",
    "dynamodb:*",
    "sqs:*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::other/*",
    "arn:aws:ec2:*:*:instance/*",
];
const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::111122223333:assumed-role/app/s1",
    "arn:aws:sts::444455556666:assumed-role/other/s2",
];

fn statement(with_principal: bool) -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::sample::subsequence(PATTERNS, 1..3),
        prop::sample::select(RESOURCES),
        prop::option::of(prop::sample::select(&["10.0.0.0/8", "203.0.113.0/24"][..])),
    )
        .prop_map(move |(allow, not_action, actions, resource, ip)| {
            let mut s =
                json!({"Effect": if allow { "Allow" } else { "Deny" }, "Resource": resource});
            s[if not_action { "NotAction" } else { "Action" }] = json!(actions);
            if let Some(net) = ip {
                s["Condition"] = json!({"IpAddress": {"aws:SourceIp": net}});
            }
            if with_principal {
                s["Principal"] = json!("*");
            }
            s
        })
}

fn policy(with_principal: bool) -> impl Strategy<Value = Value> {
    prop::collection::vec(statement(with_principal), 1..4)
        .prop_map(|statements| json!({"Version": "2012-10-17", "Statement": statements}))
}

/// A random simulation request (as JSON) over small pools, so matches are frequent.
fn simulation() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(policy(false), 0..3),
        prop::option::of(policy(true)),
        prop::option::of(policy(false)),
        prop::collection::vec(prop::collection::vec(policy(false), 1..2), 0..2),
        prop::sample::select(ACTIONS),
        prop::sample::select(
            &[
                "arn:aws:s3:::b/k",
                "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                "*",
            ][..],
        ),
        prop::sample::select(PRINCIPALS),
        prop::sample::select(&["10.1.2.3", "203.0.113.9", "198.51.100.1"][..]),
    )
        .prop_map(
            |(identity, resource, boundary, scps, action, res, principal, ip)| {
                json!({
                    "identity_policies": identity,
                    "resource_policy": resource,
                    "permission_boundary": boundary,
                    "scps": scps,
                    "request": {"action": action, "resource": res, "principal": principal,
                                "resource_account": "111122223333", "context": {"aws:SourceIp": ip}}
                })
            },
        )
}

fn decide(input: &Value) -> Decision {
    Simulation::from_json(input.clone()).unwrap().run().decision
}

/// Places `statement` into one of the policies the input has (or a new identity policy).
fn insert(input: &mut Value, slot: usize, statement: Value) {
    let target = match slot % 4 {
        0 => input["identity_policies"]
            .as_array_mut()
            .and_then(|p| p.first_mut()),
        1 => Some(&mut input["resource_policy"]).filter(|p| !p.is_null()),
        2 => Some(&mut input["permission_boundary"]).filter(|p| !p.is_null()),
        _ => input["scps"]
            .as_array_mut()
            .and_then(|l| l.first_mut())
            .and_then(|l| l.as_array_mut())
            .and_then(|l| l.first_mut()),
    };
    let resource_slot = slot % 4 == 1;
    match target {
        Some(policy) => {
            let mut statement = statement;
            if resource_slot {
                statement["Principal"] = json!("*");
            }
            policy["Statement"].as_array_mut().unwrap().push(statement);
        }
        None => {
            let list = input["identity_policies"].as_array_mut().unwrap();
            list.push(json!({"Version": "2012-10-17", "Statement": [statement]}));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn explicit_deny_always_wins(mut input in simulation(), slot in 0usize..4) {
        let action = input["request"]["action"].clone();
        insert(&mut input, slot, json!({"Effect": "Deny", "Action": action, "Resource": "*"}));
        prop_assert_eq!(decide(&input), Decision::ExplicitlyDenied);
    }

    #[test]
    fn adding_an_allow_never_turns_a_deny_into_an_allow(
        mut input in simulation(),
        slot in 0usize..4,
        allow in statement(false),
    ) {
        let before = decide(&input);
        let mut allow = allow;
        allow["Effect"] = json!("Allow");
        insert(&mut input, slot, allow);
        let after = decide(&input);
        if before == Decision::ExplicitlyDenied {
            prop_assert_eq!(after, Decision::ExplicitlyDenied);
        }
        if before == Decision::Allowed {
            prop_assert_eq!(after, Decision::Allowed);
        }
    }

    #[test]
    fn wildcard_matches_like_a_regex(pattern in "[ab*?]{0,8}", text in "[ab]{0,10}") {
        let regex: String = pattern
            .chars()
            .map(|c| match c {
                '*' => ".*".to_owned(),
                '?' => ".".to_owned(),
                c => regex::escape(&c.to_string()),
            })
            .collect();
        let re = regex::Regex::new(&format!("(?s)^{regex}$")).unwrap();
        prop_assert_eq!(iam::__fuzz::string_like(&pattern, &text), re.is_match(&text), "{} vs {}", pattern, text);
    }

    #[test]
    fn arn_matcher_agrees_with_a_per_segment_regex(
        pattern in prop::collection::vec("[ab*?]{0,4}", 4),
        text in prop::collection::vec("[ab]{0,4}", 4),
    ) {
        // arn:aws:s3:<region>:<account>:<resource>; the service segment is literal.
        let full_pattern = format!("arn:aws:s3:{}:{}:{}/{}", pattern[0], pattern[1], pattern[2], pattern[3]);
        let full_text = format!("arn:aws:s3:{}:{}:{}/{}", text[0], text[1], text[2], text[3]);
        let segment = |p: &str| {
            let body: String = p
                .chars()
                .map(|c| match c {
                    '*' => ".*".to_owned(),
                    '?' => ".".to_owned(),
                    c => regex::escape(&c.to_string()),
                })
                .collect();
            regex::Regex::new(&format!("(?s)^{body}$")).unwrap()
        };
        let expected = segment(&pattern[0]).is_match(&text[0])
            && segment(&pattern[1]).is_match(&text[1])
            && segment(&format!("{}/{}", pattern[2], pattern[3])).is_match(&format!("{}/{}", text[2], text[3]));
        prop_assert_eq!(iam::__fuzz::resource_matches(&full_pattern, &full_text), expected, "{} vs {}", full_pattern, full_text);
    }

    #[test]
    fn policy_parser_never_panics(text in "\\PC{0,200}") {
        let _ = Policy::parse("fuzz", &text);
    }

    #[test]
    fn policy_parser_accepts_generated_policies(document in policy(false)) {
        let text = document.to_string();
        let parsed = Policy::parse("p", &text).unwrap();
        prop_assert_eq!(parsed.statements().len(), document["Statement"].as_array().unwrap().len());
    }

    #[test]
    fn policy_parser_never_panics_on_json_like_text(
        parts in prop::collection::vec(prop::sample::select(&[
            "{", "}", "[", "]", ",", ":", "\"Statement\"", "\"Effect\"", "\"Allow\"", "\"Action\"",
            "\"Resource\"", "\"Condition\"", "\"StringLike\"", "\"${aws:username}\"", "\"*\"", "1", "null",
            "\"Version\"", "\"2012-10-17\"", "\"DateLessThan\"", "\"%7B\"", "\"ForAllValues:StringEquals\"",
        ][..]), 0..40)
    ) {
        let _ = Policy::parse("fuzz", &parts.concat());
    }
}
