//! Decoder throughput: `decode_buffer` on a realistic S3 delivery file, with and without the
//! detector's prefilter, against two baselines measured in the same run: serde_json into a
//! `serde_json::Value` DOM, and libdeflate decompressing the same data gzipped.
//!
//! Run: `cargo bench -p cloudtrail --bench decode`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    reason = "benchmark setup and its summary line"
)]

use std::hint::black_box;

use cloudtrail::simulate::{Options as SimulateOptions, Scenario, simulate};
use cloudtrail::{DecodeOptions, Input, Prefilter, decode_buffer, decode_inputs, discover};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use libdeflater::{CompressionLvl, Compressor, Decompressor};
use rayon::prelude::*;

/// The needles the instance-credential detector prefilters on.
const DETECTOR_NEEDLES: &[&[u8]] = &[
    b"AssumedRole",
    b"AssumeRole",
    b"AssociateAddress",
    b"AttachNetworkInterface",
];

/// Records per generated file (about 8 MB of JSON, a large S3 delivery file).
const RECORDS: usize = 5_000;

/// A small deterministic generator of realistic CloudTrail records (~1.6 KB each): half are
/// EC2 instance-role calls and the STS `AssumeRole` calls that issue them (which pass the
/// prefilter), half are IAM-user and service calls (which do not).
mod generate {
    use std::fmt::Write;

    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
        fn hex(&mut self, len: usize) -> String {
            (0..len)
                .map(|_| char::from(b"0123456789abcdef"[(self.next() % 16) as usize]))
                .collect()
        }
        fn upper(&mut self, len: usize) -> String {
            (0..len)
                .map(|_| char::from(b'A' + (self.next() % 26) as u8))
                .collect()
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    const AGENTS: &[&str] = &[
        "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.167.amzn2023.x86_64 exe/x86_64.amzn.2023 prompt/off command/ec2.describe-instances",
        "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.6 md/GOOS#linux md/GOARCH#amd64 api/s3#1.51.1",
        "Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 md/arch#x86_64 lang/python#3.9.16 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51",
    ];
    const READS: &[&str] = &[
        "DescribeInstances",
        "GetObject",
        "ListBuckets",
        "DescribeVolumes",
        "GetParameter",
        "Decrypt",
    ];

    fn common(rng: &mut Lcg, out: &mut String, i: usize, source: &str, name: &str) {
        let (minute, second) = ((i / 60) % 60, i % 60);
        write!(
            out,
            r#""eventTime":"2024-08-02T{:02}:{minute:02}:{second:02}Z","eventSource":"{source}","eventName":"{name}","awsRegion":"us-east-1","#,
            8 + i / 3600 % 12
        )
        .unwrap();
        let ua = rng.pick(AGENTS);
        write!(
            out,
            r#""sourceIPAddress":"{}.{}.{}.{}","userAgent":"{ua}","requestID":"{}-{}-{}-{}-{}","eventID":"{}-{}-{}-{}-{}","readOnly":true,"#,
            3 + rng.next() % 50,
            rng.next() % 256,
            rng.next() % 256,
            rng.next() % 256,
            rng.hex(8), rng.hex(4), rng.hex(4), rng.hex(4), rng.hex(12),
            rng.hex(8), rng.hex(4), rng.hex(4), rng.hex(4), rng.hex(12),
        )
        .unwrap();
        write!(
            out,
            r#""eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management","tlsDetails":{{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"{}.us-east-1.amazonaws.com"}}"#,
            source.trim_end_matches(".amazonaws.com")
        )
        .unwrap();
    }

    fn request(rng: &mut Lcg, out: &mut String) {
        write!(
            out,
            r#","requestParameters":{{"instancesSet":{{"items":[{{"instanceId":"i-{}"}}]}},"filterSet":{{"items":[{{"name":"tag:team","valueSet":{{"items":[{{"value":"payments \"core\""}}]}}}}]}},"maxResults":1000}},"responseElements":null,"additionalEventData":{{"SignatureVersion":"SigV4","CipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","bytesTransferredIn":0.0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"{}","bytesTransferredOut":{}}}"#,
            rng.hex(17),
            rng.upper(60),
            rng.next() % 100_000
        )
        .unwrap();
    }

    /// An EC2 instance-role call (passes the prefilter).
    fn instance_call(rng: &mut Lcg, out: &mut String, i: usize) {
        let instance = format!("i-{}", rng.hex(17));
        let role = format!("app-{}-role", rng.next() % 40);
        write!(
            out,
            r#"{{"eventVersion":"1.09","userIdentity":{{"type":"AssumedRole","principalId":"AROA{}:{instance}","arn":"arn:aws:sts::123456789012:assumed-role/{role}/{instance}","accountId":"123456789012","accessKeyId":"ASIA{}","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"AROA{}","arn":"arn:aws:iam::123456789012:role/{role}","accountId":"123456789012","userName":"{role}"}},"webIdFederationData":{{}},"attributes":{{"creationDate":"2024-08-02T07:55:22Z","mfaAuthenticated":"false"}},"ec2RoleDelivery":"2.0"}}}},"#,
            rng.upper(17),
            rng.upper(16),
            rng.upper(17)
        )
        .unwrap();
        let name = rng.pick(READS);
        common(rng, out, i, "ec2.amazonaws.com", name);
        request(rng, out);
        out.push('}');
    }

    /// An IAM user's call (does not pass the prefilter).
    fn user_call(rng: &mut Lcg, out: &mut String, i: usize) {
        let user = format!("dev-{}", rng.next() % 200);
        write!(
            out,
            r#"{{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","principalId":"AIDA{}","arn":"arn:aws:iam::123456789012:user/{user}","accountId":"123456789012","accessKeyId":"AKIA{}","userName":"{user}","sessionContext":{{"attributes":{{"creationDate":"2024-08-02T06:01:00Z","mfaAuthenticated":"true"}}}}}},"#,
            rng.upper(17),
            rng.upper(16)
        )
        .unwrap();
        let name = rng.pick(READS);
        common(rng, out, i, "s3.amazonaws.com", name);
        request(rng, out);
        out.push('}');
    }

    /// A service event without a principal (does not pass the prefilter).
    fn service_event(rng: &mut Lcg, out: &mut String, i: usize) {
        write!(
            out,
            r#"{{"eventVersion":"1.08","userIdentity":{{"accountId":"123456789012","invokedBy":"cloudtrail.amazonaws.com"}},"#
        )
        .unwrap();
        common(rng, out, i, "kms.amazonaws.com", "GenerateDataKey");
        write!(
            out,
            r#","requestParameters":{{"keySpec":"AES_256","encryptionContext":{{"aws:cloudtrail:arn":"arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events","aws:s3:arn":"arn:aws:s3:::trail-bucket-{}/AWSLogs/123456789012/CloudTrail/us-east-1/2024/08/02/123456789012_CloudTrail_us-east-1_20240802T0800Z_{}.json.gz"}},"keyId":"arn:aws:kms:us-east-1:123456789012:key/{}-{}-{}-{}-{}"}},"responseElements":null,"resources":[{{"accountId":"123456789012","type":"AWS::KMS::Key","ARN":"arn:aws:kms:us-east-1:123456789012:key/{}"}}],"sharedEventID":"{}"}}"#,
            rng.hex(6), rng.upper(16), rng.hex(8), rng.hex(4), rng.hex(4), rng.hex(4), rng.hex(12),
            rng.hex(32), rng.hex(32)
        )
        .unwrap();
    }

    /// EC2 issuing instance credentials (passes the prefilter).
    fn ec2_assume_role(rng: &mut Lcg, out: &mut String, i: usize) {
        let instance = format!("i-{}", rng.hex(17));
        write!(
            out,
            r#"{{"eventVersion":"1.08","userIdentity":{{"type":"AWSService","invokedBy":"ec2.amazonaws.com"}},"#
        )
        .unwrap();
        common(rng, out, i, "sts.amazonaws.com", "AssumeRole");
        write!(
            out,
            r#","requestParameters":{{"roleArn":"arn:aws:iam::123456789012:role/app-{}-role","roleSessionName":"{instance}"}},"responseElements":{{"credentials":{{"accessKeyId":"ASIA{}","sessionToken":"{}","expiration":"Aug 2, 2024, 2:30:22 PM"}}}},"resources":[{{"accountId":"123456789012","type":"AWS::IAM::Role","ARN":"arn:aws:iam::123456789012:role/app-role"}}],"sharedEventID":"{}"}}"#,
            rng.next() % 40,
            rng.upper(16),
            rng.upper(300),
            rng.hex(32)
        )
        .unwrap();
    }

    /// `{"Records":[…]}` with `n` records.
    pub fn s3_file(n: usize) -> Vec<u8> {
        let mut rng = Lcg(42);
        let mut out = String::from("{\"Records\":[");
        for i in 0..n {
            if i > 0 {
                out.push(',');
            }
            match i % 10 {
                0..=3 => instance_call(&mut rng, &mut out, i),
                4 => ec2_assume_role(&mut rng, &mut out, i),
                5..=7 => user_call(&mut rng, &mut out, i),
                _ => service_event(&mut rng, &mut out, i),
            }
        }
        out.push_str("]}");
        out.into_bytes()
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut compressor = Compressor::new(CompressionLvl::default());
    let mut out = vec![0; compressor.gzip_compress_bound(data.len())];
    let n = compressor.gzip_compress(data, &mut out).unwrap();
    out.truncate(n);
    out
}

fn bench(c: &mut Criterion) {
    let json = generate::s3_file(RECORDS);
    let gz = gzip(&json);
    let no_filter = DecodeOptions::default();
    let detector = DecodeOptions {
        prefilter: Some(Prefilter::any_of(DETECTOR_NEEDLES)),
    };
    // Sanity: every record decodes, and the prefilter keeps half of them.
    let all = decode_buffer("bench", &json, &no_filter, &mut |_, _| {});
    assert_eq!(
        (all.records_parsed, all.problems.len()),
        (RECORDS as u64, 0)
    );
    let kept = decode_buffer("bench", &json, &detector, &mut |_, _| {});
    assert_eq!(kept.records_parsed, RECORDS as u64 / 2);
    eprintln!(
        "generated {RECORDS} records: {} bytes of JSON ({} per record), {} bytes gzipped",
        json.len(),
        json.len() / RECORDS,
        gz.len()
    );

    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.sample_size(20);
    group.bench_function("decode_buffer/no_prefilter", |b| {
        b.iter(|| {
            let mut names = 0_usize;
            decode_buffer("bench", black_box(&json), &no_filter, &mut |r, _| {
                names += r.event_name.as_ref().map_or(0, |n| n.len());
            });
            names
        });
    });
    group.bench_function("decode_buffer/detector_prefilter", |b| {
        b.iter(|| {
            let mut names = 0_usize;
            decode_buffer("bench", black_box(&json), &detector, &mut |r, _| {
                names += r.event_name.as_ref().map_or(0, |n| n.len());
            });
            names
        });
    });
    let reject_all = DecodeOptions {
        prefilter: Some(Prefilter::any_of(&[b"\x00never"])),
    };
    group.bench_function("decode_buffer/split_only", |b| {
        b.iter(|| decode_buffer("bench", black_box(&json), &reject_all, &mut |_, _| {}).records);
    });
    group.bench_function("baseline/serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&json)).unwrap());
    });
    let mut decompressor = Decompressor::new();
    let mut out = vec![0; json.len()];
    group.bench_function("baseline/libdeflate_gunzip", |b| {
        b.iter(|| {
            decompressor
                .gzip_decompress(black_box(&gz), &mut out)
                .unwrap()
        });
    });
    group.finish();
}

/// Records in the simulated bucket of the whole-input benchmark (about 30 MB of JSON).
const BULK_EVENTS: u64 = 20_000;

/// `decode_inputs` over a simulated S3 bucket (`cloudtrail::simulate` bulk scenario) on the
/// default rayon pool, against reading and decompressing the same files with libdeflate on
/// the same pool: the floor any decoder of these files has to pay.
fn bench_inputs(c: &mut Criterion) {
    let bucket = tempfile::tempdir().unwrap();
    let summary = simulate(&SimulateOptions {
        scenario: Scenario::Bulk {
            events: BULK_EVENTS,
        },
        out: bucket.path().to_owned(),
        seed: 7,
        start: None,
    })
    .unwrap();
    let inputs = discover(&[bucket.path().to_owned()]).unwrap();
    let detector = DecodeOptions {
        prefilter: Some(Prefilter::any_of(DETECTOR_NEEDLES)),
    };
    let check = decode_inputs(&inputs, &DecodeOptions::default(), None, &|_, _| Some(()));
    assert_eq!(check.stats.records_parsed, BULK_EVENTS);
    assert!(check.stats.problems.is_empty());
    let kept = decode_inputs(&inputs, &detector, None, &|_, _| Some(()));
    eprintln!(
        "bulk --events {BULK_EVENTS}: {} files, {} bytes of JSON, {} bytes gzip; the prefilter keeps {} records; {} threads",
        summary.files,
        summary.json_bytes,
        summary.gzip_bytes,
        kept.item_count(),
        rayon::current_num_threads()
    );

    let mut group = c.benchmark_group("decode_inputs");
    group.throughput(Throughput::Bytes(summary.json_bytes));
    group.sample_size(10);
    group.bench_function("decode_inputs/detector_prefilter", |b| {
        b.iter(|| {
            decode_inputs(&inputs, &detector, None, &|r, _| Some(r.event_time_millis)).item_count()
        });
    });
    group.bench_function("decode_inputs/no_prefilter", |b| {
        b.iter(|| {
            decode_inputs(&inputs, &DecodeOptions::default(), None, &|r, _| {
                Some(r.event_time_millis)
            })
            .item_count()
        });
    });
    group.bench_function("baseline/read_and_libdeflate_gunzip", |b| {
        b.iter(|| {
            inputs
                .par_iter()
                .with_max_len(1)
                .map_init(
                    || (Decompressor::new(), Vec::new()),
                    |(decompressor, out), input| {
                        let gz = read_gz(input);
                        let trailer = gz.last_chunk::<4>().unwrap();
                        out.resize(u32::from_le_bytes(*trailer) as usize, 0);
                        decompressor.gzip_decompress(&gz, out).unwrap()
                    },
                )
                .sum::<usize>()
        });
    });
    group.finish();
}

fn read_gz(input: &Input) -> Vec<u8> {
    match input {
        Input::File(path) => fs_err::read(path).unwrap(),
        Input::Stdin => unreachable!("the bench reads files"),
    }
}

criterion_group!(benches, bench, bench_inputs);
criterion_main!(benches);
