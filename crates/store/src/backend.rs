//! The two database backends behind one small interface: run a statement, read rows, group
//! statements in a transaction. Every query of the store is written once, in SQL both
//! databases accept, with SQLite's numbered placeholders (`?1`); PostgreSQL gets them rewritten
//! to its own (`$1`) once, when the statement is first prepared.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use crate::err::StoreError;

/// A statement parameter either backend can bind.
pub(crate) trait Param: rusqlite::ToSql + postgres::types::ToSql + Sync {
    /// The value for SQLite.
    fn sqlite(&self) -> &dyn rusqlite::ToSql;
    /// The value for PostgreSQL.
    fn postgres(&self) -> &(dyn postgres::types::ToSql + Sync);
}

impl<T: rusqlite::ToSql + postgres::types::ToSql + Sync> Param for T {
    fn sqlite(&self) -> &dyn rusqlite::ToSql {
        self
    }

    fn postgres(&self) -> &(dyn postgres::types::ToSql + Sync) {
        self
    }
}

/// A column type either backend can read.
pub(crate) trait Column: rusqlite::types::FromSql + postgres::types::FromSqlOwned {}

impl<T: rusqlite::types::FromSql + postgres::types::FromSqlOwned> Column for T {}

/// One result row, from either backend.
pub(crate) enum Row<'r, 's> {
    Sqlite(&'r rusqlite::Row<'s>),
    Postgres(&'r postgres::Row),
}

impl Row<'_, '_> {
    /// The value of column `index` (0-based).
    pub(crate) fn get<T: Column>(&self, index: usize) -> Result<T, StoreError> {
        Ok(match self {
            Self::Sqlite(row) => row.get(index)?,
            Self::Postgres(row) => row.try_get(index)?,
        })
    }
}

/// A PostgreSQL connection, the statements it has prepared (by their SQLite-style text), and
/// how to connect again.
pub(crate) struct Postgres {
    client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
    config: postgres::Config,
    /// A statement failed in a way that leaves the connection unusable.
    broken: bool,
    /// A transaction is open: a statement that fails in it cannot be tried again alone.
    in_transaction: bool,
}

impl Postgres {
    /// This connection, opened again first if it was closed (the server restarted, or ended
    /// it). The statement that found it closed has failed; the next one reconnects. A
    /// transaction cut this way is lost whole, as the server rolled it back.
    fn connected(&mut self) -> Result<&mut Self, StoreError> {
        if self.broken || self.client.is_closed() {
            tracing::warn!("the PostgreSQL connection was lost: connecting again");
            self.client = self.config.connect(postgres::NoTls)?;
            self.statements.clear();
            self.broken = false;
        }
        Ok(self)
    }

    /// Runs `call`, and once more on a new connection when it failed because the connection
    /// was cut, outside a transaction: a connection the server ended while idle fails the next
    /// statement without running it. Only reads, `BEGIN` and the outbox's lease (whose
    /// repetition at worst delays entries by a lease) go through here.
    fn once_more_if_cut<T>(
        &mut self,
        mut call: impl FnMut(&mut Self) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match call(self) {
            Err(_) if self.broken && !self.in_transaction => call(self),
            outcome => outcome,
        }
    }

    /// Passes a call's outcome on, noting an error that means the connection is gone: a
    /// closed connection, an I/O error (no answer from the server at all), or the server
    /// saying it is shutting the connection down (SQLSTATE class 57P, 08).
    fn checked<T>(&mut self, outcome: Result<T, postgres::Error>) -> Result<T, StoreError> {
        if let Err(error) = &outcome {
            let code = error.code().map(postgres::error::SqlState::code);
            self.broken |= error.is_closed()
                || error.as_db_error().is_none()
                || code.is_some_and(|code| code.starts_with("57P") || code.starts_with("08"));
        }
        Ok(outcome?)
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let prepared = self.client.prepare(&dollar_placeholders(sql));
        let statement = self.checked(prepared)?;
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

/// The connection of a [`crate::Store`].
///
/// PostgreSQL's client needs `&mut` for every call while the store's readers take `&self`, so
/// it sits in a `RefCell`; each method below borrows it for one statement only and never
/// calls back into the store meanwhile, so the borrows cannot overlap.
pub(crate) enum Backend {
    Sqlite(rusqlite::Connection),
    Postgres(Box<RefCell<Postgres>>),
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the connection parameters: they may hold a password.
        f.write_str(match self {
            Self::Sqlite(_) => "Sqlite",
            Self::Postgres(_) => "Postgres",
        })
    }
}

impl Backend {
    /// The backend of a PostgreSQL connection, made with `config`.
    pub(crate) fn postgres(client: postgres::Client, config: postgres::Config) -> Self {
        Self::Postgres(Box::new(RefCell::new(Postgres {
            client,
            statements: HashMap::new(),
            config,
            broken: false,
            in_transaction: false,
        })))
    }

    /// The statement written for this backend: `sqlite` or `postgres`. Only the few
    /// statements that take a list of keys (a JSON array, one parameter) differ.
    pub(crate) fn dialect<'s>(&self, sqlite: &'s str, postgres: &'s str) -> &'s str {
        match self {
            Self::Sqlite(_) => sqlite,
            Self::Postgres(_) => postgres,
        }
    }

    /// Runs statements without parameters or results (schema changes, transaction control).
    pub(crate) fn batch(&self, sql: &str) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(conn) => conn.execute_batch(sql)?,
            Self::Postgres(pg) => {
                let mut pg = pg.borrow_mut();
                let pg = pg.connected()?;
                let outcome = pg.client.batch_execute(sql);
                pg.checked(outcome)?;
            }
        }
        Ok(())
    }

