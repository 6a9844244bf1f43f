//! Every supported layout decodes to the same records, with the right locations.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use common::{decode, envelope, gzip, names, problems, record, s3};

const T1: &str = "2024-08-02T08:23:24Z";
const T1_MS: i64 = 1_722_587_004_000;

fn three() -> Vec<String> {
    vec![
        record("DescribeInstances", T1, ""),
        record("GetCallerIdentity", "2024-08-02T08:23:25.500Z", ""),
        record("ListBuckets", "2024-08-02T08:23:26Z", ""),
    ]
}

#[test]
fn s3_delivery_file() {
    let (seen, stats) = decode(s3(&three()).as_bytes());
    assert_eq!(
        names(&seen),
        ["DescribeInstances", "GetCallerIdentity", "ListBuckets"]
    );
    assert_eq!(seen[0].millis, T1_MS);
    assert_eq!(seen[1].millis, T1_MS + 1500);
    assert_eq!(seen[0].ip.as_deref(), Some("198.51.100.7"));
    assert_eq!(
        seen.iter().map(|s| s.location.as_str()).collect::<Vec<_>>(),
        [
            "test.json: record 0",
            "test.json: record 1",
            "test.json: record 2"
        ]
    );
    assert_eq!(
        (stats.records, stats.records_parsed, stats.bad_records),
        (3, 3, 0)
    );
    assert!(stats.problems.is_empty());
}

#[test]
fn pretty_printed_s3_file_and_empty_records() {
    let pretty = serde_json::to_string_pretty(
        &serde_json::from_str::<serde_json::Value>(&s3(&three())).unwrap(),
    )
    .unwrap();
    let (seen, stats) = decode(pretty.as_bytes());
    assert_eq!(seen.len(), 3);
    assert!(stats.problems.is_empty());
    let (seen, stats) = decode(br#"{"Records":[]}"#);
    assert_eq!((seen.len(), stats.records, stats.problems.len()), (0, 0, 0));
}

#[test]
fn json_lines_plain_and_with_crlf_and_blank_lines() {
    let text = three().join("\n") + "\n";
    let (seen, stats) = decode(text.as_bytes());
    assert_eq!(
        seen.iter().map(|s| s.location.as_str()).collect::<Vec<_>>(),
        [
            "test.json: line 1",
            "test.json: line 2",
            "test.json: line 3"
        ]
    );
    assert_eq!(stats.records_parsed, 3);
    let text = three().join("\r\n\r\n");
    let (seen, stats) = decode(text.as_bytes());
    assert_eq!(
        seen.iter().map(|s| s.location.as_str()).collect::<Vec<_>>(),
        [
            "test.json: line 1",
            "test.json: line 3",
            "test.json: line 5"
        ]
    );
    assert!(stats.problems.is_empty());
}

#[test]
fn json_lines_of_s3_documents() {
    let records = three();
    let text = format!("{}\n{}\n", s3(&records[..2]), s3(&records[2..]));
    let (seen, stats) = decode(text.as_bytes());
    assert_eq!(
        seen.iter().map(|s| s.location.as_str()).collect::<Vec<_>>(),
        [
            "test.json: line 1, record 0",
            "test.json: line 1, record 1",
            "test.json: line 2, record 0"
        ]
    );
    assert!(stats.problems.is_empty());
}

#[test]
fn bare_array_compact_and_pretty() {
    let compact = format!("[{}]", three().join(","));
    let (seen, _) = decode(compact.as_bytes());
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2].location, "test.json: record 2");
    // One record per line inside an array: still one document, not JSON Lines.
    let one_per_line = format!("[\n{}\n]\n", three().join(",\n"));
    let (seen, stats) = decode(one_per_line.as_bytes());
    assert_eq!(seen.len(), 3);
    assert!(stats.problems.is_empty(), "{:?}", problems(&stats));
}

#[test]
fn single_record_document() {
    let (seen, stats) = decode(record("GetCallerIdentity", T1, "").as_bytes());
    assert_eq!(names(&seen), ["GetCallerIdentity"]);
    assert_eq!(seen[0].location, "test.json");
    assert_eq!(stats.records, 1);
}

#[test]
fn concatenated_pretty_documents() {
    let records = three();
    let pretty = |s: &str| {
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(s).unwrap())
            .unwrap()
    };
    let text = format!(
        "{}\n{}\n",
        pretty(&s3(&records[..1])),
        pretty(&s3(&records[1..]))
    );
    let (seen, stats) = decode(text.as_bytes());
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].location, "test.json: record 0");
    let second_start_line = pretty(&s3(&records[..1])).lines().count() + 1;
    assert_eq!(
        seen[1].location,
        format!("test.json: line {second_start_line}, record 0")
    );
    assert!(stats.problems.is_empty());
}

#[test]
fn eventbridge_envelopes_single_array_and_lines() {
    let records = three();
    let envelopes: Vec<String> = records
        .iter()
        .map(|r| envelope("AWS API Call via CloudTrail", r))
        .collect();
    let (seen, stats) = decode(envelopes[0].as_bytes());
    assert_eq!(names(&seen), ["DescribeInstances"]);
    assert_eq!(seen[0].millis, T1_MS);
    assert_eq!(stats.records, 1);

    let (seen, _) = decode(format!("[{}]", envelopes.join(",")).as_bytes());
    assert_eq!(
        names(&seen),
        ["DescribeInstances", "GetCallerIdentity", "ListBuckets"]
    );

    let (seen, stats) = decode(envelopes.join("\n").as_bytes());
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2].location, "test.json: line 3");
    assert!(stats.problems.is_empty());
}

