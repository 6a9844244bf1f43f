//! The delivery runner: attempts with backoff, every target of a dispatch on its own thread,
//! and failures kept in the store's `deliveries` table.

use std::thread;
use std::time::{SystemTime, UNIX_EPOCH};

use store::deliveries::{DeliveryRecord, FailedDelivery};
use store::{Store, StoreError};

use super::{Backoff, EmailSettings, TargetError, command, file, webhook};
#[cfg(feature = "aws")]
use crate::aws::Aws;
use crate::config::{Target, TargetKind};
use crate::router::Dispatch;

/// One input for one target.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    /// The rule's name.
    pub rule: &'a str,
    /// The target, with its retries and timeout.
    pub target: &'a Target,
    /// Exactly what the target receives.
    pub input: &'a str,
}

/// How a job's attempts ended.
#[derive(Debug)]
pub enum DeliveryOutcome {
    /// An attempt succeeded.
    Delivered,
    /// Every attempt failed; the last error.
    Failed(TargetError),
}

/// What happened to one job.
#[derive(Debug)]
pub struct DeliveryReport {
    /// The rule's name.
    pub rule: String,
    /// The target's id.
    pub target_id: String,
    /// Attempts made (1 + retries at most).
    pub attempts: u32,
    /// Delivered or failed.
    pub outcome: DeliveryOutcome,
    /// The `deliveries` row that keeps (or kept) it, when it failed or was a retry.
    pub kept_as: Option<i64>,
}

/// Delivers jobs with retries; share one per process.
#[derive(Debug, Clone, Default)]
pub struct Deliverer {
    email: EmailSettings,
    backoff: Backoff,
    #[cfg(feature = "aws")]
    aws: Option<Aws>,
}

impl Deliverer {
    /// A deliverer sending e-mail as `email` says, with the default backoff.
    pub fn new(email: EmailSettings) -> Self {
        Self {
            email,
            ..Self::default()
        }
    }

    /// The same, delivering `sns` and `lambda` targets through `aws`.
    #[cfg(feature = "aws")]
    #[must_use]
    pub fn with_aws(mut self, aws: Aws) -> Self {
        self.aws = Some(aws);
        self
    }

    /// The same, waiting `backoff` between attempts.
    #[must_use]
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Up to `1 + target.retries` attempts, waiting the backoff in between; an error that
    /// cannot go away by itself ([`TargetError::is_permanent`]) ends the attempts early.
    pub fn deliver(&self, job: &Job<'_>) -> DeliveryReport {
        let key = format!("{}/{}", job.rule, job.target.id);
        let mut attempts = 0;
        let outcome = loop {
            attempts += 1;
            match self.send_once(job.target, job.input) {
                Ok(()) => break DeliveryOutcome::Delivered,
                Err(error) if error.is_permanent() || attempts > job.target.retries => {
                    break DeliveryOutcome::Failed(error);
                }
                Err(_) => thread::sleep(self.backoff.delay(attempts - 1, &key)),
            }
        };
        DeliveryReport {
            rule: job.rule.to_owned(),
            target_id: job.target.id.clone(),
            attempts,
            outcome,
            kept_as: None,
        }
    }

