//! `DROP`, views, PostgreSQL types and domains, `COMMENT ON`, SQLite
//! virtual tables.

use sqlparser::ast::{
    AlterType, AlterTypeAddValuePosition, AlterTypeOperation, AlterView, AlterViewOperation,
    CommentObject, CreateDomain, CreateView, DropBehavior, DropDomain, Ident,
    ObjectName as SqlObjectName, ObjectNamePart, ObjectType, UserDefinedTypeRepresentation,
};

use super::columns::ident;
use super::{index, missing_table, Ctx, Unmodelled};
use crate::model::{CustomType, CustomTypeKind, ObjectName, Schema, SqlType, Table, View};

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
                schema.triggers.retain(|t| t.table.schema != gone);
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
    let gone = schema.tables.remove(ix).name.clone();
    super::triggers::table_dropped(schema, &gone);
    if ctx.engine.drops_dependents() {
        let references = |t: &Table| {
            t.foreign_keys
                .iter()
                .any(|f| probe.same_relation(&f.ref_table, &gone))
        };
        for t in schema.tables_mut_where(references) {
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
        for t in schema.tables_mut_where(|t| t.columns.iter().any(|c| uses_type(&c.ty, name))) {
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
        definition: Some(definition),
    });
    Ok(())
}

/// Apply `ALTER [MATERIALIZED] VIEW`: renames, moves, and MySQL's new
/// definition; the rest (columns' defaults, owners, options) changes
/// nothing the model holds.
pub(crate) fn alter_view(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    alter: &AlterView,
) -> Result<(), Unmodelled> {
    let name = ctx.engine.object_name(&alter.name);
    let probe = Schema::new(ctx.dialect());
    let tables_of = |schema: &Schema, query: &str| -> Vec<ObjectName> {
        schema
            .tables
            .iter()
            .filter(|t| mentions(ctx, query, &t.name.name))
            .map(|t| t.name.clone())
            .collect()
    };
    let new_tables = match &alter.operation {
        AlterViewOperation::As { query, .. } => Some(tables_of(schema, &query.to_string())),
        _ => None,
    };
    let Some(view) = schema
        .views
        .iter_mut()
        .find(|v| probe.same_relation(&v.name, &name))
    else {
        return Ok(());
    };
    match &alter.operation {
        AlterViewOperation::RenameTo { new_name } => {
            let to = ctx.engine.object_name(new_name);
            view.name = if new_name.0.len() > 1 {
                to
            } else {
                ObjectName::in_schema(name.schema.clone(), to.name)
            };
        }
        AlterViewOperation::SetSchema { schema_name } => {
            let to = ctx.engine.object_name(schema_name).name;
            view.name = ObjectName::in_schema(
                (Some(to.as_str()) != ctx.engine.default_schema()).then_some(to),
                name.name.clone(),
            );
        }
        AlterViewOperation::As { query, .. } => {
            view.tables = new_tables.unwrap_or_default();
            view.definition = Some(query.to_string());
        }
        _ => {}
    }
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
    if let AlterTypeOperation::Rename(r) = &alter.operation {
        let to = ObjectName::in_schema(name.schema.clone(), ident(ctx, &r.new_name));
        rename_type(schema, &name, &to);
        return Ok(());
    }
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
        AlterTypeOperation::Rename(_) => {}
    }
    Ok(())
}

/// The type `from` is now called `to`, and so are the column types and
/// composite attributes of it.
fn rename_type(schema: &mut Schema, from: &ObjectName, to: &ObjectName) {
    let probe = Schema::new(schema.dialect);
    for ty in schema
        .types
        .iter_mut()
        .filter(|t| probe.same_relation(&t.name, from))
    {
        ty.name = to.clone();
    }
    let follow = |ty: &mut SqlType| {
        if let SqlType::Postgres(p) = ty {
            if !p.builtin && p.name == from.name && p.schema == from.schema {
                p.name.clone_from(&to.name);
                p.schema.clone_from(&to.schema);
            }
        }
    };
    // Only the tables with a column of the type change: the rest stay
    // shared with the schema's copies.
    let has_column_of_type = |t: &Table| t.columns.iter().any(|c| uses_type(&c.ty, from));
    for t in schema.tables_mut_where(has_column_of_type) {
        for c in &mut t.columns {
            follow(&mut c.ty);
        }
    }
    for ty in &mut schema.types {
        match &mut ty.kind {
            CustomTypeKind::Composite(attrs) => attrs.iter_mut().for_each(|(_, t)| follow(t)),
            CustomTypeKind::Domain { base, .. } => follow(base),
            _ => {}
        }
    }
}

