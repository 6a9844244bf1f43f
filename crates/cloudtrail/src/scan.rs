//! Structural JSON scanners: find where values end without building anything.
//!
//! Two scanners, one job: [`value_end`] goes string by string (eight bytes at a time) and
//! checks that strings are terminated, hold no raw control characters and only valid
//! escapes (`\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t` `\uXXXX`), that brackets balance and
//! match (`{` with `}`, `[` with `]`) up to 128 levels (as deep as serde_json goes), and that
//! `true`, `false` and `null` are spelled right. [`container_end_fast`] skips whole objects
//! and arrays 64 bytes at a time and checks only bracket balance, matching and depth and that
//! strings end. The object and array cursors ([`Members`], [`Elements`]) also check the
//! commas and colons of the level they walk. None of them checks commas and colons inside
//! the values they skip, number syntax, UTF-8 validity or surrogate pairs: the record
//! extractor checks what it reads.

use std::fmt;

/// Why a value could not be scanned, at which byte of the scanned buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ScanError {
    /// Offset of the offending byte (or the buffer length, at an unexpected end).
    pub(crate) offset: usize,
    /// What went wrong.
    pub(crate) kind: ScanErrorKind,
}

/// The kinds of [`ScanError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScanErrorKind {
    UnexpectedEnd,
    UnexpectedByte(u8),
    ControlCharacterInString,
    InvalidEscape,
    MismatchedBracket,
    TooDeep,
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ScanErrorKind::UnexpectedEnd => write!(f, "unexpected end of data"),
            ScanErrorKind::UnexpectedByte(b) => {
                write!(f, "unexpected `{}`", [b].escape_ascii())
            }
            ScanErrorKind::ControlCharacterInString => {
                write!(f, "control character inside a string")
            }
            ScanErrorKind::InvalidEscape => write!(f, "invalid escape in a string"),
            ScanErrorKind::MismatchedBracket => write!(f, "mismatched bracket"),
            ScanErrorKind::TooDeep => write!(f, "nesting deeper than 128 levels"),
        }?;
        write!(f, " at byte {}", self.offset)
    }
}

impl ScanError {
    fn at(offset: usize, kind: ScanErrorKind) -> Self {
        Self { offset, kind }
    }

    /// The same error with its offset moved by `base` (for a sub-slice of a larger buffer).
    pub(crate) fn shifted(self, base: usize) -> Self {
        Self {
            offset: self.offset + base,
            ..self
        }
    }
}

fn unexpected(buf: &[u8], i: usize) -> ScanError {
    match buf.get(i) {
        Some(&b) => ScanError::at(i, ScanErrorKind::UnexpectedByte(b)),
        None => ScanError::at(buf.len(), ScanErrorKind::UnexpectedEnd),
    }
}

/// The index of the first byte at or after `i` that is not JSON whitespace.
pub(crate) fn skip_ws(buf: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = buf.get(i) {
        i += 1;
    }
    i
}

/// The end (exclusive) of the JSON value that starts at `buf[i]`.
pub(crate) fn value_end(buf: &[u8], i: usize) -> Result<usize, ScanError> {
    match buf.get(i) {
        Some(b'"') => Ok(string_end(buf, i + 1)? + 1),
        Some(b'{' | b'[') => container_end(buf, i),
        Some(b't') => literal_end(buf, i, b"true"),
        Some(b'f') => literal_end(buf, i, b"false"),
        Some(b'n') => literal_end(buf, i, b"null"),
        Some(b'-' | b'0'..=b'9') => {
            let mut j = i + 1;
            while let Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') = buf.get(j) {
                j += 1;
            }
            Ok(j)
        }
        _ => Err(unexpected(buf, i)),
    }
}

fn literal_end(buf: &[u8], i: usize, literal: &[u8]) -> Result<usize, ScanError> {
    let end = i + literal.len();
    match buf.get(i..end) {
        Some(found) if found == literal => Ok(end),
        _ => {
            let bad = (i..end)
                .find(|&j| buf.get(j) != literal.get(j - i))
                .unwrap_or(end);
            Err(unexpected(buf, bad))
        }
    }
}

