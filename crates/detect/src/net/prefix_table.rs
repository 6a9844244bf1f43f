//! Longest-prefix match over a set of CIDRs, as a sorted interval table.
//!
//! CIDRs are either nested or disjoint, so the address space splits into intervals that each
//! have one longest matching CIDR (or none). The table stores the start of every interval and
//! the CIDR that owns it; a lookup is a binary search. IPv4 adds a 65,536-entry index on the top
//! 16 bits, so most lookups search only a handful of intervals.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net};

/// Marks "no CIDR" in interval values and parent links.
const NONE: u32 = u32::MAX;

/// One distinct CIDR of the table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    /// The CIDR (normalised: host bits cleared, IPv4-mapped IPv6 turned into IPv4).
    pub(crate) net: IpNet,
    /// The caller's value for it (of the first occurrence when a CIDR was given twice).
    pub(crate) value: u32,
    /// The next shorter CIDR of the table that contains this one.
    parent: u32,
}

/// An immutable longest-prefix-match table for IPv4 and IPv6.
#[derive(Debug, Clone)]
pub(crate) struct PrefixTable {
    nodes: Vec<Node>,
    v4: Intervals<u32>,
    /// `v4_buckets[h]` = index of the first IPv4 interval starting at or after `h << 16`.
    v4_buckets: Box<[u32]>,
    v6: Intervals<u128>,
}

/// Sorted interval starts and, for each, the node owning the interval (or [`NONE`]).
#[derive(Debug, Clone)]
struct Intervals<K> {
    starts: Vec<K>,
    owners: Vec<u32>,
}

/// An address as an unsigned integer.
trait Key: Copy + Ord {
    const ZERO: Self;
    fn succ(self) -> Option<Self>;
}

impl Key for u32 {
    const ZERO: Self = 0;
    fn succ(self) -> Option<Self> {
        self.checked_add(1)
    }
}

impl Key for u128 {
    const ZERO: Self = 0;
    fn succ(self) -> Option<Self> {
        self.checked_add(1)
    }
}

/// Normalises a CIDR: host bits cleared, `::ffff:a.b.c.d/n` (n ≥ 96) as `a.b.c.d/(n-96)`.
pub(crate) fn normalise(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.addr().to_ipv4_mapped() {
            Some(v4) => {
                Ipv4Net::new(v4, v6.prefix_len() - 96).map_or(net.trunc(), |n| IpNet::V4(n.trunc()))
            }
            None => net.trunc(),
        },
        _ => net.trunc(),
    }
}

impl PrefixTable {
    /// Builds the table. Identical CIDRs keep the value of their first occurrence.
    pub(crate) fn build(items: impl IntoIterator<Item = (IpNet, u32)>) -> Self {
        let mut items: Vec<(IpNet, u32)> = items
            .into_iter()
            .map(|(net, value)| (normalise(net), value))
            .collect();
        // Stable sort: by family, start, then shorter prefix first (the containing CIDR
        // precedes those inside it); identical CIDRs stay in input order.
        items.sort_by_key(|(net, _)| sort_key(net));
        items.dedup_by(|later, earlier| later.0 == earlier.0);

        let mut nodes: Vec<Node> = items
            .iter()
            .map(|&(net, value)| Node {
                net,
                value,
                parent: NONE,
            })
            .collect();
        let mut v4_spans = Vec::new();
        let mut v6_spans = Vec::new();
        for (index, node) in (0u32..).zip(&nodes) {
            match node.net {
                IpNet::V4(n) => {
                    v4_spans.push((n.network().to_bits(), n.broadcast().to_bits(), index))
                }
                IpNet::V6(n) => {
                    v6_spans.push((n.network().to_bits(), n.broadcast().to_bits(), index))
                }
            }
        }
        let v4 = flatten(&v4_spans, &mut nodes);
        let v6 = flatten(&v6_spans, &mut nodes);
        let v4_buckets = bucket_index(&v4.starts);
        Self {
            nodes,
            v4,
            v4_buckets,
            v6,
        }
    }

    /// Number of distinct CIDRs.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The index of the longest CIDR containing `ip`. IPv4-mapped IPv6 addresses are looked up
    /// as IPv4.
    #[inline]
    pub(crate) fn longest_match(&self, ip: IpAddr) -> Option<usize> {
        let owner = match ip.to_canonical() {
            IpAddr::V4(v4) => self.lookup_v4(v4.to_bits()),
            IpAddr::V6(v6) => lookup_sorted(&self.v6, v6.to_bits()),
        };
        (owner != NONE).then_some(owner as usize)
    }

    #[inline]
    fn lookup_v4(&self, key: u32) -> u32 {
        let bucket = (key >> 16) as usize;
        let (Some(&lo), Some(&hi)) = (self.v4_buckets.get(bucket), self.v4_buckets.get(bucket + 1))
        else {
            return NONE;
        };
        let (lo, hi) = (lo as usize, hi as usize);
        let Some(candidates) = self.v4.starts.get(lo..hi) else {
            return NONE;
        };
        // The owner is the last interval starting at or before `key`; interval 0 starts at 0,
        // so for bucket 0 `lo + found ≥ 1`, and for other buckets `lo ≥ 1`.
        let found = candidates.partition_point(|&start| start <= key);
        (lo + found)
            .checked_sub(1)
            .and_then(|i| self.v4.owners.get(i))
            .copied()
            .unwrap_or(NONE)
    }

