//! IP lookup speed: AWS ranges (IPv4, IPv6) and a large threat list, each against in-run
//! baselines — a naive linear scan over the same prefixes, and a `HashSet` of exact addresses
//! (the floor: one hash and probe per address, no prefix logic at all).
//!
//! `cargo bench -p detect --bench ip_lookup`; results in docs/benchmarks/ip-lookup.md.

#![allow(clippy::unwrap_used, reason = "benchmark setup")]

use std::collections::HashSet;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use detect::net::{AwsIpRanges, IpList};
use ipnet::IpNet;

/// Deterministic probe addresses: SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Half the probes fall inside a published prefix (random host bits), half anywhere.
fn probes(prefixes: &[IpNet], v4: bool, count: usize, rng: &mut Rng) -> Vec<IpAddr> {
    let family: Vec<&IpNet> = prefixes
        .iter()
        .filter(|p| matches!(p, IpNet::V4(_)) == v4)
        .collect();
    (0..count)
        .map(|i| {
            let random = (u128::from(rng.next()) << 64) | u128::from(rng.next());
            let net = family[(rng.next() % family.len() as u64) as usize];
            match net {
                IpNet::V4(n) if i % 2 == 0 => {
                    let host = !u32::MAX
                        .checked_shl(u32::from(32 - n.prefix_len()))
                        .unwrap_or(0);
                    IpAddr::V4(Ipv4Addr::from_bits(
                        n.network().to_bits() | (random as u32 & host),
                    ))
                }
                IpNet::V4(_) => IpAddr::V4(Ipv4Addr::from_bits(random as u32)),
                IpNet::V6(n) if i % 2 == 0 => {
                    let host = !u128::MAX
                        .checked_shl(u32::from(128 - n.prefix_len()))
                        .unwrap_or(0);
                    IpAddr::V6(Ipv6Addr::from_bits(n.network().to_bits() | (random & host)))
                }
                // Anywhere in 2000::/3, the global unicast space.
                IpNet::V6(_) => IpAddr::V6(Ipv6Addr::from_bits((random >> 3) | (1 << 125))),
            }
        })
        .collect()
}

/// The baseline: look at every prefix, keep the longest match.
fn linear_longest(prefixes: &[IpNet], ip: IpAddr) -> Option<IpNet> {
    let mut best: Option<IpNet> = None;
    for p in prefixes {
        if p.contains(&ip) && best.is_none_or(|b| p.prefix_len() > b.prefix_len()) {
            best = Some(*p);
        }
    }
    best
}

fn bench_aws(c: &mut Criterion) {
    let ranges = AwsIpRanges::builtin().unwrap();
    let prefixes: Vec<IpNet> = ranges.entries().map(|e| e.prefix).collect();
    // The floor: exact network addresses in a HashSet (no prefix semantics).
    let exact: HashSet<IpAddr> = prefixes.iter().map(IpNet::network).collect();
    let mut rng = Rng(0x7261_696c_6775_6172);

    for (family, v4) in [("v4", true), ("v6", false)] {
        let batch = probes(&prefixes, v4, 4096, &mut rng);
        let hits = batch.iter().filter(|ip| ranges.contains(**ip)).count();
        let mut group = c.benchmark_group(format!("aws_ranges_{family}"));
        group.throughput(Throughput::Elements(batch.len() as u64));
        group.bench_function("lookup", |b| {
            b.iter(|| {
                batch
                    .iter()
                    .filter_map(|ip| ranges.lookup(black_box(*ip)))
                    .map(|r| r.prefix.prefix_len() as usize)
                    .sum::<usize>()
            });
        });
        group.bench_function("contains", |b| {
            b.iter(|| {
                batch
                    .iter()
                    .filter(|ip| ranges.contains(black_box(**ip)))
                    .count()
            });
        });
        group.bench_function("hashset_exact_floor", |b| {
            b.iter(|| {
                batch
                    .iter()
                    .filter(|ip| exact.contains(black_box(*ip)))
                    .count()
            });
        });
        group.finish();

        // The linear scan is ~10,000 times slower: a smaller batch keeps the run short.
        let small = &batch[..256];
        let mut group = c.benchmark_group(format!("aws_ranges_{family}"));
        group.throughput(Throughput::Elements(small.len() as u64));
        group.sample_size(10);
        group.bench_function("linear_scan_baseline", |b| {
            b.iter(|| {
                small
                    .iter()
                    .filter_map(|ip| linear_longest(&prefixes, black_box(*ip)))
                    .count()
            });
        });
        group.finish();
        // Same answers from the table and the baseline on the measured probes.
        for ip in small {
            assert_eq!(
                ranges.lookup(*ip).map(|r| r.prefix),
                linear_longest(&prefixes, *ip)
            );
        }
        assert!(hits >= batch.len() / 2, "{family}: {hits} hits");
    }
}

fn bench_builtin(c: &mut Criterion) {
    let mut group = c.benchmark_group("aws_ranges_builtin");
    group.sample_size(20);
    group.bench_function("decompress_and_index", |b| {
        b.iter(|| AwsIpRanges::builtin().unwrap().prefix_count());
    });
    group.finish();
}

/// A threat list at GuardDuty's maximum size (250,000 entries): 90% single addresses, 10%
/// CIDRs from /16 to /30.
fn bench_threat_list(c: &mut Criterion) {
    let mut rng = Rng(42);
    let mut text = String::new();
    let mut singles = HashSet::new();
    for i in 0..250_000u32 {
        let addr = Ipv4Addr::from_bits(rng.next() as u32);
        if i % 10 == 0 {
            let len = 16 + (rng.next() % 15) as u8;
            text.push_str(&format!("{addr}/{len}\n"));
        } else {
            singles.insert(IpAddr::V4(addr));
            text.push_str(&format!("{addr}\n"));
        }
    }
    let mut group = c.benchmark_group("threat_list_250k");
    group.sample_size(10);
    group.bench_function("parse", |b| {
        b.iter_batched(
            || text.clone(),
            |t| IpList::parse("bench", &t).0.len(),
            BatchSize::LargeInput,
        );
    });
    group.finish();

    let (list, errors) = IpList::parse("bench", &text);
    assert!(errors.is_empty());
    let listed: Vec<IpAddr> = singles.iter().copied().take(2048).collect();
    let batch: Vec<IpAddr> = listed
        .into_iter()
        .chain((0..2048).map(|_| IpAddr::V4(Ipv4Addr::from_bits(rng.next() as u32))))
        .collect();
    let mut group = c.benchmark_group("threat_list_250k");
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function("contains", |b| {
        b.iter(|| {
            batch
                .iter()
                .filter(|ip| list.contains(black_box(**ip)))
                .count()
        });
    });
    group.bench_function("hashset_exact_floor", |b| {
        b.iter(|| {
            batch
                .iter()
                .filter(|ip| singles.contains(black_box(*ip)))
                .count()
        });
    });
    group.finish();
}

criterion_group!(benches, bench_aws, bench_builtin, bench_threat_list);
criterion_main!(benches);
