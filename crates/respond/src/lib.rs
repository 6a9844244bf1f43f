//! Response: rules route findings (EventBridge envelopes) to targets and remediation actions.

pub mod account;
pub mod actions;
pub mod aws;
pub mod cloudformation;
pub mod config;
pub mod example;
pub mod router;
pub mod targets;