    /// The node at `index` (from [`Self::longest_match`] or [`Self::ancestors`]).
    pub(crate) fn node(&self, index: usize) -> Option<&Node> {
        self.nodes.get(index)
    }

    /// `index` and then every shorter CIDR containing it, longest first.
    pub(crate) fn ancestors(&self, index: usize) -> impl Iterator<Item = &Node> + '_ {
        std::iter::successors(self.nodes.get(index), |node| {
            self.nodes.get(node.parent as usize)
        })
    }
}

/// Orders CIDRs by family, then start, then shorter prefix first.
pub(crate) fn sort_key(net: &IpNet) -> (u8, u128, u8) {
    match net {
        IpNet::V4(n) => (4, u128::from(n.network().to_bits()), n.prefix_len()),
        IpNet::V6(n) => (6, n.network().to_bits(), n.prefix_len()),
    }
}

#[inline]
fn lookup_sorted<K: Key>(table: &Intervals<K>, key: K) -> u32 {
    table
        .starts
        .partition_point(|&start| start <= key)
        .checked_sub(1)
        .and_then(|i| table.owners.get(i))
        .copied()
        .unwrap_or(NONE)
}

/// Turns sorted, nested-or-disjoint spans `(first, last, node)` into intervals, and records
/// each node's parent.
fn flatten<K: Key>(spans: &[(K, K, u32)], nodes: &mut [Node]) -> Intervals<K> {
    let mut out = Intervals {
        starts: vec![K::ZERO],
        owners: vec![NONE],
    };
    // Open spans, outermost first: (last address, node).
    let mut open: Vec<(K, u32)> = Vec::new();
    for &(first, last, node) in spans {
        close_before(&mut open, &mut out, Some(first));
        let parent = open.last().map_or(NONE, |&(_, n)| n);
        if let Some(slot) = nodes.get_mut(node as usize) {
            slot.parent = parent;
        }
        open.push((last, node));
        out.push(first, node);
    }
    close_before(&mut open, &mut out, None);
    out
}

/// Closes every open span that ends before `next` (all of them for `None`).
fn close_before<K: Key>(open: &mut Vec<(K, u32)>, out: &mut Intervals<K>, next: Option<K>) {
    while let Some(&(last, _)) = open.last() {
        if next.is_some_and(|n| last >= n) {
            break;
        }
        open.pop();
        if let Some(after) = last.succ() {
            out.push(after, open.last().map_or(NONE, |&(_, n)| n));
        }
    }
}

impl<K: Key> Intervals<K> {
    /// Starts a new interval owned by `owner` at `start` (≥ every start so far).
    fn push(&mut self, start: K, owner: u32) {
        if self.starts.last() == Some(&start) {
            self.starts.pop();
            self.owners.pop();
        }
        if self.owners.last() != Some(&owner) {
            self.starts.push(start);
            self.owners.push(owner);
        }
    }
}

fn bucket_index(starts: &[u32]) -> Box<[u32]> {
    let mut buckets = Vec::with_capacity((1 << 16) + 1);
    let mut next = 0usize;
    for bucket in 0..=(1u32 << 16) {
        while starts.get(next).is_some_and(|&s| (s >> 16) < bucket) {
            next += 1;
        }
        buckets.push(u32::try_from(next).unwrap_or(u32::MAX));
    }
    buckets.into_boxed_slice()
}

