//! AWS's published IP ranges (`ip-ranges.json`) with fast longest-prefix lookups.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read as _;
use std::net::IpAddr;
use std::path::Path;

use ipnet::IpNet;
use serde::Deserialize;

use super::NetError;
use super::prefix_table::{PrefixTable, normalise, sort_key};

/// The snapshot bundled in the binary (`data/aws-ip-ranges.json.gz`).
const BUILTIN_GZ: &[u8] = include_bytes!("../../../../data/aws-ip-ranges.json.gz");

/// The superset service: every AWS range is listed under it.
const AMAZON: &str = "AMAZON";
/// The service whose addresses customers' instances use; preferred on ties.
const EC2: &str = "EC2";

/// AWS's IP ranges, indexed for longest-prefix lookups (IPv4 and IPv6).
///
/// One file answers for every event: ideally an address is checked against the file as it was
/// at the event's time, since ranges move (see `docs/ip-classification.md`).
#[derive(Debug, Clone)]
pub struct AwsIpRanges {
    sync_token: String,
    create_date: String,
    /// Interned region, service and border-group names.
    names: Vec<Box<str>>,
    /// Every entry of the file, grouped by CIDR (the group in preference order).
    entries: Vec<Entry>,
    /// Node value = index in `entries` of the first (preferred) entry of that CIDR.
    table: PrefixTable,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    prefix: IpNet,
    region: u32,
    service: u32,
    network_border_group: u32,
}

/// One published range an address falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwsRange<'a> {
    /// The published CIDR.
    pub prefix: IpNet,
    /// Region code, or `GLOBAL`.
    pub region: &'a str,
    /// Service (`EC2`, `S3`, …, or `AMAZON`, the superset).
    pub service: &'a str,
    /// Network border group (a Region, a Local Zone group such as `us-west-2-lax-1`, or `GLOBAL`).
    pub network_border_group: &'a str,
}

#[derive(Deserialize)]
struct RawFile<'a> {
    #[serde(rename = "syncToken", borrow)]
    sync_token: Cow<'a, str>,
    #[serde(rename = "createDate", borrow)]
    create_date: Cow<'a, str>,
    #[serde(borrow)]
    prefixes: Vec<RawEntry<'a>>,
    #[serde(default, borrow)]
    ipv6_prefixes: Vec<RawEntry<'a>>,
}

#[derive(Deserialize)]
struct RawEntry<'a> {
    #[serde(alias = "ipv6_prefix", borrow)]
    ip_prefix: Cow<'a, str>,
    #[serde(borrow)]
    region: Cow<'a, str>,
    #[serde(borrow)]
    service: Cow<'a, str>,
    #[serde(borrow)]
    network_border_group: Cow<'a, str>,
}

impl AwsIpRanges {
    /// The snapshot bundled in the binary, decompressed and parsed on each call (about 10 ms in
    /// a release build; keep the result).
    pub fn builtin() -> Result<Self, NetError> {
        Self::from_bytes(BUILTIN_GZ)
    }

    /// Reads `ip-ranges.json`, plain or gzip-compressed (recognised by its magic bytes).
    pub fn load(path: &Path) -> Result<Self, NetError> {
        Self::from_bytes(&fs_err::read(path)?)
    }

