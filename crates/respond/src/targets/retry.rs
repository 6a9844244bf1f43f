//! Bounded exponential backoff between attempts, with a deterministic jitter.

use std::time::Duration;

use sha2::{Digest, Sha256};

/// Waits between attempts: `base × 2^n` before retry `n` (0-based), capped at `max`, of which
/// the second half is jittered.
///
/// The jitter is a hash of the delivery's key (rule and target) and `n`, not a random number:
/// targets that fail together spread their retries apart, and the same delivery always waits
/// the same time, so tests are reproducible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Delay before the first retry, before jitter.
    pub base: Duration,
    /// Longest delay.
    pub max: Duration,
}

impl Default for Backoff {
    /// 200 ms, 400 ms, 800 ms, … up to 30 s.
    fn default() -> Self {
        Self {
            base: Duration::from_millis(200),
            max: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The wait before retry `retry` (0-based) of the delivery identified by `key`: between half
    /// and all of `min(base × 2^retry, max)`.
    pub fn delay(&self, retry: u32, key: &str) -> Duration {
        let full = self
            .base
            .saturating_mul(1u32 << retry.min(20))
            .min(self.max);
        let half = full / 2;
        half + half.mul_f64(unit_fraction(key, retry))
    }
}

/// A number in `[0, 1)` from a hash of `key` and `retry`.
fn unit_fraction(key: &str, retry: u32) -> f64 {
    let digest = Sha256::new()
        .chain_update(key.as_bytes())
        .chain_update(retry.to_be_bytes())
        .finalize();
    let mut high = [0u8; 4];
    for (slot, byte) in high.iter_mut().zip(digest.iter()) {
        *slot = *byte;
    }
    f64::from(u32::from_be_bytes(high)) / (f64::from(u32::MAX) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_stay_within_their_jitter_band_and_are_capped() {
        let backoff = Backoff::default();
        for retry in 0..12 {
            let full = Duration::from_millis(200 * (1 << retry)).min(Duration::from_secs(30));
            let delay = backoff.delay(retry, "rule/target");
            assert!(
                delay >= full / 2 && delay < full,
                "retry {retry}: {delay:?}"
            );
        }
        assert!(backoff.delay(u32::MAX, "k") < Duration::from_secs(30));
    }

    #[test]
    fn jitter_is_deterministic_per_key_and_differs_between_keys() {
        let backoff = Backoff::default();
        assert_eq!(backoff.delay(1, "r/a"), backoff.delay(1, "r/a"));
        let delays: std::collections::HashSet<_> = ["r/a", "r/b", "r/c", "s/a"]
            .iter()
            .map(|key| backoff.delay(1, key))
            .collect();
        assert_eq!(delays.len(), 4);
    }

    #[test]
    fn a_zero_base_never_waits() {
        let backoff = Backoff {
            base: Duration::ZERO,
            max: Duration::from_secs(1),
        };
        assert_eq!(backoff.delay(3, "k"), Duration::ZERO);
    }
}
