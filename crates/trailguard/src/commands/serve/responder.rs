//! The responder thread of `serve`: every new or updated finding (and every GuardDuty finding
//! ingested) goes through the rules, its notifications and its remediations, on a thread of
//! its own so a slow target never holds up detection.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;

use console::Metrics;
use serde_json::Value;
use store::Store;

use crate::commands::respond::Run;

/// Responds to each finding `findings` yields, until every sender is gone.
pub(crate) fn respond_all(
    run: &Run<'_>,
    findings: &Receiver<Value>,
    mut store: Store,
    metrics: &Arc<Metrics>,
) {
    for finding in findings {
        let mut say = |line: &str| tracing::info!("{}", line.trim_end());
        match run.respond(&finding, &mut store, &mut say) {
            Ok(report) => {
                metrics
                    .deliveries_delivered
                    .fetch_add(report.delivered, Ordering::Relaxed);
                metrics
                    .deliveries_failed
                    .fetch_add(report.undelivered, Ordering::Relaxed);
                for (_, execution) in &report.remediations {
                    let counter = if execution.is_some() {
                        &metrics.actions_applied
                    } else {
                        &metrics.actions_planned
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(error) => tracing::error!("responding to a finding failed: {error:?}"),
        }
    }
}
