//! Store errors.

/// Anything that went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
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
    /// Not a URL this build understands.
    #[error("unsupported store url `{0}`: expected `sqlite://PATH` or a file path")]
    UnsupportedUrl(String),
}
