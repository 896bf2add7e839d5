//! `ALTER TABLE` in every form the three engines accept, and MySQL's
//! `RENAME TABLE`.

use std::sync::Arc;

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnDef, ColumnOption,
    ColumnOptionDef, DataType, Ident, MySQLColumnPosition, RenameTable, RenameTableNameKind,
};

use super::columns::{column_spec, default_text, ident, referenced_columns, rename_in_expression};
use super::constraints::{add_all, from_table_constraint};
use super::{missing_table, Ctx, Unmodelled};
use crate::engine::DropColumnEffect;
use crate::model::{same_name, Identity, IndexPart, NameKind, ObjectName, Schema, SqlType, Table};

/// What an operation on one table does to the others.
enum Effect {
    /// The table was renamed: references to it follow.
    TableRenamed(ObjectName, ObjectName),
    /// A column was renamed: references to it follow.
    ColumnRenamed(ObjectName, String, String),
    /// A column was dropped: foreign keys to it go (PostgreSQL, CASCADE).
    ColumnDropped(ObjectName, String),
    /// A primary key or UNIQUE on these columns was dropped: foreign keys
    /// that rely on it go (PostgreSQL, CASCADE).
    KeyDropped(ObjectName, Vec<String>),
}

/// One operation of an `ALTER TABLE`: as parsed, or read from its tokens
/// where the parser has no syntax for it ([`super::fallback`]).
#[derive(Debug, Clone)]
pub(crate) enum AlterOp {
    /// An operation sqlparser read.
    Parsed(Box<AlterTableOperation>),
    /// PostgreSQL's `ALTER COLUMN c DROP IDENTITY [IF EXISTS]`.
    DropIdentity(Ident),
    /// PostgreSQL's `ALTER COLUMN c SET GENERATED {ALWAYS | BY DEFAULT}`.
    SetGenerated(Ident, Identity),
    /// PostgreSQL's `ALTER COLUMN c DROP EXPRESSION [IF EXISTS]`.
    DropExpression(Ident),
    /// PostgreSQL's `SET SCHEMA s`.
    SetSchema(Ident),
    /// MySQL's `RENAME {INDEX | KEY} a TO b`.
    RenameIndex(Ident, Ident),
    /// MySQL's `COMMENT = '...'` table option.
    SetComment(String),
    /// MariaDB's `DROP {INDEX | KEY | FOREIGN KEY} IF EXISTS`: the drop,
    /// when the model has what it names; nothing otherwise.
    IfPossible(Box<AlterTableOperation>),
    /// An operation that changes nothing the model holds (storage,
    /// statistics, clustering, tablespaces).
    NoChange,
}

/// Apply `ALTER TABLE`.
pub(crate) fn alter_table(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    alter: &AlterTable,
) -> Result<(), Unmodelled> {
    let ops: Vec<AlterOp> = alter
        .operations
        .iter()
        .cloned()
        .map(|op| AlterOp::Parsed(Box::new(op)))
        .collect();
    let name = ctx.engine.object_name(&alter.name);
    alter_table_ops(schema, ctx, &name, alter.if_exists, &ops)
}

/// Apply the operations of an `ALTER TABLE [IF EXISTS] name`.
pub(crate) fn alter_table_ops(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    name: &ObjectName,
    if_exists: bool,
    ops: &[AlterOp],
) -> Result<(), Unmodelled> {
    let Some(ix) = schema.table_index(name) else {
        if schema.find_view(name).is_some() {
            return alter_view_as_table(schema, ctx, name, ops);
        }
        if if_exists {
            return Ok(());
        }
        return Err(missing_table(name));
    };
    if schema.tables[ix].unknown.is_some() {
        // Nothing is derived from an unknown table, but it keeps its
        // unknown state under a new name, and references follow it.
        for op in ops {
            if let Some(to) = new_table_name(ctx, name, op) {
                rename_table(ctx, Arc::make_mut(&mut schema.tables[ix]), to.clone());
                apply_effect(schema, ctx, Effect::TableRenamed(name.clone(), to));
            }
        }
        return Ok(());
    }
    // The table is taken out while it changes, so the engine's naming
    // rules can look at the rest of the schema.
    let taken = std::mem::replace(
        &mut schema.tables[ix],
        Arc::new(Table::new(ObjectName::new(""))),
    );
    let mut table = Arc::unwrap_or_clone(taken);
    let mut effects = Vec::new();
    let mut result = Ok(());
    for op in ops {
        match apply_alter_op(schema, ctx, &mut table, op) {
            Ok(mut e) => effects.append(&mut e),
            Err(reason) => {
                result = Err(Unmodelled::table(&table.name, reason));
                break;
            }
        }
    }
    schema.tables[ix] = Arc::new(table);
    for effect in effects {
        apply_effect(schema, ctx, effect);
    }
    result
}