/// Apply PostgreSQL's `CREATE DOMAIN` (as parsed: sqlparser reads no
/// `NOT NULL` on a domain; [`super::fallback`] reads those).
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
    create_domain_kind(schema, name, base, false);
    Ok(())
}

/// A new domain `name` over `base`.
pub(crate) fn create_domain_kind(
    schema: &mut Schema,
    name: ObjectName,
    base: SqlType,
    not_null: bool,
) {
    let probe = Schema::new(schema.dialect);
    schema
        .types
        .retain(|t| !probe.same_relation(&t.name, &name));
    schema.types.push(CustomType {
        name,
        kind: CustomTypeKind::Domain { base, not_null },
    });
}

/// What an `ALTER DOMAIN` does to the model.
pub(crate) enum DomainOp {
    /// `SET NOT NULL` (true) / `DROP NOT NULL`.
    NotNull(bool),
    /// `RENAME TO`.
    RenameTo(String),
    /// `SET SCHEMA`.
    SetSchema(String),
    /// Constraints, defaults, owners.
    NoChange,
}

/// Apply an `ALTER DOMAIN` to the domain `name` (one the chain did not
/// define: nothing to follow).
pub(crate) fn alter_domain(schema: &mut Schema, name: &ObjectName, op: DomainOp) {
    let probe = Schema::new(schema.dialect);
    let Some(ty) = schema
        .types
        .iter_mut()
        .find(|t| probe.same_relation(&t.name, name))
    else {
        return;
    };
    match op {
        DomainOp::NotNull(value) => {
            if let CustomTypeKind::Domain { not_null, .. } = &mut ty.kind {
                *not_null = value;
            }
        }
        DomainOp::RenameTo(to) => {
            rename_type(
                schema,
                name,
                &ObjectName::in_schema(name.schema.clone(), to),
            );
        }
        DomainOp::SetSchema(to) => {
            let to = ObjectName::in_schema(non_default_schema(schema, to), name.name.clone());
            rename_type(schema, name, &to);
        }
        DomainOp::NoChange => {}
    }
}

/// `public` is the model's `None`.
fn non_default_schema(schema: &Schema, s: String) -> Option<String> {
    (!(schema.dialect == crate::model::Dialect::Postgres && s == "public")).then_some(s)
}

/// What an `ALTER TYPE` does to a composite type.
pub(crate) enum AttributeOp {
    /// `ADD ATTRIBUTE a type`.
    Add(String, SqlType),
    /// `DROP ATTRIBUTE [IF EXISTS] a`.
    Drop(String),
    /// `ALTER ATTRIBUTE a TYPE t`.
    SetType(String, SqlType),
    /// `RENAME ATTRIBUTE a TO b`.
    Rename(String, String),
    /// `SET SCHEMA s` (of the type itself).
    SetSchema(String),
    /// `OWNER TO`, `SET (...)`.
    NoChange,
}

/// Apply the operations of an `ALTER TYPE name ...` on attributes.
pub(crate) fn alter_composite(schema: &mut Schema, name: &ObjectName, ops: Vec<AttributeOp>) {
    let probe = Schema::new(schema.dialect);
    for op in ops {
        if let AttributeOp::SetSchema(to) = op {
            let to = ObjectName::in_schema(non_default_schema(schema, to), name.name.clone());
            rename_type(schema, name, &to);
            continue;
        }
        let Some(CustomTypeKind::Composite(attrs)) = schema
            .types
            .iter_mut()
            .find(|t| probe.same_relation(&t.name, name))
            .map(|t| &mut t.kind)
        else {
            continue;
        };
        match op {
            AttributeOp::Add(a, ty) => attrs.push((a, ty)),
            AttributeOp::Drop(a) => attrs.retain(|(n, _)| *n != a),
            AttributeOp::SetType(a, ty) => {
                for (_, t) in attrs.iter_mut().filter(|(n, _)| *n == a) {
                    *t = ty.clone();
                }
            }
            AttributeOp::Rename(a, b) => {
                for (n, _) in attrs.iter_mut().filter(|(n, _)| *n == a) {
                    n.clone_from(&b);
                }
            }
            AttributeOp::SetSchema(_) | AttributeOp::NoChange => {}
        }
    }
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
    // An empty comment is no comment (PostgreSQL removes it; MySQL shows
    // none).
    let text = comment.filter(|c| !c.is_empty()).map(str::to_owned);
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
