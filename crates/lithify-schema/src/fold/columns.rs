//! Column definitions and constraints, from sqlparser's AST to the model's,
//! shared by `CREATE TABLE` and `ALTER TABLE`.

use sqlparser::ast::{
    ColumnDef, ColumnOption, Expr, ForeignKeyConstraint, GeneratedAs, GeneratedExpressionMode,
    Ident, IndexColumn, ReferentialAction as SqlAction, TableConstraint,
};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::Ctx;
use crate::model::{
    CheckConstraint, Column, Dialect, ForeignKey, Generated, Identity, Index, IndexPart,
    PrimaryKey, ReferentialAction, Schema, SqlType, Table, TypeShorthand, UniqueConstraint,
};
use crate::naming::pg_choose_name;

/// A constraint written on a column (`id INT PRIMARY KEY REFERENCES ...`).
pub(crate) enum ColumnConstraint {
    /// `PRIMARY KEY`.
    PrimaryKey(Option<String>),
    /// `UNIQUE`.
    Unique(Option<String>),
    /// `REFERENCES t (c)`.
    References(Option<String>, ForeignKeyConstraint),
    /// `CHECK (...)`.
    Check(Option<String>, String),
}

/// A column and the constraints written on it.
pub(crate) struct ColumnSpec {
    /// The column.
    pub column: Column,
    /// Its constraints, in order.
    pub constraints: Vec<ColumnConstraint>,
}

/// An identifier as the engine stores it.
pub(crate) fn ident(ctx: &Ctx<'_>, i: &Ident) -> String {
    ctx.engine.ident(i)
}

/// Read a column definition. `table` is the table it belongs to (for the
/// names PostgreSQL's `serial` gives its sequence).
pub(crate) fn column_spec(
    ctx: &Ctx<'_>,
    table: &Table,
    def: &ColumnDef,
) -> Result<ColumnSpec, String> {
    let name = ident(ctx, &def.name);
    let type_text = def.data_type.to_string();
    let (ty, shorthand) = SqlType::parse(ctx.dialect(), &type_text).map_err(|e| e.to_string())?;
    let mut column = Column {
        name: name.clone(),
        ty,
        nullable: true,
        default: None,
        identity: None,
        generated: None,
        comment: None,
    };
    let mut constraints = Vec::new();
    match shorthand {
        TypeShorthand::None => {}
        TypeShorthand::PgSerial => {
            column.nullable = false;
            column.default = Some(serial_default(table, &name));
        }
        TypeShorthand::MysqlSerial => {
            column.nullable = false;
            column.identity = Some(Identity::AutoIncrement);
            constraints.push(ColumnConstraint::Unique(None));
        }
    }
    for option in &def.options {
        let given = option.name.as_ref().map(|n| ident(ctx, n));
        match &option.option {
            ColumnOption::Null => column.nullable = true,
            ColumnOption::NotNull => column.nullable = false,
            ColumnOption::Default(e) => column.default = Some(e.to_string()),
            ColumnOption::PrimaryKey(_) => {
                if ctx.engine.primary_key_implies_not_null() {
                    column.nullable = false;
                }
                constraints.push(ColumnConstraint::PrimaryKey(given));
            }
            ColumnOption::Unique(_) => constraints.push(ColumnConstraint::Unique(given)),
            ColumnOption::ForeignKey(fk) => {
                // MySQL parses a REFERENCES written on a column and ignores
                // it: only table-level FOREIGN KEY clauses make keys there.
                if ctx.dialect() != Dialect::Mysql {
                    constraints.push(ColumnConstraint::References(given, fk.clone()));
                }
            }
            ColumnOption::Check(c) => {
                let name = given.or_else(|| c.name.as_ref().map(|n| ident(ctx, n)));
                constraints.push(ColumnConstraint::Check(name, c.expr.to_string()));
            }
            ColumnOption::Generated {
                generated_as,
                generation_expr,
                generation_expr_mode,
                ..
            } => match generation_expr {
                Some(expr) => {
                    let stored = *generated_as == GeneratedAs::ExpStored
                        || *generation_expr_mode == Some(GeneratedExpressionMode::Stored);
                    column.generated = Some(Generated {
                        expr: expr.to_string(),
                        stored,
                    });
                }
                None => {
                    column.identity = Some(match generated_as {
                        GeneratedAs::ByDefault => Identity::ByDefault,
                        _ => Identity::Always,
                    });
                    column.nullable = false;
                }
            },
            ColumnOption::DialectSpecific(tokens) if is_auto_increment(tokens) => {
                column.identity = Some(Identity::AutoIncrement);
            }
            ColumnOption::Comment(text) => column.comment = Some(text.clone()),
            // Character sets, collations, MySQL's ON UPDATE, storage options:
            // nothing the model keeps.
            ColumnOption::CharacterSet(_)
            | ColumnOption::Collation(_)
            | ColumnOption::OnUpdate(_)
            | ColumnOption::Options(_)
            | ColumnOption::Invisible
            | ColumnOption::DialectSpecific(_) => {}
            other => return Err(format!("the column option `{other}` is not modelled")),
        }
    }
    Ok(ColumnSpec {
        column,
        constraints,
    })
}

