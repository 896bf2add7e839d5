//! Everything that differs between database engines, behind two traits.
//!
//! - [`SqlDialect`] is text only: bookkeeping DDL, quoting, transaction
//!   statements and whether DDL is transactional. The offline `sql` command
//!   renders scripts with it, without any connection, so an offline script is
//!   the same text the online executor sends.
//! - [`MigrationConnection`] is what the executor needs from a live connection:
//!   run SQL, read the bookkeeping rows, take and release the migration lock.
//!
//! The executor is generic over [`MigrationConnection`] and asks these traits
//! every engine question (it never matches on the engine), so PostgreSQL and
//! MySQL arrive as one new file each (`dialects/postgres.rs`, `dialects/mysql.rs`)
//! plus one arm in [`crate::connect`].

use std::time::Duration;

use lithify_core::Dialect;
use thiserror::Error;

use crate::bookkeeping::{state_table, BookkeepingRow, ChainState, CountedChainState};

/// The row-reading methods of [`MigrationConnection`]. Their bodies are the
/// same on every engine (the SQL comes from the connection's [`SqlDialect`]);
/// only diesel's `LoadQuery` bounds need the concrete connection type, so each
/// engine's impl expands this macro instead of repeating the methods.
// Expanded by every engine's file; a build with no engine has none.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(unused_macros)
)]
macro_rules! load_rows_with_sql_query {
    () => {
        fn load_bookkeeping(
            &mut self,
            table: &str,
        ) -> Result<Vec<$crate::bookkeeping::BookkeepingRow>, $crate::dialects::BackendError> {
            let sql = self.sql_dialect().select_bookkeeping_rows(table);
            Ok(diesel::RunQueryDsl::load(diesel::sql_query(sql), self)?)
        }

        fn load_diesel_versions(
            &mut self,
        ) -> Result<Option<Vec<String>>, $crate::dialects::BackendError> {
            $crate::dialects::diesel_versions(self)
        }

        fn load_chain_state(
            &mut self,
            table: &str,
        ) -> Result<Option<$crate::bookkeeping::ChainState>, $crate::dialects::BackendError> {
            let sql = self.sql_dialect().select_chain_state(table);
            $crate::dialects::first_row(self, sql)
        }

        fn load_schema(
            &mut self,
            table: &str,
        ) -> Result<Vec<String>, $crate::dialects::BackendError> {
            let mut lines = Vec::new();
            for sql in self.sql_dialect().select_schema(table) {
                let rows: Vec<$crate::dialects::SchemaLine> =
                    diesel::RunQueryDsl::load(diesel::sql_query(sql), self)?;
                lines.extend(rows.into_iter().map(|r| r.line));
            }
            lines.sort();
            Ok(lines)
        }

        fn load_column_order(
            &mut self,
            table: &str,
        ) -> Result<Vec<String>, $crate::dialects::BackendError> {
            let sql = self.sql_dialect().select_column_order(table);
            let rows: Vec<$crate::dialects::SchemaLine> =
                diesel::RunQueryDsl::load(diesel::sql_query(sql), self)?;
            let mut lines: Vec<String> = rows.into_iter().map(|r| r.line).collect();
            lines.sort();
            Ok(lines)
        }

        fn load_counted_chain_state(
            &mut self,
            table: &str,
        ) -> Result<Option<$crate::bookkeeping::CountedChainState>, $crate::dialects::BackendError>
        {
            let sql = self.sql_dialect().select_counted_chain_state(table);
            $crate::dialects::first_row(self, sql)
        }

        fn load_text_rows(
            &mut self,
            sql: &str,
        ) -> Result<Vec<$crate::dialects::TextRow>, $crate::dialects::BackendError> {
            Ok(diesel::RunQueryDsl::load(diesel::sql_query(sql), self)?)
        }
    };
}

#[cfg(feature = "sqlite")]
mod lock_file;
#[cfg(feature = "mysql")]
pub mod mysql;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite_open;

