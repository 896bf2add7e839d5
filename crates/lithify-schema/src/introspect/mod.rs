//! The engine's own description of a live schema, read into the same
//! [`Schema`] the fold builds, so the two compare ([`crate::describe`]).
//!
//! This crate has no database connection: it gives the catalog queries of
//! each engine ([`queries`]) and builds the model from their rows
//! ([`assemble`]); the caller runs the queries. Every query returns twelve
//! nullable text columns `c0` .. `c11`, laid out by its [`QueryKind`]:
//!
//! | kind | c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7 | c8 | c9 | c10 | c11 |
//! |---|---|---|---|---|---|---|---|---|---|---|---|---|
//! | relations | schema | name | `table` / `view` / `materialized view` | comment | `1`: WITHOUT ROWID | | | | | | | |
//! | columns | schema | table | position | name | type | `1`: NOT NULL | default | identity | generated | comment | `1`: built-in type | |
//! | constraints | schema | table | `p` `u` `c` `f` | name | group | position | column | ref. schema | ref. table | ref. column | on delete | on update |
//! | indexes | schema | table | name | `1`: unique | position | column (NULL: expression) | `1`: partial | method | | | | |
//! | types | schema | name | `e` `c` `d` `o` | position | label / attribute | type | `1`: NOT NULL | | | | | |

mod mysql;
mod postgres;
mod sqlite;

use std::collections::BTreeMap;

use crate::model::{
    CheckConstraint, Column, CustomType, CustomTypeKind, Dialect, ForeignKey, Identity, Index,
    IndexPart, ObjectName, PrimaryKey, ReferentialAction, Schema, SqlType, Table, UniqueConstraint,
    View,
};

/// What a catalog query lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    /// Tables and views.
    Relations,
    /// Columns of tables.
    Columns,
    /// Primary keys, UNIQUE, CHECK and foreign keys, one row per column.
    Constraints,
    /// Indexes that do not back a key, one row per key part.
    Indexes,
    /// PostgreSQL enums, composites, domains and ranges.
    Types,
}

/// One catalog query.
#[derive(Debug, Clone)]
pub struct Query {
    /// What it lists.
    pub kind: QueryKind,
    /// The SQL.
    pub sql: String,
}

/// A row: twelve nullable text columns.
pub type Row = Vec<Option<String>>;

/// The catalog queries of `dialect`.
pub fn queries(dialect: Dialect) -> Vec<Query> {
    let q = |kind, sql| Query { kind, sql };
    match dialect {
        Dialect::Sqlite => vec![
            q(QueryKind::Relations, sqlite::relations()),
            q(QueryKind::Columns, sqlite::columns()),
            q(QueryKind::Constraints, sqlite::constraints()),
            q(QueryKind::Indexes, sqlite::indexes()),
        ],
        Dialect::Postgres => vec![
            q(QueryKind::Relations, postgres::relations()),
            q(QueryKind::Columns, postgres::columns()),
            q(QueryKind::Constraints, postgres::constraints()),
            q(QueryKind::Indexes, postgres::indexes()),
            q(QueryKind::Types, postgres::types()),
        ],
        Dialect::Mysql => vec![
            q(QueryKind::Relations, mysql::relations()),
            q(QueryKind::Columns, mysql::columns()),
            q(QueryKind::Constraints, mysql::constraints()),
            q(QueryKind::Indexes, mysql::indexes()),
        ],
    }
}

/// The query that tells MySQL from MariaDB (`VERSION()` in `c0`, for
/// [`crate::model::MysqlFlavor::from_version`]); `None` for the other
/// dialects.
pub fn version_query(dialect: Dialect) -> Option<String> {
    (dialect == Dialect::Mysql).then(mysql::version)
}

