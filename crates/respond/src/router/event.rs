//! The event a finding travels in: a bare finding is wrapped in the EventBridge envelope
//! GuardDuty uses; an envelope (a real GuardDuty event) is kept as it came.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::RouteError;

/// `{"version":"0","id":…,"detail-type":"GuardDuty Finding","source":…,"account":…,"time":…,
/// "region":…,"resources":[],"detail":<finding>}`, in the order EventBridge writes it, with the
/// finding kept as JSON so that members of real GuardDuty findings that our model does not
/// know still reach patterns and targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Event {
    pub(crate) version: String,
    pub(crate) id: String,
    #[serde(rename = "detail-type")]
    pub(crate) detail_type: String,
    pub(crate) source: String,
    pub(crate) account: String,
    pub(crate) time: String,
    pub(crate) region: String,
    #[serde(default)]
    pub(crate) resources: Vec<String>,
    pub(crate) detail: Map<String, Value>,
}

impl Event {
    /// An envelope as given, or a bare finding wrapped with `source`.
    pub(crate) fn from_input(input: &Value, source: &str) -> Result<Self, RouteError> {
        let Value::Object(object) = input else {
            return Err(RouteError::NotAFinding(
                "the input is not a JSON object".to_owned(),
            ));
        };
        let event = if object.contains_key("detail") && object.contains_key("detail-type") {
            Self::deserialize(input).map_err(|e| {
                RouteError::NotAFinding(format!("the input is not an EventBridge envelope: {e}"))
            })?
        } else {
            Self::wrap(object.clone(), source)?
        };
        event.finding_id()?;
        event.updated_at()?;
        Ok(event)
    }

    /// Wraps a bare finding; the event id is derived from the finding id, its update time
    /// and the source, so the same update always travels in the same event.
    fn wrap(finding: Map<String, Value>, source: &str) -> Result<Self, RouteError> {
        let text = |key: &str| -> Result<String, RouteError> {
            finding
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    RouteError::NotAFinding(format!("the finding has no `{key}` string"))
                })
        };
        let id = text("id")?;
        let updated_at = text("updatedAt")?;
        Ok(Self {
            version: "0".to_owned(),
            id: event_id(source, &id, &updated_at),
            detail_type: "GuardDuty Finding".to_owned(),
            source: source.to_owned(),
            account: text("accountId")?,
            time: seconds_precision(&updated_at),
            region: text("region")?,
            resources: Vec::new(),
            detail: finding,
        })
    }

    /// `detail.id`.
    pub(crate) fn finding_id(&self) -> Result<&str, RouteError> {
        self.detail
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| RouteError::NotAFinding("the finding has no `id` string".to_owned()))
    }

    /// `detail.updatedAt` in milliseconds since the epoch.
    pub(crate) fn updated_at(&self) -> Result<i64, RouteError> {
        let text = self
            .detail
            .get("updatedAt")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                RouteError::NotAFinding("the finding has no `updatedAt` string".to_owned())
            })?;
        findings::parse_millis(text).ok_or_else(|| {
            RouteError::NotAFinding(format!("`updatedAt` `{text}` is not an ISO-8601 time"))
        })
    }
}

/// A UUID (version 8) from a hash of what identifies one update of one finding.
fn event_id(source: &str, finding_id: &str, updated_at: &str) -> String {
    let digest = Sha256::digest(format!("{source}\n{finding_id}\n{updated_at}").as_bytes());
    let mut bytes = [0u8; 16];
    for (slot, byte) in bytes.iter_mut().zip(digest.iter()) {
        *slot = *byte;
    }
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// `2023-07-10T11:57:22.123Z` → `2023-07-10T11:57:22Z`, as EventBridge writes `time`.
fn seconds_precision(iso: &str) -> String {
    match iso.split_once('.') {
        Some((seconds, _)) => format!("{seconds}Z"),
        None => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn finding() -> Value {
        json!({"schemaVersion":"2.0","accountId":"111122223333","region":"us-west-2",
               "id":"f1","type":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
               "updatedAt":"2023-07-10T12:02:10.123Z","futureMember":{"kept":true}})
    }

    #[test]
    fn wraps_a_bare_finding_like_guardduty() {
        let event = Event::from_input(&finding(), "aws.guardduty").unwrap();
        let text = serde_json::to_string(&event).unwrap();
        let expected_id = event_id("aws.guardduty", "f1", "2023-07-10T12:02:10.123Z");
        assert_eq!(
            text,
            format!(
                r#"{{"version":"0","id":"{expected_id}","detail-type":"GuardDuty Finding","source":"aws.guardduty","account":"111122223333","time":"2023-07-10T12:02:10Z","region":"us-west-2","resources":[],"detail":{}}}"#,
                serde_json::to_string(&finding()).unwrap()
            )
        );
        assert_eq!(event.updated_at().unwrap(), 1_688_990_530_123);
    }

    #[test]
    fn event_ids_are_stable_uuids_per_update() {
        let a = event_id("aws.guardduty", "f1", "2023-07-10T12:02:10.123Z");
        assert_eq!(
            a,
            event_id("aws.guardduty", "f1", "2023-07-10T12:02:10.123Z")
        );
        assert_ne!(
            a,
            event_id("aws.guardduty", "f1", "2023-07-10T12:17:10.123Z")
        );
        let parsed = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version_num(), 8);
    }

    #[test]
    fn keeps_an_envelope_as_it_came() {
        let envelope = json!({"version":"0","id":"cd2d702e-ab31-411b-9344-793ce56b1bc7",
            "detail-type":"GuardDuty Finding","source":"aws.guardduty","account":"111122223333",
            "time":"1970-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":finding()});
        let event = Event::from_input(&envelope, "trailguard").unwrap();
        assert_eq!(serde_json::to_value(&event).unwrap(), envelope);
    }

    #[test]
    fn rejects_what_is_not_a_finding() {
        let cases = [
            (json!([1]), "the input is not a JSON object"),
            (
                json!({"id":"x","accountId":"1","region":"r"}),
                "the finding has no `updatedAt` string",
            ),
            (
                json!({"updatedAt":"2023-07-10T12:02:10Z"}),
                "the finding has no `id` string",
            ),
            (
                json!({"id":"x","updatedAt":"yesterday","accountId":"1","region":"r"}),
                "`updatedAt` `yesterday` is not an ISO-8601 time",
            ),
            (
                json!({"detail-type":"GuardDuty Finding","detail":{}}),
                "the input is not an EventBridge envelope: missing field `version`",
            ),
        ];
        for (input, message) in cases {
            let error = Event::from_input(&input, "aws.guardduty").unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("not a finding: {message}"),
                "{input}"
            );
        }
    }
}
