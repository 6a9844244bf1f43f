//! Needle occurrences in a whole buffer, found once and consumed record by record.
//!
//! Searching the whole decompressed buffer once per needle runs memchr's SIMD search over
//! long stretches; asking per record would restart it thousands of times. Records are
//! visited left to right, so each needle keeps a cursor on its next occurrence.

use std::sync::LazyLock;

use memchr::memmem::{FindIter, Finder};

use crate::prefilter::Prefilter;

/// `"eventTime"` with its quotes: how a record's time key appears in the raw bytes.
static EVENT_TIME: LazyLock<Finder<'static>> =
    LazyLock::new(|| Finder::new(b"\"eventTime\"").into_owned());

/// The next occurrence of one needle at or after the last position asked about.
struct Cursor<'h> {
    iter: FindIter<'h, 'h>,
    len: usize,
    next: Option<usize>,
}

impl<'h> Cursor<'h> {
    fn new(finder: &'h Finder<'static>, haystack: &'h [u8]) -> Self {
        let mut iter = finder.find_iter(haystack);
        let next = iter.next();
        Self {
            iter,
            len: finder.needle().len(),
            next,
        }
    }

    /// Whether the needle occurs entirely inside `start..end`. Calls must not move
    /// `start` backwards.
    fn any_in(&mut self, start: usize, end: usize) -> bool {
        while let Some(p) = self.next {
            if p >= start {
                break;
            }
            self.next = self.iter.next();
        }
        self.next.is_some_and(|p| p + self.len <= end)
    }
}

/// Cursors for `"eventTime"` and for each prefilter needle over one buffer.
pub(crate) struct Hits<'h> {
    event_time: Cursor<'h>,
    needles: Option<Vec<Cursor<'h>>>,
}

impl<'h> Hits<'h> {
    pub(crate) fn new(buffer: &'h [u8], prefilter: Option<&'h Prefilter>) -> Self {
        Self {
            event_time: Cursor::new(&EVENT_TIME, buffer),
            needles: prefilter.map(|p| {
                p.finders()
                    .iter()
                    .map(|finder| Cursor::new(finder, buffer))
                    .collect()
            }),
        }
    }

    /// Whether `"eventTime"` occurs in `start..end` (anywhere, not only as a top-level key).
    pub(crate) fn event_time_in(&mut self, start: usize, end: usize) -> bool {
        self.event_time.any_in(start, end)
    }

    /// Whether the prefilter passes the bytes `start..end` (always, without a prefilter).
    pub(crate) fn passes(&mut self, start: usize, end: usize) -> bool {
        match &mut self.needles {
            None => true,
            // Every cursor must move forward, so no short-circuit.
            Some(cursors) => cursors
                .iter_mut()
                .fold(false, |found, cursor| cursor.any_in(start, end) | found),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_answer_per_range() {
        let buf = br#"{"eventTime":1,"x":"AssumedRole"} {"eventTime":2} {"y":"AttachNetworkInterface"}"#;
        let filter = Prefilter::any_of(&[b"AssumedRole", b"AttachNetworkInterface"]);
        let mut hits = Hits::new(buf, Some(&filter));
        let first = 0..34;
        let second = 35..50;
        let third = 51..buf.len();
        assert!(hits.event_time_in(first.start, first.end));
        assert!(hits.passes(first.start, first.end));
        assert!(hits.event_time_in(second.start, second.end));
        assert!(!hits.passes(second.start, second.end));
        assert!(!hits.event_time_in(third.start, third.end));
        assert!(hits.passes(third.start, third.end));
        // A needle that straddles the end of a range is not inside it.
        let mut hits = Hits::new(buf, Some(&filter));
        assert!(!hits.passes(0, 25));
    }
}