const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `word` that is `"`, `\` or a control character (< 0x20).
/// Bits above the lowest set one may be false positives (borrows propagate upwards), so only
/// the lowest is used.
fn string_specials(word: u64) -> u64 {
    // `"` is 0x22: flipping bit 1 maps it to 0x20 and keeps the control characters below
    // 0x20, so one "less than 0x21" test finds both.
    let quote_or_control = word ^ (LOW_BITS * 0x02);
    let backslash = word ^ (LOW_BITS * u64::from(b'\\'));
    let is_quote_or_control = quote_or_control.wrapping_sub(LOW_BITS * 0x21) & !quote_or_control;
    let is_backslash = backslash.wrapping_sub(LOW_BITS) & !backslash;
    (is_quote_or_control | is_backslash) & HIGH_BITS
}

/// The first `"`, `\` or control character at or after `i`, eight bytes at a time.
fn next_string_special(buf: &[u8], mut i: usize) -> Option<usize> {
    while let Some(chunk) = buf.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let mask = string_specials(u64::from_le_bytes(*chunk));
        if mask != 0 {
            return Some(i + (mask.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    buf.get(i..)?
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|p| i + p)
}

/// The index of the closing quote of the string whose content starts at `i`.
pub(crate) fn string_end(buf: &[u8], i: usize) -> Result<usize, ScanError> {
    string_end_escaped(buf, i).map(|(end, _)| end)
}

/// Like [`string_end`], and whether the string holds escapes.
pub(crate) fn string_end_escaped(buf: &[u8], mut i: usize) -> Result<(usize, bool), ScanError> {
    let mut escaped = false;
    loop {
        let Some(j) = next_string_special(buf, i) else {
            return Err(ScanError::at(buf.len(), ScanErrorKind::UnexpectedEnd));
        };
        match buf.get(j) {
            Some(b'"') => return Ok((j, escaped)),
            Some(b'\\') => {
                escaped = true;
                i = escape_end(buf, j)?;
            }
            _ => return Err(ScanError::at(j, ScanErrorKind::ControlCharacterInString)),
        }
    }
}

/// The end of the value at `buf[i]`, with the block scanner for objects and arrays.
pub(crate) fn skip_value(buf: &[u8], i: usize) -> Result<usize, ScanError> {
    match buf.get(i) {
        // Empty containers (`"webIdFederationData":{}`) are common: no block needed.
        Some(b'{') if buf.get(i + 1) == Some(&b'}') => Ok(i + 2),
        Some(b'[') if buf.get(i + 1) == Some(&b']') => Ok(i + 2),
        Some(b'{' | b'[') => container_end_fast(buf, i),
        _ => value_end(buf, i),
    }
}

/// The index after the escape sequence whose backslash is at `i`.
fn escape_end(buf: &[u8], i: usize) -> Result<usize, ScanError> {
    match buf.get(i + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 2),
        Some(b'u') => match buf.get(i + 2..i + 6) {
            Some(hex) if hex.iter().all(u8::is_ascii_hexdigit) => Ok(i + 6),
            Some(_) => Err(ScanError::at(i, ScanErrorKind::InvalidEscape)),
            None => Err(ScanError::at(buf.len(), ScanErrorKind::UnexpectedEnd)),
        },
        Some(_) => Err(ScanError::at(i, ScanErrorKind::InvalidEscape)),
        None => Err(ScanError::at(buf.len(), ScanErrorKind::UnexpectedEnd)),
    }
}

const OTHER: u8 = 0;
const QUOTE: u8 = 1;
const OPEN_OBJECT: u8 = 2;
const OPEN_ARRAY: u8 = 3;
const CLOSE_OBJECT: u8 = 4;
const CLOSE_ARRAY: u8 = 5;

/// Structural class of every byte outside strings.
static CLASS: [u8; 256] = {
    let mut class = [OTHER; 256];
    class[b'"' as usize] = QUOTE;
    class[b'{' as usize] = OPEN_OBJECT;
    class[b'[' as usize] = OPEN_ARRAY;
    class[b'}' as usize] = CLOSE_OBJECT;
    class[b']' as usize] = CLOSE_ARRAY;
    class
};

/// The end (exclusive) of the object or array that opens at `buf[start]`.
fn container_end(buf: &[u8], start: usize) -> Result<usize, ScanError> {
    // One bit per open level, 1 = object; depth is bounded by the width.
    let mut open: u128 = 0;
    let mut depth = 0_u32;
    let mut i = start;
    while let Some(&b) = buf.get(i) {
        match CLASS[usize::from(b)] {
            QUOTE => {
                i = string_end(buf, i + 1)?;
            }
            class @ (OPEN_OBJECT | OPEN_ARRAY) => {
                if depth == u128::BITS {
                    return Err(ScanError::at(i, ScanErrorKind::TooDeep));
                }
                open = (open << 1) | u128::from(class == OPEN_OBJECT);
                depth += 1;
            }
            class @ (CLOSE_OBJECT | CLOSE_ARRAY) => {
                if depth == 0 || (open & 1 == 1) != (class == CLOSE_OBJECT) {
                    return Err(ScanError::at(i, ScanErrorKind::MismatchedBracket));
                }
                open >>= 1;
                depth -= 1;
                if depth == 0 {
                    return Ok(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Err(ScanError::at(buf.len(), ScanErrorKind::UnexpectedEnd))
}

/// Exact per-byte equality: the high bit of each byte of `word` that equals `byte`.
fn eq_bytes(word: u64, byte: u8) -> u64 {
    let y = word ^ (LOW_BITS * u64::from(byte));
    !(((y & !HIGH_BITS) + !HIGH_BITS) | y) & HIGH_BITS
}

/// Gathers the high bit of each byte into the low 8 bits.
fn movemask(high: u64) -> u64 {
    ((high >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Bit `i` set when an odd number of bits at or below `i` are set in `bits`.
fn prefix_xor(mut bits: u64) -> u64 {
    bits ^= bits << 1;
    bits ^= bits << 2;
    bits ^= bits << 4;
    bits ^= bits << 8;
    bits ^= bits << 16;
    bits ^= bits << 32;
    bits
}

/// Bitmasks of one 64-byte block.
struct BlockMasks {
    quote: u64,
    backslash: u64,
    /// `{`, `}`, `[`, `]` (and, harmlessly, `Y`, `y`, `_`, DEL, which cannot appear outside
    /// strings in JSON and are ignored when met).
    bracket: u64,
}

impl BlockMasks {
    fn of(block: &[u8; 64]) -> Self {
        let words: [u64; 8] =
            std::array::from_fn(|i| u64::from_le_bytes(block.as_chunks::<8>().0[i]));
        let mut masks = Self {
            quote: 0,
            backslash: 0,
            bracket: 0,
        };
        let mut any_backslash = 0;
        for (i, &word) in words.iter().enumerate() {
            let shift = 8 * i;
            masks.quote |= movemask(eq_bytes(word, b'"')) << shift;
            // `{` `}` `[` `]` are 0x7b 0x7d 0x5b 0x5d: all become 0x7f when 0x26 is or-ed in.
            masks.bracket |= movemask(eq_bytes(word | (LOW_BITS * 0x26), 0x7f)) << shift;
            any_backslash |= eq_bytes(word, b'\\');
        }
        // Backslashes are rare: their mask is only gathered when there are some.
        if any_backslash != 0 {
            for (i, &word) in words.iter().enumerate() {
                masks.backslash |= movemask(eq_bytes(word, b'\\')) << (8 * i);
            }
        }
        masks
    }
}

/// The bits of the characters escaped by the backslashes in `backslash`; `carry` says the
/// first byte is escaped by the previous block, and is set when this block's last byte
/// escapes the next block's first.
fn escaped_bits(mut backslash: u64, carry: &mut bool) -> u64 {
    let mut escaped = 0;
    if *carry {
        escaped |= 1;
        backslash &= !1;
    }
    *carry = false;
    while backslash != 0 {
        let i = backslash.trailing_zeros();
        backslash &= !(1 << i);
        if i == 63 {
            *carry = true;
        } else {
            escaped |= 1 << (i + 1);
            backslash &= !(1 << (i + 1));
        }
    }
    escaped
}

/// The end (exclusive) of the object or array that opens at `buf[start]`, 64 bytes at a
/// time: bitmasks of quotes, backslashes and brackets per block, strings by prefix-xor of
/// the unescaped quotes, then only the brackets outside strings are visited one by one.
///
/// Checks bracket balance, matching and depth, and that strings are terminated; unlike
/// [`value_end`] it does not check escapes, control characters or literals.
pub(crate) fn container_end_fast(buf: &[u8], start: usize) -> Result<usize, ScanError> {
    let mut open: u128 = 0;
    let mut depth = 0_u32;
    let mut inside_string = 0_u64;
    let mut escape_carry = false;
    let mut pos = start;
    let mut padded = [b' '; 64];
    while pos < buf.len() {
        let rest = &buf[pos..];
        let block = match rest.first_chunk::<64>() {
            Some(block) => block,
            // The last, short block (at most once): padded with whitespace.
            None => {
                padded[..rest.len()].copy_from_slice(rest);
                &padded
            }
        };
        let masks = BlockMasks::of(block);
        let escaped = if masks.backslash == 0 && !escape_carry {
            0
        } else {
            escaped_bits(masks.backslash, &mut escape_carry)
        };
        let strings = prefix_xor(masks.quote & !escaped) ^ inside_string;
        inside_string = 0_u64.wrapping_sub(strings >> 63);
        let mut structural = masks.bracket & !strings;
        while structural != 0 {
            let bit = structural.trailing_zeros() as usize;
            structural &= structural - 1;
            let is_object = match block[bit] {
                b'{' | b'}' => true,
                b'[' | b']' => false,
                _ => continue,
            };
            if matches!(block[bit], b'{' | b'[') {
                if depth == u128::BITS {
                    return Err(ScanError::at(pos + bit, ScanErrorKind::TooDeep));
                }
                open = (open << 1) | u128::from(is_object);
                depth += 1;
            } else {
                if depth == 0 || (open & 1 == 1) != is_object {
                    return Err(ScanError::at(pos + bit, ScanErrorKind::MismatchedBracket));
                }
                open >>= 1;
                depth -= 1;
                if depth == 0 {
                    return Ok(pos + bit + 1);
                }
            }
        }
        pos += 64;
    }
    Err(ScanError::at(buf.len(), ScanErrorKind::UnexpectedEnd))
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Member<'b> {
    /// The raw key, between its quotes (escapes not decoded).
    pub(crate) key: &'b [u8],
    /// Index of the first byte of the value.
    pub(crate) value: usize,
}

/// Walks the members of one object, level by level: the caller scans (or skips) each value
/// and hands back where it ended.
pub(crate) struct Members<'b> {
    buf: &'b [u8],
    pos: usize,
    first: bool,
}

impl<'b> Members<'b> {
    /// Starts at the `{` at `buf[open]`.
    pub(crate) fn new(buf: &'b [u8], open: usize) -> Self {
        Self {
            buf,
            pos: open + 1,
            first: true,
        }
    }

    /// The next member, or `None` after the closing `}` (then [`Members::end`] is valid).
    pub(crate) fn next_member(&mut self) -> Result<Option<Member<'b>>, ScanError> {
        let buf = self.buf;
        let mut i = skip_ws(buf, self.pos);
        match buf.get(i) {
            Some(b'}') => {
                self.pos = i + 1;
                return Ok(None);
            }
            Some(b',') if !self.first => i = skip_ws(buf, i + 1),
            _ if self.first => {}
            _ => return Err(unexpected(buf, i)),
        }
        self.first = false;
        if buf.get(i) != Some(&b'"') {
            return Err(unexpected(buf, i));
        }
        let key_end = string_end(buf, i + 1)?;
        let colon = skip_ws(buf, key_end + 1);
        if buf.get(colon) != Some(&b':') {
            return Err(unexpected(buf, colon));
        }
        let value = skip_ws(buf, colon + 1);
        if value >= buf.len() {
            return Err(unexpected(buf, value));
        }
        self.pos = value;
        Ok(Some(Member {
            key: &buf[i + 1..key_end],
            value,
        }))
    }

    /// Tells the walker where the value of the last member ended.
    pub(crate) fn value_ended(&mut self, end: usize) {
        self.pos = end;
    }

    /// The index after the closing `}` (once [`Members::next_member`] returned `None`).
    pub(crate) fn end(&self) -> usize {
        self.pos
    }
}

/// Walks the elements of one array, like [`Members`].
pub(crate) struct Elements<'b> {
    buf: &'b [u8],
    pos: usize,
    first: bool,
}

impl<'b> Elements<'b> {
    /// Starts at the `[` at `buf[open]`.
    pub(crate) fn new(buf: &'b [u8], open: usize) -> Self {
        Self {
            buf,
            pos: open + 1,
            first: true,
        }
    }

    /// The index of the next element's first byte, or `None` after the closing `]`.
    pub(crate) fn next_element(&mut self) -> Result<Option<usize>, ScanError> {
        let buf = self.buf;
        let i = skip_ws(buf, self.pos);
        let start = match buf.get(i) {
            Some(b']') => {
                self.pos = i + 1;
                return Ok(None);
            }
            Some(b',') if !self.first => skip_ws(buf, i + 1),
            _ if self.first => i,
            _ => return Err(unexpected(buf, i)),
        };
        self.first = false;
        if matches!(buf.get(start), None | Some(b']' | b',')) {
            return Err(unexpected(buf, start));
        }
        self.pos = start;
        Ok(Some(start))
    }

    /// Tells the walker where the last element ended.
    pub(crate) fn value_ended(&mut self, end: usize) {
        self.pos = end;
    }

    /// The index after the closing `]`.
    pub(crate) fn end(&self) -> usize {
        self.pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(s: &str) -> Result<usize, ScanErrorKind> {
        value_end(s.as_bytes(), 0).map_err(|e| e.kind)
    }

    #[test]
    fn values_end_where_json_says() {
        assert_eq!(end(r#"{"a":"}"}xyz"#), Ok(9));
        assert_eq!(end(r#"["a\"]",{"b":[1,2]}] 5"#), Ok(20));
        assert_eq!(end(r#""esc \\" rest"#), Ok(8));
        assert_eq!(
            end(r#""long string with no escapes at all, > 8 bytes" x"#),
            Ok(47)
        );
        assert_eq!(end(r#""\u00e9\/\b" x"#), Ok(12));
        assert_eq!(end("-12.5e+3,"), Ok(8));
        assert_eq!(end("true]"), Ok(4));
        assert_eq!(end("null"), Ok(4));
    }

    #[test]
    fn broken_values_are_errors() {
        assert_eq!(end(r#"{"a":"b"#), Err(ScanErrorKind::UnexpectedEnd));
        assert_eq!(end(r#"{"a":[}"#), Err(ScanErrorKind::MismatchedBracket));
        assert_eq!(
            end("\"a\nb\""),
            Err(ScanErrorKind::ControlCharacterInString)
        );
        assert_eq!(end(r#""\x""#), Err(ScanErrorKind::InvalidEscape));
        assert_eq!(end(r#""\u12g4""#), Err(ScanErrorKind::InvalidEscape));
        assert_eq!(end("tru "), Err(ScanErrorKind::UnexpectedByte(b' ')));
        assert_eq!(end("}"), Err(ScanErrorKind::UnexpectedByte(b'}')));
        let deep = "[".repeat(129) + &"]".repeat(129);
        assert_eq!(end(&deep), Err(ScanErrorKind::TooDeep));
        let ok = "[".repeat(128) + &"]".repeat(128);
        assert_eq!(end(&ok), Ok(256));
    }

    #[test]
    fn members_and_elements_walk_one_level() {
        let buf = br#"{ "a" : [1, {"x":2}] , "b\"c":"d" }"#;
        let mut members = Members::new(buf, 0);
        let mut seen = Vec::new();
        while let Some(m) = members.next_member().unwrap() {
            let e = value_end(buf, m.value).unwrap();
            seen.push((m.key.to_vec(), buf[m.value..e].to_vec()));
            members.value_ended(e);
        }
        assert_eq!(members.end(), buf.len());
        assert_eq!(
            seen,
            vec![
                (b"a".to_vec(), b"[1, {\"x\":2}]".to_vec()),
                (b"b\\\"c".to_vec(), b"\"d\"".to_vec())
            ]
        );

        let buf = b"[ 1 , [2] ,\"3\" ]";
        let mut elements = Elements::new(buf, 0);
        let mut seen = Vec::new();
        while let Some(s) = elements.next_element().unwrap() {
            let e = value_end(buf, s).unwrap();
            seen.push(buf[s..e].to_vec());
            elements.value_ended(e);
        }
        assert_eq!(
            seen,
            vec![b"1".to_vec(), b"[2]".to_vec(), b"\"3\"".to_vec()]
        );
        assert_eq!(elements.end(), buf.len());
    }

    #[test]
    fn cursors_reject_missing_separators() {
        let buf = br#"{"a":1 "b":2}"#;
        let mut members = Members::new(buf, 0);
        let m = members.next_member().unwrap().unwrap();
        members.value_ended(value_end(buf, m.value).unwrap());
        assert_eq!(
            members.next_member().unwrap_err().kind,
            ScanErrorKind::UnexpectedByte(b'"')
        );
        let buf = b"[1,]";
        let mut elements = Elements::new(buf, 0);
        let s = elements.next_element().unwrap().unwrap();
        elements.value_ended(value_end(buf, s).unwrap());
        assert_eq!(
            elements.next_element().map_err(|e| e.kind),
            Err(ScanErrorKind::UnexpectedByte(b']'))
        );
        let buf = b"{,}";
        assert!(Members::new(buf, 0).next_member().is_err());
        assert!(Members::new(b"{}", 0).next_member().unwrap().is_none());
        assert!(Elements::new(b"[ ]", 0).next_element().unwrap().is_none());
    }

    mod agreement {
        use super::super::*;
        use proptest::prelude::*;
        use serde_json::{Value, json};

        /// Strings full of what a structural scanner can get wrong, including long runs of
        /// backslashes that cross 64-byte blocks.
        fn tricky() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-z{}\\[\\]\"\\\\:, \n\t\u{e9}\u{1F600}\u{0}-\u{1f}]{0,80}",
                "[\\\\\"{}a]{0,300}",
            ]
        }

        fn record() -> impl Strategy<Value = Value> {
            (tricky(), tricky(), proptest::collection::vec(tricky(), 0..4), any::<i32>()).prop_map(
                |(name, agent, items, n)| {
                    json!({
                        "eventTime": "2024-08-02T08:23:24Z",
                        "eventName": name,
                        "userAgent": agent,
                        "requestParameters": {"items": items, "n": n, "nested": [[{"a": [null, true, false]}]]},
                        "responseElements": null
                    })
                },
            )
        }

        proptest! {
            #[test]
            fn splitter_agrees_with_serde_json(
                records in proptest::collection::vec(record(), 0..12),
                pretty in any::<bool>(),
                padding in 0_usize..64,
            ) {
                let array = Value::Array(records.clone());
                let text = if pretty {
                    serde_json::to_string_pretty(&array).unwrap()
                } else {
                    serde_json::to_string(&array).unwrap()
                };
                let buf = format!("{}{text}", " ".repeat(padding)).into_bytes();
                prop_assert_eq!(container_end_fast(&buf, padding), Ok(buf.len()));
                prop_assert_eq!(value_end(&buf, padding), Ok(buf.len()));
                let mut elements = Elements::new(&buf, padding);
                let mut spans = Vec::new();
                while let Some(start) = elements.next_element().unwrap() {
                    let end = container_end_fast(&buf, start).unwrap();
                    prop_assert_eq!(value_end(&buf, start), Ok(end));
                    spans.push(serde_json::from_slice::<Value>(&buf[start..end]).unwrap());
                    elements.value_ended(end);
                }
                prop_assert_eq!(elements.end(), buf.len());
                prop_assert_eq!(spans, records);
            }

            #[test]
            fn every_strict_prefix_is_incomplete(record in record(), pretty in any::<bool>()) {
                let text = if pretty {
                    serde_json::to_string_pretty(&record).unwrap()
                } else {
                    serde_json::to_string(&record).unwrap()
                };
                let buf = text.as_bytes();
                for cut in 1..buf.len() {
                    prop_assert!(container_end_fast(&buf[..cut], 0).is_err(), "cut {}", cut);
                    prop_assert!(value_end(&buf[..cut], 0).is_err(), "cut {}", cut);
                }
            }
        }
    }
}