/// Build the schema from the rows of [`queries`], leaving out the tables in
/// `skip` (bookkeeping tables: lithify's own, diesel's).
pub fn assemble(dialect: Dialect, results: Vec<(QueryKind, Vec<Row>)>, skip: &[&str]) -> Schema {
    let mut schema = Schema::new(dialect);
    let mut by_kind: BTreeMap<u8, Vec<Row>> = BTreeMap::new();
    for (kind, rows) in results {
        by_kind.entry(kind as u8).or_default().extend(rows);
    }
    let mut take = |k: QueryKind| by_kind.remove(&(k as u8)).unwrap_or_default();
    let relations = take(QueryKind::Relations);
    let columns = take(QueryKind::Columns);
    let constraints = take(QueryKind::Constraints);
    let indexes = take(QueryKind::Indexes);
    let types = take(QueryKind::Types);
    let skipped = |r: &Row| {
        r.get(1)
            .and_then(|c| c.as_deref())
            .is_some_and(|n| skip.contains(&n))
    };
    for r in relations.iter().filter(|r| !skipped(r)) {
        relation(&mut schema, r);
    }
    let mut cols: Vec<&Row> = columns.iter().filter(|r| !skipped(r)).collect();
    cols.sort_by_key(|r| number(r, 2));
    for r in cols {
        column(&mut schema, r);
    }
    for (key, rows) in group(constraints.iter().filter(|r| !skipped(r)), &[0, 1, 2, 4]) {
        constraint(&mut schema, &key, rows);
    }
    for (key, rows) in group(indexes.iter().filter(|r| !skipped(r)), &[0, 1, 2]) {
        index(&mut schema, &key, rows);
    }
    for (key, rows) in group(types.iter(), &[0, 1, 2]) {
        custom_type(&mut schema, &key, rows);
    }
    schema
}

fn text(r: &Row, i: usize) -> Option<&str> {
    r.get(i).and_then(|c| c.as_deref())
}

fn flag(r: &Row, i: usize) -> bool {
    matches!(text(r, i), Some("1" | "t" | "true"))
}

fn number(r: &Row, i: usize) -> i64 {
    text(r, i).and_then(|t| t.parse().ok()).unwrap_or(0)
}

fn name_at(r: &Row, schema: usize, name: usize) -> ObjectName {
    ObjectName::in_schema(
        text(r, schema).map(str::to_owned),
        text(r, name).unwrap_or_default(),
    )
}

/// Rows grouped by the columns `key`, each group sorted by position (c5 for
/// constraints, c4 for indexes and c3 for types: the column after the key).
fn group<'a>(
    rows: impl Iterator<Item = &'a Row>,
    key: &[usize],
) -> Vec<(Vec<Option<String>>, Vec<&'a Row>)> {
    let mut groups: BTreeMap<Vec<Option<String>>, Vec<&'a Row>> = BTreeMap::new();
    for r in rows {
        let k = key.iter().map(|&i| r.get(i).cloned().flatten()).collect();
        groups.entry(k).or_default().push(r);
    }
    groups.into_iter().collect()
}

fn relation(schema: &mut Schema, r: &Row) {
    let name = name_at(r, 0, 1);
    match text(r, 2) {
        Some("view") | Some("materialized view") => schema.views.push(View {
            name,
            materialized: text(r, 2) == Some("materialized view"),
            tables: Vec::new(),
            definition: None,
        }),
        _ => {
            let mut t = Table::new(name);
            t.comment = text(r, 3).map(str::to_owned);
            t.without_rowid = flag(r, 4);
            schema.push_table(t);
        }
    }
}

fn column(schema: &mut Schema, r: &Row) {
    let dialect = schema.dialect;
    let table_name = name_at(r, 0, 1);
    let Some(table) = schema.find_table_mut(&table_name) else {
        return;
    };
    let type_text = text(r, 4).unwrap_or_default();
    let ty = match SqlType::parse(dialect, type_text) {
        Ok((SqlType::Postgres(mut p), _)) => {
            p.builtin = flag(r, 10);
            if p.schema.as_deref() == Some("public") {
                p.schema = None;
            }
            SqlType::Postgres(p)
        }
        Ok((t, _)) => t,
        Err(e) => {
            table.unknown = Some(crate::model::Unknown {
                revision: String::new(),
                file: Default::default(),
                line: 0,
                reason: e.to_string(),
            });
            return;
        }
    };
    let identity = match text(r, 7) {
        Some("always") => Some(Identity::Always),
        Some("by default") => Some(Identity::ByDefault),
        Some("auto_increment") => Some(Identity::AutoIncrement),
        _ => None,
    };
    let generated = text(r, 8).map(|kind| crate::model::Generated {
        expr: String::new(),
        stored: kind == "stored",
    });
    table.columns.push(Column {
        name: text(r, 3).unwrap_or_default().to_owned(),
        ty,
        nullable: !flag(r, 5),
        default: if generated.is_some() {
            None
        } else {
            text(r, 6).map(str::to_owned)
        },
        identity,
        generated,
        comment: text(r, 9).map(str::to_owned),
    });
}

