//! Trusted and threat IP lists in GuardDuty's plaintext (`TXT`) format.

use std::net::IpAddr;
use std::path::Path;

use ipnet::IpNet;

use super::prefix_table::{PrefixTable, normalise, parse_net};
use super::{ListError, NetError};

/// A GuardDuty trusted or threat IP list: IPv4/IPv6 addresses and CIDRs, one per line.
///
/// Parsing rules (GuardDuty documents only "one per line"):
/// - leading and trailing whitespace (including a Windows `\r` and a UTF-8 byte-order mark) is
///   ignored, and so are blank lines;
/// - `#` starts a comment that runs to the end of the line (whole-line or after an entry), as
///   in most published threat feeds;
/// - a CIDR with host bits set (`198.51.100.7/24`) means its network (`198.51.100.0/24`);
///   an IPv4-mapped IPv6 entry (`::ffff:198.51.100.7`) means the IPv4 address;
/// - anything else (ranges `a-b`, several entries on one line, host names, …) is a
///   [`ListError`] with its line number; the other lines still load.
#[derive(Debug, Clone)]
pub struct IpList {
    name: String,
    /// Valid entries in file order, with their 1-based line numbers.
    entries: Vec<(IpNet, usize)>,
    /// Node value = index in `entries`.
    table: PrefixTable,
}

impl IpList {
    /// Parses list text; returns the list of valid entries and one error per invalid line.
    pub fn parse(name: &str, text: &str) -> (Self, Vec<ListError>) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for (number, line) in (1..).zip(text.lines()) {
            let entry = line.split_once('#').map_or(line, |(entry, _)| entry).trim();
            if entry.is_empty() {
                continue;
            }
            match parse_net(entry) {
                Some(net) => entries.push((net, number)),
                None => errors.push(ListError {
                    list: name.to_owned(),
                    line: number,
                    text: entry.to_owned(),
                }),
            }
        }
        (Self::from_entries(name, entries), errors)
    }

    /// Reads and parses a list file; the list is named after the file.
    pub fn load(path: &Path) -> Result<(Self, Vec<ListError>), NetError> {
        let bytes = fs_err::read(path)?;
        let name = path.display().to_string();
        Ok(Self::parse(&name, &String::from_utf8_lossy(&bytes)))
    }

    /// A list from networks already parsed (for example `own_networks` from the config).
    pub fn from_networks(name: &str, networks: impl IntoIterator<Item = IpNet>) -> Self {
        Self::from_entries(name, networks.into_iter().zip(1..).collect())
    }

    fn from_entries(name: &str, mut entries: Vec<(IpNet, usize)>) -> Self {
        for (net, _) in &mut entries {
            *net = normalise(*net);
        }
        let table = PrefixTable::build(
            (0u32..)
                .zip(&entries)
                .map(|(index, &(net, _))| (net, index)),
        );
        Self {
            name: name.to_owned(),
            entries,
            table,
        }
    }

    /// Whether `ip` is in the list (IPv4-mapped IPv6 addresses are checked as IPv4).
    #[inline]
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.table.longest_match(ip).is_some()
    }

    /// The most specific entry containing `ip`, with its line number, for explanations.
    pub fn matching_entry(&self, ip: IpAddr) -> Option<(IpNet, usize)> {
        let node = self.table.longest_match(ip)?;
        let index = self.table.node(node)?.value as usize;
        self.entries.get(index).copied()
    }

    /// The list's name (the file path for [`Self::load`]).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of valid entries (duplicates included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list has no valid entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    const LIST: &str = "\u{feff}# threat feed, 2026-11-29\r
54.20.175.217\r
205.0.0.0/8   # GuardDuty's own example\r
\r
   198.51.100.7/24\r
2001:db8:bad::/48\r
2001:db8:ffff::1\r
not-an-ip\r
10.0.0.1-10.0.0.9\r
192.0.2.1 192.0.2.2\r
300.1.2.3\r
203.0.113.5/33\r
::ffff:192.0.2.200\r
54.20.175.217\r
";

    #[test]
    fn parses_entries_and_reports_bad_lines_with_numbers() {
        let (list, errors) = IpList::parse("feed", LIST);
        let bad: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.text.as_str())).collect();
        assert_eq!(
            bad,
            [
                (8, "not-an-ip"),
                (9, "10.0.0.1-10.0.0.9"),
                (10, "192.0.2.1 192.0.2.2"),
                (11, "300.1.2.3"),
                (12, "203.0.113.5/33"),
            ]
        );
        assert_eq!(
            errors[0].to_string(),
            "list `feed` line 8: `not-an-ip` is not an ip address or cidr"
        );
        assert_eq!(list.len(), 7);
        assert_eq!(list.name(), "feed");
    }

    #[test]
    fn membership_ipv4_ipv6_and_mapped() {
        let (list, _) = IpList::parse("feed", LIST);
        let cases: &[(&str, bool)] = &[
            ("54.20.175.217", true),
            ("54.20.175.218", false),
            ("205.1.2.3", true),
            ("206.0.0.0", false),
            ("198.51.100.200", true),
            ("198.51.101.1", false),
            ("2001:db8:bad:1234::9", true),
            ("2001:db8:bae::", false),
            ("2001:db8:ffff::1", true),
            ("2001:db8:ffff::2", false),
            ("192.0.2.200", true),
            ("::ffff:205.9.9.9", true),
            ("192.0.2.1", false),
        ];
        for (addr, expected) in cases {
            assert_eq!(list.contains(ip(addr)), *expected, "{addr}");
        }
        assert_eq!(
            list.matching_entry(ip("198.51.100.9")),
            Some(("198.51.100.0/24".parse().unwrap(), 5))
        );
        // The first of two identical entries is reported.
        assert_eq!(
            list.matching_entry(ip("54.20.175.217")),
            Some(("54.20.175.217/32".parse().unwrap(), 2))
        );
        assert_eq!(
            list.matching_entry(ip("2001:db8:bad::1")),
            Some(("2001:db8:bad::/48".parse().unwrap(), 6))
        );
    }

    #[test]
    fn empty_and_comment_only_lists() {
        let (list, errors) = IpList::parse("empty", "\n  \n# nothing\n");
        assert!(errors.is_empty());
        assert!(list.is_empty());
        assert!(!list.contains(ip("1.2.3.4")));
    }

    #[test]
    fn from_networks_and_load() {
        let own = IpList::from_networks("own_networks", ["203.0.113.0/24".parse().unwrap()]);
        assert!(own.contains(ip("203.0.113.77")));
        assert!(!own.contains(ip("203.0.114.1")));

        let path = std::env::temp_dir().join(format!("trailguard-list-{}.txt", std::process::id()));
        fs_err::write(&path, "198.51.100.7\nbogus\n").unwrap();
        let (list, errors) = IpList::load(&path).unwrap();
        fs_err::remove_file(&path).unwrap();
        assert_eq!(list.name(), path.display().to_string());
        assert!(list.contains(ip("198.51.100.7")));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);

        let missing = IpList::load(Path::new("/nonexistent/threats.txt")).unwrap_err();
        assert!(
            missing.to_string().contains("/nonexistent/threats.txt"),
            "{missing}"
        );
    }
}
