//! serde helpers that borrow strings from the input instead of allocating.
//!
//! serde borrows a `Cow<'a, str>` only when it is the direct type of a field marked
//! `#[serde(borrow)]`; `Option<Cow<'a, str>>` would always allocate. These helpers route
//! through a newtype whose field is such a `Cow`.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};

/// A string borrowed from the input when it holds no escapes.
#[derive(Deserialize)]
struct Borrowed<'a>(#[serde(borrow)] Cow<'a, str>);

/// Deserializes an optional string, borrowing it when possible (`null` gives `None`).
pub(crate) fn opt_cow<'de, D>(deserializer: D) -> Result<Option<Cow<'de, str>>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(Option::<Borrowed<'de>>::deserialize(deserializer)?.map(|b| b.0))
}

/// Deserializes a required string, borrowing it when possible.
pub(crate) fn cow<'de, D>(deserializer: D) -> Result<Cow<'de, str>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(Borrowed::deserialize(deserializer)?.0)
}

/// Parses one JSON string (with its quotes) into its value, borrowing when it has no escapes.
pub(crate) fn json_string(span: &[u8]) -> Result<Cow<'_, str>, serde_json::Error> {
    serde_json::from_slice::<Borrowed<'_>>(span).map(|b| b.0)
}
