//! `POST /v1/events`: EventBridge events in, as an EventBridge API destination sends them.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::auth::require_token;
use crate::error::{ApiError, excerpt};
use crate::ingest::IngestBatch;
use crate::state::AppState;

/// The detail-types of EventBridge events that carry one CloudTrail record each.
const CLOUDTRAIL_DETAIL_TYPES: [&str; 5] = [
    "AWS API Call via CloudTrail",
    "AWS Console Action via CloudTrail",
    "AWS Console Sign In via CloudTrail",
    "AWS Service Event via CloudTrail",
    "AWS Insight via CloudTrail",
];

/// The detail-type of GuardDuty findings.
const GUARDDUTY_DETAIL_TYPE: &str = "GuardDuty Finding";

/// Every detail-type `POST /v1/events` accepts.
pub const ACCEPTED_DETAIL_TYPES: [&str; 6] = [
    CLOUDTRAIL_DETAIL_TYPES[0],
    CLOUDTRAIL_DETAIL_TYPES[1],
    CLOUDTRAIL_DETAIL_TYPES[2],
    CLOUDTRAIL_DETAIL_TYPES[3],
    CLOUDTRAIL_DETAIL_TYPES[4],
    GUARDDUTY_DETAIL_TYPE,
];

/// [`ACCEPTED_DETAIL_TYPES`] as error messages list them.
pub(crate) const ACCEPTED_DETAIL_TYPES_TEXT: &str = "`AWS API Call via CloudTrail`, \
     `AWS Console Action via CloudTrail`, `AWS Console Sign In via CloudTrail`, \
     `AWS Service Event via CloudTrail`, `AWS Insight via CloudTrail`, `GuardDuty Finding`";

/// Longest user value quoted back in an error message, in characters.
const QUOTE_LIMIT: usize = 100;

/// The handler: 202 `{"accepted": N}`, or the error (counted in the metrics).
pub(crate) async fn ingest(State(state): State<Arc<AppState>>, request: Request) -> Response {
    match accept(&state, request).await {
        Ok(accepted) => {
            state.metrics.count_received(accepted);
            (StatusCode::ACCEPTED, Json(json!({ "accepted": accepted }))).into_response()
        }
        Err(error) => {
            state.metrics.count_rejection(&error);
            tracing::debug!(status = error.status().as_u16(), %error, "ingest refused");
            error.into_response()
        }
    }
}

/// Checks, in order: token, content type, size, JSON, events; then hands the batch over.
async fn accept(state: &AppState, request: Request) -> Result<usize, ApiError> {
    let settings = &state.settings;
    require_token(settings, request.headers())?;
    require_json(request.headers())?;
    let limit = settings.max_body_bytes;
    if content_length(request.headers()).is_some_and(|length| length > limit) {
        return Err(ApiError::BodyTooLarge { limit });
    }
    let body = Bytes::from_request(request, &())
        .await
        .map_err(|rejection| match rejection {
            BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_)) => {
                ApiError::BodyTooLarge { limit }
            }
            other => ApiError::InvalidJson(format!("cannot read the body: {}", other.body_text())),
        })?;
    let batch = parse_batch(&body, settings.max_events_per_request)?;
    let accepted = batch.len();
    state.ingest.submit(batch).map_err(ApiError::Unavailable)?;
    Ok(accepted)
}

/// `application/json`, with or without parameters (`; charset=utf-8`, as API destinations send).
fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(ApiError::UnsupportedMediaType("(none)".to_owned()));
    };
    let text = String::from_utf8_lossy(value.as_bytes());
    let essence = text.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType(excerpt(&text, QUOTE_LIMIT)))
    }
}

