//! Turning a buffer of CloudTrail data, in any supported layout, into records and problems.
//!
//! See `docs/input-formats.md` for the formats, how they are recognised and what counts as a
//! bad record.

use std::fmt;

use crate::borrowed::json_string;
use crate::extract::{self, ExtractError, Json};
use crate::gzip::GzipError;
use crate::hits::Hits;
use crate::layout::{self, Layout};
use crate::prefilter::Prefilter;
use crate::record::{Record, parse_event_time};
use crate::scan::{self, Elements, Members, ScanError};

/// How to decode.
#[derive(Debug, Clone, Default)]
pub struct DecodeOptions {
    /// Only records whose raw bytes pass this filter are parsed and handed on; the others
    /// are counted and checked structurally. `None` parses every record.
    pub prefilter: Option<Prefilter>,
}

/// Where in the input something was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file name (or `<stdin>`).
    pub source: String,
    /// The record's index in its array (`Records`, a bare array or `Events`), from 0.
    pub record: Option<usize>,
    /// The line, from 1, for JSON Lines input and for the second and later documents of a
    /// file of concatenated documents.
    pub line: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)?;
        match (self.line, self.record) {
            (Some(line), Some(record)) => write!(f, ": line {line}, record {record}"),
            (Some(line), None) => write!(f, ": line {line}"),
            (None, Some(record)) => write!(f, ": record {record}"),
            (None, None) => Ok(()),
        }
    }
}

/// What is wrong with a piece of input.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The file could not be read.
    #[error("{0}")]
    Io(#[source] std::io::Error),
    /// The content starts like gzip but does not decompress.
    #[error(transparent)]
    Gzip(#[from] GzipError),
    /// Nothing but whitespace.
    #[error("empty input")]
    Empty,
    /// The content is not JSON at all.
    #[error("unknown format: content starts with `{0}`, not a json object or array")]
    UnknownFormat(String),
    /// The JSON is malformed.
    #[error("invalid json: {0}")]
    InvalidJson(String),
    /// A JSON value that is not a CloudTrail record (nor a container of records).
    #[error("not a cloudtrail record: {0}")]
    NotCloudTrail(String),
    /// Looks like a CloudTrail record (has `eventName`, `eventSource` or `eventVersion`) but
    /// has no `eventTime`.
    #[error("record has no `eventTime`")]
    MissingEventTime,
    /// `eventTime` is not a timestamp.
    #[error("invalid `eventTime` `{0}`")]
    InvalidEventTime(String),
    /// A field the record model reads has the wrong JSON type.
    #[error("invalid record: {0}")]
    InvalidRecord(String),
}

/// One bad piece of input, with where it is.
#[derive(Debug)]
pub struct Problem {
    /// Where.
    pub location: Location,
    /// What.
    pub error: DecodeError,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.error)
    }
}

/// At most this many problems are kept per input; the rest are only counted.
pub const MAX_PROBLEMS_PER_INPUT: usize = 100;

/// Counters and problems of a decoding run.
#[derive(Debug, Default)]
pub struct DecodeStats {
    /// Inputs (files, stdin, buffers) decoded.
    pub inputs: u64,
    /// Bytes read, as stored (compressed).
    pub bytes_read: u64,
    /// Bytes after decompression.
    pub bytes_decoded: u64,
    /// Every record seen: parsed, skipped by the prefilter, or bad.
    pub records: u64,
    /// Records that passed the prefilter and parsed.
    pub records_parsed: u64,
    /// Records that are bad (each has a problem, kept or omitted).
    pub bad_records: u64,
    /// The problems found, in input order (at most [`MAX_PROBLEMS_PER_INPUT`] per input).
    pub problems: Vec<Problem>,
    /// Problems found but not kept.
    pub problems_omitted: u64,
}

impl DecodeStats {
    /// Adds `other`'s counters and problems to these.
    pub fn merge(&mut self, other: Self) {
        self.inputs += other.inputs;
        self.bytes_read += other.bytes_read;
        self.bytes_decoded += other.bytes_decoded;
        self.records += other.records;
        self.records_parsed += other.records_parsed;
        self.bad_records += other.bad_records;
        self.problems.extend(other.problems);
        self.problems_omitted += other.problems_omitted;
    }

    /// Records that the prefilter let through unparsed.
    pub fn records_skipped(&self) -> u64 {
        self.records - self.records_parsed - self.bad_records
    }

    /// All problems, kept and omitted.
    pub fn problem_count(&self) -> u64 {
        self.problems.len() as u64 + self.problems_omitted
    }

