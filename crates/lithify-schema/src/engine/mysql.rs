//! MySQL and MariaDB: names are kept as written; UNIQUE constraints are
//! unique indexes named after their first column; unnamed foreign keys are
//! `<table>_ibfk_<n>`, and InnoDB gives each foreign key an index unless one
//! already starts with its columns. Unnamed CHECK constraints are left
//! unnamed in the model: MySQL 8 calls them `<table>_chk_<n>`, MariaDB after
//! the column or `CONSTRAINT_<n>`, and the model does not know which server
//! runs the chain.

use sqlparser::dialect::{Dialect as ParserDialect, MySqlDialect};

use super::{ConstraintKind, DropColumnEffect, Engine};
use crate::model::{same_name, Dialect, IndexPart, NameKind, Schema, Table};
use crate::naming::{mysql_foreign_key_name, mysql_index_name};

pub(crate) struct Mysql;

impl Engine for Mysql {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn parser(&self) -> &dyn ParserDialect {
        &MySqlDialect {}
    }

    fn default_schema(&self) -> Option<&'static str> {
        None
    }

    fn unique_is_index(&self) -> bool {
        true
    }

    fn column_references_make_keys(&self) -> bool {
        false
    }

    /// InnoDB adds a foreign key's index once every other key of the
    /// statement exists, and only when none of them covers the key.
    fn naming_order(&self, kind: ConstraintKind) -> u8 {
        u8::from(kind == ConstraintKind::ForeignKey)
    }

    fn drop_column_effect(&self) -> DropColumnEffect {
        DropColumnEffect::ShrinkIndexes
    }

    /// Every primary key is called `PRIMARY`, whatever the SQL says.
    fn primary_key_name(
        &self,
        _given: Option<String>,
        _schema: &Schema,
        _table: &Table,
    ) -> Option<String> {
        Some("PRIMARY".to_owned())
    }

    fn unique_name(
        &self,
        _schema: &Schema,
        table: &Table,
        columns: &[String],
        _include: &[String],
    ) -> Option<String> {
        columns.first().map(|c| index_name_from(table, c))
    }

    fn check_name(
        &self,
        _schema: &Schema,
        _table: &Table,
        _column: Option<&str>,
    ) -> Option<String> {
        None
    }

    fn foreign_key_name(
        &self,
        _schema: &Schema,
        table: &Table,
        _columns: &[String],
    ) -> Option<String> {
        let existing = table.foreign_keys.iter().filter_map(|f| f.name.as_deref());
        Some(mysql_foreign_key_name(&table.name.name, existing))
    }

    fn index_name(
        &self,
        _schema: &Schema,
        table: &Table,
        parts: &[IndexPart],
        _include: &[String],
    ) -> Option<String> {
        match parts.first()? {
            IndexPart::Column(c) => Some(index_name_from(table, c)),
            IndexPart::Expression(_) => Some(index_name_from(table, "functional_index")),
        }
    }

    fn foreign_key_index(
        &self,
        table: &Table,
        name: Option<&str>,
        columns: &[String],
    ) -> Option<String> {
        let covers = |keys: &[String]| {
            keys.len() >= columns.len()
                && keys
                    .iter()
                    .zip(columns)
                    .all(|(k, c)| same_name(Dialect::Mysql, NameKind::Member, k, c))
        };
        let pk = table
            .primary_key
            .as_ref()
            .is_some_and(|p| covers(&p.columns));
        let index = table.indexes.iter().any(|i| {
            let cols: Vec<String> = i
                .parts
                .iter()
                .map_while(|p| match p {
                    IndexPart::Column(c) => Some(c.clone()),
                    IndexPart::Expression(_) => None,
                })
                .collect();
            covers(&cols)
        });
        if pk || index {
            return None;
        }
        match name {
            Some(n) if table.find_index(Dialect::Mysql, n).is_none() => Some(n.to_owned()),
            _ => columns.first().map(|c| index_name_from(table, c)),
        }
    }
}

fn index_name_from(table: &Table, first: &str) -> String {
    mysql_index_name(first, |n| {
        table.find_index(Dialect::Mysql, n).is_some() || n.eq_ignore_ascii_case("primary")
    })
}