/// The table's name after `op`, when `op` renames it or moves it to
/// another schema.
fn new_table_name(ctx: &Ctx<'_>, from: &ObjectName, op: &AlterOp) -> Option<ObjectName> {
    match op {
        AlterOp::Parsed(op) => match op.as_ref() {
            AlterTableOperation::RenameTable { table_name } => Some(renamed(ctx, from, table_name)),
            _ => None,
        },
        AlterOp::SetSchema(s) => Some(ObjectName::in_schema(in_schema(ctx, s), from.name.clone())),
        _ => None,
    }
}

/// A schema name as the model keeps it: `None` for the default one.
fn in_schema(ctx: &Ctx<'_>, s: &Ident) -> Option<String> {
    let s = ident(ctx, s);
    (Some(s.as_str()) != ctx.engine.default_schema()).then_some(s)
}

/// PostgreSQL accepts `ALTER TABLE` on a view; only a rename matters here.
fn alter_view_as_table(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    name: &ObjectName,
    ops: &[AlterOp],
) -> Result<(), Unmodelled> {
    for op in ops {
        if let Some(to) = new_table_name(ctx, name, op) {
            if let Some(v) = schema.views.iter_mut().find(|v| &v.name == name) {
                v.name = to;
            }
        }
    }
    Ok(())
}

fn apply_alter_op(
    schema: &Schema,
    ctx: &Ctx<'_>,
    table: &mut Table,
    op: &AlterOp,
) -> Result<Vec<Effect>, String> {
    let column = |table: &mut Table, c: &Ident| -> Result<usize, String> {
        let name = ident(ctx, c);
        table
            .column_index(ctx.dialect(), &name)
            .ok_or_else(|| format!("column `{name}` is not in the model"))
    };
    match op {
        AlterOp::Parsed(op) => apply_op(schema, ctx, table, op),
        AlterOp::DropIdentity(c) => {
            let at = column(table, c)?;
            table.columns[at].identity = None;
            Ok(Vec::new())
        }
        AlterOp::SetGenerated(c, identity) => {
            let at = column(table, c)?;
            table.columns[at].identity = Some(*identity);
            Ok(Vec::new())
        }
        AlterOp::DropExpression(c) => {
            let at = column(table, c)?;
            table.columns[at].generated = None;
            Ok(Vec::new())
        }
        AlterOp::SetSchema(_) => {
            let from = table.name.clone();
            let to = new_table_name(ctx, &from, op).unwrap_or_else(|| from.clone());
            table.name = to.clone();
            Ok(vec![Effect::TableRenamed(from, to)])
        }
        AlterOp::RenameIndex(from, to) => {
            let (from, to) = (ident(ctx, from), ident(ctx, to));
            let index = table
                .indexes
                .iter_mut()
                .find(|i| same_name(ctx.dialect(), NameKind::Member, &i.name, &from))
                .ok_or_else(|| format!("index `{from}` is not in the model"))?;
            index.name = to;
            Ok(Vec::new())
        }
        AlterOp::SetComment(text) => {
            table.comment = Some(text.clone()).filter(|t| !t.is_empty());
            Ok(Vec::new())
        }
        AlterOp::IfPossible(op) => {
            let before = table.clone();
            match apply_op(schema, ctx, table, op) {
                Ok(effects) => Ok(effects),
                Err(_) => {
                    *table = before;
                    Ok(Vec::new())
                }
            }
        }
        AlterOp::NoChange => Ok(Vec::new()),
    }
}