fn is_auto_increment(tokens: &[Token]) -> bool {
    tokens.iter().any(|t| {
        matches!(t, Token::Word(w) if w.keyword == Keyword::AUTO_INCREMENT || w.keyword == Keyword::AUTOINCREMENT)
    })
}

/// `nextval('<table>_<column>_seq'::regclass)`, as `pg_get_expr` shows the
/// default PostgreSQL gives a `serial` column.
fn serial_default(table: &Table, column: &str) -> String {
    let seq = pg_choose_name(&table.name.name, Some(column), "seq", |_| false);
    let quoted = |n: &str| {
        let plain = n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !n.starts_with(|c: char| c.is_ascii_digit());
        if plain {
            n.to_owned()
        } else {
            format!("\"{}\"", n.replace('"', "\"\""))
        }
    };
    let name = match &table.name.schema {
        Some(s) => format!("{}.{}", quoted(s), quoted(&seq)),
        None => quoted(&seq),
    };
    format!("nextval('{}'::regclass)", name.replace('\'', "''"))
}

/// Apply the constraints written on `column` to `table`.
pub(crate) fn add_column_constraints(
    schema: &Schema,
    ctx: &Ctx<'_>,
    table: &mut Table,
    column: &str,
    constraints: Vec<ColumnConstraint>,
) -> Result<(), String> {
    let cols = vec![column.to_owned()];
    for c in constraints {
        match c {
            ColumnConstraint::PrimaryKey(name) => {
                set_primary_key(schema, ctx, table, name, cols.clone())?
            }
            ColumnConstraint::Unique(name) => add_unique(schema, ctx, table, name, cols.clone()),
            ColumnConstraint::References(name, fk) => {
                let fk = ForeignKeyConstraint {
                    columns: vec![Ident::new(column)],
                    ..fk
                };
                add_foreign_key(ctx, table, name, &fk, Some(column))?;
            }
            ColumnConstraint::Check(name, expr) => {
                let name = name.or_else(|| ctx.engine.check_name(table, Some(column)));
                table.checks.push(CheckConstraint { name, expr });
            }
        }
    }
    Ok(())
}

/// Apply a table constraint (`PRIMARY KEY (a, b)`, `CONSTRAINT x UNIQUE`,
/// MySQL's `KEY idx (c)`, ...).
pub(crate) fn add_table_constraint(
    schema: &Schema,
    ctx: &Ctx<'_>,
    table: &mut Table,
    constraint: &TableConstraint,
) -> Result<(), String> {
    let name_of = |n: &Option<Ident>| n.as_ref().map(|n| ident(ctx, n));
    match constraint {
        TableConstraint::PrimaryKey(pk) => {
            let cols = index_columns(ctx, &pk.columns)?;
            if ctx.engine.primary_key_implies_not_null() {
                for c in &cols {
                    if let Some(ix) = table.column_index(ctx.dialect(), c) {
                        table.columns[ix].nullable = false;
                    }
                }
            }
            set_primary_key(schema, ctx, table, name_of(&pk.name), cols)
        }
        TableConstraint::Unique(u) => {
            let cols = index_columns(ctx, &u.columns)?;
            let name = name_of(&u.index_name).or_else(|| name_of(&u.name));
            add_unique(schema, ctx, table, name, cols);
            Ok(())
        }
        TableConstraint::ForeignKey(fk) => {
            let name = name_of(&fk.name).or_else(|| name_of(&fk.index_name));
            add_foreign_key(ctx, table, name, fk, None)
        }
        TableConstraint::Check(c) => {
            let expr = c.expr.to_string();
            let name = name_of(&c.name).or_else(|| {
                let single = single_column(ctx, table, &c.expr);
                ctx.engine.check_name(table, single.as_deref())
            });
            table.checks.push(CheckConstraint { name, expr });
            Ok(())
        }
        TableConstraint::Index(ix) => {
            let parts = index_parts(ctx, &ix.columns);
            let name = name_of(&ix.name)
                .or_else(|| ctx.engine.index_name(schema, table, &parts))
                .ok_or("an index without a name is not modelled")?;
            table.indexes.push(Index {
                name,
                unique: false,
                parts,
                predicate: None,
                method: ix
                    .index_type
                    .as_ref()
                    .and_then(|t| index_method(&t.to_string())),
            });
            Ok(())
        }
        TableConstraint::FulltextOrSpatial(ix) => {
            let parts = index_parts(ctx, &ix.columns);
            let name = name_of(&ix.opt_index_name)
                .or_else(|| ctx.engine.index_name(schema, table, &parts))
                .ok_or("an index without a name is not modelled")?;
            table.indexes.push(Index {
                name,
                unique: false,
                parts,
                predicate: None,
                method: Some(if ix.fulltext { "fulltext" } else { "spatial" }.to_owned()),
            });
            Ok(())
        }
        TableConstraint::PrimaryKeyUsingIndex(c) | TableConstraint::UniqueUsingIndex(c) => {
            let primary = matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_));
            let index_name = ident(ctx, &c.index_name);
            let at = table
                .indexes
                .iter()
                .position(|i| i.name == index_name)
                .ok_or_else(|| format!("the index `{index_name}` is not in the model"))?;
            let index = table.indexes.remove(at);
            let cols: Vec<String> = index
                .parts
                .iter()
                .map(|p| match p {
                    IndexPart::Column(c) => Ok(c.clone()),
                    IndexPart::Expression(_) => {
                        Err("an expression index cannot back a key".to_owned())
                    }
                })
                .collect::<Result<_, _>>()?;
            // The index is renamed to the constraint's name.
            let name = Some(c.name.as_ref().map_or(index_name, |n| ident(ctx, n)));
            if primary {
                for col in &cols {
                    if let Some(ix) = table.column_index(ctx.dialect(), col) {
                        table.columns[ix].nullable = false;
                    }
                }
                table.primary_key = Some(PrimaryKey {
                    name,
                    columns: cols,
                });
            } else {
                table.uniques.push(UniqueConstraint {
                    name,
                    columns: cols,
                });
            }
            Ok(())
        }
        TableConstraint::Exclude(_) => Err("EXCLUDE constraints are not modelled".to_owned()),
    }
}

