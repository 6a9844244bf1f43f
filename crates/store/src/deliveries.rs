//! Failed deliveries (`deliveries` table): a target that kept failing leaves its input here, so
//! nothing is lost and `trailguard deliveries retry` can send it again.

use std::fmt;
use std::str::FromStr;

use postgres::types::Type;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};

use crate::backend::Row;
use crate::err::StoreError;
use crate::store::Store;

/// Where a kept delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Every attempt failed; waiting for a retry.
    Failed,
    /// A later retry succeeded.
    Delivered,
}

impl DeliveryStatus {
    /// The text stored in the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Failed => "failed",
            Self::Delivered => "delivered",
        }
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeliveryStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "failed" => Ok(Self::Failed),
            "delivered" => Ok(Self::Delivered),
            other => Err(UnknownStatus(other.to_owned())),
        }
    }
}

/// A `status` column holding neither `failed` nor `delivered`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown delivery status `{0}`")]
pub struct UnknownStatus(String);

impl FromSql for DeliveryStatus {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e: UnknownStatus| FromSqlError::Other(Box::new(e)))
    }
}

impl<'a> postgres::types::FromSql<'a> for DeliveryStatus {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(<&str>::from_sql(ty, raw)?.parse()?)
    }

    fn accepts(ty: &Type) -> bool {
        <&str as postgres::types::FromSql>::accepts(ty)
    }
}

/// A delivery whose attempts all failed, about to be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedDelivery<'a> {
    /// The rule's name.
    pub rule: &'a str,
    /// The target's id within the rule.
    pub target: &'a str,
    /// The finding it was about, when known.
    pub finding_id: Option<&'a str>,
    /// Exactly what the target was to receive.
    pub payload: &'a str,
    /// Attempts made.
    pub attempts: u32,
    /// The last attempt's error.
    pub error: &'a str,
    /// When (milliseconds since the epoch).
    pub at_ms: i64,
}

/// A kept delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    /// Row id, as `deliveries retry ID` takes it.
    pub id: i64,
    /// The rule's name.
    pub rule: String,
    /// The target's id within the rule.
    pub target: String,
    /// The finding it was about, when known.
    pub finding_id: Option<String>,
    /// Exactly what the target is to receive.
    pub payload: String,
    /// Attempts made so far, retries included.
    pub attempts: u32,
    /// Failed or delivered.
    pub status: DeliveryStatus,
    /// The last failed attempt's error.
    pub last_error: Option<String>,
    /// When it was first kept (milliseconds since the epoch).
    pub created_ms: i64,
    /// When it last changed.
    pub updated_ms: i64,
}

const COLUMNS: &str =
    "id, rule, target, finding_id, payload, attempts, status, last_error, created_ms, updated_ms";

impl Store {
    /// Keeps a delivery whose attempts all failed; returns its id.
    pub fn record_failed_delivery(
        &mut self,
        delivery: &FailedDelivery<'_>,
    ) -> Result<i64, StoreError> {
        self.backend.query_one(
            "INSERT INTO deliveries
                 (rule, target, finding_id, payload, attempts, status, last_error,
                  created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, 'failed', ?6, ?7, ?7)
             RETURNING id",
            &[
                &delivery.rule,
                &delivery.target,
                &delivery.finding_id,
                &delivery.payload,
                &i64::from(delivery.attempts),
                &delivery.error,
                &delivery.at_ms,
            ],
            |row| row.get(0),
        )
    }

    /// Kept deliveries, oldest first; only those with `status` when given.
    pub fn deliveries(
        &self,
        status: Option<DeliveryStatus>,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        self.backend.query(
            &format!(
                "SELECT {COLUMNS} FROM deliveries
                 WHERE CAST(?1 AS TEXT) IS NULL OR status = ?1 ORDER BY id"
            ),
            &[&status.map(DeliveryStatus::as_str)],
            read_row,
        )
    }

    /// One kept delivery.
    pub fn delivery(&self, id: i64) -> Result<Option<DeliveryRecord>, StoreError> {
        self.backend.query_opt(
            &format!("SELECT {COLUMNS} FROM deliveries WHERE id = ?1"),
            &[&id],
            read_row,
        )
    }

