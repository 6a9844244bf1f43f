//! Detectors over CloudTrail records, IP classification and detector state.
//!
//! The hunt path is two steps: [`observe`] each record (in parallel, keeping only compact
//! [`Observation`]s), then [`evaluate`] them all, grouped by session and ordered by event
//! time, against the [`DetectorState`] carried between runs.

mod detectors;
mod engine;
mod enrich;
mod event_id;
mod facts;
mod identity;
mod intern;
mod inventory;
pub mod net;
mod observe;
mod settings;
mod state;

pub use detectors::{DetectorMeta, all as all_detectors};
pub use engine::evaluate;
pub use event_id::EventId;
pub use facts::CallFacts;
pub use inventory::{Inventory, InventoryError, InventoryInstance};
pub use observe::{
    Evidence, Foreign, Issue, NEEDLES, NewAddress, Observation, Observed, Origin, Use, observe,
};
pub use settings::Settings;
pub use state::{DetectorState, SessionKey, SessionState, StateError};

/// The prefilter needles for these settings: `None` when every record must be parsed
/// (threat lists look at every caller, not only instance credentials).
pub fn prefilter_needles(settings: &Settings) -> Option<&'static [&'static [u8]]> {
    settings.threat_lists.is_empty().then_some(&NEEDLES[..])
}
