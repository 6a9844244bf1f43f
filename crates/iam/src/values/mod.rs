//! Parsers for the typed values that condition operators compare: dates, numbers, IP
//! networks, base64 and URL-encoded text.

pub(crate) mod base64;
pub mod date;
pub(crate) mod ip;
pub mod percent;
