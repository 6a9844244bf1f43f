//! Live detection: events wait in a short reorder window (CloudTrail delivers out of order),
//! then the window's records are decoded and run through the `hunt` detectors against the
//! stored state of just the sessions they mention. State, findings (merged into the stored
//! ones), the files they came from and the routings they call for are committed in one
//! transaction ([`Store::commit_window`]), which other workers sharing the database wait for
//! where they touch the same sessions or findings; then the responder is woken.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use cloudtrail::{DecodeOptions, DecodeStats, Prefilter, decode_buffer};
use console::Metrics;
use detect::{DetectorState, Observation};
use findings::Touch;
use miette::{Context, IntoDiagnostic};
use respond::actions::{Clock, SystemClock};
use serde_json::Value;
use store::{Detected, InputStamp, Store, StoreError, Window};

use super::queue::{Ack, FileWork, Queue, Work};

/// How long the pipeline sleeps when nothing is waiting.
const IDLE: Duration = Duration::from_millis(250);
/// The first pause before a window the store refused is tried again; it doubles each time.
const RETRY_FIRST: Duration = Duration::from_millis(250);
/// The longest pause between tries.
const RETRY_MAX: Duration = Duration::from_secs(10);
/// Tries left for a refused window once the process is stopping.
const TRIES_WHEN_STOPPING: u32 = 5;

/// The detection half of `serve`; runs on its own thread.
pub(crate) struct Pipeline {
    settings: detect::Settings,
    options: DecodeOptions,
    store: Store,
    window: Duration,
    pending: Pending,
    metrics: Arc<Metrics>,
    /// Wakes the responder when routings were queued in the outbox.
    wake: Sender<()>,
}

/// Work waiting in the reorder window.
#[derive(Default)]
struct Pending {
    events: Vec<String>,
    /// Ingested GuardDuty findings, stored with the window.
    findings: Vec<Value>,
    files: Vec<FileWork>,
    /// Run after the commit.
    acks: Vec<Ack>,
    oldest: Option<Instant>,
}

impl Pipeline {
    /// A pipeline detecting against the state and findings in `store`.
    pub(crate) fn new(
        settings: detect::Settings,
        store: Store,
        window: Duration,
        metrics: Arc<Metrics>,
        wake: Sender<()>,
    ) -> Self {
        Self {
            options: DecodeOptions {
                prefilter: detect::prefilter_needles(&settings).map(Prefilter::any_of),
            },
            settings,
            store,
            window,
            pending: Pending::default(),
            metrics,
            wake,
        }
    }

    /// Takes work from `queue` until it is closed and empty, then flushes the window.
    pub(crate) fn run(mut self, queue: &Queue) -> miette::Result<()> {
        loop {
            let wait = self
                .pending
                .oldest
                .map_or(IDLE, |oldest| self.window.saturating_sub(oldest.elapsed()));
            match queue.pop(wait) {
                Some((Work::Ingested { events, findings }, queued)) => {
                    self.pending.add(events, findings, queued);
                }
                Some((Work::Files { files, ack }, queued)) => {
                    self.pending.files.extend(files);
                    self.pending.acks.extend(ack);
                    self.pending.started(queued);
                }
                None if queue.is_finished() => break,
                None => {}
            }
            self.metrics
                .ingest_queue_depth
                .store(queue.depth() as u64, Ordering::Relaxed);
            if self
                .pending
                .oldest
                .is_some_and(|oldest| oldest.elapsed() >= self.window)
            {
                self.flush_until_committed(queue)?;
            }
        }
        self.flush_until_committed(queue)
    }

    /// Flushes the window. When the store refuses (the database is down, or restarting), the
    /// window's work is kept and tried again after a growing pause; meanwhile the queue fills
    /// and ingest is answered 503, SQS messages stay unacknowledged: nothing is lost. Once
    /// the process is stopping, it gives up after a few more tries.
    fn flush_until_committed(&mut self, queue: &Queue) -> miette::Result<()> {
        let (mut pause, mut tries_left) = (RETRY_FIRST, TRIES_WHEN_STOPPING);
        loop {
            let Err(error) = self.flush() else {
                return Ok(());
            };
            if queue.is_closed() {
                tries_left -= 1;
                if tries_left == 0 {
                    tracing::error!(
                        "stopping without the store: {} events accepted over HTTP, {} GuardDuty \
                         findings and {} files were not committed (files and SQS messages are \
                         read again at the next start)",
                        self.pending.events.len(),
                        self.pending.findings.len(),
                        self.pending.files.len()
                    );
                    return Err(error);
                }
            }
            tracing::error!("{error:?}\nthe window is kept and tried again in {pause:?}");
            std::thread::sleep(pause);
            pause = (pause * 2).min(RETRY_MAX);
        }
    }

    /// Stores the window's ingested GuardDuty findings as they are, each queued for routing,
    /// and takes them out of the window.
    fn store_ingested(&mut self, pending: &mut Pending) -> miette::Result<()> {
        if pending.findings.is_empty() {
            return Ok(());
        }
        let mut findings = std::mem::take(&mut pending.findings).into_iter();
        while let Some(finding) = findings.next() {
            match self.store.ingest_finding(&finding) {
                Ok(()) => {}
                // The API refuses such events; one that got here anyway is dropped, not fatal.
                Err(StoreError::FindingWithoutId) => {
                    tracing::warn!("an ingested GuardDuty finding without an id was dropped");
                }
                Err(error) => {
                    pending.findings.push(finding);
                    pending.findings.extend(findings);
                    return Err(error)
                        .into_diagnostic()
                        .wrap_err("cannot store an ingested GuardDuty finding");
                }
            }
        }
        self.wake_responder();
        Ok(())
    }

