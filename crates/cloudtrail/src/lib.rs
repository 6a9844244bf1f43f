//! CloudTrail record model, decoders for every input format, and file/dir/stdin readers.
//!
//! - [`record`]: the [`Record`] model (borrowed strings, only what detectors read).
//! - [`input`]: [`discover`] files, directories and stdin; [`read_input`] (gzip detected
//!   from content).
//! - [`decode`]: [`decode_buffer`] for one buffer in any supported layout, with an optional
//!   byte-level [`Prefilter`]; every bad input becomes a [`Problem`] with its [`Location`].
//! - [`decode_inputs`]: many inputs in parallel on rayon.
//! - [`s3queue`]: CloudTrail's delivery path as a live source — S3 notifications in an SQS
//!   queue (the client behind the `aws` feature).

mod borrowed;
pub mod decode;
mod extract;
mod gzip;
mod hits;
pub mod input;
mod layout;
mod parallel;
pub mod prefilter;
pub mod record;
pub mod s3queue;
mod scan;
mod time;

pub use decode::{
    DecodeError, DecodeOptions, DecodeStats, Location, MAX_PROBLEMS_PER_INPUT, Problem,
    decode_buffer,
};
pub use gzip::GzipError;
pub use input::{Input, ReadError, decompress, discover, read_input};
pub use parallel::{Decoded, decode_inputs};
pub use prefilter::Prefilter;
pub use record::{
    Record, SessionAttributes, SessionContext, SessionIssuer, UserIdentity, parse_event_time,
};

pub mod simulate;
