//! The audit log of remediation actions (`actions` table): every plan and result, dry-run
//! included, with the finding it was about and how to undo it.

use serde_json::{Value, json};

use crate::backend::Row;
use crate::err::StoreError;
use crate::store::Store;

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRecord {
    /// Unique id (a UUID), as `actions show ID` takes it.
    pub id: String,
    /// The finding it was about, when known.
    pub finding_id: Option<String>,
    /// The action's name, e.g. `revoke-role-sessions`.
    pub action: String,
    /// `dry-run` or `enforce`.
    pub mode: String,
    /// Where it stands, e.g. `planned`, `refused`, `applied`, `failed`, `undone`.
    pub status: String,
    /// The plan (JSON), or the refusal.
    pub plan: String,
    /// The result (JSON), once executed.
    pub result: Option<String>,
    /// How to undo it (JSON), when it can be undone.
    pub undo: Option<String>,
    /// When it was recorded (milliseconds since the epoch).
    pub created_ms: i64,
}

impl ActionRecord {
    /// The entry as JSON (what `actions list --json` and the HTTP API show), with `plan`,
    /// `result` and `undo` parsed (kept as a string when not JSON, e.g. a refusal's reason).
    #[must_use]
    pub fn to_json(&self) -> Value {
        let parse = |text: &str| {
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
        };
        json!({
            "id": self.id,
            "findingId": self.finding_id,
            "action": self.action,
            "mode": self.mode,
            "status": self.status,
            "createdAt": findings::format_millis(self.created_ms),
            "plan": parse(&self.plan),
            "result": self.result.as_deref().map(parse),
            "undo": self.undo.as_deref().map(parse),
        })
    }
}

const COLUMNS: &str = "id, finding_id, action, mode, status, plan, result, undo, created_ms";

fn from_row(row: &Row<'_, '_>) -> Result<ActionRecord, StoreError> {
    Ok(ActionRecord {
        id: row.get(0)?,
        finding_id: row.get(1)?,
        action: row.get(2)?,
        mode: row.get(3)?,
        status: row.get(4)?,
        plan: row.get(5)?,
        result: row.get(6)?,
        undo: row.get(7)?,
        created_ms: row.get(8)?,
    })
}

impl Store {
    /// Adds an entry.
    ///
    /// # Errors
    /// If the database refuses (for example a duplicate id).
    pub fn record_action(&mut self, record: &ActionRecord) -> Result<(), StoreError> {
        self.backend.execute(
            &format!("INSERT INTO actions ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            &[
                &record.id,
                &record.finding_id,
                &record.action,
                &record.mode,
                &record.status,
                &record.plan,
                &record.result,
                &record.undo,
                &record.created_ms,
            ],
        )?;
        Ok(())
    }

    /// Sets an entry's status and result; `false` if there is no such entry.
    ///
    /// # Errors
    /// If the database refuses.
    pub fn update_action(
        &mut self,
        id: &str,
        status: &str,
        result: Option<&str>,
    ) -> Result<bool, StoreError> {
        let changed = self.backend.execute(
            "UPDATE actions SET status = ?2, result = ?3 WHERE id = ?1",
            &[&id, &status, &result],
        )?;
        Ok(changed == 1)
    }

    /// Every entry, oldest first (in the order recorded within a millisecond).
    ///
    /// # Errors
    /// If the database refuses.
    pub fn actions(&self) -> Result<Vec<ActionRecord>, StoreError> {
        self.backend.query(
            &format!("SELECT {COLUMNS} FROM actions ORDER BY created_ms, rowid"),
            &[],
            from_row,
        )
    }

    /// One entry by id.
    ///
    /// # Errors
    /// If the database refuses.
    pub fn action(&self, id: &str) -> Result<Option<ActionRecord>, StoreError> {
        self.backend.query_opt(
            &format!("SELECT {COLUMNS} FROM actions WHERE id = ?1"),
            &[&id],
            from_row,
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::testing::{TestDb, on_both_backends};

    on_both_backends!(records_lists_in_time_order_and_updates);

    fn record(id: &str, at: i64) -> ActionRecord {
        ActionRecord {
            id: id.into(),
            finding_id: Some("f1".into()),
            action: "revoke-role-sessions".into(),
            mode: "dry-run".into(),
            status: "planned".into(),
            plan: "{}".into(),
            result: None,
            undo: Some("{\"kind\":\"none\"}".into()),
            created_ms: at,
        }
    }

    fn records_lists_in_time_order_and_updates(db: &TestDb) {
        let mut store = db.open();
        store.record_action(&record("b", 20)).unwrap();
        store.record_action(&record("a", 10)).unwrap();
        store.record_action(&record("d", 30)).unwrap();
        store.record_action(&record("c", 30)).unwrap();
        let ids: Vec<String> = store.actions().unwrap().into_iter().map(|r| r.id).collect();
        assert_eq!(
            ids,
            ["a", "b", "d", "c"],
            "by time, then in the order recorded"
        );
        assert!(
            store
                .update_action("a", "applied", Some("{\"ok\":true}"))
                .unwrap()
        );
        assert!(!store.update_action("zz", "applied", None).unwrap());
        let a = store.action("a").unwrap().unwrap();
        assert_eq!(
            (a.status.as_str(), a.result.as_deref()),
            ("applied", Some("{\"ok\":true}"))
        );
        assert_eq!(store.action("missing").unwrap(), None);
        assert!(store.record_action(&record("a", 30)).is_err());
    }
}