    /// Stats of one input that could not be read at all.
    pub(crate) fn unreadable(source: &str, bytes_read: u64, error: DecodeError) -> Self {
        Self {
            inputs: 1,
            bytes_read,
            problems: vec![Problem {
                location: whole(source),
                error,
            }],
            ..Self::default()
        }
    }
}

fn whole(source: &str) -> Location {
    Location {
        source: source.to_owned(),
        record: None,
        line: None,
    }
}

/// Decodes one buffer (already decompressed) and calls `on_record` for every record that
/// passes the prefilter and parses. `source` names the buffer in locations.
///
/// The record may borrow from `bytes` or, for the `CloudTrailEvent` string form, from an
/// unescaped copy that lives only during the call; copy out what you keep.
pub fn decode_buffer(
    source: &str,
    bytes: &[u8],
    opts: &DecodeOptions,
    on_record: &mut dyn FnMut(&Record<'_>, &Location),
) -> DecodeStats {
    let mut decoder = Decoder {
        text: std::str::from_utf8(bytes).ok(),
        prefilter: opts.prefilter.as_ref(),
        hits: Hits::new(bytes, opts.prefilter.as_ref()),
        on_record,
        location: whole(source),
        base: 0,
        stats: DecodeStats {
            inputs: 1,
            bytes_read: bytes.len() as u64,
            bytes_decoded: bytes.len() as u64,
            ..DecodeStats::default()
        },
    };
    decoder.run(bytes);
    decoder.stats
}

/// The top-level keys of an object that decide what it is.
#[derive(Debug, Default, Clone, Copy)]
struct Keys {
    event_time: bool,
    /// `eventName`, `eventSource` or `eventVersion`: looks like a record.
    record_like: bool,
    detail: Option<(usize, usize)>,
    detail_has_event_time: bool,
    detail_type: Option<(usize, usize)>,
    cloudtrail_event: Option<(usize, usize)>,
}

/// What a top-level object turned out to hold.
enum Content {
    /// A `Records` or `Events` array, already decoded.
    Container,
    /// A single item (record, envelope, …) with these keys.
    Item(Keys),
}

/// The EventBridge detail-types that carry a CloudTrail record in `detail`.
const CLOUDTRAIL_DETAIL_TYPES: &[&str] = &[
    "AWS API Call via CloudTrail",
    "AWS Console Action via CloudTrail",
    "AWS Console Sign In via CloudTrail",
    "AWS Service Event via CloudTrail",
    "AWS Insight via CloudTrail",
];

struct Decoder<'h, 'f> {
    /// The whole buffer as text, when it is valid UTF-8.
    text: Option<&'h str>,
    prefilter: Option<&'h Prefilter>,
    /// Needle occurrences in the whole buffer (positions are absolute: `base` + offset).
    hits: Hits<'h>,
    on_record: &'f mut dyn FnMut(&Record<'_>, &Location),
    location: Location,
    /// Offset of the slice being scanned within the whole buffer.
    base: usize,
    stats: DecodeStats,
}

