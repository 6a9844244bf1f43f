//! The EventBridge source findings travel under.

/// The default `source` of the EventBridge envelope findings travel in to rules and targets
/// (`{"version":"0","detail-type":"GuardDuty Finding","source":…,"detail":<finding>}`, built by
/// the router), so rules written for GuardDuty match unchanged.
pub const DEFAULT_SOURCE: &str = "aws.guardduty";
