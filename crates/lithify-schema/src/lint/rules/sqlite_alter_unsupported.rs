//! `sqlite-alter-unsupported`: SQLite's `ALTER TABLE` renames a table,
//! renames, adds and drops a column, and nothing else: changing a column's
//! type, nullability or default, or adding or dropping a constraint, is a
//! syntax error there. The change is a table rebuild, which a typed
//! revision gets for free.

use sqlparser::ast::AlterTableOperation;

use crate::lint::context::{Context, Violation};

pub(crate) fn sqlite_alter_unsupported(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter() else {
        return;
    };
    for op in ops {
        let supported = matches!(
            op,
            AlterTableOperation::AddColumn { .. }
                | AlterTableOperation::DropColumn { .. }
                | AlterTableOperation::RenameColumn { .. }
                | AlterTableOperation::RenameTable { .. }
        );
        if supported {
            continue;
        }
        let written = op.to_string();
        let words: Vec<&str> = written.split_whitespace().take(3).collect();
        out.push(Violation::new(
            format!(
                "SQLite has no `ALTER TABLE ... {}` (on `{table}`): the statement fails",
                words.join(" ")
            ),
            "write the change as a typed operation in a revision.toml (`alter_column`, `create_check`, \
             `drop_constraint`, ...), which lithify compiles to SQLite's table rebuild, or rebuild the table in \
             up.sqlite.sql (create the new table, copy the rows, drop the old one, rename the new one)",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, SQLITE_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn alter_forms_sqlite_lacks() {
        let sqlite = case(Rule::SqliteAlterUnsupported, Dialect::Sqlite).setup(SQLITE_JOBS);
        snap!(
            "sqlite_alter_unsupported",
            sqlite.errors(
                "ALTER TABLE jobs ALTER COLUMN title SET NOT NULL;\nALTER TABLE jobs ADD CONSTRAINT salary_positive CHECK (salary > 0);"
            )
        );
        sqlite.ok(
            "ALTER TABLE jobs ADD COLUMN remote INTEGER;\nALTER TABLE jobs RENAME COLUMN title TO name;\n\
             ALTER TABLE jobs DROP COLUMN remote;\nALTER TABLE jobs RENAME TO postings;",
        );
    }
}
