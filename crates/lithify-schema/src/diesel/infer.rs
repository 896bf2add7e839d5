//! From the model to what `diesel print-schema` would infer from a database
//! holding it: the tables it prints, in its order, with its names, keys,
//! types and foreign keys — diesel_cli's `infer_schema_internals`, with the
//! model where diesel reads the catalog.

use std::collections::BTreeSet;

use crate::model::{Dialect, ObjectName, Schema, Table};
use crate::naming::rust_name_for_sql_name;

use super::config::{ColumnSorting, PrintSchemaConfig};
use super::keys::{primary_key, sqlite_primary_key};
use super::types::{column_type, ColumnType};

/// A table's name as diesel holds it (its `TableName`; the derived order is
/// diesel's: SQL name first).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableName {
    /// The SQL name.
    pub sql_name: String,
    /// The Rust name.
    pub rust_name: String,
    /// The SQL schema, when not the default one.
    pub schema: Option<String>,
    /// Its Rust name.
    pub rust_schema: Option<String>,
}

impl TableName {
    /// `schema.name`, or `name`.
    pub fn full_sql_name(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.sql_name),
            None => self.sql_name.clone(),
        }
    }
}

/// A column as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDefinition {
    /// Its SQL name.
    pub sql_name: String,
    /// Its Rust name.
    pub rust_name: String,
    /// Its diesel type.
    pub ty: ColumnType,
    /// Its comment.
    pub comment: Option<String>,
}

/// A table as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableData {
    /// Its name.
    pub name: TableName,
    /// Rust names of its primary-key columns.
    pub primary_key: Vec<String>,
    /// Its columns in print order.
    pub columns: Vec<ColumnDefinition>,
    /// Its comment.
    pub comment: Option<String>,
}

/// A foreign key as diesel sees it for `joinable!`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKeyConstraint {
    /// The referencing table.
    pub child_table: TableName,
    /// The referenced table.
    pub parent_table: TableName,
    /// Referencing columns (SQL names).
    pub foreign_key_columns: Vec<String>,
    /// Their Rust names.
    pub foreign_key_columns_rust: Vec<String>,
    /// Referenced columns.
    pub primary_key_columns: Vec<String>,
}

impl ForeignKeyConstraint {
    fn ordered_tables(&self) -> (&TableName, &TableName) {
        if self.parent_table <= self.child_table {
            (&self.parent_table, &self.child_table)
        } else {
            (&self.child_table, &self.parent_table)
        }
    }
}

/// Why a table is not printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The table.
    pub table: ObjectName,
    /// Why.
    pub reason: String,
}

/// Everything print-schema would print, before printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inferred {
    /// The dialect.
    pub dialect: Dialect,
    /// Tables, sorted by SQL name.
    pub tables: Vec<TableData>,
    /// Foreign keys that become `joinable!`, sorted.
    pub foreign_keys: Vec<ForeignKeyConstraint>,
    /// Tables left out, and why.
    pub left_out: Vec<LeftOut>,
}

/// Infer what diesel would print for `schema` with `config`.
pub fn infer(schema: &Schema, config: &PrintSchemaConfig) -> Inferred {
    let mut left_out = Vec::new();
    let candidates = printed_tables(schema, config, &mut left_out);
    let mut tables = Vec::new();
    for (name, table) in &candidates {
        match table_data(schema, table, name.clone(), config) {
            Ok(data) => tables.push(data),
            Err(reason) => left_out.push(LeftOut {
                table: table.name.clone(),
                reason,
            }),
        }
    }
    let names: Vec<TableName> = tables.iter().map(|t| t.name.clone()).collect();
    let all_fks = foreign_keys(schema, config, &candidates);
    let foreign_keys = safe_foreign_keys(schema, &all_fks, &names);
    Inferred {
        dialect: schema.dialect,
        tables,
        foreign_keys,
        left_out,
    }
}

