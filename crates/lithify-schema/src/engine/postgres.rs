//! PostgreSQL: unquoted names fold to lower case, and unnamed constraints
//! and indexes get `makeObjectName` names (`jobs_pkey`, `jobs_title_key`,
//! `jobs_company_id_fkey`, `jobs_title_idx`), numbered on a clash with a
//! name already used in the schema: by a relation (table, view, index,
//! composite type) for keys and indexes, by a constraint for keys, CHECKs
//! and foreign keys. An expression in an index is named as
//! `FigureColname` names a column of a query (`lower(title)`: `lower`).

use sqlparser::ast::{Expr, Ident};
use sqlparser::dialect::{Dialect as ParserDialect, PostgreSqlDialect};
use sqlparser::parser::Parser;

use super::{ConstraintKind, DropColumnEffect, Engine};
use crate::model::{CustomTypeKind, Dialect, IndexPart, PgType, Schema, Table};
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

    fn references_primary_key(&self) -> bool {
        true
    }

    /// CHECKs are named when the table is made, then the primary key's and
    /// the UNIQUEs' indexes are built, then the foreign keys added.
    fn naming_order(&self, kind: ConstraintKind) -> u8 {
        match kind {
            ConstraintKind::Check => 0,
            ConstraintKind::PrimaryKey => 1,
            ConstraintKind::Unique | ConstraintKind::Index => 2,
            ConstraintKind::ForeignKey => 3,
        }
    }

    fn folds_identical_keys(&self) -> bool {
        true
    }

    fn drop_column_effect(&self) -> DropColumnEffect {
        DropColumnEffect::DropDependents
    }

    fn drops_dependents(&self) -> bool {
        true
    }

    fn primary_key_name(
        &self,
        given: Option<String>,
        schema: &Schema,
        table: &Table,
    ) -> Option<String> {
        given.or_else(|| {
            Some(pg_choose_name(&table.name.name, None, "pkey", |n| {
                relation_taken(schema, table, n) || constraint_taken(schema, table, n)
            }))
        })
    }

    fn unique_name(
        &self,
        schema: &Schema,
        table: &Table,
        columns: &[String],
        include: &[String],
    ) -> Option<String> {
        let mut names = columns.to_vec();
        names.extend_from_slice(include);
        let addition = pg_index_name_addition(&names);
        Some(pg_choose_name(
            &table.name.name,
            Some(&addition),
            "key",
            |n| relation_taken(schema, table, n) || constraint_taken(schema, table, n),
        ))
    }

    fn check_name(
        &self,
        schema: &Schema,
        table: &Table,
        column: Option<&str>,
        _written_on: Option<&str>,
    ) -> Option<String> {
        Some(pg_choose_name(&table.name.name, column, "check", |n| {
            constraint_taken(schema, table, n)
        }))
    }

    fn foreign_key_name(
        &self,
        schema: &Schema,
        table: &Table,
        columns: &[String],
    ) -> Option<String> {
        let addition = pg_index_name_addition(columns);
        Some(pg_choose_name(
            &table.name.name,
            Some(&addition),
            "fkey",
            |n| constraint_taken(schema, table, n),
        ))
    }

    fn index_name(
        &self,
        schema: &Schema,
        table: &Table,
        parts: &[IndexPart],
        include: &[String],
    ) -> Option<String> {
        let mut keys: Vec<Option<String>> = parts
            .iter()
            .map(|p| match p {
                IndexPart::Column(c) => Some(c.clone()),
                IndexPart::Expression(e) => expression_column_name(e),
            })
            .collect();
        keys.extend(include.iter().cloned().map(Some));
        let keys: Vec<Option<&str>> = keys.iter().map(Option::as_deref).collect();
        let addition = pg_index_name_addition(&pg_index_column_names(&keys));
        Some(pg_choose_name(
            &table.name.name,
            Some(&addition),
            "idx",
            |n| relation_taken(schema, table, n),
        ))
    }
}

/// True when `name` is a relation of `table`'s schema: a table, a view, an
/// index (explicit, or behind a key) or a composite type — `table` itself
/// may not be in `schema` yet.
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
            .any(|t| in_table(t))
        || schema
            .views
            .iter()
            .any(|v| same_schema(&v.name.schema) && v.name.name == name)
        || schema.types.iter().any(|t| {
            same_schema(&t.name.schema)
                && t.name.name == name
                && matches!(t.kind, CustomTypeKind::Composite(_))
        })
}