    /// Runs one statement; returns how many rows it changed.
    pub(crate) fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<u64, StoreError> {
        match self {
            Self::Sqlite(conn) => {
                let params: Vec<&dyn rusqlite::ToSql> = params.iter().map(|p| p.sqlite()).collect();
                let changed = conn.prepare_cached(sql)?.execute(&*params)?;
                Ok(u64::try_from(changed).unwrap_or(u64::MAX))
            }
            Self::Postgres(pg) => {
                let mut pg = pg.borrow_mut();
                let pg = pg.connected()?;
                let statement = pg.statement(sql)?;
                let params: Vec<_> = params.iter().map(|p| p.postgres()).collect();
                let outcome = pg.client.execute(&statement, &params);
                pg.checked(outcome)
            }
        }
    }

    /// Runs one query, reading every row with `read`.
    pub(crate) fn query<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        mut read: impl FnMut(&Row<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut found = Vec::new();
        match self {
            Self::Sqlite(conn) => {
                let params: Vec<&dyn rusqlite::ToSql> = params.iter().map(|p| p.sqlite()).collect();
                let mut statement = conn.prepare_cached(sql)?;
                let mut rows = statement.query(&*params)?;
                while let Some(row) = rows.next()? {
                    found.push(read(&Row::Sqlite(row))?);
                }
            }
            Self::Postgres(pg) => {
                let query = |pg: &mut Postgres| {
                    let pg = pg.connected()?;
                    let statement = pg.statement(sql)?;
                    let params: Vec<_> = params.iter().map(|p| p.postgres()).collect();
                    let outcome = pg.client.query(&statement, &params);
                    pg.checked(outcome)
                };
                let rows = pg.borrow_mut().once_more_if_cut(query)?;
                for row in &rows {
                    found.push(read(&Row::Postgres(row))?);
                }
            }
        }
        Ok(found)
    }

    /// The first row of a query, if any.
    pub(crate) fn query_opt<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        read: impl FnMut(&Row<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.query(sql, params, read)?.into_iter().next())
    }

    /// The first row of a query that always returns one.
    pub(crate) fn query_one<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        read: impl FnMut(&Row<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.query_opt(sql, params, read)?
            .ok_or_else(|| StoreError::NoRow(sql.to_owned()))
    }

    /// Runs `work` in one transaction: committed when it succeeds, rolled back when it fails.
    ///
    /// SQLite's transaction takes the write lock at once (`BEGIN IMMEDIATE`), so a transaction
    /// that reads then writes waits for another writer instead of failing when it upgrades.
    pub(crate) fn transaction<T>(
        &self,
        work: impl FnOnce(&Self) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self {
            Self::Sqlite(_) => self.batch("BEGIN IMMEDIATE")?,
            Self::Postgres(pg) => {
                let mut pg = pg.borrow_mut();
                pg.once_more_if_cut(|pg| {
                    let pg = pg.connected()?;
                    let outcome = pg.client.batch_execute("BEGIN");
                    pg.checked(outcome)
                })?;
                pg.in_transaction = true;
            }
        }
        let outcome = work(self).and_then(|value| self.batch("COMMIT").map(|()| value));
        if outcome.is_err() {
            // The error that matters is the one returned; a failed rollback (the connection
            // is gone, or the commit already ended the transaction) adds nothing to it.
            let _ = self.batch("ROLLBACK");
        }
        if let Self::Postgres(pg) = self {
            pg.borrow_mut().in_transaction = false;
        }
        outcome
    }
}

/// `?1` → `$1`. The store's SQL has no `?` anywhere but in placeholders.
fn dollar_placeholders(sql: &str) -> String {
    sql.replace('?', "$")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;

    /// Ends every other connection to the test's database, as a server restart does.
    fn cut_connections(db: &TestDb) {
        let killer = db.open();
        let ended: Vec<bool> = killer
            .backend
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
                &[],
                |row| row.get(0),
            )
            .unwrap();
        assert!(!ended.is_empty() && ended.iter().all(|&ended| ended));
    }

    /// The server ends the connection while it is idle: a read, or a transaction, runs again on
    /// a new connection; any other statement fails once (it may have run), and the next one
    /// connects again.
    #[test]
    fn a_cut_postgres_connection_is_opened_again() {
        let Some(db) = TestDb::postgres() else {
            return;
        };
        let mut store = db.open();
        assert_eq!(store.claim_routing("f1", 1_000, 0).unwrap(), None);
        cut_connections(&db);
        assert_eq!(store.last_routed("f1").unwrap(), Some(1_000), "a read");
        cut_connections(&db);
        assert!(store.set_archived("f1", true).is_ok(), "a transaction");
        cut_connections(&db);
        let cut = store.claim_routing("f1", 5_000, 0);
        assert!(matches!(cut, Err(StoreError::Postgres(_))), "{cut:?}");
        assert_eq!(store.claim_routing("f1", 9_000, 0).unwrap(), None);
        assert_eq!(store.last_routed("f1").unwrap(), Some(9_000));
    }

    #[test]
    fn placeholders_become_dollar_numbers() {
        assert_eq!(
            dollar_placeholders("UPDATE t SET a = ?2, b = ?10 WHERE id = ?1"),
            "UPDATE t SET a = $2, b = $10 WHERE id = $1"
        );
    }
}
