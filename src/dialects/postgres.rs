//! PostgreSQL through diesel's `PgConnection`.
//!
//! - DDL is transactional: a transactional revision and its bookkeeping
//!   commit together, so a failure leaves the database exactly at the
//!   previous revision.
//! - A non-transactional revision (`transactional = false`, diesel's
//!   `run_in_transaction = false`) is sent statement by statement
//!   ([`crate::split`]): PostgreSQL runs a multi-statement string as one
//!   implicit transaction, where `CREATE INDEX CONCURRENTLY` is refused.
//! - One migrator at a time: a session advisory lock on [`super::lock_key`]
//!   of the bookkeeping table, taken by polling `pg_try_advisory_lock`. A
//!   blocking `pg_advisory_lock` would deadlock against `CREATE INDEX
//!   CONCURRENTLY`, which waits for every open transaction to end — including
//!   the waiting migrator's own lock request. A session lock survives the
//!   revision transactions and is dropped by the server when the connection
//!   dies (SIGKILL included), so a crashed migrator never leaves it held.
//! - The bookkeeping table may live in a schema (`schema.table`), created on
//!   first use.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};
use lithify_core::Dialect;

use crate::bookkeeping::state_table;

use super::{
    bookkeeping_names, lock_key, split_table, standard_identifier, standard_literal, BackendError,
    CountRow, MigrationConnection, RunLock, SqlDialect,
};
use lithify_core::split::split_statements;

/// The trigger that deletes the chain state when the bookkeeping is written
/// ([`PostgresDialect::create_state_table`]).
const GUARD_TRIGGER: &str = "lithify_state_guard";

/// How often a waiting migrator retries the advisory lock.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// PostgreSQL's SQL text.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresDialect;

impl SqlDialect for PostgresDialect {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn quote_identifier(&self, ident: &str) -> String {
        standard_identifier(ident)
    }

    /// Standard literals; the session sets `standard_conforming_strings = on`
    /// (the default since 9.1) so a backslash is never an escape here.
    fn quote_literal(&self, value: &str) -> String {
        standard_literal(value)
    }

    fn create_bookkeeping_table(&self, table: &str) -> String {
        let schema = match split_table(table) {
            (Some(schema), _) => format!(
                "CREATE SCHEMA IF NOT EXISTS {};\n",
                self.quote_identifier(schema)
            ),
            (None, _) => String::new(),
        };
        format!(
            "{schema}CREATE TABLE IF NOT EXISTS {} (\n    \
             id TEXT PRIMARY KEY NOT NULL,\n    \
             checksum TEXT NOT NULL,\n    \
             message TEXT NOT NULL,\n    \
             state TEXT NOT NULL,\n    \
             applied_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    \
             duration_ms BIGINT\n)",
            self.quote_table(table)
        )
    }

    /// The state table, and a trigger on the bookkeeping table that deletes
    /// the state row whenever any statement writes the bookkeeping
    /// (`INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`). lithify's own changes
    /// write the state row again after their change, in the same
    /// transaction ([`crate::bookkeeping::render_with_state`]); a change by
    /// hand leaves no state row, so the next check takes the full
    /// verification. That is what lets [`Self::select_counted_chain_state`]
    /// skip `COUNT(*)`, a scan of the table on PostgreSQL. `ENABLE ALWAYS`:
    /// it fires under `session_replication_role = replica` too. Created
    /// only when missing, so a run does not lock the table to replace it.
    fn create_state_table(&self, table: &str) -> String {
        let state = self.quote_table(&state_table(table));
        let guard = self.quote_table(&format!("{table}_state_guard"));
        let bookkeeping = self.quote_table(table);
        let regclass = self.quote_literal(&bookkeeping);
        format!(
            "CREATE TABLE IF NOT EXISTS {state} (\n    \
             chain_hash VARCHAR(100) NOT NULL,\n    \
             row_count BIGINT NOT NULL\n);\n\
             CREATE OR REPLACE FUNCTION {guard}() RETURNS trigger LANGUAGE plpgsql AS \
             $lithify$ BEGIN DELETE FROM {state}; RETURN NULL; END $lithify$;\n\
             DO $lithify$ BEGIN\n    \
             IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger \
             WHERE tgrelid = {regclass}::regclass AND tgname = '{GUARD_TRIGGER}') THEN\n        \
             CREATE TRIGGER {GUARD_TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE \
             ON {bookkeeping} FOR EACH STATEMENT EXECUTE FUNCTION {guard}();\n        \
             ALTER TABLE {bookkeeping} ENABLE ALWAYS TRIGGER {GUARD_TRIGGER};\n    \
             END IF;\n\
             END $lithify$"
        )
    }

