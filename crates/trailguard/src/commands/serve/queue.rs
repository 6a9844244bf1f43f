//! The bounded queue between the sources (HTTP ingest, watched directories) and the detection
//! pipeline. It counts events, not requests: when `capacity` events are waiting, ingest is
//! refused (HTTP 503) instead of growing memory without bound.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;
use store::InputStamp;

/// One unit of work for the pipeline.
pub(crate) enum Work {
    /// One HTTP ingest request.
    Ingested {
        /// CloudTrail EventBridge events, each its JSON text.
        events: Vec<String>,
        /// GuardDuty findings (EventBridge envelopes): routed as they are.
        findings: Vec<Value>,
    },
    /// CloudTrail files (from a watched directory, or the objects of one S3 notification).
    Files {
        /// The files.
        files: Vec<FileWork>,
        /// Called once the findings they produced are committed (deletes the SQS message).
        ack: Option<Ack>,
    },
}

/// What confirms that work is safely processed.
pub(crate) type Ack = Box<dyn FnOnce() + Send>;

/// One CloudTrail file to detect over.
#[derive(Debug)]
pub(crate) struct FileWork {
    /// Where it was read (a path or `s3://bucket/key`).
    pub(crate) source: String,
    /// Its bytes, decompressed.
    pub(crate) bytes: Vec<u8>,
    /// Its identity, committed with the findings it produced.
    pub(crate) stamp: InputStamp,
}

impl Work {
    /// What the work counts for against the capacity (a file counts as one).
    fn weight(&self) -> usize {
        match self {
            Self::Ingested { events, findings } => events.len() + findings.len(),
            Self::Files { files, .. } => files.len(),
        }
    }
}

/// Why work was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The queue is full.
    Full,
    /// The pipeline is stopping.
    Closed,
}

#[derive(Default)]
struct Inner {
    items: VecDeque<(Work, Instant)>,
    weight: usize,
    closed: bool,
}

/// A bounded multi-producer, single-consumer queue of [`Work`].
pub(crate) struct Queue {
    inner: Mutex<Inner>,
    ready: Condvar,
    capacity: usize,
}

impl Queue {
    /// A queue holding at most `capacity` events.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            ready: Condvar::new(),
            capacity,
        }
    }

    /// Queues `work`, or refuses it when it does not fit or the queue is closed. Work larger
    /// than the whole capacity is accepted into an empty queue, so nothing is refused forever.
    pub(crate) fn push(&self, work: Work) -> Result<(), Refused> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner.closed {
            return Err(Refused::Closed);
        }
        let weight = work.weight();
        if inner.weight > 0 && inner.weight + weight > self.capacity {
            return Err(Refused::Full);
        }
        inner.weight += weight;
        inner.items.push_back((work, Instant::now()));
        drop(inner);
        self.ready.notify_one();
        Ok(())
    }

    /// The oldest work and when it was queued, waiting up to `timeout`; `None` on timeout,
    /// or when the queue is closed and empty ([`Queue::is_finished`] tells which).
    pub(crate) fn pop(&self, timeout: Duration) -> Option<(Work, Instant)> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let (mut inner, _) = self
            .ready
            .wait_timeout_while(inner, timeout, |i| i.items.is_empty() && !i.closed)
            .unwrap_or_else(PoisonError::into_inner);
        let (work, queued) = inner.items.pop_front()?;
        inner.weight -= work.weight();
        Some((work, queued))
    }

    /// Refuses new work from now on; what is queued is still handed out.
    pub(crate) fn close(&self) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed = true;
        self.ready.notify_all();
    }

    /// Closed: the process is stopping.
    pub(crate) fn is_closed(&self) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed
    }

    /// Closed and empty: the consumer can stop.
    pub(crate) fn is_finished(&self) -> bool {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.closed && inner.items.is_empty()
    }

    /// Events waiting.
    pub(crate) fn depth(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .weight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(n: usize) -> Work {
        Work::Ingested {
            events: vec!["{}".to_owned(); n],
            findings: Vec::new(),
        }
    }

    #[test]
    fn the_queue_refuses_what_does_not_fit_and_hands_out_in_order() {
        let queue = Queue::new(10);
        queue.push(events(6)).unwrap();
        assert_eq!(queue.push(events(5)), Err(Refused::Full));
        queue.push(events(4)).unwrap();
        assert_eq!(queue.depth(), 10);
        let Some((Work::Ingested { events: first, .. }, _)) = queue.pop(Duration::ZERO) else {
            panic!("empty");
        };
        assert_eq!(first.len(), 6);
        assert_eq!(queue.depth(), 4);
        queue.push(events(5)).unwrap();
    }

    #[test]
    fn oversized_work_enters_an_empty_queue() {
        let queue = Queue::new(10);
        queue.push(events(50)).unwrap();
        assert_eq!(queue.push(events(1)), Err(Refused::Full));
    }

    #[test]
    fn a_closed_queue_refuses_new_work_but_drains() {
        let queue = Queue::new(10);
        queue.push(events(1)).unwrap();
        queue.close();
        assert_eq!(queue.push(events(1)), Err(Refused::Closed));
        assert!(!queue.is_finished());
        assert!(queue.pop(Duration::from_secs(5)).is_some());
        assert!(queue.is_finished());
        let started = Instant::now();
        assert!(queue.pop(Duration::from_secs(5)).is_none());
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "no wait once closed"
        );
    }
}
