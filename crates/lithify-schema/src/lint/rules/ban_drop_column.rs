//! `ban-drop-column` (squawk's name), on every engine: the application
//! running when the migration runs still reads and writes the column, and
//! its data is gone. The safe way takes two deployments: one that stops
//! using the column, then the revision that drops it.

use sqlparser::ast::AlterTableOperation;

use crate::lint::context::{Context, Violation};

pub(crate) fn ban_drop_column(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter_existing() else {
        return;
    };
    for op in ops {
        let AlterTableOperation::DropColumn { column_names, .. } = op else {
            continue;
        };
        for name in column_names {
            let column = ctx.ident(name);
            let added_here = [Some(ctx.facts), ctx.up].into_iter().flatten().any(|f| {
                f.columns
                    .iter()
                    .any(|(t, c)| ctx.schema.same_relation(t, &table) && c.eq_ignore_ascii_case(&column))
            });
            if added_here {
                continue;
            }
            out.push(Violation::new(
                format!(
                    "dropping `{table}.{column}` breaks the running application while it still uses the column, and its data is lost"
                ),
                "in two steps: deploy the application without the column (and schema.rs without it), then drop it \
                 in a later revision, marked `-- lithify:allow(ban-drop-column)` once nothing uses it",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, MYSQL_JOBS, PG_JOBS, SQLITE_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn a_column_dropped_from_an_existing_table_on_every_engine() {
        let sql = "ALTER TABLE jobs DROP COLUMN salary;";
        let pg = case(Rule::BanDropColumn, Dialect::Postgres).setup(PG_JOBS).errors(sql);
        snap!("ban_drop_column", pg);
        for (dialect, setup) in [(Dialect::Sqlite, SQLITE_JOBS), (Dialect::Mysql, MYSQL_JOBS)] {
            assert_eq!(case(Rule::BanDropColumn, dialect).setup(setup).findings(sql).len(), 1);
        }
    }

    #[test]
    fn annotated_or_added_in_the_same_revision_is_quiet() {
        let pg = case(Rule::BanDropColumn, Dialect::Postgres).setup(PG_JOBS);
        pg.ok("-- lithify:allow(ban-drop-column): unused since 2.3\nALTER TABLE jobs DROP COLUMN salary;");
        pg.ok("ALTER TABLE jobs DROP COLUMN salary; -- lithify:allow(ban-drop-column)");
        pg.ok("ALTER TABLE jobs ADD COLUMN tmp int;\nALTER TABLE jobs DROP COLUMN tmp;");
        pg.ok("-- safety-assured:start\nALTER TABLE jobs DROP COLUMN salary;\n-- safety-assured:end\n");
    }
}