#[cfg(feature = "mysql")]
pub use mysql::MysqlDialect;
#[cfg(feature = "postgres")]
pub use postgres::PostgresDialect;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteDialect;

/// A failure reported by the engine while lithify talks to it.
#[derive(Debug, Error)]
pub enum BackendError {
    /// A statement failed.
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// One statement of a script sent statement by statement failed (the
    /// statements before it have taken effect).
    #[error("statement {number} (line {line}) failed: {source}")]
    Statement {
        /// 1-based position of the statement in the script.
        number: usize,
        /// 1-based line where it starts.
        line: usize,
        /// The engine's error.
        #[source]
        source: diesel::result::Error,
    },
    /// The lock file of a SQLite database could not be opened or locked.
    #[error("cannot use the migration lock file {}: {source}; lithify needs to create it beside the database, so the directory must be writable", path.display())]
    LockFile {
        /// `<database>-lithify-lock`.
        path: std::path::PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The migration lock could not be taken in time.
    #[error("could not take the migration lock within {waited:?}: {holder}; another migrator is running, wait for it or raise the lock timeout")]
    LockTimeout {
        /// How long lithify waited.
        waited: Duration,
        /// Who holds the lock, as far as the engine can tell.
        holder: String,
    },
}

/// How a dialect's SQL looks: pure text, no connection needed.
pub trait SqlDialect: Sync + Send + 'static {
    /// Which dialect this is (picks the per-dialect SQL of a revision).
    fn dialect(&self) -> Dialect;

    /// `ident` quoted as an identifier (table and column names).
    fn quote_identifier(&self, ident: &str) -> String;

    /// `value` as a string literal, every special character escaped.
    fn quote_literal(&self, value: &str) -> String;

    /// A table name, optionally qualified as `schema.table` (PostgreSQL
    /// schema, MySQL database), quoted part by part.
    fn quote_table(&self, table: &str) -> String {
        match split_table(table) {
            (Some(schema), name) => format!(
                "{}.{}",
                self.quote_identifier(schema),
                self.quote_identifier(name)
            ),
            (None, name) => self.quote_identifier(name),
        }
    }

    /// `CREATE TABLE IF NOT EXISTS` for the bookkeeping table named `table`.
    fn create_bookkeeping_table(&self, table: &str) -> String;

    /// `SELECT` of every bookkeeping row, columns named like
    /// [`BookkeepingRow`]'s fields and `applied_at` cast to text so one row
    /// type reads every engine.
    fn select_bookkeeping_rows(&self, table: &str) -> String;