fn set_primary_key(
    schema: &Schema,
    ctx: &Ctx<'_>,
    table: &mut Table,
    name: Option<String>,
    columns: Vec<String>,
) -> Result<(), String> {
    if table.primary_key.is_some() {
        return Err(
            "a second primary key is not possible: the model and the SQL disagree".to_owned(),
        );
    }
    let name = name.or_else(|| ctx.engine.primary_key_name(schema, table));
    // MySQL names every primary key PRIMARY, whatever the SQL says.
    let name = if ctx.dialect() == Dialect::Mysql {
        Some("PRIMARY".to_owned())
    } else {
        name
    };
    table.primary_key = Some(PrimaryKey { name, columns });
    Ok(())
}

fn add_unique(
    schema: &Schema,
    ctx: &Ctx<'_>,
    table: &mut Table,
    name: Option<String>,
    columns: Vec<String>,
) {
    let name = name.or_else(|| ctx.engine.unique_name(schema, table, &columns));
    if ctx.engine.unique_is_index() {
        let name = name.unwrap_or_else(|| columns.first().cloned().unwrap_or_default());
        table.indexes.push(Index {
            name,
            unique: true,
            parts: columns.into_iter().map(IndexPart::Column).collect(),
            predicate: None,
            method: None,
        });
    } else {
        table.uniques.push(UniqueConstraint { name, columns });
    }
}

fn add_foreign_key(
    ctx: &Ctx<'_>,
    table: &mut Table,
    name: Option<String>,
    fk: &ForeignKeyConstraint,
    column: Option<&str>,
) -> Result<(), String> {
    let columns: Vec<String> = match column {
        Some(c) => vec![c.to_owned()],
        None => fk.columns.iter().map(|c| ident(ctx, c)).collect(),
    };
    let ref_columns: Vec<String> = fk.referred_columns.iter().map(|c| ident(ctx, c)).collect();
    let name = name.or_else(|| ctx.engine.foreign_key_name(table, &columns));
    if let Some(index) = ctx
        .engine
        .foreign_key_index(table, name.as_deref(), &columns)
    {
        table.indexes.push(Index {
            name: index,
            unique: false,
            parts: columns.iter().cloned().map(IndexPart::Column).collect(),
            predicate: None,
            method: None,
        });
    }
    table.foreign_keys.push(ForeignKey {
        name,
        columns,
        ref_table: ctx.engine.object_name(&fk.foreign_table),
        ref_columns,
        on_delete: action(fk.on_delete),
        on_update: action(fk.on_update),
    });
    Ok(())
}

