//! The schema model: what a database holds after a chain of revisions, as
//! plain data. It knows nothing about SQL text or diesel syntax; the fold
//! ([`crate::fold`]) fills it and the emitters read it.
//!
//! Names are stored the way the engine stores them (PostgreSQL folds unquoted
//! identifiers to lower case, SQLite and MySQL keep what was written), and
//! compared the way the engine compares them ([`Schema::find_table`],
//! [`Table::find_column`]): SQLite ignores ASCII case in every name, MySQL in
//! column and index names, PostgreSQL in none.

mod types;

use std::path::PathBuf;
use std::sync::Arc;

pub use lithify_core::Dialect;
pub use types::{MysqlType, PgType, SqlType, SqliteType, TypeParseError, TypeShorthand};

/// Every table, view and custom type of one database, for one dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// The engine this schema is for: it decides how names compare.
    pub dialect: Dialect,
    /// Tables, in the order they were created. Shared, so that a copy of
    /// the schema (one per typed revision compiled, one per step recorded)
    /// costs a pointer per table; change one with [`Arc::make_mut`].
    pub tables: Vec<Arc<Table>>,
    /// Views (and PostgreSQL materialized views), by name.
    pub views: Vec<View>,
    /// PostgreSQL enum, composite and domain types.
    pub types: Vec<CustomType>,
    /// Triggers, as written (a SQLite table rebuild recreates its table's).
    pub triggers: Vec<Trigger>,
}

/// A trigger: which table it is on and the statement that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    /// Its name.
    pub name: ObjectName,
    /// The table it is on.
    pub table: ObjectName,
    /// The `CREATE TRIGGER` statement as written, without the final `;`.
    pub sql: String,
}

/// Which server a MySQL-dialect schema is for, where MySQL and MariaDB
/// do different things with the same DDL.
///
/// A fold that is not told ([`MysqlFlavor::Unknown`], what a build without
/// a database has) follows MySQL 8 where the difference is in names or
/// types (MariaDB stores `JSON` as `LONGTEXT` with a `CHECK (json_valid(c))`
/// named after the column, and names unnamed CHECKs after their column or
/// `CONSTRAINT_<n>` where MySQL says `<table>_chk_<n>`), and makes a table
/// unknown where the servers give it different keys (a `REFERENCES` written
/// on a column: a foreign key on MariaDB, ignored by MySQL).
/// `lithify schema --verify` reads the flavor from the server's `VERSION()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MysqlFlavor {
    /// Not known (or not MySQL).
    #[default]
    Unknown,
    /// Oracle's MySQL (8.0 and later).
    Mysql,
    /// MariaDB (10.5 and later).
    Mariadb,
}

impl MysqlFlavor {
    /// The flavor of a server whose `SELECT VERSION()` says `version`
    /// (MariaDB's contains `MariaDB`: `10.11.6-MariaDB-0+deb12u1`).
    pub fn from_version(version: &str) -> MysqlFlavor {
        if version.to_ascii_lowercase().contains("mariadb") {
            MysqlFlavor::Mariadb
        } else {
            MysqlFlavor::Mysql
        }
    }
}

/// `schema.name`; `schema` is `None` for the default schema (PostgreSQL's
/// `public`, the current database on MySQL, `main` on SQLite).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectName {
    /// The schema (PostgreSQL) or database (MySQL), when not the default one.
    pub schema: Option<String>,
    /// The object's own name.
    pub name: String,
}