/// Apply MySQL's `RENAME TABLE a TO b, c TO d`.
pub(crate) fn rename_tables(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    renames: &[RenameTable],
) -> Result<(), Unmodelled> {
    for r in renames {
        let from = ctx.engine.object_name(&r.old_name);
        let to = ctx.engine.object_name(&r.new_name);
        let Some(ix) = schema.table_index(&from) else {
            return Err(missing_table(&from));
        };
        rename_table(ctx, Arc::make_mut(&mut schema.tables[ix]), to.clone());
        apply_effect(schema, ctx, Effect::TableRenamed(from, to));
    }
    Ok(())
}

/// `table` is now called `to`, and so are the constraints whose names the
/// engine derived from its old name.
fn rename_table(ctx: &Ctx<'_>, table: &mut Table, to: ObjectName) {
    let (old, new) = (table.name.name.clone(), to.name.clone());
    let follow = |n: &mut Option<String>| {
        if let Some(renamed) = n
            .as_deref()
            .and_then(|n| ctx.engine.renamed_constraint(&old, &new, n))
        {
            *n = Some(renamed);
        }
    };
    for f in &mut table.foreign_keys {
        follow(&mut f.name);
    }
    for c in &mut table.checks {
        follow(&mut c.name);
    }
    table.name = to;
}

/// The new name of a table renamed with `RENAME TO x`: in the same schema
/// unless `x` names one.
fn renamed(ctx: &Ctx<'_>, from: &ObjectName, kind: &RenameTableNameKind) -> ObjectName {
    let (RenameTableNameKind::As(n) | RenameTableNameKind::To(n)) = kind;
    let to = ctx.engine.object_name(n);
    if n.0.len() > 1 {
        to
    } else {
        ObjectName::in_schema(from.schema.clone(), to.name)
    }
}

