//! Errors in policy documents.

/// A policy document that cannot be read. Messages name the JSON location
/// (`Statement[1].Condition.DateLessThan`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Not JSON.
    #[error("policy `{policy}` is not valid json: {message}")]
    Json {
        /// The policy's name.
        policy: String,
        /// serde_json's message (with line and column).
        message: String,
    },
    /// Looked URL-encoded but the escapes are invalid.
    #[error("policy `{policy}` is not valid url-encoded text")]
    Encoding {
        /// The policy's name.
        policy: String,
    },
    /// JSON, but not a valid policy.
    #[error("policy `{policy}` at `{path}`: {message}")]
    Invalid {
        /// The policy's name.
        policy: String,
        /// Where in the document.
        path: String,
        /// What is wrong.
        message: String,
    },
}