/// One table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Its name.
    pub name: ObjectName,
    /// Columns in ordinal order.
    pub columns: Vec<Column>,
    /// The primary key, when there is one.
    pub primary_key: Option<PrimaryKey>,
    /// UNIQUE constraints (on MySQL these are unique [`Index`]es instead,
    /// which is what MySQL makes of them).
    pub uniques: Vec<UniqueConstraint>,
    /// CHECK constraints.
    pub checks: Vec<CheckConstraint>,
    /// Foreign keys from this table.
    pub foreign_keys: Vec<ForeignKey>,
    /// Indexes that are not the implicit index of a primary key or UNIQUE
    /// constraint.
    pub indexes: Vec<Index>,
    /// `COMMENT ON TABLE` / MySQL's `COMMENT=`.
    pub comment: Option<String>,
    /// SQLite `WITHOUT ROWID`.
    pub without_rowid: bool,
    /// Set when a statement changed this table in a way the model does not
    /// follow: from then on its shape is not known, and nothing is derived
    /// from it until a revision creates it again.
    pub unknown: Option<Unknown>,
}

/// Why a table's shape is not known, and since where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// The revision whose statement made it unknown.
    pub revision: String,
    /// The SQL file.
    pub file: PathBuf,
    /// 1-based line of the statement.
    pub line: u32,
    /// What the statement did that the model cannot follow.
    pub reason: String,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its type as the engine records it.
    pub ty: SqlType,
    /// False when the engine enforces NOT NULL (PostgreSQL and MySQL make
    /// primary-key columns NOT NULL; SQLite does not).
    pub nullable: bool,
    /// The default expression, as SQL text.
    pub default: Option<String>,
    /// Identity / auto-increment.
    pub identity: Option<Identity>,
    /// A generated (computed) column's expression.
    pub generated: Option<Generated>,
    /// `COMMENT ON COLUMN` / MySQL's column `COMMENT`.
    pub comment: Option<String>,
}

/// How a column numbers itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// PostgreSQL `GENERATED ALWAYS AS IDENTITY`.
    Always,
    /// PostgreSQL `GENERATED BY DEFAULT AS IDENTITY`.
    ByDefault,
    /// MySQL `AUTO_INCREMENT`, SQLite `AUTOINCREMENT`.
    AutoIncrement,
}

/// A generated column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The expression, as SQL text.
    pub expr: String,
    /// STORED (true) or VIRTUAL (false).
    pub stored: bool,
}

/// A primary key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrimaryKey {
    /// The constraint's name (PostgreSQL `<table>_pkey` unless named;
    /// MySQL always `PRIMARY`; SQLite only when written).
    pub name: Option<String>,
    /// Key columns, in key order.
    pub columns: Vec<String>,
}

/// A UNIQUE constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniqueConstraint {
    /// Its name (as the engine would name it when the SQL did not).
    pub name: Option<String>,
    /// Its columns.
    pub columns: Vec<String>,
}

/// A CHECK constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckConstraint {
    /// Its name (as the engine would name it when the SQL did not).
    pub name: Option<String>,
    /// The condition, as SQL text.
    pub expr: String,
    /// The column it was written on, when it was written on one: MariaDB
    /// names such a CHECK after the column and drops it when the column is
    /// redefined (`MODIFY`, `CHANGE`).
    pub column: Option<String>,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// Its name (as the engine would name it when the SQL did not).
    pub name: Option<String>,
    /// Referencing columns of this table.
    pub columns: Vec<String>,
    /// The referenced table, as written (SQLite keeps the text; it may name a
    /// table that no longer exists).
    pub ref_table: ObjectName,
    /// Referenced columns; empty when the SQL named none (the referenced
    /// table's primary key).
    pub ref_columns: Vec<String>,
    /// `ON DELETE`.
    pub on_delete: ReferentialAction,
    /// `ON UPDATE`.
    pub on_update: ReferentialAction,
}

/// What a foreign key does when the referenced row goes or changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReferentialAction {
    /// `NO ACTION` (the default everywhere).
    #[default]
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

/// An index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// Its name.
    pub name: String,
    /// UNIQUE.
    pub unique: bool,
    /// What it indexes, in order.
    pub parts: Vec<IndexPart>,
    /// A partial index's WHERE condition, as SQL text.
    pub predicate: Option<String>,
    /// `USING gin` and the like (lower case); `None` for the engine's default.
    pub method: Option<String>,
    /// Made by InnoDB for a foreign key, not written by the SQL: InnoDB drops
    /// it when an index that starts with the same columns is added.
    pub for_foreign_key: bool,
}

