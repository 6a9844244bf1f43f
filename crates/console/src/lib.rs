//! The HTTP API and web console of `trailguard serve`.
//!
//! [`app`] builds the axum router: `POST /v1/events` (EventBridge ingest), the findings and
//! audit-log API, `/healthz`, `/metrics` (Prometheus text) and the single-page console, whose
//! HTML, JavaScript and CSS are embedded in the binary. Reads are open; every write needs the
//! API token (`Authorization: Bearer …` or `X-API-Key: …`). See `docs/console.md`.

mod assets;
mod audit_api;
mod auth;
mod error;
mod events;
mod findings_api;
mod ingest;
mod metrics;
mod rules_api;
mod state;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use error::ApiError;
pub use events::ACCEPTED_DETAIL_TYPES;
pub use ingest::{Ingest, IngestBatch, IngestRejected};
pub use metrics::Metrics;
pub use state::{
    AppState, ConsoleSettings, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EVENTS_PER_REQUEST,
};

/// The router of every endpoint and the console, over the given state.
pub fn app(state: AppState) -> Router {
    let body_limit = DefaultBodyLimit::max(state.settings.max_body_bytes);
    Router::new()
        .route("/v1/events", post(events::ingest).layer(body_limit))
        .route("/v1/findings", get(findings_api::list))
        .route("/v1/findings/{id}", get(findings_api::show))
        .route("/v1/findings/{id}/archive", post(findings_api::archive))
        .route("/v1/findings/{id}/unarchive", post(findings_api::unarchive))
        .route("/v1/actions", get(audit_api::actions))
        .route("/v1/rules", get(rules_api::rules))
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics::render_handler))
        .route("/", get(assets::index))
        .route("/assets/{name}", get(assets::asset))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(Arc::new(state))
}
