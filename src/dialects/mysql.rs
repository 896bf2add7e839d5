//! MySQL and MariaDB through diesel's `MysqlConnection`.
//!
//! - DDL commits implicitly, so no revision can be rolled back:
//!   [`SqlDialect::transactional_ddl`] is false and the executor marks every
//!   revision `started` before its SQL and `applied` after. A revision left
//!   `started` (crash, failed statement) stops the next run until someone
//!   decides with `resolve REV --applied | --reverted`.
//! - One migrator at a time: `GET_LOCK(name, timeout)`, held by the session
//!   and freed by the server when the connection dies. Lock names are global
//!   to the server, so the name carries [`super::lock_key`] of the database
//!   and the bookkeeping table.
//! - Literals escape backslashes as well as quotes: MySQL treats `\` as an
//!   escape in strings unless `NO_BACKSLASH_ESCAPES` is set, which the
//!   session turns off so the rendered text means what it says.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::mysql::MysqlConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use lithify_core::Dialect;

use super::{
    bookkeeping_names, lock_key, split_table, BackendError, CountRow, MigrationConnection, RunLock,
    SqlDialect,
};

/// MySQL's (and MariaDB's) SQL text.
#[derive(Debug, Clone, Copy, Default)]
pub struct MysqlDialect;

impl SqlDialect for MysqlDialect {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn quote_identifier(&self, ident: &str) -> String {
        format!("`{}`", ident.replace('`', "``"))
    }

    fn quote_literal(&self, value: &str) -> String {
        let mut out = String::with_capacity(value.len() + 2);
        out.push('\'');
        for c in value.chars() {
            match c {
                '\'' => out.push_str("''"),
                '\\' => out.push_str("\\\\"),
                '\0' => out.push_str("\\0"),
                // Control characters would survive, but a log or a terminal
                // showing the offline script should not be fed raw ones.
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\u{1a}' => out.push_str("\\Z"),
                c => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    fn create_bookkeeping_table(&self, table: &str) -> String {
        // `id` is a VARCHAR because MySQL cannot index TEXT without a prefix
        // length; 191 characters keep the key under 767 bytes in utf8mb4.
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    \
             id VARCHAR(191) NOT NULL PRIMARY KEY,\n    \
             checksum VARCHAR(100) NOT NULL,\n    \
             message TEXT NOT NULL,\n    \
             state VARCHAR(16) NOT NULL,\n    \
             applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    \
             duration_ms BIGINT NULL\n)",
            self.quote_table(table)
        )
    }

    fn select_bookkeeping_rows(&self, table: &str) -> String {
        format!(
            "SELECT id, checksum, message, state, CAST(applied_at AS CHAR) AS applied_at, duration_ms FROM {}",
            self.quote_table(table)
        )
    }

    /// The connection's database only. Three queries rather than a UNION:
    /// information_schema's collations would not mix with the literals.
    fn select_schema(&self, table: &str) -> Vec<String> {
        let skip = bookkeeping_names(self, table);
        vec![
            format!(
                "SELECT CONCAT('table ', table_name, ' column ', column_name, ' ', column_type, \
                 IF(is_nullable = 'NO', ' not null', ''), \
                 IFNULL(CONCAT(' default ', column_default), ''), \
                 IF(extra <> '', CONCAT(' ', extra), '')) AS line \
                 FROM information_schema.columns \
                 WHERE table_schema = DATABASE() AND table_name NOT IN ({skip})"
            ),
            format!(
                "SELECT CONCAT('index ', index_name, ' on ', table_name, \
                 IF(non_unique = 0, ' unique', ''), ' (', \
                 GROUP_CONCAT(column_name ORDER BY seq_in_index SEPARATOR ', '), ')') AS line \
                 FROM information_schema.statistics \
                 WHERE table_schema = DATABASE() AND table_name NOT IN ({skip}) \
                 GROUP BY table_name, index_name, non_unique"
            ),
            format!(
                "SELECT CONCAT('foreign key ', constraint_name, ' on ', table_name, ' (', \
                 column_name, ') references ', referenced_table_name, ' (', \
                 referenced_column_name, ')') AS line \
                 FROM information_schema.key_column_usage \
                 WHERE table_schema = DATABASE() AND referenced_table_name IS NOT NULL \
                 AND table_name NOT IN ({skip})"
            ),
            "SELECT CONCAT('view ', table_name, ': ', view_definition) AS line \
             FROM information_schema.views WHERE table_schema = DATABASE()"
                .to_owned(),
        ]
    }

    fn select_column_order(&self, table: &str) -> String {
        format!(
            "SELECT CONCAT(table_name, ': ', \
             GROUP_CONCAT(column_name ORDER BY ordinal_position SEPARATOR ', ')) AS line \
             FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name NOT IN ({}) GROUP BY table_name",
            bookkeeping_names(self, table)
        )
    }

    fn begin_transaction(&self) -> &'static str {
        "START TRANSACTION"
    }

    fn transactional_ddl(&self) -> bool {
        false
    }
}

