//! Findings in the formats other tools read: AWS Security Hub's ASFF and OCSF for SIEMs.
//!
//! [`to_asff`] writes one AWS Security Finding Format object the way Security Hub shows a
//! GuardDuty finding; [`to_ocsf`] writes one OCSF Detection Finding (class 2004, schema
//! [`OCSF_VERSION`]). Both are pure functions of the finding. The mappings, and the choices
//! made where AWS and OCSF documentation are silent, are listed in `docs/exports.md`.

mod asff;
mod asff_types;
mod asn;
mod ocsf;
mod product_fields;
mod text;

#[cfg(test)]
mod fixture;

pub use asff::to_asff;
pub use asff_types::asff_types;
pub use ocsf::{OCSF_VERSION, to_ocsf};