fn apply_op(
    schema: &Schema,
    ctx: &Ctx<'_>,
    table: &mut Table,
    op: &AlterTableOperation,
) -> Result<Vec<Effect>, String> {
    let d = ctx.dialect();
    match op {
        AlterTableOperation::AddColumn {
            if_not_exists,
            column_def,
            column_position,
            ..
        } => {
            let name = ident(ctx, &column_def.name);
            if table.column_index(d, &name).is_some() {
                return if *if_not_exists {
                    Ok(Vec::new())
                } else {
                    Err(format!("column `{name}` already exists in the model"))
                };
            }
            let spec = column_spec(ctx, table, column_def)?;
            let at = position(ctx, table, column_position.as_ref(), None)?;
            table.columns.insert(at, spec.column);
            add_all(schema, ctx, table, spec.constraints)?;
            Ok(Vec::new())
        }
        AlterTableOperation::DropColumn {
            column_names,
            if_exists,
            ..
        } => {
            let mut effects = Vec::new();
            for c in column_names {
                let name = ident(ctx, c);
                let Some(at) = table.column_index(d, &name) else {
                    if *if_exists {
                        continue;
                    }
                    return Err(format!("column `{name}` is not in the model"));
                };
                let before = table.clone();
                let column = table.columns.remove(at).name;
                drop_column_dependents(ctx, &before, table, &column);
                // PostgreSQL refuses the drop without CASCADE when another
                // table's foreign key uses the column.
                if ctx.engine.drops_dependents() {
                    effects.push(Effect::ColumnDropped(table.name.clone(), column));
                }
            }
            Ok(effects)
        }
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            let (old, new) = (ident(ctx, old_column_name), ident(ctx, new_column_name));
            let old = rename_column(ctx, table, &old, &new)?;
            Ok(vec![Effect::ColumnRenamed(table.name.clone(), old, new)])
        }
        AlterTableOperation::RenameTable { table_name } => {
            let from = table.name.clone();
            rename_table(ctx, table, renamed(ctx, &from, table_name));
            Ok(vec![Effect::TableRenamed(from, table.name.clone())])
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            let name = ident(ctx, column_name);
            let at = table
                .column_index(d, &name)
                .ok_or_else(|| format!("column `{name}` is not in the model"))?;
            alter_column(ctx, table, at, op)?;
            Ok(Vec::new())
        }
        AlterTableOperation::ChangeColumn {
            old_name,
            new_name,
            data_type,
            options,
            column_position,
        } => redefine_column(
            schema,
            ctx,
            table,
            old_name,
            new_name,
            data_type,
            options,
            column_position.as_ref(),
        ),
        AlterTableOperation::ModifyColumn {
            col_name,
            data_type,
            options,
            column_position,
        } => redefine_column(
            schema,
            ctx,
            table,
            col_name,
            col_name,
            data_type,
            options,
            column_position.as_ref(),
        ),
        AlterTableOperation::AddConstraint { constraint, .. } => {
            add_all(
                schema,
                ctx,
                table,
                vec![from_table_constraint(ctx, constraint)?],
            )?;
            Ok(Vec::new())
        }
        AlterTableOperation::DropConstraint {
            if_exists, name, ..
        } => {
            let name = ident(ctx, name);
            let key = key_columns(ctx, table, &name);
            if !drop_constraint(ctx, table, &name) {
                return if *if_exists {
                    Ok(Vec::new())
                } else {
                    Err(format!("constraint `{name}` is not in the model"))
                };
            }
            // PostgreSQL refuses the drop without CASCADE when a foreign
            // key relies on the key.
            Ok(match key {
                Some(cols) if ctx.engine.drops_dependents() => {
                    vec![Effect::KeyDropped(table.name.clone(), cols)]
                }
                _ => Vec::new(),
            })
        }
        AlterTableOperation::DropPrimaryKey { .. } => {
            table.primary_key = None;
            Ok(Vec::new())
        }
        AlterTableOperation::DropForeignKey { name, .. } => {
            let name = ident(ctx, name);
            let before = table.foreign_keys.len();
            table.foreign_keys.retain(|f| {
                !f.name
                    .as_deref()
                    .is_some_and(|n| same_name(d, NameKind::Member, n, &name))
            });
            if table.foreign_keys.len() == before {
                return Err(format!("foreign key `{name}` is not in the model"));
            }
            Ok(Vec::new())
        }
        AlterTableOperation::DropIndex { name } => {
            let name = ident(ctx, name);
            let before = table.indexes.len();
            table
                .indexes
                .retain(|i| !same_name(d, NameKind::Member, &i.name, &name));
            if table.indexes.len() == before {
                return Err(format!("index `{name}` is not in the model"));
            }
            Ok(Vec::new())
        }
        AlterTableOperation::RenameConstraint { old_name, new_name } => {
            let (old, new) = (ident(ctx, old_name), ident(ctx, new_name));
            if rename_constraint(ctx, table, &old, &new) {
                Ok(Vec::new())
            } else {
                Err(format!("constraint `{old}` is not in the model"))
            }
        }
        // Operations that change nothing the model holds.
        AlterTableOperation::ValidateConstraint { .. }
        | AlterTableOperation::OwnerTo { .. }
        | AlterTableOperation::EnableRowLevelSecurity
        | AlterTableOperation::DisableRowLevelSecurity
        | AlterTableOperation::ForceRowLevelSecurity
        | AlterTableOperation::NoForceRowLevelSecurity
        | AlterTableOperation::EnableTrigger { .. }
        | AlterTableOperation::DisableTrigger { .. }
        | AlterTableOperation::EnableAlwaysTrigger { .. }
        | AlterTableOperation::EnableReplicaTrigger { .. }
        | AlterTableOperation::EnableRule { .. }
        | AlterTableOperation::DisableRule { .. }
        | AlterTableOperation::EnableAlwaysRule { .. }
        | AlterTableOperation::EnableReplicaRule { .. }
        | AlterTableOperation::ReplicaIdentity { .. }
        | AlterTableOperation::SetLogged
        | AlterTableOperation::SetUnlogged
        | AlterTableOperation::Algorithm { .. }
        | AlterTableOperation::Lock { .. }
        | AlterTableOperation::AutoIncrement { .. }
        | AlterTableOperation::SetOptionsParens { .. }
        | AlterTableOperation::ResetOptions { .. } => Ok(Vec::new()),
        other => Err(format!("`ALTER TABLE ... {other}` is not modelled")),
    }
}