fn content_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Reads a body of one event or an array of events into a batch; all or nothing.
///
/// # Errors
/// 400 for invalid JSON and malformed events, 422 for unknown detail-types and too many events.
pub(crate) fn parse_batch(body: &[u8], max_events: usize) -> Result<IngestBatch, ApiError> {
    let text = std::str::from_utf8(body).map_err(|error| {
        ApiError::InvalidJson(format!("not utf-8 at byte {}", error.valid_up_to()))
    })?;
    let events: Vec<&RawValue> = match text.trim_start_matches(is_json_space).as_bytes().first() {
        Some(b'[') => serde_json::from_str(text).map_err(invalid_json)?,
        Some(b'{') => vec![serde_json::from_str(text).map_err(invalid_json)?],
        _ => {
            let value: Value = serde_json::from_str(text).map_err(invalid_json)?;
            return Err(ApiError::NotEvents(json_kind(&value)));
        }
    };
    if events.is_empty() {
        return Err(ApiError::EmptyBatch);
    }
    if events.len() > max_events {
        return Err(ApiError::TooManyEvents {
            count: events.len(),
            limit: max_events,
        });
    }
    let mut batch = IngestBatch::default();
    for (index, event) in events.into_iter().enumerate() {
        match classify(event).map_err(|problem| problem.at(index))? {
            Kind::CloudTrail => batch.cloudtrail.push(event.get().to_owned()),
            Kind::Finding => {
                let finding: Value = serde_json::from_str(event.get())
                    .map_err(|error| Problem::Bad(error.to_string()).at(index))?;
                let id = finding.pointer("/detail/id").and_then(Value::as_str);
                if id.is_none_or(str::is_empty) {
                    let problem = "a GuardDuty finding needs `detail.id`, a string";
                    return Err(Problem::Bad(problem.to_owned()).at(index));
                }
                batch.findings.push(finding);
            }
        }
    }
    Ok(batch)
}

fn invalid_json(error: serde_json::Error) -> ApiError {
    ApiError::InvalidJson(error.to_string())
}

fn is_json_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// What an event is, once it passed the checks.
enum Kind {
    CloudTrail,
    Finding,
}

/// What is wrong with one event.
enum Problem {
    Bad(String),
    UnknownType(String),
}

impl Problem {
    fn at(self, index: usize) -> ApiError {
        match self {
            Self::Bad(problem) => ApiError::BadEvent { index, problem },
            Self::UnknownType(detail_type) => ApiError::UnknownDetailType { index, detail_type },
        }
    }
}

/// The two members of an envelope the API looks at.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "detail-type", borrow)]
    detail_type: Option<&'a RawValue>,
    #[serde(borrow)]
    detail: Option<&'a RawValue>,
}

fn classify(event: &RawValue) -> Result<Kind, Problem> {
    let text = event.get();
    if !text.starts_with('{') {
        let value: Value = serde_json::from_str(text).map_err(|e| Problem::Bad(e.to_string()))?;
        return Err(Problem::Bad(format!(
            "an event must be an object, not {}",
            json_kind(&value)
        )));
    }
    let envelope: Envelope<'_> =
        serde_json::from_str(text).map_err(|error| Problem::Bad(error.to_string()))?;
    let detail_type = envelope
        .detail_type
        .ok_or_else(|| Problem::Bad("missing `detail-type`".to_owned()))?;
    let detail_type: String = serde_json::from_str(detail_type.get())
        .map_err(|_| Problem::Bad("`detail-type` must be a string".to_owned()))?;
    let detail = envelope
        .detail
        .ok_or_else(|| Problem::Bad("missing `detail`".to_owned()))?;
    if !detail.get().starts_with('{') {
        return Err(Problem::Bad("`detail` must be an object".to_owned()));
    }
    if detail_type == GUARDDUTY_DETAIL_TYPE {
        Ok(Kind::Finding)
    } else if CLOUDTRAIL_DETAIL_TYPES.contains(&detail_type.as_str()) {
        Ok(Kind::CloudTrail)
    } else {
        Err(Problem::UnknownType(excerpt(&detail_type, QUOTE_LIMIT)))
    }
}

