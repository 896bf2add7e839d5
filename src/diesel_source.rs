//! diesel interop: the embedded chain as a diesel [`MigrationSource`], so an
//! application moving from diesel (or keeping diesel's harness for a while)
//! can run lithify's compiled, checksummed revisions with diesel's own runner:
//!
//! ```ignore
//! use lithify::MigrationHarness;
//! conn.run_pending_migrations(migrations::MIGRATOR.diesel_source())?;
//! ```
//!
//! diesel then records versions in `__diesel_schema_migrations` as usual; a
//! later switch to lithify's migrator is `lithify adopt`. Each revision's
//! version is its id, which for a diesel-layout directory is exactly diesel's
//! version (the directory prefix without `-`), so diesel sees the same
//! versions it would have seen reading the directory itself, in the same
//! order (diesel sorts by version, as the build orders the chain).

use std::fmt;

use diesel::backend::Backend;
use diesel::connection::BoxableConnection;
use diesel::migration::{
    Migration, MigrationMetadata, MigrationName, MigrationSource, MigrationVersion,
};
use lithify_core::Dialect;
use thiserror::Error;

use crate::embedded::{EmbeddedChain, Revision};
use crate::error::Direction;
use crate::migrator::Migrator;
use lithify_core::split::{has_statements, split_statements};

/// The embedded chain as a diesel [`MigrationSource`]; from
/// [`Migrator::diesel_source`].
#[derive(Debug, Clone, Copy)]
pub struct DieselSource {
    chain: &'static EmbeddedChain,
}

impl Migrator {
    /// This migrator's chain as a diesel [`MigrationSource`], for
    /// `conn.run_pending_migrations(MIGRATOR.diesel_source())`.
    pub fn diesel_source(&self) -> DieselSource {
        DieselSource {
            chain: self.chain(),
        }
    }
}

/// A diesel backend lithify has SQL for: which dialect's files it runs.
pub trait DieselDialect: Backend {
    /// The dialect whose SQL variant (`up.<dialect>.sql`, else `up.sql`) runs.
    const DIALECT: Dialect;
}

#[cfg(feature = "sqlite")]
impl DieselDialect for diesel::sqlite::Sqlite {
    const DIALECT: Dialect = Dialect::Sqlite;
}

#[cfg(feature = "postgres")]
impl DieselDialect for diesel::pg::Pg {
    const DIALECT: Dialect = Dialect::Postgres;
}

#[cfg(feature = "mysql")]
impl DieselDialect for diesel::mysql::Mysql {
    const DIALECT: Dialect = Dialect::Mysql;
}

impl<DB: DieselDialect> MigrationSource<DB> for DieselSource {
    fn migrations(&self) -> diesel::migration::Result<Vec<Box<dyn Migration<DB>>>> {
        Ok(self
            .chain
            .try_revisions()?
            .iter()
            .map(|revision| Box::new(DieselMigration { revision }) as Box<dyn Migration<DB>>)
            .collect())
    }
}

/// A revision has no SQL for the backend diesel runs it on.
#[derive(Debug, Error)]
#[error("revision `{id}` ({name}) has no {direction} SQL for {dialect}: add `{name}/{direction}.sql` or `{name}/{direction}.{dialect}.sql`")]
pub struct MissingDieselSql {
    id: &'static str,
    name: &'static str,
    direction: &'static str,
    dialect: Dialect,
}

/// Fails, with its message, when the connection enforces foreign keys:
/// run before a revision that rebuilds a SQLite table inside diesel's
/// transaction (a failed CHECK is the one error plain SQL can raise).
const SQLITE_FOREIGN_KEYS_MUST_BE_OFF: &str = "\
CREATE TEMP TABLE _lithify_foreign_keys_off (enforced INTEGER CONSTRAINT \
\"this revision rebuilds a table, which with foreign keys on would delete or refuse through the rows referencing it, and diesel runs it in a transaction where SQLite cannot switch them off: run it with lithify's migrator, or with PRAGMA foreign_keys = OFF on this connection\" \
CHECK (enforced = 0));
INSERT INTO _lithify_foreign_keys_off SELECT foreign_keys FROM pragma_foreign_keys;
DROP TABLE _lithify_foreign_keys_off;";

/// One revision as a diesel [`Migration`].
struct DieselMigration {
    revision: &'static Revision,
}

impl DieselMigration {
    fn execute<DB: DieselDialect>(
        &self,
        conn: &mut dyn BoxableConnection<DB>,
        direction: Direction,
    ) -> diesel::migration::Result<()> {
        let revision = self.revision;
        let sql = revision
            .sql(direction, DB::DIALECT)
            .ok_or(MissingDieselSql {
                id: revision.id,
                name: revision.name,
                direction: direction.file_stem(),
                dialect: DB::DIALECT,
            })?;
        // A file without statements is a no-op, as in lithify's own runs
        // (diesel would send it and fail on the empty query).
        if !has_statements(sql, DB::DIALECT) {
            return Ok(());
        }
        // diesel runs it inside a transaction, where SQLite cannot switch
        // foreign keys off: refuse, rather than cascade-delete through the
        // rebuild's DROP TABLE.
        if DB::DIALECT == Dialect::Sqlite && revision.foreign_keys_off(direction) {
            conn.batch_execute(SQLITE_FOREIGN_KEYS_MUST_BE_OFF)?;
        }
        // Outside a transaction PostgreSQL needs one statement per query
        // (see crate::split); everywhere else the script goes whole.
        if DB::DIALECT == Dialect::Postgres && !revision.transactional {
            for statement in split_statements(sql) {
                conn.batch_execute(statement.sql)?;
            }
        } else {
            conn.batch_execute(sql)?;
        }
        Ok(())
    }
}

impl<DB: DieselDialect> Migration<DB> for DieselMigration {
    fn run(&self, conn: &mut dyn BoxableConnection<DB>) -> diesel::migration::Result<()> {
        self.execute(conn, Direction::Up)
    }

    fn revert(&self, conn: &mut dyn BoxableConnection<DB>) -> diesel::migration::Result<()> {
        self.execute(conn, Direction::Down)
    }

    fn metadata(&self) -> &dyn MigrationMetadata {
        self
    }

    fn name(&self) -> &dyn MigrationName {
        self
    }
}

impl MigrationMetadata for DieselMigration {
    fn run_in_transaction(&self) -> bool {
        self.revision.transactional
    }
}

impl MigrationName for DieselMigration {
    fn version(&self) -> MigrationVersion<'_> {
        MigrationVersion::from(self.revision.id)
    }
}

impl fmt::Display for DieselMigration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.revision.name)
    }
}
