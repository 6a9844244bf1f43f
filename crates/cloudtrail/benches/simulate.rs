//! Log generation throughput: `simulate bulk` end to end (plan, render, gzip, write), against
//! the compression floor measured in the same run: libdeflate gzipping the same JSON files
//! (level 6, all cores, no rendering and no writing).
//!
//! Run: `cargo bench -p cloudtrail --bench simulate`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark setup")]

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};

use cloudtrail::simulate::{Options, Scenario, simulate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use libdeflater::{CompressionLvl, Compressor};
use rayon::prelude::*;

/// Records per run: about 30 MB of JSON in about 60 files.
const EVENTS: u64 = 20_000;

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(at) = stack.pop() {
        for entry in fs_err::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

fn options(out: &Path) -> Options {
    Options {
        scenario: Scenario::Bulk { events: EVENTS },
        out: out.to_owned(),
        seed: 1,
        start: None,
    }
}

fn bench(c: &mut Criterion) {
    let sample = tempfile::tempdir().unwrap();
    let summary = simulate(&options(sample.path())).unwrap();
    let json: Vec<Vec<u8>> = files_under(sample.path())
        .iter()
        .map(|path| {
            let gz = fs_err::read(path).unwrap();
            let mut text = Vec::new();
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_end(&mut text)
                .unwrap();
            text
        })
        .collect();
    #[expect(clippy::print_stderr, reason = "the benchmark reports its data set")]
    {
        eprintln!(
            "bulk --events {EVENTS}: {} files, {} bytes of JSON, {} bytes gzip",
            summary.files, summary.json_bytes, summary.gzip_bytes
        );
    }

    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(summary.json_bytes));
    group.bench_function("bulk_end_to_end", |b| {
        b.iter(|| {
            let out = tempfile::tempdir().unwrap();
            black_box(simulate(&options(out.path())).unwrap())
        });
    });
    for level in [6, 1] {
        group.bench_function(format!("baseline_libdeflate_gzip_level{level}"), |b| {
            let level = CompressionLvl::new(level).unwrap();
            b.iter(|| {
                json.par_iter()
                    .map_init(
                        || (Compressor::new(level), Vec::new()),
                        |(compressor, out), text| {
                            out.resize(compressor.gzip_compress_bound(text.len()), 0);
                            compressor.gzip_compress(text, out).unwrap()
                        },
                    )
                    .sum::<usize>()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
