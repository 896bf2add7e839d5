//! `DROP`, views, PostgreSQL types and domains, `COMMENT ON`, SQLite
//! virtual tables.

use sqlparser::ast::{
    AlterType, AlterTypeAddValuePosition, AlterTypeOperation, CommentObject, CreateDomain,
    CreateView, DropBehavior, DropDomain, Ident, ObjectName as SqlObjectName, ObjectNamePart,
    ObjectType, UserDefinedTypeRepresentation,
};

use super::columns::ident;
use super::{index, missing_table, Ctx, Unmodelled};
use crate::model::{CustomType, CustomTypeKind, ObjectName, Schema, SqlType, View};

/// Apply `DROP TABLE | VIEW | INDEX | TYPE | SCHEMA ...`.
pub(crate) fn drop(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    object_type: ObjectType,
    _if_exists: bool,
    names: &[SqlObjectName],
    cascade: bool,
    table: Option<&SqlObjectName>,
) -> Result<(), Unmodelled> {
    let names: Vec<ObjectName> = names.iter().map(|n| ctx.engine.object_name(n)).collect();
    match object_type {
        ObjectType::Table => {
            for name in &names {
                drop_table(schema, ctx, name, cascade);
            }
            Ok(())
        }
        ObjectType::View | ObjectType::MaterializedView => {
            schema.views.retain(|v| {
                !names
                    .iter()
                    .any(|n| Schema::new(ctx.dialect()).same_relation(&v.name, n))
            });
            Ok(())
        }
        ObjectType::Index => {
            let on = table.map(|t| ctx.engine.object_name(t));
            index::drop_indexes(schema, ctx, &names, on.as_ref())
        }
        ObjectType::Type => {
            for name in &names {
                drop_type(schema, name, cascade);
            }
            Ok(())
        }
        ObjectType::Schema => {
            for name in &names {
                // `DROP SCHEMA x` names a schema: its objects go with it.
                let gone = Some(name.name.clone());
                schema.tables.retain(|t| t.name.schema != gone);
                schema.views.retain(|v| v.name.schema != gone);
                schema.types.retain(|t| t.name.schema != gone);
            }
            Ok(())
        }
        // Sequences, roles, databases, ...: nothing the model holds.
        _ => Ok(()),
    }
}

fn drop_table(schema: &mut Schema, ctx: &Ctx<'_>, name: &ObjectName, cascade: bool) {
    let probe = Schema::new(ctx.dialect());
    let Some(ix) = schema.table_index(name) else {
        // IF EXISTS on a missing table, or one the fold never saw: gone either way.
        return;
    };
    let gone = schema.tables.remove(ix).name;
    if ctx.engine.drops_dependents() {
        for t in &mut schema.tables {
            t.foreign_keys
                .retain(|f| !probe.same_relation(&f.ref_table, &gone));
        }
    }
    if cascade && ctx.engine.drops_dependents() {
        schema
            .views
            .retain(|v| !v.tables.iter().any(|t| probe.same_relation(t, &gone)));
    }
}

fn drop_type(schema: &mut Schema, name: &ObjectName, cascade: bool) {
    let probe = Schema::new(schema.dialect);
    schema.types.retain(|t| !probe.same_relation(&t.name, name));
    if cascade {
        // Columns of the type go with it.
        for t in &mut schema.tables {
            t.columns.retain(|c| !uses_type(&c.ty, name));
        }
    }
}

/// True when `ty` is the PostgreSQL type `name` (or an array of it).
fn uses_type(ty: &SqlType, name: &ObjectName) -> bool {
    matches!(ty, SqlType::Postgres(p) if !p.builtin && p.name == name.name && p.schema == name.schema)
}