/// A JSON value's kind, as error messages name it.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn error(body: &str) -> String {
        parse_batch(body.as_bytes(), 3).unwrap_err().to_string()
    }

    #[test]
    fn keeps_each_cloudtrail_event_text_exactly() {
        let body = r#" [ {"detail-type":"AWS API Call via CloudTrail", "detail": {"eventTime": "2026-05-12T16:14:36Z", "n": 1.50}},
            {"detail":{"id":"x"},"detail-type":"GuardDuty Finding","source":"aws.guardduty"} ] "#;
        let batch = parse_batch(body.as_bytes(), 3).unwrap();
        assert_eq!(
            batch.cloudtrail,
            [
                r#"{"detail-type":"AWS API Call via CloudTrail", "detail": {"eventTime": "2026-05-12T16:14:36Z", "n": 1.50}}"#
            ]
        );
        assert_eq!(
            batch.findings,
            [
                json!({"detail": {"id": "x"}, "detail-type": "GuardDuty Finding", "source": "aws.guardduty"})
            ]
        );
    }

    #[test]
    fn a_single_object_is_a_batch_of_one() {
        let body = r#"{"detail-type":"AWS Console Sign In via CloudTrail","detail":{}}"#;
        assert_eq!(parse_batch(body.as_bytes(), 1).unwrap().cloudtrail, [body]);
    }

    #[test]
    fn names_what_is_wrong_and_where() {
        assert_eq!(
            error("{\"a\":"),
            "invalid json: EOF while parsing a value at line 1 column 5"
        );
        assert_eq!(
            error("\n\n  [1,"),
            "invalid json: EOF while parsing a value at line 3 column 5"
        );
        assert_eq!(
            error("\"x\""),
            "the body must be one event object or an array of events, not a string"
        );
        assert_eq!(
            error(""),
            "invalid json: EOF while parsing a value at line 1 column 0"
        );
        assert_eq!(error("[]"), "the batch is empty: send at least one event");
        assert_eq!(
            error("[{},{},{},{}]"),
            "too many events: 4, at most 3 per request"
        );
        assert_eq!(error("[{\"detail\":{}}]"), "event 0: missing `detail-type`");
        assert_eq!(
            error(r#"[{"detail-type":"GuardDuty Finding","detail":{"id":"f1"}}, 7]"#),
            "event 1: an event must be an object, not a number"
        );
        for detail in [r#"{}"#, r#"{"id":""}"#, r#"{"id":7}"#] {
            assert_eq!(
                error(&format!(
                    r#"{{"detail-type":"GuardDuty Finding","detail":{detail}}}"#
                )),
                "event 0: a GuardDuty finding needs `detail.id`, a string",
                "{detail}"
            );
        }
        assert_eq!(
            error(r#"{"detail-type":5,"detail":{}}"#),
            "event 0: `detail-type` must be a string"
        );
        assert_eq!(
            error(r#"{"detail-type":"GuardDuty Finding"}"#),
            "event 0: missing `detail`"
        );
        assert_eq!(
            error(r#"{"detail-type":"GuardDuty Finding","detail":"{}"}"#),
            "event 0: `detail` must be an object"
        );
        assert_eq!(
            error(r#"{"detail-type":"GuardDuty Finding","detail":{},"detail":{}}"#),
            "event 0: duplicate field `detail` at line 1 column 55"
        );
        assert_eq!(
            error(r#"{"detail-type":"EC2 Instance State-change Notification","detail":{}}"#),
            format!(
                "event 0: unknown detail-type `EC2 Instance State-change Notification`; \
                 accepted: {ACCEPTED_DETAIL_TYPES_TEXT}"
            )
        );
        assert_eq!(
            parse_batch(b"[\xff]", 3).unwrap_err().to_string(),
            "invalid json: not utf-8 at byte 1"
        );
    }

    #[test]
    fn the_accepted_list_text_names_every_accepted_type() {
        let listed: Vec<String> = ACCEPTED_DETAIL_TYPES
            .iter()
            .map(|t| format!("`{t}`"))
            .collect();
        assert_eq!(ACCEPTED_DETAIL_TYPES_TEXT, listed.join(", "));
    }
}
