//! GuardDuty findings ingested from elsewhere (`ingested_findings`): real GuardDuty findings sent
//! to `serve` by EventBridge. They are kept whole, exactly as GuardDuty wrote them (their types
//! and shapes are not trailguard's own), for the console and API, and queued for routing.

use serde_json::Value;

use crate::backend::Backend;
use crate::err::StoreError;
use crate::filter::{Fields, FindingFilter};
use crate::outbox::enqueue;
use crate::store::Store;

impl Store {
    /// Stores the finding of a `GuardDuty Finding` event (its `detail`) and queues the event
    /// for routing, in one transaction. An update of a finding already stored replaces it
    /// unless it is older (by `updatedAt`); a finding archived here stays archived.
    pub fn ingest_finding(&mut self, event: &Value) -> Result<(), StoreError> {
        let detail = event.get("detail").unwrap_or(event);
        let text = |pointer: &str| detail.pointer(pointer).and_then(Value::as_str);
        let id = text("/id")
            .filter(|id| !id.is_empty())
            .ok_or(StoreError::FindingWithoutId)?;
        let updated_at = text("/updatedAt").unwrap_or_default();
        let last_seen = text("/service/eventLastSeen").unwrap_or(updated_at);
        let severity = detail
            .get("severity")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        let archived = detail
            .pointer("/service/archived")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let body = detail.to_string();
        self.backend.transaction(|db| {
            db.execute(
                "INSERT INTO ingested_findings
                     (id, type, severity, archived, last_seen, updated_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (id) DO UPDATE SET type = excluded.type,
                     severity = excluded.severity,
                     archived = (ingested_findings.archived OR excluded.archived),
                     last_seen = excluded.last_seen, updated_at = excluded.updated_at,
                     body = excluded.body
                 WHERE excluded.updated_at >= ingested_findings.updated_at",
                &[
                    &id,
                    &text("/type").unwrap_or_default(),
                    &severity,
                    &archived,
                    &last_seen,
                    &updated_at,
                    &body,
                ],
            )?;
            enqueue(db, id, &event.to_string())
        })
    }

    /// The ingested findings that pass the filter, most severe first, then most recent first,
    /// each as GuardDuty wrote it (with `service.archived` as archived here).
    pub fn ingested_findings(&self, filter: &FindingFilter) -> Result<Vec<Value>, StoreError> {
        let rows = self.backend.query(
            "SELECT type, severity, archived, last_seen, id, body FROM ingested_findings
             ORDER BY severity DESC, last_seen DESC, id",
            &[],
            |row| {
                let fields = (
                    row.get::<String>(0)?,
                    row.get::<f64>(1)?,
                    row.get::<bool>(2)?,
                    row.get::<String>(3)?,
                );
                Ok((fields, row.get::<String>(4)?, row.get::<String>(5)?))
            },
        )?;
        let mut found = Vec::new();
        for ((finding_type, severity, archived, last_seen), id, body) in rows {
            let fields = Fields {
                severity,
                finding_type: &finding_type,
                archived,
                last_seen: &last_seen,
            };
            if filter.accepts_fields(&fields) {
                found.push(document(&id, &body, archived)?);
            }
        }
        Ok(found)
    }

    /// One ingested finding by id.
    pub fn ingested_finding(&self, id: &str) -> Result<Option<Value>, StoreError> {
        let row: Option<(String, bool)> = self.backend.query_opt(
            "SELECT body, archived FROM ingested_findings WHERE id = ?1",
            &[&id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        row.map(|(body, archived)| document(id, &body, archived))
            .transpose()
    }
}

/// Archives or unarchives an ingested finding; false when there is none with that id.
pub(crate) fn set_archived(db: &Backend, id: &str, archived: bool) -> Result<bool, StoreError> {
    let changed = db.execute(
        "UPDATE ingested_findings SET archived = ?2 WHERE id = ?1",
        &[&id, &archived],
    )?;
    Ok(changed == 1)
}

/// The stored body with `service.archived` set to the stored flag.
fn document(id: &str, body: &str, archived: bool) -> Result<Value, StoreError> {
    let mut finding: Value =
        serde_json::from_str(body).map_err(|error| StoreError::CorruptFinding {
            id: id.to_owned(),
            error,
        })?;
    if let Some(service) = finding
        .as_object_mut()
        .map(|f| {
            f.entry("service")
                .or_insert_with(|| Value::Object(Default::default()))
        })
        .and_then(Value::as_object_mut)
    {
        service.insert("archived".to_owned(), Value::Bool(archived));
    }
    Ok(finding)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::FindingFilter;
    use crate::testing::{TestDb, on_both_backends};

    on_both_backends!(
        ingested_findings_are_kept_whole_and_queued,
        an_older_update_does_not_replace_a_newer_one_and_archiving_sticks
    );

    /// A GuardDuty finding of a type trailguard does not raise, in its EventBridge envelope,
    /// updated at `updated_at` with `count` occurrences.
    fn port_probe(updated_at: &str, count: u64) -> Value {
        let mut event: Value = serde_json::from_str(include_str!(
            "../../../data/fixtures/guardduty-port-probe.json"
        ))
        .unwrap();
        event["detail"]["updatedAt"] = json!(updated_at);
        event["detail"]["service"]["eventLastSeen"] = json!(updated_at);
        event["detail"]["service"]["count"] = json!(count);
        event
    }

    fn ingested_findings_are_kept_whole_and_queued(db: &TestDb) {
        let mut store = db.open();
        let event = port_probe("2026-11-29T10:00:00.000Z", 3);
        store.ingest_finding(&event).unwrap();
        let id = "96b8c3a8e2f4d1c0a9b8c7d6e5f4a3b2";
        assert_eq!(
            store.ingested_finding(id).unwrap().unwrap(),
            event["detail"]
        );
        assert_eq!(
            store.ingested_findings(&FindingFilter::default()).unwrap(),
            [event["detail"].clone()]
        );
        let high = FindingFilter {
            min_severity: Some(7.0),
            ..FindingFilter::default()
        };
        assert_eq!(store.ingested_findings(&high).unwrap(), Vec::<Value>::new());
        let queued = store.lease_routings(0, 1, 10).unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].finding_id, id);
        let routed: Value = serde_json::from_str(&queued[0].body).unwrap();
        assert_eq!(routed, event, "the whole event is routed");

        let error = store
            .ingest_finding(&json!({"detail": {"type": "x"}}))
            .unwrap_err();
        assert_eq!(error.to_string(), "a GuardDuty finding without an `id`");
    }

    fn an_older_update_does_not_replace_a_newer_one_and_archiving_sticks(db: &TestDb) {
        let mut store = db.open();
        let id = "96b8c3a8e2f4d1c0a9b8c7d6e5f4a3b2";
        store
            .ingest_finding(&port_probe("2026-11-29T10:05:00.000Z", 5))
            .unwrap();
        store
            .ingest_finding(&port_probe("2026-11-29T10:00:00.000Z", 3))
            .unwrap();
        let count = |store: &crate::Store| {
            store.ingested_finding(id).unwrap().unwrap()["service"]["count"].clone()
        };
        assert_eq!(count(&store), 5, "the newer update stays");

        assert!(store.set_archived(id, true).unwrap());
        store
            .ingest_finding(&port_probe("2026-11-29T10:10:00.000Z", 9))
            .unwrap();
        let stored = store.ingested_finding(id).unwrap().unwrap();
        assert_eq!(stored["service"]["count"], 9);
        assert_eq!(stored["service"]["archived"], true, "still archived here");
        let active = FindingFilter {
            archived: Some(false),
            ..FindingFilter::default()
        };
        assert_eq!(
            store.ingested_findings(&active).unwrap(),
            Vec::<Value>::new()
        );
        assert!(store.set_archived(id, false).unwrap());
        assert_eq!(store.ingested_findings(&active).unwrap().len(), 1);
    }
}
