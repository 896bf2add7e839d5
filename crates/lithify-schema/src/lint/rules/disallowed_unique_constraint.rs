//! `disallowed-unique-constraint` (squawk's name): a UNIQUE constraint
//! added to an existing PostgreSQL table builds its index under an ACCESS
//! EXCLUSIVE lock. Built concurrently first, the index becomes the
//! constraint with `ADD CONSTRAINT ... UNIQUE USING INDEX`.

use sqlparser::ast::{AlterTableOperation, ColumnOption, TableConstraint};

use crate::lint::context::{has_option, Context, Violation};

pub(crate) fn disallowed_unique_constraint(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter_existing() else {
        return;
    };
    for op in ops {
        let what = match op {
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::Unique(u),
                ..
            } => match &u.name {
                Some(n) => format!("the UNIQUE constraint `{}`", ctx.ident(n)),
                None => "a UNIQUE constraint".to_owned(),
            },
            AlterTableOperation::AddColumn { column_def, .. }
                if has_option(column_def, |o| matches!(o, ColumnOption::Unique(_))) =>
            {
                format!("`{table}.{}` with UNIQUE", ctx.ident(&column_def.name))
            }
            _ => continue,
        };
        out.push(Violation::new(
            format!(
                "adding {what} to `{table}` builds its index under an ACCESS EXCLUSIVE lock (no reads or writes until it is built)"
            ),
            "`CREATE UNIQUE INDEX CONCURRENTLY` in a revision with `run_in_transaction = false`, then \
             `ALTER TABLE ... ADD CONSTRAINT <name> UNIQUE USING INDEX <index>` in the next",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, PG_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn a_unique_constraint_on_an_existing_table() {
        let pg = case(Rule::DisallowedUniqueConstraint, Dialect::Postgres).setup(PG_JOBS);
        snap!(
            "disallowed_unique_constraint",
            pg.errors(
                "ALTER TABLE jobs ADD CONSTRAINT jobs_title_key UNIQUE (title);\n\
                 ALTER TABLE jobs ADD COLUMN slug text UNIQUE;"
            )
        );
        pg.ok(
            "ALTER TABLE jobs ADD CONSTRAINT jobs_title_key UNIQUE USING INDEX jobs_title_idx;\n\
             CREATE TABLE tags (name text);\n\
             ALTER TABLE tags ADD CONSTRAINT tags_name_key UNIQUE (name);",
        );
    }
}
