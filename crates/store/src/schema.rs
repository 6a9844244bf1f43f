//! Schema migrations, applied in order at open; `PRAGMA user_version` records the last one.

use rusqlite::Connection;

use crate::err::StoreError;

/// Each entry migrates from version `index` to `index + 1`. Never edit a released entry: add one.
/// 1: detector state, findings, processed inputs. 2: routing throttle, deliveries, audit log.
const MIGRATIONS: &[&str] = &[
    r"
    CREATE TABLE detector_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE findings (
        id         TEXT PRIMARY KEY,
        type       TEXT NOT NULL,
        severity   REAL NOT NULL,
        account    TEXT NOT NULL,
        region     TEXT NOT NULL,
        archived   INTEGER NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen  TEXT NOT NULL,
        body       TEXT NOT NULL
    );
    CREATE INDEX findings_last_seen ON findings (last_seen);
    CREATE TABLE processed_inputs (
        path        TEXT PRIMARY KEY,
        size        INTEGER NOT NULL,
        modified_ms INTEGER NOT NULL
    );
",
    r"
    CREATE TABLE routed (
        finding_id     TEXT PRIMARY KEY,
        last_routed_ms INTEGER NOT NULL,
        times_routed   INTEGER NOT NULL
    );
    CREATE TABLE deliveries (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        rule       TEXT NOT NULL,
        target     TEXT NOT NULL,
        finding_id TEXT,
        payload    TEXT NOT NULL,
        attempts   INTEGER NOT NULL,
        status     TEXT NOT NULL,
        last_error TEXT,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL
    );
    CREATE INDEX deliveries_status ON deliveries (status);
    CREATE TABLE actions (
        id         TEXT PRIMARY KEY,
        finding_id TEXT,
        action     TEXT NOT NULL,
        mode       TEXT NOT NULL,
        status     TEXT NOT NULL,
        plan       TEXT NOT NULL,
        result     TEXT,
        undo       TEXT,
        created_ms INTEGER NOT NULL
    );
    CREATE INDEX actions_finding ON actions (finding_id);
",
];

/// Brings the database up to the newest schema.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let supported = MIGRATIONS.len() as i64;
    if current > supported {
        return Err(StoreError::TooNew {
            found: current,
            supported,
        });
    }
    let tx = conn.transaction()?;
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(current).unwrap_or(0))
    {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}
