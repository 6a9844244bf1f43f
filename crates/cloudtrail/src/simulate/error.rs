//! Errors of the log simulator.

use std::path::PathBuf;

/// Why a simulation could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// `--start` is not an RFC 3339 time stamp.
    #[error("invalid start time `{text}`: {reason}")]
    BadStart {
        /// The text given.
        text: String,
        /// The parser's explanation.
        reason: String,
    },
    /// The bulk scenario needs room for its fixed events and planted attacks.
    #[error("`--events {requested}` is too small for the bulk scenario (minimum {minimum})")]
    TooFewEvents {
        /// Events asked for.
        requested: u64,
        /// The smallest supported count.
        minimum: u64,
    },
    /// Writing a log file or creating a folder failed.
    #[error("cannot write `{path}`")]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The gzip compressor refused the data.
    #[error("cannot compress `{path}`")]
    Compress {
        /// The file being written.
        path: PathBuf,
    },
}
