//! The built-in detectors, one file each, and their registry.

pub(crate) mod instance_credential_exfiltration;
pub(crate) mod malicious_ip_caller;

use findings::FindingKind;

/// Static facts about a detector, for docs and `--list` output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectorMeta {
    /// Stable id, used in config and docs.
    pub id: &'static str,
    /// The finding types it raises.
    pub kinds: &'static [FindingKind],
    /// The documentation page under `docs/detectors/`.
    pub doc: &'static str,
    /// The trailguard version that introduced it.
    pub since: &'static str,
}

/// Every built-in detector.
pub fn all() -> [&'static DetectorMeta; 2] {
    [
        &instance_credential_exfiltration::META,
        &malicious_ip_caller::META,
    ]
}
