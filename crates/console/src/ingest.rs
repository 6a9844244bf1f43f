//! The hand-off from `POST /v1/events` to the pipeline.

/// Where accepted events go (the pipeline's bounded queue). `submit` is called on the async
/// runtime, so it must not block: a full queue answers [`IngestRejected::Busy`] at once.
pub trait Ingest: Send + Sync + 'static {
    /// Queues one request's events, all or none.
    ///
    /// # Errors
    /// [`IngestRejected`] when the events cannot be queued now; the client retries.
    fn submit(&self, events: IngestBatch) -> Result<(), IngestRejected>;
}

/// The events of one accepted request, in request order within each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestBatch {
    /// CloudTrail EventBridge events ("AWS API Call via CloudTrail" and the other CloudTrail
    /// detail-types), each the exact JSON text of one event as it appeared in the request.
    pub cloudtrail: Vec<String>,
    /// "GuardDuty Finding" envelopes, parsed.
    pub findings: Vec<serde_json::Value>,
}

impl IngestBatch {
    /// Number of events.
    pub fn len(&self) -> usize {
        self.cloudtrail.len() + self.findings.len()
    }

    /// True when there is no event.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why the pipeline refused a batch (HTTP 503 with `Retry-After: 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IngestRejected {
    /// The queue is full: backpressure.
    #[error("the ingest queue is full, retry later")]
    Busy,
    /// The process is stopping.
    #[error("trailguard is shutting down")]
    ShuttingDown,
}
