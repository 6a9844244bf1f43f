//! `[serve]`: the HTTP API's address and token, the reorder window, the queue bound, the
//! watched directories, the SQS queue and the routing lease.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use respond::config::parse_duration;
use serde::Deserialize;

use crate::config::LoadedConfig;

/// Default address: loopback only.
pub(crate) const DEFAULT_LISTEN: &str = "127.0.0.1:8750";
/// Default environment variable of the API token.
pub(crate) const DEFAULT_TOKEN_ENV: &str = "TRAILGUARD_API_TOKEN";

/// `[serve]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServe {
    listen: Option<String>,
    api_token_env: Option<String>,
    reorder_window: Option<String>,
    queue_capacity: Option<usize>,
    watch: Option<Vec<PathBuf>>,
    poll_interval: Option<String>,
    max_body_bytes: Option<usize>,
    sqs_queue_url: Option<String>,
    routing_lease: Option<String>,
}

/// `[serve]`, checked, with defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServeSettings {
    /// Where the HTTP API and console listen.
    pub(crate) listen: SocketAddr,
    /// The environment variable holding the token every write needs.
    pub(crate) api_token_env: String,
    /// How long events wait to be put in time order before detection.
    pub(crate) reorder_window: Duration,
    /// Events waiting for detection at most; beyond, ingest answers 503.
    pub(crate) queue_capacity: usize,
    /// Directories watched for CloudTrail files.
    pub(crate) watch: Vec<PathBuf>,
    /// How often the watched directories are listed.
    pub(crate) poll_interval: Duration,
    /// Largest accepted request body.
    pub(crate) max_body_bytes: usize,
    /// An SQS queue of S3 notifications of CloudTrail files.
    pub(crate) sqs_queue_url: Option<String>,
    /// How long a worker holds a finding it is routing before another worker (or this one,
    /// restarted) may take it over.
    pub(crate) routing_lease: Duration,
}

impl ServeSettings {
    /// Reads `[serve]` of `config` (relative `watch` paths are relative to the file).
    pub(crate) fn from_config(config: &LoadedConfig) -> miette::Result<Self> {
        let raw: RawServe = match &config.raw.serve {
            Some(table) => table
                .clone()
                .try_into()
                .map_err(|e: toml::de::Error| miette::miette!("[serve]: {}", e.message()))?,
            None => RawServe::default(),
        };
        let duration = |key: &str, text: Option<&str>, default: &str| {
            parse_duration(text.unwrap_or(default))
                .map_err(|e| miette::miette!("[serve] {key}: {e}"))
        };
        let listen = raw.listen.as_deref().unwrap_or(DEFAULT_LISTEN);
        let settings = Self {
            listen: listen
                .parse()
                .map_err(|e| miette::miette!("[serve] listen `{listen}`: {e}"))?,
            api_token_env: raw
                .api_token_env
                .unwrap_or_else(|| DEFAULT_TOKEN_ENV.to_owned()),
            reorder_window: duration("reorder_window", raw.reorder_window.as_deref(), "1s")?,
            queue_capacity: raw.queue_capacity.unwrap_or(200_000),
            watch: raw
                .watch
                .unwrap_or_default()
                .iter()
                .map(|dir| config.resolve(dir))
                .collect(),
            poll_interval: duration("poll_interval", raw.poll_interval.as_deref(), "2s")?,
            max_body_bytes: raw.max_body_bytes.unwrap_or(1 << 20),
            sqs_queue_url: raw.sqs_queue_url,
            routing_lease: duration("routing_lease", raw.routing_lease.as_deref(), "30s")?,
        };
        if settings.queue_capacity == 0 {
            return Err(miette::miette!("[serve] queue_capacity must be at least 1"));
        }
        Ok(settings)
    }
}