    /// The state row, with the bookkeeping's row count only where the
    /// guard trigger ([`Self::create_state_table`]) is missing or disabled
    /// (a database last written by an older lithify, a trigger disabled by
    /// hand): with the trigger, a state row means no statement has written
    /// the bookkeeping since lithify did, so its recorded count stands and
    /// the check is one indexed lookup whatever the number of rows.
    fn select_counted_chain_state(&self, table: &str) -> String {
        let bookkeeping = self.quote_table(table);
        format!(
            "SELECT chain_hash, row_count, \
             CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_trigger \
             WHERE tgrelid = to_regclass({}) AND tgname = '{GUARD_TRIGGER}' AND tgenabled <> 'D') \
             THEN row_count ELSE (SELECT COUNT(*) FROM {bookkeeping}) END AS actual_rows FROM {}",
            self.quote_literal(&bookkeeping),
            self.quote_table(&state_table(table))
        )
    }

    fn select_bookkeeping_rows(&self, table: &str) -> String {
        format!(
            "SELECT id, checksum, message, state, CAST(applied_at AS TEXT) AS applied_at, duration_ms FROM {}",
            self.quote_table(table)
        )
    }

    /// The current schema only (where unqualified DDL goes); definitions as
    /// PostgreSQL prints them, so equal DDL gives equal lines. One query
    /// (a `UNION ALL` of its parts), from `pg_catalog` rather than the
    /// `information_schema` views: `replay --keep-going` reads the schema
    /// three times per revision, and one round trip over the catalogs is
    /// what keeps a 300-revision chain within seconds (BENCHMARKS.md, item 8).
    fn select_schema(&self, table: &str) -> Vec<String> {
        let skip = bookkeeping_names(self, table);
        let here = "relnamespace = current_schema()::regnamespace";
        vec![[
            format!(
                "SELECT 'table ' || c.relname || ' column ' || a.attname || ' ' \
                 || pg_catalog.format_type(a.atttypid, a.atttypmod) \
                 || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END \
                 || COALESCE(' default ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid), '') AS line \
                 FROM pg_catalog.pg_attribute a \
                 JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
                 LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
                 WHERE c.{here} AND c.relkind IN ('r', 'p') \
                 AND a.attnum > 0 AND NOT a.attisdropped AND c.relname NOT IN ({skip})"
            ),
            // What pg_indexes shows: indexes of tables, partitioned tables
            // and materialized views.
            format!(
                "SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid) AS line \
                 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class t ON t.oid = i.indrelid \
                 WHERE t.{here} AND t.relkind IN ('r', 'm', 'p') AND t.relname NOT IN ({skip})"
            ),
            format!(
                "SELECT 'constraint ' || t.relname || ' ' || k.conname || ' ' \
                 || pg_catalog.pg_get_constraintdef(k.oid) AS line \
                 FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class t ON t.oid = k.conrelid \
                 WHERE t.{here} AND t.relname NOT IN ({skip})"
            ),
            format!(
                "SELECT 'view ' || c.relname || ': ' || pg_catalog.pg_get_viewdef(c.oid) AS line \
                 FROM pg_catalog.pg_class c WHERE c.{here} AND c.relkind = 'v'"
            ),
            format!(
                "SELECT 'sequence ' || c.relname || ' ' || pg_catalog.format_type(s.seqtypid, NULL) AS line \
                 FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid \
                 WHERE c.{here}"
            ),
        ]
        .join(" UNION ALL ")]
    }

