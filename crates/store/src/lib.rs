//! The trailguard store: detector state, findings (trailguard's own, and GuardDuty's ingested
//! whole), processed-input checkpoints, the routing outbox and log, failed deliveries, the
//! audit log and claims, in an embedded SQLite file (the default,
//! one process) or a PostgreSQL database (several `serve` workers sharing it), chosen by URL
//! ([`Store::open_url`]).
//!
//! One [`Store`] type serves both: its private connection is an enum of the two backends, and
//! every query is written once, in SQL both accept (`INSERT … ON CONFLICT`, `RETURNING`,
//! `EXISTS`), with SQLite's `?N` placeholders, which the PostgreSQL backend rewrites to `$N`
//! when it prepares the statement (then cached). Only the schema (column types) is written
//! per backend, in `schema`.
//!
//! A run's results are committed in one transaction ([`Store::commit_run`]), so a crash never
//! leaves state that disagrees with the findings. Live detection commits each reorder window
//! with [`Store::commit_window`], which is also safe for several workers sharing a PostgreSQL
//! database: per-key locks, findings merged in the database, events counted once, and the
//! touched findings queued for routing in an outbox ([`Store::lease_routings`]).

pub mod audit;
mod backend;
mod claims;
pub mod deliveries;
mod err;
mod filter;
mod ingested;
mod locks;
mod outbox;
mod routing;
mod schema;
mod store;
#[cfg(test)]
mod testing;
mod url;
mod window;

pub use err::StoreError;
pub use filter::FindingFilter;
pub use outbox::Routing;
pub use store::{InputStamp, Store};
pub use url::is_postgres_url;
pub use window::{Committed, Detected, Window};
