//! Writes a plan as CloudTrail delivers it to S3: one gzip file of `{"Records":[…]}` per
//! account, Region and five minutes, in `AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use libdeflater::{CompressionLvl, Compressor};
use rayon::prelude::*;

use super::clock;
use super::error::SimulateError;
use super::ids;
use super::model::{Event, Region, World};
use super::render;
use super::rng::Rng;

/// Seconds of events per file (CloudTrail publishes about every five minutes).
const WINDOW: i64 = 300;
/// Busy windows are split into several files of at most this many records, as CloudTrail does.
const MAX_RECORDS: usize = 1_000;
/// Gzip level: libdeflate's fastest. On this data it gives about 9:1, near the ~7.5:1 of the
/// CloudTrail sets the project benchmarks against (1.5 GB of JSON in ~200 MB); level 6 gives
/// 11.6:1 at 1.6 times the CPU time (see docs/benchmarks/simulate.md).
const GZIP_LEVEL: i32 = 1;
/// How far (in positions) a record may move from time order inside its file.
const SHUFFLE_REACH: u64 = 6;

/// Everything a scenario produced: the world and the events, in any order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub(crate) world: World,
    pub(crate) events: Vec<Event>,
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Log files written.
    pub files: u64,
    /// Records written.
    pub events: u64,
    /// Bytes of JSON before compression.
    pub json_bytes: u64,
    /// Bytes of gzip on disk.
    pub gzip_bytes: u64,
}

/// One output file: its key and the range of (sorted) events it holds.
struct FileSpec {
    window: i64,
    account: u16,
    region: Region,
    start: usize,
    end: usize,
}

fn io_error(path: &Path, source: std::io::Error) -> SimulateError {
    SimulateError::Write {
        path: path.to_owned(),
        source,
    }
}

/// Groups time-sorted events into files.
fn file_specs(events: &[Event]) -> Vec<FileSpec> {
    let mut files = Vec::new();
    let mut start = 0;
    while let Some(first) = events.get(start) {
        let key = (first.time.div_euclid(WINDOW), first.account, first.region);
        let mut end = start;
        while let Some(event) = events.get(end) {
            if (event.time.div_euclid(WINDOW), event.account, event.region) != key
                || end - start == MAX_RECORDS
            {
                break;
            }
            end += 1;
        }
        files.push(FileSpec {
            window: key.0,
            account: key.1,
            region: key.2,
            start,
            end,
        });
        start = end;
    }
    files
}

/// `AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD` under `out` for a file of a window.
fn folder(out: &Path, world: &World, spec: &FileSpec) -> PathBuf {
    let stamp = (spec.window + 1) * WINDOW;
    out.join("AWSLogs")
        .join(world.account_id(usize::from(spec.account)))
        .join("CloudTrail")
        .join(spec.region.name())
        .join(clock::date_path(stamp))
}

/// Writes every file of `plan` under `out`; the same plan and seed give the same bytes,
/// whatever the number of threads.
pub(crate) fn write(mut plan: Plan, out: &Path, seed: u64) -> Result<Summary, SimulateError> {
    plan.events
        .sort_by_key(|e| (e.time.div_euclid(WINDOW), e.account, e.region, e.time));
    let files = file_specs(&plan.events);
    let folders: BTreeSet<PathBuf> = files
        .iter()
        .map(|spec| folder(out, &plan.world, spec))
        .collect();
    for dir in &folders {
        fs_err::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    }
    let level = CompressionLvl::new(GZIP_LEVEL).unwrap_or_default();
    let sizes = files
        .par_iter()
        .enumerate()
        .map_init(
            || (Vec::new(), Vec::new(), Compressor::new(level)),
            |(json, gzip, compressor), (index, spec)| {
                write_file(&plan, out, seed, index, spec, json, gzip, compressor)
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    let mut summary = Summary {
        files: files.len() as u64,
        events: plan.events.len() as u64,
        ..Summary::default()
    };
    for (json, gzip) in sizes {
        summary.json_bytes += json;
        summary.gzip_bytes += gzip;
    }
    Ok(summary)
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site: the per-thread buffers of `write`"
)]
fn write_file(
    plan: &Plan,
    out: &Path,
    seed: u64,
    index: usize,
    spec: &FileSpec,
    json: &mut Vec<u8>,
    gzip: &mut Vec<u8>,
    compressor: &mut Compressor,
) -> Result<(u64, u64), SimulateError> {
    let mut rng = Rng::derive(seed, index as u64);
    let account = plan.world.account_id(usize::from(spec.account));
    let region = spec.region.name();
    let name = format!(
        "{account}_CloudTrail_{region}_{}_{}.json.gz",
        clock::file_stamp((spec.window + 1) * WINDOW),
        ids::file_suffix(&mut rng)
    );
    let path = folder(out, &plan.world, spec).join(name);
    let events = plan.events.get(spec.start..spec.end).unwrap_or(&[]);
    let order = light_shuffle(events.len(), &mut rng);
    json.clear();
    json.extend_from_slice(b"{\"Records\":[");
    for (position, &at) in order.iter().enumerate() {
        if position > 0 {
            json.push(b',');
        }
        if let Some(event) = events.get(at) {
            render::record(&plan.world, event, &mut rng, json);
        }
    }
    json.extend_from_slice(b"]}");
    let bound = compressor.gzip_compress_bound(json.len());
    gzip.resize(bound, 0);
    let written = compressor
        .gzip_compress(json, gzip)
        .map_err(|_| SimulateError::Compress { path: path.clone() })?;
    let bytes = gzip.get(..written).unwrap_or(&[]);
    fs_err::write(&path, bytes).map_err(|e| io_error(&path, e))?;
    Ok((json.len() as u64, written as u64))
}

/// Time order with each record moved by at most a few places, as in real files.
fn light_shuffle(len: usize, rng: &mut Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    for at in 0..len {
        let reach = SHUFFLE_REACH.min((len - at) as u64);
        let other = at + usize::try_from(rng.below(reach)).unwrap_or(0);
        order.swap(at, other);
    }
    order
}
