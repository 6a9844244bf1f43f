//! IPv4/IPv6 networks in CIDR notation for `IpAddress` / `NotIpAddress`.

use std::net::IpAddr;

/// A network: an address and a prefix length. A bare address is a `/32` (or `/128`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n`, `a.b.c.d`, `x::y/n` or `x::y`; `None` if invalid.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (addr_text, prefix_text) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr_text.trim().parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix_text {
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(Self { addr, prefix })
    }

    /// Whether `ip` lies in this network; an IPv4 address never lies in an IPv6 network
    /// (and the reverse).
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => masked(
                u128::from(u32::from(net)),
                u128::from(u32::from(ip)),
                32,
                self.prefix,
            ),
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), u128::from(ip), 128, self.prefix)
            }
            _ => false,
        }
    }
}

fn masked(net: u128, ip: u128, width: u32, prefix: u8) -> bool {
    let host_bits = width - u32::from(prefix);
    if host_bits >= 128 {
        return true;
    }
    (net >> host_bits) == (ip >> host_bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn v4_networks() {
        let net = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(net.contains(ip("203.0.113.7")));
        assert!(!net.contains(ip("203.0.114.7")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        let host = Cidr::parse("10.0.0.1").unwrap();
        assert!(host.contains(ip("10.0.0.1")));
        assert!(!host.contains(ip("10.0.0.2")));
    }

    #[test]
    fn v6_networks_and_family_mismatch() {
        let net = Cidr::parse("2001:DB8:1234:5678::/64").unwrap();
        assert!(net.contains(ip("2001:db8:1234:5678::1")));
        assert!(!net.contains(ip("2001:db8:1234:5679::1")));
        assert!(!net.contains(ip("10.0.0.1")));
        assert!(!Cidr::parse("10.0.0.0/8").unwrap().contains(ip("::1")));
    }

    #[test]
    fn rejects_invalid() {
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("10.0.0/8"), None);
        assert_eq!(Cidr::parse("nope"), None);
    }
}
