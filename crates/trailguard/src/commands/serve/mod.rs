//! `trailguard serve`: live detection and response.
//!
//! ```text
//! POST /v1/events ─┐                       ┌─ reorder window ─ detectors ─ commit ─┐ (then SQS
//! watched dirs ────┤                       │   (pipeline thread)   state, findings, │  deletes)
//! SQS ← S3 notices ┴─ bounded Queue ───────┤                       outbox           ├─ responder thread:
//!                    (full → HTTP 503)     └─ GuardDuty findings ─ outbox ──────────┘  leases the outbox;
//!                                                                                      rules, targets, actions
//! GET /v1/…, console ← the store (its own connection)
//! ```
//!
//! SIGTERM or Ctrl-C stops accepting requests, drains the queue, flushes the window, lets the
//! responder finish, and exits 0.

mod ingest;
mod pipeline;
mod queue;
mod responder;
pub(crate) mod settings;
#[cfg(feature = "aws")]
mod sqs;
mod watch;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use clap::Args;
use console::{AppState, ConsoleSettings, Metrics};
use miette::IntoDiagnostic;
use respond::actions::SystemClock;
use serde_json::{Value, json};

use self::ingest::QueueIngest;
use self::pipeline::Pipeline;
use self::queue::Queue;
use self::settings::ServeSettings;
use crate::backends::Backends;
use crate::commands::respond::{Run, build_router};
use crate::config::LoadedConfig;
use crate::detection::{DetectionFlags, settings};
use crate::state_store;

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Configuration file (`[serve]`, `[store]`, `[detection]`, rules).
    #[arg(long, value_name = "FILE", default_value = "trailguard.toml")]
    config: PathBuf,
    /// Listen on this address instead of `[serve] listen` (port 0: any free port).
    #[arg(long, value_name = "ADDR")]
    listen: Option<std::net::SocketAddr>,
}

