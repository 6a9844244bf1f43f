//! CloudTrail's own delivery path as a live source: CloudTrail writes log files to S3, S3 (or
//! CloudTrail's SNS topic) announces each one, and the announcements wait in an SQS queue.
//!
//! [`objects_in_message`] reads one SQS message body in every shape that path produces:
//! - an S3 event notification (`{"Records":[{"eventSource":"aws:s3","s3":{…}}]}`), sent by S3
//!   directly or through EventBridge-less SNS (`{"Type":"Notification","Message":"…"}`);
//! - CloudTrail's SNS notification (`{"s3Bucket":"…","s3ObjectKey":["…"]}`);
//! - S3's `s3:TestEvent`, which names no object.
//!
//! The client that receives, fetches and deletes (`S3Queue`) needs the AWS SDK: the `aws`
//! feature.

#[cfg(feature = "aws")]
mod client;

#[cfg(feature = "aws")]
pub use client::{Message, S3Queue, S3QueueError};

use serde_json::Value;

/// An S3 object a notification announces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    /// The bucket.
    pub bucket: String,
    /// The key, decoded (S3 notifications URL-encode it).
    pub key: String,
    /// Its size, when the notification says.
    pub size: Option<u64>,
}

impl ObjectRef {
    /// `s3://bucket/key`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// A message body that is none of the known notifications.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not an S3 or CloudTrail notification: {0}")]
pub struct NotificationError(String);

/// The objects one SQS message body announces (none for a test event).
///
/// # Errors
/// If the body is not JSON, or not one of the notification shapes.
pub fn objects_in_message(body: &str) -> Result<Vec<ObjectRef>, NotificationError> {
    let value: Value =
        serde_json::from_str(body).map_err(|e| NotificationError(format!("invalid JSON: {e}")))?;
    objects_in(&value)
}

fn objects_in(value: &Value) -> Result<Vec<ObjectRef>, NotificationError> {
    if value.get("Type").and_then(Value::as_str) == Some("Notification") {
        let message = value
            .get("Message")
            .and_then(Value::as_str)
            .ok_or_else(|| NotificationError("an SNS notification without `Message`".into()))?;
        return objects_in_message(message);
    }
    if let Some(bucket) = value.get("s3Bucket").and_then(Value::as_str) {
        let keys = value
            .get("s3ObjectKey")
            .and_then(Value::as_array)
            .ok_or_else(|| NotificationError("`s3Bucket` without `s3ObjectKey`".into()))?;
        return Ok(keys
            .iter()
            .filter_map(Value::as_str)
            .map(|key| ObjectRef {
                bucket: bucket.to_owned(),
                key: key.to_owned(),
                size: None,
            })
            .collect());
    }
    if value.get("Event").and_then(Value::as_str) == Some("s3:TestEvent") {
        return Ok(Vec::new());
    }
    let records = value
        .get("Records")
        .and_then(Value::as_array)
        .ok_or_else(|| NotificationError("no `Records`, `s3Bucket` or `Message`".into()))?;
    records.iter().map(s3_record).collect()
}

/// One record of an S3 event notification.
fn s3_record(record: &Value) -> Result<ObjectRef, NotificationError> {
    let s3 = record
        .get("s3")
        .ok_or_else(|| NotificationError("a record without `s3`".into()))?;
    let text = |pointer: &str| s3.pointer(pointer).and_then(Value::as_str);
    let bucket = text("/bucket/name")
        .ok_or_else(|| NotificationError("a record without `s3.bucket.name`".into()))?;
    let key = text("/object/key")
        .ok_or_else(|| NotificationError("a record without `s3.object.key`".into()))?;
    Ok(ObjectRef {
        bucket: bucket.to_owned(),
        key: form_decode(key)
            .ok_or_else(|| NotificationError(format!("badly encoded key `{key}`")))?,
        size: s3.pointer("/object/size").and_then(Value::as_u64),
    })
}

/// Decodes an S3 notification key: URL encoding with `+` for a space.
fn form_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AWSLogs/123456789012/CloudTrail/us-west-2/2026/05/12/123456789012_CloudTrail_us-west-2_20260512T1615Z_abc.json.gz";

    fn object(key: &str, size: Option<u64>) -> ObjectRef {
        ObjectRef {
            bucket: "trail-bucket".to_owned(),
            key: key.to_owned(),
            size,
        }
    }

    /// S3's notification of a CloudTrail file (event structure version 2.1, trimmed).
    fn s3_notification(key: &str) -> String {
        serde_json::json!({"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3",
            "awsRegion": "us-west-2", "eventTime": "2026-05-12T16:15:59.123Z",
            "eventName": "ObjectCreated:Put",
            "s3": {"s3SchemaVersion": "1.0", "configurationId": "trailguard",
                "bucket": {"name": "trail-bucket", "arn": "arn:aws:s3:::trail-bucket"},
                "object": {"key": key, "size": 2431, "eTag": "0e5b1a0f3c4d", "sequencer": "0A1B2C"}}}]})
        .to_string()
    }

    #[test]
    fn an_s3_notification_names_its_object() {
        assert_eq!(
            objects_in_message(&s3_notification(KEY)).unwrap(),
            [object(KEY, Some(2431))]
        );
    }

    #[test]
    fn keys_are_url_decoded_with_plus_as_space() {
        let objects = objects_in_message(&s3_notification("logs/a+b%2Bc%3D.json.gz")).unwrap();
        assert_eq!(objects[0].key, "logs/a b+c=.json.gz");
        assert_eq!(objects[0].url(), "s3://trail-bucket/logs/a b+c=.json.gz");
    }

    #[test]
    fn an_sns_wrapped_s3_notification_is_unwrapped() {
        let sns = serde_json::json!({"Type": "Notification", "MessageId": "m-1",
            "TopicArn": "arn:aws:sns:us-west-2:123456789012:trail", "Subject": "Amazon S3 Notification",
            "Message": s3_notification(KEY)})
        .to_string();
        assert_eq!(objects_in_message(&sns).unwrap(), [object(KEY, Some(2431))]);
    }

    #[test]
    fn cloudtrails_own_sns_notification_lists_its_keys() {
        let cloudtrail =
            serde_json::json!({"s3Bucket": "trail-bucket", "s3ObjectKey": [KEY, "k2.json.gz"]});
        let sns = serde_json::json!({"Type": "Notification", "Message": cloudtrail.to_string()});
        assert_eq!(
            objects_in_message(&sns.to_string()).unwrap(),
            [object(KEY, None), object("k2.json.gz", None)]
        );
    }

    #[test]
    fn a_test_event_names_nothing_and_junk_is_an_error() {
        let test = r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-05-12T16:00:00.000Z","Bucket":"trail-bucket","RequestId":"r","HostId":"h"}"#;
        assert_eq!(objects_in_message(test).unwrap(), []);
        for (body, reason) in [
            ("not json", "invalid JSON"),
            ("{}", "no `Records`, `s3Bucket` or `Message`"),
            (
                r#"{"Records":[{"eventSource":"aws:s3"}]}"#,
                "a record without `s3`",
            ),
            (
                r#"{"Records":[{"s3":{"bucket":{"name":"b"},"object":{"key":"%zz"}}}]}"#,
                "badly encoded key `%zz`",
            ),
            (
                r#"{"Type":"Notification"}"#,
                "an SNS notification without `Message`",
            ),
        ] {
            let error = objects_in_message(body).unwrap_err().to_string();
            assert!(error.contains(reason), "{body}: {error}");
        }
    }
}
