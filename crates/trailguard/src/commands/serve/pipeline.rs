//! Live detection: events wait in a short reorder window (CloudTrail delivers out of order),
//! then the window's records are decoded, run through the `hunt` detectors against the stored
//! state, and the new or updated findings are committed — state, findings and the files they
//! came from in one transaction — before they are handed to the responder.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cloudtrail::{DecodeOptions, DecodeStats, Prefilter, decode_buffer};
use console::Metrics;
use detect::DetectorState;
use findings::{Finding, FindingBook, Touch};
use miette::{Context, IntoDiagnostic};
use serde_json::Value;
use store::{FindingFilter, InputStamp, Store};

use super::queue::{Ack, FileWork, Queue, Work};

/// How long the pipeline sleeps when nothing is waiting.
const IDLE: Duration = Duration::from_millis(250);

/// The detection half of `serve`; runs on its own thread.
pub(crate) struct Pipeline {
    settings: detect::Settings,
    options: DecodeOptions,
    state: DetectorState,
    book: FindingBook,
    store: Store,
    window: Duration,
    pending: Pending,
    metrics: Arc<Metrics>,
    /// New and updated findings, and ingested GuardDuty findings, for the responder.
    respond: Sender<Value>,
}

/// Work waiting in the reorder window.
#[derive(Default)]
struct Pending {
    events: Vec<String>,
    files: Vec<FileWork>,
    /// Run after the commit.
    acks: Vec<Ack>,
    oldest: Option<Instant>,
}

impl Pipeline {
    /// A pipeline resuming from the detector state and findings in `store`.
    pub(crate) fn new(
        settings: detect::Settings,
        store: Store,
        window: Duration,
        metrics: Arc<Metrics>,
        respond: Sender<Value>,
    ) -> miette::Result<Self> {
        let state = DetectorState::from_entries(store.state_entries().into_diagnostic()?)
            .into_diagnostic()
            .wrap_err("the stored detector state is corrupt")?;
        let book = FindingBook::from_findings(
            store
                .findings(&FindingFilter::default())
                .into_diagnostic()?,
        );
        Ok(Self {
            options: DecodeOptions {
                prefilter: detect::prefilter_needles(&settings).map(Prefilter::any_of),
            },
            settings,
            state,
            book,
            store,
            window,
            pending: Pending::default(),
            metrics,
            respond,
        })
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
                    for finding in findings {
                        self.hand_over(finding);
                    }
                    self.pending.add_events(events, queued);
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
                self.flush()?;
            }
        }
        self.flush()
    }

    fn hand_over(&self, finding: Value) {
        if self.respond.send(finding).is_err() {
            tracing::error!("the responder stopped: a finding was not routed");
        }
    }

    /// Detects over everything in the window and commits the result.
    fn flush(&mut self) -> miette::Result<()> {
        let mut pending = std::mem::take(&mut self.pending);
        self.drop_processed(&mut pending.files)?;
        if pending.events.is_empty() && pending.files.is_empty() {
            pending.acks.into_iter().for_each(|ack| ack());
            return Ok(());
        }
        let mut observations = Vec::new();
        let mut newest_ms = i64::MIN;
        let mut stats = DecodeStats::default();
        let mut decode = |source: &str, bytes: &[u8]| {
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
        };
        if !pending.events.is_empty() {
            // An array of envelopes: one bad event is reported and the others go on.
            let batch = format!("[{}]", pending.events.join(","));
            decode("http ingest", batch.as_bytes());
        }
        for file in &pending.files {
            decode(&file.source, &file.bytes);
        }
        for problem in &stats.problems {
            tracing::warn!("{}: {}", problem.location, problem.error);
        }
        let occurrences = detect::evaluate(&self.settings, observations, &mut self.state);
        let mut touched = BTreeSet::new();
        let (mut raised, mut updated) = (0, 0);
        for occurrence in occurrences {
            let id = occurrence.key.finding_id();
            match self.book.record(occurrence) {
                Touch::New => raised += 1,
                Touch::Updated => updated += 1,
            }
            touched.insert(id);
        }
        let findings: Vec<&Finding> = touched.iter().filter_map(|id| self.book.get(id)).collect();
        let stamps: Vec<InputStamp> = pending.files.iter().map(|f| f.stamp.clone()).collect();
        self.store
            .commit_run(&self.state.entries(), findings.iter().copied(), &stamps)
            .into_diagnostic()
            .wrap_err("cannot commit the detection results")?;
        for ack in pending.acks {
            ack();
        }

        let m = &self.metrics;
        m.records_processed
            .fetch_add(stats.records, Ordering::Relaxed);
        m.bad_records
            .fetch_add(stats.problem_count(), Ordering::Relaxed);
        m.findings_raised.fetch_add(raised, Ordering::Relaxed);
        m.findings_updated.fetch_add(updated, Ordering::Relaxed);
        if newest_ms > i64::MIN {
            let lag = now_ms().saturating_sub(newest_ms).max(0);
            m.lag_millis.store(lag.unsigned_abs(), Ordering::Relaxed);
        }
        for finding in findings {
            match serde_json::to_value(finding) {
                Ok(value) => self.hand_over(value),
                Err(e) => tracing::error!("finding {} cannot be written: {e}", finding.id),
            }
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
    fn add_events(&mut self, events: Vec<String>, queued: Instant) {
        if !events.is_empty() {
            self.events.extend(events);
            self.started(queued);
        }
    }

    /// Notes that work queued at `queued` is waiting.
    fn started(&mut self, queued: Instant) {
        self.oldest = Some(self.oldest.map_or(queued, |oldest| oldest.min(queued)));
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