pub(crate) fn run(args: &ServeArgs) -> miette::Result<ExitCode> {
    let config = LoadedConfig::load(&args.config)?;
    let mut serve = ServeSettings::from_config(&config)?;
    if let Some(listen) = args.listen {
        serve.listen = listen;
    }
    let detection = settings(
        Some(&config),
        &DetectionFlags {
            ip_ranges: None,
            inventory: &[],
        },
    )?;
    let router = build_router(&config)?;
    let backends = Backends::configured(None, &config, router.rules())?;
    let url = state_store::configured_url(None, Some(&config))
        .unwrap_or_else(|| state_store::DEFAULT_STORE.to_owned());
    let open = || state_store::open(&url);
    let api_token = std::env::var(&serve.api_token_env)
        .ok()
        .filter(|token| !token.is_empty());
    if api_token.is_none() {
        tracing::warn!(
            "{} is not set: ingest and every write of the API are refused",
            serve.api_token_env
        );
    }

    let metrics = Arc::new(Metrics::default());
    let queue = Arc::new(Queue::new(serve.queue_capacity));
    let (wake_responder, wake) = mpsc::channel::<()>();
    let pipeline = Pipeline::new(
        detection,
        open()?,
        serve.reorder_window,
        Arc::clone(&metrics),
        wake_responder,
    );
    let pace = responder::Pace {
        poll: serve.poll_interval,
        lease: serve.routing_lease,
    };
    // Held here, declared before the runtime and so dropped after it: a PostgreSQL client
    // must not be dropped inside the runtime (its `Drop` blocks on a runtime of its own).
    let console_store = Arc::new(Mutex::new(open()?));
    let state = AppState {
        store: Arc::clone(&console_store),
        ingest: Arc::new(QueueIngest::new(Arc::clone(&queue), Arc::clone(&metrics))),
        metrics: Arc::clone(&metrics),
        settings: ConsoleSettings {
            api_token,
            max_body_bytes: serve.max_body_bytes,
            ..ConsoleSettings::default()
        },
        rules: rules_json(&config, &router),
    };
    let watch_store = open()?;
    let respond_store = open()?;
    #[cfg(feature = "aws")]
    let sqs_source = match sqs::connect(&config, &serve)? {
        Some(source) => Some((source, open()?)),
        None => None,
    };
    #[cfg(not(feature = "aws"))]
    if serve.sqs_queue_url.is_some() {
        return Err(miette::miette!(
            "[serve] sqs_queue_url needs trailguard built with the `aws` feature (`cargo build --release --features aws`)"
        ));
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("trailguard-http")
        .enable_all()
        .build()
        .into_diagnostic()?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(serve.listen))
        .into_diagnostic()
        .map_err(|e| miette::miette!("cannot listen on {}: {e}", serve.listen))?;
    let address = listener.local_addr().into_diagnostic()?;
    announce(&format!("listening on http://{address}"))?;

    let stop = AtomicBool::new(false);
    let (queue_ref, stop_ref, metrics_ref) = (&*queue, &stop, &metrics);
    let (config_ref, router_ref) = (&config, &router);
    let (watched, poll_interval) = (serve.watch.clone(), serve.poll_interval);
    std::thread::scope(|scope| {
        let detecting = scope.spawn(move || pipeline.run(queue_ref));
        let responding = scope.spawn(move || {
            let run = Run {
                config: config_ref,
                router: router_ref,
                apply: true,
                backends,
                throttle: true,
                clock: &SystemClock,
            };
            responder::respond_all(&run, &wake, respond_store, metrics_ref, &pace);
        });
        let watching = (!watched.is_empty()).then(|| {
            scope.spawn(move || {
                watch::watch(&watched, poll_interval, &watch_store, queue_ref, stop_ref);
            })
        });
        #[cfg(feature = "aws")]
        let polling = sqs_source.map(|(source, store)| {
            scope.spawn(move || sqs::poll(&source, &store, queue_ref, stop_ref))
        });
        let served = runtime.block_on(async {
            axum::serve(listener, console::app(state))
                .with_graceful_shutdown(shutdown_signal())
                .await
        });
        tracing::info!("stopping: draining the queue");
        stop.store(true, Ordering::Relaxed);
        if let Some(watching) = watching {
            let _ = watching.join();
        }
        #[cfg(feature = "aws")]
        if let Some(polling) = polling {
            let _ = polling.join();
        }
        queue.close();
        let detected = detecting
            .join()
            .map_err(|_| miette::miette!("the detection thread panicked"))?;
        // The pipeline owned the waking sender: the responder routes what remains and ends.
        responding
            .join()
            .map_err(|_| miette::miette!("the responder thread panicked"))?;
        served.into_diagnostic()?;
        detected
    })?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// The first line on stdout, for people and for scripts that started it on port 0.
fn announce(line: &str) -> miette::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").into_diagnostic()?;
    out.flush().into_diagnostic()
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(e) => {
                    tracing::error!("cannot listen for SIGTERM: {e}");
                    std::future::pending::<()>().await;
                }
            }
        };
        tokio::select! {
            _ = interrupt => {}
            () = terminate => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// The rules for the console: name, enabled, the pattern as written, and the targets.
fn rules_json(config: &LoadedConfig, router: &respond::router::Router) -> Value {
    let patterns: std::collections::HashMap<&str, Value> = config
        .raw
        .rule
        .iter()
        .map(|rule| {
            let rule = rule.get_ref();
            let pattern = match (&rule.pattern, &rule.pattern_file) {
                (Some(text), _) => serde_json::from_str(text.get_ref())
                    .unwrap_or_else(|_| Value::String(text.get_ref().clone())),
                (None, Some(file)) => json!({"file": file.get_ref()}),
                (None, None) => Value::Null,
            };
            (rule.name.as_str(), pattern)
        })
        .collect();
    Value::Array(
        router
            .rules()
            .iter()
            .map(|rule| {
                json!({
                    "name": rule.name,
                    "enabled": rule.enabled,
                    "pattern": patterns.get(rule.name.as_str()).cloned().unwrap_or(Value::Null),
                    "targets": rule.targets.iter().map(|t| json!({
                        "id": t.id, "type": t.kind.target_type().as_str()})).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}