    fn select_column_order(&self, table: &str) -> String {
        let skip = bookkeeping_names(self, table);
        format!(
            "SELECT c.relname || ': ' || string_agg(a.attname, ', ' ORDER BY a.attnum) AS line \
             FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') \
             AND a.attnum > 0 AND NOT a.attisdropped AND c.relname NOT IN ({skip}) \
             GROUP BY c.relname"
        )
    }

    fn begin_transaction(&self) -> &'static str {
        "BEGIN"
    }

    fn transactional_ddl(&self) -> bool {
        true
    }
}

#[derive(QueryableByName)]
struct Acquired {
    #[diesel(sql_type = Bool)]
    ok: bool,
}

/// The session holding the advisory lock, from `pg_locks` and `pg_stat_activity`.
#[derive(QueryableByName)]
struct Holder {
    #[diesel(sql_type = Integer)]
    pid: i32,
    #[diesel(sql_type = Nullable<Text>)]
    application_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    backend_start: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    state: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    state_change: Option<String>,
}

/// The advisory lock key as PostgreSQL's `bigint` (the same 64 bits).
fn pg_key(table: &str) -> i64 {
    i64::from_ne_bytes(lock_key(table).to_ne_bytes())
}

/// Who holds the lock, for the timeout error. A bigint advisory key shows in
/// `pg_locks` split into `classid` (high 32 bits) and `objid` (low 32 bits),
/// with `objsubid = 1`.
fn describe_holder<C>(conn: &mut C, key: i64) -> String
where
    C: diesel::connection::LoadConnection<Backend = diesel::pg::Pg>,
{
    let bits = u64::from_ne_bytes(key.to_ne_bytes());
    let (high, low) = ((bits >> 32) as i64, (bits & 0xffff_ffff) as i64);
    let holders = diesel::sql_query(
        "SELECT a.pid, a.application_name, CAST(a.backend_start AS TEXT) AS backend_start, \
                a.state, CAST(a.state_change AS TEXT) AS state_change \
         FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.database = \
               (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) \
           AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 1",
    )
    .bind::<BigInt, _>(high)
    .bind::<BigInt, _>(low)
    .load::<Holder>(conn);
    match holders {
        Ok(rows) if !rows.is_empty() => rows
            .iter()
            .map(|h| {
                let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
                format!(
                    "held by pid {} (application_name '{}', connected since {}, {} since {})",
                    h.pid,
                    dash(&h.application_name),
                    dash(&h.backend_start),
                    dash(&h.state),
                    dash(&h.state_change)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        Ok(_) => format!("advisory lock {key} was held, its holder has just gone"),
        Err(e) => format!("advisory lock {key} is held (holder unknown: {e})"),
    }
}

/// The [`MigrationConnection`] impl of a diesel connection to PostgreSQL:
/// [`PgConnection`], and with the `diesel-async` feature diesel-async's
/// `AsyncConnectionWrapper<AsyncPgConnection>` (a synchronous `Connection`
/// over an async one). The bodies need only what diesel's `Connection`,
/// `SimpleConnection` and `LoadConnection` give, which both have; a macro
/// rather than a blanket impl because a generic `impl<C: Connection<Backend =
/// Pg>>` would overlap the other engines' impls.
macro_rules! postgres_migration_connection {
    ($conn:ty) => {
        impl MigrationConnection for $conn {
            fn sql_dialect(&self) -> &'static dyn SqlDialect {
                &PostgresDialect
            }

            fn prepare_session(&mut self, _lock_timeout: Duration) -> Result<(), BackendError> {
                // Literals are rendered standard (see quote_literal). Naming the session
                // makes it recognisable when another migrator reports the lock holder.
                // A server only notices a vanished client when it next talks to it, so
                // a migrator killed during a long statement would leave its backend
                // running (and the lock held) until the statement ends; from PG 14 on
                // `client_connection_check_interval` makes the server check every
                // second and abort, which frees the lock and rolls the revision back.
                self.batch_execute(
                    "SET standard_conforming_strings = on; \
                     SELECT set_config('application_name', 'lithify', false) \
                     WHERE current_setting('application_name') = ''; \
                     SELECT set_config('client_connection_check_interval', '1000', false) \
                     WHERE current_setting('server_version_num')::int >= 140000",
                )?;
                Ok(())
            }

            fn acquire_migration_lock(
                &mut self,
                table: &str,
                timeout: Duration,
            ) -> Result<RunLock, BackendError> {
                let key = pg_key(table);
                let started = Instant::now();
                loop {
                    let row = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS ok")
                        .bind::<BigInt, _>(key)
                        .get_result::<Acquired>(self)?;
                    if row.ok {
                        return Ok(RunLock::in_session());
                    }
                    let waited = started.elapsed();
                    if waited >= timeout {
                        return Err(BackendError::LockTimeout {
                            waited,
                            holder: describe_holder(self, key),
                        });
                    }
                    std::thread::sleep(POLL_INTERVAL.min(timeout - waited));
                }
            }

            fn release_migration_lock(&mut self, table: &str) -> Result<(), BackendError> {
                diesel::sql_query("SELECT pg_advisory_unlock($1) AS ok")
                    .bind::<BigInt, _>(pg_key(table))
                    .get_result::<Acquired>(self)?;
                Ok(())
            }

            fn execute_sql(&mut self, sql: &str) -> Result<(), BackendError> {
                self.batch_execute(sql)?;
                Ok(())
            }

            /// Inside the revision transaction the script goes whole; outside one it
            /// goes statement by statement (module docs).
            fn run_revision_sql(
                &mut self,
                sql: &str,
                in_transaction: bool,
            ) -> Result<(), BackendError> {
                if in_transaction {
                    return self.execute_sql(sql);
                }
                for (ix, statement) in split_statements(sql).into_iter().enumerate() {
                    self.batch_execute(statement.sql).map_err(|source| {
                        BackendError::Statement {
                            number: ix + 1,
                            line: statement.line,
                            source,
                        }
                    })?;
                }
                Ok(())
            }

            fn bookkeeping_table_exists(&mut self, table: &str) -> Result<bool, BackendError> {
                let (schema, name) = split_table(table);
                let rows = diesel::sql_query(
                    "SELECT COUNT(*) AS n FROM pg_catalog.pg_tables \
                     WHERE tablename = $1 AND schemaname = COALESCE($2, current_schema())",
                )
                .bind::<Text, _>(name)
                .bind::<Nullable<Text>, _>(schema)
                .load::<CountRow>(self)?;
                Ok(rows.first().is_some_and(|c| c.n > 0))
            }

            load_rows_with_sql_query!();
        }
    };
}

postgres_migration_connection!(PgConnection);

/// diesel-async's synchronous wrapper around an async PostgreSQL connection
/// (feature `diesel-async`): an async application migrates with the
/// connection type it already has, on a blocking thread.
#[cfg(feature = "diesel-async")]
pub type AsyncPgWrapper =
    diesel_async::async_connection_wrapper::AsyncConnectionWrapper<diesel_async::AsyncPgConnection>;

#[cfg(feature = "diesel-async")]
postgres_migration_connection!(AsyncPgWrapper);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookkeeping_ddl_creates_the_schema_first() {
        let ddl = PostgresDialect.create_bookkeeping_table("ops.revs");
        assert!(ddl.starts_with(
            "CREATE SCHEMA IF NOT EXISTS \"ops\";\nCREATE TABLE IF NOT EXISTS \"ops\".\"revs\""
        ));
        let plain = PostgresDialect.create_bookkeeping_table("revs");
        assert!(plain.starts_with("CREATE TABLE IF NOT EXISTS \"revs\""));
    }

    #[test]
    fn key_is_the_shared_lock_key_reinterpreted() {
        let key = pg_key("lithify_revisions");
        assert_eq!(key as u64, lock_key("lithify_revisions"));
    }
}
