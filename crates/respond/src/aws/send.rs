//! The `sns` and `lambda` targets: SNS `Publish` and Lambda `Invoke`, each bounded by the
//! target's timeout.

use std::time::Duration;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;

use super::Aws;
use super::client::message;
use crate::targets::TargetError;

impl Aws {
    /// SNS `Publish` of `input` as the message, as EventBridge's SNS target sends it (no
    /// subject: e-mail subscribers see SNS's "AWS Notification Message").
    pub(crate) fn publish(
        &self,
        topic_arn: &str,
        input: &str,
        timeout: Duration,
    ) -> Result<(), TargetError> {
        let call = self
            .sns()
            .publish()
            .topic_arn(topic_arn)
            .message(input)
            .send();
        match self.run_for(timeout, call) {
            None => Err(TargetError::AwsTimeout(timeout)),
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(TargetError::Aws(message(&e))),
        }
    }

    /// Lambda `Invoke` with the `Event` invocation type, as EventBridge invokes its targets
    /// (asynchronously: the function's own errors are Lambda's to retry). A Lambda payload
    /// must be JSON, so an input that is not JSON is sent as a JSON string.
    pub(crate) fn invoke(
        &self,
        function_name: &str,
        input: &str,
        timeout: Duration,
    ) -> Result<(), TargetError> {
        let payload = if serde_json::from_str::<serde::de::IgnoredAny>(input).is_ok() {
            input.as_bytes().to_vec()
        } else {
            serde_json::to_vec(input)?
        };
        let call = self
            .lambda()
            .invoke()
            .function_name(function_name)
            .invocation_type(InvocationType::Event)
            .payload(Blob::new(payload))
            .send();
        match self.run_for(timeout, call) {
            None => Err(TargetError::AwsTimeout(timeout)),
            Some(Ok(out)) if (200..300).contains(&out.status_code()) => Ok(()),
            Some(Ok(out)) => Err(TargetError::Aws(format!(
                "Invoke answered status {}",
                out.status_code()
            ))),
            Some(Err(e)) => Err(TargetError::Aws(message(&e))),
        }
    }
}
