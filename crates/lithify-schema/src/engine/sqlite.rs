//! SQLite: names are kept as written and compared without regard to ASCII
//! case; a constraint has a name only when the SQL gives one (the indexes
//! behind keys, `sqlite_autoindex_<table>_<n>`, are not the model's); a
//! primary key does not make its columns NOT NULL; a UNIQUE on the columns
//! of another key of the same statement shares that key's index, except
//! the rowid alias (`INTEGER PRIMARY KEY`), which has none.

use sqlparser::dialect::{Dialect as ParserDialect, SQLiteDialect};

use super::{DropColumnEffect, Engine};
use crate::model::{Dialect, IndexPart, Schema, SqlType, Table};

pub(crate) struct Sqlite;

impl Engine for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn parser(&self) -> &dyn ParserDialect {
        &SQLiteDialect {}
    }

    fn default_schema(&self) -> Option<&'static str> {
        Some("main")
    }

    fn primary_key_implies_not_null(&self, table: &Table) -> bool {
        table.without_rowid
    }

    fn types_are_words(&self) -> bool {
        true
    }

    fn null_default_is_no_default(&self) -> bool {
        false
    }

    fn defaults_as_written(&self) -> bool {
        true
    }

    fn referenced_columns_as_written(&self) -> bool {
        true
    }

    fn folds_identical_keys(&self) -> bool {
        true
    }

    fn key_has_index(&self, table: &Table, columns: &[String]) -> bool {
        !is_rowid_alias(table, columns)
    }

    fn drop_column_effect(&self) -> DropColumnEffect {
        DropColumnEffect::Nothing
    }

    fn primary_key_name(
        &self,
        given: Option<String>,
        _schema: &Schema,
        _table: &Table,
    ) -> Option<String> {
        given
    }

    fn unique_name(
        &self,
        _schema: &Schema,
        _table: &Table,
        _columns: &[String],
        _include: &[String],
    ) -> Option<String> {
        None
    }

    fn check_name(
        &self,
        _schema: &Schema,
        _table: &Table,
        _column: Option<&str>,
        _written_on: Option<&str>,
    ) -> Option<String> {
        None
    }

    fn foreign_key_name(
        &self,
        _schema: &Schema,
        _table: &Table,
        _columns: &[String],
    ) -> Option<String> {
        None
    }

    fn index_name(
        &self,
        _schema: &Schema,
        _table: &Table,
        _parts: &[IndexPart],
        _include: &[String],
    ) -> Option<String> {
        None
    }
}

/// A primary key on one column declared exactly `INTEGER`, in a rowid
/// table: the rowid itself, with no index of its own.
fn is_rowid_alias(table: &Table, columns: &[String]) -> bool {
    let [column] = columns else {
        return false;
    };
    !table.without_rowid
        && table.find_column(Dialect::Sqlite, column).is_some_and(
            |c| matches!(&c.ty, SqlType::Sqlite(t) if t.declared.eq_ignore_ascii_case("integer")),
        )
}
