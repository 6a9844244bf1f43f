//! Finding and reading inputs; parallel decoding is deterministic.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use cloudtrail::{DecodeOptions, Input, ReadError, decode_inputs, discover, read_input};
use common::{gzip, record, s3};

#[test]
fn discover_walks_directories_sorted_and_skips_digests() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for path in [
        "b/2.json",
        "b/10.json",
        "a/x/deep.json.gz",
        "top.json",
        "CloudTrail-Digest/digest.json.gz",
    ] {
        let path = root.join(path);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(&path, b"{}").unwrap();
    }
    let single = root.join("top.json");
    let inputs = discover(&[root.to_path_buf(), PathBuf::from("-"), single.clone()]).unwrap();
    assert_eq!(
        inputs,
        vec![
            Input::File(root.join("a/x/deep.json.gz")),
            Input::File(root.join("b/10.json")),
            Input::File(root.join("b/2.json")),
            Input::File(root.join("top.json")),
            Input::Stdin,
            Input::File(single),
        ]
    );
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let error = discover(&[PathBuf::from("/no/such/trail/logs")]).unwrap_err();
    assert!(matches!(error, ReadError::NotFound { .. }));
    assert_eq!(
        error.to_string(),
        "`/no/such/trail/logs`: no such file or directory"
    );
}

#[test]
fn read_input_decompresses_single_and_multi_member_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let first = s3(&[record("A", "2024-08-02T08:23:24Z", "")]);
    let second = "\n".repeat(3);
    let path = dir.path().join("multi.gz");
    let mut bytes = gzip(first.as_bytes());
    bytes.extend(gzip(second.as_bytes()));
    bytes.extend(gzip(first.as_bytes()));
    fs_err::write(&path, &bytes).unwrap();
    assert_eq!(
        read_input(&Input::File(path)).unwrap(),
        format!("{first}{second}{first}").into_bytes()
    );
    let plain = dir.path().join("plain.json");
    fs_err::write(&plain, first.as_bytes()).unwrap();
    assert_eq!(read_input(&Input::File(plain)).unwrap(), first.as_bytes());
}

#[test]
fn truncated_gzip_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.json.gz");
    let bytes = gzip(s3(&[record("A", "2024-08-02T08:23:24Z", "")]).as_bytes());
    fs_err::write(&path, &bytes[..bytes.len() - 3]).unwrap();
    let error = read_input(&Input::File(path.clone())).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("`{}`: truncated gzip data", path.display())
    );
}

#[test]
fn parallel_results_are_in_input_order_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    let mut total_size = 0;
    for file in 0..24 {
        let records: Vec<String> = (0..file * 7 + 1)
            .map(|i| record(&format!("Call{file}x{i}"), "2024-08-02T08:23:24Z", ""))
            .collect();
        expected.extend((0..file * 7 + 1).map(|i| format!("Call{file}x{i}")));
        let bytes = if file % 2 == 0 {
            gzip(s3(&records).as_bytes())
        } else {
            records.join("\n").into_bytes()
        };
        total_size += bytes.len() as u64;
        fs_err::write(dir.path().join(format!("{file:02}.json")), bytes).unwrap();
    }
    let inputs = discover(&[dir.path().to_path_buf()]).unwrap();
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let done = AtomicU64::new(0);
        let progress = |bytes: u64| {
            done.fetch_add(bytes, Ordering::Relaxed);
        };
        let decoded = pool.install(|| {
            decode_inputs(
                &inputs,
                &DecodeOptions::default(),
                Some(&progress),
                &|r, _| r.event_name.as_deref().map(str::to_owned),
            )
        });
        assert_eq!(decoded.per_input.concat(), expected, "{threads} threads");
        assert_eq!(decoded.stats.bytes_read, total_size);
        assert_eq!(done.load(Ordering::Relaxed), total_size);
        assert_eq!(decoded.stats.records, expected.len() as u64);
    }
}

#[test]
fn an_unreadable_input_is_a_problem_and_the_others_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    fs_err::write(&good, s3(&[record("A", "2024-08-02T08:23:24Z", "")])).unwrap();
    let gone = dir.path().join("gone.json");
    let inputs = [Input::File(gone.clone()), Input::File(good)];
    let decoded = decode_inputs(&inputs, &DecodeOptions::default(), None, &|r, _| {
        r.event_name.as_deref().map(str::to_owned)
    });
    assert_eq!(decoded.items(), ["A"]);
    assert_eq!(decoded.stats.problems.len(), 1);
    let problem = &decoded.stats.problems[0];
    assert!(matches!(problem.error, cloudtrail::DecodeError::Io(_)));
    assert_eq!(problem.location.source, gone.display().to_string());
    assert!(
        problem.to_string().contains("No such file or directory"),
        "{problem}"
    );
    assert_eq!(decoded.stats.inputs, 2);
}
