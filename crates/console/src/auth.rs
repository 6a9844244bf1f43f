//! The API token of writes: `Authorization: Bearer <token>` or `X-API-Key: <token>`.

use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::ConsoleSettings;

/// The header of the API-key form.
const API_KEY_HEADER: &str = "x-api-key";

/// Checks the request's token against the configured one.
///
/// # Errors
/// 403 when no token is configured, 401 when the request has none or a wrong one.
pub(crate) fn require_token(
    settings: &ConsoleSettings,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    // An empty token would let an empty header in: it counts as no token.
    let Some(expected) = settings
        .api_token
        .as_deref()
        .filter(|token| !token.is_empty())
    else {
        return Err(ApiError::WritesDisabled);
    };
    let presented = presented_token(headers).ok_or(ApiError::MissingToken)?;
    if same_secret(presented, expected.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::WrongToken)
    }
}

/// The token the request carries: a bearer token first, else the API-key header.
fn presented_token(headers: &HeaderMap) -> Option<&[u8]> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .map(|value| value.as_bytes())
        .and_then(|value| {
            // The scheme is case-insensitive (RFC 9110 §11.1).
            let (scheme, rest) = value.split_at_checked(7)?;
            scheme
                .eq_ignore_ascii_case(b"bearer ")
                .then_some(rest.trim_ascii())
        });
    bearer.or_else(|| {
        headers
            .get(API_KEY_HEADER)
            .map(|value| value.as_bytes().trim_ascii())
    })
}

/// Compares two secrets in time that depends on neither their contents nor their lengths:
/// both are hashed, and the fixed-size digests are compared without an early exit.
fn same_secret(presented: &[u8], expected: &[u8]) -> bool {
    let a = Sha256::digest(presented);
    let b = Sha256::digest(expected);
    a.iter()
        .zip(b.iter())
        .fold(0u8, |diff, (x, y)| diff | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn settings(token: Option<&str>) -> ConsoleSettings {
        ConsoleSettings {
            api_token: token.map(str::to_owned),
            ..ConsoleSettings::default()
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    fn check(token: Option<&str>, pairs: &[(&'static str, &str)]) -> String {
        match require_token(&settings(token), &headers(pairs)) {
            Ok(()) => "ok".to_owned(),
            Err(error) => error.status().as_str().to_owned(),
        }
    }

    #[test]
    fn accepts_bearer_and_api_key_forms() {
        assert_eq!(check(Some("t0k"), &[("authorization", "Bearer t0k")]), "ok");
        assert_eq!(
            check(Some("t0k"), &[("authorization", "bearer  t0k ")]),
            "ok"
        );
        assert_eq!(check(Some("t0k"), &[("x-api-key", "t0k")]), "ok");
    }

    #[test]
    fn refuses_missing_wrong_and_unconfigured() {
        assert_eq!(check(Some("t0k"), &[]), "401");
        assert_eq!(
            check(Some("t0k"), &[("authorization", "Basic dDBr")]),
            "401"
        );
        assert_eq!(check(Some("t0k"), &[("authorization", "Bearer t0")]), "401");
        assert_eq!(check(Some("t0k"), &[("x-api-key", "t0kk")]), "401");
        assert_eq!(check(None, &[("authorization", "Bearer t0k")]), "403");
        assert_eq!(check(Some(""), &[("authorization", "Bearer ")]), "403");
    }

    #[test]
    fn compares_whole_secrets() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"", b"abc"));
    }
}
