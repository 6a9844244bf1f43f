//! Decoding many inputs on rayon's thread pool.

use std::cell::RefCell;

use libdeflater::Decompressor;
use rayon::prelude::*;

use crate::decode::{DecodeError, DecodeOptions, DecodeStats, Location, decode_buffer};
use crate::gzip::{self, OutBuf};
use crate::input::{Input, read_raw};
use crate::record::Record;

/// What [`decode_inputs`] returns.
#[derive(Debug)]
pub struct Decoded<T> {
    /// What `map` returned for each parsed record: one vector per input, in input order,
    /// each in record order. Kept apart so a consumer can free each input's items as it goes
    /// instead of holding two copies while concatenating.
    pub per_input: Vec<Vec<T>>,
    /// Counters and problems of all inputs together.
    pub stats: DecodeStats,
}

impl<T> Decoded<T> {
    /// Every item, in input order, then record order.
    pub fn items(&self) -> Vec<&T> {
        self.per_input.iter().flatten().collect()
    }

    /// How many items there are.
    pub fn item_count(&self) -> usize {
        self.per_input.iter().map(Vec::len).sum()
    }
}

/// Per-thread buffers, reused from file to file so memory stays at one file per thread.
#[derive(Default)]
struct Worker {
    decompressor: Option<Decompressor>,
    raw: Vec<u8>,
    out: OutBuf,
}

thread_local! {
    static WORKER: RefCell<Worker> = RefCell::new(Worker::default());
}

/// Decodes `inputs` in parallel on the current rayon pool (set its size with
/// `ThreadPool::install`), one whole file per task, and keeps what `map` returns for each
/// parsed record. `progress`, if given, is called with the stored size of each input once it
/// is done. Results are in input order whatever the thread count.
pub fn decode_inputs<T: Send>(
    inputs: &[Input],
    opts: &DecodeOptions,
    progress: Option<&(dyn Fn(u64) + Sync)>,
    map: &(dyn Fn(&Record<'_>, &Location) -> Option<T> + Sync),
) -> Decoded<T> {
    let per_input: Vec<(Vec<T>, DecodeStats)> = inputs
        .par_iter()
        .with_max_len(1)
        .map(|input| {
            let done = WORKER.with(|cell| match cell.try_borrow_mut() {
                Ok(mut worker) => worker.decode(input, opts, map),
                // Only when `map` itself runs rayon work on this thread.
                Err(_) => Worker::default().decode(input, opts, map),
            });
            if let Some(progress) = progress {
                progress(done.1.bytes_read);
            }
            done
        })
        .collect();
    let mut decoded = Decoded {
        per_input: Vec::with_capacity(per_input.len()),
        stats: DecodeStats::default(),
    };
    for (items, stats) in per_input {
        decoded.per_input.push(items);
        decoded.stats.merge(stats);
    }
    decoded
}

impl Worker {
    fn decode<T>(
        &mut self,
        input: &Input,
        opts: &DecodeOptions,
        map: &(dyn Fn(&Record<'_>, &Location) -> Option<T> + Sync),
    ) -> (Vec<T>, DecodeStats) {
        let source = input.to_string();
        if let Err(error) = read_raw(input, &mut self.raw) {
            return (
                Vec::new(),
                DecodeStats::unreadable(&source, 0, DecodeError::Io(error)),
            );
        }
        let bytes_read = self.raw.len() as u64;
        let buffer = if gzip::is_gzip(&self.raw) {
            let decompressor = self.decompressor.get_or_insert_with(Decompressor::new);
            match gzip::gunzip(decompressor, &self.raw, &mut self.out) {
                Ok(len) => self.out.get(len),
                Err(e) => {
                    return (
                        Vec::new(),
                        DecodeStats::unreadable(&source, bytes_read, e.into()),
                    );
                }
            }
        } else {
            &self.raw
        };
        let mut items = Vec::new();
        let mut stats = decode_buffer(&source, buffer, opts, &mut |record, location| {
            if let Some(item) = map(record, location) {
                items.push(item);
            }
        });
        stats.bytes_read = bytes_read;
        (items, stats)
    }
}