#[test]
fn eventbridge_sibling_detail_types() {
    for detail_type in [
        "AWS Console Sign In via CloudTrail",
        "AWS Console Action via CloudTrail",
        "AWS Service Event via CloudTrail",
        "AWS Insight via CloudTrail",
    ] {
        let (seen, stats) =
            decode(envelope(detail_type, &record("ConsoleLogin", T1, "")).as_bytes());
        assert_eq!(names(&seen), ["ConsoleLogin"], "{detail_type}");
        assert!(stats.problems.is_empty());
    }
}

#[test]
fn lookup_events_cloudtrail_event_string() {
    let inner = record(
        "DescribeInstances",
        T1,
        r#""userAgent":"aws-cli/2 \"quoted\"""#,
    );
    let row = serde_json::json!({
        "EventId": "e1",
        "EventName": "DescribeInstances",
        "EventTime": 1_722_587_004.0,
        "CloudTrailEvent": inner,
    });
    let output = serde_json::json!({"Events": [row, row], "NextToken": "abc"}).to_string();
    let mut agents = Vec::new();
    let stats = cloudtrail::decode_buffer(
        "lookup.json",
        output.as_bytes(),
        &cloudtrail::DecodeOptions::default(),
        &mut |r, location| {
            agents.push((
                r.user_agent.as_deref().map(str::to_owned),
                location.to_string(),
            ));
        },
    );
    assert_eq!(
        agents,
        vec![
            (
                Some("aws-cli/2 \"quoted\"".to_owned()),
                "lookup.json: record 0".to_owned()
            ),
            (
                Some("aws-cli/2 \"quoted\"".to_owned()),
                "lookup.json: record 1".to_owned()
            ),
        ]
    );
    assert_eq!((stats.records, stats.records_parsed), (2, 2));
    // CloudTrail Lake rows as JSON Lines.
    let lines = format!("{}\n{}\n", row, row);
    let (seen, stats) = decode(lines.as_bytes());
    assert_eq!(names(&seen), ["DescribeInstances", "DescribeInstances"]);
    assert!(stats.problems.is_empty());
}

#[test]
fn gzip_content_is_detected_by_magic_not_name() {
    let dir = tempfile::tempdir().unwrap();
    let plain_name = dir.path().join("looks-plain.json");
    fs_err::write(&plain_name, gzip(s3(&three()).as_bytes())).unwrap();
    let jsonl_gz = dir.path().join("events.jsonl.gz");
    fs_err::write(&jsonl_gz, gzip(three().join("\n").as_bytes())).unwrap();
    let not_really_gz = dir.path().join("plain.json.gz");
    fs_err::write(&not_really_gz, s3(&three())).unwrap();
    let inputs = cloudtrail::discover(&[dir.path().to_path_buf()]).unwrap();
    let decoded = cloudtrail::decode_inputs(
        &inputs,
        &cloudtrail::DecodeOptions::default(),
        None,
        &|r, location| Some(format!("{} {location}", r.event_name.as_deref().unwrap())),
    );
    let source = |name: &str| dir.path().join(name).display().to_string();
    assert_eq!(
        decoded.items().into_iter().cloned().collect::<Vec<_>>(),
        vec![
            format!("DescribeInstances {}: line 1", source("events.jsonl.gz")),
            format!("GetCallerIdentity {}: line 2", source("events.jsonl.gz")),
            format!("ListBuckets {}: line 3", source("events.jsonl.gz")),
            format!("DescribeInstances {}: record 0", source("looks-plain.json")),
            format!("GetCallerIdentity {}: record 1", source("looks-plain.json")),
            format!("ListBuckets {}: record 2", source("looks-plain.json")),
            format!("DescribeInstances {}: record 0", source("plain.json.gz")),
            format!("GetCallerIdentity {}: record 1", source("plain.json.gz")),
            format!("ListBuckets {}: record 2", source("plain.json.gz")),
        ]
    );
    assert_eq!(decoded.stats.inputs, 3);
    assert!(decoded.stats.problems.is_empty());
    assert!(decoded.stats.bytes_decoded > decoded.stats.bytes_read);
}

#[test]
fn escaped_strings_are_unescaped_and_plain_ones_borrowed() {
    let text = record(
        "Describe\\u0049nstances",
        T1,
        r#""userAgent":"ua \\ with { and } and \"quotes\"","requestParameters":{"filter":"a\"}b"},"responseElements":null"#,
    );
    let mut checked = 0;
    cloudtrail::decode_buffer(
        "x",
        text.as_bytes(),
        &cloudtrail::DecodeOptions::default(),
        &mut |r, _| {
            assert_eq!(r.event_name.as_deref(), Some("DescribeInstances"));
            assert!(matches!(r.event_name, Some(std::borrow::Cow::Owned(_))));
            assert!(matches!(
                r.aws_region,
                Some(std::borrow::Cow::Borrowed("us-east-1"))
            ));
            assert_eq!(
                r.user_agent.as_deref(),
                Some(r#"ua \ with { and } and "quotes""#)
            );
            assert_eq!(r.request_parameters.unwrap().get(), r#"{"filter":"a\"}b"}"#);
            assert!(r.response_elements.is_none());
            checked += 1;
        },
    );
    assert_eq!(checked, 1);
}