    fn wake_responder(&self) {
        // The responder ends only after the pipeline: a closed channel means it failed, and
        // the outbox keeps the routings for the next worker.
        if self.wake.send(()).is_err() {
            tracing::error!("the responder stopped: queued findings wait in the outbox");
        }
    }

    /// Detects over everything in the window and commits the result; on failure the
    /// window's work stays pending.
    fn flush(&mut self) -> miette::Result<()> {
        let mut pending = std::mem::take(&mut self.pending);
        match self.commit(&mut pending) {
            Ok(()) => {
                pending.acks.into_iter().for_each(|ack| ack());
                Ok(())
            }
            Err(error) => {
                self.pending = pending;
                Err(error)
            }
        }
    }

    /// Detects over the window's work and commits the result.
    fn commit(&mut self, pending: &mut Pending) -> miette::Result<()> {
        self.store_ingested(pending)?;
        self.drop_processed(&mut pending.files)?;
        if pending.events.is_empty() && pending.files.is_empty() {
            return Ok(());
        }
        let mut batches: Vec<(Option<usize>, Vec<Observation>)> = Vec::new();
        let mut newest_ms = i64::MIN;
        let mut stats = DecodeStats::default();
        let mut decode = |source: &str, bytes: &[u8]| {
            let mut observations = Vec::new();
            stats.merge(decode_buffer(
                source,
                bytes,
                &self.options,
                &mut |record, _| {
                    newest_ms = newest_ms.max(record.event_time_millis);
                    if let Some(observation) = detect::observe(&self.settings, record).observation {
                        observations.push(observation);
                    }
                },
            ));
            observations
        };
        if !pending.events.is_empty() {
            // An array of envelopes: one bad event is reported and the others go on.
            let batch = format!("[{}]", pending.events.join(","));
            batches.push((None, decode("http ingest", batch.as_bytes())));
        }
        for (index, file) in pending.files.iter().enumerate() {
            batches.push((Some(index), decode(&file.source, &file.bytes)));
        }
        for problem in &stats.problems {
            tracing::warn!("{}: {}", problem.location, problem.error);
        }
        let state_keys = DetectorState::keys_for(batches.iter().flat_map(|(_, batch)| batch));
        let stamps: Vec<InputStamp> = pending.files.iter().map(|f| f.stamp.clone()).collect();
        let settings = &self.settings;
        let committed = self
            .store
            .commit_window(
                Window {
                    state_keys: &state_keys,
                    inputs: &stamps,
                },
                |entries, processed| {
                    let mut state = DetectorState::from_entries(entries)?;
                    // Files another worker committed since `drop_processed` looked are left out.
                    let fresh = batches
                        .into_iter()
                        .filter(|(file, _)| file.is_none_or(|i| !processed[i]))
                        .flat_map(|(_, batch)| batch);
                    let occurrences = detect::evaluate(settings, fresh, &mut state);
                    Ok::<_, detect::StateError>(Detected {
                        state: state.entries(),
                        occurrences,
                    })
                },
            )
            .into_diagnostic()
            .wrap_err("cannot commit the detection results")?;

        let raised = committed
            .findings
            .iter()
            .filter(|(_, touch)| *touch == Touch::New)
            .count() as u64;
        let m = &self.metrics;
        m.records_processed
            .fetch_add(stats.records, Ordering::Relaxed);
        m.bad_records
            .fetch_add(stats.problem_count(), Ordering::Relaxed);
        m.findings_raised.fetch_add(raised, Ordering::Relaxed);
        m.findings_updated
            .fetch_add(committed.occurrences - raised, Ordering::Relaxed);
        if newest_ms > i64::MIN {
            let lag = SystemClock.now_ms().saturating_sub(newest_ms).max(0);
            m.lag_millis.store(lag.unsigned_abs(), Ordering::Relaxed);
        }
        if !committed.findings.is_empty() {
            self.wake_responder();
        }
        Ok(())
    }
}

impl Pipeline {
    /// Removes files already committed, or twice in the window: a source that delivers at
    /// least once (SQS) may hand over the same file again before or after its commit.
    fn drop_processed(&self, files: &mut Vec<FileWork>) -> miette::Result<()> {
        let mut seen = BTreeSet::new();
        let mut kept = Vec::with_capacity(files.len());
        for file in files.drain(..) {
            let key = (
                file.stamp.path.clone(),
                file.stamp.size,
                file.stamp.modified_ms,
            );
            if seen.insert(key) && !self.store.is_processed(&file.stamp).into_diagnostic()? {
                kept.push(file);
            }
        }
        *files = kept;
        Ok(())
    }
}

impl Pending {
    fn add(&mut self, events: Vec<String>, findings: Vec<Value>, queued: Instant) {
        if !events.is_empty() || !findings.is_empty() {
            self.events.extend(events);
            self.findings.extend(findings);
            self.started(queued);
        }
    }

    /// Notes that work queued at `queued` is waiting.
    fn started(&mut self, queued: Instant) {
        self.oldest = Some(self.oldest.map_or(queued, |oldest| oldest.min(queued)));
    }
}
