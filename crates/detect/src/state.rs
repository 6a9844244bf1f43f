//! Detector state that outlives a run: what each instance session is bound to.
//!
//! It is plain data, serialised one entry per session (and per announced instance), so a
//! store can keep it between `hunt --state` runs or share it between `serve` workers.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::intern::intern;
use crate::observe::Observation;

/// An instance session: (account, role name, lowercase instance id). Never the access key:
/// one instance gets many keys over its life.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionKey {
    /// The role's account.
    pub account: Arc<str>,
    /// The role name.
    pub role_name: Arc<str>,
    /// The instance id, lowercase.
    pub instance: Arc<str>,
}

impl SessionKey {
    /// A key; the instance id is lowercased (anonymised data mixes case).
    pub fn new(account: &str, role_name: &str, instance: &str) -> Self {
        Self {
            account: intern(account),
            role_name: intern(role_name),
            instance: intern(&instance.to_ascii_lowercase()),
        }
    }

    /// Parses the text form written by `Display`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '|');
        let (account, role, instance) = (parts.next()?, parts.next()?, parts.next()?);
        Some(Self::new(account, role, instance))
    }
}

impl fmt::Display for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}|{}|{}", self.account, self.role_name, self.instance)
    }
}

/// What one session is bound to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionState {
    /// AWS addresses the session may use: the first one it used (the lock) and addresses
    /// announced for its instance.
    #[serde(default)]
    pub bound: Vec<IpAddr>,
    /// EC2 issued credentials for this session (`AssumeRole` by `ec2.amazonaws.com`).
    #[serde(default)]
    pub ec2_issued: bool,
    /// The latest EC2 issue, milliseconds.
    #[serde(default)]
    pub last_issue_ms: Option<i64>,
    /// The latest address announcement this session has used up, milliseconds.
    #[serde(default)]
    pub consumed_announcement_ms: Option<i64>,
}

/// All detector state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetectorState {
    /// Per session.
    pub sessions: BTreeMap<SessionKey, SessionState>,
    /// Per (account, lowercase instance id): times it was announced a new address.
    pub announcements: BTreeMap<(Arc<str>, Arc<str>), Vec<i64>>,
}

/// Entry-name prefixes of [`DetectorState::entries`].
const SESSION_PREFIX: &str = "session|";
const INSTANCE_PREFIX: &str = "instance|";

fn session_entry(key: &SessionKey) -> String {
    format!("{SESSION_PREFIX}{key}")
}

fn instance_entry(account: &str, instance: &str) -> String {
    format!("{INSTANCE_PREFIX}{account}|{instance}")
}

/// A state entry that could not be read back.
#[derive(Debug, thiserror::Error)]
#[error("invalid detector state entry `{key}`: {reason}")]
pub struct StateError {
    key: String,
    reason: String,
}

impl DetectorState {
    /// The state as (key, JSON) entries, one per session and announced instance.
    pub fn entries(&self) -> Vec<(String, String)> {
        let sessions = self.sessions.iter().map(|(key, state)| {
            (
                session_entry(key),
                serde_json::to_string(state).unwrap_or_default(),
            )
        });
        let instances = self
            .announcements
            .iter()
            .map(|((account, instance), times)| {
                (
                    instance_entry(account, instance),
                    serde_json::to_string(times).unwrap_or_default(),
                )
            });
        sessions.chain(instances).collect()
    }

    /// The entries detection over `observations` may read or change: the state of each
    /// session they mention and the announcements of its instance. Loading just these is
    /// enough to run [`crate::evaluate`] over them (live detection does, window by window).
    pub fn keys_for<'o>(
        observations: impl IntoIterator<Item = &'o Observation>,
    ) -> BTreeSet<String> {
        fn add(observation: &Observation, keys: &mut BTreeSet<String>) {
            let session = match observation {
                Observation::Issue(issue) => &issue.session,
                Observation::Use(call) => &call.facts.session,
                Observation::NewAddress(new) => {
                    keys.insert(instance_entry(&new.account, &new.instance));
                    return;
                }
                Observation::Hit(_) => return,
                Observation::Pair(pair) => {
                    pair.iter().for_each(|observation| add(observation, keys));
                    return;
                }
            };
            keys.insert(session_entry(session));
            keys.insert(instance_entry(&session.account, &session.instance));
        }
        let mut keys = BTreeSet::new();
        for observation in observations {
            add(observation, &mut keys);
        }
        keys
    }

    /// Rebuilds the state from [`entries`](Self::entries).
    pub fn from_entries(
        entries: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, StateError> {
        let mut state = Self::default();
        for (key, json) in entries {
            let invalid = |reason: String| StateError {
                key: key.clone(),
                reason,
            };
            if let Some(rest) = key.strip_prefix(SESSION_PREFIX) {
                let session = SessionKey::parse(rest).ok_or_else(|| invalid("bad key".into()))?;
                let value = serde_json::from_str(&json).map_err(|e| invalid(e.to_string()))?;
                state.sessions.insert(session, value);
            } else if let Some(rest) = key.strip_prefix(INSTANCE_PREFIX) {
                let (account, instance) = rest
                    .split_once('|')
                    .ok_or_else(|| invalid("bad key".into()))?;
                let times = serde_json::from_str(&json).map_err(|e| invalid(e.to_string()))?;
                state
                    .announcements
                    .insert((intern(account), intern(instance)), times);
            } else {
                return Err(invalid("unknown entry kind".into()));
            }
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip() {
        let mut state = DetectorState::default();
        state.sessions.insert(
            SessionKey::new("123456789012", "Role", "I-0ABC12345678DEF01"),
            SessionState {
                bound: vec!["54.1.2.3".parse().unwrap()],
                ec2_issued: true,
                last_issue_ms: Some(5),
                consumed_announcement_ms: None,
            },
        );
        state.announcements.insert(
            (intern("123456789012"), intern("i-0abc12345678def01")),
            vec![7, 9],
        );
        let entries = state.entries();
        assert_eq!(
            entries[0].0,
            "session|123456789012|Role|i-0abc12345678def01"
        );
        assert_eq!(DetectorState::from_entries(entries).unwrap(), state);
    }

    #[test]
    fn unknown_entries_are_errors() {
        let error = DetectorState::from_entries([("x".to_owned(), "{}".to_owned())]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid detector state entry `x`: unknown entry kind"
        );
    }
}
