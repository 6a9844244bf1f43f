//! Fuzz target: any text given to the policy parser (plain or URL-encoded JSON) must give a
//! policy or an error, never a panic; a policy that parses must evaluate without panicking.
//! The same property runs on stable as `policy_parser_never_panics*` in tests/properties.rs.

#![no_main]

use iam::{Context, PolicySet, Principal, Request, evaluate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(policy) = iam::Policy::parse("fuzz", text) else {
        return;
    };
    let mut context = Context::new();
    context.insert("aws:SourceIp", "203.0.113.9");
    context.insert("aws:TokenIssueTime", "2021-03-08T12:34:55Z");
    context.insert_multi("aws:TagKeys", &["a", "b"]);
    let principal =
        Principal::parse("arn:aws:sts::123456789012:assumed-role/R/i-0123456789abcdef0");
    let Ok(request) = Request::new(principal, "s3:GetObject", "arn:aws:s3:::b/k", None, context)
    else {
        return;
    };
    let as_identity = PolicySet {
        identity: vec![policy.clone()],
        ..PolicySet::default()
    };
    let _ = evaluate(&as_identity, &request);
    let as_resource = PolicySet {
        resource: Some(policy),
        ..PolicySet::default()
    };
    let _ = evaluate(&as_resource, &request);
});