    /// `CREATE TABLE IF NOT EXISTS` for the chain-state table of bookkeeping
    /// table `table` ([`crate::bookkeeping::state_table`]). Types every engine
    /// shares; run after [`SqlDialect::create_bookkeeping_table`], which
    /// creates the schema when the name has one.
    fn create_state_table(&self, table: &str) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    \
             chain_hash VARCHAR(100) NOT NULL,\n    \
             row_count BIGINT NOT NULL\n)",
            self.quote_table(&state_table(table))
        )
    }

    /// `SELECT` of the state row ([`ChainState`]'s columns).
    fn select_chain_state(&self, table: &str) -> String {
        format!(
            "SELECT chain_hash, row_count FROM {}",
            self.quote_table(&state_table(table))
        )
    }

    /// `SELECT` of the state row with the bookkeeping table's real row count
    /// ([`CountedChainState`]'s columns): the up-to-date check's one query.
    fn select_counted_chain_state(&self, table: &str) -> String {
        format!(
            "SELECT chain_hash, row_count, (SELECT COUNT(*) FROM {}) AS actual_rows FROM {}",
            self.quote_table(table),
            self.quote_table(&state_table(table))
        )
    }

    /// Queries describing the schema the migrations made, each returning
    /// one text column `line` per column, index, constraint, view or
    /// trigger, with everything that makes two schemas differ (types,
    /// nullability, defaults, keys) and nothing that changes when the same
    /// DDL runs again (object ids, creation order). The bookkeeping table
    /// `table`, its state table and diesel's `__diesel_schema_migrations`
    /// are left out ([`bookkeeping_names`]). Used by `replay` to check
    /// that a revision's down restores the schema its up started from.
    fn select_schema(&self, table: &str) -> Vec<String>;

    /// Query returning one text column `line` per table of
    /// [`SqlDialect::select_schema`]'s, `table: col1, col2, ...` with the
    /// columns in their order in the table (what diesel's `Queryable` loads
    /// by). `replay` reports a down that restores every column but not their
    /// order as a difference of its own (a warning unless strict).
    fn select_column_order(&self, table: &str) -> String;

    /// Statement opening the transaction a revision runs in. SQLite uses
    /// `BEGIN IMMEDIATE`, which takes the write lock up front: a transaction
    /// that reads first and writes later can fail with "database is locked"
    /// against the application's own writers instead of waiting for them.
    fn begin_transaction(&self) -> &'static str;

    /// Statement committing that transaction.
    fn commit_transaction(&self) -> &'static str {
        "COMMIT"
    }

    /// Statement rolling it back.
    fn rollback_transaction(&self) -> &'static str {
        "ROLLBACK"
    }

    /// True when DDL can be rolled back (SQLite, PostgreSQL). Where it cannot
    /// (MySQL commits implicitly), every revision is run the non-transactional
    /// way: marked started before, applied after, so a crash stays visible.
    fn transactional_ddl(&self) -> bool;

    /// SQL expression for "now", used for `applied_at`.
    fn now(&self) -> &'static str {
        "CURRENT_TIMESTAMP"
    }

    /// The statement switching foreign-key enforcement off, run outside
    /// the transaction of a revision whose SQL rebuilds a table
    /// ([`crate::Revision::foreign_keys_off`]); `None` where the engine needs
    /// no such thing. The offline script writes it before that revision.
    fn foreign_keys_off(&self) -> Option<&'static str> {
        None
    }
}

/// A live connection the executor can migrate. Implemented for diesel's
/// connection types, one file per engine.
pub trait MigrationConnection {
    /// The text-level dialect of this connection.
    fn sql_dialect(&self) -> &'static dyn SqlDialect;

    /// Session set-up before anything else runs (SQLite: `busy_timeout`, so a
    /// migrator waiting for another one's write lock waits instead of failing).
    fn prepare_session(&mut self, lock_timeout: Duration) -> Result<(), BackendError>;

    /// Make sure the connection reaches a database of this engine before a
    /// command works on it (SQLite opens any file lazily, so a file that is
    /// not a database would only fail at the first read). Not called by the
    /// one-query up-to-date check, which needs nothing more. The default
    /// does nothing.
    fn check_database(&mut self) -> Result<(), BackendError> {
        Ok(())
    }

    /// Take the lock that keeps other migrators out for the whole run:
    /// PostgreSQL's advisory lock and MySQL's `GET_LOCK` belong to the
    /// session; SQLite's is a lock file beside the database, held by the
    /// returned [`RunLock`]. Held from before the bookkeeping is read until
    /// after the last step, so nothing but this run changes the bookkeeping
    /// in between and the steps need no re-check.
    fn acquire_migration_lock(
        &mut self,
        table: &str,
        timeout: Duration,
    ) -> Result<RunLock, BackendError>;

    /// Release what [`MigrationConnection::acquire_migration_lock`] took in
    /// the session (the executor drops the [`RunLock`] right after). Called
    /// on every path, errors and panics included.
    fn release_migration_lock(&mut self, table: &str) -> Result<(), BackendError>;

    /// Run one or more statements that return no rows.
    fn execute_sql(&mut self, sql: &str) -> Result<(), BackendError>;