    /// Parses `ip-ranges.json` text, or its gzip compression.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, NetError> {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            // The snapshot inflates about 21-fold; the cap keeps a hostile file from
            // reserving memory up front.
            let mut json = Vec::with_capacity(bytes.len().saturating_mul(24).min(64 << 20));
            flate2::read::MultiGzDecoder::new(bytes)
                .read_to_end(&mut json)
                .map_err(NetError::Gzip)?;
            Self::from_json(&json)
        } else {
            Self::from_json(bytes)
        }
    }

    /// Parses `ip-ranges.json` text. Unknown fields are ignored; a prefix that is not a CIDR of
    /// its array's family is an error.
    pub fn from_json(bytes: &[u8]) -> Result<Self, NetError> {
        let raw: RawFile<'_> = serde_json::from_slice(bytes).map_err(NetError::Json)?;
        let mut interner = Interner::default();
        let mut entries = Vec::with_capacity(raw.prefixes.len() + raw.ipv6_prefixes.len());
        for (field, list, want_v4) in [
            ("ip_prefix", &raw.prefixes, true),
            ("ipv6_prefix", &raw.ipv6_prefixes, false),
        ] {
            for (index, item) in list.iter().enumerate() {
                let prefix = item
                    .ip_prefix
                    .parse::<IpNet>()
                    .ok()
                    .filter(|net| matches!(net, IpNet::V4(_)) == want_v4)
                    .ok_or_else(|| NetError::Prefix {
                        field,
                        value: item.ip_prefix.to_string(),
                        index,
                    })?;
                entries.push(Entry {
                    prefix: normalise(prefix),
                    region: interner.intern(&item.region),
                    service: interner.intern(&item.service),
                    network_border_group: interner.intern(&item.network_border_group),
                });
            }
        }
        let names = interner.names;
        // Group by CIDR, preferred service first.
        let ranks = service_ranks(&names);
        entries.sort_unstable_by_key(|e| {
            let rank = ranks.get(e.service as usize).copied();
            (sort_key(&e.prefix), rank, e.region, e.network_border_group)
        });
        let table = PrefixTable::build(
            (0u32..)
                .zip(&entries)
                .map(|(index, entry)| (entry.prefix, index)),
        );
        Ok(Self {
            sync_token: raw.sync_token.into_owned(),
            create_date: raw.create_date.into_owned(),
            names,
            entries,
            table,
        })
    }

    /// The longest published prefix containing `ip`, or `None` when `ip` is not AWS's.
    ///
    /// `service` is that prefix's most specific service: a service other than `AMAZON` when
    /// the prefix is listed under one (`EC2` first when it is listed under several, then
    /// alphabetical), else `AMAZON`. IPv4-mapped IPv6 addresses are looked up as IPv4.
    #[inline]
    pub fn lookup(&self, ip: IpAddr) -> Option<AwsRange<'_>> {
        let node = self.table.longest_match(ip)?;
        let entry = self.table.node(node)?.value as usize;
        self.entries.get(entry).map(|e| self.range(e))
    }

    /// Whether `ip` is in any published prefix.
    #[inline]
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.table.longest_match(ip).is_some()
    }

    /// Every published entry containing `ip`: longest prefix first, and for each prefix every
    /// service it is listed under (in the order of [`Self::lookup`]). Use it to ask "is this
    /// EC2 in Region X" when an `AMAZON`-only prefix sits inside an `EC2` one.
    pub fn matches(&self, ip: IpAddr) -> impl Iterator<Item = AwsRange<'_>> + '_ {
        self.table
            .longest_match(ip)
            .into_iter()
            .flat_map(|node| self.table.ancestors(node))
            .flat_map(|node| {
                let first = node.value as usize;
                self.entries
                    .get(first..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(move |e| e.prefix == node.net)
            })
            .map(|e| self.range(e))
    }

    /// Every entry of the file, grouped by prefix (IPv4, then IPv6).
    pub fn entries(&self) -> impl ExactSizeIterator<Item = AwsRange<'_>> + '_ {
        self.entries.iter().map(|e| self.range(e))
    }

    /// Number of distinct prefixes (IPv4 and IPv6).
    pub fn prefix_count(&self) -> usize {
        self.table.len()
    }

    /// The file's `syncToken` (publication time, epoch seconds).
    pub fn sync_token(&self) -> &str {
        &self.sync_token
    }

    /// The file's `createDate` (`YYYY-MM-DD-hh-mm-ss`, UTC).
    pub fn create_date(&self) -> &str {
        &self.create_date
    }

    fn range(&self, entry: &Entry) -> AwsRange<'_> {
        AwsRange {
            prefix: entry.prefix,
            region: self.name(entry.region),
            service: self.name(entry.service),
            network_border_group: self.name(entry.network_border_group),
        }
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |n| n)
    }
}

/// For each interned name, its rank as a service: `EC2` first, then the other services in
/// alphabetical order, `AMAZON` (the superset) last.
fn service_ranks(names: &[Box<str>]) -> Vec<u32> {
    let class = |name: &str| match name {
        EC2 => 0,
        AMAZON => 2,
        _ => 1,
    };
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&id| names.get(id).map(|n| (class(n), n)));
    let mut ranks = vec![0; names.len()];
    for (rank, id) in (0u32..).zip(order) {
        if let Some(slot) = ranks.get_mut(id) {
            *slot = rank;
        }
    }
    ranks
}

