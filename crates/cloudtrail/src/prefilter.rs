//! Cheap byte-level selection of the records worth parsing.

use memchr::memmem::Finder;

/// Passes a record when its raw bytes contain any of a set of byte strings.
///
/// The needles are searched in the record's bytes exactly as they appear in the input (for a
/// `CloudTrailEvent` string, in the unescaped record), so a needle that would need JSON
/// escaping never matches. An empty needle matches every record; an empty set matches none.
#[derive(Debug, Clone)]
pub struct Prefilter {
    finders: Vec<Finder<'static>>,
}

impl Prefilter {
    /// A prefilter that passes records containing any of `needles`.
    pub fn any_of(needles: &[&[u8]]) -> Self {
        Self {
            finders: needles
                .iter()
                .map(|needle| Finder::new(needle).into_owned())
                .collect(),
        }
    }

    /// The needle finders.
    pub(crate) fn finders(&self) -> &[Finder<'static>] {
        &self.finders
    }

    /// Whether `record` contains any needle.
    pub fn matches(&self, record: &[u8]) -> bool {
        self.finders
            .iter()
            .any(|finder| finder.find(record).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_needle_passes() {
        let filter = Prefilter::any_of(&[b"AssumedRole", b"AttachNetworkInterface"]);
        assert!(filter.matches(br#"{"type":"AssumedRole"}"#));
        assert!(filter.matches(br#"{"eventName":"AttachNetworkInterface"}"#));
        assert!(!filter.matches(br#"{"type":"IAMUser","eventName":"AssumeRole"}"#));
        assert!(!Prefilter::any_of(&[]).matches(b"anything"));
        assert!(Prefilter::any_of(&[b""]).matches(b""));
    }
}
