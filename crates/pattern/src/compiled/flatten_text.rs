//! Flattening event JSON text straight into the leaves some pattern needs.
//!
//! The scanner walks the text once. Object members whose key leads to no pattern path are
//! skipped by scanning for their end (strings with `memchr`), never decoded; strings are
//! borrowed from the text unless they contain escapes. Skipped regions are only checked for
//! balanced structure, so malformed JSON inside them can go unnoticed; the parts that are read
//! are fully checked.

use std::borrow::Cow;

use crate::error::EventError;
use crate::leaf::{ArrayPos, Field, Leaf};
use crate::number::Num;

use super::paths::{NodeId, PathId, PathTrie};

/// Deepest nesting accepted (serde_json's default limit is the same).
const MAX_DEPTH: usize = 128;

/// Leaves of `text` at paths of `trie`, each with its path id, in document order.
pub(crate) fn flatten<'a>(
    text: &'a str,
    trie: &PathTrie,
) -> Result<Vec<(PathId, Field<'a>)>, EventError> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        trail: Vec::new(),
        arrays: 0,
        out: Vec::with_capacity(16),
        trie,
    };
    scanner.skip_ws();
    if scanner.peek() != Some(b'{') {
        return Err(if serde_json::from_str::<serde_json::Value>(text).is_ok() {
            EventError::NotAnObject
        } else {
            scanner.error("expected `{`")
        });
    }
    scanner.value(PathTrie::ROOT, 0)?;
    scanner.skip_ws();
    if scanner.pos != scanner.bytes.len() {
        return Err(scanner.error("trailing characters"));
    }
    Ok(scanner.out)
}

struct Scanner<'a, 't> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    trail: Vec<ArrayPos>,
    arrays: u32,
    out: Vec<(PathId, Field<'a>)>,
    trie: &'t PathTrie,
}

