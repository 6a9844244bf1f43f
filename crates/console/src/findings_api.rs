//! The findings API: list, show, archive, unarchive.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use findings::Severity;
use serde_json::{Value, json};
use store::FindingFilter;

use crate::auth::require_token;
use crate::error::{ApiError, excerpt};
use crate::state::AppState;
use store::audit::ActionRecord;

/// `GET /v1/findings`: the findings passing the query's filters, trailguard's own and ingested
/// GuardDuty ones, newest `eventLastSeen` first.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let Query(pairs) = query.map_err(|rejection| ApiError::BadQuery(rejection.body_text()))?;
    let filter = filter_from_query(&pairs)?;
    let (own, ingested) = state
        .with_store(move |store| Ok((store.findings(&filter)?, store.ingested_findings(&filter)?)))
        .await?;
    let mut found = own
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<Value>, _>>()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    found.extend(ingested);
    // Stable: equal times keep the store's order (most severe first, own findings first).
    found.sort_by_key(|finding| {
        let last_seen = finding
            .pointer("/service/eventLastSeen")
            .and_then(Value::as_str);
        std::cmp::Reverse(last_seen.and_then(findings::parse_millis))
    });
    Ok(Json(found))
}

/// The query parameters of `GET /v1/findings`; `type` may repeat, the others take their last
/// value. Unknown parameters are refused so that a typo never silently shows everything.
fn filter_from_query(pairs: &[(String, String)]) -> Result<FindingFilter, ApiError> {
    let mut filter = FindingFilter {
        archived: Some(false),
        ..FindingFilter::default()
    };
    for (name, value) in pairs {
        match name.as_str() {
            "severity" => filter.min_severity = Some(parse_min_severity(value)?),
            "type" => filter.type_prefixes.push(value.clone()),
            "archived" => {
                filter.archived = Some(match value.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(bad_value("archived", "true or false", value)),
                });
            }
            "since" => filter.since = Some(parse_instant("since", value)?),
            "until" => filter.until = Some(parse_instant("until", value)?),
            _ => {
                return Err(ApiError::BadQuery(format!(
                    "unknown parameter `{}`: expected severity, type, archived, since or until",
                    excerpt(name, 100)
                )));
            }
        }
    }
    Ok(filter)
}

/// `low|medium|high|critical` (the level's lowest score) or a number from 0 to 10.
fn parse_min_severity(value: &str) -> Result<f64, ApiError> {
    if let Ok(level) = value.parse::<Severity>() {
        return Ok(level.min_score());
    }
    value
        .parse::<f64>()
        .ok()
        .filter(|score| (0.0..=10.0).contains(score))
        .ok_or_else(|| {
            bad_value(
                "severity",
                "low, medium, high, critical or a number from 0 to 10",
                value,
            )
        })
}

fn parse_instant(name: &str, value: &str) -> Result<String, ApiError> {
    match findings::parse_millis(value) {
        Some(_) => Ok(value.to_owned()),
        None => Err(bad_value(
            name,
            "an ISO-8601 instant such as 2026-05-12T16:14:36Z",
            value,
        )),
    }
}

fn bad_value(name: &str, expected: &str, value: &str) -> ApiError {
    ApiError::BadQuery(format!(
        "`{name}` must be {expected}, got `{}`",
        excerpt(value, 100)
    ))
}

/// `GET /v1/findings/{id}`: the finding plus `actions`, its audit-log entries (oldest first).
pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (finding, actions) = state
        .with_store(move |store| {
            let own = store
                .finding(&id)?
                .map(|finding| serde_json::to_value(finding).map_err(|e| e.to_string()))
                .transpose()
                .map_err(ApiError::Internal)?;
            let finding = match own {
                Some(finding) => finding,
                None => store
                    .ingested_finding(&id)?
                    .ok_or_else(|| ApiError::FindingNotFound(excerpt(&id, 100)))?,
            };
            let actions: Vec<Value> = store
                .actions()?
                .iter()
                .filter(|record| record.finding_id.as_deref() == Some(id.as_str()))
                .map(ActionRecord::to_json)
                .collect();
            Ok((finding, actions))
        })
        .await?;
    let mut body = finding;
    if let Value::Object(members) = &mut body {
        members.insert("actions".to_owned(), Value::Array(actions));
    }
    Ok(Json(body))
}

/// `POST /v1/findings/{id}/archive` (token).
pub(crate) async fn archive(
    state: State<Arc<AppState>>,
    headers: HeaderMap,
    id: Path<String>,
) -> Result<Json<Value>, ApiError> {
    set_archived(state, headers, id, true).await
}

/// `POST /v1/findings/{id}/unarchive` (token).
pub(crate) async fn unarchive(
    state: State<Arc<AppState>>,
    headers: HeaderMap,
    id: Path<String>,
) -> Result<Json<Value>, ApiError> {
    set_archived(state, headers, id, false).await
}

async fn set_archived(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    archived: bool,
) -> Result<Json<Value>, ApiError> {
    require_token(&state.settings, &headers)?;
    let id = state
        .with_store(move |store| {
            if store.set_archived(&id, archived)? {
                Ok(id)
            } else {
                Err(ApiError::FindingNotFound(excerpt(&id, 100)))
            }
        })
        .await?;
    tracing::info!(finding = %id, archived, "finding archive state changed over the api");
    Ok(Json(json!({ "id": id, "archived": archived })))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_to_active_findings() {
        let filter = filter_from_query(&[]).unwrap();
        assert_eq!(filter.archived, Some(false));
        assert_eq!(filter.min_severity, None);
    }

    #[test]
    fn reads_every_parameter() {
        let filter = filter_from_query(&pairs(&[
            ("severity", "High"),
            ("type", "UnauthorizedAccess:"),
            ("type", "Recon:"),
            ("archived", "true"),
            ("since", "2026-05-12T16:00:00Z"),
            ("until", "2026-05-13T00:00:00+02:00"),
        ]))
        .unwrap();
        assert_eq!(filter.min_severity, Some(7.0));
        assert_eq!(filter.type_prefixes, ["UnauthorizedAccess:", "Recon:"]);
        assert_eq!(filter.archived, Some(true));
        assert_eq!(filter.since.as_deref(), Some("2026-05-12T16:00:00Z"));
        assert_eq!(filter.until.as_deref(), Some("2026-05-13T00:00:00+02:00"));
        let numeric = filter_from_query(&pairs(&[("severity", "5.5")])).unwrap();
        assert_eq!(numeric.min_severity, Some(5.5));
    }

    #[test]
    fn refuses_bad_values_and_unknown_names() {
        let error =
            |list: &[(&str, &str)]| filter_from_query(&pairs(list)).unwrap_err().to_string();
        assert_eq!(
            error(&[("severity", "severe")]),
            "invalid query: `severity` must be low, medium, high, critical or a number from 0 to 10, got `severe`"
        );
        assert_eq!(
            error(&[("severity", "11")]),
            "invalid query: `severity` must be low, medium, high, critical or a number from 0 to 10, got `11`"
        );
        assert_eq!(
            error(&[("archived", "yes")]),
            "invalid query: `archived` must be true or false, got `yes`"
        );
        assert_eq!(
            error(&[("since", "yesterday")]),
            "invalid query: `since` must be an ISO-8601 instant such as 2026-05-12T16:14:36Z, got `yesterday`"
        );
        assert_eq!(
            error(&[("sevrity", "high")]),
            "invalid query: unknown parameter `sevrity`: expected severity, type, archived, since or until"
        );
    }
}
