//! `adding-not-nullable-field` (squawk's name): `SET NOT NULL` on a
//! column of an existing PostgreSQL table scans every row under an ACCESS
//! EXCLUSIVE lock. From PostgreSQL 12, a validated `CHECK (c IS NOT NULL)`
//! on the table lets it skip the scan: then this is quiet.

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation};

use crate::lint::context::{Context, Violation};
use crate::model::ObjectName;

pub(crate) fn adding_not_nullable_field(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter_existing() else {
        return;
    };
    for op in ops {
        let AlterTableOperation::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetNotNull,
        } = op
        else {
            continue;
        };
        let column = ctx.ident(column_name);
        if ctx.postgres_version >= 12 && has_validated_check(ctx, &table, &column) {
            continue;
        }
        out.push(Violation::new(
            format!(
                "`SET NOT NULL` on `{table}.{column}` scans the whole table under an ACCESS EXCLUSIVE lock"
            ),
            "add `CHECK (column IS NOT NULL) NOT VALID`, validate it in a later revision, then SET NOT NULL: \
             PostgreSQL 12 and later use the validated check and skip the scan (drop the check afterwards)",
        ));
    }
}

/// True when `table` has a CHECK saying exactly `column IS NOT NULL` that
/// is validated (not added `NOT VALID` without a `VALIDATE` since).
fn has_validated_check(ctx: &Context<'_>, table: &ObjectName, column: &str) -> bool {
    let Some(t) = ctx.known_table(table) else {
        return false;
    };
    let wanted = format!("{}isnotnull", column.to_ascii_lowercase());
    t.checks.iter().any(|c| {
        let said: String = c
            .expr
            .chars()
            .filter(|ch| !ch.is_whitespace() && !matches!(ch, '(' | ')' | '"' | '`'))
            .collect::<String>()
            .to_ascii_lowercase();
        said == wanted
            && !c.name.as_ref().is_some_and(|name| {
                ctx.not_valid
                    .iter()
                    .any(|(t, n)| ctx.schema.same_relation(t, table) && n == name)
            })
    })
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, PG_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    fn pg() -> crate::lint::testing::Case {
        case(Rule::AddingNotNullableField, Dialect::Postgres).setup(PG_JOBS)
    }

    #[test]
    fn set_not_null_on_an_existing_table() {
        snap!(
            "adding_not_nullable_field",
            pg().errors("ALTER TABLE jobs ALTER COLUMN title SET NOT NULL;")
        );
    }

    #[test]
    fn a_validated_check_makes_it_quiet_from_postgres_12() {
        let checked = case(Rule::AddingNotNullableField, Dialect::Postgres).setup(
            "CREATE TABLE jobs (id bigint PRIMARY KEY, title text);\n\
             ALTER TABLE jobs ADD CONSTRAINT jobs_title_nn CHECK (title IS NOT NULL) NOT VALID;\n\
             ALTER TABLE jobs VALIDATE CONSTRAINT jobs_title_nn;",
        );
        checked.ok("ALTER TABLE jobs ALTER COLUMN title SET NOT NULL;");
        assert!(!checked
            .postgres(11)
            .findings("ALTER TABLE jobs ALTER COLUMN title SET NOT NULL;")
            .is_empty());
    }

    #[test]
    fn a_check_not_validated_yet_does_not_count() {
        case(Rule::AddingNotNullableField, Dialect::Postgres)
            .setup(
                "CREATE TABLE jobs (id bigint PRIMARY KEY, title text);\n\
                 ALTER TABLE jobs ADD CONSTRAINT jobs_title_nn CHECK (title IS NOT NULL) NOT VALID;",
            )
            .errors("ALTER TABLE jobs ALTER COLUMN title SET NOT NULL;");
    }

    #[test]
    fn a_table_created_in_the_revision_is_quiet() {
        pg().ok("CREATE TABLE tags (name text);\nALTER TABLE tags ALTER COLUMN name SET NOT NULL;");
    }
}
