//! HTTP ingest into the pipeline's queue: the console's [`Ingest`] over [`Queue`].

use std::sync::Arc;
use std::sync::atomic::Ordering;

use console::{Ingest, IngestBatch, IngestRejected, Metrics};

use super::queue::{Queue, Refused, Work};

/// Queues each accepted request whole (all its events or none).
pub(crate) struct QueueIngest {
    queue: Arc<Queue>,
    metrics: Arc<Metrics>,
}

impl QueueIngest {
    pub(crate) fn new(queue: Arc<Queue>, metrics: Arc<Metrics>) -> Self {
        Self { queue, metrics }
    }
}

impl Ingest for QueueIngest {
    fn submit(&self, batch: IngestBatch) -> Result<(), IngestRejected> {
        let work = Work::Ingested {
            events: batch.cloudtrail,
            findings: batch.findings,
        };
        let pushed = self.queue.push(work);
        self.metrics
            .ingest_queue_depth
            .store(self.queue.depth() as u64, Ordering::Relaxed);
        pushed.map_err(|refused| match refused {
            Refused::Full => IngestRejected::Busy,
            Refused::Closed => IngestRejected::ShuttingDown,
        })
    }
}
