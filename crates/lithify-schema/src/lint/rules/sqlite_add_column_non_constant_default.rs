//! `sqlite-add-column-non-constant-default`: SQLite's `ADD COLUMN` takes a
//! default only when it is a constant (a literal, possibly signed or in
//! parentheses); `CURRENT_TIMESTAMP`, a function or an expression makes it
//! fail with `Cannot add a column with non-constant default`.

use sqlparser::ast::AlterTableOperation;

use crate::lint::context::{default_of, is_constant, Context, Violation};

pub(crate) fn sqlite_add_column_non_constant_default(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter() else {
        return;
    };
    for op in ops {
        let AlterTableOperation::AddColumn { column_def, .. } = op else {
            continue;
        };
        let Some(default) = default_of(column_def).filter(|d| !is_constant(d)) else {
            continue;
        };
        out.push(Violation::new(
            format!(
                "SQLite refuses to add `{table}.{}` with the default `{default}` (`Cannot add a column with non-constant default`)",
                ctx.ident(&column_def.name)
            ),
            "add it with a constant default (or none) and fill it with an UPDATE, or write a typed `add_column` \
             with `default_sql` in revision.toml, which rebuilds the table on SQLite",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, SQLITE_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn an_expression_default() {
        let sqlite = case(Rule::SqliteAddColumnNonConstantDefault, Dialect::Sqlite).setup(SQLITE_JOBS);
        snap!(
            "sqlite_add_column_non_constant_default",
            sqlite.errors("ALTER TABLE jobs ADD COLUMN posted_at TEXT DEFAULT CURRENT_TIMESTAMP;")
        );
        sqlite.ok("ALTER TABLE jobs ADD COLUMN remote INTEGER NOT NULL DEFAULT (0);\nALTER TABLE jobs ADD COLUMN n INTEGER DEFAULT -1;\nALTER TABLE jobs ADD COLUMN flag BOOLEAN DEFAULT TRUE;");
    }
}
