//! GuardDuty finding model, severities, aggregation keys, envelopes and exports.
//!
//! Findings are GuardDuty findings (`schemaVersion` "2.0"), field for field: see
//! `docs/findings.md`. [`FindingBook`] folds detector [`Occurrence`]s into findings the way
//! GuardDuty aggregates repeats: same id, growing `service.count`, moving `eventLastSeen`.

mod book;
mod envelope;
pub mod export;
mod id;
mod kind;
mod model;
mod occurrence;
mod severity;
mod time;

pub use book::{FindingBook, Touch};
pub use envelope::DEFAULT_SOURCE;
pub use id::{detector_id, finding_id};
pub use kind::FindingKind;
pub use model::{
    AccessKeyDetails, Action, AwsApiCallAction, City, Country, Finding, GeoLocation,
    IamInstanceProfile, InstanceDetails, NetworkInterface, Organization, PrivateIpAddress,
    RemoteAccountDetails, RemoteIpDetails, Resource, SecurityGroup, Service, Tag,
};
pub use occurrence::{AggregationKey, Call, Occurrence};
pub use severity::{Severity, SeverityParseError};
pub use time::{format_millis, parse_millis};
