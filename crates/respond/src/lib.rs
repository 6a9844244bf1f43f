//! Response: rules route findings (EventBridge envelopes) to targets and remediation actions.

pub mod cloudformation;
pub mod config;
pub mod example;
pub mod router;
