//! `lithify schema --verify`: is the schema model right for this chain?
//! The chain is applied to an empty scratch database one revision at a
//! time, and after each the engine's own description of the schema is
//! compared with the model the fold built from the same SQL.

use lithify_build::schema::up_file;
use lithify_build::CompiledChain;
use lithify_core::Dialect;
use lithify_schema::describe::{compare, Comparison};
use lithify_schema::fold::{Fold, RevisionSql};
use lithify_schema::introspect::{assemble, queries, version_query};
use lithify_schema::model::{MysqlFlavor, ObjectName, Schema};

use crate::bookkeeping::state_table;
use crate::dialects::{split_table, MigrationConnection, DIESEL_MIGRATIONS_TABLE};
use crate::error::{db, Error};

/// Why `schema --verify` could not verify.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The scratch database already holds tables: verifying needs an empty one.
    #[error(
        "schema --verify needs an empty scratch database, and this one already has {}:\n{}\n  \
         fix: run it without `--scratch` (a temporary SQLite file), or give `--scratch URL` a new, \
         empty database",
        .0.len(),
        .0.iter().take(10).map(|o| format!("    {o}")).collect::<Vec<_>>().join("\n")
    )]
    NotEmpty(Vec<String>),
    /// Applying the chain or reading the catalog failed.
    #[error(transparent)]
    Run(Box<Error>),
}

impl From<Error> for VerifyError {
    fn from(e: Error) -> VerifyError {
        VerifyError::Run(Box::new(e))
    }
}
use crate::migrator::Migrator;

/// The schema `conn` holds, as its engine describes it, without the
/// bookkeeping tables of `bookkeeping_table` and diesel's.
pub fn introspect<C: MigrationConnection>(
    conn: &mut C,
    bookkeeping_table: &str,
) -> Result<Schema, Error> {
    let dialect = conn.sql_dialect().dialect();
    let mut results = Vec::new();
    for q in queries(dialect) {
        let rows = conn
            .load_text_rows(&q.sql)
            .map_err(db("reading the schema from the database's catalog"))?;
        results.push((q.kind, rows.into_iter().map(|r| r.into_columns()).collect()));
    }
    let (_, name) = split_table(bookkeeping_table);
    let state = state_table(name);
    Ok(assemble(
        dialect,
        results,
        &[name, &state, DIESEL_MIGRATIONS_TABLE],
    ))
}

/// Which MySQL `conn` reaches (MySQL or MariaDB, from `VERSION()`);
/// [`MysqlFlavor::Unknown`] on the other engines.
pub fn mysql_flavor<C: MigrationConnection>(conn: &mut C) -> Result<MysqlFlavor, Error> {
    let Some(sql) = version_query(conn.sql_dialect().dialect()) else {
        return Ok(MysqlFlavor::Unknown);
    };
    let rows = conn
        .load_text_rows(&sql)
        .map_err(db("reading the server's version"))?;
    let version = rows.into_iter().next().and_then(|r| r.c0);
    Ok(version.map_or(MysqlFlavor::Mysql, |v| MysqlFlavor::from_version(&v)))
}

/// Where the model and the engine first disagreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// The revision after which they differ.
    pub revision: String,
    /// Its upgrade SQL file.
    pub file: std::path::PathBuf,
    /// The differing lines (`-` model only, `+` engine only).
    pub differences: Vec<String>,
}

/// What `schema --verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// The dialect verified.
    pub dialect: Dialect,
    /// The server, where MySQL and MariaDB differ (the fold follows it).
    pub flavor: MysqlFlavor,
    /// Revisions applied and compared.
    pub revisions: usize,
    /// Tables the model does not know at the end (compared by name only).
    pub unchecked: Vec<ObjectName>,
    /// The first disagreement, if any (verification stops there).
    pub disagreement: Option<Disagreement>,
}

/// Apply `chain` to `conn` (which must be empty) revision by revision and
/// compare the model with the engine after each one.
pub fn verify<C: MigrationConnection>(
    migrator: &Migrator,
    chain: &CompiledChain,
    conn: &mut C,
) -> Result<VerifyReport, VerifyError> {
    let dialect = conn.sql_dialect().dialect();
    let before = introspect(conn, migrator.table())?;
    if !before.tables.is_empty() || !before.views.is_empty() {
        let tables = before.tables.iter().map(|t| format!("table {}", t.name));
        let views = before.views.iter().map(|v| format!("view {}", v.name));
        return Err(VerifyError::NotEmpty(tables.chain(views).collect()));
    }
    let migrator = migrator.clone().quiet(true);
    let flavor = mysql_flavor(conn)?;
    let mut fold = Fold::new(dialect).with_mysql_flavor(flavor);
    let mut revisions = 0;
    for rev in &chain.revisions {
        let file = up_file(rev, dialect);
        if let Some(sql) = rev.up.for_dialect(dialect) {
            fold.apply(&RevisionSql {
                revision: &rev.id,
                file: &file,
                sql,
            });
        }
        migrator.upgrade(conn, &rev.id)?;
        revisions += 1;
        let found = introspect(conn, migrator.table())?;
        let Comparison { differences, .. } = compare(fold.schema(), &found);
        if !differences.is_empty() {
            return Ok(VerifyReport {
                dialect,
                flavor,
                revisions,
                unchecked: unchecked(fold.schema()),
                disagreement: Some(Disagreement {
                    revision: rev.id.clone(),
                    file,
                    differences,
                }),
            });
        }
    }
    Ok(VerifyReport {
        dialect,
        flavor,
        revisions,
        unchecked: unchecked(fold.schema()),
        disagreement: None,
    })
}

/// [`verify`] on the database at `scratch`, or on a new temporary SQLite
/// file (removed afterwards) when there is none.
pub fn verify_on(
    scratch: Option<&str>,
    migrator: &Migrator,
    chain: &CompiledChain,
) -> Result<VerifyReport, VerifyError> {
    // Named, not `_`: the file must outlive the connection.
    let (url, _temporary) = match scratch {
        Some(url) => (url.to_owned(), None),
        None => {
            let file = crate::cli::ScratchFile::new();
            (file.path.to_string_lossy().into_owned(), Some(file))
        }
    };
    let url = crate::url::DatabaseUrl::parse(&url).map_err(Error::from)?;
    crate::connect::with_connection(&url, Verify { migrator, chain })?
}

struct Verify<'a> {
    migrator: &'a Migrator,
    chain: &'a CompiledChain,
}

impl crate::connect::WithConnection for Verify<'_> {
    type Output = Result<VerifyReport, VerifyError>;

    fn run<C: MigrationConnection>(self, conn: &mut C) -> Self::Output {
        verify(self.migrator, self.chain, conn)
    }
}

fn unchecked(schema: &Schema) -> Vec<ObjectName> {
    schema
        .tables
        .iter()
        .filter(|t| t.unknown.is_some())
        .map(|t| t.name.clone())
        .collect()
}