/// Parses an IPv4/IPv6 address or CIDR; a bare address is a /32 or /128.
pub(crate) fn parse_net(text: &str) -> Option<IpNet> {
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

/// Whether `net` contains `ip` (IPv4-mapped addresses as IPv4): the linear-scan oracle of tests.
#[cfg(test)]
pub(crate) fn contains(net: &IpNet, ip: IpAddr) -> bool {
    match (net, ip.to_canonical()) {
        (IpNet::V4(n), IpAddr::V4(a)) => n.contains(&a),
        (IpNet::V6(n), IpAddr::V6(a)) => n.contains(&a),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipnet::Ipv6Net;
    use proptest::prelude::*;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn table(cidrs: &[&str]) -> PrefixTable {
        PrefixTable::build((0u32..).zip(cidrs).map(|(i, c)| (net(c), i)))
    }

    fn matched(t: &PrefixTable, addr: &str) -> Option<String> {
        t.longest_match(ip(addr))
            .and_then(|i| t.node(i))
            .map(|n| n.net.to_string())
    }

    #[test]
    fn longest_prefix_wins_across_nesting() {
        let t = table(&["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32"]);
        assert_eq!(matched(&t, "10.9.9.9").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(matched(&t, "10.1.9.9").as_deref(), Some("10.1.0.0/16"));
        assert_eq!(matched(&t, "10.1.2.4").as_deref(), Some("10.1.2.0/24"));
        assert_eq!(matched(&t, "10.1.2.3").as_deref(), Some("10.1.2.3/32"));
        // Just after the nested ranges the enclosing one takes over again.
        assert_eq!(matched(&t, "10.1.3.0").as_deref(), Some("10.1.0.0/16"));
        assert_eq!(matched(&t, "10.2.0.0").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(matched(&t, "11.0.0.0"), None);
        assert_eq!(matched(&t, "9.255.255.255"), None);
    }

    #[test]
    fn ancestors_walk_outwards() {
        let t = table(&["10.1.2.0/24", "10.0.0.0/8", "10.1.0.0/16"]);
        let i = t.longest_match(ip("10.1.2.200")).unwrap();
        let chain: Vec<String> = t.ancestors(i).map(|n| n.net.to_string()).collect();
        assert_eq!(chain, ["10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8"]);
    }

    #[test]
    fn shared_end_and_whole_space() {
        let t = table(&["0.0.0.0/0", "255.255.255.0/24", "::/0", "ffff::/16"]);
        assert_eq!(
            matched(&t, "255.255.255.255").as_deref(),
            Some("255.255.255.0/24")
        );
        assert_eq!(matched(&t, "0.0.0.0").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(
            matched(&t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").as_deref(),
            Some("ffff::/16")
        );
        assert_eq!(matched(&t, "::1").as_deref(), Some("::/0"));
    }

    #[test]
    fn duplicates_keep_first_value_and_mapped_addresses_become_ipv4() {
        let t = table(&["192.0.2.0/24", "192.0.2.0/24", "::ffff:198.51.100.0/120"]);
        assert_eq!(t.len(), 2);
        let i = t.longest_match(ip("192.0.2.1")).unwrap();
        assert_eq!(t.node(i).unwrap().value, 0);
        assert_eq!(
            matched(&t, "198.51.100.7").as_deref(),
            Some("198.51.100.0/24")
        );
        assert_eq!(
            matched(&t, "::ffff:198.51.100.7").as_deref(),
            Some("198.51.100.0/24")
        );
    }

    #[test]
    fn host_bits_are_cleared() {
        let t = table(&["2001:db8::1/32", "203.0.113.77/24"]);
        assert_eq!(
            matched(&t, "2001:db8:ffff::").as_deref(),
            Some("2001:db8::/32")
        );
        assert_eq!(
            matched(&t, "203.0.113.1").as_deref(),
            Some("203.0.113.0/24")
        );
    }

    fn linear(nets: &[IpNet], addr: IpAddr) -> Option<IpNet> {
        nets.iter()
            .map(|n| normalise(*n))
            .filter(|n| contains(n, addr))
            .max_by_key(IpNet::prefix_len)
    }

    fn any_v4_net() -> impl Strategy<Value = IpNet> {
        // Few distinct high bits so that random nets nest and overlap often.
        (0u32..16, any::<u32>(), 0u8..=32).prop_map(|(high, low, len)| {
            let bits = (high << 28) | (low >> 4);
            IpNet::V4(Ipv4Net::new(bits.into(), len).unwrap())
        })
    }

    fn any_v6_net() -> impl Strategy<Value = IpNet> {
        (0u128..16, any::<u128>(), 0u8..=128).prop_map(|(high, low, len)| {
            let bits = (high << 124) | (low >> 4);
            IpNet::V6(Ipv6Net::new(bits.into(), len).unwrap())
        })
    }

    proptest! {
        #[test]
        fn table_equals_linear_scan(
            nets in prop::collection::vec(prop_oneof![any_v4_net(), any_v6_net()], 0..60),
            probes in prop::collection::vec((0usize..64, any::<u32>(), any::<u128>()), 1..40),
        ) {
            let t = PrefixTable::build((0u32..).zip(nets.iter().copied()).map(|(i, n)| (n, i)));
            for (pick, r4, r6) in probes {
                // Probe inside a listed net when possible (masked random bits), else anywhere.
                let addr = match nets.get(pick) {
                    Some(IpNet::V4(n)) => {
                        let host = !u32::MAX.checked_shl(u32::from(32 - n.prefix_len())).unwrap_or(0);
                        IpAddr::V4((n.network().to_bits() | (r4 & host)).into())
                    }
                    Some(IpNet::V6(n)) => {
                        let host = !u128::MAX.checked_shl(u32::from(128 - n.prefix_len())).unwrap_or(0);
                        IpAddr::V6((n.network().to_bits() | (r6 & host)).into())
                    }
                    None if pick % 2 == 0 => IpAddr::V4(r4.into()),
                    None => IpAddr::V6(r6.into()),
                };
                let fast = t.longest_match(addr).and_then(|i| t.node(i)).map(|n| n.net);
                prop_assert_eq!(fast, linear(&nets, addr), "address {}", addr);
            }
        }
    }
}
