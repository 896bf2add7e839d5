//! Primary keys as diesel reads them from each engine's catalog, shared by
//! the inference of tables and of SQLite's rowid types.

use crate::model::{Dialect, Table};

/// The primary key as diesel reads it: key order from information_schema
/// on PostgreSQL and MySQL; on SQLite see [`sqlite_primary_key`].
pub(super) fn primary_key(dialect: Dialect, table: &Table) -> Vec<String> {
    match dialect {
        Dialect::Sqlite => sqlite_primary_key(table),
        _ => table
            .primary_key
            .as_ref()
            .map(|p| p.columns.clone())
            .unwrap_or_default(),
    }
}

/// SQLite's primary key as diesel reads it from `PRAGMA table_info`: the
/// key columns in *column* order, or, with none, the first of `rowid`,
/// `oid`, `_rowid_` that is not a column's name.
pub(super) fn sqlite_primary_key(table: &Table) -> Vec<String> {
    let key: Vec<&String> = table.primary_key.iter().flat_map(|p| &p.columns).collect();
    let in_column_order: Vec<String> = table
        .columns
        .iter()
        .filter(|c| key.iter().any(|k| k.eq_ignore_ascii_case(&c.name)))
        .map(|c| c.name.clone())
        .collect();
    if !in_column_order.is_empty() {
        return in_column_order;
    }
    ["rowid", "oid", "_rowid_"]
        .into_iter()
        .find(|alias| table.find_column(Dialect::Sqlite, alias).is_none())
        .map(|a| vec![a.to_owned()])
        .unwrap_or_default()
}
