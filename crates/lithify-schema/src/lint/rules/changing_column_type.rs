//! `changing-column-type` (squawk's name): PostgreSQL rewrites the table
//! and its indexes under an ACCESS EXCLUSIVE lock for most type changes,
//! and MySQL copies the table (`ALGORITHM=COPY`, no writes meanwhile).
//! Changes the engine makes in place are quiet: on PostgreSQL a longer or
//! unbounded varchar, varchar to text, more precision at the same scale;
//! on MySQL the same type, or a longer varchar with the same length bytes,
//! and any change written with `ALGORITHM=INPLACE` or `INSTANT` (MySQL
//! then refuses rather than copies).

use sqlparser::ast::{AlterTableAlgorithm, AlterTableOperation};

use crate::lint::capacity::{mysql_in_place, pg_in_place};
use crate::lint::context::{Context, Violation};
use crate::model::Dialect;

pub(crate) fn changing_column_type(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    if ctx.dialect == Dialect::Mysql && no_copy_asked(ctx) {
        return;
    }
    for change in ctx.type_changes() {
        let in_place = change.from.is_some_and(|from| match ctx.dialect {
            Dialect::Mysql => mysql_in_place(&from.ty, &change.to),
            _ => pg_in_place(&from.ty, &change.to),
        });
        if in_place {
            continue;
        }
        let (table, column, to) = (&change.table, &change.column, &change.to);
        out.push(match ctx.dialect {
            Dialect::Mysql => Violation::new(
                format!(
                    "changing `{table}.{column}` to `{to}` copies `{table}` (ALGORITHM=COPY): writes wait for the whole copy"
                ),
                "write it with `, ALGORITHM=INPLACE, LOCK=NONE` so MySQL refuses rather than copies, and change a \
                 big table with an online schema change tool (gh-ost, pt-online-schema-change)",
            ),
            _ => Violation::new(
                format!(
                    "changing `{table}.{column}` to `{to}` rewrites `{table}` and its indexes under an ACCESS EXCLUSIVE lock"
                ),
                "add a new column of the new type, fill it in batches and move the application to it, then drop \
                 the old column in a later revision",
            ),
        });
    }
}

/// True when the statement asks MySQL for an in-place or instant change.
fn no_copy_asked(ctx: &Context<'_>) -> bool {
    ctx.alter().is_some_and(|(_, ops)| {
        ops.iter().any(|op| {
            matches!(
                op,
                AlterTableOperation::Algorithm {
                    algorithm: AlterTableAlgorithm::Inplace | AlterTableAlgorithm::Instant,
                    ..
                }
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, MYSQL_JOBS, PG_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn a_type_change_that_rewrites_or_copies() {
        snap!(
            "changing_column_type_postgres",
            case(Rule::ChangingColumnType, Dialect::Postgres)
                .setup(PG_JOBS)
                .errors("ALTER TABLE jobs ALTER COLUMN salary TYPE bigint;")
        );
        snap!(
            "changing_column_type_mysql",
            case(Rule::ChangingColumnType, Dialect::Mysql)
                .setup(MYSQL_JOBS)
                .errors("ALTER TABLE jobs MODIFY COLUMN salary BIGINT;")
        );
    }

    #[test]
    fn in_place_changes_are_quiet() {
        case(Rule::ChangingColumnType, Dialect::Postgres)
            .setup("CREATE TABLE t (id bigint PRIMARY KEY, name varchar(20), amount numeric(10,2));")
            .ok("ALTER TABLE t ALTER COLUMN name TYPE varchar(40);\n\
                 ALTER TABLE t ALTER COLUMN name TYPE text;\n\
                 ALTER TABLE t ALTER COLUMN amount TYPE numeric(12,2);");
        case(Rule::ChangingColumnType, Dialect::Mysql)
            .setup(MYSQL_JOBS)
            .ok("ALTER TABLE jobs MODIFY COLUMN title VARCHAR(60);\n\
                 ALTER TABLE jobs MODIFY COLUMN salary INT NOT NULL;\n\
                 ALTER TABLE jobs MODIFY COLUMN salary BIGINT, ALGORITHM=INPLACE, LOCK=NONE;");
    }
}