/// Where a MySQL `FIRST` / `AFTER c` puts a column (the end without one);
/// `skip` is the column being moved, already out of the list.
fn position(
    ctx: &Ctx<'_>,
    table: &Table,
    pos: Option<&MySQLColumnPosition>,
    skip: Option<usize>,
) -> Result<usize, String> {
    match pos {
        None => Ok(skip.unwrap_or(table.columns.len())),
        Some(MySQLColumnPosition::First) => Ok(0),
        Some(MySQLColumnPosition::After(c)) => {
            let name = ident(ctx, c);
            table
                .column_index(ctx.dialect(), &name)
                .map(|i| i + 1)
                .ok_or_else(|| format!("column `{name}` is not in the model"))
        }
    }
}

fn alter_column(
    ctx: &Ctx<'_>,
    table: &mut Table,
    at: usize,
    op: &AlterColumnOperation,
) -> Result<(), String> {
    let column = &mut table.columns[at];
    match op {
        AlterColumnOperation::SetNotNull => column.nullable = false,
        AlterColumnOperation::DropNotNull => column.nullable = true,
        AlterColumnOperation::SetDefault { value } => column.default = default_text(ctx, value),
        AlterColumnOperation::DropDefault => column.default = None,
        AlterColumnOperation::SetDataType { data_type, .. } => {
            let (ty, shorthand) =
                SqlType::parse(ctx.dialect(), &data_type.to_string()).map_err(|e| e.to_string())?;
            if shorthand != crate::model::TypeShorthand::None {
                return Err(format!(
                    "changing a column to `{data_type}` is not modelled"
                ));
            }
            column.ty = ty;
        }
        AlterColumnOperation::AddGenerated { generated_as, .. } => {
            column.identity = Some(match generated_as {
                Some(sqlparser::ast::GeneratedAs::ByDefault) => crate::model::Identity::ByDefault,
                _ => crate::model::Identity::Always,
            });
            column.nullable = false;
        }
        other => return Err(format!("`ALTER COLUMN ... {other}` is not modelled")),
    }
    Ok(())
}

/// MySQL's `CHANGE` / `MODIFY`: the column is defined anew, whole.
#[allow(clippy::too_many_arguments)]
fn redefine_column(
    schema: &Schema,
    ctx: &Ctx<'_>,
    table: &mut Table,
    old: &Ident,
    new: &Ident,
    data_type: &DataType,
    options: &[ColumnOption],
    pos: Option<&MySQLColumnPosition>,
) -> Result<Vec<Effect>, String> {
    let (old, new_name) = (ident(ctx, old), ident(ctx, new));
    let at = table
        .column_index(ctx.dialect(), &old)
        .ok_or_else(|| format!("column `{old}` is not in the model"))?;
    let def = ColumnDef {
        name: new.clone(),
        data_type: data_type.clone(),
        options: options
            .iter()
            .map(|o| ColumnOptionDef {
                name: None,
                option: o.clone(),
            })
            .collect(),
    };
    let spec = column_spec(ctx, table, &def)?;
    if ctx.engine.column_checks_belong_to_column() {
        let d = ctx.dialect();
        table.checks.retain(|c| {
            !c.column
                .as_deref()
                .is_some_and(|col| same_name(d, NameKind::Member, col, &old))
        });
    }
    let old = rename_column(ctx, table, &old, &new_name)?;
    table.columns.remove(at);
    let to = position(ctx, table, pos, Some(at))?;
    table.columns.insert(to, spec.column);
    add_all(schema, ctx, table, spec.constraints)?;
    Ok(if old == new_name {
        Vec::new()
    } else {
        vec![Effect::ColumnRenamed(table.name.clone(), old, new_name)]
    })
}

