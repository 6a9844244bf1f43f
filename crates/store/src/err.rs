//! Store errors.

/// Anything that went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused, or the connection failed.
    #[error("postgresql error: {}", with_causes(.0))]
    Postgres(postgres::Error),
    /// A `postgres://` URL that does not parse (shown with its password hidden).
    #[error("invalid postgresql url `{url}`: {}", with_causes(error))]
    InvalidUrl {
        /// The URL, password hidden.
        url: String,
        /// Why it does not parse.
        error: postgres::Error,
    },
    /// A query that always returns a row returned none.
    #[error("the database returned no row for `{0}`")]
    NoRow(String),
    /// A stored finding is not valid finding JSON.
    #[error("stored finding `{id}` is corrupt: {error}")]
    CorruptFinding {
        /// The finding id.
        id: String,
        /// What serde said.
        error: serde_json::Error,
    },
    /// The database was written by a newer trailguard.
    #[error("database schema version {found} is newer than this trailguard supports ({supported})")]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Newest version we know.
        supported: i64,
    },
    /// Detection returned a state entry the window did not name (and so did not lock).
    #[error("detection wrote the state entry `{0}`, which the window did not lock")]
    UnlockedStateKey(String),
    /// An ingested GuardDuty finding has no `id` to be kept under.
    #[error("a GuardDuty finding without an `id`")]
    FindingWithoutId,
    /// The detection run inside a window's transaction failed (nothing was committed).
    #[error("detection failed: {0}")]
    Detection(Box<dyn std::error::Error + Send + Sync>),
    /// Not a URL this build understands (shown with its password hidden).
    #[error(
        "unsupported store url `{0}`: expected `sqlite://PATH`, `postgres://USER@HOST:PORT/DB` or a file path"
    )]
    UnsupportedUrl(String),
}

impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> Self {
        Self::Postgres(error)
    }
}

/// The error and its causes on one line. The `postgres` crate's own message is only the kind
/// of failure (`db error`); what the server said is its cause, and belongs in the message.
fn with_causes(error: &postgres::Error) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}
