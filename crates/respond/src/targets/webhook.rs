//! `webhook` targets: an HTTP POST of the input, optionally signed with HMAC-SHA256.

use std::fmt::Write as _;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::TargetError;
use super::env::read_env;
use super::json::{as_text, is_json};
use crate::config::WebhookFormat;

/// The signature header: `sha256=<lowercase hex HMAC-SHA256 of the body>`.
pub const SIGNATURE_HEADER: &str = "X-Trailguard-Signature";

/// The request a webhook target sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebhookRequest {
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
}

impl WebhookRequest {
    /// JSON inputs as `application/json`, text as `text/plain`; Slack mode wraps the input's
    /// text (a JSON string input without its quotes) as `{"text": …}`.
    pub(crate) fn new(input: &str, format: WebhookFormat) -> Result<Self, TargetError> {
        Ok(match format {
            WebhookFormat::Slack => Self {
                content_type: "application/json",
                body: serde_json::to_string(&serde_json::json!({ "text": as_text(input) }))?,
            },
            WebhookFormat::Json if is_json(input) => Self {
                content_type: "application/json",
                body: input.to_owned(),
            },
            WebhookFormat::Json => Self {
                content_type: "text/plain; charset=utf-8",
                body: input.to_owned(),
            },
        })
    }
}

/// `sha256=<hex>` of `body` keyed with `key`.
pub fn signature(key: &[u8], body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC accepts keys of any length; this arm is never taken.
        Err(_) => return String::new(),
    };
    mac.update(body);
    let mut text = String::from("sha256=");
    for byte in mac.finalize().into_bytes() {
        // Writing to a String cannot fail.
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// POSTs the input; any status outside 2xx, a refused connection or the timeout fails.
pub(crate) fn post(
    url: &str,
    secret_env: Option<&str>,
    format: WebhookFormat,
    input: &str,
    timeout: Duration,
) -> Result<(), TargetError> {
    let request = WebhookRequest::new(input, format)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(true)
        .user_agent(concat!("trailguard/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut call = agent.post(url).header("Content-Type", request.content_type);
    if let Some(name) = secret_env {
        let key = read_env(name)?;
        call = call.header(
            SIGNATURE_HEADER,
            signature(key.as_bytes(), request.body.as_bytes()),
        );
    }
    call.send(request.body.as_bytes()).map_err(|e| match e {
        ureq::Error::StatusCode(status) => TargetError::HttpStatus(status),
        other => TargetError::Http(other.to_string()),
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc_4231_case_2() {
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn shapes_json_text_and_slack_bodies() {
        let json = WebhookRequest::new("{\"a\":1}", WebhookFormat::Json).unwrap();
        assert_eq!(
            (json.content_type, json.body.as_str()),
            ("application/json", "{\"a\":1}")
        );
        let text =
            WebhookRequest::new("GuardDuty Remediation | ID:1", WebhookFormat::Json).unwrap();
        assert_eq!(text.content_type, "text/plain; charset=utf-8");
        assert_eq!(text.body, "GuardDuty Remediation | ID:1");
        let slack =
            WebhookRequest::new("\"GuardDuty Finding | ID:1\"", WebhookFormat::Slack).unwrap();
        assert_eq!(slack.body, "{\"text\":\"GuardDuty Finding | ID:1\"}");
        let slack_json = WebhookRequest::new("{\"a\":1}", WebhookFormat::Slack).unwrap();
        assert_eq!(slack_json.body, "{\"text\":\"{\\\"a\\\":1}\"}");
    }
}