impl<'a> Scanner<'a, '_> {
    fn error(&self, what: &str) -> EventError {
        EventError::Syntax(format!("{what} at byte {}", self.pos))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), EventError> {
        self.skip_ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", char::from(byte))))
        }
    }

    fn emit(&mut self, node: NodeId, leaf: Leaf<'a>) {
        if let Some(path) = self.trie.path_at(node) {
            self.out.push((
                path,
                Field {
                    leaf,
                    trail: self.trail.clone(),
                },
            ));
        }
    }

    /// Reads a value whose path is `node`.
    fn value(&mut self, node: NodeId, depth: usize) -> Result<(), EventError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object(node, depth),
            Some(b'[') => self.array(node, depth),
            Some(b'"') => {
                let text = self.string(true)?;
                self.emit(node, Leaf::Str(text));
                Ok(())
            }
            Some(b't') => self.literal("true", node, Leaf::Bool(true)),
            Some(b'f') => self.literal("false", node, Leaf::Bool(false)),
            Some(b'n') => self.literal("null", node, Leaf::Null),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                while matches!(
                    self.peek(),
                    Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                ) {
                    self.pos += 1;
                }
                let number = self
                    .text
                    .get(start..self.pos)
                    .filter(|t| valid_number(t))
                    .and_then(Num::from_text)
                    .ok_or_else(|| self.error("invalid number"))?;
                self.emit(node, Leaf::Num(number));
                Ok(())
            }
            _ => Err(self.error("expected a value")),
        }
    }

    fn literal(&mut self, word: &str, node: NodeId, leaf: Leaf<'a>) -> Result<(), EventError> {
        if self.bytes.get(self.pos..self.pos + word.len()) != Some(word.as_bytes()) {
            return Err(self.error("invalid literal"));
        }
        self.pos += word.len();
        self.emit(node, leaf);
        Ok(())
    }

    fn object(&mut self, node: NodeId, depth: usize) -> Result<(), EventError> {
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        // Keys read so far that lead to pattern paths, with the leaves each produced: a repeated
        // key replaces the earlier one's leaves (the last duplicate wins, as in serde_json).
        let mut read: Vec<(Cow<'a, str>, usize, usize)> = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key"));
            }
            let key = self.string(false)?;
            self.expect(b':')?;
            match self.trie.child(node, &key) {
                Some(_) if has_control(&key) => {
                    return Err(self.error("control character in string"));
                }
                Some(child) => {
                    let start = self.out.len();
                    self.value(child, depth + 1)?;
                    self.replace_duplicate(&mut read, key, start);
                }
                None => self.skip_value()?,
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    /// Records the leaves `out[start..]` of `key`, dropping those of an earlier `key`.
    fn replace_duplicate(
        &mut self,
        read: &mut Vec<(Cow<'a, str>, usize, usize)>,
        key: Cow<'a, str>,
        start: usize,
    ) {
        let mut start = start;
        if let Some(at) = read.iter().position(|(k, ..)| *k == key) {
            let (_, old_start, old_end) = read.remove(at);
            self.out.drain(old_start..old_end);
            let removed = old_end - old_start;
            for entry in read.iter_mut().filter(|e| e.1 >= old_end) {
                entry.1 -= removed;
                entry.2 -= removed;
            }
            start -= removed;
        }
        read.push((key, start, self.out.len()));
    }

    fn array(&mut self, node: NodeId, depth: usize) -> Result<(), EventError> {
        self.pos += 1;
        let array = self.arrays;
        self.arrays += 1;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        let mut index = 0u32;
        loop {
            self.trail.push(ArrayPos { array, index });
            let read = self.value(node, depth + 1);
            self.trail.pop();
            read?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    index += 1;
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// Reads a string at `pos` (which is on its opening quote), unescaping only if needed.
    /// Raw control characters are rejected when `strict` (keys are checked only when used).
    fn string(&mut self, strict: bool) -> Result<Cow<'a, str>, EventError> {
        let start = self.pos + 1;
        let rest = self.bytes.get(start..).unwrap_or_default();
        match memchr::memchr2(b'"', b'\\', rest) {
            Some(len) if rest.get(len) == Some(&b'"') => {
                self.pos = start + len + 1;
                let text = self
                    .text
                    .get(start..start + len)
                    .ok_or_else(|| self.error("bad string"))?;
                if strict && has_control(text) {
                    return Err(self.error("control character in string"));
                }
                Ok(Cow::Borrowed(text))
            }
            Some(_) => {
                let end = self.string_end(start)?;
                let raw = self
                    .text
                    .get(self.pos..end)
                    .ok_or_else(|| self.error("bad string"))?;
                let decoded: String =
                    serde_json::from_str(raw).map_err(|e| self.error(&e.to_string()))?;
                self.pos = end;
                Ok(Cow::Owned(decoded))
            }
            None => Err(self.error("unterminated string")),
        }
    }

    /// Position just after the closing quote of the string whose content starts at `start`.
    fn string_end(&self, start: usize) -> Result<usize, EventError> {
        let mut at = start;
        loop {
            let rest = self.bytes.get(at..).unwrap_or_default();
            let Some(offset) = memchr::memchr2(b'"', b'\\', rest) else {
                return Err(self.error("unterminated string"));
            };
            at += offset;
            if self.bytes.get(at) == Some(&b'\\') {
                at += 2;
            } else {
                return Ok(at + 1);
            }
        }
    }

    /// Skips one value without decoding it, checking only that brackets balance.
    fn skip_value(&mut self) -> Result<(), EventError> {
        self.skip_ws();
        match self.peek() {
            Some(b'"') => {
                self.pos = self.string_end(self.pos + 1)?;
                Ok(())
            }
            Some(b'{' | b'[') => self.skip_container(),
            Some(_) => {
                let start = self.pos;
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    self.pos += 1;
                }
                if self.pos == start {
                    Err(self.error("expected a value"))
                } else {
                    Ok(())
                }
            }
            None => Err(self.error("expected a value")),
        }
    }

    /// Skips an object or array: strings are jumped over with `memchr`, and only the depth of
    /// brackets is tracked (a `]` closing a `{` goes unnoticed in skipped regions).
    fn skip_container(&mut self) -> Result<(), EventError> {
        let mut depth = 0usize;
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'"' => {
                    self.pos = self.string_end(self.pos + 1)?;
                    continue;
                }
                b'{' | b'[' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(self.error("nesting too deep"));
                    }
                }
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err(self.error("unterminated value"))
    }
}

/// Whether `text` has a character JSON strings may not contain raw.
fn has_control(text: &str) -> bool {
    text.bytes().any(|b| b < 0x20)
}

/// JSON number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn valid_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}