#[derive(Default)]
struct Interner {
    names: Vec<Box<str>>,
    ids: HashMap<Box<str>, u32>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.into());
        self.ids.insert(name.into(), id);
        id
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::net::prefix_table::contains;
    use proptest::prelude::*;

    fn builtin() -> &'static AwsIpRanges {
        static RANGES: OnceLock<AwsIpRanges> = OnceLock::new();
        RANGES.get_or_init(|| AwsIpRanges::builtin().unwrap())
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn summary(r: Option<AwsRange<'_>>) -> Option<(String, String, String, String)> {
        r.map(|r| {
            (
                r.prefix.to_string(),
                r.service.to_owned(),
                r.region.to_owned(),
                r.network_border_group.to_owned(),
            )
        })
    }

    fn owned(
        prefix: &str,
        service: &str,
        region: &str,
        nbg: &str,
    ) -> Option<(String, String, String, String)> {
        Some((prefix.into(), service.into(), region.into(), nbg.into()))
    }

    #[test]
    fn builtin_snapshot_metadata_and_size() {
        let r = builtin();
        assert_eq!(r.sync_token(), "1787411825");
        assert_eq!(r.create_date(), "2026-08-22-15-17-05");
        assert_eq!(r.entries().len(), 10_668 + 6_160);
        assert_eq!(r.prefix_count(), 7_905 + 3_108);
    }

    #[test]
    fn worked_checks_of_the_docs() {
        let r = builtin();
        assert_eq!(
            summary(r.lookup(ip("3.225.16.109"))),
            owned("3.224.0.0/12", "EC2", "us-east-1", "us-east-1")
        );
        assert_eq!(
            summary(r.lookup(ip("52.45.102.28"))),
            owned("52.44.0.0/15", "EC2", "us-east-1", "us-east-1")
        );
        assert_eq!(
            summary(r.lookup(ip("18.236.253.47"))),
            owned("18.236.0.0/15", "EC2", "us-west-2", "us-west-2")
        );
        for outside in ["192.168.10.20", "1.2.3.4", "104.102.221.250"] {
            assert_eq!(r.lookup(ip(outside)), None, "{outside}");
            assert!(!r.contains(ip(outside)), "{outside}");
        }
        assert!(r.contains(ip("3.225.16.109")));
    }

    #[test]
    fn ipv6_and_mapped_ipv4() {
        let r = builtin();
        assert_eq!(
            summary(r.lookup(ip("2600:1f18:4a3:6900::1"))),
            owned("2600:1f18::/33", "EC2", "us-east-1", "us-east-1")
        );
        assert_eq!(r.lookup(ip("2001:db8::1")), None);
        assert_eq!(
            summary(r.lookup(ip("::ffff:3.225.16.109"))),
            owned("3.224.0.0/12", "EC2", "us-east-1", "us-east-1")
        );
    }

    #[test]
    fn same_prefix_prefers_a_specific_service_over_amazon() {
        // The snapshot lists 3.224.0.0/12 twice: AMAZON and EC2.
        let r = builtin();
        let all: Vec<_> = r
            .matches(ip("3.225.16.109"))
            .map(|m| (m.prefix.to_string(), m.service))
            .collect();
        assert_eq!(
            all,
            [
                ("3.224.0.0/12".to_owned(), "EC2"),
                ("3.224.0.0/12".to_owned(), "AMAZON")
            ]
        );
    }

    const NESTED: &str = r#"{"syncToken":"1","createDate":"2026-01-01-00-00-00",
      "prefixes":[
        {"ip_prefix":"198.51.100.0/24","region":"us-east-1","service":"AMAZON","network_border_group":"us-east-1"},
        {"ip_prefix":"198.51.100.0/24","region":"us-east-1","service":"S3","network_border_group":"us-east-1"},
        {"ip_prefix":"198.51.100.0/24","region":"us-east-1","service":"EC2","network_border_group":"us-east-1"},
        {"ip_prefix":"198.51.0.0/16","region":"us-east-1","service":"AMAZON","network_border_group":"us-east-1"},
        {"ip_prefix":"198.51.0.0/16","region":"us-east-1","service":"EC2","network_border_group":"us-east-1"},
        {"ip_prefix":"198.51.100.128/26","region":"GLOBAL","service":"AMAZON","network_border_group":"GLOBAL"},
        {"ip_prefix":"203.0.113.0/24","region":"eu-west-1","service":"CLOUDFRONT","network_border_group":"GLOBAL"},
        {"ip_prefix":"203.0.113.0/24","region":"eu-west-1","service":"AMAZON","network_border_group":"GLOBAL"},
        {"ip_prefix":"203.0.113.0/24","region":"eu-west-1","service":"API_GATEWAY","network_border_group":"GLOBAL"}
      ],
      "ipv6_prefixes":[
        {"ipv6_prefix":"2001:db8::/32","region":"us-west-2","service":"AMAZON","network_border_group":"us-west-2"},
        {"ipv6_prefix":"2001:db8:1000::/36","region":"us-west-2","service":"EC2","network_border_group":"us-west-2-lax-1"}
      ]}"#;

    #[test]
    fn longest_prefix_across_nested_prefixes() {
        let r = AwsIpRanges::from_json(NESTED.as_bytes()).unwrap();
        assert_eq!(
            summary(r.lookup(ip("198.51.7.1"))),
            owned("198.51.0.0/16", "EC2", "us-east-1", "us-east-1")
        );
        // Listed as AMAZON, S3 and EC2: EC2 is preferred.
        assert_eq!(
            summary(r.lookup(ip("198.51.100.1"))),
            owned("198.51.100.0/24", "EC2", "us-east-1", "us-east-1")
        );
        // An AMAZON-only /26 inside the EC2 /24: the longest prefix wins, and `matches` still
        // shows the enclosing EC2 ranges.
        assert_eq!(
            summary(r.lookup(ip("198.51.100.130"))),
            owned("198.51.100.128/26", "AMAZON", "GLOBAL", "GLOBAL")
        );
        let all: Vec<String> = r
            .matches(ip("198.51.100.130"))
            .map(|m| format!("{} {}", m.prefix, m.service))
            .collect();
        assert_eq!(
            all,
            [
                "198.51.100.128/26 AMAZON",
                "198.51.100.0/24 EC2",
                "198.51.100.0/24 S3",
                "198.51.100.0/24 AMAZON",
                "198.51.0.0/16 EC2",
                "198.51.0.0/16 AMAZON",
            ]
        );
        // No EC2: the other services in alphabetical order, AMAZON last.
        assert_eq!(
            summary(r.lookup(ip("203.0.113.9"))),
            owned("203.0.113.0/24", "API_GATEWAY", "eu-west-1", "GLOBAL")
        );
        assert_eq!(
            summary(r.lookup(ip("2001:db8:1abc::1"))),
            owned("2001:db8:1000::/36", "EC2", "us-west-2", "us-west-2-lax-1")
        );
        assert_eq!(
            summary(r.lookup(ip("2001:db8:2000::1"))),
            owned("2001:db8::/32", "AMAZON", "us-west-2", "us-west-2")
        );
        assert_eq!(r.lookup(ip("198.52.0.0")), None);
    }

    #[test]
    fn gzip_and_plain_load_alike() {
        let dir = std::env::temp_dir().join(format!("trailguard-net-{}", std::process::id()));
        fs_err::create_dir_all(&dir).unwrap();
        let plain = dir.join("ip-ranges.json");
        let gz = dir.join("ip-ranges.json.gz");
        fs_err::write(&plain, NESTED).unwrap();
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut encoder, NESTED.as_bytes()).unwrap();
        fs_err::write(&gz, encoder.finish().unwrap()).unwrap();
        for path in [&plain, &gz] {
            let r = AwsIpRanges::load(path).unwrap();
            assert_eq!(r.entries().len(), 11, "{}", path.display());
            assert_eq!(r.sync_token(), "1");
        }
        fs_err::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_inputs_are_errors_with_their_location() {
        let missing = AwsIpRanges::load(Path::new("/nonexistent/ip-ranges.json")).unwrap_err();
        assert!(
            missing.to_string().contains("/nonexistent/ip-ranges.json"),
            "{missing}"
        );

        let truncated = AwsIpRanges::from_bytes(&[0x1f, 0x8b, 8, 0, 0, 0]).unwrap_err();
        assert!(matches!(truncated, NetError::Gzip(_)), "{truncated}");

        let not_ranges = AwsIpRanges::from_json(br#"{"Records":[]}"#).unwrap_err();
        assert!(matches!(not_ranges, NetError::Json(_)), "{not_ranges}");

        let bad = br#"{"syncToken":"1","createDate":"x","prefixes":[
            {"ip_prefix":"3.0.0.0/8","region":"r","service":"EC2","network_border_group":"r"},
            {"ip_prefix":"2600::/16","region":"r","service":"EC2","network_border_group":"r"}]}"#;
        let err = AwsIpRanges::from_json(bad).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `ip_prefix` `2600::/16` in entry 1 of ip-ranges.json"
        );
        let bad = br#"{"syncToken":"1","createDate":"x","prefixes":[],"ipv6_prefixes":[
            {"ipv6_prefix":"nonsense","region":"r","service":"EC2","network_border_group":"r"}]}"#;
        let err = AwsIpRanges::from_json(bad).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `ipv6_prefix` `nonsense` in entry 0 of ip-ranges.json"
        );
    }

    /// The oracle: every entry containing `addr`, by a linear scan.
    fn linear_matches(r: &AwsIpRanges, addr: IpAddr) -> Vec<(IpNet, String, String)> {
        let mut all: Vec<_> = r
            .entries()
            .filter(|e| contains(&e.prefix, addr))
            .map(|e| (e.prefix, e.service.to_owned(), e.region.to_owned()))
            .collect();
        all.sort();
        all
    }

    fn probe(r: &AwsIpRanges, pick: usize, random: u128) -> IpAddr {
        let entry = r.entries().nth(pick % r.entries().len()).unwrap();
        let (len, host_bits) = match entry.prefix {
            IpNet::V4(n) => (n.prefix_len(), 32),
            IpNet::V6(n) => (n.prefix_len(), 128),
        };
        let host = !u128::MAX
            .checked_shl(u32::from(host_bits - len))
            .unwrap_or(0);
        match entry.prefix {
            IpNet::V4(_) if pick.is_multiple_of(3) => IpAddr::V4((random as u32).into()),
            IpNet::V4(n) => IpAddr::V4((n.network().to_bits() | (random & host) as u32).into()),
            IpNet::V6(n) if pick.is_multiple_of(3) => {
                IpAddr::V6((n.network().to_bits() & (u128::MAX << 96) | random >> 32).into())
            }
            IpNet::V6(n) => IpAddr::V6((n.network().to_bits() | (random & host)).into()),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn fast_lookup_equals_linear_scan(pick in any::<usize>(), random in any::<u128>()) {
            let r = builtin();
            let addr = probe(r, pick, random);
            let expected = linear_matches(r, addr);
            let mut fast: Vec<_> = r
                .matches(addr)
                .map(|e| (e.prefix, e.service.to_owned(), e.region.to_owned()))
                .collect();
            let best = r.lookup(addr);
            prop_assert_eq!(best.is_some(), r.contains(addr));
            match best {
                None => prop_assert!(expected.is_empty(), "{} missed", addr),
                Some(best) => {
                    let longest = expected.iter().map(|(p, _, _)| p.prefix_len()).max();
                    prop_assert_eq!(Some(best.prefix.prefix_len()), longest);
                    let services: Vec<&str> = expected
                        .iter()
                        .filter(|(p, _, _)| *p == best.prefix)
                        .map(|(_, s, _)| s.as_str())
                        .collect();
                    let want = if services.contains(&EC2) {
                        EC2
                    } else {
                        services.iter().copied().filter(|s| *s != AMAZON).min().unwrap_or(AMAZON)
                    };
                    prop_assert_eq!(best.service, want);
                }
            }
            fast.sort();
            prop_assert_eq!(fast, expected);
        }
    }
}
