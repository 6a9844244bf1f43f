//! CloudTrail `eventID`s, kept compact: a canonical lowercase UUID takes 16 bytes, anything
//! else keeps its text. The order is the order of the text either way.

use std::cmp::Ordering;
use std::fmt;

/// A record's `eventID`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EventId(Repr);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Repr {
    Uuid([u8; 16]),
    Text(Box<str>),
}

impl EventId {
    /// Parses `text`, packing canonical lowercase UUIDs.
    pub fn new(text: &str) -> Self {
        Self(parse_uuid(text).map_or_else(|| Repr::Text(text.into()), Repr::Uuid))
    }

    /// True for an empty id (records without `eventID`).
    pub fn is_empty(&self) -> bool {
        matches!(&self.0, Repr::Text(text) if text.is_empty())
    }
}

/// `8-4-4-4-12` lowercase hex digits, nothing else.
fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let bytes = text.as_bytes();
    if bytes.len() != 36 || [8, 13, 18, 23].iter().any(|&i| bytes.get(i) != Some(&b'-')) {
        return None;
    }
    let mut digits = bytes.iter().filter(|&&b| b != b'-').map(|&b| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    });
    let mut out = [0u8; 16];
    for byte in &mut out {
        *byte = digits.next()?? << 4 | digits.next()??;
    }
    Some(out)
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Text(text) => f.write_str(text),
            Repr::Uuid(bytes) => {
                for (index, byte) in bytes.iter().enumerate() {
                    if matches!(index, 4 | 6 | 8 | 10) {
                        f.write_str("-")?;
                    }
                    write!(f, "{byte:02x}")?;
                }
                Ok(())
            }
        }
    }
}

impl Ord for EventId {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.0, &other.0) {
            // Lowercase hex with fixed dashes sorts like the bytes it encodes.
            (Repr::Uuid(a), Repr::Uuid(b)) => a.cmp(b),
            (Repr::Text(a), Repr::Text(b)) => a.cmp(b),
            _ => self.to_string().cmp(&other.to_string()),
        }
    }
}

impl PartialOrd for EventId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_round_trip_and_other_text_is_kept() {
        for text in [
            "2a5178c8-b4c7-44ba-b066-1ecc79b7087c",
            "2A5178C8-B4C7-44BA-B066-1ECC79B7087C",
            "call-1",
            "",
        ] {
            assert_eq!(EventId::new(text).to_string(), text);
        }
        assert!(matches!(
            EventId::new("2a5178c8-b4c7-44ba-b066-1ecc79b7087c").0,
            Repr::Uuid(_)
        ));
        assert!(EventId::new("").is_empty());
    }

    #[test]
    fn order_is_the_order_of_the_text() {
        let mut ids = [
            "ffffffff-0000-0000-0000-000000000000",
            "0a000000-0000-0000-0000-000000000000",
            "b",
            "00000000-0000-0000-0000-00000000000a",
        ]
        .map(EventId::new)
        .to_vec();
        ids.sort();
        let texts: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, sorted);
    }
}
