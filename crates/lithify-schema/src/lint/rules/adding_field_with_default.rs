//! `adding-field-with-default` (squawk's name): a column added to an
//! existing PostgreSQL table with a default the engine cannot store once
//! for all rows — a volatile expression, a serial, an identity or stored
//! generated column, or any default before PostgreSQL 11 — rewrites the
//! table and its indexes under an ACCESS EXCLUSIVE lock.

use sqlparser::ast::{AlterTableOperation, ColumnDef, ColumnOption, Expr};

use crate::lint::context::{default_of, function_name, is_constant, is_null, Context, Violation};
use crate::model::TypeShorthand;

/// Functions PostgreSQL does not mark volatile, common in defaults: a
/// column added with them is not rewritten on PostgreSQL 11 and later.
const NOT_VOLATILE: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "transaction_timestamp",
    "statement_timestamp",
    "current_user",
    "session_user",
    "current_role",
    "current_schema",
    "lower",
    "upper",
];

pub(crate) fn adding_field_with_default(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter_existing() else {
        return;
    };
    for op in ops {
        let AlterTableOperation::AddColumn { column_def, .. } = op else {
            continue;
        };
        let Some(why) = rewrite(ctx, column_def) else {
            continue;
        };
        let column = ctx.ident(&column_def.name);
        let mut message = format!(
            "adding `{table}.{column}` {} rewrites `{table}` and its indexes under an ACCESS EXCLUSIVE lock",
            why.text
        );
        let mut help = "add the column without that default (nullable, or with a constant default), set the \
                        default with `ALTER COLUMN ... SET DEFAULT` afterwards, and fill existing rows in batches"
            .to_owned();
        if why.before_11 {
            message.push_str(&format!(" on PostgreSQL {}", ctx.postgres_version));
            help.push_str(
                " (PostgreSQL 11 and later add a column with a constant default without a rewrite: set \
                 `postgres_version` in [lint] of lithify.toml if the chain runs on them)",
            );
        }
        out.push(Violation::new(message, help));
    }
}

/// Why adding a column rewrites the table.
struct Why {
    /// `with the volatile default ...`, `as a serial ...`.
    text: String,
    /// Only because the chain runs on PostgreSQL before 11.
    before_11: bool,
}

/// Why adding the column rewrites the table, if it does.
fn rewrite(ctx: &Context<'_>, def: &ColumnDef) -> Option<Why> {
    let always = |text: &str| {
        Some(Why {
            text: text.to_owned(),
            before_11: false,
        })
    };
    for option in &def.options {
        if let ColumnOption::Generated {
            generation_expr, ..
        } = &option.option
        {
            return match generation_expr {
                Some(_) => always("as a stored generated column"),
                None => always("as an identity column"),
            };
        }
    }
    if let Some((_, TypeShorthand::PgSerial)) = ctx.column_type(&def.data_type) {
        return always("as a serial (its default, `nextval()`, is volatile)");
    }
    let default = default_of(def).filter(|d| !is_null(d))?;
    if is_volatile(default) {
        return always(&format!("with the volatile default `{default}`"));
    }
    (ctx.postgres_version < 11).then(|| Why {
        text: format!("with a default (`{default}`)"),
        before_11: true,
    })
}

/// True unless `e` is a constant or made of functions known not to be
/// volatile.
fn is_volatile(e: &Expr) -> bool {
    if is_constant(e) {
        return false;
    }
    match e {
        Expr::Function(_) => {
            !function_name(e).is_some_and(|name| NOT_VOLATILE.contains(&name.as_str()))
        }
        Expr::Cast { expr, .. } | Expr::Nested(expr) | Expr::UnaryOp { expr, .. } => {
            is_volatile(expr)
        }
        Expr::BinaryOp { left, right, .. } => is_volatile(left) || is_volatile(right),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, PG_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    fn pg() -> crate::lint::testing::Case {
        case(Rule::AddingFieldWithDefault, Dialect::Postgres).setup(PG_JOBS)
    }

    #[test]
    fn a_volatile_default_or_a_serial_rewrites_the_table() {
        snap!(
            "adding_field_with_default",
            pg().errors(
                "ALTER TABLE jobs ADD COLUMN token uuid DEFAULT gen_random_uuid();\n\
                 ALTER TABLE jobs ADD COLUMN n serial;"
            )
        );
    }

    #[test]
    fn before_postgres_11_any_default_rewrites() {
        snap!(
            "adding_field_with_default_pg10",
            pg().postgres(10)
                .errors("ALTER TABLE jobs ADD COLUMN remote boolean NOT NULL DEFAULT false;")
        );
    }

    #[test]
    fn constant_and_stable_defaults_and_new_tables_are_quiet() {
        pg().ok(
            "ALTER TABLE jobs ADD COLUMN remote boolean NOT NULL DEFAULT false;\n\
             ALTER TABLE jobs ADD COLUMN tags jsonb DEFAULT '{}'::jsonb;\n\
             ALTER TABLE jobs ADD COLUMN seen timestamptz DEFAULT now();\n\
             CREATE TABLE tags (id bigint PRIMARY KEY);\n\
             ALTER TABLE tags ADD COLUMN token uuid DEFAULT gen_random_uuid();",
        );
    }
}
