//! The embedded SQLite store: detector state, findings and processed-input checkpoints.
//!
//! A run's results are committed in one transaction ([`Store::commit_run`]), so a crash never
//! leaves state that disagrees with the findings.

pub mod audit;
pub mod deliveries;
mod err;
mod filter;
mod routing;
mod schema;
mod sqlite;

pub use err::StoreError;
pub use filter::FindingFilter;
pub use sqlite::{InputStamp, Store};
