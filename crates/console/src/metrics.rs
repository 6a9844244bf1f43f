//! Counters of the pipeline and the API, rendered by `GET /metrics` in the Prometheus text
//! exposition format 0.0.4.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::error::ApiError;
use crate::ingest::IngestRejected;
use crate::state::AppState;

/// Counters and gauges; the pipeline updates its own with `fetch_add`/`store` (any ordering:
/// each value stands alone).
#[derive(Debug, Default)]
pub struct Metrics {
    /// Events accepted by `POST /v1/events`.
    pub events_received: AtomicU64,
    /// Ingest requests refused: missing or wrong token (401).
    pub rejected_unauthorized: AtomicU64,
    /// Ingest requests refused: no token configured (403).
    pub rejected_forbidden: AtomicU64,
    /// Ingest requests refused: body over the limit (413).
    pub rejected_too_large: AtomicU64,
    /// Ingest requests refused: not `application/json` (415).
    pub rejected_unsupported_media_type: AtomicU64,
    /// Ingest requests refused: invalid JSON or a malformed event (400).
    pub rejected_bad_request: AtomicU64,
    /// Ingest requests refused: unknown detail-type or too many events (422).
    pub rejected_unprocessable: AtomicU64,
    /// Ingest requests refused: the queue was full (503).
    pub rejected_busy: AtomicU64,
    /// Ingest requests refused: shutting down (503).
    pub rejected_shutting_down: AtomicU64,
    /// CloudTrail records the pipeline processed.
    pub records_processed: AtomicU64,
    /// Records the pipeline could not decode.
    pub bad_records: AtomicU64,
    /// New findings.
    pub findings_raised: AtomicU64,
    /// Existing findings that got another occurrence.
    pub findings_updated: AtomicU64,
    /// Target deliveries that succeeded.
    pub deliveries_delivered: AtomicU64,
    /// Target deliveries that failed (after retries).
    pub deliveries_failed: AtomicU64,
    /// Remediation actions planned (dry-run).
    pub actions_planned: AtomicU64,
    /// Remediation actions applied.
    pub actions_applied: AtomicU64,
    /// Remediation actions refused (sample finding, role not allowed, …).
    pub actions_refused: AtomicU64,
    /// Remediation actions that failed.
    pub actions_failed: AtomicU64,
    /// Gauge: events waiting in the ingest queue.
    pub ingest_queue_depth: AtomicU64,
    /// Gauge: milliseconds between the newest processed record's `eventTime` and when it was
    /// processed (rendered in seconds).
    pub lag_millis: AtomicU64,
}

/// One metric family: name, help, type, its samples as (labels, value) and how a value is
/// written.
struct Family<'a> {
    name: &'static str,
    help: &'static str,
    kind: &'static str,
    samples: Vec<(&'static str, &'a AtomicU64)>,
    format: fn(u64) -> String,
}

impl<'a> Family<'a> {
    fn counter(
        name: &'static str,
        help: &'static str,
        samples: Vec<(&'static str, &'a AtomicU64)>,
    ) -> Self {
        let format = |value: u64| value.to_string();
        Self {
            name,
            help,
            kind: "counter",
            samples,
            format,
        }
    }

    fn gauge(name: &'static str, help: &'static str, value: &'a AtomicU64) -> Self {
        let format = |value: u64| value.to_string();
        Self {
            name,
            help,
            kind: "gauge",
            samples: vec![("", value)],
            format,
        }
    }
}