/// Rename a column and every mention of it in the table's keys, indexes
/// and expressions; returns the old name as the table spelled it.
fn rename_column(ctx: &Ctx<'_>, table: &mut Table, old: &str, new: &str) -> Result<String, String> {
    let d = ctx.dialect();
    let at = table
        .column_index(d, old)
        .ok_or_else(|| format!("column `{old}` is not in the model"))?;
    let old = std::mem::replace(&mut table.columns[at].name, new.to_owned());
    let is_old = |c: &String| same_name(d, NameKind::Member, c, &old);
    let fix = |cols: &mut Vec<String>| {
        for c in cols.iter_mut().filter(|c| is_old(c)) {
            *c = new.to_owned();
        }
    };
    if let Some(pk) = &mut table.primary_key {
        fix(&mut pk.columns);
    }
    for u in &mut table.uniques {
        fix(&mut u.columns);
    }
    for f in &mut table.foreign_keys {
        fix(&mut f.columns);
    }
    for c in &mut table.checks {
        c.expr = rename_in_expression(ctx, &c.expr, &old, new);
        if c.column.as_ref().is_some_and(is_old) {
            c.column = Some(new.to_owned());
        }
    }
    for i in &mut table.indexes {
        for p in &mut i.parts {
            match p {
                IndexPart::Column(c) if is_old(c) => *c = new.to_owned(),
                IndexPart::Expression(e) => *e = rename_in_expression(ctx, e, &old, new),
                IndexPart::Column(_) => {}
            }
        }
        if let Some(pred) = &mut i.predicate {
            *pred = rename_in_expression(ctx, pred, &old, new);
        }
    }
    for c in &mut table.columns {
        if let Some(g) = &mut c.generated {
            g.expr = rename_in_expression(ctx, &g.expr, &old, new);
        }
    }
    Ok(old)
}

/// What goes with a dropped column, by the engine's rule; `before` is the
/// table as it was with the column.
fn drop_column_dependents(ctx: &Ctx<'_>, before: &Table, table: &mut Table, column: &str) {
    let d = ctx.dialect();
    let is = |c: &String| same_name(d, NameKind::Member, c, column);
    let mentions = |text: &str| referenced_columns(ctx, before, text);
    let effect = ctx.engine.drop_column_effect();
    // A CHECK on the column alone goes with it on every engine; PostgreSQL
    // drops every CHECK that uses it.
    table.checks.retain(|c| {
        let cols = mentions(&c.expr);
        let uses = cols.iter().any(is);
        match effect {
            DropColumnEffect::DropDependents => !uses,
            _ => !(uses && cols.len() == 1),
        }
    });
    match effect {
        DropColumnEffect::Nothing => {}
        DropColumnEffect::DropDependents => {
            if table
                .primary_key
                .as_ref()
                .is_some_and(|p| p.columns.iter().any(is))
            {
                table.primary_key = None;
            }
            table.uniques.retain(|u| !u.columns.iter().any(is));
            table.foreign_keys.retain(|f| !f.columns.iter().any(is));
            table.indexes.retain(|i| {
                let part_uses = |p: &IndexPart| match p {
                    IndexPart::Column(c) => is(c),
                    IndexPart::Expression(e) => mentions(e).iter().any(is),
                };
                let predicate_uses = i
                    .predicate
                    .as_deref()
                    .is_some_and(|p| mentions(p).iter().any(is));
                !(i.parts.iter().any(part_uses) || predicate_uses)
            });
        }
        DropColumnEffect::ShrinkIndexes => {
            if let Some(pk) = &mut table.primary_key {
                pk.columns.retain(|c| !is(c));
                if pk.columns.is_empty() {
                    table.primary_key = None;
                }
            }
            for i in &mut table.indexes {
                i.parts
                    .retain(|p| !matches!(p, IndexPart::Column(c) if is(c)));
            }
            table.indexes.retain(|i| !i.parts.is_empty());
            table.foreign_keys.retain(|f| !f.columns.iter().any(is));
        }
    }
}

/// The columns of the primary key or UNIQUE constraint called `name`.
fn key_columns(ctx: &Ctx<'_>, table: &Table, name: &str) -> Option<Vec<String>> {
    let d = ctx.dialect();
    let is = |n: &Option<String>| {
        n.as_deref()
            .is_some_and(|n| same_name(d, NameKind::Member, n, name))
    };
    let pk = table.primary_key.iter().filter(|p| is(&p.name));
    let pk = pk.map(|p| p.columns.clone());
    let uniques = table.uniques.iter().filter(|u| is(&u.name));
    pk.chain(uniques.map(|u| u.columns.clone())).next()
}