/// One key of an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexPart {
    /// A column.
    Column(String),
    /// An expression, as SQL text.
    Expression(String),
}

impl Index {
    /// The columns it starts with, up to its first expression: what a
    /// foreign key over those columns can use it for.
    pub fn leading_columns(&self) -> Vec<String> {
        self.parts
            .iter()
            .map_while(|p| match p {
                IndexPart::Column(c) => Some(c.clone()),
                IndexPart::Expression(_) => None,
            })
            .collect()
    }
}

/// A view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// Its name.
    pub name: ObjectName,
    /// PostgreSQL `MATERIALIZED`.
    pub materialized: bool,
    /// The tables its definition names (what `DROP TABLE ... CASCADE`
    /// takes with it).
    pub tables: Vec<ObjectName>,
    /// Its query as the fold read it (`None` when introspected): what a
    /// table rebuild checks for columns it drops or renames.
    pub definition: Option<String>,
}

/// A PostgreSQL user-defined type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomType {
    /// Its name.
    pub name: ObjectName,
    /// What it is.
    pub kind: CustomTypeKind,
}

/// The kinds of [`CustomType`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomTypeKind {
    /// `CREATE TYPE ... AS ENUM (...)`: the labels in order.
    Enum(Vec<String>),
    /// `CREATE TYPE ... AS (...)`: attribute names and types.
    Composite(Vec<(String, SqlType)>),
    /// `CREATE DOMAIN ... AS base`.
    Domain {
        /// The underlying type.
        base: SqlType,
        /// `NOT NULL` on the domain.
        not_null: bool,
    },
    /// Any other `CREATE TYPE` (range, base type): known by name only.
    Other,
}

impl ObjectName {
    /// A name in the default schema.
    pub fn new(name: impl Into<String>) -> ObjectName {
        ObjectName {
            schema: None,
            name: name.into(),
        }
    }

    /// A name in `schema` (`None`: the default schema).
    pub fn in_schema(schema: Option<String>, name: impl Into<String>) -> ObjectName {
        ObjectName {
            schema,
            name: name.into(),
        }
    }
}

impl From<&str> for ObjectName {
    fn from(name: &str) -> ObjectName {
        ObjectName::new(name)
    }
}

impl std::fmt::Display for ObjectName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// Which names an engine compares without regard to ASCII case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// Tables, views, types.
    Relation,
    /// Columns, indexes, constraints.
    Member,
}

/// True when `a` and `b` are the same relation (table, view, type) name on
/// `dialect`.
pub fn same_relation(dialect: Dialect, a: &ObjectName, b: &ObjectName) -> bool {
    let schemas = match (&a.schema, &b.schema) {
        (None, None) => true,
        (Some(x), Some(y)) => same_name(dialect, NameKind::Relation, x, y),
        _ => false,
    };
    schemas && same_name(dialect, NameKind::Relation, &a.name, &b.name)
}

/// True when `a` and `b` name the same object on `dialect`.
pub fn same_name(dialect: Dialect, kind: NameKind, a: &str, b: &str) -> bool {
    match (dialect, kind) {
        (Dialect::Sqlite, _) | (Dialect::Mysql, NameKind::Member) => a.eq_ignore_ascii_case(b),
        _ => a == b,
    }
}

impl Schema {
    /// An empty database.
    pub fn new(dialect: Dialect) -> Schema {
        Schema {
            dialect,
            tables: Vec::new(),
            views: Vec::new(),
            types: Vec::new(),
            triggers: Vec::new(),
        }
    }

    /// True when `a` and `b` are the same relation name here.
    pub fn same_relation(&self, a: &ObjectName, b: &ObjectName) -> bool {
        same_relation(self.dialect, a, b)
    }

    /// The table called `name`.
    pub fn find_table(&self, name: &ObjectName) -> Option<&Table> {
        self.tables
            .iter()
            .map(|t| &**t)
            .find(|t| self.same_relation(&t.name, name))
    }