/// True when a constraint of `table`'s schema is called `name` (PostgreSQL
/// keeps constraint names unique per schema when it chooses them).
fn constraint_taken(schema: &Schema, table: &Table, name: &str) -> bool {
    let same_schema = |s: &Option<String>| *s == table.name.schema;
    table.constraint_names().contains(&name)
        || schema
            .tables
            .iter()
            .filter(|t| same_schema(&t.name.schema))
            .any(|t| t.constraint_names().contains(&name))
}

/// The name PostgreSQL gives an index column that is the expression `text`
/// (`FigureColname`); `None` for `expr`.
fn expression_column_name(text: &str) -> Option<String> {
    let dialect = PostgreSqlDialect {};
    let expr = Parser::new(&dialect)
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
        .ok()?;
    figure_colname(&expr).map(|(name, _)| name)
}

/// PostgreSQL's `FigureColnameInternal`: a name for an expression and how
/// sure it is (2: a column or function name, 1: a fallback such as a cast's
/// type), or `None` when it has none.
fn figure_colname(expr: &Expr) -> Option<(String, u8)> {
    let pg = Postgres;
    let last = |name: &sqlparser::ast::ObjectName| {
        name.0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| pg.ident(i))
    };
    match expr {
        Expr::Identifier(i) => Some((pg.ident(i), 2)),
        Expr::CompoundIdentifier(parts) => parts.last().map(|i| (pg.ident(i), 2)),
        Expr::Nested(inner) | Expr::Collate { expr: inner, .. } => figure_colname(inner),
        Expr::Function(f) => last(&f.name).map(|n| (n, 2)),
        Expr::Cast {
            expr, data_type, ..
        } => match figure_colname(expr) {
            Some((name, 2)) => Some((name, 2)),
            _ => PgType::parse(&data_type.to_string())
                .ok()
                .map(|(t, _)| (t.name, 1)),
        },
        Expr::Case { else_result, .. } => match else_result.as_deref().and_then(figure_colname) {
            Some((name, 2)) => Some((name, 2)),
            _ => Some(("case".to_owned(), 1)),
        },
        Expr::Array(_) => Some(("array".to_owned(), 2)),
        Expr::Exists { .. } => Some(("exists".to_owned(), 2)),
        Expr::Extract { .. } => Some(("extract".to_owned(), 2)),
        Expr::Substring { .. } => Some(("substring".to_owned(), 2)),
        Expr::Position { .. } => Some(("position".to_owned(), 2)),
        Expr::Overlay { .. } => Some(("overlay".to_owned(), 2)),
        Expr::Ceil { .. } => Some(("ceil".to_owned(), 2)),
        Expr::Floor { .. } => Some(("floor".to_owned(), 2)),
        Expr::AtTimeZone { .. } => Some(("timezone".to_owned(), 2)),
        Expr::Trim { trim_where, .. } => {
            use sqlparser::ast::TrimWhereField;
            let name = match trim_where {
                Some(TrimWhereField::Leading) => "ltrim",
                Some(TrimWhereField::Trailing) => "rtrim",
                _ => "btrim",
            };
            Some((name.to_owned(), 2))
        }
        Expr::TypedString(t) => PgType::parse(&t.data_type.to_string())
            .ok()
            .map(|(t, _)| (t.name, 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_expressions_are_named_like_figure_colname() {
        for (expr, name) in [
            ("lower(title)", Some("lower")),
            ("public.lower(title)", Some("lower")),
            ("(title)", Some("title")),
            ("title || 'x'", None),
            ("posted::date", Some("posted")),
            ("'x'::text", Some("text")),
            ("(1 + 2)::integer", Some("int4")),
            ("CASE WHEN a THEN b ELSE c END", Some("c")),
            ("CASE WHEN a THEN b END", Some("case")),
            ("COALESCE(a, b)", Some("coalesce")),
            ("EXTRACT(YEAR FROM posted)", Some("extract")),
        ] {
            assert_eq!(expression_column_name(expr).as_deref(), name, "{expr}");
        }
    }

    #[test]
    fn unnamed_index_names_use_expression_names() {
        let schema = Schema::new(Dialect::Postgres);
        let table = Table::new("jobs".into());
        let parts = [
            IndexPart::Expression("lower(title)".into()),
            IndexPart::Column("company_id".into()),
            IndexPart::Expression("upper(title)".into()),
            IndexPart::Expression("title || 'x'".into()),
            IndexPart::Expression("(a + b)".into()),
        ];
        assert_eq!(
            Postgres.index_name(&schema, &table, &parts, &["extra".to_owned()]),
            Some("jobs_lower_company_id_upper_expr_expr1_extra_idx".to_owned())
        );
    }
}
