//! API errors: each one a status code and a JSON body `{"error": "<reason>"}`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::events::ACCEPTED_DETAIL_TYPES_TEXT;
use crate::ingest::IngestRejected;

/// Why a request failed; the message is the `error` member of the JSON body.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 401: no token in the request.
    #[error("missing api token: send `Authorization: Bearer <token>` or `X-API-Key: <token>`")]
    MissingToken,
    /// 401: a token that is not the configured one.
    #[error("wrong api token")]
    WrongToken,
    /// 403: the server has no token configured, so it accepts no write at all.
    #[error(
        "writes are disabled: the server has no api token configured \
         (set the environment variable named by `[serve] api_token_env`)"
    )]
    WritesDisabled,
    /// 413: the body is over the limit.
    #[error("request body is larger than the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// 415: not `application/json`.
    #[error("content type must be `application/json`, got `{0}`")]
    UnsupportedMediaType(String),
    /// 400: not JSON (the message has the line and column).
    #[error("invalid json: {0}")]
    InvalidJson(String),
    /// 400: JSON, but neither an object nor an array.
    #[error("the body must be one event object or an array of events, not {0}")]
    NotEvents(&'static str),
    /// 400: an empty array.
    #[error("the batch is empty: send at least one event")]
    EmptyBatch,
    /// 400: one event of the batch is malformed; the whole batch is refused.
    #[error("event {index}: {problem}")]
    BadEvent {
        /// Index of the event in the batch (0 for a single event).
        index: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// 422: an event of a detail-type trailguard does not take.
    #[error(
        "event {index}: unknown detail-type `{detail_type}`; accepted: {ACCEPTED_DETAIL_TYPES_TEXT}"
    )]
    UnknownDetailType {
        /// Index of the event in the batch.
        index: usize,
        /// Its detail-type (shortened when long).
        detail_type: String,
    },
    /// 422: more events than one request may carry.
    #[error("too many events: {count}, at most {limit} per request")]
    TooManyEvents {
        /// Events in the request.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// 503: the pipeline refused the batch; retry.
    #[error("{0}")]
    Unavailable(IngestRejected),
    /// 404: no finding with that id.
    #[error("no finding `{0}`")]
    FindingNotFound(String),
    /// 404: no such path.
    #[error("no such endpoint `{0}`")]
    NoRoute(String),
    /// 405: the path exists, the method does not.
    #[error("method not allowed on this endpoint")]
    MethodNotAllowed,
    /// 400: a query parameter is unknown or invalid.
    #[error("invalid query: {0}")]
    BadQuery(String),
    /// 500: the store failed.
    #[error("store error: {0}")]
    Store(#[from] store::StoreError),
    /// 500: a blocking task failed.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingToken | Self::WrongToken => StatusCode::UNAUTHORIZED,
            Self::WritesDisabled => StatusCode::FORBIDDEN,
            Self::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::InvalidJson(_)
            | Self::NotEvents(_)
            | Self::EmptyBatch
            | Self::BadEvent { .. }
            | Self::BadQuery(_) => StatusCode::BAD_REQUEST,
            Self::UnknownDetailType { .. } | Self::TooManyEvents { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::FindingNotFound(_) | Self::NoRoute(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Store(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(error = %self, "request failed");
        }
        let mut response = (status, Json(json!({"error": self.to_string()}))).into_response();
        let headers = response.headers_mut();
        match self {
            Self::Unavailable(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            Self::MissingToken | Self::WrongToken => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

/// At most `limit` characters of a user value, with `…` when cut, for error messages.
pub(crate) fn excerpt(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The fallback of unknown paths.
pub(crate) async fn not_found(uri: Uri) -> ApiError {
    ApiError::NoRoute(excerpt(uri.path(), 200))
}

/// The fallback of known paths called with another method.
pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_on_characters() {
        assert_eq!(excerpt("abc", 3), "abc");
        assert_eq!(excerpt("abcd", 3), "abc…");
        assert_eq!(excerpt("ééé", 2), "éé…");
    }
}