    /// The table called `name`, to change it.
    pub fn find_table_mut(&mut self, name: &ObjectName) -> Option<&mut Table> {
        let ix = self.table_index(name)?;
        self.tables.get_mut(ix).map(Arc::make_mut)
    }

    /// Every table, to change them (a table shared with a copy of the
    /// schema is copied first).
    pub fn tables_mut(&mut self) -> impl Iterator<Item = &mut Table> {
        self.tables.iter_mut().map(Arc::make_mut)
    }

    /// The tables `pick` chooses, to change them; the others stay shared
    /// with the copies of the schema that hold them.
    pub fn tables_mut_where(
        &mut self,
        pick: impl Fn(&Table) -> bool,
    ) -> impl Iterator<Item = &mut Table> {
        self.tables
            .iter_mut()
            .filter(move |t| pick(t))
            .map(Arc::make_mut)
    }

    /// Add `table` at the end (tables are kept in the order they were
    /// created).
    pub fn push_table(&mut self, table: Table) {
        self.tables.push(Arc::new(table));
    }

    /// Position of the table called `name` in [`Schema::tables`].
    pub fn table_index(&self, name: &ObjectName) -> Option<usize> {
        self.tables
            .iter()
            .position(|t| self.same_relation(&t.name, name))
    }

    /// The view called `name`.
    pub fn find_view(&self, name: &ObjectName) -> Option<&View> {
        self.views
            .iter()
            .find(|v| self.same_relation(&v.name, name))
    }

    /// The custom type called `name`.
    pub fn find_type(&self, name: &ObjectName) -> Option<&CustomType> {
        self.types
            .iter()
            .find(|t| self.same_relation(&t.name, name))
    }

    /// The part of the schema that changes to `tables` can reach or need
    /// ([`Schema::neighbours`] of them): changing it is changing the whole
    /// schema, for changes to `tables` alone, at a fraction of the cost, and
    /// comparing it before and after is comparing the whole.
    pub fn around(&self, tables: &[ObjectName]) -> Schema {
        self.only(&self.neighbours(tables))
    }

    /// The names of `tables` and of the tables changes to them can reach
    /// or need: those whose foreign keys reference them (a rename rewrites
    /// those keys) and those they reference.
    pub fn neighbours(&self, tables: &[ObjectName]) -> Vec<ObjectName> {
        let named = |n: &ObjectName| tables.iter().any(|t| self.same_relation(t, n));
        let referenced: Vec<&ObjectName> = self
            .tables
            .iter()
            .filter(|t| named(&t.name))
            .flat_map(|t| t.foreign_keys.iter().map(|f| &f.ref_table))
            .collect();
        let mut names: Vec<ObjectName> = tables.to_vec();
        names.extend(
            self.tables
                .iter()
                .filter(|t| {
                    t.foreign_keys.iter().any(|f| named(&f.ref_table))
                        || referenced.iter().any(|r| self.same_relation(r, &t.name))
                })
                .map(|t| t.name.clone()),
        );
        names
    }

    /// The tables named `names`, the triggers on them, and every view and
    /// custom type.
    pub fn only(&self, names: &[ObjectName]) -> Schema {
        let kept: Vec<Arc<Table>> = self
            .tables
            .iter()
            .filter(|t| names.iter().any(|n| self.same_relation(n, &t.name)))
            .cloned()
            .collect();
        let triggers = self
            .triggers
            .iter()
            .filter(|tr| kept.iter().any(|t| self.same_relation(&t.name, &tr.table)))
            .cloned()
            .collect();
        Schema {
            dialect: self.dialect,
            tables: kept,
            views: self.views.clone(),
            types: self.types.clone(),
            triggers,
        }
    }

    /// Tables whose shape is known, the only ones anything is derived from.
    pub fn known_tables(&self) -> impl Iterator<Item = &Table> {
        self.tables
            .iter()
            .map(|t| &**t)
            .filter(|t| t.unknown.is_none())
    }

