//! SQLite: names are kept as written and compared without regard to ASCII
//! case; a constraint has a name only when the SQL gives one (the indexes
//! behind keys, `sqlite_autoindex_<table>_<n>`, are not the model's); a
//! primary key does not make its columns NOT NULL.

use sqlparser::dialect::{Dialect as ParserDialect, SQLiteDialect};

use super::{DropColumnEffect, Engine};
use crate::model::{Dialect, IndexPart, Schema, Table};

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

    fn primary_key_implies_not_null(&self) -> bool {
        false
    }

    fn drop_column_effect(&self) -> DropColumnEffect {
        DropColumnEffect::Nothing
    }

    fn primary_key_name(&self, _schema: &Schema, _table: &Table) -> Option<String> {
        None
    }

    fn unique_name(&self, _schema: &Schema, _table: &Table, _columns: &[String]) -> Option<String> {
        None
    }

    fn check_name(&self, _table: &Table, _column: Option<&str>) -> Option<String> {
        None
    }

    fn foreign_key_name(&self, _table: &Table, _columns: &[String]) -> Option<String> {
        None
    }

    fn index_name(&self, _schema: &Schema, _table: &Table, _parts: &[IndexPart]) -> Option<String> {
        None
    }
}
