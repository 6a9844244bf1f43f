//! Helpers shared by the integration tests.

#![allow(dead_code, reason = "each test file uses a subset")]

use std::io::Write;

use cloudtrail::{DecodeOptions, DecodeStats, Prefilter, decode_buffer};

/// What a test looks at in a decoded record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub name: Option<String>,
    pub millis: i64,
    pub ip: Option<String>,
    pub location: String,
}

/// A compact CloudTrail record with the given event name, time and extra members.
pub fn record(name: &str, time: &str, extra: &str) -> String {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(",{extra}")
    };
    format!(
        r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"}},"eventTime":"{time}","eventSource":"ec2.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7"{extra}}}"#
    )
}

/// `{"Records":[…]}` around the given records.
pub fn s3(records: &[String]) -> String {
    format!(r#"{{"Records":[{}]}}"#, records.join(","))
}

/// An EventBridge envelope around a record.
pub fn envelope(detail_type: &str, record: &str) -> String {
    format!(
        r#"{{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"{detail_type}","source":"aws.ec2","account":"111122223333","time":"2024-08-02T08:23:25Z","region":"us-east-1","resources":[],"detail":{record}}}"#
    )
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// Decodes a buffer without prefilter.
pub fn decode(bytes: &[u8]) -> (Vec<Seen>, DecodeStats) {
    decode_with(bytes, &DecodeOptions::default())
}

pub fn decode_with(bytes: &[u8], opts: &DecodeOptions) -> (Vec<Seen>, DecodeStats) {
    let mut seen = Vec::new();
    let stats = decode_buffer("test.json", bytes, opts, &mut |r, location| {
        seen.push(Seen {
            name: r.event_name.as_deref().map(str::to_owned),
            millis: r.event_time_millis,
            ip: r.source_ip_address.as_deref().map(str::to_owned),
            location: location.to_string(),
        });
    });
    (seen, stats)
}

/// The detector's prefilter.
pub fn detector_prefilter() -> DecodeOptions {
    DecodeOptions {
        prefilter: Some(Prefilter::any_of(&[
            b"AssumedRole",
            b"AssumeRole",
            b"AssociateAddress",
            b"AttachNetworkInterface",
        ])),
    }
}

/// The problems as `location: message` lines.
pub fn problems(stats: &DecodeStats) -> Vec<String> {
    stats.problems.iter().map(ToString::to_string).collect()
}

pub fn names(seen: &[Seen]) -> Vec<&str> {
    seen.iter()
        .map(|s| s.name.as_deref().unwrap_or(""))
        .collect()
}