/// Apply `CREATE [OR REPLACE] [MATERIALIZED] VIEW`.
pub(crate) fn create_view(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    view: &CreateView,
) -> Result<(), Unmodelled> {
    if view.temporary {
        return Ok(());
    }
    let name = ctx.engine.object_name(&view.name);
    let probe = Schema::new(ctx.dialect());
    if view.if_not_exists && schema.find_view(&name).is_some() {
        return Ok(());
    }
    let definition = view.query.to_string();
    let tables = schema
        .tables
        .iter()
        .filter(|t| mentions(ctx, &definition, &t.name.name))
        .map(|t| t.name.clone())
        .collect();
    schema
        .views
        .retain(|v| !probe.same_relation(&v.name, &name));
    schema.views.push(View {
        name,
        materialized: view.materialized,
        tables,
    });
    Ok(())
}

/// True when `text` holds `name` as an identifier.
fn mentions(ctx: &Ctx<'_>, text: &str, name: &str) -> bool {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let Ok(tokens) = Tokenizer::new(ctx.engine.parser(), text).tokenize() else {
        return false;
    };
    tokens.into_iter().any(|t| match t {
        Token::Word(w) => {
            let i = Ident {
                value: w.value,
                quote_style: w.quote_style,
                span: sqlparser::tokenizer::Span::empty(),
            };
            crate::model::same_name(
                ctx.dialect(),
                crate::model::NameKind::Relation,
                &ctx.engine.ident(&i),
                name,
            )
        }
        _ => false,
    })
}

/// Apply PostgreSQL's `CREATE TYPE`.
pub(crate) fn create_type(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    name: &SqlObjectName,
    representation: Option<&UserDefinedTypeRepresentation>,
) -> Result<(), Unmodelled> {
    let name = ctx.engine.object_name(name);
    let kind = match representation {
        Some(UserDefinedTypeRepresentation::Enum { labels }) => {
            CustomTypeKind::Enum(labels.iter().map(|l| l.value.clone()).collect())
        }
        Some(UserDefinedTypeRepresentation::Composite { attributes }) => {
            let mut attrs = Vec::new();
            for a in attributes {
                let ty = SqlType::parse(ctx.dialect(), &a.data_type.to_string())
                    .map(|(t, _)| t)
                    .map_err(|e| Unmodelled {
                        reason: e.to_string(),
                        tables: Vec::new(),
                        creates: false,
                    })?;
                attrs.push((ident(ctx, &a.name), ty));
            }
            CustomTypeKind::Composite(attrs)
        }
        _ => CustomTypeKind::Other,
    };
    let probe = Schema::new(ctx.dialect());
    schema
        .types
        .retain(|t| !probe.same_relation(&t.name, &name));
    schema.types.push(CustomType { name, kind });
    Ok(())
}

