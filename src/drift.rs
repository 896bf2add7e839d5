//! Drift: a live database against the chain. `lithify diff` introspects the
//! database (as `schema --verify` and `replay` do), folds the revisions it
//! has applied into the model they should have made, and lists every
//! difference; `lithify new --autogenerate --from-database` captures them
//! in a revision. lithify's bookkeeping tables and diesel's
//! `__diesel_schema_migrations` are not part of either side.

use lithify_build::schema::fold_revisions;
use lithify_build::CompiledChain;
use lithify_core::Dialect;
use lithify_schema::describe::{compare, Comparison};
use lithify_schema::model::{MysqlFlavor, ObjectName, Schema};

use crate::connect::{with_connection, WithConnection};
use crate::dialects::MigrationConnection;
use crate::error::Error;
use crate::migrator::Migrator;
use crate::url::DatabaseUrl;
use crate::verify::{introspect, mysql_flavor};

/// A live database as lithify sees it.
#[derive(Debug, Clone)]
pub struct LiveDatabase {
    /// Its schema, as its engine describes it (bookkeeping tables left out).
    pub schema: Schema,
    /// Which of the chain's revisions it has applied (in the chain's order).
    pub applied: Vec<bool>,
    /// MySQL or MariaDB, where they differ.
    pub flavor: MysqlFlavor,
}

impl LiveDatabase {
    /// Its engine.
    pub fn dialect(&self) -> Dialect {
        self.schema.dialect
    }
}

/// Read the database at `url`: its schema and the revisions of `migrator`'s
/// chain it has applied.
///
/// # Errors
/// When it cannot be reached or read, or its bookkeeping is inconsistent
/// with the chain.
pub fn read_database(migrator: &Migrator, url: &DatabaseUrl) -> Result<LiveDatabase, Error> {
    with_connection(url, Read { migrator })?
}

struct Read<'a> {
    migrator: &'a Migrator,
}

impl WithConnection for Read<'_> {
    type Output = Result<LiveDatabase, Error>;

    fn run<C: MigrationConnection>(self, conn: &mut C) -> Self::Output {
        let applied = self.migrator.applied(conn)?;
        let flavor = mysql_flavor(conn)?;
        let schema = introspect(conn, self.migrator.table())?;
        Ok(LiveDatabase {
            schema,
            applied,
            flavor,
        })
    }
}

/// How a database differs from the chain at the revisions it applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// The engine.
    pub dialect: Dialect,
    /// How many revisions the database has applied.
    pub applied: usize,
    /// Lines only the chain's model has (`- `), then lines only the
    /// database has (`+ `); empty when they agree.
    pub differences: Vec<String>,
    /// Tables whose shape the model does not know: compared by name only.
    pub unchecked: Vec<ObjectName>,
}

/// Compare `db` with the model `chain` gives at the revisions it applied.
pub fn drift(chain: &CompiledChain, db: &LiveDatabase) -> Drift {
    let model = fold_revisions(chain, db.dialect(), &db.applied, db.flavor).schema;
    let Comparison {
        differences,
        unchecked,
    } = compare(&model, &db.schema);
    Drift {
        dialect: db.dialect(),
        applied: db.applied.iter().filter(|a| **a).count(),
        differences,
        unchecked,
    }
}