impl Metrics {
    /// Adds accepted events.
    pub(crate) fn count_received(&self, events: usize) {
        self.events_received
            .fetch_add(u64::try_from(events).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// Counts a refused ingest request under its reason.
    pub(crate) fn count_rejection(&self, error: &ApiError) {
        let counter = match error {
            ApiError::MissingToken | ApiError::WrongToken => &self.rejected_unauthorized,
            ApiError::WritesDisabled => &self.rejected_forbidden,
            ApiError::BodyTooLarge { .. } => &self.rejected_too_large,
            ApiError::UnsupportedMediaType(_) => &self.rejected_unsupported_media_type,
            ApiError::UnknownDetailType { .. } | ApiError::TooManyEvents { .. } => {
                &self.rejected_unprocessable
            }
            ApiError::Unavailable(IngestRejected::Busy) => &self.rejected_busy,
            ApiError::Unavailable(IngestRejected::ShuttingDown) => &self.rejected_shutting_down,
            _ => &self.rejected_bad_request,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        for family in self.families() {
            let _ = writeln!(out, "# HELP {} {}", family.name, family.help);
            let _ = writeln!(out, "# TYPE {} {}", family.name, family.kind);
            for (labels, value) in family.samples {
                let value = (family.format)(value.load(Ordering::Relaxed));
                let _ = writeln!(out, "{}{labels} {value}", family.name);
            }
        }
        out
    }

    fn families(&self) -> [Family<'_>; 10] {
        [
            Family::counter(
                "trailguard_events_received_total",
                "Events accepted by HTTP ingest.",
                vec![("", &self.events_received)],
            ),
            Family::counter(
                "trailguard_events_rejected_total",
                "HTTP ingest requests refused, by reason.",
                vec![
                    (r#"{reason="unauthorized"}"#, &self.rejected_unauthorized),
                    (r#"{reason="forbidden"}"#, &self.rejected_forbidden),
                    (r#"{reason="too_large"}"#, &self.rejected_too_large),
                    (
                        r#"{reason="unsupported_media_type"}"#,
                        &self.rejected_unsupported_media_type,
                    ),
                    (r#"{reason="bad_request"}"#, &self.rejected_bad_request),
                    (r#"{reason="unprocessable"}"#, &self.rejected_unprocessable),
                    (r#"{reason="busy"}"#, &self.rejected_busy),
                    (r#"{reason="shutting_down"}"#, &self.rejected_shutting_down),
                ],
            ),
            Family::counter(
                "trailguard_records_processed_total",
                "CloudTrail records processed by the pipeline.",
                vec![("", &self.records_processed)],
            ),
            Family::counter(
                "trailguard_bad_records_total",
                "Records the pipeline could not decode.",
                vec![("", &self.bad_records)],
            ),
            Family::counter(
                "trailguard_findings_raised_total",
                "New findings.",
                vec![("", &self.findings_raised)],
            ),
            Family::counter(
                "trailguard_findings_updated_total",
                "Existing findings that got another occurrence.",
                vec![("", &self.findings_updated)],
            ),
            Family::counter(
                "trailguard_deliveries_total",
                "Target deliveries, by outcome.",
                vec![
                    (r#"{outcome="delivered"}"#, &self.deliveries_delivered),
                    (r#"{outcome="failed"}"#, &self.deliveries_failed),
                ],
            ),
            Family::counter(
                "trailguard_actions_total",
                "Remediation actions, by status.",
                vec![
                    (r#"{status="planned"}"#, &self.actions_planned),
                    (r#"{status="applied"}"#, &self.actions_applied),
                    (r#"{status="refused"}"#, &self.actions_refused),
                    (r#"{status="failed"}"#, &self.actions_failed),
                ],
            ),
            Family::gauge(
                "trailguard_ingest_queue_depth",
                "Events waiting in the ingest queue.",
                &self.ingest_queue_depth,
            ),
            Family {
                format: millis_as_seconds,
                ..Family::gauge(
                    "trailguard_lag_seconds",
                    "Seconds between the newest processed record's eventTime and its processing.",
                    &self.lag_millis,
                )
            },
        ]
    }
}

/// `1500` → `1.5`, `0` → `0`: exact decimal seconds, no float rounding.
fn millis_as_seconds(millis: u64) -> String {
    let (seconds, rest) = (millis / 1000, millis % 1000);
    if rest == 0 {
        seconds.to_string()
    } else {
        format!("{seconds}.{rest:03}")
            .trim_end_matches('0')
            .to_owned()
    }
}

/// `GET /metrics`.
pub(crate) async fn render_handler(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_exact_decimals() {
        assert_eq!(millis_as_seconds(0), "0");
        assert_eq!(millis_as_seconds(1500), "1.5");
        assert_eq!(millis_as_seconds(2007), "2.007");
        assert_eq!(millis_as_seconds(61_000), "61");
    }
}