    /// Run a revision's SQL. `in_transaction` says whether it runs inside the
    /// revision transaction; engines that must split statements outside one
    /// (PostgreSQL's `CREATE INDEX CONCURRENTLY`) override this.
    fn run_revision_sql(&mut self, sql: &str, in_transaction: bool) -> Result<(), BackendError> {
        let _ = in_transaction;
        self.execute_sql(sql)
    }

    /// Switch foreign-key enforcement off before a revision whose SQL
    /// rebuilds a table ([`crate::Revision::foreign_keys_off`]), outside its
    /// transaction: SQLite ignores the switch inside one, and dropping the
    /// old table with enforcement on would delete or refuse through the rows
    /// that reference it. True when enforcement was on:
    /// [`MigrationConnection::restore_foreign_keys`] then switches it back
    /// after the revision, whatever its outcome. The default does nothing.
    fn suspend_foreign_keys(&mut self) -> Result<bool, BackendError> {
        Ok(false)
    }

    /// Switch foreign-key enforcement back on after
    /// [`MigrationConnection::suspend_foreign_keys`] found it on.
    fn restore_foreign_keys(&mut self) -> Result<(), BackendError> {
        Ok(())
    }

    /// True when the bookkeeping table exists (read-only commands must not
    /// create it).
    fn bookkeeping_table_exists(&mut self, table: &str) -> Result<bool, BackendError>;

    /// Every bookkeeping row, in no particular order.
    fn load_bookkeeping(&mut self, table: &str) -> Result<Vec<BookkeepingRow>, BackendError>;

    /// The chain-state row; `None` when the state table is empty. An error
    /// when it does not exist (a database last written by an older lithify).
    /// The default, `None`, is always safe: every check takes the full
    /// verification.
    fn load_chain_state(&mut self, table: &str) -> Result<Option<ChainState>, BackendError> {
        let _ = table;
        Ok(None)
    }

    /// The chain-state row with the bookkeeping table's real row count, in
    /// one query; errors and `None` (also the default) as for
    /// [`MigrationConnection::load_chain_state`].
    fn load_counted_chain_state(
        &mut self,
        table: &str,
    ) -> Result<Option<CountedChainState>, BackendError> {
        let _ = table;
        Ok(None)
    }

    /// The schema as [`SqlDialect::select_schema`] describes it, sorted.
    /// The default describes nothing, which no comparison can fault.
    fn load_schema(&mut self, table: &str) -> Result<Vec<String>, BackendError> {
        let _ = table;
        Ok(Vec::new())
    }

    /// The rows of `sql`, a query whose columns are text (or NULL) named
    /// `c0` to `c11` (fewer are allowed when the rest are selected as NULL).
    /// Catalog queries (`lithify schema --verify`, drift) read the engine's
    /// own description of the schema through it. The default reads nothing.
    fn load_text_rows(&mut self, sql: &str) -> Result<Vec<TextRow>, BackendError> {
        let _ = sql;
        Ok(Vec::new())
    }

    /// Each table's columns in order, as [`SqlDialect::select_column_order`]
    /// describes them, sorted by table. The default describes nothing.
    fn load_column_order(&mut self, table: &str) -> Result<Vec<String>, BackendError> {
        let _ = table;
        Ok(Vec::new())
    }

    /// The `version` column of diesel's `__diesel_schema_migrations`
    /// ([`DIESEL_MIGRATIONS_TABLE`]), for adopting a database diesel migrated;
    /// `None` when that table does not exist.
    fn load_diesel_versions(&mut self) -> Result<Option<Vec<String>>, BackendError>;
}

/// The run-wide migration lock, as returned by
/// [`MigrationConnection::acquire_migration_lock`]. Dropping it releases
/// what it holds itself (SQLite's lock file); a lock that belongs to the
/// database session is released by
/// [`MigrationConnection::release_migration_lock`].
#[derive(Debug)]
#[must_use = "the migration lock is released when this is dropped"]
pub struct RunLock {
    #[cfg(feature = "sqlite")]
    _file: Option<lock_file::LockFile>,
}

