//! Watched directories: every CloudTrail file that appears below them is read once and queued
//! for detection. A file counts as processed when the findings it produced are committed (its
//! path, size and modification time go into the store with them), so a restart neither loses
//! nor re-reads one.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use cloudtrail::Input;
use store::{InputStamp, Store};

use super::queue::{FileWork, Queue, Refused, Work};
use crate::commands::hunt::stamp_of;

/// A file modified more recently than this may still be being written: it waits a poll.
const SETTLE: Duration = Duration::from_secs(1);
/// How often the stop flag is checked while waiting for the next poll.
const TICK: Duration = Duration::from_millis(100);

/// Polls `dirs` every `interval` until `stop` is set.
pub(crate) fn watch(
    dirs: &[PathBuf],
    interval: Duration,
    store: &Store,
    queue: &Queue,
    stop: &AtomicBool,
) {
    let mut queued: HashSet<(String, u64, i64)> = HashSet::new();
    while !stop.load(Ordering::Relaxed) {
        for dir in dirs {
            match cloudtrail::discover(std::slice::from_ref(dir)) {
                Ok(inputs) => {
                    for input in inputs {
                        if offer(&input, store, queue, &mut queued) == Err(Refused::Closed) {
                            return;
                        }
                    }
                }
                Err(e) => tracing::warn!("watched directory `{}`: {e}", dir.display()),
            }
        }
        let mut waited = Duration::ZERO;
        while waited < interval && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(TICK);
            waited += TICK;
        }
    }
}

/// Queues one file unless it was queued or processed already, or is still being written.
fn offer(
    input: &Input,
    store: &Store,
    queue: &Queue,
    queued: &mut HashSet<(String, u64, i64)>,
) -> Result<(), Refused> {
    let Some(stamp) = stamp_of(input) else {
        return Ok(());
    };
    let key = (stamp.path.clone(), stamp.size, stamp.modified_ms);
    if queued.contains(&key) || settling(&stamp) {
        return Ok(());
    }
    match store.is_processed(&stamp) {
        Ok(true) => {
            queued.insert(key);
            return Ok(());
        }
        Ok(false) => {}
        Err(e) => {
            tracing::warn!("{}: cannot check the store: {e}", stamp.path);
            return Ok(());
        }
    }
    let bytes = match cloudtrail::read_input(input) {
        Ok(bytes) => bytes,
        Err(e) => {
            // Reported once; the file is read again only if it changes.
            tracing::warn!("{e}");
            queued.insert(key);
            return Ok(());
        }
    };
    let work = Work::Files {
        files: vec![FileWork {
            source: stamp.path.clone(),
            bytes,
            stamp,
        }],
        ack: None,
    };
    match queue.push(work) {
        Ok(()) => {
            queued.insert(key);
            Ok(())
        }
        Err(Refused::Full) => {
            tracing::debug!("the queue is full: {} waits for the next poll", key.0);
            Ok(())
        }
        Err(Refused::Closed) => Err(Refused::Closed),
    }
}

fn settling(stamp: &InputStamp) -> bool {
    let modified = SystemTime::UNIX_EPOCH
        + Duration::from_millis(u64::try_from(stamp.modified_ms).unwrap_or(0));
    // A modification time in the future (clock skew) does not hold a file back.
    SystemTime::now()
        .duration_since(modified)
        .is_ok_and(|age| age < SETTLE)
}
