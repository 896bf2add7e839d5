//! SQLite through diesel's `SqliteConnection`.
//!
//! Concurrency: one migrator at a time through a lock file beside the
//! database (`<database>-lithify-lock`), held for the whole run; a second migrator
//! waits for it (up to the lock timeout), then finds the work done. Each
//! revision still runs in `BEGIN IMMEDIATE` with a `busy_timeout`, so the
//! application's own connections are waited for rather than failed against.
//! A database without a file (`:memory:`, a temporary database) takes no
//! lock: no other connection can reach it.

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;
use lithify_core::Dialect;

use super::{
    bookkeeping_names, first_row, lock_file, standard_identifier, standard_literal, BackendError,
    MigrationConnection, RunLock, SqlDialect,
};

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

    /// From the table-valued pragmas: what `sqlite_master`'s text would
    /// give too, but not its formatting, which ALTER TABLE rewrites.
    fn select_schema(&self, table: &str) -> Vec<String> {
        let skip = format!(
            "m.name NOT LIKE 'sqlite_%' AND m.name NOT IN ({})",
            bookkeeping_names(self, table)
        );
        vec![
            format!(
                "SELECT 'table ' || m.name || ' column ' || p.name || ' ' || p.type \
                 || CASE WHEN p.\"notnull\" THEN ' not null' ELSE '' END \
                 || COALESCE(' default ' || p.dflt_value, '') \
                 || CASE WHEN p.pk > 0 THEN ' primary key ' || p.pk ELSE '' END AS line \
                 FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND {skip}"
            ),
            format!(
                "SELECT 'index ' || l.name || ' on ' || m.name \
                 || CASE WHEN l.\"unique\" THEN ' unique' ELSE '' END \
                 || ' (' || (SELECT group_concat(COALESCE(i.name, '<expression>'), ', ') \
                             FROM pragma_index_info(l.name) i) || ')' \
                 || CASE WHEN l.partial THEN ' partial' ELSE '' END AS line \
                 FROM sqlite_master m, pragma_index_list(m.name) l \
                 WHERE m.type = 'table' AND {skip}"
            ),
            format!(
                "SELECT 'foreign key on ' || m.name || ' (' || f.\"from\" || ') references ' \
                 || f.\"table\" || ' (' || COALESCE(f.\"to\", '') || ') on update ' \
                 || f.on_update || ' on delete ' || f.on_delete AS line \
                 FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
                 WHERE m.type = 'table' AND {skip}"
            ),
            format!(
                "SELECT m.type || ' ' || m.name || ': ' || m.sql AS line FROM sqlite_master m \
                 WHERE m.type IN ('view', 'trigger') AND {skip}"
            ),
        ]
    }

    /// `pragma_table_info` lists a table's columns by `cid`, their order.
    fn select_column_order(&self, table: &str) -> String {
        format!(
            "SELECT m.name || ': ' || (SELECT group_concat(name, ', ') FROM \
             (SELECT p.name FROM pragma_table_info(m.name) p ORDER BY p.cid)) AS line \
             FROM sqlite_master m WHERE m.type = 'table' \
             AND m.name NOT LIKE 'sqlite_%' AND m.name NOT IN ({})",
            bookkeeping_names(self, table)
        )
    }

    fn begin_transaction(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    fn foreign_keys_off(&self) -> Option<&'static str> {
        Some("PRAGMA foreign_keys = OFF")
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct DatabaseFile {
    #[diesel(sql_type = Text)]
    file: String,
}

/// The file of the connection's main database; `None` for an in-memory or
/// temporary database, which SQLite reports with an empty name.
fn main_database_file(conn: &mut SqliteConnection) -> Result<Option<PathBuf>, BackendError> {
    let sql = "SELECT file FROM pragma_database_list WHERE name = 'main'".to_owned();
    let row: Option<DatabaseFile> = first_row(conn, sql)?;
    Ok(row
        .map(|r| r.file)
        .filter(|f| !f.is_empty())
        .map(PathBuf::from))
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

    /// `schema_version` reads the file's header, so a file that is not a
    /// SQLite database fails here, as the session opens.
    fn check_database(&mut self) -> Result<(), BackendError> {
        self.batch_execute("PRAGMA schema_version")?;
        Ok(())
    }

    /// One lock file per database, whatever the bookkeeping table: SQLite
    /// serialises writers anyway, so two chains in one file lose nothing by
    /// taking turns.
    fn acquire_migration_lock(
        &mut self,
        _table: &str,
        timeout: Duration,
    ) -> Result<RunLock, BackendError> {
        match main_database_file(self)? {
            Some(database) => {
                // Two paths to one file (a symlink, `..`) must meet at one
                // lock. Recent SQLite reports the resolved path already;
                // older releases report the path as opened.
                let database = std::fs::canonicalize(&database).unwrap_or(database);
                let held = lock_file::acquire(&database, timeout)?;
                Ok(RunLock::file(held))
            }
            None => Ok(RunLock::in_session()),
        }
    }

    fn release_migration_lock(&mut self, _table: &str) -> Result<(), BackendError> {
        // The lock file is released when the executor drops the RunLock.
        Ok(())
    }

    fn execute_sql(&mut self, sql: &str) -> Result<(), BackendError> {
        self.batch_execute(sql)?;
        Ok(())
    }

    fn suspend_foreign_keys(&mut self) -> Result<bool, BackendError> {
        let sql = "SELECT foreign_keys AS n FROM pragma_foreign_keys".to_owned();
        let on = first_row::<_, Count>(self, sql)?.is_some_and(|c| c.n != 0);
        if on {
            self.batch_execute("PRAGMA foreign_keys = OFF")?;
        }
        Ok(on)
    }

    fn restore_foreign_keys(&mut self) -> Result<(), BackendError> {
        self.batch_execute("PRAGMA foreign_keys = ON")?;
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
