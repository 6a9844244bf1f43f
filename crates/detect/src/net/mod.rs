//! IP classification for the detectors: AWS's published ranges, trusted/threat lists,
//! non-public addresses, `sourceIPAddress` parsing and optional GeoIP/ASN enrichment.
//!
//! Lookups go through a sorted interval table (see `prefix_table`): a binary search, with a
//! 16-bit first-level index for IPv4, never a scan of the prefixes. User documentation:
//! `docs/ip-classification.md`.

mod aws_ranges;
mod classify;
mod err;
mod geoip;
mod ip_list;
mod prefix_table;

pub use aws_ranges::{AwsIpRanges, AwsRange};
pub use classify::{is_non_public, parse_source_ip};
pub use err::{ListError, NetError};
pub use geoip::{GeoInfo, GeoIp};
pub use ip_list::IpList;

#[cfg(test)]
mod tests {
    use super::*;

    /// The detector shares these between rayon workers.
    #[test]
    fn lookup_structures_are_thread_safe() {
        fn shareable<T: Send + Sync>() {}
        shareable::<AwsIpRanges>();
        shareable::<IpList>();
        shareable::<GeoIp>();
    }
}