impl RunLock {
    /// A lock held by the database session itself (PostgreSQL's advisory
    /// lock, MySQL's `GET_LOCK`), or none where no other connection can reach
    /// the database (a private in-memory SQLite database).
    pub fn in_session() -> RunLock {
        RunLock {
            #[cfg(feature = "sqlite")]
            _file: None,
        }
    }

    #[cfg(feature = "sqlite")]
    fn file(file: lock_file::LockFile) -> RunLock {
        RunLock { _file: Some(file) }
    }
}

/// What SQLite's lock file adds to its database's path
/// (`app.db-lithify-lock`, beside SQLite's own `app.db-journal`).
pub(crate) const LOCK_FILE_SUFFIX: &str = "-lithify-lock";

/// The table in which diesel records applied migrations.
pub const DIESEL_MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

/// `SELECT` of diesel's applied versions; the same text on every engine.
// Used by every engine's file; a build with no engine has none.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
pub(crate) const SELECT_DIESEL_VERSIONS: &str =
    "SELECT version FROM __diesel_schema_migrations ORDER BY version";

/// [`MigrationConnection::load_diesel_versions`] for any diesel connection:
/// the query is the same text everywhere, only the table lookup differs.
// Used by every engine's file; a build with no engine has none.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
pub(crate) fn diesel_versions<C>(conn: &mut C) -> Result<Option<Vec<String>>, BackendError>
where
    C: MigrationConnection,
    for<'a> diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'a, C, VersionRow>,
{
    if !conn.bookkeeping_table_exists(DIESEL_MIGRATIONS_TABLE)? {
        return Ok(None);
    }
    let rows =
        diesel::RunQueryDsl::load::<VersionRow>(diesel::sql_query(SELECT_DIESEL_VERSIONS), conn)?;
    Ok(Some(rows.into_iter().map(|r| r.version).collect()))
}

/// The first row `sql` returns, for any diesel connection: the engines'
/// single-row reads (a bookkeeping row, the chain state) differ only in the
/// SQL text, which comes from [`SqlDialect`].
// Used by every engine's file; a build with no engine has none.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
pub(crate) fn first_row<C, R>(conn: &mut C, sql: String) -> Result<Option<R>, BackendError>
where
    for<'a> diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'a, C, R>,
{
    let rows = diesel::RunQueryDsl::load::<R>(diesel::sql_query(sql), conn)?;
    Ok(rows.into_iter().next())
}

/// A row of [`SELECT_DIESEL_VERSIONS`].
// Used by every engine's file; a build with no engine has none.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
#[derive(diesel::QueryableByName)]
pub(crate) struct VersionRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub version: String,
}

/// A row of a [`SqlDialect::select_schema`] query.
// Used by every engine's file; a build with no engine has none.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
#[derive(diesel::QueryableByName)]
pub(crate) struct SchemaLine {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub line: String,
}

/// A row of twelve nullable text columns `c0` .. `c11`, for
/// [`MigrationConnection::load_text_rows`].
#[derive(Debug, Clone, PartialEq, Eq, diesel::QueryableByName)]
pub struct TextRow {
    /// Column `c0`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub c0: Option<String>,
    /// Column `c1`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub c1: Option<String>,
    /// Column `c2`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub c2: Option<String>,
    /// Column `c3`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub c3: Option<String>,
    /// Column `c4`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub c4: Option<String>,
    /// Column `c5`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub c5: Option<String>,
    /// Column `c6`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub c6: Option<String>,
    /// Column `c7`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub c7: Option<String>,
    /// Column `c8`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub c8: Option<String>,
    /// Column `c9`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub c9: Option<String>,
    /// Column `c10`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub c10: Option<String>,
    /// Column `c11`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub c11: Option<String>,
}

