//! What the HTTP layer is given by `trailguard serve`.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use store::Store;

use crate::error::ApiError;
use crate::ingest::Ingest;
use crate::metrics::Metrics;

/// Default request body limit of `POST /v1/events`: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// Default maximum number of events in one `POST /v1/events` request.
pub const DEFAULT_MAX_EVENTS_PER_REQUEST: usize = 10_000;

/// What `trailguard serve` hands the HTTP layer.
pub struct AppState {
    /// The store, shared with the pipeline.
    pub store: Arc<Mutex<Store>>,
    /// Where accepted events go.
    pub ingest: Arc<dyn Ingest>,
    /// Counters the pipeline and the API update.
    pub metrics: Arc<Metrics>,
    /// Token and limits.
    pub settings: ConsoleSettings,
    /// The configured rules, for the console's rules page: a JSON array of
    /// `{"name", "enabled", "pattern", "targets": [{"id", "type"}]}`.
    pub rules: serde_json::Value,
}

impl AppState {
    /// Runs a store call off the async runtime (SQLite blocks).
    pub(crate) async fn with_store<T: Send + 'static>(
        &self,
        call: impl FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || {
            // A panic elsewhere while holding the lock leaves SQLite consistent (transactions roll
            // back), so the store stays usable.
            let mut store = store.lock().unwrap_or_else(PoisonError::into_inner);
            call(&mut store)
        })
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))?
    }
}

/// Token and limits of the API.
#[derive(Clone)]
pub struct ConsoleSettings {
    /// Secret from the environment (never logged, never shown, never in responses). `None`
    /// refuses every write.
    pub api_token: Option<String>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Most events accepted in one request.
    pub max_events_per_request: usize,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        Self {
            api_token: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_events_per_request: DEFAULT_MAX_EVENTS_PER_REQUEST,
        }
    }
}

/// Says whether a token is set, never what it is.
impl fmt::Debug for ConsoleSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsoleSettings")
            .field("api_token", &self.api_token.as_ref().map(|_| "<redacted>"))
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_events_per_request", &self.max_events_per_request)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let settings = ConsoleSettings {
            api_token: Some("s3cret-value".into()),
            ..ConsoleSettings::default()
        };
        assert_eq!(
            format!("{settings:?}"),
            "ConsoleSettings { api_token: Some(\"<redacted>\"), max_body_bytes: 1048576, \
             max_events_per_request: 10000 }"
        );
    }
}
