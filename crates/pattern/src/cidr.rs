//! The `cidr` operator, and IP-address literals in exact matches.

use std::net::IpAddr;

use crate::error::PatternError;

/// A network range: the base address with host bits cleared, and the mask length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    network: u128,
    bits: u8,
    v6: bool,
}

impl Cidr {
    /// Parses `a.b.c.d/m` or an IPv6 `addr/m`; host bits in the address are ignored.
    pub(crate) fn parse(text: &str) -> Result<Self, PatternError> {
        let mut pieces = text.split('/');
        let (Some(address), Some(mask), None) = (pieces.next(), pieces.next(), pieces.next())
        else {
            return Err(PatternError::CidrSlash);
        };
        let mask: i64 = mask.parse().map_err(|_| PatternError::CidrMaskNotInteger)?;
        if mask < 0 {
            return Err(PatternError::CidrMaskNegative);
        }
        let ip: IpAddr = address
            .parse()
            .map_err(|_| PatternError::CidrAddress(address.to_owned()))?;
        let width = width(ip);
        let bits = u8::try_from(mask)
            .ok()
            .filter(|bits| *bits <= width)
            .ok_or(PatternError::CidrMaskTooLarge(width))?;
        let v6 = ip.is_ipv6();
        Ok(Self {
            network: to_bits(ip) & mask_of(bits, width),
            bits,
            v6,
        })
    }

    /// Whether `ip` lies in the range (an IPv4 address never lies in an IPv6 range).
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        ip.is_ipv6() == self.v6 && to_bits(ip) & mask_of(self.bits, width(ip)) == self.network
    }

    /// The mask length, its address family, and the masked base address (for indexing).
    pub(crate) fn key(&self) -> (bool, u8, u128) {
        (self.v6, self.bits, self.network)
    }
}

/// Parses an event string as an IP address, cheaply rejecting strings that cannot be one.
pub(crate) fn parse_ip(text: &str) -> Option<IpAddr> {
    let first = *text.as_bytes().first()?;
    if text.len() > 45 || !(first.is_ascii_hexdigit() || first == b':') {
        return None;
    }
    text.parse().ok()
}

/// The masked form of `ip` for a mask of `bits` (for indexing).
pub(crate) fn masked(ip: IpAddr, bits: u8) -> u128 {
    to_bits(ip) & mask_of(bits, width(ip))
}

fn width(ip: IpAddr) -> u8 {
    if ip.is_ipv6() { 128 } else { 32 }
}

fn to_bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

/// The top `bits` of a `width`-bit address set.
fn mask_of(bits: u8, width: u8) -> u128 {
    let all = if width == 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    };
    match bits {
        0 => 0,
        b if b >= width => all,
        b => all & !(all >> b),
    }
}

#[cfg(test)]
mod tests {
    use super::{Cidr, parse_ip};
    use crate::error::PatternError;

    #[test]
    fn ranges() {
        let net = Cidr::parse("10.0.0.0/24").unwrap();
        assert!(net.contains(parse_ip("10.0.0.255").unwrap()));
        assert!(!net.contains(parse_ip("10.0.1.0").unwrap()));
        let v6 = Cidr::parse("2001:db8:1234:1a00::/64").unwrap();
        assert!(v6.contains(parse_ip("2001:0db8:1234:1a00:0000:0000:0000:0001").unwrap()));
        assert!(
            Cidr::parse("0.0.0.0/0")
                .unwrap()
                .contains(parse_ip("8.8.8.8").unwrap())
        );
        assert!(
            Cidr::parse("10.0.0.7/32")
                .unwrap()
                .contains(parse_ip("10.0.0.7").unwrap())
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            Cidr::parse("10.0.0.0").unwrap_err(),
            PatternError::CidrSlash
        );
        assert_eq!(
            Cidr::parse("10.0.0.0/x").unwrap_err(),
            PatternError::CidrMaskNotInteger
        );
        assert_eq!(
            Cidr::parse("10.0.0.0/-1").unwrap_err(),
            PatternError::CidrMaskNegative
        );
        assert_eq!(
            Cidr::parse("10.0.0.0/33").unwrap_err(),
            PatternError::CidrMaskTooLarge(32)
        );
        assert_eq!(
            Cidr::parse("10.0.0.256/24").unwrap_err(),
            PatternError::CidrAddress("10.0.0.256".into())
        );
    }
}
