//! Errors of the `net` module.

use std::path::PathBuf;

/// An error while loading AWS IP ranges, an IP list or a GeoIP database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    /// A file could not be read (the message names the path).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The data starts like gzip but does not inflate.
    #[error("invalid gzip data in ip ranges: {0}")]
    Gzip(#[source] std::io::Error),
    /// The document is not an `ip-ranges.json` document.
    #[error("invalid ip-ranges.json: {0}")]
    Json(#[source] serde_json::Error),
    /// A prefix in `ip-ranges.json` is not a CIDR of the expected family.
    #[error("invalid `{field}` `{value}` in entry {index} of ip-ranges.json")]
    Prefix {
        /// `ip_prefix` or `ipv6_prefix`.
        field: &'static str,
        /// The text found.
        value: String,
        /// Zero-based index in its array.
        index: usize,
    },
    /// A GeoIP database could not be opened.
    #[error("cannot open geoip database `{path}`: {source}")]
    GeoIpOpen {
        /// The database file.
        path: PathBuf,
        /// What the MaxMind reader said.
        #[source]
        source: maxminddb::MaxMindDbError,
    },
    /// A GeoIP lookup failed (corrupt database).
    #[error("geoip lookup of `{ip}` failed: {source}")]
    GeoIpLookup {
        /// The address looked up.
        ip: std::net::IpAddr,
        /// What the MaxMind reader said.
        #[source]
        source: maxminddb::MaxMindDbError,
    },
}

/// A line of an IP list that is neither an IP address nor a CIDR.
///
/// The rest of the list still loads; the caller decides whether to warn or fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("list `{list}` line {line}: `{text}` is not an ip address or cidr")]
pub struct ListError {
    /// The list's name.
    pub list: String,
    /// One-based line number.
    pub line: usize,
    /// The offending text, trimmed and without its comment.
    pub text: String,
}
