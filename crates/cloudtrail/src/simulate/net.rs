//! Address pools: public EC2 addresses per Region (prefixes copied from AWS's `ip-ranges.json`,
//! each checked to hold only `EC2`/`AMAZON` entries of its Region), and addresses outside AWS.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::model::Region;
use super::rng::Rng;

/// `/16` blocks of EC2 public addresses, per Region.
fn ec2_blocks(region: Region) -> &'static [[u8; 2]] {
    match region {
        Region::UsEast1 => &[[52, 4], [52, 5], [18, 233], [54, 156]],
        Region::UsWest2 => &[[35, 160], [52, 24], [52, 25], [52, 26], [54, 184]],
        Region::EuWest1 => &[[52, 48], [52, 49], [63, 32]],
        Region::EuCentral1 => &[[63, 176], [63, 177]],
    }
}

/// A `/40` of EC2 IPv6 addresses (first three 16-bit groups, the third's low byte free).
fn ec2_v6_block(region: Region) -> Option<[u16; 3]> {
    match region {
        Region::UsEast1 => Some([0x2600, 0x1f18, 0x4000]),
        Region::UsWest2 => Some([0x2600, 0x1f14, 0x0a00]),
        Region::EuWest1 | Region::EuCentral1 => None,
    }
}

/// Hands out distinct addresses so no two actors share one by accident. Every pool is far larger
/// than a scenario needs (at most 480 instances, a few dozen other callers), so drawing again
/// on a collision always ends.
#[derive(Debug, Default)]
pub(crate) struct Addresses {
    used: HashSet<IpAddr>,
}

impl Addresses {
    fn fresh(&mut self, rng: &mut Rng, mut draw: impl FnMut(&mut Rng) -> IpAddr) -> IpAddr {
        loop {
            let ip = draw(rng);
            if self.used.insert(ip) {
                return ip;
            }
        }
    }

    /// A new public EC2 IPv4 address in a Region.
    pub(crate) fn ec2(&mut self, rng: &mut Rng, region: Region) -> Ipv4Addr {
        let blocks = ec2_blocks(region);
        let ip = self.fresh(rng, |rng| {
            let [a, b] = *rng.pick(blocks);
            let c = u8::try_from(rng.below(256)).unwrap_or(0);
            let d = u8::try_from(1 + rng.below(254)).unwrap_or(1);
            IpAddr::V4(Ipv4Addr::new(a, b, c, d))
        });
        match ip {
            IpAddr::V4(v4) => v4,
            IpAddr::V6(_) => Ipv4Addr::UNSPECIFIED,
        }
    }

    /// A new public EC2 IPv6 address in a Region, when the pool has one for it.
    pub(crate) fn ec2_v6(&mut self, rng: &mut Rng, region: Region) -> Option<Ipv6Addr> {
        let [a, b, c] = ec2_v6_block(region)?;
        let ip = self.fresh(rng, |rng| {
            let word = |rng: &mut Rng| u16::try_from(rng.below(0x1_0000)).unwrap_or(0);
            let third = c | u16::try_from(rng.below(256)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::new(
                a,
                b,
                third,
                word(rng),
                word(rng),
                word(rng),
                word(rng),
                word(rng),
            ))
        });
        match ip {
            IpAddr::V6(v6) => Some(v6),
            IpAddr::V4(_) => None,
        }
    }

    /// A new address outside AWS: the documentation networks 198.51.100.0/24 (attackers),
    /// 203.0.113.0/24 (office egress) and 192.0.2.0/24 (CI), none of which AWS publishes.
    pub(crate) fn outside(&mut self, rng: &mut Rng, network: [u8; 3]) -> Ipv4Addr {
        let ip = self.fresh(rng, |rng| {
            let d = u8::try_from(2 + rng.below(250)).unwrap_or(2);
            IpAddr::V4(Ipv4Addr::new(network[0], network[1], network[2], d))
        });
        match ip {
            IpAddr::V4(v4) => v4,
            IpAddr::V6(_) => Ipv4Addr::UNSPECIFIED,
        }
    }

    /// A new private address in a VPC (`10.x.y.z`).
    pub(crate) fn private(&mut self, rng: &mut Rng, vpc: u8) -> Ipv4Addr {
        let ip = self.fresh(rng, |rng| {
            let c = u8::try_from(rng.below(64)).unwrap_or(0);
            let d = u8::try_from(4 + rng.below(250)).unwrap_or(4);
            IpAddr::V4(Ipv4Addr::new(10, vpc, c, d))
        });
        match ip {
            IpAddr::V4(v4) => v4,
            IpAddr::V6(_) => Ipv4Addr::UNSPECIFIED,
        }
    }
}

/// Attackers' laptops (TEST-NET-2, outside AWS).
pub(crate) const ATTACKER_NET: [u8; 3] = [198, 51, 100];
/// Office egress (TEST-NET-3, outside AWS).
pub(crate) const OFFICE_NET: [u8; 3] = [203, 0, 113];
/// CI runners (TEST-NET-1, outside AWS).
pub(crate) const CI_NET: [u8; 3] = [192, 0, 2];
