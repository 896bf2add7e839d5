//! What the three engines do differently with the same DDL, behind one
//! trait: the fold's algorithm is written once ([`crate::fold`]) and asks an
//! [`Engine`] how names fold, what a primary key implies, and what the engine
//! calls a constraint the SQL left unnamed.

mod mysql;
mod postgres;
mod sqlite;

use sqlparser::ast::{Ident, ObjectName as SqlObjectName, ObjectNamePart};
use sqlparser::dialect::Dialect as ParserDialect;

use crate::model::{Dialect, IndexPart, MysqlFlavor, ObjectName, Schema, Table};

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

    /// True when a primary key makes `table`'s key columns NOT NULL (not on
    /// SQLite, except in a WITHOUT ROWID table).
    fn primary_key_implies_not_null(&self, _table: &Table) -> bool {
        true
    }

    /// True when column types are read from the statement's words rather
    /// than sqlparser's grammar of types ([`crate::fold`]'s `declared`).
    fn types_are_words(&self) -> bool {
        false
    }

    /// True when UNIQUE constraints are indexes (MySQL), not constraints.
    fn unique_is_index(&self) -> bool {
        false
    }

    /// Whether a `REFERENCES` written on a column makes a foreign key
    /// (MySQL parses it and ignores it; MariaDB makes one); `Err` with the
    /// reason when that depends on a server the fold does not know.
    fn column_references_make_keys(&self) -> Result<bool, String> {
        Ok(true)
    }

    /// True when the catalog shows a default as its SQL was written
    /// (SQLite keeps the text: `FALSE` stays `FALSE`), so the model must
    /// too; PostgreSQL and MySQL show their own rendering.
    fn defaults_as_written(&self) -> bool {
        false
    }

    /// True when `DEFAULT NULL` is no default at all (the catalog shows
    /// none); SQLite keeps the text `NULL`.
    fn null_default_is_no_default(&self) -> bool {
        true
    }

    /// True when referenced columns are kept as the foreign key writes them
    /// (SQLite), not as the referenced table spells them.
    fn referenced_columns_as_written(&self) -> bool {
        false
    }

    /// True when `JSON` is stored as `LONGTEXT` with a `CHECK (json_valid(c))`
    /// on the column (MariaDB).
    fn json_is_checked_longtext(&self) -> bool {
        false
    }

    /// True when a CHECK written on a column belongs to the column, so that
    /// redefining the column (`MODIFY`, `CHANGE`) replaces it (MariaDB).
    fn column_checks_belong_to_column(&self) -> bool {
        false
    }

    /// The new name of `table`'s constraint `name` when the table is renamed
    /// to `to`, for the names the engine derives from the table's
    /// (InnoDB's `<table>_ibfk_<n>`).
    fn renamed_constraint(&self, _table: &str, _to: &str, _name: &str) -> Option<String> {
        None
    }

    /// True when `REFERENCES t` without columns is recorded as `t`'s
    /// primary key (PostgreSQL); SQLite keeps the columns unnamed.
    fn references_primary_key(&self) -> bool {
        false
    }

    /// The pass in which the engine names constraints of `kind` written in
    /// one statement (lower first; within a pass, as written).
    fn naming_order(&self, _kind: ConstraintKind) -> u8 {
        0
    }

    /// True when a UNIQUE written twice in one statement, or on the primary
    /// key's columns, is one key (PostgreSQL, SQLite).
    fn folds_identical_keys(&self) -> bool {
        false
    }

    /// True when the primary key on `columns` has an index a UNIQUE on the
    /// same columns would be folded into (not SQLite's rowid alias).
    fn key_has_index(&self, _table: &Table, _columns: &[String]) -> bool {
        true
    }

    /// The primary key's name, from the one written (if any).
    fn primary_key_name(
        &self,
        given: Option<String>,
        schema: &Schema,
        table: &Table,
    ) -> Option<String>;

    /// A UNIQUE constraint's name when the SQL gives none (`include`: the
    /// `INCLUDE` columns, which PostgreSQL counts in the name).
    fn unique_name(
        &self,
        schema: &Schema,
        table: &Table,
        columns: &[String],
        include: &[String],
    ) -> Option<String>;

    /// A CHECK constraint's name when the SQL gives none; `column` is the one
    /// column it refers to, when it refers to exactly one, and `written_on`
    /// the column it was written on, if any.
    fn check_name(
        &self,
        schema: &Schema,
        table: &Table,
        column: Option<&str>,
        written_on: Option<&str>,
    ) -> Option<String>;

    /// A foreign key's name when the SQL gives none.
    fn foreign_key_name(
        &self,
        schema: &Schema,
        table: &Table,
        columns: &[String],
    ) -> Option<String>;

    /// An index's name when the SQL gives none (`None`: the engine requires
    /// one); `include` as for [`Engine::unique_name`].
    fn index_name(
        &self,
        schema: &Schema,
        table: &Table,
        parts: &[IndexPart],
        include: &[String],
    ) -> Option<String>;

    /// What dropping a column does to the keys and indexes that use it.
    fn drop_column_effect(&self) -> DropColumnEffect;

    /// True when dropping an object takes what depends on it along: foreign
    /// keys of other tables to a dropped table or column, views of a
    /// dropped table (PostgreSQL, with CASCADE, or it refuses); SQLite and
    /// MySQL keep references as written and accept CASCADE as a no-op.
    fn drops_dependents(&self) -> bool {
        false
    }

    /// True when the index the engine made for a foreign key goes once
    /// another index starts with its columns (InnoDB).
    fn drops_covered_foreign_key_indexes(&self) -> bool {
        false
    }

    /// The index the engine adds for a new foreign key, if it adds one
    /// (InnoDB does, unless an index already starts with its columns);
    /// `name` is the constraint's name as written.
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

/// The kinds of constraint, for the order an engine names them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConstraintKind {
    /// A primary key.
    PrimaryKey,
    /// A UNIQUE constraint.
    Unique,
    /// A CHECK constraint.
    Check,
    /// A foreign key.
    ForeignKey,
    /// MySQL's `KEY` in a table definition.
    Index,
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

/// The engine for `dialect` (`flavor`: which MySQL, when it is MySQL).
pub(crate) fn for_dialect(dialect: Dialect, flavor: MysqlFlavor) -> Box<dyn Engine> {
    match dialect {
        Dialect::Sqlite => Box::new(sqlite::Sqlite),
        Dialect::Postgres => Box::new(postgres::Postgres),
        Dialect::Mysql => Box::new(mysql::Mysql { flavor }),
    }
}
