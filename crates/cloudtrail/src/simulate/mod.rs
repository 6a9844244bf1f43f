//! `trailguard simulate`: realistic CloudTrail logs for named scenarios, written exactly as
//! CloudTrail delivers them to S3 and deterministic for a seed (whatever the thread count).
//!
//! Scenarios build a compact plan (who calls what, when, from where); the plan is then grouped
//! into five-minute files that are rendered to JSON and gzipped in parallel, each file with its
//! own generator seeded from (seed, file index).

mod bulk;
mod calls;
mod clock;
mod error;
mod files;
mod ids;
mod json;
mod model;
mod net;
mod render;
mod rng;
#[cfg(test)]
mod tests;
mod workshop;

use std::path::PathBuf;

pub use bulk::{
    AttackKind, BULK_START, DEFAULT_BULK_EVENTS, MIN_BULK_EVENTS, PlantedAttack, bulk_planted,
};
pub use clock::parse_start;
pub use error::SimulateError;
pub use files::Summary;
pub use workshop::{
    ATTACKER_CALLS, WORKSHOP_ACCOUNT, WORKSHOP_SECONDS, WORKSHOP_START, WorkshopFacts,
    workshop_facts, workshop_facts_at,
};

/// A named scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// The GuardDuty workshop's scenario 3 (one stolen instance credential used outside AWS).
    Workshop,
    /// Benign-heavy traffic with a few planted thefts, `events` records in all.
    Bulk {
        /// Records to write.
        events: u64,
    },
}

/// What to simulate and where to write it.
#[derive(Debug, Clone)]
pub struct Options {
    /// The scenario.
    pub scenario: Scenario,
    /// Output folder (the bucket root: `AWSLogs/…` goes under it).
    pub out: PathBuf,
    /// Seed of every random choice.
    pub seed: u64,
    /// First second of the scenario (epoch seconds); `None` for the scenario's default.
    pub start: Option<i64>,
}

/// Writes the scenario's log files and returns what was written.
pub fn simulate(options: &Options) -> Result<Summary, SimulateError> {
    let plan = match options.scenario {
        Scenario::Workshop => workshop::plan(options.seed, options.start.unwrap_or(WORKSHOP_START)),
        Scenario::Bulk { events } => {
            bulk::plan(options.seed, events, options.start.unwrap_or(BULK_START))?.0
        }
    };
    files::write(plan, &options.out, options.seed)
}
