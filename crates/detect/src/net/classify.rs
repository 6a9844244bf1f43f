//! `sourceIPAddress` parsing and the non-public address test.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The IP in a CloudTrail `sourceIPAddress`, or `None` when it is not one.
///
/// CloudTrail writes a service name (`ec2.amazonaws.com`) or `AWS Internal` when AWS called on
/// the principal's behalf; those, and anything else that is not exactly an address, give
/// `None`. IPv6 is accepted in every textual form; an IPv4-mapped IPv6 address
/// (`::ffff:198.51.100.7`) is returned as the IPv4 address. Brackets, ports, zone ids and
/// surrounding spaces are not part of CloudTrail's format and are rejected.
pub fn parse_source_ip(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// Whether `ip` cannot be a public Internet source address.
///
/// True for: `0.0.0.0/8` (this network, includes the unspecified address), RFC 1918
/// (`10/8`, `172.16/12`, `192.168/16`), shared address space `100.64/10`, loopback `127/8`,
/// link-local `169.254/16`, multicast `224/4`, reserved `240/4` and broadcast; `::`, `::1`,
/// unique-local `fc00::/7`, link-local `fe80::/10`, deprecated site-local `fec0::/10`,
/// multicast `ff00::/8`; and an IPv4-mapped IPv6 address of any of the IPv4 ones.
/// Documentation ranges (`192.0.2/24`, `198.51.100/24`, `203.0.113/24`, `2001:db8::/32`) are
/// treated as public: examples and tests use them as stand-ins for Internet addresses.
pub fn is_non_public(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => is_non_public_v4(v4),
        IpAddr::V6(v6) => is_non_public_v6(v6),
    }
}

fn is_non_public_v4(ip: Ipv4Addr) -> bool {
    let [first, second, ..] = ip.octets();
    first == 0
        || ip.is_private()
        || (first == 100 && (second & 0b1100_0000) == 64)
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_multicast()
        || first >= 240
}

fn is_non_public_v6(ip: Ipv6Addr) -> bool {
    let first_segment = ip.segments()[0];
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_unique_local()
        || ip.is_unicast_link_local()
        || (first_segment & 0xffc0) == 0xfec0
        || ip.is_multicast()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_source_ip_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("198.51.100.7", Some("198.51.100.7")),
            ("3.225.16.109", Some("3.225.16.109")),
            (
                "2600:1f18:4a3:6900:1234::1",
                Some("2600:1f18:4a3:6900:1234::1"),
            ),
            ("2600:1F18:04A3:6900:0:0:0:1", Some("2600:1f18:4a3:6900::1")),
            ("::1", Some("::1")),
            // IPv4-mapped IPv6 becomes IPv4, in both notations.
            ("::ffff:198.51.100.7", Some("198.51.100.7")),
            ("::ffff:c633:6407", Some("198.51.100.7")),
            // AWS acting on the principal's behalf.
            ("ec2.amazonaws.com", None),
            ("lambda.amazonaws.com", None),
            ("AWS Internal", None),
            // Not CloudTrail's format or plain garbage.
            ("", None),
            (" 198.51.100.7", None),
            ("198.51.100.7 ", None),
            ("198.51.100.7:443", None),
            ("[2001:db8::1]", None),
            ("fe80::1%eth0", None),
            ("198.51.100", None),
            ("198.51.100.256", None),
            ("010.1.2.3", None),
            ("198.51.100.0/24", None),
            ("not an ip", None),
        ];
        for (input, expected) in cases {
            let expected = expected.map(|e| e.parse::<IpAddr>().unwrap());
            assert_eq!(parse_source_ip(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn mapped_ipv4_is_returned_as_ipv4_variant() {
        assert!(matches!(
            parse_source_ip("::ffff:10.0.0.1"),
            Some(IpAddr::V4(_))
        ));
    }

    #[test]
    fn is_non_public_table() {
        let cases: &[(&str, bool)] = &[
            ("10.0.0.1", true),
            ("10.255.255.255", true),
            ("172.16.0.1", true),
            ("172.31.255.255", true),
            ("172.32.0.1", false),
            ("172.15.255.255", false),
            ("192.168.10.20", true),
            ("192.169.0.1", false),
            ("100.64.0.1", true),
            ("100.127.255.255", true),
            ("100.63.255.255", false),
            ("100.128.0.0", false),
            ("127.0.0.1", true),
            ("169.254.169.254", true),
            ("0.0.0.0", true),
            ("0.1.2.3", true),
            ("224.0.0.1", true),
            ("240.0.0.1", true),
            ("255.255.255.255", true),
            ("1.2.3.4", false),
            ("3.225.16.109", false),
            ("198.51.100.7", false),
            ("203.0.113.9", false),
            ("::", true),
            ("::1", true),
            ("fc00::1", true),
            ("fd12:3456:789a::1", true),
            ("fe80::1", true),
            ("febf:ffff::1", true),
            ("fec0::1", true),
            ("ff02::1", true),
            ("2600:1f18::1", false),
            ("2001:db8::1", false),
            ("::ffff:10.1.2.3", true),
            ("::ffff:192.168.1.1", true),
            ("::ffff:127.0.0.1", true),
            ("::ffff:100.64.1.1", true),
            ("::ffff:1.2.3.4", false),
        ];
        for (input, expected) in cases {
            let ip: IpAddr = input.parse().unwrap();
            assert_eq!(is_non_public(ip), *expected, "address {input}");
        }
    }
}
