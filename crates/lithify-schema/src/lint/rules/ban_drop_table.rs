//! `ban-drop-table` (squawk's name), on every engine: the application
//! running when the migration runs still uses the table, and its rows are
//! gone. Quiet for a table created in the same revision, and for the old
//! table of a rebuild (a later statement renames its replacement into
//! place: the table changes, nothing is removed).

use sqlparser::ast::{ObjectType, Statement};

use crate::lint::context::{Context, Violation};

pub(crate) fn ban_drop_table(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some(Statement::Drop {
        object_type: ObjectType::Table,
        names,
        ..
    }) = ctx.statement
    else {
        return;
    };
    for name in names {
        let table = ctx.name(name);
        let created_by_up = ctx
            .up
            .is_some_and(|up| up.tables.iter().any(|t| ctx.schema.same_relation(t, &table)));
        if ctx.is_new(&table) || created_by_up || ctx.renamed_into_place_later(&table) {
            continue;
        }
        out.push(Violation::new(
            format!(
                "dropping table `{table}` breaks the running application while it still uses it, and its rows are lost"
            ),
            "in two steps: deploy the application without the table (and schema.rs without it), then drop it \
             in a later revision, marked `-- lithify:allow(ban-drop-table)` once nothing uses it",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, SQLITE_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn an_existing_table_dropped() {
        let sqlite = case(Rule::BanDropTable, Dialect::Sqlite).setup(SQLITE_JOBS);
        snap!("ban_drop_table", sqlite.errors("DROP TABLE companies;"));
    }

    #[test]
    fn a_rebuild_or_a_table_of_the_revision_is_quiet() {
        let sqlite = case(Rule::BanDropTable, Dialect::Sqlite).setup(SQLITE_JOBS);
        sqlite.ok(
            "CREATE TABLE jobs_new (id INTEGER PRIMARY KEY, title TEXT NOT NULL);\n\
             INSERT INTO jobs_new (id, title) SELECT id, coalesce(title, '') FROM jobs;\n\
             DROP TABLE jobs;\n\
             ALTER TABLE jobs_new RENAME TO jobs;\n\
             CREATE TABLE scratch (x INTEGER);\n\
             DROP TABLE scratch;",
        );
    }
}
