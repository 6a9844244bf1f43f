//! The responder thread of `serve`: routes what the store's outbox holds — findings the
//! pipeline committed and GuardDuty findings ingested — through the rules, their
//! notifications and their remediations, on a thread of its own so a slow target never holds
//! up detection.
//!
//! Each entry is leased before it is routed and removed after, so entries a stopped worker
//! left are routed by whichever worker leases them next, once the lease runs out. The routing
//! log's atomic claim lets one routing of an update through, however many workers try.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use console::Metrics;
use serde_json::Value;
use store::{Routing, Store};

use crate::commands::respond::Run;

/// Entries leased at a time.
const LEASE_BATCH: i64 = 16;
/// An entry whose routing failed this many times is given up on (and the finding stays
/// stored: `trailguard respond` can route it).
const MAX_ATTEMPTS: i64 = 5;

/// When to look at the outbox, and for how long to hold what is taken from it.
pub(crate) struct Pace {
    /// Looked at anyway this often (entries from other workers, leases that ran out).
    pub(crate) poll: Duration,
    /// How long an entry is held.
    pub(crate) lease: Duration,
}

/// Routes the outbox's entries whenever `wake` says there are new ones, and every `pace.poll`,
/// until `wake`'s sender is gone; then routes what remains and returns.
pub(crate) fn respond_all(
    run: &Run<'_>,
    wake: &Receiver<()>,
    mut store: Store,
    metrics: &Arc<Metrics>,
    pace: &Pace,
) {
    loop {
        drain(run, &mut store, metrics, pace);
        match wake.recv_timeout(pace.poll) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    drain(run, &mut store, metrics, pace);
}

/// Routes every entry that can be leased now.
fn drain(run: &Run<'_>, store: &mut Store, metrics: &Arc<Metrics>, pace: &Pace) {
    let lease_ms = i64::try_from(pace.lease.as_millis()).unwrap_or(i64::MAX);
    loop {
        let now_ms = run.clock.now_ms();
        let leased = match store.lease_routings(now_ms, lease_ms, LEASE_BATCH) {
            Ok(leased) => leased,
            Err(error) => {
                tracing::error!("cannot read the routing outbox: {error}");
                return;
            }
        };
        if leased.is_empty() {
            return;
        }
        for routing in leased {
            let done = route(run, store, metrics, &routing);
            if !done && routing.attempts < MAX_ATTEMPTS {
                // Left leased: tried again when the lease runs out.
                continue;
            }
            if !done {
                tracing::error!(
                    "giving up on routing finding {} after {} attempts",
                    routing.finding_id,
                    routing.attempts
                );
            }
            if let Err(error) = store.finish_routing(routing.seq) {
                tracing::error!(
                    "finding {} was routed but stays in the outbox: {error}",
                    routing.finding_id
                );
            }
        }
    }
}

/// Routes one entry; false when that failed and may succeed later (the store, say, was
/// away). An entry that is not JSON never will: it counts as done.
fn route(run: &Run<'_>, store: &mut Store, metrics: &Arc<Metrics>, routing: &Routing) -> bool {
    let finding: Value = match serde_json::from_str(&routing.body) {
        Ok(finding) => finding,
        Err(error) => {
            tracing::error!("outbox entry {} is not JSON: {error}", routing.seq);
            return true;
        }
    };
    let mut say = |line: &str| tracing::info!("{}", line.trim_end());
    match run.respond(&finding, store, &mut say) {
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
            true
        }
        Err(error) => {
            tracing::error!(
                "responding to finding {} failed (attempt {}): {error:?}",
                routing.finding_id,
                routing.attempts
            );
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use respond::actions::FixedClock;

    use super::*;
    use crate::backends::Backends;
    use crate::commands::respond::build_router;
    use crate::config::LoadedConfig;

    const FINDING: &str = include_str!("../../../../../data/demo-account/finding.json");

    /// A config whose rule matches the workshop finding and writes its id to `notes.jsonl`.
    fn config(dir: &Path) -> LoadedConfig {
        let path = dir.join("trailguard.toml");
        fs_err::write(
            &path,
            r#"
[[rule]]
name = "exfiltration"
pattern = '{"detail":{"type":[{"prefix":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration"}]}}'
  [[rule.target]]
  id = "notes"
  type = "file"
  path = "notes.jsonl"
  input_transformer = { input_paths_map = { id = "$.detail.id" }, input_template = '"<id>"' }
"#,
        )
        .unwrap();
        LoadedConfig::load(&path).unwrap()
    }

    /// A directory with the config, its router, a store, and the demo's workshop finding.
    fn fixture() -> (
        tempfile::TempDir,
        LoadedConfig,
        respond::router::Router,
        Store,
        Value,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        let router = build_router(&config).unwrap();
        let store = Store::open(&dir.path().join("state.db")).unwrap();
        (
            dir,
            config,
            router,
            store,
            serde_json::from_str(FINDING).unwrap(),
        )
    }

    /// One responder pass at `now_ms` over the store in `dir`, as a worker whose pipeline has
    /// stopped makes it (leases of 60 s).
    fn one_pass(dir: &Path, config: &LoadedConfig, router: &respond::router::Router, now_ms: i64) {
        let clock = FixedClock(now_ms);
        let run = Run {
            config,
            router,
            apply: true,
            backends: Backends::snapshot(dir.join("account")),
            throttle: true,
            clock: &clock,
        };
        let pace = Pace {
            poll: Duration::from_millis(1),
            lease: Duration::from_secs(60),
        };
        let (wake, woken) = std::sync::mpsc::channel();
        drop(wake); // the pipeline has stopped: one pass, then it returns
        let store = Store::open(&dir.join("state.db")).unwrap();
        respond_all(&run, &woken, store, &Arc::new(Metrics::default()), &pace);
    }

    /// A worker stored the finding (its outbox entry written in the same transaction) and died
    /// before routing it; a second entry is leased by a worker still alive. The next responder routes
    /// the first entry once, leaves the leased one alone, and routes it once its lease runs out
    /// (the routing log lets the same update through once, so that is a no-op).
    #[test]
    fn entries_a_dead_worker_left_are_routed_once() {
        let (dir, config, router, mut store, finding) = fixture();
        let id = finding["id"].as_str().unwrap();
        let event = serde_json::json!({
            "version": "0", "id": "c1f2e3d4-0000-4000-8000-000000000001",
            "detail-type": "GuardDuty Finding", "source": "aws.guardduty",
            "account": finding["accountId"], "time": finding["updatedAt"],
            "region": finding["region"], "resources": [], "detail": finding,
        });
        store.ingest_finding(&event).unwrap();
        store.ingest_finding(&event).unwrap();
        let held = store.lease_routings(1_000, 60_000, 1).unwrap();
        assert_eq!(held.len(), 1, "the live worker's lease");

        let routed_at = |now_ms: i64| one_pass(dir.path(), &config, &router, now_ms);
        routed_at(2_000);
        let notes = || fs_err::read_to_string(dir.path().join("notes.jsonl")).unwrap();
        assert_eq!(notes(), format!("\"{id}\"\n"));
        assert_eq!(
            store.pending_routings().unwrap(),
            1,
            "the leased entry waits"
        );

        routed_at(61_000);
        assert_eq!(store.pending_routings().unwrap(), 0);
        assert_eq!(notes(), format!("\"{id}\"\n"), "routed once");
        assert_eq!(store.times_routed(id).unwrap(), 1);
    }

    /// An entry whose routing keeps failing (here: an event without `source`, which the router
    /// refuses) is tried again after each lease, and given up on at the fifth attempt.
    #[test]
    fn an_entry_that_always_fails_is_given_up_after_five_attempts() {
        let (dir, config, router, mut store, finding) = fixture();
        let event = serde_json::json!({"detail-type": "GuardDuty Finding", "detail": finding});
        store.ingest_finding(&event).unwrap();
        for (attempt, left) in [(1, 1), (2, 1), (3, 1), (4, 1), (5, 0)] {
            one_pass(dir.path(), &config, &router, attempt * 61_000);
            assert_eq!(store.pending_routings().unwrap(), left, "attempt {attempt}");
        }
        assert!(!dir.path().join("notes.jsonl").exists(), "never routed");
    }
}
