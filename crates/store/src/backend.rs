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

/// A PostgreSQL connection and the statements it has prepared, by their SQLite-style text.
pub(crate) struct Postgres {
    client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

impl Postgres {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&dollar_placeholders(sql))?;
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
    /// The backend of a PostgreSQL connection.
    pub(crate) fn postgres(client: postgres::Client) -> Self {
        Self::Postgres(Box::new(RefCell::new(Postgres {
            client,
            statements: HashMap::new(),
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
            Self::Postgres(pg) => pg.borrow_mut().client.batch_execute(sql)?,
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
                let statement = pg.statement(sql)?;
                let params: Vec<_> = params.iter().map(|p| p.postgres()).collect();
                Ok(pg.client.execute(&statement, &params)?)
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
                let rows = {
                    let mut pg = pg.borrow_mut();
                    let statement = pg.statement(sql)?;
                    let params: Vec<_> = params.iter().map(|p| p.postgres()).collect();
                    pg.client.query(&statement, &params)?
                };
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
        self.batch(match self {
            Self::Sqlite(_) => "BEGIN IMMEDIATE",
            Self::Postgres(_) => "BEGIN",
        })?;
        let outcome = work(self).and_then(|value| self.batch("COMMIT").map(|()| value));
        if outcome.is_err() {
            // The error that matters is the one returned; a failed rollback (the connection
            // is gone, or the commit already ended the transaction) adds nothing to it.
            let _ = self.batch("ROLLBACK");
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

    #[test]
    fn placeholders_become_dollar_numbers() {
        assert_eq!(
            dollar_placeholders("UPDATE t SET a = ?2, b = ?10 WHERE id = ?1"),
            "UPDATE t SET a = $2, b = $10 WHERE id = $1"
        );
    }
}