/// The tables print-schema lists: base tables of the configured schema,
/// sorted by name, without `__*` (and on SQLite `sqlite*`) ones, filtered;
/// unknown ones are left out, with the reason.
fn printed_tables<'s>(
    schema: &'s Schema,
    config: &PrintSchemaConfig,
    left_out: &mut Vec<LeftOut>,
) -> Vec<(TableName, &'s Table)> {
    let wanted = wanted_schema(schema.dialect, config);
    let rust_schema = wanted.as_deref().map(|s| rust_name_for_sql_name(s, None));
    let mut out: Vec<(TableName, &Table)> = schema
        .tables
        .iter()
        .filter(|t| t.name.schema == wanted)
        .filter(|t| !t.name.name.starts_with("__"))
        .filter(|t| {
            schema.dialect != Dialect::Sqlite
                || !t.name.name.to_ascii_lowercase().starts_with("sqlite")
        })
        .filter(|t| !config.filter.ignores(&t.name.name))
        .filter_map(|t| {
            if let Some(u) = &t.unknown {
                left_out.push(LeftOut {
                    table: t.name.clone(),
                    reason: format!(
                        "its shape is not known since {}:{} (revision `{}`)",
                        u.file.display().to_string().replace('\\', "/"),
                        u.line,
                        u.revision
                    ),
                });
                return None;
            }
            let name = TableName {
                rust_name: rust_name_for_sql_name(&t.name.name, None),
                sql_name: t.name.name.clone(),
                schema: wanted.clone(),
                rust_schema: rust_schema.clone(),
            };
            Some((name, &**t))
        })
        .collect();
    out.sort_by(|a, b| a.0.sql_name.cmp(&b.0.sql_name));
    out
}

/// The model's schema name for diesel's `schema` key (`None`: the default).
fn wanted_schema(dialect: Dialect, config: &PrintSchemaConfig) -> Option<String> {
    let default = match dialect {
        Dialect::Postgres => Some("public"),
        Dialect::Sqlite => Some("main"),
        Dialect::Mysql => None,
    };
    config
        .schema
        .clone()
        .filter(|s| Some(s.as_str()) != default)
}

fn table_data(
    schema: &Schema,
    table: &Table,
    name: TableName,
    config: &PrintSchemaConfig,
) -> Result<TableData, String> {
    let pk_sql = primary_key(schema.dialect, table);
    if pk_sql.is_empty() {
        return Err(
            "it has no primary key (diesel's table! needs one; print-schema stops on such a table)"
                .to_owned(),
        );
    }
    let mut columns = Vec::new();
    for c in &table.columns {
        let ty = column_type(schema, table, c, config)
            .map_err(|u| format!("column `{}`: {}", c.name, u.0))?;
        columns.push(ColumnDefinition {
            rust_name: rust_name_for_sql_name(&c.name, Some(&name.rust_name)),
            sql_name: c.name.clone(),
            ty,
            comment: c.comment.clone(),
        });
    }
    if schema.dialect == Dialect::Sqlite {
        // A table without a declared key is keyed by its rowid.
        if let [pk] = pk_sql.as_slice() {
            if table.find_column(Dialect::Sqlite, pk).is_none() {
                let bigint = config.sqlite_integer_primary_key_is_bigint.unwrap_or(false)
                    && !table.without_rowid;
                columns.insert(0, rowid_column(pk, &name.rust_name, bigint));
            }
        }
    }
    if config.column_sorting == ColumnSorting::Name {
        columns.sort_by(|a, b| a.sql_name.cmp(&b.sql_name));
    }
    Ok(TableData {
        primary_key: pk_sql
            .iter()
            .map(|k| rust_name_for_sql_name(k, Some(&name.rust_name)))
            .collect(),
        name,
        columns,
        comment: table.comment.clone(),
    })
}

/// The implicit rowid key diesel adds to a SQLite table without one: typed
/// like an `integer` primary key (a `BigInt` with
/// `sqlite_integer_primary_key_is_bigint`).
fn rowid_column(name: &str, table_rust_name: &str, bigint: bool) -> ColumnDefinition {
    let ty = if bigint { "BigInt" } else { "Integer" };
    ColumnDefinition {
        sql_name: name.to_owned(),
        rust_name: rust_name_for_sql_name(name, Some(table_rust_name)),
        ty: ColumnType {
            schema: None,
            rust_name: ty.to_owned(),
            sql_name: ty.to_owned(),
            is_array: false,
            is_nullable: false,
            is_unsigned: false,
            max_length: None,
        },
        comment: None,
    }
}

