//! Random identifiers in AWS's spellings, all drawn from a seeded [`Rng`].

use super::rng::Rng;

const HEX: &[u8; 16] = b"0123456789abcdef";
const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";
/// The alphabet of access key ids and unique ids (RFC 4648 base32).
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALNUM: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn push_from(out: &mut Vec<u8>, rng: &mut Rng, alphabet: &[u8], count: usize) {
    let mut bits = 0u64;
    let mut left = 0u32;
    for _ in 0..count {
        if left < 8 {
            bits = rng.next_u64();
            left = 64;
        }
        let byte = usize::from(u8::try_from(bits & 0xff).unwrap_or(0));
        bits >>= 8;
        left -= 8;
        out.push(alphabet[byte % alphabet.len()]);
    }
}

fn string_from(rng: &mut Rng, prefix: &str, alphabet: &[u8], count: usize) -> String {
    let mut out = prefix.as_bytes().to_vec();
    push_from(&mut out, rng, alphabet, count);
    String::from_utf8_lossy(&out).into_owned()
}

/// A random (version 4) UUID, lowercase: `eventID`, most `requestID`s.
pub(crate) fn push_uuid(out: &mut Vec<u8>, rng: &mut Rng) {
    let hi = rng.next_u64();
    let lo = rng.next_u64();
    let hi = (hi & !0xF000) | 0x4000;
    let lo = (lo & !(0xC << 60)) | (0x8 << 60);
    let bytes = (u128::from(hi) << 64) | u128::from(lo);
    for index in 0..32 {
        if matches!(index, 8 | 12 | 16 | 20) {
            out.push(b'-');
        }
        let shift = (31 - index) * 4;
        let nibble = usize::try_from((bytes >> shift) & 0xf).unwrap_or(0);
        out.push(HEX[nibble]);
    }
}

/// [`push_uuid`] as a `String`.
pub(crate) fn uuid(rng: &mut Rng) -> String {
    let mut out = Vec::with_capacity(36);
    push_uuid(&mut out, rng);
    String::from_utf8_lossy(&out).into_owned()
}

/// S3's 16-character upper-case hex request id.
pub(crate) fn push_s3_request_id(out: &mut Vec<u8>, rng: &mut Rng) {
    push_from(out, rng, UPPER_HEX, 16);
}

/// DynamoDB's 52-character request id.
pub(crate) fn push_dynamodb_request_id(out: &mut Vec<u8>, rng: &mut Rng) {
    push_from(out, rng, &BASE32[..26], 2);
    push_from(out, rng, BASE32, 50);
}

/// S3's `x-amz-id-2` (base64 text).
pub(crate) fn push_amz_id_2(out: &mut Vec<u8>, rng: &mut Rng) {
    push_from(out, rng, BASE64, 76);
}

/// An access key id: `ASIA…` (temporary) or `AKIA…` (long-term), 20 characters.
pub(crate) fn access_key(rng: &mut Rng, prefix: &str) -> String {
    string_from(rng, prefix, BASE32, 16)
}

/// A unique id such as `AROA…` (role) or `AIDA…` (user), 21 characters.
pub(crate) fn unique_id(rng: &mut Rng, prefix: &str) -> String {
    string_from(rng, prefix, BASE32, 17)
}

/// An EC2 instance id: `i-` and 17 hex digits.
pub(crate) fn instance_id(rng: &mut Rng) -> String {
    string_from(rng, "i-0", HEX, 16)
}

/// A resource id with a prefix and 17 hex digits (`eni-`, `eipalloc-`, `vpce-`…).
pub(crate) fn resource_id(rng: &mut Rng, prefix: &str) -> String {
    string_from(rng, prefix, HEX, 17)
}

/// `count` hex digits (detector ids, KMS key material…).
pub(crate) fn hex(rng: &mut Rng, count: usize) -> String {
    string_from(rng, "", HEX, count)
}

/// The 16 letters and digits at the end of a log file name.
pub(crate) fn file_suffix(rng: &mut Rng) -> String {
    string_from(rng, "", ALNUM, 16)
}

/// An STS session token (base64 text starting the way real tokens do).
pub(crate) fn push_session_token(out: &mut Vec<u8>, rng: &mut Rng, len: usize) {
    out.extend_from_slice(b"IQoJb3JpZ2luX2VjE");
    push_from(out, rng, BASE64, len.saturating_sub(17));
}

#[cfg(test)]
mod tests {
    use super::{access_key, file_suffix, instance_id, uuid};
    use crate::simulate::rng::Rng;

    #[test]
    fn identifiers_have_aws_shapes() {
        let mut rng = Rng::new(3);
        let id = uuid(&mut rng);
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
        assert!(
            matches!(id.as_bytes()[19], b'8' | b'9' | b'a' | b'b'),
            "{id}"
        );
        assert_eq!(id.matches('-').count(), 4);
        let key = access_key(&mut rng, "ASIA");
        assert_eq!(key.len(), 20);
        assert!(
            key[4..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        );
        let instance = instance_id(&mut rng);
        assert_eq!(instance.len(), 19);
        assert!(
            instance[2..]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        let suffix = file_suffix(&mut rng);
        assert_eq!(suffix.len(), 16);
        assert!(suffix.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