    /// Delivers every job at once, each on its own thread, so a slow or failing target never
    /// holds up the others; reports in the order of `jobs`.
    pub fn deliver_all(&self, jobs: &[Job<'_>]) -> Vec<DeliveryReport> {
        if let [job] = jobs {
            return vec![self.deliver(job)];
        }
        thread::scope(|scope| {
            let handles: Vec<_> = jobs
                .iter()
                .map(|job| scope.spawn(move || self.deliver(job)))
                .collect();
            handles
                .into_iter()
                .zip(jobs)
                .map(|(handle, job)| {
                    handle.join().unwrap_or_else(|_| DeliveryReport {
                        rule: job.rule.to_owned(),
                        target_id: job.target.id.clone(),
                        attempts: 1,
                        outcome: DeliveryOutcome::Failed(TargetError::Io(std::io::Error::other(
                            "the delivery thread panicked",
                        ))),
                        kept_as: None,
                    })
                })
                .collect()
        })
    }

    /// Delivers the router's dispatches (except `remediate` targets, which the remediation
    /// engine runs) and keeps each that failed in `deliveries`, with `finding_id`.
    pub fn deliver_dispatches(
        &self,
        dispatches: &[Dispatch<'_>],
        finding_id: Option<&str>,
        store: &mut Store,
    ) -> Result<Vec<DeliveryReport>, StoreError> {
        let jobs: Vec<Job<'_>> = dispatches
            .iter()
            .filter(|d| !matches!(d.target.kind, TargetKind::Remediate(_)))
            .map(|d| Job {
                rule: d.rule,
                target: d.target,
                input: &d.input,
            })
            .collect();
        let mut reports = self.deliver_all(&jobs);
        for (report, job) in reports.iter_mut().zip(&jobs) {
            if let DeliveryOutcome::Failed(error) = &report.outcome {
                let error = error.to_string();
                let id = store.record_failed_delivery(&FailedDelivery {
                    rule: job.rule,
                    target: &job.target.id,
                    finding_id,
                    payload: job.input,
                    attempts: report.attempts,
                    error: &error,
                    at_ms: now_ms(),
                })?;
                report.kept_as = Some(id);
            }
        }
        Ok(reports)
    }

    /// Sends kept deliveries again (each with its target's retries), all at once, and records
    /// the result: `delivered`, or still `failed` with the new error and attempts.
    pub fn retry_kept(
        &self,
        kept: &[(&DeliveryRecord, &Target)],
        store: &mut Store,
    ) -> Result<Vec<DeliveryReport>, StoreError> {
        let jobs: Vec<Job<'_>> = kept
            .iter()
            .map(|(record, target)| Job {
                rule: &record.rule,
                target,
                input: &record.payload,
            })
            .collect();
        let mut reports = self.deliver_all(&jobs);
        for (report, (record, _)) in reports.iter_mut().zip(kept) {
            let error = match &report.outcome {
                DeliveryOutcome::Delivered => None,
                DeliveryOutcome::Failed(error) => Some(error.to_string()),
            };
            store.record_retry(record.id, report.attempts, error.as_deref(), now_ms())?;
            report.kept_as = Some(record.id);
        }
        Ok(reports)
    }

    /// Makes one attempt to deliver `input` to `target`, bounded by the target's timeout.
    ///
    /// `file` targets and the e-mail outbox write local files, which the timeout does not bound.
    fn send_once(&self, target: &Target, input: &str) -> Result<(), TargetError> {
        match &target.kind {
            TargetKind::Email { to, subject } => {
                self.email
                    .send(to, subject.as_deref(), input, target.timeout)
            }
            TargetKind::Webhook {
                url,
                secret_env,
                format,
            } => webhook::post(url, secret_env.as_deref(), *format, input, target.timeout),
            TargetKind::Command { program, args } => {
                command::run(program, args, input, target.timeout)
            }
            TargetKind::File { path } => file::append(path, input),
            #[cfg(feature = "aws")]
            TargetKind::Sns { topic_arn } => {
                self.aws_for(target)?
                    .publish(topic_arn, input, target.timeout)
            }
            #[cfg(feature = "aws")]
            TargetKind::Lambda { function_name } => {
                self.aws_for(target)?
                    .invoke(function_name, input, target.timeout)
            }
            #[cfg(not(feature = "aws"))]
            TargetKind::Sns { .. } | TargetKind::Lambda { .. } => {
                Err(TargetError::NeedsAws(target.kind.target_type()))
            }
            TargetKind::Remediate(_) => Err(TargetError::NotDeliverable),
        }
    }

    #[cfg(feature = "aws")]
    fn aws_for(&self, target: &Target) -> Result<&Aws, TargetError> {
        self.aws
            .as_ref()
            .ok_or_else(|| TargetError::NeedsAws(target.kind.target_type()))
    }
}

/// Milliseconds since the epoch.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
