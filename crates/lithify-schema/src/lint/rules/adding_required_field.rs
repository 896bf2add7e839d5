//! `adding-required-field` (squawk's name): a NOT NULL column without a
//! default added to an existing table has no value for the rows already
//! there. PostgreSQL refuses it as soon as the table has a row; SQLite
//! refuses it always (`Cannot add a NOT NULL column with default value
//! NULL`).

use sqlparser::ast::{AlterTableOperation, ColumnDef, ColumnOption};

use crate::lint::context::{default_of, has_option, is_null, Context, Violation};
use crate::model::{Dialect, TypeShorthand};

pub(crate) fn adding_required_field(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter_existing() else {
        return;
    };
    for op in ops {
        let AlterTableOperation::AddColumn { column_def, .. } = op else {
            continue;
        };
        if !required(ctx, column_def) {
            continue;
        }
        let column = ctx.ident(&column_def.name);
        let message = match ctx.dialect {
            Dialect::Sqlite => format!(
                "SQLite refuses to add `{table}.{column}` NOT NULL without a default (`Cannot add a NOT NULL column with default value NULL`)"
            ),
            _ => format!(
                "adding `{table}.{column}` NOT NULL without a default fails as soon as `{table}` has a row"
            ),
        };
        out.push(Violation::new(
            message,
            "give it a default, or add it nullable, fill it, and make it NOT NULL in a later \
             revision (a typed `alter_column` with `nullable = false` in revision.toml does \
             that on every engine, rebuilding the table on SQLite)",
        ));
    }
}

/// True when the column must have a value and gets none.
fn required(ctx: &Context<'_>, def: &ColumnDef) -> bool {
    let not_null = has_option(def, |o| {
        matches!(o, ColumnOption::NotNull | ColumnOption::PrimaryKey(_))
    });
    let fills_itself = has_option(def, |o| matches!(o, ColumnOption::Generated { .. }))
        || matches!(ctx.column_type(&def.data_type), Some((_, TypeShorthand::PgSerial)));
    let defaulted = default_of(def).is_some_and(|d| !is_null(d));
    // On SQLite a PRIMARY KEY column cannot be added at all: another rule.
    let key_only = ctx.dialect == Dialect::Sqlite
        && !has_option(def, |o| matches!(o, ColumnOption::NotNull));
    not_null && !fills_itself && !defaulted && !key_only
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, PG_JOBS, SQLITE_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn not_null_without_a_default_on_an_existing_table() {
        let sql = "ALTER TABLE jobs ADD COLUMN currency text NOT NULL;";
        snap!(
            "adding_required_field_postgres",
            case(Rule::AddingRequiredField, Dialect::Postgres)
                .setup(PG_JOBS)
                .errors(sql)
        );
        snap!(
            "adding_required_field_sqlite",
            case(Rule::AddingRequiredField, Dialect::Sqlite)
                .setup(SQLITE_JOBS)
                .errors(sql)
        );
    }

    #[test]
    fn a_default_a_generated_value_or_a_new_table_is_quiet() {
        case(Rule::AddingRequiredField, Dialect::Postgres)
            .setup(PG_JOBS)
            .ok("ALTER TABLE jobs ADD COLUMN currency text NOT NULL DEFAULT 'EUR';\n\
                 ALTER TABLE jobs ADD COLUMN n bigserial;\n\
                 ALTER TABLE jobs ADD COLUMN k bigint NOT NULL GENERATED ALWAYS AS IDENTITY;\n\
                 CREATE TABLE tags (id bigint PRIMARY KEY);\n\
                 ALTER TABLE tags ADD COLUMN name text NOT NULL;");
        case(Rule::AddingRequiredField, Dialect::Sqlite)
            .setup(SQLITE_JOBS)
            .ok("ALTER TABLE jobs ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';");
    }
}
