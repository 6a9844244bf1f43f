//! The SQLite backend.

use std::path::Path;

use findings::Finding;
use rusqlite::{Connection, OptionalExtension, params};

use crate::err::StoreError;
use crate::filter::FindingFilter;
use crate::schema::migrate;

/// Identity of an input file, to skip files a previous run already processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputStamp {
    /// Canonical path.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, milliseconds since the epoch.
    pub modified_ms: i64,
}

/// A trailguard database.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database file and migrates it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::prepare(Connection::open(path)?)
    }

    /// Opens a `sqlite://PATH` URL (or a bare path).
    pub fn open_url(url: &str) -> Result<Self, StoreError> {
        if url.contains("://") && !url.starts_with("sqlite://") {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        }
        Self::open(Path::new(url.trim_start_matches("sqlite://")))
    }

    /// A private in-memory database (tests, one-shot runs without `--state`).
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::prepare(Connection::open_in_memory()?)
    }

    fn prepare(mut conn: Connection) -> Result<Self, StoreError> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Self { conn })
    }

    /// Every detector state entry as (key, JSON).
    pub fn state_entries(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT key, value FROM detector_state ORDER BY key")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The findings that pass the filter, most severe first, then most recent first.
    pub fn findings(&self, filter: &FindingFilter) -> Result<Vec<Finding>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT id, body FROM findings ORDER BY severity DESC, last_seen DESC, id")?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut found = Vec::new();
        for row in rows {
            let (id, body) = row?;
            let finding = decode(&id, &body)?;
            if filter.accepts(&finding) {
                found.push(finding);
            }
        }
        Ok(found)
    }

    /// One finding by id.
    pub fn finding(&self, id: &str) -> Result<Option<Finding>, StoreError> {
        let body: Option<String> = self
            .conn
            .query_row("SELECT body FROM findings WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()?;
        body.map(|body| decode(id, &body)).transpose()
    }

    /// Archives or unarchives a finding; `false` when there is no such finding.
    pub fn set_archived(&mut self, id: &str, archived: bool) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let found = {
            let body: Option<String> = tx
                .query_row("SELECT body FROM findings WHERE id = ?1", [id], |row| {
                    row.get(0)
                })
                .optional()?;
            match body {
                Some(body) => {
                    let mut finding = decode(id, &body)?;
                    finding.service.archived = archived;
                    upsert_finding(&tx, &finding)?;
                    true
                }
                None => false,
            }
        };
        tx.commit()?;
        Ok(found)
    }

    /// True when this exact input (path, size, mtime) was processed by an earlier run.
    pub fn is_processed(&self, stamp: &InputStamp) -> Result<bool, StoreError> {
        let found: Option<i64> = self
            .conn
            .query_row(
                "SELECT 1 FROM processed_inputs WHERE path = ?1 AND size = ?2 AND modified_ms = ?3",
                params![stamp.path, stamp.size as i64, stamp.modified_ms],
                |row| row.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }

    /// Saves a run's state entries, findings and processed inputs in one transaction.
    pub fn commit_run<'a>(
        &mut self,
        state: &[(String, String)],
        findings: impl IntoIterator<Item = &'a Finding>,
        inputs: &[InputStamp],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut put_state = tx.prepare(
                "INSERT INTO detector_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?;
            for (key, value) in state {
                put_state.execute(params![key, value])?;
            }
            for finding in findings {
                upsert_finding(&tx, finding)?;
            }
            let mut put_input = tx.prepare(
                "INSERT INTO processed_inputs (path, size, modified_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (path) DO UPDATE SET size = excluded.size, modified_ms = excluded.modified_ms",
            )?;
            for input in inputs {
                put_input.execute(params![input.path, input.size as i64, input.modified_ms])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

fn decode(id: &str, body: &str) -> Result<Finding, StoreError> {
    serde_json::from_str(body).map_err(|error| StoreError::CorruptFinding {
        id: id.to_owned(),
        error,
    })
}

fn upsert_finding(conn: &Connection, finding: &Finding) -> Result<(), StoreError> {
    let body = serde_json::to_string(finding).map_err(|error| StoreError::CorruptFinding {
        id: finding.id.clone(),
        error,
    })?;
    conn.execute(
        "INSERT INTO findings (id, type, severity, account, region, archived, first_seen, last_seen, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET type = excluded.type, severity = excluded.severity,
           account = excluded.account, region = excluded.region, archived = excluded.archived,
           first_seen = excluded.first_seen, last_seen = excluded.last_seen, body = excluded.body",
        params![
            finding.id,
            finding.finding_type,
            finding.severity,
            finding.account_id,
            finding.region,
            finding.service.archived,
            finding.service.event_first_seen,
            finding.service.event_last_seen,
            body
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use findings::{AccessKeyDetails, AggregationKey, Call, FindingBook, FindingKind, Occurrence};

    fn finding(source: &str, time_ms: i64, severity: f64) -> Finding {
        let mut book = FindingBook::new();
        book.record(Occurrence {
            key: AggregationKey {
                account: "123456789012".into(),
                kind: FindingKind::InstanceCredentialExfiltrationOutsideAws,
                principal: "arn:aws:iam::123456789012:role/R".into(),
                instance: "i-12345678".into(),
                source: source.into(),
            },
            severity,
            region: "us-west-2".into(),
            partition: "aws".into(),
            access_key: AccessKeyDetails {
                access_key_id: "ASIA1".into(),
                principal_id: "AROA1:i-12345678".into(),
                user_name: "R".into(),
                user_type: "AssumedRole".into(),
            },
            instance: None,
            call: Call {
                time_ms,
                event_id: "e".into(),
                api: "ListTables".into(),
                service_name: "dynamodb.amazonaws.com".into(),
                user_agent: None,
                error_code: None,
            },
            remote_ip: None,
            remote_account: None,
            extra: Vec::new(),
        });
        book.findings().next().unwrap().clone()
    }

    #[test]
    fn state_findings_and_inputs_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let high = finding("198.51.100.7", 1_000_000, 8.0);
        let medium = finding("203.0.113.9", 2_000_000, 5.0);
        let stamp = InputStamp {
            path: "/logs/a.json.gz".into(),
            size: 10,
            modified_ms: 99,
        };
        {
            let mut store = Store::open(&path).unwrap();
            let state = [("session|a|b|c".to_owned(), "{}".to_owned())];
            store
                .commit_run(&state, [&high, &medium], std::slice::from_ref(&stamp))
                .unwrap();
        }
        let mut store = Store::open_url(&format!("sqlite://{}", path.display())).unwrap();
        assert_eq!(
            store.state_entries().unwrap(),
            [("session|a|b|c".to_owned(), "{}".to_owned())]
        );
        let all = store.findings(&FindingFilter::default()).unwrap();
        assert_eq!(all, [high.clone(), medium.clone()], "most severe first");
        assert!(store.is_processed(&stamp).unwrap());
        assert!(
            !store
                .is_processed(&InputStamp {
                    size: 11,
                    ..stamp.clone()
                })
                .unwrap()
        );

        assert!(store.set_archived(&high.id, true).unwrap());
        assert!(!store.set_archived("nope", true).unwrap());
        let active = FindingFilter {
            archived: Some(false),
            ..FindingFilter::default()
        };
        assert_eq!(
            store.findings(&active).unwrap(),
            std::slice::from_ref(&medium)
        );
        assert!(store.finding(&high.id).unwrap().unwrap().service.archived);

        let high_only = FindingFilter {
            min_severity: Some(7.0),
            ..FindingFilter::default()
        };
        assert_eq!(store.findings(&high_only).unwrap().len(), 1);
        let recent = FindingFilter {
            since: Some("1970-01-01T00:25:00Z".into()),
            ..FindingFilter::default()
        };
        assert_eq!(store.findings(&recent).unwrap(), [medium]);
    }

    #[test]
    fn rejects_other_urls() {
        let error = Store::open_url("postgres://localhost/db").unwrap_err();
        assert_eq!(
            error.to_string(),
            "unsupported store url `postgres://localhost/db`: expected `sqlite://PATH` or a file path"
        );
    }
}
