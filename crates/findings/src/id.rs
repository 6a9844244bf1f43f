//! Deterministic identifiers: the same aggregation key always gives the same finding id.

use sha2::{Digest, Sha256};

/// 32 lowercase hex characters from the SHA-256 of the parts, joined unambiguously.
fn hex32(domain: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(domain.as_bytes());
    for part in parts {
        // Length-prefix every part so ("ab","c") and ("a","bc") differ.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The finding id for an aggregation key's parts.
pub fn finding_id(parts: &[&str]) -> String {
    hex32("trailguard finding", parts)
}

/// The detector id trailguard reports for an account and region (GuardDuty has one each).
pub fn detector_id(account: &str, region: &str) -> String {
    hex32("trailguard detector", &[account, region])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_hex_and_stable() {
        let id = finding_id(&["123456789012", "T", "arn", "i-1", "1.2.3.4"]);
        assert_eq!(id.len(), 32);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(
            id,
            finding_id(&["123456789012", "T", "arn", "i-1", "1.2.3.4"])
        );
    }

    #[test]
    fn parts_are_not_concatenated_ambiguously() {
        assert_ne!(finding_id(&["ab", "c"]), finding_id(&["a", "bc"]));
        assert_ne!(finding_id(&["a"]), detector_id("a", ""));
    }
}
