//! Column definitions, from sqlparser's AST to the model's, and the SQL
//! expression helpers the fold shares (columns an expression uses, a
//! column renamed inside one, index key parts).

use sqlparser::ast::{
    ColumnDef, ColumnOption, Expr, GeneratedAs, GeneratedExpressionMode, Ident, IndexColumn,
};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::constraints::{from_column_option, Constraint};
use super::declared::declared_type;
use super::Ctx;
use crate::model::{
    Column, Dialect, Generated, Identity, IndexPart, SqlType, Table, TypeShorthand,
};
use crate::naming::pg_choose_name;

/// A column and the constraints written on it.
pub(crate) struct ColumnSpec {
    /// The column.
    pub column: Column,
    /// Its constraints, in order.
    pub constraints: Vec<Constraint>,
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
    let declared = Some(&def.data_type)
        .filter(|_| ctx.engine.types_are_words())
        .and_then(declared_type);
    let type_text = match declared {
        Some(declared) => declared.to_owned(),
        None => def.data_type.to_string(),
    };
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
            constraints.push(Constraint::Unique {
                name: None,
                columns: vec![name.clone()],
                include: Vec::new(),
            });
        }
    }
    for option in &def.options {
        let given = option.name.as_ref().map(|n| ident(ctx, n));
        match &option.option {
            ColumnOption::Null => column.nullable = true,
            ColumnOption::NotNull => column.nullable = false,
            ColumnOption::Default(e) => column.default = default_text(ctx, e),
            ColumnOption::PrimaryKey(_)
            | ColumnOption::Unique(_)
            | ColumnOption::ForeignKey(_)
            | ColumnOption::Check(_) => {
                constraints.extend(from_column_option(ctx, &name, given, &option.option)?);
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
            ColumnOption::Comment(text) => {
                column.comment = Some(text.clone()).filter(|t| !t.is_empty());
            }
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
    if ctx.engine.json_is_checked_longtext() {
        checked_longtext_for_json(&mut column, &mut constraints);
    }
    Ok(ColumnSpec {
        column,
        constraints,
    })
}

/// A default as the model keeps it: `DEFAULT NULL` is none, where the
/// engine shows none for it.
pub(crate) fn default_text(ctx: &Ctx<'_>, e: &Expr) -> Option<String> {
    let is_null = matches!(e, Expr::Value(v) if v.value == sqlparser::ast::Value::Null);
    if is_null && ctx.engine.null_default_is_no_default() {
        None
    } else if ctx.engine.defaults_as_written() {
        Some(ctx.as_written(e))
    } else {
        Some(e.to_string())
    }
}

/// MariaDB's `JSON`: a `LONGTEXT` that a CHECK named after the column keeps
/// valid, unless the column has a CHECK of its own.
fn checked_longtext_for_json(column: &mut Column, constraints: &mut Vec<Constraint>) {
    let SqlType::Mysql(ty) = &mut column.ty else {
        return;
    };
    if ty.name != "json" {
        return;
    }
    *ty = crate::model::MysqlType::named("longtext");
    if !constraints
        .iter()
        .any(|c| matches!(c, Constraint::Check { .. }))
    {
        constraints.push(Constraint::Check {
            name: None,
            expr: format!("json_valid(`{}`)", column.name.replace('`', "``")),
            column: Some(column.name.clone()),
        });
    }
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

/// An index's access method as the model keeps it: lower case, and `None`
/// for B-tree, every engine's default.
pub(crate) fn index_method(text: &str) -> Option<String> {
    let m = text.trim().to_ascii_lowercase();
    (m != "btree").then_some(m)
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
        // A collation does not make a column an expression.
        Expr::Collate { expr, .. } if matches!(expr.as_ref(), Expr::Identifier(_)) => {
            index_part(ctx, expr)
        }
        Expr::Nested(inner) => match inner.as_ref() {
            // `((expr))` is MySQL's functional key part; `(col)` a column.
            Expr::Identifier(i) => IndexPart::Column(ident(ctx, i)),
            other => IndexPart::Expression(other.to_string()),
        },
        Expr::Function(f) if ctx.dialect() == Dialect::Mysql && is_prefix_key(f) => {
            match f.name.0.first().and_then(|p| p.as_ident()) {
                Some(i) => IndexPart::Column(ident(ctx, i)),
                None => IndexPart::Expression(f.to_string()),
            }
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