    /// Records a retry of a kept delivery: `attempts` more attempts, delivered (`error` is
    /// `None`) or failed again with `error`. Returns whether the delivery exists.
    pub fn record_retry(
        &mut self,
        id: i64,
        attempts: u32,
        error: Option<&str>,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let status = match error {
            None => DeliveryStatus::Delivered,
            Some(_) => DeliveryStatus::Failed,
        };
        let changed = self.backend.execute(
            "UPDATE deliveries SET attempts = attempts + ?2, status = ?3,
                 last_error = COALESCE(?4, last_error), updated_ms = ?5
             WHERE id = ?1",
            &[&id, &i64::from(attempts), &status.as_str(), &error, &at_ms],
        )?;
        Ok(changed == 1)
    }
}

/// A row of [`COLUMNS`].
fn read_row(row: &Row<'_, '_>) -> Result<DeliveryRecord, StoreError> {
    Ok(DeliveryRecord {
        id: row.get(0)?,
        rule: row.get(1)?,
        target: row.get(2)?,
        finding_id: row.get(3)?,
        payload: row.get(4)?,
        // Stored as a 64-bit integer; more than `u32::MAX` attempts reads as `u32::MAX`.
        attempts: u32::try_from(row.get::<i64>(5)?).unwrap_or(u32::MAX),
        status: row.get(6)?,
        last_error: row.get(7)?,
        created_ms: row.get(8)?,
        updated_ms: row.get(9)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestDb, on_both_backends};

    on_both_backends!(
        keeps_failed_deliveries_in_order,
        a_successful_retry_marks_delivered_and_keeps_the_last_error,
        an_unknown_status_is_reported_as_corrupt
    );

    fn failed<'a>(target: &'a str, payload: &'a str, at_ms: i64) -> FailedDelivery<'a> {
        FailedDelivery {
            rule: "r1",
            target,
            finding_id: Some("f1"),
            payload,
            attempts: 4,
            error: "connection refused",
            at_ms,
        }
    }

    fn keeps_failed_deliveries_in_order(db: &TestDb) {
        let mut store = db.open();
        let first = store
            .record_failed_delivery(&failed("mail", "\"hello\"", 1_000))
            .unwrap();
        let second = store
            .record_failed_delivery(&FailedDelivery {
                finding_id: None,
                ..failed("hook", "{}", 2_000)
            })
            .unwrap();
        assert_eq!((first, second), (1, 2));
        let all = store.deliveries(None).unwrap();
        assert_eq!(
            all[0],
            DeliveryRecord {
                id: 1,
                rule: "r1".to_owned(),
                target: "mail".to_owned(),
                finding_id: Some("f1".to_owned()),
                payload: "\"hello\"".to_owned(),
                attempts: 4,
                status: DeliveryStatus::Failed,
                last_error: Some("connection refused".to_owned()),
                created_ms: 1_000,
                updated_ms: 1_000,
            }
        );
        assert_eq!(all[1].finding_id, None);
        assert_eq!(store.delivery(2).unwrap().as_ref(), all.get(1));
        assert_eq!(store.delivery(3).unwrap(), None);
    }

    fn a_successful_retry_marks_delivered_and_keeps_the_last_error(db: &TestDb) {
        let mut store = db.open();
        let id = store
            .record_failed_delivery(&failed("mail", "x", 1_000))
            .unwrap();
        assert!(store.record_retry(id, 2, Some("timed out"), 5_000).unwrap());
        let again = store.delivery(id).unwrap().unwrap();
        assert_eq!(
            (again.attempts, again.status, again.last_error.as_deref()),
            (6, DeliveryStatus::Failed, Some("timed out"))
        );
        assert!(store.record_retry(id, 1, None, 9_000).unwrap());
        let done = store.delivery(id).unwrap().unwrap();
        assert_eq!(
            (done.attempts, done.status, done.updated_ms, done.created_ms),
            (7, DeliveryStatus::Delivered, 9_000, 1_000)
        );
        assert_eq!(done.last_error.as_deref(), Some("timed out"));
        assert!(
            store
                .deliveries(Some(DeliveryStatus::Failed))
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store
                .deliveries(Some(DeliveryStatus::Delivered))
                .unwrap()
                .len(),
            1
        );
        assert!(!store.record_retry(99, 1, None, 9_000).unwrap());
    }

    fn an_unknown_status_is_reported_as_corrupt(db: &TestDb) {
        let mut store = db.open();
        let id = store
            .record_failed_delivery(&failed("mail", "x", 1_000))
            .unwrap();
        store
            .backend
            .batch("UPDATE deliveries SET status = 'lost'")
            .unwrap();
        let error = store.delivery(id).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("unknown delivery status `lost`"),
            "{error}"
        );
    }
}
