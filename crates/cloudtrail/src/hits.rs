//! Needle occurrences in a whole buffer, found once and consumed record by record.
//!
//! Searching the whole decompressed buffer once per needle runs memchr's SIMD search over
//! long stretches; asking per record would restart it thousands of times. Records are
//! visited left to right, so each needle keeps a cursor on its next occurrence.

use memchr::arch::all::packedpair::HeuristicFrequencyRank;
use memchr::memmem::{Finder, FinderBuilder};

use crate::prefilter::Prefilter;

/// `"eventTime"` with its quotes: how a record's time key appears in the raw bytes.
const EVENT_TIME: &[u8] = b"\"eventTime\"";

/// Byte frequencies sampled from the buffer itself. memchr's searcher looks for the two
/// rarest bytes of a needle first; its built-in ranking is for prose, where the capital
/// letters of `AssumeRole` are rare, but CloudTrail is full of `AROA…`/`ASIA…` ids.
struct SampledRank {
    rank: [u8; 256],
}

impl SampledRank {
    /// Samples up to 16 evenly spaced 1 KiB windows.
    fn of(buffer: &[u8]) -> Self {
        const WINDOW: usize = 1024;
        const WINDOWS: usize = 16;
        let mut counts = [0_u32; 256];
        let step = (buffer.len() / WINDOWS).max(WINDOW);
        for window in buffer
            .chunks(step)
            .map(|chunk| &chunk[..chunk.len().min(WINDOW)])
        {
            for &byte in window {
                counts[usize::from(byte)] += 1;
            }
        }
        let max = counts.iter().copied().max().unwrap_or(0).max(1);
        let mut rank = [0; 256];
        for (rank, count) in rank.iter_mut().zip(counts) {
            *rank = u8::try_from(u64::from(count) * 255 / u64::from(max)).unwrap_or(u8::MAX);
        }
        Self { rank }
    }
}

impl HeuristicFrequencyRank for &SampledRank {
    fn rank(&self, byte: u8) -> u8 {
        self.rank[usize::from(byte)]
    }
}

/// The first occurrence of one needle at or after the last position asked about.
struct Cursor {
    finder: Finder<'static>,
    /// `None` before the first search; then the occurrence found, if any.
    next: Option<Option<usize>>,
}

impl Cursor {
    fn new(needle: &[u8], rank: &SampledRank) -> Self {
        Self {
            finder: FinderBuilder::new().build_forward_with_ranker_owned(rank, needle.to_vec()),
            next: None,
        }
    }

    /// Whether the needle occurs entirely inside `haystack[start..end]`. Calls must not
    /// move `start` backwards: an occurrence found at or after an earlier `start` is reused
    /// until a later `start` passes it.
    fn any_in(&mut self, haystack: &[u8], start: usize, end: usize) -> bool {
        let stale = match self.next {
            None => true,
            Some(Some(p)) => p < start,
            Some(None) => false,
        };
        if stale {
            let found = haystack
                .get(start..)
                .and_then(|rest| self.finder.find(rest));
            self.next = Some(found.map(|p| p + start));
        }
        matches!(self.next, Some(Some(p)) if p + self.finder.needle().len() <= end)
    }
}

/// Cursors for `"eventTime"` and for each prefilter needle over one buffer.
pub(crate) struct Hits<'h> {
    haystack: &'h [u8],
    event_time: Cursor,
    needles: Option<Vec<Cursor>>,
}

impl<'h> Hits<'h> {
    pub(crate) fn new(haystack: &'h [u8], prefilter: Option<&Prefilter>) -> Self {
        let rank = SampledRank::of(haystack);
        Self {
            haystack,
            event_time: Cursor::new(EVENT_TIME, &rank),
            needles: prefilter.map(|p| {
                p.finders()
                    .iter()
                    .map(|finder| Cursor::new(finder.needle(), &rank))
                    .collect()
            }),
        }
    }

    /// Whether `"eventTime"` occurs in `start..end` (anywhere, not only as a top-level key).
    pub(crate) fn event_time_in(&mut self, start: usize, end: usize) -> bool {
        self.event_time.any_in(self.haystack, start, end)
    }

    /// Whether the prefilter passes the bytes `start..end` (always, without a prefilter).
    pub(crate) fn passes(&mut self, start: usize, end: usize) -> bool {
        let haystack = self.haystack;
        match &mut self.needles {
            None => true,
            Some(cursors) => cursors
                .iter_mut()
                .any(|cursor| cursor.any_in(haystack, start, end)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_answer_per_range() {
        let buf =
            br#"{"eventTime":1,"x":"AssumedRole"} {"eventTime":2} {"y":"AttachNetworkInterface"}"#;
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
