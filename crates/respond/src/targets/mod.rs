//! Targets: delivering what a rule produced (its input text) to e-mail, webhooks, programs and
//! files, with a timeout per attempt, bounded exponential backoff between attempts, and failed
//! deliveries kept in the store so that nothing is lost.
//!
//! ```text
//! Router::route → Outcome::Routed { dispatches, .. }
//!     → Deliverer::deliver_dispatches(&dispatches, finding_id, &mut store)
//!         each target on its own thread: attempt, back off, attempt… (1 + retries attempts)
//!         → DeliveryReport per dispatch; failures kept in `deliveries` (status failed)
//! trailguard deliveries retry [ID] → Deliverer::retry_kept(…) → status delivered
//! ```

mod command;
mod delivery;
mod email;
mod env;
mod file;
mod json;
mod retry;
mod webhook;

use std::time::Duration;

use crate::config::TargetType;

pub use delivery::{Deliverer, DeliveryOutcome, DeliveryReport, Job};
pub use email::{
    DEFAULT_FROM, DEFAULT_OUTBOX, DEFAULT_SUBJECT, EmailSettings, EmailSettingsError, SmtpTls,
};
pub use retry::Backoff;
pub use webhook::{SIGNATURE_HEADER, signature};

/// Why one delivery attempt failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// A secret's environment variable is not set (its value is never shown).
    #[error("environment variable `{0}` is not set")]
    MissingEnv(String),
    /// A `to` or `from` address does not parse.
    #[error("invalid e-mail address `{address}`: {reason}")]
    Address {
        /// The address.
        address: String,
        /// Why.
        reason: String,
    },
    /// The e-mail could not be built, or its settings are inconsistent.
    #[error("cannot build the e-mail: {0}")]
    Email(String),
    /// The SMTP exchange failed.
    #[error("smtp: {0}")]
    Smtp(String),
    /// The webhook answered outside 2xx.
    #[error("the webhook answered http status {0}")]
    HttpStatus(u16),
    /// The webhook could not be reached or did not answer in time.
    #[error("http: {0}")]
    Http(String),
    /// A `command` target's program could not be started.
    #[error("cannot run `{program}`: {error}")]
    Spawn {
        /// The program.
        program: String,
        /// Why.
        error: std::io::Error,
    },
    /// A `command` target's program exited unsuccessfully.
    #[error("`{program}` failed ({status}): {stderr}")]
    CommandFailed {
        /// The program.
        program: String,
        /// `exit status: 3`, or the signal.
        status: String,
        /// Its stderr's last non-empty line.
        stderr: String,
    },
    /// A `command` target's program outlived the timeout.
    #[error("`{program}` did not finish within {timeout:?} and was killed")]
    CommandTimeout {
        /// The program.
        program: String,
        /// The target's timeout.
        timeout: Duration,
    },
    /// Writing a file (outbox, JSON Lines) failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The input could not be written as JSON.
    #[error("cannot write the input as JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// `sns` and `lambda` need live AWS: the `aws` feature and an `[aws]` client.
    #[error(
        "`{0}` targets need live AWS: trailguard built with the `aws` feature (`cargo build --release --features aws`)"
    )]
    NeedsAws(TargetType),
    /// An SNS or Lambda call failed (after the SDK's own retries).
    #[error("aws: {0}")]
    Aws(String),
    /// An SNS or Lambda call did not finish within the target's timeout.
    #[error("aws: no answer within {0:?}")]
    AwsTimeout(Duration),
    /// `remediate` targets are actions, run by the remediation engine, not delivered.
    #[error("`remediate` targets are run as remediation actions, not delivered")]
    NotDeliverable,
}

impl TargetError {
    /// Whether another attempt cannot succeed without a change of configuration or
    /// environment: such errors are not retried at once (the delivery is still kept).
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            Self::MissingEnv(_)
                | Self::Address { .. }
                | Self::Email(_)
                | Self::Json(_)
                | Self::NeedsAws(_)
                | Self::NotDeliverable
        )
    }
}
