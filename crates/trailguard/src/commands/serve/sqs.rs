//! The SQS source: S3 notifications of CloudTrail files, the files fetched from S3 and queued
//! for detection. A message is deleted only after the findings its files produced are
//! committed (at least once); a file already processed is not counted again (idempotent), so
//! a message delivered twice changes nothing. An object is identified by `s3://bucket/key`
//! and its stored size (CloudTrail never rewrites a log file).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use cloudtrail::s3queue::{Message, S3Queue};
use miette::IntoDiagnostic;
use respond::aws::{Aws, AwsSettings};
use store::{InputStamp, Store};

use super::queue::{FileWork, Queue, Refused, Work};
use super::settings::ServeSettings;
use crate::config::LoadedConfig;

/// Long-poll wait of one receive: short, so a stop is noticed quickly.
const WAIT: Duration = Duration::from_secs(1);
/// Pause after a failed receive.
const BACKOFF: Duration = Duration::from_secs(1);

/// The source `[serve] sqs_queue_url` names, through `[aws]`; `None` without one.
pub(crate) fn connect(
    config: &LoadedConfig,
    serve: &ServeSettings,
) -> miette::Result<Option<S3Queue>> {
    let Some(url) = &serve.sqs_queue_url else {
        return Ok(None);
    };
    let settings =
        AwsSettings::from_table(config.raw.aws.as_ref(), &config.dir).into_diagnostic()?;
    let aws = Aws::connect(&settings).into_diagnostic()?;
    S3Queue::new(aws.sdk_config(), url)
        .map(Some)
        .into_diagnostic()
}

/// Receives until `stop` is set.
pub(crate) fn poll(source: &S3Queue, store: &Store, queue: &Queue, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        let messages = match source.receive(10, WAIT) {
            Ok(messages) => messages,
            Err(e) => {
                tracing::warn!("{e}");
                std::thread::sleep(BACKOFF);
                continue;
            }
        };
        for message in messages {
            if take(source, store, queue, message) == Err(Refused::Closed) {
                return;
            }
        }
    }
}

/// Queues the new files of one message, with its deletion as their acknowledgement. A message
/// that cannot be handled now is left alone: SQS delivers it again after its visibility timeout.
fn take(source: &S3Queue, store: &Store, queue: &Queue, message: Message) -> Result<(), Refused> {
    let objects = match message.objects {
        Ok(objects) => objects,
        Err(e) => {
            // Not a notification: it will never become one, so it is deleted, loudly.
            tracing::warn!("SQS message deleted: {e}");
            delete(source, &message.receipt_handle);
            return Ok(());
        }
    };
    let mut files = Vec::new();
    for object in &objects {
        let mut stamp = InputStamp {
            path: object.url(),
            size: object.size.unwrap_or(0),
            modified_ms: 0,
        };
        if object.size.is_some() && store.is_processed(&stamp).unwrap_or(false) {
            continue;
        }
        let (stored, bytes) = match source.fetch(object) {
            Ok(fetched) => fetched,
            Err(e) => {
                tracing::warn!("{e} (the message stays in the queue)");
                return Ok(());
            }
        };
        if object.size.is_none() {
            // CloudTrail's own notifications give no size: the object's is known now.
            stamp.size = stored;
            if store.is_processed(&stamp).unwrap_or(false) {
                continue;
            }
        }
        files.push(FileWork {
            source: stamp.path.clone(),
            bytes,
            stamp,
        });
    }
    if files.is_empty() {
        delete(source, &message.receipt_handle);
        return Ok(());
    }
    let acknowledging = source.clone();
    let receipt = message.receipt_handle;
    let work = Work::Files {
        files,
        ack: Some(Box::new(move || delete(&acknowledging, &receipt))),
    };
    match queue.push(work) {
        Ok(()) => Ok(()),
        Err(Refused::Full) => {
            tracing::debug!("the queue is full: the message is left for SQS to deliver again");
            Ok(())
        }
        Err(Refused::Closed) => Err(Refused::Closed),
    }
}

fn delete(source: &S3Queue, receipt_handle: &str) {
    if let Err(e) = source.delete(receipt_handle) {
        // Delivered again later, and then recognised as processed.
        tracing::warn!("{e}");
    }
}
