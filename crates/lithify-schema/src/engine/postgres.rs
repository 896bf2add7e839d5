//! PostgreSQL: unquoted names fold to lower case, and unnamed constraints
//! and indexes get `makeObjectName` names (`jobs_pkey`, `jobs_title_key`,
//! `jobs_company_id_fkey`, `jobs_title_idx`), numbered on a clash.

use sqlparser::ast::Ident;
use sqlparser::dialect::{Dialect as ParserDialect, PostgreSqlDialect};

use super::{DropColumnEffect, Engine};
use crate::model::{Dialect, IndexPart, Schema, Table};
use crate::naming::{pg_choose_name, pg_index_column_names, pg_index_name_addition};

pub(crate) struct Postgres;

impl Engine for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn parser(&self) -> &dyn ParserDialect {
        &PostgreSqlDialect {}
    }

    fn ident(&self, ident: &Ident) -> String {
        match ident.quote_style {
            Some(_) => ident.value.clone(),
            None => ident.value.to_ascii_lowercase(),
        }
    }

    fn default_schema(&self) -> Option<&'static str> {
        Some("public")
    }

    fn drop_column_effect(&self) -> DropColumnEffect {
        DropColumnEffect::DropDependents
    }

    fn foreign_keys_follow_tables(&self) -> bool {
        true
    }

    fn primary_key_name(&self, schema: &Schema, table: &Table) -> Option<String> {
        Some(pg_choose_name(&table.name.name, None, "pkey", |n| {
            relation_taken(schema, table, n)
        }))
    }

    fn unique_name(&self, schema: &Schema, table: &Table, columns: &[String]) -> Option<String> {
        let addition = pg_index_name_addition(columns);
        Some(pg_choose_name(
            &table.name.name,
            Some(&addition),
            "key",
            |n| relation_taken(schema, table, n),
        ))
    }

    fn check_name(&self, table: &Table, column: Option<&str>) -> Option<String> {
        Some(pg_choose_name(&table.name.name, column, "check", |n| {
            table.constraint_names().contains(&n)
        }))
    }

    fn foreign_key_name(&self, table: &Table, columns: &[String]) -> Option<String> {
        let addition = pg_index_name_addition(columns);
        Some(pg_choose_name(
            &table.name.name,
            Some(&addition),
            "fkey",
            |n| table.constraint_names().contains(&n),
        ))
    }

    fn index_name(&self, schema: &Schema, table: &Table, parts: &[IndexPart]) -> Option<String> {
        let keys: Vec<Option<&str>> = parts
            .iter()
            .map(|p| match p {
                IndexPart::Column(c) => Some(c.as_str()),
                IndexPart::Expression(_) => None,
            })
            .collect();
        let addition = pg_index_name_addition(&pg_index_column_names(&keys));
        Some(pg_choose_name(
            &table.name.name,
            Some(&addition),
            "idx",
            |n| relation_taken(schema, table, n),
        ))
    }
}

/// True when `name` is a relation of `table`'s schema: a table, a view, or
/// an index (explicit, or behind a key) — `table` itself may not be in
/// `schema` yet.
fn relation_taken(schema: &Schema, table: &Table, name: &str) -> bool {
    let same_schema = |s: &Option<String>| *s == table.name.schema;
    let in_table = |t: &Table| {
        t.name.name == name
            || t.indexes.iter().any(|i| i.name == name)
            || t.implicit_index_names().any(|n| n == name)
    };
    in_table(table)
        || schema
            .tables
            .iter()
            .filter(|t| same_schema(&t.name.schema))
            .any(in_table)
        || schema
            .views
            .iter()
            .any(|v| same_schema(&v.name.schema) && v.name.name == name)
}
