//! What the three engines do differently with the same DDL, behind one
//! trait: the fold's algorithm is written once ([`crate::fold`]) and asks an
//! [`Engine`] how names fold, what a primary key implies, and what the engine
//! calls a constraint the SQL left unnamed.

mod mysql;
mod postgres;
mod sqlite;

use sqlparser::ast::{Ident, ObjectName as SqlObjectName, ObjectNamePart};
use sqlparser::dialect::Dialect as ParserDialect;

use crate::model::{Dialect, IndexPart, ObjectName, Schema, Table};

/// One engine's rules, as the fold needs them.
pub(crate) trait Engine {
    /// The dialect this is.
    fn dialect(&self) -> Dialect;

    /// sqlparser's dialect for this engine.
    fn parser(&self) -> &dyn ParserDialect;

    /// An identifier as the engine stores it (PostgreSQL folds unquoted
    /// names to lower case).
    fn ident(&self, ident: &Ident) -> String {
        ident.value.clone()
    }

    /// The schema that names without one live in (`public`, `main`), which
    /// the model writes as `None`.
    fn default_schema(&self) -> Option<&'static str>;

    /// True when a primary key makes its columns NOT NULL (not on SQLite).
    fn primary_key_implies_not_null(&self) -> bool {
        true
    }

    /// True when UNIQUE constraints are indexes (MySQL), not constraints.
    fn unique_is_index(&self) -> bool {
        false
    }

    /// The primary key's name when the SQL gives none.
    fn primary_key_name(&self, schema: &Schema, table: &Table) -> Option<String>;

    /// A UNIQUE constraint's name when the SQL gives none.
    fn unique_name(&self, schema: &Schema, table: &Table, columns: &[String]) -> Option<String>;

    /// A CHECK constraint's name when the SQL gives none; `column` is the one
    /// column it refers to, when it refers to exactly one.
    fn check_name(&self, table: &Table, column: Option<&str>) -> Option<String>;

    /// A foreign key's name when the SQL gives none.
    fn foreign_key_name(&self, table: &Table, columns: &[String]) -> Option<String>;

    /// An index's name when the SQL gives none (`None`: the engine requires one).
    fn index_name(&self, schema: &Schema, table: &Table, parts: &[IndexPart]) -> Option<String>;

    /// What dropping a column does to the keys and indexes that use it.
    fn drop_column_effect(&self) -> DropColumnEffect;

    /// True when a foreign key cannot outlive the table it references
    /// (PostgreSQL drops it, with CASCADE, or refuses); SQLite and MySQL keep
    /// the reference as written.
    fn foreign_keys_follow_tables(&self) -> bool {
        false
    }

    /// The index the engine adds for a new foreign key, if it adds one
    /// (InnoDB does, unless an index already starts with its columns).
    fn foreign_key_index(
        &self,
        _table: &Table,
        _name: Option<&str>,
        _columns: &[String],
    ) -> Option<String> {
        None
    }

    /// A name as the model keeps it: schema `None` for the default one.
    fn object_name(&self, name: &SqlObjectName) -> ObjectName {
        let parts: Vec<String> = name
            .0
            .iter()
            .map(|p| match p {
                ObjectNamePart::Identifier(i) => self.ident(i),
                ObjectNamePart::Function(f) => f.name.value.clone(),
            })
            .collect();
        match parts.as_slice() {
            [] => ObjectName::new(""),
            [name] => ObjectName::new(name.clone()),
            [.., schema, name] => {
                let schema = if Some(schema.as_str()) == self.default_schema() {
                    None
                } else {
                    Some(schema.clone())
                };
                ObjectName::in_schema(schema, name.clone())
            }
        }
    }
}

/// What happens to the keys and indexes of a dropped column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DropColumnEffect {
    /// PostgreSQL: every index and constraint that uses the column goes.
    DropDependents,
    /// MySQL: the column leaves each index; an index left empty goes.
    ShrinkIndexes,
    /// SQLite: the drop fails when anything but the column's own
    /// constraints uses it, so nothing else changes.
    Nothing,
}

/// The engine for `dialect`.
pub(crate) fn for_dialect(dialect: Dialect) -> Box<dyn Engine> {
    match dialect {
        Dialect::Sqlite => Box::new(sqlite::Sqlite),
        Dialect::Postgres => Box::new(postgres::Postgres),
        Dialect::Mysql => Box::new(mysql::Mysql),
    }
}
