//! Session set-up SQL: what every session lithify opens runs before
//! anything else, for chains that need a setting to run
//! (`SET FOREIGN_KEY_CHECKS = 0` on MySQL, a `search_path` on PostgreSQL).
//!
//! It comes from `[session]` in `migrations/lithify.toml` (embedded by the
//! build, one entry per dialect), or from [`crate::Migrator::session_sql`]
//! (`--session-sql` on both front ends), which replaces it. It runs after
//! lithify's own session settings, so it may change them too.

use std::fmt;

use lithify_core::split::has_statements;
use lithify_core::Dialect;

use crate::dialects::MigrationConnection;
use crate::error::Error;

/// The session SQL a run uses, and where it came from (for its errors and
/// the offline script's comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SessionSql<'a> {
    pub sql: &'a str,
    pub origin: Origin,
}

/// Where session SQL came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// `[session]` of `migrations/lithify.toml`, this dialect's key.
    Config(Dialect),
    /// `Migrator::session_sql`, which `--session-sql` sets.
    Option,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Config(dialect) => {
                write!(f, "`{dialect}` in [session] of migrations/lithify.toml")
            }
            Origin::Option => f.write_str("--session-sql (Migrator::session_sql)"),
        }
    }
}

/// Run `session` on `conn`, if it has any statement.
pub(crate) fn run<C: MigrationConnection>(
    conn: &mut C,
    session: Option<SessionSql<'_>>,
) -> Result<(), Error> {
    let Some(session) = session else {
        return Ok(());
    };
    if !has_statements(session.sql, conn.sql_dialect().dialect()) {
        return Ok(());
    }
    conn.execute_sql(session.sql)
        .map_err(|source| Error::SessionSql {
            origin: session.origin.to_string(),
            source,
        })
}