/// Apply PostgreSQL's `ALTER TYPE ... ADD VALUE | RENAME VALUE | RENAME TO`.
pub(crate) fn alter_type(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    alter: &AlterType,
) -> Result<(), Unmodelled> {
    let name = ctx.engine.object_name(&alter.name);
    let probe = Schema::new(ctx.dialect());
    let Some(ty) = schema
        .types
        .iter_mut()
        .find(|t| probe.same_relation(&t.name, &name))
    else {
        // A type the chain did not define (an extension's): nothing to follow.
        return Ok(());
    };
    match &alter.operation {
        AlterTypeOperation::AddValue(add) => {
            if let CustomTypeKind::Enum(labels) = &mut ty.kind {
                let value = add.value.value.clone();
                if labels.contains(&value) {
                    return Ok(());
                }
                let at = match &add.position {
                    None => labels.len(),
                    Some(AlterTypeAddValuePosition::Before(b)) => labels
                        .iter()
                        .position(|l| *l == b.value)
                        .unwrap_or(labels.len()),
                    Some(AlterTypeAddValuePosition::After(a)) => labels
                        .iter()
                        .position(|l| *l == a.value)
                        .map_or(labels.len(), |i| i + 1),
                };
                labels.insert(at, value);
            }
        }
        AlterTypeOperation::RenameValue(r) => {
            if let CustomTypeKind::Enum(labels) = &mut ty.kind {
                for l in labels.iter_mut().filter(|l| **l == r.from.value) {
                    l.clone_from(&r.to.value);
                }
            }
        }
        AlterTypeOperation::Rename(r) => {
            let to = ObjectName::in_schema(name.schema.clone(), ident(ctx, &r.new_name));
            ty.name = to.clone();
            for t in &mut schema.tables {
                for c in &mut t.columns {
                    if let SqlType::Postgres(p) = &mut c.ty {
                        if !p.builtin && p.name == name.name && p.schema == name.schema {
                            p.name.clone_from(&to.name);
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// Apply PostgreSQL's `CREATE DOMAIN`.
pub(crate) fn create_domain(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    domain: &CreateDomain,
) -> Result<(), Unmodelled> {
    let name = ctx.engine.object_name(&domain.name);
    let base = SqlType::parse(ctx.dialect(), &domain.data_type.to_string())
        .map(|(t, _)| t)
        .map_err(|e| Unmodelled {
            reason: e.to_string(),
            tables: Vec::new(),
            creates: false,
        })?;
    let not_null = domain.to_string().to_ascii_uppercase().contains("NOT NULL");
    let probe = Schema::new(ctx.dialect());
    schema
        .types
        .retain(|t| !probe.same_relation(&t.name, &name));
    schema.types.push(CustomType {
        name,
        kind: CustomTypeKind::Domain { base, not_null },
    });
    Ok(())
}

/// Apply PostgreSQL's `DROP DOMAIN`.
pub(crate) fn drop_domain(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    drop: &DropDomain,
) -> Result<(), Unmodelled> {
    let name = ctx.engine.object_name(&drop.name);
    drop_type(
        schema,
        &name,
        drop.drop_behavior == Some(DropBehavior::Cascade),
    );
    Ok(())
}

/// Apply `COMMENT ON TABLE | COLUMN ... IS '...' | NULL`.
pub(crate) fn comment(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    object_type: CommentObject,
    object_name: &SqlObjectName,
    comment: Option<&str>,
) -> Result<(), Unmodelled> {
    let text = comment.map(str::to_owned);
    match object_type {
        CommentObject::Table => {
            let name = ctx.engine.object_name(object_name);
            let Some(t) = schema.find_table_mut(&name) else {
                return Err(missing_table(&name));
            };
            t.comment = text;
            Ok(())
        }
        CommentObject::Column => {
            let mut parts = object_name.0.clone();
            let Some(ObjectNamePart::Identifier(column)) = parts.pop() else {
                return Ok(());
            };
            let table = ctx.engine.object_name(&SqlObjectName(parts));
            let column = ident(ctx, &column);
            let d = ctx.dialect();
            let Some(t) = schema.find_table_mut(&table) else {
                return Err(missing_table(&table));
            };
            if t.unknown.is_some() {
                return Ok(());
            }
            let Some(ix) = t.column_index(d, &column) else {
                return Err(Unmodelled::table(
                    &table,
                    format!("column `{column}` is not in the model"),
                ));
            };
            t.columns[ix].comment = text;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Shadow tables SQLite's built-in virtual table modules create.
const SHADOW_TABLES: &[(&str, &[&str])] = &[
    ("fts5", &["data", "idx", "content", "docsize", "config"]),
    (
        "fts4",
        &["content", "segments", "segdir", "docsize", "stat"],
    ),
    ("fts3", &["content", "segments", "segdir"]),
    ("rtree", &["node", "rowid", "parent"]),
];

/// SQLite's `CREATE VIRTUAL TABLE`: the table and its module's shadow
/// tables exist, with shapes the model does not know.
pub(crate) fn create_virtual_table(
    _schema: &mut Schema,
    ctx: &Ctx<'_>,
    name: &SqlObjectName,
    module: &Ident,
) -> Result<(), Unmodelled> {
    let name = ctx.engine.object_name(name);
    let module_name = module.value.to_ascii_lowercase();
    let mut tables = vec![name.clone()];
    if let Some((_, shadows)) = SHADOW_TABLES.iter().find(|(m, _)| *m == module_name) {
        for s in *shadows {
            tables.push(ObjectName::in_schema(
                name.schema.clone(),
                format!("{}_{s}", name.name),
            ));
        }
    }
    Err(Unmodelled {
        reason: format!(
            "virtual tables (module `{}`) are not modelled",
            module.value
        ),
        tables,
        creates: true,
    })
}
