//! `renaming-column` (squawk's name), on every engine: the application
//! running when the migration runs still uses the old name, and every
//! query of it fails until the new version is deployed.

use sqlparser::ast::AlterTableOperation;

use crate::lint::context::{Context, Violation};

pub(crate) fn renaming_column(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter_existing() else {
        return;
    };
    for op in ops {
        let (old, new) = match op {
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => (ctx.ident(old_column_name), ctx.ident(new_column_name)),
            AlterTableOperation::ChangeColumn {
                old_name, new_name, ..
            } => (ctx.ident(old_name), ctx.ident(new_name)),
            _ => continue,
        };
        let added_here = ctx
            .facts
            .columns
            .iter()
            .any(|(t, c)| ctx.schema.same_relation(t, &table) && c.eq_ignore_ascii_case(&old));
        if old == new || added_here {
            continue;
        }
        out.push(Violation::new(
            format!(
                "renaming `{table}.{old}` to `{new}` breaks the running application, which still uses `{old}`"
            ),
            "add the new column, write both and copy the values, deploy the application using the new one, \
             then drop the old one in a later revision",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, MYSQL_JOBS, PG_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn a_column_renamed() {
        snap!(
            "renaming_column",
            case(Rule::RenamingColumn, Dialect::Postgres)
                .setup(PG_JOBS)
                .errors("ALTER TABLE jobs RENAME COLUMN title TO name;")
        );
        let my = case(Rule::RenamingColumn, Dialect::Mysql).setup(MYSQL_JOBS);
        assert_eq!(my.findings("ALTER TABLE jobs CHANGE COLUMN title name VARCHAR(50);").len(), 1);
        my.ok("ALTER TABLE jobs CHANGE COLUMN title title VARCHAR(80);");
    }
}
