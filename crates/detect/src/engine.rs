//! The hunt path: group observations by session, order each session by event time, and run
//! the detectors against the stored state. Results do not depend on input order.

use std::sync::Arc;

use findings::Occurrence;
use rustc_hash::FxHashMap;

use crate::detectors::instance_credential_exfiltration::{self, Timeline};
use crate::observe::{Observation, Use};
use crate::settings::Settings;
use crate::state::{DetectorState, SessionKey};

/// How many announcement times are kept per instance.
const MAX_ANNOUNCEMENTS: usize = 32;

/// Runs every detector over a run's observations, updating `state`; returns the occurrences.
pub fn evaluate(
    settings: &Settings,
    observations: impl IntoIterator<Item = Observation>,
    state: &mut DetectorState,
) -> Vec<Occurrence> {
    let mut groups = Groups::default();
    for observation in observations {
        groups.add(observation, state);
    }
    let Groups {
        hits,
        mut issues,
        mut uses,
    } = groups;
    for times in state.announcements.values_mut() {
        times.sort_unstable();
        times.dedup();
        let excess = times.len().saturating_sub(MAX_ANNOUNCEMENTS);
        times.drain(..excess);
    }

    let mut occurrences = dedup_hits(hits);
    let mut sessions: Vec<SessionKey> = issues.keys().chain(uses.keys()).cloned().collect();
    sessions.sort_unstable();
    sessions.dedup();
    for session in sessions {
        let mut session_issues = issues.remove(&session).unwrap_or_default();
        session_issues.sort_unstable();
        let mut session_uses = uses.remove(&session).unwrap_or_default();
        sort_and_dedup(&mut session_uses);
        let instance_key: (Arc<str>, Arc<str>) =
            (Arc::clone(&session.account), Arc::clone(&session.instance));
        let announcements = state
            .announcements
            .get(&instance_key)
            .cloned()
            .unwrap_or_default();
        let timeline = Timeline {
            issues: &session_issues,
            uses: &session_uses,
            announcements: &announcements,
        };
        let session_state = state.sessions.entry(session).or_default();
        instance_credential_exfiltration::run(settings, &timeline, session_state, &mut occurrences);
    }
    occurrences
}

/// A run's observations sorted by kind and session.
#[derive(Default)]
struct Groups {
    hits: Vec<Occurrence>,
    issues: FxHashMap<SessionKey, Vec<i64>>,
    uses: FxHashMap<SessionKey, Vec<Use>>,
}

impl Groups {
    /// Files one observation; announcements go straight into the state.
    fn add(&mut self, observation: Observation, state: &mut DetectorState) {
        match observation {
            Observation::Hit(hit) => self.hits.push(*hit),
            Observation::Issue(issue) => {
                self.issues
                    .entry(issue.session)
                    .or_default()
                    .push(issue.time_ms);
            }
            Observation::Use(call) => match self.uses.get_mut(&call.facts.session) {
                Some(calls) => calls.push(call),
                None => {
                    self.uses.insert(call.facts.session.clone(), vec![call]);
                }
            },
            Observation::NewAddress(new) => {
                let times = state
                    .announcements
                    .entry((new.account, new.instance))
                    .or_default();
                times.push(new.time_ms);
            }
            Observation::Pair(pair) => {
                for observation in *pair {
                    self.add(observation, state);
                }
            }
        }
    }
}

/// Event-time order, ties broken by event id; the same event id twice (CloudTrail sometimes
/// delivers a record twice) counts once.
fn sort_and_dedup(uses: &mut Vec<Use>) {
    uses.sort_unstable_by(|a, b| (a.time_ms, &a.event_id).cmp(&(b.time_ms, &b.event_id)));
    uses.dedup_by(|a, b| !a.event_id.is_empty() && a.event_id == b.event_id);
}

/// Threat-list hits, once per event id and finding type, in a stable order.
fn dedup_hits(mut hits: Vec<Occurrence>) -> Vec<Occurrence> {
    hits.sort_by(|a, b| {
        (a.call.time_ms, &a.call.event_id, &a.key).cmp(&(b.call.time_ms, &b.call.event_id, &b.key))
    });
    hits.dedup_by(|a, b| {
        !a.call.event_id.is_empty() && a.call.event_id == b.call.event_id && a.key == b.key
    });
    hits
}