/// The `GET_LOCK` name for `table` in database `database`:
/// `lithify:<16 hex digits>`, well under MySQL's 64-character limit.
fn lock_name(database: &str, table: &str) -> String {
    let (schema, name) = split_table(table);
    let qualified = format!("{}.{name}", schema.unwrap_or(database));
    format!("lithify:{:016x}", lock_key(&qualified))
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Nullable<Text>)]
    name: Option<String>,
}

#[derive(QueryableByName)]
struct Holder {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    who: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    seconds: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    info: Option<String>,
}

fn current_lock_name(conn: &mut MysqlConnection, table: &str) -> Result<String, BackendError> {
    let row = diesel::sql_query("SELECT DATABASE() AS name").get_result::<Name>(conn)?;
    Ok(lock_name(row.name.as_deref().unwrap_or(""), table))
}

/// Who holds `name`, for the timeout error.
fn describe_holder(conn: &mut MysqlConnection, name: &str) -> String {
    let holder = diesel::sql_query(
        "SELECT CAST(p.ID AS SIGNED) AS id, CONCAT(p.USER, '@', p.HOST) AS who, \
                CAST(p.TIME AS SIGNED) AS seconds, \
                CAST(COALESCE(p.STATE, p.COMMAND) AS CHAR) AS info \
         FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(?)",
    )
    .bind::<Text, _>(name)
    .load::<Holder>(conn);
    match holder {
        Ok(rows) => match rows.first() {
            Some(h) => format!(
                "`{name}` held by connection {} ({}, {} for {} s)",
                h.id,
                h.who.as_deref().unwrap_or("-"),
                h.info.as_deref().unwrap_or("-"),
                h.seconds.map_or_else(|| "-".to_owned(), |s| s.to_string())
            ),
            None => format!("`{name}` was held, its holder has just gone"),
        },
        Err(e) => format!("`{name}` is held (holder unknown: {e})"),
    }
}

impl MigrationConnection for MysqlConnection {
    fn sql_dialect(&self) -> &'static dyn SqlDialect {
        &MysqlDialect
    }

    fn prepare_session(&mut self, _lock_timeout: Duration) -> Result<(), BackendError> {
        // quote_literal escapes backslashes; that is only right while they
        // are escapes (module docs).
        self.batch_execute(
            "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')",
        )?;
        Ok(())
    }

    fn acquire_migration_lock(
        &mut self,
        table: &str,
        timeout: Duration,
    ) -> Result<RunLock, BackendError> {
        let name = current_lock_name(self, table)?;
        let started = Instant::now();
        // GET_LOCK waits in whole seconds on MySQL; rounding up never gives up early.
        let seconds = i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX)
            + i64::from(timeout.subsec_nanos() > 0);
        // 1 taken, 0 timed out, NULL error (shown as -1).
        let got = diesel::sql_query("SELECT CAST(COALESCE(GET_LOCK(?, ?), -1) AS SIGNED) AS n")
            .bind::<Text, _>(&name)
            .bind::<BigInt, _>(seconds)
            .get_result::<CountRow>(self)?;
        if got.n == 1 {
            return Ok(RunLock::in_session());
        }
        Err(BackendError::LockTimeout {
            waited: started.elapsed(),
            holder: describe_holder(self, &name),
        })
    }

    fn release_migration_lock(&mut self, table: &str) -> Result<(), BackendError> {
        let name = current_lock_name(self, table)?;
        diesel::sql_query("SELECT CAST(COALESCE(RELEASE_LOCK(?), -1) AS SIGNED) AS n")
            .bind::<Text, _>(&name)
            .get_result::<CountRow>(self)?;
        Ok(())
    }

    fn execute_sql(&mut self, sql: &str) -> Result<(), BackendError> {
        // diesel enables multi-statements for batch_execute and reports the
        // first failing statement's error.
        self.batch_execute(sql)?;
        Ok(())
    }

    fn bookkeeping_table_exists(&mut self, table: &str) -> Result<bool, BackendError> {
        let (schema, name) = split_table(table);
        let rows = diesel::sql_query(
            "SELECT COUNT(*) AS n FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?",
        )
        .bind::<Nullable<Text>, _>(schema)
        .bind::<Text, _>(name)
        .load::<CountRow>(self)?;
        Ok(rows.first().is_some_and(|c| c.n > 0))
    }

    load_rows_with_sql_query!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_backslashes_and_quotes() {
        let d = MysqlDialect;
        assert_eq!(d.quote_literal(r"a\'b"), r"'a\\''b'");
        assert_eq!(d.quote_literal("x\0y\nz"), r"'x\0y\nz'");
        assert_eq!(d.quote_identifier("we`ird"), "`we``ird`");
        assert_eq!(d.quote_table("app.revs"), "`app`.`revs`");
    }

    #[test]
    fn lock_names_fit_and_depend_on_the_database() {
        let a = lock_name("one", "lithify_revisions");
        assert!(a.len() <= 64, "{a}");
        assert_ne!(a, lock_name("two", "lithify_revisions"));
        assert_eq!(lock_name("x", "one.t"), lock_name("one", "t"));
    }
}
