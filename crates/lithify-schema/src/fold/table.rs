//! `CREATE TABLE`.

use sqlparser::ast::{CreateTable, CreateTableOptions, SqlOption, SqliteTableOption};

use sqlparser::ast::Spanned;

use super::columns::column_spec;
use super::constraints::{add_all, from_table_constraint};
use super::{Ctx, Unmodelled};
use crate::model::{Schema, Table};

/// Apply `CREATE TABLE`.
pub(crate) fn create_table(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    create: &CreateTable,
) -> Result<(), Unmodelled> {
    if create.temporary {
        // Gone when the migration's session ends.
        return Ok(());
    }
    let name = ctx.engine.object_name(&create.name);
    if create.if_not_exists && schema.find_table(&name).is_some() {
        return Ok(());
    }
    let unmodelled = |reason: &str| Unmodelled {
        reason: reason.to_owned(),
        tables: vec![name.clone()],
        creates: true,
    };
    if create.query.is_some() {
        return Err(unmodelled(
            "CREATE TABLE ... AS SELECT is not modelled: its columns come from the query",
        ));
    }
    if create.like.is_some() || create.clone.is_some() {
        return Err(unmodelled("CREATE TABLE ... LIKE is not modelled"));
    }
    if create.inherits.is_some() || create.partition_by.is_some() || create.partition_of.is_some() {
        return Err(unmodelled("inheritance and partitioning are not modelled"));
    }
    let table = build(schema, ctx, create, Table::new(name.clone())).map_err(|r| unmodelled(&r))?;
    // The statement ran, so no table of that name existed: a model that has
    // one is replaced.
    schema.tables.retain(|t| !same(t, &name, ctx));
    schema.push_table(table);
    Ok(())
}

fn same(t: &Table, name: &crate::model::ObjectName, ctx: &Ctx<'_>) -> bool {
    let probe = Schema::new(ctx.dialect());
    probe.same_relation(&t.name, name)
}

fn build(
    schema: &Schema,
    ctx: &Ctx<'_>,
    create: &CreateTable,
    mut table: Table,
) -> Result<Table, String> {
    table.without_rowid = create
        .sqlite_table_options
        .options
        .iter()
        .any(|o| matches!(o, SqliteTableOption::WithoutRowid));
    // Constraints in the order written (a table constraint may stand
    // between columns), added once every column exists: a table constraint
    // may name columns defined after it.
    let mut constraints = Vec::new();
    for def in &create.columns {
        let spec = column_spec(ctx, &table, def)?;
        if table
            .column_index(ctx.dialect(), &spec.column.name)
            .is_some()
        {
            return Err(format!("column `{}` is defined twice", spec.column.name));
        }
        let at = def.span().start;
        constraints.extend(spec.constraints.into_iter().map(|c| (at, c)));
        table.columns.push(spec.column);
    }
    for c in &create.constraints {
        constraints.push((c.span().start, from_table_constraint(ctx, c)?));
    }
    constraints.sort_by_key(|(at, _)| (at.line, at.column));
    add_all(
        schema,
        ctx,
        &mut table,
        constraints.into_iter().map(|(_, c)| c).collect(),
    )?;
    if let Some(comment) = &create.comment {
        table.comment = Some(comment.to_string());
    }
    if let Some(comment) = table_option_comment(&create.table_options) {
        table.comment = Some(comment);
    }
    Ok(table)
}

/// MySQL's `COMMENT = '...'` among the table options.
fn table_option_comment(options: &CreateTableOptions) -> Option<String> {
    let list = match options {
        CreateTableOptions::None => return None,
        CreateTableOptions::With(l)
        | CreateTableOptions::Options(l)
        | CreateTableOptions::Plain(l)
        | CreateTableOptions::TableProperties(l) => l,
    };
    list.iter().find_map(|o| match o {
        SqlOption::Comment(c) => Some(c.to_string()),
        SqlOption::KeyValue { key, value } if key.to_string().eq_ignore_ascii_case("comment") => {
            Some(unquote(&value.to_string()))
        }
        _ => None,
    })
}

fn unquote(text: &str) -> String {
    text.strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .map_or_else(|| text.to_owned(), |t| t.replace("''", "'"))
}