impl TextRow {
    /// The columns in order.
    pub fn into_columns(self) -> Vec<Option<String>> {
        vec![
            self.c0, self.c1, self.c2, self.c3, self.c4, self.c5, self.c6, self.c7, self.c8,
            self.c9, self.c10, self.c11,
        ]
    }
}

/// The names [`SqlDialect::select_schema`] leaves out for bookkeeping table
/// `table` (the table and its state table, without any schema prefix), as
/// a SQL list of literals.
pub fn bookkeeping_names(dialect: &dyn SqlDialect, table: &str) -> String {
    let (_, name) = split_table(table);
    let state = state_table(name);
    format!(
        "{}, {}, {}",
        dialect.quote_literal(name),
        dialect.quote_literal(&state),
        dialect.quote_literal(DIESEL_MIGRATIONS_TABLE)
    )
}

/// A `COUNT(*) AS n` (or any `BIGINT AS n`) row.
#[cfg(any(feature = "postgres", feature = "mysql"))]
#[derive(diesel::QueryableByName)]
pub(crate) struct CountRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

/// `(Some(schema), table)` for `schema.table`, `(None, table)` otherwise.
pub fn split_table(table: &str) -> (Option<&str>, &str) {
    match table.split_once('.') {
        Some((schema, name)) => (Some(schema), name),
        None => (None, table),
    }
}

/// The migration lock's identity for bookkeeping table `table` (optionally
/// `schema.table`): 64-bit FNV-1a over `lithify-migration-lock`, the schema
/// (empty when the name is unqualified) and the table name, NUL-separated.
///
/// FNV-1a is specified bit for bit, so every lithify version on every
/// platform derives the same key, and migrators built from different
/// releases still exclude each other. PostgreSQL uses it as the advisory lock
/// key (as `i64`), MySQL in the `GET_LOCK` name. Two unqualified tables of the
/// same name in different schemas of one database share a lock: that only
/// serialises them, it never lets two migrators in at once.
pub fn lock_key(table: &str) -> u64 {
    let (schema, name) = split_table(table);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in ["lithify-migration-lock", schema.unwrap_or(""), name] {
        for &b in part.as_bytes().iter().chain(&[0u8]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// The text-level dialect for `dialect`, when it is compiled in.
pub fn sql_dialect_for(dialect: Dialect) -> Option<&'static dyn SqlDialect> {
    match dialect {
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => Some(&SqliteDialect),
        #[cfg(feature = "postgres")]
        Dialect::Postgres => Some(&PostgresDialect),
        #[cfg(feature = "mysql")]
        Dialect::Mysql => Some(&MysqlDialect),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// Standard SQL string literal: single quotes doubled. Shared by dialects whose
/// literals follow the standard (SQLite; PostgreSQL with
/// `standard_conforming_strings`). NUL cannot appear in these literals, so it
/// is dropped rather than allowed to end the string early.
pub fn standard_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Standard SQL identifier: double quotes, inner quotes doubled.
pub fn standard_identifier(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_identifiers_escape_their_quotes() {
        assert_eq!(standard_literal("it's"), "'it''s'");
        assert_eq!(standard_literal("a\0b"), "'ab'");
        assert_eq!(standard_identifier("we\"ird"), "\"we\"\"ird\"");
    }

    #[test]
    fn lock_keys_are_stable_and_scoped() {
        // Pinned: changing the derivation would let old and new migrators run at once.
        assert_eq!(lock_key("lithify_revisions"), lock_key("lithify_revisions"));
        assert_eq!(lock_key("lithify_revisions"), 0x8397_db77_afb8_2809_u64);
        assert_ne!(
            lock_key("ops.lithify_revisions"),
            lock_key("lithify_revisions")
        );
        assert_ne!(lock_key("a.bc"), lock_key("ab.c"));
        assert_eq!(split_table("ops.t"), (Some("ops"), "t"));
        assert_eq!(split_table("t"), (None, "t"));
    }
}