impl<'h> Decoder<'h, '_> {
    fn problem(&mut self, error: DecodeError) {
        if self.stats.problems.len() < MAX_PROBLEMS_PER_INPUT {
            self.stats.problems.push(Problem {
                location: self.location.clone(),
                error,
            });
        } else {
            self.stats.problems_omitted += 1;
        }
    }

    fn bad_record(&mut self, error: DecodeError) {
        self.stats.bad_records += 1;
        self.problem(error);
    }

    /// `buf` (the slice being scanned, at `base` in the whole buffer) with its text.
    fn json<'b>(&self, buf: &'b [u8]) -> Json<'b>
    where
        'h: 'b,
    {
        self.json_at(buf, Some(self.base))
    }

    /// `bytes` (at `at` in the whole buffer, or an unescaped copy) with its text.
    fn json_at<'b>(&self, bytes: &'b [u8], at: Option<usize>) -> Json<'b>
    where
        'h: 'b,
    {
        let text = at.and_then(|at| self.text?.get(at..at + bytes.len()));
        match text {
            Some(text) if text.as_bytes().as_ptr() == bytes.as_ptr() => Json {
                bytes,
                text: Some(text),
            },
            _ => Json::unchecked(bytes),
        }
    }

    fn invalid_json(&self, error: ScanError) -> DecodeError {
        DecodeError::InvalidJson(error.shifted(self.base).to_string())
    }

    fn run(&mut self, buf: &[u8]) {
        let start = scan::skip_ws(buf, layout::content_start(buf));
        match buf.get(start) {
            None => self.problem(DecodeError::Empty),
            Some(b'{' | b'[') => match layout::detect(buf) {
                Layout::Documents => self.documents(buf, start),
                Layout::Lines => self.lines(buf),
            },
            Some(_) => {
                let head = buf[start..].iter().take(16).copied().collect::<Vec<_>>();
                self.problem(DecodeError::UnknownFormat(head.escape_ascii().to_string()));
            }
        }
    }

    /// One or more JSON documents one after the other; a syntax error ends the buffer.
    fn documents(&mut self, buf: &[u8], mut start: usize) {
        let mut line = layout::LineCounter::default();
        let mut first = true;
        while start < buf.len() {
            if !first {
                self.location.line = Some(line.line_of(buf, start));
            }
            self.location.record = None;
            match self.document(buf, start) {
                Ok(end) => start = scan::skip_ws(buf, end),
                Err(error) => {
                    let error = self.invalid_json(error);
                    return self.problem(error);
                }
            }
            first = false;
        }
    }

    /// One JSON document per line; a bad line does not affect the others.
    fn lines(&mut self, buf: &[u8]) {
        for (number, range) in layout::lines(buf) {
            let line = &buf[range.clone()];
            let start = scan::skip_ws(line, 0);
            if start == line.len() {
                continue;
            }
            self.location.line = Some(number);
            self.location.record = None;
            self.base = range.start;
            let result = self.document(line, start).and_then(|end| {
                let rest = scan::skip_ws(line, end);
                match line.get(rest) {
                    None => Ok(()),
                    Some(&byte) => Err(ScanError {
                        offset: rest,
                        kind: scan::ScanErrorKind::UnexpectedByte(byte),
                    }),
                }
            });
            if let Err(error) = result {
                let error = self.invalid_json(error);
                self.problem(error);
            }
        }
        self.base = 0;
    }

    /// A top-level value: an array of items, an object holding `Records` or `Events`, or a
    /// single item. Returns where it ends.
    fn document(&mut self, buf: &[u8], start: usize) -> Result<usize, ScanError> {
        match buf.get(start) {
            Some(b'[') => self.array_of_items(buf, start),
            Some(b'{') if starts_with_container(buf, start) => {
                let (end, content) = self.object(buf, start, true)?;
                if let Content::Item(keys) = content {
                    self.stats.records += 1;
                    self.item(buf, start, end, keys);
                }
                Ok(end)
            }
            Some(b'{') => self.object_item(buf, start),
            _ => self.not_an_object(buf, start, "a json value that is not an object or array"),
        }
    }

    fn not_an_object(&mut self, buf: &[u8], start: usize, what: &str) -> Result<usize, ScanError> {
        let end = scan::value_end(buf, start)?;
        self.stats.records += 1;
        self.bad_record(DecodeError::NotCloudTrail(what.to_owned()));
        Ok(end)
    }

    fn array_of_items(&mut self, buf: &[u8], open: usize) -> Result<usize, ScanError> {
        let mut elements = Elements::new(buf, open);
        let mut index = 0;
        while let Some(start) = elements.next_element()? {
            self.location.record = Some(index);
            let end = if buf.get(start) == Some(&b'{') {
                self.object_item(buf, start)?
            } else {
                self.not_an_object(buf, start, "an array element that is not an object")?
            };
            elements.value_ended(end);
            index += 1;
        }
        Ok(elements.end())
    }

    /// One object that is an item (a record, an envelope, a `CloudTrailEvent` row, …).
    ///
    /// Fast path: read it as a record (walking its top level, decoding the wanted fields);
    /// if that works, ask the prefilter and keep or skip it. Otherwise find its end with the
    /// block scanner: a record that the prefilter rejects is skipped whatever is wrong
    /// inside it (so results do not depend on the path taken); the rest takes the slow path,
    /// which walks the object member by member, classifies it and reports what is wrong.
    fn object_item(&mut self, buf: &[u8], start: usize) -> Result<usize, ScanError> {
        let json = self.json(buf);
        let error = match extract::record(json, start) {
            Ok(mut extracted) => {
                let end = extracted.end;
                self.stats.records += 1;
                if self.hits.passes(self.base + start, self.base + end) {
                    match extracted.finish(json) {
                        Ok(()) => self.accept(&mut extracted.record),
                        Err(error) => self.extract_failed(error, self.base),
                    }
                }
                return Ok(end);
            }
            Err(error) => error,
        };
        let end = scan::container_end_fast(buf, start)?;
        self.stats.records += 1;
        let (abs_start, abs_end) = (self.base + start, self.base + end);
        if self.hits.event_time_in(abs_start, abs_end) {
            if !self.hits.passes(abs_start, abs_end) {
                return Ok(end);
            }
            if !matches!(error, ExtractError::NoEventTime) {
                self.extract_failed(error, self.base);
                return Ok(end);
            }
        }
        match self.object(&buf[..end], start, false) {
            Ok((walked, Content::Item(keys))) if walked == end => {
                self.item(buf, start, end, keys);
            }
            Ok((walked, _)) => {
                let error = ScanError {
                    offset: walked,
                    kind: scan::ScanErrorKind::UnexpectedByte(buf[walked.min(end - 1)]),
                };
                let error = self.invalid_json(error);
                self.bad_record(error);
            }
            // The block scanner found where the object ends, so its neighbours are safe.
            Err(error) => {
                let error = self.invalid_json(error);
                self.bad_record(error);
            }
        }
        Ok(end)
    }

    /// Walks one object's members, decoding a `Records`/`Events` array in place when
    /// `containers` allows it, and collecting the keys that classify it otherwise.
    fn object(
        &mut self,
        buf: &[u8],
        open: usize,
        containers: bool,
    ) -> Result<(usize, Content), ScanError> {
        let mut members = Members::new(buf, open);
        let mut keys = Keys::default();
        let mut container = false;
        while let Some(member) = members.next_member()? {
            let value = member.value;
            let is_array = buf.get(value) == Some(&b'[');
            let end = match member.key {
                b"Records" | b"Events" if containers && is_array => {
                    container = true;
                    self.array_of_items(buf, value)?
                }
                b"detail" if buf.get(value) == Some(&b'{') => {
                    let (end, inner) = record_keys(buf, value)?;
                    keys.detail = Some((value, end));
                    keys.detail_has_event_time = inner.event_time;
                    end
                }
                key => {
                    let end = scan::value_end(buf, value)?;
                    match key {
                        b"eventTime" => keys.event_time = true,
                        b"eventName" | b"eventSource" | b"eventVersion" => keys.record_like = true,
                        b"detail-type" => keys.detail_type = Some((value, end)),
                        b"CloudTrailEvent" => keys.cloudtrail_event = Some((value, end)),
                        _ => {}
                    }
                    end
                }
            };
            members.value_ended(end);
        }
        let content = if container {
            Content::Container
        } else {
            Content::Item(keys)
        };
        Ok((members.end(), content))
    }

    /// An object that is not a container (already counted as one record): a record, an
    /// EventBridge envelope, a `CloudTrailEvent` row, or not CloudTrail at all.
    fn item(&mut self, buf: &[u8], start: usize, end: usize, keys: Keys) {
        if keys.event_time {
            return self.record(&buf[start..end], Some(self.base + start));
        }
        if let (Some((ts, te)), Some((ds, de))) = (keys.detail_type, keys.detail) {
            let detail_type = json_string(&buf[ts..te]);
            return match detail_type {
                Ok(t) if CLOUDTRAIL_DETAIL_TYPES.contains(&t.as_ref()) => {
                    if keys.detail_has_event_time {
                        self.record(&buf[ds..de], Some(self.base + ds));
                    } else {
                        self.bad_record(DecodeError::MissingEventTime);
                    }
                }
                Ok(t) => self.bad_record(DecodeError::NotCloudTrail(format!(
                    "eventbridge event with detail-type `{t}`"
                ))),
                Err(_) => self.bad_record(DecodeError::NotCloudTrail(
                    "eventbridge event whose detail-type is not a string".to_owned(),
                )),
            };
        }
        if let Some((vs, ve)) = keys.cloudtrail_event {
            return self.embedded(&buf[vs..ve]);
        }
        if keys.record_like {
            self.bad_record(DecodeError::MissingEventTime);
        } else {
            self.bad_record(DecodeError::NotCloudTrail(
                "an object without `eventTime`, `Records`, `detail` or `CloudTrailEvent`"
                    .to_owned(),
            ));
        }
    }

    /// The `CloudTrailEvent` field of CloudTrail Lake / LookupEvents: the record as a JSON
    /// string (or, in some exports, as an object).
    fn embedded(&mut self, value: &[u8]) {
        let unescaped;
        let inner: &[u8] = match value.first() {
            Some(b'"') => match json_string(value) {
                Ok(text) => {
                    unescaped = text;
                    unescaped.as_bytes()
                }
                Err(e) => {
                    return self.bad_record(DecodeError::InvalidJson(e.to_string()));
                }
            },
            Some(b'{') => value,
            _ => {
                return self.bad_record(DecodeError::NotCloudTrail(
                    "`CloudTrailEvent` is neither a string nor an object".to_owned(),
                ));
            }
        };
        let start = scan::skip_ws(inner, 0);
        if inner.get(start) != Some(&b'{') {
            return self.bad_record(DecodeError::NotCloudTrail(
                "`CloudTrailEvent` does not hold a json object".to_owned(),
            ));
        }
        match record_keys(inner, start) {
            Ok((end, keys)) if scan::skip_ws(inner, end) == inner.len() => {
                if keys.event_time {
                    self.record(&inner[start..end], None);
                } else if keys.record_like {
                    self.bad_record(DecodeError::MissingEventTime);
                } else {
                    self.bad_record(DecodeError::NotCloudTrail(
                        "`CloudTrailEvent` holds an object without `eventTime`".to_owned(),
                    ));
                }
            }
            Ok((end, _)) => self.bad_record(DecodeError::InvalidJson(format!(
                "`CloudTrailEvent` has trailing characters at byte {end}"
            ))),
            Err(e) => self.bad_record(DecodeError::InvalidJson(format!(
                "in `CloudTrailEvent`: {e}"
            ))),
        }
    }

    /// A record with an `eventTime` key: prefilter, parse, check the time, hand on. `at` is
    /// its offset in the decoded buffer, or `None` for an unescaped copy.
    fn record(&mut self, bytes: &[u8], at: Option<usize>) {
        let passes = match at {
            Some(at) => self.hits.passes(at, at + bytes.len()),
            None => self.prefilter.is_none_or(|p| p.matches(bytes)),
        };
        if !passes {
            return;
        }
        let json = self.json_at(bytes, at);
        let base = at.unwrap_or(0);
        match extract::record(json, 0) {
            Ok(mut extracted) if scan::skip_ws(bytes, extracted.end) == bytes.len() => {
                match extracted.finish(json) {
                    Ok(()) => self.accept(&mut extracted.record),
                    Err(error) => self.extract_failed(error, base),
                }
            }
            Ok(extracted) => self.bad_record(DecodeError::InvalidJson(format!(
                "trailing characters at byte {}",
                base + extracted.end
            ))),
            Err(error) => self.extract_failed(error, base),
        }
    }

    /// Reports a record that could not be built; syntax error offsets are shifted by `base`.
    fn extract_failed(&mut self, error: ExtractError, base: usize) {
        let error = match error {
            ExtractError::Syntax(error) => {
                DecodeError::InvalidJson(error.shifted(base).to_string())
            }
            ExtractError::Invalid(message) => DecodeError::InvalidRecord(message),
            ExtractError::NoEventTime => DecodeError::MissingEventTime,
        };
        self.bad_record(error);
    }

    /// A parsed record: check its time and hand it on.
    fn accept(&mut self, record: &mut Record<'_>) {
        match parse_event_time(&record.event_time) {
            Some(millis) => {
                record.event_time_millis = millis;
                self.stats.records_parsed += 1;
                (self.on_record)(record, &self.location);
            }
            None => {
                let time = record.event_time.to_string();
                self.bad_record(DecodeError::InvalidEventTime(time));
            }
        }
    }
}

/// Whether the object at `buf[open]` starts with a `Records` or `Events` array.
fn starts_with_container(buf: &[u8], open: usize) -> bool {
    matches!(
        Members::new(buf, open).next_member(),
        Ok(Some(member)) if matches!(member.key, b"Records" | b"Events")
            && buf.get(member.value) == Some(&b'[')
    )
}

/// The classifying keys of the object at `buf[open]`, and where it ends.
fn record_keys(buf: &[u8], open: usize) -> Result<(usize, Keys), ScanError> {
    let mut members = Members::new(buf, open);
    let mut keys = Keys::default();
    while let Some(member) = members.next_member()? {
        let end = scan::value_end(buf, member.value)?;
        match member.key {
            b"eventTime" => keys.event_time = true,
            b"eventName" | b"eventSource" | b"eventVersion" => keys.record_like = true,
            _ => {}
        }
        members.value_ended(end);
    }
    Ok((members.end(), keys))
}
