//! The real Stratus Red Team sample decodes completely, and the decoder's own extraction
//! agrees with serde's derive of `Record` on every record.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use cloudtrail::{DecodeOptions, Record, decode_buffer};

const SAMPLE: &[u8] = include_bytes!("fixtures/stratus-ec2-steal-instance-credentials.json");

#[test]
fn all_45_records_decode_without_problems() {
    let mut seen = Vec::new();
    let stats = decode_buffer("sample", SAMPLE, &DecodeOptions::default(), &mut |r, _| {
        let ec2 = r
            .user_identity
            .as_ref()
            .and_then(|u| u.session_context.as_ref())
            .and_then(|c| c.ec2_role_delivery.as_deref())
            .map(str::to_owned);
        seen.push((r.event_name.as_deref().unwrap().to_owned(), ec2));
    });
    assert_eq!(seen.len(), 45);
    assert_eq!(
        (stats.records, stats.records_parsed, stats.bad_records),
        (45, 45, 0)
    );
    assert!(stats.problems.is_empty());
    // The two calls made with the stolen credentials carry ec2RoleDelivery 1.0 (IMDSv1).
    let stolen: Vec<_> = seen.iter().filter(|(_, ec2)| ec2.is_some()).collect();
    assert_eq!(stolen.len(), 2);
    assert!(stolen.iter().all(|(_, ec2)| ec2.as_deref() == Some("1.0")));
    let mut names: Vec<_> = stolen.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["DescribeInstances", "GetCallerIdentity"]);
}

#[test]
fn extraction_agrees_with_serde_derive() {
    let values: Vec<serde_json::Value> = serde_json::from_slice(SAMPLE).unwrap();
    let texts: Vec<String> = values.iter().map(ToString::to_string).collect();
    // The sample is pretty-printed, so raw values differ in whitespace from the compact
    // re-serialisation: they are compared as JSON values, everything else exactly.
    let mut compared = 0;
    decode_buffer(
        "sample",
        SAMPLE,
        &DecodeOptions::default(),
        &mut |r, location| {
            let index = location.record.unwrap();
            let expected: Record<'_> = serde_json::from_str(&texts[index]).unwrap();
            assert_eq!(r.event_time, expected.event_time);
            assert_eq!(r.event_name, expected.event_name);
            assert_eq!(r.event_source, expected.event_source);
            assert_eq!(r.source_ip_address, expected.source_ip_address);
            assert_eq!(r.user_agent, expected.user_agent);
            assert_eq!(r.event_id, expected.event_id);
            assert_eq!(r.error_code, expected.error_code);
            assert_eq!(r.recipient_account_id, expected.recipient_account_id);
            assert_eq!(
                format!("{:?}", r.user_identity),
                format!("{:?}", expected.user_identity)
            );
            let raw = |v: Option<&serde_json::value::RawValue>| {
                v.map(|v| serde_json::from_str::<serde_json::Value>(v.get()).unwrap())
            };
            assert_eq!(raw(r.request_parameters), raw(expected.request_parameters));
            assert_eq!(raw(r.response_elements), raw(expected.response_elements));
            compared += 1;
        },
    );
    assert_eq!(compared, 45);
}
