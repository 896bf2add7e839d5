//! `CREATE INDEX`, `ALTER INDEX ... RENAME`, and the index half of `DROP`.

use std::sync::Arc;

use sqlparser::ast::{AlterIndexOperation, CreateIndex, ObjectName as SqlObjectName};

use super::columns::index_parts;
use super::constraints::{canonical_parts, push_index};
use super::{missing_table, Ctx, Unmodelled};
use crate::model::{same_name, Dialect, Index, NameKind, ObjectName, Schema, Table};

/// Apply `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] ...`.
pub(crate) fn create_index(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    create: &CreateIndex,
) -> Result<(), Unmodelled> {
    let table_name = ctx.engine.object_name(&create.table_name);
    let Some(ix) = schema.table_index(&table_name) else {
        return Err(missing_table(&table_name));
    };
    if schema.tables[ix].unknown.is_some() {
        return Ok(());
    }
    let parts = canonical_parts(ctx, &schema.tables[ix], index_parts(ctx, &create.columns));
    let include: Vec<String> = create.include.iter().map(|i| ctx.engine.ident(i)).collect();
    let name = match &create.name {
        Some(n) => ctx.engine.object_name(n).name,
        None => match ctx
            .engine
            .index_name(schema, &schema.tables[ix], &parts, &include)
        {
            Some(n) => n,
            None => {
                return Err(Unmodelled::table(
                    &table_name,
                    "an index without a name is not modelled",
                ));
            }
        },
    };
    let d = ctx.dialect();
    let exists = index_exists(schema, d, &schema.tables[ix], &name);
    if exists {
        return if create.if_not_exists {
            Ok(())
        } else {
            Err(Unmodelled::table(
                &table_name,
                format!("the model already has an index `{name}`"),
            ))
        };
    }
    let index = Index {
        name,
        unique: create.unique,
        parts,
        predicate: create.predicate.as_ref().map(ToString::to_string),
        for_foreign_key: false,
        method: create
            .using
            .as_ref()
            .and_then(|u| super::columns::index_method(&u.to_string())),
    };
    push_index(ctx, Arc::make_mut(&mut schema.tables[ix]), index);
    Ok(())
}

/// True when `name` is taken: on PostgreSQL by any index of the schema, on
/// the others by an index of the table.
fn index_exists(schema: &Schema, d: Dialect, table: &Table, name: &str) -> bool {
    match d {
        Dialect::Postgres => schema
            .table_of_index(table.name.schema.as_deref(), name)
            .is_some(),
        _ => table.find_index(d, name).is_some(),
    }
}

/// Apply `ALTER INDEX a RENAME TO b`. On PostgreSQL the index behind a
/// primary key or UNIQUE constraint is renamed with its constraint.
pub(crate) fn alter_index(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    name: &SqlObjectName,
    operation: &AlterIndexOperation,
) -> Result<(), Unmodelled> {
    let AlterIndexOperation::RenameIndex { index_name } = operation;
    let from = ctx.engine.object_name(name);
    let to = ctx.engine.object_name(index_name).name;
    let Some(ix) = schema.table_of_index(from.schema.as_deref(), &from.name) else {
        // An index the model does not have: nothing it knows changes.
        return Ok(());
    };
    let d = ctx.dialect();
    let table = Arc::make_mut(&mut schema.tables[ix]);
    for i in &mut table.indexes {
        if same_name(d, NameKind::Member, &i.name, &from.name) {
            i.name.clone_from(&to);
        }
    }
    let rename = |n: &mut Option<String>| {
        if n.as_deref() == Some(from.name.as_str()) {
            *n = Some(to.clone());
        }
    };
    if let Some(pk) = &mut table.primary_key {
        rename(&mut pk.name);
    }
    for u in &mut table.uniques {
        rename(&mut u.name);
    }
    Ok(())
}

/// Drop the indexes `names` (`DROP INDEX a, b`; MySQL's `DROP INDEX a ON t`).
pub(crate) fn drop_indexes(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    names: &[ObjectName],
    on: Option<&ObjectName>,
) -> Result<(), Unmodelled> {
    let d = ctx.dialect();
    for name in names {
        let ix = match on {
            Some(t) => match schema.table_index(t) {
                Some(ix) => Some(ix),
                None => return Err(missing_table(t)),
            },
            None => schema.table_of_index(name.schema.as_deref(), &name.name),
        };
        let Some(ix) = ix else {
            // An index the model does not have (IF EXISTS, or made by a
            // statement the fold did not read): nothing it knows changes.
            continue;
        };
        let table = Arc::make_mut(&mut schema.tables[ix]);
        table
            .indexes
            .retain(|i| !same_name(d, NameKind::Member, &i.name, &name.name));
    }
    Ok(())
}