fn constraint(schema: &mut Schema, key: &[Option<String>], mut rows: Vec<&Row>) {
    rows.sort_by_key(|r| number(r, 5));
    let table_name = ObjectName::in_schema(key[0].clone(), key[1].clone().unwrap_or_default());
    let Some(first) = rows.first() else { return };
    let name = text(first, 3).map(str::to_owned);
    let columns: Vec<String> = rows
        .iter()
        .filter_map(|r| text(r, 6))
        .map(str::to_owned)
        .collect();
    let Some(table) = schema.find_table_mut(&table_name) else {
        return;
    };
    match key[2].as_deref() {
        Some("p") => table.primary_key = Some(PrimaryKey { name, columns }),
        Some("u") => table.uniques.push(UniqueConstraint { name, columns }),
        Some("c") => table.checks.push(CheckConstraint {
            name,
            expr: String::new(),
            column: None,
        }),
        Some("f") => table.foreign_keys.push(ForeignKey {
            name,
            columns,
            ref_table: name_at(first, 7, 8),
            ref_columns: rows
                .iter()
                .filter_map(|r| text(r, 9))
                .map(str::to_owned)
                .collect(),
            on_delete: action(text(first, 10)),
            on_update: action(text(first, 11)),
        }),
        _ => {}
    }
}

/// PostgreSQL's one-letter codes and the words SQLite and MySQL report.
fn action(code: Option<&str>) -> ReferentialAction {
    match code.map(str::to_ascii_uppercase).as_deref() {
        Some("R" | "RESTRICT") => ReferentialAction::Restrict,
        Some("C" | "CASCADE") => ReferentialAction::Cascade,
        Some("N" | "SET NULL") => ReferentialAction::SetNull,
        Some("D" | "SET DEFAULT") => ReferentialAction::SetDefault,
        _ => ReferentialAction::NoAction,
    }
}

fn index(schema: &mut Schema, key: &[Option<String>], mut rows: Vec<&Row>) {
    rows.sort_by_key(|r| number(r, 4));
    let table_name = ObjectName::in_schema(key[0].clone(), key[1].clone().unwrap_or_default());
    let Some(first) = rows.first() else { return };
    let parts = rows
        .iter()
        .map(|r| match text(r, 5) {
            Some(c) => IndexPart::Column(c.to_owned()),
            None => IndexPart::Expression(String::new()),
        })
        .collect();
    let index = Index {
        name: key[2].clone().unwrap_or_default(),
        unique: flag(first, 3),
        parts,
        predicate: flag(first, 6).then(String::new),
        for_foreign_key: false,
        method: text(first, 7).map(str::to_owned),
    };
    if let Some(table) = schema.find_table_mut(&table_name) {
        table.indexes.push(index);
    }
}

fn custom_type(schema: &mut Schema, key: &[Option<String>], mut rows: Vec<&Row>) {
    rows.sort_by(|a, b| {
        let n = |r: &Row| {
            text(r, 3)
                .and_then(|t| t.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        n(a).total_cmp(&n(b))
    });
    let name = ObjectName::in_schema(key[0].clone(), key[1].clone().unwrap_or_default());
    let ty = |r: &Row| {
        SqlType::parse(Dialect::Postgres, text(r, 5).unwrap_or_default())
            .map(|(t, _)| t)
            .ok()
    };
    let kind = match key[2].as_deref() {
        Some("e") => CustomTypeKind::Enum(
            rows.iter()
                .filter_map(|r| text(r, 4))
                .map(str::to_owned)
                .collect(),
        ),
        Some("c") => CustomTypeKind::Composite(
            rows.iter()
                .filter_map(|r| Some((text(r, 4)?.to_owned(), ty(r)?)))
                .collect(),
        ),
        Some("d") => match rows.first().and_then(|r| ty(r)) {
            Some(base) => CustomTypeKind::Domain {
                base,
                not_null: rows.first().is_some_and(|r| flag(r, 6)),
            },
            None => CustomTypeKind::Other,
        },
        _ => CustomTypeKind::Other,
    };
    schema.types.push(CustomType { name, kind });
}
