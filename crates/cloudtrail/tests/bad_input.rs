//! Every bad input becomes a problem with its location, is counted, and does not stop the
//! rest of the file or the other files.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use cloudtrail::{DecodeError, DecodeOptions, GzipError, decode_inputs, discover};
use common::{decode, decode_with, detector_prefilter, gzip, names, problems, record, s3};

const T: &str = "2024-08-02T08:23:24Z";

#[test]
fn empty_and_blank_input() {
    for text in ["", " \n\t\r\n", "\u{feff}"] {
        let (seen, stats) = decode(text.as_bytes());
        assert!(seen.is_empty());
        assert_eq!(problems(&stats), ["test.json: empty input"], "{text:?}");
        assert_eq!((stats.records, stats.bad_records), (0, 0));
    }
}

#[test]
fn garbage_bytes() {
    let (seen, stats) = decode(b"\x00\x01binary\xff\xfe garbage");
    assert!(seen.is_empty());
    assert_eq!(
        problems(&stats),
        [
            r"test.json: unknown format: content starts with `\x00\x01binary\xff\xfe garba`, not a json object or array"
        ]
    );
}

#[test]
fn json_that_is_not_cloudtrail() {
    let (seen, stats) = decode(br#"{"name":"x","items":[1,2]}"#);
    assert!(seen.is_empty());
    assert_eq!(
        problems(&stats),
        [
            "test.json: not a cloudtrail record: an object without `eventTime`, `Records`, `detail` or `CloudTrailEvent`"
        ]
    );
    assert_eq!((stats.records, stats.bad_records), (1, 1));
    let (_, stats) = decode(b"[1, \"two\"]");
    assert_eq!(
        problems(&stats),
        [
            "test.json: record 0: not a cloudtrail record: an array element that is not an object",
            "test.json: record 1: not a cloudtrail record: an array element that is not an object"
        ]
    );
    let (_, stats) = decode(common::envelope("GuardDuty Finding", r#"{"id":"x"}"#).as_bytes());
    assert_eq!(
        problems(&stats),
        [
            "test.json: not a cloudtrail record: eventbridge event with detail-type `GuardDuty Finding`"
        ]
    );
}

#[test]
fn record_without_event_time_keeps_its_neighbours() {
    let missing = r#"{"eventVersion":"1.08","eventName":"NoTime","sourceIPAddress":"1.2.3.4"}"#;
    let text = s3(&[
        record("First", T, ""),
        missing.to_owned(),
        record("Third", T, ""),
    ]);
    for opts in [DecodeOptions::default(), detector_prefilter()] {
        let (seen, stats) = decode_with(text.as_bytes(), &opts);
        assert_eq!(
            problems(&stats),
            ["test.json: record 1: record has no `eventTime`"]
        );
        assert_eq!((stats.records, stats.bad_records), (3, 1));
        if opts.prefilter.is_none() {
            assert_eq!(names(&seen), ["First", "Third"]);
        }
    }
}

#[test]
fn invalid_event_time_and_wrong_types() {
    let text = s3(&[
        record("BadTime", "yesterday", ""),
        record("Good", T, ""),
        record("WrongType", T, r#""errorCode":5"#),
        record("NullTime", T, "").replace(&format!("\"{T}\""), "null"),
    ]);
    let (seen, stats) = decode(text.as_bytes());
    assert_eq!(names(&seen), ["Good"]);
    assert_eq!(
        problems(&stats),
        [
            "test.json: record 0: invalid `eventTime` `yesterday`",
            "test.json: record 2: invalid record: `errorCode`: expected a string or null",
            "test.json: record 3: invalid record: `eventTime`: expected a string",
        ]
    );
    assert_eq!(
        (stats.records, stats.records_parsed, stats.bad_records),
        (4, 1, 3)
    );
}

#[test]
fn missing_or_odd_source_ip_is_not_a_decode_error() {
    // The detector decides what an odd sourceIPAddress means; decoding keeps it as written.
    let without = record("NoIp", T, "").replace(r#","sourceIPAddress":"198.51.100.7""#, "");
    let text = s3(&[
        without,
        record("Odd", T, "").replace("198.51.100.7", "not an ip"),
        record("Null", T, "").replace(r#""198.51.100.7""#, "null"),
        record("Service", T, "").replace("198.51.100.7", "ec2.amazonaws.com"),
    ]);
    let (seen, stats) = decode(text.as_bytes());
    assert!(stats.problems.is_empty());
    let ips: Vec<_> = seen.iter().map(|s| s.ip.as_deref()).collect();
    assert_eq!(
        ips,
        [None, Some("not an ip"), None, Some("ec2.amazonaws.com")]
    );
}

#[test]
fn malformed_record_inside_a_balanced_array_keeps_its_neighbours() {
    // The bad escape does not break the structure, so the neighbours are still found.
    let text = s3(&[
        record("First", T, ""),
        record("Broken", T, r#""userAgent":"bad \q escape""#),
        record("Third", T, ""),
    ]);
    let (seen, stats) = decode(text.as_bytes());
    assert_eq!(names(&seen), ["First", "Third"]);
    assert_eq!(stats.problems.len(), 1);
    assert!(
        problems(&stats)[0]
            .starts_with("test.json: record 1: invalid json: invalid escape in a string at byte "),
        "{:?}",
        problems(&stats)
    );
}

#[test]
fn truncated_plain_document_keeps_the_records_before_the_cut() {
    let text = s3(&[record("First", T, ""), record("Second", T, "")]);
    let cut = &text[..text.len() - 30];
    let (seen, stats) = decode(cut.as_bytes());
    assert_eq!(names(&seen), ["First"]);
    assert_eq!(
        problems(&stats),
        [format!(
            "test.json: record 1: invalid json: unexpected end of data at byte {}",
            cut.len()
        )]
    );
}

#[test]
fn broken_json_line_keeps_the_other_lines() {
    let lines = [
        record("First", T, ""),
        r#"{"eventTime":"2024-08-02T08:23:24Z","eventName":"#.to_owned(),
        record("Third", T, ""),
        "not json".to_owned(),
        record("Fifth", T, ""),
    ]
    .join("\n");
    let (seen, stats) = decode(lines.as_bytes());
    assert_eq!(names(&seen), ["First", "Third", "Fifth"]);
    let first_line_len = record("First", T, "").len() + 1;
    let second = r#"{"eventTime":"2024-08-02T08:23:24Z","eventName":"#;
    assert_eq!(
        problems(&stats),
        [
            format!(
                "test.json: line 2: invalid json: unexpected end of data at byte {}",
                first_line_len + second.len()
            ),
            format!(
                "test.json: line 4: invalid json: unexpected `o` at byte {}",
                first_line_len + second.len() + 1 + record("Third", T, "").len() + 2
            ),
        ]
    );
}

#[test]
fn prefilter_skips_are_counted_and_checked() {
    let text = s3(&[
        record("AssumeRole", T, ""),
        record("ListBuckets", T, ""),
        record(
            "DescribeInstances",
            T,
            r#""userIdentity":{"type":"AssumedRole"}"#,
        ),
        record("GetObject", "not a time", ""),
    ]);
    let (seen, stats) = decode_with(text.as_bytes(), &detector_prefilter());
    assert_eq!(names(&seen), ["AssumeRole", "DescribeInstances"]);
    // The skipped record with a bad time is not parsed, so not reported: documented.
    assert!(stats.problems.is_empty());
    assert_eq!(
        (
            stats.records,
            stats.records_parsed,
            stats.records_skipped(),
            stats.bad_records
        ),
        (4, 2, 2, 0)
    );
}

#[test]
fn problems_beyond_the_cap_are_counted() {
    let lines = vec!["{\"x\":1}"; cloudtrail::MAX_PROBLEMS_PER_INPUT + 20].join("\n");
    let (_, stats) = decode(lines.as_bytes());
    assert_eq!(stats.problems.len(), cloudtrail::MAX_PROBLEMS_PER_INPUT);
    assert_eq!(stats.problems_omitted, 20);
    assert_eq!(
        stats.problem_count(),
        cloudtrail::MAX_PROBLEMS_PER_INPUT as u64 + 20
    );
    assert_eq!(
        stats.bad_records,
        cloudtrail::MAX_PROBLEMS_PER_INPUT as u64 + 20
    );
}

#[test]
fn bad_files_do_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let good = s3(&[record("Good", T, "")]);
    let compressed = gzip(good.as_bytes());
    let files: [(&str, Vec<u8>); 6] = [
        (
            "a-truncated.json.gz",
            compressed[..compressed.len() / 2].to_vec(),
        ),
        ("b-garbage.json", b"\x7fELF garbage".to_vec()),
        ("c-empty.json", Vec::new()),
        ("d-not-cloudtrail.json", br#"{"hello":"world"}"#.to_vec()),
        ("e-good.json.gz", compressed.clone()),
        ("f-corrupt.json.gz", {
            let mut bad = compressed.clone();
            let at = bad.len() - 6;
            bad[at] ^= 0xff;
            bad
        }),
    ];
    for (name, bytes) in &files {
        fs_err::write(dir.path().join(name), bytes).unwrap();
    }
    let inputs = discover(&[dir.path().to_path_buf()]).unwrap();
    let decoded = decode_inputs(&inputs, &DecodeOptions::default(), None, &|r, _| {
        r.event_name.as_deref().map(str::to_owned)
    });
    assert_eq!(decoded.items(), ["Good"]);
    let path = |name: &str| dir.path().join(name).display().to_string();
    assert_eq!(
        problems(&decoded.stats),
        [
            format!("{}: truncated gzip data", path("a-truncated.json.gz")),
            format!(
                r"{}: unknown format: content starts with `\x7fELF garbage`, not a json object or array",
                path("b-garbage.json")
            ),
            format!("{}: empty input", path("c-empty.json")),
            format!(
                "{}: not a cloudtrail record: an object without `eventTime`, `Records`, `detail` or `CloudTrailEvent`",
                path("d-not-cloudtrail.json")
            ),
            format!("{}: corrupt gzip data", path("f-corrupt.json.gz")),
        ]
    );
    assert!(matches!(
        decoded.stats.problems[0].error,
        DecodeError::Gzip(GzipError::Truncated)
    ));
    assert_eq!(decoded.stats.inputs, 6);
    assert_eq!((decoded.stats.records, decoded.stats.bad_records), (2, 1));
}
