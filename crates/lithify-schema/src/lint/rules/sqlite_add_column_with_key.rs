//! `sqlite-add-column-with-key`: SQLite's `ADD COLUMN` cannot add a
//! PRIMARY KEY or UNIQUE column (`Cannot add a UNIQUE column`): the
//! statement fails. A unique column is the column plus a unique index; a
//! primary key needs the table rebuilt.

use sqlparser::ast::{AlterTableOperation, ColumnOption};

use crate::lint::context::{has_option, Context, Violation};

pub(crate) fn sqlite_add_column_with_key(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter() else {
        return;
    };
    for op in ops {
        let AlterTableOperation::AddColumn { column_def, .. } = op else {
            continue;
        };
        let column = ctx.ident(&column_def.name);
        if has_option(column_def, |o| matches!(o, ColumnOption::PrimaryKey(_))) {
            out.push(Violation::new(
                format!("SQLite refuses to add `{table}.{column}` as a PRIMARY KEY (`Cannot add a PRIMARY KEY column`)"),
                "rebuild the table with the key: create the new table, copy the rows, drop the old one, rename the new one",
            ));
        } else if has_option(column_def, |o| matches!(o, ColumnOption::Unique(_))) {
            out.push(Violation::new(
                format!("SQLite refuses to add `{table}.{column}` as UNIQUE (`Cannot add a UNIQUE column`)"),
                format!(
                    "add the column without UNIQUE, then `CREATE UNIQUE INDEX ... ON {table} ({column})` (or a typed \
                     `add_column` with `unique = true` in revision.toml, which rebuilds the table on SQLite)"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, SQLITE_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn a_unique_or_key_column_added() {
        let sqlite = case(Rule::SqliteAddColumnWithKey, Dialect::Sqlite).setup(SQLITE_JOBS);
        snap!(
            "sqlite_add_column_with_key",
            sqlite.errors("ALTER TABLE jobs ADD COLUMN slug TEXT UNIQUE;\nALTER TABLE companies ADD COLUMN code INTEGER PRIMARY KEY;")
        );
        sqlite.ok("ALTER TABLE jobs ADD COLUMN slug TEXT;\nCREATE UNIQUE INDEX jobs_slug_key ON jobs (slug);");
    }
}