fn action(a: Option<SqlAction>) -> ReferentialAction {
    match a {
        None | Some(SqlAction::NoAction) => ReferentialAction::NoAction,
        Some(SqlAction::Restrict) => ReferentialAction::Restrict,
        Some(SqlAction::Cascade) => ReferentialAction::Cascade,
        Some(SqlAction::SetNull) => ReferentialAction::SetNull,
        Some(SqlAction::SetDefault) => ReferentialAction::SetDefault,
    }
}

/// An index's access method as the model keeps it: lower case, and `None`
/// for B-tree, every engine's default.
pub(crate) fn index_method(text: &str) -> Option<String> {
    let m = text.trim().to_ascii_lowercase();
    (m != "btree").then_some(m)
}

/// The columns of a key: every part must be a plain column.
fn index_columns(ctx: &Ctx<'_>, columns: &[IndexColumn]) -> Result<Vec<String>, String> {
    index_parts(ctx, columns)
        .into_iter()
        .map(|p| match p {
            IndexPart::Column(c) => Ok(c),
            IndexPart::Expression(e) => Err(format!("the key part `{e}` is not a column")),
        })
        .collect()
}

/// The parts of an index: columns, or expressions as SQL text. MySQL's
/// prefix keys (`name(10)`) count as the column.
pub(crate) fn index_parts(ctx: &Ctx<'_>, columns: &[IndexColumn]) -> Vec<IndexPart> {
    columns
        .iter()
        .map(|c| index_part(ctx, &c.column.expr))
        .collect()
}

fn index_part(ctx: &Ctx<'_>, expr: &Expr) -> IndexPart {
    match expr {
        Expr::Identifier(i) => IndexPart::Column(ident(ctx, i)),
        Expr::Nested(inner) => match inner.as_ref() {
            // `((expr))` is MySQL's functional key part; `(col)` a column.
            Expr::Identifier(i) => IndexPart::Column(ident(ctx, i)),
            other => IndexPart::Expression(other.to_string()),
        },
        Expr::Function(f) if ctx.dialect() == Dialect::Mysql && is_prefix_key(f) => {
            IndexPart::Column(f.name.to_string())
        }
        other => IndexPart::Expression(other.to_string()),
    }
}

/// `name(10)` in a MySQL key: a prefix of the column, not a function call.
fn is_prefix_key(f: &sqlparser::ast::Function) -> bool {
    use sqlparser::ast::{FunctionArg, FunctionArgExpr, FunctionArguments, Value};
    let FunctionArguments::List(list) = &f.args else {
        return false;
    };
    f.name.0.len() == 1
        && matches!(list.args.as_slice(), [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))]
            if matches!(v.value, Value::Number(..)))
}

/// The one column of `table` that `expr` refers to, when it refers to
/// exactly one (PostgreSQL names such a CHECK `<table>_<column>_check`).
fn single_column(ctx: &Ctx<'_>, table: &Table, expr: &Expr) -> Option<String> {
    let names = referenced_columns(ctx, table, &expr.to_string());
    match names.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// The columns of `table` named in the SQL expression `text`, each once, as
/// the table spells them.
pub(crate) fn referenced_columns(ctx: &Ctx<'_>, table: &Table, text: &str) -> Vec<String> {
    let Ok(tokens) = Tokenizer::new(ctx.engine.parser(), text).tokenize() else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for t in tokens {
        if let Token::Word(w) = t {
            let name = ctx.engine.ident(&Ident {
                value: w.value,
                quote_style: w.quote_style,
                span: sqlparser::tokenizer::Span::empty(),
            });
            if let Some(c) = table.find_column(ctx.dialect(), &name) {
                if !out.contains(&c.name) {
                    out.push(c.name.clone());
                }
            }
        }
    }
    out
}

/// `text` with every identifier token naming `old` replaced by `new` (a
/// column rename inside a CHECK, a default or an index expression).
pub(crate) fn rename_in_expression(ctx: &Ctx<'_>, text: &str, old: &str, new: &str) -> String {
    let Ok(tokens) = Tokenizer::new(ctx.engine.parser(), text).tokenize() else {
        return text.to_owned();
    };
    let mut out = String::new();
    for t in tokens {
        match t {
            Token::Word(w)
                if crate::model::same_name(
                    ctx.dialect(),
                    crate::model::NameKind::Member,
                    &ctx.engine.ident(&Ident {
                        value: w.value.clone(),
                        quote_style: w.quote_style,
                        span: sqlparser::tokenizer::Span::empty(),
                    }),
                    old,
                ) =>
            {
                let renamed = sqlparser::tokenizer::Word {
                    value: new.to_owned(),
                    ..w
                };
                out.push_str(&Token::Word(renamed).to_string());
            }
            other => out.push_str(&other.to_string()),
        }
    }
    out
}
