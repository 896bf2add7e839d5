//! `sqlite-rebuild-renames-old-table`: a hand-written rebuild that first
//! renames the old table out of the way (`ALTER TABLE t RENAME TO t_old`,
//! then `CREATE TABLE t`, copy, `DROP TABLE t_old`) corrupts references:
//! since SQLite 3.26 the foreign keys of other tables, and views and
//! triggers, follow the rename to `t_old`, and point at nothing once it is
//! dropped. SQLite's own procedure creates the new table under another
//! name and renames it into place last.

use crate::lint::context::{renamed_to, Context, Violation};

pub(crate) fn sqlite_rebuild_renames_old_table(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some(statement) = ctx.statement else {
        return;
    };
    let Some((table, _)) = ctx.alter() else {
        return;
    };
    if renamed_to(ctx, statement).is_empty() || ctx.is_new(&table) || !ctx.created_later(&table) {
        return;
    }
    out.push(Violation::new(
        format!(
            "this rebuild renames `{table}` out of the way before creating its replacement: foreign keys of other tables, views and triggers follow the rename and are left pointing at the dropped copy"
        ),
        format!(
            "rebuild in SQLite's order: create `{0}_new`, copy the rows, drop `{0}`, rename `{0}_new` to `{0}` \
             (or write the change as a typed operation in revision.toml, which does exactly that)",
            table.name
        ),
    ));
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, SQLITE_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn renaming_the_old_table_first() {
        let sqlite = case(Rule::SqliteRebuildRenamesOldTable, Dialect::Sqlite).setup(SQLITE_JOBS);
        snap!(
            "sqlite_rebuild_renames_old_table",
            sqlite.errors(
                "ALTER TABLE companies RENAME TO companies_old;\n\
                 CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n\
                 INSERT INTO companies SELECT id, coalesce(name, '') FROM companies_old;\n\
                 DROP TABLE companies_old;"
            )
        );
        sqlite.ok(
            "CREATE TABLE companies_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n\
             INSERT INTO companies_new SELECT id, coalesce(name, '') FROM companies;\n\
             DROP TABLE companies;\n\
             ALTER TABLE companies_new RENAME TO companies;",
        );
    }
}
