//! MySQL and MariaDB: names are kept as written; UNIQUE constraints are
//! unique indexes named after their first column; unnamed foreign keys are
//! `<table>_ibfk_<n>` (renamed with the table), and InnoDB gives each
//! foreign key an index unless one already starts with its columns.
//!
//! Where the two servers differ ([`MysqlFlavor`]): MySQL 8 calls unnamed
//! CHECKs `<table>_chk_<n>` and ignores a `REFERENCES` written on a column;
//! MariaDB names a CHECK written on a column after the column (and replaces
//! it when the column is redefined), other unnamed ones `CONSTRAINT_<n>`,
//! stores `JSON` as `LONGTEXT` with a `json_valid` CHECK, and makes a
//! foreign key of a column's `REFERENCES`. Without a flavor, CHECKs stay
//! unnamed and a column's `REFERENCES` makes the table unknown.

use sqlparser::dialect::{Dialect as ParserDialect, MySqlDialect};

use super::{ConstraintKind, DropColumnEffect, Engine};
use crate::model::{same_name, Dialect, IndexPart, MysqlFlavor, NameKind, Schema, Table};
use crate::naming::{mysql_check_name, mysql_foreign_key_name, mysql_index_name};

/// MySQL or MariaDB, as far as the fold knows which.
pub(crate) struct Mysql {
    /// The server, when known.
    pub(crate) flavor: MysqlFlavor,
}

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

    fn column_references_make_keys(&self) -> Result<bool, String> {
        match self.flavor {
            MysqlFlavor::Mysql => Ok(false),
            MysqlFlavor::Mariadb => Ok(true),
            MysqlFlavor::Unknown => Err("a REFERENCES written on a column is a foreign key on \
                 MariaDB and ignored by MySQL, and the fold is not told which server runs the \
                 chain; write it as a FOREIGN KEY (...) REFERENCES clause of the table"
                .to_owned()),
        }
    }

    fn drops_covered_foreign_key_indexes(&self) -> bool {
        true
    }

    fn json_is_checked_longtext(&self) -> bool {
        self.flavor == MysqlFlavor::Mariadb
    }

    fn column_checks_belong_to_column(&self) -> bool {
        self.flavor == MysqlFlavor::Mariadb
    }

    fn renamed_constraint(&self, table: &str, to: &str, name: &str) -> Option<String> {
        let derived = |infix: &str| {
            let n = name.strip_prefix(table)?.strip_prefix(infix)?;
            n.parse::<u32>().ok().map(|n| format!("{to}{infix}{n}"))
        };
        derived("_ibfk_").or_else(|| {
            (self.flavor == MysqlFlavor::Mysql)
                .then(|| derived("_chk_"))
                .flatten()
        })
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
        table: &Table,
        _column: Option<&str>,
        written_on: Option<&str>,
    ) -> Option<String> {
        let taken: Vec<&str> = table.constraint_names();
        match (self.flavor, written_on) {
            (MysqlFlavor::Mariadb, Some(column)) => Some(column.to_owned()),
            (MysqlFlavor::Mariadb, None) => Some(smallest_unused(&taken, "CONSTRAINT_")),
            (MysqlFlavor::Mysql, _) => Some(mysql_check_name(&table.name.name, taken.into_iter())),
            (MysqlFlavor::Unknown, _) => None,
        }
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
            let cols = i.leading_columns();
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

/// `<prefix><n>` for the smallest `n` from 1 that no name in `taken` has
/// (MariaDB reuses the numbers of dropped CHECKs).
fn smallest_unused(taken: &[&str], prefix: &str) -> String {
    (1u32..)
        .map(|n| format!("{prefix}{n}"))
        .find(|c| !taken.iter().any(|t| t.eq_ignore_ascii_case(c)))
        .unwrap_or_else(|| prefix.to_owned())
}

fn index_name_from(table: &Table, first: &str) -> String {
    mysql_index_name(first, |n| {
        table.find_index(Dialect::Mysql, n).is_some() || n.eq_ignore_ascii_case("primary")
    })
}
