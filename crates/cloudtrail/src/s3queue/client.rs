//! [`S3Queue`]: receive S3 notifications from SQS, fetch the announced objects, delete a message
//! once its objects are safely processed. Blocking calls on the queue's own small runtime.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_s3::error::{DisplayErrorContext, SdkError};

use super::{NotificationError, ObjectRef, objects_in_message};
use crate::GzipError;

/// The longest long poll SQS allows.
const MAX_WAIT: Duration = Duration::from_secs(20);

/// An SQS queue of S3 notifications, and the S3 client to fetch what they announce.
#[derive(Debug, Clone)]
pub struct S3Queue {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    runtime: tokio::runtime::Runtime,
    sqs: aws_sdk_sqs::Client,
    s3: aws_sdk_s3::Client,
    queue_url: String,
}

/// One received message.
#[derive(Debug)]
pub struct Message {
    /// What deletes it.
    pub receipt_handle: String,
    /// The objects it announces, or why it could not be read.
    pub objects: Result<Vec<ObjectRef>, NotificationError>,
}

/// A failed SQS or S3 call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum S3QueueError {
    /// The client runtime could not start.
    #[error("cannot start the AWS client runtime: {0}")]
    Runtime(#[from] std::io::Error),
    /// An SQS call failed.
    #[error("sqs:{operation} on `{queue}`: {message}")]
    Sqs {
        /// `ReceiveMessage` or `DeleteMessage`.
        operation: &'static str,
        /// The queue URL.
        queue: String,
        /// AWS's error.
        message: String,
    },
    /// `GetObject` failed.
    #[error("s3:GetObject `{url}`: {message}")]
    Fetch {
        /// `s3://bucket/key`.
        url: String,
        /// AWS's error.
        message: String,
    },
    /// The object starts like gzip but does not decompress.
    #[error("`{url}`: {source}")]
    Gzip {
        /// `s3://bucket/key`.
        url: String,
        /// What is wrong.
        source: GzipError,
    },
}

impl S3Queue {
    /// A source reading `queue_url` with `config` (credentials, region, endpoint). With an
    /// endpoint override (an emulator), S3 is addressed path-style.
    ///
    /// # Errors
    /// If the runtime cannot start.
    pub fn new(config: &aws_types::SdkConfig, queue_url: &str) -> Result<Self, S3QueueError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("trailguard-s3queue")
            .enable_all()
            .build()?;
        let s3_config = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(config.endpoint_url().is_some())
            .build();
        Ok(Self {
            inner: Arc::new(Inner {
                runtime,
                sqs: aws_sdk_sqs::Client::new(config),
                s3: aws_sdk_s3::Client::from_conf(s3_config),
                queue_url: queue_url.to_owned(),
            }),
        })
    }

    /// Up to `max` messages (1–10), waiting up to `wait` (at most 20 s) for the first.
    ///
    /// # Errors
    /// If `ReceiveMessage` fails.
    pub fn receive(&self, max: i32, wait: Duration) -> Result<Vec<Message>, S3QueueError> {
        let inner = &self.inner;
        let wait_s = i32::try_from(wait.min(MAX_WAIT).as_secs()).unwrap_or(20);
        let call = inner
            .sqs
            .receive_message()
            .queue_url(&inner.queue_url)
            .max_number_of_messages(max.clamp(1, 10))
            .wait_time_seconds(wait_s)
            .send();
        let out = inner
            .runtime
            .block_on(call)
            .map_err(|e| self.sqs_error("ReceiveMessage", &e))?;
        Ok(out
            .messages()
            .iter()
            .filter_map(|m| {
                Some(Message {
                    receipt_handle: m.receipt_handle()?.to_owned(),
                    objects: objects_in_message(m.body().unwrap_or_default()),
                })
            })
            .collect())
    }

    /// The object's size as stored, and its content, decompressed when it is gzip.
    ///
    /// # Errors
    /// If `GetObject` fails or the gzip data is bad.
    pub fn fetch(&self, object: &ObjectRef) -> Result<(u64, Vec<u8>), S3QueueError> {
        let inner = &self.inner;
        let fetch_error = |message: String| S3QueueError::Fetch {
            url: object.url(),
            message,
        };
        let bytes = inner.runtime.block_on(async {
            let out = inner
                .s3
                .get_object()
                .bucket(&object.bucket)
                .key(&object.key)
                .send()
                .await
                .map_err(|e| fetch_error(DisplayErrorContext(&e).to_string()))?;
            out.body
                .collect()
                .await
                .map(|data| data.into_bytes().to_vec())
                .map_err(|e| fetch_error(e.to_string()))
        })?;
        let stored = bytes.len() as u64;
        let content = crate::decompress(bytes).map_err(|source| S3QueueError::Gzip {
            url: object.url(),
            source,
        })?;
        Ok((stored, content))
    }

    /// Deletes a message: its objects are processed.
    ///
    /// # Errors
    /// If `DeleteMessage` fails.
    pub fn delete(&self, receipt_handle: &str) -> Result<(), S3QueueError> {
        let inner = &self.inner;
        let call = inner
            .sqs
            .delete_message()
            .queue_url(&inner.queue_url)
            .receipt_handle(receipt_handle)
            .send();
        inner
            .runtime
            .block_on(call)
            .map(|_| ())
            .map_err(|e| self.sqs_error("DeleteMessage", &e))
    }

    fn sqs_error<E, R>(&self, operation: &'static str, error: &SdkError<E, R>) -> S3QueueError
    where
        E: std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        S3QueueError::Sqs {
            operation,
            queue: self.inner.queue_url.clone(),
            message: DisplayErrorContext(error).to_string(),
        }
    }
}