    /// The table holding the index `name` in `schema` (PostgreSQL index names
    /// are unique per schema; elsewhere per table).
    pub fn table_of_index(&self, schema: Option<&str>, name: &str) -> Option<usize> {
        self.tables.iter().position(|t| {
            t.name.schema.as_deref() == schema
                && (t.find_index(self.dialect, name).is_some()
                    || t.implicit_index_names().any(|n| n == name))
        })
    }
}

impl Table {
    /// A new, empty table.
    pub fn new(name: ObjectName) -> Table {
        Table {
            name,
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            without_rowid: false,
            unknown: None,
        }
    }

    /// A table that exists but whose shape is not known.
    pub fn unknown(name: ObjectName, unknown: Unknown) -> Table {
        Table {
            unknown: Some(unknown),
            ..Table::new(name)
        }
    }

    /// Position of the column called `name`.
    pub fn column_index(&self, dialect: Dialect, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| same_name(dialect, NameKind::Member, &c.name, name))
    }

    /// The column called `name`.
    pub fn find_column(&self, dialect: Dialect, name: &str) -> Option<&Column> {
        self.column_index(dialect, name).map(|i| &self.columns[i])
    }

    /// The index called `name`.
    pub fn find_index(&self, dialect: Dialect, name: &str) -> Option<&Index> {
        self.indexes
            .iter()
            .find(|i| same_name(dialect, NameKind::Member, &i.name, name))
    }

    /// Names of the indexes PostgreSQL keeps behind the primary key and the
    /// UNIQUE constraints (they share the constraint's name).
    pub fn implicit_index_names(&self) -> impl Iterator<Item = &str> {
        let pk = self.primary_key.iter().filter_map(|p| p.name.as_deref());
        pk.chain(self.uniques.iter().filter_map(|u| u.name.as_deref()))
    }

    /// Every constraint name in use on this table.
    pub fn constraint_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.implicit_index_names().collect();
        names.extend(self.checks.iter().filter_map(|c| c.name.as_deref()));
        names.extend(self.foreign_keys.iter().filter_map(|f| f.name.as_deref()));
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_names_ignore_ascii_case_and_postgres_names_do_not() {
        let mut schema = Schema::new(Dialect::Sqlite);
        schema.push_table(Table::new(ObjectName::new("Jobs")));
        assert!(schema.find_table(&ObjectName::new("jobs")).is_some());
        let mut pg = Schema::new(Dialect::Postgres);
        pg.push_table(Table::new(ObjectName::new("Jobs")));
        assert!(pg.find_table(&ObjectName::new("jobs")).is_none());
        assert!(pg.find_table(&ObjectName::new("Jobs")).is_some());
    }

    #[test]
    fn mysql_compares_columns_without_case_but_tables_with_it() {
        assert!(same_name(
            Dialect::Mysql,
            NameKind::Member,
            "Title",
            "title"
        ));
        assert!(!same_name(
            Dialect::Mysql,
            NameKind::Relation,
            "Jobs",
            "jobs"
        ));
    }

    #[test]
    fn the_flavor_comes_from_the_version_text() {
        assert_eq!(
            MysqlFlavor::from_version("10.11.6-MariaDB-0+deb12u1"),
            MysqlFlavor::Mariadb
        );
        assert_eq!(MysqlFlavor::from_version("8.0.36"), MysqlFlavor::Mysql);
        assert_eq!(MysqlFlavor::default(), MysqlFlavor::Unknown);
    }

    #[test]
    fn a_schema_qualified_name_is_another_table() {
        let mut pg = Schema::new(Dialect::Postgres);
        pg.push_table(Table::new(ObjectName::new("jobs")));
        let other = ObjectName::in_schema(Some("archive".into()), "jobs");
        assert!(pg.find_table(&other).is_none());
        assert_eq!(other.to_string(), "archive.jobs");
    }
}
