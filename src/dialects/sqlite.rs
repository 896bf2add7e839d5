//! SQLite through diesel's `SqliteConnection`.
//!
//! Concurrency: SQLite has no advisory lock, so instead every revision runs in
//! a `BEGIN IMMEDIATE` transaction, which takes the database's write lock
//! before the bookkeeping is re-read. A second migrator waits on that lock
//! (up to `busy_timeout`), then sees the revision already applied and skips it.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;
use lithify_core::Dialect;

use super::{standard_identifier, standard_literal, BackendError, MigrationConnection, SqlDialect};

/// SQLite's SQL text.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteDialect;

impl SqlDialect for SqliteDialect {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn quote_identifier(&self, ident: &str) -> String {
        standard_identifier(ident)
    }

    fn quote_literal(&self, value: &str) -> String {
        standard_literal(value)
    }

    fn create_bookkeeping_table(&self, table: &str) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    \
             id TEXT PRIMARY KEY NOT NULL,\n    \
             checksum TEXT NOT NULL,\n    \
             message TEXT NOT NULL,\n    \
             state TEXT NOT NULL,\n    \
             applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    \
             duration_ms BIGINT\n)",
            self.quote_identifier(table)
        )
    }

    fn select_bookkeeping_rows(&self, table: &str) -> String {
        format!(
            "SELECT id, checksum, message, state, CAST(applied_at AS TEXT) AS applied_at, duration_ms FROM {}",
            self.quote_identifier(table)
        )
    }

    fn begin_transaction(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    fn transactional_ddl(&self) -> bool {
        true
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl MigrationConnection for SqliteConnection {
    fn sql_dialect(&self) -> &'static dyn SqlDialect {
        &SqliteDialect
    }

    fn prepare_session(&mut self, lock_timeout: Duration) -> Result<(), BackendError> {
        let ms = lock_timeout.as_millis().min(i32::MAX as u128);
        self.batch_execute(&format!("PRAGMA busy_timeout = {ms}"))?;
        Ok(())
    }

    fn acquire_migration_lock(
        &mut self,
        _table: &str,
        _timeout: Duration,
    ) -> Result<(), BackendError> {
        // Serialisation happens per revision through BEGIN IMMEDIATE (module docs).
        Ok(())
    }

    fn release_migration_lock(&mut self, _table: &str) -> Result<(), BackendError> {
        Ok(())
    }

    fn execute_sql(&mut self, sql: &str) -> Result<(), BackendError> {
        self.batch_execute(sql)?;
        Ok(())
    }

    fn bookkeeping_table_exists(&mut self, table: &str) -> Result<bool, BackendError> {
        let rows = diesel::sql_query(
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
        )
        .bind::<Text, _>(table)
        .load::<Count>(self)?;
        Ok(rows.first().is_some_and(|c| c.n > 0))
    }

    load_rows_with_sql_query!();
}
