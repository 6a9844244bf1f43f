//! How the JSON in a buffer is laid out: one or more documents, or one document per line.

use std::ops::Range;

use memchr::memchr_iter;

use crate::scan::skip_ws;

/// The two layouts a buffer can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// One JSON document, or several one after the other (pretty-printed or not).
    Documents,
    /// JSON Lines: one document per line.
    Lines,
}

const BOM: &[u8] = b"\xef\xbb\xbf";

/// Where the content starts: after a UTF-8 byte order mark, if any.
pub(crate) fn content_start(buf: &[u8]) -> usize {
    if buf.starts_with(BOM) { BOM.len() } else { 0 }
}

/// Decides the layout of `buf`.
///
/// JSON Lines when the second non-blank line starts at its first column with `{` or `[`, and
/// either the first line is one whole value (it ends with `}` or `]`), or the second and
/// third lines both are (so a broken first line does not hide the rest). Pretty-printed
/// JSON indents its inner lines and ends them with commas, so it never looks like this.
pub(crate) fn detect(buf: &[u8]) -> Layout {
    let mut lines = lines(buf)
        .map(|(_, range)| &buf[range])
        .filter(|line| skip_ws(line, 0) < line.len());
    let (Some(first), Some(second)) = (lines.next(), lines.next()) else {
        return Layout::Documents;
    };
    if !starts_a_value(second) {
        return Layout::Documents;
    }
    let first_whole = starts_a_value(first) && ends_a_value(first);
    let next_two_whole = ends_a_value(second) && lines.next().is_some_and(one_value_per_line);
    if first_whole || next_two_whole {
        Layout::Lines
    } else {
        Layout::Documents
    }
}

fn starts_a_value(line: &[u8]) -> bool {
    matches!(line.first(), Some(b'{' | b'['))
}

fn ends_a_value(line: &[u8]) -> bool {
    matches!(
        line.iter().rev().find(|b| !b.is_ascii_whitespace()),
        Some(b'}' | b']')
    )
}

fn one_value_per_line(line: &[u8]) -> bool {
    starts_a_value(line) && ends_a_value(line)
}

/// The lines of `buf` (without their `\n`), numbered from 1; a byte order mark at the start
/// of the buffer is left out of the first line.
pub(crate) fn lines(buf: &[u8]) -> impl Iterator<Item = (usize, Range<usize>)> + '_ {
    let ends = memchr_iter(b'\n', buf).chain(std::iter::once(buf.len()));
    let mut start = content_start(buf);
    ends.enumerate().filter_map(move |(index, end)| {
        let range = start..end;
        start = end + 1;
        (range.start <= range.end).then_some((index + 1, range))
    })
}

/// Line numbers of increasing offsets, counting newlines only once.
#[derive(Debug)]
pub(crate) struct LineCounter {
    offset: usize,
    line: usize,
}

impl Default for LineCounter {
    fn default() -> Self {
        Self { offset: 0, line: 1 }
    }
}

impl LineCounter {
    /// The line (from 1) of `buf[offset]`; offsets must not decrease between calls.
    pub(crate) fn line_of(&mut self, buf: &[u8], offset: usize) -> usize {
        if offset > self.offset {
            self.line += memchr_iter(b'\n', &buf[self.offset..offset]).count();
            self.offset = offset;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(s: &str) -> Layout {
        detect(s.as_bytes())
    }

    #[test]
    fn layouts() {
        use Layout::{Documents, Lines};
        assert_eq!(layout(r#"{"Records":[]}"#), Documents);
        assert_eq!(layout("{\"Records\":[]}\n"), Documents);
        assert_eq!(layout("{\n  \"Records\": []\n}\n"), Documents);
        assert_eq!(layout("[\n{\"a\":1},\n{\"a\":2}\n]"), Documents);
        assert_eq!(layout("{\"a\":1}\n{\"a\":2}\n"), Lines);
        assert_eq!(layout("\n\n{\"a\":1}\r\n\r\n{\"a\":2}"), Lines);
        assert_eq!(layout("{\"a\":1\n{\"a\":2}\n{\"a\":3}\n"), Lines);
        assert_eq!(layout("{\"a\":1\n{\"a\":2}\n"), Documents);
        assert_eq!(layout("{\"a\":1}\n{\"a\":\n{\"a\":3}\n"), Lines);
        assert_eq!(layout("{\n \"a\": 1\n}\n{\n \"a\": 2\n}\n"), Documents);
    }

    #[test]
    fn lines_are_numbered_from_one() {
        let buf = b"\xef\xbb\xbfa\n\nbc\n";
        let found: Vec<_> = lines(buf).map(|(n, r)| (n, &buf[r])).collect();
        assert_eq!(
            found,
            vec![
                (1, &b"a"[..]),
                (2, &b""[..]),
                (3, &b"bc"[..]),
                (4, &b""[..])
            ]
        );
        let mut counter = LineCounter::default();
        assert_eq!(counter.line_of(buf, 3), 1);
        assert_eq!(counter.line_of(buf, 6), 3);
        assert_eq!(counter.line_of(buf, 6), 3);
    }
}
