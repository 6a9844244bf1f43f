//! Whole-buffer gzip decompression with libdeflate, including multi-member files.

use std::io::Read;

use libdeflater::{DecompressionError, Decompressor};
use memchr::memmem;

/// Why gzip data could not be decompressed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GzipError {
    /// The data ends before the end of the compressed stream.
    #[error("truncated gzip data")]
    Truncated,
    /// The data is not valid gzip (bad header, bad deflate data, bad CRC or size).
    #[error("corrupt gzip data")]
    Corrupt,
}

/// The two bytes every gzip member starts with.
const MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A gzip member header: the magic and the deflate method; used to find where members start.
const MEMBER_START: [u8; 3] = [0x1f, 0x8b, 0x08];

/// Smallest gzip member: 10-byte header, an empty deflate block, 8-byte trailer.
const MIN_MEMBER: usize = 20;

/// Deflate cannot expand data more than about 1032 times; a larger claimed size is corrupt.
const MAX_RATIO: usize = 1032;

/// How many possible member starts are tried before assuming the member runs to the end.
const MAX_BOUNDARY_TRIES: usize = 64;

/// Whether `bytes` start with the gzip magic number.
pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// A reusable output buffer: its initialised length only grows, so decompressing file after
/// file into it never zero-fills memory twice.
#[derive(Debug, Default)]
pub(crate) struct OutBuf {
    bytes: Vec<u8>,
}

impl OutBuf {
    /// Room for `len` bytes, zero-filled only where the buffer grows.
    fn room(&mut self, len: usize) -> &mut [u8] {
        if self.bytes.len() < len {
            self.bytes.resize(len, 0);
        }
        &mut self.bytes[..len]
    }

    /// The first `len` bytes.
    pub(crate) fn get(&self, len: usize) -> &[u8] {
        &self.bytes[..len.min(self.bytes.len())]
    }

    /// Gives the buffer away, cut to `len` bytes.
    pub(crate) fn into_vec(mut self, len: usize) -> Vec<u8> {
        self.bytes.truncate(len);
        self.bytes
    }
}

/// Decompresses every member of `raw` into `out`; returns the decompressed length.
///
/// Each member is inflated in one call into a buffer sized from its ISIZE trailer (the size
/// modulo 2^32, so a member over 4 GiB is retried with 4 GiB more until the ratio bound).
/// Member boundaries are found by trying the positions of `1f 8b 08` inside the data: a
/// candidate is a boundary when the bytes before it inflate to a member whose trailer ends
/// exactly there.
pub(crate) fn gunzip(
    decompressor: &mut Decompressor,
    raw: &[u8],
    out: &mut OutBuf,
) -> Result<usize, GzipError> {
    let candidates: Vec<usize> = memmem::find_iter(raw.get(1..).unwrap_or_default(), &MEMBER_START)
        .map(|p| p + 1)
        .collect();
    let mut start = 0;
    let mut len = 0;
    while start < raw.len() {
        let mut member = None;
        for &end in candidates
            .iter()
            .filter(|&&c| c >= start + MIN_MEMBER)
            .take(MAX_BOUNDARY_TRIES)
        {
            if let Ok(n) = inflate_member(decompressor, &raw[start..end], out, len, false) {
                member = Some((end, n));
                break;
            }
        }
        let (end, n) = match member {
            Some(found) => found,
            None => match inflate_member(decompressor, &raw[start..], out, len, true) {
                Ok(n) => (raw.len(), n),
                Err(()) => return Err(classify_failure(raw)),
            },
        };
        start = end;
        len += n;
    }
    Ok(len)
}

/// Inflates one member that must span all of `data`, appending at `out[at..]`.
fn inflate_member(
    decompressor: &mut Decompressor,
    data: &[u8],
    out: &mut OutBuf,
    at: usize,
    may_grow: bool,
) -> Result<usize, ()> {
    let (_, trailer) = data.split_last_chunk::<4>().ok_or(())?;
    if data.len() < MIN_MEMBER {
        return Err(());
    }
    let claimed = u32::from_le_bytes(*trailer);
    let bound = data.len().saturating_mul(MAX_RATIO);
    let mut size = usize::try_from(claimed).map_err(drop)?;
    loop {
        if size > bound {
            return Err(());
        }
        let room = out.room(at + size);
        match decompressor.gzip_decompress(data, &mut room[at..]) {
            // libdeflate ignores bytes after the member; the trailer check makes sure the
            // member ended exactly at the end of `data`.
            Ok(n) if n as u32 == claimed => return Ok(n),
            Ok(_) | Err(DecompressionError::BadData) => return Err(()),
            Err(DecompressionError::InsufficientSpace) if may_grow => {
                size = size.checked_add(1 << 32).ok_or(())?;
            }
            Err(DecompressionError::InsufficientSpace) => return Err(()),
        }
    }
}

/// Tells truncated data from corrupt data (slow path, only after a failure).
fn classify_failure(raw: &[u8]) -> GzipError {
    let mut decoder = flate2::read::MultiGzDecoder::new(raw);
    let mut chunk = [0_u8; 64 * 1024];
    loop {
        match decoder.read(&mut chunk) {
            Ok(0) => return GzipError::Corrupt,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return GzipError::Truncated;
            }
            Err(_) => return GzipError::Corrupt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use libdeflater::{CompressionLvl, Compressor};

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut c = Compressor::new(CompressionLvl::default());
        let mut out = vec![0; c.gzip_compress_bound(data.len())];
        let n = c.gzip_compress(data, &mut out).unwrap();
        out.truncate(n);
        out
    }

    fn decompress(raw: &[u8]) -> Result<Vec<u8>, GzipError> {
        let mut out = OutBuf::default();
        let n = gunzip(&mut Decompressor::new(), raw, &mut out)?;
        Ok(out.into_vec(n))
    }

    #[test]
    fn single_member() {
        let data = br#"{"Records":[]}"#.repeat(1000);
        assert_eq!(decompress(&gz(&data)).unwrap(), data);
        assert_eq!(decompress(&gz(b"")).unwrap(), b"");
    }

    #[test]
    fn multi_member_including_identical_members() {
        let a = b"first member ".repeat(100);
        let b = b"second".to_vec();
        let mut raw = gz(&a);
        raw.extend(gz(&b));
        raw.extend(gz(&a));
        raw.extend(gz(&a));
        let expected = [a.clone(), b, a.clone(), a].concat();
        assert_eq!(decompress(&raw).unwrap(), expected);
    }

    #[test]
    fn reused_buffer_holds_only_the_new_content() {
        let mut d = Decompressor::new();
        let mut out = OutBuf::default();
        let n = gunzip(&mut d, &gz(&b"x".repeat(5000)), &mut out).unwrap();
        assert_eq!(n, 5000);
        let n = gunzip(&mut d, &gz(b"short"), &mut out).unwrap();
        assert_eq!(out.get(n), b"short");
    }

    #[test]
    fn truncated_and_corrupt_data_are_told_apart() {
        let raw = gz(&b"some records here ".repeat(500));
        for cut in [raw.len() - 1, raw.len() - 8, raw.len() / 2, 12] {
            assert_eq!(
                decompress(&raw[..cut]),
                Err(GzipError::Truncated),
                "cut {cut}"
            );
        }
        let mut bad = raw.clone();
        let last = bad.len() - 6;
        bad[last] ^= 0xff; // CRC
        assert_eq!(decompress(&bad), Err(GzipError::Corrupt));
        let mut trailing = raw;
        trailing.extend(b"garbage after the member");
        assert_eq!(decompress(&trailing), Err(GzipError::Corrupt));
    }
}