/// Drop the constraint `name` (any kind; MySQL's unique keys are indexes);
/// false when the table has none by that name.
fn drop_constraint(ctx: &Ctx<'_>, table: &mut Table, name: &str) -> bool {
    let d = ctx.dialect();
    let is = |n: Option<&str>| n.is_some_and(|n| same_name(d, NameKind::Member, n, name));
    if table
        .primary_key
        .as_ref()
        .is_some_and(|p| is(p.name.as_deref()))
    {
        table.primary_key = None;
        return true;
    }
    let before =
        table.uniques.len() + table.checks.len() + table.foreign_keys.len() + table.indexes.len();
    table.uniques.retain(|u| !is(u.name.as_deref()));
    table.checks.retain(|c| !is(c.name.as_deref()));
    table.foreign_keys.retain(|f| !is(f.name.as_deref()));
    if ctx.engine.unique_is_index() {
        table.indexes.retain(|i| !(i.unique && is(Some(&i.name))));
    }
    let after =
        table.uniques.len() + table.checks.len() + table.foreign_keys.len() + table.indexes.len();
    after < before
}

fn rename_constraint(ctx: &Ctx<'_>, table: &mut Table, old: &str, new: &str) -> bool {
    let d = ctx.dialect();
    let matches = |n: &Option<String>| {
        n.as_deref()
            .is_some_and(|n| same_name(d, NameKind::Member, n, old))
    };
    let mut found = false;
    let mut rename = |n: &mut Option<String>| {
        if matches(n) {
            *n = Some(new.to_owned());
            found = true;
        }
    };
    if let Some(pk) = &mut table.primary_key {
        rename(&mut pk.name);
    }
    for u in &mut table.uniques {
        rename(&mut u.name);
    }
    for c in &mut table.checks {
        rename(&mut c.name);
    }
    for f in &mut table.foreign_keys {
        rename(&mut f.name);
    }
    found
}

/// True when a foreign key of `t` references `table` (only those tables
/// change when `table` is renamed or loses a key: the rest stay shared).
fn references(schema: &Schema, t: &Table, table: &ObjectName) -> bool {
    t.foreign_keys
        .iter()
        .any(|f| schema.same_relation(&f.ref_table, table))
}

fn apply_effect(schema: &mut Schema, ctx: &Ctx<'_>, effect: Effect) {
    let d = ctx.dialect();
    let dialect_schema = Schema::new(d);
    match effect {
        Effect::TableRenamed(from, to) => {
            super::triggers::table_renamed(schema, &from, &to);
            for t in schema.tables_mut_where(|t| references(&dialect_schema, t, &from)) {
                for f in &mut t.foreign_keys {
                    if dialect_schema.same_relation(&f.ref_table, &from) {
                        f.ref_table = to.clone();
                    }
                }
            }
        }
        Effect::ColumnRenamed(table, from, to) => {
            for t in schema.tables_mut_where(|t| references(&dialect_schema, t, &table)) {
                for f in &mut t.foreign_keys {
                    if dialect_schema.same_relation(&f.ref_table, &table) {
                        for c in &mut f.ref_columns {
                            if same_name(d, NameKind::Member, c, &from) {
                                *c = to.clone();
                            }
                        }
                    }
                }
            }
        }
        Effect::KeyDropped(table, columns) => {
            let same_set = |cols: &[String]| {
                cols.len() == columns.len()
                    && cols
                        .iter()
                        .all(|c| columns.iter().any(|k| same_name(d, NameKind::Member, c, k)))
            };
            for t in schema.tables_mut_where(|t| references(&dialect_schema, t, &table)) {
                t.foreign_keys.retain(|f| {
                    !(dialect_schema.same_relation(&f.ref_table, &table)
                        && same_set(&f.ref_columns))
                });
            }
        }
        Effect::ColumnDropped(table, column) => {
            for t in schema.tables_mut_where(|t| references(&dialect_schema, t, &table)) {
                t.foreign_keys.retain(|f| {
                    !(dialect_schema.same_relation(&f.ref_table, &table)
                        && f.ref_columns
                            .iter()
                            .any(|c| same_name(d, NameKind::Member, c, &column)))
                });
            }
        }
    }
}