/// Every foreign key between the printed schema's tables, grouped and
/// sorted as diesel's loader for the engine does.
fn foreign_keys(
    schema: &Schema,
    config: &PrintSchemaConfig,
    tables: &[(TableName, &Table)],
) -> Vec<ForeignKeyConstraint> {
    let wanted = wanted_schema(schema.dialect, config);
    let name_of = |o: &ObjectName| TableName {
        rust_name: rust_name_for_sql_name(&o.name, None),
        sql_name: o.name.clone(),
        schema: o.schema.clone(),
        rust_schema: o.schema.as_deref().map(|s| rust_name_for_sql_name(s, None)),
    };
    let mut out: Vec<ForeignKeyConstraint> = Vec::new();
    // diesel reads foreign keys from the catalog of the printed schema,
    // whether or not the tables are printed (filtered, no key, unknown).
    let all = schema
        .tables
        .iter()
        .filter(|t| t.name.schema == wanted && t.unknown.is_none());
    for child in all {
        let child_name = tables
            .iter()
            .find(|(_, t)| t.name == child.name)
            .map(|(n, _)| n.clone())
            .unwrap_or_else(|| name_of(&child.name));
        for fk in &child.foreign_keys {
            if fk.ref_table.schema != wanted {
                continue;
            }
            let parent = name_of(&fk.ref_table);
            let rust = |c: &String| rust_name_for_sql_name(c, Some(&child_name.rust_name));
            match schema.dialect {
                // One row per column, each its own key; the referenced
                // column is the named one or the parent's primary key.
                Dialect::Sqlite => {
                    let parent_pk = schema
                        .find_table(&fk.ref_table)
                        .map(sqlite_primary_key)
                        .unwrap_or_else(|| vec!["rowid".to_owned()]);
                    for (i, c) in fk.columns.iter().enumerate() {
                        let referenced = match fk.ref_columns.get(i) {
                            Some(r) => vec![r.clone()],
                            None => parent_pk.clone(),
                        };
                        out.push(ForeignKeyConstraint {
                            child_table: child_name.clone(),
                            parent_table: parent.clone(),
                            foreign_key_columns: vec![c.clone()],
                            foreign_key_columns_rust: vec![rust(c)],
                            primary_key_columns: referenced,
                        });
                    }
                }
                // Grouped by (child, parent): two keys between the same
                // tables become one of several columns.
                Dialect::Postgres => {
                    let referenced = referenced_columns(schema, fk);
                    match out
                        .iter_mut()
                        .find(|f| f.child_table == child_name && f.parent_table == parent)
                    {
                        Some(existing) => {
                            existing
                                .foreign_key_columns
                                .extend(fk.columns.iter().cloned());
                            existing
                                .foreign_key_columns_rust
                                .extend(fk.columns.iter().map(rust));
                            existing.primary_key_columns.extend(referenced);
                        }
                        None => out.push(ForeignKeyConstraint {
                            child_table: child_name.clone(),
                            parent_table: parent.clone(),
                            foreign_key_columns: fk.columns.clone(),
                            foreign_key_columns_rust: fk.columns.iter().map(rust).collect(),
                            primary_key_columns: referenced,
                        }),
                    }
                }
                Dialect::Mysql => out.push(ForeignKeyConstraint {
                    child_table: child_name.clone(),
                    parent_table: parent,
                    foreign_key_columns: fk.columns.clone(),
                    foreign_key_columns_rust: fk.columns.iter().map(rust).collect(),
                    primary_key_columns: referenced_columns(schema, fk),
                }),
            }
        }
    }
    out.sort();
    out
}

/// The referenced columns of a PostgreSQL or MySQL foreign key: as written,
/// or (none written) the parent's primary key, which is what they resolve to.
fn referenced_columns(schema: &Schema, fk: &crate::model::ForeignKey) -> Vec<String> {
    if !fk.ref_columns.is_empty() {
        return fk.ref_columns.clone();
    }
    schema
        .find_table(&fk.ref_table)
        .and_then(|t| t.primary_key.as_ref())
        .map(|p| p.columns.clone())
        .unwrap_or_default()
}

/// diesel's `remove_unsafe_foreign_keys_for_codegen`: no self references,
/// both tables printed, one column, referencing the parent's one primary-key
/// column, and no pair of tables joined by more than one key.
fn safe_foreign_keys(
    schema: &Schema,
    fks: &[ForeignKeyConstraint],
    tables: &[TableName],
) -> Vec<ForeignKeyConstraint> {
    let mut pair_count: std::collections::BTreeMap<(&TableName, &TableName), usize> =
        Default::default();
    for fk in fks {
        *pair_count.entry(fk.ordered_tables()).or_default() += 1;
    }
    let duplicated: BTreeSet<(&TableName, &TableName)> = pair_count
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(k, _)| k)
        .collect();
    fks.iter()
        .filter(|fk| fk.parent_table != fk.child_table)
        .filter(|fk| tables.contains(&fk.parent_table) && tables.contains(&fk.child_table))
        .filter(|fk| fk.foreign_key_columns.len() == 1)
        .filter(|fk| {
            let parent = ObjectName::in_schema(
                fk.parent_table.schema.clone(),
                fk.parent_table.sql_name.clone(),
            );
            let pk = schema
                .find_table(&parent)
                .map(|t| primary_key(schema.dialect, t))
                .unwrap_or_default();
            pk.len() == 1 && fk.primary_key_columns.first() == pk.first()
        })
        .filter(|fk| !duplicated.contains(&fk.ordered_tables()))
        .cloned()
        .collect()
}
