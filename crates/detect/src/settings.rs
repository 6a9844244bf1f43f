//! What the detectors need to know about the environment: AWS's ranges, the user's own and
//! trusted networks, threat lists, affiliated accounts, an inventory and GeoIP databases.

use std::collections::BTreeSet;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::inventory::Inventory;
use crate::net::{AwsIpRanges, GeoIp, IpList};

/// Resolved detection settings (built by the binary from config and flags).
#[derive(Debug)]
pub struct Settings {
    /// AWS's published ranges.
    pub ip_ranges: AwsIpRanges,
    /// Networks that are the user's own egress (NAT EIPs, on-prem): never "outside".
    pub own_networks: Vec<IpNet>,
    /// Trusted IP lists: calls from them are never findings.
    pub trusted_lists: Vec<IpList>,
    /// Threat lists: calls from them raise `MaliciousIPCaller.Custom`.
    pub threat_lists: Vec<IpList>,
    /// Accounts of the same organisation (InsideAWS from them is Medium, or benign via a VPC endpoint).
    pub affiliated_accounts: BTreeSet<String>,
    /// Known instances and their addresses.
    pub inventory: Inventory,
    /// Optional GeoIP/ASN enrichment.
    pub geoip: Option<GeoIp>,
    /// Bind each session to the first AWS address it uses (Netflix's lock; the default). Turn
    /// it off when `own_networks`, trusted lists and the inventory name every address your
    /// instances reach AWS from: then any other AWS address is InsideAWS, even the first.
    pub lock_first_address: bool,
}

impl Settings {
    /// Settings with the given ranges and nothing else configured.
    pub fn new(ip_ranges: AwsIpRanges) -> Self {
        Self {
            ip_ranges,
            own_networks: Vec::new(),
            trusted_lists: Vec::new(),
            threat_lists: Vec::new(),
            affiliated_accounts: BTreeSet::new(),
            inventory: Inventory::default(),
            geoip: None,
            lock_first_address: true,
        }
    }

    /// True when the address is on a trusted list or in an own network.
    pub(crate) fn is_trusted(&self, ip: IpAddr) -> bool {
        self.own_networks.iter().any(|net| net.contains(&ip))
            || self.trusted_lists.iter().any(|list| list.contains(ip))
    }

    /// The first threat list that holds the address.
    pub(crate) fn threat_list_of(&self, ip: IpAddr) -> Option<&IpList> {
        self.threat_lists.iter().find(|list| list.contains(ip))
    }

    /// True when the account belongs to the configured organisation.
    pub(crate) fn is_affiliated(&self, account: &str) -> bool {
        self.affiliated_accounts.contains(account)
    }
}
